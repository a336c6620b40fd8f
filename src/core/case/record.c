/* record.c — what a change leaves: timeline events, outbox and notifications, review steps. */
#include "core/case/case.h"

#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/case/internal.h"
#include "core/common/ids.h"
#include "core/common/material.h"
#include "core/common/notify.h"
#include "core/common/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/* A new case's first event, kept for the end of its transaction. */
struct first_event {
	char no[32];
	int64_t at_ms;
	char actor[40];
	char role[16];
	char state[16];
};

static void first_event_bind(db_stmt *st, int col, size_t i, void *arg)
{
	const struct first_event *e = ((struct first_event **)arg)[i];
	db_bind_text(st, col++, e->no);
	db_bind_int(st, col++, 1);
	db_bind_int(st, col++, e->at_ms);
	db_bind_text(st, col++, e->actor);
	db_bind_text(st, col++, e->role);
	db_bind_text(st, col++, "submit");
	db_bind_text(st, col++, e->state);
	db_bind_text(st, col++, e->state);
	db_bind_int(st, col++, -1);
	db_bind_text(st, col++, "");
}

#define CASE_EVENT_INSERT                                                                          \
	"INSERT INTO case_events (case_no, seq, at_ms, actor, role, action, from_state,"           \
	" to_state, step, note)"

static int first_events_flush(db *d, void **entries, size_t n, yc_err *err)
{
	return db_insert_rows(d, CASE_EVENT_INSERT, 10, n, first_event_bind, entries, err);
}

static int add_event(db *d, const struct case_row *row, const yc_user *actor, int64_t now_ms,
		     const char *action, int from, const char *note, yc_err *err)
{
	if (!strcmp(action, "submit") && db_queuing(d)) {
		struct first_event *e = calloc(1, sizeof(*e));
		if (!e)
			return yc_err_set(err, YC_ENOMEM, NULL, NULL);
		snprintf(e->no, sizeof(e->no), "%s", row->no);
		e->at_ms = now_ms;
		snprintf(e->actor, sizeof(e->actor), "%s", actor->username);
		snprintf(e->role, sizeof(e->role), "%s", case_role_name(actor));
		snprintf(e->state, sizeof(e->state), "%s", case_state_name(from));
		return db_defer(d, CASE_EVENTS_FLUSH, first_events_flush, e, free, err);
	}
	return db_run(d, err, CASE_EVENT_INSERT " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		      "siisssssis", row->no, row->version, now_ms, actor->username,
		      case_role_name(actor), action, case_state_name(from),
		      case_state_name(row->state), (int64_t)row->step, note ? note : "");
}

/*
 * Everything a change owes besides the row: the timeline event, the audit
 * event (before and after states), the outbox event screens and other nodes
 * follow, and a notification to the applicant when there is news for them.
 */
int case_record_change(db *d, const struct case_row *row, const yc_user *actor, int64_t now_ms,
		       const char *action, int from, const char *note, const char *tell_applicant,
		       yc_err *err)
{
	int rc = add_event(d, row, actor, now_ms, action, from, note, err);
	if (rc)
		return rc;
	char object[48], before[64], after[64];
	snprintf(object, sizeof(object), "case/%s", row->no);
	snprintf(before, sizeof(before), "{\"state\":\"%s\"}", case_state_name(from));
	snprintf(after, sizeof(after), "{\"state\":\"%s\"}", case_state_name(row->state));
	yc_actor a = {actor->username, case_role_name(actor)};
	char audit_action[48];
	snprintf(audit_action, sizeof(audit_action), "case.%s", action);
	if ((rc = audit_append(d, &a, audit_action, object, note ? note : "", before, after, err)))
		return rc;
	yc_buf p;
	yc_buf_init(&p, 0);
	yc_buf_adds(&p, "{\"no\":");
	yc_json_add_str(&p, row->no);
	yc_buf_addf(&p, ",\"state\":\"%s\",\"from\":\"%s\",\"department\":",
		    case_state_name(row->state), case_state_name(from));
	yc_json_add_str(&p, row->step_department[0] ? row->step_department : row->department);
	yc_buf_adds(&p, ",\"office\":");
	yc_json_add_str(&p, row->accept_office);
	yc_buf_adds(&p, ",\"assignee\":");
	yc_json_add_str(&p, row->assignee[0] ? row->assignee : NULL);
	yc_buf_adds(&p, ",\"light\":");
	yc_json_add_str(&p, row->light);
	yc_buf_addc(&p, '}');
	rc = outbox_append(d, "case", action, row->no, p.data, err);
	yc_buf_release(&p);
	if (rc || !tell_applicant)
		return rc;
	char to[48], text[512];
	snprintf(to, sizeof(to), "case:%s", row->no);
	snprintf(text, sizeof(text), "【一窗】您的办件%s（%s）%s", row->no, row->item_name,
		 tell_applicant);
	return notify_queue(d, "sms", to, text, err);
}

/*
 * Enters review step index: the step's department, and an assignee chosen by
 * the item's rule — random among the department's approvers, round-robin
 * (a cursor per department), or none (manual: a supervisor assigns, or an
 * approver claims). The assignee is told.
 */
int case_enter_step(db *d, struct case_row *row, int index, yc_err *err)
{
	const cJSON *step = case_rule_step(row, index);
	row->step = index;
	snprintf(row->step_department, sizeof(row->step_department), "%s",
		 step ? yc_json_str(step, "department") : "");
	row->assignee[0] = '\0';
	const char *rule = yc_json_str(row->rule, "assignment");
	if (!step || (rule && !strcmp(rule, "manual")))
		return 0;
	db_stmt *st = db_prepare(d,
				 "SELECT id, username FROM users WHERE role = 'approver'"
				 " AND department = ? AND disabled = 0 ORDER BY id",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, row->step_department);
	int64_t ids[64];
	char names[64][40];
	int n = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW && n < 64) {
		ids[n] = db_col_int(st, 0);
		db_col_copy(st, 1, names[n], sizeof(names[n]));
		n++;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (!n)
		return 0; /* nobody eligible: the step waits for a claim */
	int pick = 0;
	if (rule && !strcmp(rule, "round_robin")) {
		db_stmt *cur = db_prepare(
			d, "SELECT last_user FROM assign_cursors WHERE department = ?", err);
		if (!cur)
			return db_failed(err);
		db_bind_text(cur, 1, row->step_department);
		int64_t last = db_step(cur, NULL) == DB_ROW ? db_col_int(cur, 0) : 0;
		db_done(cur);
		for (pick = 0; pick < n && ids[pick] <= last; pick++)
			;
		if (pick == n)
			pick = 0;
		if ((rc = db_run(d, err,
				 "INSERT INTO assign_cursors (department, last_user) VALUES (?, ?)"
				 " ON CONFLICT (department) DO UPDATE SET last_user = "
				 "excluded.last_user",
				 "si", row->step_department, ids[pick])))
			return rc;
	} else {
		uint32_t r = 0;
		yc_random_bytes(&r, sizeof(r));
		pick = (int)(r % (uint32_t)n);
	}
	snprintf(row->assignee, sizeof(row->assignee), "%s", names[pick]);
	char to[64], text[512];
	snprintf(to, sizeof(to), "user:%s", row->assignee);
	snprintf(text, sizeof(text), "【一窗】待审批办件%s（%s），期限%s", row->no, row->item_name,
		 row->deadline[0] ? row->deadline : "—");
	return notify_queue(d, "sms", to, text, err);
}
