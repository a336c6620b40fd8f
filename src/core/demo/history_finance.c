/*
 * history_finance.c — the emergency bridge-loan fund's year in the demo
 * (the seed: 4 firms, 41.5 million yuan of bridge money).
 *
 * The evening before the history, the treasury pays 50 million yuan into
 * the fund. The four firms apply online on days spread over the span; the
 * case engine takes each application through acceptance and approval as
 * any case (its approval opens the loan). The next working day the fund
 * disburses; three days later the firm's bank confirms the renewal of its
 * loan; the day after, the firm repays with its fee. One firm repays two
 * days past its due day and pays the overdue rate for them. Everything goes
 * through core/finance's own calls, as the fund's pages would make them.
 */
#include "history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/ids.h"
#include "core/finance/finance.h"
#include "core/ipmed/ipmed.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

#define BRIDGE_ITEM "371091051005035000"

static const struct {
	const char *name, *bank;
	int wan, days, loan_wan;
	bool late; /* repays two days past its due day */
} firms[] = {
	{"腾森橡胶轮胎(威海)有限公司", "中国工商银行", 1500, 10, 3000, false},
	{"威海煜丰服装有限公司", "威海市商业银行", 650, 7, 800, false},
	{"威海经区海盛精密机械有限公司", "中国建设银行", 1200, 10, 1500, true},
	{"威海经区蓝海食品有限公司", "威海农商银行", 800, 7, 1000, false},
};
enum { NFIRMS = sizeof(firms) / sizeof(firms[0]) };

/* The banks in the order of the outlets B01…B06, whose seats are bank-1…bank-6. */
static const char *const banks[] = {"中国工商银行", "中国建设银行",   "中国农业银行",
				    "中国银行",	    "威海市商业银行", "威海农商银行"};

/*
 * 惠企资金 (the seed: 24 firms ¥5.36 million of 科技支行 subsidies, 54 firms ¥1.368 million of
 * IP awards): 20 interest subsidies on loans of 720…1,670万 at 4.35% for the year before,
 * 4 premium subsidies, 54 IP awards whose counts cycle so that the rule's amounts sum to
 * the seed's within 0.2%; applications spread over the span, paid three days after approval.
 */
#define INTEREST_ITEM "371091051005036000"
#define PREMIUM_ITEM  "371091051005037000"
#define IP_ITEM	      "371091051005038000"
enum { NINTEREST = 20, NPREMIUM = 4, NIP = 54, NGRANTS = NINTEREST + NPREMIUM + NIP };

/*
 * 金融辅导队 (the seed: 7 teams paired with 97 firms, ¥600 million of financing arranged) and
 * the 信财银保 platform (174 firms registered, 118 loans, ¥780 million): the pairs the evening
 * before, 150 visits over the span (one in three arranging financing, 50 × 1,200万), the
 * registrations and loans spread over it (118 loans of about 661万, summing to 78,000万).
 */
enum { NPAIRED = 97, NVISITS = 150, NREGISTERED = 174, NPLATFORM_LOANS = 118 };

/* 专利权质押登记 (the seed: 4 completed, ¥20.59 million): applied for as cases, 2,059万 in all. */
#define PLEDGE_ITEM "371091051005039000"
static const int pledge_wan[] = {520, 610, 480, 449};
enum { NPLEDGES = sizeof(pledge_wan) / sizeof(pledge_wan[0]) };

struct hist_fin {
	int32_t apply_day[NFIRMS];
	bool applied[NFIRMS];
	char code[NFIRMS][20];
	int32_t grant_day[NGRANTS];
	bool granted[NGRANTS];
	int32_t pledge_day[NPLEDGES];
	bool pledged[NPLEDGES];
	int visits, registered, loans; /* advisory visits and platform records made so far */
	int disputes;		       /* IP disputes received so far */
	int32_t first, last;
};

static int advisory_setup(struct hist *h, int32_t first);

void hist_finance_free(struct hist *h)
{
	free(h->fin);
	h->fin = NULL;
}

static int fund_user(struct hist *h, const yc_user **u)
{
	char name[40];
	snprintf(name, sizeof(name), "approver-%s", h->fc->department);
	return hist_staff_user(h, name, u);
}

int hist_finance_setup(struct hist *h, int32_t first, int32_t last)
{
	if (!h->fc)
		return 0;
	if (!(h->fin = calloc(1, sizeof(*h->fin))))
		return yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
	for (int i = 0; i < NFIRMS; i++) {
		/* spread over the span: a tenth in, then every 28%: the last still out near the end
		 */
		h->fin->apply_day[i] = first + (int32_t)((last - first) * (10 + 28 * i) / 100);
		/* 91 3710 00 MA3 + six digits: a legal person's code of the district, checked */
		char first17[18];
		snprintf(first17, sizeof(first17), "91371000MA3%06d", 104729 * (i + 3) % 1000000);
		snprintf(h->fin->code[i], sizeof(h->fin->code[i]), "%s%c", first17,
			 ids_uscc_check(first17));
	}
	h->fin->first = first;
	h->fin->last = last;
	for (int k = 0; k < NPLEDGES; k++)
		h->fin->pledge_day[k] =
			first + (int32_t)((int64_t)(last - first) * (2 * k + 1) / (2 * NPLEDGES));
	for (int k = 0; k < NGRANTS; k++)
		h->fin->grant_day[k] =
			first + (int32_t)((int64_t)(last - first) * (k + 1) / (NGRANTS + 2));
	const yc_user *u;
	int rc = fund_user(h, &u);
	if (rc)
		return rc;
	char on[12];
	yc_date_format(first - 1, on, sizeof(on));
	cJSON *body = cJSON_CreateObject();
	cJSON_AddNumberToObject(body, "amount", 5000);
	cJSON_AddStringToObject(body, "on", on);
	cJSON_AddStringToObject(body, "memo", "区财政注入企业应急转贷专项资金");
	yc_buf out;
	yc_buf_init(&out, 0);
	rc = fin_capital_check(body, h->err);
	if (!rc)
		rc = fin_capital_add(h->d, h->fc, u, body, &out, h->err);
	yc_buf_release(&out);
	cJSON_Delete(body);
	return rc ? rc : advisory_setup(h, first);
}

static int apply(struct hist *h, int i, int32_t day)
{
	/* the firms' own accounts among the demo's businesses */
	int person = 2 + HIST_PERSONS + 7 * i;
	char due[12];
	yc_date_format(day + 12, due, sizeof(due));
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "credit_code", h->fin->code[i]);
	cJSON_AddStringToObject(f, "firm_name", firms[i].name);
	cJSON_AddStringToObject(f, "bank", firms[i].bank);
	cJSON_AddNumberToObject(f, "loan_amount", firms[i].loan_wan);
	cJSON_AddStringToObject(f, "loan_due", due);
	cJSON_AddNumberToObject(f, "amount", firms[i].wan);
	cJSON_AddNumberToObject(f, "days", firms[i].days);
	cJSON_AddStringToObject(f, "contact_phone", h->people[person].phone);
	cJSON_AddStringToObject(f, "note", "银行贷款即将到期，申请过桥资金还贷续贷");
	/* filed online early the next morning (the day's own events have all run) */
	return hist_case_planned(h, hist_ms(h, day + 1, 8 * 60 + 5 * i), BRIDGE_ITEM, person, f);
}

static int act(struct hist *h, const yc_user *u, const char *no, const char *action, cJSON *body)
{
	yc_buf out;
	yc_buf_init(&out, 0);
	int rc = fin_loan_act_check(action, body, h->err);
	if (!rc)
		rc = fin_loan_act(h->d, h->fc, u, no, action, body, &out, h->err);
	if (rc)
		yc_err_prefix(rc, h->err, "demo history, bridge loan %s, %s", no, action);
	yc_buf_release(&out);
	cJSON_Delete(body);
	return rc;
}

static cJSON *on_body(const char *on)
{
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "on", on);
	return b;
}

/* Which of the planned firms a loan is (by its credit code); -1 for none. */
static int firm_of(const struct hist *h, const char *code)
{
	for (int i = 0; i < NFIRMS; i++)
		if (!strcmp(h->fin->code[i], code))
			return i;
	return -1;
}

static int bank_user(struct hist *h, const char *bank, const yc_user **u)
{
	char name[16] = "bank-1";
	for (int i = 0; i < 6; i++)
		if (!strcmp(banks[i], bank))
			snprintf(name, sizeof(name), "bank-%d", i + 1);
	return hist_staff_user(h, name, u);
}

/* The fund's and the banks' steps on the loans that are open, on a working day. */
static int loans_step(struct hist *h, int32_t day)
{
	db_stmt *st =
		db_prepare(h->d,
			   "SELECT case_no, credit_code, bank, state, COALESCE(disbursed_on, ''),"
			   " COALESCE(due_on, ''), COALESCE(renewed_on, '') FROM fin_loans"
			   " WHERE state IN ('approved', 'disbursed', 'renewed', 'overdue')"
			   " ORDER BY case_no",
			   h->err);
	if (!st)
		return db_failed(h->err);
	struct {
		char no[32], code[20], bank[64], state[16], out[12], due[12], renewed[12];
	} l[NFIRMS * 2];
	int n = 0, rc;
	while (n < NFIRMS * 2 && (rc = db_step(st, h->err)) == DB_ROW) {
		db_col_copy(st, 0, l[n].no, sizeof(l[n].no));
		db_col_copy(st, 1, l[n].code, sizeof(l[n].code));
		db_col_copy(st, 2, l[n].bank, sizeof(l[n].bank));
		db_col_copy(st, 3, l[n].state, sizeof(l[n].state));
		db_col_copy(st, 4, l[n].out, sizeof(l[n].out));
		db_col_copy(st, 5, l[n].due, sizeof(l[n].due));
		db_col_copy(st, 6, l[n].renewed, sizeof(l[n].renewed));
		n++;
	}
	db_done(st);
	char today[12];
	yc_date_format(day, today, sizeof(today));
	const yc_user *fund;
	if ((rc = fund_user(h, &fund)))
		return rc;
	for (int i = 0; !rc && i < n; i++) {
		int k = firm_of(h, l[i].code);
		int32_t out = 0, due = 0, renewed = 0;
		yc_date_parse(l[i].out, &out);
		yc_date_parse(l[i].due, &due);
		yc_date_parse(l[i].renewed, &renewed);
		hist_at(h, hist_ms(h, day, 16 * 60 + 30 + i));
		if (!strcmp(l[i].state, "approved")) {
			rc = act(h, fund, l[i].no, "disburse", on_body(today));
		} else if (!l[i].renewed[0] && day >= out + 3) {
			const yc_user *b;
			char contract[40];
			snprintf(contract, sizeof(contract), "续贷%s-%d", today, i + 1);
			cJSON *body = on_body(today);
			cJSON_AddStringToObject(body, "contract_no", contract);
			cJSON_AddNumberToObject(body, "amount", k >= 0 ? firms[k].loan_wan : 1000);
			if (!(rc = bank_user(h, l[i].bank, &b)))
				rc = act(h, b, l[i].no, "confirm-renewal", body);
			else
				cJSON_Delete(body);
		} else if (l[i].renewed[0] && day > renewed &&
			   (k < 0 || !firms[k].late || day >= due + 2)) {
			rc = act(h, fund, l[i].no, "repay", on_body(today));
		}
	}
	return rc;
}

/* Grant k's application: its scheme's form, filled by the k-th firm. */
static int apply_grant(struct hist *h, int k, int32_t day)
{
	int person = 2 + HIST_PERSONS + (k * 3) % HIST_FIRMS;
	char first17[18], code[20], name[120], from[12], to[12];
	snprintf(first17, sizeof(first17), "91371000MA3G%05d", 7919 * (k + 1) % 100000);
	snprintf(code, sizeof(code), "%s%c", first17, ids_uscc_check(first17));
	if (k == 0)
		snprintf(name, sizeof(name), "迪沙药业集团有限公司");
	else if (k == 1)
		snprintf(name, sizeof(name), "腾森橡胶轮胎(威海)有限公司");
	else
		snprintf(name, sizeof(name), "威海经区%s%s有限公司", hist_firm_words[k % 18],
			 hist_firm_trades[(k / 18 + k) % 12]);
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "credit_code", code);
	cJSON_AddStringToObject(f, "firm_name", name);
	const char *item;
	if (k < NINTEREST) {
		item = INTEREST_ITEM;
		yc_date_format(day - 365, from, sizeof(from));
		yc_date_format(day - 1, to, sizeof(to));
		cJSON_AddStringToObject(f, "bank", banks[k % 6]);
		cJSON_AddNumberToObject(f, "loan_amount", 720 + 50 * k);
		cJSON_AddNumberToObject(f, "rate", 4.35);
		cJSON_AddStringToObject(f, "start", from);
		cJSON_AddStringToObject(f, "end", to);
	} else if (k < NINTEREST + NPREMIUM) {
		item = PREMIUM_ITEM;
		cJSON_AddNumberToObject(f, "loan_amount", 300 + 100 * (k - NINTEREST));
		cJSON_AddNumberToObject(f, "premium", 60000 + 10000 * (k - NINTEREST));
	} else {
		int i = k - NINTEREST - NPREMIUM;
		item = IP_ITEM;
		cJSON_AddNumberToObject(f, "inventions", 1 + i % 5);
		cJSON_AddNumberToObject(f, "utility_models", 2 + i % 7);
		cJSON_AddNumberToObject(f, "designs", i % 3);
		cJSON_AddNumberToObject(f, "trademarks", 3 + i % 4);
		cJSON_AddNumberToObject(f, "pct", i % 3 == 0);
	}
	cJSON_AddStringToObject(f, "contact_phone", h->people[person].phone);
	return hist_case_planned(h, hist_ms(h, day + 1, 8 * 60 + 30 + k % 60), item, person, f);
}

/* The k-th firm the teams and the platform know (a code of its own, a name from the words). */
static void advised_firm(int k, char code[20], char *name, size_t size)
{
	char first17[18];
	snprintf(first17, sizeof(first17), "91371000MA3A%05d", 6007 * (k + 1) % 100000);
	snprintf(code, 20, "%s%c", first17, ids_uscc_check(first17));
	snprintf(name, size, "威海经区%s%s有限公司", hist_firm_words[(k * 7) % 18],
		 hist_firm_trades[(k * 5 + k / 18) % 12]);
}

static int advisory_call(struct hist *h, const char *what, cJSON *body)
{
	const yc_user *u;
	int rc = fund_user(h, &u);
	yc_buf out;
	yc_buf_init(&out, 0);
	if (!rc)
		rc = fin_advisory_record_check(what, body, h->err);
	if (!rc)
		rc = fin_advisory_record(h->d, h->fc, u, what, body, &out, h->err);
	if (rc)
		yc_err_prefix(rc, h->err, "demo history, finance %s", what);
	yc_buf_release(&out);
	cJSON_Delete(body);
	return rc;
}

/* The pairs, made the evening before the history. */
static int advisory_setup(struct hist *h, int32_t first)
{
	char on[12], code[20], name[120];
	yc_date_format(first - 1, on, sizeof(on));
	int rc = 0;
	for (int k = 0; !rc && k < NPAIRED; k++) {
		advised_firm(k, code, name, sizeof(name));
		cJSON *b = cJSON_CreateObject();
		char team[4];
		snprintf(team, sizeof(team), "T%d", k % 7 + 1);
		cJSON_AddStringToObject(b, "team", team);
		cJSON_AddStringToObject(b, "credit_code", code);
		cJSON_AddStringToObject(b, "firm", name);
		cJSON_AddStringToObject(b, "on", on);
		rc = advisory_call(h, "pairs", b);
	}
	return rc;
}

/* The visits and platform records due by `day`, evenly over the span. */
static int advisory_day(struct hist *h, int32_t day)
{
	struct hist_fin *f = h->fin;
	int64_t span = f->last - f->first + 1, at = day - f->first + 1;
	char on[12], code[20], name[120];
	yc_date_format(day, on, sizeof(on));
	hist_at(h, hist_ms(h, day, 15 * 60 + 20));
	int rc = 0;
	for (; !rc && f->visits < NVISITS * at / span; f->visits++) {
		int k = f->visits % NPAIRED;
		advised_firm(k, code, name, sizeof(name));
		cJSON *b = cJSON_CreateObject();
		char team[4];
		snprintf(team, sizeof(team), "T%d", k % 7 + 1);
		cJSON_AddStringToObject(b, "team", team);
		cJSON_AddStringToObject(b, "credit_code", code);
		cJSON_AddStringToObject(b, "on", on);
		bool arranged = f->visits % 3 == 0;
		cJSON_AddStringToObject(b, "note",
					arranged ? "制定融资方案，对接银行授信"
						 : "走访了解融资需求，宣讲惠企政策");
		if (arranged)
			cJSON_AddNumberToObject(b, "financing", 1200);
		rc = advisory_call(h, "visits", b);
	}
	for (; !rc && f->registered < NREGISTERED * at / span; f->registered++) {
		advised_firm(NPAIRED + f->registered, code, name, sizeof(name));
		cJSON *b = cJSON_CreateObject();
		cJSON_AddStringToObject(b, "kind", "registered");
		cJSON_AddStringToObject(b, "credit_code", code);
		cJSON_AddStringToObject(b, "firm", name);
		cJSON_AddStringToObject(b, "on", on);
		rc = advisory_call(h, "platform", b);
	}
	for (; !rc && f->loans < NPLATFORM_LOANS * at / span; f->loans++) {
		int k = f->loans;
		advised_firm(NPAIRED + k, code, name, sizeof(name));
		cJSON *b = cJSON_CreateObject();
		cJSON_AddStringToObject(b, "kind", "loan");
		cJSON_AddStringToObject(b, "credit_code", code);
		cJSON_AddStringToObject(b, "firm", name);
		cJSON_AddStringToObject(b, "bank", banks[k % 6]);
		/* 661万 ± (k mod 5 − 2) × 10万; the last carries the rest of 78,000万 */
		int wan = 661 + (k % 5 - 2) * 10;
		if (k == NPLATFORM_LOANS - 1) {
			wan = 78000;
			for (int j = 0; j < k; j++)
				wan -= 661 + (j % 5 - 2) * 10;
		}
		cJSON_AddNumberToObject(b, "amount", wan);
		cJSON_AddStringToObject(b, "on", on);
		rc = advisory_call(h, "platform", b);
	}
	return rc;
}

/*
 * The IP mediation workstation: 24 disputes over the span; each is taken into mediation a
 * few days after it arrives, and ends a week or two later — settled for two in three, else
 * failed and referred to the court; one in six is referred at once (not for mediation).
 */
enum { NDISPUTES = 24 };
static const char *const ip_kinds[] = {"专利", "商标", "著作权", "商业秘密"};

static int ipmed_call(struct hist *h, const char *id, const char *action, cJSON *body, char *made,
		      size_t size)
{
	const yc_user *u;
	int rc = hist_staff_user(h, "approver-scjg", &u);
	struct ipmed_ctx c = {.tz_offset_min = h->cc->tz_offset_min};
	snprintf(c.department, sizeof(c.department), "scjg");
	yc_buf out;
	yc_buf_init(&out, 0);
	if (!rc)
		rc = id ? ipmed_act_check(action, body, h->err) : ipmed_receive_check(body, h->err);
	if (!rc)
		rc = id ? ipmed_act(h->d, &c, u, id, action, body, &out, h->err)
			: ipmed_receive(h->d, &c, u, body, &out, h->err);
	if (!rc && made) {
		cJSON *j = cJSON_ParseWithLength(out.data, out.len);
		snprintf(made, size, "%s", yc_json_str(j, "id") ? yc_json_str(j, "id") : "");
		cJSON_Delete(j);
	}
	if (rc)
		yc_err_prefix(rc, h->err, "demo history, IP dispute %s", id ? id : "new");
	yc_buf_release(&out);
	cJSON_Delete(body);
	return rc;
}

static cJSON *on_body(const char *on);

static int disputes_day(struct hist *h, int32_t day)
{
	struct hist_fin *f = h->fin;
	int64_t span = f->last - f->first + 1, at = day - f->first + 1;
	char on[12];
	yc_date_format(day, on, sizeof(on));
	hist_at(h, hist_ms(h, day, 14 * 60 + 30));
	int rc = 0;
	for (; !rc && f->disputes < NDISPUTES * at / span; f->disputes++) {
		int k = f->disputes;
		cJSON *b = on_body(on);
		cJSON_AddStringToObject(b, "kind", ip_kinds[k % 4]);
		cJSON_AddStringToObject(b, "claimant", "威海经区某科技有限公司");
		cJSON_AddStringToObject(b, "respondent", "某商贸经营部");
		cJSON_AddStringToObject(b, "claims", "请求停止侵权并赔偿损失");
		cJSON_AddNumberToObject(b, "amount", 20000 + 5000 * (k % 7));
		rc = ipmed_call(h, NULL, NULL, b, NULL, 0);
	}
	/* the ones under way: a step when their days have come */
	db_stmt *st = rc ? NULL
			 : db_prepare(h->d,
				      "SELECT id, state, received_on, COALESCE(mediation_on, '')"
				      " FROM ip_disputes WHERE state IN ('received', 'mediating',"
				      " 'failed') ORDER BY id",
				      h->err);
	if (!rc && !st)
		return db_failed(h->err);
	struct step {
		char id[24], action[12];
	} steps[NDISPUTES];
	int n = 0;
	while (st && n < NDISPUTES && db_step(st, h->err) == DB_ROW) {
		const char *id = db_col_text(st, 0), *state = db_col_text(st, 1);
		int32_t rec, med;
		yc_date_parse(db_col_text(st, 2), &rec);
		int k = (int)strtol(id + 8, NULL, 10);
		const char *action = NULL;
		if (!strcmp(state, "received") && day >= rec + 3)
			action = k % 6 == 5 ? "refer" : "mediate";
		else if (!strcmp(state, "mediating") && !yc_date_parse(db_col_text(st, 3), &med) &&
			 day >= med + 7 + k % 8)
			action = k % 3 == 2 ? "fail" : "settle";
		else if (!strcmp(state, "failed"))
			action = "refer";
		if (action) {
			snprintf(steps[n].id, sizeof(steps[n].id), "%s", id);
			snprintf(steps[n].action, sizeof(steps[n].action), "%s", action);
			n++;
		}
	}
	if (st)
		db_done(st);
	for (int i = 0; !rc && i < n; i++) {
		cJSON *b = on_body(on);
		const char *a = steps[i].action;
		if (!strcmp(a, "mediate"))
			cJSON_AddStringToObject(b, "mediator", "知识产权调解员 王磊");
		else if (!strcmp(a, "settle")) {
			cJSON_AddStringToObject(b, "outcome",
						"双方达成调解协议：停止销售，一次性赔偿");
			cJSON_AddNumberToObject(b, "amount", 15000);
		} else if (!strcmp(a, "fail"))
			cJSON_AddStringToObject(b, "outcome", "被申请人拒绝调解");
		else
			cJSON_AddStringToObject(b, "to", "court");
		rc = ipmed_call(h, steps[i].id, a, b, NULL, 0);
	}
	return rc;
}

/* A pledge of patents for a bank loan, registered through the case engine. */
static int apply_pledge(struct hist *h, int k, int32_t day)
{
	int person = 2 + HIST_PERSONS + (k * 17 + 5) % HIST_FIRMS;
	char first17[18], code[20], patents[80];
	snprintf(first17, sizeof(first17), "91371000MA3P%05d", 3571 * (k + 1) % 100000);
	snprintf(code, sizeof(code), "%s%c", first17, ids_uscc_check(first17));
	snprintf(patents, sizeof(patents), "ZL2019%07d.%d;ZL2020%07d.%d", 1000003 + 7919 * k,
		 k % 10, 2000011 + 104729 * k % 1000000, (k + 3) % 10);
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "credit_code", code);
	cJSON_AddStringToObject(f, "firm_name",
				k ? "威海经区科技成果转化有限公司" : "迪沙药业集团有限公司");
	cJSON_AddStringToObject(f, "patents", patents);
	cJSON_AddStringToObject(f, "bank", banks[(k * 2) % 6]);
	cJSON_AddNumberToObject(f, "amount", pledge_wan[k]);
	cJSON_AddStringToObject(f, "contact_phone", h->people[person].phone);
	return hist_case_planned(h, hist_ms(h, day + 1, 9 * 60 + k), PLEDGE_ITEM, person, f);
}

/* Grants approved three days or more ago are paid by their scheme's department. */
static int grants_pay(struct hist *h, int32_t day)
{
	db_stmt *st = db_prepare(h->d,
				 "SELECT g.case_no, i.department FROM fin_grants g JOIN items i ON"
				 " i.code = g.item WHERE g.state = 'approved' AND g.approved_ms < ?"
				 " ORDER BY g.case_no LIMIT 100",
				 h->err);
	if (!st)
		return db_failed(h->err);
	db_bind_int(st, 1, hist_ms(h, day - 3, 0));
	char(*due)[2][32] = calloc(100, sizeof(*due));
	if (!due) {
		db_done(st);
		return yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
	}
	int n = 0, rc;
	while (n < 100 && (rc = db_step(st, h->err)) == DB_ROW) {
		db_col_copy(st, 0, due[n][0], sizeof(due[n][0]));
		db_col_copy(st, 1, due[n][1], sizeof(due[n][1]));
		n++;
	}
	db_done(st);
	rc = rc < 0 ? rc : 0;
	hist_at(h, hist_ms(h, day, 15 * 60 + 40));
	for (int i = 0; !rc && i < n; i++) {
		char who[48], voucher[40], on[12];
		const yc_user *u;
		snprintf(who, sizeof(who), "approver-%s", due[i][1]);
		yc_date_format(day, on, sizeof(on));
		snprintf(voucher, sizeof(voucher), "国库支付%s-%03d", on, i + 1);
		cJSON *b = on_body(on);
		cJSON_AddStringToObject(b, "voucher", voucher);
		yc_buf out;
		yc_buf_init(&out, 0);
		rc = hist_staff_user(h, who, &u);
		if (!rc)
			rc = fin_grant_pay_check(b, h->err);
		if (!rc)
			rc = fin_grant_pay(h->d, h->fc, u, due[i][0], b, &out, h->err);
		if (rc)
			yc_err_prefix(rc, h->err, "demo history, grant %s", due[i][0]);
		yc_buf_release(&out);
		cJSON_Delete(b);
	}
	free(due);
	return rc;
}

int hist_finance_day(struct hist *h, int32_t day, bool work)
{
	if (!h->fin || !work)
		return 0;
	int rc = 0;
	for (int i = 0; !rc && i < NFIRMS; i++)
		if (!h->fin->applied[i] && day >= h->fin->apply_day[i]) {
			h->fin->applied[i] = true;
			rc = apply(h, i, day);
		}
	for (int k = 0; !rc && k < NPLEDGES; k++)
		if (!h->fin->pledged[k] && day >= h->fin->pledge_day[k]) {
			h->fin->pledged[k] = true;
			rc = apply_pledge(h, k, day);
		}
	for (int k = 0; !rc && k < NGRANTS; k++)
		if (!h->fin->granted[k] && day >= h->fin->grant_day[k]) {
			h->fin->granted[k] = true;
			rc = apply_grant(h, k, day);
		}
	if (!rc)
		rc = loans_step(h, day);
	if (!rc)
		rc = advisory_day(h, day);
	if (!rc)
		rc = disputes_day(h, day);
	return rc ? rc : grants_pay(h, day);
}
