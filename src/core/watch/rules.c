/*
 * rules.c — the six rules of 效能监察, each a reading of the live data against its setting.
 *
 *   rule        subject          finds
 *   idle        case:<no>        a green case whose last event is older than idle-percent of
 *                                its limit (accepted → deadline, wall time; at least 30 min)
 *   slow        staff:<name>     a clerk's mean service time today above service-percent of
 *                                the hall's median, over service-min tickets or more
 *   closed      category:<code>  queue or more waiting while windows serving it are closed
 *                                or paused
 *   wait        wait:<code>      tickets of a category waiting longer than wait-minutes
 *   ratings     department:<code> satisfaction (4–5 of 5) down rating-drop points from last
 *                                month, rating-min reviews in each
 *   refusals    staff:<name>     refusals, send-backs for correction and denials at
 *                                refusal-percent or more of a clerk's or approver's decisions
 *                                in 30 days (refusal-min or more), and twice the hall's share
 */
#include "core/watch/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

enum { IDLE_MIN_MINUTES = 30, REFUSAL_DAYS = 30, MAX_WINDOWS = 256 };

/* What the rules found, kept until every statement is done (a write in between could reuse a
 * statement the reading still steps). */
struct found {
	struct watch_finding *f;
	int n, cap;
};

/* Takes f (its evidence buffer goes with it). */
static int keep(struct found *out, struct watch_finding *f, yc_err *err)
{
	if (out->n == out->cap) {
		int cap = out->cap * 2 + 16;
		struct watch_finding *g = realloc(out->f, (size_t)cap * sizeof(*g));
		if (!g) {
			yc_buf_release(&f->evidence);
			return yc_err_set(err, YC_ENOMEM, NULL, NULL);
		}
		out->f = g;
		out->cap = cap;
	}
	out->f[out->n++] = *f;
	return 0;
}

static int64_t local_min(const struct watch_ctx *c, int64_t ms)
{
	return ms / 60000 + c->tz_offset_min;
}

/* UTC milliseconds of today's local midnight. */
static int64_t today_ms(const struct watch_ctx *c, int64_t now)
{
	int64_t day = local_min(c, now) / 1440;
	return (day * 1440 - c->tz_offset_min) * 60000;
}

static void today_text(const struct watch_ctx *c, int64_t now, char out[12])
{
	yc_date_format((int32_t)(local_min(c, now) / 1440), out, 12);
}

static int rule_idle(db *d, const struct watch_ctx *c, int64_t now, struct found *out,
			yc_err *err)
{
	db_stmt *st = db_prepare(
		d,
		"SELECT c.no, c.item_name, COALESCE(c.step_department, c.department),"
		" COALESCE(c.assignee, ''), c.accepted_ms, c.deadline_min,"
		" (SELECT MAX(e.at_ms) FROM case_events e WHERE e.case_no = c.no)"
		" FROM cases c WHERE c.state = 'accepted' AND c.light = 'green'"
		" AND c.accepted_ms IS NOT NULL AND c.deadline_min IS NOT NULL ORDER BY c.no",
		err);
	if (!st)
		return db_failed(err);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t limit = db_col_int(st, 5) - local_min(c, db_col_int(st, 4));
		int64_t idle = (now - db_col_int(st, 6)) / 60000;
		if (limit <= 0 || idle < IDLE_MIN_MINUTES || idle * 100 < (int64_t)c->idle_percent * limit)
			continue;
		struct watch_finding f = {.rule = "idle"};
		snprintf(f.subject, sizeof(f.subject), "case:%s", db_col_text(st, 0));
		snprintf(f.title, sizeof(f.title), "办件 %s（%s）在本环节已停留 %lld 小时 %lld 分，占办理时限的 %lld%%",
			 db_col_text(st, 0), db_col_text(st, 1), (long long)(idle / 60),
			 (long long)(idle % 60), (long long)(idle * 100 / limit));
		yc_buf_init(&f.evidence, 0);
		yc_buf_adds(&f.evidence, "{\"case\":");
		yc_json_add_str(&f.evidence, db_col_text(st, 0));
		yc_buf_adds(&f.evidence, ",\"item\":");
		yc_json_add_str(&f.evidence, db_col_text(st, 1));
		yc_buf_adds(&f.evidence, ",\"department\":");
		yc_json_add_str(&f.evidence, db_col_text(st, 2));
		yc_buf_adds(&f.evidence, ",\"assignee\":");
		yc_json_add_str(&f.evidence, db_col_text(st, 3));
		yc_buf_addf(&f.evidence, ",\"idle_minutes\":%lld,\"limit_minutes\":%lld}",
			    (long long)idle, (long long)limit);
		rc = keep(out, &f, err);
				if (rc)
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The hall's median service time today (ms; 0 when none was served). */
static int service_median(db *d, int64_t since, int64_t *median, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT finished_ms - started_ms FROM tickets WHERE state = 'done'"
				 " AND finished_ms >= ? AND started_ms IS NOT NULL",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, since);
	int64_t *v = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			int64_t *g = realloc(v, cap * sizeof(*v));
			if (!g) {
				rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
				break;
			}
			v = g;
		}
		v[n++] = db_col_int(st, 0);
	}
	db_done(st);
	if (rc >= 0 && n) {
		qsort(v, n, sizeof(*v), cmp_i64);
		*median = v[n / 2];
	}
	free(v);
	return rc < 0 ? rc : 0;
}

static int rule_slow(db *d, const struct watch_ctx *c, int64_t now, struct found *out,
			yc_err *err)
{
	int64_t since = today_ms(c, now), median = 0;
	int rc = service_median(d, since, &median, err);
	if (rc || median <= 0)
		return rc;
	db_stmt *st = db_prepare(d,
				 "SELECT staff, COUNT(*), CAST(AVG(finished_ms - started_ms) AS BIGINT) FROM tickets"
				 " WHERE state = 'done' AND finished_ms >= ? AND started_ms IS NOT NULL"
				 " AND staff IS NOT NULL GROUP BY staff ORDER BY staff",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, since);
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t n = db_col_int(st, 1);
		double mean = (double)db_col_int(st, 2);
		if (n < c->service_min || mean * 100 <= (double)c->service_percent * (double)median)
			continue;
		struct watch_finding f = {.rule = "slow"};
		snprintf(f.subject, sizeof(f.subject), "staff:%s", db_col_text(st, 0));
		snprintf(f.title, sizeof(f.title),
			 "%s 今天办理 %lld 个号，平均用时 %.1f 分钟，是大厅中位数 %.1f 分钟的 %.1f 倍",
			 db_col_text(st, 0), (long long)n, mean / 60000, (double)median / 60000,
			 mean / (double)median);
		yc_buf_init(&f.evidence, 0);
		yc_buf_adds(&f.evidence, "{\"staff\":");
		yc_json_add_str(&f.evidence, db_col_text(st, 0));
		yc_buf_addf(&f.evidence,
			    ",\"tickets\":%lld,\"mean_s\":%.0f,\"hall_median_s\":%.0f}", (long long)n,
			    mean / 1000, (double)median / 1000);
		rc = keep(out, &f, err);
				if (rc)
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

struct window {
	int no;
	char state[8];
	char categories[256];
};

/* Whether a window's categories (a JSON array, or "*") hold code. */
static bool serves(const struct window *w, const char *code)
{
	char quoted[8];
	snprintf(quoted, sizeof(quoted), "\"%s\"", code);
	return !strcmp(w->categories, "\"*\"") || strstr(w->categories, quoted);
}

static int closed_windows(db *d, struct window *w, int *n, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT no, state, categories FROM hall_windows WHERE state <> 'open'"
				 " ORDER BY no",
				 err);
	if (!st)
		return db_failed(err);
	int rc;
	*n = 0;
	while (*n < MAX_WINDOWS && (rc = db_step(st, err)) == DB_ROW) {
		w[*n].no = (int)db_col_int(st, 0);
		db_col_copy(st, 1, w[*n].state, sizeof(w[*n].state));
		db_col_copy(st, 2, w[*n].categories, sizeof(w[*n].categories));
		(*n)++;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* Long queues with windows shut (closed) and long waits (wait), by category. */
static int rule_queues(db *d, const struct watch_ctx *c, int64_t now, struct found *out,
			yc_err *err)
{
	struct window *w = calloc(MAX_WINDOWS, sizeof(*w));
	int nw = 0, rc = w ? closed_windows(d, w, &nw, err) : yc_err_set(err, YC_ENOMEM, NULL, NULL);
	char today[12];
	today_text(c, now, today);
	db_stmt *st = rc ? NULL
			 : db_prepare(d,
				      "SELECT t.category, h.name, COUNT(*), MIN(t.issued_ms),"
				      " SUM(CASE WHEN t.issued_ms < ? THEN 1 ELSE 0 END) FROM tickets t"
				      " JOIN hall_categories h ON h.code = t.category"
				      " WHERE t.state = 'waiting' AND t.day = ?"
				      " GROUP BY t.category, h.name ORDER BY t.category",
				      err);
	if (!rc && !st)
		rc = db_failed(err);
	if (rc) {
		free(w);
		return rc;
	}
	db_bind_int(st, 1, now - (int64_t)c->wait_minutes * 60000);
	db_bind_text(st, 2, today);
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *code = db_col_text(st, 0), *name = db_col_text(st, 1);
		int64_t waiting = db_col_int(st, 2), longest = (now - db_col_int(st, 3)) / 60000;
		int64_t late = db_col_int(st, 4);
		struct watch_finding f = {0};
		rc = 0; /* was DB_ROW */
		yc_buf_init(&f.evidence, 0);
		if (waiting >= c->queue) {
			yc_buf shut;
			yc_buf_init(&shut, 0);
			int k = 0;
			for (int i = 0; i < nw; i++)
				if (serves(&w[i], code))
					yc_buf_addf(&shut, "%s{\"window\":%d,\"state\":\"%s\"}",
						    k++ ? "," : "", w[i].no, w[i].state);
			if (k) {
				f.rule = "closed";
				snprintf(f.subject, sizeof(f.subject), "category:%s", code);
				snprintf(f.title, sizeof(f.title),
					 "%s %s 有 %lld 人等候，而可办此类业务的 %d 个窗口关闭或暂停",
					 code, name, (long long)waiting, k);
				yc_buf_addf(&f.evidence, "{\"category\":\"%s\",\"waiting\":%lld,\"windows\":[%s]}",
					    code, (long long)waiting, shut.data);
				rc = keep(out, &f, err);
			}
			yc_buf_release(&shut);
		}
		if (!rc && late > 0) {
			yc_buf_init(&f.evidence, 0); /* the one kept above went with its finding */
			f.rule = "wait";
			snprintf(f.subject, sizeof(f.subject), "wait:%s", code);
			snprintf(f.title, sizeof(f.title),
				 "%s %s 有 %lld 人等候超过 %d 分钟，最长已等 %lld 分钟", code, name,
				 (long long)late, c->wait_minutes, (long long)longest);
			yc_buf_addf(&f.evidence,
				    "{\"category\":\"%s\",\"over_target\":%lld,\"longest_minutes\":%lld,"
				    "\"target_minutes\":%d}",
				    code, (long long)late, (long long)longest, c->wait_minutes);
			rc = keep(out, &f, err);
		}
		if (rc)
			break;
	}
	db_done(st);
	free(w);
	return rc < 0 ? rc : 0;
}

static int rule_ratings(db *d, const struct watch_ctx *c, int64_t now, struct found *out,
			yc_err *err)
{
	int y;
	unsigned m, dd;
	yc_civil_from_days((int32_t)(local_min(c, now) / 1440), &y, &m, &dd);
	char this_month[8], last_month[8];
	snprintf(this_month, sizeof(this_month), "%04d-%02u", y, m);
	snprintf(last_month, sizeof(last_month), "%04d-%02u", m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1);
	db_stmt *st = db_prepare(
		d,
		"SELECT r.department, d.name, SUM(CASE WHEN r.month = ? THEN 1 ELSE 0 END),"
		" SUM(CASE WHEN r.month = ? AND r.level >= 4 THEN 1 ELSE 0 END),"
		" SUM(CASE WHEN r.month = ? THEN 1 ELSE 0 END),"
		" SUM(CASE WHEN r.month = ? AND r.level >= 4 THEN 1 ELSE 0 END)"
		" FROM reviews r JOIN departments d ON d.code = r.department"
		" WHERE r.excluded = 0 AND r.month IN (?, ?) GROUP BY r.department, d.name"
		" ORDER BY r.department",
		err);
	if (!st)
		return db_failed(err);
	const char *months[] = {this_month, this_month, last_month, last_month, this_month, last_month};
	for (int i = 0; i < 6; i++)
		db_bind_text(st, i + 1, months[i]);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t now_n = db_col_int(st, 2), now_good = db_col_int(st, 3);
		int64_t was_n = db_col_int(st, 4), was_good = db_col_int(st, 5);
		if (now_n < c->rating_min || was_n < c->rating_min)
			continue;
		double now_share = 100.0 * (double)now_good / (double)now_n;
		double was_share = 100.0 * (double)was_good / (double)was_n;
		if (was_share - now_share < c->rating_drop)
			continue;
		struct watch_finding f = {.rule = "ratings"};
		snprintf(f.subject, sizeof(f.subject), "department:%s", db_col_text(st, 0));
		snprintf(f.title, sizeof(f.title), "%s 本月满意率 %.1f%%，比上月 %.1f%% 下降 %.1f 个百分点",
			 db_col_text(st, 1), now_share, was_share, was_share - now_share);
		yc_buf_init(&f.evidence, 0);
		yc_buf_adds(&f.evidence, "{\"department\":");
		yc_json_add_str(&f.evidence, db_col_text(st, 0));
		yc_buf_addf(&f.evidence,
			    ",\"month\":\"%s\",\"reviews\":%lld,\"satisfied_percent\":%.1f,"
			    "\"last_month\":\"%s\",\"last_reviews\":%lld,\"last_satisfied_percent\":%.1f}",
			    this_month, (long long)now_n, now_share, last_month, (long long)was_n,
			    was_share);
		rc = keep(out, &f, err);
				if (rc)
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

#define DECISIONS "('accept', 'accept_with_deficiencies', 'refuse', 'request_correction', 'approve', 'deny')"
#define REFUSALS "('refuse', 'request_correction', 'deny')"

static int rule_refusals(db *d, const struct watch_ctx *c, int64_t now, struct found *out,
			yc_err *err)
{
	int64_t since = now - (int64_t)REFUSAL_DAYS * 86400000, all = 0, bad = 0;
	int rc = db_get(d, err,
			"SELECT COUNT(*), COALESCE(SUM(CASE WHEN action IN " REFUSALS
			" THEN 1 ELSE 0 END), 0) FROM case_events WHERE at_ms >= ? AND action IN " DECISIONS
			" AND role IN ('clerk', 'approver')",
			"i", "ii", since, &all, &bad);
	if (rc < 0 || !all)
		return rc < 0 ? rc : 0;
	double hall = (double)bad / (double)all;
	db_stmt *st = db_prepare(d,
				 "SELECT actor, role, COUNT(*), SUM(CASE WHEN action IN " REFUSALS
				 " THEN 1 ELSE 0 END), SUM(CASE WHEN action = 'refuse' THEN 1 ELSE 0"
				 " END), SUM(CASE WHEN action = 'request_correction' THEN 1 ELSE 0 END)"
				 " FROM case_events WHERE at_ms >= ? AND action IN " DECISIONS
				 " AND role IN ('clerk', 'approver') GROUP BY actor, role ORDER BY actor",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, since);
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t n = db_col_int(st, 2), r = db_col_int(st, 3);
		double share = (double)r / (double)n;
		if (n < c->refusal_min || share * 100 < c->refusal_percent || share < 2 * hall)
			continue;
		struct watch_finding f = {.rule = "refusals"};
		snprintf(f.subject, sizeof(f.subject), "staff:%s", db_col_text(st, 0));
		snprintf(f.title, sizeof(f.title),
			 "%s 近 %d 天 %lld 次决定中不予受理、退回补正或不予许可 %lld 次（%.0f%%），大厅为 %.0f%%",
			 db_col_text(st, 0), REFUSAL_DAYS, (long long)n, (long long)r, share * 100,
			 hall * 100);
		yc_buf_init(&f.evidence, 0);
		yc_buf_adds(&f.evidence, "{\"staff\":");
		yc_json_add_str(&f.evidence, db_col_text(st, 0));
		yc_buf_addf(&f.evidence,
			    ",\"role\":\"%s\",\"decisions\":%lld,\"refusals\":%lld,\"refused\":%lld,"
			    "\"corrections\":%lld,\"share_percent\":%.1f,\"hall_percent\":%.1f}",
			    db_col_text(st, 1), (long long)n, (long long)r, (long long)db_col_int(st, 4),
			    (long long)db_col_int(st, 5), share * 100, hall * 100);
		rc = keep(out, &f, err);
				if (rc)
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int watch_rules(db *d, const struct watch_ctx *c, int64_t now, watch_found_fn fn, void *arg,
		yc_err *err)
{
	struct found out = {0};
	int rc = rule_idle(d, c, now, &out, err);
	if (!rc)
		rc = rule_slow(d, c, now, &out, err);
	if (!rc)
		rc = rule_queues(d, c, now, &out, err);
	if (!rc)
		rc = rule_ratings(d, c, now, &out, err);
	if (!rc)
		rc = rule_refusals(d, c, now, &out, err);
	/* handed on once every reading is done: fn writes, and no statement of ours is open */
	for (int i = 0; !rc && i < out.n; i++)
		rc = fn(d, arg, &out.f[i], err);
	for (int i = 0; i < out.n; i++)
		yc_buf_release(&out.f[i].evidence);
	free(out.f);
	return rc;
}
