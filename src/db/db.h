/*
 * db.h — the only storage interface of yichuang.
 *
 * Domain code (core/) writes portable SQL with ? placeholders and talks to a
 * database only through these calls; which backend runs (SQLite today,
 * PostgreSQL later) is chosen by the URI given to db_open and is invisible
 * above this layer. A db handle is used by one thread at a time.
 *
 * Statements are cached per handle: db_prepare returns a borrowed, reset
 * statement that stays valid until db_close. Callers finish with db_done()
 * so the next user of the same SQL finds it clean; one statement text must
 * not be stepped by two callers at once on one handle.
 */
#ifndef YC_DB_H
#define YC_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/errors.h"

typedef struct db db;
typedef struct db_stmt db_stmt;

enum { DB_DONE = 0, DB_ROW = 1 };
enum { DB_OPEN_CREATE = 1, DB_OPEN_READONLY = 2 };

/* True for postgres:// and postgresql:// URIs (any libpq connection URI). */
bool db_uri_is_postgres(const char *uri);
/* The file path of a SQLite URI ("PATH" or "sqlite:PATH"); NULL for PostgreSQL. */
const char *db_uri_path(const char *uri);

/*
 * Work deferred to the end of the current transaction. A module (the audit
 * chain, the outbox) hands over an entry now; just before COMMIT, db_commit
 * calls each flush function once with all its entries of that order, lowest
 * order first, in the order they were deferred (a flush only ever gets its own
 * module's entries; core/common/flush.h keeps the orders apart). Entries deferred since the current
 * savepoint are dropped by db_rollback_to; db_rollback drops all. Outside a
 * transaction an entry is flushed at once. Takes ownership of entry.
 */
typedef int (*db_flush_fn)(db *d, void **entries, size_t n, yc_err *err);
int db_defer(db *d, int order, db_flush_fn flush, void *entry, void (*free_entry)(void *),
	     yc_err *err);

/* Opens uri ("PATH", "sqlite:PATH", "postgres://…"); *out is the caller's, freed with db_close. */
int db_open(const char *uri, int flags, db **out, yc_err *err);
void db_close(db *d);
const char *db_backend_name(const db *d);
/*
 * Bytes of page cache the process's connections hold (SQLite's; for
 * /metrics), as each connection last saw it at the end of a transaction.
 */
int64_t db_cache_bytes(void);

/* Borrowed statement (see above); NULL with err set on failure. */
db_stmt *db_prepare(db *d, const char *sql, yc_err *err);
/* What a failed call answers: err's code (YC_EINTERNAL when the caller passed no err). */
static inline int db_failed(const yc_err *err)
{
	return err ? err->code : YC_EINTERNAL;
}
int db_bind_int(db_stmt *st, int idx, int64_t v);
/* Copies s; s may be NULL (binds NULL). */
int db_bind_text(db_stmt *st, int idx, const char *s);
int db_bind_null(db_stmt *st, int idx);
/* DB_ROW, DB_DONE, or a negative code (YC_EEXISTS for a unique violation). */
int db_step(db_stmt *st, yc_err *err);
int64_t db_col_int(db_stmt *st, int idx);
/* Borrowed until the next step or db_done; "" for NULL. */
const char *db_col_text(db_stmt *st, int idx);
size_t db_col_len(db_stmt *st, int idx);
/* Copies a column's text into out (truncated to size; "" for NULL). */
void db_col_copy(db_stmt *st, int idx, char *out, size_t size);
bool db_col_null(db_stmt *st, int idx);
/* Resets the statement and clears its bindings. */
void db_done(db_stmt *st);

/* A round trip to the store (SELECT 1): 0, or YC_EUNAVAIL when it cannot be reached. */
int db_ping(db *d, yc_err *err);

/*
 * Runs st to the end for its effect alone: no rows read, no count. On a handle
 * with queued sends (db_queue: the pipeline's writers on PostgreSQL) it goes
 * out without waiting, with the next statement that waits (one round trip for
 * all of them), and its error is known only then: db_queue_failed says so, and
 * the pipeline runs the batch again without queuing. Elsewhere it is db_step
 * to the end. The caller still calls db_done.
 */
int db_send(db_stmt *st, yc_err *err);
/*
 * db_send for a write that assumes what a read would have told (the row is
 * new, the department's name is still this one) instead of waiting for the
 * read: st must change exactly rows rows. Queued, another count fails the
 * queue as an error does (db_queue_failed), and the pipeline runs the batch
 * again without queuing, where the caller takes its reading path. Run at
 * once, another count is YC_ECONFLICT.
 */
int db_send_expect(db_stmt *st, int64_t rows, yc_err *err);
/* Whether db_send queues on this handle now (a writer's transaction on PostgreSQL). */
bool db_queuing(db *d);
/* Queued sends on this handle inside write transactions (no-op where the backend has none). */
void db_queue(db *d, bool on);
/* Whether a queued statement of the current transaction failed: the transaction is lost. */
bool db_queue_failed(db *d);

/* Steps st to the end, counting its rows (e.g. a DELETE … RETURNING 1); resets it. */
int db_count_rows(db_stmt *st, int64_t *n, yc_err *err);

/*
 * Inserts n rows: "<head> VALUES (?, …), (?, …) …", ncols parameters a row, in
 * chunks of fixed sizes (64, 16, 4, 1 rows) so that few statement shapes are
 * cached. bind(st, param, row, arg) binds row's ncols values from param on.
 * The rows go with db_send.
 */
typedef void (*db_row_binder)(db_stmt *st, int param, size_t row, void *arg);
int db_insert_rows(db *d, const char *head, int ncols, size_t n, db_row_binder bind, void *arg,
		   yc_err *err);
/*
 * db_insert_rows for rows that hold only with an assumption: "<head> VALUES
 * (?, …), … <tail>" (say, head "INSERT … SELECT … FROM (" and tail ") AS v
 * JOIN …"), each chunk sent with db_send_expect for all of its rows.
 */
int db_insert_rows_expect(db *d, const char *head, const char *tail, int ncols, size_t n,
			  db_row_binder bind, void *arg, yc_err *err);

/*
 * Steps st to the end, appending its rows as a JSON array of objects keyed by
 * the column names (alias them to the keys wanted); kinds gives each column's
 * kind: 's' text (null when NULL), 'i' integer (0 when NULL), 'I' integer (null when
 * NULL), 'j' stored JSON text as it is.
 * Resets st.
 */
int db_rows_json(db_stmt *st, const char *kinds, yc_buf *out, yc_err *err);
/* Result columns of a stepped statement. */
int db_col_count(db_stmt *st);
const char *db_col_name(db_stmt *st, int idx);

/*
 * Copies every table of from into to (which must have the same, empty
 * schema), in one transaction on to, then checks row counts table by table.
 * report receives one line per table. copy.c keeps the table order.
 */
int db_copy(db *from, db *to, yc_buf *report, yc_err *err);
/* Tables db_copy knows, in copy order (NULL-terminated). */
extern const char *const db_copy_tables[];
/* A consistent copy of a live database into a new file (SQLite). */
int db_backup(db *d, const char *path, yc_err *err);
/*
 * A long bulk load follows on this connection (the demo's year): SQLite keeps the pages it
 * writes in a page cache large enough for the growing indexes instead of reading them back
 * from the file by the thousand; PostgreSQL needs nothing. Durability is unchanged.
 */
int db_bulk(db *d, yc_err *err);

/* Runs SQL without parameters (several statements allowed). */
int db_exec(db *d, const char *sql, yc_err *err);

/*
 * Wake-ups between nodes (PostgreSQL LISTEN/NOTIFY; no-ops on SQLite, where
 * one process writes). db_notify inside a transaction is delivered at commit.
 * db_wait waits up to timeout_ms for a notification on a listening handle or
 * for wake_fd (-1: none) to become readable: > 0 woken, 0 timed out, < 0 the
 * connection is lost (call db_listen again, which reconnects).
 */
int db_notify(db *d, const char *channel, yc_err *err);
int db_listen(db *d, const char *channel, yc_err *err);
int db_wait(db *d, int wake_fd, int timeout_ms);

/*
 * Convenience: prepare, bind ints/texts given as a format ("i" int64, "s" text),
 * and run for the effect alone (db_send: queued where the handle queues).
 */
int db_run(db *d, yc_err *err, const char *sql, const char *types, ...);
/*
 * db_run's reading twin: binds the parameters as db_run does, reads the
 * first row and copies its columns into the outputs that follow them, named
 * by cols: 'i' int64_t *, 'I' int64_t * left as it is for NULL, 'n' int *, 't' char * then its size as size_t
 * ("" for NULL), 'b' bool * (whether the column is not NULL), '-' skipped.
 * Returns DB_ROW, DB_DONE (no row: outputs untouched) or a negative code
 * with err set. err may be NULL only where a failure needs no message.
 */
int db_get(db *d, yc_err *err, const char *sql, const char *types, const char *cols, ...);

int db_begin(db *d, yc_err *err);
/*
 * Whether a write transaction (db_begin) is open on d: what d reads now may
 * include its own uncommitted writes, so it must not be remembered beyond it.
 */
bool db_writing(const db *d);
/*
 * For what a writer remembers between transactions (an assumed value): the
 * current write transaction's number on d (it grows with each db_begin), and
 * how many transactions d rolled back. A value remembered in transaction t
 * holds after it only if no rollback came since.
 */
uint64_t db_txn(const db *d);
uint64_t db_rollbacks(const db *d);
/*
 * Takes a lock named name until the transaction ends: writers that take the
 * same name take turns (PostgreSQL: an advisory lock; SQLite: nothing to do,
 * one writer at a time already). Take it first, before any row lock.
 */
int db_lock(db *d, const char *name, yc_err *err);
/*
 * A read-only stretch: on SQLite one snapshot for several reads (one round
 * of WAL locks instead of one per statement); nothing on PostgreSQL. 0 when
 * one was opened, which db_read_end closes; non-zero when there is none.
 */
int db_read_begin(db *d);
void db_read_end(db *d);
int db_commit(db *d, yc_err *err);
int db_rollback(db *d);
int db_savepoint(db *d, yc_err *err);
int db_release(db *d, yc_err *err);
int db_rollback_to(db *d);
/* Releases the current savepoint and opens the next one, in one exchange with the store. */
int db_savepoint_next(db *d, yc_err *err);

/* Migrations (migrate.c): brings the schema to the newest version. */
int db_migrate(db *d, yc_err *err);
/* The applied schema version (0 when none). */
int db_schema_version(db *d);
int db_schema_latest(void);

/*
 * The write pipeline (pipeline.c). One writer thread owns a write handle,
 * takes every queued mutation, runs each inside its own savepoint of one
 * transaction, commits once, and only then calls each mutation's done().
 */
typedef struct db_pipeline db_pipeline;
typedef struct db_mutation db_mutation;
typedef int (*db_mutation_fn)(db *d, void *arg, yc_err *err);

struct db_mutation {
	db_mutation_fn fn;
	void *arg;
	/* Called once on the writer thread after the outcome is durable (or failed). */
	void (*done)(db_mutation *m);
	void *owner;
	int rc;
	yc_err err;
	db_mutation *next;
};

struct db_pipeline_stats {
	uint64_t batches;
	uint64_t mutations;
	uint64_t failed_commits;
	uint64_t reruns; /* batches run again without queued sends (one of them failed) */
	/* batch sizes: bucket i counts batches of size <= 2^i; the last is larger */
	uint64_t size_buckets[11];
};

/* writers: threads (and connections) committing batches; always 1 on SQLite. */
int db_pipeline_start(const char *uri, int batch_max, int writers, db_pipeline **out, yc_err *err);
/* Queues m; m must stay alive until its done() runs. After stop: done(m) with YC_EUNAVAIL. */
void db_pipeline_submit(db_pipeline *p, db_mutation *m);
/* Submits fn(arg) and waits for its durable outcome. */
int db_pipeline_run(db_pipeline *p, db_mutation_fn fn, void *arg, yc_err *err);
/* Calls fn(arg) on the writer thread after every successful commit (one hook; NULL removes it). */
void db_pipeline_on_commit(db_pipeline *p, void (*fn)(void *arg), void *arg);
/* Finishes every queued mutation, then stops the writer and frees p. */
void db_pipeline_stop(db_pipeline *p);
void db_pipeline_get_stats(db_pipeline *p, struct db_pipeline_stats *out);

#endif
