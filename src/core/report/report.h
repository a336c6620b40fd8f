/*
 * report.h — the year in figures: every figure the district's report states for a year,
 * computed from the data alone (cases, runs, certificates, the catalog, reviews, the fund,
 * grants, tax items, the court), each beside the stated one when the district stated it.
 * As JSON, and as an Excel workbook. See docs/report.md.
 */
#ifndef YC_REPORT_H
#define YC_REPORT_H

#include "db/db.h"
#include "lib/buf.h"
#include "lib/errors.h"

/* The stated figures replaced from {"stated": {key: number}} (the district's own report). */
int report_stated_load(db *d, const char *json, yc_err *err);
/* The figures of calendar year `year` in the district's zone (tz_offset_min east of UTC). */
int report_year_json(db *d, int tz_offset_min, int year, yc_buf *out, yc_err *err);
int report_year_xlsx(db *d, int tz_offset_min, int year, yc_buf *out, yc_err *err);

#endif
