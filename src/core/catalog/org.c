/* org.c — departments and offices, and the whole catalog's import and export. */
#include "core/catalog/catalog.h"
#include "core/catalog/internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

int catalog_departments_json(db *d, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT d.code, d.name, d.short_name, d.floor,"
				 " (SELECT COUNT(*) FROM items i WHERE i.department = d.code"
				 "  AND i.status = 'active')"
				 " FROM departments d ORDER BY d.code",
				 err);
	if (!st)
		return err->code;
	int rc, n = 0;
	yc_buf_adds(out, "{\"departments\":[");
	while ((rc = db_step(st, err)) == DB_ROW) {
		yc_buf_adds(out, n++ ? ",{\"code\":" : "{\"code\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"name\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_adds(out, ",\"short_name\":");
		yc_json_add_str(out, db_col_text(st, 2));
		yc_buf_addf(out, ",\"floor\":%lld,\"items\":%lld}", (long long)db_col_int(st, 3),
			    (long long)db_col_int(st, 4));
	}
	db_done(st);
	yc_buf_adds(out, "]}");
	return rc < 0 ? rc : 0;
}

int catalog_offices_json(db *d, yc_buf *out, yc_err *err)
{
	db_stmt *st =
		db_prepare(d,
			   "SELECT code, name, level, parent FROM offices ORDER BY"
			   " CASE level WHEN 'district' THEN 0 WHEN 'town' THEN 1 ELSE 2 END, code",
			   err);
	if (!st)
		return err->code;
	int rc, n = 0;
	yc_buf_adds(out, "{\"offices\":[");
	while ((rc = db_step(st, err)) == DB_ROW) {
		yc_buf_adds(out, n++ ? ",{\"code\":" : "{\"code\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"name\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_addf(out, ",\"level\":\"%s\",\"parent\":", db_col_text(st, 2));
		yc_json_add_str(out, db_col_null(st, 3) ? NULL : db_col_text(st, 3));
		yc_buf_addc(out, '}');
	}
	db_done(st);
	yc_buf_adds(out, "]}");
	return rc < 0 ? rc : 0;
}

int catalog_outlets_json(db *d, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(
		d, "SELECT code, name, bank, address, office FROM outlets ORDER BY code", err);
	if (!st)
		return db_failed(err);
	int rc, n = 0;
	yc_buf_adds(out, "{\"outlets\":[");
	while ((rc = db_step(st, err)) == DB_ROW) {
		static const char *const keys[] = {"code", "name", "bank", "address", "office"};
		for (int k = 0; k < 5; k++) {
			yc_buf_addf(out, k ? ",\"%s\":" : (n ? ",{\"%s\":" : "{\"%s\":"), keys[k]);
			yc_json_add_str(out, db_col_text(st, k));
		}
		yc_buf_addc(out, '}');
		n++;
	}
	db_done(st);
	yc_buf_adds(out, "]}");
	return rc < 0 ? rc : 0;
}

/* Bank outlets (政银合作): each files for the office whose window accepts what it files. */
static int import_outlets(db *d, const yc_actor *actor, const cJSON *arr, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"code", YC_JT_STRING, true, 15},   {"name", YC_JT_STRING, true, 200},
		{"bank", YC_JT_STRING, true, 100},  {"address", YC_JT_STRING, false, 300},
		{"office", YC_JT_STRING, true, 31},
	};
	const cJSON *e;
	int i = 0, rc;
	cJSON_ArrayForEach (e, arr) {
		char path[48];
		snprintf(path, sizeof(path), "outlets[%d]", i++);
		if ((rc = yc_json_check(e, spec, sizeof(spec) / sizeof(spec[0]), err)))
			return yc_err_prefix(rc, err, "%s", path);
		const char *code = yc_json_str(e, "code"), *address = yc_json_str(e, "address");
		rc = db_run(d, err,
			    "INSERT INTO outlets (code, name, bank, address, office) VALUES (?, ?, "
			    "?, ?, ?)"
			    " ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
			    " bank = excluded.bank, address = excluded.address, office = "
			    "excluded.office",
			    "sssss", code, yc_json_str(e, "name"), yc_json_str(e, "bank"),
			    address ? address : "", yc_json_str(e, "office"));
		if (rc == YC_EINVAL)
			return yc_err_set(err, YC_EINVAL, path, "%s: unknown office", path);
		char object[64];
		snprintf(object, sizeof(object), "outlet/%s", code);
		if (!rc)
			rc = audit_append(d, actor, "outlet.put", object, NULL, NULL,
					  yc_json_str(e, "name"), err);
		if (rc)
			return rc;
	}
	return 0;
}

static int import_departments(db *d, const yc_actor *actor, const cJSON *arr, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"code", YC_JT_STRING, true, 31},	  {"name", YC_JT_STRING, true, 200},
		{"short_name", YC_JT_STRING, false, 100}, {"floor", YC_JT_INT, false, 0},
		{"items", YC_JT_INT, false, 0},
	};
	const cJSON *e;
	int i = 0, rc;
	cJSON_ArrayForEach (e, arr) {
		char path[48];
		snprintf(path, sizeof(path), "departments[%d]", i++);
		if ((rc = yc_json_check(e, spec, sizeof(spec) / sizeof(spec[0]), err)))
			return yc_err_prefix(rc, err, "%s", path);
		const char *code = yc_json_str(e, "code");
		rc = db_run(d, err,
			    "INSERT INTO departments (code, name, short_name, floor) VALUES (?, ?, "
			    "?, ?)"
			    " ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
			    " short_name = excluded.short_name, floor = excluded.floor",
			    "sssi", code, yc_json_str(e, "name"),
			    yc_json_str(e, "short_name") ? yc_json_str(e, "short_name") : "",
			    yc_json_int(e, "floor", 2));
		char object[64];
		snprintf(object, sizeof(object), "department/%s", code);
		if (!rc)
			rc = audit_append(d, actor, "department.put", object, NULL, NULL,
					  yc_json_str(e, "name"), err);
		if (rc)
			return rc;
	}
	return 0;
}

static int import_offices(db *d, const yc_actor *actor, const cJSON *arr, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"code", YC_JT_STRING, true, 31},
		{"name", YC_JT_STRING, true, 200},
		{"level", YC_JT_STRING, true, 16},
		{"parent", YC_JT_ANY, false, 0},
	};
	const cJSON *e;
	int i = 0, rc;
	cJSON_ArrayForEach (e, arr) {
		char path[48];
		snprintf(path, sizeof(path), "offices[%d]", i++);
		if ((rc = yc_json_check(e, spec, sizeof(spec) / sizeof(spec[0]), err)) ||
		    (rc = catalog_enum_field(e, "level", "level", catalog_item_levels, true, err)))
			return yc_err_prefix(rc, err, "%s", path);
		const char *code = yc_json_str(e, "code");
		rc = db_run(d, err,
			    "INSERT INTO offices (code, name, level, parent) VALUES (?, ?, ?, ?)"
			    " ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
			    " level = excluded.level, parent = excluded.parent",
			    "ssss", code, yc_json_str(e, "name"), yc_json_str(e, "level"),
			    yc_json_str(e, "parent"));
		if (rc == YC_EINVAL)
			return yc_err_set(err, YC_EINVAL, path, "%s: unknown parent office", path);
		char object[64];
		snprintf(object, sizeof(object), "office/%s", code);
		if (!rc)
			rc = audit_append(d, actor, "office.put", object, NULL, NULL,
					  yc_json_str(e, "name"), err);
		if (rc)
			return rc;
	}
	return 0;
}

/* "variants":[{"of":CODE,"kinds":[KIND…]}]: each main item's 办理项 derived and stored. */
static int import_variants(db *d, const yc_actor *actor, const cJSON *arr, int *count, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"of", YC_JT_STRING, true, 40},
		{"kinds", YC_JT_ARRAY, true, 16},
	};
	const cJSON *e;
	int i = 0, rc = 0;
	cJSON_ArrayForEach (e, arr) {
		char path[48];
		snprintf(path, sizeof(path), "variants[%d]", i++);
		if ((rc = yc_err_prefix(yc_json_check(e, spec, 2, err), err, "%s", path)))
			return rc;
		cJSON *main = NULL;
		bool active;
		rc = catalog_item_doc(d, yc_json_str(e, "of"), &main, &active, err);
		if (rc == YC_ENOTFOUND)
			return yc_err_set(err, YC_EINVAL, path, "%s.of: no item %s", path,
					  yc_json_str(e, "of"));
		if (rc)
			return rc;
		const cJSON *k;
		int j = 0;
		cJSON_ArrayForEach (k, cJSON_GetObjectItemCaseSensitive(e, "kinds")) {
			cJSON *v = NULL;
			if (!cJSON_IsString(k))
				rc = yc_err_set(err, YC_EINVAL, "kind", "a kind is a string");
			else
				rc = catalog_variant(main, k->valuestring, &v, err);
			if (!rc)
				rc = catalog_item_put(d, actor, v, CATALOG_UPSERT, NULL, err);
			cJSON_Delete(v);
			if (rc) {
				cJSON_Delete(main);
				return yc_err_prefix(rc, err, "%s.kinds[%d]", path, j);
			}
			j++;
			(*count)++;
		}
		cJSON_Delete(main);
	}
	return 0;
}

int catalog_import(db *d, const yc_actor *actor, const cJSON *all, int *count, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"departments", YC_JT_ARRAY, false, 0}, {"offices", YC_JT_ARRAY, false, 0},
		{"items", YC_JT_ARRAY, false, 0},	{"outlets", YC_JT_ARRAY, false, 0},
		{"processes", YC_JT_ARRAY, false, 0}, /* the caller's (core/process joins items) */
		{"variants", YC_JT_ARRAY, false, 0},
	};
	*count = 0;
	int rc = yc_json_check(all, spec, sizeof(spec) / sizeof(spec[0]), err);
	if (!rc)
		rc = import_departments(d, actor,
					cJSON_GetObjectItemCaseSensitive(all, "departments"), err);
	if (!rc)
		rc = import_offices(d, actor, cJSON_GetObjectItemCaseSensitive(all, "offices"),
				    err);
	if (!rc)
		rc = import_outlets(d, actor, cJSON_GetObjectItemCaseSensitive(all, "outlets"),
				    err);
	const cJSON *e;
	int i = 0;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(all, "items")) {
		if (rc)
			break;
		rc = yc_err_prefix(catalog_item_put(d, actor, e, CATALOG_UPSERT, NULL, err), err,
				   "items[%d]", i);
		i++;
	}
	if (!rc)
		rc = import_variants(d, actor, cJSON_GetObjectItemCaseSensitive(all, "variants"),
				     &i, err);
	if (!rc)
		*count = i;
	return rc;
}

int catalog_export(db *d, yc_buf *out, yc_err *err)
{
	int rc = yc_buf_adds(out, "{\"departments\":");
	yc_buf part;
	yc_buf_init(&part, 0);
	/* departments_json and offices_json wrap their lists; unwrap them here. */
	if (!rc && !(rc = catalog_departments_json(d, &part, err))) {
		const char *start = strchr(part.data, '[');
		yc_buf_add(out, start, part.len - (size_t)(start - part.data) - 1);
	}
	yc_buf_clear(&part);
	yc_buf_adds(out, ",\"offices\":");
	if (!rc && !(rc = catalog_offices_json(d, &part, err))) {
		const char *start = strchr(part.data, '[');
		yc_buf_add(out, start, part.len - (size_t)(start - part.data) - 1);
	}
	yc_buf_clear(&part);
	yc_buf_adds(out, ",\"outlets\":");
	if (!rc && !(rc = catalog_outlets_json(d, &part, err))) {
		const char *start = strchr(part.data, '[');
		yc_buf_add(out, start, part.len - (size_t)(start - part.data) - 1);
	}
	yc_buf_release(&part);
	if (rc)
		return rc;
	yc_buf_adds(out, ",\"items\":[");
	db_stmt *st = db_prepare(d, "SELECT code FROM items ORDER BY code", err);
	if (!st)
		return err->code;
	char **codes = NULL;
	size_t n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		char **grown = realloc(codes, sizeof(*codes) * (n + 1));
		if (!grown) {
			rc = YC_ENOMEM;
			break;
		}
		codes = grown;
		codes[n++] = strdup(db_col_text(st, 0));
	}
	db_done(st);
	for (size_t i = 0; rc >= 0 && i < n; i++) {
		if (i)
			yc_buf_addc(out, ',');
		rc = catalog_item_json(d, codes[i], out, err);
	}
	for (size_t i = 0; i < n; i++)
		free(codes[i]);
	free(codes);
	if (rc < 0)
		return rc;
	return yc_buf_adds(out, "]}");
}
