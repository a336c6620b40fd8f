/*
 * bridge.c — a bridge loan's life, from the approval of its application to
 * its repayment.
 *
 *                 disburse                 confirm-renewal             repay
 *   ┌──────────┐ (the fund) ┌───────────┐ (the bank, or   ┌─────────┐ (the fund) ┌────────┐
 *   │ approved │ ─────────▶ │ disbursed │ ──the fund)───▶ │ renewed │ ─────────▶ │ repaid │
 *   └──────────┘            └───────────┘                 └─────────┘            └────────┘
 *        │ cancel                │ overdue (the job,           │ overdue            ▲
 *        ▼                       ▼  past the due day)          ▼                    │ repay
 *   ┌───────────┐           ┌─────────┐ ◀──────────────────────┘                    │
 *   │ cancelled │           │ overdue │ ────────────────────────────────────────────┘
 *   └───────────┘           └─────────┘  (a renewal confirmed late keeps it overdue)
 *
 * Disbursement and repayment are journal entries (ledger.c); the fund must
 * hold the money it lends. A firm that repays from disbursed (its bank did
 * not renew) is allowed: the fund wants its money back either way.
 */
#include "core/finance/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/common/notify.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static const char *const state_names[] = {"approved", "disbursed", "renewed",
					  "overdue",  "repaid",	   "cancelled"};
static const char *const action_names[] = {"disburse", "confirm-renewal", "repay", "cancel",
					   "overdue"};

#define FUND (ROLE_APPROVER | ROLE_ADMIN)
static const struct lc_row loan_table[] = {
	{LS_APPROVED, LA_DISBURSE, FUND, LS_DISBURSED, LS_DISBURSED, 0, 0},
	{LS_APPROVED, LA_CANCEL, FUND, LS_CANCELLED, LS_CANCELLED, 0, 0},
	{LS_DISBURSED, LA_RENEW, FUND | ROLE_BANK, LS_RENEWED, LS_RENEWED, 0, 0},
	{LS_DISBURSED, LA_REPAY, FUND, LS_REPAID, LS_REPAID, 0, 0},
	{LS_DISBURSED, LA_OVERDUE, 0, LS_OVERDUE, LS_OVERDUE, 0, 0},
	{LS_RENEWED, LA_REPAY, FUND, LS_REPAID, LS_REPAID, 0, 0},
	{LS_RENEWED, LA_OVERDUE, 0, LS_OVERDUE, LS_OVERDUE, 0, 0},
	{LS_OVERDUE, LA_RENEW, FUND | ROLE_BANK, LS_OVERDUE, LS_OVERDUE, 0, 0},
	{LS_OVERDUE, LA_REPAY, FUND, LS_REPAID, LS_REPAID, 0, 0},
};

const struct lc_table fin_loan_lifecycle = {
	.name = "bridge loan",
	.rows = loan_table,
	.nrows = (int)(sizeof(loan_table) / sizeof(loan_table[0])),
	.states = state_names,
	.nstates = LS_N,
	.actions = action_names,
	.nactions = LA_N,
};

/* ---- opening a loan: the case engine's approval hook ------------------------------------ */

int fin_bridge_approved(db *d, void *arg, const char *kind, const char *no, yc_err *err)
{
	const struct fin_ctx *c = arg;
	if (!c || strcmp(kind, "case"))
		return 0;
	char item[24] = "", formtext[4096] = "";
	int64_t applicant = 0;
	int rc = db_get(d, err,
			"SELECT item, form, COALESCE(applicant_user, 0) FROM cases WHERE no = ?",
			"s", "tti", no, item, sizeof(item), formtext, sizeof(formtext), &applicant);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return 0;
	if (strcmp(item, c->item)) {
		/* 惠企资金: an approved application for a scheme becomes its grant */
		if (!fin_has_scheme(d, item))
			return 0;
		cJSON *form = cJSON_Parse(formtext);
		rc = fin_grant_open(d, c, no, item, form, applicant, err);
		cJSON_Delete(form);
		return rc;
	}
	cJSON *form = cJSON_Parse(formtext);
	const char *code = yc_json_str(form, "credit_code"), *firm = yc_json_str(form, "firm_name");
	const char *bank = yc_json_str(form, "bank"), *due = yc_json_str(form, "loan_due");
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(form, "amount");
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(form, "loan_amount");
	const cJSON *days = cJSON_GetObjectItemCaseSensitive(form, "days");
	int64_t amount = cJSON_IsNumber(a) ? fin_wan_to_fen(a->valuedouble) : -1;
	int64_t loan = cJSON_IsNumber(l) ? fin_wan_to_fen(l->valuedouble) : -1;
	if (!code || !firm || !bank || !due || amount <= 0 || loan <= 0 || !cJSON_IsNumber(days)) {
		cJSON_Delete(form);
		return yc_err_set(err, YC_ECONFLICT, "form",
				  "the application's form lacks the loan's facts");
	}
	/* the limit again: other applications may have been approved since this one was filed */
	int64_t out;
	rc = fin_outstanding(d, code, &out, err);
	if (!rc && out + amount > c->limit_fen) {
		char x[40], y[40];
		fin_yuan(out, x, sizeof(x));
		fin_yuan(c->limit_fen, y, sizeof(y));
		rc = yc_err_set(err, YC_ECONFLICT, "form.amount",
				"the firm has ¥%s of bridge money out or approved: with this it "
				"would pass its limit of ¥%s; deny or let the applicant withdraw",
				x, y);
	}
	int64_t now = fin_now(c);
	if (!rc)
		rc = db_run(
			d, err,
			"INSERT INTO fin_loans (case_no, credit_code, firm, bank, applicant_user,"
			" loan_fen, loan_due, amount_fen, days, fee_rate, overdue_rate, state,"
			" approved_ms, updated_ms) VALUES (?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?, "
			"?, ?,"
			" 'approved', ?, ?)",
			"ssssiisiiiiii", no, code, firm, bank, applicant, loan, due, amount,
			(int64_t)days->valueint, (int64_t)c->fee_rate, (int64_t)c->overdue_rate,
			now, now);
	cJSON_Delete(form);
	return rc;
}

int fin_approved_chain(db *d, void *arg, const char *kind, const char *no, yc_err *err)
{
	const struct fin_ctx *c = arg;
	int rc = c->then ? c->then(d, c->then_arg, kind, no, err) : 0;
	return rc ? rc : fin_bridge_approved(d, arg, kind, no, err);
}

/* ---- actions ---------------------------------------------------------------------------- */

int fin_loan_act_check(const char *action, const cJSON *body, yc_err *err)
{
	static const yc_jfield on[] = {{"on", YC_JT_STRING, true, 10}};
	static const yc_jfield renew[] = {
		{"contract_no", YC_JT_STRING, true, 64},
		{"amount", YC_JT_NUMBER, true, 0},
		{"on", YC_JT_STRING, true, 10},
	};
	static const yc_jfield cancel[] = {{"reason", YC_JT_STRING, true, 500}};
	int a = lc_action(&fin_loan_lifecycle, action), rc;
	if (a == LA_CANCEL) {
		if ((rc = yc_json_check(body, cancel, 1, err)))
			return rc;
		if (!yc_json_str(body, "reason")[0])
			return yc_err_set(err, YC_EINVAL, "reason", "say why it is cancelled");
		return 0;
	}
	if ((rc = a == LA_RENEW ? yc_json_check(body, renew, 3, err)
				: yc_json_check(body, on, 1, err)))
		return rc;
	int32_t day;
	if (yc_date_parse(yc_json_str(body, "on"), &day))
		return yc_err_set(err, YC_EINVAL, "on", "on is a date YYYY-MM-DD");
	if (a == LA_RENEW) {
		if (!yc_json_str(body, "contract_no")[0])
			return yc_err_set(err, YC_EINVAL, "contract_no",
					  "the renewed loan's contract number");
		if (fin_wan_to_fen(cJSON_GetObjectItemCaseSensitive(body, "amount")->valuedouble) <=
		    0)
			return yc_err_set(err, YC_EINVAL, "amount",
					  "amount is the renewed loan in 万元 (whole yuan)");
	}
	return 0;
}

struct loan_row {
	char no[32], code[24], bank[64], state[16], disbursed[12], due[12];
	int64_t amount, days, fee_rate, overdue_rate, approved_ms;
};

static int loan_load(db *d, const char *no, struct loan_row *l, yc_err *err)
{
	memset(l, 0, sizeof(*l));
	int rc = db_get(
		d, err,
		"SELECT case_no, credit_code, bank, state, COALESCE(disbursed_on, ''),"
		" COALESCE(due_on, ''), amount_fen, days, fee_rate, overdue_rate, approved_ms"
		" FROM fin_loans WHERE case_no = ?",
		"s", "ttttttiiiii", no, l->no, sizeof(l->no), l->code, sizeof(l->code), l->bank,
		sizeof(l->bank), l->state, sizeof(l->state), l->disbursed, sizeof(l->disbursed),
		l->due, sizeof(l->due), &l->amount, &l->days, &l->fee_rate, &l->overdue_rate,
		&l->approved_ms);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return yc_err_set(err, YC_ENOTFOUND, "no", "no bridge loan %s", no);
	return 0;
}

/* The action's day: from `after` (a day) to today. */
static int act_day(const struct fin_ctx *c, const cJSON *body, int32_t after, const char *what,
		   int32_t *day, yc_err *err)
{
	yc_date_parse(yc_json_str(body, "on"), day);
	if (*day > fin_day(c, fin_now(c)))
		return yc_err_set(err, YC_EINVAL, "on", "on is today or earlier");
	if (*day < after)
		return yc_err_set(err, YC_EINVAL, "on", "on is not before the loan's %s", what);
	return 0;
}

static int disburse(db *d, const struct fin_ctx *c, const yc_user *u, struct loan_row *l,
		    const cJSON *body, yc_err *err)
{
	int32_t day, approved = fin_day(c, l->approved_ms);
	int rc = act_day(c, body, approved, "approval", &day, err);
	int64_t cash;
	if (!rc)
		rc = fin_balance(d, FIN_CASH, NULL, &cash, err);
	if (rc)
		return rc;
	if (cash < l->amount) {
		char x[40];
		fin_yuan(cash, x, sizeof(x));
		return yc_err_set(err, YC_ECONFLICT, NULL,
				  "the fund holds ¥%s, less than this loan", x);
	}
	char on[12], due[12], memo[80];
	yc_date_format(day, on, sizeof(on));
	yc_date_format(day + (int32_t)l->days - 1, due, sizeof(due));
	snprintf(memo, sizeof(memo), "转贷资金拨付 %s", l->no);
	struct fin_line lines[] = {{FIN_RECEIVABLE, l->code, l->amount},
				   {FIN_CASH, "", -l->amount}};
	if ((rc = fin_post(d, c, u->username, "disburse", l->no, on, memo, lines, 2, err)))
		return rc;
	return db_run(d, err,
		      "UPDATE fin_loans SET state = 'disbursed', disbursed_on = ?, due_on = ?,"
		      " updated_ms = ? WHERE case_no = ?",
		      "ssis", on, due, fin_now(c), l->no);
}

static int renew(db *d, const struct fin_ctx *c, struct loan_row *l, int to, const cJSON *body,
		 yc_err *err)
{
	int32_t day, from;
	yc_date_parse(l->disbursed, &from);
	int rc = act_day(c, body, from, "disbursement", &day, err);
	if (rc)
		return rc;
	char on[12];
	yc_date_format(day, on, sizeof(on));
	int64_t fen = fin_wan_to_fen(cJSON_GetObjectItemCaseSensitive(body, "amount")->valuedouble);
	return db_run(d, err,
		      "UPDATE fin_loans SET state = ?, renewal_ref = ?, renewal_fen = ?,"
		      " renewed_on = ?, updated_ms = ? WHERE case_no = ?",
		      "ssisis", state_names[to], yc_json_str(body, "contract_no"), fen, on,
		      fin_now(c), l->no);
}

static int repay(db *d, const struct fin_ctx *c, const yc_user *u, struct loan_row *l,
		 const cJSON *body, int64_t *fee, yc_err *err)
{
	int32_t day, from, due;
	yc_date_parse(l->disbursed, &from);
	yc_date_parse(l->due, &due);
	int rc = act_day(c, body, from, "disbursement", &day, err);
	if (rc)
		return rc;
	*fee = fin_fee(l->amount, from, day, due, (int)l->fee_rate, (int)l->overdue_rate);
	char on[12], memo[80];
	yc_date_format(day, on, sizeof(on));
	snprintf(memo, sizeof(memo), "转贷资金归还 %s（%d天）", l->no, day - from + 1);
	struct fin_line lines[] = {
		{FIN_CASH, "", l->amount + *fee},
		{FIN_RECEIVABLE, l->code, -l->amount},
		{FIN_FEE, l->code, -*fee},
	};
	if ((rc = fin_post(d, c, u->username, "repay", l->no, on, memo, lines, *fee ? 3 : 2, err)))
		return rc;
	return db_run(d, err,
		      "UPDATE fin_loans SET state = 'repaid', repaid_on = ?, fee_fen = ?,"
		      " updated_ms = ? WHERE case_no = ?",
		      "siis", on, *fee, fin_now(c), l->no);
}

int fin_loan_act(db *d, const struct fin_ctx *c, const yc_user *u, const char *no,
		 const char *action, const cJSON *body, yc_buf *out, yc_err *err)
{
	int a = lc_action(&fin_loan_lifecycle, action);
	if (a < 0 || a == LA_OVERDUE)
		return yc_err_set(err, YC_ENOTFOUND, "action", "no action %s", action);
	struct loan_row l;
	int rc = loan_load(d, no, &l, err);
	if (rc)
		return rc;
	char bank[64];
	fin_bank_of(d, u, bank, sizeof(bank));
	bool officer = fin_officer(c, u), banker = bank[0] && !strcmp(bank, l.bank);
	if (!officer && !banker)
		return yc_err_set(err, YC_ENOTFOUND, "no", "no bridge loan %s", no);
	int from = lc_state(&fin_loan_lifecycle, l.state);
	const struct lc_row *row = lc_find(&fin_loan_lifecycle, from, a);
	if (!row)
		return lc_refuse(&fin_loan_lifecycle, from, a, err);
	if (!(row->roles & u->role) || (u->role == ROLE_APPROVER && !officer))
		return yc_err_set(err, YC_EFORBIDDEN, NULL,
				  a == LA_RENEW ? "the loan's bank or the fund confirms a renewal"
						: "the fund's department does this");
	int64_t fee = 0;
	char change[160] = "";
	switch (a) {
	case LA_DISBURSE: rc = disburse(d, c, u, &l, body, err); break;
	case LA_RENEW: rc = renew(d, c, &l, row->to, body, err); break;
	case LA_REPAY:
		rc = repay(d, c, u, &l, body, &fee, err);
		snprintf(change, sizeof(change), "{\"fee_fen\":%lld}", (long long)fee);
		break;
	default:
		rc = db_run(d, err,
			    "UPDATE fin_loans SET state = 'cancelled', note = ?, updated_ms = ?"
			    " WHERE case_no = ?",
			    "sis", yc_json_str(body, "reason"), fin_now(c), l.no);
	}
	if (rc)
		return rc;
	char act[48];
	snprintf(act, sizeof(act), "finance.loan.%s", action);
	yc_actor ac = {u->username, account_role_name(u->role)};
	if ((rc = audit_append(d, &ac, act, l.no,
			       a == LA_CANCEL ? yc_json_str(body, "reason") : NULL, l.state,
			       change[0] ? change : NULL, err)))
		return rc;
	return fin_loan_json(d, c, u, l.no, out, err);
}

int fin_mark_overdue(db *d, const struct fin_ctx *c, int64_t *count, yc_err *err)
{
	*count = 0;
	char today[12];
	yc_date_format(fin_day(c, fin_now(c)), today, sizeof(today));
	db_stmt *st =
		db_prepare(d,
			   "SELECT case_no FROM fin_loans WHERE state IN ('disbursed', 'renewed')"
			   " AND due_on < ? ORDER BY case_no LIMIT 500",
			   err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, today);
	char(*nos)[32] = NULL;
	int n = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		void *grown = realloc(nos, (size_t)(n + 1) * sizeof(*nos));
		if (!grown) {
			rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
			break;
		}
		nos = grown;
		db_col_copy(st, 0, nos[n++], sizeof(nos[0]));
	}
	db_done(st);
	for (int i = 0; rc >= 0 && i < n; i++) {
		rc = db_run(d, err,
			    "UPDATE fin_loans SET state = 'overdue', overdue_ms = ?, updated_ms = ?"
			    " WHERE case_no = ? AND state IN ('disbursed', 'renewed')",
			    "iis", fin_now(c), fin_now(c), nos[i]);
		if (!rc)
			rc = audit_append(d, &audit_system_actor, "finance.loan.overdue", nos[i],
					  NULL, NULL, NULL, err);
		/* the firm is told (the phone its application gave), and so is the fund */
		char text[200], firm[48], fund[48];
		snprintf(text, sizeof(text),
			 "【一窗】应急转贷资金（%s）已过到期日，请尽快归还；逾期每日按金额的%d/"
			 "100000计费。",
			 nos[i], c->overdue_rate);
		snprintf(firm, sizeof(firm), "case:%s", nos[i]);
		snprintf(fund, sizeof(fund), "user:approver-%s", c->department);
		if (!rc)
			rc = notify_queue(d, "sms", firm, text, err);
		if (!rc)
			rc = notify_queue(d, "sms", fund, text, err);
		if (!rc)
			(*count)++;
	}
	free(nos);
	return rc < 0 ? rc : 0;
}
