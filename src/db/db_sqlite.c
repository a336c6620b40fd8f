/*
 * db_sqlite.c — the SQLite backend: WAL, synchronous=FULL (a commit is on
 * disk before it returns), foreign keys, a busy timeout. One connection per
 * thread (SQLITE_OPEN_NOMUTEX). Everything SQLite-specific lives here and in
 * schema/sqlite/.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <string.h>

#include "db_backend.h"
#include "lib/banned.h"

static int sq_error(sqlite3 *conn, int rc, yc_err *err)
{
	int code = YC_EINTERNAL;
	int ext = conn ? sqlite3_extended_errcode(conn) : rc;
	if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		code = YC_EEXISTS;
	else if ((rc & 0xff) == SQLITE_CONSTRAINT)
		code = YC_EINVAL;
	else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		code = YC_EUNAVAIL;
	else if ((rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_FULL ||
		 (rc & 0xff) == SQLITE_CANTOPEN)
		code = YC_EIO;
	return yc_err_internal(err, code, "sqlite: %s",
			       conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc));
}

/*
 * Before SQLite's first use: no global memory statistics. Keeping them takes
 * a process-wide mutex on every allocation, which the listener threads and
 * the writer then queue on; yichuang never reads them.
 */
static void sq_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sq_open(const char *path, int flags, void **out, yc_err *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sq_configure);
	sqlite3 *conn = NULL;
	int oflags = SQLITE_OPEN_NOMUTEX;
	oflags |= (flags & 2) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (flags & 1)
		oflags |= SQLITE_OPEN_CREATE;
	int rc = sqlite3_open_v2(path, &conn, oflags, NULL);
	if (rc != SQLITE_OK) {
		int code = yc_err_set(err, YC_EIO, "db", "cannot open database %s: %s", path,
				      conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc));
		sqlite3_close(conn);
		return code;
	}
	sqlite3_extended_result_codes(conn, 1);
	sqlite3_busy_timeout(conn, 5000);
	const char *pragmas = (flags & 2) ? "PRAGMA foreign_keys=ON;"
					  : "PRAGMA journal_mode=WAL;"
					    "PRAGMA synchronous=FULL;"
					    "PRAGMA foreign_keys=ON;"
					    /* room for a whole batch's pages: no spilling mid-transaction */
					    "PRAGMA cache_size=-16384;"
					    /*
					     * each write in a batch has its own savepoint, whose statement
					     * journal would otherwise be a temporary file written page by page
					     */
					    "PRAGMA temp_store=MEMORY;";
	char *msg = NULL;
	rc = sqlite3_exec(conn, pragmas, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int code = yc_err_set(err, YC_EIO, "db", "cannot set up database %s: %s", path,
				      msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		sqlite3_close(conn);
		return code;
	}
	*out = conn;
	return 0;
}

static void sq_close(void *conn)
{
	sqlite3_close(conn);
}

static int sq_prepare(void *conn, const char *sql, void **stmt, yc_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK)
		return sq_error(conn, rc, err);
	*stmt = st;
	return 0;
}

static void sq_finalize(void *stmt)
{
	sqlite3_finalize(stmt);
}

static int sq_bind_int(void *stmt, int idx, int64_t v)
{
	return sqlite3_bind_int64(stmt, idx, v) == SQLITE_OK ? 0 : YC_EINTERNAL;
}

static int sq_bind_text(void *stmt, int idx, const char *s)
{
	return sqlite3_bind_text(stmt, idx, s, -1, SQLITE_TRANSIENT) == SQLITE_OK ? 0
										  : YC_EINTERNAL;
}

static int sq_bind_null(void *stmt, int idx)
{
	return sqlite3_bind_null(stmt, idx) == SQLITE_OK ? 0 : YC_EINTERNAL;
}

static int sq_step(void *stmt, yc_err *err)
{
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sq_error(sqlite3_db_handle(stmt), rc, err);
}

static int64_t sq_col_int(void *stmt, int idx)
{
	return sqlite3_column_int64(stmt, idx);
}

static const char *sq_col_text(void *stmt, int idx)
{
	return (const char *)sqlite3_column_text(stmt, idx);
}

static size_t sq_col_len(void *stmt, int idx)
{
	sqlite3_column_text(stmt, idx);
	return (size_t)sqlite3_column_bytes(stmt, idx);
}

static bool sq_col_null(void *stmt, int idx)
{
	return sqlite3_column_type(stmt, idx) == SQLITE_NULL;
}

static void sq_reset(void *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

static int64_t sq_cache_bytes(void *conn)
{
	int cur = 0, high = 0;
	return sqlite3_db_status(conn, SQLITE_DBSTATUS_CACHE_USED, &cur, &high, 0) == SQLITE_OK
		       ? cur
		       : 0;
}

static int sq_exec(void *conn, const char *sql, yc_err *err)
{
	int rc = sqlite3_exec(conn, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : sq_error(conn, rc, err);
}

static int64_t sq_changes(void *stmt)
{
	return sqlite3_changes64(sqlite3_db_handle(stmt));
}

static int sq_col_count(void *stmt)
{
	return sqlite3_column_count(stmt);
}

static const char *sq_col_name(void *stmt, int idx)
{
	return sqlite3_column_name(stmt, idx);
}

static int sq_reset_ids(void *conn, yc_err *err)
{
	(void)conn, (void)err;
	return 0; /* INTEGER PRIMARY KEY and AUTOINCREMENT continue after the largest id */
}

/* SQLite's online backup: a consistent snapshot while the server keeps writing. */
/* 512 MiB of page cache, taken only as pages are touched: a year's demo indexes stay in it. */
static int sq_bulk(void *conn, yc_err *err)
{
	return sq_exec(conn, "PRAGMA cache_size=-524288;", err);
}

static int sq_backup(void *conn, const char *path, yc_err *err)
{
	sqlite3 *dest = NULL;
	int rc = sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		int code = yc_err_set(err, YC_EIO, "out", "cannot create %s: %s", path,
				      dest ? sqlite3_errmsg(dest) : sqlite3_errstr(rc));
		sqlite3_close(dest);
		return code;
	}
	sqlite3_backup *b = sqlite3_backup_init(dest, "main", conn, "main");
	if (!b) {
		int code = sq_error(dest, sqlite3_errcode(dest), err);
		sqlite3_close(dest);
		return code;
	}
	/* Copy in steps so writers are never blocked for long; restart if they change pages. */
	do {
		rc = sqlite3_backup_step(b, 256);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	int code = 0;
	if (rc != SQLITE_DONE)
		code = sq_error(dest, rc, err);
	else if (sqlite3_exec(dest, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK)
		code = sq_error(dest, sqlite3_errcode(dest), err);
	sqlite3_close(dest);
	return code;
}

const struct db_backend db_backend_sqlite = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.bind_int = sq_bind_int,
	.bind_text = sq_bind_text,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.col_int = sq_col_int,
	.col_text = sq_col_text,
	.col_len = sq_col_len,
	.col_null = sq_col_null,
	.reset = sq_reset,
	.exec = sq_exec,
	.cache_bytes = sq_cache_bytes,
	.col_count = sq_col_count,
	.col_name = sq_col_name,
	.reset_ids = sq_reset_ids,
	.backup = sq_backup,
	.bulk = sq_bulk,
	.changes = sq_changes,
	.begin_sql = "BEGIN IMMEDIATE",
	/* one WAL read snapshot (one round of -shm locks) for all of a request's reads */
	.read_begin_sql = "BEGIN",
};
