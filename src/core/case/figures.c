/*
 * figures.c — the cases' kept figures (case_figures): what the supervisor's
 * figures add up, kept by each case's own transaction instead of counted
 * over every case at each look (a province's ten million would take seconds;
 * issue 19).
 *
 * A case counts for a vector of figures (contribution below) under the key
 * (month of submission, department), both fixed for its life. A new case
 * adds its vector; a stored change adds the difference between what the row
 * counts for now and what it counted for as stored (row->stored). The
 * changes wait for the end of the transaction (db_defer), where a batch's are
 * summed per key and written as one upsert each. case_figures_rebuild counts
 * the whole table again from the cases, through the same contribution, for
 * a store that had cases before the table (migrate) or that a bulk load
 * filled.
 *
 * The working days used are counted with the calendar in force when the
 * case was decided; a later change of the calendar does not move them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/case/case.h"
#include "core/case/internal.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

enum {
	F_CASES,
	F_ACCEPTED,
	F_CLOSED,
	F_IN_REVIEW,
	F_DECIDED,
	F_ON_TIME,
	F_DAY_CASES,
	F_USED,
	F_PROMISED,
	F_N
};

struct fig_change {
	char month[8];
	char department[32];
	int64_t v[F_N];
};

/* What a case in this state counts for. */
static void contribution(const struct case_ctx *c, int state, int64_t accepted_ms,
			 int64_t decided_ms, int64_t deadline_min, int limit, bool hours,
			 int64_t v[F_N])
{
	memset(v, 0, sizeof(int64_t) * F_N);
	v[F_CASES] = 1;
	v[F_ACCEPTED] = accepted_ms != 0;
	v[F_CLOSED] = state == CS_CLOSED;
	v[F_IN_REVIEW] = state == CS_ACCEPTED || state == CS_SUSPENDED || state == CS_RETURNED;
	if (!accepted_ms || !decided_ms)
		return;
	v[F_DECIDED] = 1;
	int64_t dmin = case_local_min(c, decided_ms);
	v[F_ON_TIME] = dmin < deadline_min;
	int used = 0;
	if (hours || calendar_workdays_between(c->cal, case_min_day(case_local_min(c, accepted_ms)),
					       case_min_day(dmin), &used, NULL))
		return; /* hour limits are counted on time or not, nothing more */
	v[F_DAY_CASES] = 1;
	v[F_USED] = used;
	v[F_PROMISED] = limit;
}

static void month_of(const struct case_ctx *c, int64_t submitted_ms, char out[8])
{
	int y;
	unsigned m, day;
	yc_civil_from_days(case_min_day(case_local_min(c, submitted_ms)), &y, &m, &day);
	snprintf(out, 8, "%04d-%02u", y % 10000, m % 100);
}

static int change_cmp(const void *a, const void *b)
{
	const struct fig_change *x = *(struct fig_change *const *)a;
	const struct fig_change *y = *(struct fig_change *const *)b;
	int k = strcmp(x->month, y->month);
	return k ? k : strcmp(x->department, y->department);
}

static int upsert(db *d, const struct fig_change *f, yc_err *err)
{
	return db_run(d, err,
		      "INSERT INTO case_figures (month, department, cases, accepted, closed,"
		      " in_review, decided, on_time, day_cases, workdays_used, workdays_promised)"
		      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (month, department)"
		      " DO UPDATE SET cases = case_figures.cases + excluded.cases,"
		      " accepted = case_figures.accepted + excluded.accepted,"
		      " closed = case_figures.closed + excluded.closed,"
		      " in_review = case_figures.in_review + excluded.in_review,"
		      " decided = case_figures.decided + excluded.decided,"
		      " on_time = case_figures.on_time + excluded.on_time,"
		      " day_cases = case_figures.day_cases + excluded.day_cases,"
		      " workdays_used = case_figures.workdays_used + excluded.workdays_used,"
		      " workdays_promised = case_figures.workdays_promised +"
		      " excluded.workdays_promised",
		      "ssiiiiiiiii", f->month, f->department, f->v[F_CASES], f->v[F_ACCEPTED],
		      f->v[F_CLOSED], f->v[F_IN_REVIEW], f->v[F_DECIDED], f->v[F_ON_TIME],
		      f->v[F_DAY_CASES], f->v[F_USED], f->v[F_PROMISED]);
}

/* A transaction's changes, summed per key: one upsert for each. */
static int changes_flush(db *d, void **entries, size_t n, yc_err *err)
{
	struct fig_change **e = (struct fig_change **)entries;
	qsort(e, n, sizeof(*e), change_cmp);
	for (size_t i = 0; i < n;) {
		struct fig_change sum = *e[i];
		size_t j = i + 1;
		for (; j < n && !change_cmp(&e[i], &e[j]); j++)
			for (int k = 0; k < F_N; k++)
				sum.v[k] += e[j]->v[k];
		i = j;
		bool zero = true;
		for (int k = 0; k < F_N; k++)
			zero &= sum.v[k] == 0;
		int rc = zero ? 0 : upsert(d, &sum, err);
		if (rc)
			return rc;
	}
	return 0;
}

static int defer_change(db *d, const char *month, const char *department, const int64_t v[F_N],
			yc_err *err)
{
	struct fig_change *f = calloc(1, sizeof(*f));
	if (!f)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	snprintf(f->month, sizeof(f->month), "%s", month);
	snprintf(f->department, sizeof(f->department), "%s", department);
	memcpy(f->v, v, sizeof(f->v));
	return db_defer(d, CASE_FIGURES_FLUSH, changes_flush, f, free, err);
}

int case_figures_new_case(db *d, const struct case_ctx *c, const char *department,
			  int64_t submitted_ms, yc_err *err)
{
	char month[8];
	month_of(c, submitted_ms, month);
	int64_t v[F_N];
	contribution(c, CS_SUBMITTED, 0, 0, 0, 0, false, v);
	return defer_change(d, month, department, v, err);
}

int case_figures_changed(db *d, const struct case_ctx *c, struct case_row *row, yc_err *err)
{
	int limit;
	bool hours;
	case_rule_limit(row->rule, &limit, &hours);
	int64_t was[F_N], now[F_N];
	contribution(c, row->stored.state, row->stored.accepted_ms, row->stored.decided_ms,
		     row->stored.deadline_min, limit, hours, was);
	contribution(c, row->state, row->accepted_ms, row->decided_ms, row->deadline_min, limit,
		     hours, now);
	row->stored.state = row->state;
	row->stored.accepted_ms = row->accepted_ms;
	row->stored.decided_ms = row->decided_ms;
	row->stored.deadline_min = row->deadline_min;
	bool same = true;
	for (int k = 0; k < F_N; k++)
		same &= (now[k] -= was[k]) == 0;
	if (same)
		return 0;
	char month[8];
	month_of(c, row->submitted_ms, month);
	return defer_change(d, month, row->department, now, err);
}

int case_figures_render(db *d, yc_buf *out, yc_err *err)
{
	int64_t v[F_N] = {0};
	int rc = db_get(
		d, err,
		"SELECT SUM(cases), SUM(accepted), SUM(closed), SUM(in_review), SUM(decided),"
		" SUM(on_time), SUM(day_cases), SUM(workdays_used), SUM(workdays_promised)"
		" FROM case_figures",
		"", "IIIIIIIII", &v[F_CASES], &v[F_ACCEPTED], &v[F_CLOSED], &v[F_IN_REVIEW],
		&v[F_DECIDED], &v[F_ON_TIME], &v[F_DAY_CASES], &v[F_USED], &v[F_PROMISED]);
	if (rc < 0)
		return rc;
	yc_buf_addf(out,
		    ",\"figures\":{\"cases\":%lld,\"accepted\":%lld,\"in_review\":%lld,"
		    "\"closed\":%lld,\"decided\":%lld,\"decided_on_time\":%lld",
		    (long long)v[F_CASES], (long long)v[F_ACCEPTED], (long long)v[F_IN_REVIEW],
		    (long long)v[F_CLOSED], (long long)v[F_DECIDED], (long long)v[F_ON_TIME]);
	/* a share or an average of nothing is no figure: null, which screens show as "—" */
	if (v[F_DECIDED])
		yc_buf_addf(out, ",\"on_time_share\":%.4f", (double)v[F_ON_TIME] / v[F_DECIDED]);
	else
		yc_buf_adds(out, ",\"on_time_share\":null");
	if (v[F_DAY_CASES])
		yc_buf_addf(out, ",\"avg_workdays_used\":%.2f,\"avg_workdays_promised\":%.2f}",
			    (double)v[F_USED] / v[F_DAY_CASES],
			    (double)v[F_PROMISED] / v[F_DAY_CASES]);
	else
		yc_buf_adds(out, ",\"avg_workdays_used\":null,\"avg_workdays_promised\":null}");
	return 0;
}

/* ---- counting again from the cases -------------------------------------- */

/* The rules' limits, by rule text: the cases of one item version share one. */
enum { LIMITS = 512 };
struct limit_entry {
	char *text;
	int limit;
	bool hours;
};

/* FNV-1a, continued over s from h. */
#define FNV_BASIS 1469598103934665603ull
static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void limit_of(struct limit_entry *cache, const char *text, int *limit, bool *hours)
{
	struct limit_entry *e = &cache[fnv(FNV_BASIS, text) % LIMITS];
	if (!e->text || strcmp(e->text, text)) {
		cJSON *rule = cJSON_Parse(text);
		case_rule_limit(rule, &e->limit, &e->hours);
		cJSON_Delete(rule);
		free(e->text);
		e->text = strdup(text); /* NULL on no memory: parsed again next time */
	}
	*limit = e->limit;
	*hours = e->hours;
}

/* One key's sum while counting, in a hash table by key. */
enum { SUM_BUCKETS = 4096 };
struct fig_sum {
	struct fig_change f;
	struct fig_sum *next;
};

/* Adds one case's contribution to its key's sum; YC_ENOMEM when a new key finds no memory. */
static int add_to(struct fig_sum **sums, const char *month, const char *department,
		  const int64_t v[F_N], yc_err *err)
{
	struct fig_sum **b = &sums[fnv(fnv(FNV_BASIS, month), department) % SUM_BUCKETS], *s = *b;
	while (s && (strcmp(s->f.month, month) || strcmp(s->f.department, department)))
		s = s->next;
	if (!s) {
		if (!(s = calloc(1, sizeof(*s))))
			return yc_err_set(err, YC_ENOMEM, NULL, NULL);
		snprintf(s->f.month, sizeof(s->f.month), "%s", month);
		snprintf(s->f.department, sizeof(s->f.department), "%s", department);
		s->next = *b;
		*b = s;
	}
	for (int k = 0; k < F_N; k++)
		s->f.v[k] += v[k];
	return 0;
}

/*
 * The cases after the number after[] (a page of them, in number order: a
 * PostgreSQL result is held whole by the client, so ten million rows are
 * never asked for at once), counted into sums; after[] moves to the last.
 * The number of cases read, or a negative code.
 */
enum { PAGE = 20000 };
static int64_t count_page(db *d, const struct case_ctx *c, char after[32],
			  struct limit_entry *cache, struct fig_sum **sums, yc_err *err)
{
	db_stmt *st =
		db_prepare(d,
			   "SELECT no, department, submitted_ms, state, accepted_ms, decided_ms,"
			   " deadline_min, rule FROM cases WHERE no > ? ORDER BY no LIMIT ?",
			   err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, after);
	db_bind_int(st, 2, PAGE);
	int64_t n = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		char month[8];
		month_of(c, db_col_int(st, 2), month);
		int limit = 0;
		bool hours = false;
		if (!db_col_null(st, 4) && !db_col_null(st, 5))
			limit_of(cache, db_col_text(st, 7), &limit, &hours);
		int64_t v[F_N];
		contribution(c, case_state_parse(db_col_text(st, 3)), db_col_int(st, 4),
			     db_col_int(st, 5), db_col_int(st, 6), limit, hours, v);
		if ((rc = add_to(sums, month, db_col_text(st, 1), v, err)))
			break;
		db_col_copy(st, 0, after, 32);
		n++;
	}
	db_done(st);
	return rc < 0 ? rc : n;
}

int case_figures_rebuild(db *d, const struct case_ctx *c, int64_t *counted, yc_err *err)
{
	*counted = 0;
	int rc = db_run(d, err, "DELETE FROM case_figures", "");
	if (rc)
		return rc;
	struct limit_entry *cache = calloc(LIMITS, sizeof(*cache));
	struct fig_sum **sums = calloc(SUM_BUCKETS, sizeof(*sums));
	if (!cache || !sums)
		rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	char after[32] = "";
	for (int64_t n = PAGE; !rc && n == PAGE;) {
		n = count_page(d, c, after, cache, sums, err);
		if (n < 0)
			rc = (int)n;
		else
			*counted += n;
	}
	for (int i = 0; cache && i < LIMITS; i++)
		free(cache[i].text);
	free(cache);
	for (int i = 0; sums && i < SUM_BUCKETS; i++)
		while (sums[i]) {
			struct fig_sum *s = sums[i];
			if (!rc)
				rc = upsert(d, &s->f, err);
			sums[i] = s->next;
			free(s);
		}
	free(sums);
	return rc;
}
