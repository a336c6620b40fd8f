/* idempotency.c — stored answers for Idempotency-Key (see idempotency.h). */
#include "idempotency.h"

#include <stdio.h>
#include <string.h>

#include "lib/timeutil.h"
#include "lib/banned.h"

bool idem_key_valid(const char *key)
{
	size_t n = key ? strlen(key) : 0;
	if (n == 0 || n > IDEM_KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (key[i] < 0x21 || key[i] > 0x7e)
			return false;
	return true;
}

int idem_find(db *d, const char *scope, const char *key, char hash[YC_SHA256_HEX], int *status,
	      yc_buf *body, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT request_hash, status, body FROM idempotency_keys"
				 " WHERE scope = ? AND idem_key = ?",
				 err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, scope);
	db_bind_text(st, 2, key);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		snprintf(hash, YC_SHA256_HEX, "%s", db_col_text(st, 0));
		*status = (int)db_col_int(st, 1);
		rc = yc_buf_add(body, db_col_text(st, 2), db_col_len(st, 2));
	} else if (rc == DB_DONE) {
		rc = YC_ENOTFOUND;
	}
	db_done(st);
	return rc;
}

int idem_store(db *d, const char *scope, const char *key, const char *hash, int status,
	       const char *body, yc_err *err)
{
	int rc = db_run(d, err,
			"INSERT INTO idempotency_keys (scope, idem_key, request_hash, status, body,"
			" created_ms) VALUES (?, ?, ?, ?, ?, ?)",
			"sssisi", scope, key, hash, (int64_t)status, body, yc_now_ms());
	if (rc == YC_EEXISTS)
		return yc_err_set(err, YC_ECONFLICT, "Idempotency-Key",
				  "another request with this Idempotency-Key is being processed; retry");
	return rc;
}

int idem_expire(db *d, int64_t before_ms, int64_t *removed, yc_err *err)
{
	db_stmt *st = db_prepare(d, "DELETE FROM idempotency_keys WHERE created_ms < ? RETURNING 1", err);
	if (!st)
		return err->code;
	db_bind_int(st, 1, before_ms);
	return db_count_rows(st, removed, err);
}
