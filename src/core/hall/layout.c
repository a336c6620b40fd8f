/* layout.c — the hall itself: floors, zones and windows, opened, paused and closed. */
#include "core/hall/hall.h"
#include "core/hall/internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/common/notify.h"
#include "core/common/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/*
 * A window's lifecycle (hall_window_act performs every row):
 *
 *            sign_in (a clerk allowed there; leaves any other window)
 *   closed ─────────────────────────────► open ◄──resume── paused
 *      ▲                                   │ └────pause──────►│
 *      └──────────── sign_out ─────────────┴──────────────────┘
 *   sign_in again by the one signed in: open
 */
static const char *const window_state_names[WS_N] = {"closed", "open", "paused"};
static const char *const window_action_names[WA_N] = {"sign_in", "sign_out", "pause", "resume"};

#define W_STAFF (ROLE_CLERK | ROLE_SUPERVISOR | ROLE_ADMIN)
static const struct lc_row window_rows[] = {
	/* from      action       roles    to        alt */
	{WS_CLOSED, WA_SIGN_IN, W_STAFF, WS_OPEN, WS_OPEN, 0},
	{WS_OPEN, WA_SIGN_IN, W_STAFF, WS_OPEN, WS_OPEN, 0}, /* again, by the one signed in */
	{WS_PAUSED, WA_SIGN_IN, W_STAFF, WS_OPEN, WS_OPEN, 0},
	{WS_OPEN, WA_SIGN_OUT, W_STAFF, WS_CLOSED, WS_CLOSED, 0},
	{WS_PAUSED, WA_SIGN_OUT, W_STAFF, WS_CLOSED, WS_CLOSED, 0},
	{WS_OPEN, WA_PAUSE, W_STAFF, WS_PAUSED, WS_PAUSED, 0},
	{WS_PAUSED, WA_RESUME, W_STAFF, WS_OPEN, WS_OPEN, 0},
};

const struct lc_table hall_window_lifecycle = {
	"window",
	window_rows,
	(int)(sizeof(window_rows) / sizeof(window_rows[0])),
	window_state_names,
	WS_N,
	window_action_names,
	WA_N,
};

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
		rc = yc_json_check_each(hall, "zones", zone, 3, err);
	if (!rc)
		rc = yc_json_check_each(hall, "categories", category, 6, err);
	if (!rc)
		rc = yc_json_check_each(hall, "windows", window, 5, err);
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
bool hall_serves(const char *cats, const char *category)
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
	int32_t day = hall_today(c);
	int minute = (int)(hall_local_min(c, hall_now_of(c)) - (int64_t)day * 1440);
	bool work = false;
	int rc = calendar_is_workday(c->cal, day, &work, err);
	if (rc)
		return rc;
	o->workday = work;
	if (work && minute >= starts[0] && minute < ends[n - 1]) {
		o->open = true;
		for (int i = 1; i < n; i++)
			if (minute >= ends[i - 1] && minute < starts[i])
				o->resumes_at_ms = hall_ms_of(c, day, starts[i]);
		return 0;
	}
	int32_t next = day;
	if (!work || minute >= ends[n - 1])
		rc = calendar_add_workdays(c->cal, day, 1, &next, err);
	if (!rc)
		o->opens_at_ms = hall_ms_of(c, next, starts[0]);
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
			return db_failed(err);
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
		yc_buf_addf(out, "%s%02d:%02d-%02d:%02d", i ? "," : "", starts[i] / 60,
			    starts[i] % 60, ends[i] / 60, ends[i] % 60);
	char day[16];
	yc_date_format(hall_today(c), day, sizeof(day));
	yc_buf_addf(out, "\",\"today\":\"%s\",\"workday\":%s,\"open\":%s", day,
		    !rc && o.workday ? "true" : "false", !rc && o.open ? "true" : "false");
	yc_json_add_time(out, "opens_at", rc ? 0 : o.opens_at_ms, c->tz_offset_min);
	yc_json_add_time(out, "resumes_at", rc ? 0 : o.resumes_at_ms, c->tz_offset_min);
	return yc_buf_addc(out, '}');
}

int hall_window_load(db *d, int no, struct window_row *w, yc_err *err)
{
	memset(w, 0, sizeof(*w));
	db_stmt *st =
		db_prepare(d,
			   "SELECT no, floor, zone, categories, state, staff, allowed, version"
			   " FROM hall_windows WHERE no = ?",
			   err);
	if (!st)
		return db_failed(err);
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
int hall_event(db *d, const struct hall_ctx *c, const yc_user *u, const char *action, int floor,
	       const char *zone, int window, const char *ticket, const char *number,
	       const char *category, yc_err *err)
{
	char object[64], at[40];
	snprintf(object, sizeof(object), "hall/%d/%s/%d", floor, zone, window);
	yc_time_format_iso(hall_now_of(c), c->tz_offset_min, at, sizeof(at));
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
	int rc = hall_window_load(d, no, &w, err);
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
		rc = hall_window_load(d, no, &w, err);
	if (rc)
		return rc;
	const struct lc_table *lc = &hall_window_lifecycle;
	int a = lc_action(lc, action);
	if (a == WA_SIGN_IN) {
		if (!allowed_at(&w, u))
			return yc_err_set(err, YC_EFORBIDDEN, "no",
					  "%s may not sign in at window %d", u->username, no);
		if (c->may_staff &&
		    (rc = c->may_staff(d, c->may_staff_arg, u, w.categories, err)))
			return rc;
		if (w.staff[0] && strcmp(w.staff, u->username)) {
			rc = yc_err_conflict(err, "no", w.state, "%s is signed in at window %d",
					     w.staff, no);
			return rc;
		}
	} else {
		if (strcmp(w.staff, u->username))
			return yc_err_set(err, YC_EFORBIDDEN, "no",
					  "you are not signed in at window %d", no);
		if (a < 0)
			return yc_err_set(err, YC_ENOTFOUND, "action", "no action %s", action);
	}
	const struct lc_row *row = lc_find(lc, lc_state(lc, w.state), a);
	if (!row) {
		rc = yc_err_conflict(err, "state", w.state, "window %d is %s", no, w.state);
		return rc;
	}
	/* one window at a time: a sign-in leaves any other */
	if (a == WA_SIGN_IN &&
	    (rc = db_run(d, err,
			 "UPDATE hall_windows SET staff = NULL, state = 'closed',"
			 " version = version + 1 WHERE staff = ? AND no <> ?",
			 "si", u->username, (int64_t)no)))
		return rc;
	const char *next = lc_state_name(lc, row->to);
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
