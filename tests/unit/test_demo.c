/*
 * Unit tests: the span of the demo's past (core/demo/history.c, demo_history_plan). A year's
 * past is one whole calendar year, the last to have ended, so that its year report counts
 * all of it; a recent past is the last 60 working days, the last day counting.
 */
#include <criterion/criterion.h>

#include "core/calendar/calendar.h"
#include "core/demo/demo.h"
#include "lib/timeutil.h"

static calendar *cal;
static const int tz = 480; /* the district's +08:00 */

static void setup(void)
{
	cal = calendar_new();
	cr_assert_not_null(cal);
	cr_assert_eq(calendar_load_builtin(cal, NULL), 0);
}

static void teardown(void)
{
	calendar_free(cal);
}

TestSuite(demo, .init = setup, .fini = teardown);

/* Local midnight beginning day y-m-d, in ms. */
static int64_t midnight(int y, unsigned m, unsigned d)
{
	return ((int64_t)yc_days_from_civil(y, m, d) * 1440 - tz) * 60000;
}

static void expect_year(int64_t end_ms, int year)
{
	struct demo_history o = {.span = DEMO_HISTORY_YEAR, .seed = 1, .end_ms = end_ms};
	yc_err err;
	cr_assert_eq(demo_history_plan(cal, tz, &o, &err), 0, "%s", err.message);
	cr_assert_eq(o.first_day, yc_days_from_civil(year, 1, 1), "starts on 1 January %d", year);
	cr_assert_eq(o.end_ms, midnight(year + 1, 1, 1), "ends at the midnight after 31 December");
	cr_assert(!o.ends_early);
}

Test(demo, a_year_is_the_last_whole_calendar_year)
{
	expect_year(midnight(2026, 12, 7) + 10 * 3600000, 2025); /* December: not yet whole */
	expect_year(midnight(2026, 1, 1), 2025);		 /* its last moment just ended */
	expect_year(midnight(2026, 1, 1) - 1, 2024);		 /* 31 December, 23:59:59.999 */
	expect_year(midnight(2025, 7, 1), 2024);
}

Test(demo, a_year_not_on_the_calendar_is_an_error)
{
	struct demo_history o = {.span = DEMO_HISTORY_YEAR, .end_ms = midnight(2020, 3, 1)};
	yc_err err;
	cr_assert_eq(demo_history_plan(cal, tz, &o, &err), YC_ENOTLOADED);
}

Test(demo, recent_is_sixty_working_days_the_last_counting)
{
	/* Monday 2025-12-01, 10:00: back across November's weeks, no holidays among them */
	struct demo_history o = {.span = DEMO_HISTORY_RECENT,
				 .end_ms = midnight(2025, 12, 1) + 2 * 3600000};
	yc_err err;
	cr_assert_eq(demo_history_plan(cal, tz, &o, &err), 0, "%s", err.message);
	int n = 0;
	for (int32_t day = o.first_day; day <= yc_days_from_civil(2025, 12, 1); day++) {
		bool work = false;
		cr_assert_eq(calendar_is_workday(cal, day, &work, &err), 0);
		n += work;
	}
	cr_assert_eq(n, 60);
	bool work = false;
	calendar_is_workday(cal, o.first_day, &work, &err);
	cr_assert(work, "the first day is a working day");
}
