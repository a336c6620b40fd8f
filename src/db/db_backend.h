/*
 * db_backend.h — what a storage backend implements for db.c. Only db.c and
 * the backend files include this.
 */
#ifndef YC_DB_BACKEND_H
#define YC_DB_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
	/* The statement that opens a write transaction. */
	const char *begin_sql;
};

extern const struct db_backend db_backend_sqlite;
extern const struct db_backend db_backend_pg;

#endif
