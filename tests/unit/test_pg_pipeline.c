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

/* Holds the writer so that the mutations submitted meanwhile make one batch. */
static int hold_writer(db *d, void *arg, yc_err *err)
{
	(void)d, (void)arg, (void)err;
	usleep(200 * 1000);
	return 0;
}

/* Runs a blocker and then codes[] as one batch; rcs[] gets each write's outcome. */
static void run_batch(db_pipeline *p, const char *const *codes, int n, int *rcs)
{
	struct batch b = BATCH_INIT;
	struct batch_item items[8];
	batch_submit(p, &b, &items[0], hold_writer, NULL);
	usleep(50 * 1000); /* the blocker's batch is under way */
	for (int i = 1; i <= n; i++)
		batch_submit(p, &b, &items[i], send_dept, (void *)codes[i - 1]);
	batch_wait(&b);
	for (int i = 0; i < n; i++)
		rcs[i] = items[i + 1].m.rc;
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

Test(pg_pipeline, queued_failure_fails_its_write_alone)
{
	const char *uri = getenv("YC_TEST_PG_URI");
	if (!uri)
		cr_skip_test("YC_TEST_PG_URI is not set");
	yc_err err;
	db *d;
	cr_assert_eq(db_open(uri, 0, &d, &err), 0, "%s", err.message);
	cr_assert_eq(db_migrate(d, &err), 0, "%s", err.message);
	db_pipeline *p;
	cr_assert_eq(db_pipeline_start(uri, 64, 1, &p, &err), 0, "%s", err.message);

	/* the duplicate in the middle: its failure shows at the next write's savepoint */
	const char *middle[] = {"pq-1", "pq-1", "pq-3"};
	int rcs[3];
	run_batch(p, middle, 3, rcs);
	cr_assert_eq(rcs[0], 0);
	cr_assert_eq(rcs[1], YC_EEXISTS, "the duplicate fails: %d", rcs[1]);
	cr_assert_eq(rcs[2], 0, "the write after it commits");

	/* the duplicate last: its failure shows at COMMIT */
	const char *last[] = {"pq-4", "pq-5", "pq-4"};
	run_batch(p, last, 3, rcs);
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
