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

static int migration_version(const char *name)
{
	return atoi(name);
}

int db_schema_latest(void)
{
	int v = 0;
	for (size_t i = 0; i < yc_schema_sqlite_count; i++)
		if (migration_version(yc_schema_sqlite[i].name) > v)
			v = migration_version(yc_schema_sqlite[i].name);
	return v;
}

int db_schema_version(db *d)
{
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
	/* Files come in name order from the embed step (the Makefile sorts them). */
	for (size_t i = 0; i < yc_schema_sqlite_count; i++) {
		const struct yc_embedded *m = &yc_schema_sqlite[i];
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
