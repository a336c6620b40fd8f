/*
 * view.c — certificates as people see them: 我的证照 (the holder's), a
 * department's, one certificate (the holder's ID masked), and the file a
 * verifier takes away (the signed bytes as they are, the signature, the key).
 */
#include "core/certificate/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/ids.h"
#include "lib/json.h"
#include "lib/qr.h"
#include "lib/sm2.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static const char *state_label(const char *state)
{
	return !strcmp(state, "issued") ? "有效" : !strcmp(state, "revoked") ? "已注销" : "已换发";
}

/* One certificate's JSON from its row (the data parsed for its fields). */
static void row_json(const struct cert_ctx *c, const struct cert_row *r, yc_buf *out)
{
	cJSON *data = cJSON_Parse(r->data);
	char masked[32];
	ids_mask_id(r->holder_id, masked, sizeof(masked));
	yc_buf_adds(out, "{\"id\":");
	yc_json_add_str(out, r->id);
	yc_buf_adds(out, ",\"type\":");
	yc_json_add_str(out, r->type);
	yc_buf_adds(out, ",\"name\":");
	yc_json_add_str(out, r->name);
	yc_buf_adds(out, ",\"number\":");
	yc_json_add_str(out, r->number);
	yc_buf_addf(out, ",\"version\":%d,\"state\":\"%s\",\"state_name\":\"%s\",\"holder\":",
		    r->version, r->state, state_label(r->state));
	yc_json_add_str(out, r->holder_name);
	yc_buf_adds(out, ",\"holder_id_type\":");
	yc_json_add_str(out, r->holder_id_type);
	yc_buf_adds(out, ",\"holder_id\":");
	yc_json_add_str(out, masked);
	yc_buf_adds(out, ",\"issuer\":");
	yc_json_add_str(out, yc_json_str(data, "issuer"));
	yc_buf_adds(out, ",\"issuer_code\":");
	yc_json_add_str(out, yc_json_str(data, "issuer_code"));
	yc_buf_adds(out, ",\"department\":");
	yc_json_add_str(out, r->department);
	yc_buf_adds(out, ",\"issue_date\":");
	yc_json_add_str(out, yc_json_str(data, "issue_date"));
	yc_json_add_time(out, "issued_at", r->issued_ms, c->tz_offset_min);
	yc_buf_adds(out, ",\"valid_until\":");
	yc_json_add_str(out, r->valid_until);
	yc_buf_adds(out, ",\"subject_kind\":");
	yc_json_add_str(out, r->subject_kind);
	yc_buf_adds(out, ",\"subject\":");
	yc_json_add_str(out, r->subject);
	yc_buf_addf(out, ",\"kid\":\"%s\",\"qr\":", r->kid);
	yc_json_add_str(out, r->qr);
	yc_buf_adds(out, ",\"fields\":");
	char *fields = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(data, "fields"));
	yc_buf_adds(out, fields ? fields : "{}");
	free(fields);
	if (r->changed_ms) {
		yc_json_add_time(out, "changed_at", r->changed_ms, c->tz_offset_min);
		yc_buf_adds(out, ",\"reason\":");
		yc_json_add_str(out, r->reason);
	}
	if (r->replaced_by[0]) {
		yc_buf_adds(out, ",\"replaced_by\":");
		yc_json_add_str(out, r->replaced_by);
	}
	yc_buf_adds(out, "}");
	cJSON_Delete(data);
}

int cert_json(db *d, const struct cert_ctx *c, const yc_user *actor, const char *id, yc_buf *out,
	      yc_err *err)
{
	struct cert_row r = {0};
	int rc = cert_row_load(d, id, &r, err);
	if (!rc && !cert_may_see(actor, &r))
		rc = yc_err_set(err, YC_ENOTFOUND, "id", "no certificate %s", id);
	if (!rc)
		row_json(c, &r, out);
	cert_row_free(&r);
	return rc;
}

int cert_list_json(db *d, const struct cert_ctx *c, const yc_user *actor,
		   const struct cert_query *q, yc_buf *out, yc_err *err)
{
	bool all = (actor->role & (ROLE_SUPERVISOR | ROLE_ADMIN)) != 0;
	bool mine = q->mine || actor->role == ROLE_APPLICANT;
	const char *dept = mine	 ? ""
			   : all ? (q->department ? q->department : "")
				 : actor->department;
	if (!mine && !all && !dept[0])
		return yc_err_set(err, YC_EFORBIDDEN, NULL,
				  "only a department's staff see its certificates");
	/* the cursor: "issued_ms/id" of the last one shown */
	int64_t before_ms = INT64_MAX;
	char before_id[CERT_ID_MAX] = "";
	if (q->cursor && q->cursor[0]) {
		char *end = NULL;
		before_ms = strtoll(q->cursor, &end, 10);
		if (!end || *end != '/' || strlen(end + 1) >= sizeof(before_id))
			return yc_err_set(err, YC_EINVAL, "cursor", "not a cursor of this list");
		snprintf(before_id, sizeof(before_id), "%s", end + 1);
	}
	db_stmt *st = db_prepare(d,
				 "SELECT id FROM certificates WHERE (? = 0 OR holder_user = ?)"
				 " AND (? = '' OR department = ?) AND (? = '' OR subject = ?)"
				 " AND (issued_ms < ? OR (issued_ms = ? AND id < ?))"
				 " ORDER BY issued_ms DESC, id DESC LIMIT ?",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, mine);
	db_bind_int(st, 2, actor->id);
	db_bind_text(st, 3, dept);
	db_bind_text(st, 4, dept);
	const char *subject = q->subject ? q->subject : "";
	db_bind_text(st, 5, subject);
	db_bind_text(st, 6, subject);
	db_bind_int(st, 7, before_ms);
	db_bind_int(st, 8, before_ms);
	db_bind_text(st, 9, before_id[0] ? before_id : "\x7f");
	db_bind_int(st, 10, q->limit + 1);
	char(*ids)[CERT_ID_MAX] = calloc((size_t)q->limit + 1, CERT_ID_MAX);
	int n = 0, rc;
	while (ids && (rc = db_step(st, err)) == DB_ROW)
		db_col_copy(st, 0, ids[n++], CERT_ID_MAX);
	db_done(st);
	if (!ids)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	rc = rc < 0 ? rc : 0;
	yc_buf_adds(out, "{\"certificates\":[");
	int64_t last_ms = 0;
	for (int i = 0; !rc && i < n && i < q->limit; i++) {
		struct cert_row r = {0};
		if (!(rc = cert_row_load(d, ids[i], &r, err))) {
			if (i)
				yc_buf_addc(out, ',');
			row_json(c, &r, out);
			last_ms = r.issued_ms;
		}
		cert_row_free(&r);
	}
	yc_buf_adds(out, "],\"next_cursor\":");
	if (!rc && n > q->limit) {
		char cur[CERT_ID_MAX + 24];
		snprintf(cur, sizeof(cur), "%lld/%s", (long long)last_ms, ids[q->limit - 1]);
		yc_json_add_str(out, cur);
	} else {
		yc_buf_adds(out, "null");
	}
	yc_buf_adds(out, "}");
	free(ids);
	return rc;
}

int cert_file_json(db *d, const yc_user *actor, const char *id, yc_buf *out, yc_err *err)
{
	struct cert_row r = {0};
	char pem[4096] = "";
	int rc = cert_row_load(d, id, &r, err);
	/* the file carries the holder's ID number unmasked: it is the holder's to hand out */
	if (!rc && !(actor->role == ROLE_APPLICANT && r.holder_user == actor->id))
		rc = yc_err_set(err, YC_ENOTFOUND, "id", "no certificate %s of yours", id);
	if (!rc && (rc = db_get(d, err, "SELECT cert_pem FROM cert_keys WHERE kid = ?", "s", "t",
				r.kid, pem, sizeof(pem))) == DB_ROW)
		rc = 0;
	if (!rc) {
		/* data and envelope go in as they are: `jq -jcS .data` and `.envelope` give them
		 * back */
		yc_buf_adds(out, "{\"format\":\"yichuang-certificate/1\",\"algorithm\":"
				 "\"SM2-with-SM3\",\"sm2_id\":\"" YC_SM2_ID "\",\"data\":");
		yc_buf_adds(out, r.data);
		yc_buf_adds(out, ",\"envelope\":");
		yc_buf_adds(out, r.envelope);
		yc_buf_addf(out, ",\"kid\":\"%s\",\"signature\":\"%s\",\"signer_cert\":", r.kid,
			    r.signature);
		yc_json_add_str(out, pem);
		yc_buf_adds(out, "}");
	}
	cert_row_free(&r);
	return rc;
}

int cert_qr_png(db *d, const yc_user *actor, const char *id, const char *base, yc_buf *out,
		yc_err *err)
{
	struct cert_row r = {0};
	int rc = cert_row_load(d, id, &r, err);
	if (!rc && !cert_may_see(actor, &r))
		rc = yc_err_set(err, YC_ENOTFOUND, "id", "no certificate %s", id);
	if (!rc) {
		/* the public page's address with the payload in the fragment: it never reaches a
		 * server */
		yc_buf url;
		yc_buf_init(&url, 0);
		yc_buf_addf(&url, "%s/verify.html#c=%s", base, r.qr);
		rc = yc_qr_png(out, url.data, 4, err);
		yc_buf_release(&url);
	}
	cert_row_free(&r);
	return rc;
}
