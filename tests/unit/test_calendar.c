/* Unit tests: working days, working hours and loading notices (core/calendar.c). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar/calendar.h"
#include "lib/json.h"
#include "lib/timeutil.h"

static calendar *cal;

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

static int32_t D(const char *s)
{
	int32_t d;
	cr_assert_eq(yc_date_parse(s, &d), 0, "bad date %s", s);
	return d;
}

static void expect_add(const char *from, int n, const char *want)
{
	int32_t out;
	yc_err err;
	cr_assert_eq(calendar_add_workdays(cal, D(from), n, &out, &err), 0, "%s + %d: %s", from, n,
		     err.message);
	char got[16];
	yc_date_format(out, got, sizeof(got));
	cr_assert_str_eq(got, want, "%s + %d working days", from, n);
}

TestSuite(calendar, .init = setup, .fini = teardown);

Test(calendar, product_examples)
{
	expect_add("2025-09-26", 5, "2025-10-10");
	expect_add("2026-02-13", 3, "2026-02-25");
}

Test(calendar, zero_days_is_the_day_itself)
{
	expect_add("2026-02-15", 0, "2026-02-15");
}

Test(calendar, plain_week)
{
	expect_add("2024-03-04", 1, "2024-03-05"); /* Monday → Tuesday */
	expect_add("2024-03-08", 1, "2024-03-11"); /* Friday → Monday */
	expect_add("2024-03-09", 1, "2024-03-11"); /* Saturday → Monday */
}

Test(calendar, makeup_working_days_count)
{
	bool work;
	/* 2026-02-14 (Saturday) and 2026-01-04 (Sunday) are make-up working days. */
	cr_assert_eq(calendar_is_workday(cal, D("2026-02-14"), &work, NULL), 0);
	cr_assert(work);
	cr_assert_eq(calendar_is_workday(cal, D("2026-01-04"), &work, NULL), 0);
	cr_assert(work);
	/* 2025-10-01 (Wednesday) is National Day. */
	cr_assert_eq(calendar_is_workday(cal, D("2025-10-01"), &work, NULL), 0);
	cr_assert_not(work);
	/* Accepted on Friday 2026-02-13: the Saturday make-up day is day 1. */
	expect_add("2026-02-13", 1, "2026-02-14");
}

Test(calendar, year_boundary)
{
	/* 2023's notice lists 2022-12-31 as a holiday; New Year 2023 runs to 01-02. */
	expect_add("2022-12-30", 1, "2023-01-03");
	expect_add("2025-12-31", 1, "2026-01-04"); /* 01-01..03 off, 01-04 make-up */
}

Test(calendar, unloaded_year_is_an_error)
{
	int32_t out;
	yc_err err;
	yc_err_clear(&err);
	int rc = calendar_add_workdays(cal, D("2026-12-30"), 5, &out, &err);
	cr_assert_eq(rc, YC_ENOTLOADED);
	cr_assert(strstr(err.message, "2027") != NULL, "message names the year: %s", err.message);
	bool work;
	cr_assert_eq(calendar_is_workday(cal, D("2019-06-03"), &work, NULL), YC_ENOTLOADED);
}

Test(calendar, workdays_between)
{
	int n;
	cr_assert_eq(calendar_workdays_between(cal, D("2025-09-26"), D("2025-10-10"), &n, NULL), 0);
	cr_assert_eq(n, 5);
	cr_assert_eq(calendar_workdays_between(cal, D("2025-10-10"), D("2025-09-26"), &n, NULL), 0);
	cr_assert_eq(n, -5);
}

Test(calendar, working_hours)
{
	int64_t start = (int64_t)D("2026-03-02") * 1440 + 16 * 60; /* Monday 16:00 */
	int64_t out;
	cr_assert_eq(calendar_add_workminutes(cal, start, 120, &out, NULL), 0);
	/* one hour on Monday (16–17), one on Tuesday from 09:00 */
	cr_assert_eq(out, (int64_t)D("2026-03-03") * 1440 + 10 * 60);
	/* Friday 11:30 + 2 h: 30 min before lunch, 90 min after: 14:30 */
	start = (int64_t)D("2026-03-06") * 1440 + 11 * 60 + 30;
	cr_assert_eq(calendar_add_workminutes(cal, start, 120, &out, NULL), 0);
	cr_assert_eq(out, (int64_t)D("2026-03-06") * 1440 + 14 * 60 + 30);
	/* Saturday morning counts from Monday 09:00 */
	start = (int64_t)D("2026-03-07") * 1440 + 10 * 60;
	cr_assert_eq(calendar_add_workminutes(cal, start, 60, &out, NULL), 0);
	cr_assert_eq(out, (int64_t)D("2026-03-09") * 1440 + 10 * 60);
	cr_assert_eq(calendar_hours_per_day_min(cal), 420);
	cr_assert_eq(calendar_set_hours(cal, "09:00-08:00", NULL), YC_EINVAL);
	cr_assert_eq(calendar_set_hours(cal, "0900-1200", NULL), YC_EINVAL);
}

Test(calendar, parse_rejects_bad_notices)
{
	const char *bad[] = {
		"{\"year\":2027,\"source\":\"x\",\"days\":[{\"date\":\"2027-02-30\",\"kind\":"
		"\"off\",\"name\":\"a\"}]}",
		"{\"year\":2027,\"source\":\"x\",\"days\":[{\"date\":\"2028-01-01\",\"kind\":"
		"\"off\",\"name\":\"a\"}]}",
		"{\"year\":2027,\"source\":\"x\",\"days\":[{\"date\":\"2027-01-01\",\"kind\":"
		"\"rest\",\"name\":\"a\"}]}",
		"{\"year\":2027,\"source\":\"x\",\"days\":[{\"date\":\"2027-01-01\",\"kind\":"
		"\"off\",\"name\":\"a\"},"
		"{\"date\":\"2027-01-01\",\"kind\":\"off\",\"name\":\"a\"}]}",
		"{\"year\":2027,\"days\":[]}",
		"{\"year\":2027,\"source\":\"x\",\"days\":[],\"extra\":1}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cJSON *j = NULL;
		struct cal_year y;
		cr_assert_eq(yc_json_parse(bad[i], strlen(bad[i]), &j, NULL), 0);
		yc_err err;
		yc_err_clear(&err);
		cr_assert_eq(calendar_parse_year(j, 0, &y, &err), YC_EINVAL, "case %zu accepted",
			     i);
		cr_assert(err.field[0], "case %zu names a field", i);
		cJSON_Delete(j);
	}
}

Test(calendar, load_a_new_year)
{
	const char *text = "{\"year\":2027,\"source\":\"test\",\"days\":["
			   "{\"date\":\"2026-12-31\",\"kind\":\"off\",\"name\":\"元旦\"},"
			   "{\"date\":\"2027-01-01\",\"kind\":\"off\",\"name\":\"元旦\"},"
			   "{\"date\":\"2027-01-02\",\"kind\":\"work\",\"name\":\"元旦\"}]}";
	cJSON *j = NULL;
	struct cal_year y;
	cr_assert_eq(yc_json_parse(text, strlen(text), &j, NULL), 0);
	cr_assert_eq(calendar_parse_year(j, 2027, &y, NULL), 0);
	cr_assert_eq(calendar_set_year(cal, &y, NULL), 0);
	free(y.days);
	cJSON_Delete(j);
	/* 2026-12-31 (Thursday) is now off: from 12-30, the next working day is 2027-01-02
	 * (make-up). */
	expect_add("2026-12-30", 1, "2027-01-02");
	int years[64];
	cr_assert_eq(calendar_years(cal, years, 64), 8);
	cr_assert_eq(years[7], 2027);
}
