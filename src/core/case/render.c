/* render.c — a case as JSON: its facts, timeline and the actions open to the caller. */
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

const char *case_live_light(const struct case_ctx *c, const struct case_row *row)
{
	if (row->state == CS_ACCEPTED)
		return case_light_at(case_local_min(c, case_now_ms(c)), row->yellow_min,
				     row->deadline_min);
	return row->light;
}

int case_render_timeline(db *d, const struct case_ctx *c, const char *no, int parts, yc_buf *b,
			 yc_err *err)
{
	db_stmt *st =
		db_prepare(d,
			   "SELECT seq, at_ms, actor, role, action, from_state, to_state, step,"
			   " note FROM case_events WHERE case_no = ? ORDER BY seq",
			   err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, no);
	yc_buf_adds(b, ",\"timeline\":[");
	int rc, k = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		char t[40];
		yc_time_format_iso(db_col_int(st, 1), c->tz_offset_min, t, sizeof(t));
		int to = case_state_parse(db_col_text(st, 6));
		/* plain appends: a timeline is written on every case view */
		yc_buf_adds(b, k++ ? ",{\"seq\":" : "{\"seq\":");
		yc_buf_addi(b, db_col_int(st, 0));
		yc_buf_adds(b, ",\"at\":\"");
		yc_buf_adds(b, t);
		yc_buf_adds(b, "\",\"action\":");
		yc_json_add_str(b, db_col_text(st, 4));
		yc_buf_adds(b, ",\"from\":");
		yc_json_add_str(b, db_col_text(st, 5));
		yc_buf_adds(b, ",\"to\":");
		yc_json_add_str(b, db_col_text(st, 6));
		yc_buf_adds(b, ",\"to_label\":");
		yc_json_add_str(b, to >= 0 ? case_state_labels[to] : "");
		yc_buf_adds(b, ",\"step\":");
		yc_buf_addi(b, db_col_int(st, 7));
		if (parts & CASE_TIMELINE_ACTORS) {
			yc_buf_adds(b, ",\"actor\":");
			yc_json_add_str(b, db_col_text(st, 2));
		}
		if (parts & CASE_TIMELINE_NOTES) {
			yc_buf_adds(b, ",\"role\":");
			yc_json_add_str(b, db_col_text(st, 3));
			yc_buf_adds(b, ",\"note\":");
			yc_json_add_str(b, db_col_text(st, 8));
		}
		yc_buf_addc(b, '}');
	}
	db_done(st);
	yc_buf_addc(b, ']');
	return rc < 0 ? rc : 0;
}

/* The actions this caller may take now (for screens; case_act checks again). */
static void render_actions(yc_buf *b, const struct case_row *row, const yc_user *u)
{
	yc_buf_adds(b, ",\"actions\":[");
	int k = 0;
	for (int i = 0; i < case_table_len; i++) {
		const struct lc_row *t = &case_table[i];
		if ((int)t->from != row->state || !(t->roles & u->role))
			continue;
		if (case_may_act(row, u, t->action, NULL))
			continue;
		yc_buf_adds(b, k++ ? ",\"" : "\"");
		yc_buf_adds(b, case_action_name(t->action));
		yc_buf_addc(b, '"');
	}
	yc_buf_addc(b, ']');
}

/* What the case JSON shows of its rules: the same for every case of one item version. */
int case_rule_fragment(const cJSON *rule, yc_buf *b)
{
	yc_buf_adds(b, ",\"case_type\":");
	yc_json_add_str(b, yc_json_str(rule, "case_type"));
	yc_buf_addf(b, ",\"commitment\":%s",
		    yc_json_bool(rule, "commitment", false) ? "true" : "false");
	yc_buf_adds(b, ",\"limit\":");
	yc_json_add_item(b, cJSON_GetObjectItemCaseSensitive(rule, "limit"));
	yc_buf_adds(b, ",\"required_materials\":");
	yc_json_add_item(b, cJSON_GetObjectItemCaseSensitive(rule, "materials"));
	yc_buf_adds(b, ",\"steps\":");
	yc_json_add_item(b, cJSON_GetObjectItemCaseSensitive(rule, "steps"));
	yc_buf_adds(b, ",\"form_fields\":");
	yc_json_add_item(b, cJSON_GetObjectItemCaseSensitive(rule, "form"));
	yc_buf_adds(b, ",\"case_delivery_modes\":");
	return yc_json_add_item(b, cJSON_GetObjectItemCaseSensitive(rule, "delivery"));
}

int case_render_case(db *d, const struct case_ctx *c, const struct case_row *row, const yc_user *u,
		     yc_buf *b, yc_err *err)
{
	yc_buf_adds(b, "{\"no\":");
	yc_json_add_str(b, row->no);
	yc_buf_adds(b, ",\"item\":");
	yc_json_add_str(b, row->item);
	yc_buf_adds(b, ",\"item_name\":");
	yc_json_add_str(b, row->item_name);
	yc_buf_adds(b, ",\"department\":");
	yc_json_add_str(b, row->department);
	yc_buf_adds(b, ",\"state\":\"");
	yc_buf_adds(b, case_state_name(row->state));
	yc_buf_adds(b, "\",\"state_label\":\"");
	yc_buf_adds(b, case_state_labels[row->state]);
	yc_buf_addc(b, '"');
	if (row->process_run[0]) { /* a part of a composite process: rated as its run */
		yc_buf_adds(b, ",\"process_run\":");
		yc_json_add_str(b, row->process_run);
	}
	yc_buf_adds(b, ",\"channel\":");
	yc_json_add_str(b, row->channel);
	yc_buf_adds(b, ",\"accept_office\":");
	yc_json_add_str(b, row->accept_office);
	yc_buf_adds(b, ",\"decide_office\":");
	yc_json_add_str(b, row->decide_office);
	if (row->rule_fragment)
		yc_buf_adds(b, row->rule_fragment);
	else
		case_rule_fragment(row->rule, b);
	yc_buf_adds(b, ",\"applicant\":");
	case_add_masked_person(b, row->applicant,
			       u->role != ROLE_APPLICANT || case_is_owner(row, u));
	yc_buf_adds(b, ",\"kind\":");
	yc_json_add_str(b, yc_json_str(row->applicant, "kind"));
	const cJSON *agent = cJSON_GetObjectItemCaseSensitive(row->applicant, "agent");
	if (agent) {
		yc_buf_adds(b, ",\"agent\":");
		case_add_masked_person(b, agent, true);
		yc_buf_addc(b, '}');
	}
	yc_buf_addc(b, '}');
	yc_buf_adds(b, ",\"form\":");
	case_add_form(b, row, case_is_owner(row, u));
	yc_buf_adds(b, ",\"materials\":");
	if (row->materials_text)
		yc_buf_adds(b, row->materials_text);
	else
		yc_json_add_item(b, row->materials);
	yc_buf_adds(b, ",\"missing\":");
	if (row->missing_text)
		yc_buf_adds(b, row->missing_text);
	else
		yc_json_add_item(b, row->missing);
	yc_buf_adds(b, ",\"due_day\":");
	yc_json_add_str(b, row->due_day[0] ? row->due_day : NULL);
	yc_json_add_time(b, "submitted_at", row->submitted_ms, c->tz_offset_min);
	yc_json_add_time(b, "accepted_at", row->accepted_ms, c->tz_offset_min);
	yc_json_add_time(b, "decided_at", row->decided_ms, c->tz_offset_min);
	yc_json_add_time(b, "closed_at", row->closed_ms, c->tz_offset_min);
	yc_buf_adds(b, ",\"deadline\":");
	yc_json_add_str(b, row->deadline[0] ? row->deadline : NULL);
	yc_buf_adds(b, ",\"light\":");
	yc_json_add_str(b,
			strcmp(case_live_light(c, row), "none") ? case_live_light(c, row) : NULL);
	yc_buf_adds(b, ",\"current_step\":");
	const cJSON *step = case_rule_step(row, row->step);
	if (step && (row->state == CS_ACCEPTED || row->state == CS_SUSPENDED ||
		     row->state == CS_RETURNED)) {
		yc_buf_addf(b, "{\"index\":%d,\"of\":%d,\"name\":", row->step,
			    case_rule_nsteps(row));
		yc_json_add_str(b, yc_json_str(step, "name"));
		yc_buf_adds(b, ",\"department\":");
		yc_json_add_str(b, row->step_department);
		yc_buf_adds(b, ",\"assignee\":");
		yc_json_add_str(b, row->assignee[0] ? row->assignee : NULL);
		yc_buf_addc(b, '}');
	} else {
		yc_buf_adds(b, "null");
	}
	yc_buf_adds(b, ",\"delivery\":");
	if (cJSON_IsObject(row->delivery)) {
		/* the pickup code is the applicant's secret; the address is masked for others */
		bool owner = case_is_owner(row, u);
		bool address = owner || u->role == ROLE_CLERK;
		const cJSON *v;
		int k = 0;
		yc_buf_addc(b, '{');
		cJSON_ArrayForEach (v, row->delivery) {
			if (!v->string || (!owner && !strcmp(v->string, "pickup_code")))
				continue;
			yc_buf_adds(b, k++ ? "," : "");
			yc_json_add_str(b, v->string);
			yc_buf_addc(b, ':');
			if (!address && !strcmp(v->string, "address"))
				yc_buf_adds(b, "\"***\"");
			else
				yc_json_add_item(b, v);
		}
		yc_buf_addc(b, '}');
	} else {
		yc_buf_adds(b, "null");
	}
	yc_buf_adds(b, ",\"version\":");
	yc_buf_addi(b, row->version);
	render_actions(b, row, u);
	/* staff see who acted; an applicant sees the role and the note, not the staff member */
	int rc = case_render_timeline(
		d, c, row->no,
		CASE_TIMELINE_NOTES | (u->role == ROLE_APPLICANT ? 0 : CASE_TIMELINE_ACTORS), b,
		err);
	yc_buf_addc(b, '}');
	return rc;
}

int case_json(db *d, const struct case_ctx *c, const yc_user *actor, const char *no, yc_buf *out,
	      yc_err *err)
{
	struct case_row row;
	int rc = case_row_load_view(d, no, &row, err);
	if (rc)
		return rc;
	if (!(rc = case_may_view(&row, actor, err)))
		rc = case_render_case(d, c, &row, actor, out, err);
	case_row_free(&row);
	return rc;
}
