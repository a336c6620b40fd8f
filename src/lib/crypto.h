/*
 * crypto.h — hashes, randomness and password storage (OpenSSL 3, libargon2).
 */
#ifndef YC_CRYPTO_H
#define YC_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define YC_SHA256_HEX	     65
#define YC_PASSWORD_HASH_MAX 128

/* Hex SHA-256 of p[0..n) into out (65 bytes with the NUL). */
void yc_sha256_hex(const void *p, size_t n, char out[YC_SHA256_HEX]);
/* SM3 (GB/T 32905) of p[0..n): the 32 raw bytes. */
void yc_sm3(const void *p, size_t n, unsigned char out[32]);
/* Hex SM3 of p[0..n) into out, the same length as SHA-256's. */
void yc_sm3_hex(const void *p, size_t n, char out[YC_SHA256_HEX]);
/* Hex HMAC-SHA-256 of p[0..n) under key (a text), cut to hexlen digits (≤ 64) into out. */
void yc_hmac_sha256_hex(const char *key, const void *p, size_t n, char *out, size_t hexlen);
/* Cryptographically random bytes; 0 or YC_EINTERNAL. */
int yc_random_bytes(void *p, size_t n);
/* nbytes of randomness as lowercase hex into out (needs 2*nbytes+1). */
int yc_random_hex(char *out, size_t nbytes);
/* A fast hash of a string for in-memory tables (FNV-1a); not for secrets. */
unsigned yc_hash_str(const char *s);
/*
 * SipHash-2-4 of p[0..n) under a 16-byte key: for tables whose keys an
 * attacker chooses (with a random key, colliding keys cannot be found offline).
 */
uint64_t yc_siphash(const unsigned char key[16], const void *p, size_t n);
/* Constant-time comparison of two NUL-terminated strings. */
int yc_secure_equal(const char *a, const char *b);

/* argon2id encoded hash of pw into out; 0 or a negative code. */
int yc_password_hash(const char *pw, char out[YC_PASSWORD_HASH_MAX]);
/* 0 when pw matches the encoded hash, YC_EAUTH when it does not. */
int yc_password_verify(const char *encoded, const char *pw);

#endif
