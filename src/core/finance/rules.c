/*
 * rules.c — the bridge-loan fund's rules: what an application may ask
 * (amount, days, the bank's loan it bridges, the firm's money outstanding
 * against the per-firm limit), the fee, and who may do what.
 *
 * The fee is simple interest on the amount per day of use, both ends counted:
 * fee-rate per day up to the due day, overdue-rate per day past it
 * (1/100000 of the amount per day: the default 10 is 0.01% a day), rounded
 * to the fen, half up.
 */
#include "core/finance/internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/case/case.h"
#include "core/common/ids.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

int64_t fin_now(const struct fin_ctx *c)
{
	if (c->now_ms)
		return c->now_ms;
	if (c->cases && c->cases->now_ms)
		return c->cases->now_ms;
	return yc_now_ms();
}

int32_t fin_day(const struct fin_ctx *c, int64_t ms)
{
	int64_t local = ms / 60000 + (c->cases ? c->cases->tz_offset_min : 480);
	return (int32_t)(local >= 0 ? local / 1440 : (local - 1439) / 1440);
}

bool fin_officer(const struct fin_ctx *c, const yc_user *u)
{
	if (u->role == ROLE_ADMIN || u->role == ROLE_SUPERVISOR)
		return true;
	return u->role == ROLE_APPROVER && !strcmp(u->department, c->department);
}

void fin_bank_of(db *d, const yc_user *u, char *bank, size_t size)
{
	bank[0] = '\0';
	if (u->role != ROLE_BANK || !u->outlet[0])
		return;
	yc_err err;
	if (db_get(d, &err, "SELECT bank FROM outlets WHERE code = ?", "s", "t", u->outlet, bank,
		   size) < 0)
		bank[0] = '\0';
}

int fin_outstanding(db *d, const char *credit_code, int64_t *fen, yc_err *err)
{
	*fen = 0;
	int rc = db_get(d, err,
			"SELECT COALESCE(SUM(amount_fen), 0) FROM fin_loans WHERE credit_code = ?"
			" AND state IN ('approved', 'disbursed', 'renewed', 'overdue')",
			"s", "i", credit_code, fen);
	return rc < 0 ? rc : 0;
}

void fin_yuan(int64_t fen, char *out, size_t size)
{
	char digits[32];
	int64_t y = (fen < 0 ? -fen : fen) / 100;
	snprintf(digits, sizeof(digits), "%lld", (long long)y);
	size_t n = strlen(digits), o = 0;
	char buf[48];
	if (fen < 0)
		buf[o++] = '-';
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	snprintf(out, size, "%s.%02lld", buf, (long long)((fen < 0 ? -fen : fen) % 100));
}

int64_t fin_wan_to_fen(double wan)
{
	/* 万元 with four decimals at most: a whole number of yuan, up to 100亿 (where a
	 * double still holds a thousandth of a yuan exactly enough to tell) */
	if (!isfinite(wan) || wan <= 0 || wan > 1e6)
		return -1;
	double yuan = wan * 10000.0, whole = round(yuan);
	if (fabs(yuan - whole) > 1e-3)
		return -1;
	return (int64_t)whole * 100;
}

int64_t fin_fee(int64_t amount_fen, int32_t from, int32_t to, int32_t due, int fee_rate,
		int overdue_rate)
{
	if (to < from)
		to = from;
	int64_t in_time = (to <= due ? to : due) - from + 1, late = to > due ? to - due : 0;
	if (in_time < 0)
		in_time = 0;
	/* amount × rate × days / 100000, half up; in 128 bits as amounts × days can be large */
	__int128 units = (__int128)amount_fen *
			 ((__int128)fee_rate * in_time + (__int128)overdue_rate * late);
	return (int64_t)((units + 50000) / 100000);
}

static int form_money(const cJSON *form, const char *name, int64_t *fen, yc_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(form, name);
	*fen = cJSON_IsNumber(v) ? fin_wan_to_fen(v->valuedouble) : -1;
	if (*fen <= 0)
		return yc_err_set(err, YC_EINVAL,
				  name[0] == 'l' ? "form.loan_amount" : "form.amount",
				  "form.%s must be a positive amount in 万元 (whole yuan)", name);
	return 0;
}

int fin_form_rules(db *d, void *arg, const char *item, const cJSON *form, yc_err *err)
{
	const struct fin_ctx *c = arg;
	if (c && strcmp(item, c->item) && fin_has_scheme_recent(d, item))
		return fin_grant_form_rules(d, c, item, form, err);
	if (!c || strcmp(item, c->item))
		return 0;
	const char *code = yc_json_str(form, "credit_code");
	if (!code || !ids_uscc_valid(code))
		return yc_err_set(err, YC_EINVAL, "form.credit_code",
				  "form.credit_code is not a valid unified social credit code");
	int64_t amount, loan;
	int rc = form_money(form, "amount", &amount, err);
	if (!rc)
		rc = form_money(form, "loan_amount", &loan, err);
	if (rc)
		return rc;
	char a[40], b[40];
	if (amount > loan)
		return yc_err_set(err, YC_EINVAL, "form.amount",
				  "form.amount is more than the maturing loan");
	if (amount > c->limit_fen) {
		fin_yuan(c->limit_fen, a, sizeof(a));
		return yc_err_set(err, YC_EINVAL, "form.amount",
				  "form.amount is more than a firm may have (¥%s)", a);
	}
	const cJSON *days = cJSON_GetObjectItemCaseSensitive(form, "days");
	if (!cJSON_IsNumber(days) || days->valuedouble != (double)(int)days->valuedouble ||
	    days->valueint < 1 || days->valueint > c->max_days)
		return yc_err_set(err, YC_EINVAL, "form.days",
				  "form.days is a whole number of days from 1 to %d", c->max_days);
	int32_t due;
	if (yc_date_parse(yc_json_str(form, "loan_due"), &due))
		return yc_err_set(err, YC_EINVAL, "form.loan_due", "form.loan_due is a date");
	if (due < fin_day(c, fin_now(c)))
		return yc_err_set(err, YC_EINVAL, "form.loan_due",
				  "the loan has matured already: the fund bridges a loan before "
				  "it is due");
	int64_t out;
	if ((rc = fin_outstanding(d, code, &out, err)))
		return rc;
	if (out + amount > c->limit_fen) {
		fin_yuan(out, a, sizeof(a));
		fin_yuan(c->limit_fen, b, sizeof(b));
		return yc_err_set(err, YC_EINVAL, "form.amount",
				  "the firm has ¥%s of bridge money out or approved: with this it "
				  "would pass its limit of ¥%s",
				  a, b);
	}
	return 0;
}
