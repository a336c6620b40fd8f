/*
 * verify.c — checking a certificate file with nothing but the trust list and
 * a status list, as `yichuang cert verify` does offline:
 *
 *   1. the file's data is serialised canonically (canon.c) again, and the
 *      envelope it makes (its key fields and the SM3 of those bytes) must be
 *      the file's envelope;
 *   2. the signing key is found on the trust list by its id, and its X.509
 *      certificate must chain to the list's root on the day of issue;
 *   3. the SM2 signature must verify over the envelope's canonical bytes;
 *   4. the status list must carry the root's valid signature and be before
 *      its next update; then it says whether the certificate was revoked or
 *      superseded. Without a current list the answer is "unknown".
 */
#include "core/certificate/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/sm2.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static const char *const verdict_names[] = {"valid",	"revoked",   "superseded", "unknown",
					    "tampered", "untrusted", "malformed"};

const char *cert_verdict_name(enum cert_verdict v)
{
	return verdict_names[v];
}

static int verdict(struct cert_check *out, enum cert_verdict v, const char *why)
{
	out->verdict = v;
	snprintf(out->why, sizeof(out->why), "%s", why);
	return 0;
}

/* Outside bytes as JSON, or NULL: a key given twice is refused (jq would read the last). */
static cJSON *parse(const char *text)
{
	cJSON *j = NULL;
	yc_err e;
	if (!text || yc_json_parse(text, strlen(text), &j, &e))
		return NULL;
	return j;
}

/* The trust list's key kid (cert PEM) and its root's PEM; NULL when absent. */
static const cJSON *trust_key(const cJSON *trust, const char *kid, const char **root)
{
	const cJSON *k, *found = NULL;
	*root = NULL;
	cJSON_ArrayForEach (k, cJSON_GetObjectItemCaseSensitive(trust, "keys")) {
		const char *owner = yc_json_str(k, "owner"), *id = yc_json_str(k, "kid");
		if (owner && !strcmp(owner, "root") && !yc_json_str(k, "retired_ms"))
			*root = yc_json_str(k, "cert_pem");
		if (id && kid && !strcmp(id, kid))
			found = k;
	}
	return found;
}

/* Signature of a {data, kid, signature} document under key (PEM): 0 when it verifies. */
static int signed_ok(const cJSON *doc, const char *pem, yc_buf *bytes, yc_err *err)
{
	const char *sig64 = yc_json_str(doc, "signature");
	unsigned char sig[YC_SM2_SIG_MAX + 8];
	long n = sig64 ? yc_base64_decode(sig64, sig, sizeof(sig)) : -1;
	if (n <= 0)
		return yc_err_set(err, YC_EAUTH, "signature", "the signature is not base64");
	int rc = cert_canonical(cJSON_GetObjectItemCaseSensitive(doc, "data"), bytes, err);
	return rc ? rc : yc_sm2_verify(pem, bytes->data, bytes->len, sig, (size_t)n, err);
}

/*
 * A certificate file's signature: the envelope must be the one its data makes
 * (the key fields, data_sm3 the SM3 of the data's canonical bytes) and the
 * signature must verify over the envelope's canonical bytes.
 */
static bool envelope_ok(const cJSON *doc, const char *pem, yc_err *err)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(doc, "data");
	yc_buf bytes, want, have;
	yc_buf_init(&bytes, 0);
	yc_buf_init(&want, 0);
	yc_buf_init(&have, 0);
	const char *sig64 = yc_json_str(doc, "signature");
	unsigned char sig[YC_SM2_SIG_MAX + 8];
	long n = sig64 ? yc_base64_decode(sig64, sig, sizeof(sig)) : -1;
	bool ok = n > 0 && !cert_canonical(data, &bytes, err) &&
		  !cert_envelope(data, &bytes, &want, err) &&
		  !cert_canonical(cJSON_GetObjectItemCaseSensitive(doc, "envelope"), &have, err) &&
		  want.len == have.len && !memcmp(want.data, have.data, want.len) &&
		  !yc_sm2_verify(pem, have.data, have.len, sig, (size_t)n, err);
	yc_buf_release(&bytes);
	yc_buf_release(&want);
	yc_buf_release(&have);
	return ok;
}

int cert_verify(const char *file, const char *trust_text, const char *status_text, int64_t now_ms,
		struct cert_check *out, yc_err *err)
{
	memset(out, 0, sizeof(*out));
	cJSON *doc = parse(file), *trust = parse(trust_text), *status = parse(status_text);
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(doc, "data");
	yc_err e2;
	int rc = 0;
	if (!trust) {
		rc = yc_err_set(err, YC_EINVAL, "trust", "the trust list is not JSON");
		goto out;
	}
	const char *fmt = yc_json_str(doc, "format");
	if (!doc || !cJSON_IsObject(data) || !fmt || strcmp(fmt, "yichuang-certificate/1") ||
	    !yc_json_str(data, "id")) {
		verdict(out, CV_MALFORMED, "not a yichuang certificate file");
		goto out;
	}
	snprintf(out->id, sizeof(out->id), "%s", yc_json_str(data, "id"));
	snprintf(out->name, sizeof(out->name), "%s",
		 yc_json_str(data, "name") ? yc_json_str(data, "name") : "");
	const char *root = NULL;
	const cJSON *key = trust_key(trust, yc_json_str(doc, "kid"), &root);
	const char *pem = key ? yc_json_str(key, "cert_pem") : NULL;
	if (!pem || !root) {
		verdict(out, CV_UNTRUSTED, "the signing key is not on the trust list");
		goto out;
	}
	/*
	 * the key's certificate held on the day of issue: checked at the day's last second
	 * (23:59:59, the district's time, UTC+8), as a key made that afternoon signs that
	 * afternoon; noon refused every certificate a key signed on the day it was made after
	 * noon (keys live for years: their end is never that close)
	 */
	int32_t day = 0;
	const char *issued = yc_json_str(data, "issue_date");
	int64_t at_s =
		issued && !yc_date_parse(issued, &day) ? (int64_t)day * 86400 + 16 * 3600 - 1 : 0;
	if (yc_x509_verify(root, pem, at_s, &e2)) {
		verdict(out, CV_UNTRUSTED, e2.message);
		goto out;
	}
	if (!envelope_ok(doc, pem, &e2) || !cert_ident_valid(out->id)) {
		verdict(out, CV_TAMPERED, "the signature does not verify over the data");
		goto out;
	}
	/* the status list: the root's signature, and not past its next update */
	yc_buf sbytes;
	yc_buf_init(&sbytes, 0);
	const cJSON *sdata = cJSON_GetObjectItemCaseSensitive(status, "data");
	const char *next = yc_json_str(sdata, "next_update_ms");
	const char *skid = yc_json_str(status, "kid");
	const cJSON *skey = skid ? trust_key(trust, skid, &(const char *){NULL}) : NULL;
	bool list_ok = status && sdata && next && skey && yc_json_str(skey, "owner") &&
		       !strcmp(yc_json_str(skey, "owner"), "root") &&
		       !signed_ok(status, yc_json_str(skey, "cert_pem"), &sbytes, &e2);
	yc_buf_release(&sbytes);
	if (!list_ok) {
		verdict(out, CV_UNKNOWN,
			"the signature is valid; no status list with a valid "
			"signature says whether it still holds");
		goto out;
	}
	if (strtoll(next, NULL, 10) <= now_ms) {
		verdict(out, CV_UNKNOWN,
			"the signature is valid; the status list is past its "
			"next update, so its status is unknown");
		goto out;
	}
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(sdata, "entries"), out->id);
	const char *st = e ? yc_json_str(e, "state") : NULL;
	if (st) {
		snprintf(out->status_at, sizeof(out->status_at), "%s",
			 yc_json_str(e, "at") ? yc_json_str(e, "at") : "");
		snprintf(out->reason, sizeof(out->reason), "%s",
			 yc_json_str(e, "reason") ? yc_json_str(e, "reason") : "");
	}
	if (st && !strcmp(st, "revoked"))
		verdict(out, CV_REVOKED, "the signature is valid; the certificate was revoked");
	else if (st && !strcmp(st, "superseded"))
		verdict(out, CV_SUPERSEDED,
			"the signature is valid; a newer version replaces this certificate");
	else
		verdict(out, CV_VALID, "the signature is valid and the certificate in force");
out:
	cJSON_Delete(doc);
	cJSON_Delete(trust);
	cJSON_Delete(status);
	return rc;
}
