/*
 * api/finance.c — 企业贷款支持: the bridge-loan fund (应急转贷). The fund's
 * balances and figures, its loans (each in its reader's scope), a loan's
 * actions (disburse, confirm-renewal, repay, cancel), a firm's statement, the
 * journal with its trial balance, and the treasury's capital. The
 * application itself is a case (POST /cases with the fund's item). Role and
 * scope are checked by core/finance/.
 */
#include <string.h>

#include "core/finance/finance.h"
#include "http/router.h"
#include "lib/json.h"
#include "lib/banned.h"

enum { CASE_NO_MAX = 31, CODE_LEN = 18 };

static int check_no(yc_req *r)
{
	size_t n = strlen(r->params[0]);
	if (!n || n > CASE_NO_MAX || strspn(r->params[0], "0123456789-") != n)
		return yc_err_set(&r->err, YC_ENOTFOUND, "no", "no bridge loan %s", r->params[0]);
	return 0;
}

int api_finance_fund(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = fin_fund_json(r->db, r->app->fin, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_finance_loans_list(yc_req *r)
{
	static const char *const states[] = {"approved", "disbursed", "renewed", "overdue",
					     "repaid",	 "cancelled", NULL};
	int64_t limit;
	int rc = http_query_int(r, "limit", 1, 500, 200, &limit);
	if (rc)
		return rc;
	const char *state = http_query(r, "state"), *code = http_query(r, "credit_code");
	if (state && !yc_one_of(state, states))
		return yc_err_set(&r->err, YC_EINVAL, "state", "state is not a loan's state");
	if (code && strlen(code) != CODE_LEN)
		return yc_err_set(&r->err, YC_EINVAL, "credit_code",
				  "credit_code is an 18-character credit code");
	struct fin_query q = {.state = state, .credit_code = code, .limit = (int)limit};
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = fin_loans_json(r->db, r->app->fin, &r->user, &q, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_finance_loan_get(yc_req *r)
{
	int rc = check_no(r);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = fin_loan_json(r->db, r->app->fin, &r->user, r->params[0], &b, &r->err);
	return http_reply_read(r, rc, &b);
}

static int loan_act_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return fin_loan_act(d, c->app->fin, &c->user, c->params[0], c->params[1], c->body,
			    &out->body, err);
}

int api_finance_loan_act(yc_req *r)
{
	int rc = check_no(r);
	if (rc)
		return rc;
	int a = lc_action(&fin_loan_lifecycle, r->params[1]);
	if (a < 0 || !strcmp(r->params[1], "overdue"))
		return yc_err_set(&r->err, YC_ENOTFOUND, "action", "no action %s", r->params[1]);
	if ((rc = fin_loan_act_check(r->params[1], r->body, &r->err)))
		return rc;
	return http_call(r, loan_act_write, 0, true);
}

int api_finance_statement(yc_req *r)
{
	if (strlen(r->params[0]) != CODE_LEN)
		return yc_err_set(&r->err, YC_ENOTFOUND, "credit_code", "no statement for %s",
				  r->params[0]);
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = fin_statement_json(r->db, r->app->fin, &r->user, r->params[0], &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_finance_journal(yc_req *r)
{
	int64_t limit;
	int rc = http_query_int(r, "limit", 1, 500, 100, &limit);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = fin_journal_json(r->db, r->app->fin, &r->user, (int)limit, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

static int capital_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return fin_capital_add(d, c->app->fin, &c->user, c->body, &out->body, err);
}

int api_finance_capital(yc_req *r)
{
	int rc = fin_capital_check(r->body, &r->err);
	return rc ? rc : http_call(r, capital_write, 0, true);
}

/* ---- 惠企资金 ----------------------------------------------------------------------------- */

int api_finance_schemes(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = fin_schemes_json(r->db, r->app->fin, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

/* POST /finance/grants/quote {item, form}: what the scheme's rule gives; a read. */
int api_finance_grant_quote(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = fin_grant_quote_json(r->db, r->app->fin, r->body, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_finance_grants_list(yc_req *r)
{
	static const char *const states[] = {"approved", "paid", NULL};
	int64_t limit;
	int rc = http_query_int(r, "limit", 1, 500, 200, &limit);
	if (rc)
		return rc;
	const char *state = http_query(r, "state"), *code = http_query(r, "credit_code");
	const char *item = http_query(r, "item");
	if (state && !yc_one_of(state, states))
		return yc_err_set(&r->err, YC_EINVAL, "state", "state is approved or paid");
	if (code && strlen(code) != CODE_LEN)
		return yc_err_set(&r->err, YC_EINVAL, "credit_code",
				  "credit_code is an 18-character credit code");
	if (item && strlen(item) > CASE_NO_MAX)
		return yc_err_set(&r->err, YC_EINVAL, "item", "item is too long");
	struct fin_query q = {
		.state = state, .credit_code = code, .item = item, .limit = (int)limit};
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = fin_grants_json(r->db, r->app->fin, &r->user, &q, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

static int grant_pay_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return fin_grant_pay(d, c->app->fin, &c->user, c->params[0], c->body, &out->body, err);
}

int api_finance_grant_pay(yc_req *r)
{
	int rc = check_no(r);
	if (!rc)
		rc = fin_grant_pay_check(r->body, &r->err);
	return rc ? rc : http_call(r, grant_pay_write, 0, true);
}

/* ---- 金融辅导队 and the platform ------------------------------------------------------- */

int api_finance_advisory(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = fin_advisory_json(r->db, r->app->fin, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

static int advisory_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	out->status = 201;
	return fin_advisory_record(d, c->app->fin, &c->user, c->params[0], c->body, &out->body,
				   err);
}

/* POST /finance/advisory/{pairs|visits|platform} */
int api_finance_advisory_record(yc_req *r)
{
	const char *what = r->params[0];
	if (strcmp(what, "pairs") && strcmp(what, "visits") && strcmp(what, "platform"))
		return yc_err_set(&r->err, YC_ENOTFOUND, "kind", "no record kind %s", what);
	int rc = fin_advisory_record_check(what, r->body, &r->err);
	return rc ? rc : http_call(r, advisory_write, 0, true);
}
