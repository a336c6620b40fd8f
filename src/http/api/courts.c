/*
 * api/courts.c — 分调裁审: the court's rules and figures (public), the filings in a
 * reader's scope, the registry's actions (settle, fail, reassign, close), a party's
 * element form. Role and scope are checked by core/court/.
 */
#include <string.h>

#include "core/court/court.h"
#include "http/router.h"
#include "lib/json.h"
#include "lib/banned.h"

enum { CASE_NO_MAX = 31, TEAM_MAX = 7 };

static int check_no(yc_req *r)
{
	size_t n = strlen(r->params[0]);
	if (!n || n > CASE_NO_MAX || strspn(r->params[0], "0123456789") != n)
		return yc_err_set(&r->err, YC_ENOTFOUND, "no", "no court case %s", r->params[0]);
	return 0;
}

int api_court_rules(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = court_rules_json(r->db, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_court_figures(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = court_figures_json(r->db, r->app->court, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_court_cases_list(yc_req *r)
{
	static const char *const states[] = {"mediating", "settled", "filed", "closed", NULL};
	int64_t limit;
	int rc = http_query_int(r, "limit", 1, 500, 200, &limit);
	if (rc)
		return rc;
	const char *state = http_query(r, "state"), *team = http_query(r, "team");
	if (state && !yc_one_of(state, states))
		return yc_err_set(&r->err, YC_EINVAL, "state", "state is not a court case's state");
	if (team && strlen(team) > TEAM_MAX)
		return yc_err_set(&r->err, YC_EINVAL, "team", "team is too long");
	struct court_query q = {.state = state, .team = team, .limit = (int)limit};
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = court_list_json(r->db, r->app->court, &r->user, &q, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_court_case_get(yc_req *r)
{
	int rc = check_no(r);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = court_get_json(r->db, r->app->court, &r->user, r->params[0], &b, &r->err);
	return http_reply_read(r, rc, &b);
}

static int act_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return court_act(d, c->app->court, &c->user, c->params[0], c->params[1], c->body,
			 &out->body, err);
}

int api_court_case_act(yc_req *r)
{
	int rc = check_no(r);
	if (rc)
		return rc;
	if (lc_action(&court_lifecycle, r->params[1]) < 0)
		return yc_err_set(&r->err, YC_ENOTFOUND, "action", "no action %s", r->params[1]);
	if ((rc = court_act_check(r->params[1], r->body, &r->err)))
		return rc;
	return http_call(r, act_write, 0, true);
}

static int elements_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return court_elements(d, c->app->court, &c->user, c->params[0], c->body, &out->body, err);
}

int api_court_case_elements(yc_req *r)
{
	int rc = check_no(r);
	return rc ? rc : http_call(r, elements_write, 0, true);
}
