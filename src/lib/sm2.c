/* sm2.c — SM2/SM3 signatures and SM2 X.509 certificates through OpenSSL 3 (see sm2.h). */
#include "sm2.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "banned.h"

/* OpenSSL's reason for the last failure, into err (the queue is emptied). */
static int ossl_fail(yc_err *err, int code, const char *what)
{
	unsigned long e = ERR_get_error();
	char why[160] = "";
	if (e)
		ERR_error_string_n(e, why, sizeof(why));
	ERR_clear_error();
	return yc_err_set(err, code, NULL, "%s%s%s", what, why[0] ? ": " : "", why);
}

int yc_sm2_generate(yc_sm2_key **out, yc_err *err)
{
	*out = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
	return *out ? 0 : ossl_fail(err, YC_EINTERNAL, "SM2 key generation failed");
}

void yc_sm2_key_free(yc_sm2_key *k)
{
	EVP_PKEY_free(k);
}

/* The contents of a memory BIO appended to out. */
static int bio_take(BIO *b, yc_buf *out, yc_err *err)
{
	char *p = NULL;
	long n = BIO_get_mem_data(b, &p);
	if (n < 0 || yc_buf_add(out, p, (size_t)n))
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	return 0;
}

int yc_sm2_private_pem(yc_sm2_key *k, const char *pass, yc_buf *out, yc_err *err)
{
	BIO *b = BIO_new(BIO_s_mem());
	if (!b)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	int rc = PEM_write_bio_PKCS8PrivateKey(b, k, EVP_aes_256_cbc(), NULL, 0, NULL,
					       (void *)pass) == 1
			 ? bio_take(b, out, err)
			 : ossl_fail(err, YC_EINTERNAL, "cannot encrypt the private key");
	BIO_free(b);
	return rc;
}

int yc_sm2_private_load(const char *pem, const char *pass, yc_sm2_key **out, yc_err *err)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	if (!b)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	*out = PEM_read_bio_PrivateKey(b, NULL, NULL, (void *)pass);
	BIO_free(b);
	if (!*out)
		return ossl_fail(err, YC_EAUTH, "the private key does not open with this keyring");
	return 0;
}

/* A digest context for SM3-with-SM2 over key k with the default identity, or NULL. */
static EVP_MD_CTX *sm2_ctx(EVP_PKEY *k, bool sign)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *p = EVP_PKEY_CTX_new_from_pkey(NULL, k, NULL);
	if (!m || !p || EVP_PKEY_CTX_set1_id(p, YC_SM2_ID, strlen(YC_SM2_ID)) <= 0)
		goto fail;
	EVP_MD_CTX_set_pkey_ctx(m, p);
	if ((sign ? EVP_DigestSignInit(m, NULL, EVP_sm3(), NULL, k)
		  : EVP_DigestVerifyInit(m, NULL, EVP_sm3(), NULL, k)) != 1)
		goto fail;
	return m; /* p stays the caller's to free after m (EVP_MD_CTX_get_pkey_ctx) */
fail:
	EVP_MD_CTX_free(m);
	EVP_PKEY_CTX_free(p);
	return NULL;
}

int yc_sm2_sign(yc_sm2_key *k, const void *p, size_t n, unsigned char sig[YC_SM2_SIG_MAX],
		size_t *len, yc_err *err)
{
	EVP_MD_CTX *m = sm2_ctx(k, true);
	if (!m)
		return ossl_fail(err, YC_EINTERNAL, "cannot start an SM2 signature");
	*len = YC_SM2_SIG_MAX;
	int ok = EVP_DigestSign(m, sig, len, p, n) == 1;
	EVP_PKEY_CTX *pc = EVP_MD_CTX_get_pkey_ctx(m);
	EVP_MD_CTX_free(m);
	EVP_PKEY_CTX_free(pc);
	return ok ? 0 : ossl_fail(err, YC_EINTERNAL, "SM2 signing failed");
}

static X509 *cert_read(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	return x;
}

/* The SM2 key of a certificate, or NULL (err set). */
static EVP_PKEY *cert_key(X509 *x, yc_err *err)
{
	EVP_PKEY *k = x ? X509_get_pubkey(x) : NULL;
	if (!k || !EVP_PKEY_is_a(k, "SM2")) {
		EVP_PKEY_free(k);
		ERR_clear_error();
		yc_err_set(err, YC_EINVAL, "certificate", "no SM2 certificate");
		return NULL;
	}
	return k;
}

int yc_sm2_cert_key(const char *cert_pem, yc_sm2_key **out, yc_err *err)
{
	X509 *x = cert_read(cert_pem);
	*out = cert_key(x, err);
	X509_free(x);
	return *out ? 0 : YC_EINVAL;
}

int yc_sm2_verify_key(yc_sm2_key *k, const void *p, size_t n, const unsigned char *sig, size_t len,
		      yc_err *err)
{
	EVP_MD_CTX *m = sm2_ctx(k, false);
	int rc = !m ? ossl_fail(err, YC_EINTERNAL, "cannot start an SM2 verification")
		 : EVP_DigestVerify(m, sig, len, p, n) == 1
			 ? 0
			 : yc_err_set(err, YC_EAUTH, "signature", "the signature does not verify");
	ERR_clear_error();
	if (m) {
		EVP_PKEY_CTX *pc = EVP_MD_CTX_get_pkey_ctx(m);
		EVP_MD_CTX_free(m);
		EVP_PKEY_CTX_free(pc);
	}
	return rc;
}

int yc_sm2_verify(const char *cert_pem, const void *p, size_t n, const unsigned char *sig,
		  size_t len, yc_err *err)
{
	yc_sm2_key *k = NULL;
	int rc = yc_sm2_cert_key(cert_pem, &k, err);
	if (!rc)
		rc = yc_sm2_verify_key(k, p, n, sig, len, err);
	EVP_PKEY_free(k);
	return rc;
}

/* Adds one extension by its configuration text. */
static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v;
	X509V3_set_ctx(&v, issuer ? issuer : x, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &v, nid, value);
	int ok = e && X509_add_ext(x, e, -1) == 1;
	X509_EXTENSION_free(e);
	return ok;
}

static int name_add(X509_NAME *n, const char *field, const char *value)
{
	return !value || !value[0] ||
	       X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8, (const unsigned char *)value, -1,
					  -1, 0) == 1;
}

int yc_x509_issue(yc_sm2_key *subject, const struct yc_x509_spec *s, yc_sm2_key *issuer,
		  const char *issuer_pem, yc_buf *out, yc_err *err)
{
	X509 *x = X509_new(), *ix = issuer_pem ? cert_read(issuer_pem) : NULL;
	X509_NAME *n = X509_NAME_new();
	BIO *b = BIO_new(BIO_s_mem());
	int rc = 0;
	if (!x || !n || !b || (issuer_pem && !ix)) {
		rc = ossl_fail(err, YC_EINTERNAL, "cannot make a certificate");
		goto out;
	}
	bool ok = X509_set_version(x, 2) == 1 &&
		  ASN1_INTEGER_set_int64(X509_get_serialNumber(x), s->serial) == 1 &&
		  ASN1_TIME_set(X509_getm_notBefore(x), (time_t)s->not_before_s) &&
		  ASN1_TIME_set(X509_getm_notAfter(x), (time_t)s->not_after_s) &&
		  name_add(n, "C", "CN") && name_add(n, "O", s->org) &&
		  name_add(n, "OU", s->org_code) && name_add(n, "CN", s->common_name) &&
		  X509_set_subject_name(x, n) == 1 &&
		  X509_set_issuer_name(x, ix ? X509_get_subject_name(ix) : n) == 1 &&
		  X509_set_pubkey(x, subject) == 1 &&
		  add_ext(x, ix, NID_basic_constraints,
			  s->ca ? "critical,CA:TRUE" : "critical,CA:FALSE") &&
		  add_ext(x, ix, NID_key_usage,
			  s->ca ? "critical,keyCertSign,cRLSign"
				: "critical,digitalSignature,nonRepudiation") &&
		  add_ext(x, ix, NID_subject_key_identifier, "hash") &&
		  add_ext(x, ix, NID_authority_key_identifier, "keyid:always") &&
		  X509_sign(x, issuer ? issuer : subject, EVP_sm3()) > 0 &&
		  PEM_write_bio_X509(b, x) == 1;
	rc = ok ? bio_take(b, out, err) : ossl_fail(err, YC_EINTERNAL, "cannot sign a certificate");
out:
	BIO_free(b);
	X509_NAME_free(n);
	X509_free(ix);
	X509_free(x);
	return rc;
}

int yc_x509_verify(const char *root_pem, const char *cert_pem, int64_t at_s, yc_err *err)
{
	X509 *root = cert_read(root_pem), *x = cert_read(cert_pem);
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int rc = 0;
	if (!root || !x) {
		rc = yc_err_set(err, YC_EINVAL, "certificate", "not a PEM certificate");
		goto out;
	}
	if (!store || !ctx || X509_STORE_add_cert(store, root) != 1 ||
	    X509_STORE_CTX_init(ctx, store, x, NULL) != 1) {
		rc = ossl_fail(err, YC_EINTERNAL, "cannot check a chain");
		goto out;
	}
	if (at_s)
		X509_STORE_CTX_set_time(ctx, 0, (time_t)at_s);
	if (X509_verify_cert(ctx) != 1)
		rc = yc_err_set(err, YC_EAUTH, "certificate", "the chain does not verify: %s",
				X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	X509_free(x);
	X509_free(root);
	return rc;
}

int yc_x509_key_id(const char *cert_pem, char out[17], yc_err *err)
{
	X509 *x = cert_read(cert_pem);
	unsigned char *der = NULL;
	int n = x ? i2d_X509(x, &der) : -1;
	X509_free(x);
	if (n <= 0) {
		ERR_clear_error();
		return yc_err_set(err, YC_EINVAL, "certificate", "not a PEM certificate");
	}
	char hex[YC_SHA256_HEX];
	yc_sha256_hex(der, (size_t)n, hex);
	OPENSSL_free(der);
	memcpy(out, hex, 16);
	out[16] = '\0';
	return 0;
}

int yc_x509_public_hex(const char *cert_pem, char out[131], yc_err *err)
{
	X509 *x = cert_read(cert_pem);
	EVP_PKEY *k = cert_key(x, err);
	X509_free(x);
	if (!k)
		return YC_EINVAL;
	unsigned char pt[65];
	size_t n = 0;
	int ok = EVP_PKEY_get_octet_string_param(k, "encoded-pub-key", pt, sizeof(pt), &n) == 1 &&
		 n == 65;
	EVP_PKEY_free(k);
	if (!ok)
		return ossl_fail(err, YC_EINTERNAL, "cannot read the public key");
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < 65; i++) {
		out[2 * i] = hex[pt[i] >> 4];
		out[2 * i + 1] = hex[pt[i] & 15];
	}
	out[130] = '\0';
	return 0;
}

static void base64_add(yc_buf *out, const void *p, size_t n, const char t[65], bool pad)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		char q[4] = {t[v >> 18], t[(v >> 12) & 63], i + 1 < n ? t[(v >> 6) & 63] : '=',
			     i + 2 < n ? t[v & 63] : '='};
		yc_buf_add(out, q, pad ? 4 : i + 2 < n ? 4 : i + 1 < n ? 3 : 2);
	}
}

void yc_base64_add(yc_buf *out, const void *p, size_t n)
{
	base64_add(out, p, n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
		   true);
}

void yc_base64url_add(yc_buf *out, const void *p, size_t n)
{
	base64_add(out, p, n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
		   false);
}

long yc_base64_decode(const char *s, unsigned char *out, size_t size)
{
	size_t len = strlen(s), n = 0;
	if (len % 4)
		return -1;
	unsigned v = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		int d = c >= 'A' && c <= 'Z'   ? c - 'A'
			: c >= 'a' && c <= 'z' ? c - 'a' + 26
			: c >= '0' && c <= '9' ? c - '0' + 52
			: c == '+'	       ? 62
			: c == '/'	       ? 63
					       : -1;
		if (c == '=') {
			/* padding only at the end, at most two */
			if (i + 2 < len || (i + 1 < len && s[i + 1] != '='))
				return -1;
			break;
		}
		if (d < 0)
			return -1;
		v = (v << 6) | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= size)
				return -1;
			out[n++] = (unsigned char)(v >> bits);
		}
	}
	return (long)n;
}
