/*
 * tax.c — 纳税 indicators computed from the catalog's tax items (those with a "tax" block,
 * docs/tax.md): which are online end to end and marked non-contact (非接触式), the payments
 * and hours a year a typical firm spends on its filings before and after the reform (the
 * sums of the filings' own figures), and the reliefs (六税两费…) the items apply.
 */
#include "core/catalog/catalog.h"

#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "lib/banned.h"

static double num(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

int catalog_tax_json(db *d, yc_buf *out, yc_err *err)
{
	db_stmt *st =
		db_prepare(d,
			   "SELECT code, name, department, online_depth, visits, doc FROM items"
			   " WHERE status = 'active' ORDER BY code",
			   err);
	if (!st)
		return db_failed(err);
	double pay_before = 0, pay_after = 0, hours_before = 0, hours_after = 0;
	int items = 0, non_contact = 0, rc;
	yc_buf_adds(out, "{\"items\":[");
	while ((rc = db_step(st, err)) == DB_ROW) {
		cJSON *doc = cJSON_Parse(db_col_text(st, 5));
		const cJSON *tax = cJSON_GetObjectItemCaseSensitive(doc, "tax");
		if (!tax) {
			cJSON_Delete(doc);
			continue;
		}
		int64_t depth = db_col_int(st, 3), visits = db_col_int(st, 4);
		bool nc = yc_json_bool(tax, "non_contact", false) && depth == 4 && visits == 0;
		non_contact += nc;
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(tax, "payments");
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(tax, "hours");
		double pb = num(p, "before"), pa = num(p, "after");
		double hb = num(h, "before"), ha = num(h, "after");
		pay_before += pb, pay_after += pa, hours_before += hb, hours_after += ha;
		yc_buf_addf(out, "%s{\"code\":", items++ ? "," : "");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"name\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_adds(out, ",\"department\":");
		yc_json_add_str(out, db_col_text(st, 2));
		yc_buf_addf(out,
			    ",\"online_depth\":%lld,\"visits\":%lld,\"non_contact\":%s,"
			    "\"filing\":%s,\"payments\":{\"before\":%g,\"after\":%g},"
			    "\"hours\":{\"before\":%g,\"after\":%g},\"relief\":",
			    (long long)depth, (long long)visits, nc ? "true" : "false",
			    p ? "true" : "false", pb, pa, hb, ha);
		yc_json_add_str(out, yc_json_str(tax, "relief") ? yc_json_str(tax, "relief") : "");
		yc_buf_addc(out, '}');
		cJSON_Delete(doc);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	return yc_buf_addf(out,
			   "],\"count\":%d,\"non_contact\":%d,\"payments\":{\"before\":%g,"
			   "\"after\":%g},"
			   "\"hours\":{\"before\":%g,\"after\":%g}}",
			   items, non_contact, pay_before, pay_after, hours_before, hours_after)
		       ? YC_ENOMEM
		       : 0;
}
