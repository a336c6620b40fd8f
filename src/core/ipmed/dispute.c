/*
 * dispute.c — a dispute at the IP mediation workstation.
 *
 *   ┌──────────┐ mediate ┌───────────┐ settle ┌─────────┐
 *   │ received │ ──────▶ │ mediating │ ─────▶ │ settled │
 *   └──────────┘         └───────────┘        └─────────┘
 *        │ refer               │ fail         ┌────────┐ refer ┌──────────┐
 *        │ (not for mediation) └────────────▶ │ failed │ ────▶ │ referred │
 *        └──────────────────────────────────▶ └────────┘       └──────────┘
 *                                  (refer from received goes straight to referred)
 */
#include "core/ipmed/ipmed.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/common/audit.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

enum { IS_RECEIVED, IS_MEDIATING, IS_SETTLED, IS_FAILED, IS_REFERRED, IS_N };
enum { IA_MEDIATE, IA_SETTLE, IA_FAIL, IA_REFER, IA_N };
static const char *const state_names[] = {"received", "mediating", "settled", "failed", "referred"};
static const char *const action_names[] = {"mediate", "settle", "fail", "refer"};

#define STATION (ROLE_APPROVER | ROLE_ADMIN)
static const struct lc_row table[] = {
	{IS_RECEIVED, IA_MEDIATE, STATION, IS_MEDIATING, IS_MEDIATING, 0, 0},
	{IS_RECEIVED, IA_REFER, STATION, IS_REFERRED, IS_REFERRED, 0, 0},
	{IS_MEDIATING, IA_SETTLE, STATION, IS_SETTLED, IS_SETTLED, 0, 0},
	{IS_MEDIATING, IA_FAIL, STATION, IS_FAILED, IS_FAILED, 0, 0},
	{IS_FAILED, IA_REFER, STATION, IS_REFERRED, IS_REFERRED, 0, 0},
};

const struct lc_table ipmed_lifecycle = {
	.name = "dispute",
	.rows = table,
	.nrows = (int)(sizeof(table) / sizeof(table[0])),
	.states = state_names,
	.nstates = IS_N,
	.actions = action_names,
	.nactions = IA_N,
};

static const char *const kinds[] = {"专利", "商标", "著作权", "商业秘密", "其他", NULL};
static const char *const targets[] = {"court", "arbitration", NULL};

static int64_t now_of(const struct ipmed_ctx *c)
{
	return c->now_ms ? c->now_ms : yc_now_ms();
}

static int32_t today_of(const struct ipmed_ctx *c)
{
	int64_t local = now_of(c) / 60000 + c->tz_offset_min;
	return (int32_t)(local / 1440);
}

static bool station(const struct ipmed_ctx *c, const yc_user *u)
{
	return u->role == ROLE_ADMIN ||
	       (u->role == ROLE_APPROVER && !strcmp(u->department, c->department));
}

/* A day in the body: up to today, not before `after` ("" none). */
static int day_of(const struct ipmed_ctx *c, const cJSON *body, const char *after, char on[12],
		  yc_err *err)
{
	int32_t day, a;
	if (yc_date_parse(yc_json_str(body, "on"), &day))
		return yc_err_set(err, YC_EINVAL, "on", "on is a date YYYY-MM-DD");
	if (day > today_of(c))
		return yc_err_set(err, YC_EINVAL, "on", "on is today or earlier");
	if (after && after[0] && !yc_date_parse(after, &a) && day < a)
		return yc_err_set(err, YC_EINVAL, "on", "on is not before %s", after);
	yc_date_format(day, on, 12);
	return 0;
}

static int64_t fen_of(const cJSON *body)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(body, "amount");
	return cJSON_IsNumber(a) ? llround(a->valuedouble * 100) : 0;
}

int ipmed_receive_check(const cJSON *body, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"kind", YC_JT_STRING, true, 16, .one_of = kinds},
		{"claimant", YC_JT_STRING, true, 200},
		{"respondent", YC_JT_STRING, true, 200},
		{"claims", YC_JT_STRING, true, 2000},
		{"amount", YC_JT_NUMBER, false, 0, .min = 0, .max = 1e11},
		{"on", YC_JT_STRING, true, 10},
	};
	int rc = yc_json_check(body, spec, 6, err);
	static const char *const texts[] = {"claimant", "respondent", "claims"};
	for (int i = 0; !rc && i < 3; i++)
		if (!yc_json_str(body, texts[i])[0])
			rc = yc_err_set(err, YC_EINVAL, texts[i], "%s is required", texts[i]);
	return rc;
}

int ipmed_receive(db *d, const struct ipmed_ctx *c, const yc_user *u, const cJSON *body,
		  yc_buf *out, yc_err *err)
{
	if (!station(c, u))
		return yc_err_set(err, YC_EFORBIDDEN, NULL,
				  "the workstation's department records disputes");
	char on[12], id[24], like[16];
	int rc = day_of(c, body, NULL, on, err);
	if (rc)
		return rc;
	snprintf(like, sizeof(like), "IPM%.4s-%%", on);
	int64_t n = 0;
	if ((rc = db_get(d, err, "SELECT COUNT(*) FROM ip_disputes WHERE id LIKE ?", "s", "i", like,
			 &n)) < 0)
		return rc;
	snprintf(id, sizeof(id), "IPM%.4s-%04lld", on, (long long)n + 1);
	if ((rc = db_run(
		     d, err,
		     "INSERT INTO ip_disputes (id, kind, claimant, respondent, claims, amount_fen,"
		     " received_on, state, recorded_by, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?,"
		     " 'received', ?, ?)",
		     "sssssissi", id, yc_json_str(body, "kind"), yc_json_str(body, "claimant"),
		     yc_json_str(body, "respondent"), yc_json_str(body, "claims"), fen_of(body), on,
		     u->username, now_of(c))))
		return rc;
	yc_actor a = {u->username, account_role_name(u->role)};
	if ((rc = audit_append(d, &a, "ipmed.receive", id, NULL, NULL, NULL, err)))
		return rc;
	return yc_buf_addf(out, "{\"id\":\"%s\",\"state\":\"received\"}", id) ? YC_ENOMEM : 0;
}

int ipmed_act_check(const char *action, const cJSON *body, yc_err *err)
{
	int a = lc_action(&ipmed_lifecycle, action);
	static const yc_jfield mediate[] = {{"on", YC_JT_STRING, true, 10},
					    {"mediator", YC_JT_STRING, true, 60}};
	static const yc_jfield settle[] = {
		{"on", YC_JT_STRING, true, 10},
		{"outcome", YC_JT_STRING, true, 2000},
		{"amount", YC_JT_NUMBER, false, 0, .min = 0, .max = 1e11}};
	static const yc_jfield fail[] = {{"on", YC_JT_STRING, true, 10},
					 {"outcome", YC_JT_STRING, true, 2000}};
	static const yc_jfield refer[] = {{"on", YC_JT_STRING, true, 10},
					  {"to", YC_JT_STRING, true, 16, .one_of = targets},
					  {"outcome", YC_JT_STRING, false, 2000}};
	int rc = a == IA_MEDIATE  ? yc_json_check(body, mediate, 2, err)
		 : a == IA_SETTLE ? yc_json_check(body, settle, 3, err)
		 : a == IA_FAIL	  ? yc_json_check(body, fail, 2, err)
				  : yc_json_check(body, refer, 3, err);
	if (!rc && a == IA_MEDIATE && !yc_json_str(body, "mediator")[0])
		rc = yc_err_set(err, YC_EINVAL, "mediator", "name the mediator");
	if (!rc && (a == IA_SETTLE || a == IA_FAIL) && !yc_json_str(body, "outcome")[0])
		rc = yc_err_set(err, YC_EINVAL, "outcome", "say what was agreed, or why it failed");
	return rc;
}

int ipmed_act(db *d, const struct ipmed_ctx *c, const yc_user *u, const char *id,
	      const char *action, const cJSON *body, yc_buf *out, yc_err *err)
{
	int a = lc_action(&ipmed_lifecycle, action);
	if (a < 0)
		return yc_err_set(err, YC_ENOTFOUND, "action", "no action %s", action);
	char state[16] = "", received[12] = "", mediation[12] = "";
	int rc = db_get(d, err,
			"SELECT state, received_on, COALESCE(mediation_on, '') FROM ip_disputes"
			" WHERE id = ?",
			"s", "ttt", id, state, sizeof(state), received, sizeof(received), mediation,
			sizeof(mediation));
	if (rc < 0)
		return rc;
	if (rc == DB_DONE || !station(c, u))
		return yc_err_set(err, YC_ENOTFOUND, "id", "no dispute %s", id);
	int from = lc_state(&ipmed_lifecycle, state);
	const struct lc_row *row = lc_find(&ipmed_lifecycle, from, a);
	if (!row)
		return lc_refuse(&ipmed_lifecycle, from, a, err);
	char on[12];
	if ((rc = day_of(c, body, mediation[0] ? mediation : received, on, err)))
		return rc;
	const char *outcome = yc_json_str(body, "outcome") ? yc_json_str(body, "outcome") : "";
	int64_t now = now_of(c);
	switch (a) {
	case IA_MEDIATE:
		rc = db_run(d, err,
			    "UPDATE ip_disputes SET state = 'mediating', mediator = ?, "
			    "mediation_on = ?,"
			    " updated_ms = ? WHERE id = ?",
			    "ssis", yc_json_str(body, "mediator"), on, now, id);
		break;
	case IA_REFER:
		rc = db_run(
			d, err,
			"UPDATE ip_disputes SET state = 'referred', referred_to = ?, ended_on ="
			" COALESCE(ended_on, ?), outcome = CASE WHEN ? <> '' THEN ? ELSE outcome"
			" END, updated_ms = ? WHERE id = ?",
			"ssssis", yc_json_str(body, "to"), on, outcome, outcome, now, id);
		break;
	default:
		rc = db_run(
			d, err,
			"UPDATE ip_disputes SET state = ?, ended_on = ?, outcome = ?, settled_fen ="
			" ?, updated_ms = ? WHERE id = ?",
			"sssiis", state_names[row->to], on, outcome,
			a == IA_SETTLE ? fen_of(body) : (int64_t)0, now, id);
	}
	char act[32];
	snprintf(act, sizeof(act), "ipmed.%s", action);
	yc_actor ac = {u->username, account_role_name(u->role)};
	if (!rc)
		rc = audit_append(d, &ac, act, id, outcome[0] ? outcome : NULL, state,
				  state_names[row->to], err);
	if (rc)
		return rc;
	return yc_buf_addf(out, "{\"id\":\"%s\",\"state\":\"%s\"}", id, state_names[row->to])
		       ? YC_ENOMEM
		       : 0;
}

int ipmed_list_json(db *d, const struct ipmed_ctx *c, const yc_user *u, const char *state,
		    yc_buf *out, yc_err *err)
{
	if (!station(c, u) && u->role != ROLE_SUPERVISOR)
		return yc_buf_adds(out, "{\"disputes\":[]}") ? YC_ENOMEM : 0;
	db_stmt *st =
		db_prepare(d,
			   "SELECT id, kind, claimant, respondent, claims, amount_fen,"
			   " received_on, state, mediator, mediation_on, ended_on, outcome,"
			   " settled_fen, referred_to FROM ip_disputes WHERE (? = '' OR state = ?)"
			   " ORDER BY received_on DESC, id DESC LIMIT 500",
			   err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, state ? state : "");
	db_bind_text(st, 2, state ? state : "");
	yc_buf_adds(out, "{\"disputes\":");
	int rc = db_rows_json(st, "sssssissssssis", out, err);
	return rc ? rc : yc_buf_adds(out, "}") ? YC_ENOMEM : 0;
}

int ipmed_figures_json(db *d, yc_buf *out, yc_err *err)
{
	int64_t n[IS_N] = {0}, mediated = 0, settled_fen = 0;
	db_stmt *st = db_prepare(d,
				 "SELECT state, COUNT(*), SUM(CASE WHEN mediation_on IS NULL THEN 0"
				 " ELSE 1 END), COALESCE(SUM(settled_fen), 0) FROM ip_disputes"
				 " GROUP BY state",
				 err);
	if (!st)
		return db_failed(err);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int s = lc_state(&ipmed_lifecycle, db_col_text(st, 0));
		if (s >= 0)
			n[s] = db_col_int(st, 1);
		mediated += db_col_int(st, 2);
		settled_fen += db_col_int(st, 3);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	int64_t all = 0;
	for (int s = 0; s < IS_N; s++)
		all += n[s];
	return yc_buf_addf(out,
			   "{\"received\":%lld,\"mediated\":%lld,\"settled\":%lld,\"failed\":%lld,"
			   "\"referred\":%lld,\"open\":%lld,\"settled_fen\":%lld}",
			   (long long)all, (long long)mediated, (long long)n[IS_SETTLED],
			   (long long)n[IS_FAILED], (long long)n[IS_REFERRED],
			   (long long)(n[IS_RECEIVED] + n[IS_MEDIATING]), (long long)settled_fen)
		       ? YC_ENOMEM
		       : 0;
}
