/*
 * figures.c — the counts the public page and the staff's own figures read
 * (review_figures: month × {all, department, window, item, staff} × level),
 * kept in each review's transaction, so that a page over millions of reviews
 * reads a few hundred rows; the public list of bad reviews, anonymised, with
 * how each was rectified.
 */
#include "core/review/internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static int add_one(db *d, const char *month, const char *dim, const char *key, const char *name,
		   int level, int delta, yc_err *err)
{
	/* n1..n5 by level: the column is chosen from a fixed list, never from input */
	static const char *const sql[2][6] = {
		{"",
		 "INSERT INTO review_figures (month, dim, key, name, n1) VALUES (?, ?, ?, ?, 1)"
		 " ON CONFLICT (dim, month, key) DO UPDATE SET n1 = review_figures.n1 + 1",
		 "INSERT INTO review_figures (month, dim, key, name, n2) VALUES (?, ?, ?, ?, 1)"
		 " ON CONFLICT (dim, month, key) DO UPDATE SET n2 = review_figures.n2 + 1",
		 "INSERT INTO review_figures (month, dim, key, name, n3) VALUES (?, ?, ?, ?, 1)"
		 " ON CONFLICT (dim, month, key) DO UPDATE SET n3 = review_figures.n3 + 1",
		 "INSERT INTO review_figures (month, dim, key, name, n4) VALUES (?, ?, ?, ?, 1)"
		 " ON CONFLICT (dim, month, key) DO UPDATE SET n4 = review_figures.n4 + 1",
		 "INSERT INTO review_figures (month, dim, key, name, n5) VALUES (?, ?, ?, ?, 1)"
		 " ON CONFLICT (dim, month, key) DO UPDATE SET n5 = review_figures.n5 + 1"},
		{"",
		 "UPDATE review_figures SET n1 = n1 - 1 WHERE month = ? AND dim = ? AND key = ?",
		 "UPDATE review_figures SET n2 = n2 - 1 WHERE month = ? AND dim = ? AND key = ?",
		 "UPDATE review_figures SET n3 = n3 - 1 WHERE month = ? AND dim = ? AND key = ?",
		 "UPDATE review_figures SET n4 = n4 - 1 WHERE month = ? AND dim = ? AND key = ?",
		 "UPDATE review_figures SET n5 = n5 - 1 WHERE month = ? AND dim = ? AND key = ?"},
	};
	if (level < 1 || level > 5)
		return yc_err_set(err, YC_EINVAL, "level", "level must be 1 to 5");
	if (delta < 0)
		return db_run(d, err, sql[1][level], "sss", month, dim, key);
	return db_run(d, err, sql[0][level], "ssss", month, dim, key, name ? name : "");
}

int review_figures_add(db *d, const struct review_dims *k, int level, int delta, yc_err *err)
{
	char window[12];
	int rc = add_one(d, k->month, "all", "", "", level, delta, err);
	if (!rc && k->department && *k->department)
		rc = add_one(d, k->month, "department", k->department, k->department_name, level,
			     delta, err);
	if (!rc && k->window_no) {
		snprintf(window, sizeof(window), "%d", k->window_no);
		rc = add_one(d, k->month, "window", window, "", level, delta, err);
	}
	if (!rc && k->item && *k->item)
		rc = add_one(d, k->month, "item", k->item, k->item_name, level, delta, err);
	if (!rc && k->staff && *k->staff)
		rc = add_one(d, k->month, "staff", k->staff, "", level, delta, err);
	return rc;
}

int review_figures_callback(db *d, const struct review_ctx *c, const char *result, yc_err *err)
{
	char month[8];
	review_month_of(c, review_now(c), month);
	return db_run(
		d, err,
		"INSERT INTO review_figures (month, dim, key, n1) VALUES (?, 'callback', ?, 1)"
		" ON CONFLICT (dim, month, key) DO UPDATE SET n1 = review_figures.n1 + 1",
		"ss", month, result);
}

/* {"n":[0,n1..n5],"total","satisfied","rate"} of one row's counts. */
static void add_counts(yc_buf *out, const int64_t n[6])
{
	int64_t all = n[1] + n[2] + n[3] + n[4] + n[5];
	yc_buf_addf(out, "\"counts\":[%lld,%lld,%lld,%lld,%lld],\"total\":%lld,\"satisfied\":%lld",
		    (long long)n[5], (long long)n[4], (long long)n[3], (long long)n[2],
		    (long long)n[1], (long long)all, (long long)review_satisfied(n));
	int pm = review_rate_permille(n);
	if (pm < 0)
		yc_buf_adds(out, ",\"rate\":null");
	else
		yc_buf_addf(out, ",\"rate\":%d.%d", pm / 10, pm % 10);
	yc_buf_addf(out, ",\"bad\":%lld", (long long)(n[1] + n[2]));
}

/* One dimension's rows summed over the months from `since`, as a JSON array. */
static int add_dim(db *d, const char *dim, const char *since, bool by_month, int limit, yc_buf *out,
		   yc_err *err)
{
	db_stmt *st = db_prepare(
		d,
		by_month ? "SELECT month, '', SUM(n1), SUM(n2), SUM(n3), SUM(n4), SUM(n5)"
			   " FROM review_figures WHERE dim = ? AND month >= ? GROUP BY month"
			   " ORDER BY month LIMIT ?"
			 : "SELECT key, MAX(name), SUM(n1), SUM(n2), SUM(n3), SUM(n4), SUM(n5)"
			   " FROM review_figures WHERE dim = ? AND month >= ? GROUP BY key"
			   " ORDER BY SUM(n1 + n2 + n3 + n4 + n5) DESC, key LIMIT ?",
		err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, dim);
	db_bind_text(st, 2, since);
	db_bind_int(st, 3, limit);
	yc_buf_adds(out, "[");
	int rc, k = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t n[6] = {0};
		for (int i = 1; i <= 5; i++)
			n[i] = db_col_int(st, i + 1);
		yc_buf_adds(out, k++ ? ",{\"key\":" : "{\"key\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"name\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_adds(out, ",");
		add_counts(out, n);
		yc_buf_adds(out, "}");
	}
	db_done(st);
	yc_buf_adds(out, "]");
	return rc < 0 ? rc : 0;
}

int review_stats_json(db *d, const struct review_ctx *c, int months, yc_buf *out, yc_err *err)
{
	/* the first month counted: months back from this one */
	char now[8];
	review_month_of(c, review_now(c), now);
	int y = (now[0] - '0') * 1000 + (now[1] - '0') * 100 + (now[2] - '0') * 10 + (now[3] - '0');
	int m = (now[5] - '0') * 10 + (now[6] - '0');
	int idx = y * 12 + (m - 1) - (months - 1);
	char since[8];
	snprintf(since, sizeof(since), "%04d-%02d", idx / 12, idx % 12 + 1);
	yc_buf_adds(out, "{\"since\":");
	yc_json_add_str(out, since);
	yc_buf_adds(out, ",\"definition\":");
	yc_json_add_str(out, review_definition);
	/* the whole period */
	int64_t n[6] = {0};
	db_stmt *st = db_prepare(d,
				 "SELECT SUM(n1), SUM(n2), SUM(n3), SUM(n4), SUM(n5) FROM"
				 " review_figures WHERE dim = 'all' AND month >= ?",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, since);
	int rc = db_step(st, err);
	if (rc == DB_ROW)
		for (int i = 1; i <= 5; i++)
			n[i] = db_col_int(st, i - 1);
	db_done(st);
	if (rc < 0)
		return rc;
	yc_buf_adds(out, ",\"all\":{");
	add_counts(out, n);
	yc_buf_adds(out, "},\"levels\":[");
	for (int i = 5; i >= 1; i--) {
		yc_buf_adds(out, i < 5 ? "," : "");
		yc_json_add_str(out, review_level_name(i));
	}
	yc_buf_adds(out, "],\"by_month\":");
	if ((rc = add_dim(d, "all", since, true, 120, out, err)))
		return rc;
	yc_buf_adds(out, ",\"by_department\":");
	if ((rc = add_dim(d, "department", since, false, 100, out, err)))
		return rc;
	yc_buf_adds(out, ",\"by_window\":");
	if ((rc = add_dim(d, "window", since, false, 200, out, err)))
		return rc;
	yc_buf_adds(out, ",\"by_item\":");
	if ((rc = add_dim(d, "item", since, false, 50, out, err)))
		return rc;
	/* the closed loop: bad reviews' orders by state */
	yc_buf_adds(out, ",\"rectification\":{");
	st = db_prepare(
		d, "SELECT state, COUNT(*) FROM review_orders GROUP BY state ORDER BY state", err);
	if (!st)
		return db_failed(err);
	int k = 0;
	while ((rc = db_step(st, err)) == DB_ROW)
		yc_buf_addf(out, "%s\"%s\":%lld", k++ ? "," : "", db_col_text(st, 0),
			    (long long)db_col_int(st, 1));
	db_done(st);
	if (rc < 0)
		return rc;
	yc_buf_adds(out, "},\"callbacks\":");
	int64_t calls = 0;
	if ((rc = db_get(d, err,
			 "SELECT COALESCE(SUM(n1), 0) FROM review_figures WHERE dim = 'callback'"
			 " AND month >= ?",
			 "s", "i", since, &calls)) < 0)
		return rc;
	yc_buf_addf(out, "%lld}", (long long)calls);
	return 0;
}

void review_anonymise(const char *in, yc_buf *out)
{
	/* a run of 6 or more digits or letters-with-digits (a phone, an ID, a plate) becomes ＊ */
	for (const char *p = in; *p;) {
		size_t n = 0, digits = 0;
		while (p[n] && (isdigit((unsigned char)p[n]) || p[n] == 'X' || p[n] == 'x')) {
			digits += isdigit((unsigned char)p[n]) != 0;
			n++;
		}
		if (digits >= 6) {
			yc_buf_adds(out, "＊＊＊");
			p += n;
		} else if (n) {
			yc_buf_add(out, p, n);
			p += n;
		} else {
			yc_buf_add(out, p, 1);
			p++;
		}
	}
}

int review_public_bad_json(db *d, const struct review_ctx *c, int limit, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(
		d,
		"SELECT r.month, COALESCE(p.name, ''), COALESCE(r.item_name, ''), r.channel,"
		" r.level, r.reasons, r.text, COALESCE(o.state, ''), COALESCE(o.kind, ''),"
		" COALESCE(o.report, ''), COALESCE(o.rerating, 0), r.excluded"
		" FROM reviews r LEFT JOIN departments p ON p.code = r.department"
		" LEFT JOIN review_orders o ON o.review = r.id"
		" WHERE r.level <= 2 AND r.excluded = 0 ORDER BY r.created_ms DESC LIMIT ?",
		err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, limit);
	(void)c;
	yc_buf_adds(out, "{\"bad\":[");
	int rc, k = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		yc_buf_adds(out, k++ ? ",{\"month\":" : "{\"month\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"department\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_adds(out, ",\"item_name\":");
		yc_json_add_str(out, db_col_text(st, 2));
		yc_buf_adds(out, ",\"channel\":");
		yc_json_add_str(out, db_col_text(st, 3));
		yc_buf_addf(out, ",\"level_name\":");
		yc_json_add_str(out, review_level_name((int)db_col_int(st, 4)));
		yc_buf_addf(out, ",\"reasons\":%s", db_col_text(st, 5));
		yc_buf text;
		yc_buf_init(&text, 0);
		review_anonymise(db_col_text(st, 6), &text);
		yc_buf_adds(out, ",\"text\":");
		yc_json_add_str(out, text.data ? text.data : "");
		yc_buf_release(&text);
		yc_buf_adds(out, ",\"state\":");
		yc_json_add_str(out, db_col_text(st, 7));
		yc_buf_adds(out, ",\"kind\":");
		yc_json_add_str(out, *db_col_text(st, 8) ? db_col_text(st, 8) : NULL);
		yc_buf text2;
		yc_buf_init(&text2, 0);
		review_anonymise(db_col_text(st, 9), &text2);
		yc_buf_adds(out, ",\"report\":");
		yc_json_add_str(out, text2.data ? text2.data : "");
		yc_buf_release(&text2);
		if (db_col_int(st, 10))
			yc_buf_addf(out, ",\"rerating\":%d", (int)db_col_int(st, 10));
		yc_buf_adds(out, "}");
	}
	db_done(st);
	yc_buf_adds(out, "]}");
	return rc < 0 ? rc : 0;
}

int review_mine_json(db *d, const struct review_ctx *c, const yc_user *u, yc_buf *out, yc_err *err)
{
	(void)c;
	db_stmt *st = db_prepare(d,
				 "SELECT month, n1, n2, n3, n4, n5 FROM review_figures"
				 " WHERE dim = 'staff' AND key = ? ORDER BY month DESC LIMIT 24",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, u->username);
	int64_t all[6] = {0};
	yc_buf_adds(out, "{\"staff\":");
	yc_json_add_str(out, u->username);
	yc_buf_adds(out, ",\"by_month\":[");
	int rc, k = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t n[6] = {0};
		for (int i = 1; i <= 5; i++)
			all[i] += n[i] = db_col_int(st, i);
		yc_buf_adds(out, k++ ? ",{\"month\":" : "{\"month\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",");
		add_counts(out, n);
		yc_buf_adds(out, "}");
	}
	db_done(st);
	if (rc < 0)
		return rc;
	yc_buf_adds(out, "],\"all\":{");
	add_counts(out, all);
	yc_buf_adds(out, "}");
	int64_t open = 0;
	if ((rc = db_get(d, err,
			 "SELECT COUNT(*) FROM review_orders WHERE staff = ? AND state IN"
			 " ('verifying', 'rectifying', 'reported', 'appealed')",
			 "s", "i", u->username, &open)) < 0)
		return rc;
	yc_buf_addf(out, ",\"open_orders\":%lld}", (long long)open);
	return 0;
}
