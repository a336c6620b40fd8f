/* lease.c — job leases (see lease.h). */
#include "lease.h"

#include "lib/banned.h"

int64_t lease_due(db *d, const char *name)
{
	db_stmt *st = db_prepare(d, "SELECT until_ms FROM job_leases WHERE name = ?", NULL);
	if (!st)
		return 0;
	db_bind_text(st, 1, name);
	int64_t due = db_step(st, NULL) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return due;
}

int lease_take(db *d, const char *name, const char *holder, int64_t now, int64_t period_ms,
	       bool *taken, yc_err *err)
{
	*taken = false;
	int rc = db_run(d, err,
			"INSERT INTO job_leases (name, holder, until_ms, last_run_ms) VALUES (?, '', 0, 0)"
			" ON CONFLICT (name) DO NOTHING",
			"s", name);
	if (rc)
		return rc;
	/* Only a due lease moves: of several nodes trying at once, one wins (its row lock). */
	db_stmt *st = db_prepare(d,
				 "UPDATE job_leases SET holder = ?, until_ms = ?, last_run_ms = ?"
				 " WHERE name = ? AND until_ms <= ? RETURNING name",
				 err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, holder);
	db_bind_int(st, 2, now + period_ms);
	db_bind_int(st, 3, now);
	db_bind_text(st, 4, name);
	db_bind_int(st, 5, now);
	rc = db_step(st, err);
	db_done(st);
	*taken = rc == DB_ROW;
	return rc < 0 ? rc : 0;
}
