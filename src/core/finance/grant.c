/*
 * grant.c — 惠企资金: subsidies and awards to firms whose amounts a rule computes.
 *
 * A scheme is bound to a catalog item, so the firm applies as for any item (a case);
 * the scheme's rule checks the form as it is filed and gives the amount:
 *
 *   interest  科技支行贷款专项补助: loan × annual rate × days / 365 × share
 *   premium   政银保保证保险补贴:    premium paid × share
 *   ip        知识产权奖励资助:      Σ granted patents, trademarks, PCT filings × their unit award
 *
 * each rounded to the fen half up, then held to the firm's cap for the year (what it
 * already has from the scheme this year counts) and to the scheme's budget for the year.
 * The approval opens the grant with its amount and the basis written out; the scheme's
 * department pays it, one journal entry (Dr subsidy for the firm, Cr budget).
 */
#include "core/finance/internal.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/common/ids.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static const char *const kinds[] = {"interest", "premium", "ip", NULL};
/* The ip rule's counts, in the form's names, and how the basis says them. */
static const struct {
	const char *field, *label;
} ip_counts[] = {
	{"inventions", "发明专利"},  {"utility_models", "实用新型专利"},
	{"designs", "外观设计专利"}, {"trademarks", "注册商标"},
	{"pct", "PCT国际申请"},
};
enum { NIP = sizeof(ip_counts) / sizeof(ip_counts[0]) };

struct scheme {
	char item[24], name[120], kind[16], dept[16];
	cJSON *params;
	int64_t cap, budget;
};

static int scheme_load(db *d, const char *item, struct scheme *s, yc_err *err)
{
	memset(s, 0, sizeof(*s));
	char params[1024] = "";
	int rc = db_get(
		d, err,
		"SELECT s.item, s.name, s.kind, s.params, s.cap_fen, s.budget_fen, i.department"
		" FROM fin_grant_schemes s JOIN items i ON i.code = s.item WHERE s.item = ?",
		"s", "ttttiit", item, s->item, sizeof(s->item), s->name, sizeof(s->name), s->kind,
		sizeof(s->kind), params, sizeof(params), &s->cap, &s->budget, s->dept,
		sizeof(s->dept));
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return yc_err_set(err, YC_ENOTFOUND, "item", "item %s has no grant scheme", item);
	s->params = cJSON_Parse(params);
	return 0;
}

bool fin_has_scheme(db *d, const char *item)
{
	int64_t n = 0;
	return db_get(d, NULL, "SELECT COUNT(*) FROM fin_grant_schemes WHERE item = ?", "s", "i",
		      item, &n) == DB_ROW &&
	       n > 0;
}

/*
 * Whether an item has a scheme, as a form check asks it on every case
 * filed: remembered per thread for a second (a query per submission was a
 * round trip on PostgreSQL; items are trusted the same way, see
 * core/case/prepare.c), and dropped when this node starts loading schemes.
 * So a form is checked against schemes at most a second old; the approval
 * asks fin_has_scheme afresh.
 */
enum { SCHEME_MEMO = 16, SCHEME_TRUST_US = 1000 * 1000 };
static atomic_uint schemes_loaded;
static __thread struct {
	char item[24];
	bool has;
	unsigned loaded;
	int64_t checked_us;
} scheme_memo[SCHEME_MEMO];
static __thread unsigned scheme_memo_next;

bool fin_has_scheme_recent(db *d, const char *item)
{
	int64_t now = yc_mono_us();
	unsigned loaded = atomic_load(&schemes_loaded);
	for (int i = 0; i < SCHEME_MEMO; i++)
		if (scheme_memo[i].loaded == loaded && !strcmp(scheme_memo[i].item, item) &&
		    now - scheme_memo[i].checked_us < SCHEME_TRUST_US)
			return scheme_memo[i].has;
	bool has = fin_has_scheme(d, item);
	if (strlen(item) < sizeof(scheme_memo[0].item)) {
		unsigned k = scheme_memo_next++ % SCHEME_MEMO;
		snprintf(scheme_memo[k].item, sizeof(scheme_memo[k].item), "%s", item);
		scheme_memo[k].has = has;
		scheme_memo[k].loaded = loaded;
		scheme_memo[k].checked_us = now;
	}
	return has;
}

/* ---- the schemes --------------------------------------------------------------------------- */

int fin_schemes_load(db *d, const char *json, yc_err *err)
{
	atomic_fetch_add(&schemes_loaded, 1);
	cJSON *doc = NULL;
	int rc = yc_json_parse(json, strlen(json), &doc, err);
	if (rc)
		return rc;
	static const yc_jfield spec[] = {
		{"item", YC_JT_STRING, true, 23},
		{"name", YC_JT_STRING, true, 100},
		{"kind", YC_JT_STRING, true, 15, .one_of = kinds},
		{"share_percent", YC_JT_INT, false, 0, .min = 1, .max = 100},
		{"unit_yuan", YC_JT_OBJECT, false, 0},
		{"cap_yuan", YC_JT_INT, true, 0, .min = 1, .max = 100000000},
		{"budget_yuan", YC_JT_INT, true, 0, .min = 1, .max = 10000000000LL},
	};
	rc = yc_json_check_each(doc, "schemes", spec, sizeof(spec) / sizeof(spec[0]), err);
	if (!rc)
		rc = db_run(d, err,
			    "DELETE FROM fin_grant_schemes WHERE item NOT IN (SELECT item FROM "
			    "fin_grants)",
			    "");
	const cJSON *s;
	int i = 0;
	const cJSON *list = rc ? NULL : cJSON_GetObjectItemCaseSensitive(doc, "schemes");
	cJSON_ArrayForEach (s, list) {
		const char *kind = yc_json_str(s, "kind");
		cJSON *params = cJSON_CreateObject();
		cJSON_AddNumberToObject(params, "share_percent",
					(double)yc_json_int(s, "share_percent", 100));
		const cJSON *units = cJSON_GetObjectItemCaseSensitive(s, "unit_yuan");
		if (!strcmp(kind, "ip")) {
			cJSON *u = cJSON_AddObjectToObject(params, "unit_yuan");
			for (int k = 0; k < NIP; k++)
				cJSON_AddNumberToObject(
					u, ip_counts[k].field,
					(double)yc_json_int(units, ip_counts[k].field, 0));
		}
		char *text = cJSON_PrintUnformatted(params);
		cJSON_Delete(params);
		rc = db_run(
			d, err,
			"INSERT INTO fin_grant_schemes (item, name, kind, params, cap_fen, "
			"budget_fen)"
			" VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (item) DO UPDATE SET name ="
			" excluded.name, kind = excluded.kind, params = excluded.params, cap_fen ="
			" excluded.cap_fen, budget_fen = excluded.budget_fen",
			"ssssii", yc_json_str(s, "item"), yc_json_str(s, "name"), kind, text,
			yc_json_int(s, "cap_yuan", 0) * 100,
			yc_json_int(s, "budget_yuan", 0) * 100);
		cJSON_free(text);
		if (rc) {
			char msg[sizeof(err->message)];
			snprintf(msg, sizeof(msg), "%s", err->message);
			rc = yc_err_set(err, YC_EINVAL, "schemes", "schemes[%d] (%s): %s", i,
					yc_json_str(s, "item"), msg);
			break;
		}
		i++;
	}
	cJSON_Delete(doc);
	return rc;
}

/* ---- the rules ------------------------------------------------------------------------------ */

/* A number of the form within [lo, hi] (whole when whole), the error naming form.<name>. */
static int number(const cJSON *form, const char *name, double lo, double hi, bool whole, double *v,
		  yc_err *err)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(form, name);
	char field[48];
	snprintf(field, sizeof(field), "form.%s", name);
	if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble) || x->valuedouble < lo ||
	    x->valuedouble > hi || (whole && x->valuedouble != floor(x->valuedouble)))
		return yc_err_set(err, YC_EINVAL, field, "%s is a %s from %g to %g", field,
				  whole ? "whole number" : "number", lo, hi);
	*v = x->valuedouble;
	return 0;
}

static int64_t share_of(const struct scheme *s)
{
	return yc_json_int(s->params, "share_percent", 100);
}

static int rule_interest(const struct scheme *s, const cJSON *form, int64_t *fen, char *basis,
			 size_t size, yc_err *err)
{
	double wan, rate;
	int rc = number(form, "loan_amount", 0.0001, 1e6, false, &wan, err);
	if (!rc)
		rc = number(form, "rate", 0.01, 24, false, &rate, err);
	if (rc)
		return rc;
	int64_t loan = fin_wan_to_fen(wan), bp = (int64_t)llround(rate * 100);
	if (loan <= 0 || fabs(rate * 100 - (double)bp) > 1e-6)
		return yc_err_set(err, YC_EINVAL, loan <= 0 ? "form.loan_amount" : "form.rate",
				  loan <= 0 ? "form.loan_amount is whole yuan in 万元"
					    : "form.rate has two decimals at most");
	int32_t from, to;
	if (yc_date_parse(yc_json_str(form, "start"), &from))
		return yc_err_set(err, YC_EINVAL, "form.start", "form.start is a date");
	if (yc_date_parse(yc_json_str(form, "end"), &to) || to < from || to - from > 365)
		return yc_err_set(err, YC_EINVAL, "form.end",
				  "form.end is a date on or after form.start, a year at most");
	int64_t days = to - from + 1;
	__int128 units = (__int128)loan * bp * days * share_of(s);
	__int128 den = (__int128)10000 * 365 * 100;
	*fen = (int64_t)((units + den / 2) / den);
	char l[40];
	fin_yuan(loan, l, sizeof(l));
	snprintf(basis, size, "贷款¥%s × 年利率%.2f%% × %lld/365天 × %lld%%", l, (double)bp / 100,
		 (long long)days, (long long)share_of(s));
	return 0;
}

static int rule_premium(const struct scheme *s, const cJSON *form, int64_t *fen, char *basis,
			size_t size, yc_err *err)
{
	double wan, premium;
	int rc = number(form, "loan_amount", 0.0001, 1e6, false, &wan, err);
	if (!rc)
		rc = number(form, "premium", 0.01, 1e8, false, &premium, err);
	if (rc)
		return rc;
	int64_t paid = llround(premium * 100);
	if (fabs(premium * 100 - (double)paid) > 1e-6)
		return yc_err_set(err, YC_EINVAL, "form.premium", "form.premium is yuan and fen");
	*fen = (paid * share_of(s) + 50) / 100;
	char p[40];
	fin_yuan(paid, p, sizeof(p));
	snprintf(basis, size, "已缴保费¥%s × %lld%%", p, (long long)share_of(s));
	return 0;
}

static int rule_ip(const struct scheme *s, const cJSON *form, int64_t *fen, char *basis,
		   size_t size, yc_err *err)
{
	const cJSON *units = cJSON_GetObjectItemCaseSensitive(s->params, "unit_yuan");
	int64_t sum = 0;
	size_t o = 0;
	basis[0] = '\0';
	for (int k = 0; k < NIP; k++) {
		double n;
		int rc = number(form, ip_counts[k].field, 0, 10000, true, &n, err);
		if (rc)
			return rc;
		int64_t unit = yc_json_int(units, ip_counts[k].field, 0);
		if (n > 0 && unit > 0) {
			sum += (int64_t)n * unit * 100;
			if (o < size)
				o += (size_t)snprintf(basis + o, size - o, "%s%s%lld件×%lld元",
						      o ? " + " : "", ip_counts[k].label,
						      (long long)n, (long long)unit);
		}
	}
	if (!sum)
		return yc_err_set(err, YC_EINVAL, "form.inventions",
				  "name at least one granted patent, trademark or PCT filing");
	*fen = sum;
	return 0;
}

static int year_of(const struct fin_ctx *c)
{
	int y;
	unsigned m, dd;
	yc_civil_from_days(fin_day(c, fin_now(c)), &y, &m, &dd);
	return y;
}

int fin_grant_quote(db *d, const struct fin_ctx *c, const char *item, const cJSON *form,
		    struct fin_quote *q, yc_err *err)
{
	memset(q, 0, sizeof(*q));
	struct scheme s;
	int rc = scheme_load(d, item, &s, err);
	if (rc)
		return rc;
	const char *code = yc_json_str(form, "credit_code");
	char rule[300] = "";
	if (!code || !ids_uscc_valid(code))
		rc = yc_err_set(err, YC_EINVAL, "form.credit_code",
				"form.credit_code is not a valid unified social credit code");
	else if (!strcmp(s.kind, "interest"))
		rc = rule_interest(&s, form, &q->computed_fen, rule, sizeof(rule), err);
	else if (!strcmp(s.kind, "premium"))
		rc = rule_premium(&s, form, &q->computed_fen, rule, sizeof(rule), err);
	else
		rc = rule_ip(&s, form, &q->computed_fen, rule, sizeof(rule), err);
	q->year = year_of(c);
	int64_t had = 0, used = 0;
	if (!rc && (rc = db_get(d, err,
				"SELECT COALESCE(SUM(amount_fen), 0) FROM fin_grants WHERE"
				" credit_code = ? AND item = ? AND year = ?",
				"ssi", "i", code, item, (int64_t)q->year, &had)) > 0)
		rc = 0;
	if (!rc && (rc = db_get(d, err,
				"SELECT COALESCE(SUM(amount_fen), 0) FROM fin_grants WHERE item = ?"
				" AND year = ?",
				"si", "i", item, (int64_t)q->year, &used)) > 0)
		rc = 0;
	if (rc) {
		cJSON_Delete(s.params);
		return rc;
	}
	q->cap_left_fen = s.cap > had ? s.cap - had : 0;
	q->budget_left_fen = s.budget > used ? s.budget - used : 0;
	q->amount_fen = q->computed_fen < q->cap_left_fen ? q->computed_fen : q->cap_left_fen;
	char cap[40], left[40];
	fin_yuan(s.cap, cap, sizeof(cap));
	fin_yuan(q->amount_fen, left, sizeof(left));
	snprintf(q->basis, sizeof(q->basis), "%s；每户每年上限¥%s%s：核定¥%s", rule, cap,
		 q->amount_fen < q->computed_fen ? "（已按上限核减）" : "", left);
	cJSON_Delete(s.params);
	return 0;
}

int fin_grant_quote_json(db *d, const struct fin_ctx *c, const cJSON *body, yc_buf *out,
			 yc_err *err)
{
	static const yc_jfield spec[] = {{"item", YC_JT_STRING, true, 23},
					 {"form", YC_JT_OBJECT, true, 0}};
	int rc = yc_json_check(body, spec, 2, err);
	struct fin_quote q;
	if (!rc)
		rc = fin_grant_quote(d, c, yc_json_str(body, "item"),
				     cJSON_GetObjectItemCaseSensitive(body, "form"), &q, err);
	if (rc)
		return rc;
	yc_buf_addf(out,
		    "{\"year\":%d,\"computed_fen\":%lld,\"amount_fen\":%lld,\"cap_left_fen\":%lld,"
		    "\"budget_left_fen\":%lld,\"basis\":",
		    q.year, (long long)q.computed_fen, (long long)q.amount_fen,
		    (long long)q.cap_left_fen, (long long)q.budget_left_fen);
	yc_json_add_str(out, q.basis);
	return yc_buf_adds(out, "}") ? YC_ENOMEM : 0;
}

int fin_grant_form_rules(db *d, const struct fin_ctx *c, const char *item, const cJSON *form,
			 yc_err *err)
{
	struct fin_quote q;
	int rc = fin_grant_quote(d, c, item, form, &q, err);
	if (rc)
		return rc;
	if (!q.amount_fen)
		return yc_err_set(err, YC_EINVAL, "form.credit_code",
				  "the firm has had this year's cap of the scheme");
	if (q.amount_fen > q.budget_left_fen)
		return yc_err_set(err, YC_EINVAL, "item", "the scheme's budget for %d is spent",
				  q.year);
	return 0;
}

int fin_grant_open(db *d, const struct fin_ctx *c, const char *no, const char *item,
		   const cJSON *form, int64_t applicant, yc_err *err)
{
	struct fin_quote q;
	int rc = fin_grant_quote(d, c, item, form, &q, err);
	if (rc)
		return rc == YC_EINVAL
			       ? yc_err_set(err, YC_ECONFLICT, err->field, "%s", err->message)
			       : rc;
	if (!q.amount_fen || q.amount_fen > q.budget_left_fen)
		return yc_err_set(err, YC_ECONFLICT, "item",
				  !q.amount_fen ? "the firm has had this year's cap of the scheme"
						: "the scheme's budget for the year is spent");
	int64_t now = fin_now(c);
	return db_run(
		d, err,
		"INSERT INTO fin_grants (case_no, item, year, credit_code, firm, applicant_user,"
		" computed_fen, amount_fen, basis, state, approved_ms, updated_ms) VALUES"
		" (?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?, 'approved', ?, ?)",
		"ssissiiisii", no, item, (int64_t)q.year, yc_json_str(form, "credit_code"),
		yc_json_str(form, "firm_name") ? yc_json_str(form, "firm_name") : "", applicant,
		q.computed_fen, q.amount_fen, q.basis, now, now);
}

/* ---- paying ---------------------------------------------------------------------------------- */

int fin_grant_pay_check(const cJSON *body, yc_err *err)
{
	static const yc_jfield spec[] = {{"on", YC_JT_STRING, true, 10},
					 {"voucher", YC_JT_STRING, true, 64}};
	int rc = yc_json_check(body, spec, 2, err);
	int32_t day;
	if (!rc && yc_date_parse(yc_json_str(body, "on"), &day))
		rc = yc_err_set(err, YC_EINVAL, "on", "on is a date YYYY-MM-DD");
	if (!rc && !yc_json_str(body, "voucher")[0])
		rc = yc_err_set(err, YC_EINVAL, "voucher", "the payment's voucher number");
	return rc;
}

/* Whether u runs the scheme of department dept (its approvers) or oversees (admin). */
static bool grant_officer(const yc_user *u, const char *dept)
{
	return u->role == ROLE_ADMIN || (u->role == ROLE_APPROVER && !strcmp(u->department, dept));
}

int fin_grant_pay(db *d, const struct fin_ctx *c, const yc_user *u, const char *no,
		  const cJSON *body, yc_buf *out, yc_err *err)
{
	char state[16] = "", code[24] = "", dept[16] = "";
	int64_t amount = 0, approved_ms = 0;
	int rc = db_get(
		d, err,
		"SELECT g.state, g.credit_code, g.amount_fen, g.approved_ms, i.department FROM"
		" fin_grants g JOIN items i ON i.code = g.item WHERE g.case_no = ?",
		"s", "ttiit", no, state, sizeof(state), code, sizeof(code), &amount, &approved_ms,
		dept, sizeof(dept));
	if (rc < 0)
		return rc;
	bool sees = rc == DB_ROW && (grant_officer(u, dept) || u->role == ROLE_SUPERVISOR);
	if (!sees)
		return yc_err_set(err, YC_ENOTFOUND, "no", "no grant %s", no);
	if (!grant_officer(u, dept))
		return yc_err_set(err, YC_EFORBIDDEN, NULL, "the scheme's department pays");
	if (strcmp(state, "approved"))
		return yc_err_conflict(err, NULL, state, "a %s grant cannot be paid", state);
	int32_t day;
	yc_date_parse(yc_json_str(body, "on"), &day);
	if (day > fin_day(c, fin_now(c)) || day < fin_day(c, approved_ms))
		return yc_err_set(err, YC_EINVAL, "on", "on is between the approval and today");
	char on[12], memo[120];
	yc_date_format(day, on, sizeof(on));
	snprintf(memo, sizeof(memo), "惠企资金兑付 %s（凭证 %s）", no,
		 yc_json_str(body, "voucher"));
	struct fin_line lines[] = {{FIN_SUBSIDY, code, amount}, {FIN_BUDGET, "", -amount}};
	if ((rc = fin_post(d, c, u->username, "grant", NULL, on, memo, lines, 2, err)) ||
	    (rc = db_run(d, err,
			 "UPDATE fin_grants SET state = 'paid', paid_on = ?, voucher = ?,"
			 " updated_ms = ? WHERE case_no = ?",
			 "ssis", on, yc_json_str(body, "voucher"), fin_now(c), no)))
		return rc;
	yc_actor a = {u->username, account_role_name(u->role)};
	char change[64];
	snprintf(change, sizeof(change), "{\"amount_fen\":%lld}", (long long)amount);
	if ((rc = audit_append(d, &a, "finance.grant.pay", no, NULL, "approved", change, err)))
		return rc;
	yc_buf_addf(out,
		    "{\"no\":\"%s\",\"state\":\"paid\",\"paid_on\":\"%s\",\"amount_fen\":%lld}", no,
		    on, (long long)amount);
	return 0;
}

/* ---- views -------------------------------------------------------------------------------------
 */

int fin_schemes_json(db *d, const struct fin_ctx *c, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(
		d,
		"SELECT s.item, s.name, s.kind, s.params, s.cap_fen, s.budget_fen, i.department,"
		" (SELECT COUNT(DISTINCT g.credit_code) FROM fin_grants g WHERE g.item = s.item AND"
		" g.year = ?) AS firms,"
		" (SELECT COUNT(*) FROM fin_grants g WHERE g.item = s.item AND g.year = ?) AS "
		"grants,"
		" (SELECT COALESCE(SUM(g.amount_fen), 0) FROM fin_grants g WHERE g.item = s.item "
		"AND"
		" g.year = ?) AS approved_fen,"
		" (SELECT COALESCE(SUM(g.amount_fen), 0) FROM fin_grants g WHERE g.item = s.item "
		"AND"
		" g.year = ? AND g.state = 'paid') AS paid_fen"
		" FROM fin_grant_schemes s JOIN items i ON i.code = s.item ORDER BY s.item",
		err);
	if (!st)
		return db_failed(err);
	int64_t y = year_of(c);
	for (int i = 1; i <= 4; i++)
		db_bind_int(st, i, y);
	yc_buf_addf(out, "{\"year\":%lld,\"schemes\":", (long long)y);
	int rc = db_rows_json(st, "sssjiisiiii", out, err);
	return rc ? rc : yc_buf_adds(out, "}") ? YC_ENOMEM : 0;
}

int fin_grants_json(db *d, const struct fin_ctx *c, const yc_user *u, const struct fin_query *q,
		    yc_buf *out, yc_err *err)
{
	(void)c;
	bool all = u->role == ROLE_ADMIN || u->role == ROLE_SUPERVISOR;
	bool dept = u->role == ROLE_APPROVER, own = u->role == ROLE_APPLICANT;
	if (!all && !dept && !own)
		return yc_buf_adds(out, "{\"grants\":[]}") ? YC_ENOMEM : 0;
	db_stmt *st = db_prepare(
		d,
		"SELECT g.case_no AS no, g.item, s.name AS scheme, i.department, g.year,"
		" g.credit_code, g.firm, g.computed_fen, g.amount_fen, g.basis, g.state, g.paid_on,"
		" g.voucher FROM fin_grants g JOIN fin_grant_schemes s ON s.item = g.item JOIN "
		"items"
		" i ON i.code = g.item WHERE (? = 1 OR (? = 1 AND i.department = ?) OR (? = 1 AND"
		" g.applicant_user = ?)) AND (? = '' OR g.state = ?) AND (? = '' OR g.item = ?)"
		" AND (? = '' OR g.credit_code = ?) ORDER BY CASE g.state WHEN 'approved' THEN 0"
		" ELSE 1 END, g.approved_ms DESC LIMIT ?",
		err);
	if (!st)
		return db_failed(err);
	const char *state = q->state ? q->state : "", *item = q->item ? q->item : "";
	const char *code = q->credit_code ? q->credit_code : "";
	db_bind_int(st, 1, all);
	db_bind_int(st, 2, dept);
	db_bind_text(st, 3, u->department);
	db_bind_int(st, 4, own);
	db_bind_int(st, 5, u->id);
	db_bind_text(st, 6, state);
	db_bind_text(st, 7, state);
	db_bind_text(st, 8, item);
	db_bind_text(st, 9, item);
	db_bind_text(st, 10, code);
	db_bind_text(st, 11, code);
	db_bind_int(st, 12, q->limit > 0 ? q->limit : 200);
	yc_buf_adds(out, "{\"grants\":");
	int rc = db_rows_json(st, "ssssissiissss", out, err);
	return rc ? rc : yc_buf_adds(out, "}") ? YC_ENOMEM : 0;
}
