/*
 * run_view.c — a run as its viewers see it: its parts with their cases'
 * departments, states and lights, its own light against the process's
 * promise, one timeline of every part; the lists of runs; and the event its
 * watchers follow. The applicant's identity leaves masked.
 */
#include "core/process/process.h"
#include "core/process/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/outbox.h"
#include "lib/json.h"
#include "lib/banned.h"

static const char *const state_labels[] = {
	[PS_RUNNING] = "办理中", [PS_APPROVED] = "已办结",  [PS_PARTIAL] = "部分办结",
	[PS_DENIED] = "未获准",	 [PS_WITHDRAWN] = "已撤回",
};
static const char *const part_labels[] = {
	[PP_SKIPPED] = "不适用",   [PP_WAITING] = "待前序办结", [PP_RUNNING] = "办理中",
	[PP_APPROVED] = "已办结",  [PP_DENIED] = "未获准",	[PP_WITHDRAWN] = "已撤回",
	[PP_CANCELLED] = "已终止",
};

/* Keeps a name's first character (UTF-8): "张三" → "张**". */
static void add_masked_name(yc_buf *b, const char *s)
{
	char out[16] = "";
	if (s && *s) {
		size_t n = 1;
		while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80 && n < 4)
			n++;
		memcpy(out, s, n);
		memcpy(out + n, "**", 3);
	}
	yc_json_add_str(b, out);
}

/* The run's light against its promise: none before acceptance; at the decision once decided. */
static const char *run_light(const struct case_ctx *c, const struct run_row *r)
{
	if (!r->accepted_ms || !r->deadline_min)
		return "none";
	int64_t at = case_minute_of(c, r->state == PS_RUNNING ? 0 : r->decided_ms);
	return case_light_at(at, r->yellow_min, r->deadline_min);
}

/* A part's case as the run shows it (the case's own view is GET /cases/{no}). */
struct part_case {
	char no[32], item_name[304], department[32], department_name[128], state[16], light[8],
		deadline[40], step_department[32];
	int64_t deadline_min, yellow_min;
};

static int load_part_cases(db *d, const struct case_ctx *c, const struct run_row *r,
			   struct part_case *pc, yc_err *err)
{
	db_stmt *st = db_prepare(
		d,
		"SELECT c.no, c.process_part, c.item_name, c.department, COALESCE(dp.name, ''),"
		" c.state, c.light, COALESCE(c.deadline, ''), c.deadline_min, c.yellow_min,"
		" COALESCE(c.step_department, '') FROM cases c"
		" LEFT JOIN departments dp ON dp.code = c.department WHERE c.process_run = ?",
		err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, r->no);
	int rc;
	int64_t now_min = case_minute_of(c, 0);
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t i = db_col_int(st, 1);
		if (i < 0 || i >= r->def.nparts)
			continue;
		struct part_case *p = &pc[i];
		db_col_copy(st, 0, p->no, sizeof(p->no));
		db_col_copy(st, 2, p->item_name, sizeof(p->item_name));
		db_col_copy(st, 3, p->department, sizeof(p->department));
		db_col_copy(st, 4, p->department_name, sizeof(p->department_name));
		db_col_copy(st, 5, p->state, sizeof(p->state));
		db_col_copy(st, 6, p->light, sizeof(p->light));
		db_col_copy(st, 7, p->deadline, sizeof(p->deadline));
		p->deadline_min = db_col_int(st, 8);
		p->yellow_min = db_col_int(st, 9);
		db_col_copy(st, 10, p->step_department, sizeof(p->step_department));
		if (!strcmp(p->state, "accepted") && p->deadline_min) /* the light now */
			snprintf(p->light, sizeof(p->light), "%s",
				 case_light_at(now_min, p->yellow_min, p->deadline_min));
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static bool may_view(const struct run_row *r, const struct part_case *pc, const yc_user *u)
{
	switch (u->role) {
	case ROLE_SUPERVISOR:
	case ROLE_ADMIN: return true;
	case ROLE_APPLICANT: return r->applicant_user && r->applicant_user == u->id;
	case ROLE_CLERK: return !strcmp(u->office, r->accept_office);
	case ROLE_BANK: return r->outlet[0] && !strcmp(u->outlet, r->outlet);
	case ROLE_APPROVER:
		for (int i = 0; i < r->def.nparts; i++)
			if (pc[i].no[0] && (!strcmp(pc[i].department, u->department) ||
					    !strcmp(pc[i].step_department, u->department)))
				return true;
		return false;
	default: return false;
	}
}

static void add_part(yc_buf *b, const struct run_row *r, int i, enum process_part_state ps,
		     const struct part_case *p)
{
	const cJSON *part =
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r->doc, "parts"), i);
	yc_buf_adds(b, "{\"id\":");
	yc_json_add_str(b, r->def.part_id[i]);
	yc_buf_adds(b, ",\"name\":");
	yc_json_add_str(b, yc_json_str(part, "name") ? yc_json_str(part, "name") : p->item_name);
	yc_buf_adds(b, ",\"item\":");
	yc_json_add_str(b, r->def.part_item[i]);
	yc_buf_adds(b, ",\"after\":");
	const cJSON *after = cJSON_GetObjectItemCaseSensitive(part, "after");
	if (after)
		yc_json_add_item(b, after);
	else
		yc_buf_adds(b, "[]");
	yc_buf_addf(b, ",\"state\":\"%s\",\"state_label\":\"%s\",\"case\":",
		    process_part_state_name(ps), part_labels[ps]);
	if (!p->no[0]) {
		yc_buf_adds(b, "null}");
		return;
	}
	yc_buf_adds(b, "{\"no\":");
	yc_json_add_str(b, p->no);
	yc_buf_adds(b, ",\"item_name\":");
	yc_json_add_str(b, p->item_name);
	yc_buf_adds(b, ",\"department\":");
	yc_json_add_str(b, p->department);
	yc_buf_adds(b, ",\"department_name\":");
	yc_json_add_str(b, p->department_name);
	yc_buf_addf(b, ",\"state\":\"%s\",\"light\":\"%s\",\"deadline\":", p->state, p->light);
	yc_json_add_str(b, p->deadline[0] ? p->deadline : NULL);
	yc_buf_adds(b, "}}");
}

/* Every part's events in one timeline, oldest first. */
static int add_timeline(db *d, const struct case_ctx *c, const struct run_row *r, yc_buf *b,
			yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT e.case_no, c.process_part, e.at_ms, e.action, e.to_state,"
				 " e.note FROM case_events e JOIN cases c ON c.no = e.case_no"
				 " WHERE c.process_run = ? ORDER BY e.at_ms, e.case_no, e.seq",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, r->no);
	yc_buf_adds(b, ",\"timeline\":[");
	int rc, n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t i = db_col_int(st, 1);
		if (n++)
			yc_buf_addc(b, ',');
		yc_buf_adds(b, "{\"case\":");
		yc_json_add_str(b, db_col_text(st, 0));
		yc_buf_adds(b, ",\"part\":");
		yc_json_add_str(b, i >= 0 && i < r->def.nparts ? r->def.part_id[i] : "");
		yc_json_add_time(b, "at", db_col_int(st, 2), c->tz_offset_min);
		yc_buf_adds(b, ",\"action\":");
		yc_json_add_str(b, db_col_text(st, 3));
		yc_buf_adds(b, ",\"state\":");
		yc_json_add_str(b, db_col_text(st, 4));
		yc_buf_adds(b, ",\"note\":");
		yc_json_add_str(b, db_col_text(st, 5));
		yc_buf_addc(b, '}');
	}
	db_done(st);
	yc_buf_addc(b, ']');
	return rc < 0 ? rc : 0;
}

int process_run_json(db *d, const struct case_ctx *c, const yc_user *actor, const char *no,
		     yc_buf *out, yc_err *err)
{
	struct run_row r;
	int rc = run_load(d, no, &r, err);
	if (rc)
		return rc;
	struct part_case *pc = calloc(PROCESS_MAX_PARTS, sizeof(*pc));
	if (!pc) {
		run_free(&r);
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	if ((rc = load_part_cases(d, c, &r, pc, err)))
		goto out;
	if (!may_view(&r, pc, actor)) {
		rc = actor->role == ROLE_APPLICANT ? yc_err_set(err, YC_ENOTFOUND, "no",
								"no process run with number %s", no)
						   : yc_err_set(err, YC_EFORBIDDEN, "no",
								"run %s is outside your scope", no);
		goto out;
	}
	enum process_part_state parts[PROCESS_MAX_PARTS];
	run_parts(&r, parts);
	yc_buf_adds(out, "{\"no\":");
	yc_json_add_str(out, r.no);
	yc_buf_adds(out, ",\"process\":");
	yc_json_add_str(out, r.process);
	yc_buf_adds(out, ",\"process_name\":");
	yc_json_add_str(out, r.process_name);
	yc_buf_addf(out, ",\"state\":\"%s\",\"state_label\":\"%s\",\"light\":\"%s\"",
		    process_state_name(r.state), state_labels[r.state], run_light(c, &r));
	yc_buf_adds(out, ",\"applicant\":{\"kind\":");
	yc_json_add_str(out, yc_json_str(r.applicant, "kind"));
	yc_buf_adds(out, ",\"name\":");
	add_masked_name(out, yc_json_str(r.applicant, "name"));
	yc_buf_adds(out, "},\"channel\":");
	yc_json_add_str(out, r.channel);
	yc_buf_adds(out, ",\"accept_office\":");
	yc_json_add_str(out, r.accept_office);
	yc_buf_adds(out, ",\"answers\":");
	yc_json_add_item(out, r.answers);
	yc_buf_adds(out, ",\"promised_limit\":");
	const cJSON *lim = cJSON_GetObjectItemCaseSensitive(r.doc, "promised_limit");
	if (lim)
		yc_json_add_item(out, lim);
	else
		yc_buf_adds(out, "null");
	yc_json_add_time(out, "submitted_at", r.submitted_ms, c->tz_offset_min);
	yc_json_add_time(out, "accepted_at", r.accepted_ms, c->tz_offset_min);
	yc_buf_adds(out, ",\"deadline\":");
	yc_json_add_str(out, r.deadline[0] ? r.deadline : NULL);
	yc_json_add_time(out, "decided_at", r.decided_ms, c->tz_offset_min);
	yc_buf_adds(out, ",\"parts\":[");
	for (int i = 0; i < r.def.nparts; i++) {
		if (i)
			yc_buf_addc(out, ',');
		add_part(out, &r, i, parts[i], &pc[i]);
	}
	yc_buf_addc(out, ']');
	if ((rc = add_timeline(d, c, &r, out, err)))
		goto out;
	yc_buf_addf(out, ",\"version\":%lld}", (long long)r.version);
out:
	free(pc);
	run_free(&r);
	return rc;
}

int process_run_list(db *d, const struct case_ctx *c, const yc_user *actor, const char *state,
		     int limit, yc_buf *out, yc_err *err)
{
	/* the caller's scope as one condition with one parameter (supervisors: always true) */
	const char *scope;
	char key[64];
	switch (actor->role) {
	case ROLE_APPLICANT:
		scope = "r.applicant_user = CAST(? AS BIGINT)";
		snprintf(key, sizeof(key), "%lld", (long long)actor->id);
		break;
	case ROLE_CLERK:
		scope = "r.accept_office = ?";
		snprintf(key, sizeof(key), "%s", actor->office);
		break;
	case ROLE_APPROVER:
		scope = "r.no IN (SELECT process_run FROM cases WHERE department = ?"
			" AND process_run IS NOT NULL)";
		snprintf(key, sizeof(key), "%s", actor->department);
		break;
	case ROLE_BANK:
		scope = "r.outlet = ?";
		snprintf(key, sizeof(key), "%s", actor->outlet);
		break;
	default: scope = "? = ''"; key[0] = '\0';
	}
	char sql[768];
	snprintf(
		sql, sizeof(sql),
		"SELECT r.no, r.process, r.process_name, r.state, r.submitted_ms, r.accepted_ms,"
		" COALESCE(r.deadline, ''), r.deadline_min, r.yellow_min, r.decided_ms, r.chosen,"
		" r.cancelled, (SELECT COUNT(*) FROM cases c WHERE c.process_run = r.no AND c.state"
		" IN ('approved', 'delivered', 'closed')) FROM process_runs r WHERE %s"
		" AND (? = '' OR r.state = ?) ORDER BY r.no DESC LIMIT ?",
		scope);
	db_stmt *st = db_prepare(d, sql, err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, key);
	db_bind_text(st, 2, state ? state : "");
	db_bind_text(st, 3, state ? state : "");
	db_bind_int(st, 4, limit);
	yc_buf_adds(out, "{\"runs\":[");
	int rc, n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct run_row r;
		memset(&r, 0, sizeof(r));
		int s = run_state_parse(db_col_text(st, 3));
		r.state = s < 0 ? PS_RUNNING : (enum process_state)s;
		r.accepted_ms = db_col_int(st, 5);
		r.deadline_min = db_col_int(st, 7);
		r.yellow_min = db_col_int(st, 8);
		r.decided_ms = db_col_int(st, 9);
		uint32_t chosen = (uint32_t)db_col_int(st, 10),
			 cancelled = (uint32_t)db_col_int(st, 11);
		if (n++)
			yc_buf_addc(out, ',');
		yc_buf_adds(out, "{\"no\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"process\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_adds(out, ",\"process_name\":");
		yc_json_add_str(out, db_col_text(st, 2));
		yc_buf_addf(out, ",\"state\":\"%s\",\"state_label\":\"%s\",\"light\":\"%s\"",
			    process_state_name(r.state), state_labels[r.state], run_light(c, &r));
		yc_json_add_time(out, "submitted_at", db_col_int(st, 4), c->tz_offset_min);
		yc_json_add_time(out, "accepted_at", r.accepted_ms, c->tz_offset_min);
		yc_buf_adds(out, ",\"deadline\":");
		yc_json_add_str(out, *db_col_text(st, 6) ? db_col_text(st, 6) : NULL);
		yc_json_add_time(out, "decided_at", r.decided_ms, c->tz_offset_min);
		yc_buf_addf(out, ",\"parts\":%d,\"parts_done\":%lld}",
			    __builtin_popcount(chosen & ~cancelled), (long long)db_col_int(st, 12));
	}
	db_done(st);
	yc_buf_adds(out, "]}");
	return rc < 0 ? rc : 0;
}

int run_publish(db *d, const struct run_row *r, const char *action, yc_err *err)
{
	enum process_part_state parts[PROCESS_MAX_PARTS];
	run_parts(r, parts);
	yc_buf p;
	yc_buf_init(&p, 0);
	yc_buf_adds(&p, "{\"no\":");
	yc_json_add_str(&p, r->no);
	yc_buf_adds(&p, ",\"process\":");
	yc_json_add_str(&p, r->process);
	yc_buf_addf(&p, ",\"state\":\"%s\",\"parts\":[", process_state_name(r->state));
	for (int i = 0; i < r->def.nparts; i++) {
		yc_buf_adds(&p, i ? ",{\"id\":" : "{\"id\":");
		yc_json_add_str(&p, r->def.part_id[i]);
		yc_buf_addf(&p, ",\"state\":\"%s\"}", process_part_state_name(parts[i]));
	}
	yc_buf_adds(&p, "]}");
	int rc = p.data ? outbox_append(d, "process", action, r->no, p.data, err)
			: yc_err_set(err, YC_ENOMEM, NULL, NULL);
	yc_buf_release(&p);
	return rc;
}
