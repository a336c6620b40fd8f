/*
 * idempotency.h — stored answers for POSTs sent with an Idempotency-Key.
 *
 * Owns idempotency_keys. The answer is stored inside the same transaction
 * as the effect it answers for: either both exist or neither does. A key is
 * scoped to the caller (an account, or anonymous callers together) and is
 * kept for a day (idem_expire).
 */
#ifndef YC_IDEMPOTENCY_H
#define YC_IDEMPOTENCY_H

#include <stdint.h>

#include "db/db.h"
#include "lib/buf.h"
#include "lib/crypto.h"

enum { IDEM_KEY_MAX = 128 };
#define IDEM_TTL_MS (24LL * 3600 * 1000)

/* True when key is 1–128 printable ASCII characters. */
bool idem_key_valid(const char *key);

/*
 * Looks a key up. Returns 0 and fills hash, status and body (appended) when
 * found; YC_ENOTFOUND when not.
 */
int idem_find(db *d, const char *scope, const char *key, char hash[YC_SHA256_HEX], int *status,
	      yc_buf *body, yc_err *err);
/* Stores an answer (inside the effect's transaction). YC_EEXISTS when a concurrent request took the key. */
int idem_store(db *d, const char *scope, const char *key, const char *hash, int status,
	       const char *body, yc_err *err);
/* Removes keys older than before_ms; *removed may be NULL. */
int idem_expire(db *d, int64_t before_ms, int64_t *removed, yc_err *err);

#endif
