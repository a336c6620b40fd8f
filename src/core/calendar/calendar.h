/*
 * calendar.h — legal working days and working hours.
 *
 * A date is a working day if the loaded State Council notice lists it as a
 * make-up working day ("work"), or if it is Monday–Friday and not listed as a
 * day off ("off"). "N working days from acceptance" ends on the N-th working
 * day after the day of acceptance. A date in a year whose notice is not
 * loaded is an error (YC_ENOTLOADED naming the year), never a guess.
 *
 * One calendar is shared by every thread: lookups take a read lock, loading a
 * year takes the write lock. The calendar holds data only; persisting a year
 * is calendar_store_year's job (inside a write transaction).
 */
#ifndef YC_CALENDAR_H
#define YC_CALENDAR_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/common/audit.h"
#include "db/db.h"
#include "lib/buf.h"

typedef struct calendar calendar;

enum { CAL_OFF = 1, CAL_WORK = 2 };

struct cal_day {
	int32_t day; /* days since 1970-01-01 */
	int kind;    /* CAL_OFF or CAL_WORK */
	char name[48];
};

/* One year's notice, as parsed from the project's calendar format. Caller frees days. */
struct cal_year {
	int year;
	char source[256];
	struct cal_day *days;
	int ndays;
};

calendar *calendar_new(void);
void calendar_free(calendar *c);

/* The calendar files shipped inside the binary (data/calendar/YYYY.json). */
int calendar_load_builtin(calendar *c, yc_err *err);
/* Every year stored in the database. */
int calendar_load_db(calendar *c, db *d, yc_err *err);

/*
 * Parses one year in the project's format (docs/calendar.md):
 * {"year":2026,"source":"…","days":[{"date":"2026-01-01","kind":"off","name":"元旦"},…]}
 * expect_year (0 = any) must match "year". out->days is the caller's (free()).
 */
int calendar_parse_year(const cJSON *json, int expect_year, struct cal_year *out, yc_err *err);
/* Replaces (or adds) a year in memory. Copies y. */
int calendar_set_year(calendar *c, const struct cal_year *y, yc_err *err);
/* Writes a year to the store with its audit event (call inside a transaction). */
int calendar_store_year(db *d, const yc_actor *actor, const struct cal_year *y, yc_err *err);

int calendar_is_workday(calendar *c, int32_t day, bool *out, yc_err *err);
/* The date n working days after from (from itself not counted; n = 0 gives from). */
int calendar_add_workdays(calendar *c, int32_t from, int n, int32_t *out, yc_err *err);
/* Working days in (from, to]; negative when to < from. */
int calendar_workdays_between(calendar *c, int32_t from, int32_t to, int *out, yc_err *err);

/*
 * Working hours. Times here are local minutes since 1970-01-01 00:00 local.
 * spec is "HH:MM-HH:MM[,HH:MM-HH:MM…]", ascending and not overlapping.
 */
int calendar_set_hours(calendar *c, const char *spec, yc_err *err);
int calendar_hours_per_day_min(calendar *c);
/* The moment that is `minutes` working minutes after start (counting only opening hours of working
 * days). */
int calendar_add_workminutes(calendar *c, int64_t start, int64_t minutes, int64_t *out,
			     yc_err *err);

/* The opening hours as minutes of the day: [starts[i], ends[i]); returns how many (≤ max). */
int calendar_spans(calendar *c, int *starts, int *ends, int max);
/* Working minutes in [from, to) (local minutes); 0 when to <= from. */
int calendar_workminutes_between(calendar *c, int64_t from, int64_t to, int64_t *out, yc_err *err);
/* Loaded years in ascending order into years[0..max); returns how many. */
int calendar_years(calendar *c, int *years, int max);
/* Appends {"year","source","days":[…]} for y. */
int calendar_year_render(const struct cal_year *y, yc_buf *out);
/* Appends {"year","source","days":[…]} for one loaded year; YC_ENOTFOUND when not loaded. */
int calendar_year_json(calendar *c, int year, yc_buf *out);

#endif
