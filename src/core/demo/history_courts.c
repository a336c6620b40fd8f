/*
 * history_courts.c — 分调裁审 in the demo's past (the seed's year: 5,757 disputes mediated
 * before litigation, 2,433 settled; 52.6% of the civil and commercial cases on the fast
 * track; 2,033 business cases closed, ¥1.03 billion).
 *
 * Over a year (--history year) the parties file 5,757 requests for mediation and 3,000
 * direct filings through 网上立案, spread evenly over the working days; the recent history
 * files a tenth of that (the demo starts in seconds). Each goes through the case engine;
 * its approval hands it to core/court. A mediation ends 5 to 20 days after it began,
 * settled for 2,433 of every 5,757 (by a hash of the case number, so the share holds), else
 * registered; a registered case closes 15 to 45 days on (simple) or 40 to 90 (complex).
 * The dispute types are weighted so that the rules themselves put about half on the fast
 * track. Its own random stream: the other histories do not move.
 */
#include "history.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/court/court.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

#define COURT_ITEM "371091201011077000"
enum { YEAR_MEDIATIONS = 5757, YEAR_SETTLED = 2433, YEAR_DIRECT = 3000 };

/*
 * The year's filings by type, shaped to the seed: 52.6% of filed cases on the fast track,
 * 2,033 commercial cases closed for ¥1.03 billion (construction carries most of the sum).
 */
static const struct {
	const char *name;
	int weight;
	int median_yuan; /* claims spread around it */
} types[] = {
	{"金融借款合同纠纷", 13, 120000}, {"买卖合同纠纷", 14, 150000},
	{"民间借贷纠纷", 10, 60000},	  {"物业服务合同纠纷", 8, 4000},
	{"劳动争议", 8, 30000},		  {"机动车交通事故责任纠纷", 8, 80000},
	{"房屋买卖合同纠纷", 16, 400000}, {"离婚纠纷", 11, 100000},
	{"商标权纠纷", 3, 200000},	  {"建设工程施工合同纠纷", 11, 950000},
};
enum { NTYPES = sizeof(types) / sizeof(types[0]) };

struct hist_courts {
	struct rng rng;
	int64_t total, done; /* filings planned and filed */
	int32_t first, last;
	char communities[40][32];
	int ncommunities;
};

void hist_courts_free(struct hist *h)
{
	free(h->courts);
	h->courts = NULL;
}

int hist_courts_setup(struct hist *h, int32_t first, int32_t last)
{
	if (!h->kc)
		return 0;
	struct hist_courts *k = calloc(1, sizeof(*k));
	if (!(h->courts = k))
		return yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
	k->rng.s = h->o->seed ^ 0xa54ff53a5f1d36f1ULL;
	k->total = (YEAR_MEDIATIONS + YEAR_DIRECT) / (h->o->span == DEMO_HISTORY_YEAR ? 1 : 10);
	k->first = first;
	k->last = last;
	db_stmt *st = db_prepare(h->d, "SELECT doc FROM court_rules WHERE one = 1", h->err);
	if (!st)
		return db_failed(h->err);
	if (db_step(st, h->err) == DB_ROW) {
		cJSON *rules = cJSON_Parse(db_col_text(st, 0));
		const cJSON *g, *m;
		cJSON_ArrayForEach (g, cJSON_GetObjectItemCaseSensitive(rules, "grid_courts"))
			cJSON_ArrayForEach (m, cJSON_GetObjectItemCaseSensitive(g, "communities"))
				if (k->ncommunities < 40 && cJSON_IsString(m))
					snprintf(k->communities[k->ncommunities++], 32, "%s",
						 m->valuestring);
		cJSON_Delete(rules);
	}
	db_done(st);
	return k->ncommunities ? 0 : yc_err_set(h->err, YC_EINTERNAL, NULL, "no court rules");
}

/* A hash of the case number in [0, n): fixes each filing's fate whatever else happens. */
static uint32_t fate(const char *no, uint32_t n)
{
	uint32_t x = 2166136261u;
	for (; *no; no++)
		x = (x ^ (uint8_t)*no) * 16777619u;
	return x % n;
}

static int file_one(struct hist *h, int32_t day, int64_t k)
{
	struct hist_courts *c = h->courts;
	int w = 0, total = 0;
	for (int i = 0; i < NTYPES; i++)
		total += types[i].weight;
	int r = rng_below(&c->rng, total), t = 0;
	while (r >= types[t].weight)
		r -= types[t++].weight;
	/* claims: log-normal around the type's median, whole yuan */
	double u = (rng_below(&c->rng, 10000) + 0.5) / 10000.0;
	double z = sqrt(-2 * log(u)) * cos(6.283185307 * rng_below(&c->rng, 10000) / 10000.0);
	double claim = floor(types[t].median_yuan * exp(0.9 * z));
	int person = 2 + rng_below(&c->rng, HIST_PERSONS);
	bool mediate = k % (YEAR_MEDIATIONS + YEAR_DIRECT) < YEAR_MEDIATIONS;
	(void)w;
	cJSON *f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "dispute_type", types[t].name);
	cJSON_AddNumberToObject(f, "claim_amount", claim < 1 ? 1 : claim);
	cJSON_AddNumberToObject(f, "parties",
				rng_chance(&c->rng, 900) ? 2 : rng_between(&c->rng, 3, 6));
	cJSON_AddStringToObject(f, "defendant", "威海某某公司");
	cJSON_AddStringToObject(f, "mediate", mediate ? "同意诉前调解" : "不同意，直接立案");
	cJSON_AddStringToObject(f, "community",
				c->communities[rng_below(&c->rng, c->ncommunities)]);
	cJSON_AddStringToObject(f, "contact_phone", h->people[person].phone);
	return hist_case_planned(h, hist_ms(h, day + 1, 8 * 60 + (int)(k % 480)), COURT_ITEM,
				 person, f);
}

static int act(struct hist *h, const yc_user *u, const char *no, const char *action, cJSON *b)
{
	yc_buf out;
	yc_buf_init(&out, 0);
	int rc = court_act_check(action, b, h->err);
	if (!rc)
		rc = court_act(h->d, h->kc, u, no, action, b, &out, h->err);
	if (rc)
		yc_err_prefix(rc, h->err, "demo history, court case %s, %s", no, action);
	yc_buf_release(&out);
	cJSON_Delete(b);
	return rc;
}

/* The registry's day: mediations ended, registered cases closed. */
static int registry_day(struct hist *h, int32_t day)
{
	const yc_user *u;
	char who[40];
	snprintf(who, sizeof(who), "approver-%s", h->kc->department);
	int rc = hist_staff_user(h, who, &u);
	if (rc)
		return rc;
	db_stmt *st =
		db_prepare(h->d,
			   "SELECT case_no, state, received_on, COALESCE(filed_on, ''), track,"
			   " amount_fen FROM court_cases WHERE state IN ('mediating', 'filed')"
			   " ORDER BY case_no",
			   h->err);
	if (!st)
		return db_failed(h->err);
	struct due {
		char no[32], action[12];
		int64_t amount;
	} *due = NULL;
	int n = 0, cap = 0;
	while ((rc = db_step(st, h->err)) == DB_ROW) {
		const char *no = db_col_text(st, 0), *state = db_col_text(st, 1);
		int32_t from;
		bool mediating = !strcmp(state, "mediating");
		if (yc_date_parse(db_col_text(st, mediating ? 2 : 3), &from))
			continue;
		bool simple = !mediating && !strcmp(db_col_text(st, 4), "simple");
		int32_t lasts = mediating ? 5 + (int32_t)fate(no, 16)
				: simple  ? 15 + (int32_t)fate(no, 31)
					  : 40 + (int32_t)fate(no, 51);
		if (day < from + lasts)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			void *g = realloc(due, (size_t)cap * sizeof(*due));
			if (!g) {
				rc = yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
				break;
			}
			due = g;
		}
		snprintf(due[n].no, sizeof(due[n].no), "%s", no);
		snprintf(due[n].action, sizeof(due[n].action), "%s",
			 !mediating				    ? "close"
			 : fate(no, YEAR_MEDIATIONS) < YEAR_SETTLED ? "settle"
								    : "fail");
		due[n].amount = db_col_int(st, 5);
		n++;
	}
	db_done(st);
	rc = rc < 0 ? rc : 0;
	char on[12];
	yc_date_format(day, on, sizeof(on));
	hist_at(h, hist_ms(h, day, 16 * 60 + 5));
	static const char *const outcomes[] = {"judgment", "mediated", "withdrawn"};
	for (int i = 0; !rc && i < n; i++) {
		cJSON *b = cJSON_CreateObject();
		cJSON_AddStringToObject(b, "on", on);
		if (strcmp(due[i].action, "fail"))
			cJSON_AddNumberToObject(b, "amount", (double)(due[i].amount * 4 / 5) / 100);
		if (!strcmp(due[i].action, "close"))
			cJSON_AddStringToObject(b, "outcome", outcomes[fate(due[i].no, 3)]);
		rc = act(h, u, due[i].no, due[i].action, b);
	}
	free(due);
	return rc;
}

int hist_courts_day(struct hist *h, int32_t day, bool work)
{
	struct hist_courts *c = h->courts;
	if (!c || !work)
		return 0;
	/* the filings due by today, evenly over the span */
	int64_t span = c->last - c->first + 1, due = c->total * (day - c->first + 1) / span;
	int rc = 0;
	while (!rc && c->done < due && c->done < c->total)
		rc = file_one(h, day, c->done++);
	return rc ? rc : registry_day(h, day);
}
