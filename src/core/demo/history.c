/*
 * history.c — the demo district's recent past (see demo.h): the days, the
 * people, the staff, the items and materials. The cases (办件) are
 * history_cases.c; the hall's floor is history_hall.c.
 *
 * Every change is made by the function a request would call (case_prepare,
 * case_submit, case_act, the hall's), as the person who would make it, at
 * the moment it happened: the process clock and the contexts' clocks are set
 * to that moment first (hist_at). So the timeline, the audit chain, the
 * deadlines and the lights are what they would have been. One transaction
 * per day; the jobs the scheduler runs (lapsing corrections, expiring
 * tickets, missed appointments) run at each day's end, and the stored
 * lights are refreshed at the end.
 *
 * Each case draws its fate when filed (most go through on time; some are
 * refused, corrected, withdrawn, accepted with deficiencies, suspended,
 * returned, denied, decided late, or left waiting), and each of its steps
 * is an event at a working time after the last. Events later than the end
 * (now) never happen: that is what leaves recent cases in every state.
 */
#include "history.h"

#include "core/finance/finance.h"
#include "core/procurement/procurement.h"
#include "core/review/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/demo/demo_internal.h"
#include "core/common/ids.h"
#include "core/common/material.h"
#include "core/common/notify.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/* ---- the generator ------------------------------------------------------------ */

uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

int rng_below(struct rng *r, int n)
{
	return (int)(rng_next(r) % (uint64_t)n);
}

bool rng_chance(struct rng *r, int per_mille)
{
	return rng_below(r, 1000) < per_mille;
}

int rng_between(struct rng *r, int lo, int hi)
{
	return lo + rng_below(r, hi - lo + 1);
}

int hist_reserve(struct hist *h, void *array, int n, int *cap, size_t size)
{
	if (n < *cap)
		return 0;
	void *p;
	memcpy(&p, array, sizeof(p));
	int more = *cap ? *cap * 2 : 1024;
	void *q = realloc(p, (size_t)more * size);
	if (!q)
		return yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
	memcpy(array, &q, sizeof(q));
	*cap = more;
	return 0;
}

int demo_span_parse(const char *s)
{
	if (!strcmp(s, "none"))
		return DEMO_HISTORY_NONE;
	if (!strcmp(s, "recent"))
		return DEMO_HISTORY_RECENT;
	if (!strcmp(s, "year"))
		return DEMO_HISTORY_YEAR;
	return -1;
}

/* ---- clocks ------------------------------------------------------------------------ */

void hist_at(struct hist *h, int64_t t)
{
	h->now_ms = t;
	h->cc->now_ms = t;
	h->hc->now_ms = t;
	h->rc->now_ms = t;
	yc_clock_set(t);
}

int64_t hist_ms(const struct hist *h, int32_t day, int minute)
{
	return ((int64_t)day * 1440 + minute - h->cc->tz_offset_min) * 60000;
}

static int64_t local_min(const struct hist *h, int64_t ms)
{
	return ms / 60000 + h->cc->tz_offset_min;
}

/* The moment `minutes` working minutes after t, plus a few seconds. */
int64_t hist_after_work(struct hist *h, int64_t t, int minutes)
{
	int64_t out = 0;
	if (calendar_add_workminutes(h->cc->cal, local_min(h, t), minutes, &out, NULL))
		return t + (int64_t)minutes * 60000;
	return (out - h->cc->tz_offset_min) * 60000 + rng_below(&h->rng, 60) * 1000;
}

/* ---- people ----------------------------------------------------------------------- */

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄",
				       "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
				       "何", "郭", "马", "罗", "梁", "宋", "郑", "谢",
				       "韩", "唐", "冯", "于", "董", "萧", "程", "曹"};
static const char *const given[] = {"伟",   "芳",   "娜",   "秀英", "敏",   "静",   "丽",   "强",
				    "磊",   "军",   "洋",   "勇",   "艳",   "杰",   "娟",   "涛",
				    "明",   "超",   "秀兰", "霞",   "平",   "刚",   "桂英", "建华",
				    "海燕", "志强", "晓东", "玉兰", "文博", "子涵", "浩然", "雨桐",
				    "欣怡", "俊杰", "梓萱", "宇航", "思远", "佳怡", "振华", "德胜"};
const char *const hist_firm_words[] = {"海洋", "蓝天", "华信", "鑫源", "恒泰", "瑞丰",
				       "宏达", "远航", "金桥", "博远", "泰和", "新城",
				       "融通", "嘉禾", "盛世", "启明", "东港", "齐鲁"};
const char *const hist_firm_trades[] = {"科技", "食品", "机械", "商贸",	    "建材", "医疗器械",
					"水产", "电子", "物流", "文化传媒", "轮胎", "服装"};
const char *const hist_streets[] = {"齐鲁大道", "青岛路", "海滨路", "珠海路", "香港路",
				    "深圳路",	"崮山路", "泊于路", "皇冠路", "凤林路"};

void hist_person_name(struct hist *h, char *out, size_t size)
{
	snprintf(out, size, "%s%s", surnames[rng_below(&h->rng, 32)],
		 given[rng_below(&h->rng, 40)]);
}

/* The n-th person's numbers: n is in each of them, so no two people share one (n < 1000). */
static void phone_number(struct hist *h, int n, char out[12])
{
	static const char *const prefixes[] = {"133", "135", "136", "137", "138",
					       "139", "150", "158", "186", "189"};
	snprintf(out, 12, "%s%05d%03d", prefixes[rng_below(&h->rng, 10)],
		 rng_below(&h->rng, 100000), n);
}

/* A resident ID of the district (371002…), born 1950–2004, with its check character. */
void hist_resident_id(struct hist *h, int n, char out[19])
{
	char first[18];
	snprintf(first, sizeof(first), "371002%04d%02d%02d%03d", rng_between(&h->rng, 1950, 2004),
		 rng_between(&h->rng, 1, 12), rng_between(&h->rng, 1, 28), n);
	snprintf(out, 19, "%s%c", first, ids_resident_check(first));
}

void hist_credit_code(struct hist *h, int n, char out[19])
{
	char first[18];
	snprintf(first, sizeof(first), "91371000MA%04d%03d", rng_below(&h->rng, 10000), n);
	snprintf(out, 19, "%s%c", first, ids_uscc_check(first));
}

/* The people who file: applicant1 and business1, and residents and firms with accounts. */
static int people_create(struct hist *h)
{
	char hash[YC_PASSWORD_HASH_MAX];
	int rc = account_hash_password(DEMO_PASSWORD, hash, h->err);
	if (rc)
		return rc;
	h->npeople = 2 + HIST_PERSONS + HIST_FIRMS;
	h->people = calloc((size_t)h->npeople, sizeof(*h->people));
	if (!h->people)
		return yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
	for (int i = 0; i < h->npeople && !rc; i++) {
		struct hist_person *p = &h->people[i];
		char username[40], name[128], id[19];
		if (i < 2) {
			snprintf(username, sizeof(username), "%s", i ? "business1" : "applicant1");
		} else {
			bool firm = i >= 2 + HIST_PERSONS;
			if (firm) {
				snprintf(username, sizeof(username), "business-%03d",
					 i - 1 - HIST_PERSONS);
				snprintf(name, sizeof(name), "威海%s%s有限公司",
					 hist_firm_words[rng_below(&h->rng, 18)],
					 hist_firm_trades[rng_below(&h->rng, 12)]);
				hist_credit_code(h, i, id);
			} else {
				snprintf(username, sizeof(username), "applicant-%03d", i - 1);
				hist_person_name(h, name, sizeof(name));
				hist_resident_id(h, i, id);
			}
			phone_number(h, i, p->phone);
			rc = demo_account(h->d, hash, username, "applicant", name,
					  firm ? "business" : "person", id, p->phone, NULL, NULL,
					  h->err);
		}
		if (!rc)
			rc = account_find(h->d, username, &p->user, h->err);
		struct account_contact ct;
		if (!rc && !(rc = account_contact(h->d, p->user.id, &ct, h->err)))
			snprintf(p->phone, sizeof(p->phone), "%s", ct.phone);
	}
	return rc;
}

/* The person's whole contact, as they give it at a window. */
int hist_person_contact(struct hist *h, const struct hist_person *p, cJSON *applicant)
{
	struct account_contact ct;
	int rc = account_contact(h->d, p->user.id, &ct, h->err);
	if (rc)
		return rc;
	cJSON_AddStringToObject(applicant, "kind", ct.kind);
	cJSON_AddStringToObject(applicant, "name", ct.name);
	cJSON_AddStringToObject(applicant, "id_number", ct.id_number);
	cJSON_AddStringToObject(applicant, "phone", ct.phone);
	return 0;
}

/* ---- staff ------------------------------------------------------------------------ */

int hist_staff_user(struct hist *h, const char *username, const yc_user **out)
{
	for (int i = 0; i < h->nstaff; i++)
		if (!strcmp(h->staff[i].username, username)) {
			*out = &h->staff[i];
			return 0;
		}
	yc_user u;
	int rc = account_find(h->d, username, &u, h->err);
	if (rc)
		return rc;
	int slot = h->nstaff < HIST_STAFF ? h->nstaff++ : HIST_STAFF - 1;
	h->staff[slot] = u;
	*out = &h->staff[slot];
	return 0;
}

/* ---- items ------------------------------------------------------------------------ */

/* How often each item is asked for, by its department (the seed's year: real estate and
 * enterprise establishment lead, 3,821 new businesses in the year). */
static int item_weight(const cJSON *doc)
{
	const char *code = yc_json_str(doc, "code"), *dept = yc_json_str(doc, "department");
	if (!strcmp(code, "371091201011077000"))
		return 0; /* 网上立案: the court's filings have their own history (history_courts.c)
			   */
	if (!strncmp(code, "371091051005035", 15) || !strncmp(code, "371091051005036", 15) ||
	    !strncmp(code, "371091051005037", 15) || !strncmp(code, "371091051005038", 15) ||
	    !strncmp(code, "371091051005039", 15))
		return 0; /* 应急转贷 and 惠企资金: their firms apply on their days
			     (history_finance.c) */
	if (!strcmp(code, "371091011001007000"))
		return 12; /* 企业设立登记 alone: 3 a day; 12 more come with 企业开办
			      (hist_plan_runs) */
	if (!strcmp(dept, "bdc"))
		return 6;
	if (!strcmp(dept, "xzsp") || !strcmp(dept, "rs") || !strcmp(dept, "yb") ||
	    !strcmp(dept, "sw") || !strcmp(dept, "gjj"))
		return 4;
	if (!strcmp(dept, "mz") || !strcmp(dept, "wj") || !strcmp(dept, "crj"))
		return 3;
	return 1;
}

static int items_load(struct hist *h)
{
	const char *text = demo_file("district.json");
	if (!text)
		return yc_err_set(h->err, YC_EINTERNAL, NULL,
				  "the demo h->district is not built in");
	int rc = yc_json_parse(text, strlen(text), &h->district, h->err);
	if (rc)
		return rc;
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(h->district, "items");
	h->nitems = cJSON_GetArraySize(list);
	h->items = calloc((size_t)h->nitems, sizeof(*h->items));
	if (!h->items)
		return yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
	int i = 0;
	const cJSON *doc;
	cJSON_ArrayForEach (doc, list) {
		struct hist_item *it = &h->items[i++];
		it->doc = doc;
		it->weight = item_weight(doc);
		h->total_weight += it->weight;
		const cJSON *lim = cJSON_GetObjectItemCaseSensitive(doc, "promised_limit");
		it->limit = (int)yc_json_int(lim, "value", 0);
		it->hours = !strcmp(yc_json_str(lim, "unit") ? yc_json_str(lim, "unit") : "",
				    "workhour");
		it->nsteps = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "steps"));
		it->commitment = yc_json_bool(doc, "commitment", false);
		it->window_only =
			cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "delivery")) == 1;
	}
	return 0;
}

int hist_item_pick(struct hist *h)
{
	int r = rng_below(&h->rng, h->total_weight);
	for (int i = 0; i < h->nitems; i++) {
		if (r < h->items[i].weight)
			return i;
		r -= h->items[i].weight;
	}
	return h->nitems - 1;
}

/* ---- materials --------------------------------------------------------------------- */

/* The clerks who take walk-in cases: clerk1 and the 综合受理 windows 31–64 (clerk_for). */

/* A few small scanned documents, stored once each (materials are stored per content). */
static int materials_store(struct hist *h)
{
	for (int i = 0; i < HIST_PDFS; i++) {
		char pdf[256];
		int n = snprintf(
			pdf, sizeof(pdf),
			"%%PDF-1.4\n%% yichuang demo scan %d\n1 0 obj << /Type /Catalog >> "
			"endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n",
			i + 1);
		/* each who files with it (the people, the 综合受理 clerks) has uploaded it */
		for (int p = 0; p < h->npeople; p++) {
			int rc = material_store(h->d, (const unsigned char *)pdf, (size_t)n, "pdf",
						h->people[p].user.id, h->pdf_sha[i], h->err);
			if (rc)
				return rc;
		}
		for (int k = 0; k < INTAKE_CLERKS + HIST_OUTLETS; k++) {
			char username[16];
			if (k >=
			    INTAKE_CLERKS) /* the bank outlets' seats scan what they file too */
				snprintf(username, sizeof(username), "bank-%d",
					 k - INTAKE_CLERKS + 1);
			else
				snprintf(username, sizeof(username), k ? "clerk-%d" : "clerk1",
					 30 + k);
			const yc_user *clerk;
			int rc = hist_staff_user(h, username, &clerk);
			if (!rc)
				rc = material_store(h->d, (const unsigned char *)pdf, (size_t)n,
						    "pdf", clerk->id, h->pdf_sha[i], h->err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* The day's new cases: walk-ins in opening hours, online ones from morning to late evening. */
static int plan_day(struct hist *h, int32_t day)
{
	/* busier early in the week, as halls are */
	static const int by_weekday[8] = {0, 130, 115, 110, 105, 95, 30, 20};
	int base = h->o->span == DEMO_HISTORY_YEAR ? 110 : 110;
	int n = base * by_weekday[yc_weekday(day)] / 110;
	n += rng_between(&h->rng, -n / 8, n / 8);
	int starts[8], ends[8];
	int spans = calendar_spans(h->cc->cal, starts, ends, 8);
	for (int i = 0; i < n; i++) {
		bool online = rng_chance(&h->rng, 380);
		int minute;
		if (online || spans <= 0) {
			minute = rng_between(&h->rng, 7 * 60, 23 * 60);
		} else {
			int s = rng_below(&h->rng, spans);
			minute = rng_between(&h->rng, starts[s], ends[s] - 1);
		}
		int64_t t = hist_ms(h, day, minute) + rng_below(&h->rng, 60) * 1000;
		int rc = hist_case_new(h, t, online);
		if (rc)
			return rc;
	}
	/* the processes filed as one application (一件事一次办, history_processes.c) */
	return hist_plan_runs(h, day, by_weekday[yc_weekday(day)] * 100 / 110);
}

static void history_release(struct hist *h)
{
	free(h->people);
	hist_cases_free(h);
	free(h->heap);
	free(h->runs);
	cJSON_Delete(h->processes);
	free(h->items);
	cJSON_Delete(h->district);
	hist_hall_free(h);
	hist_reviews_free(h);
	hist_inspections_free(h);
	hist_finance_free(h);
	hist_procurement_free(h);
	hist_courts_free(h);
	hist_fdi_free(h);
	hist_smart_free(h);
}

int demo_history_plan(calendar *cal, int tz_offset_min, struct demo_history *o, yc_err *err)
{
	if (!o->end_ms)
		o->end_ms = yc_now_ms();
	int32_t last = (int32_t)((o->end_ms / 60000 + tz_offset_min) / 1440);
	bool work = false;
	int rc = calendar_is_workday(cal, last, &work, err);
	/* a past cannot be written on days nobody can count: end with the last loaded year */
	for (int back = 0; rc == YC_ENOTLOADED && back < 400; back++) {
		yc_err_clear(err);
		rc = calendar_is_workday(cal, --last, &work, err);
		o->end_ms = ((int64_t)(last + 1) * 1440 - tz_offset_min) * 60000;
		o->ends_early = true;
	}
	if (!rc && o->span == DEMO_HISTORY_YEAR) {
		/*
		 * one whole calendar year, the last to have ended by the end: the year a report
		 * counts (docs/report.md), from 1 January to the midnight after 31 December
		 */
		int32_t end_day = (int32_t)((o->end_ms / 60000 + tz_offset_min) / 1440);
		int y;
		unsigned m, dd;
		yc_civil_from_days(end_day, &y, &m, &dd);
		o->first_day = yc_days_from_civil(y - 1, 1, 1);
		o->end_ms = ((int64_t)yc_days_from_civil(y, 1, 1) * 1440 - tz_offset_min) * 60000;
		o->ends_early = false;
		return calendar_is_workday(cal, o->first_day, &work, err);
	}
	/* back to the first of 60 working days, the last day counting when it is one */
	int want = 60, n = work;
	o->first_day = last;
	while (!rc && n < want) {
		rc = calendar_is_workday(cal, --o->first_day, &work, err);
		n += work;
	}
	return rc;
}

int demo_history_write(db *d, struct case_ctx *cc, struct hall_ctx *hc, struct review_ctx *rvc,
		       struct insp_ctx *ic, struct fin_ctx *fc, struct proc_ctx *pc,
		       struct court_ctx *kc, struct cert_ctx *certs, struct demo_history *o,
		       yc_err *err)
{
	if (o->span == DEMO_HISTORY_NONE)
		return 0;
	struct hist h = {.d = d,
			 .cc = cc,
			 .hc = hc,
			 .rc = rvc,
			 .ic = ic,
			 .fc = fc,
			 .pc = pc,
			 .kc = kc,
			 .certs = certs,
			 .o = o,
			 .err = err};
	h.rng.s = o->seed;
	/* the callback sampler draws from the seed too: the same seed, the same callbacks */
	uint64_t draws = o->seed ^ 0x6a09e667f3bcc908ULL;
	rvc->draws = &draws;
	/* the day of the last moment before the end (an end at midnight ends the day before) */
	int32_t first = o->first_day;
	int32_t last = (int32_t)(((o->end_ms - 1) / 60000 + cc->tz_offset_min) / 1440);
	/* the people and their papers exist the evening before the first day */
	hist_at(&h, hist_ms(&h, first - 1, 18 * 60));
	int rc = db_begin(d, err);
	if (rc)
		return rc;
	rc = people_create(&h);
	if (!rc)
		rc = items_load(&h);
	if (!rc)
		rc = materials_store(&h);
	if (!rc)
		rc = hist_hall_setup(&h);
	if (!rc)
		rc = hist_reviews_setup(&h);
	if (!rc)
		rc = hist_inspections_setup(&h);
	if (!rc)
		rc = hist_finance_setup(&h, first, last);
	if (!rc)
		rc = hist_procurement_setup(&h);
	if (!rc)
		rc = hist_courts_setup(&h, first, last);
	if (!rc)
		rc = hist_fdi_setup(&h, first, last);
	if (!rc)
		rc = hist_smart_setup(&h);
	if (!rc)
		rc = db_commit(d, err);
	else
		db_rollback(d);
	for (int32_t day = first; !rc && day <= last; day++) {
		bool work = false;
		if ((rc = calendar_is_workday(cc->cal, day, &work, err)) || (rc = db_begin(d, err)))
			break;
		if (work) {
			o->days++;
			hist_at(&h, hist_ms(&h, day, 7 * 60));
			rc = plan_day(&h, day);
			/* appointments are booked a few working days ahead */
			for (int ahead = 1; !rc && ahead <= 5; ahead++) {
				int32_t for_day;
				rc = calendar_add_workdays(cc->cal, day, ahead, &for_day, err);
				if (!rc)
					rc = hist_hall_book(&h, day, for_day);
				if (rc == YC_ENOTLOADED) /* no slots in an unknown year */
					rc = 0, yc_err_clear(err);
			}
			if (!rc)
				rc = hist_hall_day(&h, day, hist_step_cases);
		}
		int64_t end_of_day = hist_ms(&h, day + 1, 0);
		if (!rc)
			rc = hist_step_cases(&h, end_of_day < o->end_ms ? end_of_day : o->end_ms);
		/* 好差评: yesterday's services rated, the departments' steps on their orders */
		if (!rc)
			rc = hist_reviews_day(&h, day, work);
		/* 双随机: the month's draw, the teams' results, publication */
		if (!rc)
			rc = hist_inspections_day(&h, day, work);
		/* 应急转贷: applications on their days, then disbursement, renewal, repayment */
		if (!rc)
			rc = hist_finance_day(&h, day, work);
		/* 政府采购: award notices, signing, filing */
		if (!rc)
			rc = hist_procurement_day(&h, day, work);
		/* 分调裁审: filings, mediations ended, cases closed */
		if (!rc)
			rc = hist_courts_day(&h, day, work);
		/* 外商投资: changes and deregistrations of foreign-invested firms */
		if (!rc)
			rc = hist_fdi_day(&h, day, work);
		/* 存量证照电子化: the afternoon's batches of paper licences */
		if (!rc)
			rc = hist_certs_day(&h, day, work);
		/* the watch, the 24-hour terminal, the guide's unanswered questions */
		if (!rc)
			rc = hist_smart_day(&h, day, work);
		/* the scheduler's nightly work, as it would have run */
		int64_t night = hist_ms(&h, day, 23 * 60 + 30);
		if (!rc && night < o->end_ms) {
			int64_t count = 0;
			hist_at(&h, night);
			rc = case_lapse_corrections(d, cc, &count, err);
			if (!rc)
				rc = hall_expire_tickets(d, hc, &count, err);
			if (!rc)
				rc = hall_sweep_appointments(d, hc, &count, err);
			if (!rc)
				rc = review_order_lights(d, rvc, &count, err);
			if (!rc && fc)
				rc = fin_mark_overdue(d, fc, &count, err);
			if (!rc && pc)
				rc = proc_escalate(d, pc, &count, err);
		}
		if (!rc)
			rc = notify_settle(d, h.now_ms + 1, err);
		if (!rc)
			rc = db_commit(d, err);
		else
			db_rollback(d);
	}
	/* now: the lights as the job would store them */
	if (!rc) {
		int64_t changed = 0;
		hist_at(&h, o->end_ms);
		rc = db_begin(d, err);
		if (!rc)
			rc = case_refresh_lights(d, cc, &changed, err);
		if (!rc)
			rc = review_order_lights(d, rvc, &changed, err);
		if (!rc)
			rc = notify_settle(d, o->end_ms + 1, err);
		if (!rc)
			rc = db_commit(d, err);
		else
			db_rollback(d);
	}
	hist_at(&h, 0);
	rvc->draws = NULL;
	history_release(&h);
	return rc;
}
