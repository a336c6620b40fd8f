/*
 * Unit tests of the bridge-loan fund (core/finance/): the fee by the day, both
 * ends counted, overdue days at their own rate, half up; money in 万元 to the
 * fen; the journal refuses an entry that does not balance and every entry the
 * actions make balances; the form's rules name the field they refuse; an
 * approval opens a loan unless the firm would pass its limit; the loans'
 * lifecycle table whole (every row moves, every other pair refuses); a loan
 * past its due day turns overdue.
 */
#include <criterion/criterion.h>

#include "../scratch_store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/case/case.h"
#include "core/demo/demo.h"
#include "core/finance/internal.h"
#include "db/db.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lifecycle.h"

#define ITEM "371091051005035000"
#define FIRM "91371000MA3000001R"

Test(finance, the_fee_counts_both_ends_and_the_late_days_at_their_rate)
{
	int32_t d0 = yc_days_from_civil(2026, 11, 2);
	/* 15,000,000 yuan for 10 days at 0.01% a day: 15,000 yuan */
	cr_assert_eq(fin_fee(1500000000LL, d0, d0 + 9, d0 + 9, 10, 50), 1500000LL);
	int64_t amount = 1200000000; /* 12,000,000.00 yuan in fen */
	cr_assert_eq(fin_fee(amount, d0, d0 + 9, d0 + 9, 10, 50), amount * 100 / 100000);
	/* repaid the day it came: one day */
	cr_assert_eq(fin_fee(amount, d0, d0, d0 + 9, 10, 50), amount * 10 / 100000);
	/* two days late: ten at 10, two at 50 */
	cr_assert_eq(fin_fee(amount, d0, d0 + 11, d0 + 9, 10, 50), amount * (100 + 100) / 100000);
	/* half up to the fen: 1 fen × 10 × 5 days = 0.0005 fen → 0; 5,000 fen × 10 → 0.5 → 1 */
	cr_assert_eq(fin_fee(1, d0, d0 + 4, d0 + 9, 10, 50), 0);
	cr_assert_eq(fin_fee(5000, d0, d0, d0, 10, 50), 1);
	cr_assert_eq(fin_fee(4999, d0, d0, d0, 10, 50), 0);
}

Test(finance, money_in_wan_is_whole_yuan)
{
	cr_assert_eq(fin_wan_to_fen(1500), 1500000000LL);
	cr_assert_eq(fin_wan_to_fen(0.0001), 100);
	cr_assert_eq(fin_wan_to_fen(650.5), 650500000LL);
	cr_assert_eq(fin_wan_to_fen(0.00001), -1);
	cr_assert_eq(fin_wan_to_fen(0), -1);
	cr_assert_eq(fin_wan_to_fen(-3), -1);
	cr_assert_eq(fin_wan_to_fen(1e9), -1);
}

/* ---- over a store -------------------------------------------------------------------- */

static char path[64];
static db *d;
static struct case_ctx cases;
static struct fin_ctx c;
static yc_user fund, other, bank;
static int serial;

static void setup(void)
{
	snprintf(path, sizeof(path), "/tmp/yc-fin-%d-XXXXXX", getpid());
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	close(fd);
	unlink(path);
	yc_err err;
	cr_assert_eq(db_open(path, DB_OPEN_CREATE, &d, &err), 0, "%s", err.message);
	cr_assert_eq(db_migrate(d, &err), 0, "%s", err.message);
	cr_assert_eq(demo_install(d, &err), 0, "%s", err.message);
	cases = (struct case_ctx){.tz_offset_min = 480};
	c = (struct fin_ctx){.cases = &cases,
			     .limit_fen = 2000000000LL,
			     .max_days = 15,
			     .fee_rate = 10,
			     .overdue_rate = 50};
	snprintf(c.item, sizeof(c.item), ITEM);
	snprintf(c.department, sizeof(c.department), "czjr");
	fund = (yc_user){.id = 4, .role = ROLE_APPROVER};
	snprintf(fund.username, sizeof(fund.username), "approver-czjr");
	snprintf(fund.department, sizeof(fund.department), "czjr");
	other = fund;
	snprintf(other.username, sizeof(other.username), "approver1");
	snprintf(other.department, sizeof(other.department), "xzsp");
	bank = (yc_user){.id = 9, .role = ROLE_BANK};
	snprintf(bank.username, sizeof(bank.username), "bank-1");
	snprintf(bank.outlet, sizeof(bank.outlet), "B01");
	/* the treasury's 50 million */
	cJSON *b = cJSON_Parse("{\"amount\":5000,\"on\":\"2026-01-05\",\"memo\":\"注资\"}");
	yc_buf out;
	yc_buf_init(&out, 0);
	cr_assert_eq(fin_capital_check(b, &err), 0);
	cr_assert_eq(db_begin(d, NULL), 0);
	cr_assert_eq(fin_capital_add(d, &c, &fund, b, &out, &err), 0, "%s", err.message);
	cr_assert_eq(db_commit(d, NULL), 0);
	yc_buf_release(&out);
	cJSON_Delete(b);
}

static void teardown(void)
{
	db_close(d);
	scratch_store_remove(path);
}

static cJSON *form_of(const char *code, double wan, int days)
{
	char due[12], text[512];
	yc_date_format(fin_day(&c, fin_now(&c)) + 10, due, sizeof(due));
	snprintf(text, sizeof(text),
		 "{\"credit_code\":\"%s\",\"firm_name\":\"威海测试有限公司\",\"bank\":"
		 "\"中国工商银行\","
		 "\"loan_amount\":2000,\"loan_due\":\"%s\",\"amount\":%.10g,\"days\":%d,"
		 "\"contact_phone\":\"13800001234\"}",
		 code, due, wan, days);
	return cJSON_Parse(text);
}

/* An approved application's case (as the case engine leaves it), then its approval hook. */
static int approve(char *no, const char *code, double wan, yc_err *err)
{
	snprintf(no, 32, "3710912026110200%04d", ++serial);
	cJSON *f = form_of(code, wan, 10);
	char *form = cJSON_PrintUnformatted(f);
	cJSON_Delete(f);
	cr_assert_eq(
		db_run(d, NULL,
		       "INSERT INTO cases (no, item, item_name, department, rule, applicant,"
		       " phone4, channel, accept_office, decide_office, state, form, materials,"
		       " submitted_ms, updated_ms) VALUES (?, ?, '企业应急转贷资金申请', 'czjr',"
		       " '{}', '{}', '1234', 'online', 'jq', 'jq', 'approved', ?, '[]', 1, 1)",
		       "sss", no, ITEM, form),
		0);
	free(form);
	cr_assert_eq(db_begin(d, NULL), 0);
	int rc = fin_bridge_approved(d, &c, "case", no, err);
	if (rc)
		db_rollback(d);
	else
		cr_assert_eq(db_commit(d, NULL), 0);
	return rc;
}

static int act(const yc_user *u, const char *no, const char *action, const char *body, yc_err *err)
{
	cJSON *b = cJSON_Parse(body);
	int rc = fin_loan_act_check(action, b, err);
	yc_buf out;
	yc_buf_init(&out, 0);
	cr_assert_eq(db_begin(d, NULL), 0);
	if (!rc)
		rc = fin_loan_act(d, &c, u, no, action, b, &out, err);
	if (rc)
		db_rollback(d);
	else
		cr_assert_eq(db_commit(d, NULL), 0);
	yc_buf_release(&out);
	cJSON_Delete(b);
	return rc;
}

static void today_body(char *out, size_t size, const char *extra)
{
	char on[12];
	yc_date_format(fin_day(&c, fin_now(&c)), on, sizeof(on));
	snprintf(out, size, "{\"on\":\"%s\"%s}", on, extra);
}

static int64_t balance(const char *account, const char *firm)
{
	int64_t fen;
	cr_assert_eq(fin_balance(d, account, firm, &fen, NULL), 0);
	return fen;
}

Test(finance, the_journal_refuses_what_does_not_balance, .init = setup, .fini = teardown)
{
	yc_err err;
	struct fin_line off[] = {{FIN_CASH, "", 100}, {FIN_CAPITAL, "", -99}};
	struct fin_line zero[] = {{FIN_CASH, "", 0}, {FIN_CAPITAL, "", 0}};
	struct fin_line one[] = {{FIN_CASH, "", 0}};
	cr_assert_eq(db_begin(d, NULL), 0);
	cr_assert_eq(fin_post(d, &c, "t", "capital", NULL, "2026-01-05", "x", off, 2, &err),
		     YC_EINTERNAL);
	cr_assert_eq(fin_post(d, &c, "t", "capital", NULL, "2026-01-05", "x", zero, 2, &err),
		     YC_EINTERNAL);
	cr_assert_eq(fin_post(d, &c, "t", "capital", NULL, "2026-01-05", "x", one, 1, &err),
		     YC_EINTERNAL);
	db_rollback(d);
	bool ok;
	int64_t n;
	cr_assert_eq(fin_ledger_balanced(d, &ok, &n, &err), 0);
	cr_assert(ok);
	cr_assert_eq(n, 1);
	/* an unbalanced line slipped in by hand is found */
	cr_assert_eq(db_run(d, NULL,
			    "INSERT INTO fin_lines (entry, account, firm, amount_fen) VALUES"
			    " (1, 'cash', '', 1)",
			    ""),
		     0);
	cr_assert_eq(fin_ledger_balanced(d, &ok, &n, &err), 0);
	cr_assert(!ok);
}

Test(finance, a_loan_from_approval_to_repayment_balances_at_every_step, .init = setup,
     .fini = teardown)
{
	yc_err err;
	char no[32], body[160];
	cr_assert_eq(approve(no, FIRM, 1200, &err), 0, "%s", err.message);
	today_body(body, sizeof(body), "");
	/* another department's approver does not see it; the bank may not disburse */
	cr_assert_eq(act(&other, no, "disburse", body, &err), YC_ENOTFOUND);
	cr_assert_eq(act(&bank, no, "disburse", body, &err), YC_EFORBIDDEN);
	cr_assert_eq(act(&fund, no, "disburse", body, &err), 0, "%s", err.message);
	cr_assert_eq(balance(FIN_RECEIVABLE, FIRM), 1200000000LL);
	cr_assert_eq(balance(FIN_CASH, NULL), 5000000000LL - 1200000000LL);
	today_body(body, sizeof(body), ",\"contract_no\":\"XD-1\",\"amount\":2000");
	cr_assert_eq(act(&bank, no, "confirm-renewal", body, &err), 0, "%s", err.message);
	today_body(body, sizeof(body), "");
	cr_assert_eq(act(&fund, no, "repay", body, &err), 0, "%s", err.message);
	/* one day's fee: 12,000,000 × 0.01% = 1,200 yuan */
	cr_assert_eq(balance(FIN_RECEIVABLE, FIRM), 0);
	cr_assert_eq(balance(FIN_FEE, FIRM), -120000);
	cr_assert_eq(balance(FIN_CASH, NULL), 5000000000LL + 120000);
	bool ok;
	int64_t n;
	cr_assert_eq(fin_ledger_balanced(d, &ok, &n, &err), 0);
	cr_assert(ok);
	cr_assert_eq(n, 3);
	/* repaid is the end: nothing more */
	cr_assert_eq(act(&fund, no, "repay", body, &err), YC_ECONFLICT);
}

Test(finance, the_form_rules_name_the_field_they_refuse, .init = setup, .fini = teardown)
{
	yc_err err;
	cJSON *f = form_of(FIRM, 1200, 10);
	cr_assert_eq(fin_form_rules(d, &c, ITEM, f, &err), 0, "%s", err.message);
	/* other items are not the fund's */
	cJSON *bad = form_of("91371000MA3000001Y", 1200, 10);
	cr_assert_eq(fin_form_rules(d, &c, "371091011001007000", bad, &err), 0);
	cr_assert_eq(fin_form_rules(d, &c, ITEM, bad, &err), YC_EINVAL);
	cr_assert_str_eq(err.field, "form.credit_code");
	cJSON_Delete(bad);
	bad = form_of(FIRM, 2500, 10);
	cr_assert_eq(fin_form_rules(d, &c, ITEM, bad, &err), YC_EINVAL);
	cr_assert_str_eq(err.field, "form.amount");
	cJSON_Delete(bad);
	bad = form_of(FIRM, 1200, 16);
	cr_assert_eq(fin_form_rules(d, &c, ITEM, bad, &err), YC_EINVAL);
	cr_assert_str_eq(err.field, "form.days");
	cJSON_Delete(bad);
	bad = form_of(FIRM, 1200.00001, 10);
	cr_assert_eq(fin_form_rules(d, &c, ITEM, bad, &err), YC_EINVAL);
	cr_assert_str_eq(err.field, "form.amount");
	cJSON_Delete(bad);
	/* a firm with 1,200万 out may ask for 800 more, not 900 */
	char no[32];
	cr_assert_eq(approve(no, FIRM, 1200, &err), 0, "%s", err.message);
	cJSON_Delete(f);
	f = form_of(FIRM, 900, 10);
	cr_assert_eq(fin_form_rules(d, &c, ITEM, f, &err), YC_EINVAL);
	cr_assert_str_eq(err.field, "form.amount");
	cJSON_Delete(f);
	f = form_of(FIRM, 800, 10);
	cr_assert_eq(fin_form_rules(d, &c, ITEM, f, &err), 0, "%s", err.message);
	cJSON_Delete(f);
	/* and an approval that would pass the limit is refused, opening nothing */
	cr_assert_eq(approve(no, FIRM, 900, &err), YC_ECONFLICT);
	int64_t loans = 0;
	cr_assert_eq(db_get(d, NULL, "SELECT COUNT(*) FROM fin_loans", "", "i", &loans), DB_ROW);
	cr_assert_eq(loans, 1);
}

Test(finance, a_loan_past_its_due_day_turns_overdue_and_pays_the_late_rate, .init = setup,
     .fini = teardown)
{
	yc_err err;
	char no[32], body[160];
	cr_assert_eq(approve(no, FIRM, 1000, &err), 0, "%s", err.message);
	today_body(body, sizeof(body), "");
	cr_assert_eq(act(&fund, no, "disburse", body, &err), 0, "%s", err.message);
	int64_t n;
	cr_assert_eq(fin_mark_overdue(d, &c, &n, &err), 0);
	cr_assert_eq(n, 0);
	/* twelve days on: ten days' use, two past the due day */
	c.now_ms = yc_now_ms() + 11 * 86400000LL;
	cr_assert_eq(db_begin(d, NULL), 0);
	cr_assert_eq(fin_mark_overdue(d, &c, &n, &err), 0);
	cr_assert_eq(db_commit(d, NULL), 0);
	cr_assert_eq(n, 1);
	char state[16];
	cr_assert_eq(db_get(d, NULL, "SELECT state FROM fin_loans WHERE case_no = ?", "s", "t", no,
			    state, sizeof(state)),
		     DB_ROW);
	cr_assert_str_eq(state, "overdue");
	today_body(body, sizeof(body), "");
	cr_assert_eq(act(&fund, no, "repay", body, &err), 0, "%s", err.message);
	int64_t fee = 0;
	cr_assert_eq(db_get(d, NULL, "SELECT fee_fen FROM fin_loans WHERE case_no = ?", "s", "i",
			    no, &fee),
		     DB_ROW);
	cr_assert_eq(fee, 1000000000LL * (10 * 10 + 2 * 50) / 100000);
	c.now_ms = 0;
}

/* ---- the lifecycle ------------------------------------------------------------------ */

static char walked[32];

static bool loan_takes(int action)
{
	return action != LA_OVERDUE; /* the job's own */
}

static void loan_set_up(int from, int action, void *ctx)
{
	(void)action, (void)ctx;
	yc_err err;
	cr_assert_eq(db_run(d, NULL, "UPDATE fin_loans SET state = 'repaid'", ""), 0);
	cr_assert_eq(approve(walked, FIRM, 100, &err), 0, "%s", err.message);
	char on[12], due[12];
	int32_t today = fin_day(&c, fin_now(&c));
	yc_date_format(today, on, sizeof(on));
	yc_date_format(today + 9, due, sizeof(due));
	cr_assert_eq(
		db_run(d, NULL,
		       "UPDATE fin_loans SET state = ?, disbursed_on = CASE WHEN ? = 'approved'"
		       " THEN NULL ELSE ? END, due_on = ? WHERE case_no = ?",
		       "sssss", lc_state_name(&fin_loan_lifecycle, from),
		       lc_state_name(&fin_loan_lifecycle, from), on, due, walked),
		0);
	/* the money out that a disbursed loan stands for */
	if (from != LS_APPROVED && from != LS_CANCELLED) {
		struct fin_line l[] = {{FIN_RECEIVABLE, FIRM, 100000000},
				       {FIN_CASH, "", -100000000}};
		cr_assert_eq(fin_post(d, &c, "t", "disburse", walked, on, "x", l, 2, &err), 0);
	}
}

static int loan_act(int action, const struct lc_row *row, void *ctx)
{
	(void)row, (void)ctx;
	char body[160];
	if (action == LA_CANCEL)
		snprintf(body, sizeof(body), "{\"reason\":\"走查\"}");
	else
		today_body(body, sizeof(body),
			   action == LA_RENEW ? ",\"contract_no\":\"XD\",\"amount\":100" : "");
	yc_err err;
	return act(&fund, walked, lc_action_name(&fin_loan_lifecycle, action), body, &err);
}

static int loan_state(void *ctx)
{
	(void)ctx;
	char state[16] = "";
	cr_assert_eq(db_get(d, NULL, "SELECT state FROM fin_loans WHERE case_no = ?", "s", "t",
			    walked, state, sizeof(state)),
		     DB_ROW);
	return lc_state(&fin_loan_lifecycle, state);
}

Test(finance, every_row_moves_and_every_other_pair_refuses, .init = setup, .fini = teardown)
{
	struct lc_walk w = {&fin_loan_lifecycle, loan_takes, loan_set_up, loan_act,
			    loan_state,		 NULL};
	lc_walk(&w);
}

/* ---- 惠企资金 ------------------------------------------------------------------------- */

static int64_t quote(const char *item, const char *form, int64_t *amount, yc_err *err)
{
	cJSON *f = cJSON_Parse(form);
	struct fin_quote q;
	int rc = fin_grant_quote(d, &c, item, f, &q, err);
	cJSON_Delete(f);
	if (amount)
		*amount = rc ? -1 : q.amount_fen;
	return rc ? rc : q.computed_fen;
}

Test(finance, the_grant_rules_compute_to_the_fen_and_the_cap_holds, .init = setup, .fini = teardown)
{
	yc_err err;
	int64_t amount;
	/* 8,000,000 × 3.85% × 181/365 × 50%: 76,367.12… → 7,636,712 fen (half up) */
	cr_assert_eq(quote("371091051005036000",
			   "{\"credit_code\":\"" FIRM "\",\"loan_amount\":800,\"rate\":3.85,"
			   "\"start\":\"2026-01-01\",\"end\":\"2026-06-30\"}",
			   &amount, &err),
		     7636712, "%s", err.message);
	/* a premium of 12,345.67 at 50%: 6,172.835 → 6,172.84 */
	cr_assert_eq(quote("371091051005037000",
			   "{\"credit_code\":\"" FIRM
			   "\",\"loan_amount\":300,\"premium\":12345.67}",
			   &amount, &err),
		     617284);
	/* IP: 41 inventions → 205,000 yuan, held to the 200,000 cap */
	cr_assert_eq(quote("371091051005038000",
			   "{\"credit_code\":\"" FIRM "\",\"inventions\":41,\"utility_models\":0,"
			   "\"designs\":0,\"trademarks\":0,\"pct\":0}",
			   &amount, &err),
		     20500000);
	cr_assert_eq(amount, 20000000);
	/* a rate with three decimals, an item with no scheme */
	cr_assert_eq(quote("371091051005036000",
			   "{\"credit_code\":\"" FIRM "\",\"loan_amount\":800,\"rate\":3.855,"
			   "\"start\":\"2026-01-01\",\"end\":\"2026-06-30\"}",
			   NULL, &err),
		     YC_EINVAL);
	cr_assert_str_eq(err.field, "form.rate");
	cr_assert_eq(quote(ITEM, "{\"credit_code\":\"" FIRM "\"}", NULL, &err), YC_ENOTFOUND);
}

Test(finance, schemes_load_whole_or_not_at_all, .init = setup, .fini = teardown)
{
	yc_err err;
	cr_assert_eq(db_begin(d, NULL), 0);
	cr_assert_eq(
		fin_schemes_load(d,
				 "{\"schemes\":[{\"item\":\"371091051005038000\",\"name\":\"x\","
				 "\"kind\":\"lottery\",\"cap_yuan\":1,\"budget_yuan\":1}]}",
				 &err),
		YC_EINVAL);
	db_rollback(d);
	int64_t n = 0;
	cr_assert_eq(db_get(d, NULL, "SELECT COUNT(*) FROM fin_grant_schemes", "", "i", &n),
		     DB_ROW);
	cr_assert_eq(n, 3);
}
