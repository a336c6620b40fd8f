/*
 * status.c — a certificate's states and the signed status list.
 *
 *                 revoke (issuing department's approver, supervisor, admin;
 *                 or the system when its key is compromised)
 *     ┌────────┐ ─────────────────────────────────────────▶ ┌─────────┐
 *     │ issued │                                             │ revoked │
 *     └────────┘ ─────────────────────────────────────────▶ ┌────────────┐
 *          ▲      supersede (approver, admin): a new version │ superseded │
 *          │      with the same number is issued in its place└────────────┘
 *          └─────── the new version starts here
 *
 * Nothing leaves revoked or superseded: a certificate is never un-revoked;
 * the holder is issued a new one. The status list names every certificate
 * that is not good, with when and why, signed by the district's root with
 * this update and the next; a verifier holding a list past its next update
 * treats every status as unknown.
 */
#include "core/certificate/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static const char *const state_names[] = {"issued", "revoked", "superseded"};
static const char *const action_names[] = {"revoke", "supersede"};

#define ISSUER_ROLES (ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN)
static const struct lc_row cert_table[] = {
	{CE_ISSUED, CEA_REVOKE, ISSUER_ROLES, CE_REVOKED, CE_REVOKED, 0, 0},
	{CE_ISSUED, CEA_SUPERSEDE, ROLE_APPROVER | ROLE_ADMIN, CE_SUPERSEDED, CE_SUPERSEDED, 0, 0},
};

const struct lc_table cert_lifecycle = {
	.name = "certificate",
	.rows = cert_table,
	.nrows = (int)(sizeof(cert_table) / sizeof(cert_table[0])),
	.states = state_names,
	.nstates = CE_NSTATES,
	.actions = action_names,
	.nactions = CEA_NACTIONS,
};

int cert_action_check(const cJSON *body, yc_err *err)
{
	static const yc_jfield spec[] = {{"reason", YC_JT_STRING, true, 200},
					 {"fields", YC_JT_OBJECT, false, 0}};
	int rc = yc_json_check(body, spec, 2, err);
	if (!rc && !yc_json_str(body, "reason")[0])
		rc = yc_err_set(err, YC_EINVAL, "reason", "say why");
	const cJSON *f;
	cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive(body, "fields"))
		if (!rc && (!cJSON_IsString(f) || strlen(f->valuestring) > 500))
			rc = yc_err_set(err, YC_EINVAL, "fields",
					"fields.%s is a text of at most "
					"500 bytes",
					f->string);
	return rc;
}

/* The row, the role and scope check, and the move's row: 0 with r loaded. */
static int act_begin(db *d, const yc_user *actor, const char *id, enum cert_action a,
		     struct cert_row *r, yc_err *err)
{
	int rc = cert_row_load(d, id, r, err);
	if (rc)
		return rc;
	if (!cert_may_see(actor, r))
		return yc_err_set(err, YC_ENOTFOUND, "id", "no certificate %s", id);
	int from = lc_state(&cert_lifecycle, r->state);
	const struct lc_row *row = lc_find(&cert_lifecycle, from, a);
	if (!row)
		return lc_refuse(&cert_lifecycle, from, a, err);
	if (!(row->roles & actor->role))
		return yc_err_set(err, YC_EFORBIDDEN, NULL,
				  "only the issuing department's approvers may do this");
	return 0;
}

static int state_store(db *d, const struct cert_row *r, const char *state, int64_t now,
		       const char *reason, const char *replaced_by, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "UPDATE certificates SET state = ?, changed_ms = ?, reason = ?,"
				 " replaced_by = NULLIF(?, '') WHERE id = ? AND state = 'issued'"
				 " RETURNING 1",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, state);
	db_bind_int(st, 2, now);
	db_bind_text(st, 3, reason);
	db_bind_text(st, 4, replaced_by);
	db_bind_text(st, 5, r->id);
	int64_t n = 0;
	int rc = db_count_rows(st, &n, err);
	db_done(st);
	if (!rc && n != 1)
		rc = yc_err_conflict(err, "state", r->state, "the certificate changed meanwhile");
	return rc;
}

int cert_revoke(db *d, const struct cert_ctx *c, const yc_user *actor, const char *id,
		const cJSON *body, yc_buf *out, yc_err *err)
{
	struct cert_row r = {0};
	int rc = act_begin(d, actor, id, CEA_REVOKE, &r, err);
	int64_t now = cert_now(c);
	const char *reason = yc_json_str(body, "reason");
	if (!rc)
		rc = state_store(d, &r, "revoked", now, reason, "", err);
	if (!rc) {
		yc_actor a = {actor->username, account_role_name(actor->role)};
		rc = audit_append(d, &a, "cert.revoke", id, reason, "{\"state\":\"issued\"}",
				  "{\"state\":\"revoked\"}", err);
	}
	cert_row_free(&r);
	if (!rc && out)
		rc = cert_json(d, c, actor, id, out, err);
	return rc;
}

int cert_supersede(db *d, const struct cert_ctx *c, const yc_user *actor, const char *id,
		   const cJSON *body, yc_buf *out, yc_err *err)
{
	struct cert_row r = {0};
	struct cert_type t = {0};
	cJSON *old = NULL;
	int rc = act_begin(d, actor, id, CEA_SUPERSEDE, &r, err);
	if (!rc && r.version >= 999)
		rc = yc_err_set(err, YC_ECONFLICT, "version", "this number has no version left");
	if (!rc && (rc = cert_type_load(d, r.type, &t, err)) == DB_ROW)
		rc = 0;
	else if (rc == DB_DONE)
		rc = yc_err_set(err, YC_EINTERNAL, "type", "type %s is gone", r.type);
	if (!rc && !(old = cJSON_Parse(r.data)))
		rc = yc_err_set(err, YC_EINTERNAL, "data", "certificate %s cannot be read", id);
	yc_buf nid;
	yc_buf_init(&nid, 0);
	if (rc)
		goto out;
	/* the same number, the next version: the fields as they were, with the changes given */
	cJSON *fields = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(old, "fields"), true);
	const cJSON *f;
	cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive(body, "fields")) {
		if (!cJSON_GetObjectItemCaseSensitive(fields, f->string)) {
			rc = yc_err_set(err, YC_EINVAL, "fields", "a %s has no field %s", r.name,
					f->string);
			break;
		}
		cJSON_ReplaceItemInObjectCaseSensitive(fields, f->string,
						       cJSON_CreateString(f->valuestring));
	}
	struct cert_draft dr = {
		.type = t.code,
		.name = t.name,
		.type_code = t.type_code,
		.version = r.version + 1,
		.holder_user = r.holder_user,
		.subject_kind = r.subject_kind,
		.subject = r.subject,
		.issued_ms = cert_now(c),
		.fields = fields,
	};
	yc_actor a = {actor->username, account_role_name(actor->role)};
	dr.actor = &a;
	snprintf(dr.department, sizeof(dr.department), "%s", r.department);
	snprintf(dr.serial, sizeof(dr.serial), "%s", r.number);
	snprintf(dr.holder, sizeof(dr.holder), "%s", r.holder_name);
	snprintf(dr.holder_id, sizeof(dr.holder_id), "%s", r.holder_id);
	snprintf(dr.holder_id_type, sizeof(dr.holder_id_type), "%s", r.holder_id_type);
	snprintf(dr.valid_until, sizeof(dr.valid_until), "%s", yc_json_str(old, "valid_until"));
	snprintf(dr.source, sizeof(dr.source), "%s", yc_json_str(old, "source"));
	if (!rc)
		rc = cert_issuer_of(d, r.department, dr.issuer, sizeof(dr.issuer), dr.issuer_code,
				    sizeof(dr.issuer_code), err);
	/* the old one first: its row is locked before the new one is numbered */
	if (!rc)
		rc = state_store(d, &r, "superseded", dr.issued_ms, yc_json_str(body, "reason"), "",
				 err);
	if (!rc)
		rc = cert_make(d, c, &dr, &nid, err);
	if (!rc)
		rc = db_run(d, err, "UPDATE certificates SET replaced_by = ? WHERE id = ?", "ss",
			    nid.data, id);
	cJSON_Delete(fields);
	if (!rc && out)
		rc = cert_json(d, c, actor, nid.data, out, err);
out:
	yc_buf_release(&nid);
	cJSON_Delete(old);
	cert_type_free(&t);
	cert_row_free(&r);
	return rc;
}

int cert_status_json(db *d, const struct cert_ctx *c, yc_buf *out, yc_err *err)
{
	int64_t now = cert_now(c), next = now + (int64_t)c->status_hours * 3600000;
	cJSON *data = cJSON_CreateObject(), *entries = cJSON_AddObjectToObject(data, "entries");
	char text[40];
	snprintf(text, sizeof(text), "%lld", (long long)now);
	cJSON_AddStringToObject(data, "this_update_ms", text);
	snprintf(text, sizeof(text), "%lld", (long long)next);
	cJSON_AddStringToObject(data, "next_update_ms", text);
	yc_time_format_iso(now, c->tz_offset_min, text, sizeof(text));
	cJSON_AddStringToObject(data, "this_update", text);
	yc_time_format_iso(next, c->tz_offset_min, text, sizeof(text));
	cJSON_AddStringToObject(data, "next_update", text);
	cJSON_AddStringToObject(data, "jurisdiction", c->region);
	db_stmt *st = db_prepare(d,
				 "SELECT id, state, changed_ms, COALESCE(reason, ''),"
				 " COALESCE(replaced_by, '') FROM certificates"
				 " WHERE state <> 'issued' ORDER BY id",
				 err);
	int rc = st ? 0 : db_failed(err);
	while (!rc && (rc = db_step(st, err)) == DB_ROW) {
		cJSON *e = cJSON_AddObjectToObject(entries, db_col_text(st, 0));
		cJSON_AddStringToObject(e, "state", db_col_text(st, 1));
		yc_time_format_iso(db_col_int(st, 2), c->tz_offset_min, text, sizeof(text));
		cJSON_AddStringToObject(e, "at", text);
		cJSON_AddStringToObject(e, "reason", db_col_text(st, 3));
		if (db_col_text(st, 4)[0])
			cJSON_AddStringToObject(e, "replaced_by", db_col_text(st, 4));
		rc = 0;
	}
	if (st)
		db_done(st);
	if (rc == DB_DONE)
		rc = 0;
	yc_buf bytes, sig;
	yc_buf_init(&bytes, 0);
	yc_buf_init(&sig, 0);
	char kid[17];
	if (!rc)
		rc = cert_canonical(data, &bytes, err);
	if (!rc)
		rc = cert_sign(d, c, "root", bytes.data, bytes.len, kid, &sig, err);
	if (!rc) {
		yc_buf_adds(out, "{\"format\":\"yichuang-status/1\",\"data\":");
		yc_buf_add(out, bytes.data, bytes.len);
		yc_buf_addf(out, ",\"kid\":\"%s\",\"signature\":\"%s\"}", kid, sig.data);
	}
	yc_buf_release(&bytes);
	yc_buf_release(&sig);
	cJSON_Delete(data);
	return rc;
}
