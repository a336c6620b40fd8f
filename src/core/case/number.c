/* number.c — case numbers: region + local date + the day's sequence, drawn or assumed. */
#include "core/case/case.h"

#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/case/internal.h"
#include "core/common/ids.h"
#include "core/common/material.h"
#include "core/common/notify.h"
#include "core/common/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/* The next case number: region + local date + the day's sequence. */
/*
 * Where sends are queued (PostgreSQL's writers), a submission waits for
 * nothing and sends nothing of its own: its case number is assumed, and its
 * number, case row and first timeline event go to the store at the end of the
 * transaction, each kind in one statement for all the transaction's new cases
 * (db_defer; before the audit chain's lock is taken). Every statement holds
 * only if what was assumed does, and otherwise the batch runs again without
 * queuing, where a submission reads its number and writes its rows at once.
 *
 * A row written at once under an assumed number could wait on another
 * writer's row of the same number while that writer waits on this one's
 * numbers (a deadlock the server breaks only after a second): a number for a
 * row written at once (locked) is always drawn from the store, its row
 * locked until commit, before any row that bears it.
 */

/*
 * Each writer thread's last case number: it assumes the next one follows,
 * when it drew the last one itself in this transaction, or in one that was
 * not rolled back since.
 */
static __thread struct {
	const db *d;
	char day[9];
	int64_t last;
	int64_t from;		/* the day's number in the store before this transaction's draws */
	uint64_t txn;		/* db_txn of the last draw */
	uint64_t rollbacks;	/* db_rollbacks then */
	int64_t assume_from_us; /* others draw numbers too: read until then */
} numbers;

/* A number assumed in this transaction: the day's last moves from from to seq. */
struct drawn_number {
	char day[9];
	int64_t from, seq;
};

static int numbers_flush(db *d, void **entries, size_t n, yc_err *err)
{
	for (size_t i = 0; i < n;) {
		const struct drawn_number *first = entries[i];
		size_t j = i;
		while (j + 1 < n &&
		       !strcmp(((struct drawn_number *)entries[j + 1])->day, first->day))
			j++;
		const struct drawn_number *last = entries[j];
		db_stmt *st = db_prepare(
			d, "UPDATE case_numbers SET last = ? WHERE day = ? AND last = ?", err);
		if (!st)
			return db_failed(err);
		db_bind_int(st, 1, last->seq);
		db_bind_text(st, 2, first->day);
		db_bind_int(st, 3, first->from);
		int rc = db_send_expect(st, 1, err);
		db_done(st);
		if (rc < 0)
			return rc;
		i = j + 1;
	}
	return 0;
}

int case_next_case_no(db *d, const struct case_ctx *c, int64_t now_ms, bool locked, char *out,
		      size_t size, yc_err *err)
{
	char date[16];
	yc_date_format(case_min_day(case_local_min(c, now_ms)), date, sizeof(date));
	char day[9] = {date[0], date[1], date[2], date[3], date[5], date[6], date[8], date[9], 0};
	int64_t seq = 0;
	int rc;
	bool known = numbers.d == d && !strcmp(numbers.day, day);
	bool same_txn = known && numbers.txn == db_txn(d);
	/* A writer that finds others drawing (several nodes or writers) reads for ten seconds. */
	bool assume = !locked && db_queuing(d) && known &&
		      (same_txn || (numbers.rollbacks == db_rollbacks(d) &&
				    yc_mono_us() >= numbers.assume_from_us));
	if (assume) {
		if (!same_txn)
			numbers.from = numbers.last;
		struct drawn_number *e = calloc(1, sizeof(*e));
		if (!e)
			return yc_err_set(err, YC_ENOMEM, NULL, NULL);
		memcpy(e->day, day, sizeof(e->day));
		e->from = numbers.from;
		seq = e->seq = numbers.last + 1;
		if ((rc = db_defer(d, CASE_NUMBERS_FLUSH, numbers_flush, e, free, err)))
			return rc;
	} else {
		db_stmt *st =
			db_prepare(d,
				   "INSERT INTO case_numbers (day, last) VALUES (?, 1)"
				   " ON CONFLICT (day) DO UPDATE SET last = case_numbers.last + 1"
				   " RETURNING last",
				   err);
		if (!st)
			return db_failed(err);
		db_bind_text(st, 1, day);
		rc = db_step(st, err);
		seq = rc == DB_ROW ? db_col_int(st, 0) : 0;
		db_done(st);
		if (rc < 0)
			return rc;
		/* past this writer's last with no rollback since: another drew meanwhile */
		if (known && numbers.rollbacks == db_rollbacks(d) && seq - 1 > numbers.last)
			numbers.assume_from_us = yc_mono_us() + 10 * 1000 * 1000;
		numbers.d = d;
		memcpy(numbers.day, day, sizeof(numbers.day));
		numbers.from = seq;
	}
	numbers.last = seq;
	numbers.txn = db_txn(d);
	numbers.rollbacks = db_rollbacks(d);
	if (seq > 999999)
		return yc_err_set(err, YC_EUNAVAIL, NULL, "the day's case numbers are used up");
	snprintf(out, size, "%s%s%06lld", c->region, day, (long long)seq);
	return 0;
}
