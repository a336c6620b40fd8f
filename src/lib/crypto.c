/* crypto.c — SHA-256 and SM3, CSPRNG and argon2id password hashing (see crypto.h). */
#include "crypto.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <string.h>

#include "errors.h"
#include "banned.h"

/*
 * argon2id parameters: OWASP's second recommended set (19 MiB, 2 passes,
 * 1 lane). About 20 ms on this machine's cores; a login costs one of these.
 */
enum { YC_ARGON2_T = 2, YC_ARGON2_M_KIB = 19456, YC_ARGON2_P = 1, YC_ARGON2_HASHLEN = 32 };

/*
 * The two digests, fetched once: EVP_sha256() and EVP_sm3() make OpenSSL 3
 * look the algorithm up again on every use (a lock and a property query),
 * which cost a session check more than the hashing (~3% of a case view).
 */
static EVP_MD *md_sha256, *md_sm3;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_fetch(void)
{
	md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	md_sm3 = EVP_MD_fetch(NULL, "SM3", NULL);
}

static const EVP_MD *sha256_md(void)
{
	pthread_once(&md_once, md_fetch);
	return md_sha256 ? md_sha256 : EVP_sha256();
}

static const EVP_MD *sm3_md(void)
{
	pthread_once(&md_once, md_fetch);
	return md_sm3 ? md_sm3 : EVP_sm3();
}

/* A 32-byte digest of p[0..n) as lower-case hex. */
static void digest_hex(const EVP_MD *type, const void *p, size_t n, char out[YC_SHA256_HEX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int len = 0;
	EVP_Digest(p, n, md, &len, type, NULL);
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

void yc_sha256_hex(const void *p, size_t n, char out[YC_SHA256_HEX])
{
	digest_hex(sha256_md(), p, n, out);
}

void yc_sm3(const void *p, size_t n, unsigned char out[32])
{
	unsigned int len = 0;
	EVP_Digest(p, n, out, &len, sm3_md(), NULL);
}

void yc_sm3_hex(const void *p, size_t n, char out[YC_SHA256_HEX])
{
	digest_hex(sm3_md(), p, n, out);
}

int yc_random_bytes(void *p, size_t n)
{
	return RAND_bytes(p, (int)n) == 1 ? 0 : YC_EINTERNAL;
}

int yc_random_hex(char *out, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[64];
	if (nbytes > sizeof(raw))
		return YC_EINTERNAL;
	int rc = yc_random_bytes(raw, nbytes);
	if (rc)
		return rc;
	for (size_t i = 0; i < nbytes; i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[2 * nbytes] = '\0';
	return 0;
}

int yc_secure_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return 0;
	return CRYPTO_memcmp(a, b, la) == 0;
}

int yc_password_hash(const char *pw, char out[YC_PASSWORD_HASH_MAX])
{
	unsigned char salt[16];
	if (yc_random_bytes(salt, sizeof(salt)))
		return YC_EINTERNAL;
	int rc = argon2id_hash_encoded(YC_ARGON2_T, YC_ARGON2_M_KIB, YC_ARGON2_P, pw, strlen(pw),
				       salt, sizeof(salt), YC_ARGON2_HASHLEN, out,
				       YC_PASSWORD_HASH_MAX);
	return rc == ARGON2_OK ? 0 : YC_EINTERNAL;
}

int yc_password_verify(const char *encoded, const char *pw)
{
	return argon2id_verify(encoded, pw, strlen(pw)) == ARGON2_OK ? 0 : YC_EAUTH;
}

unsigned yc_hash_str(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

#define SIPROUND                                                                                   \
	do {                                                                                       \
		v0 += v1, v1 = rotl(v1, 13), v1 ^= v0, v0 = rotl(v0, 32);                          \
		v2 += v3, v3 = rotl(v3, 16), v3 ^= v2;                                             \
		v0 += v3, v3 = rotl(v3, 21), v3 ^= v0;                                             \
		v2 += v1, v1 = rotl(v1, 17), v1 ^= v2, v2 = rotl(v2, 32);                          \
	} while (0)

uint64_t yc_siphash(const unsigned char key[16], const void *p, size_t n)
{
	const unsigned char *in = p;
	uint64_t k0 = le64(key), k1 = le64(key + 8);
	uint64_t v0 = k0 ^ 0x736f6d6570736575ull, v1 = k1 ^ 0x646f72616e646f6dull;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ull, v3 = k1 ^ 0x7465646279746573ull;
	size_t whole = n - n % 8;
	for (size_t i = 0; i < whole; i += 8) {
		uint64_t m = le64(in + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	uint64_t last = (uint64_t)n << 56;
	for (size_t i = 0; i < n % 8; i++)
		last |= (uint64_t)in[whole + i] << (8 * i);
	v3 ^= last;
	SIPROUND;
	SIPROUND;
	v0 ^= last;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

void yc_hmac_sha256_hex(const char *key, const void *p, size_t n, char *out, size_t hexlen)
{
	unsigned char mac[32];
	unsigned int len = 0;
	HMAC(EVP_sha256(), key, (int)strlen(key), p, n, mac, &len);
	static const char hex[] = "0123456789abcdef";
	if (hexlen > 64)
		hexlen = 64;
	for (size_t i = 0; i < hexlen; i++)
		out[i] = hex[(mac[i / 2] >> (i % 2 ? 0 : 4)) & 15];
	out[hexlen] = '\0';
	OPENSSL_cleanse(mac, sizeof(mac));
}
