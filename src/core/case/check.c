/* check.c — a submission's checks: form fields, materials, applicant, delivery. */
#include "core/case/case.h"

#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/case/internal.h"
#include "core/common/ids.h"
#include "core/common/material.h"
#include "core/common/notify.h"
#include "core/common/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/* One form value against its field declaration. */
static int check_form_value(const cJSON *field, const cJSON *v, yc_err *err)
{
	const char *name = yc_json_str(field, "name");
	const char *type = yc_json_str(field, "type");
	char path[80];
	snprintf(path, sizeof(path), "form.%s", name);
	if (!strcmp(type, "number")) {
		if (!cJSON_IsNumber(v))
			return yc_err_set(err, YC_EINVAL, path, "%s must be a number", path);
		return 0;
	}
	if (!cJSON_IsString(v))
		return yc_err_set(err, YC_EINVAL, path, "%s must be a string", path);
	const char *s = v->valuestring;
	size_t len = strlen(s), bad;
	unsigned cp;
	if (!yc_text_clean(s, &bad, &cp))
		return yc_err_set(err, YC_EINVAL, path,
				  "%s holds an invisible or control character (U+%04X) at byte %zu",
				  path, cp, bad);
	int64_t max = yc_json_int(field, "max_length", !strcmp(type, "textarea") ? 4000 : 500);
	if ((int64_t)len > max)
		return yc_err_set(err, YC_EINVAL, path, "%s is longer than %lld bytes", path,
				  (long long)max);
	bool required = yc_json_bool(field, "required", false);
	if (!len)
		return required ? yc_err_set(err, YC_EINVAL, path, "%s is required", path) : 0;
	int32_t day;
	if (!strcmp(type, "date") && yc_date_parse(s, &day))
		return yc_err_set(err, YC_EINVAL, path, "%s must be a date YYYY-MM-DD", path);
	if (!strcmp(type, "phone") && !ids_phone_valid(s))
		return yc_err_set(err, YC_EINVAL, path, "%s must be an 11-digit mobile number",
				  path);
	if (!strcmp(type, "id_number") && !ids_resident_valid(s) && !ids_uscc_valid(s))
		return yc_err_set(err, YC_EINVAL, path,
				  "%s must be a resident ID or a unified social credit code", path);
	if (!strcmp(type, "select")) {
		const cJSON *o;
		bool found = false;
		cJSON_ArrayForEach (o, cJSON_GetObjectItemCaseSensitive(field, "options"))
			if (cJSON_IsString(o) && !strcmp(o->valuestring, s))
				found = true;
		if (!found)
			return yc_err_set(err, YC_EINVAL, path, "%s is not one of its options",
					  path);
	}
	const char *pattern = yc_json_str(field, "pattern");
	if (pattern && *pattern) {
		regex_t re;
		if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB))
			return yc_err_set(err, YC_EINVAL, path,
					  "%s has a pattern that cannot be used", path);
		int m = regexec(&re, s, 0, NULL, 0);
		regfree(&re);
		if (m)
			return yc_err_set(err, YC_EINVAL, path,
					  "%s does not have the expected form", path);
	}
	return 0;
}

int case_check_form(const cJSON *item, const cJSON *form, yc_err *err)
{
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(item, "form");
	if (!cJSON_IsObject(form))
		return yc_err_set(err, YC_EINVAL, "form", "form must be an object");
	const cJSON *v;
	cJSON_ArrayForEach (v, form) {
		bool known = false;
		const cJSON *f;
		cJSON_ArrayForEach (f, fields)
			if (!strcmp(yc_json_str(f, "name"), v->string))
				known = true;
		if (!known)
			return yc_err_set(err, YC_EINVAL, "form",
					  "form.%s is not a field of this item", v->string);
	}
	const cJSON *f;
	cJSON_ArrayForEach (f, fields) {
		const cJSON *val = cJSON_GetObjectItemCaseSensitive(form, yc_json_str(f, "name"));
		char path[80];
		snprintf(path, sizeof(path), "form.%s", yc_json_str(f, "name"));
		if (!val || cJSON_IsNull(val)) {
			if (yc_json_bool(f, "required", false))
				return yc_err_set(err, YC_EINVAL, path, "%s is required", path);
			continue;
		}
		int rc = check_form_value(f, val, err);
		if (rc)
			return rc;
	}
	return 0;
}

static bool is_sha256(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* The declared material id, or NULL when the item has none by that id. */
static const cJSON *declared_material(const cJSON *declared, const char *id)
{
	const cJSON *dm;
	cJSON_ArrayForEach (dm, declared)
		if (!strcmp(yc_json_str(dm, "id"), id))
			return dm;
	return NULL;
}

/*
 * Materials given as [{"id","sha256"}]: each id one of the item's (or the
 * rule's) materials, each content uploaded by owner (whoever else uploaded a
 * content, and whether anybody did, is not said). Or {"id","certificate"}:
 * one of the applicant's electronic certificates stands for the material
 * (免提交), checked by the context's hook. Returns a new array.
 */
int case_check_materials(db *d, const struct case_ctx *c, const cJSON *list,
			 const cJSON *declared, const char *field, int64_t owner,
			 const char *owner_id, cJSON **out, yc_err *err)
{
	*out = cJSON_CreateArray();
	if (!*out)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	if (!list)
		return 0;
	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) > 100)
		return yc_err_set(err, YC_EINVAL, field, "%s must be an array of at most 100",
				  field);
	static const yc_jfield spec[] = {
		{"id", YC_JT_STRING, true, 40},
		{"sha256", YC_JT_STRING, false, 64},
		{"certificate", YC_JT_STRING, false, 95},
	};
	/* First the fields of each, then one lookup of all the contents. */
	const char *shas[100];
	size_t n = 0, i = 0;
	const cJSON *m;
	cJSON_ArrayForEach (m, list) {
		char path[64];
		snprintf(path, sizeof(path), "%s[%zu]", field, i++);
		int rc = yc_json_check(m, spec, 3, err);
		if (rc)
			return yc_err_prefix(rc, err, "%s", path);
		const char *id = yc_json_str(m, "id"), *sha = yc_json_str(m, "sha256");
		bool cert = yc_json_str(m, "certificate") != NULL;
		if (!declared_material(declared, id))
			return yc_err_set(err, YC_EINVAL, path,
					  "%s: %s is not a material of this item", path, id);
		if (!cert && !sha) {
			char f[80];
			snprintf(f, sizeof(f), "%s.sha256", path);
			return yc_err_set(err, YC_EINVAL, f, "%s is required (or a certificate)", f);
		}
		if (cert && sha)
			return yc_err_set(err, YC_EINVAL, path,
					  "%s: give an upload's sha256 or a certificate, not both", path);
		if (cert && !(c && c->material_cert))
			return yc_err_set(err, YC_EINVAL, path,
					  "%s: no certificate stands for a material here", path);
		if (!cert && !is_sha256(sha))
			return yc_err_set(err, YC_EINVAL, path,
					  "%s.sha256 must be 64 lower-case hex digits", path);
		if (!cert)
			shas[n++] = sha;
	}
	struct material_meta meta[100];
	int rc = material_info(d, shas, n, owner, meta, err);
	if (rc)
		return rc;
	size_t at = 0, k = 0;
	cJSON_ArrayForEach (m, list) {
		char path[64];
		snprintf(path, sizeof(path), "%s[%zu]", field, at++);
		const char *id = yc_json_str(m, "id"), *cert = yc_json_str(m, "certificate");
		cJSON *e = cJSON_CreateObject();
		if (!e || !cJSON_AddStringToObject(e, "id", id)) {
			cJSON_Delete(e);
			return yc_err_set(err, YC_ENOMEM, NULL, NULL);
		}
		cJSON_AddItemToArray(*out, e);
		if (cert) {
			const char *name = yc_json_str(declared_material(declared, id), "name");
			rc = c->material_cert(d, c->material_cert_arg, owner, owner_id,
					      name ? name : "", cert, e, err);
			if (rc)
				return yc_err_prefix(rc, err, "%s", path);
			continue;
		}
		if (!meta[k].found)
			return yc_err_set(err, YC_EINVAL, path,
					  "%s: no material you uploaded has this sha256", path);
		if (!cJSON_AddStringToObject(e, "sha256", shas[k]) ||
		    !cJSON_AddStringToObject(e, "type", meta[k].type) ||
		    !cJSON_AddNumberToObject(e, "size", (double)meta[k].size))
			return yc_err_set(err, YC_ENOMEM, NULL, NULL);
		k++;
	}
	return 0;
}

/* Required materials of the rule that the case does not have. */
cJSON *case_missing_required(const cJSON *rule, const cJSON *materials)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *dm;
	cJSON_ArrayForEach (dm, cJSON_GetObjectItemCaseSensitive(rule, "materials")) {
		if (!yc_json_bool(dm, "required", false))
			continue;
		bool have = false;
		const cJSON *m;
		cJSON_ArrayForEach (m, materials)
			if (!strcmp(yc_json_str(m, "id"), yc_json_str(dm, "id")))
				have = true;
		if (!have)
			cJSON_AddItemToArray(out, cJSON_CreateString(yc_json_str(dm, "id")));
	}
	return out;
}

/* The item's rules the case keeps, so that editing the item later changes no case. */
char *case_rule_snapshot(const cJSON *item)
{
	cJSON *r = cJSON_CreateObject();
	if (!r)
		return NULL;
	static const char *const copied[] = {"case_type",  "legal_limit", "steps",
					     "delivery",   "commitment",  "post_check_days",
					     "assignment", "form"};
	for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, copied[i]);
		if (v)
			cJSON_AddItemToObject(r, copied[i], cJSON_Duplicate(v, true));
	}
	cJSON_AddItemToObject(
		r, "limit",
		cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(item, "promised_limit"), true));
	cJSON *mats = cJSON_AddArrayToObject(r, "materials");
	const cJSON *m;
	cJSON_ArrayForEach (m, cJSON_GetObjectItemCaseSensitive(item, "materials")) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "id", yc_json_str(m, "id"));
		cJSON_AddStringToObject(e, "name", yc_json_str(m, "name"));
		cJSON_AddBoolToObject(e, "required", yc_json_bool(m, "required", false));
		cJSON_AddItemToArray(mats, e);
	}
	char *s = cJSON_PrintUnformatted(r);
	cJSON_Delete(r);
	return s;
}

/* A person in a walk-in body: {"name","id_number","phone"} (kind decides the ID's kind). */
static int check_person(const cJSON *p, const char *kind, const char *field, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"kind", YC_JT_STRING, false, 16},     {"name", YC_JT_STRING, true, 100},
		{"id_number", YC_JT_STRING, true, 18}, {"phone", YC_JT_STRING, true, 11},
		{"agent", YC_JT_OBJECT, false, 0},
	};
	int rc = yc_json_check(p, spec, sizeof(spec) / sizeof(spec[0]), err);
	if (rc)
		return yc_err_prefix(rc, err, "%s", field);
	char path[64];
	if (!*yc_json_str(p, "name")) {
		snprintf(path, sizeof(path), "%s.name", field);
		return yc_err_set(err, YC_EINVAL, path, "%s must not be empty", path);
	}
	const char *id = yc_json_str(p, "id_number");
	bool business = kind && !strcmp(kind, "business");
	if (business ? !ids_uscc_valid(id) : !ids_resident_valid(id)) {
		snprintf(path, sizeof(path), "%s.id_number", field);
		return yc_err_set(err, YC_EINVAL, path, "%s is not a valid %s", path,
				  business ? "unified social credit code" : "resident ID number");
	}
	if (!ids_phone_valid(yc_json_str(p, "phone"))) {
		snprintf(path, sizeof(path), "%s.phone", field);
		return yc_err_set(err, YC_EINVAL, path, "%s must be an 11-digit mobile number",
				  path);
	}
	return 0;
}

/* The applicant document: from the account (online) or the body (walk-in at a window). */
int case_build_applicant(db *d, const yc_user *actor, const cJSON *body, struct case_new *n,
			 yc_err *err)
{
	cJSON *a = cJSON_CreateObject();
	if (!a)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	int rc = 0;
	char phone[24] = "";
	if (actor->role == ROLE_APPLICANT) {
		if (cJSON_GetObjectItemCaseSensitive(body, "applicant")) {
			cJSON_Delete(a);
			return yc_err_set(
				err, YC_EINVAL, "applicant",
				"applicants file for themselves; applicant is for clerks");
		}
		struct account_contact ct;
		if ((rc = account_contact(d, actor->id, &ct, err)) == 0) {
			cJSON_AddStringToObject(a, "kind", ct.kind);
			cJSON_AddStringToObject(a, "name", ct.name);
			cJSON_AddStringToObject(a, "id_number", ct.id_number);
			cJSON_AddStringToObject(a, "phone", ct.phone);
			snprintf(phone, sizeof(phone), "%s", ct.phone);
		} else if (rc == YC_ENOTFOUND) {
			rc = yc_err_set(err, YC_EAUTH, NULL, "the account no longer exists");
		}
		n->applicant_user = actor->id;
	} else {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(body, "applicant");
		if (!p) {
			cJSON_Delete(a);
			return yc_err_set(err, YC_EINVAL, "applicant",
					  "applicant is required when a clerk files a case");
		}
		const char *kind = yc_json_str(p, "kind") ? yc_json_str(p, "kind") : "person";
		if (strcmp(kind, "person") && strcmp(kind, "business"))
			rc = yc_err_set(err, YC_EINVAL, "applicant.kind",
					"applicant.kind must be person or business");
		if (!rc)
			rc = check_person(p, kind, "applicant", err);
		const cJSON *agent = cJSON_GetObjectItemCaseSensitive(p, "agent");
		if (!rc && agent)
			rc = check_person(agent, "person", "applicant.agent", err);
		if (!rc) {
			cJSON_AddStringToObject(a, "kind", kind);
			cJSON_AddStringToObject(a, "name", yc_json_str(p, "name"));
			cJSON_AddStringToObject(a, "id_number", yc_json_str(p, "id_number"));
			cJSON_AddStringToObject(a, "phone", yc_json_str(p, "phone"));
			if (agent)
				cJSON_AddItemToObject(a, "agent", cJSON_Duplicate(agent, true));
			snprintf(phone, sizeof(phone), "%s", yc_json_str(p, "phone"));
			/*
			 * A walk-in whose identity a window has verified sees the case in
			 * their portal; an account that only claims the number gets nothing
			 * (issue 18, finding 1), and the owner never changes afterwards.
			 */
			db_stmt *st = db_prepare(d,
						 "SELECT id FROM users WHERE id_number = ?"
						 " AND role = 'applicant' AND disabled = 0"
						 " AND verified_ms IS NOT NULL",
						 err);
			if (st) {
				db_bind_text(st, 1, yc_json_str(p, "id_number"));
				if (db_step(st, NULL) == DB_ROW)
					n->applicant_user = db_col_int(st, 0);
				db_done(st);
			}
		}
	}
	size_t pl = strlen(phone);
	snprintf(n->phone4, sizeof(n->phone4), "%s", pl >= 4 ? phone + pl - 4 : "");
	if (!rc && !(n->applicant = cJSON_PrintUnformatted(a)))
		rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	cJSON_Delete(a);
	return rc;
}

int case_office_exists(db *d, const char *code)
{
	db_stmt *st = db_prepare(d, "SELECT 1 FROM offices WHERE code = ?", NULL);
	if (!st)
		return YC_EINTERNAL;
	db_bind_text(st, 1, code);
	int rc = db_step(st, NULL);
	db_done(st);
	return rc == DB_ROW ? 0 : YC_ENOTFOUND;
}

/* The district's own centre, where online cases go by default (looked up once a minute per thread).
 */
void case_district_office(db *d, char *out, size_t size)
{
	static __thread char cached[32];
	static __thread int64_t cached_at;
	int64_t now = yc_now_ms();
	if (!cached[0] || now - cached_at > 60000) {
		cached[0] = '\0';
		db_stmt *st = db_prepare(
			d,
			"SELECT code FROM offices WHERE level = 'district' ORDER BY code LIMIT 1",
			NULL);
		if (st && db_step(st, NULL) == DB_ROW)
			db_col_copy(st, 0, cached, sizeof(cached));
		if (st)
			db_done(st);
		cached_at = now;
	}
	snprintf(out, size, "%s", cached);
}

/* {"mode","address"?}: the mode one of the rule's; mail needs an address. */
int case_check_delivery(const cJSON *dv, const cJSON *allowed, bool cross_region, const char *field,
			yc_err *err)
{
	static const yc_jfield spec[] = {
		{"mode", YC_JT_STRING, true, 16},
		{"address", YC_JT_STRING, false, 300},
		{"tracking_no", YC_JT_STRING, false, 40},
	};
	int rc = yc_json_check(dv, spec, 3, err);
	if (rc)
		return yc_err_prefix(rc, err, "%s", field);
	const char *mode = yc_json_str(dv, "mode");
	char path[64];
	snprintf(path, sizeof(path), "%s.mode", field);
	if (!yc_one_of(mode, case_delivery_modes))
		return yc_err_set(err, YC_EINVAL, path, "%s must be window, mail or electronic",
				  path);
	bool ok = !allowed || !cJSON_GetArraySize(allowed);
	const cJSON *m;
	cJSON_ArrayForEach (m, allowed)
		if (cJSON_IsString(m) && !strcmp(m->valuestring, mode))
			ok = true;
	if (!ok)
		return yc_err_set(err, YC_EINVAL, path, "this item does not deliver by %s", mode);
	if (cross_region && strcmp(mode, "mail"))
		return yc_err_set(err, YC_EINVAL, path, "a cross-region case is delivered by mail");
	if (!strcmp(mode, "mail") &&
	    !*(yc_json_str(dv, "address") ? yc_json_str(dv, "address") : "")) {
		snprintf(path, sizeof(path), "%s.address", field);
		return yc_err_set(err, YC_EINVAL, path, "delivery by mail needs an address");
	}
	return 0;
}
