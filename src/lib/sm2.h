/*
 * sm2.h — SM2 signatures with SM3 (GM/T 0003, 0004) and the X.509 certificates
 * that carry SM2 keys, through OpenSSL 3.
 *
 * A signature is DER (SEQUENCE of r, s), at most YC_SM2_SIG_MAX bytes, over
 * the message with the standard default identity 1234567812345678 in Z, so
 * that `openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt
 * distid:1234567812345678` checks it. Private keys leave this file only as
 * encrypted PKCS#8 PEM (AES-256-CBC under a passphrase).
 */
#ifndef YC_SM2_H
#define YC_SM2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/crypto.h"
#include "lib/errors.h"

#define YC_SM2_SIG_MAX 80
#define YC_SM2_ID      "1234567812345678"

typedef struct evp_pkey_st yc_sm2_key;

/* A new key pair; free with yc_sm2_key_free. */
int yc_sm2_generate(yc_sm2_key **out, yc_err *err);
void yc_sm2_key_free(yc_sm2_key *k);
/* The private key as encrypted PKCS#8 PEM under pass, appended to out. */
int yc_sm2_private_pem(yc_sm2_key *k, const char *pass, yc_buf *out, yc_err *err);
/* Reads an encrypted private key (YC_EAUTH when pass does not open it). */
int yc_sm2_private_load(const char *pem, const char *pass, yc_sm2_key **out, yc_err *err);

/* Signs p[0..n): sig gets the DER signature, *len its length. */
int yc_sm2_sign(yc_sm2_key *k, const void *p, size_t n, unsigned char sig[YC_SM2_SIG_MAX],
		size_t *len, yc_err *err);
/*
 * Checks sig over p[0..n) with the key the certificate (PEM) carries: 0 when
 * it verifies, YC_EAUTH when it does not, YC_EINVAL when the certificate
 * holds no SM2 key.
 */
int yc_sm2_verify(const char *cert_pem, const void *p, size_t n, const unsigned char *sig,
		  size_t len, yc_err *err);

/* The SM2 public key a certificate (PEM) carries, to verify many signatures with. */
int yc_sm2_cert_key(const char *cert_pem, yc_sm2_key **out, yc_err *err);
/* yc_sm2_verify with a key already read. */
int yc_sm2_verify_key(yc_sm2_key *k, const void *p, size_t n, const unsigned char *sig, size_t len,
		      yc_err *err);

/* What a new certificate says. */
struct yc_x509_spec {
	const char *common_name; /* CN */
	const char *org;	 /* O (may be NULL) */
	const char *org_code;	 /* the organisation's unified social credit code, as OU */
	int64_t serial;
	int64_t not_before_s, not_after_s; /* Unix seconds */
	bool ca;			   /* basicConstraints CA:TRUE, keyCertSign */
};
/*
 * A certificate for subject's public key signed with SM3-with-SM2 by issuer
 * (issuer_pem NULL: self-signed by subject itself), appended to out as PEM.
 */
int yc_x509_issue(yc_sm2_key *subject, const struct yc_x509_spec *s, yc_sm2_key *issuer,
		  const char *issuer_pem, yc_buf *out, yc_err *err);
/*
 * Whether cert_pem chains to root_pem at the moment at_s (0: now):
 * 0 or YC_EAUTH with the reason in err.
 */
int yc_x509_verify(const char *root_pem, const char *cert_pem, int64_t at_s, yc_err *err);
/* The key id: the first 16 hex digits of SHA-256 over the certificate's DER. */
int yc_x509_key_id(const char *cert_pem, char out[17], yc_err *err);
/* The uncompressed public point as 130 hex digits ("04" X Y), for browser verifiers. */
int yc_x509_public_hex(const char *cert_pem, char out[131], yc_err *err);

/* Standard base64 (with padding) of p[0..n), appended to out. */
void yc_base64_add(yc_buf *out, const void *p, size_t n);
/* base64url (RFC 4648 §5: '-' and '_', no padding) of p[0..n), appended to out. */
void yc_base64url_add(yc_buf *out, const void *p, size_t n);
/* Decodes standard base64 into out (size bytes); the length or -1 when it is not base64. */
long yc_base64_decode(const char *s, unsigned char *out, size_t size);

#endif
