/*
 * views.c — what the case module shows beyond one case: lists within
 * the caller's scope, the supervisor's figures, the public progress lookup,
 * the scheduler's work on cases (lights, lapses) and the post-checks of
 * commitment-based cases. The lifecycle itself is lifecycle.c and actions.c.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/case/internal.h"
#include "core/common/notify.h"
#include "core/common/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/* ---- lists and figures ---------------------------------------------------- */

int case_list(db *d, const struct case_ctx *c, const yc_user *actor, const struct case_query *q,
	      yc_buf *out, yc_err *err)
{
	yc_buf sql;
	yc_buf_init(&sql, 0);
	yc_buf_adds(&sql, "SELECT no, item, item_name, department, state, light, deadline,"
			  " deadline_min, yellow_min, submitted_ms, accepted_ms, step_department,"
			  " assignee, applicant, channel FROM cases WHERE 1 = 1");
	const char *args[12];
	int nargs = 0;
	int64_t cursor_min = 0;
	char cursor_no[32] = "";
	/* scope first: the filters only narrow it */
	switch (actor->role) {
	case ROLE_APPLICANT: yc_buf_adds(&sql, " AND applicant_user = ?"); break;
	case ROLE_CLERK:
		yc_buf_adds(&sql, " AND (accept_office = ? OR decide_office = ?)");
		args[nargs++] = actor->office;
		args[nargs++] = actor->office;
		break;
	case ROLE_APPROVER:
		yc_buf_adds(&sql, " AND (department = ? OR step_department = ?)");
		args[nargs++] = actor->department;
		args[nargs++] = actor->department;
		break;
	case ROLE_BANK: yc_buf_adds(&sql, " AND 1 = 0"); break; /* an outlet follows its runs */
	default: break;
	}
	int rc = 0;
	if (q->state) {
		if (case_state_parse(q->state) < 0)
			rc = yc_err_set(err, YC_EINVAL, "state", "no state %s", q->state);
		yc_buf_adds(&sql, " AND state = ?");
		args[nargs++] = q->state;
	}
	if (q->light) {
		if (strcmp(q->light, "green") && strcmp(q->light, "yellow") &&
		    strcmp(q->light, "red"))
			rc = yc_err_set(err, YC_EINVAL, "light",
					"light must be green, yellow or red");
		yc_buf_adds(&sql,
			    " AND light = ? AND state IN ('accepted', 'suspended', 'returned')");
		args[nargs++] = q->light;
	}
	if (q->item) {
		yc_buf_adds(&sql, " AND item = ?");
		args[nargs++] = q->item;
	}
	if (q->department) {
		yc_buf_adds(&sql, " AND (step_department = ? OR (step_department IS NULL AND "
				  "department = ?))");
		args[nargs++] = q->department;
		args[nargs++] = q->department;
	}
	if (q->assignee_me) {
		yc_buf_adds(&sql, " AND assignee = ?");
		args[nargs++] = actor->username;
	}
	if (q->applicant_me && actor->role != ROLE_APPLICANT)
		rc = yc_err_set(err, YC_EINVAL, "applicant", "applicant=me is for applicants");
	if (q->cursor) {
		const char *colon = strchr(q->cursor, ':');
		if (q->by_deadline) {
			char *end;
			cursor_min = colon ? strtoll(q->cursor, &end, 10) : 0;
			if (!colon || end != colon || strlen(colon + 1) >= sizeof(cursor_no))
				rc = yc_err_set(err, YC_EINVAL, "cursor",
						"cursor is not one we gave");
			else
				snprintf(cursor_no, sizeof(cursor_no), "%s", colon + 1);
			yc_buf_adds(&sql, " AND (COALESCE(deadline_min, 9000000000) > ? OR"
					  " (COALESCE(deadline_min, 9000000000) = ? AND no > ?))");
		} else {
			if (colon || strlen(q->cursor) >= sizeof(cursor_no))
				rc = yc_err_set(err, YC_EINVAL, "cursor",
						"cursor is not one we gave");
			snprintf(cursor_no, sizeof(cursor_no), "%s", q->cursor);
			yc_buf_adds(&sql, " AND no < ?");
		}
	}
	yc_buf_adds(&sql, q->by_deadline
				  ? " ORDER BY COALESCE(deadline_min, 9000000000), no LIMIT ?"
				  : " ORDER BY no DESC LIMIT ?");
	if (rc) {
		yc_buf_release(&sql);
		return rc;
	}
	db_stmt *st = db_prepare(d, sql.data, err);
	yc_buf_release(&sql);
	if (!st)
		return db_failed(err);
	int i = 1;
	if (actor->role == ROLE_APPLICANT)
		db_bind_int(st, i++, actor->id);
	for (int k = 0; k < nargs; k++)
		db_bind_text(st, i++, args[k]);
	if (q->cursor && q->by_deadline) {
		db_bind_int(st, i++, cursor_min);
		db_bind_int(st, i++, cursor_min);
		db_bind_text(st, i++, cursor_no);
	} else if (q->cursor) {
		db_bind_text(st, i++, cursor_no);
	}
	db_bind_int(st, i++, q->limit + 1);
	int64_t now_min = case_local_min(c, case_now_ms(c));
	yc_buf_adds(out, "{\"cases\":[");
	int n = 0;
	char next[64] = "";
	bool more = false;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == q->limit) {
			more = true;
			break;
		}
		const char *state = db_col_text(st, 4);
		const char *light = db_col_text(st, 5);
		if (!strcmp(state, "accepted"))
			light = case_light_at(now_min, db_col_int(st, 8), db_col_int(st, 7));
		yc_buf_adds(out, n ? ",{\"no\":" : "{\"no\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"item\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_adds(out, ",\"item_name\":");
		yc_json_add_str(out, db_col_text(st, 2));
		yc_buf_adds(out, ",\"department\":");
		yc_json_add_str(out, db_col_text(st, 3));
		yc_buf_adds(out, ",\"state\":");
		yc_json_add_str(out, state);
		int s = case_state_parse(state);
		yc_buf_adds(out, ",\"state_label\":");
		yc_json_add_str(out, s >= 0 ? case_state_labels[s] : "");
		yc_buf_adds(out, ",\"light\":");
		yc_json_add_str(out, strcmp(light, "none") ? light : NULL);
		yc_buf_adds(out, ",\"deadline\":");
		yc_json_add_str(out, db_col_null(st, 6) ? NULL : db_col_text(st, 6));
		yc_json_add_time(out, "submitted_at", db_col_int(st, 9), c->tz_offset_min);
		yc_json_add_time(out, "accepted_at", db_col_int(st, 10), c->tz_offset_min);
		yc_buf_adds(out, ",\"step_department\":");
		yc_json_add_str(out, db_col_null(st, 11) ? NULL : db_col_text(st, 11));
		yc_buf_adds(out, ",\"assignee\":");
		yc_json_add_str(out, db_col_null(st, 12) ? NULL : db_col_text(st, 12));
		cJSON *a = cJSON_Parse(db_col_text(st, 13));
		char name[64];
		case_mask_name(yc_json_str(a, "name"), name, sizeof(name));
		cJSON_Delete(a);
		yc_buf_adds(out, ",\"applicant_name\":");
		yc_json_add_str(out, name);
		yc_buf_adds(out, ",\"channel\":");
		yc_json_add_str(out, db_col_text(st, 14));
		yc_buf_addc(out, '}');
		if (q->by_deadline)
			snprintf(next, sizeof(next), "%lld:%s",
				 (long long)(db_col_null(st, 7) ? 9000000000LL : db_col_int(st, 7)),
				 db_col_text(st, 0));
		else
			snprintf(next, sizeof(next), "%s", db_col_text(st, 0));
		n++;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	yc_buf_adds(out, "],\"next_cursor\":");
	yc_json_add_str(out, more ? next : NULL);
	return yc_buf_addc(out, '}');
}

/*
 * The supervisor's figures: open cases by light, per department and per item
 * (the 20 with most yellow and red), counted over the open cases alone; and
 * the totals with, for decided cases, the share decided on time and the
 * working days used against the promised limit (day limits only; hour limits
 * are reported on time or not), read from the kept figures (figures.c).
 */
int case_stats(db *d, const struct case_ctx *c, yc_buf *out, yc_err *err)
{
	int64_t now_min = case_local_min(c, case_now_ms(c));
	yc_buf_adds(out, "{\"by_department\":[");
	db_stmt *st = db_prepare(
		d,
		"SELECT COALESCE(step_department, department), light, yellow_min, deadline_min, "
		"state,"
		" COUNT(*) FROM cases WHERE state IN ('accepted', 'suspended', 'returned')"
		" GROUP BY 1, 2, 3, 4, 5 ORDER BY 1",
		err);
	if (!st)
		return db_failed(err);
	/* fold rows into departments (few) in one pass */
	char dept[32] = "";
	int64_t counts[3] = {0, 0, 0};
	int k = 0, rc;
	bool any = false;
	while ((rc = db_step(st, err)) == DB_ROW || rc == DB_DONE) {
		bool done = rc == DB_DONE;
		if (done || strcmp(dept, db_col_text(st, 0))) {
			if (any)
				yc_buf_addf(
					out,
					"%s{\"department\":\"%s\",\"green\":%lld,\"yellow\":%lld,"
					"\"red\":%lld}",
					k++ ? "," : "", dept, (long long)counts[0],
					(long long)counts[1], (long long)counts[2]);
			if (done)
				break;
			snprintf(dept, sizeof(dept), "%s", db_col_text(st, 0));
			counts[0] = counts[1] = counts[2] = 0;
			any = true;
		}
		const char *light = db_col_text(st, 1);
		if (!strcmp(db_col_text(st, 4), "accepted"))
			light = case_light_at(now_min, db_col_int(st, 2), db_col_int(st, 3));
		int idx = !strcmp(light, "red") ? 2 : !strcmp(light, "yellow") ? 1 : 0;
		counts[idx] += db_col_int(st, 5);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	yc_buf_adds(out, "],\"by_item\":[");
	st = db_prepare(d,
			"SELECT item, item_name, SUM(CASE WHEN light = 'yellow' THEN 1 ELSE 0 END),"
			" SUM(CASE WHEN light = 'red' THEN 1 ELSE 0 END) FROM cases"
			" WHERE state IN ('accepted', 'suspended', 'returned')"
			" AND light IN ('yellow', 'red') GROUP BY item, item_name"
			" ORDER BY 4 DESC, 3 DESC, item LIMIT 20",
			err);
	if (!st)
		return db_failed(err);
	k = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		yc_buf_adds(out, k++ ? ",{\"item\":" : "{\"item\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"item_name\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_addf(out, ",\"yellow\":%lld,\"red\":%lld}", (long long)db_col_int(st, 2),
			    (long long)db_col_int(st, 3));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	/* the totals and the decided cases' record: kept by each case (figures.c) */
	if ((rc = yc_buf_adds(out, "]")) || (rc = case_figures_render(d, out, err)))
		return rc;
	return yc_buf_adds(out, "}");
}

int case_progress(db *d, const struct case_ctx *c, const char *no, const char *phone4, yc_buf *out,
		  yc_err *err)
{
	struct case_row row;
	int rc = case_row_load(d, no, &row, err);
	if (rc)
		return rc == YC_ENOTFOUND ? yc_err_set(err, YC_ENOTFOUND, "no",
						       "no case matches this number and phone")
					  : rc;
	/* the same answer for a wrong phone as for an unknown number */
	if (!phone4 || strlen(row.phone4) != 4 || !yc_secure_equal(phone4, row.phone4)) {
		case_row_free(&row);
		return yc_err_set(err, YC_ENOTFOUND, "no", "no case matches this number and phone");
	}
	yc_buf_adds(out, "{\"no\":");
	yc_json_add_str(out, row.no);
	yc_buf_adds(out, ",\"item_name\":");
	yc_json_add_str(out, row.item_name);
	yc_buf_addf(out, ",\"state\":\"%s\",\"state_label\":\"%s\"", case_state_name(row.state),
		    case_state_labels[row.state]);
	yc_json_add_time(out, "submitted_at", row.submitted_ms, c->tz_offset_min);
	yc_json_add_time(out, "accepted_at", row.accepted_ms, c->tz_offset_min);
	yc_json_add_time(out, "decided_at", row.decided_ms, c->tz_offset_min);
	yc_json_add_time(out, "closed_at", row.closed_ms, c->tz_offset_min);
	yc_buf_adds(out, ",\"deadline\":");
	yc_json_add_str(out, row.deadline[0] ? row.deadline : NULL);
	yc_buf_adds(out, ",\"light\":");
	yc_json_add_str(out,
			strcmp(case_live_light(c, &row), "none") ? case_live_light(c, &row) : NULL);
	rc = case_render_timeline(d, c, row.no, 0, out, err);
	yc_buf_addc(out, '}');
	case_row_free(&row);
	return rc;
}

/* ---- scheduler work ------------------------------------------------------- */

static int notify_supervisors(db *d, const char *text, yc_err *err)
{
	db_stmt *st =
		db_prepare(d,
			   "SELECT username FROM users WHERE role = 'supervisor' AND disabled = 0"
			   " ORDER BY id",
			   err);
	if (!st)
		return db_failed(err);
	char names[32][40];
	int n = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW && n < 32)
		db_col_copy(st, 0, names[n++], sizeof(names[0]));
	db_done(st);
	for (int i = 0; i < n && rc >= 0; i++) {
		char to[64];
		snprintf(to, sizeof(to), "user:%s", names[i]);
		rc = notify_queue(d, "sms", to, text, err);
	}
	return rc < 0 ? rc : 0;
}

int case_refresh_lights(db *d, const struct case_ctx *c, int64_t *changed, yc_err *err)
{
	*changed = 0;
	int64_t now_min = case_local_min(c, case_now_ms(c));
	/* only cases whose stored light is behind: the clock passed a threshold */
	db_stmt *st = db_prepare(d,
				 "SELECT no, light, yellow_min, deadline_min, assignee, item_name,"
				 " accept_office, COALESCE(step_department, department)"
				 " FROM cases WHERE state = 'accepted' AND ((light = 'green' AND"
				 " yellow_min <= ?) OR (light <> 'red' AND deadline_min <= ?))"
				 " ORDER BY no LIMIT 500",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, now_min);
	db_bind_int(st, 2, now_min);
	struct {
		char no[32], light[8], assignee[40], item_name[120], office[32], department[32];
	} rows[500];
	int n = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW && n < 500) {
		db_col_copy(st, 0, rows[n].no, sizeof(rows[n].no));
		snprintf(rows[n].light, sizeof(rows[n].light), "%s",
			 case_light_at(now_min, db_col_int(st, 2), db_col_int(st, 3)));
		db_col_copy(st, 4, rows[n].assignee, sizeof(rows[n].assignee));
		db_col_copy(st, 5, rows[n].item_name, sizeof(rows[n].item_name));
		db_col_copy(st, 6, rows[n].office, sizeof(rows[n].office));
		db_col_copy(st, 7, rows[n].department, sizeof(rows[n].department));
		n++;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		if ((rc = db_run(d, err, "UPDATE cases SET light = ? WHERE no = ?", "ss",
				 rows[i].light, rows[i].no)))
			return rc;
		/* office, department and assignee: who may see it on /events (staff in scope) */
		char text[400];
		yc_buf payload;
		yc_buf_init(&payload, 0);
		yc_buf_adds(&payload, "{\"no\":");
		yc_json_add_str(&payload, rows[i].no);
		yc_buf_adds(&payload, ",\"light\":");
		yc_json_add_str(&payload, rows[i].light);
		yc_buf_adds(&payload, ",\"office\":");
		yc_json_add_str(&payload, rows[i].office);
		yc_buf_adds(&payload, ",\"department\":");
		yc_json_add_str(&payload, rows[i].department);
		yc_buf_adds(&payload, ",\"assignee\":");
		yc_json_add_str(&payload, rows[i].assignee[0] ? rows[i].assignee : NULL);
		yc_buf_addc(&payload, '}');
		rc = outbox_append(d, "case", "light", rows[i].no, payload.data, err);
		yc_buf_release(&payload);
		if (rc)
			return rc;
		if (!strcmp(rows[i].light, "yellow") && rows[i].assignee[0]) {
			char to[64];
			snprintf(to, sizeof(to), "user:%s", rows[i].assignee);
			snprintf(text, sizeof(text), "【一窗】办件%s（%s）即将到期（黄灯）",
				 rows[i].no, rows[i].item_name);
			rc = notify_queue(d, "sms", to, text, err);
		} else if (!strcmp(rows[i].light, "red")) {
			snprintf(text, sizeof(text), "【一窗】办件%s（%s）已超期（红灯）",
				 rows[i].no, rows[i].item_name);
			rc = notify_supervisors(d, text, err);
		}
		if (rc)
			return rc;
		(*changed)++;
	}
	return 0;
}

int case_lapse_corrections(db *d, const struct case_ctx *c, int64_t *lapsed, yc_err *err)
{
	*lapsed = 0;
	char today[16];
	yc_date_format(case_min_day(case_local_min(c, case_now_ms(c))), today, sizeof(today));
	db_stmt *st = db_prepare(d,
				 "SELECT no FROM cases WHERE state = 'correction' AND due_day < ?"
				 " ORDER BY no LIMIT 200",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, today);
	char nos[200][32];
	int n = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW && n < 200)
		db_col_copy(st, 0, nos[n++], sizeof(nos[0]));
	db_done(st);
	if (rc < 0)
		return rc;
	yc_user sys;
	memset(&sys, 0, sizeof(sys));
	sys.role = ROLE_SYSTEM;
	snprintf(sys.username, sizeof(sys.username), "system");
	for (int i = 0; i < n; i++) {
		if ((rc = case_act(d, c, &sys, nos[i], CA_LAPSE, NULL, NULL, err)))
			return rc;
		(*lapsed)++;
	}
	return 0;
}

/* ---- post-checks of commitment-based cases -------------------------------- */

/*
 * A post-check's lifecycle: a commitment-based case decided at acceptance
 * opens one for its department (create_post_check); an approver of that
 * department completes it as found (case_post_check_complete):
 *
 *   open ──complete──► passed
 *     └────complete──► failed  (the applicant's commitment did not hold)
 */
static const char *const post_check_state_names[PS_N] = {"open", "passed", "failed"};
static const char *const post_check_action_names[PA_N] = {"complete"};

static const struct lc_row post_check_rows[] = {
	/* from  action       roles          to         alt: as found */
	{PS_OPEN, PA_COMPLETE, ROLE_APPROVER, PS_PASSED, PS_FAILED, 0},
};

const struct lc_table case_post_check_lifecycle = {
	"post-check",
	post_check_rows,
	(int)(sizeof(post_check_rows) / sizeof(post_check_rows[0])),
	post_check_state_names,
	PS_N,
	post_check_action_names,
	PA_N,
};

int case_post_checks_json(db *d, const yc_user *actor, const char *state, yc_buf *out, yc_err *err)
{
	if (state && strcmp(state, "open") && strcmp(state, "passed") && strcmp(state, "failed"))
		return yc_err_set(err, YC_EINVAL, "state", "state must be open, passed or failed");
	bool scoped = actor->role == ROLE_APPROVER;
	db_stmt *st = db_prepare(
		d,
		scoped ? "SELECT p.case_no AS \"case\", p.department, p.due_day, p.state, p.result,"
			 " c.item_name FROM post_checks p JOIN cases c ON c.no = p.case_no"
			 " WHERE p.state = ? AND p.department = ? ORDER BY p.due_day, p.case_no"
			 " LIMIT 500"
		       : "SELECT p.case_no AS \"case\", p.department, p.due_day, p.state, p.result,"
			 " c.item_name FROM post_checks p JOIN cases c ON c.no = p.case_no"
			 " WHERE p.state = ? ORDER BY p.due_day, p.case_no LIMIT 500",
		err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, state ? state : "open");
	if (scoped)
		db_bind_text(st, 2, actor->department);
	yc_buf_adds(out, "{\"post_checks\":");
	int rc = db_rows_json(st, "ssssss", out, err);
	return rc ? rc : yc_buf_addc(out, '}');
}

int case_post_check_complete(db *d, const struct case_ctx *c, const yc_user *actor, const char *no,
			     const cJSON *body, yc_buf *out, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"result", YC_JT_STRING, true, 16},
		{"note", YC_JT_STRING, false, 1000},
	};
	int rc = yc_json_check(body, spec, 2, err);
	if (rc)
		return rc;
	const char *result = yc_json_str(body, "result");
	if (strcmp(result, "passed") && strcmp(result, "failed"))
		return yc_err_set(err, YC_EINVAL, "result", "result must be passed or failed");
	db_stmt *st =
		db_prepare(d, "SELECT department, state FROM post_checks WHERE case_no = ?", err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, no);
	char dept[32] = "", state[16] = "";
	if ((rc = db_step(st, err)) == DB_ROW) {
		db_col_copy(st, 0, dept, sizeof(dept));
		db_col_copy(st, 1, state, sizeof(state));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return yc_err_set(err, YC_ENOTFOUND, "no", "no post-check for case %s", no);
	if (actor->role == ROLE_APPROVER && strcmp(actor->department, dept))
		return yc_err_set(err, YC_EFORBIDDEN, "no", "this post-check belongs to %s", dept);
	const struct lc_table *lc = &case_post_check_lifecycle;
	const struct lc_row *row = lc_find(lc, lc_state(lc, state), PA_COMPLETE);
	if (!row) {
		rc = yc_err_conflict(err, "state", state, "the post-check is %s already", state);
		return rc;
	}
	const char *next = lc_state_name(lc, !strcmp(result, "passed") ? row->to : row->alt);
	assert(!strcmp(next, result));
	const char *note = yc_json_str(body, "note") ? yc_json_str(body, "note") : "";
	if ((rc = db_run(d, err,
			 "UPDATE post_checks SET state = ?, result = ?, done_by = ?, done_ms = ?"
			 " WHERE case_no = ? AND state = ?",
			 "sssiss", next, note, actor->username, case_now_ms(c), no, state)))
		return rc;
	char object[48];
	snprintf(object, sizeof(object), "case/%s", no);
	yc_actor a = {actor->username, case_role_name(actor)};
	if ((rc = audit_append(d, &a, "case.post_check", object, note, "{\"state\":\"open\"}",
			       !strcmp(result, "passed") ? "{\"state\":\"passed\"}"
							 : "{\"state\":\"failed\"}",
			       err)))
		return rc;
	yc_buf_adds(out, "{\"case\":");
	yc_json_add_str(out, no);
	yc_buf_adds(out, ",\"state\":");
	yc_json_add_str(out, result);
	return yc_buf_addc(out, '}');
}
