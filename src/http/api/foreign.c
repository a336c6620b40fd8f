/*
 * api/foreign.c — the foreign-investment negative list, public: its editions, one edition's
 * measures ("current": the one in force), and an investment checked against the edition in
 * force before anyone applies (the same check a registration meets).
 */
#include <string.h>

#include "core/foreign/foreign.h"
#include "http/router.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static int32_t today(const yc_req *r)
{
	return (int32_t)((yc_now_ms() / 60000 + r->app->cfg.tz_offset_min) / 1440);
}

int api_fdi_editions(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = fdi_editions_json(r->db, today(r), &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_fdi_edition(yc_req *r)
{
	const char *e = r->params[0];
	if (strlen(e) > 16)
		return yc_err_set(&r->err, YC_ENOTFOUND, "edition", "no such edition");
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = fdi_edition_json(r->db, strcmp(e, "current") ? e : NULL, today(r), &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_fdi_check(yc_req *r)
{
	static const yc_jfield spec[] = {
		{"industries", YC_JT_ANY, true},
		{"foreign_share", YC_JT_NUMBER, true},
		{"legal_rep_nationality", YC_JT_STRING, false, 16},
		{"largest_shareholder", YC_JT_STRING, false, 16},
	};
	int rc = yc_json_check(r->body, spec, sizeof(spec) / sizeof(*spec), &r->err);
	if (rc || (rc = fdi_check_input(r->body, "", &r->err)))
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	bool allowed;
	rc = fdi_check(r->db, r->body, today(r), &b, &allowed, &r->err);
	return http_reply_read(r, rc, &b);
}
