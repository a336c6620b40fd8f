/*
 * history_procurement.c — the budget units' procurement contracts in the demo.
 *
 * Each working day the units record none, one or two award notices; its
 * contract is signed one to nine working days later (one in sixteen past the
 * ten-day limit, with the reason recorded first), filed with the finance
 * department one to six working days after that (one in twenty-five late),
 * and a small firm's contract often gets a 30% advance payment. Suppliers come
 * from the market-entity roster, so the bid deposit waiver follows their credit
 * class. Its own random stream: the cases' history does not move. Everything
 * goes through core/procurement's calls as the unit's page makes them.
 */
#include "history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar/calendar.h"
#include "core/case/case.h"
#include "core/procurement/procurement.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
	const char *unit, *projects[3];
} units[] = {
	{"jy", {"中小学教学设备采购", "校园安防系统升级", "学生课桌椅采购"}},
	{"wj", {"社区卫生服务中心医疗设备采购", "疫苗冷链设备采购", "卫生监督执法记录仪采购"}},
	{"zj", {"老旧小区改造监理服务", "市政道路维修工程", "住房保障信息系统运维"}},
	{"jt", {"公交候车亭维护", "交通标志标线施工", "道路巡查车辆租赁"}},
	{"mz", {"养老服务中心物业服务", "社区服务设施改造", "婚姻登记档案数字化"}},
	{"xzsp", {"政务服务中心物业服务", "自助服务终端采购", "政务服务中心导视系统"}},
	{"czjr", {"财政业务一体化平台运维", "办公设备采购", "会计档案数字化服务"}},
};
static const char *const methods[] = {"公开招标", "竞争性磋商", "询价", "竞争性谈判", "框架协议"};

struct pending {
	char id[24], unit[16];
	int32_t sign_day, file_day;
	bool late_sign, late_file, explained, signed_, sme;
};

struct hist_proc {
	struct rng rng;
	struct pending *p;
	int n, cap;
	int64_t entities;
};

void hist_procurement_free(struct hist *h)
{
	if (h->proc) {
		free(h->proc->p);
		free(h->proc);
		h->proc = NULL;
	}
}

int hist_procurement_setup(struct hist *h)
{
	if (!h->pc)
		return 0;
	if (!(h->proc = calloc(1, sizeof(*h->proc))))
		return yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
	h->proc->rng.s = h->o->seed ^ 0x3c6ef372fe94f82bULL;
	int rc = db_get(h->d, h->err, "SELECT COUNT(*) FROM insp_entities WHERE state = 'active'",
			"", "i", &h->proc->entities);
	return rc < 0 ? rc : 0;
}

static int add_days(struct hist *h, int32_t from, int n, int32_t *out)
{
	int rc = calendar_add_workdays(h->cc->cal, from, n, out, h->err);
	if (rc == YC_ENOTLOADED) { /* past the calendar: never */
		yc_err_clear(h->err);
		*out = INT32_MAX;
		rc = 0;
	}
	return rc;
}

static int call(struct hist *h, const char *who, const char *id, const char *action, cJSON *body)
{
	const yc_user *u;
	int rc = hist_staff_user(h, who, &u);
	yc_buf out;
	yc_buf_init(&out, 0);
	if (!rc)
		rc = id ? proc_act_check(action, body, h->err) : proc_create_check(body, h->err);
	if (!rc)
		rc = id ? proc_act(h->d, h->pc, u, id, action, body, &out, h->err)
			: proc_create(h->d, h->pc, u, body, &out, h->err);
	if (!rc && !id) {
		cJSON *j = cJSON_ParseWithLength(out.data, out.len);
		snprintf(h->proc->p[h->proc->n].id, sizeof(h->proc->p[0].id), "%s",
			 yc_json_str(j, "id") ? yc_json_str(j, "id") : "");
		cJSON_Delete(j);
	}
	if (rc)
		yc_err_prefix(rc, h->err, "demo history, procurement %s %s", id ? id : "new",
			      action);
	yc_buf_release(&out);
	cJSON_Delete(body);
	return rc;
}

static int award(struct hist *h, int32_t day)
{
	struct hist_proc *p = h->proc;
	int rc = hist_reserve(h, &p->p, p->n, &p->cap, sizeof(*p->p));
	if (rc)
		return rc;
	memset(&p->p[p->n], 0, sizeof(p->p[0]));
	int u = rng_below(&p->rng, COUNT(units));
	char code[24] = "", name[200] = "威海经区某某有限公司", on[12], no[40], who[40];
	if (p->entities > 0 &&
	    (rc = db_get(h->d, h->err,
			 "SELECT credit_code, name FROM insp_entities WHERE state = 'active'"
			 " ORDER BY credit_code LIMIT 1 OFFSET ?",
			 "i", "tt", (int64_t)rng_below(&p->rng, (int)p->entities), code,
			 sizeof(code), name, sizeof(name))) < 0)
		return rc;
	if (!code[0])
		return 0; /* no roster: no suppliers */
	yc_date_format(day, on, sizeof(on));
	snprintf(no, sizeof(no), "JQCG-%s-%03d", on, p->n + 1);
	int amount = rng_between(&p->rng, 5, 500) * 10000;
	bool sme = rng_chance(&p->rng, 600);
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "project", units[u].projects[rng_below(&p->rng, 3)]);
	cJSON_AddStringToObject(b, "project_no", no);
	cJSON_AddStringToObject(b, "method", methods[rng_below(&p->rng, COUNT(methods))]);
	cJSON_AddStringToObject(b, "supplier_code", code);
	cJSON_AddStringToObject(b, "supplier", name);
	cJSON_AddBoolToObject(b, "sme", sme);
	cJSON_AddNumberToObject(b, "amount", amount);
	cJSON_AddNumberToObject(b, "deposit", amount / 100);
	cJSON_AddStringToObject(b, "awarded_on", on);
	snprintf(who, sizeof(who), "approver-%s", units[u].unit);
	if ((rc = call(h, who, NULL, "award", b)))
		return rc;
	struct pending *x = &p->p[p->n];
	snprintf(x->unit, sizeof(x->unit), "%s", units[u].unit);
	x->sme = sme;
	x->late_sign = rng_chance(&p->rng, 62);
	if ((rc = add_days(h, day,
			   x->late_sign ? rng_between(&p->rng, 11, 13) : rng_between(&p->rng, 1, 9),
			   &x->sign_day)))
		return rc;
	x->file_day = INT32_MAX;
	p->n++;
	return 0;
}

static cJSON *on_body(int32_t day)
{
	char on[12];
	yc_date_format(day, on, sizeof(on));
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "on", on);
	return b;
}

int hist_procurement_day(struct hist *h, int32_t day, bool work)
{
	struct hist_proc *p = h->proc;
	if (!p || !work)
		return 0;
	hist_at(h, hist_ms(h, day, 15 * 60 + 10));
	int rc = 0;
	char who[40];
	for (int i = 0; !rc && i < p->n; i++) {
		struct pending *x = &p->p[i];
		snprintf(who, sizeof(who), "approver-%s", x->unit);
		if (!x->signed_ && x->late_sign && !x->explained && day >= x->sign_day - 3) {
			x->explained = true;
			cJSON *b = cJSON_CreateObject();
			cJSON_AddStringToObject(b, "reason",
						"供应商法定代表人变更，待授权委托书到位后签订");
			rc = call(h, who, x->id, "explain", b);
		} else if (!x->signed_ && day >= x->sign_day) {
			if ((rc = call(h, who, x->id, "sign", on_body(day))))
				break;
			x->signed_ = true;
			bool late = rng_chance(&p->rng, 40);
			rc = add_days(h, day,
				      late ? rng_between(&p->rng, 8, 9)
					   : rng_between(&p->rng, 1, 6),
				      &x->file_day);
			if (!rc && x->sme && rng_chance(&p->rng, 700)) {
				cJSON *b = on_body(day);
				cJSON_AddNumberToObject(b, "percent", 30);
				rc = call(h, who, x->id, "advance", b);
			}
		} else if (x->signed_ && day == x->file_day) {
			cJSON *b = on_body(day);
			if (x->late_file)
				cJSON_AddStringToObject(b, "reason", "备案材料补正");
			rc = call(h, "approver-czjr", x->id, "file", b);
		}
	}
	/* none, one or two award notices a working day */
	for (int k = rng_below(&p->rng, 3); !rc && k > 0; k--)
		rc = award(h, day);
	return rc;
}
