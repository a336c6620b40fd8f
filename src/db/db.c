/*
 * db.c — backend dispatch and the per-handle statement cache (see db.h).
 * Knows no SQL dialect: the backend does.
 */
#include "db.h"

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "db_backend.h"
#include "lib/json.h"
#include <unistd.h>
#include "lib/banned.h"



bool db_uri_is_postgres(const char *uri)
{
	return !strncmp(uri, "postgres://", 11) || !strncmp(uri, "postgresql://", 13);
}

const char *db_uri_path(const char *uri)
{
	if (db_uri_is_postgres(uri))
		return NULL;
	return strncmp(uri, "sqlite:", 7) ? uri : uri + 7;
}

static void deferred_drop(db *d, size_t from);

/* The process's page caches, summed (note_cache, db_cache_bytes). */
static _Atomic int64_t cache_sum;

int db_open(const char *uri, int flags, db **out, yc_err *err)
{
	*out = NULL;
	const struct db_backend *be = NULL;
	const char *target = uri;
	if (db_uri_is_postgres(uri)) {
		be = &db_backend_pg;
	} else {
		be = &db_backend_sqlite;
		if (!strncmp(uri, "sqlite:", 7))
			target = uri + 7;
	}
	if (!*target)
		return yc_err_set(err, YC_EINVAL, "db", "empty database path");
	db *d = calloc(1, sizeof(*d));
	if (!d)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	d->be = be;
	int rc = be->open(target, flags, &d->conn, err);
	if (rc) {
		free(d);
		return rc;
	}
	*out = d;
	return 0;
}

void db_close(db *d)
{
	if (!d)
		return;
	deferred_drop(d, 0);
	free(d->deferred);
	atomic_fetch_sub(&cache_sum, d->cache_noted);
	for (int i = 0; i < d->ncache; i++) {
		d->be->finalize(d->cache[i].impl);
		free(d->cache[i].sql);
	}
	d->be->close(d->conn);
	free(d);
}

const char *db_backend_name(const db *d)
{
	return d->be->name;
}

db_stmt *db_prepare(db *d, const char *sql, yc_err *err)
{
	/*
	 * The pointer check finds string literals quickly; the text is always
	 * compared too, because a reused buffer can hold other SQL at the same
	 * address (a regression test in tests/unit covers it).
	 */
	for (int i = 0; i < d->ncache; i++)
		if (d->cache[i].sql_ptr == sql && !strcmp(d->cache[i].sql, sql))
			return &d->cache[i];
	for (int i = 0; i < d->ncache; i++)
		if (!strcmp(d->cache[i].sql, sql)) {
			d->cache[i].sql_ptr = sql;
			return &d->cache[i];
		}
	void *impl = NULL;
	if (d->be->prepare(d->conn, sql, &impl, err))
		return NULL;
	if (d->ncache == DB_CACHE_MAX) {
		/* A full cache means dynamic SQL somewhere: a bug. Recycle the oldest. */
		d->be->finalize(d->cache[0].impl);
		free(d->cache[0].sql);
		memmove(&d->cache[0], &d->cache[1], sizeof(d->cache[0]) * (DB_CACHE_MAX - 1));
		d->ncache--;
	}
	db_stmt *st = &d->cache[d->ncache];
	st->sql = strdup(sql);
	if (!st->sql) {
		d->be->finalize(impl);
		yc_err_set(err, YC_ENOMEM, NULL, NULL);
		return NULL;
	}
	st->owner = d;
	st->sql_ptr = sql;
	st->impl = impl;
	d->ncache++;
	return st;
}

int db_bind_int(db_stmt *st, int idx, int64_t v)
{
	return st->owner->be->bind_int(st->impl, idx, v);
}

int db_bind_text(db_stmt *st, int idx, const char *s)
{
	if (!s)
		return st->owner->be->bind_null(st->impl, idx);
	return st->owner->be->bind_text(st->impl, idx, s);
}

int db_bind_null(db_stmt *st, int idx)
{
	return st->owner->be->bind_null(st->impl, idx);
}

int db_step(db_stmt *st, yc_err *err)
{
	return st->owner->be->step(st->impl, err);
}

int64_t db_col_int(db_stmt *st, int idx)
{
	return st->owner->be->col_int(st->impl, idx);
}

const char *db_col_text(db_stmt *st, int idx)
{
	const char *s = st->owner->be->col_text(st->impl, idx);
	return s ? s : "";
}

size_t db_col_len(db_stmt *st, int idx)
{
	return st->owner->be->col_len(st->impl, idx);
}

bool db_col_null(db_stmt *st, int idx)
{
	return st->owner->be->col_null(st->impl, idx);
}

void db_done(db_stmt *st)
{
	st->owner->be->reset(st->impl);
}

int db_ping(db *d, yc_err *err)
{
	db_stmt *st = db_prepare(d, "SELECT 1", err);
	if (!st)
		return err ? err->code : YC_EUNAVAIL;
	int rc = db_step(st, err);
	db_done(st);
	return rc == DB_ROW ? 0 : (rc < 0 ? rc : YC_EUNAVAIL);
}

int db_exec(db *d, const char *sql, yc_err *err)
{
	return d->be->exec(d->conn, sql, err);
}

/* Prepares sql and binds the parameters given as types ('i' int64_t, else text) from ap. */
static db_stmt *prepare_bound(db *d, yc_err *err, const char *sql, const char *types, va_list *ap)
{
	db_stmt *st = db_prepare(d, sql, err);
	for (int i = 0; st && types[i]; i++) {
		if (types[i] == 'i')
			db_bind_int(st, i + 1, va_arg(*ap, int64_t));
		else
			db_bind_text(st, i + 1, va_arg(*ap, const char *));
	}
	return st;
}

int db_run(db *d, yc_err *err, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	db_stmt *st = prepare_bound(d, err, sql, types, &ap);
	va_end(ap);
	if (!st)
		return db_failed(err);
	int rc = db_send(st, err);
	db_done(st);
	return rc;
}

int db_get(db *d, yc_err *err, const char *sql, const char *types, const char *cols, ...)
{
	va_list ap;
	va_start(ap, cols);
	db_stmt *st = prepare_bound(d, err, sql, types, &ap);
	if (!st) {
		va_end(ap);
		return db_failed(err);
	}
	int rc = db_step(st, err);
	for (int i = 0; rc == DB_ROW && cols[i]; i++) {
		switch (cols[i]) {
		case 'i': *va_arg(ap, int64_t *) = db_col_int(st, i); break;
		case 'I': {
			int64_t *out = va_arg(ap, int64_t *);
			if (!db_col_null(st, i))
				*out = db_col_int(st, i);
			break;
		}
		case 'n': *va_arg(ap, int *) = (int)db_col_int(st, i); break;
		case 'b': *va_arg(ap, bool *) = !db_col_null(st, i); break;
		case 't': {
			char *out = va_arg(ap, char *);
			size_t size = va_arg(ap, size_t);
			db_col_copy(st, i, out, size);
			break;
		}
		default: break; /* '-': a column the caller does not keep */
		}
	}
	va_end(ap);
	db_done(st);
	return rc;
}

/* Drops deferred entries from index `from` on. */
static void deferred_drop(db *d, size_t from)
{
	for (size_t i = from; i < d->ndeferred; i++)
		d->deferred[i].free_entry(d->deferred[i].entry);
	d->ndeferred = from;
}

/* By order; within an order, by flush (two modules on one order never meet), then as deferred. */
static int deferred_cmp(const void *a, const void *b)
{
	const struct db_deferred *x = a, *y = b;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	uintptr_t fx = (uintptr_t)x->flush, fy = (uintptr_t)y->flush;
	if (fx != fy)
		return fx < fy ? -1 : 1;
	return x->seq < y->seq ? -1 : (x->seq > y->seq ? 1 : 0); /* qsort is not stable */
}

/* Runs every deferred entry's flush, order by order, then drops them. */
static int deferred_flush(db *d, yc_err *err)
{
	if (!d->ndeferred)
		return 0;
	struct db_deferred *all = d->deferred;
	size_t n = d->ndeferred;
	int rc = 0;
	void **batch = malloc(sizeof(*batch) * n);
	if (!batch)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	qsort(all, n, sizeof(*all), deferred_cmp);
	for (size_t i = 0; i < n && !rc;) {
		size_t j = i, k = 0;
		while (j < n && all[j].order == all[i].order && all[j].flush == all[i].flush)
			batch[k++] = all[j++].entry;
		rc = all[i].flush(d, batch, k, err);
		i = j;
	}
	free(batch);
	deferred_drop(d, 0);
	return rc;
}

int db_defer(db *d, int order, db_flush_fn flush, void *entry, void (*free_entry)(void *),
	     yc_err *err)
{
	if (!d->in_txn) {
		void *one[1] = {entry};
		int rc = flush(d, one, 1, err);
		free_entry(entry);
		return rc;
	}
	if (d->ndeferred == d->capdeferred) {
		size_t cap = d->capdeferred ? d->capdeferred * 2 : 64;
		struct db_deferred *grown = realloc(d->deferred, sizeof(*grown) * cap);
		if (!grown) {
			free_entry(entry);
			return yc_err_set(err, YC_ENOMEM, NULL, NULL);
		}
		d->deferred = grown;
		d->capdeferred = cap;
	}
	d->deferred[d->ndeferred] =
		(struct db_deferred){order, d->ndeferred, d->sp_gen, flush, entry, free_entry};
	d->ndeferred++;
	return 0;
}

/* A command whose answer nobody waits for: queued where the backend can. */
static int exec_or_send(db *d, const char *sql, yc_err *err)
{
	return d->be->send_sql ? d->be->send_sql(d->conn, sql, err)
			       : d->be->exec(d->conn, sql, err);
}

int db_send(db_stmt *st, yc_err *err)
{
	if (st->owner->be->send_stmt)
		return st->owner->be->send_stmt(st->impl, -1, err);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		;
	return rc < 0 ? rc : 0;
}

int db_send_expect(db_stmt *st, int64_t rows, yc_err *err)
{
	const struct db_backend *be = st->owner->be;
	if (db_queuing(st->owner))
		return be->send_stmt(st->impl, rows, err);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW)
		;
	if (rc < 0)
		return rc;
	int64_t n = be->changes(st->impl);
	if (n != rows)
		return yc_err_set(err, YC_ECONFLICT, NULL, "the write changed %lld rows, not %lld",
				  (long long)n, (long long)rows);
	return 0;
}

bool db_queuing(db *d)
{
	return d->be->queuing && d->be->queuing(d->conn);
}

void db_queue(db *d, bool on)
{
	if (d->be->queue)
		d->be->queue(d->conn, on);
}

bool db_queue_failed(db *d)
{
	return d->be->queue_failed && d->be->queue_failed(d->conn);
}

int db_begin(db *d, yc_err *err)
{
	deferred_drop(d, 0);
	int rc = exec_or_send(d, d->be->begin_sql, err);
	d->in_txn = d->writing = rc == 0;
	d->txns++;
	return rc;
}

bool db_writing(const db *d)
{
	return d->writing;
}

uint64_t db_txn(const db *d)
{
	return d->txns;
}

uint64_t db_rollbacks(const db *d)
{
	return d->rollbacks;
}

void db_col_copy(db_stmt *st, int idx, char *out, size_t size)
{
	/* what snprintf "%s" does, without its cost (a row load copies a dozen columns) */
	if (!size)
		return;
	const char *s = db_col_text(st, idx);
	size_t n = strnlen(s, size - 1);
	memcpy(out, s, n);
	out[n] = '\0';
}

int db_rows_json(db_stmt *st, const char *kinds, yc_buf *out, yc_err *err)
{
	int rc, k = 0;
	yc_buf_addc(out, '[');
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (k++)
			yc_buf_addc(out, ',');
		yc_buf_addc(out, '{');
		for (int c = 0; kinds[c]; c++) {
			if (c)
				yc_buf_addc(out, ',');
			yc_json_add_str(out, db_col_name(st, c));
			yc_buf_addc(out, ':');
			bool null = db_col_null(st, c);
			switch (kinds[c]) {
			case 'i':
				yc_buf_addf(out, "%lld", (long long)db_col_int(st, c));
				break;
			case 'I': /* an integer, null when NULL */
				if (null)
					yc_buf_adds(out, "null");
				else
					yc_buf_addf(out, "%lld", (long long)db_col_int(st, c));
				break;
			case 'j': /* stored JSON text, sent as it is */
				yc_buf_adds(out, null ? "null" : db_col_text(st, c));
				break;
			default: /* 's': text, null when NULL */
				yc_json_add_str(out, null ? NULL : db_col_text(st, c));
			}
		}
		yc_buf_addc(out, '}');
	}
	db_done(st);
	if (rc < 0)
		return rc;
	return yc_buf_addc(out, ']');
}

int db_lock(db *d, const char *name, yc_err *err)
{
	if (!d->be->lock_sql)
		return 0;
	/* the key: FNV-1a of the name, as a positive 63-bit number */
	uint64_t h = 1469598103934665603ULL;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	db_stmt *st = db_prepare(d, d->be->lock_sql, err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, (int64_t)(h >> 1));
	int rc = db_step(st, err);
	db_done(st);
	return rc < 0 ? rc : 0;
}

/*
 * The process's page caches, summed: each connection adds how much its own
 * moved since it last looked, at the end of its transactions, on its own
 * thread (a connection is never read from another).
 */
static void note_cache(db *d)
{
	if (!d->be->cache_bytes)
		return;
	int64_t now = d->be->cache_bytes(d->conn);
	atomic_fetch_add(&cache_sum, now - d->cache_noted);
	d->cache_noted = now;
}

int64_t db_cache_bytes(void)
{
	return atomic_load(&cache_sum);
}

/*
 * A statement run through the statement cache: a read transaction's BEGIN
 * and COMMIT come with every GET, and compiling them each time (what exec
 * does) cost a case view ~6% of its time.
 */
static int run_cached(db *d, const char *sql)
{
	db_stmt *st = db_prepare(d, sql, NULL);
	if (!st)
		return -1;
	int rc = db_step(st, NULL);
	db_done(st);
	return rc < 0 ? rc : 0;
}

int db_read_begin(db *d)
{
	if (!d->be->read_begin_sql || d->in_txn)
		return 1;
	if (run_cached(d, d->be->read_begin_sql))
		return 1;
	d->in_txn = true;
	return 0;
}

void db_read_end(db *d)
{
	if (run_cached(d, "COMMIT"))
		d->be->exec(d->conn, "ROLLBACK", NULL);
	d->in_txn = false;
	note_cache(d);
}

int db_commit(db *d, yc_err *err)
{
	int rc = deferred_flush(d, err);
	if (rc)
		return rc; /* the caller rolls back */
	rc = d->be->exec(d->conn, "COMMIT", err);
	d->in_txn = d->writing = false;
	note_cache(d);
	return rc;
}

int db_rollback(db *d)
{
	deferred_drop(d, 0);
	d->in_txn = d->writing = false;
	d->rollbacks++;
	return d->be->exec(d->conn, "ROLLBACK", NULL);
}

int db_savepoint(db *d, yc_err *err)
{
	d->sp_gen++;
	return exec_or_send(d, "SAVEPOINT m", err);
}

int db_release(db *d, yc_err *err)
{
	return exec_or_send(d, "RELEASE SAVEPOINT m", err);
}

int db_savepoint_next(db *d, yc_err *err)
{
	d->sp_gen++;
	if (!d->be->send_sql)
		return d->be->exec(d->conn, "RELEASE SAVEPOINT m; SAVEPOINT m", err);
	int rc = d->be->send_sql(d->conn, "RELEASE SAVEPOINT m", err);
	return rc ? rc : d->be->send_sql(d->conn, "SAVEPOINT m", err);
}

int db_rollback_to(db *d)
{
	/* What was deferred under this savepoint goes with it. */
	size_t keep = d->ndeferred;
	while (keep > 0 && d->deferred[keep - 1].sp_gen == d->sp_gen)
		keep--;
	deferred_drop(d, keep);
	return d->be->exec(d->conn, "ROLLBACK TO SAVEPOINT m", NULL);
}

int db_notify(db *d, const char *channel, yc_err *err)
{
	return d->be->notify ? d->be->notify(d->conn, channel, err) : 0;
}

int db_listen(db *d, const char *channel, yc_err *err)
{
	return d->be->listen ? d->be->listen(d->conn, channel, err) : 0;
}

int db_wait(db *d, int wake_fd, int timeout_ms)
{
	struct pollfd fds[2];
	int n = 0;
	int sock = d->be->socket ? d->be->socket(d->conn) : -1;
	if (sock >= 0)
		fds[n++] = (struct pollfd){.fd = sock, .events = POLLIN};
	if (wake_fd >= 0)
		fds[n++] = (struct pollfd){.fd = wake_fd, .events = POLLIN};
	int rc = poll(fds, (nfds_t)n, timeout_ms);
	if (rc <= 0)
		return rc < 0 ? 0 : 0;
	int woken = 0;
	for (int i = 0; i < n; i++) {
		if (!fds[i].revents)
			continue;
		if (fds[i].fd == wake_fd) {
			char drain[64];
			while (read(wake_fd, drain, sizeof(drain)) > 0)
				;
			woken = 1;
		} else {
			int got = d->be->drain(d->conn);
			if (got < 0)
				return got;
			woken |= got > 0;
		}
	}
	return woken;
}

int db_col_count(db_stmt *st)
{
	return st->owner->be->col_count(st->impl);
}

const char *db_col_name(db_stmt *st, int idx)
{
	return st->owner->be->col_name(st->impl, idx);
}

int db_bulk(db *d, yc_err *err)
{
	return d->be->bulk ? d->be->bulk(d->conn, err) : 0;
}

int db_backup(db *d, const char *path, yc_err *err)
{
	if (!d->be->backup)
		return yc_err_set(err, YC_EINVAL, "db",
				  "backup copies SQLite databases; for PostgreSQL use pg_dump (docs/operations.md)");
	return d->be->backup(d->conn, path, err);
}

int db_count_rows(db_stmt *st, int64_t *n, yc_err *err)
{
	int rc;
	int64_t count = 0;
	while ((rc = db_step(st, err)) == DB_ROW)
		count++;
	db_done(st);
	if (n)
		*n = count;
	return rc < 0 ? rc : 0;
}

static int insert_rows(db *d, const char *head, const char *tail, int ncols, size_t n,
		       db_row_binder bind, void *arg, bool expect, yc_err *err)
{
	static const size_t chunks[] = {64, 16, 4, 1};
	int rc = 0;
	for (size_t done = 0; done < n && !rc;) {
		size_t k = 0;
		while (chunks[k] > n - done)
			k++;
		size_t rows = chunks[k];
		yc_buf sql;
		yc_buf_init(&sql, 0);
		yc_buf_addf(&sql, "%s VALUES ", head);
		for (size_t r = 0; r < rows; r++) {
			yc_buf_adds(&sql, r ? ", (" : "(");
			for (int c = 0; c < ncols; c++)
				yc_buf_adds(&sql, c ? ", ?" : "?");
			yc_buf_addc(&sql, ')');
		}
		if (tail)
			yc_buf_addf(&sql, " %s", tail);
		db_stmt *st = db_prepare(d, sql.data, err);
		yc_buf_release(&sql);
		if (!st)
			return db_failed(err);
		for (size_t r = 0; r < rows; r++)
			bind(st, 1 + (int)r * ncols, done + r, arg);
		rc = expect ? db_send_expect(st, (int64_t)rows, err) : db_send(st, err);
		db_done(st);
		done += rows;
	}
	return rc;
}

int db_insert_rows(db *d, const char *head, int ncols, size_t n, db_row_binder bind, void *arg,
		   yc_err *err)
{
	return insert_rows(d, head, NULL, ncols, n, bind, arg, false, err);
}

int db_insert_rows_expect(db *d, const char *head, const char *tail, int ncols, size_t n,
			  db_row_binder bind, void *arg, yc_err *err)
{
	return insert_rows(d, head, tail, ncols, n, bind, arg, true, err);
}
