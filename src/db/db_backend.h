/*
 * db_backend.h — what a storage backend implements for db.c. Only db.c and
 * the backend files include this.
 */
#ifndef YC_DB_BACKEND_H
#define YC_DB_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "lib/errors.h"

struct db_backend {
	const char *name;
	int (*open)(const char *target, int flags, void **conn, yc_err *err);
	void (*close)(void *conn);
	int (*prepare)(void *conn, const char *sql, void **stmt, yc_err *err);
	void (*finalize)(void *stmt);
	int (*bind_int)(void *stmt, int idx, int64_t v);
	int (*bind_text)(void *stmt, int idx, const char *s);
	int (*bind_null)(void *stmt, int idx);
	int (*step)(void *stmt, yc_err *err);
	int64_t (*col_int)(void *stmt, int idx);
	const char *(*col_text)(void *stmt, int idx);
	size_t (*col_len)(void *stmt, int idx);
	bool (*col_null)(void *stmt, int idx);
	void (*reset)(void *stmt);
	int (*exec)(void *conn, const char *sql, yc_err *err);
	/* Cross-node wake-ups; NULL where the backend has none (SQLite: one node). */
	int (*notify)(void *conn, const char *channel, yc_err *err);
	int (*listen)(void *conn, const char *channel, yc_err *err);
	int (*socket)(void *conn);
	int (*drain)(void *conn); /* notifications received, or < 0 when the connection is lost */
	int (*col_count)(void *stmt);
	const char *(*col_name)(void *stmt, int idx);
	/* After rows were inserted with explicit ids: move id generators past them. */
	int (*reset_ids)(void *conn, yc_err *err);
	/* A consistent copy of the whole database to a file, while others use it (NULL: unsupported). */
	int (*backup)(void *conn, const char *path, yc_err *err);
	/* A long bulk load follows on this connection (NULL: nothing to tune). */
	int (*bulk)(void *conn, yc_err *err);
	/*
	 * Queued sends (NULL where statements run at once): send_stmt and send_sql
	 * queue a statement or one parameterless command without waiting, when
	 * queuing is on and a write transaction is open, and otherwise run it now;
	 * queue_failed tells that a queued one failed. send_stmt's expect_rows
	 * (< 0: any) is the count a queued statement must change, checked when
	 * its answer comes: a different count fails the queue as an error would.
	 * queuing tells whether sends are queued now.
	 */
	int (*send_stmt)(void *stmt, int64_t expect_rows, yc_err *err);
	int (*send_sql)(void *conn, const char *sql, yc_err *err);
	void (*queue)(void *conn, bool on);
	bool (*queue_failed)(void *conn);
	bool (*queuing)(void *conn);
	/* Rows the statement's last run changed (INSERT, UPDATE, DELETE). */
	int64_t (*changes)(void *stmt);
	/* The statement that opens a write transaction. */
	const char *begin_sql;
	const char *read_begin_sql; /* NULL: reads need no transaction of their own */
	/* Bytes of page cache the connection holds (NULL: the backend keeps none in this process).
	 */
	int64_t (*cache_bytes)(void *conn);
	const char *lock_sql;	    /* a transaction-long lock on one integer key; NULL: writes are serial already */
};

/* The handle and statement, shared by the files of db/ only. */
enum { DB_CACHE_MAX = 256 };

struct db_stmt {
	struct db *owner;
	const char *sql_ptr; /* identity of the caller's string, for a fast lookup */
	char *sql;
	void *impl;
};

struct db_deferred {
	int order;          /* flushed in ascending order */
	size_t seq;         /* deferral order within an order */
	unsigned sp_gen;    /* the savepoint it was deferred under */
	db_flush_fn flush;  /* called once per order with every entry of that order */
	void *entry;
	void (*free_entry)(void *entry);
};

struct db {
	const struct db_backend *be;
	void *conn;
	struct db_stmt cache[DB_CACHE_MAX];
	int ncache;
	/* work deferred to the end of the current transaction (db_defer) */
	bool in_txn;
	bool writing; /* in_txn by db_begin, not db_read_begin */
	uint64_t txns;	    /* db_begin calls: the current write transaction's number */
	uint64_t rollbacks; /* db_rollback calls */
	unsigned sp_gen;
	struct db_deferred *deferred;
	size_t ndeferred, capdeferred;
	int64_t cache_noted; /* cache_bytes as last added to the process's sum (db_cache_bytes) */
};

extern const struct db_backend db_backend_sqlite;
extern const struct db_backend db_backend_pg;

#endif
