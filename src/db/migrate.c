/*
 * migrate.c — numbered schema migrations, compiled in from schema/<backend>/.
 *
 * A migration file is named NNN_what.sql; it is applied inside one
 * transaction together with its row in schema_version, so a failed migration
 * leaves no trace. Versions only go up; files are never edited once shipped.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "lib/embed.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

extern const struct yc_embedded yc_schema_sqlite[];
extern const size_t yc_schema_sqlite_count;
extern const struct yc_embedded yc_schema_postgres[];
extern const size_t yc_schema_postgres_count;

/* The migrations for d's backend (both sets carry the same version numbers). */
static const struct yc_embedded *migrations(db *d, size_t *n)
{
	if (d && !strcmp(db_backend_name(d), "postgres")) {
		*n = yc_schema_postgres_count;
		return yc_schema_postgres;
	}
	*n = yc_schema_sqlite_count;
	return yc_schema_sqlite;
}

static int migration_version(const char *name)
{
	return atoi(name);
}

int db_schema_latest(void)
{
	size_t n;
	const struct yc_embedded *m = migrations(NULL, &n);
	int v = 0;
	for (size_t i = 0; i < n; i++)
		if (migration_version(m[i].name) > v)
			v = migration_version(m[i].name);
	return v;
}

int db_schema_version(db *d)
{
	/* A database without the table is at version 0 (the query fails: no error to report). */
	db_stmt *st = db_prepare(d, "SELECT COALESCE(MAX(version), 0) FROM schema_version", NULL);
	if (!st)
		return 0;
	int v = db_step(st, NULL) == DB_ROW ? (int)db_col_int(st, 0) : 0;
	db_done(st);
	return v;
}

int db_migrate(db *d, yc_err *err)
{
	int rc = db_exec(d,
			 "CREATE TABLE IF NOT EXISTS schema_version ("
			 " version INTEGER PRIMARY KEY,"
			 " name TEXT NOT NULL,"
			 " applied_ms BIGINT NOT NULL)",
			 err);
	if (rc)
		return rc;
	int current = db_schema_version(d);
	size_t n;
	const struct yc_embedded *all = migrations(d, &n);
	/* Files come in name order from the embed step (the Makefile sorts them). */
	for (size_t i = 0; i < n; i++) {
		const struct yc_embedded *m = &all[i];
		int v = migration_version(m->name);
		if (v <= current)
			continue;
		if ((rc = db_begin(d, err)))
			return rc;
		rc = db_exec(d, m->text, err);
		if (!rc)
			rc = db_run(d, err,
				    "INSERT INTO schema_version (version, name, applied_ms) VALUES "
				    "(?, ?, ?)",
				    "isi", (int64_t)v, m->name, yc_now_ms());
		if (!rc)
			rc = db_commit(d, err);
		if (rc) {
			db_rollback(d);
			return rc;
		}
		current = v;
	}
	return 0;
}
