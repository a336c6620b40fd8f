/*
 * finance.h — 企业贷款支持: the emergency bridge-loan fund (应急转贷专项资金).
 *
 * A firm whose bank loan matures applies (the item 企业应急转贷资金申请, a case
 * on the case engine); the fund's rules check the form as it is filed
 * (fin_form_rules) and the firm's money outstanding when the finance bureau
 * approves (fin_bridge_approved, the approval hook), which opens the loan.
 * The bureau disburses it, the bank confirms the renewal of its loan, the
 * firm repays the fund with its fee; a loan past its due day turns overdue
 * (the scheduler's job). Every movement of money is one balanced entry of
 * the fund's double-entry journal (ledger.c); a balance is the sum of its
 * lines, never a stored number. See src/core/finance/README.md.
 */
#ifndef YC_FINANCE_H
#define YC_FINANCE_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include "core/common/account.h"
#include "core/common/lifecycle.h"
#include "db/db.h"
#include "lib/buf.h"
#include "lib/errors.h"

struct case_ctx;

/* The fund's rules; settings bridge-* (src/lib/config.c). */
struct fin_ctx {
	const struct case_ctx *cases; /* the time zone and the calendar */
	char item[24];		      /* the application's item code */
	char department[16];	      /* the department that runs the fund (czjr) */
	int64_t limit_fen;	      /* a firm's bridge money outstanding at most */
	int max_days;		      /* days of use at most */
	int fee_rate;		      /* per day, in 1/100000 of the amount */
	int overdue_rate;	      /* per day past the due day, the same unit */
	int64_t now_ms;		      /* 0: the clock; tests and the demo set it */
	/* the approval hook fin_bridge_approved follows (the wiring chains them) */
	int (*then)(db *d, void *arg, const char *kind, const char *no, yc_err *err);
	void *then_arg;
};

/* The ledger's accounts (their names are the journal's). */
#define FIN_CASH       "cash"	    /* 基金专户: the fund's bank account (asset) */
#define FIN_CAPITAL    "capital"    /* 财政注资: the treasury's money in the fund */
#define FIN_RECEIVABLE "receivable" /* 应收垫资款: bridge money lent, per firm (asset) */
#define FIN_FEE	       "fee"	    /* 转贷费收入: fees earned, per firm */
#define FIN_SUBSIDY    "subsidy"    /* 惠企资金支出: grants paid, per firm */
#define FIN_BUDGET     "budget" /* 财政预算拨款: the year's appropriation they are paid from */

extern const struct lc_table fin_loan_lifecycle;

/*
 * The case engine's hooks (the wiring in src/cli/settings.c): the form of an
 * application for the fund, checked as it is filed (amount, days, the bank's
 * loan, the credit code; errors name form.<field>); and an approval, which
 * opens the loan unless the firm's money outstanding would pass the limit.
 */
int fin_form_rules(db *d, void *arg, const char *item, const cJSON *form, yc_err *err);
int fin_bridge_approved(db *d, void *arg, const char *kind, const char *no, yc_err *err);
/* The wiring's hook: c->then first (the certificate, the roster), then fin_bridge_approved. */
int fin_approved_chain(db *d, void *arg, const char *kind, const char *no, yc_err *err);

/* An action's body checked before the write (422 naming the field). */
int fin_loan_act_check(const char *action, const cJSON *body, yc_err *err);
/* disburse, confirm-renewal, repay, cancel: the loan's next state as JSON. */
int fin_loan_act(db *d, const struct fin_ctx *c, const yc_user *u, const char *no,
		 const char *action, const cJSON *body, yc_buf *out, yc_err *err);
/* Loans past their due day turn overdue (the scheduler's job); *count how many. */
int fin_mark_overdue(db *d, const struct fin_ctx *c, int64_t *count, yc_err *err);

/* The treasury pays money into the fund: {"amount" (万元), "on", "memo"}. */
int fin_capital_check(const cJSON *body, yc_err *err);
int fin_capital_add(db *d, const struct fin_ctx *c, const yc_user *u, const cJSON *body,
		    yc_buf *out, yc_err *err);

/*
 * One journal entry: lines whose amounts (fen, debit > 0) sum to zero, two at
 * least, none zero; refused (YC_EINTERNAL) otherwise, so no unbalanced entry
 * is ever written.
 */
struct fin_line {
	const char *account;
	const char *firm; /* "" for the fund's own accounts */
	int64_t fen;
};
int fin_post(db *d, const struct fin_ctx *c, const char *actor, const char *kind, const char *loan,
	     const char *on_day, const char *memo, const struct fin_line *lines, int n,
	     yc_err *err);
/* An account's balance: the sum of its lines (firm NULL: every firm's). */
int fin_balance(db *d, const char *account, const char *firm, int64_t *fen, yc_err *err);
/* Whether every entry balances and the whole journal sums to zero; *entries how many. */
int fin_ledger_balanced(db *d, bool *balanced, int64_t *entries, yc_err *err);

/* The fee of amount over a use from day `from` to day `to` (inclusive) due on `due`. */
int64_t fin_fee(int64_t amount_fen, int32_t from, int32_t to, int32_t due, int fee_rate,
		int overdue_rate);
/* Money as 万元 in a form (4 decimals at most) → fen; -1 when not such a number. */
int64_t fin_wan_to_fen(double wan);

struct fin_query {
	const char *state, *credit_code, *item;
	int limit;
};

/*
 * 惠企资金 (grant.c): subsidies and awards whose amounts a rule computes. A scheme is bound
 * to a catalog item; fin_form_rules and the approval hook serve its applications as they
 * serve the bridge fund's. fin_schemes_load replaces the schemes from a JSON document
 * ({"schemes":[{item, name, kind interest|premium|ip, share_percent, unit_yuan, cap_yuan,
 * budget_yuan}]}), every bad entry named.
 */
int fin_schemes_load(db *d, const char *json, yc_err *err);
struct fin_quote {
	int64_t computed_fen; /* what the rule gives */
	int64_t amount_fen;   /* after the firm's cap for the year */
	int64_t cap_left_fen; /* the firm's cap left before this one */
	int64_t budget_left_fen;
	int year;
	char basis[400];
};
/* YC_ENOTFOUND (field item) when the item has no scheme; form errors name form.<field>. */
int fin_grant_quote(db *d, const struct fin_ctx *c, const char *item, const cJSON *form,
		    struct fin_quote *q, yc_err *err);
int fin_grant_quote_json(db *d, const struct fin_ctx *c, const cJSON *body, yc_buf *out,
			 yc_err *err);
int fin_schemes_json(db *d, const struct fin_ctx *c, yc_buf *out, yc_err *err);
int fin_grants_json(db *d, const struct fin_ctx *c, const yc_user *u, const struct fin_query *q,
		    yc_buf *out, yc_err *err);
/* Paying an approved grant (the scheme's department): {"on", "voucher"}; a journal entry. */
int fin_grant_pay_check(const cJSON *body, yc_err *err);
int fin_grant_pay(db *d, const struct fin_ctx *c, const yc_user *u, const char *no,
		  const cJSON *body, yc_buf *out, yc_err *err);

/*
 * 金融辅导队 and the 信财银保 platform (advisory.c): the teams (data, loaded whole), firms
 * paired with a team, the teams' visits with the financing they helped arrange, and the
 * platform's registrations and loans. what: "pairs", "visits" or "platform".
 */
int fin_advisory_teams_load(db *d, const char *json, yc_err *err);
int fin_advisory_record_check(const char *what, const cJSON *body, yc_err *err);
int fin_advisory_record(db *d, const struct fin_ctx *c, const yc_user *u, const char *what,
			const cJSON *body, yc_buf *out, yc_err *err);
int fin_advisory_json(db *d, const struct fin_ctx *c, yc_buf *out, yc_err *err);

/* Views. Who sees what: the fund's department, supervisors and the admin all; a bank
 * seat its bank's loans; an applicant the loans it applied for; anyone else none. */
int fin_fund_json(db *d, const struct fin_ctx *c, yc_buf *out, yc_err *err);
int fin_loans_json(db *d, const struct fin_ctx *c, const yc_user *u, const struct fin_query *q,
		   yc_buf *out, yc_err *err);
int fin_loan_json(db *d, const struct fin_ctx *c, const yc_user *u, const char *no, yc_buf *out,
		  yc_err *err);
int fin_statement_json(db *d, const struct fin_ctx *c, const yc_user *u, const char *credit_code,
		       yc_buf *out, yc_err *err);
int fin_journal_json(db *d, const struct fin_ctx *c, const yc_user *u, int limit, yc_buf *out,
		     yc_err *err);

#endif
