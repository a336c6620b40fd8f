/* actions.c — the actions: each body checked, each transition run. */
#include "core/case/case.h"

#include <assert.h>
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

static const char *const return_targets[] = {"previous", "applicant", NULL};

/* Each action's body: its fields, their types, sizes, values and ranges. */
#define F(...) ((const yc_jfield[]){__VA_ARGS__})
#define BODY(...) {F(__VA_ARGS__), sizeof(F(__VA_ARGS__)) / sizeof(yc_jfield)}
static const struct action_body {
	const yc_jfield *spec;
	size_t n;
} action_bodies[CA_NACTIONS] = {
	[CA_ACCEPT] = BODY({"note", YC_JT_STRING, false, 500}),
	[CA_ACCEPT_DEFICIENT] = BODY({"missing", YC_JT_ARRAY, true, 100},
				     {"days", YC_JT_INT, false, 0, .min = 1, .max = 60},
				     {"note", YC_JT_STRING, false, 500}),
	[CA_REQUEST_CORRECTION] = BODY({"reason", YC_JT_STRING, true, 1000},
				       {"days", YC_JT_INT, false, 0, .min = 1, .max = 60}),
	[CA_REFUSE] = BODY({"reason", YC_JT_STRING, true, 1000}),
	[CA_SUPPLEMENT] = BODY({"materials", YC_JT_ARRAY, false, 100},
			       {"form", YC_JT_OBJECT, false, 0}, {"note", YC_JT_STRING, false, 500}),
	[CA_WITHDRAW] = BODY({"reason", YC_JT_STRING, false, 1000}),
	[CA_ASSIGN] = BODY({"assignee", YC_JT_STRING, true, 39},
			   {"reason", YC_JT_STRING, true, 1000}),
	[CA_CLAIM] = BODY({"note", YC_JT_STRING, false, 500}),
	[CA_APPROVE] = BODY({"opinion", YC_JT_STRING, false, 1000}),
	[CA_RETURN] = BODY({"to", YC_JT_STRING, true, 16, .one_of = return_targets},
			   {"reason", YC_JT_STRING, true, 1000},
			   {"materials", YC_JT_ARRAY, false, 100}),
	[CA_DENY] = BODY({"reason", YC_JT_STRING, true, 1000}),
	[CA_SUSPEND] = BODY({"type", YC_JT_STRING, true, 16, .one_of = case_special_procedures},
			    {"reason", YC_JT_STRING, true, 1000}),
	[CA_RESUME] = BODY({"note", YC_JT_STRING, false, 500}),
	[CA_CHOOSE_DELIVERY] = BODY({"mode", YC_JT_STRING, true, 16},
				    {"address", YC_JT_STRING, false, 300},
				    {"tracking_no", YC_JT_STRING, false, 40}),
	[CA_DELIVER] = BODY({"mode", YC_JT_STRING, false, 16},
			    {"address", YC_JT_STRING, false, 300},
			    {"tracking_no", YC_JT_STRING, false, 40}),
	[CA_CLOSE] = BODY({"pickup_code", YC_JT_STRING, false, 16}),
	[CA_LAPSE] = BODY({"note", YC_JT_STRING, false, 500}),
};
#undef BODY
#undef F

int case_action_check(enum case_action a, const cJSON *body, yc_err *err)
{
	if ((int)a < 0 || a >= CA_NACTIONS)
		return yc_err_set(err, YC_EINVAL, "action", "no such action");
	const struct action_body *spec = &action_bodies[a];
	cJSON *empty = NULL;
	if (!body)
		body = empty = cJSON_CreateObject();
	int rc = yc_json_check(body, spec->spec, spec->n, err);
	/* a required reason says something */
	const char *r = yc_json_str(body, "reason");
	for (size_t i = 0; !rc && i < spec->n; i++)
		if (spec->spec[i].required && !strcmp(spec->spec[i].name, "reason") && !*r)
			rc = yc_err_set(err, YC_EINVAL, "reason", "a reason is required");
	if (!rc && a == CA_RETURN && !strcmp(yc_json_str(body, "to"), "previous") &&
	    cJSON_GetObjectItemCaseSensitive(body, "materials"))
		rc = yc_err_set(err, YC_EINVAL, "materials",
				"materials are named only when returning to the applicant");
	cJSON_Delete(empty);
	return rc;
}

/* Notes written to the timeline, from the body's reason, note or opinion. */
static const char *body_note(const cJSON *body)
{
	const char *s = yc_json_str(body, "reason");
	if (!s)
		s = yc_json_str(body, "note");
	if (!s)
		s = yc_json_str(body, "opinion");
	return s ? s : "";
}

static bool has_material(const cJSON *materials, const char *id)
{
	const cJSON *m;
	cJSON_ArrayForEach (m, materials)
		if (!strcmp(yc_json_str(m, "id"), id))
			return true;
	return false;
}

/* The decision at acceptance of instant and commitment-based items (and of items without steps). */
static bool decided_at_acceptance(const struct case_row *row)
{
	const char *type = yc_json_str(row->rule, "case_type");
	return (type && !strcmp(type, "instant")) || yc_json_bool(row->rule, "commitment", false) ||
	       case_rule_nsteps(row) == 0;
}

static int create_post_check(db *d, const struct case_ctx *c, const struct case_row *row,
			     yc_err *err)
{
	char due[16];
	int rc = case_due_in(c, (int)yc_json_int(row->rule, "post_check_days", 20), due, err);
	if (rc)
		return rc;
	if ((rc = db_run(d, err,
			 "INSERT INTO post_checks (case_no, department, due_day, state, created_ms)"
			 " VALUES (?, ?, ?, 'open', ?)",
			 "sssi", row->no, row->department, due, case_now_ms(c))))
		return rc;
	char who[40] = "", to[64];
	if ((rc = db_get(d, err,
			 "SELECT username FROM users WHERE role = 'approver' AND department = ?"
			 " AND disabled = 0 ORDER BY id LIMIT 1",
			 "s", "t", row->department, who, sizeof(who))) < 0)
		return rc;
	if (!who[0])
		return 0;
	snprintf(to, sizeof(to), "user:%s", who);
	char text[512];
	snprintf(text, sizeof(text), "【一窗】告知承诺办件%s需在%s前完成核查", row->no, due);
	return notify_queue(d, "sms", to, text, err);
}

/*
 * Material ids named by staff (field[i]: those 容缺受理 accepts as owed, or
 * those a return asks for): each a material of the item, named once; with
 * provided false, none already provided.
 */
static int check_named(const struct case_row *row, const cJSON *named, const char *field,
		       bool provided, yc_err *err)
{
	int i = 0;
	const cJSON *m;
	cJSON_ArrayForEach (m, named) {
		char path[32];
		snprintf(path, sizeof(path), "%s[%d]", field, i++);
		bool declared = false;
		const cJSON *dm;
		cJSON_ArrayForEach (dm, cJSON_GetObjectItemCaseSensitive(row->rule, "materials"))
			if (cJSON_IsString(m) && !strcmp(yc_json_str(dm, "id"), m->valuestring))
				declared = true;
		if (!declared)
			return yc_err_set(err, YC_EINVAL, path, "%s is not a material of this item",
					  path);
		for (const cJSON *x = named->child; x != m; x = x->next)
			if (!strcmp(x->valuestring, m->valuestring))
				return yc_err_set(err, YC_EINVAL, path, "%s is named twice", path);
		if (!provided && has_material(row->materials, m->valuestring))
			return yc_err_set(err, YC_EINVAL, path, "%s was provided", path);
	}
	return 0;
}

/* Acceptance (plain or with deficiencies): what is owed, and for some items the decision at once. */
static int do_accept(db *d, const struct case_ctx *c, struct case_row *row,
		     const struct lc_row *t, const cJSON *body, yc_err *err)
{
	cJSON *missing = case_missing_required(row->rule, row->materials);
	int rc = 0;
	if (t->action == CA_ACCEPT && cJSON_GetArraySize(missing) > 0) {
		rc = yc_err_set(err, YC_EINVAL, "materials",
				"required material %s is missing; request a correction or accept "
				"with deficiencies",
				cJSON_GetArrayItem(missing, 0)->valuestring);
	}
	if (!rc && t->action == CA_ACCEPT_DEFICIENT) {
		const cJSON *named = cJSON_GetObjectItemCaseSensitive(body, "missing");
		if (!cJSON_GetArraySize(named))
			rc = yc_err_set(err, YC_EINVAL, "missing",
					"name the missing materials (容缺受理)");
		if (!rc)
			rc = check_named(row, named, "missing", false, err);
		const cJSON *m;
		/* every required material is either provided or named missing */
		cJSON_ArrayForEach (m, missing) {
			bool named_it = false;
			const cJSON *x;
			cJSON_ArrayForEach (x, named)
				if (cJSON_IsString(x) && !strcmp(x->valuestring, m->valuestring))
					named_it = true;
			if (!rc && !named_it)
				rc = yc_err_set(err, YC_EINVAL, "missing",
						"required material %s is missing and not named",
						m->valuestring);
		}
		if (!rc) {
			cJSON_Delete(missing);
			missing = cJSON_Duplicate(named, true);
			rc = case_due_in(c, (int)yc_json_int(body, "days", c->correction_days),
					 row->due_day, err);
		}
	}
	if (rc) {
		cJSON_Delete(missing);
		return rc;
	}
	if (t->action == CA_ACCEPT) {
		cJSON_Delete(missing);
		missing = cJSON_CreateArray();
		row->due_day[0] = '\0';
	}
	cJSON_Delete(row->missing);
	row->missing = missing;
	if (decided_at_acceptance(row)) {
		row->state = t->alt;
		return yc_json_bool(row->rule, "commitment", false)
			       ? create_post_check(d, c, row, err)
			       : 0;
	}
	return 0; /* the first step is entered once the clock has started (case_act) */
}

/*
 * A return to the applicant names the materials to supply again: they are
 * owed (row->missing) beside any deficiencies of 容缺受理 still open.
 */
static int owe_more(struct case_row *row, const cJSON *named, yc_err *err)
{
	int rc = check_named(row, named, "materials", true, err);
	const cJSON *m;
	cJSON_ArrayForEach (m, named) {
		bool owed = false;
		const cJSON *x;
		cJSON_ArrayForEach (x, row->missing)
			if (cJSON_IsString(x) && !strcmp(x->valuestring, m->valuestring))
				owed = true;
		if (!rc && !owed &&
		    !cJSON_AddItemToArray(row->missing, cJSON_CreateString(m->valuestring)))
			rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	return rc;
}

/*
 * Supplying what was asked for. In correction (补正), before acceptance,
 * nothing has been accepted yet: any material and the form. Once accepted,
 * what was accepted stays as it was accepted (issue 18, finding 11): only
 * what is owed (row->missing: the deficiencies of 容缺受理, and what a return
 * named) is supplied, and the form only when returned.
 */
static int do_supplement(db *d, const struct case_ctx *c, const yc_user *actor,
			 struct case_row *row, const cJSON *body, yc_err *err)
{
	cJSON *added = NULL;
	/* the applicant's own certificates may stand for what is owed; a clerk's, the walk-in's */
	const char *walk_in = actor->role == ROLE_APPLICANT
				      ? NULL
				      : yc_json_str(row->applicant, "id_number");
	int rc = case_check_materials(d, c, cJSON_GetObjectItemCaseSensitive(body, "materials"),
				      cJSON_GetObjectItemCaseSensitive(row->rule, "materials"),
				      "materials", actor->id, walk_in, &added, err);
	if (!rc && row->state != CS_CORRECTION) {
		int i = 0;
		const cJSON *m;
		cJSON_ArrayForEach (m, added) {
			bool owed = false;
			const cJSON *x;
			cJSON_ArrayForEach (x, row->missing)
				if (cJSON_IsString(x) &&
				    !strcmp(x->valuestring, yc_json_str(m, "id")))
					owed = true;
			if (!owed) {
				char path[32];
				snprintf(path, sizeof(path), "materials[%d]", i);
				rc = yc_err_set(err, YC_EINVAL, path,
						"%s: %s was accepted; only what is still owed is "
						"supplemented",
						path, yc_json_str(m, "id"));
				break;
			}
			i++;
		}
	}
	const cJSON *form = cJSON_GetObjectItemCaseSensitive(body, "form");
	if (!rc && !cJSON_GetArraySize(added) && !form)
		rc = yc_err_set(err, YC_EINVAL, "materials", "supplement materials or the form");
	if (!rc && form && row->state != CS_CORRECTION && row->state != CS_RETURNED)
		rc = yc_err_set(err, YC_EINVAL, "form", "the form is corrected only when asked");
	if (!rc && form) {
		/* the corrected form replaces the fields it names */
		cJSON *merged = cJSON_Duplicate(row->form, true);
		const cJSON *v;
		cJSON_ArrayForEach (v, form) {
			cJSON_DeleteItemFromObjectCaseSensitive(merged, v->string);
			cJSON_AddItemToObject(merged, v->string, cJSON_Duplicate(v, true));
		}
		rc = case_check_form(row->rule, merged, err); /* the form as it was at submission */
		if (!rc && c->form_rules)
			rc = c->form_rules(d, c->form_rules_arg, row->item, merged, err);
		if (rc) {
			cJSON_Delete(merged);
		} else {
			cJSON_Delete(row->form);
			row->form = merged;
		}
	}
	cJSON *supplied = rc ? NULL : cJSON_Duplicate(added, true);
	if (!rc && !supplied)
		rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	if (rc) {
		cJSON_Delete(added);
		return rc;
	}
	/* new contents replace those of the same material */
	cJSON *m;
	while ((m = cJSON_DetachItemFromArray(added, 0))) {
		int idx = 0, found = -1;
		const cJSON *old;
		cJSON_ArrayForEach (old, row->materials) {
			if (!strcmp(yc_json_str(old, "id"), yc_json_str(m, "id")))
				found = idx;
			idx++;
		}
		if (found >= 0)
			cJSON_ReplaceItemInArray(row->materials, found, m);
		else
			cJSON_AddItemToArray(row->materials, m);
	}
	cJSON_Delete(added);
	/* what was owed and is now supplied leaves the list */
	cJSON *still = cJSON_CreateArray();
	const cJSON *x;
	cJSON_ArrayForEach (x, row->missing)
		if (cJSON_IsString(x) && !has_material(supplied, x->valuestring))
			cJSON_AddItemToArray(still, cJSON_CreateString(x->valuestring));
	cJSON_Delete(supplied);
	cJSON_Delete(row->missing);
	row->missing = still;
	if (!cJSON_GetArraySize(still))
		row->due_day[0] = '\0';
	if (row->state == CS_CORRECTION) {
		row->state = CS_SUBMITTED;
		row->due_day[0] = '\0';
	} else if (row->state == CS_RETURNED) {
		row->state = CS_ACCEPTED; /* the row's clock resumes */
	}
	return 0;
}

/* The supervisor's choice of approver: one of the step department's approvers. */
static int do_assign(db *d, struct case_row *row, const cJSON *body, yc_err *err)
{
	const char *who = yc_json_str(body, "assignee");
	int rc = db_get(d, err,
			"SELECT 1 FROM users WHERE username = ? AND role = 'approver'"
			" AND department = ? AND disabled = 0",
			"ss", "", who, row->step_department);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return yc_err_set(err, YC_EINVAL, "assignee",
				  "%s is not an approver of the step's department", who);
	snprintf(row->assignee, sizeof(row->assignee), "%s", who);
	char to[64], text[512];
	snprintf(to, sizeof(to), "user:%s", who);
	snprintf(text, sizeof(text), "【一窗】办件%s（%s）已分派给您，期限%s", row->no,
		 row->item_name, row->deadline);
	return notify_queue(d, "sms", to, text, err);
}

static int do_deliver(struct case_row *row, const struct lc_row *t, const cJSON *body,
		      int64_t now, yc_err *err)
{
	cJSON *dv = row->delivery ? cJSON_Duplicate(row->delivery, true) : cJSON_CreateObject();
	const char *mode = yc_json_str(body, "mode");
	if (!mode)
		mode = yc_json_str(dv, "mode");
	bool cross = !strcmp(row->channel, "cross_region");
	if (!mode)
		mode = cross ? "mail" : "window";
	cJSON_DeleteItemFromObjectCaseSensitive(dv, "mode");
	cJSON_AddStringToObject(dv, "mode", mode);
	const char *addr = yc_json_str(body, "address");
	if (addr) {
		cJSON_DeleteItemFromObjectCaseSensitive(dv, "address");
		cJSON_AddStringToObject(dv, "address", addr);
	}
	const char *tracking = yc_json_str(body, "tracking_no");
	if (tracking) {
		cJSON_DeleteItemFromObjectCaseSensitive(dv, "tracking_no");
		cJSON_AddStringToObject(dv, "tracking_no", tracking);
	}
	int rc = case_check_delivery(dv, cJSON_GetObjectItemCaseSensitive(row->rule, "delivery"),
				     cross, "delivery", err);
	if (rc) {
		/* name the body's fields, which is where the fix goes */
		if (err && !strncmp(err->field, "delivery.", 9))
			memmove(err->field, err->field + 9, strlen(err->field + 9) + 1);
		cJSON_Delete(dv);
		return rc;
	}
	if (!strcmp(mode, "mail") &&
	    !*(yc_json_str(dv, "tracking_no") ? yc_json_str(dv, "tracking_no") : "")) {
		cJSON_Delete(dv);
		return yc_err_set(err, YC_EINVAL, "tracking_no",
				  "delivery by mail needs a tracking number");
	}
	if (!strcmp(mode, "window")) {
		uint32_t r = 0;
		yc_random_bytes(&r, sizeof(r));
		char code[8];
		snprintf(code, sizeof(code), "%06u", r % 1000000u);
		cJSON_DeleteItemFromObjectCaseSensitive(dv, "pickup_code");
		cJSON_AddStringToObject(dv, "pickup_code", code);
	}
	cJSON_Delete(row->delivery);
	row->delivery = dv;
	if (!strcmp(mode, "electronic")) {
		row->state = t->alt; /* delivered electronically: closed at once */
		row->closed_ms = now;
	}
	return 0;
}

int case_act(db *d, const struct case_ctx *c, const yc_user *actor, const char *no,
	     enum case_action a, const cJSON *body, yc_buf *out, yc_err *err)
{
	unsigned allowed = 0;
	for (int i = 0; i < case_table_len; i++)
		if (case_table[i].action == (int)a)
			allowed |= case_table[i].roles;
	if (!(allowed & (unsigned)actor->role))
		return yc_err_set(err, YC_EFORBIDDEN, "action", "a %s may not %s a case",
				  case_role_name(actor), case_action_name(a));
	struct case_row row;
	int rc = case_row_load(d, no, &row, err);
	if (rc)
		return rc;
	cJSON *empty = cJSON_CreateObject();
	if (!body)
		body = empty;
	int64_t now = case_now_ms(c);
	int from = row.state;
	const struct lc_row *t = case_transition_find((enum case_state)row.state, a);
	if ((rc = case_may_view(&row, actor, err)))
		goto out;
	if (!t) {
		rc = yc_err_conflict(err, "state", case_state_name(row.state),
				     "a case that is %s cannot %s", case_state_name(row.state),
				     case_action_name(a));
		goto out;
	}
	if (!(t->roles & actor->role)) {
		rc = yc_err_set(err, YC_EFORBIDDEN, "action", "a %s may not %s a %s case",
				case_role_name(actor), case_action_name(a),
				case_state_name(row.state));
		goto out;
	}
	if ((rc = case_may_act(&row, actor, a, err)))
		goto out;
	/* a part of a composite process that may end here takes its run's lock first */
	bool may_end = case_state_open(from) && (!case_state_open(t->to) || !case_state_open(t->alt));
	if (row.process_run[0] && c->part_ended && may_end &&
	    (rc = c->part_ended(d, c, row.process_run, row.process_part, false, err)))
		goto out;
	row.state = t->to;
	const char *tell = NULL;
	char note[1200];
	snprintf(note, sizeof(note), "%s", body_note(body));
	switch (a) {
	case CA_ACCEPT:
	case CA_ACCEPT_DEFICIENT:
		rc = do_accept(d, c, &row, t, body, err);
		tell = row.state == CS_APPROVED ? "已受理并办结，请按约定方式领取结果。"
						: "已受理，请关注办理进度。";
		if (!rc && a == CA_ACCEPT_DEFICIENT)
			tell = "已容缺受理，请在期限内补齐材料。";
		break;
	case CA_REQUEST_CORRECTION:
		rc = case_due_in(c, (int)yc_json_int(body, "days", c->correction_days), row.due_day,
				 err);
		tell = "需要补正材料，请在期限内补正。";
		break;
	case CA_REFUSE: tell = "不予受理，详见不予受理通知书。"; break;
	case CA_SUPPLEMENT:
		row.state = from; /* do_supplement moves it */
		rc = do_supplement(d, c, actor, &row, body, err);
		break;
	case CA_WITHDRAW: row.step_department[0] = row.assignee[0] = '\0'; break;
	case CA_ASSIGN:
		rc = do_assign(d, &row, body, err);
		snprintf(note, sizeof(note), "→ %s: %s", yc_json_str(body, "assignee"),
			 yc_json_str(body, "reason"));
		break;
	case CA_CLAIM: snprintf(row.assignee, sizeof(row.assignee), "%s", actor->username); break;
	case CA_APPROVE:
		if (!row.assignee[0])
			snprintf(row.assignee, sizeof(row.assignee), "%s", actor->username);
		if (row.step + 1 < case_rule_nsteps(&row)) {
			rc = case_enter_step(d, &row, row.step + 1, err);
		} else {
			row.state = t->alt;
			tell = "审批通过，请按约定方式领取结果。";
		}
		break;
	case CA_RETURN:
		if (!strcmp(yc_json_str(body, "to"), "previous")) {
			if (row.step <= 0)
				rc = yc_err_set(err, YC_EINVAL, "to",
						"the first step has no previous step");
			else
				rc = case_enter_step(d, &row, row.step - 1, err);
		} else {
			row.state = t->alt;
			rc = owe_more(&row, cJSON_GetObjectItemCaseSensitive(body, "materials"),
				      err);
			if (!rc)
				rc = case_due_in(c, c->correction_days, row.due_day, err);
			tell = "审查中需要补充材料，请尽快补充。";
		}
		break;
	case CA_DENY: tell = "不予许可，详见决定书。"; break;
	case CA_SUSPEND:
		snprintf(note, sizeof(note), "%s: %s", yc_json_str(body, "type"),
			 yc_json_str(body, "reason"));
		tell = "进入特别程序（听证、检验、检测、鉴定或专家评审），期间不计入办理时限。";
		break;
	case CA_RESUME:
		tell = "特别程序结束，恢复办理。";
		break;
	case CA_CHOOSE_DELIVERY: {
		const char *mode = yc_json_str(body, "mode");
		rc = case_check_delivery(body,
					 cJSON_GetObjectItemCaseSensitive(row.rule, "delivery"),
					 !strcmp(row.channel, "cross_region"), "delivery", err);
		if (rc && err && !strncmp(err->field, "delivery.", 9))
			memmove(err->field, err->field + 9, strlen(err->field + 9) + 1);
		if (!rc) {
			cJSON_Delete(row.delivery);
			row.delivery = cJSON_Duplicate(body, true);
			snprintf(note, sizeof(note), "%s", mode);
		}
		break;
	}
	case CA_DELIVER:
		rc = do_deliver(&row, t, body, now, err);
		tell = row.state == CS_CLOSED ? "结果已电子送达，办件办结。"
					      : "结果已送达，请凭取件码领取或留意邮件。";
		break;
	case CA_CLOSE: {
		const char *mode = yc_json_str(row.delivery, "mode");
		const char *code = yc_json_str(body, "pickup_code");
		if (mode && !strcmp(mode, "window") && actor->role == ROLE_CLERK &&
		    (!code || strcmp(code, yc_json_str(row.delivery, "pickup_code"))))
			rc = yc_err_set(err, YC_EINVAL, "pickup_code",
					"the pickup code does not match");
		row.closed_ms = now;
		break;
	}
	case CA_LAPSE: break;
	case CA_NACTIONS: rc = YC_EINTERNAL; break;
	}
	if (rc)
		goto out;
	/* the outcome is the row's to or alt, and the row's clock is the move between their clocks */
	assert(row.state == t->to || row.state == t->alt);
	enum case_clock clock = row.state == t->to ? t->effect : t->alt_effect;
	assert(clock == case_clock_between(from, row.state));
	if ((rc = case_clock_apply(c, &row, clock, now, err)))
		goto out;
	/* an accepted case enters its first step with its deadline known: the assignee is told it */
	if (clock == CLOCK_START && (rc = case_enter_step(d, &row, 0, err)))
		goto out;
	if (row.state != CS_ACCEPTED && row.state != CS_SUSPENDED && row.state != CS_RETURNED &&
	    row.state != CS_SUBMITTED && row.state != CS_CORRECTION) {
		/* decided or ended: no step, no light to keep current */
		row.step_department[0] = '\0';
		if (row.accepted_ms && row.decided_ms && row.state != CS_WITHDRAWN)
			snprintf(row.light, sizeof(row.light), "%s",
				 case_light_at(case_local_min(c, row.decided_ms), row.yellow_min,
					       row.deadline_min));
	} else if (row.state == CS_ACCEPTED) {
		snprintf(row.light, sizeof(row.light), "%s",
			 case_light_at(case_local_min(c, now), row.yellow_min, row.deadline_min));
	}
	if ((rc = case_row_store(d, &row, now, err)) ||
	    (rc = case_figures_changed(d, c, &row, err)))
		goto out;
	rc = case_record_change(d, &row, actor, now, case_action_name(a), from, note, tell, err);
	/* a part of a composite process that ends tells its run, in this transaction */
	if (!rc && row.process_run[0] && c->part_ended && case_state_open(from) &&
	    !case_state_open(row.state))
		rc = c->part_ended(d, c, row.process_run, row.process_part, true, err);
	/* a service decided (not withdrawn, not lapsed): the applicant may rate it */
	if (!rc && !row.process_run[0] && c->decided && case_state_open(from) &&
	    !case_state_open(row.state) && row.state != CS_WITHDRAWN && row.state != CS_LAPSED)
		rc = c->decided(d, c->decided_arg, "case", row.no, err);
	/* an approval issues the certificate it is bound to, in this transaction */
	if (!rc && c->approved && from != CS_APPROVED && row.state == CS_APPROVED)
		rc = c->approved(d, c->approved_arg, "case", row.no, err);
	if (!rc && out)
		rc = case_render_case(d, c, &row, actor, out, err);
out:
	cJSON_Delete(empty);
	case_row_free(&row);
	return rc;
}
