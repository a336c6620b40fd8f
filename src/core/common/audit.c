/*
 * audit.c — the hash-chained event log (see audit.h for the invariants).
 *
 * hash(n) = SHA-256 over prev_hash(n) and each field of event n, every field
 * written as "<byte length>:<bytes>" so that no two different events can
 * produce the same input.
 */
#include "audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

const yc_actor audit_system_actor = {"system", "admin"};

static const char audit_genesis[] =
	"0000000000000000000000000000000000000000000000000000000000000000";

static int audit_field(yc_buf *b, const char *s)
{
	if (!s)
		s = "";
	int rc = yc_buf_addf(b, "%zu:", strlen(s));
	return rc ? rc : yc_buf_adds(b, s);
}

/* out receives the hex hash; 0, or YC_ENOMEM when the input could not be assembled. */
static int audit_hash(const char *prev, int64_t id, int64_t at_ms, const char *actor,
		      const char *role, const char *action, const char *object, const char *reason,
		      const char *before, const char *after, char out[YC_SHA256_HEX])
{
	char num_id[24], num_at[24];
	snprintf(num_id, sizeof(num_id), "%" PRId64, id);
	snprintf(num_at, sizeof(num_at), "%" PRId64, at_ms);
	const char *fields[] = {prev, num_id, num_at, actor, role, action, object, reason, before, after};
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = 0;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]) && !rc; i++)
		rc = audit_field(&b, fields[i]);
	if (!rc)
		yc_sha256_hex(b.data, b.len, out);
	yc_buf_release(&b);
	return rc;
}

/* An event waiting for its transaction's end (see db_defer). */
struct audit_pending {
	int64_t at_ms;
	char *field[7]; /* actor, role, action, object, reason, before, after */
};

static void audit_pending_free(void *p)
{
	struct audit_pending *e = p;
	for (int i = 0; i < 7; i++)
		free(e->field[i]);
	free(e);
}

struct audit_rows {
	struct audit_pending **rows;
	int64_t first_id;
	char (*prev)[YC_SHA256_HEX];
	char (*hash)[YC_SHA256_HEX];
};

static void audit_bind_row(db_stmt *st, int col, size_t i, void *arg)
{
	struct audit_rows *a = arg;
	struct audit_pending *e = a->rows[i];
	db_bind_int(st, col++, a->first_id + (int64_t)i);
	db_bind_int(st, col++, e->at_ms);
	for (int f = 0; f < 5; f++)
		db_bind_text(st, col++, e->field[f] ? e->field[f] : "");
	db_bind_text(st, col++, e->field[5]);
	db_bind_text(st, col++, e->field[6]);
	db_bind_text(st, col++, a->prev[i]);
	db_bind_text(st, col, a->hash[i]);
}

/*
 * At the end of the transaction: reserve the ids (moving the head takes its
 * row lock until commit), chain the hashes, insert the rows, and give the
 * head the last row's hash (queued behind the rows where sends are queued).
 */
static int audit_flush(db *d, void **entries, size_t count, yc_err *err)
{
	int n = (int)count;
	db_stmt *st = db_prepare(d,
				 "UPDATE audit_head SET last_id = last_id + ? WHERE one = 1"
				 " RETURNING last_id, hash",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, n);
	int rc = db_step(st, err);
	if (rc != DB_ROW) {
		db_done(st);
		return rc < 0 ? rc : yc_err_set(err, YC_EINTERNAL, NULL, "audit head missing");
	}
	int64_t first = db_col_int(st, 0) - n + 1;
	char (*prev)[YC_SHA256_HEX] = malloc(sizeof(*prev) * (size_t)n);
	char (*hash)[YC_SHA256_HEX] = malloc(sizeof(*hash) * (size_t)n);
	if (prev && hash)
		snprintf(prev[0], YC_SHA256_HEX, "%s", db_col_text(st, 1));
	db_done(st);
	if (!prev || !hash) {
		rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		struct audit_pending *e = entries[i];
		if (i)
			memcpy(prev[i], hash[i - 1], YC_SHA256_HEX);
		if ((rc = audit_hash(prev[i], first + i, e->at_ms, e->field[0], e->field[1],
				     e->field[2], e->field[3], e->field[4], e->field[5], e->field[6],
				     hash[i]))) {
			rc = yc_err_set(err, rc, NULL, NULL);
			goto out;
		}
	}
	struct audit_rows rows = {(struct audit_pending **)entries, first, prev, hash};
	rc = db_insert_rows(d,
			    "INSERT INTO audit_events (id, at_ms, actor, role, action, object, reason,"
			    " before, after, prev_hash, hash)",
			    11, count, audit_bind_row, &rows, err);
	if (!rc)
		rc = db_run(d, err, "UPDATE audit_head SET hash = ? WHERE one = 1", "s",
			    hash[n - 1]);
out:
	free(prev);
	free(hash);
	return rc;
}

int audit_append(db *d, const yc_actor *actor, const char *action, const char *object,
		 const char *reason, const char *before, const char *after, yc_err *err)
{
	struct audit_pending *e = calloc(1, sizeof(*e));
	if (!e)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	e->at_ms = yc_now_ms();
	const char *f[7] = {actor->username, actor->role, action, object, reason ? reason : "",
			    before, after};
	for (int i = 0; i < 7; i++) {
		if (f[i] && !(e->field[i] = strdup(f[i]))) {
			audit_pending_free(e);
			return yc_err_set(err, YC_ENOMEM, NULL, NULL);
		}
	}
	return db_defer(d, AUDIT_FLUSH_ORDER, audit_flush, e, audit_pending_free, err);
}

static int audit_broken(struct audit_report *rep, int64_t id, const char *what)
{
	rep->bad_id = id;
	snprintf(rep->problem, sizeof(rep->problem), "%s", what);
	return YC_ECONFLICT;
}

int audit_verify(db *d, struct audit_report *rep, yc_err *err)
{
	memset(rep, 0, sizeof(*rep));
	db_stmt *st =
		db_prepare(d,
			   "SELECT id, at_ms, actor, role, action, object, reason, before, after,"
			   " prev_hash, hash FROM audit_events ORDER BY id",
			   err);
	if (!st)
		return db_failed(err);
	char prev[YC_SHA256_HEX];
	snprintf(prev, sizeof(prev), "%s", audit_genesis);
	int64_t expect = 1;
	int rc, result = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);
		char hash[YC_SHA256_HEX];
		if (id != expect) {
			result = audit_broken(rep, id < expect ? id : expect,
					      id < expect ? "event inserted out of sequence"
							  : "event missing (removed)");
			break;
		}
		if (strcmp(db_col_text(st, 9), prev) != 0) {
			result = audit_broken(rep, id, "previous-hash link broken");
			break;
		}
		if (audit_hash(prev, id, db_col_int(st, 1), db_col_text(st, 2), db_col_text(st, 3),
			       db_col_text(st, 4), db_col_text(st, 5), db_col_text(st, 6),
			       db_col_null(st, 7) ? NULL : db_col_text(st, 7),
			       db_col_null(st, 8) ? NULL : db_col_text(st, 8), hash)) {
			rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
			break;
		}
		if (strcmp(hash, db_col_text(st, 10)) != 0) {
			result = audit_broken(rep, id, "event altered (hash mismatch)");
			break;
		}
		snprintf(prev, sizeof(prev), "%s", hash);
		rep->count++;
		expect++;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (result)
		return yc_err_set(err, result, NULL, "audit chain broken at event %lld: %s",
				  (long long)rep->bad_id, rep->problem);
	st = db_prepare(d, "SELECT last_id, hash FROM audit_head WHERE one = 1", err);
	if (!st)
		return db_failed(err);
	rc = db_step(st, err);
	if (rc != DB_ROW || db_col_int(st, 0) != expect - 1 || strcmp(db_col_text(st, 1), prev)) {
		int64_t head = rc == DB_ROW ? db_col_int(st, 0) : 0;
		db_done(st);
		audit_broken(rep, head > expect - 1 ? expect : expect - 1,
			     head > expect - 1 ? "newest events removed"
					       : "chain head does not match");
		return yc_err_set(err, YC_ECONFLICT, NULL, "audit chain broken at event %lld: %s",
				  (long long)rep->bad_id, rep->problem);
	}
	db_done(st);
	return 0;
}
