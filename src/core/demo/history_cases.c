/*
 * history_cases.c — the demo's cases (办件), each with its fate drawn when
 * filed and its steps as events on a heap of (time, case): filed, accepted,
 * reviewed, decided, delivered and closed through the core, as people would.
 */
#include "core/demo/history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/demo/demo_internal.h"
#include "core/common/ids.h"
#include "core/common/material.h"
#include "core/common/notify.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "core/certificate/certificate.h"
#include "lib/banned.h"

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
	cJSON *form; /* a planned case's form as its applicant fills it; NULL: form_fill makes one */
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

int hist_event_push(struct hist *h, int64_t t, int k)
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

int hist_case_new(struct hist *h, int64_t t, bool online)
{
	int rc = hist_reserve(h, &h->cases, h->ncases, &h->cases_cap, sizeof(*h->cases));
	if (rc)
		return rc;
	struct hist_case *c = &h->cases[h->ncases];
	memset(c, 0, sizeof(*c));
	c->state = -1;
	c->item = hist_item_pick(h);
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
	rc = hist_event_push(h, t, h->ncases);
	if (!rc)
		h->ncases++;
	return rc;
}

int hist_case_planned(struct hist *h, int64_t t, const char *item, int person, cJSON *form)
{
	int i = 0;
	while (i < h->nitems && strcmp(yc_json_str(h->items[i].doc, "code"), item))
		i++;
	int rc = i < h->nitems ? hist_reserve(h, &h->cases, h->ncases, &h->cases_cap,
					      sizeof(*h->cases))
			       : yc_err_set(h->err, YC_EINTERNAL, NULL, "no item %s", item);
	if (rc) {
		cJSON_Delete(form);
		return rc;
	}
	struct hist_case *c = &h->cases[h->ncases];
	*c = (struct hist_case){.state = -1, .item = i, .person = person, .fate = F_ON_TIME,
				.form = form};
	snprintf(c->channel, sizeof(c->channel), "online");
	rc = hist_event_push(h, t, h->ncases);
	if (!rc)
		h->ncases++;
	else
		cJSON_Delete(form);
	return rc;
}

void hist_cases_free(struct hist *h)
{
	for (int i = 0; i < h->ncases; i++)
		cJSON_Delete(h->cases[i].form);
	free(h->cases);
}

const char *hist_clerk(struct hist *h)
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
	if (c->form)
		return cJSON_Duplicate(c->form, true);
	cJSON *form = cJSON_CreateObject();
	const struct hist_person *p = &h->people[c->person];
	const cJSON *f;
	cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive(h->items[c->item].doc, "form")) {
		const char *name = yc_json_str(f, "name"), *type = yc_json_str(f, "type");
		char v[160];
		if (hist_fdi_field(name))
			continue;
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
				 hist_firm_words[rng_below(&h->rng, 18)],
				 hist_firm_trades[rng_below(&h->rng, 12)]);
		} else if (!strcmp(name, "legal_person") || !strcmp(name, "applicant_name")) {
			snprintf(v, sizeof(v), "%s", p->user.name);
			if (!strcmp(name, "legal_person") || !strcmp(p->user.kind, "business"))
				hist_person_name(h, v, sizeof(v));
		} else if (!strcmp(name, "location") || !strcmp(name, "address")) {
			snprintf(v, sizeof(v), "经区%s%d号", hist_streets[rng_below(&h->rng, 10)],
				 rng_between(&h->rng, 1, 300));
		} else if (!strcmp(type, "textarea")) {
			snprintf(v, sizeof(v), "%s", "申请办理，材料齐全。");
		} else {
			snprintf(v, sizeof(v), "%s", "经区");
		}
		cJSON_AddStringToObject(form, name, v);
	}
	hist_fdi_fill(h, yc_json_str(h->items[c->item].doc, "code"), form);
	return form;
}

/*
 * The applicant's certificates that stand for the item's materials (免提交): a mortgage
 * filed by someone whose 不动产权证书 the district issued gives that, not a scan.
 */
static cJSON *reusable(struct hist *h, const struct hist_case *c, const yc_user *applicant)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	yc_err ignored;
	cJSON *j = NULL;
	if (applicant->id &&
	    !cert_reusable_json(h->d, applicant, yc_json_str(h->items[c->item].doc, "code"), &b,
				&ignored))
		j = cJSON_ParseWithLength(b.data, b.len);
	yc_buf_release(&b);
	return j;
}

/* The materials given: every required one (but one held back, for some fates), half the rest. */
static cJSON *materials_fill(struct hist *h, struct hist_case *c, const yc_user *applicant)
{
	cJSON *list = cJSON_CreateArray();
	cJSON *certs = reusable(h, c, applicant);
	const cJSON *m;
	bool hold = c->fate == F_CORRECTED || c->fate == F_LAPSED || c->fate == F_DEFICIENT;
	cJSON_ArrayForEach (m,
			    cJSON_GetObjectItemCaseSensitive(h->items[c->item].doc, "materials")) {
		bool required = yc_json_bool(m, "required", false);
		if (hold && required && !c->held_back[0]) {
			snprintf(c->held_back, sizeof(c->held_back), "%s", yc_json_str(m, "id"));
			continue;
		}
		/* a certificate of theirs that stands for it is always given (免提交) */
		const char *cert = NULL;
		const cJSON *r;
		cJSON_ArrayForEach (r, cJSON_GetObjectItemCaseSensitive(certs, "materials"))
			if (!strcmp(yc_json_str(r, "id"), yc_json_str(m, "id")))
				cert = yc_json_str(cJSON_GetArrayItem(
							   cJSON_GetObjectItemCaseSensitive(r, "certificates"), 0),
						   "id");
		if (!cert && !required && rng_chance(&h->rng, 500))
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", yc_json_str(m, "id"));
		if (cert)
			cJSON_AddStringToObject(o, "certificate", cert);
		else
			cJSON_AddStringToObject(o, "sha256", h->pdf_sha[rng_below(&h->rng, HIST_PDFS)]);
		cJSON_AddItemToArray(list, o);
	}
	cJSON_Delete(certs);
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
	if (!self && (rc = hist_staff_user(h, hist_clerk(h), &actor)))
		return rc;
	cJSON *body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "item", yc_json_str(h->items[c->item].doc, "code"));
	cJSON_AddStringToObject(body, "channel", c->channel);
	cJSON_AddItemToObject(body, "form", form_fill(h, c));
	cJSON_AddItemToObject(body, "materials", materials_fill(h, c, &p->user));
	if (h->items[c->item].commitment)
		cJSON_AddBoolToObject(body, "commitment", true);
	if (!strcmp(c->channel, "cross_region")) {
		static const char *const homes[] = {"hg", "fl"};
		cJSON_AddStringToObject(body, "decide_office", homes[rng_below(&h->rng, 2)]);
	}
	if (!self) {
		cJSON *a = cJSON_AddObjectToObject(body, "applicant");
		rc = hist_person_contact(h, p, a);
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
		return hist_staff_user(h, c->assignee, who);
	char name[48];
	snprintf(name, sizeof(name), "approver-%s", c->step_department);
	int rc = hist_staff_user(h, name, who);
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
			 hist_streets[rng_below(&h->rng, 10)], rng_between(&h->rng, 1, 300));
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
		rc = hist_staff_user(h, hist_clerk(h), &clerk);
		if (!rc)
			rc = act(h, c, clerk, CA_CLOSE, body_of("pickup_code", code ? code : ""));
	}
	cJSON_Delete(j);
	return rc;
}

static int later(struct hist *h, int k, int minutes)
{
	return hist_event_push(h, hist_after_work(h, h->now_ms, minutes), k);
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
		if ((rc = hist_staff_user(h, hist_clerk(h), &who)))
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
		if ((rc = hist_staff_user(h, hist_clerk(h), &who)) || (rc = deliver(h, c, who)))
			return rc;
		if (c->state != CS_DELIVERED || c->fate == F_UNCLAIMED)
			return 0;
		return later(h, k, rng_between(&h->rng, 30, per_day * 5));
	case CS_DELIVERED: return close_case(h, c);
	default: return 0;
	}
}

/* Runs every event due before until: the cases' and the runs'. */
int hist_step_cases(struct hist *h, int64_t until)
{
	while (h->nheap && h->heap[0].t < until) {
		struct hist_event e = ev_pop(h);
		if (e.t >= h->o->end_ms)
			continue; /* after now: it has not happened */
		hist_at(h, e.t);
		int rc = e.k >= 0 ? case_step(h, e.k) : hist_run_step(h, -e.k - 1);
		if (rc < 0)
			return rc;
	}
	return 0;
}
