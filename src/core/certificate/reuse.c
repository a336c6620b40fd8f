/*
 * reuse.c — 免提交: a certificate the district issued stands for the paper
 * an item asks for. A type lists the materials (by name) it stands for
 * (cert_types.materials: 不动产权证书 for 不动产权属证书); when an applicant
 * gives {"id", "certificate"} for such a material — their consent to the
 * district using its own record — the case keeps the certificate, checked
 * now (held by them, in force, of the right type, its signature verified),
 * and the clerk sees it verified instead of a scan.
 */
#include "core/certificate/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/sm2.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/* Whether the type's list of materials names name. */
static bool stands_for(const char *materials, const char *name)
{
	cJSON *list = cJSON_Parse(materials);
	bool yes = false;
	const cJSON *m;
	cJSON_ArrayForEach (m, list)
		if (cJSON_IsString(m) && !strcmp(m->valuestring, name))
			yes = true;
	cJSON_Delete(list);
	return yes;
}

/* The stored signature over the stored bytes, under the key that made it. */
static int signature_holds(db *d, const struct cert_row *r, yc_err *err)
{
	/* issued by this very transaction, signed as it ends (sign.c): nothing else sees it */
	if (!r->signature[0] && db_writing(d))
		return 0;
	char pem[4096] = "";
	int rc = db_get(d, err, "SELECT cert_pem FROM cert_keys WHERE kid = ?", "s", "t", r->kid,
			pem, sizeof(pem));
	if (rc < 0)
		return rc;
	/* the envelope names the data by its SM3, and the signature covers the envelope */
	char sm3[65], want[80];
	yc_sm3_hex(r->data, strlen(r->data), sm3);
	snprintf(want, sizeof(want), "\"data_sm3\":\"%s\"", sm3);
	unsigned char der[YC_SM2_SIG_MAX + 8];
	long n = yc_base64_decode(r->signature, der, sizeof(der));
	if (rc != DB_ROW || n <= 0 || !strstr(r->envelope, want) ||
	    yc_sm2_verify(pem, r->envelope, strlen(r->envelope), der, (size_t)n, err))
		return yc_err_set(err, YC_ECONFLICT, "certificate",
				  "the certificate's signature does not verify");
	return 0;
}

int cert_material_attach(db *d, void *arg, int64_t owner, const char *owner_id, const char *name,
			 const char *certificate, cJSON *entry, yc_err *err)
{
	(void)arg;
	struct cert_row r = {0};
	char materials[1024] = "";
	int rc = cert_ident_valid(certificate) ? cert_row_load(d, certificate, &r, err)
					       : yc_err_set(err, YC_ENOTFOUND, "certificate",
							    "no certificate %s", certificate);
	/* the holder's own: their account, or the ID number of the walk-in a clerk files for */
	bool theirs = !rc && ((owner && r.holder_user == owner) ||
			      (owner_id && owner_id[0] && !strcmp(owner_id, r.holder_id)));
	if (!rc && !theirs)
		rc = yc_err_set(err, YC_EINVAL, "certificate",
				"no certificate %s of the applicant's", certificate);
	if (!rc && strcmp(r.state, "issued"))
		rc = yc_err_set(err, YC_EINVAL, "certificate", "certificate %s is %s", certificate,
				r.state);
	if (!rc && (rc = db_get(d, err, "SELECT materials FROM cert_types WHERE code = ?", "s", "t",
				r.type, materials, sizeof(materials))) == DB_ROW)
		rc = 0;
	if (!rc && !stands_for(materials, name))
		rc = yc_err_set(err, YC_EINVAL, "certificate", "a %s does not stand for %s", r.name,
				name);
	if (!rc)
		rc = signature_holds(d, &r, err);
	if (!rc) {
		cJSON_AddStringToObject(entry, "certificate", r.id);
		cJSON_AddStringToObject(entry, "type", "certificate");
		cJSON_AddStringToObject(entry, "name", r.name);
		cJSON_AddStringToObject(entry, "number", r.number);
		cJSON_AddStringToObject(entry, "holder", r.holder_name);
		cJSON_AddStringToObject(entry, "valid_until", r.valid_until);
		cJSON_AddStringToObject(entry, "issuer_department", r.department);
		cJSON_AddNumberToObject(entry, "verified_ms", (double)yc_now_ms());
	}
	cert_row_free(&r);
	return rc;
}

int cert_reusable_json(db *d, const yc_user *actor, const char *item, yc_buf *out, yc_err *err)
{
	if (actor->role != ROLE_APPLICANT)
		return yc_err_set(err, YC_EFORBIDDEN, NULL, "an applicant's own certificates");
	cJSON *doc = NULL;
	db_stmt *st = db_prepare(d, "SELECT doc FROM items WHERE code = ?", err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, item);
	int rc = db_step(st, err);
	if (rc == DB_ROW)
		doc = cJSON_Parse(db_col_text(st, 0));
	db_done(st);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW || !doc)
		return yc_err_set(err, YC_ENOTFOUND, "item", "no item %s", item);
	cJSON *declared = cJSON_DetachItemFromObjectCaseSensitive(doc, "materials");
	cJSON_Delete(doc);
	st = db_prepare(d,
			"SELECT c.id, c.name, c.number, c.issued_ms, c.valid_until,"
			" t.materials FROM certificates c JOIN cert_types t ON t.code = c.type"
			" WHERE c.holder_user = ? AND c.state = 'issued'"
			" ORDER BY c.issued_ms DESC LIMIT 200",
			err);
	if (!st) {
		cJSON_Delete(declared);
		return db_failed(err);
	}
	db_bind_int(st, 1, actor->id);
	cJSON *res = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(res, "materials");
	/* each declared material, with the holder's certificates that stand for it */
	while ((rc = db_step(st, err)) == DB_ROW) {
		const cJSON *dm;
		cJSON_ArrayForEach (dm, declared) {
			const char *name = yc_json_str(dm, "name"), *id = yc_json_str(dm, "id");
			if (!name || !id || !stands_for(db_col_text(st, 5), name))
				continue;
			cJSON *certs = NULL, *e;
			cJSON_ArrayForEach (e, list)
				if (!strcmp(yc_json_str(e, "id"), id))
					certs = cJSON_GetObjectItemCaseSensitive(e, "certificates");
			if (!certs) {
				e = cJSON_CreateObject();
				cJSON_AddStringToObject(e, "id", id);
				cJSON_AddStringToObject(e, "name", name);
				certs = cJSON_AddArrayToObject(e, "certificates");
				cJSON_AddItemToArray(list, e);
			}
			cJSON *c = cJSON_CreateObject();
			cJSON_AddStringToObject(c, "id", db_col_text(st, 0));
			cJSON_AddStringToObject(c, "name", db_col_text(st, 1));
			cJSON_AddStringToObject(c, "number", db_col_text(st, 2));
			cJSON_AddStringToObject(c, "valid_until", db_col_text(st, 4));
			cJSON_AddItemToArray(certs, c);
		}
	}
	db_done(st);
	char *text = rc < 0 ? NULL : cJSON_PrintUnformatted(res);
	if (text)
		yc_buf_adds(out, text);
	free(text);
	cJSON_Delete(res);
	cJSON_Delete(declared);
	return rc < 0 ? rc : 0;
}
