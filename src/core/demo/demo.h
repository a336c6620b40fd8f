/*
 * demo.h — the demo district: the catalog in data/demo/district.json
 * (compiled in) and the demo accounts, all with the password yichuang-demo
 * (demo.c); and its recent past (history.c): months of cases, hall tickets
 * and appointments, written through the same core functions a request uses,
 * each at the moment it happened, so that every screen shows real figures.
 */
#ifndef YC_DEMO_H
#define YC_DEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/calendar/calendar.h"
#include "core/case/case.h"
#include "core/hall/hall.h"
#include "core/review/review.h"
#include "db/db.h"

struct watch_ctx;

#define DEMO_PASSWORD "yichuang-demo"

/* Installs the demo catalog and accounts (call inside a transaction). */
int demo_install(db *d, yc_err *err);

enum demo_span {
	DEMO_HISTORY_NONE,   /* today's bare district */
	DEMO_HISTORY_RECENT, /* the last 60 working days (the default of init --demo) */
	DEMO_HISTORY_YEAR,   /* the last whole calendar year: its year report */
};
/* "none", "recent" or "year"; -1 when unknown. */
int demo_span_parse(const char *s);

struct demo_history {
	enum demo_span span;
	uint64_t seed;	/* the same seed (and end) gives the same history */
	int64_t end_ms; /* when the history ends: now (0: the clock) */
	/* set by demo_history_plan */
	int32_t first_day; /* the first day (local day number) */
	bool ends_early;   /* end_ms was moved back to the end of the last loaded calendar year */
	/* what was written, for the command's report */
	int64_t cases, actions, tickets, appointments, days;
	int64_t runs; /* composite processes filed (一件事), their parts not among cases */
	int64_t held; /* actions that wait for a calendar year not loaded yet */
	int64_t reviews, callbacks, visits; /* 好差评: reviews given, callbacks made, visits and rounds */
	const struct watch_ctx *watch;	    /* 效能监察's rules (NULL: no watch in the past) */
};

/*
 * Plans the history: its end (end_ms, now when 0; moved back to the end of
 * the last calendar year loaded when the end is in a year that is not) and
 * its first day (60 working days back, the last day counting when it is a
 * working day; for a year, 1 January of the last calendar year to have ended,
 * the end moved to the midnight after its 31 December). Call it before demo_install: the district is set up the
 * day before its past begins.
 */
int demo_history_plan(calendar *cal, int tz_offset_min, struct demo_history *o, yc_err *err);
/*
 * Writes the district's recent past, as planned, into a database that
 * demo_install filled (committed), one transaction per day. c and h are the settings the
 * server runs with; their clocks are set to each moment in turn, and so is
 * the process's (yc_clock_set): call before any other thread starts.
 */
struct insp_ctx;
struct fin_ctx;
struct proc_ctx;
struct court_ctx;
struct cert_ctx;
int demo_history_write(db *d, struct case_ctx *c, struct hall_ctx *h, struct review_ctx *r,
		       struct insp_ctx *i, struct fin_ctx *f, struct proc_ctx *p,
		       struct court_ctx *k, struct cert_ctx *certs, struct demo_history *o,
		       yc_err *err);

/*
 * A province's years behind the district (scale.c, for make bench-scale):
 * o->cases closed cases with their events, o->per_day on each working day
 * before the store's first case, copied from its closed cases (the demo's,
 * written through the core) and moved in time. One transaction a day;
 * progress, when set, is told after each. Count the kept figures again
 * afterwards (case_figures_rebuild).
 */
struct demo_scale {
	int64_t cases, per_day;
	int64_t written; /* so far */
	void (*progress)(const struct demo_scale *o, const char *day);
};
int demo_scale_history(db *d, const char *region, int tz_offset_min, struct demo_scale *o,
		       yc_err *err);

#endif
