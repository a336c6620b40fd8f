/* rule.c — the hall's clock and lock, the calling rule, slots, penalties and estimates. */
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

int64_t hall_now_of(const struct hall_ctx *c)
{
	return c->now_ms ? c->now_ms : yc_now_ms();
}

int64_t hall_local_min(const struct hall_ctx *c, int64_t ms)
{
	int64_t m = ms >= 0 ? ms / 60000 : (ms - 59999) / 60000;
	return m + c->tz_offset_min;
}

int32_t hall_today(const struct hall_ctx *c)
{
	int64_t m = hall_local_min(c, hall_now_of(c));
	return (int32_t)(m >= 0 ? m / 1440 : (m - 1439) / 1440);
}

/* UTC ms of a local day's minute. */
int64_t hall_ms_of(const struct hall_ctx *c, int32_t day, int minute)
{
	return ((int64_t)day * 1440 + minute - c->tz_offset_min) * 60000;
}

/*
 * Every hall write takes the hall's lock first. Several writers (PostgreSQL)
 * would otherwise lock ticket-number rows and tickets in different orders
 * and deadlock; holding one lock they take turns, which a hall's rate of
 * calls (a few a second) never notices.
 */
int hall_lock(db *d, yc_err *err)
{
	return db_lock(d, "hall", err);
}

/* ---- the calling rule ------------------------------------------------------ */

int hall_pick(const struct hall_candidate *c, int n, int64_t now_ms, int64_t fairness_ms)
{
	int best[4] = {-1, -1, -1, -1}; /* overdue normal, green, begun appointment, the rest */
	for (int i = 0; i < n; i++) {
		bool begun = c[i].priority == PRIO_APPOINTMENT && c[i].slot_ms <= now_ms;
		int group = c[i].priority == PRIO_GREEN ? 1 : begun ? 2 : 3;
		if (group == 3 && now_ms - c[i].issued_ms >= fairness_ms && fairness_ms > 0)
			group = 0;
		if (best[group] < 0 || c[i].issued_ms < c[best[group]].issued_ms)
			best[group] = i;
	}
	for (int g = 0; g < 4; g++)
		if (best[g] >= 0)
			return best[g];
	return -1;
}

/* ---- slots, penalties, estimates -------------------------------------------- */

int hall_day_slots(calendar *cal, int32_t day, int slot_minutes, int *starts, int max, yc_err *err)
{
	bool work;
	int rc = calendar_is_workday(cal, day, &work, err);
	if (rc)
		return rc;
	if (!work || slot_minutes <= 0)
		return 0;
	int s[8], e[8];
	int ns = calendar_spans(cal, s, e, 8), n = 0;
	for (int i = 0; i < ns; i++)
		for (int m = s[i]; m + slot_minutes <= e[i] && n < max; m += slot_minutes)
			starts[n++] = m;
	return n;
}

bool hall_barred(const struct hall_ctx *c, const int64_t *miss_ms, int nmiss, int64_t now_ms,
		 int64_t *until_ms)
{
	/*
	 * Barred when penalty_misses misses fall within penalty_window_days of each
	 * other: for penalty_days from the latest of them.
	 */
	if (c->penalty_misses <= 0)
		return false;
	int64_t window = (int64_t)c->penalty_window_days * 86400000;
	int64_t bar = (int64_t)c->penalty_days * 86400000, until = 0;
	for (int i = 0; i < nmiss; i++) {
		int within = 0;
		for (int j = 0; j < nmiss; j++)
			if (miss_ms[j] <= miss_ms[i] && miss_ms[i] - miss_ms[j] < window)
				within++;
		if (within >= c->penalty_misses && miss_ms[i] + bar > until)
			until = miss_ms[i] + bar;
	}
	if (until_ms)
		*until_ms = until;
	return now_ms < until;
}

int64_t hall_estimate_s(int ahead, int open_windows, int64_t avg_service_s)
{
	if (ahead <= 0)
		return 0;
	if (open_windows <= 0)
		open_windows = 1;
	/* every open window serves one ticket per avg_service_s; we are served after `ahead` */
	int64_t rounds = (ahead + open_windows - 1) / open_windows;
	return rounds * avg_service_s;
}
