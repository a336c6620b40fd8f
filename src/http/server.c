/*
 * server.c — listener threads, request dispatch, parked writes, static
 * files, access log and graceful shutdown.
 *
 * The path of a request: on_request (listener thread) decodes the path,
 * finds the route, enforces the body limit, parses JSON, authenticates,
 * checks role and CSRF, and calls the handler. A handler answers at once
 * (reads) or parks the request with http_write; the writer thread commits
 * and calls write_finished, which queues the request back to its own
 * listener thread (wake_cb), where the handler's done() answers.
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/queue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/idempotency.h"
#include "http/conn.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/session.h"
#include "http/sse.h"
#include "jobs/outbox.h"
#include "lib/log.h"
#include "lib/throttle.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

struct yc_thread {
	int idx;
	yc_app *app;
	pthread_t tid;
	int fd;
	struct event_base *base;
	struct evhttp *http;
	struct evhttp_bound_socket *bound;
	db *db;
	struct event *wake_ev, *stop_ev, *drain_ev;
	pthread_mutex_t lock;
	yc_req *done_head, *done_tail;
	int inflight;
	uint64_t seq;
	struct sse_thread *sse;
};

struct sse_thread *http_sse(yc_req *r)
{
	return r->thr->sse;
}

yc_actor http_actor(const yc_req *r)
{
	yc_actor a = {r->user.username, account_role_name(r->user.role)};
	return a;
}

void http_header(yc_req *r, const char *name, const char *value)
{
	if (r->ev)
		evhttp_add_header(evhttp_request_get_output_headers(r->ev), name, value);
}

const char *http_req_header(yc_req *r, const char *name)
{
	return r->ev ? evhttp_find_header(evhttp_request_get_input_headers(r->ev), name) : NULL;
}

const char *http_peer(yc_req *r)
{
	char *addr = NULL;
	ev_uint16_t port = 0;
	if (!r->ev)
		return "";
	evhttp_connection_get_peer(evhttp_request_get_connection(r->ev), &addr, &port);
	return addr ? addr : "";
}

const char *http_peer_net(yc_req *r)
{
	if (r->peer_net[0])
		return r->peer_net;
	yc_throttle_net(http_peer(r), r->peer_net, sizeof(r->peer_net));
	return r->peer_net;
}

bool http_peer_loopback(yc_req *r)
{
	const char *p = http_peer(r);
	return !strncmp(p, "127.", 4) || !strcmp(p, "::1") || !strncmp(p, "::ffff:127.", 11);
}

bool http_listen_loopback(const yc_app *app)
{
	const char *l = app->cfg.listen;
	return !strncmp(l, "127.", 4) || !strncmp(l, "[::1]", 5) || !strncmp(l, "localhost:", 10);
}

const char *http_query(yc_req *r, const char *name)
{
	return r->has_query ? evhttp_find_header(&r->query, name) : NULL;
}

int http_query_int(yc_req *r, const char *name, int64_t lo, int64_t hi, int64_t def, int64_t *out)
{
	const char *v = http_query(r, name);
	if (!v) {
		*out = def;
		return 0;
	}
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return yc_err_set(&r->err, YC_EINVAL, name,
				  "%s must be a whole number from %lld to %lld", name,
				  (long long)lo, (long long)hi);
	*out = n;
	return 0;
}

static void access_log(yc_req *r, int64_t us)
{
	if (!r->app->cfg.access_log)
		return;
	yc_buf f;
	yc_buf_init(&f, 4096);
	yc_buf_addf(&f, "\"req\":\"%s\",\"route\":", r->id);
	if (r->route >= 0)
		yc_json_add_str(&f, yc_routes[r->route].pattern);
	else
		yc_json_add_str(&f, r->route == YC_ROUTE_STATIC ? "static" : "unmatched");
	yc_buf_adds(&f, ",\"path\":");
	/* API paths carry only codes and numbers by design; static paths are file names. */
	yc_json_add_str(&f, r->path);
	yc_buf_addf(&f, ",\"status\":%d,\"us\":%lld,\"user\":", r->status, (long long)us);
	yc_json_add_str(&f, r->authed ? r->user.username : NULL);
	yc_log_fields(YC_LOG_INFO, &f);
	yc_buf_release(&f);
}

/* Ends the request's life: log, count, free. The reply has been sent. */
static void req_free(yc_req *r)
{
	int64_t us = yc_mono_us() - r->start_us;
	metrics_observe(r->app->metrics, r->route, r->status, us);
	access_log(r, us);
	if (r->has_query)
		evhttp_clear_headers(&r->query);
	cJSON_Delete(r->body);
	if (r->ops && r->ops->free_arg)
		r->ops->free_arg(r->write_arg);
	yc_buf_release(&r->reply.body);
	free(r);
}

void http_detach(yc_req *r, int status)
{
	r->status = status;
	r->ev = NULL;
	req_free(r);
}

static void send_reply(yc_req *r, int status, struct evbuffer *body)
{
	r->status = status;
	if (r->ev) {
		struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
		evhttp_add_header(h, "X-Request-Id", r->id);
		evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
		/* no page of ours is framed by another site (clickjacking) */
		evhttp_add_header(h, "X-Frame-Options", "DENY");
		struct evhttp_connection *conn = evhttp_request_get_connection(r->ev);
		if (conn)
			conn_on_close(conn, NULL, NULL);
		evhttp_send_reply(r->ev, status, NULL, body);
	}
	req_free(r);
}

void http_reply(yc_req *r, int status, const yc_buf *body)
{
	http_reply_str(r, status, body ? body->data : NULL);
}

void http_reply_str(yc_req *r, int status, const char *json)
{
	http_reply_bytes(r, status, json, json ? strlen(json) : 0);
}

void http_reply_bytes(yc_req *r, int status, const void *data, size_t len)
{
	struct evbuffer *b = evbuffer_new();
	if (data && status != 204)
		evbuffer_add(b, data, len);
	if (r->ev) {
		struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
		if (!evhttp_find_header(h, "Content-Type"))
			evhttp_add_header(h, "Content-Type", "application/json; charset=utf-8");
		evhttp_add_header(h, "Cache-Control", "no-store");
	}
	send_reply(r, status, b);
	evbuffer_free(b);
}

int http_reply_error(yc_req *r, int code)
{
	if (!r->err.code)
		yc_err_set(&r->err, code, NULL, NULL);
	int status = yc_code_status(r->err.code);
	if (status >= 500 || r->err.internal)
		yc_log(status >= 500 ? YC_LOG_ERROR : YC_LOG_WARN, "request %s failed: %s", r->id,
		       r->err.message);
	yc_buf b;
	yc_buf_init(&b, 4096);
	yc_buf_addf(&b, "{\"error\":{\"code\":\"%s\",\"message\":", yc_code_name(r->err.code));
	yc_json_add_str(&b, r->err.message[0] && !r->err.internal ? r->err.message
								  : yc_code_message(r->err.code));
	if (r->err.field[0]) {
		yc_buf_adds(&b, ",\"field\":");
		yc_json_add_str(&b, r->err.field);
	}
	if (r->err.state[0]) {
		yc_buf_adds(&b, ",\"state\":");
		yc_json_add_str(&b, r->err.state);
	}
	yc_buf_adds(&b, "}}");
	if (status == 401 && r->ev)
		http_header(r, "WWW-Authenticate", "Bearer");
	http_reply(r, status, &b);
	yc_buf_release(&b);
	return 0;
}

const unsigned char *http_body(yc_req *r, size_t *len)
{
	struct evbuffer *in = r->ev ? evhttp_request_get_input_buffer(r->ev) : NULL;
	*len = in ? evbuffer_get_length(in) : 0;
	return *len ? evbuffer_pullup(in, -1) : (const unsigned char *)"";
}

/* ---- parked writes ---------------------------------------------------- */

static void conn_closed(struct evhttp_connection *conn, void *arg)
{
	(void)conn;
	yc_req *r = arg;
	r->ev = NULL; /* evhttp frees the request; our answer goes nowhere */
}

/*
 * Writer thread, inside the request's savepoint: make the change, render the
 * answer, and store it under the Idempotency-Key if one came — all or nothing.
 */
static int write_in_transaction(db *d, void *arg, yc_err *err)
{
	yc_req *r = arg;
	yc_buf_clear(&r->reply.body);
	r->reply.status = 0;
	int rc = r->ops->write(d, r->write_arg, &r->reply, err);
	if (rc < 0)
		return rc;
	if (r->idem_key[0] && r->ops->replayable)
		rc = idem_store(d, r->idem_scope, r->idem_key, r->idem_hash,
				r->reply.status ? r->reply.status : 200, r->reply.body.data, err);
	return rc;
}

/* Writer thread: hand the finished request back to its listener thread. */
static void write_finished(db_mutation *m)
{
	yc_req *r = m->owner;
	yc_thread *t = r->thr;
	pthread_mutex_lock(&t->lock);
	r->next = NULL;
	if (t->done_tail)
		t->done_tail->next = r;
	else
		t->done_head = r;
	t->done_tail = r;
	pthread_mutex_unlock(&t->lock);
	event_active(t->wake_ev, EV_READ, 0);
}

/* Listener thread: answer a request whose write is durable (or failed). */
static void write_answer(yc_req *r)
{
	if (r->m.rc < 0) {
		r->err = r->m.err;
		http_reply_error(r, r->m.rc);
	} else {
		if (r->ops->after)
			r->ops->after(r, r->write_arg);
		http_reply(r, r->reply.status ? r->reply.status : 200, &r->reply.body);
	}
}

static void wake_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	yc_thread *t = arg;
	pthread_mutex_lock(&t->lock);
	yc_req *r = t->done_head;
	t->done_head = t->done_tail = NULL;
	pthread_mutex_unlock(&t->lock);
	while (r) {
		yc_req *next = r->next;
		t->inflight--;
		write_answer(r);
		r = next;
	}
}

int http_write(yc_req *r, const struct yc_write_ops *ops, void *arg)
{
	r->ops = ops;
	r->write_arg = arg;
	r->m.fn = write_in_transaction;
	r->m.arg = r;
	r->m.done = write_finished;
	r->m.owner = r;
	r->thr->inflight++;
	if (r->ev) {
		struct evhttp_connection *conn = evhttp_request_get_connection(r->ev);
		if (conn)
			conn_on_close(conn, conn_closed, r);
	}
	db_pipeline_submit(r->app->pipe, &r->m);
	return 0;
}

/*
 * A POST with an Idempotency-Key: a key seen before with the same request
 * answers with the stored answer (and no second effect); with another
 * request it is refused. Returns 1 when it has answered, 0 to go on, or a
 * negative code.
 */
static int idempotency_check(yc_req *r, const char *body, size_t len)
{
	const char *key = http_req_header(r, "Idempotency-Key");
	if (!key)
		return 0;
	if (!idem_key_valid(key))
		return yc_err_set(&r->err, YC_EINVAL, "Idempotency-Key",
				  "Idempotency-Key must be 1 to 128 printable ASCII characters");
	if (r->authed)
		snprintf(r->idem_scope, sizeof(r->idem_scope), "user:%lld", (long long)r->user.id);
	else
		snprintf(r->idem_scope, sizeof(r->idem_scope), "anonymous");
	snprintf(r->idem_key, sizeof(r->idem_key), "%s", key);
	yc_buf h;
	yc_buf_init(&h, 0);
	yc_buf_addf(&h, "POST %s\n", r->path);
	yc_buf_add(&h, body, len);
	yc_sha256_hex(h.data, h.len, r->idem_hash);
	yc_buf_release(&h);

	char stored_hash[YC_SHA256_HEX];
	int status = 0;
	yc_buf stored;
	yc_buf_init(&stored, 0);
	int rc = idem_find(r->db, r->idem_scope, r->idem_key, stored_hash, &status, &stored, &r->err);
	if (rc == YC_ENOTFOUND) {
		yc_buf_release(&stored);
		yc_err_clear(&r->err);
		return 0;
	}
	if (rc == 0 && strcmp(stored_hash, r->idem_hash) != 0)
		rc = yc_err_set(&r->err, YC_EINVAL, "Idempotency-Key",
				"this Idempotency-Key was used for a different request");
	if (rc == 0) {
		http_header(r, "Idempotent-Replayed", "true");
		http_reply(r, status, &stored);
		rc = 1;
	}
	yc_buf_release(&stored);
	return rc;
}

/* ---- static files ------------------------------------------------------ */

static const char *content_type(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".json", "application/json"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".txt", "text/plain; charset=utf-8"},
		{".woff2", "font/woff2"},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

static int serve_static(yc_req *r, int method)
{
	r->route = YC_ROUTE_STATIC;
	if (method != M_GET && method != M_HEAD)
		return yc_err_set(&r->err, YC_EMETHOD, NULL, NULL);
	if (!r->app->web_root[0] || strstr(r->path, "/.") || strstr(r->path, ".."))
		return yc_err_set(&r->err, YC_ENOTFOUND, NULL, NULL);
	char want[PATH_MAX], real[PATH_MAX];
	size_t plen = strlen(r->path);
	int n = snprintf(want, sizeof(want), "%s%s%s", r->app->web_root, r->path,
			 r->path[plen - 1] == '/' ? "index.html" : "");
	if (n < 0 || (size_t)n >= sizeof(want) || !realpath(want, real))
		return yc_err_set(&r->err, YC_ENOTFOUND, NULL, NULL);
	size_t rl = strlen(r->app->web_root);
	if (strncmp(real, r->app->web_root, rl) != 0 || real[rl] != '/')
		return yc_err_set(&r->err, YC_ENOTFOUND, NULL, NULL);
	/* non-blocking: a FIFO (or a device) in the web root would otherwise hold the thread
	 * until a writer came; only regular files are served */
	int fd = open(real, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return yc_err_set(&r->err, YC_ENOTFOUND, NULL, NULL);
	}
	struct evbuffer *b = evbuffer_new();
	if (method == M_HEAD) {
		close(fd);
	} else if (evbuffer_add_file(b, fd, 0, st.st_size)) {
		evbuffer_free(b);
		return yc_err_set(&r->err, YC_EIO, NULL, NULL);
	}
	http_header(r, "Content-Type", content_type(real));
	http_header(r, "Cache-Control", "no-cache");
	if (!strcmp(content_type(real), "text/html; charset=utf-8")) {
		http_header(r, "Content-Security-Policy",
			    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
			    "frame-ancestors 'none'");
		http_header(r, "Referrer-Policy", "no-referrer");
	}
	send_reply(r, 200, b);
	evbuffer_free(b);
	return 0;
}

/* ---- dispatch ---------------------------------------------------------- */

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
	const char *code = error == 400   ? "malformed"
			   : error == 404 ? "not_found"
			   : error == 405 || error == 501 ? "method_not_allowed"
			   : error == 413 || error == 431 ? "too_large"
			   : error == 503 ? "unavailable"
					  : "error";
	struct evbuffer *b = evbuffer_new();
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	/* a request line libevent could not read leaves no version: answer in 1.1, not "HTTP/0.0" */
	if (req->major != 1)
		req->major = 1, req->minor = 1;
	evhttp_add_header(h, "Connection", "close");
	evhttp_add_header(h, "Content-Type", "application/json; charset=utf-8");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	if (b)
		evbuffer_add_printf(b, "{\"error\":{\"code\":\"%s\",\"message\":\"%d %s\"}}",
				    code, error,
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
		/* a chunked body's trailers would reach the head unwatched (conn.h): a body has a length */
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
static int run_route(yc_req *r, const struct yc_route *rt, int method, struct evbuffer *in, size_t len)
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
		rc = idempotency_check(r, data, len);
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
	const char *type = evhttp_find_header(evhttp_request_get_input_headers(r->ev),
					      "Content-Type");
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
		return serve_static(r, method);

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

static void on_request(struct evhttp_request *ev, void *arg)
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

/* ---- threads and shutdown --------------------------------------------- */



static void drain_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	yc_thread *t = arg;
	if (t->inflight == 0)
		event_base_loopexit(t->base, NULL);
}

static void stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	yc_thread *t = arg;
	if (t->bound) {
		evhttp_del_accept_socket(t->http, t->bound);
		t->bound = NULL;
	}
	struct timeval tick = {0, 20000};
	event_add(t->drain_ev, &tick);
	drain_cb(-1, 0, t);
}

static void *thread_main(void *arg)
{
	yc_thread *t = arg;
	pthread_setname_np(pthread_self(), "yc-listener");
	case_cache_enable();
	event_base_dispatch(t->base);
	case_cache_release();
	return NULL;
}

/* Parses "host:port" or "[v6]:port" into addr. */
static int parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len,
			bool *loopback, yc_err *err)
{
	char host[128];
	const char *colon = strrchr(spec, ':');
	if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof(host))
		return yc_err_set(err, YC_EINVAL, "listen", "listen must be HOST:PORT");
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 0 || port > 65535)
		return yc_err_set(err, YC_EINVAL, "listen", "the port must be 0–65535");
	memset(ss, 0, sizeof(*ss));
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof(host), "127.0.0.1");
	if (host[0] == '[') {
		size_t hl = strlen(host);
		if (host[hl - 1] != ']')
			return yc_err_set(err, YC_EINVAL, "listen", "bad IPv6 address");
		host[hl - 1] = '\0';
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return yc_err_set(err, YC_EINVAL, "listen", "bad IPv6 address");
		*loopback = IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
		*len = sizeof(*a6);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			return yc_err_set(err, YC_EINVAL, "listen", "bad IPv4 address '%s'", host);
		*loopback = (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
		*len = sizeof(*a4);
	}
	return 0;
}

static int open_listener(struct sockaddr_storage *ss, socklen_t len, yc_err *err)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)ss, len) || listen(fd, 1024)) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return yc_err_set(err, YC_EIO, "listen", "cannot listen: %s", strerror(e));
	}
	return fd;
}

static int thread_setup(yc_thread *t, int fd, yc_err *err)
{
	yc_config *cfg = &t->app->cfg;
	int rc = db_open(cfg->db, 0, &t->db, err);
	if (rc)
		return rc;
	pthread_mutex_init(&t->lock, NULL);
	t->fd = fd;
	/*
	 * The epoll changelist coalesces the add/remove pairs evhttp makes on
	 * every request into one epoll_ctl per loop turn (measured: most of a
	 * small request's time went to epoll_ctl without it).
	 */
	struct event_config *ec = event_config_new();
	if (!ec)
		return yc_err_set(err, YC_ENOMEM, NULL, "cannot create the event loop");
	event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	t->base = event_base_new_with_config(ec);
	event_config_free(ec);
	t->http = t->base ? evhttp_new(t->base) : NULL;
	if (!t->http)
		return yc_err_set(err, YC_ENOMEM, NULL, "cannot create the event loop");
	evhttp_set_gencb(t->http, on_request, t);
	evhttp_set_bevcb(t->http, conn_bufferevent, NULL); /* each head watched (conn.h) */
	evhttp_set_max_body_size(t->http, cfg->body_limit);
	evhttp_set_max_headers_size(t->http, cfg->header_limit);
	evhttp_set_timeout(t->http, (int)cfg->timeout_s);
	/* every method libevent knows reaches the router, which answers 405 in JSON */
	evhttp_set_allowed_methods(t->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
						    EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH |
						    EVHTTP_REQ_HEAD | EVHTTP_REQ_OPTIONS);
	evhttp_set_flags(t->http, EVHTTP_SERVER_LINGERING_CLOSE);
	t->bound = evhttp_accept_socket_with_handle(t->http, fd);
	t->sse = sse_thread_new(t->base);
	t->wake_ev = event_new(t->base, -1, EV_PERSIST, wake_cb, t);
	t->stop_ev = event_new(t->base, -1, 0, stop_cb, t);
	t->drain_ev = event_new(t->base, -1, EV_PERSIST, drain_cb, t);
	if (!t->bound || !t->sse || !t->wake_ev || !t->stop_ev || !t->drain_ev)
		return yc_err_set(err, YC_ENOMEM, NULL, "cannot set up the listener");
	event_add(t->wake_ev, NULL);
	return 0;
}

static void thread_release(yc_thread *t)
{
	sse_thread_free(t->sse);
	if (t->wake_ev)
		event_free(t->wake_ev);
	if (t->stop_ev)
		event_free(t->stop_ev);
	if (t->drain_ev)
		event_free(t->drain_ev);
	if (t->http)
		evhttp_free(t->http);
	if (t->base)
		event_base_free(t->base);
	db_close(t->db);
	pthread_mutex_destroy(&t->lock);
}

/*
 * New outbox events, on the dispatcher thread: to every stream, and a loaded
 * calendar year into this node's calendar (whichever node loaded it).
 */
static void deliver_events(void *arg, db *d, const struct outbox_event *events)
{
	yc_app *app = arg;
	for (const struct outbox_event *e = events; e; e = e->next)
		if (!strcmp(e->topic, "calendar")) {
			yc_err err;
			yc_err_clear(&err);
			if (calendar_load_db(app->cal, d, &err))
				yc_log(YC_LOG_WARN, "calendar reload: %s", err.message);
			break;
		}
	sse_broadcast(app->sse, app->nthreads, events);
}

int http_serve(yc_app *app, yc_err *err)
{
	yc_config *cfg = &app->cfg;
	struct sockaddr_storage ss;
	socklen_t len;
	bool loopback = false;
	int rc = parse_listen(cfg->listen, &ss, &len, &loopback, err);
	if (rc)
		return rc;
	int nthreads = cfg->threads > 0 ? (int)cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (nthreads < 1)
		nthreads = 1;

	if (conn_init(cfg->header_timeout_s, cfg->timeout_s))
		return yc_err_set(err, YC_ENOMEM, NULL, "cannot allocate the connection table");
	evthread_use_pthreads();
	signal(SIGPIPE, SIG_IGN);
	sigset_t stop_signals;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);

	yc_thread *threads = calloc((size_t)nthreads, sizeof(*threads));
	if (!threads)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	int started = 0;
	for (int i = 0; i < nthreads; i++) {
		threads[i].idx = i;
		threads[i].app = app;
		int fd = open_listener(&ss, len, err);
		if (fd < 0) {
			rc = fd;
			goto out;
		}
		if (i == 0) {
			/* Port 0 picks a free port: the other threads join the same one. */
			getsockname(fd, (struct sockaddr *)&ss, &len);
		}
		if ((rc = thread_setup(&threads[i], fd, err))) {
			close(fd);
			goto out;
		}
	}
	char host[INET6_ADDRSTRLEN + 2] = "";
	int port;
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
		char tmp[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &a6->sin6_addr, tmp, sizeof(tmp));
		snprintf(host, sizeof(host), "[%s]", tmp);
		port = ntohs(a6->sin6_port);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &a4->sin_addr, host, sizeof(host));
		port = ntohs(a4->sin_port);
	}
	/* Live events: the dispatcher follows the outbox and feeds every thread's hub. */
	struct sse_thread *hubs[256];
	for (int i = 0; i < nthreads && i < 256; i++)
		hubs[i] = threads[i].sse;
	app->sse = hubs;
	app->nthreads = nthreads;
	struct outbox_dispatcher *dispatcher = NULL;
	if ((rc = outbox_dispatcher_start(cfg->db, app->kick[0], deliver_events, app, &dispatcher,
					  err)))
		goto out;
	for (int i = 0; i < nthreads; i++) {
		if (pthread_create(&threads[i].tid, NULL, thread_main, &threads[i])) {
			rc = yc_err_set(err, YC_EINTERNAL, NULL, "cannot start a listener thread");
			break;
		}
		started++;
	}
	if (!rc) {
		printf("yichuang: serving http://%s:%d/ with %d threads (%s store)\n", host, port,
		       nthreads, app->backend);
		fflush(stdout);
		yc_log(YC_LOG_INFO, "listening on %s:%d, %d threads", host, port, nthreads);
		int sig = 0;
		sigwait(&stop_signals, &sig);
		yc_log(YC_LOG_INFO, "signal %d: finishing in-flight requests", sig);
	}
	for (int i = 0; i < started; i++)
		event_active(threads[i].stop_ev, EV_READ, 0);
	for (int i = 0; i < started; i++)
		pthread_join(threads[i].tid, NULL);
	outbox_dispatcher_stop(dispatcher);
out:
	for (int i = 0; i < nthreads; i++)
		thread_release(&threads[i]);
	free(threads);
	conn_release();
	return rc;
}
