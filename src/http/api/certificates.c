/*
 * api/certificates.c — electronic certificates (电子证照): 我的证照 and a
 * department's list, one certificate, its file for verifiers, revoke and
 * supersede, the public trust and status lists, online verification (证书
 * 核验), and the administrator's key rotation and compromise. Role and
 * scope are checked by core/certificate/ for every certificate.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/certificate/certificate.h"
#include "http/router.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

enum { KID_LEN = 16, OWNER_MAX = 31 };

/* A certificate id in the path: its shape and check character, else 404. */
static int check_id(yc_req *r)
{
	if (!cert_ident_valid(r->params[0]))
		return yc_err_set(&r->err, YC_ENOTFOUND, "id", "no certificate %s", r->params[0]);
	return 0;
}

int api_certificates_list(yc_req *r)
{
	int64_t limit;
	int rc = http_query_int(r, "limit", 1, 200, 50, &limit);
	if (rc)
		return rc;
	const char *mine = http_query(r, "mine");
	struct cert_query q = {
		.mine = mine && !strcmp(mine, "1"),
		.department = http_query(r, "department"),
		.subject = http_query(r, "subject"),
		.cursor = http_query(r, "cursor"),
		.limit = (int)limit,
	};
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = cert_list_json(r->db, r->app->certs, &r->user, &q, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

/* GET /certificates/reusable?item=CODE: which of the item's materials my certificates stand for. */
int api_certificates_reusable(yc_req *r)
{
	const char *item = http_query(r, "item");
	if (!item || !item[0] || strlen(item) > 47)
		return yc_err_set(&r->err, YC_EINVAL, "item", "name an item");
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = cert_reusable_json(r->db, &r->user, item, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_certificates_get(yc_req *r)
{
	int rc = check_id(r);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = cert_json(r->db, r->app->certs, &r->user, r->params[0], &b, &r->err);
	return http_reply_read(r, rc, &b);
}

/* The file a verifier takes away (yichuang-certificate/1), as a download. */
int api_certificates_file(yc_req *r)
{
	int rc = check_id(r);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = cert_file_json(r->db, &r->user, r->params[0], &b, &r->err);
	if (!rc) {
		http_header(r, "Content-Type", "application/json; charset=utf-8");
		http_header(r, "Content-Disposition", "attachment; filename=\"certificate.json\"");
		http_reply_bytes(r, 200, b.data, b.len);
	}
	yc_buf_release(&b);
	return rc;
}

/* What is made of a certificate for the public page's address: its QR code, its PDF. */
typedef int (*made_fn)(db *d, const yc_user *actor, const char *id, const char *base, yc_buf *out,
		       yc_err *err);

static int send_made(yc_req *r, made_fn make, const char *type, const char *disposition)
{
	int rc = check_id(r);
	char base[YC_PUBLIC_URL_MAX];
	if (!rc)
		rc = api_public_url(r, base, sizeof(base));
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = make(r->db, &r->user, r->params[0], base, &b, &r->err);
	if (!rc) {
		http_header(r, "Content-Type", type);
		if (disposition)
			http_header(r, "Content-Disposition", disposition);
		http_reply_bytes(r, 200, b.data, b.len);
	}
	yc_buf_release(&b);
	return rc;
}

/* The QR code to print or show: the public page's address with the signed summary. */
int api_certificates_qr(yc_req *r)
{
	return send_made(r, cert_qr_png, "image/png", NULL);
}

/* The certificate to print or send: an A4 PDF with its seal and QR code. */
int api_certificates_pdf(yc_req *r)
{
	return send_made(r, cert_pdf, "application/pdf", "inline; filename=\"certificate.pdf\"");
}

static int act_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	if (!strcmp(c->params[1], "revoke"))
		return cert_revoke(d, c->app->certs, &c->user, c->params[0], c->body, &out->body,
				   err);
	out->status = 201;
	return cert_supersede(d, c->app->certs, &c->user, c->params[0], c->body, &out->body, err);
}

int api_certificates_act(yc_req *r)
{
	int rc = check_id(r);
	if (rc)
		return rc;
	if (lc_action(&cert_lifecycle, r->params[1]) < 0)
		return yc_err_set(&r->err, YC_ENOTFOUND, "action", "no action %s", r->params[1]);
	if ((rc = cert_action_check(r->body, &r->err)))
		return rc;
	return http_call(r, act_write, 0, true);
}

/* GET /certificates/trust: the root and every key, what an offline verifier ships. */
int api_certificates_trust(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = cert_trust_json(r->db, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

/*
 * The status list is signed on each making (one SM2 signature): a node keeps
 * it for public-cache-ms and signs it again after, as the review figures.
 */
static struct {
	pthread_mutex_t lock;
	int64_t at_ms;
	char *json;
	size_t len;
} status_cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* The status list into b: this node's copy while fresh, else signed anew (and kept). */
static int status_list(yc_req *r, yc_buf *b)
{
	int64_t now = yc_mono_us() / 1000, ttl = r->app->cfg.public_cache_ms;
	pthread_mutex_lock(&status_cache.lock);
	if (ttl && status_cache.json && now - status_cache.at_ms < ttl) {
		yc_buf_add(b, status_cache.json, status_cache.len);
		pthread_mutex_unlock(&status_cache.lock);
		return 0;
	}
	pthread_mutex_unlock(&status_cache.lock);
	int rc = cert_status_json(r->db, r->app->certs, b, &r->err);
	char *copy = !rc && ttl ? malloc(b->len + 1) : NULL;
	if (copy) {
		memcpy(copy, b->data, b->len + 1);
		pthread_mutex_lock(&status_cache.lock);
		free(status_cache.json);
		status_cache.json = copy;
		status_cache.len = b->len;
		status_cache.at_ms = now;
		pthread_mutex_unlock(&status_cache.lock);
	}
	return rc;
}

int api_certificates_status(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = status_list(r, &b);
	return http_reply_read(r, rc, &b);
}

/* POST /certificates/verify: 证书核验 online, against this node's trust and status lists. */
int api_certificates_verify(yc_req *r)
{
	char *file = cJSON_PrintUnformatted(r->body);
	yc_buf trust, status;
	yc_buf_init(&trust, 0);
	yc_buf_init(&status, 0);
	int rc = file ? cert_trust_json(r->db, &trust, &r->err)
		      : yc_err_set(&r->err, YC_ENOMEM, NULL, NULL);
	/* no list (no key has signed anything yet): the verdict says unknown */
	bool have_status = !rc && !status_list(r, &status);
	if (!have_status)
		yc_err_clear(&r->err);
	struct cert_check v;
	if (!rc)
		rc = cert_verify(file, trust.data, have_status ? status.data : NULL, yc_now_ms(),
				 &v, &r->err);
	yc_buf b;
	yc_buf_init(&b, 0);
	if (!rc) {
		yc_buf_addf(&b, "{\"verdict\":\"%s\",\"id\":", cert_verdict_name(v.verdict));
		yc_json_add_str(&b, v.id);
		yc_buf_adds(&b, ",\"name\":");
		yc_json_add_str(&b, v.name);
		yc_buf_adds(&b, ",\"status_at\":");
		yc_json_add_str(&b, v.status_at);
		yc_buf_adds(&b, ",\"reason\":");
		yc_json_add_str(&b, v.reason);
		yc_buf_adds(&b, ",\"why\":");
		yc_json_add_str(&b, v.why);
		yc_buf_adds(&b, "}");
	}
	free(file);
	yc_buf_release(&trust);
	yc_buf_release(&status);
	return http_reply_read(r, rc, &b);
}

/* ---- keys (the administrator's) ------------------------------------------ */

static int rotate_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	out->status = 201;
	return cert_key_rotate(d, c->app->certs, &c->user, c->params[0], &out->body, err);
}

int api_certificate_keys_rotate(yc_req *r)
{
	const char *owner = r->params[0];
	size_t n = strlen(owner);
	if (!n || n > OWNER_MAX || strspn(owner, "abcdefghijklmnopqrstuvwxyz0123456789-_") != n)
		return yc_err_set(&r->err, YC_ENOTFOUND, "owner", "no key owner %s", owner);
	return http_call(r, rotate_write, 0, true);
}

static int compromise_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return cert_key_compromise(d, c->app->certs, &c->user, c->params[0], c->n, &out->body, err);
}

int api_certificate_keys_compromise(yc_req *r)
{
	static const yc_jfield spec[] = {
		{"since_ms", YC_JT_INT, true, 0, .min = 1, .max = INT64_MAX}};
	const char *kid = r->params[0];
	if (strlen(kid) != KID_LEN || strspn(kid, "0123456789abcdef") != KID_LEN)
		return yc_err_set(&r->err, YC_ENOTFOUND, "kid", "no key %s", kid);
	int rc = yc_json_check(r->body, spec, 1, &r->err);
	return rc ? rc : http_call(r, compromise_write, yc_json_int(r->body, "since_ms", 0), true);
}

/* ---- 存量证照电子化 (the issuing department's) ------------------------------ */

static int convert_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	out->status = 201;
	return cert_convert(d, c->app->certs, &c->user, c->body, &out->body, err);
}

/* POST /certificates/conversions: checked whole on the reader (every bad record named), then
 * written, all or nothing. */
int api_certificate_conversions_post(yc_req *r)
{
	int rc = cert_convert_check(r->body, &r->err);
	if (rc)
		return rc;
	yc_buf problems;
	yc_buf_init(&problems, 0);
	yc_buf_adds(&problems, "[");
	int bad = cert_convert_problems(r->db, r->app->certs, &r->user, r->body, &problems,
					&r->err);
	yc_buf_adds(&problems, "]");
	if (bad > 0)
		http_reply_bad_rows(r, bad, "records", &problems);
	yc_buf_release(&problems);
	if (bad)
		return bad > 0 ? 0 : bad;
	return http_call(r, convert_write, 0, true);
}

int api_certificate_conversions_list(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = cert_conversions_json(r->db, &r->user, &b, &r->err);
	return http_reply_read(r, rc, &b);
}
