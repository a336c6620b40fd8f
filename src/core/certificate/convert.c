/*
 * convert.c — 存量证照电子化: a department's paper licences still in force become
 * electronic certificates of one of its types, all or nothing.
 *
 * A batch names the type and holds up to CERT_CONVERT_MAX records: the holder, the
 * holder's ID (a resident ID or a unified social credit code), the paper's number, its
 * issue date and its validity, and the type's own fields by their labels. Every record is
 * checked and every bad one named (records[i].field); a paper number the type has converted
 * once is not converted again. Each certificate gets its own serial and today's date, keeps
 * the paper's number and date among its fields and the paper's validity, and names the
 * paper as its subject ("paper", number); it is signed as an approval's is. The holder's
 * account, when a window verified it for that ID and it bears the name, finds it in 我的证照.
 */
#include "core/certificate/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/account.h"
#include "core/common/audit.h"
#include "core/common/ids.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/* The labels the certificate keeps the paper's own under (besides the type's fields). */
#define PAPER_NUMBER "原证编号"
#define PAPER_DATE "原证发证日期"

enum { PROBLEMS_SHOWN = 100 };

struct problems {
	yc_buf *out; /* a JSON array's items, or NULL: only the first is kept (in err) */
	int bad, rows, shown, last; /* problems, the records they are in */
	yc_err *err;
};

static void problem(struct problems *p, int row, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void problem(struct problems *p, int row, const char *field, const char *fmt, ...)
{
	char msg[256], at[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(at, sizeof(at), "records[%d].%s", row, field);
	if (!p->bad++ || row != p->last) {
		p->rows++;
		p->last = row;
	}
	if (p->bad == 1)
		yc_err_set(p->err, YC_EINVAL, at, "%s: %s", at, msg);
	if (!p->out || p->shown >= PROBLEMS_SHOWN)
		return;
	yc_buf_addf(p->out, "%s{\"row\":%d,\"field\":", p->shown++ ? "," : "", row);
	yc_json_add_str(p->out, at);
	yc_buf_adds(p->out, ",\"message\":");
	yc_json_add_str(p->out, msg);
	yc_buf_adds(p->out, "}");
}

int cert_convert_check(const cJSON *body, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"type", YC_JT_STRING, true, 47},
		{"department", YC_JT_STRING, false, 31},
		{"records", YC_JT_ARRAY, true, CERT_CONVERT_MAX},
	};
	int rc = yc_json_check(body, spec, 3, err);
	if (rc)
		return rc;
	if (!cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(body, "records")))
		return yc_err_set(err, YC_EINVAL, "records", "records holds no record");
	return 0;
}

/* The department that converts: the type's issuer, the approver's own, or the one named. */
static int converter(db *d, const yc_user *u, const struct cert_type *t, const cJSON *body,
		     char dept[32], yc_err *err)
{
	const char *named = yc_json_str(body, "department");
	if (u->role == ROLE_APPROVER)
		snprintf(dept, 32, "%s", u->department);
	else if (t->issuer[0])
		snprintf(dept, 32, "%s", t->issuer);
	else if (named && named[0])
		snprintf(dept, 32, "%s", named);
	else
		return yc_err_set(err, YC_EINVAL, "department",
				  "name the department whose %s these are", t->name);
	if (t->issuer[0] && strcmp(dept, t->issuer))
		return yc_err_set(err, YC_EFORBIDDEN, NULL, "%s is issued by %s only", t->name,
				  t->issuer);
	if (!t->issuer[0]) {
		int64_t binds = 0;
		int rc = db_get(d, err,
				"SELECT COUNT(*) FROM cert_type_items c JOIN items i ON i.code ="
				" c.item WHERE c.type = ? AND i.department = ?",
				"ss", "i", t->code, dept, &binds);
		if (rc < 0)
			return rc;
		if (!binds)
			return yc_err_set(err, u->role == ROLE_APPROVER ? YC_EFORBIDDEN : YC_EINVAL,
					  u->role == ROLE_APPROVER ? NULL : "department",
					  "%s issues no %s", dept, t->name);
	}
	return 0;
}

/* One record's checks; the paper numbers seen before it in the batch are in seen[0..i). */
static int check_record(db *d, const struct cert_type *t, const cJSON *r, int i,
			const char **seen, int32_t today, struct problems *p)
{
	static const char *const own[] = {"holder", "holder_id", "number", "issued_on",
					  "valid_until", "fields", NULL};
	if (!cJSON_IsObject(r)) {
		problem(p, i, "record", "a record is an object");
		return 0;
	}
	const cJSON *m;
	cJSON_ArrayForEach (m, r) {
		int k = 0;
		while (own[k] && strcmp(own[k], m->string))
			k++;
		if (!own[k])
			problem(p, i, m->string, "no field %s in a record", m->string);
	}
	const char *holder = yc_json_str(r, "holder"), *id = yc_json_str(r, "holder_id"),
		   *no = yc_json_str(r, "number"), *on = yc_json_str(r, "issued_on"),
		   *until = yc_json_str(r, "valid_until");
	if (!holder || !holder[0] || strlen(holder) > 200)
		problem(p, i, "holder", "the holder's name (up to 200 bytes)");
	if (!id || !(ids_resident_valid(id) || ids_uscc_valid(id)))
		problem(p, i, "holder_id",
			"a resident ID number or a unified social credit code, with its check "
			"character");
	int32_t day = 0;
	if (!no || !no[0] || strlen(no) > 32 || strspn(no, " ") == strlen(no))
		problem(p, i, "number", "the paper licence's number (up to 32 bytes)");
	else {
		for (int k = 0; k < i; k++)
			if (seen[k] && !strcmp(seen[k], no)) {
				problem(p, i, "number", "%s is also records[%d]", no, k);
				break;
			}
		int64_t done = 0;
		int rc = db_get(d, p->err,
				/* by its subject ("type || ''": not through the type's index) */
				"SELECT COUNT(*) FROM certificates WHERE subject = ? AND"
				" subject_kind = 'paper' AND type || '' = ?",
				"ss", "i", no, t->code, &done);
		if (rc < 0)
			return rc;
		if (done)
			problem(p, i, "number", "%s %s was converted before", t->name, no);
	}
	if (!on || yc_date_parse(on, &day))
		problem(p, i, "issued_on", "the paper's issue date, YYYY-MM-DD");
	else if (day > today)
		problem(p, i, "issued_on", "%s is after today", on);
	int32_t end = 0;
	if (!until || (strcmp(until, "长期") && yc_date_parse(until, &end)))
		problem(p, i, "valid_until", "YYYY-MM-DD or 长期");
	else if (strcmp(until, "长期") && end < today)
		problem(p, i, "valid_until", "expired on %s: only licences in force are converted",
			until);
	else if (strcmp(until, "长期") && on && !yc_date_parse(on, &day) && end < day)
		problem(p, i, "valid_until", "before the issue date");
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(r, "fields");
	if (fields && !cJSON_IsObject(fields))
		problem(p, i, "fields", "an object of the type's fields by label");
	const cJSON *own_fields = cJSON_IsObject(fields) ? fields : NULL;
	cJSON_ArrayForEach (m, own_fields) {
		char at[96];
		snprintf(at, sizeof(at), "fields.%s", m->string);
		if (!cJSON_GetObjectItemCaseSensitive(t->fields, m->string))
			problem(p, i, at, "%s has no field %s", t->name, m->string);
		else if (!cJSON_IsString(m) || strlen(m->valuestring) > 500)
			problem(p, i, at, "a text (up to 500 bytes)");
	}
	return 0;
}

/* Loads the type and checks the batch: 0, YC_EINVAL with p->bad rows, or an error. */
static int check_batch(db *d, const struct cert_ctx *c, const yc_user *u, const cJSON *body,
		       struct cert_type *t, char dept[32], struct problems *p, yc_err *err)
{
	if (u->role != ROLE_APPROVER && u->role != ROLE_ADMIN)
		return yc_err_set(err, YC_EFORBIDDEN, NULL,
				  "the issuing department's approvers convert licences");
	int rc = cert_type_load(d, yc_json_str(body, "type"), t, err);
	if (rc == DB_DONE)
		return yc_err_set(err, YC_EINVAL, "type", "no certificate type %s",
				  yc_json_str(body, "type"));
	if (rc < 0)
		return rc;
	if ((rc = converter(d, u, t, body, dept, err)))
		return rc;
	char name[128], code[24];
	if ((rc = cert_issuer_of(d, dept, name, sizeof(name), code, sizeof(code), err)))
		return rc;
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(body, "records");
	int n = cJSON_GetArraySize(list);
	const char **seen = calloc((size_t)n + 1, sizeof(*seen));
	if (!seen)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	int32_t today = (int32_t)((cert_now(c) / 60000 + c->tz_offset_min) / 1440);
	const cJSON *r;
	int i = 0;
	cJSON_ArrayForEach (r, list) {
		if ((rc = check_record(d, t, r, i, seen, today, p)))
			break;
		seen[i++] = yc_json_str(r, "number");
	}
	free(seen);
	if (rc)
		return rc;
	return p->bad ? YC_EINVAL : 0;
}

int cert_convert_problems(db *d, const struct cert_ctx *c, const yc_user *u, const cJSON *body,
			  yc_buf *problems, yc_err *err)
{
	struct cert_type t = {0};
	char dept[32];
	struct problems p = {.out = problems, .err = err};
	int rc = check_batch(d, c, u, body, &t, dept, &p, err);
	cert_type_free(&t);
	if (rc == YC_EINVAL && p.bad)
		return p.rows;
	return rc;
}

/*
 * The account a record's holder has: the one a window verified for that ID number (one at
 * most: users_verified_identity), under the same name. An unverified account that merely
 * claims the number gets nothing, as with walk-in cases (docs/security.md, finding 1).
 */
static int holder_account(db *d, const char *id, const char *name, int64_t *user, yc_err *err)
{
	*user = 0;
	int rc = db_get(d, err,
			"SELECT id FROM users WHERE id_number = ? AND verified_ms IS NOT NULL AND"
			" disabled = 0 AND name = ? AND role = 'applicant'",
			"ss", "i", id, name, user);
	return rc < 0 ? rc : 0;
}

static int convert_one(db *d, const struct cert_ctx *c, const yc_actor *a,
		       const struct cert_type *t, const char *dept, const cJSON *r, int year,
		       yc_err *err)
{
	struct cert_draft dr = {
		.type = t->code,
		.name = t->name,
		.type_code = t->type_code,
		.version = 1,
		.subject_kind = "paper",
		.subject = yc_json_str(r, "number"),
		.issued_ms = cert_now(c),
		.actor = a,
		.sign_later = true, /* the batch's signatures together, on every core */
	};
	snprintf(dr.department, sizeof(dr.department), "%s", dept);
	int rc = cert_issuer_of(d, dept, dr.issuer, sizeof(dr.issuer), dr.issuer_code,
				sizeof(dr.issuer_code), err);
	if (!rc)
		rc = cert_next_serial(d, dept, t->code, year, dr.serial, err);
	if (rc)
		return rc;
	const char *id = yc_json_str(r, "holder_id");
	snprintf(dr.holder, sizeof(dr.holder), "%s", yc_json_str(r, "holder"));
	snprintf(dr.holder_id, sizeof(dr.holder_id), "%s", id);
	snprintf(dr.holder_id_type, sizeof(dr.holder_id_type), "%s",
		 ids_uscc_valid(id) ? "001" : "111");
	snprintf(dr.valid_until, sizeof(dr.valid_until), "%s", yc_json_str(r, "valid_until"));
	snprintf(dr.source, sizeof(dr.source), "paper:%.50s", dr.subject);
	if (!strcmp(dr.holder_id_type, "111") &&
	    (rc = holder_account(d, id, dr.holder, &dr.holder_user, err)))
		return rc;
	/* the type's fields in its order, then the paper's number and date */
	const cJSON *given = cJSON_GetObjectItemCaseSensitive(r, "fields"), *f;
	dr.fields = cJSON_CreateObject();
	cJSON_ArrayForEach (f, t->fields) {
		const char *v = yc_json_str(given, f->string);
		cJSON_AddStringToObject(dr.fields, f->string, v ? v : "");
	}
	cJSON_AddStringToObject(dr.fields, PAPER_NUMBER, dr.subject);
	cJSON_AddStringToObject(dr.fields, PAPER_DATE, yc_json_str(r, "issued_on"));
	rc = cert_make(d, c, &dr, NULL, err);
	cJSON_Delete(dr.fields);
	return rc;
}

int cert_convert(db *d, const struct cert_ctx *c, const yc_user *u, const cJSON *body,
		 yc_buf *out, yc_err *err)
{
	struct cert_type t = {0};
	char dept[32];
	struct problems p = {.err = err};
	int rc = check_batch(d, c, u, body, &t, dept, &p, err);
	int64_t now = cert_now(c);
	int32_t day = (int32_t)((now / 60000 + c->tz_offset_min) / 1440);
	int y;
	unsigned mo, dd;
	yc_civil_from_days(day, &y, &mo, &dd);
	yc_actor a = {u->username, account_role_name(u->role)};
	const cJSON *r, *list = rc ? NULL : cJSON_GetObjectItemCaseSensitive(body, "records");
	int i = 0;
	cJSON_ArrayForEach (r, list) {
		if ((rc = convert_one(d, c, &a, &t, dept, r, y, err))) {
			yc_err_prefix(rc, err, "records[%d]", i);
			break;
		}
		i++;
	}
	if (!rc) {
		char after[160];
		snprintf(after, sizeof(after), "{\"type\":\"%s\",\"department\":\"%s\",\"converted\":%d}",
			 t.code, dept, i);
		rc = audit_append(d, &a, "cert.convert", t.code, NULL, NULL, after, err);
	}
	if (!rc && out)
		rc = yc_buf_addf(out, "{\"type\":\"%s\",\"department\":\"%s\",\"converted\":%d}",
				 t.code, dept, i)
			     ? YC_ENOMEM
			     : 0;
	cert_type_free(&t);
	return rc;
}

/* ,"types":[…]: the types u may convert, each with its fields' labels (a batch's columns). */
static int types_json(db *d, const yc_user *u, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT code, name, fields FROM cert_types t WHERE ? = 0 OR issuer = ?"
				 " OR (issuer = '' AND EXISTS (SELECT 1 FROM cert_type_items c JOIN"
				 " items i ON i.code = c.item WHERE c.type = t.code AND i.department"
				 " = ?)) ORDER BY code",
				 err);
	if (!st)
		return db_failed(err);
	bool approver = u->role == ROLE_APPROVER;
	db_bind_int(st, 1, approver);
	db_bind_text(st, 2, approver ? u->department : "");
	db_bind_text(st, 3, approver ? u->department : "");
	yc_buf_adds(out, ",\"types\":[");
	int rc, n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		yc_buf_adds(out, n++ ? ",{\"code\":" : "{\"code\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"name\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_adds(out, ",\"fields\":[");
		cJSON *fields = cJSON_Parse(db_col_text(st, 2));
		const cJSON *f;
		int k = 0;
		cJSON_ArrayForEach (f, fields) {
			if (k++)
				yc_buf_addc(out, ',');
			yc_json_add_str(out, f->string);
		}
		cJSON_Delete(fields);
		yc_buf_adds(out, "]}");
	}
	db_done(st);
	if (rc < 0)
		return rc;
	return yc_buf_adds(out, "]") ? YC_ENOMEM : 0;
}

int cert_conversions_json(db *d, const yc_user *u, yc_buf *out, yc_err *err)
{
	if (u->role != ROLE_APPROVER && u->role != ROLE_ADMIN && u->role != ROLE_SUPERVISOR)
		return yc_err_set(err, YC_EFORBIDDEN, NULL, "staff only");
	bool all = u->role != ROLE_APPROVER;
	db_stmt *st = db_prepare(d,
				 "SELECT c.type, MAX(t.name) AS name, c.department, COUNT(*) AS"
				 " converted, MAX(c.issued_ms) AS last_ms FROM certificates c JOIN"
				 " cert_types t ON t.code = c.type WHERE c.subject_kind = 'paper' AND"
				 " (? = 1 OR c.department = ?) GROUP BY c.type, c.department"
				 " ORDER BY c.type, c.department",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, all);
	db_bind_text(st, 2, all ? "" : u->department);
	yc_buf_adds(out, "{\"conversions\":");
	int rc = db_rows_json(st, "sssii", out, err);
	if (!rc)
		rc = types_json(d, u, out, err);
	return rc ? rc : yc_buf_adds(out, "}") ? YC_ENOMEM : 0;
}
