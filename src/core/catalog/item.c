/* item.c — service items stored: put, retired, read, listed and counted. */
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

/* The department's name, or YC_EINVAL naming field when it does not exist. */
static int department_name(db *d, const char *code, const char *field, char *out, size_t size,
			   yc_err *err)
{
	db_stmt *st = db_prepare(d, "SELECT name FROM departments WHERE code = ?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, code);
	int rc = db_step(st, err);
	if (rc == DB_ROW)
		snprintf(out, size, "%s", db_col_text(st, 0));
	db_done(st);
	if (rc == DB_DONE)
		return yc_err_set(err, YC_EINVAL, field, "no department with code '%s'", code);
	return rc < 0 ? rc : 0;
}

/*
 * Department names this process has read, for a new item written without
 * waiting for a read (see catalog_item_put). A name gone stale is harmless:
 * the write is guarded by it, and its batch runs again on the reading path.
 * Direct-mapped; a collision replaces the older name.
 */
enum { DEPT_NAMES = 64 };

static struct {
	pthread_mutex_t lock;
	struct {
		char code[32];
		char name[200];
	} e[DEPT_NAMES];
} dept_names = {PTHREAD_MUTEX_INITIALIZER};

static bool dept_name_known(const char *code, char *out, size_t size)
{
	unsigned i = yc_hash_str(code) % DEPT_NAMES;
	pthread_mutex_lock(&dept_names.lock);
	bool known = !strcmp(dept_names.e[i].code, code);
	if (known)
		snprintf(out, size, "%s", dept_names.e[i].name);
	pthread_mutex_unlock(&dept_names.lock);
	return known;
}

static void dept_name_seen(const char *code, const char *name)
{
	if (strlen(code) >= sizeof(dept_names.e[0].code) ||
	    strlen(name) >= sizeof(dept_names.e[0].name))
		return;
	unsigned i = yc_hash_str(code) % DEPT_NAMES;
	pthread_mutex_lock(&dept_names.lock);
	snprintf(dept_names.e[i].code, sizeof(dept_names.e[i].code), "%s", code);
	snprintf(dept_names.e[i].name, sizeof(dept_names.e[i].name), "%s", name);
	pthread_mutex_unlock(&dept_names.lock);
}

/* Tells watchers (the guide's screens, other nodes) that an item changed. */
static int item_event(db *d, const char *action, const char *code, yc_err *err)
{
	char object[64];
	yc_buf payload;
	yc_buf_init(&payload, 256);
	snprintf(object, sizeof(object), "item/%s", code);
	yc_buf_adds(&payload, "{\"code\":");
	yc_json_add_str(&payload, code);
	yc_buf_addc(&payload, '}');
	int rc = outbox_append(d, "item", action, object, payload.data, err);
	yc_buf_release(&payload);
	return rc;
}

int catalog_item_put(db *d, const yc_actor *actor, const cJSON *doc, enum catalog_put_mode mode,
		     yc_buf *out, yc_err *err)
{
	int rc = catalog_item_validate(doc, err);
	if (rc)
		return rc;
	const char *code = yc_json_str(doc, "code");
	char dname[200];
	db_stmt *st;
	int i = 0;
	const cJSON *e;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(doc, "steps")) {
		char path[48], ignored[200];
		snprintf(path, sizeof(path), "steps[%d].department", i++);
		if ((rc = department_name(d, yc_json_str(e, "department"), path, ignored,
					  sizeof(ignored), err)))
			return rc;
	}

	/* the places that handle it (实施清单): offices of the district */
	i = 0;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(doc, "offices")) {
		char path[32];
		snprintf(path, sizeof(path), "offices[%d]", i++);
		st = db_prepare(d, "SELECT 1 FROM offices WHERE code = ?", err);
		if (!st)
			return err->code;
		db_bind_text(st, 1, e->valuestring);
		rc = db_step(st, err);
		db_done(st);
		if (rc == DB_DONE)
			return yc_err_set(err, YC_EINVAL, path, "no office with code '%s'",
					  e->valuestring);
		if (rc < 0)
			return rc;
	}

	const char *status = yc_json_str(doc, "status");
	const char *department = yc_json_str(doc, "department");
	char *before = NULL;
	char *text = NULL;
	bool exists = false;
	/*
	 * A new item where sends are queued (PostgreSQL's writers) does not wait
	 * for a read: it assumes the code is free and the department's name is
	 * the one last seen, and the insert below holds only if both are true.
	 * If not, its batch runs again without queuing and comes here to read.
	 */
	bool assume = mode == CATALOG_CREATE && db_queuing(d) &&
		      dept_name_known(department, dname, sizeof(dname));
	if (!assume) {
		/* One lookup: the department's name, and the item's before-image if it exists. */
		st = db_prepare(d,
				"SELECT dep.name, it.doc, it.status FROM departments dep"
				" LEFT JOIN items it ON it.code = ? WHERE dep.code = ?",
				err);
		if (!st)
			return err->code;
		db_bind_text(st, 1, code);
		db_bind_text(st, 2, department);
		rc = db_step(st, err);
		exists = rc == DB_ROW && !db_col_null(st, 1);
		if (rc == DB_ROW) {
			snprintf(dname, sizeof(dname), "%s", db_col_text(st, 0));
			dept_name_seen(department, dname);
		}
		if (exists)
			before = strdup(db_col_text(st, 1));
		if (exists && !status)
			status = !strcmp(db_col_text(st, 2), "retired") ? "retired" : "active";
		db_done(st);
		if (rc == DB_DONE)
			return yc_err_set(err, YC_EINVAL, "department",
					  "no department with code '%s'", department);
		if (rc < 0)
			return rc;
	}

	/* The stored document: as given, with the department's name and without status. */
	cJSON *stored = cJSON_Duplicate(doc, 1);
	if (!stored) {
		rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
		goto out;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(stored, "status");
	cJSON_DeleteItemFromObjectCaseSensitive(stored, "department_name");
	cJSON_AddStringToObject(stored, "department_name", dname);
	text = cJSON_PrintUnformatted(stored);
	cJSON_Delete(stored);
	if (!text) {
		rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
		goto out;
	}
	if (exists && mode == CATALOG_CREATE) {
		rc = yc_err_set(err, YC_EEXISTS, "code", "an item with code %s exists", code);
		goto out;
	}
	if (!exists && mode == CATALOG_UPDATE) {
		rc = yc_err_set(err, YC_ENOTFOUND, "code", "no item with code %s", code);
		goto out;
	}
	const cJSON *legal = cJSON_GetObjectItemCaseSensitive(doc, "legal_limit");
	const cJSON *promised = cJSON_GetObjectItemCaseSensitive(doc, "promised_limit");
	const cJSON *ap = cJSON_GetObjectItemCaseSensitive(doc, "approval");
#define ITEM_INSERT                                                                                \
	"INSERT INTO items (code, basic_code, name, department, level, type, case_type,"           \
	" online_depth, visits, legal_value, legal_unit, promised_value, promised_unit,"           \
	" levels_before, levels, signatures_before, signatures, status, doc, updated_ms, "         \
	"keywords)"
	const char *sql_insert = ITEM_INSERT
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	/* one row, or none when the department's name is not the one assumed */
	const char *sql_insert_assumed =
		ITEM_INSERT " SELECT ?, ?, ?, ?, ?, ?, ?, CAST(? AS INTEGER), CAST(? AS INTEGER),"
			    " CAST(? AS INTEGER), ?, CAST(? AS INTEGER), ?, CAST(? AS INTEGER),"
			    " CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER), ?, ?,"
			    " CAST(? AS BIGINT), ? FROM departments WHERE code = ? AND name = ?";
#undef ITEM_INSERT
	const char *sql_update =
		"UPDATE items SET code = ?, basic_code = ?, name = ?, department = ?, level = ?,"
		" type = ?, case_type = ?, online_depth = ?, visits = ?, legal_value = ?,"
		" legal_unit = ?, promised_value = ?, promised_unit = ?, levels_before = ?,"
		" levels = ?, signatures_before = ?, signatures = ?, status = ?, doc = ?,"
		" updated_ms = ?, keywords = ? WHERE code = ?";
	st = db_prepare(d, exists ? sql_update : assume ? sql_insert_assumed : sql_insert, err);
	if (!st) {
		rc = err->code;
		goto out;
	}
	int64_t levels = yc_json_int(ap, "levels", 0), sigs = yc_json_int(ap, "signatures", 0);
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, yc_json_str(doc, "basic_code"));
	db_bind_text(st, 3, yc_json_str(doc, "name"));
	db_bind_text(st, 4, yc_json_str(doc, "department"));
	db_bind_text(st, 5, yc_json_str(doc, "level"));
	db_bind_text(st, 6, yc_json_str(doc, "type"));
	db_bind_text(st, 7, yc_json_str(doc, "case_type"));
	db_bind_int(st, 8, yc_json_int(doc, "online_depth", 1));
	db_bind_int(st, 9, yc_json_int(doc, "visits", 0));
	db_bind_int(st, 10, yc_json_int(legal, "value", 0));
	db_bind_text(st, 11, yc_json_str(legal, "unit"));
	db_bind_int(st, 12, yc_json_int(promised, "value", 0));
	db_bind_text(st, 13, yc_json_str(promised, "unit"));
	db_bind_int(st, 14, yc_json_int(ap, "levels_before", levels));
	db_bind_int(st, 15, levels);
	db_bind_int(st, 16, yc_json_int(ap, "signatures_before", sigs));
	db_bind_int(st, 17, sigs);
	db_bind_text(st, 18, status ? status : "active");
	db_bind_text(st, 19, text);
	db_bind_int(st, 20, yc_now_ms());
	db_bind_text(st, 21, yc_json_str(doc, "keywords") ? yc_json_str(doc, "keywords") : "");
	if (exists)
		db_bind_text(st, 22, code);
	if (assume) {
		db_bind_text(st, 22, department);
		db_bind_text(st, 23, dname);
	}
	rc = assume ? db_send_expect(st, 1, err) : db_send(st, err);
	db_done(st);
	if (rc == YC_EEXISTS) /* created by another writer since the read, and committed */
		rc = yc_err_set(err, YC_EEXISTS, "code", "an item with code %s exists", code);
	if (rc < 0)
		goto out;
	char object[64];
	snprintf(object, sizeof(object), "item/%s", code);
	rc = audit_append(d, actor, exists ? "item.update" : "item.create", object, NULL, before,
			  text, err);
	if (!rc)
		rc = item_event(d, exists ? "item.update" : "item.create", code, err);
	if (!rc && out) {
		/* The answer is what was stored: no need to read it back. */
		yc_buf_addf(out, "{\"status\":\"%s\",", status ? status : "active");
		rc = yc_buf_adds(out, text + 1);
	}
out:
	free(before);
	cJSON_free(text);
	return rc < 0 ? rc : 0;
}

int catalog_item_set_status(db *d, const yc_actor *actor, const char *code, bool retire,
			    yc_err *err)
{
	db_stmt *st = db_prepare(d, "SELECT status FROM items WHERE code = ?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, code);
	int rc = db_step(st, err);
	bool was_retired = rc == DB_ROW && !strcmp(db_col_text(st, 0), "retired");
	db_done(st);
	if (rc == DB_DONE)
		return yc_err_set(err, YC_ENOTFOUND, "code", "no item with code %s", code);
	if (rc < 0)
		return rc;
	if (was_retired == retire)
		return yc_err_set(err, YC_ECONFLICT, "status", "the item is %s already",
				  retire ? "retired" : "active");
	const char *to = retire ? "retired" : "active";
	rc = db_run(d, err, "UPDATE items SET status = ?, updated_ms = ? WHERE code = ?", "sis", to,
		    yc_now_ms(), code);
	if (rc)
		return rc;
	char object[64], before[40], after[40];
	snprintf(object, sizeof(object), "item/%s", code);
	snprintf(before, sizeof(before), "{\"status\":\"%s\"}", retire ? "active" : "retired");
	snprintf(after, sizeof(after), "{\"status\":\"%s\"}", to);
	rc = audit_append(d, actor, retire ? "item.retire" : "item.restore", object, NULL, before,
			  after, err);
	return rc ? rc : item_event(d, retire ? "item.retire" : "item.restore", code, err);
}

int catalog_item_json(db *d, const char *code, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(d, "SELECT status, doc FROM items WHERE code = ?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, code);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		/* The stored document is an object: splice the status in front. */
		const char *doc = db_col_text(st, 1);
		size_t len = db_col_len(st, 1);
		yc_buf_addf(out, "{\"status\":\"%s\",", db_col_text(st, 0));
		rc = len > 2 ? yc_buf_add(out, doc + 1, len - 1) : yc_buf_adds(out, "\"\":0}");
	} else if (rc == DB_DONE) {
		rc = yc_err_set(err, YC_ENOTFOUND, "code", "no item with code %s", code);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int catalog_item_doc(db *d, const char *code, cJSON **doc, bool *active, yc_err *err)
{
	*doc = NULL;
	db_stmt *st = db_prepare(d, "SELECT status, doc FROM items WHERE code = ?", err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, code);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		*active = !strcmp(db_col_text(st, 0), "active");
		rc = yc_json_parse(db_col_text(st, 1), db_col_len(st, 1), doc, err);
	} else if (rc == DB_DONE) {
		rc = yc_err_set(err, YC_ENOTFOUND, "code", "no item with code %s", code);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* Escapes LIKE wildcards so a search for "50%" means the characters. */
static void like_pattern(const char *q, char *out, size_t size)
{
	size_t o = 0;
	out[o++] = '%';
	for (; *q && o + 3 < size; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			out[o++] = '\\';
		out[o++] = *q;
	}
	out[o++] = '%';
	out[o] = '\0';
}

#define ITEM_FILTER                                                                                \
	" WHERE (CAST(? AS TEXT) IS NULL OR name LIKE ? ESCAPE '\\' OR keywords LIKE ? ESCAPE "    \
	"'\\'"                                                                                     \
	"  OR code LIKE ? ESCAPE '\\')"                                                            \
	" AND (CAST(? AS TEXT) IS NULL OR department = ?)"                                         \
	" AND (CAST(? AS TEXT) IS NULL OR level = ?)"                                              \
	" AND (CAST(? AS TEXT) IS NULL OR type = ?)"                                               \
	" AND (CAST(? AS INTEGER) = 0 OR online_depth = ?)"                                        \
	" AND (CAST(? AS INTEGER) = 1 OR status = 'active')"

static int bind_filter(db_stmt *st, const struct catalog_query *q, const char *pattern)
{
	int i = 1;
	db_bind_text(st, i++, q->q);
	db_bind_text(st, i++, pattern);
	db_bind_text(st, i++, pattern);
	db_bind_text(st, i++, pattern);
	db_bind_text(st, i++, q->department);
	db_bind_text(st, i++, q->department);
	db_bind_text(st, i++, q->level);
	db_bind_text(st, i++, q->level);
	db_bind_text(st, i++, q->type);
	db_bind_text(st, i++, q->type);
	db_bind_int(st, i++, q->online_depth);
	db_bind_int(st, i++, q->online_depth);
	db_bind_int(st, i++, q->include_retired);
	return i;
}

int catalog_items_list(db *d, const struct catalog_query *q, yc_buf *out, yc_err *err)
{
	char pattern[400];
	like_pattern(q->q ? q->q : "", pattern, sizeof(pattern));
	int limit = q->limit > 0 && q->limit <= 200 ? q->limit : 20;

	db_stmt *st = db_prepare(d, "SELECT COUNT(*) FROM items" ITEM_FILTER, err);
	if (!st)
		return err->code;
	bind_filter(st, q, pattern);
	int rc = db_step(st, err);
	int64_t total = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	if (rc < 0)
		return rc;

	st = db_prepare(d,
			"SELECT i.code, i.name, i.department, d.name, i.level, i.type, i.case_type,"
			" i.online_depth, i.visits, i.legal_value, i.legal_unit, i.promised_value,"
			" i.promised_unit, i.status FROM items i JOIN departments d"
			" ON d.code = i.department"
			" WHERE i.code IN (SELECT code FROM items" ITEM_FILTER
			" AND code > ?) ORDER BY i.code LIMIT ?",
			err);
	if (!st)
		return err->code;
	int next = bind_filter(st, q, pattern);
	db_bind_text(st, next, q->cursor ? q->cursor : "");
	db_bind_int(st, next + 1, limit + 1);
	yc_buf_adds(out, "{\"items\":[");
	int n = 0;
	char last[64] = "";
	bool more = false;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == limit) {
			more = true;
			break;
		}
		yc_buf_adds(out, n ? ",{\"code\":" : "{\"code\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"name\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_adds(out, ",\"department\":");
		yc_json_add_str(out, db_col_text(st, 2));
		yc_buf_adds(out, ",\"department_name\":");
		yc_json_add_str(out, db_col_text(st, 3));
		yc_buf_addf(
			out,
			",\"level\":\"%s\",\"type\":\"%s\",\"case_type\":\"%s\","
			"\"online_depth\":%lld,\"visits\":%lld,"
			"\"legal_limit\":{\"value\":%lld,\"unit\":\"%s\"},"
			"\"promised_limit\":{\"value\":%lld,\"unit\":\"%s\"},\"status\":\"%s\"}",
			db_col_text(st, 4), db_col_text(st, 5), db_col_text(st, 6),
			(long long)db_col_int(st, 7), (long long)db_col_int(st, 8),
			(long long)db_col_int(st, 9), db_col_text(st, 10),
			(long long)db_col_int(st, 11), db_col_text(st, 12), db_col_text(st, 13));
		snprintf(last, sizeof(last), "%s", db_col_text(st, 0));
		n++;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	yc_buf_addf(out, "],\"total\":%lld,\"next_cursor\":", (long long)total);
	yc_json_add_str(out, more ? last : NULL);
	return yc_buf_addc(out, '}');
}

int catalog_stats_json(db *d, yc_buf *out, yc_err *err)
{
	db_stmt *st =
		db_prepare(d,
			   "SELECT COUNT(*),"
			   " SUM(CASE WHEN online_depth >= 3 THEN 1 ELSE 0 END),"
			   " SUM(CASE WHEN online_depth = 4 THEN 1 ELSE 0 END),"
			   " SUM(CASE WHEN level = 'district' THEN 1 ELSE 0 END),"
			   " SUM(CASE WHEN level = 'town' THEN 1 ELSE 0 END),"
			   " SUM(CASE WHEN level = 'village' THEN 1 ELSE 0 END),"
			   " SUM(CASE WHEN case_type = 'instant' THEN 1 ELSE 0 END),"
			   " SUM(levels_before - levels), SUM(signatures_before - signatures),"
			   " SUM(CASE WHEN visits = 0 THEN 1 ELSE 0 END),"
			   " SUM(CASE WHEN visits <= 1 THEN 1 ELSE 0 END)"
			   " FROM items WHERE status = 'active'",
			   err);
	if (!st)
		return err->code;
	int rc = db_step(st, err);
	int64_t v[11] = {0};
	for (int i = 0; rc == DB_ROW && i < 11; i++)
		v[i] = db_col_int(st, i);
	db_done(st);
	if (rc < 0)
		return rc;

	/* Days cut from legal to promised: hour limits count as fractions of a working day. */
	st = db_prepare(d,
			"SELECT legal_value, legal_unit, promised_value, promised_unit FROM items"
			" WHERE status = 'active'",
			err);
	if (!st)
		return err->code;
	double legal_days = 0, cut_days = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		double per = catalog_minutes_per_workday / 60.0;
		double l = (double)db_col_int(st, 0) /
			   (!strcmp(db_col_text(st, 1), "workhour") ? per : 1);
		double p = (double)db_col_int(st, 2) /
			   (!strcmp(db_col_text(st, 3), "workhour") ? per : 1);
		legal_days += l;
		cut_days += l - p;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	double total = (double)v[0];
	yc_buf_addf(
		out,
		"{\"items\":%lld,\"by_level\":{\"district\":%lld,\"town\":%lld,\"village\":%lld},"
		"\"instant\":%lld,\"promised\":%lld,"
		"\"online_able\":%lld,\"online_able_rate\":%.4f,"
		"\"fully_online\":%lld,\"fully_online_rate\":%.4f,"
		"\"zero_visit\":%lld,\"at_most_one_visit\":%lld,"
		"\"legal_days\":%.1f,\"days_cut\":%.1f,\"days_cut_share\":%.4f,"
		"\"levels_removed\":%lld,\"signatures_removed\":%lld}",
		(long long)v[0], (long long)v[3], (long long)v[4], (long long)v[5], (long long)v[6],
		(long long)(v[0] - v[6]), (long long)v[1], total ? (double)v[1] / total : 0.0,
		(long long)v[2], total ? (double)v[2] / total : 0.0, (long long)v[9],
		(long long)v[10], legal_days, cut_days,
		legal_days > 0 ? cut_days / legal_days : 0.0, (long long)v[7], (long long)v[8]);
	return 0;
}

int catalog_item_material_limit(db *d, const char *code, int64_t *max_kb, yc_err *err)
{
	*max_kb = 0;
	db_stmt *st = db_prepare(d, "SELECT doc FROM items WHERE code = ?", err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, code);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		cJSON *doc = cJSON_Parse(db_col_text(st, 0));
		*max_kb = yc_json_int(doc, "material_max_kb", 0);
		cJSON_Delete(doc);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = yc_err_set(err, YC_EINVAL, "item", "no item with code %s", code);
	}
	db_done(st);
	return rc;
}
