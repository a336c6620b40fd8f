/*
 * api/guide.c — 智能导服: a question asked (anyone; the question travels in the body, never in
 * a URL), the questions it could not answer and the synonym table (supervisors and the admin;
 * only the admin replaces the table). An unanswered question is logged through the writer,
 * masked, within the address's hourly budget; the answer is made on the listener thread.
 */
#include <stdlib.h>
#include <string.h>

#include "core/guide/guide.h"
#include "http/limits.h"
#include "http/router.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static const char *const channels[] = {"web", "kiosk", "phone", "terminal", NULL};

enum { CHANNEL_MAX = 12 };

struct unanswered {
	char masked[GUIDE_QUESTION_MAX + 1];
	char channel[CHANNEL_MAX];
	yc_buf answer;
};

static void unanswered_free(void *p)
{
	struct unanswered *u = p;
	yc_buf_release(&u->answer);
	free(u);
}

static int log_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	const struct unanswered *u = c->prep;
	int rc = guide_unanswered_log(d, u->masked, u->channel, yc_now_ms(), err);
	return rc ? rc : yc_buf_add(&out->body, u->answer.data, u->answer.len) ? YC_ENOMEM : 0;
}

int api_guide_ask(yc_req *r)
{
	static const yc_jfield spec[] = {
		{"q", YC_JT_STRING, true, GUIDE_QUESTION_MAX},
		{"channel", YC_JT_STRING, false, 0, channels},
	};
	int rc = yc_json_check(r->body, spec, 2, &r->err);
	if (rc)
		return rc;
	const char *q = yc_json_str(r->body, "q");
	if (!q[strspn(q, " \t\r\n")])
		return yc_err_set(&r->err, YC_EINVAL, "q", "ask a question");
	const char *channel = yc_json_str(r->body, "channel");
	struct unanswered *u = calloc(1, sizeof(*u));
	if (!u)
		return yc_err_set(&r->err, YC_ENOMEM, NULL, "out of memory");
	yc_buf_init(&u->answer, 0);
	bool answered = false;
	rc = guide_ask(r->db, r->app->guide, q, &u->answer, &answered, &r->err);
	/* logged only within the address's budget; past it the answer still comes */
	if (rc || answered || limits_spend(r, LIM_GUIDE_LOG, http_peer_net(r))) {
		yc_buf b = u->answer;
		free(u);
		return http_reply_read(r, rc, &b);
	}
	guide_mask(q, u->masked, sizeof(u->masked));
	snprintf(u->channel, sizeof(u->channel), "%s", channel ? channel : "web");
	struct yc_call *c = http_call_new(r, log_write);
	if (!c) {
		unanswered_free(u);
		return r->err.code;
	}
	c->prep = u;
	c->prep_free = unanswered_free;
	return http_call_send(r, c, false);
}

int api_guide_unanswered(yc_req *r)
{
	int64_t limit;
	int rc = http_query_int(r, "limit", 1, 1000, 100, &limit);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = guide_unanswered_json(r->db, &r->user, (int)limit, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_guide_synonyms_get(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = guide_synonyms_json(r->db, &r->user, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

static int synonyms_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return guide_synonyms_replace(d, &c->user, c->body, yc_now_ms(), &out->body, err);
}

int api_guide_synonyms_put(yc_req *r)
{
	int rc = guide_synonyms_check(r->body, &r->err);
	return rc ? rc : http_call(r, synonyms_write, 0, true);
}
