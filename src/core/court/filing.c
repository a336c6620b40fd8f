/*
 * filing.c — a filing's way from the registry's approval to its close.
 *
 *   (网上立案 approved) ──mediate──▶ ┌───────────┐ settle ┌─────────┐
 *                                    │ mediating │ ─────▶ │ settled │
 *                                    └───────────┘        └─────────┘
 *                                          │ fail (调解不成: registered, classified, assigned)
 *   (网上立案 approved) ──direct──▶  ┌────────┐ ◀┘   close  ┌────────┐
 *                                    │ filed  │ ──────────▶ │ closed │
 *                                    └────────┘             └────────┘
 *                                      │  ▲ reassign (人工: another team or judge, with a reason)
 *                                      └──┘
 *
 * The court's approvers (the registry) act; the parties fill the element form while filed.
 */
#include "core/court/internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/common/audit.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static const char *const state_names[] = {"mediating", "settled", "filed", "closed"};
static const char *const action_names[] = {"settle", "fail", "reassign", "close"};

#define REGISTRY (ROLE_APPROVER | ROLE_ADMIN)
static const struct lc_row table[] = {
	{KS_MEDIATING, KA_SETTLE, REGISTRY, KS_SETTLED, KS_SETTLED, 0, 0},
	{KS_MEDIATING, KA_FAIL, REGISTRY, KS_FILED, KS_FILED, 0, 0},
	{KS_FILED, KA_REASSIGN, REGISTRY, KS_FILED, KS_FILED, 0, 0},
	{KS_FILED, KA_CLOSE, REGISTRY, KS_CLOSED, KS_CLOSED, 0, 0},
};

const struct lc_table court_lifecycle = {
	.name = "court case",
	.rows = table,
	.nrows = (int)(sizeof(table) / sizeof(table[0])),
	.states = state_names,
	.nstates = KS_N,
	.actions = action_names,
	.nactions = KA_N,
};

/* Registers a filing on day `on`: its track, team and judge by the rules. */
static int file_on(db *d, const struct court_ctx *c, const char *no, const char *on, yc_err *err)
{
	char type[80] = "";
	int64_t amount = 0, parties = 0;
	int rc = db_get(
		d, err,
		"SELECT dispute_type, amount_fen, parties FROM court_cases WHERE case_no = ?", "s",
		"tii", no, type, sizeof(type), &amount, &parties);
	if (rc < 0)
		return rc;
	struct court_track t;
	if ((rc = court_classify(d, no, type, amount, (int)parties, &t, err)))
		return rc;
	return db_run(d, err,
		      "UPDATE court_cases SET state = 'filed', track = ?, small_claims = ?,"
		      " track_basis = ?, team = ?, judge = ?, filed_on = ?, updated_ms = ?"
		      " WHERE case_no = ?",
		      "sissssis", t.simple ? "simple" : "complex", (int64_t)t.small_claims, t.basis,
		      t.team, t.judge, on, court_now(c), no);
}

int court_approved(db *d, void *arg, const char *kind, const char *no, yc_err *err)
{
	const struct court_ctx *c = arg;
	int rc = c->approved_then ? c->approved_then(d, c->approved_then_arg, kind, no, err) : 0;
	if (rc || strcmp(kind, "case"))
		return rc;
	char item[24] = "", formtext[8192] = "";
	int64_t applicant = 0;
	if ((rc = db_get(d, err,
			 "SELECT item, form, COALESCE(applicant_user, 0) FROM cases WHERE no = ?",
			 "s", "tti", no, item, sizeof(item), formtext, sizeof(formtext),
			 &applicant)) < 0)
		return rc;
	if (rc == DB_DONE || strcmp(item, c->item))
		return 0;
	cJSON *form = cJSON_Parse(formtext), *rules = NULL;
	const char *type = yc_json_str(form, "dispute_type"),
		   *community = yc_json_str(form, "community");
	const char *mediate = yc_json_str(form, "mediate");
	if ((rc = court_rules_get(d, &rules, err))) {
		cJSON_Delete(form);
		return rc;
	}
	/* the community's grid court */
	char grid[8] = "";
	const cJSON *g, *m;
	cJSON_ArrayForEach (g, cJSON_GetObjectItemCaseSensitive(rules, "grid_courts"))
		cJSON_ArrayForEach (m, cJSON_GetObjectItemCaseSensitive(g, "communities"))
			if (community && cJSON_IsString(m) && !strcmp(m->valuestring, community))
				snprintf(grid, sizeof(grid), "%s", yc_json_str(g, "code"));
	const cJSON *ty = court_type(rules, type);
	char on[12];
	yc_date_format(court_day(c, court_now(c)), on, sizeof(on));
	const cJSON *amount = cJSON_GetObjectItemCaseSensitive(form, "claim_amount");
	const cJSON *parties = cJSON_GetObjectItemCaseSensitive(form, "parties");
	rc = db_run(
		d, err,
		"INSERT INTO court_cases (case_no, dispute_type, commercial, amount_fen, parties,"
		" defendant, community, grid_court, applicant_user, state, received_on,"
		" updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), 'mediating', ?, ?)",
		"ssiiisssisi", no, type ? type : "", (int64_t)yc_json_bool(ty, "commercial", false),
		(int64_t)llround((cJSON_IsNumber(amount) ? amount->valuedouble : 0) * 100),
		(int64_t)(cJSON_IsNumber(parties) ? parties->valueint : 2),
		yc_json_str(form, "defendant") ? yc_json_str(form, "defendant") : "",
		community ? community : "", grid, applicant, on, court_now(c));
	/* without mediation the filing is registered at once */
	if (!rc && !(mediate && !strncmp(mediate, "同意", strlen("同意"))))
		rc = file_on(d, c, no, on, err);
	cJSON_Delete(rules);
	cJSON_Delete(form);
	return rc;
}

/* ---- actions --------------------------------------------------------------------------- */

static const char *const outcomes[] = {"judgment", "mediated", "withdrawn", NULL};

int court_act_check(const char *action, const cJSON *body, yc_err *err)
{
	int a = lc_action(&court_lifecycle, action), rc;
	static const yc_jfield settle[] = {
		{"on", YC_JT_STRING, true, 10},
		{"amount", YC_JT_NUMBER, true, 0, .min = 0, .max = 1e11}};
	static const yc_jfield fail[] = {{"on", YC_JT_STRING, true, 10},
					 {"reason", YC_JT_STRING, false, 500}};
	static const yc_jfield reassign[] = {{"team", YC_JT_STRING, true, 7},
					     {"judge", YC_JT_STRING, true, 47},
					     {"reason", YC_JT_STRING, true, 500}};
	static const yc_jfield close[] = {
		{"on", YC_JT_STRING, true, 10},
		{"outcome", YC_JT_STRING, true, 16, .one_of = outcomes},
		{"amount", YC_JT_NUMBER, false, 0, .min = 0, .max = 1e11},
	};
	rc = a == KA_SETTLE	? yc_json_check(body, settle, 2, err)
	     : a == KA_FAIL	? yc_json_check(body, fail, 2, err)
	     : a == KA_REASSIGN ? yc_json_check(body, reassign, 3, err)
				: yc_json_check(body, close, 3, err);
	if (rc)
		return rc;
	int32_t day;
	if (a != KA_REASSIGN && yc_date_parse(yc_json_str(body, "on"), &day))
		return yc_err_set(err, YC_EINVAL, "on", "on is a date YYYY-MM-DD");
	if (a == KA_REASSIGN && !yc_json_str(body, "reason")[0])
		return yc_err_set(err, YC_EINVAL, "reason", "a manual assignment records why");
	return 0;
}

static int64_t fen_of(const cJSON *body)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, "amount");
	return cJSON_IsNumber(v) ? llround(v->valuedouble * 100) : 0;
}

int court_act(db *d, const struct court_ctx *c, const yc_user *u, const char *no,
	      const char *action, const cJSON *body, yc_buf *out, yc_err *err)
{
	int a = lc_action(&court_lifecycle, action);
	if (a < 0)
		return yc_err_set(err, YC_ENOTFOUND, "action", "no action %s", action);
	char state[16] = "", received[12] = "", filed[12] = "";
	int rc = db_get(d, err,
			"SELECT state, received_on, COALESCE(filed_on, '') FROM court_cases WHERE"
			" case_no = ?",
			"s", "ttt", no, state, sizeof(state), received, sizeof(received), filed,
			sizeof(filed));
	if (rc < 0)
		return rc;
	if (rc == DB_DONE || !court_staff(c, u))
		return yc_err_set(err, YC_ENOTFOUND, "no", "no court case %s", no);
	int from = lc_state(&court_lifecycle, state);
	const struct lc_row *row = lc_find(&court_lifecycle, from, a);
	if (!row)
		return lc_refuse(&court_lifecycle, from, a, err);
	if (!(row->roles & u->role))
		return yc_err_set(err, YC_EFORBIDDEN, NULL, "the court's registry does this");
	const char *on = yc_json_str(body, "on");
	int32_t day = 0, after = 0, today = court_day(c, court_now(c));
	if (on) {
		yc_date_parse(on, &day);
		yc_date_parse(filed[0] ? filed : received, &after);
		if (day > today || day < after)
			return yc_err_set(err, YC_EINVAL, "on", "on is between %s and today",
					  filed[0] ? filed : received);
	}
	int64_t now = court_now(c);
	switch (a) {
	case KA_SETTLE:
		rc = db_run(
			d, err,
			"UPDATE court_cases SET state = 'settled', mediation_end = ?, closed_on = "
			"?,"
			" outcome = 'settled', awarded_fen = ?, updated_ms = ? WHERE case_no = ?",
			"ssiis", on, on, fen_of(body), now, no);
		break;
	case KA_FAIL:
		if (!(rc = db_run(d, err,
				  "UPDATE court_cases SET mediation_end = ?, updated_ms = ? WHERE"
				  " case_no = ?",
				  "sis", on, now, no)))
			rc = file_on(d, c, no, on, err);
		break;
	case KA_REASSIGN: {
		cJSON *rules;
		if ((rc = court_rules_get(d, &rules, err)))
			return rc;
		const char *team = yc_json_str(body, "team"), *judge = yc_json_str(body, "judge");
		bool found = false;
		const cJSON *t, *j;
		cJSON_ArrayForEach (t, cJSON_GetObjectItemCaseSensitive(rules, "teams"))
			if (!strcmp(yc_json_str(t, "code"), team))
				cJSON_ArrayForEach (j,
						    cJSON_GetObjectItemCaseSensitive(t, "judges"))
					found |=
						cJSON_IsString(j) && !strcmp(j->valuestring, judge);
		cJSON_Delete(rules);
		if (!found)
			return yc_err_set(err, YC_EINVAL, "judge", "%s is no judge of team %s",
					  judge, team);
		rc = db_run(d, err,
			    "UPDATE court_cases SET team = ?, judge = ?, assign_note = ?, "
			    "updated_ms = ?"
			    " WHERE case_no = ?",
			    "sssis", team, judge, yc_json_str(body, "reason"), now, no);
		break;
	}
	default:
		rc = db_run(d, err,
			    "UPDATE court_cases SET state = 'closed', closed_on = ?, outcome = ?,"
			    " awarded_fen = ?, updated_ms = ? WHERE case_no = ?",
			    "ssiis", on, yc_json_str(body, "outcome"), fen_of(body), now, no);
	}
	char act[32];
	snprintf(act, sizeof(act), "court.%s", action);
	yc_actor ac = {u->username, account_role_name(u->role)};
	if (!rc)
		rc = audit_append(d, &ac, act, no, yc_json_str(body, "reason"), state,
				  lc_state_name(&court_lifecycle, row->to), err);
	return rc ? rc : court_get_json(d, c, u, no, out, err);
}

/* ---- 要素式审判: the element form -------------------------------------------------------- */

int court_elements(db *d, const struct court_ctx *c, const yc_user *u, const char *no,
		   const cJSON *body, yc_buf *out, yc_err *err)
{
	static const char *const parties[] = {"plaintiff", "defendant", NULL};
	static const yc_jfield spec[] = {{"party", YC_JT_STRING, true, 16, .one_of = parties},
					 {"fields", YC_JT_OBJECT, true, 0}};
	int rc = yc_json_check(body, spec, 2, err);
	if (rc)
		return rc;
	char state[16] = "", type[80] = "", elements[8192] = "";
	int64_t applicant = 0;
	if ((rc = db_get(d, err,
			 "SELECT state, dispute_type, elements, COALESCE(applicant_user, 0) FROM"
			 " court_cases WHERE case_no = ?",
			 "s", "ttti", no, state, sizeof(state), type, sizeof(type), elements,
			 sizeof(elements), &applicant)) < 0)
		return rc;
	const char *party = yc_json_str(body, "party");
	bool staff = court_staff(c, u) && u->role != ROLE_SUPERVISOR;
	bool plaintiff = u->role == ROLE_APPLICANT && u->id == applicant;
	if (rc == DB_DONE || (!staff && !plaintiff))
		return yc_err_set(err, YC_ENOTFOUND, "no", "no court case %s", no);
	if (plaintiff && strcmp(party, "plaintiff"))
		return yc_err_set(err, YC_EFORBIDDEN, "party", "a plaintiff fills its own form");
	if (strcmp(state, "filed"))
		return yc_err_conflict(
			err, NULL, state,
			"the element form is filled before the hearing of a registered case");
	cJSON *rules;
	if ((rc = court_rules_get(d, &rules, err)))
		return rc;
	const cJSON *form = cJSON_GetObjectItemCaseSensitive(court_type(rules, type), "elements");
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(body, "fields"), *f;
	const cJSON *given = fields;
	if (!cJSON_GetArraySize(form)) {
		rc = yc_err_set(err, YC_EINVAL, "fields", "a %s has no element form", type);
		given = NULL;
	}
	/* every field named in the form, of its type */
	cJSON_ArrayForEach (f, given) {
		const cJSON *decl = NULL, *x;
		cJSON_ArrayForEach (x, form)
			if (!strcmp(yc_json_str(x, "name"), f->string))
				decl = x;
		char path[80];
		snprintf(path, sizeof(path), "fields.%s", f->string);
		const char *t = decl ? yc_json_str(decl, "type") : "";
		int32_t day;
		bool ok =
			decl && (!strcmp(t, "number") ? cJSON_IsNumber(f) && f->valuedouble >= 0
				 : !strcmp(t, "date")
					 ? cJSON_IsString(f) && !yc_date_parse(f->valuestring, &day)
					 : cJSON_IsString(f) && strlen(f->valuestring) <= 200);
		if (ok && !strcmp(t, "select")) {
			ok = false;
			cJSON_ArrayForEach (x, cJSON_GetObjectItemCaseSensitive(decl, "options"))
				ok |= cJSON_IsString(x) && !strcmp(x->valuestring, f->valuestring);
		}
		if (!ok) {
			rc = yc_err_set(err, YC_EINVAL, path,
					decl ? "%s is not a valid %s" : "%s is not on the form",
					path, t);
			break;
		}
	}
	cJSON *all = rc ? NULL : cJSON_Parse(elements);
	if (all) {
		cJSON_DeleteItemFromObjectCaseSensitive(all, party);
		cJSON_AddItemToObject(all, party, cJSON_Duplicate(fields, true));
		char *text = cJSON_PrintUnformatted(all);
		rc = db_run(d, err,
			    "UPDATE court_cases SET elements = ?, updated_ms = ? WHERE case_no = ?",
			    "sis", text, court_now(c), no);
		cJSON_free(text);
	}
	cJSON_Delete(all);
	cJSON_Delete(rules);
	yc_actor ac = {u->username, account_role_name(u->role)};
	if (!rc)
		rc = audit_append(d, &ac, "court.elements", no, NULL, NULL, party, err);
	return rc ? rc : court_get_json(d, c, u, no, out, err);
}
