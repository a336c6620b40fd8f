/*
 * hall.c — the service hall (see hall.h).
 *
 *   ticket:  waiting ──call──► called ──start──► serving ──finish──► done
 *              ▲  │              │ ▲ recall (up to max_recalls, then missed)
 *              │  │ transfer     │ │
 *              │  └──(keeps its issue time)
 *              │                 └──no_show──► missed ──requeue (once)──┐
 *              └────────────────────────────────────────────────────────┘
 *   waiting/called at closing time ──► expired
 */
#include "hall.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/notify.h"
#include "core/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static const char *const ticket_channels[] = {"kiosk", "mobile", "window", NULL};

static int64_t now_of(const struct hall_ctx *c)
{
	return c->now_ms ? c->now_ms : yc_now_ms();
}

static int64_t local_min(const struct hall_ctx *c, int64_t ms)
{
	int64_t m = ms >= 0 ? ms / 60000 : (ms - 59999) / 60000;
	return m + c->tz_offset_min;
}

static int32_t today(const struct hall_ctx *c)
{
	int64_t m = local_min(c, now_of(c));
	return (int32_t)(m >= 0 ? m / 1440 : (m - 1439) / 1440);
}

/* UTC ms of a local day's minute. */
static int64_t ms_of(const struct hall_ctx *c, int32_t day, int minute)
{
	return ((int64_t)day * 1440 + minute - c->tz_offset_min) * 60000;
}

/*
 * Every hall write takes the hall's lock first. Several writers (PostgreSQL)
 * would otherwise lock ticket-number rows and tickets in different orders
 * and deadlock; holding one lock they take turns, which a hall's rate of
 * calls (a few a second) never notices.
 */
static int hall_lock(db *d, yc_err *err)
{
	return db_lock(d, "hall", err);
}

/* ---- the calling rule ------------------------------------------------------ */

int hall_pick(const struct hall_candidate *c, int n, int64_t now_ms, int64_t fairness_ms)
{
	int best[4] = {-1, -1, -1, -1}; /* overdue normal, green, begun appointment, the rest */
	for (int i = 0; i < n; i++) {
		bool begun = c[i].priority == PRIO_APPOINTMENT && c[i].slot_ms <= now_ms;
		int group = c[i].priority == PRIO_GREEN ? 1 : begun ? 2 : 3;
		if (group == 3 && now_ms - c[i].issued_ms >= fairness_ms && fairness_ms > 0)
			group = 0;
		if (best[group] < 0 || c[i].issued_ms < c[best[group]].issued_ms)
			best[group] = i;
	}
	for (int g = 0; g < 4; g++)
		if (best[g] >= 0)
			return best[g];
	return -1;
}

/* ---- slots, penalties, estimates -------------------------------------------- */

int hall_day_slots(calendar *cal, int32_t day, int slot_minutes, int *starts, int max, yc_err *err)
{
	bool work;
	int rc = calendar_is_workday(cal, day, &work, err);
	if (rc)
		return rc;
	if (!work || slot_minutes <= 0)
		return 0;
	int s[8], e[8];
	int ns = calendar_spans(cal, s, e, 8), n = 0;
	for (int i = 0; i < ns; i++)
		for (int m = s[i]; m + slot_minutes <= e[i] && n < max; m += slot_minutes)
			starts[n++] = m;
	return n;
}

bool hall_barred(const struct hall_ctx *c, const int64_t *miss_ms, int nmiss, int64_t now_ms,
		 int64_t *until_ms)
{
	/*
	 * Barred when penalty_misses misses fall within penalty_window_days of each
	 * other: for penalty_days from the latest of them.
	 */
	if (c->penalty_misses <= 0)
		return false;
	int64_t window = (int64_t)c->penalty_window_days * 86400000;
	int64_t bar = (int64_t)c->penalty_days * 86400000, until = 0;
	for (int i = 0; i < nmiss; i++) {
		int within = 0;
		for (int j = 0; j < nmiss; j++)
			if (miss_ms[j] <= miss_ms[i] && miss_ms[i] - miss_ms[j] < window)
				within++;
		if (within >= c->penalty_misses && miss_ms[i] + bar > until)
			until = miss_ms[i] + bar;
	}
	if (until_ms)
		*until_ms = until;
	return now_ms < until;
}

int64_t hall_estimate_s(int ahead, int open_windows, int64_t avg_service_s)
{
	if (ahead <= 0)
		return 0;
	if (open_windows <= 0)
		open_windows = 1;
	/* every open window serves one ticket per avg_service_s; we are served after `ahead` */
	int64_t rounds = (ahead + open_windows - 1) / open_windows;
	return rounds * avg_service_s;
}

/* ---- the hall ---------------------------------------------------------------- */

/* Checks every element of a list against spec, naming "list[i].field" on a fault. */
static int check_each(const cJSON *hall, const char *list, const yc_jfield *spec, size_t n,
		      yc_err *err)
{
	int i = 0;
	const cJSON *e;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(hall, list)) {
		int rc = yc_json_check(e, spec, n, err);
		if (rc)
			return yc_err_prefix(rc, err, "%s[%d]", list, i);
		i++;
	}
	return 0;
}

int hall_import(db *d, const cJSON *hall, yc_err *err)
{
	static const yc_jfield top[] = {
		{"zones", YC_JT_ARRAY, true, 100},
		{"categories", YC_JT_ARRAY, true, 26},
		{"windows", YC_JT_ARRAY, true, 1000},
	};
	static const yc_jfield zone[] = {
		{"code", YC_JT_STRING, true, 15},
		{"floor", YC_JT_INT, true, 0},
		{"name", YC_JT_STRING, true, 100},
	};
	static const yc_jfield category[] = {
		{"code", YC_JT_STRING, true, 1},	{"name", YC_JT_STRING, true, 100},
		{"zone", YC_JT_STRING, true, 15},	{"items", YC_JT_ARRAY, false, 5000},
		{"slot_capacity", YC_JT_INT, false, 0}, {"default_service_s", YC_JT_INT, false, 0},
	};
	static const yc_jfield window[] = {
		{"no", YC_JT_INT, true, 0},	      {"floor", YC_JT_INT, true, 0},
		{"zone", YC_JT_STRING, true, 15},     {"categories", YC_JT_ANY, true, 0},
		{"allowed", YC_JT_ARRAY, false, 100},
	};
	int rc = yc_json_check(hall, top, 3, err);
	if (!rc)
		rc = check_each(hall, "zones", zone, 3, err);
	if (!rc)
		rc = check_each(hall, "categories", category, 6, err);
	if (!rc)
		rc = check_each(hall, "windows", window, 5, err);
	const cJSON *e;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(hall, "zones")) {
		if (rc)
			break;
		rc = db_run(d, err,
			    "INSERT INTO hall_zones (code, floor, name) VALUES (?, ?, ?)"
			    " ON CONFLICT (code) DO UPDATE SET floor = excluded.floor, name = "
			    "excluded.name",
			    "sis", yc_json_str(e, "code"), yc_json_int(e, "floor", 1),
			    yc_json_str(e, "name"));
	}
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(hall, "categories")) {
		if (rc)
			break;
		char *items = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(e, "items"));
		rc = db_run(
			d, err,
			"INSERT INTO hall_categories (code, name, zone, items, slot_capacity,"
			" default_service_s) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE"
			" SET name = excluded.name, zone = excluded.zone, items = excluded.items,"
			" slot_capacity = excluded.slot_capacity,"
			" default_service_s = excluded.default_service_s",
			"ssssii", yc_json_str(e, "code"), yc_json_str(e, "name"),
			yc_json_str(e, "zone"), items ? items : "[]",
			yc_json_int(e, "slot_capacity", 4),
			yc_json_int(e, "default_service_s", 300));
		free(items);
	}
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(hall, "windows")) {
		if (rc)
			break;
		char *cats =
			cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(e, "categories"));
		const cJSON *allowed = cJSON_GetObjectItemCaseSensitive(e, "allowed");
		char *al = allowed ? cJSON_PrintUnformatted(allowed) : NULL;
		rc = db_run(d, err,
			    "INSERT INTO hall_windows (no, floor, zone, categories, allowed)"
			    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (no) DO UPDATE SET floor = "
			    "excluded.floor,"
			    " zone = excluded.zone, categories = excluded.categories,"
			    " allowed = excluded.allowed",
			    "iisss", yc_json_int(e, "no", 0), yc_json_int(e, "floor", 1),
			    yc_json_str(e, "zone"), cats ? cats : "\"*\"", al ? al : "\"*\"");
		free(cats);
		free(al);
	}
	return rc;
}

/* Whether a window's categories (JSON text: an array, or "*") include category. */
static bool serves(const char *cats, const char *category)
{
	if (!strcmp(cats, "\"*\""))
		return true;
	char quoted[8];
	snprintf(quoted, sizeof(quoted), "\"%s\"", category);
	return strstr(cats, quoted) != NULL;
}

int hall_opening(const struct hall_ctx *c, struct hall_opening *o, yc_err *err)
{
	memset(o, 0, sizeof(*o));
	int starts[8], ends[8];
	int n = calendar_spans(c->cal, starts, ends, 8);
	if (n <= 0)
		return yc_err_set(err, YC_EINTERNAL, NULL, "the hall has no opening hours");
	int32_t day = today(c);
	int minute = (int)(local_min(c, now_of(c)) - (int64_t)day * 1440);
	bool work = false;
	int rc = calendar_is_workday(c->cal, day, &work, err);
	if (rc)
		return rc;
	o->workday = work;
	if (work && minute >= starts[0] && minute < ends[n - 1]) {
		o->open = true;
		for (int i = 1; i < n; i++)
			if (minute >= ends[i - 1] && minute < starts[i])
				o->resumes_at_ms = ms_of(c, day, starts[i]);
		return 0;
	}
	int32_t next = day;
	if (!work || minute >= ends[n - 1])
		rc = calendar_add_workdays(c->cal, day, 1, &next, err);
	if (!rc)
		o->opens_at_ms = ms_of(c, next, starts[0]);
	return rc;
}

int hall_json(db *d, const struct hall_ctx *c, yc_buf *out, yc_err *err)
{
	static const struct {
		const char *key, *kinds, *sql;
	} parts[] = {
		{"zones", "sis", "SELECT code, floor, name FROM hall_zones ORDER BY floor, code"},
		{"categories", "sssjii",
		 "SELECT c.code, c.name, c.zone, c.items, c.slot_capacity, (SELECT COUNT(*) FROM"
		 " tickets t WHERE t.category = c.code AND t.state = 'waiting') AS waiting"
		 " FROM hall_categories c ORDER BY c.code"},
		{"windows", "iisjsss",
		 "SELECT w.no, w.floor, w.zone, w.categories, w.state, w.staff, (SELECT t.number"
		 " FROM tickets t WHERE t.window_no = w.no AND t.state IN ('called', 'serving')"
		 " ORDER BY t.called_ms DESC LIMIT 1) AS current FROM hall_windows w ORDER BY "
		 "w.no"},
	};
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		yc_buf_addf(out, "%s\"%s\":", i ? "," : "{", parts[i].key);
		db_stmt *st = db_prepare(d, parts[i].sql, err);
		if (!st)
			return err ? err->code : YC_EINTERNAL;
		int rc = db_rows_json(st, parts[i].kinds, out, err);
		if (rc)
			return rc;
	}
	/* whether the hall takes people now, and when it opens or resumes (a kiosk says so) */
	struct hall_opening o;
	int rc = hall_opening(c, &o, NULL);
	int starts[8], ends[8];
	int n = calendar_spans(c->cal, starts, ends, 8);
	yc_buf_adds(out, ",\"hours\":\"");
	for (int i = 0; i < n; i++)
		yc_buf_addf(out, "%s%02d:%02d-%02d:%02d", i ? "," : "", starts[i] / 60, starts[i] % 60,
			    ends[i] / 60, ends[i] % 60);
	char day[16];
	yc_date_format(today(c), day, sizeof(day));
	yc_buf_addf(out, "\",\"today\":\"%s\",\"workday\":%s,\"open\":%s", day,
		    !rc && o.workday ? "true" : "false", !rc && o.open ? "true" : "false");
	yc_json_add_time(out, "opens_at", rc ? 0 : o.opens_at_ms, c->tz_offset_min);
	yc_json_add_time(out, "resumes_at", rc ? 0 : o.resumes_at_ms, c->tz_offset_min);
	return yc_buf_addc(out, '}');
}

struct window_row {
	int no, floor;
	char zone[16];
	char categories[256];
	char state[16];
	char staff[40];
	char allowed[2048];
	int64_t version;
};

static int window_load(db *d, int no, struct window_row *w, yc_err *err)
{
	memset(w, 0, sizeof(*w));
	db_stmt *st =
		db_prepare(d,
			   "SELECT no, floor, zone, categories, state, staff, allowed, version"
			   " FROM hall_windows WHERE no = ?",
			   err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_int(st, 1, no);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		w->no = (int)db_col_int(st, 0);
		w->floor = (int)db_col_int(st, 1);
		db_col_copy(st, 2, w->zone, sizeof(w->zone));
		db_col_copy(st, 3, w->categories, sizeof(w->categories));
		db_col_copy(st, 4, w->state, sizeof(w->state));
		db_col_copy(st, 5, w->staff, sizeof(w->staff));
		db_col_copy(st, 6, w->allowed, sizeof(w->allowed));
		w->version = db_col_int(st, 7);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = yc_err_set(err, YC_ENOTFOUND, "no", "no window %d", no);
	}
	db_done(st);
	return rc;
}

/* An outbox event for boards and e-tickets, and the audit trail of the hall. */
static int hall_event(db *d, const struct hall_ctx *c, const yc_user *u, const char *action,
		      int floor, const char *zone, int window, const char *ticket,
		      const char *number, const char *category, yc_err *err)
{
	char object[64], at[40];
	snprintf(object, sizeof(object), "hall/%d/%s/%d", floor, zone, window);
	yc_time_format_iso(now_of(c), c->tz_offset_min, at, sizeof(at));
	yc_buf p;
	yc_buf_init(&p, 0);
	yc_buf_addf(&p, "{\"type\":\"%s\",\"ticket\":", action);
	yc_json_add_str(&p, ticket);
	yc_buf_adds(&p, ",\"number\":");
	yc_json_add_str(&p, number);
	yc_buf_adds(&p, ",\"category\":");
	yc_json_add_str(&p, category);
	yc_buf_addf(&p, ",\"window\":%d,\"floor\":%d,\"zone\":", window, floor);
	yc_json_add_str(&p, zone);
	yc_buf_addf(&p, ",\"at\":\"%s\"", at);
	if (number && window && (!strcmp(action, "call") || !strcmp(action, "recall"))) {
		/* the announcement: the configured text with {number} and {window} filled in */
		char win[16];
		snprintf(win, sizeof(win), "%d", window);
		yc_buf text;
		yc_buf_init(&text, 0);
		for (const char *s = c->call_text; *s;) {
			if (!strncmp(s, "{number}", 8)) {
				yc_buf_adds(&text, number);
				s += 8;
			} else if (!strncmp(s, "{window}", 8)) {
				yc_buf_adds(&text, win);
				s += 8;
			} else {
				yc_buf_addc(&text, *s++);
			}
		}
		yc_buf_adds(&p, ",\"text\":");
		yc_json_add_str(&p, text.data);
		yc_buf_release(&text);
	}
	yc_buf_addc(&p, '}');
	yc_actor a = {u ? u->username : "kiosk", u ? account_role_name(u->role) : "applicant"};
	char audit_action[40], audit_object[48];
	snprintf(audit_action, sizeof(audit_action), "hall.%s", action);
	if (ticket)
		snprintf(audit_object, sizeof(audit_object), "ticket/%s", ticket);
	else
		snprintf(audit_object, sizeof(audit_object), "window/%d", window);
	int rc = audit_append(d, &a, audit_action, audit_object, "", NULL, NULL, err);
	if (!rc)
		rc = outbox_append(d, "hall", action, object, p.data, err);
	yc_buf_release(&p);
	return rc;
}

static bool allowed_at(const struct window_row *w, const yc_user *u)
{
	if (!strcmp(w->allowed, "\"*\""))
		return true;
	char quoted[48];
	snprintf(quoted, sizeof(quoted), "\"%s\"", u->username);
	return strstr(w->allowed, quoted) != NULL;
}

static int window_render(db *d, int no, yc_buf *out, yc_err *err)
{
	struct window_row w;
	int rc = window_load(d, no, &w, err);
	if (rc)
		return rc;
	yc_buf_addf(out, "{\"no\":%d,\"floor\":%d,\"zone\":", w.no, w.floor);
	yc_json_add_str(out, w.zone);
	yc_buf_adds(out, ",\"categories\":");
	yc_buf_adds(out, w.categories);
	yc_buf_adds(out, ",\"state\":");
	yc_json_add_str(out, w.state);
	yc_buf_adds(out, ",\"staff\":");
	yc_json_add_str(out, w.staff[0] ? w.staff : NULL);
	return yc_buf_addc(out, '}');
}

int hall_window_act(db *d, const struct hall_ctx *c, const yc_user *u, int no, const char *action,
		    yc_buf *out, yc_err *err)
{
	struct window_row w;
	int rc = hall_lock(d, err);
	if (!rc)
		rc = window_load(d, no, &w, err);
	if (rc)
		return rc;
	const char *next = NULL;
	if (!strcmp(action, "sign_in")) {
		if (!allowed_at(&w, u))
			return yc_err_set(err, YC_EFORBIDDEN, "no",
					  "%s may not sign in at window %d", u->username, no);
		if (w.staff[0] && strcmp(w.staff, u->username)) {
			rc = yc_err_set(err, YC_ECONFLICT, "no", "%s is signed in at window %d",
					w.staff, no);
			if (err)
				snprintf(err->state, sizeof(err->state), "%s", w.state);
			return rc;
		}
		/* one window at a time: leave any other */
		if ((rc = db_run(d, err,
				 "UPDATE hall_windows SET staff = NULL, state = 'closed',"
				 " version = version + 1 WHERE staff = ? AND no <> ?",
				 "si", u->username, (int64_t)no)))
			return rc;
		next = "open";
	} else {
		if (strcmp(w.staff, u->username))
			return yc_err_set(err, YC_EFORBIDDEN, "no",
					  "you are not signed in at window %d", no);
		if (!strcmp(action, "sign_out"))
			next = "closed";
		else if (!strcmp(action, "pause"))
			next = strcmp(w.state, "open") ? NULL : "paused";
		else if (!strcmp(action, "resume"))
			next = strcmp(w.state, "paused") ? NULL : "open";
		else
			return yc_err_set(err, YC_ENOTFOUND, "action", "no action %s", action);
		if (!next) {
			rc = yc_err_set(err, YC_ECONFLICT, "state", "window %d is %s", no, w.state);
			if (err)
				snprintf(err->state, sizeof(err->state), "%s", w.state);
			return rc;
		}
	}
	bool out_now = !strcmp(next, "closed");
	if ((rc = db_run(d, err,
			 "UPDATE hall_windows SET state = ?, staff = ?, version = version + 1"
			 " WHERE no = ?",
			 "ssi", next, out_now ? NULL : u->username, (int64_t)no)))
		return rc;
	if ((rc = hall_event(d, c, u, action, w.floor, w.zone, no, NULL, NULL, NULL, err)))
		return rc;
	return window_render(d, no, out, err);
}

/* ---- tickets ------------------------------------------------------------------ */

struct ticket_row {
	char id[32], day[16], category[4], number[16], priority[16], reason[256], channel[16];
	char holder[80], secret_hash[65], state[16], staff[40], appointment[24];
	int64_t issued_ms, called_ms, started_ms, finished_ms, slot_ms, version;
	int window_no, target_window, recalls, requeued;
	char cases[1024];
};

#define TICKET_COLUMNS                                                                             \
	"id, day, category, number, priority, reason, channel, holder, secret_hash, state,"        \
	" staff, appointment, issued_ms, called_ms, started_ms, finished_ms, slot_ms, version,"    \
	" window_no, target_window, recalls, requeued, cases"

static void ticket_from(db_stmt *st, struct ticket_row *t)
{
	memset(t, 0, sizeof(*t));
	db_col_copy(st, 0, t->id, sizeof(t->id));
	db_col_copy(st, 1, t->day, sizeof(t->day));
	db_col_copy(st, 2, t->category, sizeof(t->category));
	db_col_copy(st, 3, t->number, sizeof(t->number));
	db_col_copy(st, 4, t->priority, sizeof(t->priority));
	db_col_copy(st, 5, t->reason, sizeof(t->reason));
	db_col_copy(st, 6, t->channel, sizeof(t->channel));
	db_col_copy(st, 7, t->holder, sizeof(t->holder));
	db_col_copy(st, 8, t->secret_hash, sizeof(t->secret_hash));
	db_col_copy(st, 9, t->state, sizeof(t->state));
	db_col_copy(st, 10, t->staff, sizeof(t->staff));
	db_col_copy(st, 11, t->appointment, sizeof(t->appointment));
	t->issued_ms = db_col_int(st, 12);
	t->called_ms = db_col_int(st, 13);
	t->started_ms = db_col_int(st, 14);
	t->finished_ms = db_col_int(st, 15);
	t->slot_ms = db_col_int(st, 16);
	t->version = db_col_int(st, 17);
	t->window_no = (int)db_col_int(st, 18);
	t->target_window = (int)db_col_int(st, 19);
	t->recalls = (int)db_col_int(st, 20);
	t->requeued = (int)db_col_int(st, 21);
	db_col_copy(st, 22, t->cases, sizeof(t->cases));
}

static int ticket_load(db *d, const char *id, struct ticket_row *t, yc_err *err)
{
	db_stmt *st = db_prepare(d, "SELECT " TICKET_COLUMNS " FROM tickets WHERE id = ?", err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		ticket_from(st, t);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = yc_err_set(err, YC_ENOTFOUND, "id", "no ticket %s", id);
	}
	db_done(st);
	return rc;
}

/* Tickets that will be called before t in its category, and the open windows that serve it. */
static int ticket_queue_figures(db *d, const struct ticket_row *t, int *ahead, int *open,
				int64_t *avg_s, yc_err *err)
{
	*ahead = *open = 0;
	*avg_s = 300;
	/*
	 * Ahead of a green ticket: earlier green ones; of any other: every green one
	 * and every earlier one. Two counts over the waiting index (state, category,
	 * priority, issued_ms), answered from the index alone: earlier days' waiting
	 * tickets are expired by the ticket-expiry job, so no day test is needed.
	 */
	bool green = !strcmp(t->priority, "green");
	db_stmt *st =
		db_prepare(d,
			   "SELECT COUNT(*) FROM tickets WHERE state = 'waiting' AND category = ?"
			   " AND priority = 'green' AND issued_ms < ?",
			   err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, t->category);
	db_bind_int(st, 2, green ? t->issued_ms : INT64_MAX);
	int rc = db_step(st, err);
	if (rc == DB_ROW)
		*ahead = (int)db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return rc;
	if (!green) {
		st = db_prepare(
			d,
			"SELECT COUNT(*) FROM tickets WHERE state = 'waiting' AND category = ?"
			" AND priority IN ('appointment', 'normal') AND issued_ms < ?",
			err);
		if (!st)
			return err ? err->code : YC_EINTERNAL;
		db_bind_text(st, 1, t->category);
		db_bind_int(st, 2, t->issued_ms);
		if ((rc = db_step(st, err)) == DB_ROW)
			*ahead += (int)db_col_int(st, 0);
		db_done(st);
		if (rc < 0)
			return rc;
	}
	st = db_prepare(d, "SELECT categories FROM hall_windows WHERE state = 'open'", err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	while ((rc = db_step(st, err)) == DB_ROW)
		if (serves(db_col_text(st, 0), t->category))
			(*open)++;
	db_done(st);
	if (rc < 0)
		return rc;
	/* recent service times: the last 20 finished in the category, else its default */
	st = db_prepare(
		d,
		"SELECT AVG(finished_ms - started_ms) FROM (SELECT finished_ms, started_ms FROM"
		" tickets WHERE category = ? AND state = 'done' AND started_ms IS NOT NULL"
		" ORDER BY finished_ms DESC LIMIT 20) recent",
		err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, t->category);
	bool have = false;
	if ((rc = db_step(st, err)) == DB_ROW && !db_col_null(st, 0)) {
		*avg_s = db_col_int(st, 0) / 1000;
		have = true;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (!have) {
		st = db_prepare(d, "SELECT default_service_s FROM hall_categories WHERE code = ?",
				err);
		if (!st)
			return err ? err->code : YC_EINTERNAL;
		db_bind_text(st, 1, t->category);
		if (db_step(st, NULL) == DB_ROW)
			*avg_s = db_col_int(st, 0);
		db_done(st);
	}
	return 0;
}

static int ticket_render(db *d, const struct hall_ctx *c, const struct ticket_row *t, yc_buf *out,
			 yc_err *err)
{
	yc_buf_adds(out, "{\"id\":");
	yc_json_add_str(out, t->id);
	yc_buf_adds(out, ",\"number\":");
	yc_json_add_str(out, t->number);
	yc_buf_adds(out, ",\"category\":");
	yc_json_add_str(out, t->category);
	yc_buf_adds(out, ",\"day\":");
	yc_json_add_str(out, t->day);
	yc_buf_adds(out, ",\"priority\":");
	yc_json_add_str(out, t->priority);
	yc_buf_adds(out, ",\"channel\":");
	yc_json_add_str(out, t->channel);
	yc_buf_adds(out, ",\"state\":");
	yc_json_add_str(out, t->state);
	if (t->window_no)
		yc_buf_addf(out, ",\"window\":%d", t->window_no);
	else
		yc_buf_adds(out, ",\"window\":null");
	yc_json_add_time(out, "issued_at", t->issued_ms, c->tz_offset_min);
	yc_json_add_time(out, "called_at", t->called_ms, c->tz_offset_min);
	yc_json_add_time(out, "started_at", t->started_ms, c->tz_offset_min);
	yc_json_add_time(out, "finished_at", t->finished_ms, c->tz_offset_min);
	yc_buf_addf(out, ",\"recalls\":%d,\"cases\":%s", t->recalls, t->cases[0] ? t->cases : "[]");
	if (!strcmp(t->state, "waiting")) {
		int ahead, open;
		int64_t avg;
		int rc = ticket_queue_figures(d, t, &ahead, &open, &avg, err);
		if (rc)
			return rc;
		yc_buf_addf(out, ",\"position\":%d,\"open_windows\":%d,\"estimated_wait_s\":%lld",
			    ahead + 1, open, (long long)hall_estimate_s(ahead, open, avg));
	}
	return yc_buf_addc(out, '}');
}

static bool is_staff(const yc_user *u)
{
	return u && (u->role & (ROLE_CLERK | ROLE_SUPERVISOR | ROLE_ADMIN));
}

int hall_ticket_json(db *d, const struct hall_ctx *c, const yc_user *u, const char *id,
		     const char *key, yc_buf *out, yc_err *err)
{
	struct ticket_row t;
	int rc = ticket_load(d, id, &t, err);
	if (rc)
		return rc;
	char holder[48] = "";
	if (u && u->role == ROLE_APPLICANT)
		snprintf(holder, sizeof(holder), "user:%lld", (long long)u->id);
	char hash[YC_SHA256_HEX];
	if (key)
		yc_sha256_hex(key, strlen(key), hash);
	if (!is_staff(u) && !(holder[0] && !strcmp(holder, t.holder)) &&
	    !(key && yc_secure_equal(hash, t.secret_hash)))
		return yc_err_set(err, YC_ENOTFOUND, "id", "no ticket %s", id);
	return ticket_render(d, c, &t, out, err);
}

static int next_number(db *d, const char *day, const char *category, int64_t *seq, yc_err *err)
{
	db_stmt *st = db_prepare(
		d,
		"INSERT INTO ticket_numbers (day, category, last) VALUES (?, ?, 1)"
		" ON CONFLICT (day, category) DO UPDATE SET last = ticket_numbers.last + 1"
		" RETURNING last",
		err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, day);
	db_bind_text(st, 2, category);
	int rc = db_step(st, err);
	*seq = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* Zone and floor of a category (for events). */
static int category_place(db *d, const char *category, int *floor, char zone[16], yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT z.floor, z.code FROM hall_categories c JOIN hall_zones z"
				 " ON z.code = c.zone WHERE c.code = ?",
				 err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, category);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		*floor = (int)db_col_int(st, 0);
		db_col_copy(st, 1, zone, 16);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = yc_err_set(err, YC_EINVAL, "category", "no category %s", category);
	}
	db_done(st);
	return rc;
}

/* Issues a ticket (shared by the kiosk and appointment check-in). */
static int issue(db *d, const struct hall_ctx *c, const yc_user *u, const char *category,
		 const char *channel, const char *priority, const char *reason, const char *holder,
		 const char *appointment, int64_t slot_ms, yc_buf *out, yc_err *err)
{
	int floor;
	char zone[16];
	int rc = hall_lock(d, err);
	if (!rc)
		rc = category_place(d, category, &floor, zone, err);
	if (rc)
		return rc;
	/* one waiting ticket per person and category */
	db_stmt *st = db_prepare(d,
				 "SELECT number FROM tickets WHERE holder = ? AND category = ?"
				 " AND state IN ('waiting', 'called')",
				 err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, holder);
	db_bind_text(st, 2, category);
	char held[16] = "";
	if ((rc = db_step(st, err)) == DB_ROW)
		db_col_copy(st, 0, held, sizeof(held));
	db_done(st);
	if (rc < 0)
		return rc;
	if (held[0]) {
		rc = yc_err_set(err, YC_ECONFLICT, "category",
				"you hold ticket %s in this category already", held);
		if (err)
			snprintf(err->state, sizeof(err->state), "waiting");
		return rc;
	}
	char day[16], compact[9];
	yc_date_format(today(c), day, sizeof(day));
	snprintf(compact, sizeof(compact), "%.4s%.2s%.2s", day, day + 5, day + 8);
	int64_t seq;
	if ((rc = next_number(d, day, category, &seq, err)))
		return rc;
	struct ticket_row t;
	memset(&t, 0, sizeof(t));
	snprintf(t.number, sizeof(t.number), "%s%03lld", category, (long long)seq);
	snprintf(t.id, sizeof(t.id), "%s-%s", compact, t.number);
	char key[33];
	yc_random_hex(key, 16);
	yc_sha256_hex(key, strlen(key), t.secret_hash);
	int64_t now = now_of(c);
	st = db_prepare(
		d,
		"INSERT INTO tickets (id, day, category, number, priority, reason, channel, holder,"
		" secret_hash, state, issued_ms, appointment, slot_ms) VALUES (?, ?, ?, ?, ?, ?, ?,"
		" ?, ?, 'waiting', ?, ?, ?)",
		err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, t.id);
	db_bind_text(st, 2, day);
	db_bind_text(st, 3, category);
	db_bind_text(st, 4, t.number);
	db_bind_text(st, 5, priority);
	db_bind_text(st, 6, reason ? reason : "");
	db_bind_text(st, 7, channel);
	db_bind_text(st, 8, holder);
	db_bind_text(st, 9, t.secret_hash);
	db_bind_int(st, 10, now);
	if (appointment)
		db_bind_text(st, 11, appointment);
	else
		db_bind_null(st, 11);
	if (slot_ms)
		db_bind_int(st, 12, slot_ms);
	else
		db_bind_null(st, 12);
	rc = db_send(st, err);
	db_done(st);
	if (rc < 0)
		return rc;
	if ((rc = hall_event(d, c, u, "issue", floor, zone, 0, t.id, t.number, category, err)) ||
	    (rc = ticket_load(d, t.id, &t, err)))
		return rc;
	/* the answer carries the e-ticket's key, once */
	yc_buf_adds(out, "{\"key\":");
	yc_json_add_str(out, key);
	yc_buf_adds(out, ",\"ticket\":");
	rc = ticket_render(d, c, &t, out, err);
	return rc ? rc : yc_buf_addc(out, '}');
}

int hall_ticket_issue(db *d, const struct hall_ctx *c, const yc_user *u, const cJSON *body,
		      yc_buf *out, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"category", YC_JT_STRING, true, 1},   {"channel", YC_JT_STRING, true, 16},
		{"priority", YC_JT_STRING, false, 16}, {"reason", YC_JT_STRING, false, 200},
		{"phone", YC_JT_STRING, false, 11},
	};
	int rc = yc_json_check(body, spec, sizeof(spec) / sizeof(spec[0]), err);
	if (rc)
		return rc;
	const char *channel = yc_json_str(body, "channel");
	const char *priority =
		yc_json_str(body, "priority") ? yc_json_str(body, "priority") : "normal";
	if (!yc_one_of(channel, ticket_channels))
		return yc_err_set(err, YC_EINVAL, "channel",
				  "channel must be kiosk, mobile or window");
	if (strcmp(priority, "green") && strcmp(priority, "normal"))
		return yc_err_set(err, YC_EINVAL, "priority",
				  "priority must be green or normal (appointments check in)");
	const char *reason = yc_json_str(body, "reason");
	/* the guide desk grants the green channel, not the person who asks for it */
	if (!strcmp(priority, "green") && !(u && (u->role == ROLE_CLERK || u->role == ROLE_SUPERVISOR)))
		return yc_err_set(err, YC_EFORBIDDEN, "priority",
				  "the green channel is granted by hall staff: ask at the guide desk");
	if (!strcmp(priority, "green") && (!reason || !*reason))
		return yc_err_set(
			err, YC_EINVAL, "reason",
			"the green channel needs its reason (elderly, disabled, key project…)");
	char holder[80];
	const char *phone = yc_json_str(body, "phone");
	if (u && u->role == ROLE_APPLICANT) {
		snprintf(holder, sizeof(holder), "user:%lld", (long long)u->id);
	} else if (phone) {
		bool ok =
			strlen(phone) == 11 && phone[0] == '1' && strspn(phone, "0123456789") == 11;
		if (!ok)
			return yc_err_set(err, YC_EINVAL, "phone",
					  "phone must be an 11-digit mobile number");
		char h[YC_SHA256_HEX];
		yc_sha256_hex(phone, strlen(phone), h);
		snprintf(holder, sizeof(holder), "phone:%.32s",
			 h); /* the number itself is not kept */
	} else {
		return yc_err_set(
			err, YC_EINVAL, "phone",
			"give a mobile number (one waiting ticket per person and category)");
	}
	return issue(d, c, u, yc_json_str(body, "category"), channel, priority, reason, holder,
		     NULL, 0, out, err);
}

/* The window's categories (a JSON array, or "*" for all of the hall's): their codes. */
static int window_categories(db *d, const struct window_row *w, char codes[26][4], int *n,
			     yc_err *err)
{
	*n = 0;
	if (strcmp(w->categories, "\"*\"")) {
		cJSON *a = cJSON_Parse(w->categories);
		const cJSON *x;
		cJSON_ArrayForEach (x, a)
			if (cJSON_IsString(x) && *n < 26)
				snprintf(codes[(*n)++], 4, "%s", x->valuestring);
		cJSON_Delete(a);
		return 0;
	}
	db_stmt *st = db_prepare(d, "SELECT code FROM hall_categories ORDER BY code", err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW && *n < 26)
		db_col_copy(st, 0, codes[(*n)++], 4);
	db_done(st);
	return rc < 0 ? rc : 0;
}

/*
 * The oldest waiting ticket of one kind among a window's categories. One
 * branch per category, each the first entry of the waiting index (state,
 * category, priority, issued_ms), and the oldest of those: a comprehensive
 * window costs a seek per category, never a scan and sort of the whole queue.
 */
static int candidate(db *d, const struct window_row *w, char codes[26][4], int ncodes,
		     const char *day, const char *sql_kind, int64_t now, struct hall_candidate *c,
		     char id[32], yc_err *err)
{
	if (!ncodes)
		return 0;
	yc_buf sql;
	yc_buf_init(&sql, 0);
	for (int k = 0; k < ncodes; k++)
		yc_buf_addf(&sql,
			    "%sSELECT * FROM (SELECT id, priority, issued_ms, COALESCE(slot_ms, 0)"
			    " FROM tickets WHERE state = 'waiting' AND category = ? AND day = ?"
			    " AND %s AND (target_window IS NULL OR target_window = ?)"
			    " ORDER BY issued_ms, id LIMIT 1) AS c%d",
			    k ? " UNION ALL " : "", sql_kind, k);
	if (ncodes > 1)
		yc_buf_adds(&sql, " ORDER BY 3, 1 LIMIT 1");
	db_stmt *st = db_prepare(d, sql.data, err);
	bool takes_now = strchr(sql_kind, '?') != NULL;
	yc_buf_release(&sql);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	for (int k = 0, i = 1; k < ncodes; k++) {
		db_bind_text(st, i++, codes[k]);
		db_bind_text(st, i++, day);
		if (takes_now)
			db_bind_int(st, i++, now);
		db_bind_int(st, i++, w->no);
	}
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		db_col_copy(st, 0, id, 32);
		const char *p = db_col_text(st, 1);
		c->priority = !strcmp(p, "green")	  ? PRIO_GREEN
			      : !strcmp(p, "appointment") ? PRIO_APPOINTMENT
							  : PRIO_NORMAL;
		c->issued_ms = db_col_int(st, 2);
		c->slot_ms = db_col_int(st, 3);
		rc = 1;
	}
	db_done(st);
	return rc;
}

int hall_call_next(db *d, const struct hall_ctx *c, const yc_user *u, int no, bool *none,
		   yc_buf *out, yc_err *err)
{
	*none = false;
	struct window_row w;
	int rc = hall_lock(d, err);
	if (!rc)
		rc = window_load(d, no, &w, err);
	if (rc)
		return rc;
	if (strcmp(w.staff, u->username))
		return yc_err_set(err, YC_EFORBIDDEN, "no", "you are not signed in at window %d",
				  no);
	if (strcmp(w.state, "open")) {
		rc = yc_err_set(err, YC_ECONFLICT, "state", "window %d is %s", no, w.state);
		if (err)
			snprintf(err->state, sizeof(err->state), "%s", w.state);
		return rc;
	}
	/* a window serves one person at a time */
	db_stmt *st =
		db_prepare(d,
			   "SELECT number, state FROM tickets WHERE window_no = ? AND state IN"
			   " ('called', 'serving')",
			   err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_int(st, 1, no);
	char busy[16] = "", busy_state[16] = "";
	if ((rc = db_step(st, err)) == DB_ROW) {
		db_col_copy(st, 0, busy, sizeof(busy));
		db_col_copy(st, 1, busy_state, sizeof(busy_state));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (busy[0]) {
		rc = yc_err_set(
			err, YC_ECONFLICT, "state",
			"ticket %s is %s at this window: finish it or mark it a no-show first",
			busy, busy_state);
		if (err)
			snprintf(err->state, sizeof(err->state), "%s", busy_state);
		return rc;
	}
	char day[16];
	yc_date_format(today(c), day, sizeof(day));
	int64_t now = now_of(c);
	char codes[26][4];
	int ncodes;
	if ((rc = window_categories(d, &w, codes, &ncodes, err)))
		return rc;
	/* a claimed ticket is taken by another writer: look again (a few times at most) */
	for (int attempt = 0; attempt < 8; attempt++) {
		struct hall_candidate cand[4];
		char ids[4][32];
		static const char *const kinds[4] = {
			"priority = 'green'",
			"priority = 'appointment' AND slot_ms <= ?",
			"priority = 'appointment' AND slot_ms > ?",
			"priority = 'normal'",
		};
		int n = 0;
		for (int k = 0; k < 4; k++) {
			rc = candidate(d, &w, codes, ncodes, day, kinds[k], now, &cand[n], ids[n],
				       err);
			if (rc < 0)
				return rc;
			if (rc == 1)
				n++;
		}
		int pick = hall_pick(cand, n, now, c->fairness_s * 1000);
		if (pick < 0) {
			*none = true;
			return 0;
		}
		st = db_prepare(d,
				"UPDATE tickets SET state = 'called', window_no = ?, called_ms = ?,"
				" staff = ?, target_window = NULL, version = version + 1"
				" WHERE id = ? AND state = 'waiting' RETURNING 1",
				err);
		if (!st)
			return err ? err->code : YC_EINTERNAL;
		db_bind_int(st, 1, no);
		db_bind_int(st, 2, now);
		db_bind_text(st, 3, u->username);
		db_bind_text(st, 4, ids[pick]);
		int64_t claimed = 0;
		if ((rc = db_count_rows(st, &claimed, err)) < 0)
			return rc;
		if (!claimed)
			continue;
		struct ticket_row t;
		if ((rc = ticket_load(d, ids[pick], &t, err)) ||
		    (rc = hall_event(d, c, u, "call", w.floor, w.zone, no, t.id, t.number,
				     t.category, err)))
			return rc;
		return ticket_render(d, c, &t, out, err);
	}
	return yc_err_set(err, YC_EUNAVAIL, NULL, "the queue is busy; call again");
}

int hall_ticket_act(db *d, const struct hall_ctx *c, const yc_user *u, const char *id,
		    const char *action, const cJSON *body, yc_buf *out, yc_err *err)
{
	static const yc_jfield transfer_spec[] = {
		{"category", YC_JT_STRING, false, 1},
		{"window", YC_JT_INT, false, 0},
	};
	static const yc_jfield finish_spec[] = {{"cases", YC_JT_ARRAY, false, 20}};
	static const yc_jfield none_spec[] = {{"note", YC_JT_STRING, false, 200}};
	cJSON *empty = NULL;
	if (!body)
		body = empty = cJSON_CreateObject();
	int rc = !strcmp(action, "transfer") ? yc_json_check(body, transfer_spec, 2, err)
		 : !strcmp(action, "finish") ? yc_json_check(body, finish_spec, 1, err)
					     : yc_json_check(body, none_spec, 1, err);
	struct ticket_row t;
	if (!rc)
		rc = hall_lock(d, err);
	if (!rc)
		rc = ticket_load(d, id, &t, err);
	if (rc) {
		cJSON_Delete(empty);
		return rc;
	}
	/* the clerk at the ticket's window acts on it (transfer: any clerk signed in) */
	struct window_row w;
	memset(&w, 0, sizeof(w));
	if (t.window_no && (rc = window_load(d, t.window_no, &w, err))) {
		cJSON_Delete(empty);
		return rc;
	}
	const char *from = t.state;
	const char *next = NULL;
	int64_t now = now_of(c);
	char cases[1024] = "";
	if (!strcmp(action, "recall") && !strcmp(from, "called")) {
		next = t.recalls + 1 > c->max_recalls ? "missed" : "called";
	} else if (!strcmp(action, "no_show") && !strcmp(from, "called")) {
		next = "missed";
	} else if (!strcmp(action, "requeue") && !strcmp(from, "missed")) {
		if (t.requeued) {
			rc = yc_err_set(err, YC_ECONFLICT, "state",
					"a ticket is put back once only");
			if (err)
				snprintf(err->state, sizeof(err->state), "%s", from);
		}
		next = "waiting";
	} else if (!strcmp(action, "start") && !strcmp(from, "called")) {
		next = "serving";
	} else if (!strcmp(action, "finish") && !strcmp(from, "serving")) {
		next = "done";
		const cJSON *list = cJSON_GetObjectItemCaseSensitive(body, "cases");
		const cJSON *x;
		int i = 0;
		cJSON_ArrayForEach (x, list) {
			if (!cJSON_IsString(x) || strlen(x->valuestring) != 20 ||
			    strspn(x->valuestring, "0123456789") != 20) {
				char path[24];
				snprintf(path, sizeof(path), "cases[%d]", i);
				rc = yc_err_set(err, YC_EINVAL, path, "%s is not a case number",
						path);
				break;
			}
			i++;
		}
		char *s = list ? cJSON_PrintUnformatted(list) : NULL;
		snprintf(cases, sizeof(cases), "%s", s ? s : "[]");
		free(s);
	} else if (!strcmp(action, "transfer") &&
		   (!strcmp(from, "waiting") || !strcmp(from, "called"))) {
		next = "waiting";
	} else if (strcmp(action, "recall") && strcmp(action, "no_show") &&
		   strcmp(action, "requeue") && strcmp(action, "start") &&
		   strcmp(action, "finish") && strcmp(action, "transfer")) {
		rc = yc_err_set(err, YC_ENOTFOUND, "action", "no action %s", action);
	} else {
		rc = yc_err_set(err, YC_ECONFLICT, "state", "a %s ticket cannot %s", from, action);
		if (err)
			snprintf(err->state, sizeof(err->state), "%s", from);
	}
	/* who: the clerk at its window; a requeue or transfer of a waiting ticket, any clerk */
	if (!rc && !is_staff(u))
		rc = yc_err_set(err, YC_EFORBIDDEN, NULL, "for window staff");
	if (!rc && t.window_no && strcmp(from, "waiting") && strcmp(from, "missed") &&
	    strcmp(w.staff, u->username))
		rc = yc_err_set(err, YC_EFORBIDDEN, "id", "ticket %s is at window %d", t.number,
				t.window_no);
	const char *category = t.category;
	char new_category[4];
	int target = 0;
	if (!rc && !strcmp(action, "transfer")) {
		const char *cat = yc_json_str(body, "category");
		target = (int)yc_json_int(body, "window", 0);
		if (!cat && !target)
			rc = yc_err_set(err, YC_EINVAL, "category",
					"transfer to a category or a window");
		int fl;
		char zn[16];
		if (!rc && cat && (rc = category_place(d, cat, &fl, zn, err)) == 0)
			snprintf(new_category, sizeof(new_category), "%s", cat),
				category = new_category;
		struct window_row tw;
		if (!rc && target && window_load(d, target, &tw, NULL))
			rc = yc_err_set(err, YC_EINVAL, "window", "no window %d", target);
		if (!rc && target && !serves(tw.categories, category))
			rc = yc_err_set(err, YC_EINVAL, "window",
					"window %d does not serve category %s", target, category);
	}
	if (rc) {
		cJSON_Delete(empty);
		return rc;
	}
	db_stmt *st = db_prepare(
		d,
		"UPDATE tickets SET state = ?, version = version + 1,"
		" recalls = recalls + CASE WHEN ? = 'recall' THEN 1 ELSE 0 END,"
		" requeued = requeued + CASE WHEN ? = 'requeue' THEN 1 ELSE 0 END,"
		" started_ms = CASE WHEN ? = 'start' THEN ? ELSE started_ms END,"
		" finished_ms = CASE WHEN ? = 'finish' THEN ? ELSE finished_ms END,"
		" cases = CASE WHEN ? = 'finish' THEN ? ELSE cases END,"
		" category = ?, target_window = ?,"
		" window_no = CASE WHEN ? IN ('requeue', 'transfer') THEN NULL ELSE window_no END,"
		" called_ms = CASE WHEN ? IN ('requeue', 'transfer') THEN NULL ELSE called_ms END"
		" WHERE id = ? AND version = ? RETURNING 1",
		err);
	if (!st) {
		cJSON_Delete(empty);
		return err ? err->code : YC_EINTERNAL;
	}
	int i = 1;
	db_bind_text(st, i++, next);
	db_bind_text(st, i++, action);
	db_bind_text(st, i++, action);
	db_bind_text(st, i++, action);
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, action);
	db_bind_int(st, i++, now);
	db_bind_text(st, i++, action);
	db_bind_text(st, i++, cases[0] ? cases : "[]");
	db_bind_text(st, i++, category);
	if (target)
		db_bind_int(st, i++, target);
	else
		db_bind_null(st, i++);
	db_bind_text(st, i++, action);
	db_bind_text(st, i++, action);
	db_bind_text(st, i++, t.id);
	db_bind_int(st, i++, t.version);
	int64_t changed = 0;
	rc = db_count_rows(st, &changed, err);
	cJSON_Delete(empty);
	if (rc < 0)
		return rc;
	if (!changed) {
		rc = yc_err_set(err, YC_ECONFLICT, "state",
				"the ticket was changed by someone else");
		if (err)
			snprintf(err->state, sizeof(err->state), "%s", from);
		return rc;
	}
	int floor = w.floor;
	char zone[16];
	snprintf(zone, sizeof(zone), "%s", w.zone);
	if (!t.window_no && (rc = category_place(d, category, &floor, zone, err)))
		return rc;
	const char *event = !strcmp(next, "missed") ? "no_show" : action;
	if ((rc = hall_event(d, c, u, event, floor, zone, t.window_no, t.id, t.number, category,
			     err)) ||
	    (rc = ticket_load(d, t.id, &t, err)))
		return rc;
	return ticket_render(d, c, &t, out, err);
}

/* ---- appointments ---------------------------------------------------------- */

static int parse_hhmm(const char *s, int *min)
{
	int h, m;
	if (!s || strlen(s) != 5 || s[2] != ':' || sscanf(s, "%2d:%2d", &h, &m) != 2 || h < 0 ||
	    h > 23 || m < 0 || m > 59)
		return YC_EINVAL;
	*min = h * 60 + m;
	return 0;
}

/* Booked (or checked-in) appointments in a slot. */
static int slot_taken(db *d, const char *category, const char *day, const char *slot, int64_t *n,
		      yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT COUNT(*) FROM appointments WHERE category = ? AND day = ?"
				 " AND slot = ? AND state IN ('booked', 'checked_in')",
				 err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, category);
	db_bind_text(st, 2, day);
	db_bind_text(st, 3, slot);
	int rc = db_step(st, err);
	*n = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int64_t category_capacity(db *d, const char *category)
{
	db_stmt *st =
		db_prepare(d, "SELECT slot_capacity FROM hall_categories WHERE code = ?", NULL);
	if (!st)
		return -1;
	db_bind_text(st, 1, category);
	int64_t cap = db_step(st, NULL) == DB_ROW ? db_col_int(st, 0) : -1;
	db_done(st);
	return cap;
}

int hall_slots_json(db *d, const struct hall_ctx *c, const char *category, const char *date,
		    yc_buf *out, yc_err *err)
{
	if (!category)
		return yc_err_set(err, YC_EINVAL, "category", "category is required");
	int32_t day;
	if (!date || yc_date_parse(date, &day))
		return yc_err_set(err, YC_EINVAL, "date", "date must be YYYY-MM-DD");
	int64_t cap = category_capacity(d, category);
	if (cap < 0)
		return yc_err_set(err, YC_EINVAL, "category", "no category %s", category);
	int starts[64];
	int n = hall_day_slots(c->cal, day, c->slot_minutes, starts, 64, err);
	if (n < 0)
		return n;
	int64_t now = now_of(c);
	yc_buf_adds(out, "{\"category\":");
	yc_json_add_str(out, category);
	yc_buf_adds(out, ",\"date\":");
	yc_json_add_str(out, date);
	yc_buf_addf(out, ",\"workday\":%s,\"slots\":[", n ? "true" : "false");
	for (int i = 0; i < n; i++) {
		char slot[8];
		snprintf(slot, sizeof(slot), "%02d:%02d", starts[i] / 60, starts[i] % 60);
		int64_t taken;
		int rc = slot_taken(d, category, date, slot, &taken, err);
		if (rc)
			return rc;
		bool past = ms_of(c, day, starts[i]) <= now;
		yc_buf_addf(
			out,
			"%s{\"slot\":\"%s\",\"capacity\":%lld,\"booked\":%lld,\"available\":%lld}",
			i ? "," : "", slot, (long long)cap, (long long)taken,
			(long long)(past || taken >= cap ? 0 : cap - taken));
	}
	return yc_buf_adds(out, "]}");
}

static int appointment_render(db *d, const char *id, yc_buf *out, yc_err *err)
{
	db_stmt *st =
		db_prepare(d,
			   "SELECT a.id, a.category, a.day, a.slot, a.state, a.ticket, h.name"
			   " FROM appointments a JOIN hall_categories h ON h.code = a.category"
			   " WHERE a.id = ?",
			   err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		yc_buf_adds(out, "{\"id\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"category\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_adds(out, ",\"category_name\":");
		yc_json_add_str(out, db_col_text(st, 6));
		yc_buf_adds(out, ",\"date\":");
		yc_json_add_str(out, db_col_text(st, 2));
		yc_buf_adds(out, ",\"slot\":");
		yc_json_add_str(out, db_col_text(st, 3));
		yc_buf_adds(out, ",\"state\":");
		yc_json_add_str(out, db_col_text(st, 4));
		yc_buf_adds(out, ",\"ticket\":");
		yc_json_add_str(out, db_col_null(st, 5) ? NULL : db_col_text(st, 5));
		yc_buf_addc(out, '}');
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = yc_err_set(err, YC_ENOTFOUND, "id", "no appointment %s", id);
	}
	db_done(st);
	return rc;
}

int hall_appointment_book(db *d, const struct hall_ctx *c, const yc_user *u, const cJSON *body,
			  yc_buf *out, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"category", YC_JT_STRING, true, 1},
		{"date", YC_JT_STRING, true, 10},
		{"slot", YC_JT_STRING, true, 5},
	};
	int rc = yc_json_check(body, spec, 3, err);
	/* limits hold per person only when the person is known: throwaway accounts book nothing */
	if (!rc && !u->verified)
		return yc_err_set(err, YC_EFORBIDDEN, NULL,
				  "booking needs an identity verified once at a window (bring the ID card)");
	if (!rc)
		rc = hall_lock(d, err);
	if (rc)
		return rc;
	const char *category = yc_json_str(body, "category"), *date = yc_json_str(body, "date");
	const char *slot = yc_json_str(body, "slot");
	int32_t day;
	int minute;
	if (yc_date_parse(date, &day))
		return yc_err_set(err, YC_EINVAL, "date", "date must be YYYY-MM-DD");
	if (parse_hhmm(slot, &minute))
		return yc_err_set(err, YC_EINVAL, "slot", "slot must be HH:MM");
	int64_t cap = category_capacity(d, category);
	if (cap < 0)
		return yc_err_set(err, YC_EINVAL, "category", "no category %s", category);
	int starts[64];
	int n = hall_day_slots(c->cal, day, c->slot_minutes, starts, 64, err);
	if (n < 0)
		return n;
	if (!n)
		return yc_err_set(err, YC_EINVAL, "date", "%s is not a working day", date);
	bool exists = false;
	for (int i = 0; i < n; i++)
		if (starts[i] == minute)
			exists = true;
	if (!exists)
		return yc_err_set(err, YC_EINVAL, "slot", "there is no slot at %s", slot);
	int64_t now = now_of(c);
	if (ms_of(c, day, minute) <= now)
		return yc_err_set(err, YC_EINVAL, "slot", "the slot has begun or passed");
	/* the no-show bar */
	db_stmt *st = db_prepare(
		d,
		"SELECT day, slot FROM appointments WHERE user_id = ? AND state = 'missed'"
		" ORDER BY day DESC, slot DESC LIMIT 50",
		err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_int(st, 1, u->id);
	int64_t misses[50];
	int nm = 0;
	while ((rc = db_step(st, err)) == DB_ROW && nm < 50) {
		int32_t md;
		int mm = 0;
		if (!yc_date_parse(db_col_text(st, 0), &md) && !parse_hhmm(db_col_text(st, 1), &mm))
			misses[nm++] = ms_of(c, md, mm);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	int64_t until;
	if (hall_barred(c, misses, nm, now, &until)) {
		char t[40];
		yc_time_format_iso(until, c->tz_offset_min, t, sizeof(t));
		return yc_err_set(err, YC_EFORBIDDEN, "slot",
				  "%d missed appointments: booking is closed to you until %.10s",
				  c->penalty_misses, t);
	}
	/* a limit per person and day */
	st = db_prepare(d,
			"SELECT COUNT(*) FROM appointments WHERE user_id = ? AND day = ?"
			" AND state IN ('booked', 'checked_in')",
			err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_int(st, 1, u->id);
	db_bind_text(st, 2, date);
	int64_t mine = db_step(st, err) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	if (mine >= c->daily_limit)
		return yc_err_set(err, YC_EINVAL, "date", "at most %d appointment(s) a day",
				  c->daily_limit);
	int64_t taken;
	if ((rc = slot_taken(d, category, date, slot, &taken, err)))
		return rc;
	if (taken >= cap) {
		rc = yc_err_set(err, YC_ECONFLICT, "slot", "the %s slot is full", slot);
		if (err)
			snprintf(err->state, sizeof(err->state), "full");
		return rc;
	}
	/* the id is the check-in code: 10 characters that are hard to guess */
	char id[16], hex[21];
	yc_random_hex(hex, 5);
	snprintf(id, sizeof(id), "%.10s", hex);
	for (char *p = id; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	if ((rc = db_run(d, err,
			 "INSERT INTO appointments (id, user_id, category, day, slot, state, "
			 "created_ms)"
			 " VALUES (?, ?, ?, ?, ?, 'booked', ?)",
			 "sisssi", id, u->id, category, date, slot, now)))
		return rc;
	yc_actor a = {u->username, "applicant"};
	char object[40];
	snprintf(object, sizeof(object), "appointment/%s", id);
	if ((rc = audit_append(d, &a, "hall.book", object, "", NULL, NULL, err)))
		return rc;
	return appointment_render(d, id, out, err);
}

int hall_appointment_act(db *d, const struct hall_ctx *c, const yc_user *u, const char *id,
			 const char *action, const cJSON *body, yc_buf *out, yc_err *err)
{
	static const yc_jfield spec[] = {{"note", YC_JT_STRING, false, 200}};
	if (body && yc_json_check(body, spec, 1, err))
		return err ? err->code : YC_EINVAL;
	int lrc = hall_lock(d, err);
	if (lrc)
		return lrc;
	db_stmt *st = db_prepare(d,
				 "SELECT user_id, category, day, slot, state FROM appointments"
				 " WHERE id = ?",
				 err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, id);
	int rc = db_step(st, err);
	int64_t owner = 0;
	char category[4] = "", day[16] = "", slot[8] = "", state[16] = "";
	if (rc == DB_ROW) {
		owner = db_col_int(st, 0);
		db_col_copy(st, 1, category, sizeof(category));
		db_col_copy(st, 2, day, sizeof(day));
		db_col_copy(st, 3, slot, sizeof(slot));
		db_col_copy(st, 4, state, sizeof(state));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return yc_err_set(err, YC_ENOTFOUND, "id", "no appointment %s", id);
	bool is_owner = u && u->role == ROLE_APPLICANT && u->id == owner;
	int32_t dday;
	int minute;
	yc_date_parse(day, &dday);
	parse_hhmm(slot, &minute);
	int64_t slot_ms = ms_of(c, dday, minute), now = now_of(c);
	if (!strcmp(action, "cancel")) {
		if (!is_owner)
			return yc_err_set(err, YC_EFORBIDDEN, "id", "only its holder cancels it");
		if (strcmp(state, "booked") || slot_ms <= now) {
			rc = yc_err_set(
				err, YC_ECONFLICT, "state",
				"only a booked appointment before its slot can be cancelled");
			if (err)
				snprintf(err->state, sizeof(err->state), "%s", state);
			return rc;
		}
		if ((rc = db_run(d, err,
				 "UPDATE appointments SET state = 'cancelled' WHERE id = ? AND "
				 "state = 'booked'",
				 "s", id)))
			return rc;
		return appointment_render(d, id, out, err);
	}
	if (strcmp(action, "check_in"))
		return yc_err_set(err, YC_ENOTFOUND, "action", "no action %s", action);
	/* the code is the key at a kiosk; a logged-in applicant checks in only their own */
	if (u && u->role == ROLE_APPLICANT && !is_owner)
		return yc_err_set(err, YC_ENOTFOUND, "id", "no appointment %s", id);
	if (strcmp(state, "booked")) {
		rc = yc_err_set(err, YC_ECONFLICT, "state", "the appointment is %s", state);
		if (err)
			snprintf(err->state, sizeof(err->state), "%s", state);
		return rc;
	}
	if (now < slot_ms - (int64_t)c->checkin_before_min * 60000 ||
	    now > slot_ms + (int64_t)c->checkin_after_min * 60000)
		return yc_err_set(err, YC_EINVAL, "id",
				  "check in from %d minutes before to %d minutes after %s %s",
				  c->checkin_before_min, c->checkin_after_min, day, slot);
	char holder[48];
	snprintf(holder, sizeof(holder), "user:%lld", (long long)owner);
	yc_buf t;
	yc_buf_init(&t, 0);
	rc = issue(d, c, u, category, "kiosk", "appointment", "", holder, id, slot_ms, &t, err);
	if (!rc) {
		cJSON *j = cJSON_Parse(t.data);
		const char *tid = yc_json_str(cJSON_GetObjectItemCaseSensitive(j, "ticket"), "id");
		rc = db_run(d, err,
			    "UPDATE appointments SET state = 'checked_in', ticket = ? WHERE id = ?",
			    "ss", tid ? tid : "", id);
		cJSON_Delete(j);
	}
	if (!rc)
		rc = yc_buf_add(out, t.data, t.len);
	yc_buf_release(&t);
	return rc;
}

int hall_appointments_mine(db *d, const struct hall_ctx *c, const yc_user *u, yc_buf *out,
			   yc_err *err)
{
	(void)c; /* the hall's settings do not change what an applicant's list shows */
	db_stmt *st = db_prepare(
		d,
		"SELECT id FROM appointments WHERE user_id = ? ORDER BY day DESC, slot DESC"
		" LIMIT 50",
		err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_int(st, 1, u->id);
	char ids[50][16];
	int n = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW && n < 50)
		db_col_copy(st, 0, ids[n++], sizeof(ids[0]));
	db_done(st);
	if (rc < 0)
		return rc;
	yc_buf_adds(out, "{\"appointments\":[");
	for (int i = 0; i < n; i++) {
		if (i)
			yc_buf_addc(out, ',');
		if ((rc = appointment_render(d, ids[i], out, err)))
			return rc;
	}
	return yc_buf_adds(out, "]}");
}

/* ---- figures ------------------------------------------------------------------ */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

struct stat_group;
static int cmp_group(const void *a, const void *b);

struct stat_group {
	char key[40];
	int64_t tickets, served, missed, appointments, kept;
	int64_t *waits;
	int nwaits, capwaits;
	int64_t service_sum;
};

/* Groups in key order: numbers (windows) by value, the rest (days, hours, codes, names) as text. */
static int cmp_group(const void *a, const void *b)
{
	const struct stat_group *x = a, *y = b;
	char *ex, *ey;
	long nx = strtol(x->key, &ex, 10), ny = strtol(y->key, &ey, 10);
	if (*x->key && *y->key && !*ex && !*ey)
		return nx < ny ? -1 : nx > ny;
	return strcmp(x->key, y->key);
}

int hall_stats(db *d, const struct hall_ctx *c, const struct hall_stats_query *q, yc_buf *out,
	       yc_err *err)
{
	int32_t from, to;
	if (!q->from || yc_date_parse(q->from, &from))
		return yc_err_set(err, YC_EINVAL, "from", "from must be YYYY-MM-DD");
	if (!q->to || yc_date_parse(q->to, &to))
		return yc_err_set(err, YC_EINVAL, "to", "to must be YYYY-MM-DD");
	if (to < from || to - from > 366)
		return yc_err_set(err, YC_EINVAL, "to", "the range is from 1 to 366 days");
	const char *by = q->by ? q->by : "day";
	if (strcmp(by, "day") && strcmp(by, "hour") && strcmp(by, "category") &&
	    strcmp(by, "window") && strcmp(by, "staff"))
		return yc_err_set(err, YC_EINVAL, "by",
				  "by must be day, hour, category, window or staff");
	db_stmt *st =
		db_prepare(d,
			   "SELECT day, category, window_no, staff, state, priority, issued_ms,"
			   " called_ms, started_ms, finished_ms FROM tickets"
			   " WHERE day >= ? AND day <= ? ORDER BY issued_ms",
			   err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, q->from);
	db_bind_text(st, 2, q->to);
	enum { MAXG = 400 };
	struct stat_group *g = calloc(MAXG, sizeof(*g));
	if (!g) {
		db_done(st);
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	int ng = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		char key[40];
		if (!strcmp(by, "day"))
			db_col_copy(st, 0, key, sizeof(key));
		else if (!strcmp(by, "category"))
			db_col_copy(st, 1, key, sizeof(key));
		else if (!strcmp(by, "window"))
			snprintf(key, sizeof(key), "%lld", (long long)db_col_int(st, 2));
		else if (!strcmp(by, "staff"))
			snprintf(key, sizeof(key), "%s",
				 db_col_null(st, 3) ? "" : db_col_text(st, 3));
		else {
			int64_t m = local_min(c, db_col_int(st, 6));
			snprintf(key, sizeof(key), "%02lld:00",
				 (long long)((m % 1440 + 1440) % 1440 / 60));
		}
		int k;
		for (k = 0; k < ng && strcmp(g[k].key, key); k++)
			;
		if (k == ng) {
			if (ng == MAXG)
				continue;
			snprintf(g[ng++].key, sizeof(g[0].key), "%s", key);
		}
		struct stat_group *x = &g[k];
		const char *state = db_col_text(st, 4);
		x->tickets++;
		if (!strcmp(state, "missed"))
			x->missed++;
		if (!strcmp(db_col_text(st, 5), "appointment")) {
			x->appointments++;
			if (!db_col_null(st, 7))
				x->kept++;
		}
		if (!db_col_null(st, 7)) {
			if (x->nwaits == x->capwaits) {
				int cap = x->capwaits ? x->capwaits * 2 : 64;
				int64_t *w = realloc(x->waits, (size_t)cap * sizeof(*w));
				if (!w)
					continue;
				x->waits = w;
				x->capwaits = cap;
			}
			x->waits[x->nwaits++] = db_col_int(st, 7) - db_col_int(st, 6);
		}
		if (!strcmp(state, "done") && !db_col_null(st, 8) && !db_col_null(st, 9)) {
			x->served++;
			x->service_sum += db_col_int(st, 9) - db_col_int(st, 8);
		}
	}
	db_done(st);
	qsort(g, (size_t)ng, sizeof(*g), cmp_group);
	if (rc >= 0) {
		if (q->csv)
			yc_buf_adds(out, "\xEF\xBB\xBF" /* a BOM, so that Excel reads UTF-8 */
					 "分组,取号数,服务数,过号数,预约数,预约到场数,平均等候(秒),"
					 "等候P90(秒),平均办理(秒)\r\n");
		else
			yc_buf_addf(out, "{\"by\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"rows\":[",
				    by, q->from, q->to);
		for (int k = 0; k < ng; k++) {
			struct stat_group *x = &g[k];
			if (x->nwaits)
				qsort(x->waits, (size_t)x->nwaits, sizeof(int64_t), cmp_i64);
			int64_t sum = 0;
			for (int i = 0; i < x->nwaits; i++)
				sum += x->waits[i];
			double mean = x->nwaits ? sum / 1000.0 / x->nwaits : 0;
			double p90 =
				x->nwaits ? x->waits[(x->nwaits * 9 + 9) / 10 - 1] / 1000.0 : 0;
			double svc = x->served ? x->service_sum / 1000.0 / x->served : 0;
			if (q->csv) {
				yc_buf_addf(out, "%s,%lld,%lld,%lld,%lld,%lld,%.0f,%.0f,%.0f\r\n",
					    x->key, (long long)x->tickets, (long long)x->served,
					    (long long)x->missed, (long long)x->appointments,
					    (long long)x->kept, mean, p90, svc);
			} else {
				yc_buf_adds(out, k ? ",{\"key\":" : "{\"key\":");
				yc_json_add_str(out, x->key);
				yc_buf_addf(out,
					    ",\"tickets\":%lld,\"served\":%lld,\"no_shows\":%lld,"
					    "\"appointments\":%lld,\"appointments_kept\":%lld,"
					    "\"wait_mean_s\":%.1f,\"wait_p90_s\":%.1f,\"service_"
					    "mean_s\":%.1f}",
					    (long long)x->tickets, (long long)x->served,
					    (long long)x->missed, (long long)x->appointments,
					    (long long)x->kept, mean, p90, svc);
			}
		}
		if (!q->csv)
			yc_buf_adds(out, "]}");
	}
	for (int k = 0; k < ng; k++)
		free(g[k].waits);
	free(g);
	return rc < 0 ? rc : 0;
}

/* ---- jobs ------------------------------------------------------------------- */

int hall_expire_tickets(db *d, const struct hall_ctx *c, int64_t *count, yc_err *err)
{
	*count = 0;
	int s[8], e[8];
	int ns = calendar_spans(c->cal, s, e, 8);
	int closing = ns ? e[ns - 1] : 17 * 60;
	int32_t day = today(c);
	int64_t now = now_of(c), closing_ms = ms_of(c, day, closing);
	char today_s[16];
	yc_date_format(day, today_s, sizeof(today_s));
	/*
	 * Earlier days' tickets, and once the hall has closed, today's tickets taken
	 * before closing (one taken after closing, at the self-service zone, waits
	 * for the morning's windows until the day ends).
	 */
	db_stmt *st =
		db_prepare(d,
			   "UPDATE tickets SET state = 'expired', version = version + 1"
			   " WHERE state IN ('waiting', 'called') AND (day < ? OR (day = ? AND"
			   " issued_ms < ?)) RETURNING 1",
			   err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, today_s);
	db_bind_text(st, 2, today_s);
	db_bind_int(st, 3, now >= closing_ms ? closing_ms : 0);
	return db_count_rows(st, count, err);
}

int hall_sweep_appointments(db *d, const struct hall_ctx *c, int64_t *count, yc_err *err)
{
	*count = 0;
	int64_t now = now_of(c);
	int32_t day = today(c);
	/* booked, and the check-in window has closed: missed */
	db_stmt *st = db_prepare(
		d, "SELECT id, day, slot FROM appointments WHERE state = 'booked' AND day <= ?",
		err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	char today_s[16];
	yc_date_format(day, today_s, sizeof(today_s));
	db_bind_text(st, 1, today_s);
	char ids[200][16];
	int n = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW && n < 200) {
		int32_t dd;
		int mm;
		if (yc_date_parse(db_col_text(st, 1), &dd) || parse_hhmm(db_col_text(st, 2), &mm))
			continue;
		if (ms_of(c, dd, mm) + (int64_t)c->checkin_after_min * 60000 < now)
			db_col_copy(st, 0, ids[n++], sizeof(ids[0]));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		if ((rc = db_run(d, err,
				 "UPDATE appointments SET state = 'missed' WHERE id = ? AND state "
				 "= 'booked'",
				 "s", ids[i])))
			return rc;
		(*count)++;
	}
	/* tomorrow's appointments: one reminder each */
	char tomorrow[16];
	yc_date_format(day + 1, tomorrow, sizeof(tomorrow));
	st = db_prepare(
		d,
		"SELECT a.id, a.slot, u.username, h.name FROM appointments a"
		" JOIN users u ON u.id = a.user_id JOIN hall_categories h ON h.code = a.category"
		" WHERE a.state = 'booked' AND a.day = ? AND a.reminded = 0 LIMIT 200",
		err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, tomorrow);
	struct {
		char id[16], slot[8], user[40], name[64];
	} r[200];
	int nr = 0;
	while ((rc = db_step(st, err)) == DB_ROW && nr < 200) {
		db_col_copy(st, 0, r[nr].id, sizeof(r[nr].id));
		db_col_copy(st, 1, r[nr].slot, sizeof(r[nr].slot));
		db_col_copy(st, 2, r[nr].user, sizeof(r[nr].user));
		db_col_copy(st, 3, r[nr].name, sizeof(r[nr].name));
		nr++;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < nr; i++) {
		char to[64], text[256];
		snprintf(to, sizeof(to), "user:%s", r[i].user);
		snprintf(text, sizeof(text),
			 "【一窗】您已预约明天%s的%"
			 "s业务，请在预约时间前30分钟至后15分钟内签到，预约码%s",
			 r[i].slot, r[i].name, r[i].id);
		if ((rc = notify_queue(d, "sms", to, text, err)) ||
		    (rc = db_run(d, err, "UPDATE appointments SET reminded = 1 WHERE id = ?", "s",
				 r[i].id)))
			return rc;
		(*count)++;
	}
	return 0;
}
