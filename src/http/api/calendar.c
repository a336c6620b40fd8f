/* api/calendar.c — the working-day calendar: queries, and loading a year (admin). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar/calendar.h"
#include "http/router.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/* The years a list shows, a day as text ("2026-12-04"), and the small answers, with their NUL. */
enum { YEARS_MAX = 64, DAY_TEXT = 16, ANSWER_MAX = 128 };

static int date_param(yc_req *r, const char *name, int32_t *out)
{
	const char *v = http_query(r, name);
	if (!v)
		return yc_err_set(&r->err, YC_EINVAL, name, "%s is required (YYYY-MM-DD)", name);
	if (yc_date_parse(v, out))
		return yc_err_set(&r->err, YC_EINVAL, name, "%s must be a date (YYYY-MM-DD)", name);
	return 0;
}

int api_calendar_list(yc_req *r)
{
	int years[YEARS_MAX];
	int n = calendar_years(r->app->cal, years, YEARS_MAX);
	yc_buf b;
	yc_buf_init(&b, 0);
	yc_buf_adds(&b, "{\"years\":[");
	for (int i = 0; i < n; i++)
		yc_buf_addf(&b, "%s%d", i ? "," : "", years[i]);
	yc_buf_addf(&b, "],\"work_hours\":");
	yc_json_add_str(&b, r->app->cfg.work_hours);
	yc_buf_addf(&b, ",\"minutes_per_workday\":%d}", calendar_hours_per_day_min(r->app->cal));
	http_reply(r, 200, &b);
	yc_buf_release(&b);
	return 0;
}

static int year_param(yc_req *r, int *year)
{
	char *end;
	long y = strtol(r->params[0], &end, 10);
	if (*end || y < 1950 || y > 2200)
		return yc_err_set(&r->err, YC_EINVAL, "year", "year must be from 1950 to 2200");
	*year = (int)y;
	return 0;
}

int api_calendar_get(yc_req *r)
{
	int year;
	int rc = year_param(r, &year);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = calendar_year_json(r->app->cal, year, &b);
	if (rc) {
		yc_buf_release(&b);
		return yc_err_set(&r->err, YC_ENOTFOUND, "year",
				  "the calendar for %d is not loaded", year);
	}
	http_reply(r, 200, &b);
	yc_buf_release(&b);
	return 0;
}

struct year_load {
	struct cal_year y;
	yc_user user;
};

static int year_load_write(db *d, void *arg, yc_reply *out, yc_err *err)
{
	struct year_load *l = arg;
	yc_actor a = {l->user.username, account_role_name(l->user.role)};
	int rc = calendar_store_year(d, &a, &l->y, err);
	if (!rc)
		rc = calendar_year_render(&l->y, &out->body);
	return rc;
}

/* Durable now: make it the calendar this node counts with. */
static void year_load_after(yc_req *r, void *arg)
{
	struct year_load *l = arg;
	calendar_set_year(r->app->cal, &l->y, NULL);
}

static void year_load_free(void *arg)
{
	struct year_load *l = arg;
	free(l->y.days);
	free(l);
}

static const struct yc_write_ops year_load_ops = {year_load_write, year_load_after, year_load_free,
						  true};

int api_calendar_put(yc_req *r)
{
	int year;
	int rc = year_param(r, &year);
	if (rc)
		return rc;
	struct year_load *l = calloc(1, sizeof(*l));
	if (!l)
		return yc_err_set(&r->err, YC_ENOMEM, NULL, NULL);
	if ((rc = calendar_parse_year(r->body, year, &l->y, &r->err))) {
		free(l);
		return rc;
	}
	l->user = r->user;
	return http_write(r, &year_load_ops, l);
}

int api_calendar_add_workdays(yc_req *r)
{
	int32_t from, to;
	int64_t n;
	int rc = date_param(r, "date", &from);
	if (!rc && !http_query(r, "n"))
		rc = yc_err_set(&r->err, YC_EINVAL, "n", "n is required");
	if (!rc)
		rc = http_query_int(r, "n", 0, 3660, 0, &n);
	if (!rc)
		rc = calendar_add_workdays(r->app->cal, from, (int)n, &to, &r->err);
	if (rc)
		return rc;
	char a[DAY_TEXT], b[DAY_TEXT], body[ANSWER_MAX];
	yc_date_format(from, a, sizeof(a));
	yc_date_format(to, b, sizeof(b));
	snprintf(body, sizeof(body), "{\"date\":\"%s\",\"n\":%lld,\"result\":\"%s\"}", a,
		 (long long)n, b);
	http_reply_str(r, 200, body);
	return 0;
}

int api_calendar_is_workday(yc_req *r)
{
	int32_t day;
	bool work;
	int rc = date_param(r, "date", &day);
	if (!rc)
		rc = calendar_is_workday(r->app->cal, day, &work, &r->err);
	if (rc)
		return rc;
	char a[DAY_TEXT], body[ANSWER_MAX];
	yc_date_format(day, a, sizeof(a));
	snprintf(body, sizeof(body), "{\"date\":\"%s\",\"workday\":%s}", a,
		 work ? "true" : "false");
	http_reply_str(r, 200, body);
	return 0;
}

/* ?start=YYYY-MM-DDTHH:MM (local time) &hours=N: the moment N working hours later. */
int api_calendar_add_workhours(yc_req *r)
{
	const char *start = http_query(r, "start");
	int32_t day;
	char date[DAY_TEXT];
	int hh, mm;
	if (!start || strlen(start) != 16 || start[10] != 'T' || start[13] != ':' ||
	    (memcpy(date, start, 10), date[10] = '\0', yc_date_parse(date, &day)) ||
	    sscanf(start + 11, "%2d:%2d", &hh, &mm) != 2 || hh > 23 || mm > 59 || hh < 0 || mm < 0)
		return yc_err_set(&r->err, YC_EINVAL, "start",
				  "start must be a local time YYYY-MM-DDTHH:MM");
	int64_t hours, out;
	int rc = http_query_int(r, "hours", 0, 24 * 3660, 0, &hours);
	if (!rc && !http_query(r, "hours"))
		rc = yc_err_set(&r->err, YC_EINVAL, "hours", "hours is required");
	if (!rc)
		rc = calendar_add_workminutes(r->app->cal, (int64_t)day * 1440 + hh * 60 + mm,
					      hours * 60, &out, &r->err);
	if (rc)
		return rc;
	char res[DAY_TEXT], body[ANSWER_MAX];
	int32_t od = (int32_t)(out / 1440);
	int om = (int)(out % 1440);
	yc_date_format(od, res, sizeof(res));
	snprintf(body, sizeof(body),
		 "{\"start\":\"%s\",\"hours\":%lld,\"result\":\"%sT%02d:%02d\"}", start,
		 (long long)hours, res, om / 60, om % 60);
	http_reply_str(r, 200, body);
	return 0;
}
