/*
 * db_pg.c — the PostgreSQL backend (libpq).
 *
 * Statements: domain SQL uses ? placeholders; prepare rewrites them to $1…$n
 * (outside quoted strings) and prepares the statement on the server under a
 * per-connection name. Parameters go as text; the server infers their types
 * from the statement (domain SQL casts where it cannot, e.g. CAST(? AS TEXT)).
 *
 * Faults: a lost connection makes the current call fail with YC_EUNAVAIL at
 * once; the next call reconnects (connect_timeout bounds the wait) and
 * re-prepares statements lazily (each remembers the connection generation it
 * was prepared on). A transaction that was open when the connection died is
 * gone, so every write of that batch fails with 503 and nothing is
 * acknowledged that was not committed.
 *
 * Queued sends (the pipeline's writers, db_queue): inside a write transaction,
 * statements nobody waits for (BEGIN, savepoints, INSERTs through db_send) are
 * sent in libpq's pipeline mode without waiting; the next statement that
 * waits goes out behind them with one Sync, and all their answers come back
 * in one round trip. If a queued one failed, the server skipped the rest up
 * to the Sync: the transaction is lost, `failed` says so, and the pipeline
 * rolls back and runs the batch again without queuing, where each error
 * belongs to its own write.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_backend.h"
#include "lib/buf.h"
#include "lib/banned.h"

enum { PG_MAX_PARAMS = 32767 }; /* what the protocol allows a statement */
/*
 * Queued commands before a Sync is forced: their answers wait in the socket
 * while more go out, and a blocking send must never wait on a server that
 * waits on us to read.
 */
enum { PG_QUEUE_MAX = 256 };

struct pg_conn {
	PGconn *c;
	char *uri;
	unsigned generation; /* bumped on every reconnect */
	unsigned next_name;
	bool in_txn; /* between BEGIN and COMMIT/ROLLBACK: never reconnect silently there */
	char listening[64]; /* the channel LISTENed to, renewed after a reconnect */
	char notify[64];    /* a NOTIFY owed at COMMIT (one per transaction, whatever the count) */
	bool queue_on;	    /* queued sends allowed (db_queue) */
	int queued;	    /* commands sent in pipeline mode whose answers are unread */
	int nguards;	    /* of them, those that must change a given count of rows: */
	struct pg_guard {
		int at; /* the command's place among the queued */
		int64_t rows;
	} guard[PG_QUEUE_MAX];
	bool failed;	    /* a queued command of this transaction failed */
};

struct pg_stmt {
	struct pg_conn *pc;
	char *sql; /* rewritten */
	char name[24];
	unsigned generation;
	int nparams;
	char **values; /* nparams entries */
	PGresult *res;
	int row, nrows;
};

/* Maps a failed result (or a dead connection) to a YC_E… code. */
static int pg_fail(struct pg_conn *pc, const PGresult *res, yc_err *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(pc->c);
	int code = YC_EINTERNAL;
	if (PQstatus(pc->c) != CONNECTION_OK) {
		code = YC_EUNAVAIL;
	} else if (state) {
		if (!strcmp(state, "23505"))
			code = YC_EEXISTS;
		else if (!strncmp(state, "23", 2))
			code = YC_EINVAL;
		else if (!strcmp(state, "40001") || !strcmp(state, "40P01"))
			code = YC_EBUSY; /* serialization failure, deadlock: the batch is run again */
		else if (!strncmp(state, "08", 2) || !strncmp(state, "57", 2) ||
			 !strcmp(state, "25006") || !strcmp(state, "55P03"))
			code = YC_EUNAVAIL; /* connection, shutdown, read-only standby, lock */
	}
	char clean[200];
	snprintf(clean, sizeof(clean), "%s", msg ? msg : "");
	clean[strcspn(clean, "\n")] = '\0';
	return yc_err_internal(err, code, "postgres: %s", clean);
}

static int pg_connect(struct pg_conn *pc, yc_err *err)
{
	/* Defaults first: anything in the URI overrides them. */
	const char *keys[] = {"connect_timeout", "application_name", "keepalives_idle",
			      "keepalives_interval", "keepalives_count", "tcp_user_timeout",
			      "dbname", NULL};
	const char *vals[] = {"3", "yichuang", "10", "3", "3", "10000", pc->uri, NULL};
	if (pc->c)
		PQfinish(pc->c);
	pc->c = PQconnectdbParams(keys, vals, 1);
	pc->generation++;
	pc->queued = pc->nguards = 0; /* whatever was queued went with the old connection */
	if (!pc->c || PQstatus(pc->c) != CONNECTION_OK) {
		char clean[200];
		snprintf(clean, sizeof(clean), "%s", pc->c ? PQerrorMessage(pc->c) : "out of memory");
		clean[strcspn(clean, "\n")] = '\0';
		return yc_err_internal(err, YC_EUNAVAIL, "cannot connect to PostgreSQL: %s", clean);
	}
	PGresult *r = PQexec(pc->c, "SET client_min_messages = warning");
	PQclear(r);
	return 0;
}

/*
 * Reconnects when the connection is gone, but only between transactions: a
 * statement of a transaction whose connection died must fail, or it would
 * run on its own on the new connection and commit half a batch.
 */
static int pg_ensure(struct pg_conn *pc, yc_err *err)
{
	if (pc->c && PQstatus(pc->c) == CONNECTION_OK)
		return 0;
	if (pc->in_txn)
		return yc_err_internal(err, YC_EUNAVAIL,
				       "postgres: the connection was lost inside a transaction");
	return pg_connect(pc, err);
}

static int pg_open(const char *target, int flags, void **out, yc_err *err)
{
	(void)flags;
	struct pg_conn *pc = calloc(1, sizeof(*pc));
	if (!pc || !(pc->uri = strdup(target))) {
		free(pc);
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	int rc = pg_connect(pc, err);
	if (rc) {
		PQfinish(pc->c);
		free(pc->uri);
		free(pc);
		return rc;
	}
	*out = pc;
	return 0;
}

static void pg_close(void *conn)
{
	struct pg_conn *pc = conn;
	if (!pc)
		return;
	PQfinish(pc->c);
	free(pc->uri);
	free(pc);
}

/* ? → $n outside single-quoted strings; counts the parameters. */
static char *pg_rewrite(const char *sql, int *nparams)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	bool quoted = false;
	int n = 0;
	for (const char *p = sql; *p; p++) {
		if (*p == '\'')
			quoted = !quoted;
		if (*p == '?' && !quoted)
			yc_buf_addf(&b, "$%d", ++n);
		else
			yc_buf_addc(&b, *p);
	}
	*nparams = n;
	return yc_buf_detach(&b, NULL);
}

/* Sends one queued command's worth: enters pipeline mode first when needed. */
static bool pg_queue_begin(struct pg_conn *pc)
{
	return pc->queued > 0 || PQenterPipelineMode(pc->c);
}

/*
 * Ends a pipeline: sends the Sync and reads the answer of every queued
 * command, in order. With last, the final command is the caller's own: its
 * result is handed back (when it succeeded) and its own error is not a queued
 * failure. Any other error marks the transaction failed.
 */
static int pg_collect(struct pg_conn *pc, PGresult **last, yc_err *err)
{
	int n = pc->queued, nguards = pc->nguards, g = 0, rc = 0;
	pc->queued = pc->nguards = 0;
	if (!PQpipelineSync(pc->c))
		goto lost;
	for (int i = 0; i < n; i++) {
		PGresult *r = PQgetResult(pc->c);
		if (!r)
			goto lost;
		ExecStatusType s = PQresultStatus(r);
		bool mine = last && i == n - 1;
		const struct pg_guard *guard =
			g < nguards && pc->guard[g].at == i ? &pc->guard[g++] : NULL;
		if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
			if (!rc) {
				rc = pg_fail(pc, r, err);
				pc->failed = pc->failed || !mine;
			}
			PQclear(r);
		} else if (guard && strtoll(PQcmdTuples(r), NULL, 10) != guard->rows) {
			if (!rc) {
				rc = yc_err_set(err, YC_ECONFLICT, NULL,
						"a queued write changed %s rows, not %lld",
						PQcmdTuples(r), (long long)guard->rows);
				pc->failed = true;
			}
			PQclear(r);
		} else if (mine) {
			*last = r;
		} else {
			PQclear(r);
		}
		while ((r = PQgetResult(pc->c)) != NULL) /* a command's answers end with NULL */
			PQclear(r);
	}
	PGresult *sync = PQgetResult(pc->c);
	bool synced = sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
	PQclear(sync);
	if (!synced || !PQexitPipelineMode(pc->c))
		goto lost;
	return rc;
lost:
	pc->failed = true;
	if (last && *last) {
		PQclear(*last);
		*last = NULL;
	}
	if (!rc)
		rc = pg_fail(pc, NULL, err);
	/*
	 * The pipeline is out of step with the server (or the server is gone):
	 * drop the connection. Until the transaction ends every call fails
	 * (pg_ensure will not reconnect inside one), then the next BEGIN connects.
	 */
	PQfinish(pc->c);
	pc->c = NULL;
	pc->queued = pc->nguards = 0;
	return rc;
}

static int pg_server_prepare(struct pg_stmt *st, yc_err *err)
{
	struct pg_conn *pc = st->pc;
	if (pc->queued) { /* no synchronous calls in pipeline mode */
		int rc = pg_collect(pc, NULL, err);
		if (rc)
			return rc;
	}
	snprintf(st->name, sizeof(st->name), "s%u", ++pc->next_name);
	PGresult *r = PQprepare(pc->c, st->name, st->sql, st->nparams, NULL);
	int rc = 0;
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		rc = pg_fail(pc, r, err);
	PQclear(r);
	if (!rc)
		st->generation = pc->generation;
	return rc;
}

static void pg_finalize(void *stmt);

static int pg_prepare(void *conn, const char *sql, void **out, yc_err *err)
{
	struct pg_conn *pc = conn;
	int rc = pg_ensure(pc, err);
	if (rc)
		return rc;
	struct pg_stmt *st = calloc(1, sizeof(*st));
	if (!st)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	st->pc = pc;
	st->row = -1;
	st->sql = pg_rewrite(sql, &st->nparams);
	if (st->sql && st->nparams <= PG_MAX_PARAMS)
		st->values = calloc((size_t)(st->nparams ? st->nparams : 1), sizeof(*st->values));
	if (!st->sql || !st->values) {
		free(st->sql);
		free(st);
		return yc_err_set(err, YC_EINTERNAL, NULL, "statement has too many parameters");
	}
	if ((rc = pg_server_prepare(st, err))) {
		pg_finalize(st);
		return rc;
	}
	*out = st;
	return 0;
}

static void pg_reset(void *stmt)
{
	struct pg_stmt *st = stmt;
	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	st->nrows = 0;
	for (int i = 0; i < st->nparams; i++) {
		free(st->values[i]);
		st->values[i] = NULL;
	}
}

static void pg_finalize(void *stmt)
{
	struct pg_stmt *st = stmt;
	pg_reset(st);
	/* Server-side statements die with their connection; closing it is enough. */
	free(st->values);
	free(st->sql);
	free(st);
}

static int pg_bind_text(void *stmt, int idx, const char *s)
{
	struct pg_stmt *st = stmt;
	if (idx < 1 || idx > st->nparams)
		return YC_EINTERNAL;
	free(st->values[idx - 1]);
	st->values[idx - 1] = s ? strdup(s) : NULL;
	return 0;
}

static int pg_bind_int(void *stmt, int idx, int64_t v)
{
	char num[24];
	snprintf(num, sizeof(num), "%lld", (long long)v);
	return pg_bind_text(stmt, idx, num);
}

static int pg_bind_null(void *stmt, int idx)
{
	return pg_bind_text(stmt, idx, NULL);
}

static int pg_step(void *stmt, yc_err *err)
{
	struct pg_stmt *st = stmt;
	struct pg_conn *pc = st->pc;
	if (!st->res) {
		int rc = pg_ensure(pc, err);
		if (rc)
			return rc;
		if (st->generation != pc->generation && (rc = pg_server_prepare(st, err)))
			return rc;
		if (pc->queued) {
			/* behind the queued ones, and all of them answered in one round trip */
			if (!PQsendQueryPrepared(pc->c, st->name, st->nparams,
						 (const char *const *)st->values, NULL, NULL, 0)) {
				pc->failed = true;
				return pg_fail(pc, NULL, err);
			}
			pc->queued++;
			if ((rc = pg_collect(pc, &st->res, err)))
				return rc;
		} else {
			st->res = PQexecPrepared(pc->c, st->name, st->nparams,
						 (const char *const *)st->values, NULL, NULL, 0);
		}
		ExecStatusType s = PQresultStatus(st->res);
		if (s == PGRES_TUPLES_OK) {
			st->nrows = PQntuples(st->res);
		} else if (s == PGRES_COMMAND_OK) {
			st->nrows = 0;
		} else {
			rc = pg_fail(pc, st->res, err);
			PQclear(st->res);
			st->res = NULL;
			return rc;
		}
		st->row = -1;
	}
	if (st->row + 1 < st->nrows) {
		st->row++;
		return 1;
	}
	return 0;
}

static bool pg_queuing(const struct pg_conn *pc)
{
	return pc->queue_on && pc->in_txn && PQstatus(pc->c) == CONNECTION_OK;
}

static int pg_send_stmt(void *stmt, int64_t expect_rows, yc_err *err)
{
	struct pg_stmt *st = stmt;
	struct pg_conn *pc = st->pc;
	int rc;
	if (!pg_queuing(pc)) {
		while ((rc = pg_step(st, err)) == 1)
			;
		return rc < 0 ? rc : 0;
	}
	if (st->generation != pc->generation && (rc = pg_server_prepare(st, err)))
		return rc;
	if (!pg_queue_begin(pc) ||
	    !PQsendQueryPrepared(pc->c, st->name, st->nparams, (const char *const *)st->values,
				 NULL, NULL, 0)) {
		pc->failed = true;
		return pg_fail(pc, NULL, err);
	}
	if (expect_rows >= 0)
		pc->guard[pc->nguards++] = (struct pg_guard){pc->queued, expect_rows};
	return ++pc->queued >= PG_QUEUE_MAX ? pg_collect(pc, NULL, err) : 0;
}

static bool pg_queuing_now(void *conn)
{
	return pg_queuing(conn);
}

static int64_t pg_changes(void *stmt)
{
	struct pg_stmt *st = stmt;
	return st->res ? strtoll(PQcmdTuples(st->res), NULL, 10) : 0;
}

static int pg_exec(void *conn, const char *sql, yc_err *err);

/* One parameterless command (BEGIN, SAVEPOINT m, RELEASE SAVEPOINT m). */
static int pg_send_sql(void *conn, const char *sql, yc_err *err)
{
	struct pg_conn *pc = conn;
	bool begin = !strcmp(sql, "BEGIN");
	if (!pc->queue_on || (!begin && !pg_queuing(pc)))
		return pg_exec(conn, sql, err);
	if (begin) {
		int rc = pg_ensure(pc, err); /* reconnecting is allowed between transactions */
		if (rc)
			return rc;
		pc->failed = false;
	}
	if (!pg_queue_begin(pc) || !PQsendQueryParams(pc->c, sql, 0, NULL, NULL, NULL, NULL, 0)) {
		pc->failed = true;
		return pg_fail(pc, NULL, err);
	}
	if (begin)
		pc->in_txn = true;
	return ++pc->queued >= PG_QUEUE_MAX ? pg_collect(pc, NULL, err) : 0;
}

static void pg_queue(void *conn, bool on)
{
	struct pg_conn *pc = conn;
	pc->queue_on = on;
}

static bool pg_queue_failed(void *conn)
{
	const struct pg_conn *pc = conn;
	return pc->failed;
}

static int64_t pg_col_int(void *stmt, int idx)
{
	struct pg_stmt *st = stmt;
	if (!st->res || st->row < 0)
		return 0;
	const char *v = PQgetvalue(st->res, st->row, idx);
	if (v[0] == 't' && v[1] == '\0')
		return 1; /* booleans */
	return strtoll(v, NULL, 10);
}

static const char *pg_col_text(void *stmt, int idx)
{
	struct pg_stmt *st = stmt;
	if (!st->res || st->row < 0 || PQgetisnull(st->res, st->row, idx))
		return NULL;
	return PQgetvalue(st->res, st->row, idx);
}

static size_t pg_col_len(void *stmt, int idx)
{
	struct pg_stmt *st = stmt;
	if (!st->res || st->row < 0)
		return 0;
	return (size_t)PQgetlength(st->res, st->row, idx);
}

static bool pg_col_null(void *stmt, int idx)
{
	struct pg_stmt *st = stmt;
	return !st->res || st->row < 0 || PQgetisnull(st->res, st->row, idx);
}

/* Queued commands, then cmd (and the NOTIFY owed before a COMMIT), answered in one round trip. */
static int pg_exec_queued(struct pg_conn *pc, const char *notify, const char *cmd, yc_err *err)
{
	char line[96];
	if (notify[0]) {
		snprintf(line, sizeof(line), "NOTIFY %s", notify);
		if (!PQsendQueryParams(pc->c, line, 0, NULL, NULL, NULL, NULL, 0))
			goto send_failed;
		pc->queued++;
	}
	if (!PQsendQueryParams(pc->c, cmd, 0, NULL, NULL, NULL, NULL, 0))
		goto send_failed;
	pc->queued++;
	PGresult *own = NULL;
	int rc = pg_collect(pc, &own, err);
	PQclear(own);
	return rc;
send_failed:
	pc->failed = true;
	rc = pg_fail(pc, NULL, err);
	pg_collect(pc, NULL, NULL);
	return rc;
}

static int pg_exec(void *conn, const char *sql, yc_err *err)
{
	struct pg_conn *pc = conn;
	bool begin = !strcmp(sql, "BEGIN");
	bool commit = !strcmp(sql, "COMMIT"), rollback = !strcmp(sql, "ROLLBACK");
	bool end = commit || rollback;
	if (end && PQstatus(pc->c) != CONNECTION_OK) {
		/* The transaction died with the connection: its outcome is unknown to us. */
		pc->in_txn = false;
		pc->queued = pc->nguards = 0;
		return yc_err_internal(err, YC_EUNAVAIL, "postgres: the connection was lost");
	}
	int rc = pg_ensure(pc, err);
	if (rc)
		return rc;
	char notify[64] = "";
	if (commit)
		snprintf(notify, sizeof(notify), "%s", pc->notify);
	if (end)
		pc->notify[0] = '\0';
	if (pc->queued && rollback)
		pg_collect(pc, NULL, NULL); /* whatever they answered, they go */
	if (pc->queued) {
		/* one command a message in pipeline mode: no "a; b" */
		rc = pg_exec_queued(pc, notify, sql, err);
	} else {
		char with_notify[128];
		if (notify[0]) {
			snprintf(with_notify, sizeof(with_notify), "NOTIFY %s; COMMIT", notify);
			sql = with_notify;
		}
		PGresult *r = PQexec(pc->c, sql);
		ExecStatusType s = PQresultStatus(r);
		if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
			rc = pg_fail(pc, r, err);
		PQclear(r);
	}
	if (begin && !rc) {
		pc->in_txn = true;
		pc->failed = false;
	}
	if (end)
		pc->in_txn = false;
	if (rollback)
		pc->failed = false;
	return rc;
}

static int pg_notify(void *conn, const char *channel, yc_err *err)
{
	struct pg_conn *pc = conn;
	if (pc->in_txn) {
		/* Delivered at commit anyway: say it once, with the COMMIT. */
		snprintf(pc->notify, sizeof(pc->notify), "%s", channel);
		return 0;
	}
	char sql[96];
	snprintf(sql, sizeof(sql), "NOTIFY %s", channel);
	return pg_exec(conn, sql, err);
}

static int pg_listen(void *conn, const char *channel, yc_err *err)
{
	struct pg_conn *pc = conn;
	snprintf(pc->listening, sizeof(pc->listening), "%s", channel);
	char sql[96];
	snprintf(sql, sizeof(sql), "LISTEN %s", channel);
	return pg_exec(conn, sql, err);
}

static int pg_socket(void *conn)
{
	struct pg_conn *pc = conn;
	return PQstatus(pc->c) == CONNECTION_OK ? PQsocket(pc->c) : -1;
}

static int pg_drain(void *conn)
{
	struct pg_conn *pc = conn;
	if (!PQconsumeInput(pc->c) || PQstatus(pc->c) != CONNECTION_OK)
		return YC_EUNAVAIL;
	int n = 0;
	PGnotify *note;
	while ((note = PQnotifies(pc->c)) != NULL) {
		n++;
		PQfreemem(note);
	}
	return n;
}

static int pg_col_count(void *stmt)
{
	struct pg_stmt *st = stmt;
	return st->res ? PQnfields(st->res) : 0;
}

static const char *pg_col_name(void *stmt, int idx)
{
	struct pg_stmt *st = stmt;
	return st->res ? PQfname(st->res, idx) : "";
}

/* Identity columns keep their own counters: move them past copied rows. */
static int pg_reset_ids(void *conn, yc_err *err)
{
	return pg_exec(conn,
		       "SELECT setval(pg_get_serial_sequence('users', 'id'),"
		       " GREATEST((SELECT MAX(id) FROM users), 1));"
		       "SELECT setval(pg_get_serial_sequence('outbox', 'id'),"
		       " GREATEST((SELECT MAX(id) FROM outbox), 1));"
		       "SELECT setval(pg_get_serial_sequence('notifications', 'id'),"
		       " GREATEST((SELECT MAX(id) FROM notifications), 1));"
		       "SELECT setval(pg_get_serial_sequence('fin_entries', 'id'),"
		       " GREATEST((SELECT MAX(id) FROM fin_entries), 1));"
		       "SELECT setval(pg_get_serial_sequence('fin_advisory_visits', 'id'),"
		       " GREATEST((SELECT MAX(id) FROM fin_advisory_visits), 1));"
		       "SELECT setval(pg_get_serial_sequence('fin_platform_loans', 'id'),"
		       " GREATEST((SELECT MAX(id) FROM fin_platform_loans), 1))",
		       err);
}

const struct db_backend db_backend_pg = {
	.name = "postgres",
	.open = pg_open,
	.close = pg_close,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.col_len = pg_col_len,
	.col_null = pg_col_null,
	.reset = pg_reset,
	.exec = pg_exec,
	.notify = pg_notify,
	.listen = pg_listen,
	.socket = pg_socket,
	.drain = pg_drain,
	.col_count = pg_col_count,
	.col_name = pg_col_name,
	.reset_ids = pg_reset_ids,
	.send_stmt = pg_send_stmt,
	.send_sql = pg_send_sql,
	.queue = pg_queue,
	.queue_failed = pg_queue_failed,
	.queuing = pg_queuing_now,
	.changes = pg_changes,
	.begin_sql = "BEGIN",
	.lock_sql = "SELECT pg_advisory_xact_lock(?)",
};
