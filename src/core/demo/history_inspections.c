/*
 * history_inspections.c — 双随机、一公开 in the demo history (see history.c).
 * The evening before the first day the market supervision bureau imports its
 * roster of market entities (several thousand, 148 of them foreign-invested
 * as the seed's year registered; a few on the abnormal-operations list, some
 * with many complaints) and the declared conflicts, and signs the credit QR
 * codes of the 韩乐坊 shopping street (the pilot). Then, on the first working
 * day of each month, it runs a plan over one trade and region (commitment in
 * the morning, the draw with two witnesses' inputs an hour later), and each
 * quarter a joint plan with the health and fire departments over the
 * restaurants (进一次门、查多项事). Teams inspect over the next weeks, enter
 * results (a few minor violations, decided by 首次不罚's rule) and the bureau
 * publishes them, mostly well within 20 working days, a few late; the
 * scheduler's nightly escalation runs as it would have. Every step goes
 * through core/inspection as a request would.
 */
#include "history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar/calendar.h"
#include "core/case/case.h"
#include "core/common/ids.h"
#include "core/inspection/inspection.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

enum {
	ENTITIES = 3600,
	FOREIGN = 148,	/* the seed's foreign-invested registrations of the year */
	PILOT = 60,	/* 韩乐坊's shops, the credit QR code's pilot */
	CONFLICTS = 24, /* declared by the officers */
	LATE = 40,	/* per mille of results published past the limit */
	MINOR = 350,	/* per mille of 责令整改 findings that are a listed minor violation */
	PENDING_MAX = 4096,
};

/* The monthly plans' scopes in turn: items, industry prefix, region ("" all), ratios. */
static const struct {
	const char *name, *item, *industry, *region;
	int ratios[4];
} monthly[] = {
	{"餐饮服务单位双随机抽查", "scjg-food-02", "H62", "", {30, 50, 150, 400}},
	{"市场主体登记事项双随机抽查", "scjg-reg-01", "", "凤林街道", {30, 50, 100, 300}},
	{"食品销售者双随机抽查", "scjg-food-01", "F52", "", {30, 50, 150, 400}},
	{"明码标价双随机抽查", "scjg-price-01", "F52", "皇冠街道", {30, 60, 150, 400}},
	{"特种设备使用单位双随机抽查", "scjg-eqp-01", "C", "", {30, 50, 150, 400}},
	{"药品零售企业双随机抽查", "scjg-drug-01", "F5251", "", {50, 80, 200, 500}},
};

static const struct {
	const char *code, *name;
	int weight;
} industries[] = {
	{"H6210", "正餐服务", 18},    {"H6220", "快餐服务", 10},      {"F5211", "百货零售", 6},
	{"F5212", "超级市场零售", 8}, {"F5221", "粮油零售", 5},	      {"F5251", "西药零售", 4},
	{"C1360", "水产品加工", 6},   {"C3311", "金属结构制造", 5},   {"C2911", "轮胎制造", 3},
	{"I6510", "软件开发", 7},     {"L7212", "投资与资产管理", 4}, {"E4700", "房屋建筑", 6},
	{"O8040", "洗浴服务", 3},     {"R9011", "歌舞厅娱乐", 2},     {"G5436", "道路货物运输", 6},
	{"K7020", "物业管理", 7},
};
static const char *const regions[] = {"皇冠街道", "凤林街道", "西苑街道",
				      "泊于镇",	  "崮山镇",   "桥头镇"};
static const char *const types[] = {"有限责任公司", "有限责任公司", "个体工商户",
				    "个体工商户",   "股份有限公司", "个人独资企业"};
/* results by weight: 合格 … 发现问题待后续处理 */
static const struct {
	const char *code, *findings;
	int weight;
} outcomes[] = {
	{"pass", "", 520},
	{"no-problem", "", 260},
	{"rectify", "进货查验记录不全，已责令限期整改", 130},
	{"not-disclosed", "未按规定报送年度报告并公示", 40},
	{"refused", "检查人员到场后拒不配合", 10},
	{"not-found", "通过登记的住所无法联系", 25},
	{"referred", "发现涉嫌违法线索，已移交立案调查", 15},
};
static const char *const minor_codes[] = {"scjg-m-01", "scjg-m-02", "scjg-m-04", "scjg-m-05"};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct pending {
	char task[48], member[48];
	int32_t inspect_day, publish_day;
	bool done;
};

struct hist_insp {
	struct rng rng; /* its own stream: the draws' sizes never move the cases' */
	uint64_t draws; /* the plans' secrets, from the seed too */
	struct pending *p;
	int n;
	int month; /* the last month a monthly plan ran */
	int plans;
};

static char *credit_code(struct hist *h, int i, char out[19])
{
	/* 91 企业 / 92 个体工商户, the district's registration office, a serial */
	snprintf(out, 19, "9%c371091MA3%06d", i % 3 == 2 ? '2' : '1',
		 100000 + i * 7 + rng_below(&h->insp->rng, 7));
	out[17] = '\0';
	char c = ids_uscc_check(out);
	out[17] = c;
	out[18] = '\0';
	return out;
}

static int import(struct hist *h, int kind, const yc_buf *csv)
{
	const yc_user *admin;
	int rc = hist_staff_user(h, "admin", &admin);
	yc_buf out;
	yc_buf_init(&out, 0);
	if (!rc)
		rc = insp_roster_import(h->d, admin, kind, csv->data, csv->len, &out, h->err);
	yc_buf_release(&out);
	return rc;
}

int hist_inspections_setup(struct hist *h)
{
	if (!h->ic)
		return 0;
	if (!(h->insp = calloc(1, sizeof(*h->insp))) ||
	    !(h->insp->p = calloc(PENDING_MAX, sizeof(*h->insp->p))))
		return yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
	h->insp->month = -1;
	h->insp->rng.s = h->o->seed ^ 0xbb67ae8584caa73bULL;
	h->insp->draws = h->o->seed ^ 0x3c6ef372fe94f82bULL;
	h->ic->draws = &h->insp->draws;
	yc_buf csv;
	yc_buf_init(&csv, 0);
	yc_buf_adds(&csv, "统一社会信用代码,名称,类型,行业,住所,区域,风险等级,投诉较多,经营异常,"
			  "严重违法,外资\n");
	int total = 0;
	for (int i = 0; i < COUNT(industries); i++)
		total += industries[i].weight;
	char codes[PILOT][19];
	for (int i = 0; i < ENTITIES; i++) {
		char code[19], name[160];
		credit_code(h, i, code);
		int w = rng_below(&h->insp->rng, total), k = 0;
		while (w >= industries[k].weight)
			w -= industries[k++].weight;
		bool pilot = i < PILOT;
		const char *type =
			pilot ? "个体工商户" : types[rng_below(&h->insp->rng, COUNT(types))];
		if (pilot) {
			k = i % 3 ? 0 : 1; /* the street's restaurants */
			snprintf(name, sizeof(name), "威海经区韩乐坊%s%s", hist_firm_words[i % 18],
				 i % 2 ? "烤肉店" : "海鲜餐厅");
			memcpy(codes[i], code, sizeof(codes[i]));
		} else {
			/* 个体工商户 trade under a person's name; firms under a word and a trade */
			char person[32];
			hist_person_name(h, person, sizeof(person));
			if (strstr(type, "个体"))
				snprintf(name, sizeof(name), "威海经区%s%s经营部", person,
					 hist_firm_trades[rng_below(&h->insp->rng, 12)]);
			else
				snprintf(name, sizeof(name), "威海%s%s%s%s",
					 hist_firm_words[rng_below(&h->insp->rng, 18)],
					 hist_firm_words[rng_below(&h->insp->rng, 18)],
					 hist_firm_trades[rng_below(&h->insp->rng, 12)],
					 strcmp(type, "有限责任公司") ? "股份有限公司"
								      : "有限公司");
		}
		int r = rng_below(&h->insp->rng, 100);
		char cls = r < 25 ? 'A' : r < 80 ? 'B' : r < 95 ? 'C' : 'D';
		yc_buf_addf(&csv, "%s,%s,%s,%s,%s%d号,%s,%c,%s,%s,%s,%s\n", code, name, type,
			    industries[k].code,
			    pilot ? "韩乐坊步行街" : hist_streets[rng_below(&h->insp->rng, 10)],
			    1 + rng_below(&h->insp->rng, 300),
			    pilot ? "皇冠街道" : regions[rng_below(&h->insp->rng, 6)], cls,
			    rng_chance(&h->insp->rng, 20) ? "是" : "否",
			    rng_chance(&h->insp->rng, 15) ? "是" : "否",
			    rng_chance(&h->insp->rng, 5) ? "是" : "否",
			    i >= ENTITIES - FOREIGN ? "是" : "否");
	}
	int rc = import(h, INSP_ENTITIES, &csv);
	/* conflicts: officers who declared a relative's or a former employer's business */
	yc_buf_clear(&csv);
	yc_buf_adds(&csv, "执法证号,统一社会信用代码,原因\n");
	if (!rc) {
		db_stmt *st =
			db_prepare(h->d,
				   "SELECT credit_code FROM insp_entities ORDER BY credit_code"
				   " LIMIT ?",
				   h->err);
		if (!st)
			return db_failed(h->err);
		db_bind_int(st, 1, CONFLICTS);
		int i = 0;
		while (db_step(st, h->err) == DB_ROW)
			yc_buf_addf(&csv, "371000100%02d,%s,%s\n", 1 + i % 12, db_col_text(st, 0),
				    i % 2 ? "曾在该企业任职未满三年" : "近亲属为该企业法定代表人"),
				i++;
		db_done(st);
		rc = import(h, INSP_CONFLICTS, &csv);
	}
	yc_buf_release(&csv);
	/* the pilot street's credit QR codes, signed by the bureau */
	const yc_user *reg;
	if (!rc)
		rc = hist_staff_user(h, "approver-scjg", &reg);
	for (int i = 0; !rc && i < PILOT; i++) {
		yc_buf out;
		yc_buf_init(&out, 0);
		rc = insp_credit_issue(h->d, h->ic, reg, codes[i], "scjg", &out, h->err);
		yc_buf_release(&out);
	}
	return rc;
}

void hist_inspections_free(struct hist *h)
{
	if (h->ic)
		h->ic->draws = NULL;
	if (h->insp)
		free(h->insp->p);
	free(h->insp);
	h->insp = NULL;
}

/* A plan made, committed at 9:00 and drawn at 10:00 with two witnesses; its tasks pending. */
static int run_plan(struct hist *h, int32_t day, const char *name, const char *const *depts,
		    int ndepts, const char *const *items, int nitems, const char *industry,
		    const char *region, const int ratios[4])
{
	const yc_user *reg;
	int rc = hist_staff_user(h, "approver-scjg", &reg);
	if (rc)
		return rc;
	cJSON *body = cJSON_CreateObject();
	cJSON *d = cJSON_AddArrayToObject(body, "departments"),
	      *it = cJSON_AddArrayToObject(body, "items");
	cJSON *ind = cJSON_AddArrayToObject(body, "industries"),
	      *rg = cJSON_AddArrayToObject(body, "regions");
	cJSON *ra = cJSON_AddObjectToObject(body, "ratios");
	for (int i = 0; i < ndepts; i++)
		cJSON_AddItemToArray(d, cJSON_CreateString(depts[i]));
	for (int i = 0; i < nitems; i++)
		cJSON_AddItemToArray(it, cJSON_CreateString(items[i]));
	if (industry[0])
		cJSON_AddItemToArray(ind, cJSON_CreateString(industry));
	if (region[0])
		cJSON_AddItemToArray(rg, cJSON_CreateString(region));
	static const char *const cls[] = {"A", "B", "C", "D"};
	for (int i = 0; i < 4; i++)
		cJSON_AddNumberToObject(ra, cls[i], ratios[i]);
	int y;
	unsigned m, dd;
	yc_civil_from_days(day, &y, &m, &dd);
	char title[200];
	snprintf(title, sizeof(title), "%d年%u月%s", y, m, name);
	cJSON_AddStringToObject(body, "name", title);
	cJSON_AddNumberToObject(body, "team_size", 2);
	yc_buf out;
	yc_buf_init(&out, 0);
	char id[32] = "";
	hist_at(h, hist_ms(h, day, 8 * 60 + 40 + rng_below(&h->insp->rng, 20)));
	rc = insp_plan_check(body, h->err);
	if (!rc)
		rc = insp_plan_create(h->d, h->ic, reg, body, &out, h->err);
	cJSON *made = rc ? NULL : cJSON_Parse(out.data);
	snprintf(id, sizeof(id), "%s", made ? yc_json_str(made, "id") : "");
	cJSON_Delete(made);
	cJSON_Delete(body);
	if (!rc) {
		yc_buf_clear(&out);
		hist_at(h, hist_ms(h, day, 9 * 60 + rng_below(&h->insp->rng, 10)));
		rc = insp_plan_act(h->d, h->ic, reg, id, "commit", NULL, &out, h->err);
	}
	if (!rc) {
		/* the witnesses: a deputy and a business owner, inputs only they chose */
		char a[64], b[64];
		snprintf(a, sizeof(a), "上证指数 %d.%02d", 3000 + rng_below(&h->insp->rng, 500),
			 rng_below(&h->insp->rng, 100));
		snprintf(b, sizeof(b), "骰子 %d %d %d", 1 + rng_below(&h->insp->rng, 6),
			 1 + rng_below(&h->insp->rng, 6), 1 + rng_below(&h->insp->rng, 6));
		cJSON *w = cJSON_CreateObject(), *ws = cJSON_AddArrayToObject(w, "witnesses");
		cJSON *w1 = cJSON_CreateObject(), *w2 = cJSON_CreateObject();
		cJSON_AddStringToObject(w1, "name", "区人大代表");
		cJSON_AddStringToObject(w1, "input", a);
		cJSON_AddStringToObject(w2, "name", "个体私营企业协会代表");
		cJSON_AddStringToObject(w2, "input", b);
		cJSON_AddItemToArray(ws, w1);
		cJSON_AddItemToArray(ws, w2);
		yc_buf_clear(&out);
		hist_at(h, hist_ms(h, day, 10 * 60 + rng_below(&h->insp->rng, 20)));
		rc = insp_plan_act_check("draw", w, h->err);
		if (!rc)
			rc = insp_plan_act(h->d, h->ic, reg, id, "draw", w, &out, h->err);
		cJSON_Delete(w);
	}
	yc_buf_release(&out);
	if (rc)
		return rc;
	h->insp->plans++;
	/* the tasks: inspected over the next weeks by their team's first officer */
	db_stmt *st =
		db_prepare(h->d,
			   "SELECT t.id, i.username FROM insp_tasks t JOIN insp_inspectors i ON"
			   " (t.team = i.cert_no OR t.team LIKE i.cert_no || ';%') WHERE t.plan = ?"
			   " ORDER BY t.position",
			   h->err);
	if (!st)
		return db_failed(h->err);
	db_bind_text(st, 1, id);
	while ((rc = db_step(st, h->err)) == DB_ROW && h->insp->n < PENDING_MAX) {
		struct pending *p = &h->insp->p[h->insp->n++];
		memset(p, 0, sizeof(*p));
		db_col_copy(st, 0, p->task, sizeof(p->task));
		db_col_copy(st, 1, p->member, sizeof(p->member));
		int after = 2 + rng_below(&h->insp->rng, 30);
		int publish = rng_chance(&h->insp->rng, LATE) ? 21 + rng_below(&h->insp->rng, 6)
							      : 2 + rng_below(&h->insp->rng, 15);
		rc = calendar_add_workdays(h->cc->cal, day, after, &p->inspect_day, h->err);
		if (!rc)
			rc = calendar_add_workdays(h->cc->cal, p->inspect_day, publish,
						   &p->publish_day, h->err);
		if (rc == YC_ENOTLOADED) { /* past the calendar's years: never reached */
			yc_err_clear(h->err);
			p->inspect_day = p->publish_day = INT32_MAX;
			rc = 0;
		}
		if (rc)
			break;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int result(struct hist *h, struct pending *p, int32_t day)
{
	const yc_user *who;
	int rc = hist_staff_user(h, p->member, &who);
	if (rc)
		return rc;
	int total = 0, k = 0;
	for (int i = 0; i < COUNT(outcomes); i++)
		total += outcomes[i].weight;
	int w = rng_below(&h->insp->rng, total);
	while (w >= outcomes[k].weight)
		w -= outcomes[k++].weight;
	cJSON *body = cJSON_CreateObject();
	char on[12];
	yc_date_format(day, on, sizeof(on));
	cJSON_AddStringToObject(body, "inspected_on", on);
	cJSON_AddStringToObject(body, "result", outcomes[k].code);
	if (outcomes[k].findings[0])
		cJSON_AddStringToObject(body, "findings", outcomes[k].findings);
	if (!strcmp(outcomes[k].code, "rectify") && rng_chance(&h->insp->rng, MINOR)) {
		cJSON *v = cJSON_AddArrayToObject(body, "violations");
		cJSON_AddItemToArray(
			v, cJSON_CreateString(
				   minor_codes[rng_below(&h->insp->rng, COUNT(minor_codes))]));
	}
	yc_buf out;
	yc_buf_init(&out, 0);
	hist_at(h, hist_ms(h, day, 9 * 60 + rng_below(&h->insp->rng, 7 * 60)));
	rc = insp_task_act_check("result", body, h->err);
	if (!rc)
		rc = insp_task_act(h->d, h->ic, who, p->task, "result", body, &out, h->err);
	yc_buf_release(&out);
	cJSON_Delete(body);
	return rc;
}

static int publish(struct hist *h, struct pending *p, int32_t day)
{
	const yc_user *reg;
	int rc = hist_staff_user(h, "approver-scjg", &reg);
	yc_buf out;
	yc_buf_init(&out, 0);
	hist_at(h, hist_ms(h, day, 16 * 60 + rng_below(&h->insp->rng, 60)));
	if (!rc)
		rc = insp_task_act(h->d, h->ic, reg, p->task, "publish", NULL, &out, h->err);
	yc_buf_release(&out);
	return rc;
}

int hist_inspections_day(struct hist *h, int32_t day, bool work)
{
	if (!h->insp)
		return 0;
	int rc = 0;
	int y;
	unsigned m, d;
	yc_civil_from_days(day, &y, &m, &d);
	int month = y * 12 + (int)m;
	if (work && month != h->insp->month) {
		h->insp->month = month;
		int k = (month + h->insp->plans) % COUNT(monthly);
		static const char *const scjg[] = {"scjg"};
		rc = run_plan(h, day, monthly[k].name, scjg, 1, &monthly[k].item, 1,
			      monthly[k].industry, monthly[k].region, monthly[k].ratios);
		/* each quarter, the restaurants with the health and fire departments */
		if (!rc && (m % 3 == 1 || h->insp->plans == 1)) {
			static const char *const depts[] = {"scjg", "wj", "xf"};
			static const char *const items[] = {"scjg-food-02", "wj-ph-01",
							    "xf-fire-01"};
			static const int ratios[] = {30, 50, 150, 400};
			rc = run_plan(h, day, "餐饮场所联合抽查（进一次门、查多项事）", depts, 3,
				      items, 3, "H62", "", ratios);
		}
	}
	for (int i = 0; !rc && work && i < h->insp->n; i++) {
		struct pending *p = &h->insp->p[i];
		if (p->inspect_day == day)
			rc = result(h, p, day);
		else if (p->publish_day == day && !p->done) {
			rc = publish(h, p, day);
			p->done = true;
		}
	}
	if (!rc && h->now_ms < h->o->end_ms) {
		int64_t count = 0;
		hist_at(h, hist_ms(h, day, 23 * 60 + 25));
		if (h->now_ms < h->o->end_ms)
			rc = insp_escalate_overdue(h->d, h->ic, &count, h->err);
	}
	return rc;
}
