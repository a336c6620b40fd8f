/*
 * internal.h — what the files of core/hall/ share: the hall's clock and lock,
 * and the functions one file offers the others. Not for other modules: they
 * go through hall.h.
 */
#ifndef YC_HALL_INTERNAL_H
#define YC_HALL_INTERNAL_H

#include "core/common/lifecycle.h"
#include "core/hall/hall.h"

/* rule.c: the hall's clock (local minutes and days) and its lock. */
int64_t hall_now_of(const struct hall_ctx *c);
int64_t hall_local_min(const struct hall_ctx *c, int64_t ms);
int32_t hall_today(const struct hall_ctx *c);
int64_t hall_ms_of(const struct hall_ctx *c, int32_t day, int minute);
int hall_lock(db *d, yc_err *err);

/* layout.c: a window's lifecycle (its table and diagram are in layout.c). */
enum window_state { WS_CLOSED, WS_OPEN, WS_PAUSED, WS_N };
enum window_action { WA_SIGN_IN, WA_SIGN_OUT, WA_PAUSE, WA_RESUME, WA_N };
extern const struct lc_table hall_window_lifecycle;

/* layout.c: a window as stored, whether its categories serve one, and the hall's events. */
struct window_row {
	int no, floor;
	char zone[16];
	char categories[256];
	char state[16];
	char staff[40];
	char allowed[2048];
	int64_t version;
};
int hall_window_load(db *d, int no, struct window_row *w, yc_err *err);
bool hall_serves(const char *cats, const char *category);
int hall_event(db *d, const struct hall_ctx *c, const yc_user *u, const char *action, int floor,
	       const char *zone, int window, const char *ticket, const char *number,
	       const char *category, yc_err *err);

/* ticket.c: a ticket's lifecycle (its table and diagram are in ticket.c). */
enum ticket_state { TS_WAITING, TS_CALLED, TS_SERVING, TS_DONE, TS_MISSED, TS_EXPIRED, TS_N };
enum ticket_action {
	TA_CALL,
	TA_RECALL,
	TA_NO_SHOW,
	TA_REQUEUE,
	TA_START,
	TA_FINISH,
	TA_TRANSFER,
	TA_EXPIRE,
	TA_N
};
extern const struct lc_table hall_ticket_lifecycle;

/* ticket.c: a ticket issued (the kiosk, a window, an appointment's check-in). */
int hall_issue(db *d, const struct hall_ctx *c, const yc_user *u, const char *category,
	       const char *channel, const char *priority, const char *reason, const char *holder,
	       const char *appointment, int64_t slot_ms, yc_buf *out, yc_err *err);

/* appointment.c: an appointment's lifecycle (its table and diagram are in appointment.c). */
enum appointment_state { AS_BOOKED, AS_CHECKED_IN, AS_CANCELLED, AS_MISSED, AS_N };
enum appointment_action { AA_CHECK_IN, AA_CANCEL, AA_MISS, AA_N };
extern const struct lc_table hall_appointment_lifecycle;

/* appointment.c: "HH:MM" as minutes of the day. */
int hall_parse_hhmm(const char *s, int *min);

#endif
