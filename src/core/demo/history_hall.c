/*
 * history_hall.c — the hall's floor in the demo history (see history.c): on
 * each working day some windows are staffed, people take tickets at the
 * kiosk or by phone through the day (more in the mid-morning and
 * mid-afternoon), the windows call, serve and finish them, a few called
 * people never come, and appointments booked days ahead are checked in or
 * missed. Everything goes through the hall's own functions (hall.h) as the
 * clerk or the person would, minute by minute.
 */
#include "history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/demo/demo_internal.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/* The hall's day by category: tickets a working day, and the share of its windows staffed. */
static const struct {
	char code[2];
	int per_day;
} volume[] = {
	{"A", 110}, {"B", 36}, {"C", 110}, {"D", 70}, {"E", 72}, {"F", 16}, {"G", 12},
};
enum { NCAT = sizeof(volume) / sizeof(volume[0]) };

/* Arrivals by hour of the day (relative): the mid-morning and mid-afternoon peaks. */
static const int by_hour[24] = {
	[9] = 90, [10] = 100, [11] = 70, [13] = 50, [14] = 85, [15] = 80, [16] = 55};

enum window_state { W_OFF, W_IDLE, W_CALLED, W_SERVING };

struct hist_window {
	int no;
	bool all;	/* serves every category ("*") */
	bool cat[NCAT]; /* the categories it serves */
	int first_cat;	/* its category (staffing is by category) */
	yc_user clerk;
	enum window_state state;
	char ticket[32];
	int64_t until_ms; /* W_CALLED: the no-show; W_SERVING: the finish */
};

struct booking {
	char id[40];
	int person;
	int cat;
	int32_t day;
	int minute;
	bool keep; /* checked in; else missed */
};

/* The floor: the hall's layout, its windows through the day, the appointments booked. */
struct hist_floor {
	cJSON *hall; /* data/demo/hall.json */
	struct hist_window *windows;
	int nwindows;
	struct booking *bookings;
	int nbookings, bookings_cap;
	int service_s[NCAT]; /* each category's usual service time */
};

static int cat_index(const char *code)
{
	for (int i = 0; i < NCAT; i++)
		if (!strcmp(volume[i].code, code))
			return i;
	return -1;
}

int hist_hall_setup(struct hist *h)
{
	struct hist_floor *f = h->floor = calloc(1, sizeof(*h->floor));
	if (!f)
		return yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
	const char *text = demo_file("hall.json");
	if (!text)
		return yc_err_set(h->err, YC_EINTERNAL, NULL, "the demo hall is not built in");
	int rc = yc_json_parse(text, strlen(text), &f->hall, h->err);
	if (rc)
		return rc;
	const cJSON *c;
	cJSON_ArrayForEach (c, cJSON_GetObjectItemCaseSensitive(f->hall, "categories")) {
		int i = cat_index(yc_json_str(c, "code"));
		if (i >= 0)
			f->service_s[i] = (int)yc_json_int(c, "default_service_s", 420);
	}
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(f->hall, "windows");
	f->windows = calloc((size_t)cJSON_GetArraySize(list) + 1, sizeof(*f->windows));
	if (!f->windows)
		return yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
	const cJSON *w;
	cJSON_ArrayForEach (w, list) {
		struct hist_window *x = &f->windows[f->nwindows];
		x->no = (int)yc_json_int(w, "no", 0);
		x->first_cat = -1;
		const cJSON *code;
		cJSON_ArrayForEach (code, cJSON_GetObjectItemCaseSensitive(w, "categories")) {
			if (!cJSON_IsString(code))
				continue;
			if (!strcmp(code->valuestring, "*")) {
				x->all = true;
				continue;
			}
			int i = cat_index(code->valuestring);
			if (i >= 0) {
				x->cat[i] = true;
				if (x->first_cat < 0)
					x->first_cat = i;
			}
		}
		if (x->all)
			for (int i = 0; i < NCAT; i++)
				x->cat[i] = true;
		char username[32];
		snprintf(username, sizeof(username), "clerk-%d", x->no);
		if ((rc = account_find(h->d, username, &x->clerk, h->err)))
			return rc;
		f->nwindows++;
	}
	return 0;
}

void hist_hall_free(struct hist *h)
{
	struct hist_floor *f = h->floor;
	if (!f)
		return;
	cJSON_Delete(f->hall);
	free(f->windows);
	free(f->bookings);
	free(f);
	h->floor = NULL;
}

/* Appointments for for_day, booked on day before the hall opens. */
int hist_hall_book(struct hist *h, int32_t day, int32_t for_day)
{
	struct hist_floor *f = h->floor;
	int slots[64];
	int nslots = hall_day_slots(h->hc->cal, for_day, h->hc->slot_minutes, slots, 64, h->err);
	if (nslots <= 0)
		return nslots < 0 ? nslots : 0;
	int n = rng_between(&h->rng, 6, 12);
	for (int i = 0; i < n; i++) {
		int64_t t = hist_ms(h, day, 7 * 60) + (int64_t)(i + 1) * 37000 +
			    (int64_t)(for_day - day) * 600000;
		if (t >= h->o->end_ms)
			return 0;
		hist_at(h, t);
		int rc = hist_reserve(h, &f->bookings, f->nbookings, &f->bookings_cap,
				      sizeof(*f->bookings));
		if (rc)
			return rc;
		struct booking *b = &f->bookings[f->nbookings];
		b->person = 2 + rng_below(&h->rng, h->npeople - 2);
		b->cat = rng_below(&h->rng, NCAT);
		b->day = for_day;
		b->minute = slots[rng_below(&h->rng, nslots)];
		b->keep = rng_chance(&h->rng, 880);
		char date[16], slot[8];
		yc_date_format(for_day, date, sizeof(date));
		snprintf(slot, sizeof(slot), "%02d:%02d", b->minute / 60, b->minute % 60);
		cJSON *body = cJSON_CreateObject();
		cJSON_AddStringToObject(body, "category", volume[b->cat].code);
		cJSON_AddStringToObject(body, "date", date);
		cJSON_AddStringToObject(body, "slot", slot);
		yc_buf out;
		yc_buf_init(&out, 0);
		rc = hall_appointment_book(h->d, h->hc, &h->people[b->person].user, body, &out,
					       h->err);
		cJSON_Delete(body);
		if (!rc) {
			cJSON *j = cJSON_ParseWithLength(out.data, out.len);
			const char *id = yc_json_str(j, "id");
			snprintf(b->id, sizeof(b->id), "%s", id ? id : "");
			cJSON_Delete(j);
			f->nbookings++;
			h->o->appointments++;
		}
		yc_buf_release(&out);
		/* a full slot, the day's limit or a bar for misses: that person books nothing */
		if (rc == YC_EINVAL || rc == YC_ECONFLICT || rc == YC_EFORBIDDEN) {
			yc_err_clear(h->err);
			rc = 0;
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* An arrival: a ticket taken at minute (seconds s) of the day. */
struct arrival {
	int64_t t;
	int cat;
	int booking; /* -1: a walk-in */
};

/* By time, then category and booking: a total order, so every C library sorts alike. */
static int arrival_cmp(const void *a, const void *b)
{
	const struct arrival *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->cat != y->cat)
		return x->cat < y->cat ? -1 : 1;
	return (x->booking > y->booking) - (x->booking < y->booking);
}

static int ticket_act(struct hist *h, struct hist_window *w, const char *action)
{
	yc_buf out;
	yc_buf_init(&out, 0);
	int rc = hall_ticket_act(h->d, h->hc, &w->clerk, w->ticket, action, NULL, &out, h->err);
	yc_buf_release(&out);
	if (rc)
		yc_err_prefix(rc, h->err, "demo history, ticket %s, %s", w->ticket, action);
	w->state = W_IDLE;
	return rc;
}

/* The window's clerk signs in (the window then waits to call) or out, at t. */
static int window_act(struct hist *h, struct hist_window *w, const char *action, int64_t t)
{
	yc_buf out;
	yc_buf_init(&out, 0);
	hist_at(h, t);
	int rc = hall_window_act(h->d, h->hc, &w->clerk, w->no, action, &out, h->err);
	yc_buf_release(&out);
	w->state = strcmp(action, "sign_in") ? W_OFF : W_IDLE;
	return rc;
}

static int issue(struct hist *h, const struct arrival *a, int *waiting)
{
	struct hist_floor *f = h->floor;
	yc_buf out;
	yc_buf_init(&out, 0);
	int rc;
	hist_at(h, a->t);
	if (a->booking >= 0) {
		const struct booking *b = &f->bookings[a->booking];
		rc = hall_appointment_act(h->d, h->hc, &h->people[b->person].user, b->id,
					  "check_in", NULL, &out, h->err);
	} else {
		cJSON *body = cJSON_CreateObject();
		int r = rng_below(&h->rng, 100);
		cJSON_AddStringToObject(body, "category", volume[a->cat].code);
		cJSON_AddStringToObject(body, "channel",
					r < 72	 ? "kiosk"
					: r < 95 ? "mobile"
						 : "window");
		const yc_user *guide = NULL; /* the guide desk confirms a green ticket */
		if (rng_chance(&h->rng, 30)) {
			guide = &f->windows[0].clerk;
			static const char *const why[] = {"七十岁以上老年人", "残疾人", "孕妇",
							  "重点项目"};
			cJSON_AddStringToObject(body, "priority", "green");
			cJSON_AddStringToObject(body, "reason", why[rng_below(&h->rng, 4)]);
		}
		char phone[12];
		snprintf(phone, sizeof(phone), "1%d%09d", rng_between(&h->rng, 3, 9),
			 rng_below(&h->rng, 1000000000));
		cJSON_AddStringToObject(body, "phone", phone);
		rc = hall_ticket_issue(h->d, h->hc, guide, body, &out, h->err);
		cJSON_Delete(body);
	}
	yc_buf_release(&out);
	if (!rc) {
		waiting[a->cat]++;
		h->o->tickets++;
	}
	/* the same phone twice in a queue, or a check-in out of its window: no ticket */
	if (rc == YC_ECONFLICT || rc == YC_EINVAL) {
		yc_err_clear(h->err);
		rc = 0;
	}
	return rc;
}

static bool has_waiting(const struct hist_window *w, const int *waiting)
{
	for (int i = 0; i < NCAT; i++)
		if (w->cat[i] && waiting[i] > 0)
			return true;
	return false;
}

static int call_next(struct hist *h, struct hist_window *w, int64_t t, int *waiting)
{
	struct hist_floor *f = h->floor;
	yc_buf out;
	yc_buf_init(&out, 0);
	bool none = false;
	hist_at(h, t);
	int rc = hall_call_next(h->d, h->hc, &w->clerk, w->no, &none, &out, h->err);
	if (!rc && !none) {
		cJSON *j = cJSON_ParseWithLength(out.data, out.len);
		const char *id = yc_json_str(j, "id");
		int cat = cat_index(yc_json_str(j, "category") ? yc_json_str(j, "category") : "");
		snprintf(w->ticket, sizeof(w->ticket), "%s", id ? id : "");
		cJSON_Delete(j);
		if (cat >= 0 && waiting[cat] > 0)
			waiting[cat]--;
		if (rng_chance(&h->rng, 25)) {
			w->state = W_CALLED; /* nobody comes: a no-show after three minutes */
			w->until_ms = t + 180000;
		} else if (t + 60000 >= h->o->end_ms) {
			w->state = W_CALLED; /* called just before now: on the way to the window */
			w->until_ms = h->o->end_ms;
		} else {
			hist_at(h, t + 20000 + rng_below(&h->rng, 40) * 1000);
			rc = ticket_act(h, w, "start");
			/* service times spread around the category's usual */
			int base = f->service_s[cat >= 0 ? cat : 0];
			int s = base / 3 + rng_below(&h->rng, base) +
				rng_below(&h->rng, base / 2 + 1);
			w->state = W_SERVING;
			w->until_ms = h->now_ms + (int64_t)s * 1000;
		}
	} else if (!rc) {
		/* what waits is not for this window: look again when something new comes */
		for (int i = 0; i < NCAT; i++)
			if (w->cat[i])
				waiting[i] = 0;
	}
	yc_buf_release(&out);
	return rc;
}

int hist_hall_day(struct hist *h, int32_t day, int (*step_cases)(struct hist *, int64_t until))
{
	struct hist_floor *f = h->floor;
	int starts[8], ends[8];
	int spans = calendar_spans(h->hc->cal, starts, ends, 8);
	if (spans <= 0)
		return 0;
	int open = starts[0], close = ends[spans - 1];
	/* who is on duty: enough windows of each category for its day, and a little more */
	int staffed[NCAT] = {0}, need[NCAT], staffed_all = 0;
	int minutes_open = 0;
	for (int s = 0; s < spans; s++)
		minutes_open += ends[s] - starts[s];
	for (int i = 0; i < NCAT; i++) {
		need[i] = volume[i].per_day * f->service_s[i] * 16 / (minutes_open * 60 * 10) + 1;
		need[i] += rng_below(&h->rng, 2);
	}
	int rc = 0;
	int64_t t = hist_ms(h, day, open - 10);
	for (int k = 0; k < f->nwindows && !rc; k++) {
		/* rotate which windows of a category open, day by day */
		struct hist_window *w = &f->windows[(k + day * 7) % f->nwindows];
		int c = w->all ? -1 : w->first_cat;
		w->state = W_OFF;
		if (w->all ? staffed_all >= 2 : c < 0 || staffed[c] >= need[c])
			continue;
		if (w->all)
			staffed_all++; /* two 全能 windows take whatever waits */
		else
			staffed[c]++;
		if ((t += 3000) >= h->o->end_ms)
			break;
		rc = window_act(h, w, "sign_in", t);
	}
	/* the day's arrivals: walk-ins by the hour's weight, and the day's kept appointments */
	int total = 0;
	for (int i = 0; i < NCAT; i++)
		total += volume[i].per_day;
	struct arrival *arr = calloc((size_t)total * 2 + (size_t)f->nbookings + 1, sizeof(*arr));
	if (!arr)
		return yc_err_set(h->err, YC_ENOMEM, NULL, NULL);
	int narr = 0, weight = 0;
	for (int hr = 0; hr < 24; hr++)
		weight += by_hour[hr];
	for (int i = 0; i < NCAT; i++) {
		int n = volume[i].per_day +
			rng_between(&h->rng, -volume[i].per_day / 6, volume[i].per_day / 6);
		for (int k = 0; k < n; k++) {
			int r = rng_below(&h->rng, weight), hr = 0;
			while (r >= by_hour[hr])
				r -= by_hour[hr++];
			int minute = hr * 60 + rng_below(&h->rng, 60);
			arr[narr++] = (struct arrival){
				hist_ms(h, day, minute) + rng_below(&h->rng, 60) * 1000, i, -1};
		}
	}
	for (int b = 0; b < f->nbookings; b++)
		if (f->bookings[b].day == day && f->bookings[b].keep && f->bookings[b].id[0])
			arr[narr++] = (struct arrival){hist_ms(h, day, f->bookings[b].minute) -
							       rng_below(&h->rng, 20) * 60000 +
							       rng_below(&h->rng, 60) * 1000,
						       f->bookings[b].cat, b};
	qsort(arr, (size_t)narr, sizeof(*arr), arrival_cmp);

	int waiting[NCAT] = {0};
	int next = 0;
	for (int minute = open; !rc && minute < close + 60; minute++) {
		int64_t tick = hist_ms(h, day, minute);
		if (tick >= h->o->end_ms)
			break;
		if ((rc = step_cases(h, tick)))
			break;
		/* windows finish what they serve, or give up on who never came */
		for (int k = 0; k < f->nwindows && !rc; k++) {
			struct hist_window *w = &f->windows[k];
			if ((w->state == W_SERVING || w->state == W_CALLED) &&
			    w->until_ms <= tick) {
				hist_at(h, w->until_ms);
				rc = ticket_act(h, w, w->state == W_SERVING ? "finish" : "no_show");
			}
		}
		/* idle windows call what was taken before this minute, in an order that moves
		 * from minute to minute (a ticket is never called before it is taken) */
		for (int k = 0; k < f->nwindows && !rc; k++) {
			struct hist_window *w = &f->windows[(k + minute) % f->nwindows];
			int64_t at = tick + 1000 + k * 200;
			if (w->state == W_IDLE && has_waiting(w, waiting) && at < h->o->end_ms)
				rc = call_next(h, w, at, waiting);
		}
		/* then the tickets taken in this minute (none after closing, none after now) */
		while (!rc && next < narr && arr[next].t < tick + 60000) {
			if (minute < close && arr[next].t < h->o->end_ms)
				rc = issue(h, &arr[next], waiting);
			next++;
		}
	}
	free(arr);
	/* closing: every window finishes, then signs out */
	for (int k = 0; k < f->nwindows && !rc; k++) {
		struct hist_window *w = &f->windows[k];
		if (w->state == W_OFF)
			continue;
		if (w->state == W_SERVING || w->state == W_CALLED) {
			if (w->until_ms >= h->o->end_ms)
				continue; /* still at it now */
			hist_at(h, w->until_ms);
			rc = ticket_act(h, w, w->state == W_SERVING ? "finish" : "no_show");
		}
		int64_t off = hist_ms(h, day, close + 65) + k * 1000;
		if (rc || off >= h->o->end_ms)
			continue;
		rc = window_act(h, w, "sign_out", off);
	}
	return rc;
}
