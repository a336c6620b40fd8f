/*
 * session.h — who is calling: a Bearer token or the yc_session cookie
 * (failed logins are counted in http/limits.h).
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


#endif
