/*
 * task.c — a drawn entity's inspection, from its team to its publication.
 *
 *     ┌──────────┐  result (the team; the lead      ┌───────────┐  publish (the lead ┌───────────┐
 *     │ assigned │ ───────────────────────────────▶ │ inspected │ ──────────────────────▶ │
 * published │ └──────────┘  department's regulators): the   └───────────┘  department's
 * └───────────┘ date, the result, the findings;               regulators), within the entity's
 * class moves                      publish-days working days
 *
 * The publication's limit runs from the inspection's date on the calendar
 * (国办发〔2015〕58号: 20 working days); its light is a case's (green,
 * yellow warn-days before, red past it). A result moves the entity's
 * credit-risk class by the results table's step and may put it on the
 * abnormal-operations list (查无下落).
 */
#include "core/inspection/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/case/case.h"
#include "core/common/audit.h"
#include "core/common/notify.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static const char *const state_names[] = {"assigned", "inspected", "published"};
static const char *const action_names[] = {"result", "publish"};

#define TEAM_ROLES (ROLE_CLERK | ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN)
static const struct lc_row task_table[] = {
	{TS_ASSIGNED, TA_RESULT, TEAM_ROLES, TS_INSPECTED, TS_INSPECTED, 0, 0},
	{TS_INSPECTED, TA_PUBLISH, ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN, TS_PUBLISHED,
	 TS_PUBLISHED, 0, 0},
};

const struct lc_table insp_task_lifecycle = {
	.name = "inspection",
	.rows = task_table,
	.nrows = (int)(sizeof(task_table) / sizeof(task_table[0])),
	.states = state_names,
	.nstates = TS_N,
	.actions = action_names,
	.nactions = TA_N,
};

/* The results an inspection may find, and what each does to the entity's class. */
const struct insp_result insp_results[] = {
	{"pass", "合格", -1, false},
	{"no-problem", "未发现问题", -1, false},
	{"rectify", "发现问题已责令整改", +1, false},
	{"not-disclosed", "未按规定公示应当公示的信息", +1, false},
	{"refused", "不配合检查", +2, false},
	{"not-found", "查无下落", +3, true},
	{"referred", "发现问题待后续处理", +2, false},
	{NULL, NULL, 0, false},
};

const struct insp_result *insp_result_find(const char *code)
{
	for (const struct insp_result *r = insp_results; code && r->code; r++)
		if (!strcmp(r->code, code))
			return r;
	return NULL;
}

int insp_task_act_check(const char *action, const cJSON *body, yc_err *err)
{
	if (strcmp(action, "result"))
		return 0;
	static const char *const codes[] = {"pass",    "no-problem", "rectify",	 "not-disclosed",
					    "refused", "not-found",  "referred", NULL};
	static const yc_jfield spec[] = {
		{"inspected_on", YC_JT_STRING, true, 10},
		{"result", YC_JT_STRING, true, 16, .one_of = codes},
		{"findings", YC_JT_STRING, false, 2000},
		{"violations", YC_JT_ARRAY, false, 8},
	};
	int rc = yc_json_check(body, spec, 4, err);
	int i = 0;
	const cJSON *v, *list = rc ? NULL : cJSON_GetObjectItemCaseSensitive(body, "violations");
	cJSON_ArrayForEach (v, list) {
		if (!cJSON_IsString(v) || !v->valuestring[0] || strlen(v->valuestring) > 47)
			return yc_err_set(err, YC_EINVAL, "violations",
					  "violations[%d] is a code of the minor-violation list",
					  i);
		i++;
	}
	int32_t day;
	if (!rc && yc_date_parse(yc_json_str(body, "inspected_on"), &day))
		rc = yc_err_set(err, YC_EINVAL, "inspected_on", "a date as YYYY-MM-DD");
	const char *r = rc ? NULL : yc_json_str(body, "result");
	const char *f = rc ? NULL : yc_json_str(body, "findings");
	if (r && strcmp(r, "pass") && strcmp(r, "no-problem") && (!f || !f[0]))
		rc = yc_err_set(err, YC_EINVAL, "findings", "say what the inspection found");
	return rc;
}

struct task_row {
	char id[48], plan[32], code[24], team[400], state[16], lead[32], inspected_on[12];
	char cls[4];
	int64_t drawn_ms;
};

static int task_load(db *d, const char *id, struct task_row *t, yc_err *err)
{
	memset(t, 0, sizeof(*t));
	char depts[300];
	int rc = db_get(d, err,
			"SELECT t.id, t.plan, t.credit_code, t.team, t.state, p.departments,"
			" COALESCE(t.inspected_on, ''), e.class, p.drawn_ms FROM insp_tasks t"
			" JOIN insp_plans p ON p.id = t.plan"
			" JOIN insp_entities e ON e.credit_code = t.credit_code WHERE t.id = ?",
			"s", "tttttttti", id, t->id, sizeof(t->id), t->plan, sizeof(t->plan),
			t->code, sizeof(t->code), t->team, sizeof(t->team), t->state,
			sizeof(t->state), depts, sizeof(depts), t->inspected_on,
			sizeof(t->inspected_on), t->cls, sizeof(t->cls), &t->drawn_ms);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return yc_err_set(err, YC_ENOTFOUND, "id", "no inspection %s", id);
	cJSON *dj = cJSON_Parse(depts);
	const cJSON *lead = cJSON_GetArrayItem(dj, 0);
	snprintf(t->lead, sizeof(t->lead), "%s", cJSON_IsString(lead) ? lead->valuestring : "");
	cJSON_Delete(dj);
	return 0;
}

/* Whether u is on the task's team (a staff account the inspectors' roster names). */
static bool on_team(db *d, const yc_user *u, const char *team)
{
	char cert[64] = "";
	db_stmt *st = db_prepare(d, "SELECT cert_no FROM insp_inspectors WHERE username = ?", NULL);
	if (!st)
		return false;
	db_bind_text(st, 1, u->username);
	bool on = false;
	while (!on && db_step(st, NULL) == DB_ROW) {
		db_col_copy(st, 0, cert, sizeof(cert));
		on = draw_list_has(team, cert);
	}
	db_done(st);
	return on;
}

int insp_publish_deadline(const struct insp_ctx *c, int32_t day, struct case_deadline *dl,
			  yc_err *err)
{
	int64_t ms = ((int64_t)day * 1440 - insp_tz(c)) * 60000;
	return case_deadline_after(c->cases, ms, c->publish_days, false, dl, err);
}

static int enter_result(db *d, const struct insp_ctx *c, const yc_user *u, struct task_row *t,
			const cJSON *body, yc_err *err)
{
	int32_t day, today = insp_day(c, insp_now(c)), drawn = insp_day(c, t->drawn_ms);
	yc_date_parse(yc_json_str(body, "inspected_on"), &day);
	if (day > today || day < drawn)
		return yc_err_set(err, YC_EINVAL, "inspected_on",
				  "the inspection's date is between the draw and today");
	const struct insp_result *r = insp_result_find(yc_json_str(body, "result"));
	struct case_deadline dl;
	int rc = insp_publish_deadline(c, day, &dl, err);
	if (rc == YC_ENOTLOADED) {
		/* next year's holidays are not loaded: the limit is counted once they are */
		yc_err_clear(err);
		dl.text[0] = '\0';
		rc = 0;
	}
	if (rc)
		return rc;
	char on[12], after[2] = {insp_class_after(t->cls[0], r->class_step), 0};
	yc_date_format(day, on, sizeof(on));
	const char *findings = yc_json_str(body, "findings");
	if ((rc = db_run(
		     d, err,
		     "UPDATE insp_tasks SET state = 'inspected', inspected_on = ?, result = ?,"
		     " findings = ?, class_after = ?, publish_by = ?, entered_by = ? WHERE id = ?",
		     "sssssss", on, r->code, findings ? findings : "", after, dl.text[0] ? dl.text : NULL, u->username,
		     t->id)))
		return rc;
	if ((rc = db_run(
		     d, err,
		     "UPDATE insp_entities SET class = ?, abnormal = CASE WHEN ? = 1 THEN 1 ELSE"
		     " abnormal END, updated_ms = ? WHERE credit_code = ?",
		     "siis", after, (int64_t)r->abnormal, insp_now(c), t->code)))
		return rc;
	/* 首次不罚: each minor violation found, decided by the rule and recorded */
	const cJSON *v;
	int i = 0;
	cJSON_ArrayForEach (v, cJSON_GetObjectItemCaseSensitive(body, "violations")) {
		struct insp_leniency l;
		if ((rc = insp_leniency_record(d, c, t->code, v->valuestring, t->id, day,
					       u->username, &l, err))) {
			char msg[sizeof(err->message)];
			snprintf(msg, sizeof(msg), "%s", err->message);
			return yc_err_set(err, rc, "violations", "violations[%d]: %s", i, msg);
		}
		i++;
	}
	yc_actor a = {u->username, account_role_name(u->role)};
	char change[160];
	snprintf(change, sizeof(change), "{\"result\":\"%s\",\"class\":\"%s→%s\"}", r->code, t->cls,
		 after);
	return audit_append(d, &a, "inspection.result", t->id, NULL, NULL, change, err);
}

int insp_task_act(db *d, const struct insp_ctx *c, const yc_user *u, const char *id,
		  const char *action, const cJSON *body, yc_buf *out, yc_err *err)
{
	int a = lc_action(&insp_task_lifecycle, action);
	if (a < 0)
		return yc_err_set(err, YC_ENOTFOUND, "action", "no action %s", action);
	struct task_row t;
	int rc = task_load(d, id, &t, err);
	if (rc)
		return rc;
	bool regulator = insp_regulator_of(d, u, t.lead);
	if (!regulator && !on_team(d, u, t.team))
		return yc_err_set(err, YC_ENOTFOUND, "id", "no inspection %s", id);
	if (!regulator && a != TA_RESULT)
		return yc_err_set(err, YC_EFORBIDDEN, NULL,
				  "the lead department's regulators publish");
	int from = lc_state(&insp_task_lifecycle, t.state);
	const struct lc_row *row = lc_find(&insp_task_lifecycle, from, a);
	if (!row)
		return lc_refuse(&insp_task_lifecycle, from, a, err);
	if (!(row->roles & u->role))
		return yc_err_set(err, YC_EFORBIDDEN, NULL, "not allowed for this account");
	if (a == TA_RESULT)
		rc = enter_result(d, c, u, &t, body, err);
	else if (!(rc = db_run(d, err,
			       "UPDATE insp_tasks SET state = 'published', published_ms = ? WHERE "
			       "id = ?",
			       "is", insp_now(c), t.id))) {
		yc_actor ac = {u->username, account_role_name(u->role)};
		rc = audit_append(d, &ac, "inspection.publish", t.id, NULL, NULL, NULL, err);
	}
	if (rc)
		return rc;
	yc_buf_addf(out, "{\"id\":\"%s\",\"state\":\"%s\"}", t.id,
		    lc_state_name(&insp_task_lifecycle, row->to));
	return 0;
}

/* ---- views ------------------------------------------------------------------- */

/* A row's light: an inspected task's publication limit against now; "" otherwise. */
static void add_light(const struct insp_ctx *c, const char *state, const char *on, yc_buf *out)
{
	int32_t day;
	struct case_deadline dl;
	const char *light = "";
	yc_err err;
	if (!strcmp(state, "inspected") && !yc_date_parse(on, &day) &&
	    !insp_publish_deadline(c, day, &dl, &err))
		light = case_light_at(case_minute_of(c->cases, insp_now(c)), dl.yellow_min,
				      dl.deadline_min);
	yc_buf_addf(out, ",\"light\":\"%s\"", light);
}

int insp_tasks_json(db *d, const struct insp_ctx *c, const yc_user *u, const struct insp_query *q,
		    yc_buf *out, yc_err *err)
{
	bool all = u->role & (ROLE_SUPERVISOR | ROLE_ADMIN);
	char today[12];
	yc_date_format(insp_day(c, insp_now(c)), today, sizeof(today));
	/* a regulator sees the department's plans' tasks; an inspector the team's */
	db_stmt *st = db_prepare(
		d,
		"SELECT t.id, t.plan, p.name, t.credit_code, e.name, e.class, t.team, t.state,"
		" COALESCE(t.inspected_on, ''), COALESCE(t.result, ''), COALESCE(t.findings, ''),"
		" COALESCE(t.publish_by, ''), t.published_ms FROM insp_tasks t"
		" JOIN insp_plans p ON p.id = t.plan JOIN insp_entities e ON e.credit_code ="
		" t.credit_code WHERE (? = '' OR t.plan = ?)"
		" AND (? = 0 OR (t.state = 'inspected' AND t.publish_by < ?))"
		" AND (? = 1 OR (? = 0 AND p.departments LIKE ?) OR EXISTS (SELECT 1 FROM"
		" insp_inspectors i WHERE i.username = ? AND (';' || t.team || ';') LIKE"
		" ('%;' || i.cert_no || ';%')))"
		" ORDER BY p.drawn_ms DESC, t.position LIMIT ?",
		err);
	if (!st)
		return db_failed(err);
	char lead[48];
	snprintf(lead, sizeof(lead), "[\"%s\"%%", u->department);
	bool regulator = !q->mine && insp_regulator_of(d, u, u->department);
	db_bind_text(st, 1, q->plan ? q->plan : "");
	db_bind_text(st, 2, q->plan ? q->plan : "");
	db_bind_int(st, 3, q->overdue);
	db_bind_text(st, 4, today);
	db_bind_int(st, 5, all && !q->mine);
	db_bind_int(st, 6, regulator ? 0 : 1);
	db_bind_text(st, 7, lead);
	db_bind_text(st, 8, u->username);
	db_bind_int(st, 9, q->limit ? q->limit : 200);
	yc_buf_adds(out, "{\"tasks\":[");
	int rc, n = 0;
	static const char *const keys[] = {"id",	   "plan",   "plan_name", "credit_code",
					   "entity_name",  "class",  "team",	  "state",
					   "inspected_on", "result", "findings",  "publish_by"};
	while ((rc = db_step(st, err)) == DB_ROW) {
		yc_buf_adds(out, n++ ? ",{" : "{");
		for (int k = 0; k < 12; k++) {
			yc_buf_addf(out, "%s\"%s\":", k ? "," : "", keys[k]);
			yc_json_add_str(out, db_col_text(st, k));
		}
		const struct insp_result *r = insp_result_find(db_col_text(st, 9));
		yc_buf_adds(out, ",\"result_name\":");
		yc_json_add_str(out, r ? r->name : "");
		yc_json_add_time(out, "published_at", db_col_int(st, 12), insp_tz(c));
		add_light(c, db_col_text(st, 7), db_col_text(st, 8), out);
		yc_buf_adds(out, "}");
	}
	db_done(st);
	if (rc < 0)
		return rc;
	yc_buf_adds(out, "]}");
	return 0;
}

/* The published results: 检查实施机关, 检查类型, 检查日期, 检查结果. */
static int add_published(db *d, const struct insp_ctx *c, const char *code, const char *q,
			 int limit, yc_buf *out, yc_err *err)
{
	char like[160];
	snprintf(like, sizeof(like), "%%%s%%", q ? q : "");
	db_stmt *st = db_prepare(
		d,
		"SELECT t.id, t.credit_code, e.name, p.departments, t.inspected_on, t.result,"
		" t.findings, t.published_ms, p.id, p.name FROM insp_tasks t"
		" JOIN insp_plans p ON p.id = t.plan JOIN insp_entities e ON e.credit_code ="
		" t.credit_code WHERE t.state = 'published' AND (? = '' OR t.credit_code = ?)"
		" AND (? = '' OR t.credit_code = ? OR e.name LIKE ?)"
		" ORDER BY t.inspected_on DESC, t.id LIMIT ?",
		err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, code ? code : "");
	db_bind_text(st, 2, code ? code : "");
	db_bind_text(st, 3, q ? q : "");
	db_bind_text(st, 4, q ? q : "");
	db_bind_text(st, 5, like);
	db_bind_int(st, 6, limit);
	int rc, n = 0;
	yc_buf_adds(out, "[");
	while ((rc = db_step(st, err)) == DB_ROW) {
		const struct insp_result *r = insp_result_find(db_col_text(st, 5));
		yc_buf_adds(out, n++ ? ",{\"id\":" : "{\"id\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"credit_code\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_adds(out, ",\"entity_name\":");
		yc_json_add_str(out, db_col_text(st, 2));
		yc_buf_addf(out, ",\"departments\":%s,\"type\":\"双随机抽查\",\"inspected_on\":",
			    db_col_text(st, 3));
		yc_json_add_str(out, db_col_text(st, 4));
		yc_buf_adds(out, ",\"result\":");
		yc_json_add_str(out, db_col_text(st, 5));
		yc_buf_adds(out, ",\"result_name\":");
		yc_json_add_str(out, r ? r->name : "");
		yc_buf_adds(out, ",\"findings\":");
		yc_json_add_str(out, db_col_text(st, 6));
		yc_buf_adds(out, ",\"plan\":");
		yc_json_add_str(out, db_col_text(st, 8));
		yc_json_add_time(out, "published_at", db_col_int(st, 7), insp_tz(c));
		yc_buf_adds(out, "}");
	}
	db_done(st);
	yc_buf_adds(out, "]");
	return rc < 0 ? rc : 0;
}

int insp_results_json(db *d, const struct insp_ctx *c, const struct insp_query *q, yc_buf *out,
		      yc_err *err)
{
	yc_buf_adds(out, "{\"results\":");
	int rc = add_published(d, c, NULL, q->q, q->limit ? q->limit : 100, out, err);
	if (!rc)
		yc_buf_adds(out, "}");
	return rc;
}

int insp_entity_public_json(db *d, const struct insp_ctx *c, const char *code, yc_buf *out,
			    yc_err *err)
{
	db_stmt *st =
		db_prepare(d,
			   "SELECT credit_code, name, type, industry, region, class, abnormal,"
			   " serious, state, credit_issued_ms AS credit_issued FROM insp_entities"
			   " WHERE credit_code = ?",
			   err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, code);
	yc_buf one;
	yc_buf_init(&one, 0);
	int rc = db_rows_json(st, "ssssssiisi", &one, err);
	if (!rc && one.len <= 2)
		rc = yc_err_set(err, YC_ENOTFOUND, "code", "no market entity %s", code);
	if (!rc) {
		yc_buf_adds(out, "{\"entity\":");
		yc_buf_add(out, one.data + 1, one.len - 2);
		/* its licences: the certificates issued to its credit code */
		if (!(st = db_prepare(
			      d,
			      "SELECT id, name, number, department, valid_until, state"
			      " FROM certificates WHERE holder_id = ? ORDER BY issued_ms DESC"
			      " LIMIT 20",
			      err)))
			rc = db_failed(err);
	}
	if (!rc) {
		db_bind_text(st, 1, code);
		yc_buf_adds(out, ",\"licences\":");
		rc = db_rows_json(st, "ssssss", out, err);
	}
	if (!rc) {
		yc_buf_adds(out, ",\"results\":");
		rc = add_published(d, c, code, NULL, 50, out, err);
	}
	if (!rc)
		yc_buf_adds(out, "}");
	yc_buf_release(&one);
	return rc;
}

/* ---- overdue publications ----------------------------------------------------------- */

/* Limits that waited for next year's calendar, counted now where it is loaded. */
static int fill_limits(db *d, const struct insp_ctx *c, int64_t *count, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT id, inspected_on FROM insp_tasks WHERE state = 'inspected' AND"
				 " publish_by IS NULL ORDER BY id LIMIT 200",
				 err);
	if (!st)
		return db_failed(err);
	char ids[200][48], dates[200][12];
	int n = 0, rc;
	while (n < 200 && (rc = db_step(st, err)) == DB_ROW) {
		db_col_copy(st, 0, ids[n], sizeof(ids[n]));
		db_col_copy(st, 1, dates[n], sizeof(dates[n]));
		n++;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		int32_t day;
		struct case_deadline dl;
		yc_err quiet;
		if (yc_date_parse(dates[i], &day) || insp_publish_deadline(c, day, &dl, &quiet))
			continue; /* not yet */
		if ((rc = db_run(d, err, "UPDATE insp_tasks SET publish_by = ? WHERE id = ?", "ss",
				 dl.text, ids[i])))
			return rc;
		(*count)++;
	}
	return 0;
}

int insp_escalate_overdue(db *d, const struct insp_ctx *c, int64_t *count, yc_err *err)
{
	*count = 0;
	int filled = fill_limits(d, c, count, err);
	if (filled)
		return filled;
	char today[12];
	yc_date_format(insp_day(c, insp_now(c)), today, sizeof(today));
	db_stmt *st =
		db_prepare(d,
			   "SELECT t.id, t.publish_by, p.departments FROM insp_tasks t JOIN"
			   " insp_plans p ON p.id = t.plan WHERE t.state = 'inspected' AND"
			   " t.publish_by < ? AND t.escalated_ms IS NULL ORDER BY t.id LIMIT 200",
			   err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, today);
	struct late {
		char id[48], by[12], lead[32];
	} late[200];
	int n = 0, rc;
	while (n < 200 && (rc = db_step(st, err)) == DB_ROW) {
		db_col_copy(st, 0, late[n].id, sizeof(late[n].id));
		db_col_copy(st, 1, late[n].by, sizeof(late[n].by));
		cJSON *dj = cJSON_Parse(db_col_text(st, 2));
		const cJSON *lead = cJSON_GetArrayItem(dj, 0);
		snprintf(late[n].lead, sizeof(late[n].lead), "%s",
			 cJSON_IsString(lead) ? lead->valuestring : "");
		cJSON_Delete(dj);
		n++;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		if ((rc = db_run(d, err, "UPDATE insp_tasks SET escalated_ms = ? WHERE id = ?",
				 "is", insp_now(c), late[i].id)) ||
		    (rc = audit_append(d, &audit_system_actor, "inspection.escalate", late[i].id,
				       "publication overdue", NULL, NULL, err)))
			return rc;
		/* the lead department's regulators are told, each by name */
		char text[200], user[64];
		snprintf(text, sizeof(text),
			 "【一窗】抽查结果 %s 应于 %s 前公示，已逾期，请尽快公示。", late[i].id,
			 late[i].by);
		if (!(st = db_prepare(d,
				      "SELECT username FROM users WHERE role = 'approver' AND"
				      " department = ? ORDER BY username",
				      err)))
			return db_failed(err);
		db_bind_text(st, 1, late[i].lead);
		char names[8][48];
		int m = 0;
		while (m < 8 && (rc = db_step(st, err)) == DB_ROW)
			db_col_copy(st, 0, names[m++], sizeof(names[0]));
		db_done(st);
		if (rc < 0)
			return rc;
		for (int k = 0; k < m; k++) {
			snprintf(user, sizeof(user), "user:%s", names[k]);
			if ((rc = notify_queue(d, "sms", user, text, err)))
				return rc;
		}
		(*count)++;
	}
	return 0;
}
