/*
 * ticket.c — tickets: issued, called, served, transferred, missed (see hall.h).
 *
 *   ticket:  waiting ──call──► called ──start──► serving ──finish──► done
 *              ▲  │              │ ▲ recall (up to max_recalls, then missed)
 *              │  │ transfer     │ │
 *              │  └──(keeps its issue time)
 *              │                 └──no_show──► missed ──requeue (once)──┐
 *              └────────────────────────────────────────────────────────┘
 *   waiting/called at closing time ──► expired
 *
 * The table below is the whole lifecycle; each row names the function that
 * performs it. hall_ticket_act refuses any other pair.
 */
#include "core/hall/hall.h"
#include "core/hall/internal.h"

#include <assert.h>
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

static const char *const ticket_channels[] = {"kiosk", "mobile", "window", NULL};

static const char *const ticket_state_names[TS_N] = {"waiting", "called", "serving",
						     "done",    "missed", "expired"};
static const char *const ticket_action_names[TA_N] = {
	"call", "recall", "no_show", "requeue", "start", "finish", "transfer", "expire"};

#define T_STAFF (ROLE_CLERK | ROLE_SUPERVISOR | ROLE_ADMIN)
static const struct lc_row ticket_rows[] = {
	/* from       action       roles    to          alt (a branch) */
	{TS_WAITING, TA_CALL, T_STAFF, TS_CALLED, TS_CALLED, 0},       /* hall_call_next */
	{TS_CALLED, TA_RECALL, T_STAFF, TS_CALLED, TS_MISSED, 0},      /* past max_recalls: missed */
	{TS_CALLED, TA_NO_SHOW, T_STAFF, TS_MISSED, TS_MISSED, 0},     /* hall_ticket_act */
	{TS_MISSED, TA_REQUEUE, T_STAFF, TS_WAITING, TS_WAITING, 0},   /* once only */
	{TS_CALLED, TA_START, T_STAFF, TS_SERVING, TS_SERVING, 0},     /* hall_ticket_act */
	{TS_SERVING, TA_FINISH, T_STAFF, TS_DONE, TS_DONE, 0},	       /* with the cases filed */
	{TS_WAITING, TA_TRANSFER, T_STAFF, TS_WAITING, TS_WAITING, 0}, /* keeps its issue time */
	{TS_CALLED, TA_TRANSFER, T_STAFF, TS_WAITING, TS_WAITING, 0},  /* hall_ticket_act */
	{TS_WAITING, TA_EXPIRE, 0, TS_EXPIRED, TS_EXPIRED, 0},	       /* hall_expire_tickets */
	{TS_CALLED, TA_EXPIRE, 0, TS_EXPIRED, TS_EXPIRED, 0},	       /* hall_expire_tickets */
};

const struct lc_table hall_ticket_lifecycle = {
	"ticket",
	ticket_rows,
	(int)(sizeof(ticket_rows) / sizeof(ticket_rows[0])),
	ticket_state_names,
	TS_N,
	ticket_action_names,
	TA_N,
};

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
		return db_failed(err);
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
	int rc = db_get(d, err,
			"SELECT COUNT(*) FROM tickets WHERE state = 'waiting' AND category = ?"
			" AND priority = 'green' AND issued_ms < ?",
			"si", "n", t->category, green ? t->issued_ms : INT64_MAX, ahead);
	if (rc < 0)
		return rc;
	if (!green) {
		int normal = 0;
		rc = db_get(d, err,
			    "SELECT COUNT(*) FROM tickets WHERE state = 'waiting' AND category = ?"
			    " AND priority IN ('appointment', 'normal') AND issued_ms < ?",
			    "si", "n", t->category, t->issued_ms, &normal);
		if (rc < 0)
			return rc;
		*ahead += normal;
	}
	db_stmt *st = db_prepare(d, "SELECT categories FROM hall_windows WHERE state = 'open'", err);
	if (!st)
		return db_failed(err);
	while ((rc = db_step(st, err)) == DB_ROW)
		if (hall_serves(db_col_text(st, 0), t->category))
			(*open)++;
	db_done(st);
	if (rc < 0)
		return rc;
	/* recent service times: the last 20 finished in the category, else its default */
	int64_t avg_ms = -1;
	rc = db_get(d, err,
		    "SELECT AVG(finished_ms - started_ms) FROM (SELECT finished_ms, started_ms FROM"
		    " tickets WHERE category = ? AND state = 'done' AND started_ms IS NOT NULL"
		    " ORDER BY finished_ms DESC LIMIT 20) recent",
		    "s", "I", t->category, &avg_ms);
	if (rc < 0)
		return rc;
	if (avg_ms >= 0)
		*avg_s = avg_ms / 1000;
	else if ((rc = db_get(d, err,
			      "SELECT default_service_s FROM hall_categories WHERE code = ?", "s",
			      "i", t->category, avg_s)) < 0)
		return rc;
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
	*seq = 0;
	int rc = db_get(d, err,
			"INSERT INTO ticket_numbers (day, category, last) VALUES (?, ?, 1)"
			" ON CONFLICT (day, category) DO UPDATE SET last = ticket_numbers.last + 1"
			" RETURNING last",
			"ss", "i", day, category, seq);
	return rc < 0 ? rc : 0;
}

/* Zone and floor of a category (for events). */
static int category_place(db *d, const char *category, int *floor, char zone[16], yc_err *err)
{
	int rc = db_get(d, err,
			"SELECT z.floor, z.code FROM hall_categories c JOIN hall_zones z"
			" ON z.code = c.zone WHERE c.code = ?",
			"s", "nt", category, floor, zone, (size_t)16);
	if (rc == DB_ROW)
		rc = 0;
	else if (rc == DB_DONE)
		rc = yc_err_set(err, YC_EINVAL, "category", "no category %s", category);
	return rc;
}

/* Issues a ticket (shared by the kiosk and appointment check-in). */
int hall_issue(db *d, const struct hall_ctx *c, const yc_user *u, const char *category,
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
	char held[16] = "";
	if ((rc = db_get(d, err,
			 "SELECT number FROM tickets WHERE holder = ? AND category = ?"
			 " AND state IN ('waiting', 'called')",
			 "ss", "t", holder, category, held, sizeof(held))) < 0)
		return rc;
	if (held[0]) {
		rc = yc_err_conflict(err, "category", "waiting",
				     "you hold ticket %s in this category already", held);
		return rc;
	}
	char day[16], compact[9];
	yc_date_format(hall_today(c), day, sizeof(day));
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
	int64_t now = hall_now_of(c);
	db_stmt *st = db_prepare(
		d,
		"INSERT INTO tickets (id, day, category, number, priority, reason, channel, holder,"
		" secret_hash, state, issued_ms, appointment, slot_ms) VALUES (?, ?, ?, ?, ?, ?, ?,"
		" ?, ?, 'waiting', ?, ?, ?)",
		err);
	if (!st)
		return db_failed(err);
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
	if (!strcmp(priority, "green") &&
	    !(u && (u->role == ROLE_CLERK || u->role == ROLE_SUPERVISOR)))
		return yc_err_set(
			err, YC_EFORBIDDEN, "priority",
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
	return hall_issue(d, c, u, yc_json_str(body, "category"), channel, priority, reason, holder,
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
		return db_failed(err);
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
		return db_failed(err);
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
		rc = hall_window_load(d, no, &w, err);
	if (rc)
		return rc;
	if (strcmp(w.staff, u->username))
		return yc_err_set(err, YC_EFORBIDDEN, "no", "you are not signed in at window %d",
				  no);
	if (strcmp(w.state, "open")) {
		rc = yc_err_conflict(err, "state", w.state, "window %d is %s", no, w.state);
		return rc;
	}
	/* a window serves one person at a time */
	char busy[16] = "", busy_state[16] = "";
	if ((rc = db_get(d, err,
			 "SELECT number, state FROM tickets WHERE window_no = ? AND state IN"
			 " ('called', 'serving')",
			 "i", "tt", (int64_t)no, busy, sizeof(busy), busy_state,
			 sizeof(busy_state))) < 0)
		return rc;
	if (busy[0]) {
		rc = yc_err_conflict(
			err, "state", busy_state,
			"ticket %s is %s at this window: finish it or mark it a no-show first",
			busy, busy_state);
		return rc;
	}
	char day[16];
	yc_date_format(hall_today(c), day, sizeof(day));
	int64_t now = hall_now_of(c);
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
		db_stmt *st = db_prepare(
			d,
			"UPDATE tickets SET state = 'called', window_no = ?, called_ms = ?,"
			" staff = ?, target_window = NULL, version = version + 1"
			" WHERE id = ? AND state = 'waiting' RETURNING 1",
			err);
		if (!st)
			return db_failed(err);
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
	if (t.window_no && (rc = hall_window_load(d, t.window_no, &w, err))) {
		cJSON_Delete(empty);
		return rc;
	}
	const char *from = t.state;
	const char *next = NULL;
	int64_t now = hall_now_of(c);
	char cases[1024] = "";
	const struct lc_table *lc = &hall_ticket_lifecycle;
	int a = lc_action(lc, action), state = lc_state(lc, from);
	const struct lc_row *row = lc_find(lc, state, a);
	if (a < 0 || a == TA_CALL || a == TA_EXPIRE) {
		/* a call is call-next's, an expiry the closing job's: not taken here */
		rc = yc_err_set(err, YC_ENOTFOUND, "action", "no action %s", action);
	} else if (!row) {
		rc = lc_refuse(lc, state, a, err);
	} else {
		next = lc_state_name(
			lc, a == TA_RECALL && t.recalls + 1 > c->max_recalls ? row->alt : row->to);
		assert(lc_state(lc, next) >= 0);
	}
	if (!rc && a == TA_REQUEUE && t.requeued) {
		rc = yc_err_conflict(err, "state", from, "a ticket is put back once only");
	}
	if (!rc && a == TA_FINISH) {
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
	}
	/* the row's roles: window staff (the window's own clerk is checked below) */
	if (!rc && !(u && (row->roles & u->role)))
		rc = yc_err_set(err, YC_EFORBIDDEN, NULL, "for window staff");
	/* who: the clerk at its window; a requeue or transfer of a waiting ticket, any clerk */
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
		if (!rc && target && hall_window_load(d, target, &tw, NULL))
			rc = yc_err_set(err, YC_EINVAL, "window", "no window %d", target);
		if (!rc && target && !hall_serves(tw.categories, category))
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
		return db_failed(err);
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
		rc = yc_err_conflict(err, "state", from, "the ticket was changed by someone else");
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
