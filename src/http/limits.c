/* limits.c — the budgets of callers (see limits.h). */
#include "limits.h"

#include <stdio.h>
#include <stdlib.h>

#include "lib/throttle.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/* A Retry-After value in seconds, as text with its NUL. */
enum { RETRY_TEXT = 24 };

enum { LIMIT_SLOTS = 1 << 16 };

struct yc_limits {
	yc_throttle *t[LIM_COUNT];
	yc_throttle_rule rule[LIM_COUNT];
};

struct yc_limits *limits_new(const yc_config *cfg)
{
	struct yc_limits *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	int64_t lock = cfg->login_lock_s * 1000, hour = 3600 * 1000, minute = 60 * 1000;
	l->rule[LIM_LOGIN_PAIR] = (yc_throttle_rule){cfg->login_max_failures, lock, lock};
	l->rule[LIM_LOGIN_ADDRESS] =
		(yc_throttle_rule){cfg->login_max_failures_address, lock, lock};
	l->rule[LIM_LOGIN_ACCOUNT] =
		(yc_throttle_rule){cfg->login_max_failures_account, lock, minute};
	l->rule[LIM_PROGRESS_CASE] = (yc_throttle_rule){cfg->progress_max_failures, lock, lock};
	l->rule[LIM_PROGRESS_ADDRESS] =
		(yc_throttle_rule){cfg->progress_max_failures_address, lock, lock};
	l->rule[LIM_FAILURES] = (yc_throttle_rule){cfg->failure_budget, minute, minute};
	l->rule[LIM_TICKETS] = (yc_throttle_rule){cfg->tickets_per_address, hour, hour};
	l->rule[LIM_REGISTRATIONS] = (yc_throttle_rule){cfg->registrations_per_address, hour, hour};
	l->rule[LIM_GUIDE_LOG] = (yc_throttle_rule){cfg->guide_log_per_address, hour, hour};
	for (int i = 0; i < LIM_COUNT; i++)
		if (!(l->t[i] = yc_throttle_new(i == LIM_FAILURES ? 16 : LIMIT_SLOTS))) {
			limits_free(l);
			return NULL;
		}
	return l;
}

void limits_free(struct yc_limits *l)
{
	if (!l)
		return;
	for (int i = 0; i < LIM_COUNT; i++)
		yc_throttle_free(l->t[i]);
	free(l);
}

int64_t limits_wait(yc_req *r, enum yc_limit b, const char *key)
{
	return yc_throttle_wait(r->app->limits->t[b], key, yc_now_ms());
}

bool limits_known(yc_req *r, enum yc_limit b, const char *key)
{
	return yc_throttle_known(r->app->limits->t[b], key, yc_now_ms()) != 0;
}

void limits_hit(yc_req *r, enum yc_limit b, const char *key)
{
	struct yc_limits *l = r->app->limits;
	yc_throttle_hit(l->t[b], key, &l->rule[b], yc_now_ms());
}

int64_t limits_spend(yc_req *r, enum yc_limit b, const char *key)
{
	struct yc_limits *l = r->app->limits;
	int64_t now = yc_now_ms(), wait = yc_throttle_wait(l->t[b], key, now);
	if (wait)
		return wait;
	wait = yc_throttle_hit(l->t[b], key, &l->rule[b], now);
	return wait < 0 ? YC_THROTTLE_FULL_MS : wait;
}

void limits_clear(yc_req *r, enum yc_limit b, const char *key)
{
	yc_throttle_clear(r->app->limits->t[b], key);
}

int64_t limits_failures_wait(yc_req *r, enum yc_limit b)
{
	struct yc_limits *l = r->app->limits;
	int64_t now = yc_now_ms();
	int64_t wait = yc_throttle_wait(l->t[LIM_FAILURES], "*", now);
	return wait && yc_throttle_known(l->t[b], http_peer_net(r), now) ? wait : 0;
}

void limits_failure(yc_req *r, enum yc_limit b)
{
	limits_hit(r, LIM_FAILURES, "*");
	limits_hit(r, b, http_peer_net(r));
}

int limits_refuse(yc_req *r, int64_t wait_ms, const char *field, const char *what)
{
	long long s = (wait_ms + 999) / 1000;
	char retry[RETRY_TEXT];
	snprintf(retry, sizeof(retry), "%lld", s);
	http_header(r, "Retry-After", retry);
	return yc_err_set(&r->err, YC_ERATE, field, "%s; try again in %lld seconds", what, s);
}
