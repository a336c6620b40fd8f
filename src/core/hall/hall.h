/*
 * hall.h — the service hall: zones, business categories (ticket prefixes),
 * windows and their staff, paperless queue tickets, calling, and online
 * appointments.
 *
 * A ticket is numbered per category and day (A001…) and waits until a
 * window calls it. Which waiting ticket a window gets is one rule,
 * hall_pick: a normal ticket that has waited past the fairness bound first,
 * then the green channel, then appointments whose slot has begun, then
 * everyone by issue time. Calling claims the ticket with a conditional
 * UPDATE (state = 'waiting'), so however many windows call at once, each
 * ticket goes to exactly one. Every call, recall and change writes an
 * outbox event (topic "hall", object "hall/<floor>/<zone>/<window>") that
 * boards follow live. This module is the only writer of its tables.
 */
#ifndef YC_HALL_H
#define YC_HALL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/common/account.h"
#include "core/calendar/calendar.h"
#include "db/db.h"
#include "lib/buf.h"

/* The hall's settings and clock. */
struct hall_ctx {
	calendar *cal;
	int tz_offset_min;
	int64_t fairness_s;	 /* a normal ticket waiting this long goes before priority ones */
	int max_recalls;	 /* recalls after which a called ticket is marked missed */
	int checkin_before_min;	 /* check-in opens this long before the slot … */
	int checkin_after_min;	 /* … and closes this long after its start */
	int slot_minutes;	 /* appointment slots */
	int daily_limit;	 /* appointments per person per day */
	int penalty_misses;	 /* this many missed appointments … */
	int penalty_window_days; /* … within this many days … */
	int penalty_days;	 /* … bar booking for this many days */
	char call_text[128];	 /* "请 {number} 号到 {window} 号窗口办理" */
	int64_t now_ms;		 /* 0: the clock; tests set it */
	/*
	 * Asked at a sign-in, after the window's allowed list: whether u may staff its
	 * categories (a JSON array). The wiring sets it to core/training's train_may_staff
	 * (全能岗: the categories the clerk has passed); NULL: the allowed list alone.
	 */
	int (*may_staff)(db *d, void *arg, const yc_user *u, const char *categories, yc_err *err);
	void *may_staff_arg;
};

/* ---- the calling rule ---------------------------------------------------- */

enum hall_priority { PRIO_GREEN, PRIO_APPOINTMENT, PRIO_NORMAL };

struct hall_candidate {
	int priority;	   /* enum hall_priority */
	int64_t issued_ms; /* kept through transfers and requeues */
	int64_t slot_ms;   /* appointments: the slot's start (0 otherwise) */
};
/*
 * The index of the ticket a window calls next among n waiting candidates,
 * or -1 when n is 0: (1) the longest-waiting normal ticket (or appointment
 * whose slot has not begun) that has waited at least fairness_ms; else (2)
 * the oldest green-channel ticket; else (3) the oldest appointment whose
 * slot has begun; else (4) the oldest of the rest. Ties go to the lower index.
 */
int hall_pick(const struct hall_candidate *c, int n, int64_t now_ms, int64_t fairness_ms);

/* ---- slots, penalties, estimates (pure; unit-tested) ---------------------- */

/*
 * Appointment slots of a day: slot_minutes-long slots inside the opening hours
 * (spans in minutes of the day), none on a day that is not a working day.
 * Fills starts (minutes of the day) up to max; returns how many, or < 0.
 */
int hall_day_slots(calendar *cal, int32_t day, int slot_minutes, int *starts, int max, yc_err *err);
/* Whether misses within the window bar booking now: the bar runs penalty_days from the last miss.
 */
bool hall_barred(const struct hall_ctx *c, const int64_t *miss_ms, int nmiss, int64_t now_ms,
		 int64_t *until_ms);
/* Seconds until a ticket with `ahead` tickets before it is called, at avg_service_s per ticket. */
int64_t hall_estimate_s(int ahead, int open_windows, int64_t avg_service_s);

/* ---- the hall --------------------------------------------------------------- */

/* Whether the hall takes people now, by the calendar and the opening hours. */
struct hall_opening {
	bool workday;	       /* today is a working day */
	bool open;	       /* a working day, from the first opening to the last closing */
	int64_t opens_at_ms;   /* closed: when it next opens (0: open) */
	int64_t resumes_at_ms; /* open, in a break between spans: when calling resumes (else 0) */
};
/* YC_ENOTLOADED when the next working day is in a year whose calendar is not loaded. */
int hall_opening(const struct hall_ctx *c, struct hall_opening *o, yc_err *err);

/* Loads zones, categories and windows ({"zones","categories","windows"}); replaces none in use. */
int hall_import(db *d, const cJSON *hall, yc_err *err);
/*
 * Appends {"zones","categories","windows","hours","open","opens_at","resumes_at"}: each
 * window's state and current call, and the hall's opening (hall_opening; both times null
 * when they do not apply or the calendar does not know them).
 */
int hall_json(db *d, const struct hall_ctx *c, yc_buf *out, yc_err *err);

/* sign_in, sign_out, pause, resume: a clerk allowed at that window. */
int hall_window_act(db *d, const struct hall_ctx *c, const yc_user *u, int no, const char *action,
		    yc_buf *out, yc_err *err);

/* ---- tickets ---------------------------------------------------------------- */

/*
 * Issues a ticket: {"category","channel","priority"?,"reason"?,"phone"?}.
 * Anyone may (kiosk); a person holds one waiting ticket per category (by
 * account, or by the phone given). Only hall staff (clerk, supervisor) grant
 * the green channel. out gets the ticket with its "key".
 */
int hall_ticket_issue(db *d, const struct hall_ctx *c, const yc_user *u, const cJSON *body,
		      yc_buf *out, yc_err *err);
/* A ticket with its position and estimate; key (the e-ticket's) or staff or the holder. */
int hall_ticket_json(db *d, const struct hall_ctx *c, const yc_user *u, const char *id,
		     const char *key, yc_buf *out, yc_err *err);
/* Calls the next ticket to window no; YC_ENOTFOUND-free: *none is set when nobody waits. */
int hall_call_next(db *d, const struct hall_ctx *c, const yc_user *u, int no, bool *none,
		   yc_buf *out, yc_err *err);
/* recall, no_show, requeue, transfer, start, finish. */
int hall_ticket_act(db *d, const struct hall_ctx *c, const yc_user *u, const char *id,
		    const char *action, const cJSON *body, yc_buf *out, yc_err *err);

/* ---- appointments ---------------------------------------------------------- */

int hall_slots_json(db *d, const struct hall_ctx *c, const char *category, const char *date,
		    yc_buf *out, yc_err *err);
/* {"category","date","slot"}: the applicant books. */
int hall_appointment_book(db *d, const struct hall_ctx *c, const yc_user *u, const cJSON *body,
			  yc_buf *out, yc_err *err);
/* cancel (the owner), check_in (the owner, or anyone with the code at a kiosk): a ticket. */
int hall_appointment_act(db *d, const struct hall_ctx *c, const yc_user *u, const char *id,
			 const char *action, const cJSON *body, yc_buf *out, yc_err *err);
int hall_appointments_mine(db *d, const struct hall_ctx *c, const yc_user *u, yc_buf *out,
			   yc_err *err);

/* ---- figures and jobs ------------------------------------------------------ */

struct hall_stats_query {
	const char *from, *to; /* YYYY-MM-DD, inclusive */
	const char *by;	       /* day, hour, category, window, staff */
	bool csv;
};
int hall_stats(db *d, const struct hall_ctx *c, const struct hall_stats_query *q, yc_buf *out,
	       yc_err *err);

/* Tickets left waiting or called at closing time (or from earlier days) expire. */
int hall_expire_tickets(db *d, const struct hall_ctx *c, int64_t *count, yc_err *err);
/* Booked appointments past their check-in window are missed; tomorrow's get a reminder. */
int hall_sweep_appointments(db *d, const struct hall_ctx *c, int64_t *count, yc_err *err);

#endif
