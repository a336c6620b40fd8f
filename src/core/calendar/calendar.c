/*
 * calendar.c — working days, working hours, and loading the yearly notices
 * (see calendar.h for the rules).
 *
 * Memory: years[] holds each loaded notice with its listed days; lookups
 * search the listed days of every loaded notice, because a notice may list
 * the last days of the previous December (the 2023 notice lists 2022-12-31).
 */
#include "calendar.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/outbox.h"
#include "lib/embed.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

extern const struct yc_embedded yc_calendar_files[];
extern const size_t yc_calendar_files_count;

enum { CAL_MAX_YEARS = 64, CAL_MAX_SPANS = 8, CAL_MAX_DAYS_PER_YEAR = 120 };

struct cal_span {
	int start, end; /* minute of day, [start, end) */
};

struct calendar {
	pthread_rwlock_t lock;
	struct cal_year years[CAL_MAX_YEARS];
	int nyears;
	struct cal_span spans[CAL_MAX_SPANS];
	int nspans;
};

calendar *calendar_new(void)
{
	calendar *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	pthread_rwlock_init(&c->lock, NULL);
	calendar_set_hours(c, "09:00-12:00,13:00-17:00", NULL);
	return c;
}

void calendar_free(calendar *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->nyears; i++)
		free(c->years[i].days);
	pthread_rwlock_destroy(&c->lock);
	free(c);
}

static int cal_year_of(int32_t day)
{
	int y;
	unsigned m, d;
	yc_civil_from_days(day, &y, &m, &d);
	return y;
}

int calendar_parse_year(const cJSON *json, int expect_year, struct cal_year *out, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"year", YC_JT_INT, true, 0},
		{"source", YC_JT_STRING, true, 255},
		{"paper", YC_JT_STRING, false, 512},
		{"days", YC_JT_ARRAY, true, CAL_MAX_DAYS_PER_YEAR},
	};
	static const yc_jfield day_spec[] = {
		{"date", YC_JT_STRING, true, 10},
		{"kind", YC_JT_STRING, true, 4},
		{"name", YC_JT_STRING, true, 47},
	};
	memset(out, 0, sizeof(*out));
	int rc = yc_json_check(json, spec, sizeof(spec) / sizeof(spec[0]), err);
	if (rc)
		return rc;
	int64_t year = yc_json_int(json, "year", 0);
	if (year < 1950 || year > 2200)
		return yc_err_set(err, YC_EINVAL, "year", "year must be from 1950 to 2200");
	if (expect_year && year != expect_year)
		return yc_err_set(err, YC_EINVAL, "year", "the body is for %lld, the path for %d",
				  (long long)year, expect_year);
	const cJSON *days = cJSON_GetObjectItemCaseSensitive(json, "days");
	int n = cJSON_GetArraySize(days);
	out->year = (int)year;
	snprintf(out->source, sizeof(out->source), "%s", yc_json_str(json, "source"));
	out->days = calloc((size_t)(n ? n : 1), sizeof(*out->days));
	if (!out->days)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	int i = 0;
	const cJSON *d;
	cJSON_ArrayForEach (d, days) {
		char field[64];
		snprintf(field, sizeof(field), "days[%d]", i);
		if ((rc = yc_json_check(d, day_spec, 3, err))) {
			yc_err_prefix(rc, err, "%s", field);
			goto fail;
		}
		struct cal_day *cd = &out->days[i];
		const char *kind = yc_json_str(d, "kind");
		if (yc_date_parse(yc_json_str(d, "date"), &cd->day)) {
			rc = yc_err_set(err, YC_EINVAL, field, "%s.date is not a date (YYYY-MM-DD)",
					field);
			goto fail;
		}
		int dy = cal_year_of(cd->day);
		int32_t dec1 = yc_days_from_civil((int)year - 1, 12, 1);
		if (dy != year && !(dy == year - 1 && cd->day >= dec1)) {
			rc = yc_err_set(err, YC_EINVAL, field,
					"%s.date is outside %lld (only the previous December may "
					"be listed)",
					field, (long long)year);
			goto fail;
		}
		if (!strcmp(kind, "off"))
			cd->kind = CAL_OFF;
		else if (!strcmp(kind, "work"))
			cd->kind = CAL_WORK;
		else {
			rc = yc_err_set(err, YC_EINVAL, field,
					"%s.kind must be \"off\" or \"work\"", field);
			goto fail;
		}
		snprintf(cd->name, sizeof(cd->name), "%s", yc_json_str(d, "name"));
		for (int k = 0; k < i; k++)
			if (out->days[k].day == cd->day) {
				rc = yc_err_set(err, YC_EINVAL, field, "%s.date is listed twice",
						field);
				goto fail;
			}
		i++;
	}
	out->ndays = i;
	return 0;
fail:
	free(out->days);
	out->days = NULL;
	return rc;
}

int calendar_set_year(calendar *c, const struct cal_year *y, yc_err *err)
{
	struct cal_day *copy = malloc(sizeof(*copy) * (size_t)(y->ndays ? y->ndays : 1));
	if (!copy)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	memcpy(copy, y->days, sizeof(*copy) * (size_t)y->ndays);
	pthread_rwlock_wrlock(&c->lock);
	int slot = -1;
	for (int i = 0; i < c->nyears; i++)
		if (c->years[i].year == y->year)
			slot = i;
	if (slot < 0) {
		if (c->nyears == CAL_MAX_YEARS) {
			pthread_rwlock_unlock(&c->lock);
			free(copy);
			return yc_err_set(err, YC_EINVAL, "year", "too many calendar years loaded");
		}
		/* keep years sorted */
		slot = c->nyears;
		while (slot > 0 && c->years[slot - 1].year > y->year) {
			c->years[slot] = c->years[slot - 1];
			slot--;
		}
		c->nyears++;
	} else {
		free(c->years[slot].days);
	}
	c->years[slot] = *y;
	c->years[slot].days = copy;
	pthread_rwlock_unlock(&c->lock);
	return 0;
}

int calendar_load_builtin(calendar *c, yc_err *err)
{
	for (size_t i = 0; i < yc_calendar_files_count; i++) {
		const char *text = yc_calendar_files[i].text;
		cJSON *j = NULL;
		struct cal_year y;
		int rc = yc_json_parse(text, strlen(text), &j, err);
		if (!rc)
			rc = calendar_parse_year(j, 0, &y, err);
		cJSON_Delete(j);
		if (!rc)
			rc = calendar_set_year(c, &y, err);
		free(y.days);
		if (rc)
			return rc;
	}
	return 0;
}

int calendar_load_db(calendar *c, db *d, yc_err *err)
{
	db_stmt *ys = db_prepare(d, "SELECT year, source FROM calendar_years ORDER BY year", err);
	if (!ys)
		return err->code;
	int rc;
	struct cal_year *loaded = NULL;
	int n = 0;
	while ((rc = db_step(ys, err)) == DB_ROW) {
		struct cal_year *grown = realloc(loaded, sizeof(*loaded) * (size_t)(n + 1));
		if (!grown) {
			rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
			break;
		}
		loaded = grown;
		memset(&loaded[n], 0, sizeof(loaded[n]));
		loaded[n].year = (int)db_col_int(ys, 0);
		snprintf(loaded[n].source, sizeof(loaded[n].source), "%s", db_col_text(ys, 1));
		n++;
	}
	db_done(ys);
	for (int i = 0; rc >= 0 && i < n; i++) {
		db_stmt *ds = db_prepare(
			d, "SELECT day, kind, name FROM calendar_days WHERE year = ? ORDER BY day",
			err);
		if (!ds) {
			rc = err->code;
			break;
		}
		db_bind_int(ds, 1, loaded[i].year);
		loaded[i].days = calloc(CAL_MAX_DAYS_PER_YEAR, sizeof(struct cal_day));
		while (loaded[i].days && loaded[i].ndays < CAL_MAX_DAYS_PER_YEAR &&
		       (rc = db_step(ds, err)) == DB_ROW) {
			struct cal_day *cd = &loaded[i].days[loaded[i].ndays++];
			yc_date_parse(db_col_text(ds, 0), &cd->day);
			cd->kind = !strcmp(db_col_text(ds, 1), "work") ? CAL_WORK : CAL_OFF;
			snprintf(cd->name, sizeof(cd->name), "%s", db_col_text(ds, 2));
		}
		db_done(ds);
		if (rc >= 0)
			rc = calendar_set_year(c, &loaded[i], err);
	}
	for (int i = 0; i < n; i++)
		free(loaded[i].days);
	free(loaded);
	return rc < 0 ? rc : 0;
}

int calendar_store_year(db *d, const yc_actor *actor, const struct cal_year *y, yc_err *err)
{
	int rc = db_run(d, err, "DELETE FROM calendar_days WHERE year = ?", "i", (int64_t)y->year);
	if (!rc)
		rc = db_run(d, err, "DELETE FROM calendar_years WHERE year = ?", "i",
			    (int64_t)y->year);
	if (!rc)
		rc = db_run(d, err,
			    "INSERT INTO calendar_years (year, source, loaded_ms) VALUES (?, ?, ?)",
			    "isi", (int64_t)y->year, y->source, yc_now_ms());
	for (int i = 0; !rc && i < y->ndays; i++) {
		char date[16];
		yc_date_format(y->days[i].day, date, sizeof(date));
		rc = db_run(d, err,
			    "INSERT INTO calendar_days (day, year, kind, name) VALUES (?, ?, ?, ?)",
			    "siss", date, (int64_t)y->year,
			    y->days[i].kind == CAL_WORK ? "work" : "off", y->days[i].name);
	}
	if (rc)
		return rc;
	char object[32], after[320];
	snprintf(object, sizeof(object), "calendar/%d", y->year);
	yc_buf b;
	yc_buf_init(&b, sizeof(after));
	yc_buf_addf(&b, "{\"days\":%d,\"source\":", y->ndays);
	yc_json_add_str(&b, y->source);
	yc_buf_addc(&b, '}');
	rc = audit_append(d, actor, "calendar.load", object, NULL, NULL, b.data, err);
	if (!rc) {
		char payload[32];
		snprintf(payload, sizeof(payload), "{\"year\":%d}", y->year);
		rc = outbox_append(d, "calendar", "calendar.load", object, payload, err);
	}
	yc_buf_release(&b);
	return rc;
}

/* Caller holds the lock. */
static int cal_is_workday_locked(calendar *c, int32_t day, bool *out, yc_err *err)
{
	int year = cal_year_of(day);
	bool loaded = false;
	for (int i = 0; i < c->nyears; i++) {
		if (c->years[i].year == year)
			loaded = true;
		for (int k = 0; k < c->years[i].ndays; k++)
			if (c->years[i].days[k].day == day) {
				*out = c->years[i].days[k].kind == CAL_WORK;
				return 0;
			}
	}
	if (!loaded) {
		char date[16];
		yc_date_format(day, date, sizeof(date));
		return yc_err_set(err, YC_ENOTLOADED, "date",
				  "the calendar for %d is not loaded (needed for %s)", year, date);
	}
	*out = yc_weekday(day) <= 5;
	return 0;
}

int calendar_is_workday(calendar *c, int32_t day, bool *out, yc_err *err)
{
	pthread_rwlock_rdlock(&c->lock);
	int rc = cal_is_workday_locked(c, day, out, err);
	pthread_rwlock_unlock(&c->lock);
	return rc;
}

int calendar_add_workdays(calendar *c, int32_t from, int n, int32_t *out, yc_err *err)
{
	if (n < 0 || n > 3660)
		return yc_err_set(err, YC_EINVAL, "n", "n must be from 0 to 3660");
	int rc = 0;
	int32_t d = from;
	pthread_rwlock_rdlock(&c->lock);
	while (n > 0) {
		bool work;
		d++;
		if ((rc = cal_is_workday_locked(c, d, &work, err)))
			break;
		if (work)
			n--;
	}
	pthread_rwlock_unlock(&c->lock);
	if (!rc)
		*out = d;
	return rc;
}

int calendar_workdays_between(calendar *c, int32_t from, int32_t to, int *out, yc_err *err)
{
	int sign = 1, count = 0, rc = 0;
	if (to < from) {
		int32_t t = from;
		from = to, to = t, sign = -1;
	}
	pthread_rwlock_rdlock(&c->lock);
	for (int32_t d = from + 1; d <= to; d++) {
		bool work;
		if ((rc = cal_is_workday_locked(c, d, &work, err)))
			break;
		count += work;
	}
	pthread_rwlock_unlock(&c->lock);
	*out = sign * count;
	return rc;
}

static int cal_parse_hhmm(const char *s, int *min)
{
	if (s[0] < '0' || s[0] > '2' || s[1] < '0' || s[1] > '9' || s[2] != ':' || s[3] < '0' ||
	    s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || (h == 24 && m))
		return -1;
	*min = h * 60 + m;
	return 0;
}

int calendar_set_hours(calendar *c, const char *spec, yc_err *err)
{
	struct cal_span spans[CAL_MAX_SPANS];
	int n = 0;
	const char *p = spec;
	while (*p) {
		if (n == CAL_MAX_SPANS || strlen(p) < 11 || p[5] != '-' ||
		    cal_parse_hhmm(p, &spans[n].start) || cal_parse_hhmm(p + 6, &spans[n].end) ||
		    spans[n].end <= spans[n].start || (n && spans[n].start < spans[n - 1].end) ||
		    (p[11] != ',' && p[11] != '\0'))
			return yc_err_set(err, YC_EINVAL, "work-hours",
					  "working hours must look like 09:00-12:00,13:00-17:00");
		p += p[11] == ',' ? 12 : 11;
		n++;
	}
	if (!n)
		return yc_err_set(err, YC_EINVAL, "work-hours", "working hours are empty");
	pthread_rwlock_wrlock(&c->lock);
	memcpy(c->spans, spans, sizeof(spans[0]) * (size_t)n);
	c->nspans = n;
	pthread_rwlock_unlock(&c->lock);
	return 0;
}

int calendar_hours_per_day_min(calendar *c)
{
	pthread_rwlock_rdlock(&c->lock);
	int total = 0;
	for (int i = 0; i < c->nspans; i++)
		total += c->spans[i].end - c->spans[i].start;
	pthread_rwlock_unlock(&c->lock);
	return total;
}

int calendar_add_workminutes(calendar *c, int64_t start, int64_t minutes, int64_t *out, yc_err *err)
{
	if (minutes < 0 || minutes > 60LL * 24 * 3660)
		return yc_err_set(err, YC_EINVAL, "minutes",
				  "a working-hour limit is out of range");
	int32_t day = (int32_t)(start >= 0 ? start / 1440 : (start - 1439) / 1440);
	int mod = (int)(start - (int64_t)day * 1440);
	int rc = 0;
	pthread_rwlock_rdlock(&c->lock);
	for (int guard = 0; guard < 4000; guard++) {
		bool work;
		if ((rc = cal_is_workday_locked(c, day, &work, err)))
			break;
		if (work) {
			for (int i = 0; i < c->nspans; i++) {
				int from = mod > c->spans[i].start ? mod : c->spans[i].start;
				if (from >= c->spans[i].end)
					continue;
				int avail = c->spans[i].end - from;
				if (minutes <= avail) {
					*out = (int64_t)day * 1440 + from + minutes;
					pthread_rwlock_unlock(&c->lock);
					return 0;
				}
				minutes -= avail;
			}
		}
		day++;
		mod = 0;
	}
	pthread_rwlock_unlock(&c->lock);
	return rc ? rc
		  : yc_err_set(err, YC_EINVAL, "minutes", "a working-hour limit is out of range");
}

int calendar_spans(calendar *c, int *starts, int *ends, int max)
{
	pthread_rwlock_rdlock(&c->lock);
	int n = 0;
	for (int i = 0; i < c->nspans && n < max; i++, n++) {
		starts[n] = c->spans[i].start;
		ends[n] = c->spans[i].end;
	}
	pthread_rwlock_unlock(&c->lock);
	return n;
}

int calendar_workminutes_between(calendar *c, int64_t from, int64_t to, int64_t *out, yc_err *err)
{
	*out = 0;
	if (to <= from)
		return 0;
	if (to - from > 60LL * 24 * 3660)
		return yc_err_set(err, YC_EINVAL, "minutes", "a working-hour span is out of range");
	int32_t day = (int32_t)(from >= 0 ? from / 1440 : (from - 1439) / 1440);
	int rc = 0;
	pthread_rwlock_rdlock(&c->lock);
	for (; (int64_t)day * 1440 < to; day++) {
		bool work;
		if ((rc = cal_is_workday_locked(c, day, &work, err)))
			break;
		if (!work)
			continue;
		for (int i = 0; i < c->nspans; i++) {
			int64_t lo = (int64_t)day * 1440 + c->spans[i].start;
			int64_t hi = (int64_t)day * 1440 + c->spans[i].end;
			if (lo < from)
				lo = from;
			if (hi > to)
				hi = to;
			if (hi > lo)
				*out += hi - lo;
		}
	}
	pthread_rwlock_unlock(&c->lock);
	return rc;
}

int calendar_years(calendar *c, int *years, int max)
{
	pthread_rwlock_rdlock(&c->lock);
	int n = 0;
	for (int i = 0; i < c->nyears && n < max; i++)
		years[n++] = c->years[i].year;
	pthread_rwlock_unlock(&c->lock);
	return n;
}

int calendar_year_render(const struct cal_year *y, yc_buf *out)
{
	yc_buf_addf(out, "{\"year\":%d,\"source\":", y->year);
	yc_json_add_str(out, y->source);
	yc_buf_adds(out, ",\"days\":[");
	for (int k = 0; k < y->ndays; k++) {
		char date[16];
		yc_date_format(y->days[k].day, date, sizeof(date));
		yc_buf_addf(out, "%s{\"date\":\"%s\",\"kind\":\"%s\",\"name\":", k ? "," : "", date,
			    y->days[k].kind == CAL_WORK ? "work" : "off");
		yc_json_add_str(out, y->days[k].name);
		yc_buf_addc(out, '}');
	}
	return yc_buf_adds(out, "]}");
}

int calendar_year_json(calendar *c, int year, yc_buf *out)
{
	int rc = YC_ENOTFOUND;
	pthread_rwlock_rdlock(&c->lock);
	for (int i = 0; i < c->nyears; i++)
		if (c->years[i].year == year) {
			rc = calendar_year_render(&c->years[i], out);
			break;
		}
	pthread_rwlock_unlock(&c->lock);
	return rc;
}
