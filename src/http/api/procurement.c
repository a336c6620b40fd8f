/*
 * api/procurement.c — 政府采购: a budget unit's contracts from the award notice to
 * the filing, with their limits' lights; the bid deposit a supplier's credit record
 * waives (public: a supplier checks before it bids); the figures. Role and scope are
 * checked by core/procurement/.
 */
#include <string.h>

#include "core/procurement/procurement.h"
#include "http/router.h"
#include "lib/json.h"
#include "lib/banned.h"

enum { ID_MAX = 23, CODE_LEN = 18, UNIT_MAX = 15 };

int api_procurement_deposit(yc_req *r)
{
	const char *code = http_query(r, "credit_code");
	if (!code || strlen(code) != CODE_LEN)
		return yc_err_set(&r->err, YC_EINVAL, "credit_code",
				  "credit_code is the supplier's 18-character credit code");
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = proc_deposit_json(r->db, code, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_procurement_figures(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = proc_figures_json(r->db, r->app->proc, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_procurement_list(yc_req *r)
{
	static const char *const states[] = {"awarded", "signed", "filed", "cancelled", NULL};
	int64_t limit;
	int rc = http_query_int(r, "limit", 1, 500, 200, &limit);
	if (rc)
		return rc;
	const char *state = http_query(r, "state"), *unit = http_query(r, "unit");
	const char *late = http_query(r, "late");
	if (state && !yc_one_of(state, states))
		return yc_err_set(&r->err, YC_EINVAL, "state", "state is not a contract's state");
	if (unit && strlen(unit) > UNIT_MAX)
		return yc_err_set(&r->err, YC_EINVAL, "unit", "unit is too long");
	struct proc_query q = {.state = state,
			       .unit = unit,
			       .late = late && !strcmp(late, "1"),
			       .limit = (int)limit};
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = proc_list_json(r->db, r->app->proc, &r->user, &q, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

static int check_id(yc_req *r)
{
	size_t n = strlen(r->params[0]);
	if (!n || n > ID_MAX || strspn(r->params[0], "CG0123456789-") != n)
		return yc_err_set(&r->err, YC_ENOTFOUND, "id", "no contract %s", r->params[0]);
	return 0;
}

int api_procurement_get(yc_req *r)
{
	int rc = check_id(r);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = proc_get_json(r->db, r->app->proc, &r->user, r->params[0], &b, &r->err);
	return http_reply_read(r, rc, &b);
}

static int create_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	out->status = 201;
	return proc_create(d, c->app->proc, &c->user, c->body, &out->body, err);
}

int api_procurement_create(yc_req *r)
{
	int rc = proc_create_check(r->body, &r->err);
	return rc ? rc : http_call(r, create_write, 0, true);
}

static int act_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return proc_act(d, c->app->proc, &c->user, c->params[0], c->params[1], c->body, &out->body,
			err);
}

int api_procurement_act(yc_req *r)
{
	int rc = check_id(r);
	if (rc)
		return rc;
	if (lc_action(&proc_lifecycle, r->params[1]) < 0)
		return yc_err_set(&r->err, YC_ENOTFOUND, "action", "no action %s", r->params[1]);
	if ((rc = proc_act_check(r->params[1], r->body, &r->err)))
		return rc;
	return http_call(r, act_write, 0, true);
}
