/*
 * review.h — 好差评: every service rated once, every bad review rectified.
 *
 * A review rates one service — a case (一事一评), a composite process's run,
 * a finished queue ticket (一次一评) — once, within review-window days of
 * its end, from the channel the rater holds: the web (the applicant's own
 * account), a QR code or SMS link (a token only the service's paper or
 * message carries), the e-ticket (its key), the window's rating device (the
 * window's key). The channels open by nature (the complaint counter, the
 * suggestion box, the hotline) are entered by staff with no service behind
 * them. Levels are 5 非常满意 … 1 非常不满意; 2 and 1 are bad reviews and say why.
 *
 * A bad review opens a rectification order for the department that served
 * (谁办理、谁负责), and a callback; a social supervisor's or a third party's
 * visit opens one order per finding. The order's lifecycle is one table
 * (order.c, with its diagram): verify by phone → classify (立行立改, 限期整改,
 * 解释说明) → report → the rater re-rates → closed; an appeal a supervisor
 * upholds removes the review from the figures, never from the store. Orders
 * past their step's deadline turn red and escalate to the supervisor.
 *
 * Figures: review_figures holds the counts by month and by department,
 * window, item and staff member, kept in each review's transaction, so the
 * public page never counts reviews from scratch. Satisfaction is
 * (非常满意 + 满意 + 基本满意) ÷ all reviews, without those an upheld appeal
 * removed (review_definition).
 */
#ifndef YC_REVIEW_H
#define YC_REVIEW_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/common/account.h"
#include "core/common/lifecycle.h"
#include "db/db.h"
#include "lib/buf.h"

struct case_ctx;
struct review_ctx {
	const struct case_ctx *cases; /* the calendar, the time zone, the light's rule */
	int tz_offset_min;
	int window_days;      /* a service may be rated this many days after it ended */
	int verify_days;      /* working days to call a bad review's rater back and classify */
	int rectify_days;     /* working days of a 限期整改 */
	int report_days;      /* working days to report the rectification of the other kinds */
	int callback_percent; /* the share of the other reviews drawn for a callback */
	int64_t now_ms;	      /* 0: the clock; tests set it */
	char sms_base[256];   /* public-url: where SMS links point ("": no SMS invitation) */
	uint64_t *draws;      /* NULL: the system's random source; else a splitmix64 state
				 the sampler draws from (the demo's, for a repeatable past) */
};

/* ---- the rules (rules.c) ------------------------------------------------ */

enum { REVIEW_LEVELS = 5, REVIEW_BAD_MAX = 2 };
/* 非常满意 … 非常不满意, by level 1..5 ("" out of range). */
const char *review_level_name(int level);
bool review_level_bad(int level);

enum review_channel_kind { RCH_SERVICE, RCH_OPEN };
struct review_channel {
	const char *code, *name;
	enum review_channel_kind kind;
	const char *proof; /* what proves the rater holds the service: "account", "token", … */
};
/* The channel by code, or NULL. */
const struct review_channel *review_channel_find(const char *code);
extern const struct review_channel review_channels[];

/* Indicators (GB/T 39734/39735): online and in the hall, each besides 整体满意度. */
struct review_indicator {
	const char *code, *name;
	bool online, hall;
};
extern const struct review_indicator review_indicators[];
extern const struct review_indicator review_reasons[]; /* a bad review's reason categories */
/* The visit's seven dimensions (人员到位 … 服务礼仪), scored 0..100. */
extern const struct review_indicator review_dimensions[];

/* Whether a service ended at end_ms may still be rated at now_ms (window_days natural days). */
bool review_in_window(const struct review_ctx *c, int64_t end_ms, int64_t now_ms);
/*
 * The callback sampler: whether a review whose random draw is r (uniform on
 * 0..2^32-1) is called back at percent. Drawn by the system at the review's
 * write, never chosen by the department.
 */
bool review_sampled(uint32_t r, int percent);
/* Satisfied, of all counted by level (index 1..5); the rate in per-mille and its definition. */
int64_t review_satisfied(const int64_t n[6]);
int review_rate_permille(const int64_t n[6]);
extern const char review_definition[];

/* The HMAC token of a subject ("case:NO", "run:NO", "window:37"), 32 hex digits. */
int review_token(db *d, const char *subject, char out[33], yc_err *err);

/* ---- reviews (rate.c) --------------------------------------------------- */

/*
 * Checks a review's body on the listener thread: names the bad field.
 * user is the caller (NULL anonymous).
 */
int review_check(const cJSON *body, yc_err *err);
/* Stores a review (the writer): 201's body {id, level, …} into out. */
int review_submit(db *d, const struct review_ctx *c, const yc_user *u, const cJSON *body,
		  yc_buf *out, yc_err *err);
/* What the rater may rate of a subject: {rateable, reason, indicators} (no login for tokens). */
int review_subject_json(db *d, const struct review_ctx *c, const yc_user *u, const cJSON *q,
			yc_buf *out, yc_err *err);
/*
 * The token a QR code or SMS link carries for a case or run the caller may
 * see, its address under base (the public URL) and the QR code as SVG.
 */
int review_link_json(db *d, const yc_user *u, const char *kind, const char *no, const char *base,
		     yc_buf *out, yc_err *err);
/*
 * The SMS that invites the applicant of a decided case or run to rate it
 * (kind "case" or "run"), with its token in the link; nothing without
 * sms_base. arg is the review_ctx (a case_end_hook, wired in cli/settings.c).
 */
int review_invite(db *d, void *arg, const char *kind, const char *no, yc_err *err);
/* A window's rating-device key, for the clerk signed in at that window. */
int review_device_key_json(db *d, const yc_user *u, int window, yc_buf *out, yc_err *err);
/* Reviews the caller may see (department staff: their department's; supervisors: all). */
struct review_query {
	bool bad_only;
	const char *department;
	int limit;
};
int review_list_json(db *d, const struct review_ctx *c, const yc_user *u,
		     const struct review_query *q, yc_buf *out, yc_err *err);

/* ---- rectification orders (order.c) ------------------------------------- */

enum order_state {
	OS_VERIFYING,
	OS_RECTIFYING,
	OS_REPORTED,
	OS_CLOSED,
	OS_APPEALED,
	OS_ANNULLED,
	OS_N
};
enum order_action { OA_VERIFY, OA_REPORT, OA_RERATE, OA_APPEAL, OA_UPHOLD, OA_REJECT, OA_N };
extern const struct lc_table review_order_lifecycle;

int review_order_act(db *d, const struct review_ctx *c, const yc_user *u, const char *id,
		     const char *action, const cJSON *body, yc_buf *out, yc_err *err);
int review_order_check(const char *action, const cJSON *body, yc_err *err);
int review_order_json(db *d, const struct review_ctx *c, const yc_user *u, const char *id,
		      yc_buf *out, yc_err *err);
int review_order_list_json(db *d, const struct review_ctx *c, const yc_user *u, const char *state,
			   int limit, yc_buf *out, yc_err *err);
/* The job: lights of open orders; a red one escalates to the supervisor once. */
int review_order_lights(db *d, const struct review_ctx *c, int64_t *changed, yc_err *err);
/* Opens an order (a bad review's, a visit's finding), in the caller's transaction. */
int review_order_open(db *d, const struct review_ctx *c, const char *review, const char *visit,
		      const char *finding, const char *department, const char *staff,
		      char id_out[24], yc_err *err);

/* ---- callbacks (callback.c) --------------------------------------------- */

int review_callback_list_json(db *d, const struct review_ctx *c, const yc_user *u,
			      const char *state, int limit, yc_buf *out, yc_err *err);
int review_callback_act(db *d, const struct review_ctx *c, const yc_user *u, const char *id,
			const char *action, const cJSON *body, yc_buf *out, yc_err *err);
int review_callback_check(const char *action, const cJSON *body, yc_err *err);
/* Opens a callback in the caller's transaction. */
int review_callback_open(db *d, const struct review_ctx *c, const char *review, const char *reason,
			 const char *department, yc_err *err);

/* ---- visits (visit.c) ---------------------------------------------------- */

int review_visit_check(const cJSON *body, yc_err *err);
int review_visit_submit(db *d, const struct review_ctx *c, const yc_user *u, const cJSON *body,
			yc_buf *out, yc_err *err);
int review_visit_list_json(db *d, const struct review_ctx *c, const yc_user *u, int limit,
			   yc_buf *out, yc_err *err);

/* ---- figures and publication (figures.c, export.c) ---------------------- */

/* Counts one review (delta +1) or takes it out (-1), in the caller's transaction. */
struct review_dims {
	const char *month, *department, *department_name, *item, *item_name, *staff;
	int window_no;
};
int review_figures_add(db *d, const struct review_dims *k, int level, int delta, yc_err *err);
/* The public page: satisfaction by month, department, window and item; recent bad reviews,
 * anonymised. */
int review_stats_json(db *d, const struct review_ctx *c, int months, yc_buf *out, yc_err *err);
int review_public_bad_json(db *d, const struct review_ctx *c, int limit, yc_buf *out, yc_err *err);
/* The caller's own figures (a clerk's), by month. */
int review_mine_json(db *d, const struct review_ctx *c, const yc_user *u, yc_buf *out, yc_err *err);
/* The national platform's fields, for reviews made in [from_ms, to_ms): JSON lines or an .xlsx. */
enum review_export_format { REF_JSONL, REF_XLSX };
int review_export(db *d, const struct review_ctx *c, int64_t from_ms, int64_t to_ms,
		  enum review_export_format f, const char *region, yc_buf *out, yc_err *err);

#endif
