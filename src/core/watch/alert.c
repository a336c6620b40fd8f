/*
 * alert.c — the alerts: raised by a run of the rules, kept fresh while the rule still finds
 * them, marked cleared when it no longer does, acknowledged and closed by a supervisor.
 *
 *   (raised) ┌──────┐  ack   ┌───────┐  close (with a note)  ┌────────┐
 *   ───────▶ │ open │ ─────▶ │ acked │ ────────────────────▶ │ closed │
 *            └──────┘        └───────┘                       └────────┘
 *                │                close (with a note)            ▲
 *                └───────────────────────────────────────────────┘
 *
 * One alert is live (open or acked) per rule and subject; after it is closed, the rule's
 * next finding raises a new one. Cleared is a mark, not a state: the condition passed, and
 * the supervisor still closes the alert with what was done.
 */
#include "core/watch/internal.h"

#include <stdio.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/common/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

enum { WS_OPEN, WS_ACKED, WS_CLOSED, WS_N };
enum { WA_ACK, WA_CLOSE, WA_N };
static const char *const state_names[] = {"open", "acked", "closed"};
static const char *const action_names[] = {"ack", "close"};

#define OVERSEERS (ROLE_SUPERVISOR | ROLE_ADMIN)
static const struct lc_row table[] = {
	{WS_OPEN, WA_ACK, OVERSEERS, WS_ACKED, WS_ACKED, 0, 0},
	{WS_OPEN, WA_CLOSE, OVERSEERS, WS_CLOSED, WS_CLOSED, 0, 0},
	{WS_ACKED, WA_CLOSE, OVERSEERS, WS_CLOSED, WS_CLOSED, 0, 0},
};

const struct lc_table watch_lifecycle = {
	.name = "alert",
	.rows = table,
	.nrows = (int)(sizeof(table) / sizeof(table[0])),
	.states = state_names,
	.nstates = WS_N,
	.actions = action_names,
	.nactions = WA_N,
};

static int64_t now_of(const struct watch_ctx *c)
{
	return c->now_ms ? c->now_ms : yc_now_ms();
}

static bool overseer(const yc_user *u)
{
	return u->role == ROLE_SUPERVISOR || u->role == ROLE_ADMIN;
}

struct run {
	int64_t now;
	int64_t raised;
};

static int found(db *d, void *arg, const struct watch_finding *f, yc_err *err)
{
	struct run *r = arg;
	char id[WATCH_ID_LEN + 1] = "";
	int rc = db_get(d, err,
			"SELECT id FROM watch_alerts WHERE rule = ? AND subject = ? AND state <> 'closed'",
			"ss", "t", f->rule, f->subject, id, sizeof(id));
	if (rc < 0)
		return rc;
	if (rc == DB_ROW)
		return db_run(d, err,
			      "UPDATE watch_alerts SET title = ?, evidence = ?, seen_ms = ?,"
			      " cleared_ms = NULL WHERE id = ?",
			      "ssis", f->title, f->evidence.data, r->now, id);
	if (yc_random_hex(id, WATCH_ID_LEN / 2))
		return yc_err_set(err, YC_EINTERNAL, NULL, "no randomness");
	rc = db_run(d, err,
		    "INSERT INTO watch_alerts (id, rule, subject, title, evidence, state, raised_ms,"
		    " seen_ms) VALUES (?, ?, ?, ?, ?, 'open', ?, ?)",
		    "sssssii", id, f->rule, f->subject, f->title, f->evidence.data, r->now, r->now);
	char object[48];
	snprintf(object, sizeof(object), "watch/%s", id);
	yc_buf payload;
	yc_buf_init(&payload, 0);
	yc_buf_addf(&payload, "{\"id\":\"%s\",\"rule\":\"%s\",\"subject\":", id, f->rule);
	yc_json_add_str(&payload, f->subject);
	yc_buf_adds(&payload, ",\"title\":");
	yc_json_add_str(&payload, f->title);
	yc_buf_addc(&payload, '}');
	if (!rc)
		rc = outbox_append(d, "watch", "raised", object, payload.data, err);
	yc_buf_release(&payload);
	r->raised += !rc;
	return rc;
}

int watch_run(db *d, const struct watch_ctx *c, int64_t *raised, yc_err *err)
{
	struct run r = {now_of(c), 0};
	int rc = watch_rules(d, c, r.now, found, &r, err);
	/* what no rule found this time has cleared (the mark stays until it comes back) */
	if (!rc)
		rc = db_run(d, err,
			    "UPDATE watch_alerts SET cleared_ms = ? WHERE state <> 'closed'"
			    " AND cleared_ms IS NULL AND seen_ms < ?",
			    "ii", r.now, r.now);
	*raised = r.raised;
	return rc;
}

int watch_act_check(const char *action, const cJSON *body, yc_err *err)
{
	static const yc_jfield spec[] = {{"note", YC_JT_STRING, false, WATCH_NOTE_MAX}};
	int rc = body ? yc_json_check(body, spec, 1, err) : 0;
	if (!rc && !strcmp(action, "close")) {
		const char *note = yc_json_str(body, "note");
		if (!note || !note[strspn(note, " \t\r\n")])
			rc = yc_err_set(err, YC_EINVAL, "note", "say what was done about it");
	}
	return rc;
}

int watch_act(db *d, const struct watch_ctx *c, const yc_user *u, const char *id,
	      const char *action, const cJSON *body, yc_buf *out, yc_err *err)
{
	int a = lc_action(&watch_lifecycle, action);
	if (a < 0)
		return yc_err_set(err, YC_ENOTFOUND, "action", "no action %s", action);
	char state[12] = "";
	int rc = db_get(d, err, "SELECT state FROM watch_alerts WHERE id = ?", "s", "t", id, state,
			sizeof(state));
	if (rc < 0)
		return rc;
	if (rc == DB_DONE || !overseer(u))
		return yc_err_set(err, YC_ENOTFOUND, "id", "no alert %s", id);
	int from = lc_state(&watch_lifecycle, state);
	const struct lc_row *row = lc_find(&watch_lifecycle, from, a);
	if (!row)
		return lc_refuse(&watch_lifecycle, from, a, err);
	const char *note = yc_json_str(body, "note") ? yc_json_str(body, "note") : "";
	int64_t now = now_of(c);
	if (a == WA_ACK)
		rc = db_run(d, err,
			    "UPDATE watch_alerts SET state = 'acked', acked_by = ?, acked_ms = ?,"
			    " note = ? WHERE id = ?",
			    "siss", u->username, now, note, id);
	else
		rc = db_run(d, err,
			    "UPDATE watch_alerts SET state = 'closed', closed_by = ?, closed_ms = ?,"
			    " note = ? WHERE id = ?",
			    "siss", u->username, now, note, id);
	char act[24], object[48];
	snprintf(act, sizeof(act), "watch.%s", action);
	snprintf(object, sizeof(object), "watch/%s", id);
	yc_actor ac = {u->username, account_role_name(u->role)};
	if (!rc)
		rc = audit_append(d, &ac, act, object, note[0] ? note : NULL, state,
				  state_names[row->to], err);
	if (!rc)
		rc = outbox_append(d, "watch", action, object, NULL, err);
	if (rc)
		return rc;
	return yc_buf_addf(out, "{\"id\":\"%s\",\"state\":\"%s\"}", id, state_names[row->to])
		       ? YC_ENOMEM
		       : 0;
}

static int figures(db *d, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT rule, state, COUNT(*), SUM(CASE WHEN cleared_ms IS NULL THEN 0"
				 " ELSE 1 END) FROM watch_alerts GROUP BY rule, state ORDER BY rule",
				 err);
	if (!st)
		return db_failed(err);
	int64_t by_state[WS_N] = {0}, cleared = 0;
	yc_buf rules;
	yc_buf_init(&rules, 0);
	char last[16] = "";
	int rc, n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *rule = db_col_text(st, 0);
		int s = lc_state(&watch_lifecycle, db_col_text(st, 1));
		int64_t k = db_col_int(st, 2);
		if (s >= 0)
			by_state[s] += k;
		if (s != WS_CLOSED)
			cleared += db_col_int(st, 3);
		if (strcmp(rule, last)) {
			yc_buf_addf(&rules, "%s\"%s\":{", n++ ? "}," : "", rule);
			snprintf(last, sizeof(last), "%s", rule);
		} else {
			yc_buf_addc(&rules, ',');
		}
		yc_buf_addf(&rules, "\"%s\":%lld", db_col_text(st, 1), (long long)k);
	}
	db_done(st);
	if (n)
		yc_buf_addc(&rules, '}');
	if (rc >= 0)
		yc_buf_addf(out,
			    "{\"open\":%lld,\"acked\":%lld,\"closed\":%lld,\"cleared\":%lld,"
			    "\"by_rule\":{%s}}",
			    (long long)by_state[WS_OPEN], (long long)by_state[WS_ACKED],
			    (long long)by_state[WS_CLOSED], (long long)cleared, rules.data);
	yc_buf_release(&rules);
	return rc < 0 ? rc : 0;
}

int watch_alerts_json(db *d, const yc_user *u, const char *state, int limit, yc_buf *out,
		      yc_err *err)
{
	if (!overseer(u))
		return yc_err_set(err, YC_EFORBIDDEN, NULL, "效能监察 is for supervisors and the admin");
	const char *s = state && *state ? state : "";
	if (*s && strcmp(s, "all") && lc_state(&watch_lifecycle, s) < 0)
		return yc_err_set(err, YC_EINVAL, "state", "state is open, acked, closed or all");
	yc_buf_adds(out, "{\"figures\":");
	int rc = figures(d, out, err);
	if (rc)
		return rc;
	db_stmt *st = db_prepare(
		d,
		"SELECT id, rule, subject, title, evidence, state, raised_ms, seen_ms, cleared_ms,"
		" acked_by, acked_ms, closed_by, closed_ms, note FROM watch_alerts"
		" WHERE (? = '' AND state <> 'closed') OR ? = 'all' OR state = ?"
		" ORDER BY raised_ms DESC, id LIMIT ?",
		err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, s);
	db_bind_text(st, 2, s);
	db_bind_text(st, 3, s);
	db_bind_int(st, 4, limit);
	yc_buf_adds(out, ",\"alerts\":");
	rc = db_rows_json(st, "ssssjsiiIsIsIs", out, err);
	return rc ? rc : yc_buf_adds(out, "}") ? YC_ENOMEM : 0;
}
