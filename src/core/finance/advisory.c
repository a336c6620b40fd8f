/*
 * advisory.c — 金融辅导队 and the 信财银保 platform.
 *
 * Advisory teams (each a bank's people with the bureau's) are paired with firms, one team
 * a firm; a visit records what it did and the financing it helped arrange. The platform's
 * records are the firms that registered on the city's finance platform and the loans banks
 * granted through it. The fund's department records all of it; a bank seat records its own
 * bank's team visits and platform loans. Figures are sums of these rows.
 */
#include "core/finance/internal.h"

#include <stdio.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/common/ids.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

int fin_advisory_teams_load(db *d, const char *json, yc_err *err)
{
	cJSON *doc = NULL;
	int rc = yc_json_parse(json, strlen(json), &doc, err);
	static const yc_jfield spec[] = {
		{"code", YC_JT_STRING, true, 7},
		{"name", YC_JT_STRING, true, 60},
		{"bank", YC_JT_STRING, true, 60},
		{"members", YC_JT_ARRAY, true, 20},
	};
	if (!rc)
		rc = yc_json_check_each(doc, "teams", spec, 4, err);
	const cJSON *t, *list = rc ? NULL : cJSON_GetObjectItemCaseSensitive(doc, "teams");
	cJSON_ArrayForEach (t, list) {
		char *members =
			cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(t, "members"));
		rc = db_run(d, err,
			    "INSERT INTO fin_advisory_teams (code, name, bank, members) VALUES (?, "
			    "?, ?, ?)"
			    " ON CONFLICT (code) DO UPDATE SET name = excluded.name, bank = "
			    "excluded.bank,"
			    " members = excluded.members",
			    "ssss", yc_json_str(t, "code"), yc_json_str(t, "name"),
			    yc_json_str(t, "bank"), members);
		cJSON_free(members);
		if (rc)
			break;
	}
	cJSON_Delete(doc);
	return rc;
}

/* The checks every record shares: a valid code, a day up to today. */
static int common(const struct fin_ctx *c, const cJSON *body, char on[12], yc_err *err)
{
	const char *code = yc_json_str(body, "credit_code");
	if (!code || !ids_uscc_valid(code))
		return yc_err_set(err, YC_EINVAL, "credit_code",
				  "credit_code is not a valid unified social credit code");
	int32_t day;
	if (yc_date_parse(yc_json_str(body, "on"), &day))
		return yc_err_set(err, YC_EINVAL, "on", "on is a date YYYY-MM-DD");
	if (day > fin_day(c, fin_now(c)))
		return yc_err_set(err, YC_EINVAL, "on", "on is today or earlier");
	yc_date_format(day, on, 12);
	return 0;
}

int fin_advisory_record_check(const char *what, const cJSON *body, yc_err *err)
{
	static const yc_jfield pair[] = {{"team", YC_JT_STRING, true, 7},
					 {"credit_code", YC_JT_STRING, true, 18},
					 {"firm", YC_JT_STRING, true, 200},
					 {"on", YC_JT_STRING, true, 10}};
	static const yc_jfield visit[] = {
		{"team", YC_JT_STRING, true, 7},
		{"credit_code", YC_JT_STRING, true, 18},
		{"on", YC_JT_STRING, true, 10},
		{"note", YC_JT_STRING, true, 1000},
		{"financing", YC_JT_NUMBER, false, 0, .min = 0, .max = 1e6}};
	static const char *const kinds[] = {"registered", "loan", NULL};
	static const yc_jfield platform[] = {
		{"kind", YC_JT_STRING, true, 16, .one_of = kinds},
		{"credit_code", YC_JT_STRING, true, 18},
		{"firm", YC_JT_STRING, true, 200},
		{"bank", YC_JT_STRING, false, 60},
		{"amount", YC_JT_NUMBER, false, 0, .min = 0, .max = 1e6},
		{"on", YC_JT_STRING, true, 10}};
	int rc = !strcmp(what, "pairs")	   ? yc_json_check(body, pair, 4, err)
		 : !strcmp(what, "visits") ? yc_json_check(body, visit, 5, err)
					   : yc_json_check(body, platform, 6, err);
	if (!rc && !strcmp(what, "visits") && !yc_json_str(body, "note")[0])
		rc = yc_err_set(err, YC_EINVAL, "note", "say what the visit did");
	if (!rc && !strcmp(what, "platform") && !strcmp(yc_json_str(body, "kind"), "loan")) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(body, "amount");
		if (!yc_json_str(body, "bank") || !yc_json_str(body, "bank")[0])
			rc = yc_err_set(err, YC_EINVAL, "bank", "a loan names its bank");
		else if (!a || fin_wan_to_fen(a->valuedouble) <= 0)
			rc = yc_err_set(err, YC_EINVAL, "amount", "a loan's amount in 万元");
	}
	return rc;
}

/* The fund's department and the admin record everything; a bank seat its own bank's. */
static int may_record(db *d, const struct fin_ctx *c, const yc_user *u, const char *bank,
		      yc_err *err)
{
	if (u->role == ROLE_ADMIN ||
	    (u->role == ROLE_APPROVER && !strcmp(u->department, c->department)))
		return 0;
	char mine[64];
	fin_bank_of(d, u, mine, sizeof(mine));
	if (bank && mine[0] && !strcmp(mine, bank))
		return 0;
	return yc_err_set(err, YC_EFORBIDDEN, NULL,
			  "the fund's department records this, or the bank for its own");
}

int fin_advisory_record(db *d, const struct fin_ctx *c, const yc_user *u, const char *what,
			const cJSON *body, yc_buf *out, yc_err *err)
{
	char on[12], bank[64] = "";
	int rc = common(c, body, on, err);
	if (rc)
		return rc;
	const char *code = yc_json_str(body, "credit_code");
	int64_t now = fin_now(c);
	if (!strcmp(what, "platform")) {
		const char *b = yc_json_str(body, "bank");
		if ((rc = may_record(d, c, u, b && b[0] ? b : NULL, err)))
			return rc;
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(body, "amount");
		int64_t fen = a ? fin_wan_to_fen(a->valuedouble) : 0;
		rc = db_run(
			d, err,
			"INSERT INTO fin_platform_loans (credit_code, firm, kind, bank, amount_fen,"
			" on_day, actor, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			"ssssissi", code, yc_json_str(body, "firm"), yc_json_str(body, "kind"),
			b ? b : "", fen > 0 ? fen : (int64_t)0, on, u->username, now);
	} else {
		const char *team = yc_json_str(body, "team");
		int g = db_get(d, err, "SELECT bank FROM fin_advisory_teams WHERE code = ?", "s",
			       "t", team, bank, sizeof(bank));
		if (g < 0)
			return g;
		if (g == DB_DONE)
			return yc_err_set(err, YC_EINVAL, "team", "no advisory team %s", team);
		if ((rc = may_record(d, c, u, strcmp(what, "visits") ? NULL : bank, err)))
			return rc;
		if (!strcmp(what, "pairs")) {
			rc = db_run(d, err,
				    "INSERT INTO fin_advisory_firms (credit_code, team, firm, "
				    "paired_on)"
				    " VALUES (?, ?, ?, ?) ON CONFLICT (credit_code) DO UPDATE SET"
				    " team = excluded.team, firm = excluded.firm",
				    "ssss", code, team, yc_json_str(body, "firm"), on);
		} else {
			char paired[8] = "";
			if ((g = db_get(d, err,
					"SELECT team FROM fin_advisory_firms WHERE credit_code = ?",
					"s", "t", code, paired, sizeof(paired))) < 0)
				return g;
			if (strcmp(paired, team))
				return yc_err_set(err, YC_EINVAL, "credit_code",
						  "the firm is not paired with team %s", team);
			const cJSON *f = cJSON_GetObjectItemCaseSensitive(body, "financing");
			int64_t fen = f && f->valuedouble > 0 ? fin_wan_to_fen(f->valuedouble) : 0;
			if (f && f->valuedouble > 0 && fen <= 0)
				return yc_err_set(err, YC_EINVAL, "financing",
						  "financing is whole yuan in 万元");
			rc = db_run(
				d, err,
				"INSERT INTO fin_advisory_visits (team, credit_code, on_day, note,"
				" financing_fen, actor, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
				"ssssisi", team, code, on, yc_json_str(body, "note"), fen,
				u->username, now);
		}
	}
	char act[40];
	snprintf(act, sizeof(act), "finance.%s", what);
	yc_actor ac = {u->username, account_role_name(u->role)};
	if (!rc)
		rc = audit_append(d, &ac, act, code, NULL, NULL, NULL, err);
	return rc ? rc : fin_advisory_json(d, c, out, err);
}

int fin_advisory_json(db *d, const struct fin_ctx *c, yc_buf *out, yc_err *err)
{
	(void)c;
	db_stmt *st = db_prepare(
		d,
		"SELECT t.code, t.name, t.bank, t.members,"
		" (SELECT COUNT(*) FROM fin_advisory_firms f WHERE f.team = t.code) AS firms,"
		" (SELECT COUNT(*) FROM fin_advisory_visits v WHERE v.team = t.code) AS visits,"
		" (SELECT COALESCE(SUM(v.financing_fen), 0) FROM fin_advisory_visits v WHERE"
		" v.team = t.code) AS financing_fen FROM fin_advisory_teams t ORDER BY t.code",
		err);
	if (!st)
		return db_failed(err);
	yc_buf_adds(out, "{\"teams\":");
	int rc = db_rows_json(st, "sssjiii", out, err);
	int64_t firms = 0, loans = 0, fen = 0;
	if (!rc &&
	    (rc = db_get(d, err,
			 "SELECT (SELECT COUNT(DISTINCT credit_code) FROM fin_platform_loans WHERE"
			 " kind = 'registered'), (SELECT COUNT(*) FROM fin_platform_loans WHERE"
			 " kind = 'loan'), (SELECT COALESCE(SUM(amount_fen), 0) FROM"
			 " fin_platform_loans WHERE kind = 'loan')",
			 "", "iii", &firms, &loans, &fen)) > 0)
		rc = 0;
	if (rc)
		return rc;
	return yc_buf_addf(out, ",\"platform\":{\"firms\":%lld,\"loans\":%lld,\"loan_fen\":%lld}}",
			   (long long)firms, (long long)loans, (long long)fen)
		       ? YC_ENOMEM
		       : 0;
}
