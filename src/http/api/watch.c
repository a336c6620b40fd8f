/*
 * api/watch.c — 效能监察: the alerts with their figures, a run of the rules now, and an
 * alert acknowledged or closed with a note (supervisors and the admin; core/watch checks).
 */
#include <string.h>

#include "core/watch/watch.h"
#include "http/router.h"
#include "lib/json.h"
#include "lib/banned.h"

enum { STATE_MAX = 8 };

int api_watch_alerts(yc_req *r)
{
	const char *state = http_query(r, "state");
	if (state && strlen(state) > STATE_MAX)
		return yc_err_set(&r->err, YC_EINVAL, "state", "state is open, acked, closed or all");
	int64_t limit;
	int rc = http_query_int(r, "limit", 1, 1000, 200, &limit);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = watch_alerts_json(r->db, &r->user, state, (int)limit, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

static int run_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	int64_t raised = 0;
	int rc = watch_run(d, c->app->watch, &raised, err);
	return rc ? rc : yc_buf_addf(&out->body, "{\"raised\":%lld}", (long long)raised) ? YC_ENOMEM : 0;
}

int api_watch_run(yc_req *r)
{
	return http_call(r, run_write, 0, false);
}

static int act_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return watch_act(d, c->app->watch, &c->user, c->params[0], c->params[1], c->body,
			 &out->body, err);
}

int api_watch_act(yc_req *r)
{
	size_t n = strlen(r->params[0]);
	if (n != WATCH_ID_LEN || strspn(r->params[0], "0123456789abcdef") != n)
		return yc_err_set(&r->err, YC_ENOTFOUND, "id", "no alert %s", r->params[0]);
	if (lc_action(&watch_lifecycle, r->params[1]) < 0)
		return yc_err_set(&r->err, YC_ENOTFOUND, "action", "no action %s", r->params[1]);
	int rc = watch_act_check(r->params[1], r->body, &r->err);
	return rc ? rc : http_call(r, act_write, 0, true);
}
