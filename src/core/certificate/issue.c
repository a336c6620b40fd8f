/*
 * issue.c — certificate types and issuing on approval.
 *
 * cert_import takes the issuers (each issuing department's unified social
 * credit code), the types and the items and processes each type is bound to,
 * all or nothing. cert_issue_approved is the approval hook: in the approving
 * transaction it finds the type bound to the case's item (or the run's
 * process), numbers the certificate (a serial per department, type and year,
 * under a row lock), builds its data and identifier, signs the canonical bytes
 * and stores them; the holder is told by the case's own message channel.
 */
#include "core/certificate/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/common/ids.h"
#include "core/common/notify.h"
#include "lib/json.h"
#include "lib/sm2.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/* ---- import ---------------------------------------------------------------- */

static const char *const holder_ids[] = {"", "new-credit-code", NULL};

static int import_issuers(db *d, const cJSON *list, int *count, yc_err *err)
{
	static const yc_jfield spec[] = {{"department", YC_JT_STRING, true, 31},
					 {"credit_code", YC_JT_STRING, true, 18}};
	int rc = yc_json_check_each((const cJSON *)list, "issuers", spec, 2, err);
	const cJSON *e;
	int i = 0;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(list, "issuers")) {
		if (rc)
			return rc;
		char field[48];
		snprintf(field, sizeof(field), "issuers[%d].credit_code", i);
		if (!ids_uscc_valid(yc_json_str(e, "credit_code")))
			return yc_err_set(err, YC_EINVAL, field,
					  "%s is not a unified social credit code", field);
		int64_t known = 0;
		rc = db_get(d, err, "SELECT COUNT(*) FROM departments WHERE code = ?", "s", "i",
			    yc_json_str(e, "department"), &known);
		if (rc == DB_ROW && !known) {
			snprintf(field, sizeof(field), "issuers[%d].department", i);
			return yc_err_set(err, YC_EINVAL, field, "%s: no such department", field);
		}
		rc = rc < 0 ? rc
			    : db_run(d, err,
				     "INSERT INTO cert_issuers (department, credit_code) VALUES "
				     "(?, ?)"
				     " ON CONFLICT (department) DO UPDATE SET credit_code ="
				     " excluded.credit_code",
				     "ss", yc_json_str(e, "department"),
				     yc_json_str(e, "credit_code"));
		i++;
		(*count)++;
	}
	return rc;
}

/* A type's own field: "form:NAME" (from the application's form) or a text. */
static int check_fields(const cJSON *fields, const char *at, yc_err *err)
{
	if (!fields)
		return 0;
	if (!cJSON_IsObject(fields))
		return yc_err_set(err, YC_EINVAL, at, "%s is an object of texts", at);
	const cJSON *f;
	cJSON_ArrayForEach (f, fields)
		if (!cJSON_IsString(f) || !f->valuestring[0])
			return yc_err_set(err, YC_EINVAL, at, "%s.%s is a text", at, f->string);
	return 0;
}

static int import_type(db *d, const cJSON *t, int i, yc_err *err)
{
	char at[48];
	const char *code = yc_json_str(t, "code"), *type_code = yc_json_str(t, "type_code");
	const char *holder = yc_json_str(t, "holder"), *issuer = yc_json_str(t, "issuer");
	char definer[19];
	snprintf(definer, sizeof(definer), "%s", type_code);
	snprintf(at, sizeof(at), "types[%d].type_code", i);
	if (strlen(type_code) != 21 || !ids_uscc_valid(definer) ||
	    strspn(type_code + 18, "0123456789") != 3)
		return yc_err_set(err, YC_EINVAL, at,
				  "%s is the definer's credit code followed by 3 digits", at);
	snprintf(at, sizeof(at), "types[%d].holder", i);
	if (strcmp(holder, "applicant") && (strncmp(holder, "form:", 5) || !holder[5]))
		return yc_err_set(err, YC_EINVAL, at, "%s is applicant or form:FIELD", at);
	snprintf(at, sizeof(at), "types[%d].fields", i);
	int rc = check_fields(cJSON_GetObjectItemCaseSensitive(t, "fields"), at, err);
	if (rc)
		return rc;
	if (issuer && issuer[0]) {
		int64_t known = 0;
		if ((rc = db_get(d, err, "SELECT COUNT(*) FROM cert_issuers WHERE department = ?",
				 "s", "i", issuer, &known)) < 0)
			return rc;
		snprintf(at, sizeof(at), "types[%d].issuer", i);
		if (!known)
			return yc_err_set(err, YC_EINVAL, at, "%s issues no certificates", at);
	}
	const cJSON *m;
	int k = 0;
	cJSON_ArrayForEach (m, cJSON_GetObjectItemCaseSensitive(t, "materials")) {
		snprintf(at, sizeof(at), "types[%d].materials[%d]", i, k++);
		if (!cJSON_IsString(m) || !m->valuestring[0] || strlen(m->valuestring) > 120)
			return yc_err_set(err, YC_EINVAL, at, "%s is a material's name", at);
	}
	char *fields = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(t, "fields"));
	char *mats = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(t, "materials"));
	rc = db_run(d, err,
		    "INSERT INTO cert_types (code, name, type_code, holder, holder_id, valid_years,"
		    " issuer, fields, materials) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
		    " ON CONFLICT (code) DO UPDATE SET name = excluded.name, type_code ="
		    " excluded.type_code, holder = excluded.holder, holder_id = excluded.holder_id,"
		    " valid_years = excluded.valid_years, issuer = excluded.issuer, fields ="
		    " excluded.fields, materials = excluded.materials",
		    "sssssisss", code, yc_json_str(t, "name"), type_code, holder,
		    yc_json_str(t, "holder_id") ? yc_json_str(t, "holder_id") : "",
		    yc_json_int(t, "valid_years", 0), issuer ? issuer : "", fields ? fields : "{}",
		    mats ? mats : "[]");
	free(fields);
	free(mats);
	const cJSON *item;
	int j = 0;
	cJSON_ArrayForEach (item, cJSON_GetObjectItemCaseSensitive(t, "items")) {
		if (rc)
			break;
		snprintf(at, sizeof(at), "types[%d].items[%d]", i, j++);
		const char *ic = cJSON_IsString(item) ? item->valuestring : "";
		char dept[32] = "";
		int64_t process = 0;
		if ((rc = db_get(d, err, "SELECT department FROM items WHERE code = ?", "s", "t",
				 ic, dept, sizeof(dept))) == DB_DONE)
			rc = db_get(d, err, "SELECT COUNT(*) FROM processes WHERE code = ?", "s",
				    "i", ic, &process);
		if (rc < 0)
			break;
		if (!dept[0] && !process) {
			rc = yc_err_set(err, YC_EINVAL, at, "%s: no item or process %s", at, ic);
			break;
		}
		/* a case's certificate comes from its own department, which must be an issuer */
		int64_t issues = 1;
		if (!(issuer && issuer[0]) &&
		    (rc = db_get(d, err, "SELECT COUNT(*) FROM cert_issuers WHERE department = ?",
				 "s", "i", dept, &issues)) < 0)
			break;
		if (!issues || (process && !(issuer && issuer[0]))) {
			rc = yc_err_set(err, YC_EINVAL, at,
					"%s: its department issues no certificates; name an issuer",
					at);
			break;
		}
		rc = db_run(d, err,
			    "INSERT INTO cert_type_items (item, type) VALUES (?, ?)"
			    " ON CONFLICT (item) DO UPDATE SET type = excluded.type",
			    "ss", ic, code);
	}
	return rc;
}

int cert_import(db *d, const cJSON *conf, int *count, yc_err *err)
{
	static const yc_jfield top[] = {{"issuers", YC_JT_ARRAY, false, 256},
					{"types", YC_JT_ARRAY, false, 256}};
	static const yc_jfield type_spec[] = {
		{"code", YC_JT_STRING, true, 47},
		{"name", YC_JT_STRING, true, 120},
		{"type_code", YC_JT_STRING, true, 21},
		{"holder", YC_JT_STRING, true, 64},
		{"holder_id", YC_JT_STRING, false, 24, .one_of = holder_ids},
		{"valid_years", YC_JT_INT, false, 0, .min = 0, .max = 50},
		{"issuer", YC_JT_STRING, false, 31},
		{"fields", YC_JT_OBJECT, false, 0},
		{"items", YC_JT_ARRAY, true, 512},
		{"materials", YC_JT_ARRAY, false, 32},
	};
	*count = 0;
	int rc = yc_json_check(conf, top, 2, err);
	if (!rc)
		rc = import_issuers(d, conf, count, err);
	if (!rc)
		rc = yc_json_check_each(conf, "types", type_spec, 10, err);
	const cJSON *t;
	int i = 0;
	cJSON_ArrayForEach (t, cJSON_GetObjectItemCaseSensitive(conf, "types")) {
		if (rc)
			break;
		rc = import_type(d, t, i++, err);
		(*count)++;
	}
	if (!rc)
		rc = audit_append(d, &audit_system_actor, "cert.import", "types", NULL, NULL, NULL,
				  err);
	return rc;
}

/* ---- issuing ----------------------------------------------------------------- */

/* What the approved service says: who, what, where. */
struct subject {
	char kind[8], no[40];
	char item[48], item_name[304], dept[32];
	int64_t applicant_user;
	cJSON *applicant, *form;
};

static int subject_load(db *d, const char *kind, const char *no, struct subject *s, yc_err *err)
{
	bool run = !strcmp(kind, "run");
	db_stmt *st = db_prepare(d,
				 run ? "SELECT process, '', COALESCE(applicant_user, 0), applicant,"
				       " form, process_name FROM process_runs WHERE no = ?"
				     : "SELECT item, department, COALESCE(applicant_user, 0),"
				       " applicant, form, item_name FROM cases WHERE no = ?",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, no);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		snprintf(s->kind, sizeof(s->kind), "%s", kind);
		snprintf(s->no, sizeof(s->no), "%s", no);
		db_col_copy(st, 0, s->item, sizeof(s->item));
		db_col_copy(st, 1, s->dept, sizeof(s->dept));
		s->applicant_user = db_col_int(st, 2);
		s->applicant = cJSON_Parse(db_col_text(st, 3));
		s->form = cJSON_Parse(db_col_text(st, 4));
		db_col_copy(st, 5, s->item_name, sizeof(s->item_name));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW || !s->applicant || !s->form)
		return yc_err_set(err, YC_EINTERNAL, "no", "%s %s cannot be read", kind, no);
	return 0;
}

/* A form field's value as text ("" when absent). */
static void form_text(const cJSON *form, const char *name, char *out, size_t size)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(form, name);
	if (cJSON_IsString(v))
		snprintf(out, size, "%s", v->valuestring);
	else if (cJSON_IsNumber(v))
		snprintf(out, size, "%.15g", v->valuedouble);
	else
		out[0] = '\0';
}

/* The next serial of (department, type) this year: "2026000123", under the row's lock. */
int cert_next_serial(db *d, const char *dept, const char *type, int year, char out[16],
		     yc_err *err)
{
	int rc =
		db_run(d, err,
		       "INSERT INTO cert_serials (department, type, year, last) VALUES (?, ?, ?, 0)"
		       " ON CONFLICT (department, type, year) DO NOTHING",
		       "ssi", dept, type, (int64_t)year);
	int64_t last = 0;
	if (!rc)
		rc = db_get(
			d, err,
			"UPDATE cert_serials SET last = last + 1 WHERE department = ? AND type = ?"
			" AND year = ? RETURNING last",
			"ssi", "i", dept, type, (int64_t)year, &last);
	if (rc < 0)
		return rc;
	snprintf(out, 16, "%04d%06lld", year, (long long)last);
	return 0;
}

/* A new entity's unified social credit code from its registration's serial (the demo's rule). */
static void new_credit_code(const char *region, const char *serial, char out[19])
{
	char first[18];
	size_t n = strlen(serial);
	snprintf(first, sizeof(first), "91%.6sMA%s", region, serial + (n > 7 ? n - 7 : 0));
	snprintf(out, 19, "%s%c", first, ids_uscc_check(first));
}

/* The key fields the envelope carries (and so the QR code): the certificate at a glance. */
static const char *const envelope_fields[] = {"id",	   "name",   "number",	   "holder",
					      "holder_id", "issuer", "issue_date", "valid_until"};

int cert_envelope(const cJSON *data, const yc_buf *bytes, yc_buf *out, yc_err *err)
{
	cJSON *env = cJSON_CreateObject();
	for (size_t i = 0; i < sizeof(envelope_fields) / sizeof(envelope_fields[0]); i++) {
		const char *v = yc_json_str(data, envelope_fields[i]);
		char masked[32];
		if (!strcmp(envelope_fields[i], "holder_id")) {
			ids_mask_id(v ? v : "", masked, sizeof(masked));
			v = masked;
		}
		cJSON_AddStringToObject(env, envelope_fields[i], v ? v : "");
	}
	char sm3[65];
	yc_sm3_hex(bytes->data, bytes->len, sm3);
	cJSON_AddStringToObject(env, "data_sm3", sm3);
	int rc = cert_canonical(env, out, err);
	cJSON_Delete(env);
	return rc;
}

int cert_make(db *d, const struct cert_ctx *c, const struct cert_draft *dr, yc_buf *id_out,
	      yc_err *err)
{
	char id[CERT_ID_MAX], kid[17];
	int rc = cert_ident_make(dr->type_code, dr->issuer_code, dr->serial, dr->version, id, err);
	if (rc)
		return rc;
	cJSON *data = cJSON_CreateObject();
	cJSON_AddStringToObject(data, "id", id);
	cJSON_AddStringToObject(data, "name", dr->name);
	cJSON_AddStringToObject(data, "type_code", dr->type_code);
	cJSON_AddStringToObject(data, "number", dr->serial);
	char version[8], date[16];
	snprintf(version, sizeof(version), "%03d", dr->version);
	cJSON_AddStringToObject(data, "version", version);
	cJSON_AddStringToObject(data, "holder", dr->holder);
	cJSON_AddStringToObject(data, "holder_id_type", dr->holder_id_type);
	cJSON_AddStringToObject(data, "holder_id", dr->holder_id);
	cJSON_AddStringToObject(data, "issuer", dr->issuer);
	cJSON_AddStringToObject(data, "issuer_code", dr->issuer_code);
	int64_t day = (dr->issued_ms / 60000 + c->tz_offset_min) / 1440;
	yc_date_format((int32_t)day, date, sizeof(date));
	cJSON_AddStringToObject(data, "issue_date", date);
	cJSON_AddStringToObject(data, "valid_from", date);
	cJSON_AddStringToObject(data, "valid_until", dr->valid_until);
	cJSON_AddStringToObject(data, "jurisdiction", c->region);
	cJSON_AddStringToObject(data, "source", dr->source);
	cJSON_AddItemToObject(data, "fields", cJSON_Duplicate(dr->fields, true));
	yc_buf bytes, envelope;
	yc_buf_init(&bytes, 0);
	yc_buf_init(&envelope, 0);
	yc_sm2_key *key = NULL;
	bool owned = false;
	rc = cert_canonical(data, &bytes, err);
	if (!rc)
		rc = cert_envelope(data, &bytes, &envelope, err);
	cJSON_Delete(data);
	if (!rc)
		rc = cert_signing_key(d, c, dr->department, kid, &key, &owned, err);
	/* the row first, its signatures as they are made (sign.c) */
	if (!rc)
		rc = db_run(
			d, err,
			"INSERT INTO certificates (id, type, name, number, version, department,"
			" holder_user, holder_name, holder_id_type, holder_id, subject_kind,"
			" subject, issued_ms, valid_until, data, envelope, signature, kid, qr)"
			" VALUES (?, ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, ?,"
			" ?, ?, ?, '', ?, '')",
			"ssssisisssssissss", id, dr->type, dr->name, dr->serial,
			(int64_t)dr->version, dr->department, dr->holder_user, dr->holder,
			dr->holder_id_type, dr->holder_id, dr->subject_kind, dr->subject,
			dr->issued_ms, dr->valid_until, bytes.data, envelope.data, kid);
	if (!rc)
		rc = cert_sign_row(d, id, key, kid, &envelope, dr->sign_later && !owned, err);
	if (owned)
		yc_sm2_key_free(key);
	if (!rc) {
		char after[200];
		snprintf(after, sizeof(after),
			 "{\"type\":\"%s\",\"subject\":\"%s\",\"kid\":\"%s\"}", dr->type,
			 dr->subject, kid);
		rc = audit_append(d, dr->actor, dr->version > 1 ? "cert.supersede" : "cert.issue",
				  id, NULL, NULL, after, err);
	}
	if (!rc && id_out)
		yc_buf_adds(id_out, id);
	yc_buf_release(&bytes);
	yc_buf_release(&envelope);
	return rc;
}

int cert_issue_approved(db *d, void *arg, const char *kind, const char *no, yc_err *err)
{
	const struct cert_ctx *c = arg;
	struct subject s = {0};
	int rc = subject_load(d, kind, no, &s, err);
	struct cert_type t = {0};
	if (!rc)
		rc = cert_type_of_item(d, s.item, &t, err);
	if (rc != DB_ROW) { /* DB_DONE: nothing of this item is a certificate */
		rc = rc == DB_DONE ? 0 : rc;
		goto out;
	}
	rc = 0;
	struct cert_draft dr = {
		.type = t.code,
		.name = t.name,
		.type_code = t.type_code,
		.version = 1,
		.holder_user = s.applicant_user,
		.subject_kind = kind,
		.subject = no,
		.issued_ms = cert_now(c),
		.actor = &audit_system_actor,
		.sign_later = true, /* with the transaction's other approvals, on every core */
	};
	snprintf(dr.department, sizeof(dr.department), "%s", t.issuer[0] ? t.issuer : s.dept);
	if ((rc = cert_issuer_of(d, dr.department, dr.issuer, sizeof(dr.issuer), dr.issuer_code,
				 sizeof(dr.issuer_code), err)))
		goto out;
	int32_t day = (int32_t)((dr.issued_ms / 60000 + c->tz_offset_min) / 1440);
	int y;
	unsigned m, dd;
	yc_civil_from_days(day, &y, &m, &dd);
	if ((rc = cert_next_serial(d, dr.department, t.code, y, dr.serial, err)))
		goto out;
	/* the holder: the applicant, or a name the form gives (a new firm's) */
	const char *akind = yc_json_str(s.applicant, "kind");
	if (!strncmp(t.holder, "form:", 5))
		form_text(s.form, t.holder + 5, dr.holder, sizeof(dr.holder));
	if (!dr.holder[0])
		snprintf(dr.holder, sizeof(dr.holder), "%s",
			 yc_json_str(s.applicant, "name") ? yc_json_str(s.applicant, "name") : "");
	if (!strcmp(t.holder_id, "new-credit-code")) {
		new_credit_code(c->region, dr.serial, dr.holder_id);
		snprintf(dr.holder_id_type, sizeof(dr.holder_id_type), "001");
	} else {
		snprintf(dr.holder_id, sizeof(dr.holder_id), "%s",
			 yc_json_str(s.applicant, "id_number")
				 ? yc_json_str(s.applicant, "id_number")
				 : "");
		snprintf(dr.holder_id_type, sizeof(dr.holder_id_type), "%s",
			 akind && !strcmp(akind, "business") ? "001" : "111");
	}
	if (t.valid_years)
		yc_date_format(yc_days_from_civil(y + t.valid_years, m, dd) - 1, dr.valid_until,
			       sizeof(dr.valid_until));
	else
		snprintf(dr.valid_until, sizeof(dr.valid_until), "长期");
	snprintf(dr.source, sizeof(dr.source), "%s:%s", kind, no);
	/* the type's own fields, from the form or as written */
	dr.fields = cJSON_CreateObject();
	const cJSON *f;
	cJSON_ArrayForEach (f, t.fields) {
		char v[512];
		if (!strncmp(f->valuestring, "form:", 5))
			form_text(s.form, f->valuestring + 5, v, sizeof(v));
		else if (!strcmp(f->valuestring, "item:name"))
			snprintf(v, sizeof(v), "%s", s.item_name);
		else
			snprintf(v, sizeof(v), "%s", f->valuestring);
		cJSON_AddStringToObject(dr.fields, f->string, v);
	}
	yc_buf id;
	yc_buf_init(&id, 0);
	rc = cert_make(d, c, &dr, &id, err);
	cJSON_Delete(dr.fields);
	/* delivered electronically: the holder is told where to find it */
	if (!rc) {
		char to[48], text[400];
		snprintf(to, sizeof(to), "%s:%s", !strcmp(kind, "run") ? "process" : "case", no);
		snprintf(text, sizeof(text),
			 "【一窗】您的%s已签发电子证照（%s，编号%"
			 "s），可在“我的证照”查看、下载和核验。",
			 !strcmp(kind, "run") ? "一件事" : "办件", t.name, dr.serial);
		rc = notify_queue(d, "sms", to, text, err);
	}
	yc_buf_release(&id);
out:
	cert_type_free(&t);
	cJSON_Delete(s.applicant);
	cJSON_Delete(s.form);
	return rc;
}

int cert_of_subject(db *d, const char *kind, const char *no, char *out, yc_err *err)
{
	out[0] = '\0';
	int rc = db_get(d, err,
			"SELECT id FROM certificates WHERE subject = ? AND subject_kind = ?"
			" ORDER BY version DESC LIMIT 1",
			"ss", "t", no, kind, out, (size_t)CERT_ID_MAX);
	return rc < 0 ? rc : 0;
}
