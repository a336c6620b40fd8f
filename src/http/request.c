/* request.c — a request as handlers see it: its caller, headers, query, peer, and the answer with
 * the access log. */
#include "http/server.h"
#include "http/internal.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <pthread.h>
#include <sys/queue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/conn.h"
#include "http/metrics.h"
#include "http/router.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/throttle.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

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
	yc_buf *f = &r->thr->log.fields;
	yc_buf_clear(f);
	yc_buf_adds(f, "\"req\":\"");
	yc_buf_adds(f, r->id);
	yc_buf_adds(f, "\",\"route\":");
	if (r->route >= 0)
		yc_json_add_str(f, yc_routes[r->route].pattern);
	else
		yc_json_add_str(f, r->route == YC_ROUTE_STATIC ? "static" : "unmatched");
	yc_buf_adds(f, ",\"path\":");
	/* API paths carry only codes and numbers by design; static paths are file names. */
	yc_json_add_str(f, r->path);
	yc_buf_adds(f, ",\"status\":");
	yc_buf_addi(f, r->status);
	yc_buf_adds(f, ",\"us\":");
	yc_buf_addi(f, us);
	yc_buf_adds(f, ",\"user\":");
	yc_json_add_str(f, r->authed ? r->user.username : NULL);
	yc_logbuf_fields(&r->thr->log, YC_LOG_INFO, f);
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

void http_send_reply(yc_req *r, int status, struct evbuffer *body)
{
	r->status = status;
	if (r->ev) {
		struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
		evhttp_add_header(h, "X-Request-Id", r->id);
		evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
		/* no page of ours is framed by another site (clickjacking); a handler may say
		 * SAMEORIGIN (a terminal's print, framed by the terminal's own page) */
		if (!evhttp_find_header(h, "X-Frame-Options"))
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

int http_reply_read(yc_req *r, int rc, yc_buf *b)
{
	if (!rc)
		http_reply(r, 200, b);
	yc_buf_release(b);
	return rc;
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
	http_send_reply(r, status, b);
	evbuffer_free(b);
}

int http_reply_bad_rows(yc_req *r, int bad, const char *field, const yc_buf *rows)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	yc_buf_addf(&b,
		    "{\"error\":{\"code\":\"invalid\",\"message\":\"%d of the rows are bad: "
		    "nothing was imported\",\"field\":",
		    bad);
	yc_json_add_str(&b, field);
	yc_buf_adds(&b, ",\"rows\":");
	yc_buf_add(&b, rows->data, rows->len);
	yc_buf_adds(&b, "}}");
	http_reply(r, 422, &b);
	yc_buf_release(&b);
	return 0;
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
