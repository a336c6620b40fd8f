/* stats.c — the hall's figures: waits, services and windows by day and category. */
#include "core/hall/hall.h"
#include "core/hall/internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/common/notify.h"
#include "core/common/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

struct stat_group;
static int cmp_group(const void *a, const void *b);

struct stat_group {
	char key[40];
	int64_t tickets, served, missed, appointments, kept;
	int64_t *waits;
	int nwaits, capwaits;
	int64_t service_sum;
};

/* Groups in key order: numbers (windows) by value, the rest (days, hours, codes, names) as text. */
static int cmp_group(const void *a, const void *b)
{
	const struct stat_group *x = a, *y = b;
	char *ex, *ey;
	long nx = strtol(x->key, &ex, 10), ny = strtol(y->key, &ey, 10);
	if (*x->key && *y->key && !*ex && !*ey)
		return nx < ny ? -1 : nx > ny;
	return strcmp(x->key, y->key);
}

int hall_stats(db *d, const struct hall_ctx *c, const struct hall_stats_query *q, yc_buf *out,
	       yc_err *err)
{
	int32_t from, to;
	if (!q->from || yc_date_parse(q->from, &from))
		return yc_err_set(err, YC_EINVAL, "from", "from must be YYYY-MM-DD");
	if (!q->to || yc_date_parse(q->to, &to))
		return yc_err_set(err, YC_EINVAL, "to", "to must be YYYY-MM-DD");
	if (to < from || to - from > 366)
		return yc_err_set(err, YC_EINVAL, "to", "the range is from 1 to 366 days");
	const char *by = q->by ? q->by : "day";
	if (strcmp(by, "day") && strcmp(by, "hour") && strcmp(by, "category") &&
	    strcmp(by, "window") && strcmp(by, "staff"))
		return yc_err_set(err, YC_EINVAL, "by",
				  "by must be day, hour, category, window or staff");
	db_stmt *st =
		db_prepare(d,
			   "SELECT day, category, window_no, staff, state, priority, issued_ms,"
			   " called_ms, started_ms, finished_ms FROM tickets"
			   " WHERE day >= ? AND day <= ? ORDER BY issued_ms",
			   err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, q->from);
	db_bind_text(st, 2, q->to);
	enum { MAXG = 400 };
	struct stat_group *g = calloc(MAXG, sizeof(*g));
	if (!g) {
		db_done(st);
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	int ng = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		char key[40];
		if (!strcmp(by, "day"))
			db_col_copy(st, 0, key, sizeof(key));
		else if (!strcmp(by, "category"))
			db_col_copy(st, 1, key, sizeof(key));
		else if (!strcmp(by, "window"))
			snprintf(key, sizeof(key), "%lld", (long long)db_col_int(st, 2));
		else if (!strcmp(by, "staff"))
			snprintf(key, sizeof(key), "%s",
				 db_col_null(st, 3) ? "" : db_col_text(st, 3));
		else {
			int64_t m = hall_local_min(c, db_col_int(st, 6));
			snprintf(key, sizeof(key), "%02lld:00",
				 (long long)((m % 1440 + 1440) % 1440 / 60));
		}
		int k;
		for (k = 0; k < ng && strcmp(g[k].key, key); k++)
			;
		if (k == ng) {
			if (ng == MAXG)
				continue;
			snprintf(g[ng++].key, sizeof(g[0].key), "%s", key);
		}
		struct stat_group *x = &g[k];
		const char *state = db_col_text(st, 4);
		x->tickets++;
		if (!strcmp(state, "missed"))
			x->missed++;
		if (!strcmp(db_col_text(st, 5), "appointment")) {
			x->appointments++;
			if (!db_col_null(st, 7))
				x->kept++;
		}
		if (!db_col_null(st, 7)) {
			if (x->nwaits == x->capwaits) {
				int cap = x->capwaits ? x->capwaits * 2 : 64;
				int64_t *w = realloc(x->waits, (size_t)cap * sizeof(*w));
				if (!w)
					continue;
				x->waits = w;
				x->capwaits = cap;
			}
			x->waits[x->nwaits++] = db_col_int(st, 7) - db_col_int(st, 6);
		}
		if (!strcmp(state, "done") && !db_col_null(st, 8) && !db_col_null(st, 9)) {
			x->served++;
			x->service_sum += db_col_int(st, 9) - db_col_int(st, 8);
		}
	}
	db_done(st);
	qsort(g, (size_t)ng, sizeof(*g), cmp_group);
	if (rc >= 0) {
		if (q->csv)
			yc_buf_adds(out, "\xEF\xBB\xBF" /* a BOM, so that Excel reads UTF-8 */
					 "分组,取号数,服务数,过号数,预约数,预约到场数,平均等候(秒),"
					 "等候P90(秒),平均办理(秒)\r\n");
		else
			yc_buf_addf(out, "{\"by\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"rows\":[",
				    by, q->from, q->to);
		for (int k = 0; k < ng; k++) {
			struct stat_group *x = &g[k];
			if (x->nwaits)
				qsort(x->waits, (size_t)x->nwaits, sizeof(int64_t), cmp_i64);
			int64_t sum = 0;
			for (int i = 0; i < x->nwaits; i++)
				sum += x->waits[i];
			double mean = x->nwaits ? sum / 1000.0 / x->nwaits : 0;
			double p90 =
				x->nwaits ? x->waits[(x->nwaits * 9 + 9) / 10 - 1] / 1000.0 : 0;
			double svc = x->served ? x->service_sum / 1000.0 / x->served : 0;
			if (q->csv) {
				yc_buf_addf(out, "%s,%lld,%lld,%lld,%lld,%lld,%.0f,%.0f,%.0f\r\n",
					    x->key, (long long)x->tickets, (long long)x->served,
					    (long long)x->missed, (long long)x->appointments,
					    (long long)x->kept, mean, p90, svc);
			} else {
				yc_buf_adds(out, k ? ",{\"key\":" : "{\"key\":");
				yc_json_add_str(out, x->key);
				yc_buf_addf(out,
					    ",\"tickets\":%lld,\"served\":%lld,\"no_shows\":%lld,"
					    "\"appointments\":%lld,\"appointments_kept\":%lld,"
					    "\"wait_mean_s\":%.1f,\"wait_p90_s\":%.1f,\"service_"
					    "mean_s\":%.1f}",
					    (long long)x->tickets, (long long)x->served,
					    (long long)x->missed, (long long)x->appointments,
					    (long long)x->kept, mean, p90, svc);
			}
		}
		if (!q->csv)
			yc_buf_adds(out, "]}");
	}
	for (int k = 0; k < ng; k++)
		free(g[k].waits);
	free(g);
	return rc < 0 ? rc : 0;
}
