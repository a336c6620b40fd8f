/*
 * internal.h — what the server's own files share (request, dispatch, write,
 * static, server): a listener thread, and the functions one file offers the
 * others. Handlers see http.h only.
 */
#ifndef YC_HTTP_INTERNAL_H
#define YC_HTTP_INTERNAL_H

#include <event2/event.h>
#include <event2/http.h>
#include <pthread.h>

#include "http/http.h"
#include "lib/log.h"

/* A listener thread: its loop, its evhttp, its read handle, and the writes it waits for. */
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
	yc_logbuf log;		  /* the access log's lines, written together (log.h) */
	struct event *log_ev;	  /* … every ACCESS_LOG_FLUSH_MS */
};
/* How long an access log line may wait in its thread's buffer. */
enum { ACCESS_LOG_FLUSH_MS = 100 };

/* request.c: the answer sent (headers, access log, the request freed). */
void http_send_reply(yc_req *r, int status, struct evbuffer *body);
/* write.c: an Idempotency-Key's stored answer (1: answered; 0: go on; or an error). */
int http_idempotency_check(yc_req *r, const char *body, size_t len);
/* write.c: finished writes answered on their listener thread (its wake event). */
void http_wake_cb(evutil_socket_t fd, short what, void *arg);
/* static.c: a file of the web root. */
int http_serve_static(yc_req *r, int method);
/* dispatch.c: every request's entry (evhttp's general callback). */
void http_on_request(struct evhttp_request *ev, void *arg);

#endif
