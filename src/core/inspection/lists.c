/*
 * lists.c — the public lists (随机抽查事项清单, the 首次不罚 list) and the
 * rosters' views; the market entity a business registration makes.
 */
#include "core/inspection/internal.h"

#include <stdio.h>
#include <string.h>

#include "core/case/case.h"
#include "core/common/ids.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

int64_t insp_now(const struct insp_ctx *c)
{
	return c && c->now_ms ? c->now_ms : yc_now_ms();
}

int insp_tz(const struct insp_ctx *c)
{
	return c && c->cases ? c->cases->tz_offset_min : 0;
}

int32_t insp_day(const struct insp_ctx *c, int64_t ms)
{
	int64_t local = ms / 60000 + insp_tz(c);
	return (int32_t)(local >= 0 ? local / 1440 : (local - 1439) / 1440);
}

char insp_class_after(char cls, int step)
{
	int v = (cls >= 'A' && cls <= 'D' ? cls - 'A' : 1) + step;
	return (char)('A' + (v < 0 ? 0 : v > 3 ? 3 : v));
}

static const char *const minor_kinds[] = {"no-penalty", "light", NULL};

static int import_items(db *d, const cJSON *list, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"code", YC_JT_STRING, true, 47},    {"department", YC_JT_STRING, true, 31},
		{"name", YC_JT_STRING, true, 200},   {"field", YC_JT_STRING, true, 60},
		{"basis", YC_JT_STRING, true, 1000}, {"content", YC_JT_STRING, true, 1000},
		{"method", YC_JT_STRING, true, 200},
	};
	int rc = yc_json_check_each(list, "items", spec, 7, err);
	int i = 0;
	const cJSON *it;
	cJSON_ArrayForEach (it, cJSON_GetObjectItemCaseSensitive(list, "items")) {
		if (rc)
			break;
		const char *field = yc_json_str(it, "field");
		if (strpbrk(field, ",; \t"))
			rc = yc_err_set(err, YC_EINVAL, "field", "a field holds no , ; or space");
		if (!rc)
			rc = db_run(d, err,
				    "INSERT INTO insp_items (code, department, name, field, basis,"
				    " content, method) VALUES (?, ?, ?, ?, ?, ?, ?)",
				    "sssssss", yc_json_str(it, "code"),
				    yc_json_str(it, "department"), yc_json_str(it, "name"), field,
				    yc_json_str(it, "basis"), yc_json_str(it, "content"),
				    yc_json_str(it, "method"));
		if (rc)
			yc_err_prefix(rc, err, "items[%d]", i);
		i++;
	}
	return rc;
}

static int import_minor(db *d, const cJSON *list, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"code", YC_JT_STRING, true, 47},
		{"department", YC_JT_STRING, true, 31},
		{"name", YC_JT_STRING, true, 300},
		{"basis", YC_JT_STRING, true, 1000},
		{"kind", YC_JT_STRING, true, 16, .one_of = minor_kinds},
	};
	int rc = yc_json_check_each(list, "minor", spec, 5, err);
	int i = 0;
	const cJSON *it;
	cJSON_ArrayForEach (it, cJSON_GetObjectItemCaseSensitive(list, "minor")) {
		if (rc)
			break;
		rc = db_run(d, err,
			    "INSERT INTO insp_minor (code, department, name, basis, kind)"
			    " VALUES (?, ?, ?, ?, ?)",
			    "sssss", yc_json_str(it, "code"), yc_json_str(it, "department"),
			    yc_json_str(it, "name"), yc_json_str(it, "basis"),
			    yc_json_str(it, "kind"));
		if (rc)
			yc_err_prefix(rc, err, "minor[%d]", i);
		i++;
	}
	return rc;
}

int insp_lists_import(db *d, const cJSON *all, yc_err *err)
{
	int rc = import_items(d, all, err);
	return rc ? rc : import_minor(d, all, err);
}

int insp_items_json(db *d, const char *department, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT i.code, i.department, p.name AS department_name, i.name,"
				 " i.field, i.basis, i.content, i.method FROM insp_items i"
				 " JOIN departments p ON p.code = i.department"
				 " WHERE ? = '' OR i.department = ? ORDER BY i.department, i.code",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, department ? department : "");
	db_bind_text(st, 2, department ? department : "");
	yc_buf_adds(out, "{\"items\":");
	int rc = db_rows_json(st, "ssssssss", out, err);
	if (rc)
		return rc;
	if (!(st = db_prepare(d,
			      "SELECT m.code, m.department, p.name AS department_name, m.name,"
			      " m.basis, m.kind FROM insp_minor m JOIN departments p"
			      " ON p.code = m.department WHERE ? = '' OR m.department = ?"
			      " ORDER BY m.department, m.code",
			      err)))
		return db_failed(err);
	db_bind_text(st, 1, department ? department : "");
	db_bind_text(st, 2, department ? department : "");
	yc_buf_adds(out, ",\"minor\":");
	if ((rc = db_rows_json(st, "ssssss", out, err)))
		return rc;
	yc_buf_adds(out, "}");
	return 0;
}

/* ---- the rosters' views ----------------------------------------------------- */

int insp_entities_json(db *d, const yc_user *u, const struct insp_query *q, yc_buf *out,
		       yc_err *err)
{
	/* a department that runs no spot checks keeps no roster: nothing in scope */
	if (!insp_regulator_of(d, u, NULL))
		return yc_buf_adds(out, "{\"entities\":[],\"by_class\":[]}") ? YC_ENOMEM : 0;
	char like[160];
	snprintf(like, sizeof(like), "%%%s%%", q->q ? q->q : "");
	db_stmt *st = db_prepare(
		d,
		"SELECT credit_code, name, type, industry, address, region, class, complaints,"
		" abnormal, serious, foreign_invested, state, source FROM insp_entities"
		" WHERE (? = '' OR credit_code = ? OR name LIKE ?) AND (? = '' OR class = ?)"
		" ORDER BY credit_code LIMIT ?",
		err);
	if (!st)
		return db_failed(err);
	const char *text = q->q ? q->q : "", *cls = q->cls ? q->cls : "";
	db_bind_text(st, 1, text);
	db_bind_text(st, 2, text);
	db_bind_text(st, 3, like);
	db_bind_text(st, 4, cls);
	db_bind_text(st, 5, cls);
	db_bind_int(st, 6, q->limit ? q->limit : 100);
	yc_buf_adds(out, "{\"entities\":");
	int rc = db_rows_json(st, "sssssssiiiiss", out, err);
	if (rc)
		return rc;
	/* the roster's shape, by class */
	if (!(st = db_prepare(
		      d,
		      "SELECT class, COUNT(*) AS n FROM insp_entities WHERE state = 'active'"
		      " GROUP BY class ORDER BY class",
		      err)))
		return db_failed(err);
	yc_buf_adds(out, ",\"by_class\":");
	if ((rc = db_rows_json(st, "si", out, err)))
		return rc;
	yc_buf_adds(out, "}");
	return 0;
}

int insp_inspectors_json(db *d, const yc_user *u, const struct insp_query *q, yc_buf *out,
			 yc_err *err)
{
	if (!insp_regulator_of(d, u, NULL))
		return yc_buf_adds(out, "{\"inspectors\":[]}") ? YC_ENOMEM : 0;
	db_stmt *st =
		db_prepare(d,
			   "SELECT i.cert_no, i.name, i.department, p.name AS department_name,"
			   " i.fields, i.username, i.active, (SELECT COUNT(*) FROM"
			   " insp_conflicts c WHERE c.cert_no = i.cert_no) AS conflicts"
			   " FROM insp_inspectors i JOIN departments p ON p.code = i.department"
			   " WHERE ? = '' OR i.department = ? ORDER BY i.cert_no LIMIT ?",
			   err);
	if (!st)
		return db_failed(err);
	const char *dept = q->department ? q->department : "";
	db_bind_text(st, 1, dept);
	db_bind_text(st, 2, dept);
	db_bind_int(st, 3, q->limit ? q->limit : 200);
	yc_buf_adds(out, "{\"inspectors\":");
	int rc = db_rows_json(st, "ssssssii", out, err);
	if (!rc)
		yc_buf_adds(out, "}");
	return rc;
}

/* ---- the entity a registration makes -------------------------------------------- */

/*
 * A business registration's form names the new entity: its credit code (the
 * licence the approval issued), name, type, industry, address and region.
 */
int insp_entity_registered(db *d, void *arg, const char *kind, const char *no, yc_err *err)
{
	(void)arg;
	if (strcmp(kind, "case") && strcmp(kind, "run"))
		return 0;
	char code[24] = "";
	db_stmt *st = db_prepare(d,
				 /* by its subject: "|| ''" keeps SQLite off the type's and the state's
				    indexes, which thousands of certificates share (and is plain SQL) */
				 "SELECT holder_id, holder_name, data FROM certificates WHERE subject = ?"
				 " AND subject_kind = ? AND type || '' = 'business-licence' AND"
				 " state || '' = 'issued'",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, no);
	db_bind_text(st, 2, kind);
	int rc = db_step(st, err);
	char name[200] = "", type[64] = "企业", address[200] = "";
	if (rc == DB_ROW) {
		db_col_copy(st, 0, code, sizeof(code));
		db_col_copy(st, 1, name, sizeof(name));
		/* the licence's own fields: 类型, 住所 */
		cJSON *data = cJSON_Parse(db_col_text(st, 2));
		const cJSON *f = cJSON_GetObjectItemCaseSensitive(data, "fields");
		const char *t = yc_json_str(f, "类型"), *a = yc_json_str(f, "住所");
		if (t && t[0])
			snprintf(type, sizeof(type), "%s", t);
		if (a)
			snprintf(address, sizeof(address), "%s", a);
		cJSON_Delete(data);
	}
	db_done(st);
	if (rc != DB_ROW || !ids_uscc_valid(code))
		return rc < 0 ? rc : 0;
	int64_t now = yc_now_ms();
	/* new firms start in class B; the industry and region are the bureau's to complete */
	return db_run(d, err,
		      "INSERT INTO insp_entities (credit_code, name, type, industry, address, region,"
		      " class, source, created_ms, updated_ms) VALUES (?, ?, ?, '', ?, '', 'B', ?, ?, ?)"
		      " ON CONFLICT (credit_code) DO UPDATE SET name = excluded.name,"
		      " address = excluded.address, updated_ms = excluded.updated_ms",
		      "sssssii", code, name, type, address, no, now, now);
}
