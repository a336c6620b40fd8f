/*
 * order.c — rectification orders (整改工单): a bad review's, or a visit's
 * finding's, in the department that served (谁办理、谁负责).
 *
 *   verifying ──verify (called back: 立行立改 / 限期整改 / 解释说明)──► rectifying
 *       │                                                              │ report
 *       │ appeal                                          不满意 ◄──┐   ▼
 *       ▼                                                          └─ reported ──rerate──► closed
 *   appealed ──uphold (supervisor)──► annulled: the review leaves the figures, stays in the store
 *       └──────reject (supervisor)──► where it was (verifying, or rectifying once classified)
 *   rectifying ──appeal──► appealed
 *
 * Each step has a deadline in working days (verify-days, rectify-days for a
 * 限期整改, report-days otherwise); the light turns yellow warn-days before
 * it and red at it, and a red order escalates to the supervisor once
 * (review_order_lights, the review-lights job). The table below is the whole
 * lifecycle; review_order_act refuses any other pair.
 */
#include "core/review/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/case/case.h"
#include "core/common/audit.h"
#include "core/common/outbox.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static const char *const state_names[OS_N] = {"verifying", "rectifying", "reported",
					      "closed",	   "appealed",	 "annulled"};
static const char *const action_names[OA_N] = {"verify", "report", "rerate",
					       "appeal", "uphold", "reject"};

#define DEPT (ROLE_CLERK | ROLE_APPROVER)
static const struct lc_row order_rows[] = {
	/* from          action     roles                   to            alt */
	{OS_VERIFYING, OA_VERIFY, DEPT, OS_RECTIFYING, OS_RECTIFYING, 0, 0},
	{OS_RECTIFYING, OA_REPORT, DEPT, OS_REPORTED, OS_REPORTED, 0, 0},
	{OS_REPORTED, OA_RERATE, DEPT | ROLE_APPLICANT, OS_CLOSED, OS_RECTIFYING, 0,
	 0}, /* 不满意: again */
	{OS_VERIFYING, OA_APPEAL, DEPT, OS_APPEALED, OS_APPEALED, 0, 0},
	{OS_RECTIFYING, OA_APPEAL, DEPT, OS_APPEALED, OS_APPEALED, 0, 0},
	{OS_APPEALED, OA_UPHOLD, ROLE_SUPERVISOR, OS_ANNULLED, OS_ANNULLED, 0, 0},
	{OS_APPEALED, OA_REJECT, ROLE_SUPERVISOR, OS_VERIFYING, OS_RECTIFYING, 0, 0}, /* back */
};

const struct lc_table review_order_lifecycle = {
	"rectification order",
	order_rows,
	(int)(sizeof(order_rows) / sizeof(order_rows[0])),
	state_names,
	OS_N,
	action_names,
	OA_N,
};

struct order_row {
	char id[24], review[24], visit[24], department[32], staff[YC_USERNAME_MAX];
	char state[16], kind[16], light[8], appeal_from[16];
	char finding[1024], verify_note[1024], report[2048], appeal[1024], decision[1024];
	char *history;
	int64_t due_min, yellow_min, created_ms, updated_ms, closed_ms, version;
	int escalated, rerating;
};

#define ORDER_COLUMNS                                                                              \
	"id, COALESCE(review, ''), COALESCE(visit, ''), department, COALESCE(staff, ''), state,"   \
	" COALESCE(kind, ''), light, COALESCE(appeal_from, ''), finding, verify_note, report,"     \
	" appeal, decision, history, due_min, yellow_min, created_ms, updated_ms,"                 \
	" COALESCE(closed_ms, 0), version, escalated, COALESCE(rerating, 0)"

static void order_from(db_stmt *st, struct order_row *o)
{
	memset(o, 0, sizeof(*o));
	char *const texts[] = {o->id,	       o->review, o->visit,  o->department,  o->staff,
			       o->state,       o->kind,	  o->light,  o->appeal_from, o->finding,
			       o->verify_note, o->report, o->appeal, o->decision};
	const size_t sizes[] = {
		sizeof(o->id),	       sizeof(o->review),      sizeof(o->visit),
		sizeof(o->department), sizeof(o->staff),       sizeof(o->state),
		sizeof(o->kind),       sizeof(o->light),       sizeof(o->appeal_from),
		sizeof(o->finding),    sizeof(o->verify_note), sizeof(o->report),
		sizeof(o->appeal),     sizeof(o->decision)};
	for (int i = 0; i < 14; i++)
		db_col_copy(st, i, texts[i], sizes[i]);
	o->history = strdup(db_col_text(st, 14));
	o->due_min = db_col_int(st, 15);
	o->yellow_min = db_col_int(st, 16);
	o->created_ms = db_col_int(st, 17);
	o->updated_ms = db_col_int(st, 18);
	o->closed_ms = db_col_int(st, 19);
	o->version = db_col_int(st, 20);
	o->escalated = (int)db_col_int(st, 21);
	o->rerating = (int)db_col_int(st, 22);
}

static int order_load(db *d, const char *id, struct order_row *o, yc_err *err)
{
	db_stmt *st =
		db_prepare(d, "SELECT " ORDER_COLUMNS " FROM review_orders WHERE id = ?", err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		order_from(st, o);
		rc = o->history ? 0 : yc_err_set(err, YC_ENOMEM, NULL, NULL);
	} else if (rc == DB_DONE) {
		rc = yc_err_set(err, YC_ENOTFOUND, "id", "no rectification order %s", id);
	}
	db_done(st);
	return rc;
}

bool review_staff_of(const yc_user *u, const char *department)
{
	if (u->role & (ROLE_SUPERVISOR | ROLE_ADMIN))
		return true;
	return (u->role & (ROLE_CLERK | ROLE_APPROVER)) && u->department[0] &&
	       !strcmp(u->department, department);
}

/*
 * The deadline of a step: days working days from now, and when its light
 * turns yellow. When the calendar of the year it reaches is not loaded yet
 * (December, before the State Council's notice), weekdays stand in for
 * working days: a review is never refused for want of next year's holidays,
 * and the step's deadline is a fair one until the notice is loaded.
 */
int review_due(const struct review_ctx *c, int64_t now, int days, int64_t *due, int64_t *yellow,
	       yc_err *err)
{
	struct case_deadline dl;
	int rc = case_deadline_after(c->cases, now, days, false, &dl, err);
	if (rc == YC_ENOTLOADED) {
		yc_err_clear(err);
		int32_t day = (int32_t)((now / 60000 + c->tz_offset_min) / 1440);
		for (int n = 0; n < days;)
			n += yc_weekday(++day) <= 5;
		*due = (int64_t)day * 1440 + 17 * 60;
		*yellow = *due - 1440;
		return 0;
	}
	if (rc)
		return rc;
	*due = dl.deadline_min;
	*yellow = dl.yellow_min;
	return 0;
}

int review_order_open(db *d, const struct review_ctx *c, const char *review, const char *visit,
		      const char *finding, const char *department, const char *staff,
		      char id_out[24], yc_err *err)
{
	int64_t now = review_now(c), due, yellow;
	int rc = review_due(c, now, c->verify_days, &due, &yellow, err);
	if (rc)
		return rc;
	review_new_id(c, "ZG", now, id_out, 24);
	rc = db_run(
		d, err,
		"INSERT INTO review_orders (id, review, visit, finding, department, staff, state,"
		" due_min, yellow_min, light, created_ms, updated_ms)"
		" VALUES (?, ?, ?, ?, ?, ?, 'verifying', ?, ?, ?, ?, ?)",
		"ssssssiisii", id_out, review, visit, finding ? finding : "", department,
		staff && *staff ? staff : NULL, due, yellow,
		case_light_at(case_minute_of(c->cases, now), yellow, due), now, now);
	if (rc)
		return rc;
	char object[40];
	snprintf(object, sizeof(object), "review-order/%s", id_out);
	if ((rc = audit_append(d, &audit_system_actor, "review.order.open", object,
			       review ? review : visit, NULL, NULL, err)))
		return rc;
	char payload[160];
	snprintf(payload, sizeof(payload),
		 "{\"id\":\"%s\",\"state\":\"verifying\",\"department\":\"%s\"}", id_out,
		 department);
	return outbox_append(d, "review", "order.open", object, payload, err);
}

int review_order_check(const char *action, const cJSON *body, yc_err *err)
{
	static const char *const kinds[] = {"immediate", "deadline", "explain", NULL};
	int a = lc_action(&review_order_lifecycle, action);
	if (a < 0)
		return yc_err_set(err, YC_ENOTFOUND, "action", "no action %s", action);
	static const yc_jfield verify[] = {
		{"note", YC_JT_STRING, true, 1000},
		{"kind", YC_JT_STRING, true, 16, .one_of = kinds},
	};
	static const yc_jfield report[] = {{"report", YC_JT_STRING, true, 2000}};
	static const yc_jfield rerate[] = {{"rerating", YC_JT_INT, true, 0, .min = 1, .max = 3},
					   {"note", YC_JT_STRING, false, 1000}};
	static const yc_jfield reason[] = {{"reason", YC_JT_STRING, true, 1000}};
	const yc_jfield *spec = a == OA_VERIFY	 ? verify
				: a == OA_REPORT ? report
				: a == OA_RERATE ? rerate
						 : reason;
	size_t n = a == OA_VERIFY ? 2 : a == OA_RERATE ? 2 : 1;
	int rc = yc_json_check(body, spec, n, err);
	if (rc)
		return rc;
	/* a note, a report, a reason is said, not left blank */
	const char *say = yc_json_str(body, a == OA_VERIFY   ? "note"
					    : a == OA_REPORT ? "report"
					    : a == OA_RERATE ? NULL
							     : "reason");
	if (a != OA_RERATE && (!say || !*say))
		return yc_err_set(err, YC_EINVAL, spec[0].name, "%s must not be empty",
				  spec[0].name);
	return 0;
}

/* The order's history with one more step appended; the caller frees it. */
static char *history_with(const char *history, const yc_user *u, const char *action,
			  const char *note, int64_t now, int tz)
{
	cJSON *h = cJSON_Parse(history);
	if (!cJSON_IsArray(h)) {
		cJSON_Delete(h);
		h = cJSON_CreateArray();
	}
	cJSON *e = cJSON_CreateObject();
	char at[40];
	yc_time_format_iso(now, tz, at, sizeof(at));
	cJSON_AddStringToObject(e, "at", at);
	cJSON_AddStringToObject(e, "actor", u->name[0] ? u->name : u->username);
	cJSON_AddStringToObject(e, "role", account_role_name(u->role));
	cJSON_AddStringToObject(e, "action", action);
	cJSON_AddStringToObject(e, "note", note ? note : "");
	cJSON_AddItemToArray(h, e);
	char *s = cJSON_PrintUnformatted(h);
	cJSON_Delete(h);
	return s;
}

/* An upheld appeal: the review leaves the figures (kept in the store, marked excluded). */
static int exclude_review(db *d, const struct review_ctx *c, const char *review, yc_err *err)
{
	char month[8] = "", dept[32] = "", dept_name[128] = "", item[48] = "", item_name[304] = "",
	     staff[YC_USERNAME_MAX] = "";
	int window = 0, level = 0, excluded = 0;
	int rc = db_get(d, err,
			"SELECT r.month, COALESCE(r.department, ''), COALESCE(p.name, ''),"
			" COALESCE(r.item, ''), COALESCE(r.item_name, ''), COALESCE(r.staff, ''),"
			" COALESCE(r.window_no, 0), r.level, r.excluded FROM reviews r"
			" LEFT JOIN departments p ON p.code = r.department WHERE r.id = ?",
			"s", "ttttttnnn", review, month, sizeof(month), dept, sizeof(dept),
			dept_name, sizeof(dept_name), item, sizeof(item), item_name,
			sizeof(item_name), staff, sizeof(staff), &window, &level, &excluded);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW || excluded)
		return 0;
	if ((rc = db_run(d, err, "UPDATE reviews SET excluded = 1 WHERE id = ?", "s", review)))
		return rc;
	(void)c;
	struct review_dims k = {month, dept, dept_name, item, item_name, staff, window};
	return review_figures_add(d, &k, level, -1, err);
}

/* The review's callback is done by the verification call (its result the note). */
static int callback_done_by(db *d, const struct review_ctx *c, const char *review, const yc_user *u,
			    const char *note, int64_t now, yc_err *err)
{
	db_stmt *st =
		db_prepare(d,
			   "UPDATE review_callbacks SET state = 'done', result = ?, staff = ?,"
			   " done_ms = ? WHERE review = ? AND state = 'due' RETURNING 1",
			   err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, note);
	db_bind_text(st, 2, u->username);
	db_bind_int(st, 3, now);
	db_bind_text(st, 4, review);
	int64_t n = 0;
	int rc = db_count_rows(st, &n, err);
	return rc || !n ? rc : review_figures_callback(d, c, "done", err);
}

/*
 * Scope: the department's staff, supervisors, and the rater of the order's
 * review (who re-rates it); to anyone else the order is not there.
 */
static int may_see(db *d, const yc_user *u, const struct order_row *o, yc_err *err)
{
	if (review_staff_of(u, o->department))
		return 0;
	if (u->role == ROLE_APPLICANT && o->review[0]) {
		int64_t who = 0;
		int rc = db_get(d, err, "SELECT COALESCE(rater_user, 0) FROM reviews WHERE id = ?",
				"s", "i", o->review, &who);
		if (rc < 0)
			return rc;
		if (who == u->id)
			return 0;
	}
	return yc_err_set(err, YC_ENOTFOUND, "id", "no rectification order %s", o->id);
}

int review_order_act(db *d, const struct review_ctx *c, const yc_user *u, const char *id,
		     const char *action, const cJSON *body, yc_buf *out, yc_err *err)
{
	int a = lc_action(&review_order_lifecycle, action);
	struct order_row o;
	int rc = order_load(d, id, &o, err);
	if (rc)
		return rc;
	char *history = NULL;
	if ((rc = may_see(d, u, &o, err)))
		goto out;
	int from = lc_state(&review_order_lifecycle, o.state);
	const struct lc_row *row = lc_find(&review_order_lifecycle, from, a);
	if (!row) {
		rc = lc_refuse(&review_order_lifecycle, from, a, err);
		goto out;
	}
	if (!(row->roles & u->role)) {
		rc = yc_err_set(err, YC_EFORBIDDEN, "action",
				"a %s cannot %s a rectification order", account_role_name(u->role),
				action);
		goto out;
	}
	int64_t now = review_now(c), due = o.due_min, yellow = o.yellow_min;
	int to = row->to;
	const char *kind = o.kind[0] ? o.kind : NULL;
	const char *note = NULL;
	int rerating = o.rerating;
	bool closes = false;
	switch (a) {
	case OA_VERIFY:
		kind = yc_json_str(body, "kind");
		note = yc_json_str(body, "note");
		rc = review_due(c, now,
				!strcmp(kind, "deadline") ? c->rectify_days : c->report_days, &due,
				&yellow, err);
		if (!rc && o.review[0])
			rc = callback_done_by(d, c, o.review, u, note, now, err);
		break;
	case OA_REPORT:
		note = yc_json_str(body, "report");
		rc = review_due(c, now, c->verify_days, &due, &yellow, err);
		break;
	case OA_RERATE:
		rerating = (int)yc_json_int(body, "rerating", 0);
		note = yc_json_str(body, "note");
		if (rerating == 1) { /* 不满意: rectify again */
			to = row->alt;
			rc = review_due(c, now, c->rectify_days, &due, &yellow, err);
		} else {
			closes = true;
		}
		break;
	case OA_APPEAL:
		note = yc_json_str(body, "reason");
		rc = review_due(c, now, c->report_days, &due, &yellow, err);
		break;
	case OA_UPHOLD:
		note = yc_json_str(body, "reason");
		closes = true;
		if (o.review[0])
			rc = exclude_review(d, c, o.review, err);
		break;
	case OA_REJECT:
		note = yc_json_str(body, "reason");
		to = strcmp(o.appeal_from, "rectifying") ? row->to : row->alt;
		rc = review_due(c, now, to == OS_VERIFYING ? c->verify_days : c->report_days, &due,
				&yellow, err);
		break;
	}
	if (rc)
		goto out;
	history = history_with(o.history, u, action, note, now, c->tz_offset_min);
	const char *light =
		closes ? "none" : case_light_at(case_minute_of(c->cases, now), yellow, due);
	/* the step's own text goes to its field; the others stay */
	const char *verify_note = a == OA_VERIFY ? note : o.verify_note;
	const char *report = a == OA_REPORT ? note : o.report;
	const char *appeal = a == OA_APPEAL ? note : o.appeal;
	const char *appeal_from = a == OA_APPEAL ? o.state : o.appeal_from;
	const char *decision = a == OA_UPHOLD || a == OA_REJECT ? note : o.decision;
	/* a red light that stays red stays escalated; a new step starts afresh */
	int escalated = strcmp(light, "red") ? 0 : o.escalated;
	db_stmt *st = db_prepare(
		d,
		"UPDATE review_orders SET state = ?, kind = ?, due_min = ?, yellow_min = ?, light "
		"= ?,"
		" escalated = ?, verify_note = ?, report = ?, appeal = ?, appeal_from = ?,"
		" decision = ?, rerating = ?, history = ?, updated_ms = ?, closed_ms = ?,"
		" version = version + 1 WHERE id = ? AND version = ? RETURNING 1",
		err);
	if (!st) {
		rc = db_failed(err);
		goto out;
	}
	int k = 1;
	db_bind_text(st, k++, state_names[to]);
	kind ? db_bind_text(st, k++, kind) : db_bind_null(st, k++);
	db_bind_int(st, k++, due);
	db_bind_int(st, k++, yellow);
	db_bind_text(st, k++, light);
	db_bind_int(st, k++, escalated);
	db_bind_text(st, k++, verify_note ? verify_note : "");
	db_bind_text(st, k++, report ? report : "");
	db_bind_text(st, k++, appeal ? appeal : "");
	appeal_from &&*appeal_from ? db_bind_text(st, k++, appeal_from) : db_bind_null(st, k++);
	db_bind_text(st, k++, decision ? decision : "");
	rerating ? db_bind_int(st, k++, rerating) : db_bind_null(st, k++);
	db_bind_text(st, k++, history ? history : "[]");
	db_bind_int(st, k++, now);
	closes ? db_bind_int(st, k++, now) : db_bind_null(st, k++);
	db_bind_text(st, k++, id);
	db_bind_int(st, k++, o.version);
	int64_t n = 0;
	rc = db_count_rows(st, &n, err);
	if (!rc && n != 1)
		rc = yc_err_conflict(err, "state", o.state,
				     "the order changed meanwhile: reload it");
	if (rc)
		goto out;
	yc_actor actor = {u->username, account_role_name(u->role)};
	char object[40], after[64];
	snprintf(object, sizeof(object), "review-order/%s", id);
	snprintf(after, sizeof(after), "{\"state\":\"%s\"}", state_names[to]);
	if ((rc = audit_append(d, &actor, "review.order.act", object, action, NULL, after, err)))
		goto out;
	char payload[200];
	snprintf(payload, sizeof(payload),
		 "{\"id\":\"%s\",\"action\":\"%s\",\"state\":\"%s\",\"department\":\"%s\"}", id,
		 action, state_names[to], o.department);
	if ((rc = outbox_append(d, "review", "order.act", object, payload, err)))
		goto out;
	rc = review_order_json(d, c, u, id, out, err);
out:
	free(o.history);
	cJSON_free(history);
	return rc;
}

static void order_render(const struct review_ctx *c, const struct order_row *o, db *d, yc_buf *out)
{
	yc_buf_adds(out, "{\"id\":");
	yc_json_add_str(out, o->id);
	yc_buf_adds(out, ",\"review\":");
	yc_json_add_str(out, o->review[0] ? o->review : NULL);
	yc_buf_adds(out, ",\"visit\":");
	yc_json_add_str(out, o->visit[0] ? o->visit : NULL);
	yc_buf_adds(out, ",\"finding\":");
	yc_json_add_str(out, o->finding);
	yc_buf_adds(out, ",\"department\":");
	yc_json_add_str(out, o->department);
	yc_buf_adds(out, ",\"staff\":");
	yc_json_add_str(out, o->staff[0] ? o->staff : NULL);
	yc_buf_adds(out, ",\"state\":");
	yc_json_add_str(out, o->state);
	yc_buf_adds(out, ",\"kind\":");
	yc_json_add_str(out, o->kind[0] ? o->kind : NULL);
	bool open = strcmp(o->state, "closed") && strcmp(o->state, "annulled");
	const char *light = open ? case_light_at(case_minute_of(c->cases, review_now(c)),
						 o->yellow_min, o->due_min)
				 : "none";
	yc_buf_adds(out, ",\"light\":");
	yc_json_add_str(out, light);
	yc_buf_addf(out, ",\"escalated\":%s", o->escalated ? "true" : "false");
	/* the deadline as a local moment */
	yc_json_add_time(out, "due_at", open ? (o->due_min - c->tz_offset_min) * 60000 : 0,
			 c->tz_offset_min);
	yc_buf_adds(out, ",\"verify_note\":");
	yc_json_add_str(out, o->verify_note);
	yc_buf_adds(out, ",\"report\":");
	yc_json_add_str(out, o->report);
	if (o->rerating)
		yc_buf_addf(out, ",\"rerating\":%d", o->rerating);
	else
		yc_buf_adds(out, ",\"rerating\":null");
	yc_buf_adds(out, ",\"appeal\":");
	yc_json_add_str(out, o->appeal);
	yc_buf_adds(out, ",\"decision\":");
	yc_json_add_str(out, o->decision);
	yc_json_add_time(out, "created_at", o->created_ms, c->tz_offset_min);
	yc_json_add_time(out, "closed_at", o->closed_ms, c->tz_offset_min);
	yc_buf_adds(out, ",\"history\":");
	yc_buf_adds(out, o->history && *o->history ? o->history : "[]");
	/* what was said: the review, without the rater */
	if (o->review[0]) {
		db_stmt *st =
			db_prepare(d,
				   "SELECT level, channel, reasons, text, COALESCE(item_name, ''),"
				   " subject_kind, COALESCE(window_no, 0), created_ms, excluded"
				   " FROM reviews WHERE id = ?",
				   NULL);
		if (st) {
			db_bind_text(st, 1, o->review);
			if (db_step(st, NULL) == DB_ROW) {
				yc_buf_addf(out, ",\"rated\":{\"level\":%d,\"level_name\":",
					    (int)db_col_int(st, 0));
				yc_json_add_str(out, review_level_name((int)db_col_int(st, 0)));
				yc_buf_adds(out, ",\"channel\":");
				yc_json_add_str(out, db_col_text(st, 1));
				yc_buf_addf(out, ",\"reasons\":%s,\"text\":", db_col_text(st, 2));
				yc_json_add_str(out, db_col_text(st, 3));
				yc_buf_adds(out, ",\"item_name\":");
				yc_json_add_str(out, db_col_text(st, 4));
				yc_buf_adds(out, ",\"subject\":");
				yc_json_add_str(out, db_col_text(st, 5));
				if (db_col_int(st, 6))
					yc_buf_addf(out, ",\"window\":%d", (int)db_col_int(st, 6));
				yc_json_add_time(out, "at", db_col_int(st, 7), c->tz_offset_min);
				yc_buf_addf(out, ",\"excluded\":%s}",
					    db_col_int(st, 8) ? "true" : "false");
			}
			db_done(st);
		}
	}
	yc_buf_adds(out, "}");
}

int review_order_json(db *d, const struct review_ctx *c, const yc_user *u, const char *id,
		      yc_buf *out, yc_err *err)
{
	struct order_row o;
	int rc = order_load(d, id, &o, err);
	if (rc)
		return rc;
	if ((rc = may_see(d, u, &o, err))) {
		free(o.history);
		return rc;
	}
	order_render(c, &o, d, out);
	free(o.history);
	return 0;
}

int review_order_list_json(db *d, const struct review_ctx *c, const yc_user *u, const char *state,
			   int limit, yc_buf *out, yc_err *err)
{
	bool all = (u->role & (ROLE_SUPERVISOR | ROLE_ADMIN)) != 0;
	bool rater = u->role == ROLE_APPLICANT;
	if (!all && !rater && !u->department[0])
		return yc_err_set(err, YC_EFORBIDDEN, NULL,
				  "only a department's staff see its orders");
	/* open ones by their deadline; the others newest first */
	db_stmt *st = db_prepare(
		d,
		"SELECT " ORDER_COLUMNS " FROM review_orders"
		" WHERE (? = 1 OR department = ?"
		"  OR review IN (SELECT id FROM reviews WHERE rater_user = ?))"
		" AND (? = '' OR state = ?"
		"  OR (? = 'open' AND state IN ('verifying', 'rectifying', 'reported', "
		"'appealed')))"
		" ORDER BY CASE WHEN state IN ('closed', 'annulled') THEN 1 ELSE 0 END,"
		" CASE WHEN state IN ('closed', 'annulled') THEN -updated_ms ELSE due_min END, id"
		" LIMIT ?",
		err);
	if (!st)
		return db_failed(err);
	const char *s = state ? state : "";
	db_bind_int(st, 1, all);
	db_bind_text(st, 2, rater ? "" : u->department);
	db_bind_int(st, 3, rater ? u->id : -1);
	db_bind_text(st, 4, s);
	db_bind_text(st, 5, s);
	db_bind_text(st, 6, s);
	db_bind_int(st, 7, limit);
	int64_t counts[OS_N] = {0};
	yc_buf_adds(out, "{\"orders\":[");
	int rc, n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct order_row o;
		order_from(st, &o);
		if (n++)
			yc_buf_adds(out, ",");
		order_render(c, &o, d, out);
		free(o.history);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	yc_buf_adds(out, "],\"counts\":{");
	st = db_prepare(
		d,
		"SELECT state, COUNT(*) FROM review_orders WHERE (? = 1 OR department = ?"
		" OR review IN (SELECT id FROM reviews WHERE rater_user = ?)) GROUP BY state",
		err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, all);
	db_bind_text(st, 2, rater ? "" : u->department);
	db_bind_int(st, 3, rater ? u->id : -1);
	while ((rc = db_step(st, err)) == DB_ROW) {
		int k = lc_state(&review_order_lifecycle, db_col_text(st, 0));
		if (k >= 0)
			counts[k] = db_col_int(st, 1);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < OS_N; i++)
		yc_buf_addf(out, "%s\"%s\":%lld", i ? "," : "", state_names[i],
			    (long long)counts[i]);
	yc_buf_adds(out, "}}");
	return 0;
}

int review_order_lights(db *d, const struct review_ctx *c, int64_t *changed, yc_err *err)
{
	*changed = 0;
	int64_t now_min = case_minute_of(c->cases, review_now(c));
	/* the lights that changed: yellow ones past their yellow, red ones past their due */
	db_stmt *st = db_prepare(
		d,
		"SELECT id, department, yellow_min, due_min, light, escalated FROM review_orders"
		" WHERE state IN ('verifying', 'rectifying', 'reported', 'appealed')"
		" AND ((light = 'green' AND yellow_min <= ?) OR (light <> 'red' AND due_min <= ?))"
		" LIMIT 500",
		err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, now_min);
	db_bind_int(st, 2, now_min);
	struct {
		char id[24], department[32];
		const char *light;
	} moved[500];
	int n = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW && n < 500) {
		db_col_copy(st, 0, moved[n].id, sizeof(moved[n].id));
		db_col_copy(st, 1, moved[n].department, sizeof(moved[n].department));
		moved[n].light = case_light_at(now_min, db_col_int(st, 2), db_col_int(st, 3));
		n++;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		bool red = !strcmp(moved[i].light, "red");
		if ((rc = db_run(d, err,
				 "UPDATE review_orders SET light = ?, escalated = CASE WHEN ? = 1"
				 " THEN 1 ELSE escalated END WHERE id = ?",
				 "sis", moved[i].light, (int64_t)red, moved[i].id)))
			return rc;
		char object[40], payload[160];
		snprintf(object, sizeof(object), "review-order/%s", moved[i].id);
		snprintf(payload, sizeof(payload),
			 "{\"id\":\"%s\",\"light\":\"%s\",\"department\":\"%s\"}", moved[i].id,
			 moved[i].light, moved[i].department);
		if (red && (rc = audit_append(d, &audit_system_actor, "review.order.escalate",
					      object, "past its deadline", NULL, NULL, err)))
			return rc;
		if ((rc = outbox_append(d, "review", red ? "order.escalate" : "order.light", object,
					payload, err)))
			return rc;
		(*changed)++;
	}
	return 0;
}
