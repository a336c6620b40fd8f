/*
 * api/process_runs.c — composite processes at work (一件事一次办): a run
 * filed with one form, its view and lists, the run's own actions (accept,
 * withdraw, deliver) and its live stream. Role and scope are checked by
 * core/process/ for every run; the route table checks the role first.
 */
#include <stdlib.h>
#include <string.h>

#include "core/process/process.h"
#include "http/router.h"
#include "http/sse.h"
#include "lib/banned.h"

/* Run numbers are case numbers: 20 digits. */
static int check_no(yc_req *r, const char *no)
{
	if (strlen(no) != 20 || strspn(no, "0123456789") != 20)
		return yc_err_set(&r->err, YC_ENOTFOUND, "no", "no process run with number %s", no);
	return 0;
}

/* A run filed: prep is the run prepared on the listener thread (process_prepare). */
static int run_submit_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	out->status = 201;
	return process_submit(d, c->app->cases, &c->user, c->prep, &out->body, err);
}

static void process_new_release(void *prep)
{
	if (prep)
		process_new_free(prep);
	free(prep);
}

int api_process_runs_create(yc_req *r)
{
	struct process_new *pn = calloc(1, sizeof(*pn));
	if (!pn)
		return yc_err_set(&r->err, YC_ENOMEM, NULL, NULL);
	int rc = process_prepare(r->db, r->app->cases, &r->user, r->body, pn, &r->err);
	struct yc_call *c = rc ? NULL : http_call_new(r, run_submit_write);
	if (!c) {
		process_new_release(pn);
		return rc ? rc : YC_ENOMEM;
	}
	c->prep = pn;
	c->prep_free = process_new_release;
	return http_call_send(r, c, true);
}

int api_process_runs_list(yc_req *r)
{
	int64_t limit;
	int rc = http_query_int(r, "limit", 1, 200, 50, &limit);
	if (rc)
		return rc;
	const char *state = http_query(r, "state");
	if (state && strcmp(state, "running") && strcmp(state, "approved") &&
	    strcmp(state, "partial") && strcmp(state, "denied") && strcmp(state, "withdrawn"))
		return yc_err_set(&r->err, YC_EINVAL, "state",
				  "state must be running, approved, partial, denied or withdrawn");
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = process_run_list(r->db, r->app->cases, &r->user, state, (int)limit, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

/* The run of the path as the caller may see it, into b (the caller's to release). */
static int run_view(yc_req *r, yc_buf *b)
{
	yc_buf_init(b, 0);
	int rc = check_no(r, r->params[0]);
	return rc ? rc : process_run_json(r->db, r->app->cases, &r->user, r->params[0], b, &r->err);
}

int api_process_runs_get(yc_req *r)
{
	yc_buf b;
	return http_reply_read(r, run_view(r, &b), &b);
}

/* A run's action: params {no, action}, n the parsed action. */
static int run_act_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return process_run_act(d, c->app->cases, &c->user, c->params[0],
			       (enum process_run_action)c->n, c->body, &out->body, err);
}

int api_process_runs_act(yc_req *r)
{
	int rc = check_no(r, r->params[0]);
	if (rc)
		return rc;
	int a = process_run_action_parse(r->params[1]);
	if (a < 0)
		return yc_err_set(&r->err, YC_ENOTFOUND, "action", "no action %s", r->params[1]);
	/* each action's body is the one its parts' cases take */
	static const enum case_action as_case[PRA_N] = {
		[PRA_ACCEPT] = CA_ACCEPT, [PRA_WITHDRAW] = CA_WITHDRAW, [PRA_DELIVER] = CA_DELIVER};
	if ((rc = case_action_check(as_case[a], r->body, &r->err)))
		return rc;
	return http_call(r, run_act_write, a, true);
}

/* The run's live stream: where it stands, each time a part moves (its viewers only). */
int api_process_runs_events(yc_req *r)
{
	yc_buf b;
	int rc = run_view(r, &b);
	yc_buf_release(&b);
	return rc ? rc : api_events_stream(r, sse_topic_bit("process"), r->params[0]);
}
