/*
 * case.h — the case (办件): one application for one service item, from
 * submission through acceptance, review, decision and delivery to closing.
 *
 * The lifecycle is one state table (core/case/lifecycle.c): state, action, roles, next
 * state, and what the deadline clock does. Only this module changes a
 * case's state; every change checks role and scope, moves the case with a
 * version check (two people acting at once: one wins, the other gets
 * YC_ECONFLICT naming the current state), appends a timeline event, an
 * audit event, an outbox event ("case") and the notifications it owes.
 *
 * The promised limit counts from acceptance in working days or working
 * hours on the shared calendar; time spent suspended (special procedures)
 * or returned to the applicant is added back. Personal data (the
 * applicant's ID number, phone, address) leaves this module masked.
 */
#ifndef YC_CASE_H
#define YC_CASE_H

#include "core/common/lifecycle.h"
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/common/account.h"
#include "core/calendar/calendar.h"
#include "db/db.h"
#include "lib/buf.h"

enum case_state {
	CS_SUBMITTED,
	CS_CORRECTION,
	CS_ACCEPTED,
	CS_RETURNED,
	CS_SUSPENDED,
	CS_APPROVED,
	CS_DENIED,
	CS_REFUSED,
	CS_WITHDRAWN,
	CS_LAPSED,
	CS_DELIVERED,
	CS_CLOSED,
	CS_NSTATES
};

enum case_action {
	CA_ACCEPT,
	CA_ACCEPT_DEFICIENT,
	CA_REQUEST_CORRECTION,
	CA_REFUSE,
	CA_SUPPLEMENT,
	CA_WITHDRAW,
	CA_ASSIGN,
	CA_CLAIM,
	CA_APPROVE,
	CA_RETURN,
	CA_DENY,
	CA_SUSPEND,
	CA_RESUME,
	CA_CHOOSE_DELIVERY,
	CA_DELIVER,
	CA_CLOSE,
	CA_LAPSE,
	CA_NACTIONS
};

/*
 * What a transition does to the deadline clock (clock.c's case_clock_apply).
 * Each state has a clock (case_state_clock: idle before acceptance, running,
 * stopped, decided, off), and a row's effect is the move between its from's
 * clock and its outcome's: case_act asserts that the two agree.
 */
enum case_clock {
	CLOCK_NONE,	    /* idle or ended before and after: nothing changes */
	CLOCK_RUNS,	    /* running before and after: nothing changes */
	CLOCK_START,	    /* acceptance: the limit starts counting */
	CLOCK_START_DECIDE, /* acceptance that decides at once (instant, commitment): starts and ends */
	CLOCK_STOP,	    /* suspended or returned: stops; the time is added back on resume */
	CLOCK_RESUME,	    /* runs again, the deadline moved by the stopped time */
	CLOCK_DECIDE,	    /* decided: the clock ends at the decision */
	CLOCK_DROP,	    /* withdrawn after acceptance: the clock ends with no decision */
};

/* Where a state's clock stands. */
enum case_clock_mode { CM_IDLE, CM_RUNNING, CM_STOPPED, CM_DECIDED, CM_OFF };

/* Each state's clock, by state. */
extern const enum case_clock_mode case_state_clock[];
/* The effect a move from state `from` to state `to` has on the clock. */
enum case_clock case_clock_between(int from, int to);

/* The scheduler acting on its own (lapsing corrections); never a user's role. */
#define ROLE_SYSTEM (1 << 8)

/*
 * The lifecycle's rows {from, action, roles, to, alt, effect} (the shared
 * shape, core/common/lifecycle.h); effect and alt_effect are enum case_clock.
 */
extern const struct lc_row case_table[];
extern const int case_table_len;
extern const struct lc_table case_lifecycle;

/* The row for (state, action), or NULL when the action does not fit the state. */
const struct lc_row *case_transition_find(enum case_state s, enum case_action a);
const char *case_state_name(int s);
const char *case_action_name(int a);
/* -1 when unknown. */
int case_state_parse(const char *s);
int case_action_parse(const char *s);

struct case_ctx;
/*
 * Told in the action's transaction when a case that is a part of a composite
 * process may end (ended false: before the case's row is written, so that
 * the run's row is locked first, always in that order) and when it has left
 * the open states (ended true: decided, refused, withdrawn, lapsed). run is
 * the process run's number, part the part's index. The wiring sets it to
 * core/process's process_part_ended; core/case knows nothing more of processes.
 */
typedef int (*case_part_hook)(db *d, const struct case_ctx *c, const char *run, int part,
			      bool ended, yc_err *err);

/*
 * Told in the action's transaction when a service has been decided (kind
 * "case": a case that is no part of a run; "run": a composite process's run):
 * the wiring sets it to core/review's review_invite (the SMS that asks for a
 * rating); core/case and core/process know nothing more of reviews.
 */
typedef int (*case_end_hook)(db *d, void *arg, const char *kind, const char *no, yc_err *err);

/*
 * Asked while a submission's materials are checked, for a material given as
 * {"id", "certificate"} instead of an upload (免提交: the applicant consents
 * to the district's own certificate standing for the paper): whether the
 * certificate is good, held by the applicant (owner, an account; or owner_id,
 * the ID number a clerk filing for a walk-in gives) and of a type that
 * stands for the material named name. Fills entry with what the clerk sees.
 * The wiring sets it to core/certificate's cert_material_attach.
 */
typedef int (*case_cert_hook)(db *d, void *arg, int64_t owner, const char *owner_id,
			      const char *name, const char *certificate, cJSON *entry,
			      yc_err *err);

/*
 * Asked while a submission's form is checked (and a returned form corrected),
 * after the item's own field checks: the rules of the capability that runs the
 * item (core/finance's fin_form_rules: a bridge loan's amount, days and limit).
 * 0 when the item is none of its own; errors name form.<field>.
 */
typedef int (*case_form_hook)(db *d, void *arg, const char *item, const cJSON *form,
			      yc_err *err);

/* What every case operation needs besides the store. */
struct case_ctx {
	calendar *cal;
	int tz_offset_min;
	int warn_days;	     /* yellow within this many working days of the deadline */
	int correction_days; /* default working days to correct or supplement */
	char region[8];	     /* 6-digit region code, the case number's prefix */
	int64_t now_ms;	     /* 0: the clock; tests set it */
	case_part_hook part_ended; /* NULL: no composite processes */
	case_end_hook decided;	   /* NULL: nobody is told */
	void *decided_arg;
	/*
	 * Told in the action's transaction when a case (kind "case", part of a
	 * run or not) or a run ("run") is approved: the wiring sets it to
	 * core/certificate's cert_issue_approved (the licence it issues).
	 */
	case_end_hook approved; /* NULL: nothing is issued */
	void *approved_arg;
	case_cert_hook material_cert; /* NULL: every material is an upload */
	void *material_cert_arg;
	case_form_hook form_rules; /* NULL: the item's field checks only */
	void *form_rules_arg;
};

/* Whether a case in state s is still open (not decided, refused, withdrawn or lapsed). */
bool case_state_open(int s);

/* A limit counted from a moment on the calendar (case_deadline_after). */
struct case_deadline {
	int64_t deadline_min; /* local minutes: the limit ends */
	int64_t yellow_min;   /* the light turns yellow */
	char text[40];	      /* "2026-12-08" for days, "2026-12-04T11:30+08:00" for hours */
};
/*
 * value working days after the day of from_ms (or value working hours after
 * the moment), and the moment the light turns yellow (the context's
 * warn_days before, or the last quarter of an hour limit).
 */
int case_deadline_after(const struct case_ctx *c, int64_t from_ms, int value, bool hours,
			struct case_deadline *out, yc_err *err);
/* Local minutes of a moment (0: now), the unit of deadlines and lights. */
int64_t case_minute_of(const struct case_ctx *c, int64_t ms);

/* A submission, checked on the listener thread (case_prepare), stored by the writer (case_submit).
 */
struct case_new {
	char item[48];
	int64_t item_updated_ms; /* the item's version checked against */
	char item_name[304];
	char department[32];
	char channel[16];
	char accept_office[32];
	char decide_office[32];
	char phone4[8];
	int64_t applicant_user; /* 0 when the applicant has no account */
	char *rule;		/* JSON texts owned by the struct */
	char *applicant;
	char *form;
	char *materials;
	char *delivery;
	char process_run[32]; /* set by core/process: the run this case is a part of */
	int process_part;
	bool at_once; /* stored now, not at the transaction's end (acted on in the same one) */
};
void case_new_free(struct case_new *n);

/*
 * Checks a submission body against the item (form fields, materials, channel,
 * applicant) and fills n. actor is an applicant filing for themself, or a
 * clerk filing for a walk-in ("applicant" in the body).
 */
int case_prepare(db *d, const struct case_ctx *c, const yc_user *actor, const cJSON *body,
		 struct case_new *n, yc_err *err);
/*
 * Per-thread caches of parsed items and rules, for the listener threads:
 * enable at the thread's start, release before it ends (submissions on any
 * thread use the item cache; release it there too).
 */
void case_cache_enable(void);
void case_cache_release(void);
/*
 * Stores a prepared submission; out (may be NULL) gets the new case in brief
 * (no, state, …). If the item changed since n was prepared, the submission
 * is prepared again from body (n refilled); without a body that is a 409.
 */
int case_submit(db *d, const struct case_ctx *c, const yc_user *actor, const cJSON *body,
		struct case_new *n, yc_buf *out, yc_err *err);

/*
 * The next number of the case sequence (number.c; a composite process's run
 * takes one too). locked: for a row written at once rather than at the
 * transaction's end, drawn from the store and not assumed.
 */
int case_next_case_no(db *d, const struct case_ctx *c, int64_t now_ms, bool locked, char *out,
		      size_t size, yc_err *err);

/* Checks an action's body (fields and types) before it reaches the writer. */
int case_action_check(enum case_action a, const cJSON *body, yc_err *err);
/* Takes action a on case no; out (may be NULL) gets the case afterwards. */
int case_act(db *d, const struct case_ctx *c, const yc_user *actor, const char *no,
	     enum case_action a, const cJSON *body, yc_buf *out, yc_err *err);

/* Appends the case as actor may see it; YC_ENOTFOUND, YC_EFORBIDDEN outside the actor's scope. */
int case_json(db *d, const struct case_ctx *c, const yc_user *actor, const char *no, yc_buf *out,
	      yc_err *err);

struct case_query {
	const char *state;
	const char *light;
	const char *item;
	const char *department;
	bool assignee_me;
	bool applicant_me;
	bool by_deadline; /* sort by deadline (inboxes); else newest first */
	const char *cursor;
	int limit;
};
/* Appends {"cases":[…],"next_cursor":…} within actor's scope. */
int case_list(db *d, const struct case_ctx *c, const yc_user *actor, const struct case_query *q,
	      yc_buf *out, yc_err *err);
/* The supervisor's figures: lights by department and item, accepted, closed, on time. */
int case_stats(db *d, const struct case_ctx *c, yc_buf *out, yc_err *err);
/*
 * The kept figures (case_figures, figures.c) counted again from every case:
 * for a store that had cases before the table, and after a bulk load.
 * *counted is the number of cases. Run it inside a transaction.
 */
enum { CASE_FIGURES_SCHEMA = 31 };
int case_figures_rebuild(db *d, const struct case_ctx *c, int64_t *counted, yc_err *err);

/* The public progress: the timeline without personal data, given the phone's last four digits. */
int case_progress(db *d, const struct case_ctx *c, const char *no, const char *phone4, yc_buf *out,
		  yc_err *err);

/*
 * One material of a case, for whoever may read the case (YC_ENOTFOUND naming
 * sha256 when the case has no such material): its type and bytes.
 */
int case_material(db *d, const yc_user *actor, const char *no, const char *sha, char type[8],
		  yc_buf *out, yc_err *err);

/* A printable notice: kind is acceptance, refusal, correction or deficiency. */
int case_document(db *d, const struct case_ctx *c, const yc_user *actor, const char *no,
		  const char *kind, const char *public_url, yc_buf *out, yc_err *err);

/* Scheduler work: refresh stored lights and notify on change; lapse unanswered corrections. */
int case_refresh_lights(db *d, const struct case_ctx *c, int64_t *changed, yc_err *err);
int case_lapse_corrections(db *d, const struct case_ctx *c, int64_t *lapsed, yc_err *err);

/* Post-checks of commitment-based cases: list (department scope) and complete. */
int case_post_checks_json(db *d, const yc_user *actor, const char *state, yc_buf *out, yc_err *err);
int case_post_check_complete(db *d, const struct case_ctx *c, const yc_user *actor, const char *no,
			     const cJSON *body, yc_buf *out, yc_err *err);

/* The light for a running clock at local minute now. */
const char *case_light_at(int64_t now_min, int64_t yellow_min, int64_t deadline_min);

#endif
