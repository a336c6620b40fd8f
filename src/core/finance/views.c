/*
 * views.c — what the fund's pages read: the fund (balances from the journal,
 * loans by state, the year's figures, the rules), the loans in the reader's
 * scope with their lights, and one loan with its journal entries.
 *
 * A loan's light counts natural days (a bridge is lent by the day): green
 * while out, yellow from two days before its due day, red when overdue.
 */
#include "core/finance/internal.h"

#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

enum { YELLOW_DAYS = 2 };

int fin_fund_json(db *d, const struct fin_ctx *c, yc_buf *out, yc_err *err)
{
	int64_t cash, capital, receivable, fees, entries;
	bool balanced;
	int rc = fin_balance(d, FIN_CASH, NULL, &cash, err);
	if (!rc)
		rc = fin_balance(d, FIN_CAPITAL, NULL, &capital, err);
	if (!rc)
		rc = fin_balance(d, FIN_RECEIVABLE, NULL, &receivable, err);
	if (!rc)
		rc = fin_balance(d, FIN_FEE, NULL, &fees, err);
	if (!rc)
		rc = fin_ledger_balanced(d, &balanced, &entries, err);
	if (rc)
		return rc;
	yc_buf_addf(out,
		    "{\"cash_fen\":%lld,\"capital_fen\":%lld,\"outstanding_fen\":%lld,"
		    "\"fees_fen\":%lld,\"balanced\":%s,\"entries\":%lld,",
		    (long long)cash, (long long)-capital, (long long)receivable, (long long)-fees,
		    balanced ? "true" : "false", (long long)entries);
	yc_buf_addf(out,
		    "\"rules\":{\"limit_fen\":%lld,\"max_days\":%d,\"fee_rate\":%d,"
		    "\"overdue_rate\":%d,\"item\":",
		    (long long)c->limit_fen, c->max_days, c->fee_rate, c->overdue_rate);
	yc_json_add_str(out, c->item);
	yc_buf_adds(out, ",\"department\":");
	yc_json_add_str(out, c->department);
	yc_buf_adds(out, "},\"by_state\":");
	db_stmt *st = db_prepare(d,
				 "SELECT state, COUNT(*) AS count, SUM(amount_fen) AS amount_fen"
				 " FROM fin_loans GROUP BY state ORDER BY state",
				 err);
	if (!st)
		return db_failed(err);
	if ((rc = db_rows_json(st, "sii", out, err)))
		return rc;
	/* by year of disbursement: loans, firms, money lent, fees earned */
	if (!(st = db_prepare(
		      d,
		      "SELECT SUBSTR(disbursed_on, 1, 4) AS year, COUNT(*) AS loans,"
		      " COUNT(DISTINCT credit_code) AS firms, SUM(amount_fen) AS amount_fen,"
		      " COALESCE(SUM(fee_fen), 0) AS fees_fen FROM fin_loans"
		      " WHERE disbursed_on IS NOT NULL GROUP BY SUBSTR(disbursed_on, 1, 4)"
		      " ORDER BY year DESC",
		      err)))
		return db_failed(err);
	yc_buf_adds(out, ",\"years\":");
	if ((rc = db_rows_json(st, "siiii", out, err)))
		return rc;
	return yc_buf_adds(out, "}") ? YC_ENOMEM : 0;
}

/* Today and the first day of the yellow light, as the text the SQL compares. */
static void light_days(const struct fin_ctx *c, char today[12], char yellow[12])
{
	int32_t day = fin_day(c, fin_now(c));
	yc_date_format(day, today, 12);
	yc_date_format(day + YELLOW_DAYS, yellow, 12);
}

#define LOAN_COLUMNS                                                                               \
	"SELECT case_no AS no, credit_code, firm, bank, loan_fen, loan_due, amount_fen, days,"     \
	" fee_rate, overdue_rate, state, disbursed_on, due_on, renewal_ref, renewal_fen,"          \
	" renewed_on, repaid_on, fee_fen, note,"                                                   \
	" CASE WHEN state = 'overdue' THEN 'red' WHEN state IN ('disbursed', 'renewed') AND"       \
	" due_on <= ? THEN 'yellow' WHEN state IN ('disbursed', 'renewed') THEN 'green'"           \
	" ELSE '' END AS light FROM fin_loans"
#define LOAN_KINDS "ssssisiiiissssississ"

int fin_loans_json(db *d, const struct fin_ctx *c, const yc_user *u, const struct fin_query *q,
		   yc_buf *out, yc_err *err)
{
	char bank[64], today[12], yellow[12];
	fin_bank_of(d, u, bank, sizeof(bank));
	bool officer = fin_officer(c, u);
	if (!officer && !bank[0] && u->role != ROLE_APPLICANT)
		return yc_buf_adds(out, "{\"loans\":[]}") ? YC_ENOMEM : 0;
	light_days(c, today, yellow);
	db_stmt *st = db_prepare(
		d,
		LOAN_COLUMNS
		" WHERE (? = 1 OR (? <> '' AND bank = ?) OR (? = 1 AND applicant_user = ?))"
		" AND (? = '' OR state = ?) AND (? = '' OR credit_code = ?)"
		" ORDER BY CASE state WHEN 'overdue' THEN 0 WHEN 'approved' THEN 1"
		" WHEN 'disbursed' THEN 2 WHEN 'renewed' THEN 2 ELSE 3 END,"
		" COALESCE(due_on, ''), case_no DESC LIMIT ?",
		err);
	if (!st)
		return db_failed(err);
	const char *state = q->state ? q->state : "", *code = q->credit_code ? q->credit_code : "";
	db_bind_text(st, 1, yellow);
	db_bind_int(st, 2, officer);
	db_bind_text(st, 3, bank);
	db_bind_text(st, 4, bank);
	db_bind_int(st, 5, u->role == ROLE_APPLICANT);
	db_bind_int(st, 6, u->id);
	db_bind_text(st, 7, state);
	db_bind_text(st, 8, state);
	db_bind_text(st, 9, code);
	db_bind_text(st, 10, code);
	db_bind_int(st, 11, q->limit > 0 ? q->limit : 200);
	yc_buf_adds(out, "{\"loans\":");
	int rc = db_rows_json(st, LOAN_KINDS, out, err);
	return rc ? rc : yc_buf_adds(out, "}") ? YC_ENOMEM : 0;
}

int fin_loan_json(db *d, const struct fin_ctx *c, const yc_user *u, const char *no, yc_buf *out,
		  yc_err *err)
{
	char bank[64], today[12], yellow[12];
	fin_bank_of(d, u, bank, sizeof(bank));
	light_days(c, today, yellow);
	db_stmt *st =
		db_prepare(d,
			   LOAN_COLUMNS " WHERE case_no = ? AND (? = 1 OR (? <> '' AND bank = ?)"
					" OR (? = 1 AND applicant_user = ?))",
			   err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, yellow);
	db_bind_text(st, 2, no);
	db_bind_int(st, 3, fin_officer(c, u));
	db_bind_text(st, 4, bank);
	db_bind_text(st, 5, bank);
	db_bind_int(st, 6, u->role == ROLE_APPLICANT);
	db_bind_int(st, 7, u->id);
	yc_buf row;
	yc_buf_init(&row, 0);
	int rc = db_rows_json(st, LOAN_KINDS, &row, err);
	if (!rc && row.len <= 2)
		rc = yc_err_set(err, YC_ENOTFOUND, "no", "no bridge loan %s", no);
	if (!rc) {
		/* the object inside "[{…}]", then its entries */
		yc_buf_add(out, row.data + 1, row.len - 3);
		yc_buf_adds(out, ",\"entries\":");
		if (!(st = db_prepare(
			      d,
			      "SELECT e.id, e.on_day AS on_day, e.kind, e.memo, l.account,"
			      " l.amount_fen FROM fin_entries e JOIN fin_lines l ON"
			      " l.entry = e.id WHERE e.loan = ? ORDER BY e.id, l.amount_fen DESC",
			      err)))
			rc = db_failed(err);
		else {
			db_bind_text(st, 1, no);
			rc = db_rows_json(st, "issssi", out, err);
		}
	}
	yc_buf_release(&row);
	return rc ? rc : yc_buf_adds(out, "}") ? YC_ENOMEM : 0;
}
