/*
 * year.c — the year's figures, one table: each row a figure with its section, its label as
 * the report prints it, its unit, and how it is computed — one SQL count or sum over the
 * year's bounds (local midnight of 1 January to that of the next), or a function for the
 * few that combine data (rates, shares, a process's steps). Amounts in fen are shown in yuan.
 * Nothing is typed in: the stated figures (report_stated) are only shown beside.
 */
#include "core/report/report.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/xlsx.h"
#include "lib/banned.h"

struct span {
	int64_t from_ms, to_ms;	       /* [from, to) */
	char from_day[12], to_day[12]; /* the same as days: [from, to) */
};

/* Binding kinds: M the two moments, D the two days, N none. */
struct figure {
	const char *key, *section, *label, *unit;
	char bind;
	const char *sql; /* one integer; NULL: computed by derive() */
	int divide;	 /* 100: fen shown as yuan */
};

#define DONE_STATES "('approved', 'delivered', 'closed')"
static const struct figure figures[] = {
	{"new_businesses", "企业开办", "新设立企业", "户", 'M',
	 "SELECT COUNT(*) FROM cases WHERE item = '371091011001007000' AND state IN " DONE_STATES
	 " AND decided_ms >= ? AND decided_ms < ?",
	 1},
	{"fdi_set_up", "外商投资", "外商投资企业设立", "户", 'M',
	 "SELECT COUNT(*) FROM cases WHERE item = '371091011001007000' AND form LIKE"
	 " '%\"investment\":\"外商投资\"%' AND state IN " DONE_STATES
	 " AND decided_ms >= ? AND decided_ms < ?",
	 1},
	{"fdi_changed", "外商投资", "外商投资企业变更", "户次", 'M',
	 "SELECT COUNT(*) FROM cases WHERE item = '371091011001007001' AND form LIKE"
	 " '%\"investment\":\"外商投资\"%' AND state IN " DONE_STATES
	 " AND decided_ms >= ? AND decided_ms < ?",
	 1},
	{"fdi_cancelled", "外商投资", "外商投资企业注销", "户", 'M',
	 "SELECT COUNT(*) FROM cases WHERE item = '371091011001007003' AND form LIKE"
	 " '%\"investment\":\"外商投资\"%' AND state IN " DONE_STATES
	 " AND decided_ms >= ? AND decided_ms < ?",
	 1},
	{"business_steps_before", "企业开办", "企业开办环节（改革前）", "个", 'N', NULL, 1},
	{"business_steps_after", "企业开办", "企业开办环节（一窗一表）", "个", 'N', NULL, 1},
	{"industry_licences", "一业一证", "颁发行业综合许可证", "张", 'M',
	 "SELECT COUNT(*) FROM certificates WHERE type = 'industry-licence' AND issued_ms >= ?"
	 " AND issued_ms < ?",
	 1},
	{"industries", "一业一证", "涉及行业", "个", 'M',
	 "SELECT COUNT(DISTINCT process) FROM process_runs WHERE process LIKE 'P-YYYZ-%' AND"
	 " state = 'approved' AND decided_ms >= ? AND decided_ms < ?",
	 1},
	{"parallel_projects", "工程建设", "并联审批项目", "个", 'M',
	 "SELECT COUNT(*) FROM process_runs WHERE process = 'P-NDJKG' AND submitted_ms >= ?"
	 " AND submitted_ms < ?",
	 1},
	{"e_certificates", "电子证照", "发放电子证照", "个", 'M',
	 "SELECT COUNT(*) FROM certificates WHERE issued_ms >= ? AND issued_ms < ?", 1},
	{"items", "一网通办", "依申请政务服务事项", "项", 'N',
	 "SELECT COUNT(*) FROM items WHERE status = 'active'", 1},
	{"items_online_district", "一网通办", "区级可网办事项", "项", 'N', NULL, 1},
	{"items_online_town", "一网通办", "镇（街道）级可网办事项", "项", 'N', NULL, 1},
	{"items_online_village", "一网通办", "村（社区）级可网办事项", "项", 'N', NULL, 1},
	{"online_rate", "一网通办", "可网办率", "%", 'N', NULL, 1},
	{"full_online_rate", "一网通办", "可全程网办率", "%", 'N', NULL, 1},
	{"levels_cut", "一次办好", "压减审批层级", "级", 'N',
	 "SELECT COALESCE(SUM(levels_before - levels), 0) FROM items WHERE status = 'active'", 1},
	{"signatures_cut", "一次办好", "精简审批签字", "人次", 'N',
	 "SELECT COALESCE(SUM(signatures_before - signatures), 0) FROM items WHERE"
	 " status = 'active'",
	 1},
	{"days_cut", "一次办好", "压缩承诺办结时限", "天", 'N', NULL, 1},
	{"days_cut_percent", "一次办好", "压缩占比", "%", 'N', NULL, 1},
	{"reviews", "好差评", "收集好差评", "条", 'M',
	 "SELECT COUNT(*) FROM reviews WHERE created_ms >= ? AND created_ms < ?", 1},
	{"callbacks", "好差评", "电话回访", "次", 'M',
	 "SELECT COUNT(*) FROM review_callbacks WHERE state = 'done' AND done_ms >= ? AND"
	 " done_ms < ?",
	 1},
	{"bridge_firms", "企业贷款支持", "应急转贷企业", "家", 'D',
	 "SELECT COUNT(DISTINCT credit_code) FROM fin_loans WHERE disbursed_on >= ? AND"
	 " disbursed_on < ?",
	 1},
	{"bridge_yuan", "企业贷款支持", "提供过桥资金", "元", 'D',
	 "SELECT COALESCE(SUM(amount_fen), 0) FROM fin_loans WHERE disbursed_on >= ? AND"
	 " disbursed_on < ?",
	 100},
	{"advisory_teams", "企业贷款支持", "金融辅导队", "支", 'N',
	 "SELECT COUNT(*) FROM fin_advisory_teams", 1},
	{"advisory_firms", "企业贷款支持", "结对辅导企业", "家", 'D',
	 "SELECT COUNT(*) FROM fin_advisory_firms WHERE ? <> '' AND paired_on < ?", 1},
	{"advisory_financing_yuan", "企业贷款支持", "辅导解决融资", "元", 'D',
	 "SELECT COALESCE(SUM(financing_fen), 0) FROM fin_advisory_visits WHERE on_day >= ?"
	 " AND on_day < ?",
	 100},
	{"platform_firms", "企业贷款支持", "信财银保平台注册企业", "家", 'D',
	 "SELECT COUNT(DISTINCT credit_code) FROM fin_platform_loans WHERE kind = 'registered'"
	 " AND on_day >= ? AND on_day < ?",
	 1},
	{"platform_loans", "企业贷款支持", "平台发放贷款", "笔", 'D',
	 "SELECT COUNT(*) FROM fin_platform_loans WHERE kind = 'loan' AND on_day >= ? AND"
	 " on_day < ?",
	 1},
	{"platform_loan_yuan", "企业贷款支持", "平台发放贷款金额", "元", 'D',
	 "SELECT COALESCE(SUM(amount_fen), 0) FROM fin_platform_loans WHERE kind = 'loan' AND"
	 " on_day >= ? AND on_day < ?",
	 100},
	{"subsidy_firms", "企业贷款支持", "科技支行/政银保补助企业", "家", 'M',
	 "SELECT COUNT(DISTINCT credit_code) FROM fin_grants WHERE item IN"
	 " ('371091051005036000', '371091051005037000') AND approved_ms >= ? AND approved_ms < ?",
	 1},
	{"subsidy_yuan", "企业贷款支持", "科技支行/政银保补助", "元", 'M',
	 "SELECT COALESCE(SUM(amount_fen), 0) FROM fin_grants WHERE item IN"
	 " ('371091051005036000', '371091051005037000') AND approved_ms >= ? AND approved_ms < ?",
	 100},
	{"ip_award_firms", "知识产权", "知识产权奖励资助企业", "家", 'M',
	 "SELECT COUNT(DISTINCT credit_code) FROM fin_grants WHERE item = '371091051005038000'"
	 " AND approved_ms >= ? AND approved_ms < ?",
	 1},
	{"ip_award_yuan", "知识产权", "知识产权奖励资助", "元", 'M',
	 "SELECT COALESCE(SUM(amount_fen), 0) FROM fin_grants WHERE item = '371091051005038000'"
	 " AND approved_ms >= ? AND approved_ms < ?",
	 100},
	{"patent_pledges", "知识产权", "专利权质押登记", "笔", 'M', NULL, 1},
	{"patent_pledge_yuan", "知识产权", "专利权质押融资", "元", 'M', NULL, 1},
	{"ip_disputes", "知识产权", "知识产权纠纷人民调解受理", "件", 'D',
	 "SELECT COUNT(*) FROM ip_disputes WHERE received_on >= ? AND received_on < ?", 1},
	{"ip_disputes_settled", "知识产权", "调解成功", "件", 'D',
	 "SELECT COUNT(*) FROM ip_disputes WHERE state = 'settled' AND ended_on >= ? AND"
	 " ended_on < ?",
	 1},
	{"procurement_contracts", "政府采购", "登记采购合同", "份", 'D',
	 "SELECT COUNT(*) FROM proc_contracts WHERE awarded_on >= ? AND awarded_on < ?", 1},
	{"procurement_signed_on_time", "政府采购", "10个工作日内签订", "份", 'D',
	 "SELECT COUNT(*) FROM proc_contracts WHERE signed_on >= ? AND signed_on < ? AND"
	 " signed_on <= sign_by",
	 1},
	{"procurement_filed_on_time", "政府采购", "7个工作日内备案", "份", 'D',
	 "SELECT COUNT(*) FROM proc_contracts WHERE filed_on >= ? AND filed_on < ? AND"
	 " filed_on <= file_by",
	 1},
	{"tax_payments_before", "纳税", "纳税次数（改革前）", "次/年", 'N', NULL, 1},
	{"tax_payments_after", "纳税", "纳税次数", "次/年", 'N', NULL, 1},
	{"tax_hours_before", "纳税", "纳税时间（改革前）", "小时/年", 'N', NULL, 1},
	{"tax_hours_after", "纳税", "纳税时间", "小时/年", 'N', NULL, 1},
	{"court_mediated", "执行合同", "诉前调解案件", "件", 'D',
	 "SELECT COUNT(*) FROM court_cases WHERE mediation_end >= ? AND mediation_end < ?", 1},
	{"court_settled", "执行合同", "调解成功", "件", 'D',
	 "SELECT COUNT(*) FROM court_cases WHERE state = 'settled' AND closed_on >= ? AND"
	 " closed_on < ?",
	 1},
	{"court_fast_track_percent", "执行合同", "简案速裁占比", "%", 'D', NULL, 1},
	{"court_closed_business", "执行合同", "审结商事案件", "件", 'D',
	 "SELECT COUNT(*) FROM court_cases WHERE state = 'closed' AND commercial = 1 AND"
	 " closed_on >= ? AND closed_on < ?",
	 1},
	{"court_closed_business_yuan", "执行合同", "审结商事案件标的额", "元", 'D',
	 "SELECT COALESCE(SUM(amount_fen), 0) FROM court_cases WHERE state = 'closed' AND"
	 " commercial = 1 AND closed_on >= ? AND closed_on < ?",
	 100},
	{"grid_courts", "执行合同", "社区网格法庭", "处", 'N', NULL, 1},
	{"grid_communities", "执行合同", "覆盖社区", "个", 'N', NULL, 1},
};
enum { NFIG = sizeof(figures) / sizeof(figures[0]) };

static int64_t count(db *d, const char *sql, char bind, const struct span *s, yc_err *err, int *rc)
{
	int64_t v = 0;
	int r = bind == 'M'   ? db_get(d, err, sql, "ii", "i", s->from_ms, s->to_ms, &v)
		: bind == 'D' ? db_get(d, err, sql, "ss", "i", s->from_day, s->to_day, &v)
			      : db_get(d, err, sql, "", "i", &v);
	if (r < 0)
		*rc = r;
	return v;
}

/* The figures no single query gives. */
static int derive(db *d, const char *key, const struct span *s, double *v, yc_err *err)
{
	int rc = 0;
	if (!strcmp(key, "online_rate") || !strcmp(key, "full_online_rate")) {
		int64_t all = count(d, "SELECT COUNT(*) FROM items WHERE status = 'active'", 'N', s,
				    err, &rc);
		int64_t ok = count(d,
				   key[0] == 'o' ? "SELECT COUNT(*) FROM items WHERE status ="
						   " 'active' AND online_depth >= 3"
						 : "SELECT COUNT(*) FROM items WHERE status ="
						   " 'active' AND online_depth = 4",
				   'N', s, err, &rc);
		*v = all ? 100.0 * (double)ok / (double)all : 0;
		return rc;
	}
	if (!strncmp(key, "items_online_", 13)) {
		/* the level's online items counted at every place that handles them (实施清单):
		 * the offices an item names, or else every office of its level */
		const char *level = key + 13;
		int64_t own = 0;
		if ((rc = db_get(d, err, "SELECT COUNT(*) FROM offices WHERE level = ?", "s", "i",
				 level, &own)) < 0)
			return rc;
		db_stmt *st =
			db_prepare(d,
				   "SELECT doc FROM items WHERE status = 'active' AND level = ?"
				   " AND online_depth >= 3",
				   err);
		if (!st)
			return db_failed(err);
		db_bind_text(st, 1, level);
		double n = 0;
		while ((rc = db_step(st, err)) == DB_ROW) {
			cJSON *doc = cJSON_Parse(db_col_text(st, 0));
			const cJSON *places = cJSON_GetObjectItemCaseSensitive(doc, "offices");
			n += places ? cJSON_GetArraySize(places) : (double)own;
			cJSON_Delete(doc);
		}
		db_done(st);
		*v = n;
		return rc < 0 ? rc : 0;
	}
	if (!strcmp(key, "days_cut") || !strcmp(key, "days_cut_percent")) {
		/* legal limit less promised, in working days (a working hour as an eighth of a day)
		 */
		db_stmt *st =
			db_prepare(d,
				   "SELECT legal_value, legal_unit, promised_value, promised_unit"
				   " FROM items WHERE status = 'active'",
				   err);
		if (!st)
			return db_failed(err);
		double legal = 0, cut = 0;
		while ((rc = db_step(st, err)) == DB_ROW) {
			double l = (double)db_col_int(st, 0), p = (double)db_col_int(st, 2);
			if (!strcmp(db_col_text(st, 1), "workhour"))
				l /= 8;
			if (!strcmp(db_col_text(st, 3), "workhour"))
				p /= 8;
			legal += l;
			cut += l > p ? l - p : 0;
		}
		db_done(st);
		*v = key[8] ? (legal > 0 ? 100.0 * cut / legal : 0) : cut;
		return rc < 0 ? rc : 0;
	}
	if (!strncmp(key, "business_steps", 14)) {
		/* 企业开办: its unconditional parts were separate steps; one form and window now */
		if (!strcmp(key, "business_steps_after")) {
			*v = 1;
			return 0;
		}
		char doc[65536] = "";
		if ((rc = db_get(d, err, "SELECT doc FROM processes WHERE code = 'P-QYKB'", "", "t",
				 doc, sizeof(doc))) < 0)
			return rc;
		cJSON *p = cJSON_Parse(doc);
		const cJSON *part;
		int n = 0;
		cJSON_ArrayForEach (part, cJSON_GetObjectItemCaseSensitive(p, "parts"))
			n += !cJSON_GetObjectItemCaseSensitive(part, "when");
		cJSON_Delete(p);
		*v = n;
		return 0;
	}
	if (!strncmp(key, "tax_", 4)) {
		/* the filings' own figures summed (docs/tax.md) */
		db_stmt *st = db_prepare(d, "SELECT doc FROM items WHERE status = 'active'", err);
		if (!st)
			return db_failed(err);
		bool hours = !strncmp(key, "tax_hours", 9), before = strstr(key, "before") != NULL;
		double sum = 0;
		while ((rc = db_step(st, err)) == DB_ROW) {
			cJSON *doc = cJSON_Parse(db_col_text(st, 0));
			const cJSON *tax = cJSON_GetObjectItemCaseSensitive(doc, "tax");
			const cJSON *f =
				cJSON_GetObjectItemCaseSensitive(tax, hours ? "hours" : "payments");
			const cJSON *x =
				cJSON_GetObjectItemCaseSensitive(f, before ? "before" : "after");
			if (cJSON_IsNumber(x))
				sum += x->valuedouble;
			cJSON_Delete(doc);
		}
		db_done(st);
		*v = sum;
		return rc < 0 ? rc : 0;
	}
	if (!strncmp(key, "patent_pledge", 13)) {
		/* 专利权质押登记 cases decided in the year, and the amounts their forms state
		 * (万元) */
		db_stmt *st = db_prepare(
			d,
			"SELECT form FROM cases WHERE item = '371091051005039000' AND"
			" state IN " DONE_STATES " AND decided_ms >= ? AND decided_ms < ?",
			err);
		if (!st)
			return db_failed(err);
		db_bind_int(st, 1, s->from_ms);
		db_bind_int(st, 2, s->to_ms);
		double n = 0, yuan = 0;
		while ((rc = db_step(st, err)) == DB_ROW) {
			cJSON *form = cJSON_Parse(db_col_text(st, 0));
			const cJSON *a = cJSON_GetObjectItemCaseSensitive(form, "amount");
			n++;
			yuan += cJSON_IsNumber(a) ? a->valuedouble * 10000 : 0;
			cJSON_Delete(form);
		}
		db_done(st);
		*v = strstr(key, "yuan") ? yuan : n;
		return rc < 0 ? rc : 0;
	}
	if (!strcmp(key, "court_fast_track_percent")) {
		int64_t filed = count(d,
				      "SELECT COUNT(*) FROM court_cases WHERE filed_on >= ? AND"
				      " filed_on < ?",
				      'D', s, err, &rc);
		int64_t simple = count(d,
				       "SELECT COUNT(*) FROM court_cases WHERE filed_on >= ? AND"
				       " filed_on < ? AND track = 'simple'",
				       'D', s, err, &rc);
		*v = filed ? 100.0 * (double)simple / (double)filed : 0;
		return rc;
	}
	if (!strcmp(key, "grid_courts") || !strcmp(key, "grid_communities")) {
		char doc[65536] = "";
		if ((rc = db_get(d, err, "SELECT doc FROM court_rules WHERE one = 1", "", "t", doc,
				 sizeof(doc))) < 0)
			return rc;
		cJSON *r = cJSON_Parse(doc);
		const cJSON *g, *m;
		int courts = 0, communities = 0;
		cJSON_ArrayForEach (g, cJSON_GetObjectItemCaseSensitive(r, "grid_courts")) {
			courts++;
			cJSON_ArrayForEach (m, cJSON_GetObjectItemCaseSensitive(g, "communities"))
				communities++;
		}
		cJSON_Delete(r);
		*v = key[5] == 'c' && key[6] == 'o' && key[7] == 'u' ? courts : communities;
		return 0;
	}
	return yc_err_set(err, YC_EINTERNAL, NULL, "no way to compute %s", key);
}

struct value {
	double v, stated;
	bool has_stated;
};

static int compute(db *d, int tz, int year, struct value *out, yc_err *err)
{
	if (year < 2000 || year > 2100)
		return yc_err_set(err, YC_EINVAL, "year", "year is from 2000 to 2100");
	struct span s;
	int32_t a = yc_days_from_civil(year, 1, 1), b = yc_days_from_civil(year + 1, 1, 1);
	s.from_ms = ((int64_t)a * 1440 - tz) * 60000;
	s.to_ms = ((int64_t)b * 1440 - tz) * 60000;
	yc_date_format(a, s.from_day, sizeof(s.from_day));
	yc_date_format(b, s.to_day, sizeof(s.to_day));
	int rc = 0;
	for (int i = 0; !rc && i < NFIG; i++) {
		const struct figure *f = &figures[i];
		if (f->sql)
			out[i].v = (double)count(d, f->sql, f->bind, &s, err, &rc) / f->divide;
		else
			rc = derive(d, f->key, &s, &out[i].v, err);
		out[i].has_stated = false;
	}
	db_stmt *st = rc ? NULL : db_prepare(d, "SELECT key, value FROM report_stated", err);
	if (!rc && !st)
		return db_failed(err);
	while (st && (rc = db_step(st, err)) == DB_ROW) {
		const char *key = db_col_text(st, 0);
		for (int i = 0; i < NFIG; i++)
			if (!strcmp(figures[i].key, key)) {
				out[i].stated = strtod(db_col_text(st, 1), NULL);
				out[i].has_stated = true;
			}
	}
	if (st)
		db_done(st);
	return rc < 0 ? rc : 0;
}

int report_stated_load(db *d, const char *json, yc_err *err)
{
	cJSON *doc = NULL;
	int rc = yc_json_parse(json, strlen(json), &doc, err);
	if (rc)
		return rc;
	const cJSON *stated = cJSON_GetObjectItemCaseSensitive(doc, "stated"), *x;
	if (!cJSON_IsObject(stated)) {
		rc = yc_err_set(err, YC_EINVAL, "stated", "stated is an object of figures");
		stated = NULL;
	}
	cJSON_ArrayForEach (x, stated) {
		bool known = false;
		for (int i = 0; i < NFIG; i++)
			known |= !strcmp(figures[i].key, x->string);
		if (!known || !cJSON_IsNumber(x)) {
			rc = yc_err_set(err, YC_EINVAL, "stated", "stated.%s is %s", x->string,
					known ? "not a number" : "no figure of the report");
			break;
		}
		char v[40];
		snprintf(v, sizeof(v), "%.6f", x->valuedouble);
		rc = db_run(
			d, err,
			"INSERT INTO report_stated (key, value) VALUES (?, ?) ON CONFLICT (key) DO"
			" UPDATE SET value = excluded.value",
			"ss", x->string, v);
		if (rc)
			break;
	}
	cJSON_Delete(doc);
	return rc;
}

int report_year_json(db *d, int tz, int year, yc_buf *out, yc_err *err)
{
	struct value v[NFIG];
	int rc = compute(d, tz, year, v, err);
	if (rc)
		return rc;
	yc_buf_addf(out, "{\"year\":%d,\"figures\":[", year);
	for (int i = 0; i < NFIG; i++) {
		const struct figure *f = &figures[i];
		yc_buf_addf(out, "%s{\"key\":\"%s\",\"section\":", i ? "," : "", f->key);
		yc_json_add_str(out, f->section);
		yc_buf_adds(out, ",\"label\":");
		yc_json_add_str(out, f->label);
		yc_buf_adds(out, ",\"unit\":");
		yc_json_add_str(out, f->unit);
		yc_buf_addf(out, ",\"value\":%.2f", v[i].v);
		if (v[i].has_stated)
			yc_buf_addf(out, ",\"stated\":%.2f", v[i].stated);
		yc_buf_addc(out, '}');
	}
	return yc_buf_adds(out, "]}") ? YC_ENOMEM : 0;
}

int report_year_xlsx(db *d, int tz, int year, yc_buf *out, yc_err *err)
{
	struct value v[NFIG];
	int rc = compute(d, tz, year, v, err);
	if (rc)
		return rc;
	char title[32];
	snprintf(title, sizeof(title), "%d年", year);
	yc_xlsx x;
	yc_xlsx_init(&x, title);
	yc_xlsx_row(&x);
	static const char *const head[] = {"领域", "指标", "计算值", "单位", "报告值", "口径"};
	for (int k = 0; k < 6; k++)
		yc_xlsx_cell(&x, head[k]);
	for (int i = 0; i < NFIG; i++) {
		char a[40], b[40] = "";
		snprintf(a, sizeof(a), "%.2f", v[i].v);
		if (v[i].has_stated)
			snprintf(b, sizeof(b), "%.2f", v[i].stated);
		yc_xlsx_row(&x);
		yc_xlsx_cell(&x, figures[i].section);
		yc_xlsx_cell(&x, figures[i].label);
		yc_xlsx_cell(&x, a);
		yc_xlsx_cell(&x, figures[i].unit);
		yc_xlsx_cell(&x, b);
		yc_xlsx_cell(&x, figures[i].sql ? "数据统计" : "规则计算");
	}
	return yc_xlsx_finish(&x, out);
}
