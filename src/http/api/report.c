/*
 * api/report.c — the year in figures: GET /report/year?year=Y as JSON, or with
 * format=xlsx as an Excel workbook (supervisors, the admin).
 */
#include <string.h>

#include "core/report/report.h"
#include "http/router.h"
#include "lib/json.h"
#include "lib/banned.h"

int api_report_year(yc_req *r)
{
	int64_t year;
	int rc = http_query_int(r, "year", 2000, 2100, 2000, &year);
	if (rc)
		return rc;
	if (!http_query(r, "year"))
		return yc_err_set(&r->err, YC_EINVAL, "year", "name the year");
	const char *format = http_query(r, "format");
	if (format && strcmp(format, "json") && strcmp(format, "xlsx"))
		return yc_err_set(&r->err, YC_EINVAL, "format", "format must be json or xlsx");
	yc_buf b;
	yc_buf_init(&b, 0);
	int tz = (int)r->app->cfg.tz_offset_min;
	if (format && !strcmp(format, "xlsx")) {
		rc = report_year_xlsx(r->db, tz, (int)year, &b, &r->err);
		if (!rc) {
			http_header(r, "Content-Type",
				    "application/"
				    "vnd.openxmlformats-officedocument.spreadsheetml.sheet");
			http_header(r, "Content-Disposition",
				    "attachment; filename=\"year-report.xlsx\"");
			http_reply_bytes(r, 200, b.data ? b.data : "", b.len);
		}
		yc_buf_release(&b);
		return rc;
	}
	rc = report_year_json(r->db, tz, (int)year, &b, &r->err);
	return http_reply_read(r, rc, &b);
}
