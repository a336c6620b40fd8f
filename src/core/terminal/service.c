/*
 * service.c — the items a person may apply for at the terminal (self_service in the catalog:
 * the 24-hour area's utilities, 水电气热), with what their forms ask and their materials.
 */
#include "core/terminal/terminal.h"

#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "lib/banned.h"

/* The stored document says "self_service":true (as cJSON prints it, no space). */
#define SELF_SERVICE "%\"self_service\":true%"

int term_services_json(db *d, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT code, name, doc FROM items WHERE status = 'active' AND doc LIKE ?"
				 " ORDER BY code",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, SELF_SERVICE);
	yc_buf_addc(out, '[');
	int rc, n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		cJSON *doc = cJSON_Parse(db_col_text(st, 2));
		/* the main items: their 办理项 are applied for at a window or online */
		if (!doc || yc_json_str(doc, "variant_of")) {
			cJSON_Delete(doc);
			continue;
		}
		yc_buf_adds(out, n++ ? ",{\"code\":" : "{\"code\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"name\":");
		yc_json_add_str(out, db_col_text(st, 1));
		static const char *const members[] = {"form", "materials", "promised_limit",
						      "case_type"};
		for (size_t i = 0; i < sizeof(members) / sizeof(*members); i++) {
			const cJSON *x = cJSON_GetObjectItem(doc, members[i]);
			if (!x)
				continue;
			yc_buf_addf(out, ",\"%s\":", members[i]);
			yc_json_add_item(out, x);
		}
		yc_buf_addc(out, '}');
		cJSON_Delete(doc);
	}
	db_done(st);
	return rc < 0 ? rc : yc_buf_addc(out, ']') ? YC_ENOMEM : 0;
}

int term_service_check(db *d, const char *item, yc_err *err)
{
	int64_t n = 0;
	int rc = db_get(d, err,
			"SELECT COUNT(*) FROM items WHERE code = ? AND status = 'active' AND doc LIKE ?"
			" AND doc NOT LIKE '%\"variant_of\"%'",
			"ss", "i", item ? item : "", SELF_SERVICE, &n);
	if (rc < 0)
		return rc;
	return n ? 0
		 : yc_err_set(err, YC_EINVAL, "item",
			      "this item is not applied for at the self-service terminal");
}
