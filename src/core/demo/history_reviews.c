/*
 * history_reviews.c — 好差评 in the demo history (see history.c). Each day,
 * the services that ended the day before are rated by some of those served
 * (cases and runs by most, through the SMS link, the QR code on the notice
 * or their own account; hall services at the window's rating device); the
 * complaint counter, the suggestion box and the hotline take a few a day;
 * social supervisors visit and third parties run their rounds. Bad reviews
 * and findings become rectification orders that the departments work
 * through — called back, classified, rectified, re-rated, some appealed —
 * at the pace of real departments, a few of them late; drawn callbacks are
 * made. Every step goes through core/review as a request would, in time
 * order within the day. The proportions follow the seed's year: about
 * 22,000 reviews, satisfaction above 99%, 7,700 callbacks, 10 social
 * supervisors, 18 third-party rounds.
 */
#include "history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar/calendar.h"
#include "core/case/case.h"
#include "core/review/review.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/* Shares, per mille: of the services that ended, those rated; of the reviews, the bad ones. */
enum {
	RATE_CASE = 525,   /* cases and runs: asked by SMS, rated by half (22,000 a year) */
	RATE_TICKET = 20,  /* hall services: the device at the window */
	BAD_SERVICE = 5,   /* 0.5% of service reviews are bad */
	BAD_OPEN = 150,	   /* the open channels are where complaints go */
	LATE_STEP = 100,   /* a department that takes longer than the rule allows */
	APPEAL = 150,	   /* bad reviews a department appeals */
	UPHOLD = 500,	   /* appeals a supervisor upholds */
	DISSATISFIED = 80, /* rectifications the rater does not accept the first time */
	UNREACHABLE = 80,  /* callbacks nobody answers */
	VISIT = 480,	   /* a social supervisor's visit on a working day */
	FINDING = 350,	   /* a visit that finds something */
	ROUND_EVERY = 14,  /* working days between third-party rounds (18 in a year) */
};

static const char *const good_texts[] = {
	"",
	"",
	"",
	"办事效率高，工作人员很耐心",
	"一次就办好了，点赞",
	"窗口服务热情周到",
	"网上办理很方便，不用跑腿",
	"材料一次告知清楚，省了不少事",
};
static const char *const bad_texts[] = {
	"材料要求前后不一致，跑了两趟",
	"等候时间太长，窗口开得少",
	"工作人员态度生硬",
	"系统经常卡顿，提交不了",
	"办事指南写得不清楚，看不懂要带什么",
	"电话一直打不通，没人解释进度",
};
static const char *const bad_reasons[] = {"repeat_visits", "queue",	    "attitude",
					  "system",	   "unclear_guide", "slow"};
static const char *const findings[] = {
	"午间窗口无人值守，群众等候", "办事指南与窗口实际要求不一致", "导办人员不在岗",
	"自助终端故障未及时报修",     "窗口人员未佩戴工作牌",	      "等候区缺少老年人爱心座椅",
};
static const char *const reports[] = {
	[0] = "已对窗口人员进行批评教育，当场向群众致歉并办结",
	[1] = "已梳理该事项材料清单、更新办事指南，并组织窗口人员培训",
	[2] = "经核实，该要求系法律法规规定，已向群众解释说明并取得理解",
};
static const char *const kinds[] = {"immediate", "deadline", "explain"};
static const char *const open_channels[] = {"counter", "box", "hotline"};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* A rectification order the history works through, step by step. */
enum order_step { ST_VERIFY, ST_DECIDE, ST_REPORT, ST_RERATE, ST_DONE };
struct hist_order {
	char id[24], review[24], department[32];
	int64_t rater; /* the applicant who rates on the web, who re-rates; 0: the department
			  records it */
	enum order_step step;
	int kind;
	bool appealed, reworked;
	int32_t due_day; /* the day the next step is taken */
};

struct hist_callback {
	char id[24], department[32];
	int32_t due_day;
};

/* What the day does, in time order. */
enum act_kind { A_SERVICE, A_OPEN, A_ORDER, A_CALLBACK, A_VISIT, A_ROUND };
struct act {
	int64_t t;
	enum act_kind kind;
	int idx; /* A_SERVICE: the candidate; A_ORDER, A_CALLBACK: the index */
};
struct candidate {
	char kind[8], no[32];
	int64_t user;
	int window;
};

struct hist_reviews {
	struct hist_order *orders;
	int norders, orders_cap;
	struct hist_callback *callbacks;
	int ncallbacks, callbacks_cap;
	char (*departments)[32];
	int ndepartments;
	int rounds;
};

static int cmp_act(const void *a, const void *b)
{
	const struct act *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

static int departments_load(struct hist *h, struct hist_reviews *r)
{
	db_stmt *st = db_prepare(h->d, "SELECT code FROM departments ORDER BY code", h->err);
	if (!st)
		return db_failed(h->err);
	int rc;
	while ((rc = db_step(st, h->err)) == DB_ROW) {
		void *p = realloc(r->departments,
				  (size_t)(r->ndepartments + 1) * sizeof(*r->departments));
		if (!p) {
			db_done(st);
			return yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
		}
		r->departments = p;
		db_col_copy(st, 0, r->departments[r->ndepartments++], 32);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static const yc_user *person_of(struct hist *h, int64_t id)
{
	for (int i = 0; id && i < h->npeople; i++)
		if (h->people[i].user.id == id)
			return &h->people[i].user;
	return NULL;
}

/* The day n working days after day, or day itself when the calendar cannot say. */
static int32_t workdays_after(struct hist *h, int32_t day, int n)
{
	int32_t out = day;
	if (calendar_add_workdays(h->cc->cal, day, n, &out, h->err)) {
		yc_err_clear(h->err);
		return day + n + n / 5 * 2;
	}
	return out;
}

/* One core call's answer, parsed (NULL on failure: h->err says). */
static cJSON *call_review(struct hist *h, const yc_user *u, cJSON *body, int *rc)
{
	yc_buf out;
	yc_buf_init(&out, 0);
	*rc = review_check(body, h->err);
	if (!*rc)
		*rc = review_submit(h->d, h->rc, u, body, &out, h->err);
	cJSON *a = *rc ? NULL : cJSON_Parse(out.data);
	yc_buf_release(&out);
	cJSON_Delete(body);
	return a;
}

static int order_add(struct hist *h, struct hist_reviews *r, const char *id, const char *review,
		     const char *department, int64_t rater, int32_t day)
{
	int rc = hist_reserve(h, &r->orders, r->norders, &r->orders_cap, sizeof(*r->orders));
	if (rc)
		return rc;
	struct hist_order *o = &r->orders[r->norders++];
	memset(o, 0, sizeof(*o));
	snprintf(o->id, sizeof(o->id), "%s", id);
	snprintf(o->review, sizeof(o->review), "%s", review ? review : "");
	snprintf(o->department, sizeof(o->department), "%s", department);
	o->rater = rater;
	o->step = ST_VERIFY;
	/* called back within the rule's two working days, or late */
	o->due_day = workdays_after(h, day,
				    rng_chance(&h->rng, LATE_STEP) ? rng_between(&h->rng, 3, 5)
								   : rng_between(&h->rng, 0, 2));
	return 0;
}

/* After a review: its order to work through, or its drawn callback to make. */
static int follow_up(struct hist *h, struct hist_reviews *r, const cJSON *a, int64_t rater,
		     int32_t day)
{
	const char *id = yc_json_str(a, "id"), *order = yc_json_str(a, "order");
	if (order) {
		char department[32] = "";
		int rc = db_get(h->d, h->err, "SELECT department FROM review_orders WHERE id = ?",
				"s", "t", order, department, sizeof(department));
		return rc < 0 ? rc : order_add(h, r, order, id, department, rater, day);
	}
	db_stmt *st = db_prepare(h->d,
				 "SELECT id, COALESCE(department, 'xzsp') FROM review_callbacks"
				 " WHERE review = ? AND state = 'due'",
				 h->err);
	if (!st)
		return db_failed(h->err);
	db_bind_text(st, 1, id);
	int rc = db_step(st, h->err);
	if (rc == DB_ROW) {
		int k = hist_reserve(h, &r->callbacks, r->ncallbacks, &r->callbacks_cap,
				     sizeof(*r->callbacks));
		if (k) {
			db_done(st);
			return k;
		}
		struct hist_callback *c = &r->callbacks[r->ncallbacks++];
		db_col_copy(st, 0, c->id, sizeof(c->id));
		db_col_copy(st, 1, c->department, sizeof(c->department));
		c->due_day = workdays_after(h, day, rng_between(&h->rng, 0, 3));
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* A level as the district's raters give them: almost all satisfied. */
static int draw_level(struct hist *h, int bad_per_mille)
{
	if (rng_chance(&h->rng, bad_per_mille))
		return rng_chance(&h->rng, 350) ? 1 : 2;
	int x = rng_below(&h->rng, 1000);
	return x < 880 ? 5 : x < 975 ? 4 : 3;
}

static void add_bad(struct hist *h, cJSON *body, int level)
{
	if (level > 2)
		return;
	int k = rng_below(&h->rng, COUNT(bad_reasons));
	cJSON *reasons = cJSON_AddArrayToObject(body, "reasons");
	cJSON_AddItemToArray(reasons, cJSON_CreateString(bad_reasons[k]));
	cJSON_AddStringToObject(body, "text", bad_texts[k]);
}

static int rate_service(struct hist *h, struct hist_reviews *r, const struct candidate *c,
			int32_t day)
{
	cJSON *body = cJSON_CreateObject();
	int level = draw_level(h, BAD_SERVICE);
	const yc_user *u = NULL;
	cJSON_AddStringToObject(body, c->kind, c->no);
	char token[33], subject[48];
	int rc;
	if (!strcmp(c->kind, "ticket")) {
		snprintf(subject, sizeof(subject), "window:%d", c->window);
		cJSON_AddStringToObject(body, "channel", "device");
	} else {
		snprintf(subject, sizeof(subject), "%s:%s", c->kind, c->no);
		/* those with an account rate some on the web; the rest from the SMS or the QR code
		 */
		u = rng_chance(&h->rng, 300) ? person_of(h, c->user) : NULL;
		cJSON_AddStringToObject(body, "channel",
					u			   ? "web"
					: rng_chance(&h->rng, 700) ? "sms"
								   : "qr");
		if (level > 2 && rng_chance(&h->rng, 400)) {
			cJSON *scores = cJSON_AddObjectToObject(body, "scores");
			cJSON_AddNumberToObject(scores, "efficiency", level);
			cJSON_AddNumberToObject(scores, "convenience", rng_between(&h->rng, 4, 5));
		}
	}
	if (!u) {
		if ((rc = review_token(h->d, subject, token, h->err)))
			return rc;
		cJSON_AddStringToObject(body, "token", token);
	}
	cJSON_AddNumberToObject(body, "level", level);
	add_bad(h, body, level);
	if (level > 2 && rng_chance(&h->rng, 150))
		cJSON_AddStringToObject(body, "text",
					good_texts[rng_below(&h->rng, COUNT(good_texts))]);
	cJSON *a = call_review(h, u, body, &rc);
	if (!rc) {
		h->o->reviews++;
		rc = follow_up(h, r, a, u ? u->id : 0, day);
	}
	cJSON_Delete(a);
	return rc;
}

/* A review the complaint counter, the suggestion box or the hotline took, entered by clerk1. */
static int rate_open(struct hist *h, struct hist_reviews *r, int32_t day)
{
	const yc_user *clerk;
	int rc = hist_staff_user(h, "clerk1", &clerk);
	if (rc)
		return rc;
	yc_user u = *clerk;
	cJSON *body = cJSON_CreateObject();
	int level = draw_level(h, BAD_OPEN);
	cJSON_AddStringToObject(body, "channel", open_channels[rng_below(&h->rng, 3)]);
	cJSON_AddStringToObject(body, "department",
				r->departments[rng_below(&h->rng, r->ndepartments)]);
	cJSON_AddNumberToObject(body, "level", level);
	add_bad(h, body, level);
	if (level > 2)
		cJSON_AddStringToObject(body, "text", good_texts[3 + rng_below(&h->rng, 5)]);
	if (h->npeople && rng_chance(&h->rng, 600))
		cJSON_AddStringToObject(body, "contact",
					h->people[rng_below(&h->rng, h->npeople)].phone);
	cJSON *a = call_review(h, &u, body, &rc);
	if (!rc) {
		h->o->reviews++;
		rc = follow_up(h, r, a, 0, day);
	}
	cJSON_Delete(a);
	return rc;
}

/* A social supervisor's visit (monitor-1 … 10) or a third party's round (assessor-1). */
static int visit(struct hist *h, struct hist_reviews *r, bool round, int32_t day)
{
	char username[24];
	if (round)
		snprintf(username, sizeof(username), "assessor-1");
	else
		snprintf(username, sizeof(username), "monitor-%d", rng_between(&h->rng, 1, 10));
	const yc_user *who;
	int rc = hist_staff_user(h, username, &who);
	if (rc)
		return rc;
	yc_user u = *who;
	static const char *const dims[] = {"staffing",	  "windows", "concentration", "handling",
					   "online_hall", "policy",  "etiquette"};
	cJSON *body = cJSON_CreateObject();
	cJSON *scores = cJSON_AddObjectToObject(body, "scores");
	for (int i = 0; i < COUNT(dims); i++)
		cJSON_AddNumberToObject(scores, dims[i], rng_between(&h->rng, 86, 99));
	if (round) {
		int y;
		unsigned m, d;
		yc_civil_from_days(day, &y, &m, &d);
		char name[32];
		snprintf(name, sizeof(name), "%d年第%d轮", y, ++r->rounds);
		cJSON_AddStringToObject(body, "round", name);
	}
	cJSON *list = cJSON_AddArrayToObject(body, "findings");
	int n = round ? rng_between(&h->rng, 1, 3) : rng_chance(&h->rng, FINDING);
	for (int i = 0; i < n; i++) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "department",
					r->departments[rng_below(&h->rng, r->ndepartments)]);
		cJSON_AddStringToObject(f, "text", findings[rng_below(&h->rng, COUNT(findings))]);
		cJSON_AddItemToArray(list, f);
	}
	yc_buf out;
	yc_buf_init(&out, 0);
	rc = review_visit_check(body, h->err);
	if (!rc)
		rc = review_visit_submit(h->d, h->rc, &u, body, &out, h->err);
	cJSON *a = rc ? NULL : cJSON_Parse(out.data);
	yc_buf_release(&out);
	const cJSON *id;
	int k = 0;
	cJSON_ArrayForEach (id, cJSON_GetObjectItemCaseSensitive(a, "orders")) {
		if (rc)
			break;
		const cJSON *f = cJSON_GetArrayItem(list, k++);
		rc = order_add(h, r, id->valuestring, NULL, yc_json_str(f, "department"), 0, day);
	}
	if (!rc)
		h->o->visits++;
	cJSON_Delete(a);
	cJSON_Delete(body);
	return rc;
}

static int callback_make(struct hist *h, struct hist_callback *c);

/* Takes an order's next step as the one whose step it is; schedules the one after. */
static int order_step(struct hist *h, struct hist_order *o, int32_t day)
{
	char staff[48];
	snprintf(staff, sizeof(staff), "approver-%s", o->department);
	const yc_user *p;
	int rc = hist_staff_user(h, o->step == ST_DECIDE ? "supervisor1" : staff, &p);
	if (rc)
		return rc;
	yc_user u = *p;
	const char *action = NULL;
	cJSON *body = cJSON_CreateObject();
	enum order_step next = o->step;
	int wait = 0;
	switch (o->step) {
	case ST_VERIFY:
		if (o->review[0] && !o->appealed && rng_chance(&h->rng, APPEAL)) {
			action = "appeal";
			o->appealed = true;
			/* the callback was made all the same: it found the mistake */
			char cb[24] = "";
			if ((rc = db_get(h->d, h->err,
					 "SELECT id FROM review_callbacks WHERE review = ? AND "
					 "state = 'due'",
					 "s", "t", o->review, cb, sizeof(cb))) < 0) {
				cJSON_Delete(body);
				return rc;
			}
			rc = 0;
			if (cb[0]) {
				struct hist_callback c = {.due_day = day};
				snprintf(c.id, sizeof(c.id), "%s", cb);
				snprintf(c.department, sizeof(c.department), "%s", o->department);
				if ((rc = callback_make(h, &c))) {
					cJSON_Delete(body);
					return rc;
				}
			}
			cJSON_AddStringToObject(body, "reason",
						"经回访核实，评价人未在本部门办理该业务，系误评");
			next = ST_DECIDE;
			wait = rng_between(&h->rng, 1, 3);
			break;
		}
		action = "verify";
		o->kind = rng_chance(&h->rng, 550) ? 0 : rng_chance(&h->rng, 670) ? 1 : 2;
		cJSON_AddStringToObject(body, "note",
					o->review[0] ? "已电话回访评价人，核实情况属实"
						     : "已现场核实，情况属实");
		cJSON_AddStringToObject(body, "kind", kinds[o->kind]);
		next = ST_REPORT;
		wait = o->kind == 1 ? rng_between(&h->rng, 5, 15) : rng_between(&h->rng, 0, 2);
		break;
	case ST_DECIDE:
		action = rng_chance(&h->rng, UPHOLD) ? "uphold" : "reject";
		cJSON_AddStringToObject(body, "reason",
					!strcmp(action, "uphold")
						? "经调取记录核实，申诉属实，该评价不计入统计"
						: "经核实，评价人确在该部门办理业务，申诉不成立");
		next = !strcmp(action, "uphold") ? ST_DONE : ST_VERIFY;
		wait = rng_between(&h->rng, 0, 2);
		break;
	case ST_REPORT:
		action = "report";
		cJSON_AddStringToObject(body, "report", reports[o->kind]);
		next = ST_RERATE;
		wait = rng_between(&h->rng, 2, 8); /* the rater answers the SMS in their own time */
		break;
	case ST_RERATE: {
		action = "rerate";
		bool again = !o->reworked && rng_chance(&h->rng, DISSATISFIED);
		cJSON_AddNumberToObject(body, "rerating",
					again			   ? 1
					: rng_chance(&h->rng, 850) ? 3
								   : 2);
		const yc_user *rater = person_of(h, o->rater);
		if (rater)
			u = *rater;
		o->reworked |= again;
		next = again ? ST_REPORT : ST_DONE;
		wait = rng_between(&h->rng, 2, 5);
		break;
	}
	case ST_DONE: break;
	}
	yc_buf out;
	yc_buf_init(&out, 0);
	rc = action ? review_order_check(action, body, h->err) : 0;
	if (!rc && action)
		rc = review_order_act(h->d, h->rc, &u, o->id, action, body, &out, h->err);
	yc_buf_release(&out);
	cJSON_Delete(body);
	o->step = next;
	o->due_day = workdays_after(h, day, wait);
	return rc;
}

static int callback_make(struct hist *h, struct hist_callback *c)
{
	char staff[48];
	snprintf(staff, sizeof(staff), "approver-%s", c->department);
	const yc_user *p;
	int rc = hist_staff_user(h, staff, &p);
	if (rc)
		return rc;
	yc_user u = *p;
	bool reached = !rng_chance(&h->rng, UNREACHABLE);
	cJSON *body = cJSON_CreateObject();
	cJSON_AddStringToObject(body, "result",
				reached ? "已回访，评价人确认评价属实，对服务满意"
					: "三次拨打无人接听");
	if (reached)
		cJSON_AddNumberToObject(body, "confirmed", rng_between(&h->rng, 4, 5));
	yc_buf out;
	yc_buf_init(&out, 0);
	const char *action = reached ? "done" : "unreachable";
	rc = review_callback_check(action, body, h->err);
	if (!rc)
		rc = review_callback_act(h->d, h->rc, &u, c->id, action, body, &out, h->err);
	if (rc == YC_ECONFLICT) /* done meanwhile by its order's verification */
		rc = 0, yc_err_clear(h->err);
	if (!rc)
		h->o->callbacks++;
	yc_buf_release(&out);
	cJSON_Delete(body);
	c->due_day = INT32_MAX;
	return rc;
}

/* The services that ended on `day`: cases not part of a run, runs, hall services. */
static int candidates_of(struct hist *h, int32_t day, struct candidate **out, int *n)
{
	int64_t from = hist_ms(h, day, 0), to = hist_ms(h, day + 1, 0);
	db_stmt *st = db_prepare(
		h->d,
		"SELECT 'case', no, COALESCE(applicant_user, 0), 0 FROM cases"
		" WHERE process_run IS NULL AND state NOT IN ('submitted', 'correction', "
		"'accepted',"
		" 'returned', 'suspended')"
		" AND COALESCE(NULLIF(decided_ms, 0), NULLIF(closed_ms, 0), updated_ms) >= ?"
		" AND COALESCE(NULLIF(decided_ms, 0), NULLIF(closed_ms, 0), updated_ms) < ?"
		" UNION ALL SELECT 'run', no, COALESCE(applicant_user, 0), 0 FROM process_runs"
		" WHERE state <> 'running' AND decided_ms >= ? AND decided_ms < ?"
		" UNION ALL SELECT 'ticket', id, 0, window_no FROM tickets"
		" WHERE day = ? AND state = 'done' AND finished_ms >= ? AND finished_ms < ?",
		h->err);
	if (!st)
		return db_failed(h->err);
	char date[12];
	int y;
	unsigned m, d;
	yc_civil_from_days(day, &y, &m, &d);
	snprintf(date, sizeof(date), "%04d-%02u-%02u", y, m, d);
	for (int i = 0; i < 3; i++) {
		db_bind_int(st, 2 * i + 1 + (i == 2), from);
		db_bind_int(st, 2 * i + 2 + (i == 2), to);
	}
	db_bind_text(st, 5, date); /* a hall service ends the day its ticket was taken */
	int rc, cap = 0;
	*n = 0;
	*out = NULL;
	while ((rc = db_step(st, h->err)) == DB_ROW) {
		bool ticket = !strcmp(db_col_text(st, 0), "ticket");
		if (!rng_chance(&h->rng, ticket ? RATE_TICKET : RATE_CASE))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			void *p = realloc(*out, (size_t)cap * sizeof(**out));
			if (!p) {
				rc = yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
				break;
			}
			*out = p;
		}
		struct candidate *c = &(*out)[(*n)++];
		db_col_copy(st, 0, c->kind, sizeof(c->kind));
		db_col_copy(st, 1, c->no, sizeof(c->no));
		c->user = db_col_int(st, 2);
		c->window = (int)db_col_int(st, 3);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int hist_reviews_setup(struct hist *h)
{
	h->reviews = calloc(1, sizeof(*h->reviews));
	if (!h->reviews)
		return yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
	return departments_load(h, h->reviews);
}

void hist_reviews_free(struct hist *h)
{
	if (!h->reviews)
		return;
	free(h->reviews->orders);
	free(h->reviews->callbacks);
	free(h->reviews->departments);
	free(h->reviews);
	h->reviews = NULL;
}

int hist_reviews_day(struct hist *h, int32_t day, bool work)
{
	struct hist_reviews *r = h->reviews;
	struct candidate *cands = NULL;
	int ncands = 0;
	int rc = candidates_of(h, day - 1, &cands, &ncands);
	/* the day's acts: reviews any time of day, the departments' and visitors' in office hours
	 */
	int nacts = 0, cap = ncands + r->norders + r->ncallbacks + 8;
	struct act *acts = rc ? NULL : malloc((size_t)cap * sizeof(*acts));
	if (!rc && !acts)
		rc = yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
	for (int i = 0; !rc && i < ncands; i++)
		acts[nacts++] =
			(struct act){hist_ms(h, day, rng_between(&h->rng, 8 * 60, 21 * 60)) +
					     rng_below(&h->rng, 60000),
				     A_SERVICE, i};
	if (!rc && work) {
		const int office = 9 * 60, close = 17 * 60 - 1;
		for (int i = 0; i < r->norders; i++)
			if (r->orders[i].step != ST_DONE && r->orders[i].due_day <= day)
				acts[nacts++] = (struct act){
					hist_ms(h, day, rng_between(&h->rng, office, close)),
					A_ORDER, i};
		for (int i = 0; i < r->ncallbacks; i++)
			if (r->callbacks[i].due_day <= day)
				acts[nacts++] = (struct act){
					hist_ms(h, day, rng_between(&h->rng, office, close)),
					A_CALLBACK, i};
		for (int i = rng_below(&h->rng, 3); i > 0; i--)
			acts[nacts++] = (struct act){
				hist_ms(h, day, rng_between(&h->rng, office, close)), A_OPEN, 0};
		if (rng_chance(&h->rng, VISIT))
			acts[nacts++] = (struct act){
				hist_ms(h, day, rng_between(&h->rng, office, close)), A_VISIT, 0};
		if (h->o->days % ROUND_EVERY == ROUND_EVERY / 2)
			acts[nacts++] = (struct act){
				hist_ms(h, day, rng_between(&h->rng, office, close)), A_ROUND, 0};
	}
	if (acts)
		qsort(acts, (size_t)nacts, sizeof(*acts), cmp_act);
	for (int i = 0; !rc && i < nacts; i++) {
		if (acts[i].t >= h->o->end_ms)
			break;
		hist_at(h, acts[i].t);
		/* each act whole or not at all (the day is one transaction; PostgreSQL's is lost
		 * by a failed statement unless a savepoint holds it) */
		if ((rc = db_savepoint(h->d, h->err)))
			break;
		switch (acts[i].kind) {
		case A_SERVICE: rc = rate_service(h, r, &cands[acts[i].idx], day); break;
		case A_OPEN: rc = rate_open(h, r, day); break;
		case A_ORDER: rc = order_step(h, &r->orders[acts[i].idx], day); break;
		case A_CALLBACK: rc = callback_make(h, &r->callbacks[acts[i].idx]); break;
		case A_VISIT: rc = visit(h, r, false, day); break;
		case A_ROUND: rc = visit(h, r, true, day); break;
		}
		/* rated already (a case delivered after its decision), no longer rateable: skipped
		 */
		if (rc == YC_EEXISTS || rc == YC_ECONFLICT) {
			db_rollback_to(h->d);
			yc_err_clear(h->err);
			rc = 0;
		}
		if (!rc)
			rc = db_release(h->d, h->err);
	}
	free(acts);
	free(cands);
	return rc;
}
