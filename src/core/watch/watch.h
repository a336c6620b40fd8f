/*
 * watch.h — 效能监察: what a supervisor wants to know at once, before the deadline lights
 * turn red.
 *
 * Six rules, each a setting's threshold, run over the live data every case-job-interval
 * (and on a supervisor's request): a case idle in its step for more than a share of its
 * limit while its light is still green; a clerk whose service times today are far above
 * the hall's; a category whose queue is long while windows that serve it are closed or
 * paused; tickets waiting past the target; a department whose satisfaction fell from last
 * month; a member of staff who refuses, sends back or denies far more than the hall does.
 * Each finding is an alert with its evidence (one open alert per rule and subject, its
 * evidence kept fresh, marked cleared when the condition passes); the supervisor
 * acknowledges it and closes it with a note. The alerts go to the board live (topic
 * "watch") and are counted in its figures. See src/core/watch/README.md and docs/watch.md.
 */
#ifndef YC_WATCH_H
#define YC_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/common/account.h"
#include "core/common/lifecycle.h"
#include "db/db.h"
#include "lib/buf.h"
#include "lib/errors.h"

struct watch_ctx {
	int idle_percent;	/* a green case idle this share of its limit */
	int service_percent;	/* a clerk's mean service time against the hall's median */
	int service_min;	/* tickets a clerk has served today before the rule speaks */
	int queue;		/* waiting tickets at which closed or paused windows matter */
	int wait_minutes;	/* a ticket waiting longer than this */
	int rating_drop;	/* percentage points of satisfaction lost since last month */
	int rating_min;		/* reviews in each month before the rule speaks */
	int refusal_percent;	/* a member of staff's share of refusals and send-backs */
	int refusal_min;	/* decisions in 30 days before the rule speaks */
	int tz_offset_min;
	int64_t now_ms; /* 0: the clock */
};

enum { WATCH_ID_LEN = 16, WATCH_NOTE_MAX = 2000 };

extern const struct lc_table watch_lifecycle;

/* Runs the rules now: new alerts raised, open ones refreshed or marked cleared. *raised:
 * how many are new. In a write transaction. */
int watch_run(db *d, const struct watch_ctx *c, int64_t *raised, yc_err *err);

/* The alerts (state "" = open and acknowledged; "all"; or one state), newest first, with
 * the figures: {"figures":{open,acked,closed,cleared,by_rule:{…}},"alerts":[…]}. */
int watch_alerts_json(db *d, const yc_user *u, const char *state, int limit, yc_buf *out,
		      yc_err *err);
/* ack or close ({"note"}: required to close); supervisors and the admin. */
int watch_act_check(const char *action, const cJSON *body, yc_err *err);
int watch_act(db *d, const struct watch_ctx *c, const yc_user *u, const char *id,
	      const char *action, const cJSON *body, yc_buf *out, yc_err *err);

#endif
