/* write.c — parked writes: a request handed to the writer, answered on its own thread;
 * Idempotency-Key. */
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

#include "core/common/idempotency.h"
#include "http/conn.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

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

void http_wake_cb(evutil_socket_t fd, short what, void *arg)
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

static int call_write(db *d, void *arg, yc_reply *out, yc_err *err)
{
	const struct yc_call *c = arg;
	return c->run(d, c, out, err);
}

static void call_free(void *arg)
{
	struct yc_call *c = arg;
	if (c->prep_free)
		c->prep_free(c->prep);
	cJSON_Delete(c->body);
	free(c);
}

static const struct yc_write_ops call_ops = {call_write, NULL, call_free, true};
static const struct yc_write_ops call_ops_once = {call_write, NULL, call_free, false};

const yc_user *http_call_user(const struct yc_call *c)
{
	return c->authed ? &c->user : NULL;
}

struct yc_call *http_call_new(yc_req *r, yc_call_fn run)
{
	struct yc_call *c = calloc(1, sizeof(*c));
	if (!c) {
		yc_err_set(&r->err, YC_ENOMEM, NULL, NULL);
		return NULL;
	}
	c->app = r->app;
	c->user = r->user;
	c->authed = r->authed;
	memcpy(c->params, r->params, sizeof(c->params));
	c->body = r->body;
	r->body = NULL;
	c->run = run;
	return c;
}

int http_call_send(yc_req *r, struct yc_call *c, bool replayable)
{
	return http_write(r, replayable ? &call_ops : &call_ops_once, c);
}

int http_call(yc_req *r, yc_call_fn run, int64_t n, bool replayable)
{
	struct yc_call *c = http_call_new(r, run);
	if (!c)
		return YC_ENOMEM;
	c->n = n;
	return http_call_send(r, c, replayable);
}

/*
 * A POST with an Idempotency-Key: a key seen before with the same request
 * answers with the stored answer (and no second effect); with another
 * request it is refused. Returns 1 when it has answered, 0 to go on, or a
 * negative code.
 */
int http_idempotency_check(yc_req *r, const char *body, size_t len)
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
	int rc = idem_find(r->db, r->idem_scope, r->idem_key, stored_hash, &status, &stored,
			   &r->err);
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
