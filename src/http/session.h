/*
 * session.h — who is calling: a Bearer token or the yc_session cookie, and
 * the throttle on failed logins (per address and per account, in memory:
 * each node counts its own).
 */
#ifndef YC_SESSION_H
#define YC_SESSION_H

#include "http/http.h"

/* Fills r->user when a valid token came; an unknown token on a public route is ignored. */
int session_authenticate(yc_req *r);

/*
 * Sessions this node has looked up, trusted for cfg.session_cache_ms: one
 * database round trip fewer per request. A logout drops the entry on its own
 * node at once; another node of a cluster may honour the token that long.
 */
struct yc_session_cache *session_cache_new(void);
void session_cache_free(struct yc_session_cache *c);

struct yc_throttle *throttle_new(void);
void throttle_free(struct yc_throttle *t);
/* Seconds a throttled key must still wait (0: go ahead). */
int64_t throttle_wait(yc_app *app, const char *key);
/* Counts a failure for key; limit failures within the lock period lock it. */
void throttle_fail(yc_app *app, const char *key, int64_t limit);

#endif
