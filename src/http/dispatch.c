/* dispatch.c — a request's way in: the head checked, the route found, the body parsed, the caller
 * checked, the handler called. */
#include "http/server.h"
#include "http/internal.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <pthread.h>
#include <sys/queue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/conn.h"
#include "http/router.h"
#include "http/session.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/*
 * libevent answers what it cannot take itself (a malformed request line or
 * header, a head or body over its limit) through evhttp_send_error, with an
 * HTML page. libevent calls that function through its PLT, so this
 * definition in the executable replaces it for every caller: every answer of
 * this server is JSON (issue 18, finding 17). The connection is closed after
 * it, as libevent's own would be.
 */
void evhttp_send_error(struct evhttp_request *req, int error, const char *reason)
{
	const char *code = error == 400			  ? "malformed"
			   : error == 404		  ? "not_found"
			   : error == 405 || error == 501 ? "method_not_allowed"
			   : error == 413 || error == 431 ? "too_large"
			   : error == 503		  ? "unavailable"
							  : "error";
	struct evbuffer *b = evbuffer_new();
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	/* a request line libevent could not read leaves no version: answer in 1.1, not "HTTP/0.0"
	 */
	if (req->major != 1)
		req->major = 1, req->minor = 1;
	evhttp_add_header(h, "Connection", "close");
	evhttp_add_header(h, "Content-Type", "application/json; charset=utf-8");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	if (b)
		evbuffer_add_printf(b, "{\"error\":{\"code\":\"%s\",\"message\":\"%d %s\"}}", code,
				    error,
				    error == 400   ? "the request could not be read"
				    : error == 413 ? "the request is too large"
				    : error == 501 ? "method not allowed"
						   : "the request was not answered");
	evhttp_send_reply(req, error, reason, b);
	if (b)
		evbuffer_free(b);
}

/*
 * Heads whose meaning two readers could take differently are refused before
 * anything reads them: a second Content-Length or Host, a Content-Length
 * that is not plain digits, Content-Length beside Transfer-Encoding, a field
 * name that is no token (a space before the colon), a control character in
 * a value (issue 18, finding 17); and any Transfer-Encoding. The connection
 * is closed after the answer: where the body ends is not known.
 */
static int head_check(yc_req *r)
{
	struct evkeyvalq *h = evhttp_request_get_input_headers(r->ev);
	int lengths = 0, hosts = 0, encodings = 0;
	struct evkeyval *kv;
	TAILQ_FOREACH (kv, h, next) {
		const char *k = kv->key, *v = kv->value;
		if (!*k || strspn(k, "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz"
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(k))
			goto bad;
		for (const unsigned char *p = (const unsigned char *)v; *p; p++)
			if ((*p < 0x20 && *p != '\t') || *p == 0x7F)
				goto bad;
		char c0 = (char)(k[0] | 0x20); /* most headers are none of the three */
		if (c0 != 'c' && c0 != 'h' && c0 != 't')
			continue;
		if (!evutil_ascii_strcasecmp(k, "Content-Length")) {
			lengths++;
			if (!*v || strspn(v, "0123456789") != strlen(v))
				goto bad;
		} else if (!evutil_ascii_strcasecmp(k, "Host")) {
			hosts++;
		} else if (!evutil_ascii_strcasecmp(k, "Transfer-Encoding")) {
			encodings++;
		}
	}
	if (lengths > 1 || hosts > 1 || (lengths && encodings))
		goto bad;
	if (encodings) {
		/* a chunked body's trailers would reach the head unwatched (conn.h): a body has a
		 * length */
		evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Connection", "close");
		return yc_err_set(&r->err, YC_EMALFORMED, "Transfer-Encoding",
				  "a body comes with its Content-Length, not chunked");
	}
	return 0;
bad:
	evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Connection", "close");
	return yc_err_set(&r->err, YC_EMALFORMED, NULL,
			  "the request's head is ambiguous (header %s)", kv ? kv->key : "counts");
}

static int method_of(struct evhttp_request *ev)
{
	switch (evhttp_request_get_command(ev)) {
	case EVHTTP_REQ_GET: return M_GET;
	case EVHTTP_REQ_POST: return M_POST;
	case EVHTTP_REQ_PUT: return M_PUT;
	case EVHTTP_REQ_DELETE: return M_DELETE;
	case EVHTTP_REQ_PATCH: return M_PATCH;
	case EVHTTP_REQ_HEAD: return M_HEAD;
	default: return 0;
	}
}

/* The route's checks (caller, role, CSRF, Idempotency-Key), then its handler. */
static int run_route(yc_req *r, const struct yc_route *rt, int method, struct evbuffer *in,
		     size_t len)
{
	int rc = session_authenticate(r);
	if (rc)
		return rc;
	if (rt->roles) {
		if (!r->authed)
			return yc_err_set(&r->err, YC_EAUTH, NULL, NULL);
		if (!(rt->roles & r->user.role))
			return yc_err_set(&r->err, YC_EFORBIDDEN, NULL, "this needs the %s role",
					  rt->roles == ROLE_ADMIN ? "admin" : "staff");
	}
	if (r->cookie_auth && method != M_GET && method != M_HEAD) {
		const char *sent = http_req_header(r, "X-CSRF-Token");
		if (!sent || !yc_secure_equal(sent, r->csrf))
			return yc_err_set(&r->err, YC_EFORBIDDEN, "X-CSRF-Token",
					  "a cookie session needs the X-CSRF-Token header");
	}
	if (method == M_POST) {
		const char *data = len ? (const char *)evbuffer_pullup(in, -1) : "";
		rc = http_idempotency_check(r, data, len);
		if (rc)
			return rc > 0 ? 0 : rc;
	}
	return rt->handler(r);
}

/*
 * What every route declares of its body, checked before its handler: a JSON
 * body comes as application/json (a form on another site cannot send one:
 * no login CSRF, issue 18 finding 6), and a route that takes no body (body
 * limit 0) takes nothing but an empty body or {} (finding 16).
 */
static int body_check(yc_req *r, const struct yc_route *rt, struct evbuffer *in, size_t len)
{
	if (!len || rt->body_kind == BODY_RAW)
		return 0;
	const char *type =
		evhttp_find_header(evhttp_request_get_input_headers(r->ev), "Content-Type");
	size_t n = type ? strcspn(type, "; \t") : 0;
	if (!type || n != strlen("application/json") ||
	    evutil_ascii_strncasecmp(type, "application/json", n))
		return yc_err_set(&r->err, YC_EMEDIA, NULL,
				  "send the body as Content-Type: application/json");
	if (rt->body_limit)
		return 0;
	if (len > 64)
		return yc_err_set(&r->err, YC_EMALFORMED, NULL, "this route takes no body");
	cJSON *body = NULL;
	int rc = yc_json_parse((const char *)evbuffer_pullup(in, -1), len, &body, &r->err);
	if (!rc && (!cJSON_IsObject(body) || body->child))
		rc = yc_err_set(&r->err, YC_EMALFORMED, NULL,
				"this route takes no body (at most {})");
	cJSON_Delete(body);
	return rc;
}

static int dispatch(yc_req *r, int method)
{
	if (conn_request_begins(r->ev)) {
		evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Connection", "close");
		return yc_err_set(&r->err, YC_EMALFORMED, NULL,
				  "the request's head holds a NUL byte or a folded line");
	}
	int checked = head_check(r);
	if (checked)
		return checked;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(r->ev);
	const char *raw = uri ? evhttp_uri_get_path(uri) : NULL;
	if (!raw || raw[0] != '/')
		return yc_err_set(&r->err, YC_EMALFORMED, NULL, "the request path is not valid");
	size_t dlen = 0;
	char *decoded = evhttp_uridecode(raw, 0, &dlen);
	if (!decoded || dlen >= sizeof(r->path) || strlen(decoded) != dlen ||
	    !yc_utf8_valid(decoded, dlen, NULL)) {
		free(decoded);
		return yc_err_set(&r->err, YC_EMALFORMED, NULL, "the request path is not valid");
	}
	memcpy(r->path, decoded, dlen + 1);
	free(decoded);
	const char *q = evhttp_uri_get_query(uri);
	if (q) {
		TAILQ_INIT(&r->query);
		if (evhttp_parse_query_str(q, &r->query) != 0) {
			evhttp_clear_headers(&r->query);
			return yc_err_set(&r->err, YC_EMALFORMED, NULL,
					  "the query string is not valid");
		}
		r->has_query = true;
		struct evkeyval *kv;
		TAILQ_FOREACH (kv, &r->query, next) {
			if (!yc_utf8_valid(kv->value, strlen(kv->value), NULL))
				return yc_err_set(&r->err, YC_EMALFORMED, kv->key,
						  "query parameter %s is not valid UTF-8", kv->key);
		}
	}
	if (!method)
		return yc_err_set(&r->err, YC_EMETHOD, NULL, NULL);
	if (strncmp(r->path, "/api/", 5) != 0 && strcmp(r->path, "/metrics") != 0)
		return http_serve_static(r, method);

	int idx = router_match(method, r->path, r);
	if (idx < 0) {
		r->route = YC_ROUTE_NONE;
		return yc_err_set(&r->err, idx, NULL, idx == YC_EMETHOD ? NULL : "no such route");
	}
	r->route = idx;
	const struct yc_route *rt = &yc_routes[idx];

	struct evbuffer *in = evhttp_request_get_input_buffer(r->ev);
	size_t len = evbuffer_get_length(in);
	int rc = body_check(r, rt, in, len);
	if (rc)
		return rc;
	if (rt->body_limit) {
		if (len > rt->body_limit)
			return yc_err_set(&r->err, YC_ETOOLARGE, NULL,
					  "the body is larger than %zu bytes", rt->body_limit);
		if (len == 0 && rt->body_kind == BODY_JSON)
			return yc_err_set(&r->err, YC_EMALFORMED, NULL, "a JSON body is required");
		if (len && rt->body_kind != BODY_RAW) {
			const char *data = (const char *)evbuffer_pullup(in, -1);
			if ((rc = yc_json_parse(data, len, &r->body, &r->err)))
				return rc;
		}
	}

	/*
	 * A GET's reads (the session, then the handler's) share one snapshot.
	 * The handler may answer and free r: keep the handle aside.
	 */
	db *d = r->db;
	bool snapshot = method == M_GET && db_read_begin(d) == 0;
	rc = run_route(r, rt, method, in, len);
	if (snapshot)
		db_read_end(d);
	return rc;
}

void http_on_request(struct evhttp_request *ev, void *arg)
{
	yc_thread *t = arg;
	yc_req *r = calloc(1, sizeof(*r));
	if (!r) {
		evhttp_send_error(ev, 503, NULL);
		return;
	}
	r->ev = ev;
	r->app = t->app;
	r->thr = t;
	r->db = t->db;
	r->route = YC_ROUTE_NONE;
	yc_buf_init(&r->reply.body, 0);
	r->start_us = yc_mono_us();
	snprintf(r->id, sizeof(r->id), "%x-%llx", t->idx, (unsigned long long)++t->seq);
	int rc = dispatch(r, method_of(ev));
	if (rc < 0)
		http_reply_error(r, rc);
}
