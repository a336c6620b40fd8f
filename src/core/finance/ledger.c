/*
 * ledger.c — the fund's double-entry journal.
 *
 * Every movement of the fund's money is one entry of two or more lines on
 * four accounts (cash, capital, receivable per firm, fee per firm) whose
 * amounts, in fen, debit positive and credit negative, sum to zero:
 *
 *     capital   Dr cash            Cr capital
 *     disburse  Dr receivable:firm Cr cash
 *     repay     Dr cash            Cr receivable:firm, Cr fee:firm
 *
 * fin_post refuses any other shape, so the journal balances by
 * construction, and fin_ledger_balanced checks it did (the fund page shows
 * the answer). A balance is the SUM of an account's lines; nothing stores one.
 */
#include "core/finance/internal.h"

#include <stdio.h>
#include <string.h>

#include "core/common/audit.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

int fin_post(db *d, const struct fin_ctx *c, const char *actor, const char *kind, const char *loan,
	     const char *on_day, const char *memo, const struct fin_line *lines, int n, yc_err *err)
{
	int64_t sum = 0;
	for (int i = 0; i < n; i++) {
		if (!lines[i].fen)
			return yc_err_set(err, YC_EINTERNAL, NULL, "a journal line of zero");
		sum += lines[i].fen;
	}
	if (n < 2 || sum)
		return yc_err_set(err, YC_EINTERNAL, NULL,
				  "an unbalanced journal entry (%d lines, %lld fen off)", n,
				  (long long)sum);
	int64_t id = 0;
	int rc = db_get(d, err,
			"INSERT INTO fin_entries (at_ms, on_day, kind, loan, memo, actor)"
			" VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			"isssss", "i", fin_now(c), on_day, kind, loan, memo, actor, &id);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++)
		if ((rc = db_run(d, err,
				 "INSERT INTO fin_lines (entry, account, firm, amount_fen)"
				 " VALUES (?, ?, ?, ?)",
				 "issi", id, lines[i].account, lines[i].firm ? lines[i].firm : "",
				 lines[i].fen)))
			return rc;
	return 0;
}

int fin_balance(db *d, const char *account, const char *firm, int64_t *fen, yc_err *err)
{
	*fen = 0;
	int rc = db_get(d, err,
			"SELECT COALESCE(SUM(amount_fen), 0) FROM fin_lines WHERE account = ?"
			" AND (? = '' OR firm = ?)",
			"sss", "i", account, firm ? firm : "", firm ? firm : "", fen);
	return rc < 0 ? rc : 0;
}

int fin_ledger_balanced(db *d, bool *balanced, int64_t *entries, yc_err *err)
{
	int64_t off = 0, total = 0;
	*balanced = false;
	int rc = db_get(d, err,
			"SELECT COUNT(*) FROM (SELECT entry FROM fin_lines GROUP BY entry"
			" HAVING SUM(amount_fen) <> 0 OR COUNT(*) < 2) AS u",
			"", "i", &off);
	if (rc >= 0)
		rc = db_get(d, err, "SELECT COALESCE(SUM(amount_fen), 0) FROM fin_lines", "", "i",
			    &total);
	if (rc >= 0)
		rc = db_get(d, err, "SELECT COUNT(*) FROM fin_entries", "", "i", entries);
	if (rc < 0)
		return rc;
	*balanced = !off && !total;
	return 0;
}

/* ---- the treasury's capital ------------------------------------------------------------ */

int fin_capital_check(const cJSON *body, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"amount", YC_JT_NUMBER, true, 0},
		{"on", YC_JT_STRING, true, 10},
		{"memo", YC_JT_STRING, true, 200},
	};
	int rc = yc_json_check(body, spec, 3, err);
	if (rc)
		return rc;
	if (fin_wan_to_fen(cJSON_GetObjectItemCaseSensitive(body, "amount")->valuedouble) <= 0)
		return yc_err_set(err, YC_EINVAL, "amount",
				  "amount is a positive sum in 万元 (whole yuan)");
	int32_t day;
	if (yc_date_parse(yc_json_str(body, "on"), &day))
		return yc_err_set(err, YC_EINVAL, "on", "on is a date YYYY-MM-DD");
	if (!yc_json_str(body, "memo")[0])
		return yc_err_set(err, YC_EINVAL, "memo", "memo says where the money comes from");
	return 0;
}

int fin_capital_add(db *d, const struct fin_ctx *c, const yc_user *u, const cJSON *body,
		    yc_buf *out, yc_err *err)
{
	if (!fin_officer(c, u) || u->role == ROLE_SUPERVISOR)
		return yc_err_set(err, YC_EFORBIDDEN, NULL,
				  "the fund's department records its capital");
	int64_t fen = fin_wan_to_fen(cJSON_GetObjectItemCaseSensitive(body, "amount")->valuedouble);
	const char *on = yc_json_str(body, "on"), *memo = yc_json_str(body, "memo");
	int32_t day;
	yc_date_parse(on, &day);
	if (day > fin_day(c, fin_now(c)))
		return yc_err_set(err, YC_EINVAL, "on", "on is today or earlier");
	struct fin_line lines[] = {{FIN_CASH, "", fen}, {FIN_CAPITAL, "", -fen}};
	int rc = fin_post(d, c, u->username, "capital", NULL, on, memo, lines, 2, err);
	yc_actor a = {u->username, account_role_name(u->role)};
	char change[64];
	snprintf(change, sizeof(change), "{\"amount_fen\":%lld}", (long long)fen);
	if (!rc)
		rc = audit_append(d, &a, "finance.capital", "bridge-fund", NULL, NULL, change, err);
	if (!rc)
		rc = fin_fund_json(d, c, out, err);
	return rc;
}

/* ---- views ------------------------------------------------------------------------------ */

int fin_journal_json(db *d, const struct fin_ctx *c, const yc_user *u, int limit, yc_buf *out,
		     yc_err *err)
{
	if (!fin_officer(c, u))
		return yc_buf_adds(out, "{\"entries\":[],\"accounts\":[]}") ? YC_ENOMEM : 0;
	db_stmt *st = db_prepare(
		d,
		"SELECT e.id, e.on_day, e.kind, COALESCE(e.loan, ''), e.memo, e.actor, l.account,"
		" l.firm, l.amount_fen FROM fin_entries e JOIN fin_lines l ON l.entry = e.id"
		" WHERE e.id IN (SELECT id FROM fin_entries ORDER BY id DESC LIMIT ?)"
		" ORDER BY e.id DESC, l.amount_fen DESC",
		err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, limit > 0 ? limit : 100);
	yc_buf_adds(out, "{\"entries\":[");
	int64_t last = -1;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);
		if (id != last) {
			yc_buf_addf(out, "%s{\"id\":%lld,\"on\":", last >= 0 ? "]}," : "",
				    (long long)id);
			yc_json_add_str(out, db_col_text(st, 1));
			yc_buf_adds(out, ",\"kind\":");
			yc_json_add_str(out, db_col_text(st, 2));
			yc_buf_adds(out, ",\"loan\":");
			yc_json_add_str(out, db_col_text(st, 3));
			yc_buf_adds(out, ",\"memo\":");
			yc_json_add_str(out, db_col_text(st, 4));
			yc_buf_adds(out, ",\"actor\":");
			yc_json_add_str(out, db_col_text(st, 5));
			yc_buf_adds(out, ",\"lines\":[");
		} else {
			yc_buf_addc(out, ',');
		}
		yc_buf_adds(out, "{\"account\":");
		yc_json_add_str(out, db_col_text(st, 6));
		yc_buf_adds(out, ",\"firm\":");
		yc_json_add_str(out, db_col_text(st, 7));
		yc_buf_addf(out, ",\"amount_fen\":%lld}", (long long)db_col_int(st, 8));
		last = id;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	yc_buf_adds(out, last >= 0 ? "]}]" : "]");
	/* the trial balance: each account's sum, and the total (zero) */
	if (!(st = db_prepare(d,
			      "SELECT account, SUM(amount_fen) AS balance_fen FROM fin_lines"
			      " GROUP BY account ORDER BY account",
			      err)))
		return db_failed(err);
	yc_buf_adds(out, ",\"accounts\":");
	if ((rc = db_rows_json(st, "si", out, err)))
		return rc;
	bool ok;
	int64_t n;
	if ((rc = fin_ledger_balanced(d, &ok, &n, err)))
		return rc;
	return yc_buf_addf(out, ",\"balanced\":%s,\"count\":%lld}", ok ? "true" : "false",
			   (long long)n)
		       ? YC_ENOMEM
		       : 0;
}

/* Whether u may see a firm's statement: the fund, the firm's bank, the firm's applicant. */
static int may_see_firm(db *d, const struct fin_ctx *c, const yc_user *u, const char *code,
			bool *may, yc_err *err)
{
	*may = fin_officer(c, u);
	if (*may)
		return 0;
	char bank[64];
	fin_bank_of(d, u, bank, sizeof(bank));
	if (u->role != ROLE_APPLICANT && !bank[0])
		return 0;
	int64_t n = 0;
	int rc = db_get(d, err,
			"SELECT COUNT(*) FROM fin_loans WHERE credit_code = ? AND"
			" ((? = 1 AND applicant_user = ?) OR (? <> '' AND bank = ?))",
			"siiss", "i", code, (int64_t)(u->role == ROLE_APPLICANT), u->id, bank, bank,
			&n);
	*may = n > 0;
	return rc < 0 ? rc : 0;
}

int fin_statement_json(db *d, const struct fin_ctx *c, const yc_user *u, const char *code,
		       yc_buf *out, yc_err *err)
{
	bool may;
	int rc = may_see_firm(d, c, u, code, &may, err);
	if (rc)
		return rc;
	char firm[200] = "";
	if (may && (rc = db_get(d, err,
				"SELECT firm FROM fin_loans WHERE credit_code = ?"
				" ORDER BY approved_ms DESC LIMIT 1",
				"s", "t", code, firm, sizeof(firm))) < 0)
		return rc;
	if (!may || !firm[0])
		return yc_err_set(err, YC_ENOTFOUND, "credit_code", "no statement for %s", code);
	db_stmt *st =
		db_prepare(d,
			   "SELECT e.id, e.on_day, e.kind, COALESCE(e.loan, ''), e.memo, l.account,"
			   " l.amount_fen FROM fin_lines l JOIN fin_entries e ON e.id = l.entry"
			   " WHERE l.firm = ? ORDER BY e.id, l.account DESC",
			   err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, code);
	yc_buf_adds(out, "{\"credit_code\":");
	yc_json_add_str(out, code);
	yc_buf_adds(out, ",\"firm\":");
	yc_json_add_str(out, firm);
	yc_buf_adds(out, ",\"lines\":[");
	/* the firm's side: what it owes the fund (receivable) and the fees it paid */
	int64_t owed = 0, fees = 0, lent = 0;
	int i = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *account = db_col_text(st, 5);
		int64_t fen = db_col_int(st, 6);
		bool receivable = !strcmp(account, FIN_RECEIVABLE);
		if (receivable)
			owed += fen;
		else
			fees -= fen;
		if (receivable && fen > 0)
			lent += fen;
		yc_buf_addf(out, "%s{\"entry\":%lld,\"on\":", i++ ? "," : "",
			    (long long)db_col_int(st, 0));
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_adds(out, ",\"kind\":");
		yc_json_add_str(out, db_col_text(st, 2));
		yc_buf_adds(out, ",\"loan\":");
		yc_json_add_str(out, db_col_text(st, 3));
		yc_buf_adds(out, ",\"memo\":");
		yc_json_add_str(out, db_col_text(st, 4));
		yc_buf_adds(out, ",\"account\":");
		yc_json_add_str(out, account);
		yc_buf_addf(out, ",\"amount_fen\":%lld,\"owed_fen\":%lld}", (long long)fen,
			    (long long)owed);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	return yc_buf_addf(out, "],\"lent_fen\":%lld,\"owed_fen\":%lld,\"fees_fen\":%lld}",
			   (long long)lent, (long long)owed, (long long)fees)
		       ? YC_ENOMEM
		       : 0;
}
