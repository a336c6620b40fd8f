/*
 * session.c — authentication of each request, login and logout (see session.h).
 */
#include "session.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/limits.h"
#include "http/router.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/*
 * A new session's token and CSRF token in hex, the Set-Cookie header, and a
 * login's "username\naddress" (what failures are counted under), with their NUL.
 */
enum { SESSION_TOKEN_HEX = 65, CSRF_HEX = 33, COOKIE_MAX = 200, LOGIN_PAIR_MAX = 160 };

/* ---- session cache -------------------------------------------------------
 * Direct-mapped by the token's hash (never the token itself): a collision
 * just replaces the older entry, which is looked up again when next used.
 */
enum { SESSION_CACHE_SLOTS = 1024 };

struct session_cached {
	char hash[YC_SHA256_HEX];
	yc_user user;
	char csrf[YC_SHA256_HEX];
	int64_t expires_ms;  /* the session's own end (wall clock) */
	int64_t fresh_until; /* monotonic µs: look it up again after this */
};

struct yc_session_cache {
	pthread_mutex_t lock;
	struct session_cached e[SESSION_CACHE_SLOTS];
};

struct yc_session_cache *session_cache_new(void)
{
	struct yc_session_cache *c = calloc(1, sizeof(*c));
	if (c)
		pthread_mutex_init(&c->lock, NULL);
	return c;
}

void session_cache_free(struct yc_session_cache *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static struct session_cached *session_slot(struct yc_session_cache *c, const char *hash)
{
	return &c->e[yc_hash_str(hash) % SESSION_CACHE_SLOTS];
}

static bool session_cache_get(yc_req *r, const char *hash)
{
	struct yc_session_cache *c = r->app->sessions;
	bool hit = false;
	pthread_mutex_lock(&c->lock);
	struct session_cached *e = session_slot(c, hash);
	if (!strcmp(e->hash, hash) && e->fresh_until > yc_mono_us() &&
	    e->expires_ms > yc_now_ms()) {
		r->user = e->user;
		memcpy(r->csrf, e->csrf, sizeof(r->csrf));
		hit = true;
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

static void session_cache_put(yc_req *r, const char *hash, int64_t expires_ms)
{
	struct yc_session_cache *c = r->app->sessions;
	pthread_mutex_lock(&c->lock);
	struct session_cached *e = session_slot(c, hash);
	memcpy(e->hash, hash, sizeof(e->hash));
	e->user = r->user;
	memcpy(e->csrf, r->csrf, sizeof(e->csrf));
	e->expires_ms = expires_ms;
	e->fresh_until = yc_mono_us() + r->app->cfg.session_cache_ms * 1000;
	pthread_mutex_unlock(&c->lock);
}

static void session_cache_drop(yc_app *app, const char *token)
{
	char hash[YC_SHA256_HEX];
	yc_sha256_hex(token, strlen(token), hash);
	pthread_mutex_lock(&app->sessions->lock);
	struct session_cached *e = session_slot(app->sessions, hash);
	if (!strcmp(e->hash, hash))
		memset(e, 0, sizeof(*e));
	pthread_mutex_unlock(&app->sessions->lock);
}

/* ---- per-request authentication --------------------------------------- */

static bool token_chars_ok(const char *s, size_t n)
{
	if (n == 0 || n >= 80)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool cookie_token(const char *cookies, char *out, size_t size)
{
	const char *p = cookies;
	while (p && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		if (!strncmp(p, "yc_session=", 11)) {
			p += 11;
			size_t n = strcspn(p, ";");
			if (!token_chars_ok(p, n) || n >= size)
				return false;
			memcpy(out, p, n);
			out[n] = '\0';
			return true;
		}
		p = strchr(p, ';');
	}
	return false;
}

int session_authenticate(yc_req *r)
{
	const char *auth = http_req_header(r, "Authorization");
	bool have = false;
	if (auth && !strncmp(auth, "Bearer ", 7)) {
		size_t n = strlen(auth + 7);
		if (token_chars_ok(auth + 7, n)) {
			memcpy(r->token, auth + 7, n + 1);
			have = true;
		} else {
			return yc_err_set(&r->err, YC_EAUTH, "Authorization",
					  "the bearer token is malformed");
		}
	} else {
		const char *cookies = http_req_header(r, "Cookie");
		if (cookies && cookie_token(cookies, r->token, sizeof(r->token))) {
			have = true;
			r->cookie_auth = true;
		}
	}
	if (!have)
		return 0;
	char hash[YC_SHA256_HEX];
	yc_sha256_hex(r->token, strlen(r->token), hash);
	bool cache = r->app->cfg.session_cache_ms > 0;
	if (cache && session_cache_get(r, hash)) {
		r->authed = true;
		return 0;
	}
	yc_err err;
	yc_err_clear(&err);
	int64_t expires_ms = 0;
	int rc = session_find(r->db, hash, &r->user, r->csrf, &expires_ms, &err);
	if (rc == 0) {
		r->authed = true;
		if (cache)
			session_cache_put(r, hash, expires_ms);
		return 0;
	}
	if (rc != YC_EAUTH) {
		r->err = err;
		return rc;
	}
	/* A stale token leaves the caller anonymous: protected routes answer 401. */
	r->cookie_auth = false;
	return 0;
}

/* ---- POST/GET/DELETE /api/v1/session ----------------------------------- */

struct login {
	yc_user user;
	char token[SESSION_TOKEN_HEX];
	char token_hash[YC_SHA256_HEX];
	char csrf[CSRF_HEX];
	int64_t expires_ms;
};

static void session_body(yc_buf *b, const yc_user *u, const char *token, const char *csrf)
{
	yc_buf_addf(b, "{\"token\":\"%s\",\"csrf\":\"%s\",\"user\":", token, csrf);
	account_user_json(u, b);
	yc_buf_addc(b, '}');
}

static int login_write(db *d, void *arg, yc_reply *out, yc_err *err)
{
	struct login *l = arg;
	int rc = session_insert(d, &l->user, l->token_hash, l->csrf, l->expires_ms, err);
	if (rc)
		return rc;
	out->status = 201;
	session_body(&out->body, &l->user, l->token, l->csrf);
	return 0;
}

static void login_after(yc_req *r, void *arg)
{
	struct login *l = arg;
	char cookie[COOKIE_MAX];
	/* Secure behind an HTTPS proxy: the cookie is then never sent in clear */
	bool secure = r->app->cfg.secure_cookie || !strncmp(r->app->cfg.public_url, "https://", 8);
	snprintf(cookie, sizeof(cookie),
		 "yc_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", l->token,
		 (long long)r->app->cfg.session_ttl_s, secure ? "; Secure" : "");
	http_header(r, "Set-Cookie", cookie);
}

/* A login answer carries a token: it is never stored for replay; a retried login is a new session. */
static const struct yc_write_ops login_ops = {login_write, login_after, free, false};

int api_session_create(yc_req *r)
{
	static const yc_jfield spec[] = {
		{"username", YC_JT_STRING, true, 64},
		{"password", YC_JT_STRING, true, 256},
	};
	int rc = yc_json_check(r->body, spec, 2, &r->err);
	if (rc)
		return rc;
	const char *username = yc_json_str(r->body, "username"), *addr = http_peer_net(r);
	char pair[LOGIN_PAIR_MAX];
	snprintf(pair, sizeof(pair), "%s\n%s", username, addr);
	int64_t wait = limits_failures_wait(r, LIM_LOGIN_ADDRESS), w;
	if ((w = limits_wait(r, LIM_LOGIN_ADDRESS, addr)) > wait)
		wait = w;
	if ((w = limits_wait(r, LIM_LOGIN_PAIR, pair)) > wait)
		wait = w;
	/*
	 * The account's own wait holds back only addresses that have failed lately:
	 * its owner, signing in from anywhere else, is not locked out by it (finding 14).
	 */
	if (limits_known(r, LIM_LOGIN_ADDRESS, addr) &&
	    (w = limits_wait(r, LIM_LOGIN_ACCOUNT, username)) > wait)
		wait = w;
	if (wait)
		return limits_refuse(r, wait, NULL, "too many failed logins");
	struct login *l = calloc(1, sizeof(*l));
	if (!l)
		return yc_err_set(&r->err, YC_ENOMEM, NULL, NULL);
	rc = account_authenticate(r->db, username, yc_json_str(r->body, "password"), &l->user,
				  &r->err);
	if (rc) {
		free(l);
		if (rc == YC_EAUTH) {
			limits_failure(r, LIM_LOGIN_ADDRESS);
			limits_hit(r, LIM_LOGIN_PAIR, pair);
			limits_hit(r, LIM_LOGIN_ACCOUNT, username);
		}
		return rc;
	}
	limits_clear(r, LIM_LOGIN_PAIR, pair);
	if (yc_random_hex(l->token, 32) || yc_random_hex(l->csrf, 16)) {
		free(l);
		return yc_err_set(&r->err, YC_EINTERNAL, NULL, NULL);
	}
	yc_sha256_hex(l->token, strlen(l->token), l->token_hash);
	l->expires_ms = yc_now_ms() + r->app->cfg.session_ttl_s * 1000;
	return http_write(r, &login_ops, l);
}

int api_session_get(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	yc_buf_addf(&b, "{\"csrf\":\"%s\",\"user\":", r->csrf);
	account_user_json(&r->user, &b);
	yc_buf_addc(&b, '}');
	http_reply(r, 200, &b);
	yc_buf_release(&b);
	return 0;
}

struct logout {
	yc_user user;
	char token[YC_TOKEN_MAX];
};

static int logout_write(db *d, void *arg, yc_reply *out, yc_err *err)
{
	struct logout *l = arg;
	out->status = 204;
	return session_remove(d, &l->user, l->token, err);
}

static void logout_after(yc_req *r, void *arg)
{
	struct logout *l = arg;
	session_cache_drop(r->app, l->token);
	bool secure = r->app->cfg.secure_cookie || !strncmp(r->app->cfg.public_url, "https://", 8);
	http_header(r, "Set-Cookie",
		    secure ? "yc_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
			   : "yc_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

static const struct yc_write_ops logout_ops = {logout_write, logout_after, free, true};

int api_session_delete(yc_req *r)
{
	struct logout *l = calloc(1, sizeof(*l));
	if (!l)
		return yc_err_set(&r->err, YC_ENOMEM, NULL, NULL);
	l->user = r->user;
	memcpy(l->token, r->token, sizeof(l->token));
	return http_write(r, &logout_ops, l);
}
