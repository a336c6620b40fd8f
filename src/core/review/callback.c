/*
 * callback.c — callbacks (回访): every bad review's rater is called back
 * (the rectification order's verification), and a share of the others,
 * drawn by the system at the review's write (review_sampled), never chosen
 * by the department. The worklist shows the department's due calls with the
 * number to dial and a script; each call's result is recorded.
 *
 *   due ──done (result, the level confirmed)──► done
 *    └──unreachable (three tries)─────────────► unreachable
 *   due ──dial──► due: the number to call, given to the caller and audited
 *
 * The worklist shows numbers masked; only dialling reveals one, and each
 * time is on the audit log.
 */
#include "core/review/internal.h"

#include <stdio.h>
#include <string.h>

#include "core/case/case.h"
#include "core/common/audit.h"
#include "core/common/ids.h"
#include "core/common/outbox.h"
#include "lib/json.h"
#include "lib/banned.h"

int review_callback_open(db *d, const struct review_ctx *c, const char *review, const char *reason,
			 const char *department, yc_err *err)
{
	int64_t now = review_now(c), due, yellow;
	int rc = review_due(c, now, c->verify_days, &due, &yellow, err);
	if (rc)
		return rc;
	char id[24];
	review_new_id(c, "HF", now, id, sizeof(id));
	return db_run(
		d, err,
		"INSERT INTO review_callbacks (id, review, reason, department, state, due_min,"
		" created_ms) VALUES (?, ?, ?, ?, 'due', ?, ?)",
		"ssssii", id, review, reason, department && *department ? department : NULL, due,
		now);
}

int review_callback_check(const char *action, const cJSON *body, yc_err *err)
{
	if (strcmp(action, "done") && strcmp(action, "unreachable") && strcmp(action, "dial"))
		return yc_err_set(err, YC_ENOTFOUND, "action", "no action %s", action);
	if (!strcmp(action, "dial"))
		return body ? yc_json_check(body, NULL, 0, err) : 0;
	static const yc_jfield spec[] = {
		{"result", YC_JT_STRING, true, 1000},
		{"confirmed", YC_JT_INT, false, 0, .min = 1, .max = 5},
	};
	int rc = yc_json_check(body, spec, 2, err);
	if (rc)
		return rc;
	if (!*yc_json_str(body, "result"))
		return yc_err_set(err, YC_EINVAL, "result", "result must not be empty");
	return 0;
}

/* The number to dial: the account's, the case's or run's applicant's, or the one left at the
 * counter. */
static void callback_phone(db *d, const char *review, char *out, size_t size)
{
	out[0] = '\0';
	char kind[8] = "", subject[40] = "", contact[24] = "", applicant[2048] = "";
	int64_t user = 0;
	if (db_get(d, NULL,
		   "SELECT subject_kind, COALESCE(subject, ''), COALESCE(contact, ''),"
		   " COALESCE(rater_user, 0) FROM reviews WHERE id = ?",
		   "s", "ttti", review, kind, sizeof(kind), subject, sizeof(subject), contact,
		   sizeof(contact), &user) != DB_ROW)
		return;
	if (contact[0]) {
		snprintf(out, size, "%s", contact);
		return;
	}
	if (!strcmp(kind, "case") || !strcmp(kind, "run")) {
		if (db_get(d, NULL,
			   !strcmp(kind, "case")
				   ? "SELECT applicant FROM cases WHERE no = ?"
				   : "SELECT applicant FROM process_runs WHERE no = ?",
			   "s", "t", subject, applicant, sizeof(applicant)) == DB_ROW) {
			cJSON *a = cJSON_Parse(applicant);
			snprintf(out, size, "%s",
				 yc_json_str(a, "phone") ? yc_json_str(a, "phone") : "");
			cJSON_Delete(a);
		}
	}
	if (!out[0] && user)
		db_get(d, NULL, "SELECT COALESCE(phone, '') FROM users WHERE id = ?", "i", "t",
		       user, out, size);
}

int review_callback_list_json(db *d, const struct review_ctx *c, const yc_user *u,
			      const char *state, int limit, yc_buf *out, yc_err *err)
{
	bool all = (u->role & ROLE_SUPERVISOR) != 0;
	if (!all && !(u->role & (ROLE_CLERK | ROLE_APPROVER) && u->department[0]))
		return yc_err_set(err, YC_EFORBIDDEN, NULL,
				  "only a department's staff and supervisors see callbacks");
	db_stmt *st = db_prepare(
		d,
		"SELECT b.id, b.review, b.reason, COALESCE(b.department, ''), b.state, b.result,"
		" COALESCE(b.confirmed, 0), b.due_min, b.created_ms, COALESCE(b.done_ms, 0),"
		" r.level, r.channel, COALESCE(r.item_name, ''), r.text, r.reasons,"
		" COALESCE(o.id, '')"
		" FROM review_callbacks b JOIN reviews r ON r.id = b.review"
		" LEFT JOIN review_orders o ON o.review = b.review"
		" WHERE (? = 1 OR b.department = ?) AND (? = '' OR b.state = ?)"
		" ORDER BY CASE WHEN b.state = 'due' THEN 0 ELSE 1 END,"
		" CASE WHEN b.state = 'due' THEN b.due_min ELSE -b.done_ms END, b.id LIMIT ?",
		err);
	if (!st)
		return db_failed(err);
	const char *s = state ? state : "";
	db_bind_int(st, 1, all);
	db_bind_text(st, 2, u->department);
	db_bind_text(st, 3, s);
	db_bind_text(st, 4, s);
	db_bind_int(st, 5, limit);
	int64_t now_min = case_minute_of(c->cases, review_now(c));
	yc_buf_adds(out, "{\"callbacks\":[");
	int rc, n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n++)
			yc_buf_adds(out, ",");
		yc_buf_adds(out, "{\"id\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"review\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_adds(out, ",\"reason\":");
		yc_json_add_str(out, db_col_text(st, 2));
		yc_buf_adds(out, ",\"department\":");
		yc_json_add_str(out, db_col_text(st, 3));
		bool due = !strcmp(db_col_text(st, 4), "due");
		yc_buf_adds(out, ",\"state\":");
		yc_json_add_str(out, db_col_text(st, 4));
		yc_buf_adds(out, ",\"result\":");
		yc_json_add_str(out, db_col_text(st, 5));
		if (db_col_int(st, 6))
			yc_buf_addf(out, ",\"confirmed\":%d", (int)db_col_int(st, 6));
		yc_buf_adds(out, ",\"light\":");
		yc_json_add_str(out,
				due ? (now_min >= db_col_int(st, 7) ? "red" : "green") : "none");
		yc_json_add_time(out, "due_at", (db_col_int(st, 7) - c->tz_offset_min) * 60000,
				 c->tz_offset_min);
		yc_json_add_time(out, "done_at", db_col_int(st, 9), c->tz_offset_min);
		int level = (int)db_col_int(st, 10);
		yc_buf_addf(out, ",\"level\":%d,\"level_name\":", level);
		yc_json_add_str(out, review_level_name(level));
		yc_buf_adds(out, ",\"channel\":");
		yc_json_add_str(out, db_col_text(st, 11));
		yc_buf_adds(out, ",\"item_name\":");
		yc_json_add_str(out, db_col_text(st, 12));
		yc_buf_adds(out, ",\"text\":");
		yc_json_add_str(out, db_col_text(st, 13));
		yc_buf_addf(out, ",\"reasons\":%s,\"order\":", db_col_text(st, 14));
		yc_json_add_str(out, *db_col_text(st, 15) ? db_col_text(st, 15) : NULL);
		/* the number, masked: dialling (an audited action) gives it whole */
		char phone[24] = "", masked[24] = "";
		if (due)
			callback_phone(d, db_col_text(st, 1), phone, sizeof(phone));
		ids_mask_phone(phone, masked, sizeof(masked));
		yc_buf_adds(out, ",\"phone\":");
		yc_json_add_str(out, phone[0] ? masked : NULL);
		yc_buf_adds(out, "}");
	}
	db_done(st);
	if (rc < 0)
		return rc;
	int64_t dueN = 0, doneN = 0, unreach = 0;
	st = db_prepare(
		d,
		"SELECT state, COUNT(*) FROM review_callbacks WHERE (? = 1 OR department = ?)"
		" GROUP BY state",
		err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, all);
	db_bind_text(st, 2, u->department);
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *k = db_col_text(st, 0);
		int64_t v = db_col_int(st, 1);
		if (!strcmp(k, "due"))
			dueN = v;
		else if (!strcmp(k, "done"))
			doneN = v;
		else
			unreach = v;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	yc_buf_addf(out, "],\"counts\":{\"due\":%lld,\"done\":%lld,\"unreachable\":%lld}",
		    (long long)dueN, (long long)doneN, (long long)unreach);
	yc_buf_adds(out, ",\"script\":");
	yc_json_add_str(
		out, "您好，这里是区政务服务中心回访专员。您此前对我们的政务服务作出了评价，"
		     "想向您核实一下办理情况：请问您对本次服务是否满意？有哪些需要我们改进的地方？"
		     "感谢您的监督，我们会认真整改并把结果告诉您。");
	yc_buf_adds(out, "}");
	return 0;
}

int review_callback_act(db *d, const struct review_ctx *c, const yc_user *u, const char *id,
			const char *action, const cJSON *body, yc_buf *out, yc_err *err)
{
	char state[16] = "", department[32] = "";
	int rc = db_get(d, err,
			"SELECT state, COALESCE(department, '') FROM review_callbacks WHERE id = ?",
			"s", "tt", id, state, sizeof(state), department, sizeof(department));
	if (rc < 0)
		return rc;
	if (rc != DB_ROW || !review_staff_of(u, department) || (u->role & ROLE_ADMIN))
		return yc_err_set(err, YC_ENOTFOUND, "id", "no callback %s", id);
	if (strcmp(state, "due"))
		return yc_err_conflict(err, "state", state, "a callback that is %s cannot be %s",
				       state, action);
	yc_actor actor = {u->username, account_role_name(u->role)};
	char object[40];
	snprintf(object, sizeof(object), "review-callback/%s", id);
	if (!strcmp(action, "dial")) {
		char review[24] = "", phone[24] = "";
		if ((rc = db_get(d, err, "SELECT review FROM review_callbacks WHERE id = ?", "s",
				 "t", id, review, sizeof(review))) < 0)
			return rc;
		callback_phone(d, review, phone, sizeof(phone));
		if (!phone[0])
			return yc_err_conflict(err, "phone", "none", "the rater left no number");
		if ((rc = audit_append(d, &actor, "review.callback.dial", object, NULL, NULL, NULL,
				       err)))
			return rc;
		yc_buf_addf(out, "{\"id\":\"%s\",\"phone\":", id);
		yc_json_add_str(out, phone);
		yc_buf_adds(out, "}");
		return 0;
	}
	int64_t now = review_now(c);
	int64_t confirmed = yc_json_int(body, "confirmed", 0);
	db_stmt *st =
		db_prepare(d,
			   "UPDATE review_callbacks SET state = ?, result = ?, confirmed = ?,"
			   " staff = ?, done_ms = ? WHERE id = ? AND state = 'due' RETURNING 1",
			   err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, action);
	db_bind_text(st, 2, yc_json_str(body, "result"));
	confirmed ? db_bind_int(st, 3, confirmed) : db_bind_null(st, 3);
	db_bind_text(st, 4, u->username);
	db_bind_int(st, 5, now);
	db_bind_text(st, 6, id);
	int64_t n = 0;
	if ((rc = db_count_rows(st, &n, err)))
		return rc;
	if (n != 1)
		return yc_err_conflict(err, "state", "done", "the callback was recorded meanwhile");
	if ((rc = review_figures_callback(d, c, action, err)))
		return rc;
	if ((rc = audit_append(d, &actor, "review.callback", object, action, NULL, NULL, err)))
		return rc;
	if ((rc = outbox_append(d, "review", "callback", object, NULL, err)))
		return rc;
	yc_buf_addf(out, "{\"id\":\"%s\",\"state\":\"%s\"}", id, action);
	return 0;
}
