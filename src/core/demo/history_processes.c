/*
 * history_processes.c — the demo's composite processes at work (一件事一次办):
 * each run filed with one form online or at a window, accepted as one
 * application, its parts approved each in its own department as they are
 * released, and every result delivered together — through the same core
 * functions a request uses, each at the moment it happened. 企业开办 comes
 * about 12 times a working day, second-hand homes with their utilities
 * (不动产1113) 4, 注册即来电 2, one of the twenty 一业一证 industries about 1
 * (242 licences in the seed's year), a 拿地即开工 project now and then (57).
 * Most end within their promise; some run late, a few are denied or
 * withdrawn, and the last day's are still open.
 */
#include "core/demo/history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/demo/demo_internal.h"
#include "core/process/process.h"
#include "lib/json.h"
#include "lib/banned.h"

enum run_fate {
	R_ON_TIME,   /* every part approved within the promise */
	R_LATE,	     /* one part waits past the promise */
	R_DENIED,    /* a part is denied: the rest stop (on_deny "stop") */
	R_WITHDRAWN, /* the applicant withdraws before the window accepts */
};

enum run_stage { RS_NEW, RS_FILED, RS_ACCEPTED, RS_ENDED, RS_DONE };

enum { RUN_OPEN_MAX = 8 };
struct hist_run {
	const cJSON *process; /* its definition in data/demo/processes.json */
	char no[32];
	char office[32]; /* where it was accepted */
	int person;
	enum run_fate fate;
	enum run_stage stage;
	bool online, slow_done;
	/* the parts' cases open after the last reading, decided one per event */
	char open[RUN_OPEN_MAX][32];
	char open_id[RUN_OPEN_MAX][16];
	int nopen;
};

static int later(struct hist *h, int r, int minutes)
{
	return hist_event_push(h, hist_after_work(h, h->now_ms, minutes), -r - 1);
}

/*
 * How many of each process a working day brings, in thousandths, shaped to the seed's year:
 * 企业开办 brings most of its 3,821 new businesses (the rest apply for 企业设立登记 alone),
 * 54 construction projects run in parallel, 242 industry licences over twenty industries.
 */
static int process_weight(const char *code)
{
	if (!strcmp(code, "P-QYKB"))
		return 13670;
	if (!strcmp(code, "P-BDC1113"))
		return 4000;
	if (!strcmp(code, "P-ZCJLD"))
		return 2000;
	if (!strcmp(code, "P-NDJKG"))
		return 215;
	return !strncmp(code, "P-YYYZ-", 7) ? 51 : 0;
}

/* The district's processes (data/demo/processes.json), parsed once for the history. */
static int processes_load(struct hist *h)
{
	if (h->processes)
		return 0;
	const char *text = demo_file("processes.json");
	if (!text)
		return yc_err_set(h->err, YC_EINTERNAL, NULL,
				  "the demo processes are not built in");
	return yc_json_parse(text, strlen(text), &h->processes, h->err);
}

int hist_plan_runs(struct hist *h, int32_t day, int weekday_share)
{
	int rc = processes_load(h);
	int starts[8], ends[8];
	int spans = calendar_spans(h->cc->cal, starts, ends, 8);
	const cJSON *p;
	cJSON_ArrayForEach (p, cJSON_GetObjectItemCaseSensitive(h->processes, "processes")) {
		/* thousandths a day: as many whole runs, the rest by chance; busier early in the
		 * week */
		int milli = process_weight(yc_json_str(p, "code")) * weekday_share / 100;
		int n = milli / 1000 + (rng_below(&h->rng, 1000) < milli % 1000);
		for (int i = 0; !rc && i < n; i++) {
			/* 80% wholly online (全程电子化), the rest at a window or a bank outlet */
			bool online = rng_chance(&h->rng, 800) || spans <= 0;
			int s = spans > 0 ? rng_below(&h->rng, spans) : 0;
			int minute = online ? rng_between(&h->rng, 7 * 60, 22 * 60)
					    : rng_between(&h->rng, starts[s], ends[s] - 1);
			rc = hist_run_new(h, p,
					  hist_ms(h, day, minute) + rng_below(&h->rng, 60) * 1000,
					  online);
		}
	}
	return rc;
}

int hist_run_new(struct hist *h, const cJSON *process, int64_t t, bool online)
{
	int rc = hist_reserve(h, &h->runs, h->nruns, &h->runs_cap, sizeof(*h->runs));
	if (rc)
		return rc;
	struct hist_run *r = &h->runs[h->nruns];
	memset(r, 0, sizeof(*r));
	r->process = process;
	/* a home is bought by a person; a business (now and then business1) opens the rest */
	const char *kind = yc_json_str(process, "kind");
	if (kind && !strcmp(kind, "life"))
		r->person = rng_chance(&h->rng, 20) ? 0 : 2 + rng_below(&h->rng, HIST_PERSONS);
	else
		r->person = rng_chance(&h->rng, 30)
				    ? 1
				    : 2 + HIST_PERSONS + rng_below(&h->rng, HIST_FIRMS);
	int f = rng_below(&h->rng, 1000);
	r->fate = f < 60 ? R_LATE : f < 80 ? R_DENIED : f < 100 ? R_WITHDRAWN : R_ON_TIME;
	r->online = online;
	rc = hist_event_push(h, t, -h->nruns - 1);
	if (!rc)
		h->nruns++;
	return rc;
}

/* An answer to a question: premises, signs and utilities are common, simple projects rarer. */
static const char *answer(struct hist *h, const cJSON *q)
{
	const cJSON *options = cJSON_GetObjectItemCaseSensitive(q, "options");
	const char *name = yc_json_str(q, "name");
	int first = !strcmp(name, "has_premises") ? 450 : !strcmp(name, "has_sign") ? 600 : 800;
	if (cJSON_GetArraySize(options) == 2)
		return cJSON_GetArrayItem(options, rng_chance(&h->rng, first) ? 0 : 1)->valuestring;
	return cJSON_GetArrayItem(options, rng_below(&h->rng, cJSON_GetArraySize(options)))
		->valuestring;
}

/* A value for one field of the one form, by its name and type. */
static void field_fill(struct hist *h, const struct hist_person *p, const cJSON *f, cJSON *form)
{
	const char *name = yc_json_str(f, "name"), *type = yc_json_str(f, "type");
	char v[200];
	if (!strcmp(type, "number")) {
		cJSON_AddNumberToObject(form, name, 10 * rng_between(&h->rng, 1, 100));
		return;
	}
	if (!strcmp(type, "phone")) {
		snprintf(v, sizeof(v), "%s", p->phone);
	} else if (!strcmp(name, "company_name") || !strcmp(name, "operator") ||
		   !strcmp(name, "builder")) {
		snprintf(v, sizeof(v), "威海%s%s有限公司", hist_firm_words[rng_below(&h->rng, 18)],
			 hist_firm_trades[rng_below(&h->rng, 12)]);
	} else if (!strcmp(name, "buyer")) {
		snprintf(v, sizeof(v), "%s", p->user.name);
	} else if (!strcmp(name, "unit_no")) {
		snprintf(v, sizeof(v), "371091%06dGB%05dF%08d", rng_below(&h->rng, 1000000),
			 rng_below(&h->rng, 100000), rng_below(&h->rng, 100000000));
	} else if (!strcmp(type, "text") && strcmp(name, "address") && strcmp(name, "location")) {
		hist_person_name(h, v, sizeof(v)); /* a legal person, a representative */
	} else {
		snprintf(v, sizeof(v), "经区%s%d号", hist_streets[rng_below(&h->rng, 10)],
			 rng_between(&h->rng, 1, 300));
	}
	cJSON_AddStringToObject(form, name, v);
}

/* The answers, the one form as the applicant fills it, and the one material set. */
static cJSON *run_body(struct hist *h, const struct hist_run *r)
{
	const struct hist_person *p = &h->people[r->person];
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "process", yc_json_str(r->process, "code"));
	cJSON *answers = cJSON_AddObjectToObject(b, "answers");
	const cJSON *q;
	cJSON_ArrayForEach (q, cJSON_GetObjectItemCaseSensitive(r->process, "questions"))
		cJSON_AddStringToObject(answers, yc_json_str(q, "name"), answer(h, q));
	cJSON *form = cJSON_AddObjectToObject(b, "form");
	const cJSON *f;
	cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive(r->process, "form"))
		field_fill(h, p, f, form);
	cJSON *mats = cJSON_AddArrayToObject(b, "materials");
	const cJSON *m;
	cJSON_ArrayForEach (m, cJSON_GetObjectItemCaseSensitive(r->process, "materials")) {
		if (!yc_json_bool(m, "required", false) && rng_chance(&h->rng, 500))
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", yc_json_str(m, "id"));
		cJSON_AddStringToObject(o, "sha256", h->pdf_sha[rng_below(&h->rng, HIST_PDFS)]);
		cJSON_AddItemToArray(mats, o);
	}
	/* the commitment the industries' commitment-based permits ask for (告知承诺) */
	cJSON_AddBoolToObject(b, "commitment", true);
	cJSON *dv = cJSON_AddObjectToObject(b, "delivery");
	cJSON_AddStringToObject(dv, "mode", rng_chance(&h->rng, 700) ? "electronic" : "window");
	return b;
}

static int file(struct hist *h, int k)
{
	struct hist_run *r = &h->runs[k];
	const struct hist_person *p = &h->people[r->person];
	const yc_user *actor = &p->user;
	cJSON *body = run_body(h, r);
	int rc = 0;
	if (r->online) {
		cJSON_AddStringToObject(body, "channel", "online");
	} else {
		/* at a window; a business, a quarter of the time at one of the six bank outlets
		 * (政银合作), whose seat files it for the centre's window */
		const char *kind = yc_json_str(r->process, "kind");
		bool bank = kind && !strcmp(kind, "business") && rng_chance(&h->rng, 250);
		char seat[16];
		snprintf(seat, sizeof(seat), "bank-%d", 1 + rng_below(&h->rng, HIST_OUTLETS));
		cJSON_AddStringToObject(body, "channel", bank ? "bank" : "window");
		rc = hist_staff_user(h, bank ? seat : hist_clerk(h), &actor);
		if (!rc)
			rc = hist_person_contact(h, p, cJSON_AddObjectToObject(body, "applicant"));
	}
	struct process_new *pn = calloc(1, sizeof(*pn));
	yc_buf out;
	yc_buf_init(&out, 0);
	if (!pn)
		rc = yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
	if (!rc && !(rc = process_prepare(h->d, h->cc, actor, body, pn, h->err))) {
		rc = process_submit(h->d, h->cc, actor, pn, &out, h->err);
		process_new_free(pn);
	}
	free(pn);
	cJSON *j = rc ? NULL : cJSON_ParseWithLength(out.data, out.len);
	if (j) {
		snprintf(r->no, sizeof(r->no), "%s", yc_json_str(j, "no"));
		snprintf(r->office, sizeof(r->office), "%s", yc_json_str(j, "accept_office"));
	}
	cJSON_Delete(j);
	yc_buf_release(&out);
	cJSON_Delete(body);
	if (rc)
		yc_err_prefix(rc, h->err, "demo history, %s %d", yc_json_str(r->process, "code"),
			      k);
	return rc;
}

/* The run as the supervisor sees it (parsed; the caller's). */
static int run_view(struct hist *h, const struct hist_run *r, cJSON **out)
{
	const yc_user *sup;
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = hist_staff_user(h, "supervisor1", &sup);
	if (!rc)
		rc = process_run_json(h->d, h->cc, sup, r->no, &b, h->err);
	*out = rc ? NULL : cJSON_ParseWithLength(b.data, b.len);
	yc_buf_release(&b);
	return rc ? rc : *out ? 0 : yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
}

/* Approves (or denies) one open part's case, as its step's assignee or an approver who claims it.
 */
static int decide(struct hist *h, const char *case_no, bool deny)
{
	const yc_user *sup, *who;
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = hist_staff_user(h, "supervisor1", &sup);
	if (!rc)
		rc = case_json(h->d, h->cc, sup, case_no, &b, h->err);
	cJSON *c = rc ? NULL : cJSON_ParseWithLength(b.data, b.len);
	yc_buf_release(&b);
	const cJSON *step = cJSON_GetObjectItemCaseSensitive(c, "current_step");
	const char *assignee = yc_json_str(step, "assignee");
	char name[48];
	snprintf(name, sizeof(name), "approver-%s",
		 yc_json_str(step, "department") ? yc_json_str(step, "department") : "");
	if (!rc)
		rc = hist_staff_user(h, assignee ? assignee : name, &who);
	if (!rc && !assignee)
		rc = case_act(h->d, h->cc, who, case_no, CA_CLAIM, NULL, NULL, h->err);
	cJSON *body = cJSON_CreateObject();
	if (deny)
		cJSON_AddStringToObject(body, "reason", "经审查，不符合法定条件");
	else
		cJSON_AddStringToObject(body, "opinion", "同意");
	if (!rc)
		rc = case_act(h->d, h->cc, who, case_no, deny ? CA_DENY : CA_APPROVE, body, NULL,
			      h->err);
	if (!rc)
		h->o->actions++;
	cJSON_Delete(body);
	cJSON_Delete(c);
	return rc;
}

static int run_act(struct hist *h, struct hist_run *r, const yc_user *who,
		   enum process_run_action a, cJSON *body)
{
	int rc = process_run_act(h->d, h->cc, who, r->no, a, body, NULL, h->err);
	cJSON_Delete(body);
	if (!rc)
		h->o->actions++;
	return rc;
}

/* Reads which parts' cases are open (accepted); false when the run has ended. */
static int read_open(struct hist *h, struct hist_run *r, bool *running)
{
	cJSON *run;
	int rc = run_view(h, r, &run);
	if (rc)
		return rc;
	*running = !strcmp(yc_json_str(run, "state"), "running");
	r->nopen = 0;
	const cJSON *p;
	cJSON_ArrayForEach (p, cJSON_GetObjectItemCaseSensitive(run, "parts")) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(p, "case");
		if (r->nopen < RUN_OPEN_MAX && cJSON_IsObject(c) &&
		    !strcmp(yc_json_str(c, "state"), "accepted")) {
			snprintf(r->open[r->nopen], sizeof(r->open[0]), "%s", yc_json_str(c, "no"));
			snprintf(r->open_id[r->nopen], sizeof(r->open_id[0]), "%s",
				 yc_json_str(p, "id"));
			r->nopen++;
		}
	}
	cJSON_Delete(run);
	return 0;
}

/*
 * The next open part's decision, and when the one after it comes. The run
 * is read when no part read before is left: the licence released the rest,
 * or a denial ended it.
 */
static int step_parts(struct hist *h, int k)
{
	struct hist_run *r = &h->runs[k];
	bool running = true;
	int rc = r->nopen ? 0 : read_open(h, r, &running);
	if (rc)
		return rc;
	if (!running) {
		r->stage = RS_ENDED;
		return later(h, k, rng_between(&h->rng, 5, 60));
	}
	if (!r->nopen) /* a part waits for the window (a material to see): nothing more */
		return 0;
	int i = --r->nopen;
	/* a denial comes to a later part, after the licence; the run stops there */
	bool deny =
		r->fate == R_DENIED && strcmp(r->open_id[i], "licence") && rng_chance(&h->rng, 500);
	if ((rc = decide(h, r->open[i], deny)))
		return rc;
	if (deny)
		r->nopen = 0;
	/* the next part a few minutes on; a late run's one slow part well past the promise */
	if (r->fate == R_LATE && !r->slow_done && rng_chance(&h->rng, 400)) {
		r->slow_done = true;
		return later(h, k, rng_between(&h->rng, 150, 600));
	}
	return later(h, k, rng_between(&h->rng, 4, 18));
}

/* A clerk of the run's office: where a clerk filed it, or the district's for online ones. */
static int window_clerk(struct hist *h, const struct hist_run *r, const yc_user **clerk)
{
	int rc = hist_staff_user(h, hist_clerk(h), clerk);
	if (!rc && strcmp((*clerk)->office, r->office))
		rc = hist_staff_user(h, "clerk1", clerk);
	return rc;
}

static int run_step(struct hist *h, int k)
{
	struct hist_run *r = &h->runs[k];
	const yc_user *clerk;
	int rc;
	switch (r->stage) {
	case RS_NEW:
		if ((rc = file(h, k)))
			return rc;
		h->o->runs++;
		r->stage = RS_FILED;
		/* an online application waits for the window's pre-review; a walk-in's is taken at
		 * once */
		return later(h, k,
			     r->online ? rng_between(&h->rng, 10, 90) : rng_between(&h->rng, 1, 8));
	case RS_FILED:
		if (r->fate == R_WITHDRAWN) {
			cJSON *b = cJSON_CreateObject();
			cJSON_AddStringToObject(b, "reason", "暂缓开办");
			r->stage = RS_DONE;
			if (r->online)
				return run_act(h, r, &h->people[r->person].user, PRA_WITHDRAW, b);
			/* a walk-in changes their mind at the window, which withdraws it for them
			 */
			if ((rc = window_clerk(h, r, &clerk))) {
				cJSON_Delete(b);
				return rc;
			}
			return run_act(h, r, clerk, PRA_WITHDRAW, b);
		}
		if ((rc = window_clerk(h, r, &clerk)) ||
		    (rc = run_act(h, r, clerk, PRA_ACCEPT, NULL)))
			return rc;
		r->stage = RS_ACCEPTED;
		return later(h, k, rng_between(&h->rng, 15, 50));
	case RS_ACCEPTED: return step_parts(h, k);
	case RS_ENDED: {
		/* the window hands every result over at once */
		r->stage = RS_DONE;
		if ((rc = window_clerk(h, r, &clerk)))
			return rc;
		cJSON *b = cJSON_CreateObject();
		cJSON_AddStringToObject(b, "mode",
					rng_chance(&h->rng, 750) ? "electronic" : "window");
		return run_act(h, r, clerk, PRA_DELIVER, b);
	}
	case RS_DONE: return 0;
	}
	return 0;
}

int hist_run_step(struct hist *h, int k)
{
	/* one step, whole or not at all (the day is one transaction) */
	int rc = db_savepoint(h->d, h->err);
	if (!rc)
		rc = run_step(h, k);
	if (rc == YC_ENOTLOADED) {
		/* a deadline in a year whose calendar is not loaded yet: the run waits there */
		db_rollback_to(h->d);
		h->o->held++;
		yc_err_clear(h->err);
		h->runs[k].stage = RS_DONE;
		rc = 0;
	}
	return rc ? rc : db_release(h->d, h->err);
}
