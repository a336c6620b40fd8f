/*
 * credit.c — the credit QR code on a shop's door (信用二维码): a market
 * entity's identity signed by the department that issues the code, as
 * certificates are signed (SM2 with SM3, the department's key certified by the
 * district's root: core/certificate). The code opens the entity's public page,
 * which checks the signature in the browser against the trust list and shows
 * the live credit class, licences and published results: the code proves the
 * poster is the district's; the page, never the poster, tells the class.
 *
 * Payload: base64url(canonical JSON {code, issued, issuer, issuer_name, name})
 * "." base64url(the signature's DER) "." the key's id.
 */
#include "core/inspection/internal.h"

#include <stdio.h>
#include <string.h>

#include "core/certificate/certificate.h"
#include "core/common/audit.h"
#include "lib/json.h"
#include "lib/qr.h"
#include "lib/sm2.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

int insp_credit_issue(db *d, const struct insp_ctx *c, const yc_user *u, const char *code,
		      const char *department, yc_buf *out, yc_err *err)
{
	const char *dept = department && department[0] ? department : u->department;
	if (!insp_regulator_of(d, u, dept))
		return yc_err_set(err, YC_EFORBIDDEN, "department",
				  "only %s's regulators issue its credit codes", dept);
	if (!c->certs)
		return yc_err_set(err, YC_EUNAVAIL, NULL, "no signing keys on this node");
	char name[200] = "", dept_name[128] = "";
	int rc = db_get(d, err, "SELECT name FROM insp_entities WHERE credit_code = ?", "s", "t",
			code, name, sizeof(name));
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return yc_err_set(err, YC_ENOTFOUND, "code", "no market entity %s", code);
	if ((rc = db_get(d, err, "SELECT name FROM departments WHERE code = ?", "s", "t", dept,
			 dept_name, sizeof(dept_name))) < 0)
		return rc;
	if (rc == DB_DONE)
		return yc_err_set(err, YC_EINVAL, "department", "no department %s", dept);
	int64_t now = insp_now(c);
	char issued[12];
	yc_date_format(insp_day(c, now), issued, sizeof(issued));
	cJSON *data = cJSON_CreateObject();
	yc_buf canon, sig, payload;
	yc_buf_init(&canon, 0);
	yc_buf_init(&sig, 0);
	yc_buf_init(&payload, 0);
	char kid[17] = "";
	rc = data && cJSON_AddStringToObject(data, "code", code) &&
			     cJSON_AddStringToObject(data, "name", name) &&
			     cJSON_AddStringToObject(data, "issuer", dept) &&
			     cJSON_AddStringToObject(data, "issuer_name", dept_name) &&
			     cJSON_AddStringToObject(data, "issued", issued)
		     ? 0
		     : yc_err_set(err, YC_ENOMEM, NULL, NULL);
	if (!rc)
		rc = cert_canonical(data, &canon, err);
	if (!rc)
		rc = cert_sign(d, c->certs, dept, canon.data, canon.len, kid, &sig, err);
	if (!rc) {
		unsigned char der[256];
		long n = yc_base64_decode(sig.data, der, sizeof(der));
		if (n <= 0)
			rc = yc_err_set(err, YC_EINTERNAL, NULL,
					"a signature that does not decode");
		yc_base64url_add(&payload, canon.data, canon.len);
		yc_buf_addc(&payload, '.');
		if (n > 0)
			yc_base64url_add(&payload, der, (size_t)n);
		yc_buf_addf(&payload, ".%s", kid);
	}
	if (!rc)
		rc = db_run(d, err,
			    "UPDATE insp_entities SET credit_qr = ?, credit_issued_ms = ? WHERE"
			    " credit_code = ?",
			    "sis", payload.data, now, code);
	if (!rc) {
		yc_actor a = {u->username, account_role_name(u->role)};
		rc = audit_append(d, &a, "inspection.credit-code", code, NULL, NULL, canon.data,
				  err);
	}
	if (!rc) {
		yc_buf_adds(out, "{\"code\":");
		yc_json_add_str(out, code);
		yc_buf_addf(out, ",\"issuer\":\"%s\",\"kid\":\"%s\",\"payload\":", dept, kid);
		yc_json_add_str(out, payload.data);
		yc_buf_adds(out, "}");
	}
	cJSON_Delete(data);
	yc_buf_release(&canon);
	yc_buf_release(&sig);
	yc_buf_release(&payload);
	return rc;
}

int insp_credit_url(db *d, const char *code, const char *base, yc_buf *out, yc_err *err)
{
	char payload[1024] = "";
	int rc = db_get(d, err, "SELECT credit_qr FROM insp_entities WHERE credit_code = ?", "s",
			"t", code, payload, sizeof(payload));
	if (rc < 0)
		return rc;
	if (rc == DB_DONE || !payload[0])
		return yc_err_set(err, YC_ENOTFOUND, "code",
				  "%s has no credit QR code: a regulator issues it", code);
	/* the page's address with the signed payload in the fragment: it never reaches a server */
	yc_buf_addf(out, "%s/entity.html?code=%s#q=%s", base, code, payload);
	return 0;
}

int insp_credit_qr_png(db *d, const char *code, const char *base, yc_buf *out, yc_err *err)
{
	yc_buf url;
	yc_buf_init(&url, 0);
	int rc = insp_credit_url(d, code, base, &url, err);
	if (!rc)
		rc = yc_qr_png(out, url.data, 6, err);
	yc_buf_release(&url);
	return rc;
}
