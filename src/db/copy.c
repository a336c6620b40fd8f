/*
 * copy.c — a whole database from one backend to another (SQLite → PostgreSQL
 * for a district that outgrows one machine), then a row count per table.
 *
 * The table list is ordered so that foreign keys are satisfied as rows
 * arrive; a migration that adds a table adds it here too (a test compares
 * this list with the schema). Column names come from the source rows, so
 * both schemas must agree, which the same migration version guarantees.
 * Values are always bound, never spliced.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_backend.h"
#include "lib/banned.h"

const char *const db_copy_tables[] = {
	"departments", "offices", "outlets", "users", "sessions", "calendar_years", "calendar_days", "items",
	"audit_events", "audit_head", "idempotency_keys", "outbox", "job_leases", "case_numbers",
	"processes", "process_runs", "materials", "material_uploads", "cases", "case_events", "post_checks", "assign_cursors", "notifications",
	"hall_zones", "hall_categories", "hall_windows", "ticket_numbers", "tickets", "appointments",
	"review_keys", "reviews", "review_visits", "review_orders", "review_callbacks", "review_figures",
	"cert_issuers", "cert_types", "cert_type_items", "cert_keys", "cert_serials", "certificates",
	"insp_items", "insp_entities", "insp_inspectors", "insp_conflicts", "insp_plans", "insp_tasks",
	"insp_minor", "insp_decisions", "fin_loans", "fin_entries", "fin_lines", "proc_contracts",
	"fin_grant_schemes", "fin_grants", "train_questions", "train_quizzes", "train_passes",
	"court_rules", "court_cases", "report_stated",
	"fin_advisory_teams", "fin_advisory_firms", "fin_advisory_visits", "fin_platform_loans",
	"ip_disputes", "guide_synonyms", "guide_unanswered", "fdi_editions", "watch_alerts",
	"terminal_codes", "terminal_visits", "terminal_prints", "guide_asked", "case_figures",
	NULL,
};

/* Orders that keep foreign keys satisfied within a table (a parent before its children). */
static const char *order_of(const char *table)
{
	if (!strcmp(table, "offices"))
		return " ORDER BY CASE level WHEN 'district' THEN 0 WHEN 'town' THEN 1 ELSE 2 END, code";
	if (!strcmp(table, "audit_events") || !strcmp(table, "users") || !strcmp(table, "outbox") ||
	    !strcmp(table, "notifications"))
		return " ORDER BY id";
	return "";
}

static int64_t count_rows(db *d, const char *table, yc_err *err)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", table);
	db_stmt *st = db_prepare(d, sql, err);
	if (!st)
		return -1;
	int64_t n = db_step(st, err) == DB_ROW ? db_col_int(st, 0) : -1;
	db_done(st);
	return n;
}

static int copy_table(db *from, db *to, const char *table, int64_t *copied, yc_err *err)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "SELECT * FROM %s%s", table, order_of(table));
	db_stmt *src = db_prepare(from, sql, err);
	if (!src)
		return err->code;
	db_stmt *dst = NULL;
	int rc, ncols = 0;
	*copied = 0;
	while ((rc = db_step(src, err)) == DB_ROW) {
		if (!dst) {
			/* The first row tells the columns: build the INSERT once. */
			ncols = db_col_count(src);
			yc_buf ins;
			yc_buf_init(&ins, 0);
			yc_buf_addf(&ins, "INSERT INTO %s (", table);
			for (int i = 0; i < ncols; i++)
				yc_buf_addf(&ins, "%s%s", i ? ", " : "", db_col_name(src, i));
			yc_buf_adds(&ins, ") VALUES (");
			for (int i = 0; i < ncols; i++)
				yc_buf_adds(&ins, i ? ", ?" : "?");
			yc_buf_adds(&ins, ")");
			dst = db_prepare(to, ins.data, err);
			yc_buf_release(&ins);
			if (!dst) {
				rc = err->code;
				break;
			}
		}
		for (int i = 0; i < ncols; i++) {
			if (db_col_null(src, i))
				db_bind_null(dst, i + 1);
			else
				db_bind_text(dst, i + 1, db_col_text(src, i));
		}
		rc = db_step(dst, err);
		db_done(dst);
		if (rc < 0)
			break;
		(*copied)++;
	}
	db_done(src);
	return rc < 0 ? rc : 0;
}

int db_copy(db *from, db *to, yc_buf *report, yc_err *err)
{
	int rc = db_begin(to, err);
	if (rc)
		return rc;
	/* The fresh target's own rows (the audit head, the schema's seed rows) give way to the source's. */
	for (int i = 0; db_copy_tables[i] && !rc; i++) {
		char sql[128];
		snprintf(sql, sizeof(sql), "DELETE FROM %s", db_copy_tables[i]);
		rc = db_exec(to, sql, err);
	}
	for (int i = 0; db_copy_tables[i] && !rc; i++) {
		int64_t n = 0;
		rc = copy_table(from, to, db_copy_tables[i], &n, err);
		if (rc)
			yc_err_prefix(rc, err, "%s", db_copy_tables[i]);
	}
	if (!rc && to->be->reset_ids)
		rc = to->be->reset_ids(to->conn, err);
	if (!rc)
		rc = db_commit(to, err);
	else
		db_rollback(to);
	if (rc)
		return rc;
	for (int i = 0; db_copy_tables[i]; i++) {
		int64_t a = count_rows(from, db_copy_tables[i], err);
		int64_t b = count_rows(to, db_copy_tables[i], err);
		yc_buf_addf(report, "%-18s %8lld rows%s\n", db_copy_tables[i], (long long)b,
			    a == b ? "" : "  MISMATCH");
		if (a != b || a < 0)
			rc = yc_err_set(err, YC_ECONFLICT, db_copy_tables[i],
					"%s: %lld rows in the source, %lld in the target",
					db_copy_tables[i], (long long)a, (long long)b);
	}
	return rc;
}
