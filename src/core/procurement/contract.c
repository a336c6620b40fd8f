/*
 * contract.c — a procurement contract from its award notice to its filing.
 *
 *               sign (the unit; after sign_by        file (the finance
 *   ┌─────────┐  only with a reason)  ┌────────┐   department)   ┌───────┐
 *   │ awarded │ ────────────────────▶ │ signed │ ──────────────▶ │ filed │
 *   └─────────┘                       └────────┘                 └───────┘
 *     │  ▲ explain (the unit records     │ ▲ advance               │ ▲ advance
 *     │  └─ why it is not signed yet)    └─┘ (预付款)               └─┘
 *     │ cancel (with a reason)
 *     ▼
 *   ┌───────────┐
 *   │ cancelled │
 *   └───────────┘
 *
 * Each open state has its limit on the calendar: awarded, sign-days working
 * days after the notice's day; signed, file-days after the signing's day. The
 * light is a case's (yellow warn-days before, red past it).
 */
#include "core/procurement/internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/case/case.h"
#include "core/common/audit.h"
#include "core/common/ids.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static const char *const state_names[] = {"awarded", "signed", "filed", "cancelled"};
static const char *const action_names[] = {"sign", "explain", "file", "advance", "cancel"};

#define UNIT (ROLE_APPROVER | ROLE_ADMIN)
static const struct lc_row table[] = {
	{PS_AWARDED, PA_SIGN, UNIT, PS_SIGNED, PS_SIGNED, 0, 0},
	{PS_AWARDED, PA_EXPLAIN, UNIT, PS_AWARDED, PS_AWARDED, 0, 0},
	{PS_AWARDED, PA_CANCEL, UNIT, PS_CANCELLED, PS_CANCELLED, 0, 0},
	{PS_SIGNED, PA_FILE, UNIT, PS_FILED, PS_FILED, 0, 0},
	{PS_SIGNED, PA_EXPLAIN, UNIT, PS_SIGNED, PS_SIGNED, 0, 0},
	{PS_SIGNED, PA_ADVANCE, UNIT, PS_SIGNED, PS_SIGNED, 0, 0},
	{PS_FILED, PA_ADVANCE, UNIT, PS_FILED, PS_FILED, 0, 0},
};

const struct lc_table proc_lifecycle = {
	.name = "contract",
	.rows = table,
	.nrows = (int)(sizeof(table) / sizeof(table[0])),
	.states = state_names,
	.nstates = PS_N,
	.actions = action_names,
	.nactions = PA_N,
};

int64_t proc_now(const struct proc_ctx *c)
{
	if (c->now_ms)
		return c->now_ms;
	if (c->cases && c->cases->now_ms)
		return c->cases->now_ms;
	return yc_now_ms();
}

int32_t proc_day(const struct proc_ctx *c, int64_t ms)
{
	int64_t local = ms / 60000 + (c->cases ? c->cases->tz_offset_min : 480);
	return (int32_t)(local >= 0 ? local / 1440 : (local - 1439) / 1440);
}

int proc_limit(const struct proc_ctx *c, int32_t day, int days, struct case_deadline *dl,
	       yc_err *err)
{
	int64_t ms = ((int64_t)day * 1440 - (c->cases ? c->cases->tz_offset_min : 480)) * 60000;
	int rc = case_deadline_after(c->cases, ms, days, false, dl, err);
	if (rc == YC_ENOTLOADED) {
		/* next year's holidays are not loaded: the limit waits for them, as a case's */
		yc_err_clear(err);
		memset(dl, 0, sizeof(*dl));
		rc = 0;
	}
	return rc;
}

/* ---- the bid deposit by the supplier's credit record ---------------------------------- */

int proc_deposit_rule(db *d, const char *code, struct proc_deposit *out, yc_err *err)
{
	memset(out, 0, sizeof(*out));
	int64_t abnormal = 0, serious = 0;
	char state[16] = "";
	int rc = db_get(d, err,
			"SELECT class, abnormal, serious, state FROM insp_entities WHERE"
			" credit_code = ?",
			"s", "tiit", code, out->cls, sizeof(out->cls), &abnormal, &serious, state,
			sizeof(state));
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		snprintf(out->basis, sizeof(out->basis),
			 "供应商不在市场主体名录库，无信用记录：须缴纳投标保证金");
	else if (strcmp(state, "active"))
		snprintf(out->basis, sizeof(out->basis), "供应商已注销：不得参加投标");
	else if (serious || abnormal)
		snprintf(out->basis, sizeof(out->basis), "供应商列入%s：须缴纳投标保证金",
			 serious ? "严重违法失信名单" : "经营异常名录");
	else if (out->cls[0] == 'A' || out->cls[0] == 'B')
		out->waived = true,
		snprintf(out->basis, sizeof(out->basis),
			 "信用风险分类%s类，无经营异常和严重违法失信记录：免收投标保证金",
			 out->cls);
	else
		snprintf(out->basis, sizeof(out->basis), "信用风险分类%s类：须缴纳投标保证金",
			 out->cls);
	return 0;
}

int proc_deposit_json(db *d, const char *code, yc_buf *out, yc_err *err)
{
	if (!ids_uscc_valid(code))
		return yc_err_set(err, YC_EINVAL, "credit_code",
				  "credit_code is not a valid unified social credit code");
	struct proc_deposit p;
	int rc = proc_deposit_rule(d, code, &p, err);
	if (rc)
		return rc;
	yc_buf_addf(out, "{\"credit_code\":\"%s\",\"waived\":%s,\"class\":", code,
		    p.waived ? "true" : "false");
	yc_json_add_str(out, p.cls);
	yc_buf_adds(out, ",\"basis\":");
	yc_json_add_str(out, p.basis);
	return yc_buf_adds(out, "}") ? YC_ENOMEM : 0;
}

/* ---- a new contract ---------------------------------------------------------------------- */

static const char *const methods[] = {"公开招标", "邀请招标", "竞争性谈判", "竞争性磋商",
				      "询价",	  "单一来源", "框架协议",   NULL};

/* Yuan (two decimals at most) → fen; -1 when not such an amount. */
int64_t proc_fen(const cJSON *v)
{
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0 ||
	    v->valuedouble > 1e11)
		return -1;
	double fen = v->valuedouble * 100, whole = round(fen);
	return fabs(fen - whole) > 1e-3 ? -1 : (int64_t)whole;
}

int proc_create_check(const cJSON *body, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"project", YC_JT_STRING, true, 200},
		{"project_no", YC_JT_STRING, true, 64},
		{"unit", YC_JT_STRING, false, 15},
		{"method", YC_JT_STRING, true, 32, .one_of = methods},
		{"supplier_code", YC_JT_STRING, true, 18},
		{"supplier", YC_JT_STRING, true, 200},
		{"sme", YC_JT_BOOL, false, 0},
		{"amount", YC_JT_NUMBER, true, 0},
		{"deposit", YC_JT_NUMBER, false, 0},
		{"awarded_on", YC_JT_STRING, true, 10},
	};
	int rc = yc_json_check(body, spec, sizeof(spec) / sizeof(spec[0]), err);
	if (rc)
		return rc;
	static const char *const texts[] = {"project", "project_no", "supplier"};
	for (int i = 0; i < 3; i++)
		if (!yc_json_str(body, texts[i])[0])
			return yc_err_set(err, YC_EINVAL, texts[i], "%s is required", texts[i]);
	if (!ids_uscc_valid(yc_json_str(body, "supplier_code")))
		return yc_err_set(err, YC_EINVAL, "supplier_code",
				  "supplier_code is not a valid unified social credit code");
	if (proc_fen(cJSON_GetObjectItemCaseSensitive(body, "amount")) <= 0)
		return yc_err_set(err, YC_EINVAL, "amount",
				  "amount is the contract's sum in yuan (two decimals at most)");
	const cJSON *dep = cJSON_GetObjectItemCaseSensitive(body, "deposit");
	if (dep && proc_fen(dep) < 0)
		return yc_err_set(err, YC_EINVAL, "deposit", "deposit is a sum in yuan");
	int32_t day;
	if (yc_date_parse(yc_json_str(body, "awarded_on"), &day))
		return yc_err_set(err, YC_EINVAL, "awarded_on", "awarded_on is a date YYYY-MM-DD");
	return 0;
}

static int next_id(db *d, int32_t day, char *id, size_t size, yc_err *err)
{
	int y;
	unsigned m, dd;
	yc_civil_from_days(day, &y, &m, &dd);
	char like[16];
	snprintf(like, sizeof(like), "CG%d-%%", y);
	int64_t n = 0;
	int rc = db_get(d, err, "SELECT COUNT(*) FROM proc_contracts WHERE id LIKE ?", "s", "i",
			like, &n);
	if (rc < 0)
		return rc;
	snprintf(id, size, "CG%d-%04lld", y, (long long)n + 1);
	return 0;
}

int proc_create(db *d, const struct proc_ctx *c, const yc_user *u, const cJSON *body, yc_buf *out,
		yc_err *err)
{
	const char *unit = yc_json_str(body, "unit");
	if (!unit || !unit[0])
		unit = u->department;
	if (u->role != ROLE_ADMIN && strcmp(unit, u->department))
		return yc_err_set(err, YC_EFORBIDDEN, "unit",
				  "a budget unit records its own contracts");
	int64_t known = 0;
	int rc = db_get(d, err, "SELECT COUNT(*) FROM departments WHERE code = ?", "s", "i", unit,
			&known);
	if (rc < 0)
		return rc;
	if (!known)
		return yc_err_set(err, YC_EINVAL, "unit", "no department %s", unit);
	int32_t day, today = proc_day(c, proc_now(c));
	yc_date_parse(yc_json_str(body, "awarded_on"), &day);
	if (day > today)
		return yc_err_set(err, YC_EINVAL, "awarded_on", "awarded_on is today or earlier");
	const char *code = yc_json_str(body, "supplier_code");
	struct proc_deposit dep;
	if ((rc = proc_deposit_rule(d, code, &dep, err)))
		return rc;
	struct case_deadline dl;
	if ((rc = proc_limit(c, day, c->sign_days, &dl, err)))
		return rc;
	char id[24], on[12];
	if ((rc = next_id(d, day, id, sizeof(id), err)))
		return rc;
	yc_date_format(day, on, sizeof(on));
	const cJSON *deposit = cJSON_GetObjectItemCaseSensitive(body, "deposit");
	int64_t now = proc_now(c),
		amount = proc_fen(cJSON_GetObjectItemCaseSensitive(body, "amount"));
	rc = db_run(
		d, err,
		"INSERT INTO proc_contracts (id, project, project_no, unit, method, supplier_code,"
		" supplier, sme, amount_fen, deposit_fen, deposit_waived, deposit_basis,"
		" awarded_on, sign_by, state, yellow_min, deadline_min, created_by, created_ms,"
		" updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''),"
		" 'awarded', NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?)",
		"sssssssiiiisssiisii", id, yc_json_str(body, "project"),
		yc_json_str(body, "project_no"), unit, yc_json_str(body, "method"), code,
		yc_json_str(body, "supplier"), (int64_t)yc_json_bool(body, "sme", false), amount,
		deposit ? proc_fen(deposit) : (int64_t)0, (int64_t)dep.waived, dep.basis, on,
		dl.text, dl.yellow_min, dl.deadline_min, u->username, now, now);
	yc_actor a = {u->username, account_role_name(u->role)};
	if (!rc)
		rc = audit_append(d, &a, "procurement.award", id, NULL, NULL, NULL, err);
	return rc ? rc : proc_get_json(d, c, u, id, out, err);
}

/* ---- actions ----------------------------------------------------------------------------- */

int proc_act_check(const char *action, const cJSON *body, yc_err *err)
{
	static const yc_jfield sign[] = {{"on", YC_JT_STRING, true, 10},
					 {"reason", YC_JT_STRING, false, 500}};
	static const yc_jfield why[] = {{"reason", YC_JT_STRING, true, 500}};
	static const yc_jfield advance[] = {{"on", YC_JT_STRING, true, 10},
					    {"percent", YC_JT_INT, true, 0, .min = 1, .max = 100}};
	int a = lc_action(&proc_lifecycle, action), rc;
	if (a == PA_EXPLAIN || a == PA_CANCEL) {
		if ((rc = yc_json_check(body, why, 1, err)))
			return rc;
		return yc_json_str(body, "reason")[0]
			       ? 0
			       : yc_err_set(err, YC_EINVAL, "reason", "reason is required");
	}
	if ((rc = a == PA_ADVANCE ? yc_json_check(body, advance, 2, err)
				  : yc_json_check(body, sign, 2, err)))
		return rc;
	int32_t day;
	if (yc_date_parse(yc_json_str(body, "on"), &day))
		return yc_err_set(err, YC_EINVAL, "on", "on is a date YYYY-MM-DD");
	return 0;
}

struct row {
	char id[24], unit[16], state[16], awarded[12], sign_by[12], signed_on[12], file_by[12];
	char reason[520];
	int64_t amount;
};

static int load(db *d, const char *id, struct row *r, yc_err *err)
{
	memset(r, 0, sizeof(*r));
	int rc = db_get(
		d, err,
		"SELECT id, unit, state, awarded_on, COALESCE(sign_by, ''),"
		" COALESCE(signed_on, ''), COALESCE(file_by, ''), COALESCE(delay_reason, ''),"
		" amount_fen FROM proc_contracts WHERE id = ?",
		"s", "tttttttti", id, r->id, sizeof(r->id), r->unit, sizeof(r->unit), r->state,
		sizeof(r->state), r->awarded, sizeof(r->awarded), r->sign_by, sizeof(r->sign_by),
		r->signed_on, sizeof(r->signed_on), r->file_by, sizeof(r->file_by), r->reason,
		sizeof(r->reason), &r->amount);
	if (rc < 0)
		return rc;
	return rc == DB_DONE ? yc_err_set(err, YC_ENOTFOUND, "id", "no contract %s", id) : 0;
}

/* The action's day: between `after` and today. */
static int day_of(const struct proc_ctx *c, const cJSON *body, const char *after_text,
		  const char *what, int32_t *day, char on[12], yc_err *err)
{
	int32_t after = 0;
	yc_date_parse(yc_json_str(body, "on"), day);
	yc_date_parse(after_text, &after);
	if (*day > proc_day(c, proc_now(c)))
		return yc_err_set(err, YC_EINVAL, "on", "on is today or earlier");
	if (*day < after)
		return yc_err_set(err, YC_EINVAL, "on", "on is not before the %s (%s)", what,
				  after_text);
	yc_date_format(*day, on, 12);
	return 0;
}

static int sign(db *d, const struct proc_ctx *c, struct row *r, const cJSON *body, yc_err *err)
{
	int32_t day;
	char on[12];
	int rc = day_of(c, body, r->awarded, "award notice", &day, on, err);
	if (rc)
		return rc;
	const char *why = yc_json_str(body, "reason");
	bool late = r->sign_by[0] && strcmp(on, r->sign_by) > 0;
	if (late && !r->reason[0] && (!why || !why[0]))
		return yc_err_set(err, YC_EINVAL, "reason",
				  "signed after %s, the limit: say why it was late", r->sign_by);
	struct case_deadline dl;
	if ((rc = proc_limit(c, day, c->file_days, &dl, err)))
		return rc;
	return db_run(d, err,
		      "UPDATE proc_contracts SET state = 'signed', signed_on = ?,"
		      " file_by = NULLIF(?, ''), delay_reason = CASE WHEN ? <> '' THEN ? ELSE"
		      " delay_reason END, yellow_min = NULLIF(?, 0), deadline_min = NULLIF(?, 0),"
		      " escalated_ms = NULL, updated_ms = ? WHERE id = ?",
		      "ssssiiis", on, dl.text, why ? why : "", why ? why : "", dl.yellow_min,
		      dl.deadline_min, proc_now(c), r->id);
}

static int file(db *d, const struct proc_ctx *c, struct row *r, const cJSON *body, yc_err *err)
{
	int32_t day;
	char on[12];
	int rc = day_of(c, body, r->signed_on, "signing", &day, on, err);
	const char *why = yc_json_str(body, "reason");
	return rc ? rc
		  : db_run(d, err,
			   "UPDATE proc_contracts SET state = 'filed', filed_on = ?,"
			   " delay_reason = CASE WHEN ? <> '' THEN ? ELSE delay_reason END,"
			   " yellow_min = NULL, deadline_min = NULL, updated_ms = ? WHERE id = ?",
			   "sssis", on, why ? why : "", why ? why : "", proc_now(c), r->id);
}

static int advance(db *d, const struct proc_ctx *c, struct row *r, const cJSON *body, yc_err *err)
{
	int32_t day;
	char on[12];
	int rc = day_of(c, body, r->signed_on, "signing", &day, on, err);
	int64_t pct = yc_json_int(body, "percent", 0);
	return rc ? rc
		  : db_run(d, err,
			   "UPDATE proc_contracts SET advance_percent = ?, advance_fen = ?,"
			   " advance_on = ?, updated_ms = ? WHERE id = ?",
			   "iisis", pct, r->amount * pct / 100, on, proc_now(c), r->id);
}

int proc_act(db *d, const struct proc_ctx *c, const yc_user *u, const char *id, const char *action,
	     const cJSON *body, yc_buf *out, yc_err *err)
{
	int a = lc_action(&proc_lifecycle, action);
	if (a < 0)
		return yc_err_set(err, YC_ENOTFOUND, "action", "no action %s", action);
	struct row r;
	int rc = load(d, id, &r, err);
	if (rc)
		return rc;
	if (!proc_may_see(c, u, r.unit))
		return yc_err_set(err, YC_ENOTFOUND, "id", "no contract %s", id);
	int from = lc_state(&proc_lifecycle, r.state);
	const struct lc_row *row = lc_find(&proc_lifecycle, from, a);
	if (!row)
		return lc_refuse(&proc_lifecycle, from, a, err);
	/* the unit acts on its own contracts; the finance department files them */
	const char *owner = a == PA_FILE ? c->finance : r.unit;
	if (!(row->roles & u->role) || (u->role != ROLE_ADMIN && strcmp(u->department, owner)))
		return yc_err_set(err, YC_EFORBIDDEN, NULL,
				  a == PA_FILE ? "the finance department files contracts"
					       : "the budget unit's approvers do this");
	switch (a) {
	case PA_SIGN: rc = sign(d, c, &r, body, err); break;
	case PA_FILE: rc = file(d, c, &r, body, err); break;
	case PA_ADVANCE: rc = advance(d, c, &r, body, err); break;
	case PA_EXPLAIN:
		rc = db_run(
			d, err,
			"UPDATE proc_contracts SET delay_reason = ?, updated_ms = ? WHERE id = ?",
			"sis", yc_json_str(body, "reason"), proc_now(c), r.id);
		break;
	default:
		rc = db_run(d, err,
			    "UPDATE proc_contracts SET state = 'cancelled', note = ?,"
			    " yellow_min = NULL, deadline_min = NULL, updated_ms = ? WHERE id = ?",
			    "sis", yc_json_str(body, "reason"), proc_now(c), r.id);
	}
	char act[40];
	snprintf(act, sizeof(act), "procurement.%s", action);
	yc_actor ac = {u->username, account_role_name(u->role)};
	if (!rc)
		rc = audit_append(d, &ac, act, r.id, yc_json_str(body, "reason"), r.state,
				  lc_state_name(&proc_lifecycle, row->to), err);
	return rc ? rc : proc_get_json(d, c, u, r.id, out, err);
}
