/*
 * The write pipeline on PostgreSQL with queued sends: a statement that fails
 * after it was queued fails its own write alone, whether the failure shows
 * at the next mutation or at COMMIT. Runs against a server when
 * YC_TEST_PG_URI names a fresh database (tests/api/pg_pipeline.test.mjs
 * does so in the PostgreSQL layer); skipped otherwise.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "db/db.h"

static int send_dept(db *d, void *arg, yc_err *err)
{
	db_stmt *st =
		db_prepare(d, "INSERT INTO departments (code, name) VALUES (?, 'queued')", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, arg);
	int rc = db_send(st, err);
	db_done(st);
	return rc;
}

/* Writes, then refuses (as a business rule would): its row must not stay. */
static int send_then_refuse(db *d, void *arg, yc_err *err)
{
	int rc = send_dept(d, arg, err);
	return rc ? rc : yc_err_set(err, YC_ECONFLICT, NULL, "refused after writing");
}

/* The same as send_dept or send_then_refuse, by the code's first letter. */
static int send_or_refuse(db *d, void *arg, yc_err *err)
{
	return ((const char *)arg)[0] == 'x' ? send_then_refuse(d, arg, err)
					     : send_dept(d, arg, err);
}

/* Holds the writer so that the mutations submitted meanwhile make one batch. */
static int hold_writer(db *d, void *arg, yc_err *err)
{
	(void)d, (void)arg, (void)err;
	usleep(200 * 1000);
	return 0;
}

/* Runs a blocker and then fn on each of args[] as one batch; rcs[] gets each write's outcome. */
static void run_batch(db_pipeline *p, db_mutation_fn fn, void *const *args, int n, int *rcs)
{
	struct batch b = BATCH_INIT;
	struct batch_item items[8];
	batch_submit(p, &b, &items[0], hold_writer, NULL);
	usleep(50 * 1000); /* the blocker's batch is under way */
	for (int i = 1; i <= n; i++)
		batch_submit(p, &b, &items[i], fn, args[i - 1]);
	batch_wait(&b);
	for (int i = 0; i < n; i++)
		rcs[i] = items[i + 1].m.rc;
}

/*
 * A write that assumes the name of department pq-base where sends are queued
 * (as catalog_item_put does), and reads it where they are not.
 */
struct assumed {
	const char *code;
	const char *name;
	bool read;
};

static int copy_base_name(db *d, void *arg, yc_err *err)
{
	struct assumed *a = arg;
	bool assume = db_queuing(d);
	db_stmt *st =
		db_prepare(d,
			   assume ? "INSERT INTO departments (code, name) SELECT ?, ? FROM "
				    "departments WHERE code = 'pq-base' AND name = ?"
				  : "INSERT INTO departments (code, name) SELECT ?, name FROM "
				    "departments WHERE code = 'pq-base'",
			   err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, a->code);
	if (assume) {
		db_bind_text(st, 2, a->name);
		db_bind_text(st, 3, a->name);
	}
	a->read = !assume;
	int rc = assume ? db_send_expect(st, 1, err) : db_send(st, err);
	db_done(st);
	return rc;
}

static void dept_name(db *d, const char *code, char *out, size_t size)
{
	db_stmt *st = db_prepare(d, "SELECT name FROM departments WHERE code = ?", NULL);
	cr_assert(st);
	db_bind_text(st, 1, code);
	cr_assert_eq(db_step(st, NULL), DB_ROW);
	db_col_copy(st, 0, out, size);
	db_done(st);
}

static int64_t count_dept(db *d, const char *code)
{
	db_stmt *st = db_prepare(d, "SELECT COUNT(*) FROM departments WHERE code = ?", NULL);
	cr_assert(st);
	db_bind_text(st, 1, code);
	cr_assert_eq(db_step(st, NULL), DB_ROW);
	int64_t n = db_col_int(st, 0);
	db_done(st);
	return n;
}

/* A handle on the test database (migrated) and a pipeline with one writer; skips without one. */
static void open_store(db **d, db_pipeline **p)
{
	const char *uri = getenv("YC_TEST_PG_URI");
	if (!uri)
		cr_skip_test("YC_TEST_PG_URI is not set");
	yc_err err;
	cr_assert_eq(db_open(uri, 0, d, &err), 0, "%s", err.message);
	cr_assert_eq(db_migrate(*d, &err), 0, "%s", err.message);
	cr_assert_eq(db_pipeline_start(uri, 64, 1, p, &err), 0, "%s", err.message);
}

Test(pg_pipeline, queued_failure_fails_its_write_alone)
{
	db *d;
	db_pipeline *p;
	open_store(&d, &p);

	/* the duplicate in the middle: its failure shows at the next write's savepoint */
	void *middle[] = {"pq-1", "pq-1", "pq-3"};
	int rcs[3];
	run_batch(p, send_dept, middle, 3, rcs);
	cr_assert_eq(rcs[0], 0);
	cr_assert_eq(rcs[1], YC_EEXISTS, "the duplicate fails: %d", rcs[1]);
	cr_assert_eq(rcs[2], 0, "the write after it commits");

	/* the duplicate last: its failure shows at COMMIT */
	void *last[] = {"pq-4", "pq-5", "pq-4"};
	run_batch(p, send_dept, last, 3, rcs);
	cr_assert_eq(rcs[0], 0);
	cr_assert_eq(rcs[1], 0);
	cr_assert_eq(rcs[2], YC_EEXISTS, "the duplicate fails: %d", rcs[2]);
	db_pipeline_stop(p);

	cr_assert_eq(count_dept(d, "pq-1"), 1);
	cr_assert_eq(count_dept(d, "pq-3"), 1);
	cr_assert_eq(count_dept(d, "pq-4"), 1);
	cr_assert_eq(count_dept(d, "pq-5"), 1);
	db_close(d);
}

Test(pg_pipeline, assumption_that_fails_reruns_the_batch_reading)
{
	db *d;
	db_pipeline *p;
	open_store(&d, &p);
	yc_err err;
	cr_assert_eq(db_run(d, &err,
			    "INSERT INTO departments (code, name) VALUES ('pq-base', 'old')", ""),
		     0, "%s", err.message);
	struct db_pipeline_stats st;

	/* The assumption holds: queued, no read, no rerun. */
	struct assumed held[] = {{"pq-a1", "old", false}, {"pq-a2", "old", false}};
	void *args[] = {&held[0], &held[1]};
	int rcs[2];
	run_batch(p, copy_base_name, args, 2, rcs);
	cr_assert_eq(rcs[0], 0, "%d", rcs[0]);
	cr_assert_eq(rcs[1], 0, "%d", rcs[1]);
	cr_assert(!held[0].read && !held[1].read, "both went queued");
	db_pipeline_get_stats(p, &st);
	cr_assert_eq(st.reruns, 0);

	/* Renamed behind the writer's back: the guard fails, the batch runs again reading. */
	cr_assert_eq(
		db_run(d, &err, "UPDATE departments SET name = 'new' WHERE code = 'pq-base'", ""),
		0, "%s", err.message);
	struct assumed stale[] = {{"pq-b1", "old", false}, {"pq-b2", "old", false}};
	void *args2[] = {&stale[0], &stale[1]};
	run_batch(p, copy_base_name, args2, 2, rcs);
	cr_assert_eq(rcs[0], 0, "%d", rcs[0]);
	cr_assert_eq(rcs[1], 0, "%d", rcs[1]);
	cr_assert(stale[0].read && stale[1].read, "both were run again on the reading path");
	db_pipeline_get_stats(p, &st);
	cr_assert_eq(st.reruns, 1);
	db_pipeline_stop(p);

	char name[16];
	dept_name(d, "pq-a2", name, sizeof(name));
	cr_assert_str_eq(name, "old");
	dept_name(d, "pq-b1", name, sizeof(name));
	cr_assert_str_eq(name, "new");
	dept_name(d, "pq-b2", name, sizeof(name));
	cr_assert_str_eq(name, "new");
	cr_assert_eq(count_dept(d, "pq-b1"), 1);
	db_close(d);
}

Test(pg_pipeline, refused_write_in_a_lean_batch_is_rolled_back_alone)
{
	db *d;
	db_pipeline *p;
	open_store(&d, &p);
	/* The batch runs first without savepoints; the refusal sends it round again with them. */
	void *codes[] = {"pl-1", "xpl-2", "pl-3"};
	int rcs[3];
	run_batch(p, send_or_refuse, codes, 3, rcs);
	cr_assert_eq(rcs[0], 0, "%d", rcs[0]);
	cr_assert_eq(rcs[1], YC_ECONFLICT, "%d", rcs[1]);
	cr_assert_eq(rcs[2], 0, "%d", rcs[2]);
	struct db_pipeline_stats st;
	db_pipeline_get_stats(p, &st);
	cr_assert_eq(st.reruns, 1);
	/* The next batches keep their savepoints from the start: a refusal costs no rerun. */
	void *again[] = {"pl-4", "xpl-5"};
	run_batch(p, send_or_refuse, again, 2, rcs);
	cr_assert_eq(rcs[0], 0, "%d", rcs[0]);
	cr_assert_eq(rcs[1], YC_ECONFLICT, "%d", rcs[1]);
	db_pipeline_get_stats(p, &st);
	cr_assert_eq(st.reruns, 1);
	db_pipeline_stop(p);

	cr_assert_eq(count_dept(d, "pl-1"), 1);
	cr_assert_eq(count_dept(d, "xpl-2"), 0);
	cr_assert_eq(count_dept(d, "pl-3"), 1);
	cr_assert_eq(count_dept(d, "pl-4"), 1);
	cr_assert_eq(count_dept(d, "xpl-5"), 0);
	db_close(d);
}
