/*
 * api/training.c — 全能岗: the categories with the caller's passes, a quiz drawn and
 * answered, a clerk's record, the bank (supervisors and the admin). Role and scope are
 * checked by core/training/.
 */
#include <string.h>

#include "core/training/training.h"
#include "http/router.h"
#include "lib/json.h"
#include "lib/banned.h"

enum { QUIZ_ID_LEN = 32, CATEGORY_MAX = 1, USERNAME_QUERY_MAX = 63 };

int api_training_categories(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = train_categories_json(r->db, &r->user, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

static int draw_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	out->status = 201;
	return train_quiz_draw(d, c->app->train, &c->user, yc_json_str(c->body, "category"),
			       &out->body, err);
}

int api_training_quiz_draw(yc_req *r)
{
	static const yc_jfield spec[] = {{"category", YC_JT_STRING, true, CATEGORY_MAX}};
	int rc = yc_json_check(r->body, spec, 1, &r->err);
	return rc ? rc : http_call(r, draw_write, 0, false);
}

static int answer_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return train_quiz_answer(d, c->app->train, &c->user, c->params[0], c->body, &out->body,
				 err);
}

int api_training_quiz_answer(yc_req *r)
{
	size_t n = strlen(r->params[0]);
	if (n != QUIZ_ID_LEN || strspn(r->params[0], "0123456789abcdef") != n)
		return yc_err_set(&r->err, YC_ENOTFOUND, "id", "no quiz %s", r->params[0]);
	int rc = train_quiz_answer_check(r->body, &r->err);
	return rc ? rc : http_call(r, answer_write, 0, true);
}

int api_training_record(yc_req *r)
{
	const char *who = http_query(r, "username");
	if (who && strlen(who) > USERNAME_QUERY_MAX)
		return yc_err_set(&r->err, YC_EINVAL, "username", "username is too long");
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = train_record_json(r->db, &r->user, who, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_training_questions(yc_req *r)
{
	int64_t limit;
	int rc = http_query_int(r, "limit", 1, 2000, 100, &limit);
	const char *cat = http_query(r, "category");
	if (!rc && cat && strlen(cat) > CATEGORY_MAX)
		rc = yc_err_set(&r->err, YC_EINVAL, "category", "category is one letter");
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = train_questions_json(r->db, &r->user, cat, (int)limit, &b, &r->err);
	return http_reply_read(r, rc, &b);
}
