/*
 * api/reviews.c — 好差评: reviews from every channel, the rating page's
 * subject, QR and device tokens, the public figures and rectified bad
 * reviews, the staff's own figures, the national export; rectification
 * orders, callbacks and visits. Role and scope are checked by core/review/
 * for every object; the route table checks the role first.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/review/review.h"
#include "http/router.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static int review_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	out->status = 201;
	return review_submit(d, c->app->reviews, http_call_user(c), c->body, &out->body, err);
}

int api_reviews_create(yc_req *r)
{
	int rc = review_check(r->body, &r->err);
	return rc ? rc : http_call(r, review_write, 0, true);
}

/* GET /reviews/subject?case=…&channel=…&token=…: what the rating page shows. */
int api_reviews_subject(yc_req *r)
{
	static const char *const names[] = {"case", "run", "ticket", "channel", "token", "key"};
	cJSON *q = cJSON_CreateObject();
	if (!q)
		return yc_err_set(&r->err, YC_ENOMEM, NULL, NULL);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = http_query(r, names[i]);
		if (v && strlen(v) < 128)
			cJSON_AddStringToObject(q, names[i], v);
	}
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = review_subject_json(r->db, r->app->reviews, r->authed ? &r->user : NULL, q, &b,
				     &r->err);
	cJSON_Delete(q);
	return http_reply_read(r, rc, &b);
}

/* GET /reviews/link?case=NO (or run=NO): the QR code's and SMS link's token. */
int api_reviews_link(yc_req *r)
{
	const char *kind = http_query(r, "case") ? "case" : http_query(r, "run") ? "run" : NULL;
	if (!kind)
		return yc_err_set(&r->err, YC_EINVAL, "case", "name a case or a run");
	const char *no = http_query(r, kind);
	if (strlen(no) != 20 || strspn(no, "0123456789") != 20)
		return yc_err_set(&r->err, YC_ENOTFOUND, kind, "no %s %s", kind, no);
	char base[YC_PUBLIC_URL_MAX];
	int rc = api_public_url(r, base, sizeof(base));
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = review_link_json(r->db, &r->user, kind, no, base, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_reviews_list(yc_req *r)
{
	int64_t limit;
	int rc = http_query_int(r, "limit", 1, 200, 50, &limit);
	if (rc)
		return rc;
	const char *level = http_query(r, "level");
	if (level && strcmp(level, "bad") && strcmp(level, "all"))
		return yc_err_set(&r->err, YC_EINVAL, "level", "level must be bad or all");
	struct review_query q = {level && !strcmp(level, "bad"), http_query(r, "department"),
				 (int)limit};
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = review_list_json(r->db, r->app->reviews, &r->user, &q, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

/*
 * The public figures are the most asked and change slowly: each node answers
 * them from memory for public-cache-ms, by the months asked, then reads the
 * kept figures again (a few hundred rows, never the reviews themselves).
 */
enum { STATS_MONTHS_MAX = 120 }; /* the longest period the public page counts */
static struct {
	pthread_mutex_t lock;
	struct {
		int64_t at_ms;
		char *json;
		size_t len;
	} by_months[STATS_MONTHS_MAX + 1];
} stats_cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

int api_reviews_stats(yc_req *r)
{
	int64_t months;
	int rc = http_query_int(r, "months", 1, STATS_MONTHS_MAX, 12, &months);
	if (rc)
		return rc;
	int64_t now = yc_mono_us() / 1000, ttl = r->app->cfg.public_cache_ms;
	pthread_mutex_lock(&stats_cache.lock);
	if (ttl && stats_cache.by_months[months].json &&
	    now - stats_cache.by_months[months].at_ms < ttl) {
		/* answered under the lock: the copy is freed only when replaced, under it too */
		http_reply_bytes(r, 200, stats_cache.by_months[months].json,
				 stats_cache.by_months[months].len);
		pthread_mutex_unlock(&stats_cache.lock);
		return 0;
	}
	pthread_mutex_unlock(&stats_cache.lock);
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = review_stats_json(r->db, r->app->reviews, (int)months, &b, &r->err);
	if (!rc && ttl && b.data) {
		char *copy = malloc(b.len);
		if (copy) {
			memcpy(copy, b.data, b.len);
			pthread_mutex_lock(&stats_cache.lock);
			free(stats_cache.by_months[months].json);
			stats_cache.by_months[months].json = copy;
			stats_cache.by_months[months].len = b.len;
			stats_cache.by_months[months].at_ms = now;
			pthread_mutex_unlock(&stats_cache.lock);
		}
	}
	return http_reply_read(r, rc, &b);
}

int api_reviews_public_bad(yc_req *r)
{
	int64_t limit;
	int rc = http_query_int(r, "limit", 1, 200, 50, &limit);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = review_public_bad_json(r->db, r->app->reviews, (int)limit, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_reviews_mine(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = review_mine_json(r->db, r->app->reviews, &r->user, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

/* A date parameter as the local midnight it starts, in ms. */
static int date_param(yc_req *r, const char *name, int32_t def, int64_t *out)
{
	const char *s = http_query(r, name);
	int32_t day = def;
	if (s && yc_date_parse(s, &day))
		return yc_err_set(&r->err, YC_EINVAL, name, "%s must be YYYY-MM-DD", name);
	*out = (int64_t)day * 86400000 - (int64_t)r->app->cfg.tz_offset_min * 60000;
	return 0;
}

int api_reviews_export(yc_req *r)
{
	int32_t today = (int32_t)((yc_now_ms() + r->app->cfg.tz_offset_min * 60000) / 86400000);
	int64_t from, to;
	int rc = date_param(r, "from", today - 30, &from);
	if (!rc)
		rc = date_param(r, "to", today, &to);
	if (rc)
		return rc;
	to += 86400000; /* to is inclusive */
	if (to <= from)
		return yc_err_set(&r->err, YC_EINVAL, "to", "to must not be before from");
	if (to - from > 400LL * 86400000)
		return yc_err_set(&r->err, YC_EINVAL, "to", "export at most 400 days at a time");
	const char *format = http_query(r, "format");
	if (format && strcmp(format, "jsonl") && strcmp(format, "xlsx"))
		return yc_err_set(&r->err, YC_EINVAL, "format", "format must be jsonl or xlsx");
	bool xlsx = format && !strcmp(format, "xlsx");
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = review_export(r->db, r->app->reviews, from, to, xlsx ? REF_XLSX : REF_JSONL,
			   r->app->cfg.region_code, &b, &r->err);
	if (!rc) {
		http_header(
			r, "Content-Type",
			xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			     : "application/x-ndjson; charset=utf-8");
		http_header(r, "Content-Disposition",
			    xlsx ? "attachment; filename=\"reviews.xlsx\""
				 : "attachment; filename=\"reviews.jsonl\"");
		http_reply_bytes(r, 200, b.data ? b.data : "", b.len);
	}
	yc_buf_release(&b);
	return rc;
}

int api_windows_rating_key(yc_req *r)
{
	char *end;
	long no = strtol(r->params[0], &end, 10);
	if (*end || no < 1 || no > 999)
		return yc_err_set(&r->err, YC_ENOTFOUND, "no", "no window %s", r->params[0]);
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = review_device_key_json(r->db, &r->user, (int)no, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

/* ---- rectification orders ------------------------------------------------- */

static int check_id(yc_req *r, const char *what)
{
	const char *id = r->params[0];
	size_t n = strlen(id);
	if (n < 12 || n > 23 || strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef") != n)
		return yc_err_set(&r->err, YC_ENOTFOUND, "id", "no %s %s", what, id);
	return 0;
}

static int state_param(yc_req *r, const char *const *allowed, const char **out)
{
	*out = http_query(r, "state");
	if (*out && !yc_one_of(*out, allowed))
		return yc_err_set(&r->err, YC_EINVAL, "state", "no state %s", *out);
	return 0;
}

int api_review_orders_list(yc_req *r)
{
	static const char *const states[] = {"open",   "verifying", "rectifying", "reported",
					     "closed", "appealed",  "annulled",	  NULL};
	int64_t limit;
	const char *state;
	int rc = http_query_int(r, "limit", 1, 200, 100, &limit);
	if (!rc)
		rc = state_param(r, states, &state);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = review_order_list_json(r->db, r->app->reviews, &r->user, state, (int)limit, &b,
				    &r->err);
	return http_reply_read(r, rc, &b);
}

int api_review_orders_get(yc_req *r)
{
	int rc = check_id(r, "rectification order");
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = review_order_json(r->db, r->app->reviews, &r->user, r->params[0], &b, &r->err);
	return http_reply_read(r, rc, &b);
}

static int order_act_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return review_order_act(d, c->app->reviews, &c->user, c->params[0], c->params[1], c->body,
				&out->body, err);
}

int api_review_orders_act(yc_req *r)
{
	int rc = check_id(r, "rectification order");
	if (!rc)
		rc = review_order_check(r->params[1], r->body, &r->err);
	return rc ? rc : http_call(r, order_act_write, 0, true);
}

/* ---- callbacks ------------------------------------------------------------ */

int api_review_callbacks_list(yc_req *r)
{
	static const char *const states[] = {"due", "done", "unreachable", NULL};
	int64_t limit;
	const char *state;
	int rc = http_query_int(r, "limit", 1, 200, 100, &limit);
	if (!rc)
		rc = state_param(r, states, &state);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = review_callback_list_json(r->db, r->app->reviews, &r->user, state, (int)limit, &b,
				       &r->err);
	return http_reply_read(r, rc, &b);
}

static int callback_act_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return review_callback_act(d, c->app->reviews, &c->user, c->params[0], c->params[1],
				   c->body, &out->body, err);
}

int api_review_callbacks_act(yc_req *r)
{
	int rc = check_id(r, "callback");
	if (!rc)
		rc = review_callback_check(r->params[1], r->body, &r->err);
	/* dialling is audited each time it is done: never answered from a replay */
	return rc ? rc : http_call(r, callback_act_write, 0, strcmp(r->params[1], "dial") != 0);
}

/* ---- visits --------------------------------------------------------------- */

static int visit_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	out->status = 201;
	return review_visit_submit(d, c->app->reviews, &c->user, c->body, &out->body, err);
}

int api_review_visits_create(yc_req *r)
{
	int rc = review_visit_check(r->body, &r->err);
	return rc ? rc : http_call(r, visit_write, 0, true);
}

int api_review_visits_list(yc_req *r)
{
	int64_t limit;
	int rc = http_query_int(r, "limit", 1, 200, 50, &limit);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = review_visit_list_json(r->db, r->app->reviews, &r->user, (int)limit, &b, &r->err);
	return http_reply_read(r, rc, &b);
}
