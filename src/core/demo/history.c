/*
 * history.c — the demo district's recent past (see demo.h): the days, the
 * people, and the cases (办件). The hall's floor is history_hall.c.
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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/demo/demo_internal.h"
#include "core/ids.h"
#include "core/material.h"
#include "core/notify.h"
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
static int64_t after_work(struct hist *h, int64_t t, int minutes)
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
static const char *const firm_words[] = {"海洋", "蓝天", "华信", "鑫源", "恒泰", "瑞丰",
					 "宏达", "远航", "金桥", "博远", "泰和", "新城",
					 "融通", "嘉禾", "盛世", "启明", "东港", "齐鲁"};
static const char *const firm_trades[] = {"科技", "食品", "机械", "商贸",     "建材", "医疗器械",
					  "水产", "电子", "物流", "文化传媒", "轮胎", "服装"};
static const char *const streets[] = {"齐鲁大道", "青岛路", "海滨路", "珠海路", "香港路",
				      "深圳路",	  "崮山路", "泊于路", "皇冠路", "凤林路"};

enum { HIST_PERSONS = 260, HIST_FIRMS = 80 };

static void person_name(struct hist *h, char *out, size_t size)
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
static void resident_id(struct hist *h, int n, char out[19])
{
	char first[18];
	snprintf(first, sizeof(first), "371002%04d%02d%02d%03d", rng_between(&h->rng, 1950, 2004),
		 rng_between(&h->rng, 1, 12), rng_between(&h->rng, 1, 28), n);
	snprintf(out, 19, "%s%c", first, ids_resident_check(first));
}

static void credit_code(struct hist *h, int n, char out[19])
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
					 firm_words[rng_below(&h->rng, 18)],
					 firm_trades[rng_below(&h->rng, 12)]);
				credit_code(h, i, id);
			} else {
				snprintf(username, sizeof(username), "applicant-%03d", i - 1);
				person_name(h, name, sizeof(name));
				resident_id(h, i, id);
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
static int person_contact(struct hist *h, const struct hist_person *p, cJSON *applicant)
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

static int staff_user(struct hist *h, const char *username, const yc_user **out)
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

struct hist_item {
	const cJSON *doc;
	int weight;
	bool hours; /* the promised limit counts working hours */
	int limit;  /* promised limit in its unit */
	int nsteps;
	bool commitment;
	bool window_only; /* delivered at the window only */
};

/* How often each item is asked for, by its department (the seed's year: real estate and
 * enterprise establishment lead, 3,821 new businesses in the year). */
static int item_weight(const cJSON *doc)
{
	const char *code = yc_json_str(doc, "code"), *dept = yc_json_str(doc, "department");
	if (!strcmp(code, "371091011001007000"))
		return 60; /* 企业设立登记: about 15 a working day */
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

static int item_pick(struct hist *h)
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
enum { INTAKE_CLERKS = 35 };

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
		for (int k = 0; k < INTAKE_CLERKS; k++) {
			char username[16];
			snprintf(username, sizeof(username), k ? "clerk-%d" : "clerk1", 30 + k);
			const yc_user *clerk;
			int rc = staff_user(h, username, &clerk);
			if (!rc)
				rc = material_store(h->d, (const unsigned char *)pdf, (size_t)n, "pdf",
						    clerk->id, h->pdf_sha[i], h->err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* ---- cases ------------------------------------------------------------------------- */

enum fate {
	F_ON_TIME,   /* accepted, approved step by step within the limit, delivered */
	F_LATE,	     /* decided after its deadline */
	F_WAITING,   /* accepted and still waiting on an approver: overdue in time */
	F_REFUSED,   /* 不予受理 */
	F_CORRECTED, /* asked to correct (补正), supplies it, then goes on */
	F_LAPSED,    /* asked to correct, never answers */
	F_WITHDRAWN, /* the applicant withdraws before acceptance */
	F_DEFICIENT, /* 容缺受理: accepted with a material to follow */
	F_SUSPENDED, /* a special procedure, then on */
	F_SUSPENDED_OPEN,
	F_RETURNED, /* returned to the applicant, who supplies and goes on */
	F_RETURNED_OPEN,
	F_DENIED,    /* 不予许可 */
	F_UNCLAIMED, /* decided, delivered at the window, not yet picked up */
};

/* Per mille of each fate (the rest go through on time). */
static const struct {
	enum fate fate;
	int per_mille;
} fates[] = {
	{F_LATE, 30},	       {F_WAITING, 12},	  {F_REFUSED, 25},	{F_CORRECTED, 60},
	{F_LAPSED, 12},	       {F_WITHDRAWN, 15}, {F_DEFICIENT, 40},	{F_SUSPENDED, 20},
	{F_SUSPENDED_OPEN, 4}, {F_RETURNED, 15},  {F_RETURNED_OPEN, 4}, {F_DENIED, 20},
	{F_UNCLAIMED, 25},
};

struct hist_case {
	char no[32];
	int item;
	int person;
	enum fate fate;
	int state; /* enum case_state; -1 before the submission */
	char channel[16];
	char assignee[40];
	char step_department[32];
	char held_back[40]; /* a required material left out at submission */
	bool asked;	    /* correction, suspension or return done once */
	bool supplied;
	int64_t submitted_ms;
};

struct hist_event {
	int64_t t;
	int k;
};

/* The events: (time, case) in a binary min-heap; ties by case index, so the order is fixed. */

static bool ev_less(const struct hist_event *a, const struct hist_event *b)
{
	return a->t < b->t || (a->t == b->t && a->k < b->k);
}

static int ev_push(struct hist *h, int64_t t, int k)
{
	int rc = hist_reserve(h, &h->heap, h->nheap, &h->heap_cap, sizeof(*h->heap));
	if (rc)
		return rc;
	int i = h->nheap++;
	h->heap[i] = (struct hist_event){t, k};
	while (i > 0 && ev_less(&h->heap[i], &h->heap[(i - 1) / 2])) {
		struct hist_event tmp = h->heap[i];
		h->heap[i] = h->heap[(i - 1) / 2];
		h->heap[(i - 1) / 2] = tmp;
		i = (i - 1) / 2;
	}
	return 0;
}

static struct hist_event ev_pop(struct hist *h)
{
	struct hist_event top = h->heap[0];
	h->heap[0] = h->heap[--h->nheap];
	for (int i = 0;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->nheap && ev_less(&h->heap[l], &h->heap[m]))
			m = l;
		if (r < h->nheap && ev_less(&h->heap[r], &h->heap[m]))
			m = r;
		if (m == i)
			break;
		struct hist_event tmp = h->heap[i];
		h->heap[i] = h->heap[m];
		h->heap[m] = tmp;
		i = m;
	}
	return top;
}

static int case_new(struct hist *h, int64_t t, bool online)
{
	int rc = hist_reserve(h, &h->cases, h->ncases, &h->cases_cap, sizeof(*h->cases));
	if (rc)
		return rc;
	struct hist_case *c = &h->cases[h->ncases];
	memset(c, 0, sizeof(*c));
	c->state = -1;
	c->item = item_pick(h);
	/* applicant1 and business1 file now and then, so their portal has a history */
	int r = rng_below(&h->rng, 1000);
	c->person = r < 4 ? 0 : r < 8 ? 1 : 2 + rng_below(&h->rng, h->npeople - 2);
	c->fate = F_ON_TIME;
	int f = rng_below(&h->rng, 1000), acc = 0;
	for (size_t i = 0; i < sizeof(fates) / sizeof(fates[0]); i++) {
		acc += fates[i].per_mille;
		if (f < acc) {
			c->fate = fates[i].fate;
			break;
		}
	}
	const struct hist_item *it = &h->items[c->item];
	/* decided at acceptance: nothing for an approver to delay, suspend, return or deny */
	bool steps = it->nsteps > 0 && strcmp(yc_json_str(it->doc, "case_type"), "instant") &&
		     !it->commitment;
	if (!steps && (c->fate == F_LATE || c->fate == F_WAITING || c->fate == F_SUSPENDED ||
		       c->fate == F_SUSPENDED_OPEN || c->fate == F_RETURNED ||
		       c->fate == F_RETURNED_OPEN || c->fate == F_DENIED))
		c->fate = F_ON_TIME;
	if (online) {
		static const char *const ch[] = {"online", "online", "online",
						 "mobile", "mobile", "kiosk"};
		snprintf(c->channel, sizeof(c->channel), "%s", ch[rng_below(&h->rng, 6)]);
	} else {
		static const char *const ch[] = {"window", "window",	  "window", "window",
						 "window", "window",	  "window", "bank",
						 "town",   "cross_region"};
		snprintf(c->channel, sizeof(c->channel), "%s", ch[rng_below(&h->rng, 10)]);
		/* a result decided elsewhere comes by mail */
		if (!strcmp(c->channel, "cross_region") && h->items[c->item].window_only)
			snprintf(c->channel, sizeof(c->channel), "window");
		/* firms register at the bank outlets (政银合作), people in their towns */
		if (!strcmp(c->channel, "bank") && c->person < 2 + HIST_PERSONS && c->person != 1)
			snprintf(c->channel, sizeof(c->channel), "window");
	}
	rc = ev_push(h, t, h->ncases);
	if (!rc)
		h->ncases++;
	return rc;
}

static const char *clerk_for(struct hist *h)
{
	static char name[16];
	/* the 综合受理 windows of floor 2 (31–64), and clerk1 */
	int n = rng_below(&h->rng, INTAKE_CLERKS);
	if (!n)
		return "clerk1";
	snprintf(name, sizeof(name), "clerk-%d", 30 + n);
	return name;
}

/* The form as the applicant fills it. */
static cJSON *form_fill(struct hist *h, const struct hist_case *c)
{
	cJSON *form = cJSON_CreateObject();
	const struct hist_person *p = &h->people[c->person];
	const cJSON *f;
	cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive(h->items[c->item].doc, "form")) {
		const char *name = yc_json_str(f, "name"), *type = yc_json_str(f, "type");
		char v[160];
		if (!strcmp(type, "number")) {
			cJSON_AddNumberToObject(form, name, rng_between(&h->rng, 10, 2000));
			continue;
		}
		if (!strcmp(type, "phone")) {
			snprintf(v, sizeof(v), "%s", p->phone);
		} else if (!strcmp(name, "unit_no")) {
			snprintf(v, sizeof(v), "371091%06dGB%05dF%08d", rng_below(&h->rng, 1000000),
				 rng_below(&h->rng, 100000), rng_below(&h->rng, 100000000));
		} else if (!strcmp(name, "company_name")) {
			snprintf(v, sizeof(v), "威海%s%s有限公司",
				 firm_words[rng_below(&h->rng, 18)],
				 firm_trades[rng_below(&h->rng, 12)]);
		} else if (!strcmp(name, "legal_person") || !strcmp(name, "applicant_name")) {
			snprintf(v, sizeof(v), "%s", p->user.name);
			if (!strcmp(name, "legal_person") || !strcmp(p->user.kind, "business"))
				person_name(h, v, sizeof(v));
		} else if (!strcmp(name, "location") || !strcmp(name, "address")) {
			snprintf(v, sizeof(v), "经区%s%d号", streets[rng_below(&h->rng, 10)],
				 rng_between(&h->rng, 1, 300));
		} else if (!strcmp(type, "textarea")) {
			snprintf(v, sizeof(v), "%s", "申请办理，材料齐全。");
		} else {
			snprintf(v, sizeof(v), "%s", "经区");
		}
		cJSON_AddStringToObject(form, name, v);
	}
	return form;
}

/* The materials given: every required one (but one held back, for some fates), half the rest. */
static cJSON *materials_fill(struct hist *h, struct hist_case *c)
{
	cJSON *list = cJSON_CreateArray();
	const cJSON *m;
	bool hold = c->fate == F_CORRECTED || c->fate == F_LAPSED || c->fate == F_DEFICIENT;
	cJSON_ArrayForEach (m,
			    cJSON_GetObjectItemCaseSensitive(h->items[c->item].doc, "materials")) {
		bool required = yc_json_bool(m, "required", false);
		if (hold && required && !c->held_back[0]) {
			snprintf(c->held_back, sizeof(c->held_back), "%s", yc_json_str(m, "id"));
			continue;
		}
		if (!required && rng_chance(&h->rng, 500))
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", yc_json_str(m, "id"));
		cJSON_AddStringToObject(o, "sha256", h->pdf_sha[rng_below(&h->rng, HIST_PDFS)]);
		cJSON_AddItemToArray(list, o);
	}
	return list;
}

/* Notes what an answer says of the case: its state, step and assignee. */
static void case_note(struct hist_case *c, const yc_buf *out)
{
	cJSON *j = cJSON_ParseWithLength(out->data, out->len);
	if (!j)
		return;
	const char *no = yc_json_str(j, "no");
	if (no)
		snprintf(c->no, sizeof(c->no), "%s", no);
	const char *state = yc_json_str(j, "state");
	if (state)
		c->state = case_state_parse(state);
	const cJSON *step = cJSON_GetObjectItemCaseSensitive(j, "current_step");
	const char *a = cJSON_IsObject(step) ? yc_json_str(step, "assignee") : NULL;
	const char *dept = cJSON_IsObject(step) ? yc_json_str(step, "department") : NULL;
	snprintf(c->assignee, sizeof(c->assignee), "%s", a ? a : "");
	snprintf(c->step_department, sizeof(c->step_department), "%s", dept ? dept : "");
	cJSON_Delete(j);
}

static int submit(struct hist *h, struct hist_case *c)
{
	const struct hist_person *p = &h->people[c->person];
	bool self = !strcmp(c->channel, "online") || !strcmp(c->channel, "mobile") ||
		    !strcmp(c->channel, "kiosk");
	const yc_user *actor = &p->user;
	int rc = 0;
	if (!self && (rc = staff_user(h, clerk_for(h), &actor)))
		return rc;
	cJSON *body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "item", yc_json_str(h->items[c->item].doc, "code"));
	cJSON_AddStringToObject(body, "channel", c->channel);
	cJSON_AddItemToObject(body, "form", form_fill(h, c));
	cJSON_AddItemToObject(body, "materials", materials_fill(h, c));
	if (h->items[c->item].commitment)
		cJSON_AddBoolToObject(body, "commitment", true);
	if (!strcmp(c->channel, "cross_region")) {
		static const char *const homes[] = {"hg", "fl"};
		cJSON_AddStringToObject(body, "decide_office", homes[rng_below(&h->rng, 2)]);
	}
	if (!self) {
		cJSON *a = cJSON_AddObjectToObject(body, "applicant");
		rc = person_contact(h, p, a);
	}
	struct case_new n;
	yc_buf out;
	yc_buf_init(&out, 0);
	if (!rc)
		rc = case_prepare(h->d, h->cc, actor, body, &n, h->err);
	if (!rc) {
		rc = case_submit(h->d, h->cc, actor, body, &n, &out, h->err);
		case_new_free(&n);
	}
	if (!rc) {
		case_note(c, &out);
		c->submitted_ms = h->now_ms;
		h->o->cases++;
	}
	yc_buf_release(&out);
	cJSON_Delete(body);
	return rc;
}

/*
 * Takes action a on the case as who (body: taken over and freed; NULL: none). 0 when done,
 * ACT_HELD when the step needs a calendar year that is not loaded (the case stops there),
 * or a negative error. Callers note what a step did only when it was done.
 */
enum { ACT_HELD = 1 };
static int act(struct hist *h, struct hist_case *c, const yc_user *who, enum case_action a,
	       cJSON *body)
{
	yc_buf out;
	yc_buf_init(&out, 0);
	int rc = case_action_check(a, body, h->err);
	if (!rc)
		rc = case_act(h->d, h->cc, who, c->no, a, body, &out, h->err);
	if (!rc) {
		case_note(c, &out);
		h->o->actions++;
	} else if (rc == YC_ENOTLOADED) {
		/* a deadline in a year whose calendar is not loaded yet: the case waits where it
		 * is, as it would at a real window, and takes no further step */
		h->o->held++;
		yc_err_clear(h->err);
		rc = ACT_HELD;
	} else {
		yc_err_prefix(rc, h->err, "demo history, case %s, %s", c->no, case_action_name(a));
	}
	yc_buf_release(&out);
	cJSON_Delete(body);
	return rc;
}

static cJSON *body_of(const char *key, const char *value)
{
	cJSON *b = cJSON_CreateObject();
	if (key)
		cJSON_AddStringToObject(b, key, value);
	return b;
}

static cJSON *material_body(struct hist *h, const char *id)
{
	cJSON *b = cJSON_CreateObject();
	cJSON *list = cJSON_AddArrayToObject(b, "materials");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "sha256", h->pdf_sha[0]);
	cJSON_AddItemToArray(list, o);
	return b;
}

/* The approver who acts on the current step: its assignee, or one who claims it. */
static int approver(struct hist *h, struct hist_case *c, const yc_user **who)
{
	if (c->assignee[0])
		return staff_user(h, c->assignee, who);
	char name[48];
	snprintf(name, sizeof(name), "approver-%s", c->step_department);
	int rc = staff_user(h, name, who);
	if (!rc)
		rc = act(h, c, *who, CA_CLAIM, NULL);
	return rc;
}

/* Working minutes an approval step takes: a share of the limit, or past it when late. */
static int step_minutes(struct hist *h, const struct hist_case *c)
{
	const struct hist_item *it = &h->items[c->item];
	int per_day = calendar_hours_per_day_min(h->cc->cal);
	int limit = it->hours ? it->limit * 60 : it->limit * per_day;
	if (limit <= 0)
		limit = per_day;
	int steps = it->nsteps > 0 ? it->nsteps : 1;
	if (c->fate == F_LATE)
		return limit / steps + rng_between(&h->rng, 60, per_day * 2);
	return rng_between(&h->rng, limit / 10 + 5, limit * 7 / 10 + 10) / steps;
}

static int deliver(struct hist *h, struct hist_case *c, const yc_user *clerk)
{
	cJSON *b = cJSON_CreateObject();
	int r = rng_below(&h->rng, 100);
	const char *mode = !strcmp(c->channel, "cross_region")			     ? "mail"
			   : h->items[c->item].window_only || c->fate == F_UNCLAIMED ? "window"
			   : r < 15						     ? "mail"
			   : r < 55						     ? "electronic"
										     : "window";
	cJSON_AddStringToObject(b, "mode", mode);
	if (!strcmp(mode, "mail")) {
		char tracking[24], addr[96];
		snprintf(tracking, sizeof(tracking), "EMS%010d", rng_below(&h->rng, 1000000000));
		snprintf(addr, sizeof(addr), "山东省威海市经区%s%d号",
			 streets[rng_below(&h->rng, 10)], rng_between(&h->rng, 1, 300));
		cJSON_AddStringToObject(b, "tracking_no", tracking);
		cJSON_AddStringToObject(b, "address", addr);
	}
	return act(h, c, clerk, CA_DELIVER, b);
}

/* Closes a delivered case: the applicant confirms a mailed result; the window hands it over
 * against the pickup code, which only the applicant's own view shows. */
static int close_case(struct hist *h, struct hist_case *c)
{
	const struct hist_person *p = &h->people[c->person];
	yc_buf out;
	yc_buf_init(&out, 0);
	int rc = case_json(h->d, h->cc, &p->user, c->no, &out, h->err);
	cJSON *j = rc ? NULL : cJSON_ParseWithLength(out.data, out.len);
	yc_buf_release(&out);
	const cJSON *dv = cJSON_GetObjectItemCaseSensitive(j, "delivery");
	const char *mode = yc_json_str(dv, "mode") ? yc_json_str(dv, "mode") : "";
	if (!rc && !strcmp(mode, "mail")) {
		rc = act(h, c, &p->user, CA_CLOSE, NULL);
	} else if (!rc) {
		const yc_user *clerk;
		const char *code = yc_json_str(dv, "pickup_code");
		rc = staff_user(h, clerk_for(h), &clerk);
		if (!rc)
			rc = act(h, c, clerk, CA_CLOSE, body_of("pickup_code", code ? code : ""));
	}
	cJSON_Delete(j);
	return rc;
}

static int later(struct hist *h, int k, int minutes)
{
	return ev_push(h, after_work(h, h->now_ms, minutes), k);
}

/* The case's next step at h->now_ms, and when the one after it comes. */
static int case_step(struct hist *h, int k)
{
	struct hist_case *c = &h->cases[k];
	const struct hist_person *p = &h->people[c->person];
	int per_day = calendar_hours_per_day_min(h->cc->cal);
	const yc_user *who = NULL;
	int rc = 0;
	if (c->state < 0) {
		if ((rc = submit(h, c)))
			return rc;
		/* the window accepts at once what it filed; the queue waits up to two days */
		bool filed_at_window = strcmp(c->channel, "online") &&
				       strcmp(c->channel, "mobile") && strcmp(c->channel, "kiosk");
		return later(h, k,
			     filed_at_window ? rng_between(&h->rng, 2, 20)
					     : rng_between(&h->rng, 20, per_day * 2));
	}
	switch (c->state) {
	case CS_SUBMITTED:
		if ((rc = staff_user(h, clerk_for(h), &who)))
			return rc;
		if (c->fate == F_REFUSED)
			return act(h, c, who, CA_REFUSE,
				   body_of("reason",
					   "申请事项不属于本机关职权范围，请向有关机关申请"));
		if (c->fate == F_WITHDRAWN)
			return act(h, c, &p->user, CA_WITHDRAW,
				   body_of("reason", "材料需重新准备"));
		if ((c->fate == F_CORRECTED || c->fate == F_LAPSED) && !c->asked) {
			cJSON *b = body_of("reason", "申请材料不齐全，请补正所缺材料");
			cJSON_AddNumberToObject(b, "days", h->cc->correction_days);
			if ((rc = act(h, c, who, CA_REQUEST_CORRECTION, b)))
				return rc;
			c->asked = true;
			return c->fate == F_CORRECTED
				       ? later(h, k, rng_between(&h->rng, per_day / 2, per_day * 4))
				       : 0;
		}
		if (c->fate == F_DEFICIENT && c->held_back[0]) {
			cJSON *b = body_of("note", "容缺受理，材料后补");
			cJSON *missing = cJSON_AddArrayToObject(b, "missing");
			cJSON_AddItemToArray(missing, cJSON_CreateString(c->held_back));
			rc = act(h, c, who, CA_ACCEPT_DEFICIENT, b);
		} else {
			rc = act(h, c, who, CA_ACCEPT, NULL);
		}
		if (rc)
			return rc;
		return later(h, k,
			     c->fate == F_DEFICIENT ? rng_between(&h->rng, per_day / 2, per_day * 2)
						    : step_minutes(h, c));
	case CS_CORRECTION:
		if ((rc = act(h, c, &p->user, CA_SUPPLEMENT, material_body(h, c->held_back))))
			return rc;
		c->supplied = true;
		return later(h, k, rng_between(&h->rng, 10, per_day));
	case CS_ACCEPTED:
		if (c->fate == F_DEFICIENT && !c->supplied) {
			if ((rc = act(h, c, &p->user, CA_SUPPLEMENT,
				      material_body(h, c->held_back))))
				return rc;
			c->supplied = true;
			return later(h, k, step_minutes(h, c));
		}
		if (c->fate == F_WAITING)
			return 0; /* nobody gets to it: it turns yellow, then red */
		if ((rc = approver(h, c, &who)))
			return rc;
		if ((c->fate == F_SUSPENDED || c->fate == F_SUSPENDED_OPEN) && !c->asked) {
			cJSON *b = body_of("reason", "需现场核查，核查时间不计入办理时限");
			cJSON_AddStringToObject(b, "type", "inspection");
			if ((rc = act(h, c, who, CA_SUSPEND, b)))
				return rc;
			c->asked = true;
			return c->fate == F_SUSPENDED
				       ? later(h, k, rng_between(&h->rng, per_day * 2, per_day * 6))
				       : 0;
		}
		if ((c->fate == F_RETURNED || c->fate == F_RETURNED_OPEN) && !c->asked) {
			cJSON *b = body_of("reason", "申请表信息与证明材料不一致，请补充说明");
			cJSON_AddStringToObject(b, "to", "applicant");
			if ((rc = act(h, c, who, CA_RETURN, b)))
				return rc;
			c->asked = true;
			return c->fate == F_RETURNED
				       ? later(h, k, rng_between(&h->rng, per_day, per_day * 3))
				       : 0;
		}
		if (c->fate == F_DENIED)
			rc = act(h, c, who, CA_DENY, body_of("reason", "经审查，不符合法定条件"));
		else
			rc = act(h, c, who, CA_APPROVE, body_of("opinion", "同意"));
		if (rc)
			return rc;
		/* a refusal of the licence is handed over after the applicant is told (days) */
		return later(h, k,
			     c->state == CS_ACCEPTED ? step_minutes(h, c)
			     : c->state == CS_DENIED ? rng_between(&h->rng, per_day, per_day * 6)
						     : rng_between(&h->rng, 10, per_day * 2));
	case CS_SUSPENDED:
		if ((rc = approver(h, c, &who)) ||
		    (rc = act(h, c, who, CA_RESUME, body_of("note", "现场核查完毕"))))
			return rc;
		return later(h, k, step_minutes(h, c));
	case CS_RETURNED: {
		cJSON *b = body_of("note", "已更正申请表");
		cJSON_AddItemToObject(b, "form", form_fill(h, c));
		if ((rc = act(h, c, &p->user, CA_SUPPLEMENT, b)))
			return rc;
		return later(h, k, step_minutes(h, c));
	}
	case CS_APPROVED:
	case CS_DENIED:
		if ((rc = staff_user(h, clerk_for(h), &who)) || (rc = deliver(h, c, who)))
			return rc;
		if (c->state != CS_DELIVERED || c->fate == F_UNCLAIMED)
			return 0;
		return later(h, k, rng_between(&h->rng, 30, per_day * 5));
	case CS_DELIVERED: return close_case(h, c);
	default: return 0;
	}
}

/* Runs every case event due before until. */
static int step_cases(struct hist *h, int64_t until)
{
	while (h->nheap && h->heap[0].t < until) {
		struct hist_event e = ev_pop(h);
		if (e.t >= h->o->end_ms)
			continue; /* after now: it has not happened */
		hist_at(h, e.t);
		int rc = case_step(h, e.k);
		if (rc < 0)
			return rc;
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
		int rc = case_new(h, t, online);
		if (rc)
			return rc;
	}
	return 0;
}

static void history_release(struct hist *h)
{
	free(h->people);
	free(h->cases);
	free(h->heap);
	free(h->items);
	cJSON_Delete(h->district);
	hist_hall_free(h);
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
	/* back to the first of `want` working days, the last day counting when it is one */
	int want = o->span == DEMO_HISTORY_YEAR ? 250 : 60, n = work;
	o->first_day = last;
	while (!rc && n < want) {
		rc = calendar_is_workday(cal, --o->first_day, &work, err);
		n += work;
	}
	return rc;
}

int demo_history_write(db *d, struct case_ctx *cc, struct hall_ctx *hc, struct demo_history *o,
		       yc_err *err)
{
	if (o->span == DEMO_HISTORY_NONE)
		return 0;
	struct hist h = {.d = d, .cc = cc, .hc = hc, .o = o, .err = err};
	h.rng.s = o->seed;
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
				rc = hist_hall_day(&h, day, step_cases);
		}
		int64_t end_of_day = hist_ms(&h, day + 1, 0);
		if (!rc)
			rc = step_cases(&h, end_of_day < o->end_ms ? end_of_day : o->end_ms);
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
			rc = notify_settle(d, o->end_ms + 1, err);
		if (!rc)
			rc = db_commit(d, err);
		else
			db_rollback(d);
	}
	hist_at(&h, 0);
	history_release(&h);
	return rc;
}
