/*
 * history_fdi.c — foreign-invested businesses in the demo's past (the seed's year: 148 set
 * up, 116 changed, 23 deregistered under pre-entry national treatment and the negative list).
 *
 * Of the business registrations the history files anyway, every 3,787th/148th (by count, so
 * no random draw moves) is a foreign-invested one: its form names its industries and the
 * foreign share, drawn from profiles the negative list allows (wholly foreign-owned
 * manufacturing and software, a Chinese-controlled coastal shipper, a value-added telecom
 * firm at 50%). Over the span the registered firms also file 116 changes and 23
 * deregistrations a year (the recent history a tenth), through the same case engine and the
 * same negative-list check. The licence's change and deregistration are 办理项 the history
 * does not otherwise draw: they are added to its items with no weight.
 */
#include "history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/banned.h"

#define LICENCE "371091011001007000"
#define CHANGE "371091011001007001"
#define CANCEL "371091011001007003"
enum { YEAR_LICENCES = 3787, YEAR_SET_UP = 148, YEAR_CHANGED = 116, YEAR_CANCELLED = 23 };

/* What a foreign-invested firm declares: industries, the foreign share, who leads it. */
static const struct {
	const char *industries;
	int share;
	const char *nationality, *largest;
} profiles[] = {
	{"C3670", 100, "外国", "外方"},	      /* car parts, wholly foreign-owned */
	{"C3981,C3982", 100, "外国", "外方"}, /* electronic components */
	{"I6513", 70, "外国", "外方"},	      /* application software */
	{"F5179", 100, "外国", "外方"},	      /* machinery wholesale */
	{"M7320", 60, "中国", "外方"},	      /* engineering research */
	{"C2927", 51, "中国", "外方"},	      /* plastic goods */
	{"H6210", 100, "外国", "外方"},	      /* restaurants */
	{"G5522", 49, "中国", "中方"},	      /* coastal shipping: Chinese-controlled */
	{"I6319", 50, "中国", "中方"},	      /* value-added telecom: at most 50% */
};
enum { NPROFILES = sizeof(profiles) / sizeof(profiles[0]) };

struct hist_fdi {
	int change, cancel;   /* the items' indexes in h->items */
	int64_t total, done;  /* changes and deregistrations planned and filed */
	int32_t first, last;
	int64_t licences;     /* registrations filled so far */
	cJSON *docs;	      /* the two 办理项' stored documents (h->items points in) */
};

void hist_fdi_free(struct hist *h)
{
	if (h->fdi)
		cJSON_Delete(h->fdi->docs);
	free(h->fdi);
	h->fdi = NULL;
}

static int add_item(struct hist *h, cJSON *doc, int *index)
{
	struct hist_item *items = realloc(h->items, (size_t)(h->nitems + 1) * sizeof(*items));
	if (!items)
		return yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
	h->items = items;
	*index = h->nitems;
	h->items[h->nitems++] = (struct hist_item){
		.doc = doc,
		.limit = (int)yc_json_int(cJSON_GetObjectItem(doc, "promised_limit"), "value", 0),
		.nsteps = cJSON_GetArraySize(cJSON_GetObjectItem(doc, "steps")),
	};
	return 0;
}

int hist_fdi_setup(struct hist *h, int32_t first, int32_t last)
{
	struct hist_fdi *f = calloc(1, sizeof(*f));
	if (!(h->fdi = f) || !(f->docs = cJSON_CreateArray()))
		return yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
	f->first = first;
	f->last = last;
	f->total = (YEAR_CHANGED + YEAR_CANCELLED) / (h->o->span == DEMO_HISTORY_YEAR ? 1 : 10);
	const char *codes[2] = {CHANGE, CANCEL};
	int *slots[2] = {&f->change, &f->cancel};
	for (int i = 0; i < 2; i++) {
		char text[64 * 1024];
		int rc = db_get(h->d, h->err, "SELECT doc FROM items WHERE code = ?", "s", "t",
				codes[i], text, sizeof(text));
		if (rc != DB_ROW)
			return rc < 0 ? rc : yc_err_set(h->err, YC_EINTERNAL, NULL, "no item %s", codes[i]);
		cJSON *doc = cJSON_Parse(text);
		if (!doc)
			return yc_err_set(h->err, YC_EINTERNAL, NULL, "item %s", codes[i]);
		cJSON_AddItemToArray(f->docs, doc);
		if ((rc = add_item(h, doc, slots[i])))
			return rc;
	}
	return 0;
}

static void declare(cJSON *form, int64_t k)
{
	int p = (int)(k % NPROFILES);
	cJSON_AddStringToObject(form, "investment", "外商投资");
	cJSON_AddStringToObject(form, "industries", profiles[p].industries);
	cJSON_AddNumberToObject(form, "foreign_share", profiles[p].share);
	cJSON_AddStringToObject(form, "legal_rep_nationality", profiles[p].nationality);
	cJSON_AddStringToObject(form, "largest_shareholder", profiles[p].largest);
}

bool hist_fdi_field(const char *name)
{
	static const char *const names[] = {"investment", "industries", "foreign_share",
					    "legal_rep_nationality", "largest_shareholder", NULL};
	return yc_one_of(name, names);
}

void hist_fdi_fill(struct hist *h, const char *item, cJSON *form)
{
	struct hist_fdi *f = h->fdi;
	if (!f || strcmp(item, LICENCE))
		return;
	int64_t k = f->licences++;
	/* evenly: the k-th registration is foreign-invested when the share's count steps up */
	if ((k + 1) * YEAR_SET_UP / YEAR_LICENCES > k * YEAR_SET_UP / YEAR_LICENCES)
		declare(form, k);
}

static int file_one(struct hist *h, int32_t day, int64_t k)
{
	/* evenly: a deregistration whenever their share's count steps up, else a change */
	int64_t all = YEAR_CHANGED + YEAR_CANCELLED;
	bool change = (k + 1) * YEAR_CANCELLED / all == k * YEAR_CANCELLED / all;
	int person = 2 + (int)(k * 7 % (HIST_PERSONS - 2));
	cJSON *form = cJSON_CreateObject();
	char name[96];
	snprintf(name, sizeof(name), "威海%s%s有限公司", hist_firm_words[k % 18],
		 hist_firm_trades[(k / 18) % 12]);
	cJSON_AddStringToObject(form, "company_name", name);
	cJSON_AddStringToObject(form, "legal_person", h->people[person].user.name);
	cJSON_AddNumberToObject(form, "registered_capital", 100 + (double)(k * 37 % 4900));
	snprintf(name, sizeof(name), "经区%s%d号", hist_streets[k % 10], (int)(1 + k * 13 % 300));
	cJSON_AddStringToObject(form, "address", name);
	declare(form, k);
	return hist_case_planned(h, hist_ms(h, day + 1, 9 * 60 + (int)(k % 420)),
				 change ? CHANGE : CANCEL, person, form);
}

int hist_fdi_day(struct hist *h, int32_t day, bool work)
{
	struct hist_fdi *f = h->fdi;
	if (!f || !work)
		return 0;
	int64_t span = f->last - f->first + 1, due = f->total * (day - f->first + 1) / span;
	int rc = 0;
	while (!rc && f->done < due && f->done < f->total)
		rc = file_one(h, day, f->done++);
	return rc;
}
