/* clock.c — a case's time: working days and hours, deadlines and lights. */
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

int64_t case_now_ms(const struct case_ctx *c)
{
	return c->now_ms ? c->now_ms : yc_now_ms();
}

int64_t case_local_min(const struct case_ctx *c, int64_t ms)
{
	int64_t m = ms >= 0 ? ms / 60000 : (ms - 59999) / 60000;
	return m + c->tz_offset_min;
}

int32_t case_min_day(int64_t min)
{
	return (int32_t)(min >= 0 ? min / 1440 : (min - 1439) / 1440);
}

/* "YYYY-MM-DDTHH:MM+08:00" for a local minute. */
static void format_local_min(const struct case_ctx *c, int64_t min, char *out, size_t size)
{
	char date[16];
	int32_t day = case_min_day(min);
	int mod = (int)(min - (int64_t)day * 1440);
	yc_date_format(day, date, sizeof(date));
	int off = c->tz_offset_min < 0 ? -c->tz_offset_min : c->tz_offset_min;
	snprintf(out, size, "%sT%02d:%02d%c%02d:%02d", date, mod / 60, mod % 60,
		 c->tz_offset_min < 0 ? '-' : '+', off / 60, off % 60);
}

const char *case_light_at(int64_t now_min, int64_t yellow_min, int64_t deadline_min)
{
	if (now_min >= deadline_min)
		return "red";
	return now_min >= yellow_min ? "yellow" : "green";
}

/* The limit of the case's rule in its unit: value and whether it counts hours. */
void case_rule_limit(const cJSON *rule, int *value, bool *hours)
{
	const cJSON *lim = cJSON_GetObjectItemCaseSensitive(rule, "limit");
	*value = (int)yc_json_int(lim, "value", 0);
	const char *unit = yc_json_str(lim, "unit");
	*hours = unit && !strcmp(unit, "workhour");
}

int64_t case_minute_of(const struct case_ctx *c, int64_t ms)
{
	return case_local_min(c, ms ? ms : case_now_ms(c));
}

int case_deadline_after(const struct case_ctx *c, int64_t from_ms, int value, bool hours,
			struct case_deadline *out, yc_err *err)
{
	int64_t now_min = case_local_min(c, from_ms);
	int32_t today = case_min_day(now_min);
	int rc;
	if (hours) {
		if ((rc = calendar_add_workminutes(c->cal, now_min, (int64_t)value * 60,
						   &out->deadline_min, err)) ||
		    (rc = calendar_add_workminutes(c->cal, now_min, (int64_t)value * 45,
						   &out->yellow_min, err)))
			return rc;
		format_local_min(c, out->deadline_min, out->text, sizeof(out->text));
		return 0;
	}
	int32_t dday, yday;
	int before = value > c->warn_days ? value - c->warn_days : 0;
	if ((rc = calendar_add_workdays(c->cal, today, value, &dday, err)) ||
	    (rc = calendar_add_workdays(c->cal, today, before, &yday, err)))
		return rc;
	out->deadline_min = ((int64_t)dday + 1) * 1440;
	out->yellow_min = before ? (int64_t)yday * 1440 : now_min;
	yc_date_format(dday, out->text, sizeof(out->text));
	return 0;
}

/* Starts the clock at acceptance: the deadline of the rule's limit from now (case_deadline_after). */
int case_clock_start(const struct case_ctx *c, struct case_row *row, int64_t now_ms, yc_err *err)
{
	int n;
	bool hours;
	case_rule_limit(row->rule, &n, &hours);
	row->accepted_ms = now_ms;
	struct case_deadline dl;
	int rc = case_deadline_after(c, now_ms, n, hours, &dl, err);
	if (rc)
		return rc;
	row->deadline_min = dl.deadline_min;
	row->yellow_min = dl.yellow_min;
	snprintf(row->deadline, sizeof(row->deadline), "%s", dl.text);
	snprintf(row->light, sizeof(row->light), "%s",
		 case_light_at(case_local_min(c, now_ms), row->yellow_min, row->deadline_min));
	return 0;
}

/*
 * The clock runs again: the working time it stood still is added to the
 * deadline (working days in (stop day, today] for day limits; working
 * minutes for hour limits).
 */
int case_clock_resume(const struct case_ctx *c, struct case_row *row, int64_t now_ms, yc_err *err)
{
	if (!row->stopped_ms || !row->accepted_ms)
		return 0;
	int n;
	bool hours;
	case_rule_limit(row->rule, &n, &hours);
	int64_t from = case_local_min(c, row->stopped_ms), to = case_local_min(c, now_ms);
	int rc;
	if (hours) {
		int64_t stood, dl, yl;
		if ((rc = calendar_workminutes_between(c->cal, from, to, &stood, err)) ||
		    (rc = calendar_add_workminutes(c->cal, row->deadline_min, stood, &dl, err)) ||
		    (rc = calendar_add_workminutes(c->cal, row->yellow_min, stood, &yl, err)))
			return rc;
		row->deadline_min = dl;
		row->yellow_min = yl;
		format_local_min(c, dl, row->deadline, sizeof(row->deadline));
	} else {
		int stood;
		int32_t dday = case_min_day(row->deadline_min) - 1,
			yday = case_min_day(row->yellow_min);
		if ((rc = calendar_workdays_between(c->cal, case_min_day(from), case_min_day(to),
						    &stood, err)) ||
		    (rc = calendar_add_workdays(c->cal, dday, stood, &dday, err)) ||
		    (rc = calendar_add_workdays(c->cal, yday, stood, &yday, err)))
			return rc;
		row->deadline_min = ((int64_t)dday + 1) * 1440;
		row->yellow_min = (int64_t)yday * 1440;
		yc_date_format(dday, row->deadline, sizeof(row->deadline));
	}
	row->stopped_ms = 0;
	snprintf(row->light, sizeof(row->light), "%s",
		 case_light_at(to, row->yellow_min, row->deadline_min));
	return 0;
}

/*
 * The row's clock effect, applied once the action has chosen its outcome
 * (lifecycle.c's table; the effects are enum case_clock's).
 */
int case_clock_apply(const struct case_ctx *c, struct case_row *row, enum case_clock effect,
		     int64_t now_ms, yc_err *err)
{
	int rc = 0;
	switch (effect) {
	case CLOCK_NONE:
	case CLOCK_RUNS: break;
	case CLOCK_START: rc = case_clock_start(c, row, now_ms, err); break;
	case CLOCK_START_DECIDE:
		if (!(rc = case_clock_start(c, row, now_ms, err)))
			row->decided_ms = now_ms;
		break;
	case CLOCK_STOP: row->stopped_ms = now_ms; break;
	case CLOCK_RESUME: rc = case_clock_resume(c, row, now_ms, err); break;
	case CLOCK_DECIDE: row->decided_ms = now_ms; break;
	case CLOCK_DROP:
		row->stopped_ms = 0;
		snprintf(row->light, sizeof(row->light), "none");
		break;
	}
	return rc;
}

/* A due day n working days from today. */
int case_due_in(const struct case_ctx *c, int n, char out[16], yc_err *err)
{
	int32_t today = case_min_day(case_local_min(c, case_now_ms(c))), due;
	int rc = calendar_add_workdays(c->cal, today, n, &due, err);
	if (!rc)
		yc_date_format(due, out, 16);
	return rc;
}
