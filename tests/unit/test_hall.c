/*
 * Unit tests of the hall's rules: the calling rule's table, appointment slots
 * across holidays and make-up days, the no-show bar, waiting estimates.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/calendar/calendar.h"
#include "core/hall/hall.h"
#include "lib/timeutil.h"

#define MIN 60000LL

/* One row of the calling rule: the candidates (priority, waited minutes, slot minutes from now) and
 * who is called. */
struct pick_case {
	const char *why;
	int n;
	struct {
		int priority;
		int waited_min;	 /* issued this many minutes ago */
		int slot_in_min; /* appointments: the slot starts in this many minutes (negative:
				    begun) */
	} c[4];
	int fairness_min;
	int expect;
};

static const struct pick_case picks[] = {
	{"nobody waits", 0, {{0}}, 30, -1},
	{"one normal ticket", 1, {{PRIO_NORMAL, 5, 0}}, 30, 0},
	{"the older of two normal tickets", 2, {{PRIO_NORMAL, 5, 0}, {PRIO_NORMAL, 9, 0}}, 30, 1},
	{"green before an older normal ticket",
	 2,
	 {{PRIO_NORMAL, 20, 0}, {PRIO_GREEN, 1, 0}},
	 30,
	 1},
	{"a begun appointment before an older normal ticket",
	 2,
	 {{PRIO_NORMAL, 20, 0}, {PRIO_APPOINTMENT, 2, -5}},
	 30,
	 1},
	{"an appointment whose slot has not begun waits its turn by issue time",
	 2,
	 {{PRIO_NORMAL, 20, 0}, {PRIO_APPOINTMENT, 25, 10}},
	 60,
	 1},
	{"... and after a normal ticket issued earlier",
	 2,
	 {{PRIO_NORMAL, 20, 0}, {PRIO_APPOINTMENT, 10, 10}},
	 60,
	 0},
	{"green before a begun appointment",
	 2,
	 {{PRIO_APPOINTMENT, 9, -1}, {PRIO_GREEN, 1, 0}},
	 30,
	 1},
	{"fairness: a normal ticket past the bound before green",
	 3,
	 {{PRIO_GREEN, 1, 0}, {PRIO_NORMAL, 31, 0}, {PRIO_APPOINTMENT, 3, -2}},
	 30,
	 1},
	{"fairness: the longest-waiting of the overdue ones",
	 3,
	 {{PRIO_NORMAL, 45, 0}, {PRIO_NORMAL, 50, 0}, {PRIO_GREEN, 1, 0}},
	 30,
	 1},
	{"fairness 0 switches the bound off", 2, {{PRIO_NORMAL, 500, 0}, {PRIO_GREEN, 1, 0}}, 0, 1},
	{"the older of two green tickets",
	 3,
	 {{PRIO_GREEN, 2, 0}, {PRIO_GREEN, 7, 0}, {PRIO_NORMAL, 8, 0}},
	 30,
	 1},
	{"the older of two begun appointments",
	 2,
	 {{PRIO_APPOINTMENT, 2, -1}, {PRIO_APPOINTMENT, 4, -20}},
	 30,
	 1},
	{"a tie goes to the lower index", 2, {{PRIO_NORMAL, 5, 0}, {PRIO_NORMAL, 5, 0}}, 30, 0},
};

Test(hall_rule, the_calling_table)
{
	const int64_t now = 1800000000000LL;
	for (size_t i = 0; i < sizeof(picks) / sizeof(picks[0]); i++) {
		const struct pick_case *p = &picks[i];
		struct hall_candidate c[4];
		for (int k = 0; k < p->n; k++) {
			c[k].priority = p->c[k].priority;
			c[k].issued_ms = now - p->c[k].waited_min * MIN;
			c[k].slot_ms = p->c[k].priority == PRIO_APPOINTMENT
					       ? now + p->c[k].slot_in_min * MIN
					       : 0;
		}
		cr_assert_eq(hall_pick(c, p->n, now, p->fairness_min * MIN), p->expect, "%s",
			     p->why);
	}
}

static calendar *cal;

static void cal_setup(void)
{
	cal = calendar_new();
	cr_assert_eq(calendar_load_builtin(cal, NULL), 0);
	cr_assert_eq(calendar_set_hours(cal, "09:00-12:00,13:00-17:00", NULL), 0);
}

static void cal_teardown(void)
{
	calendar_free(cal);
}

static int slots_on(const char *date, int minutes, int *starts)
{
	int32_t day;
	cr_assert_eq(yc_date_parse(date, &day), 0);
	return hall_day_slots(cal, day, minutes, starts, 64, NULL);
}

Test(hall_slots, working_days_holidays_and_make_up_days, .init = cal_setup, .fini = cal_teardown)
{
	int s[64];
	/* a plain Friday: 09:00–12:00 and 13:00–17:00 in 30-minute slots */
	cr_assert_eq(slots_on("2026-11-27", 30, s), 14);
	cr_assert_eq(s[0], 9 * 60);
	cr_assert_eq(s[5], 11 * 60 + 30);
	cr_assert_eq(s[6], 13 * 60, "no slot over lunch");
	cr_assert_eq(s[13], 16 * 60 + 30);
	/* a Saturday, and National Day */
	cr_assert_eq(slots_on("2026-11-28", 30, s), 0);
	cr_assert_eq(slots_on("2025-10-01", 30, s), 0);
	/* a make-up Saturday (2025-09-28 is a working Sunday, 2025-10-11 a working Saturday) */
	cr_assert_eq(slots_on("2025-09-28", 30, s), 14);
	cr_assert_eq(slots_on("2025-10-11", 60, s), 7);
	/* Spring Festival 2026: 02-16 off, 02-14 (a Saturday) worked */
	cr_assert_eq(slots_on("2026-02-16", 30, s), 0);
	cr_assert_eq(slots_on("2026-02-14", 30, s), 14);
	/* a year not loaded is an error, not a guess */
	int32_t day;
	yc_date_parse("2031-03-03", &day);
	cr_assert_lt(hall_day_slots(cal, day, 30, s, 64, NULL), 0);
}

Test(hall_penalty, three_misses_in_thirty_days_bar_thirty_days)
{
	struct hall_ctx c = {.penalty_misses = 3, .penalty_window_days = 30, .penalty_days = 30};
	const int64_t day = 86400000LL, t0 = 1800000000000LL;
	int64_t until;
	int64_t two[] = {t0, t0 + 5 * day};
	cr_assert(!hall_barred(&c, two, 2, t0 + 6 * day, &until), "two misses: no bar");
	int64_t three[] = {t0, t0 + 5 * day, t0 + 20 * day};
	cr_assert(hall_barred(&c, three, 3, t0 + 21 * day, &until), "three within 30 days");
	cr_assert_eq(until, t0 + 50 * day, "30 days from the third miss");
	cr_assert(hall_barred(&c, three, 3, t0 + 49 * day, NULL));
	cr_assert(!hall_barred(&c, three, 3, t0 + 50 * day, NULL), "the bar ends");
	int64_t spread[] = {t0, t0 + 20 * day, t0 + 40 * day};
	cr_assert(!hall_barred(&c, spread, 3, t0 + 41 * day, NULL), "not within one 30-day window");
	struct hall_ctx off = {.penalty_misses = 0, .penalty_window_days = 30, .penalty_days = 30};
	cr_assert(!hall_barred(&off, three, 3, t0 + 21 * day, NULL), "0 switches the bar off");
}

Test(hall_estimate, rounds_of_service_over_open_windows)
{
	cr_assert_eq(hall_estimate_s(0, 3, 300), 0, "next in line: no wait");
	cr_assert_eq(hall_estimate_s(1, 3, 300), 300);
	cr_assert_eq(hall_estimate_s(3, 3, 300), 300, "three windows take three at once");
	cr_assert_eq(hall_estimate_s(4, 3, 300), 600);
	cr_assert_eq(hall_estimate_s(10, 0, 120), 1200, "no open window counts as one");
}
