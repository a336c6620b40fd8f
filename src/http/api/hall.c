/*
 * api/hall.c — the service hall: the hall's layout, windows, tickets,
 * calling, live boards, appointments and the hall's figures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hall/hall.h"
#include "http/limits.h"
#include "http/router.h"
#include "http/sse.h"
#include "lib/banned.h"

/* A CSV download's Content-Disposition, with its NUL. */
enum { DISPOSITION_MAX = 96 };

static int parse_no(yc_req *r, const char *s, int *no)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*end || v <= 0 || v > 100000)
		return yc_err_set(&r->err, YC_ENOTFOUND, "no", "no window %s", s);
	*no = (int)v;
	return 0;
}

/* ---- the hall and windows ---------------------------------------------------- */

int api_hall_get(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = hall_json(r->db, r->app->hall, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

/* A window's action: params {no, action}, n the window's number. */
static int window_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return hall_window_act(d, c->app->hall, &c->user, (int)c->n, c->params[1], &out->body,
			       err);
}

int api_windows_act(yc_req *r)
{
	int no, rc = parse_no(r, r->params[0], &no);
	if (rc)
		return rc;
	const char *a = r->params[1];
	if (strcmp(a, "sign_in") && strcmp(a, "sign_out") && strcmp(a, "pause") &&
	    strcmp(a, "resume"))
		return yc_err_set(&r->err, YC_ENOTFOUND, "action", "no action %s", a);
	return http_call(r, window_write, no, true);
}

static int call_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	bool none = false;
	int rc = hall_call_next(d, c->app->hall, &c->user, (int)c->n, &none, &out->body, err);
	if (!rc && none)
		out->status = 204;
	return rc;
}

int api_windows_call_next(yc_req *r)
{
	int no, rc = parse_no(r, r->params[0], &no);
	if (rc)
		return rc;
	return http_call(r, call_write, no, true);
}

/* ---- tickets -------------------------------------------------------------------- */

static int ticket_issue_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	out->status = 201;
	return hall_ticket_issue(d, c->app->hall, http_call_user(c), c->body, &out->body, err);
}

/* Staff issue tickets freely; anyone else spends the address's ticket budget (limits.h). */
int api_tickets_create(yc_req *r)
{
	bool staff = r->authed && r->user.role != ROLE_APPLICANT;
	if (!staff) {
		int64_t wait = limits_spend(r, LIM_TICKETS, http_peer_net(r));
		if (wait)
			return limits_refuse(r, wait, NULL, "too many tickets from this address");
	}
	/* not replayable: the answer carries the e-ticket's key */
	return http_call(r, ticket_issue_write, 0, false);
}

int api_tickets_get(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = hall_ticket_json(r->db, r->app->hall, r->authed ? &r->user : NULL, r->params[0],
				  http_query(r, "key"), &b, &r->err);
	return http_reply_read(r, rc, &b);
}

/* A ticket's action: params {id, action}. */
static int ticket_act_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return hall_ticket_act(d, c->app->hall, &c->user, c->params[0], c->params[1], c->body,
			       &out->body, err);
}

int api_tickets_act(yc_req *r)
{
	static const char *const actions[] = {"recall",	  "no_show", "requeue",
					      "transfer", "start",   "finish"};
	bool known = false;
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(actions[i], r->params[1]))
			known = true;
	if (!known)
		return yc_err_set(&r->err, YC_ENOTFOUND, "action", "no action %s", r->params[1]);
	return http_call(r, ticket_act_write, 0, true);
}

/* GET /hall/events?floor=&zone=: the hall's events for one floor or zone (or all). */
int api_hall_events(yc_req *r)
{
	int64_t floor;
	int rc = http_query_int(r, "floor", 1, 99, 0, &floor);
	if (rc)
		return rc;
	const char *zone = http_query(r, "zone");
	char prefix[SSE_PREFIX_MAX] = "hall/";
	if (zone) {
		if (!*zone || strlen(zone) > 15 ||
		    strspn(zone, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(zone))
			return yc_err_set(&r->err, YC_EINVAL, "zone", "no zone %s", zone);
		if (!floor)
			return yc_err_set(&r->err, YC_EINVAL, "floor",
					  "a zone is given with its floor");
		snprintf(prefix, sizeof(prefix), "hall/%lld/%s/", (long long)floor, zone);
	} else if (floor) {
		snprintf(prefix, sizeof(prefix), "hall/%lld/", (long long)floor);
	}
	return api_events_stream(r, sse_topic_bit("hall"), prefix);
}

/* ---- appointments -------------------------------------------------------------- */

int api_appointment_slots(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = hall_slots_json(r->db, r->app->hall, http_query(r, "category"),
				 http_query(r, "date"), &b, &r->err);
	return http_reply_read(r, rc, &b);
}

static int book_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	out->status = 201;
	return hall_appointment_book(d, c->app->hall, &c->user, c->body, &out->body, err);
}

int api_appointments_create(yc_req *r)
{
	return http_call(r, book_write, 0, true);
}

int api_appointments_list(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = hall_appointments_mine(r->db, r->app->hall, &r->user, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

/* An appointment's action: params {id, action}. */
static int appointment_act_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	int rc = hall_appointment_act(d, c->app->hall, http_call_user(c), c->params[0],
				      c->params[1], c->body, &out->body, err);
	if (!rc && !strcmp(c->params[1], "check_in"))
		out->status = 201;
	return rc;
}

int api_appointments_act(yc_req *r)
{
	const char *a = r->params[1];
	if (strcmp(a, "cancel") && strcmp(a, "check_in"))
		return yc_err_set(&r->err, YC_ENOTFOUND, "action", "no action %s", a);
	if (!strcmp(a, "cancel") && !r->authed)
		return yc_err_set(&r->err, YC_EAUTH, NULL, NULL);
	if (strlen(r->params[0]) > 20)
		return yc_err_set(&r->err, YC_ENOTFOUND, "id", "no appointment %s", r->params[0]);
	/* not replayable: a check-in answers with the e-ticket's key */
	return http_call(r, appointment_act_write, 0, false);
}

/* ---- figures ------------------------------------------------------------------- */

int api_hall_stats(yc_req *r)
{
	struct hall_stats_query q = {
		.from = http_query(r, "from"),
		.to = http_query(r, "to"),
		.by = http_query(r, "by"),
	};
	const char *format = http_query(r, "format");
	if (format && strcmp(format, "json") && strcmp(format, "csv"))
		return yc_err_set(&r->err, YC_EINVAL, "format", "format must be json or csv");
	q.csv = format && !strcmp(format, "csv");
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = hall_stats(r->db, r->app->hall, &q, &b, &r->err);
	if (!rc) {
		if (q.csv) {
			char disp[DISPOSITION_MAX];
			snprintf(disp, sizeof(disp), "attachment; filename=\"hall-%s-%s-%s.csv\"",
				 q.from, q.to, q.by ? q.by : "day");
			http_header(r, "Content-Type", "text/csv; charset=utf-8");
			http_header(r, "Content-Disposition", disp);
		}
		http_reply_bytes(r, 200, b.data, b.len);
	}
	yc_buf_release(&b);
	return rc;
}
