/*
 * api/ipmed.c — the IP mediation workstation: its figures (public), its disputes, a dispute
 * received and its way (mediate, settle, fail, refer). Role and scope by core/ipmed/.
 */
#include <string.h>

#include "core/ipmed/ipmed.h"
#include "http/router.h"
#include "lib/json.h"
#include "lib/banned.h"

enum { ID_MAX = 23 };

int api_ipmed_figures(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = ipmed_figures_json(r->db, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_ipmed_list(yc_req *r)
{
	static const char *const states[] = {"received", "mediating", "settled",
					     "failed",	 "referred",  NULL};
	const char *state = http_query(r, "state");
	if (state && !yc_one_of(state, states))
		return yc_err_set(&r->err, YC_EINVAL, "state", "state is not a dispute's state");
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = ipmed_list_json(r->db, r->app->ipmed, &r->user, state, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

static int receive_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	out->status = 201;
	return ipmed_receive(d, c->app->ipmed, &c->user, c->body, &out->body, err);
}

int api_ipmed_receive(yc_req *r)
{
	int rc = ipmed_receive_check(r->body, &r->err);
	return rc ? rc : http_call(r, receive_write, 0, true);
}

static int act_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return ipmed_act(d, c->app->ipmed, &c->user, c->params[0], c->params[1], c->body,
			 &out->body, err);
}

int api_ipmed_act(yc_req *r)
{
	size_t n = strlen(r->params[0]);
	if (!n || n > ID_MAX || strspn(r->params[0], "IPM0123456789-") != n)
		return yc_err_set(&r->err, YC_ENOTFOUND, "id", "no dispute %s", r->params[0]);
	if (lc_action(&ipmed_lifecycle, r->params[1]) < 0)
		return yc_err_set(&r->err, YC_ENOTFOUND, "action", "no action %s", r->params[1]);
	int rc = ipmed_act_check(r->params[1], r->body, &r->err);
	return rc ? rc : http_call(r, act_write, 0, true);
}
