/*
 * history_certs.c — 存量证照电子化 in the demo's past: on each working day the departments
 * convert a batch of each type of their paper licences still in force, through
 * cert_convert as the conversion page sends them (its approver, its checks, its signing).
 *
 * The seed's year issued 221,900 electronic certificates; the year's approvals issue about
 * 16,300 of them (history_cases.c), the stock the rest: 205,600 over its working days,
 * shared by type as the district holds them — homes and businesses most. A recent past
 * converts a hundredth as much, enough for the screens.
 */
#include "history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/certificate/certificate.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

enum { YEAR_STOCK = 205600, YEAR_DAYS = 249, RECENT_SHARE = 100 };

static const struct stock {
	const char *type, *approver;
	int share;	 /* per mille of the day's conversions */
	int valid_years; /* 0: 长期 */
	bool person;	 /* held by a resident, else by a firm */
	const char *number; /* the paper's number: a printf pattern of the issue year and a serial */
	const char *field, *const values[4]; /* the type's main field and what it says */
} stock[] = {
	{"realestate-certificate", "approver-bdc", 560, 0, true, "鲁%d不动产权第%07lld号", "登记类型",
	 {"首次登记", "转移登记", "转移登记", "变更登记"}},
	{"business-licence", "approver1", 330, 0, false, "YZ%d%010lld", "类型",
	 {"有限责任公司", "有限责任公司（自然人独资）", "个人独资企业", "股份有限公司"}},
	{"food-business-licence", "approver1", 50, 5, false, "JY2%d%08lld", "经营项目",
	 {"预包装食品销售", "热食类食品制售", "预包装食品销售，散装食品销售", "冷食类食品制售"}},
	{"public-health-licence", "approver1", 30, 4, false, "卫公%d第%07lld号", "许可项目",
	 {"理发店、美容店", "宾馆", "沐浴场所", "游泳场所"}},
	{"drug-retail-licence", "approver1", 15, 5, false, "鲁DB%d%07lld", "经营范围",
	 {"中成药、化学药制剂、抗生素制剂", "中药饮片、中成药", "化学药制剂、生物制品", "中成药"}},
	{"construction-permit", "approver1", 15, 0, false, "371091%d%08lld", "工程说明",
	 {"厂房新建工程", "住宅楼新建工程", "办公楼改建工程", "仓储用房新建工程"}},
};
enum { NSTOCK = sizeof(stock) / sizeof(stock[0]) };

static const char *const firm_words[] = {"海川", "经纬", "蓝港", "华夏", "泰和", "信达",
					 "鑫源", "凯旋", "恒远", "东升", "福瑞", "瑞丰"};
static const char *const firm_trades[] = {"商贸", "科技", "餐饮", "建材", "物流", "医药",
					  "酒店管理", "电子"};

/* One paper licence of s, issued in force at day (today): its record as the page sends it. */
static cJSON *paper(struct hist *h, const struct stock *s, int32_t today)
{
	cJSON *r = cJSON_CreateObject();
	char holder[96], id[19], number[64], on[16], until[16];
	int serial = (int)(h->papers % 1000);
	if (s->person) {
		hist_person_name(h, holder, sizeof(holder));
		hist_resident_id(h, serial, id);
	} else {
		snprintf(holder, sizeof(holder), "威海%s%s有限公司",
			 firm_words[rng_below(&h->rng, 12)], firm_trades[rng_below(&h->rng, 8)]);
		hist_credit_code(h, serial, id);
	}
	/* issued some years back: well within its validity (the day of the month is kept to the
	 * 28th), so still in force today */
	int back = s->valid_years ? rng_below(&h->rng, s->valid_years * 365 - 10) + 1
				  : rng_between(&h->rng, 30, 25 * 365);
	int32_t issued = today - back;
	int y;
	unsigned m, d;
	yc_civil_from_days(issued, &y, &m, &d);
	yc_date_format(issued, on, sizeof(on));
	if (s->valid_years)
		yc_date_format(yc_days_from_civil(y + s->valid_years, m, d > 28 ? 28 : d) - 1, until,
			       sizeof(until));
	else
		snprintf(until, sizeof(until), "长期");
	snprintf(number, sizeof(number), s->number, y, (long long)++h->papers);
	cJSON_AddStringToObject(r, "holder", holder);
	cJSON_AddStringToObject(r, "holder_id", id);
	cJSON_AddStringToObject(r, "number", number);
	cJSON_AddStringToObject(r, "issued_on", on);
	cJSON_AddStringToObject(r, "valid_until", until);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "fields"), s->field,
				s->values[rng_below(&h->rng, 4)]);
	return r;
}

static int convert(struct hist *h, const struct stock *s, int n, int32_t today)
{
	const yc_user *u;
	int rc = hist_staff_user(h, s->approver, &u);
	if (rc)
		return rc;
	cJSON *body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "type", s->type);
	cJSON *records = cJSON_AddArrayToObject(body, "records");
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(records, paper(h, s, today));
	rc = cert_convert_check(body, h->err);
	if (!rc)
		rc = cert_convert(h->d, h->certs, u, body, NULL, h->err);
	if (rc)
		yc_err_prefix(rc, h->err, "demo history, converting %s", s->type);
	cJSON_Delete(body);
	return rc;
}

int hist_certs_day(struct hist *h, int32_t day, bool work)
{
	if (!h->certs || !work)
		return 0;
	/* in the afternoon, when the archive's batch is keyed in */
	hist_at(h, hist_ms(h, day, 15 * 60 + rng_below(&h->rng, 120)));
	int per_day = YEAR_STOCK / YEAR_DAYS;
	if (h->o->span != DEMO_HISTORY_YEAR)
		per_day /= RECENT_SHARE;
	int rc = 0;
	for (int k = 0; !rc && k < NSTOCK; k++) {
		int milli = per_day * stock[k].share;
		int n = milli / 1000 + (rng_below(&h->rng, 1000) < milli % 1000);
		while (!rc && n > 0) {
			int batch = n < CERT_CONVERT_MAX ? n : CERT_CONVERT_MAX;
			rc = convert(h, &stock[k], batch, day);
			n -= batch;
		}
	}
	return rc;
}
