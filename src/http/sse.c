/* sse.c — Server-Sent Events fan-out (see sse.h). */
#include "sse.h"

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "http/conn.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/banned.h"

static const char *const topics[] = {"item",    "calendar", "case", "hall",
				     "process", "review",   "watch", NULL};

unsigned sse_topic_bit(const char *topic)
{
	for (int i = 0; topics[i]; i++)
		if (!strcmp(topics[i], topic))
			return 1u << i;
	return 0;
}

struct sse_stream {
	struct evhttp_request *ev;
	struct sse_thread *owner;
	unsigned topics;
	char prefix[SSE_PREFIX_MAX]; /* only events whose object starts so ("" = all) */
	struct sse_scope scope;
	char peer[YC_ADDR_MAX]; /* admitted (sse_admit) under this address; released when it ends */
	int64_t last_id;
	struct sse_stream *next;
};

/* Where a case event belongs, from its payload: who may see it. */
struct event_place {
	char office[YC_OFFICE_MAX];
	char department[YC_DEPARTMENT_MAX];
	char assignee[YC_USERNAME_MAX];
};

static void event_place(const struct outbox_event *e, struct event_place *p)
{
	memset(p, 0, sizeof(*p));
	if (strcmp(e->topic, "case"))
		return;
	cJSON *all = cJSON_Parse(e->data);
	const cJSON *payload = cJSON_GetObjectItemCaseSensitive(all, "payload");
	const char *v;
	if ((v = yc_json_str(payload, "office")))
		snprintf(p->office, sizeof(p->office), "%s", v);
	if ((v = yc_json_str(payload, "department")))
		snprintf(p->department, sizeof(p->department), "%s", v);
	if ((v = yc_json_str(payload, "assignee")))
		snprintf(p->assignee, sizeof(p->assignee), "%s", v);
	cJSON_Delete(all);
}

static bool in_scope(const struct sse_scope *s, const struct event_place *p)
{
	return s->all || (s->office[0] && !strcmp(s->office, p->office)) ||
	       (s->department[0] && !strcmp(s->department, p->department)) ||
	       (s->username[0] && !strcmp(s->username, p->assignee));
}

static bool wanted(const struct sse_stream *s, unsigned topic, const char *object,
		   const struct event_place *place)
{
	if (!(topic & s->topics) || (s->prefix[0] && strncmp(object, s->prefix, strlen(s->prefix))))
		return false;
	/* a process run's events: its own stream (its viewer checked when it opened), or supervisors */
	if (topic == sse_topic_bit("process"))
		return s->scope.all || s->prefix[0];
	/* the watch's alerts: supervisors and the admin */
	if (topic == sse_topic_bit("watch"))
		return s->scope.all;
	/* cases and reviews: their office's or department's staff, or supervisors */
	if (topic == sse_topic_bit("case") || topic == sse_topic_bit("review"))
		return in_scope(&s->scope, place);
	return true;
}

struct sse_batch {
	struct sse_batch *next;
	int n;
	struct {
		int64_t id;
		unsigned topic;
		char object[SSE_PREFIX_MAX];
		struct event_place place;
		char *text; /* "id: …\nevent: …\ndata: …\n\n" */
	} ev[];
};

struct sse_thread {
	struct event_base *base;
	struct event *wake, *tick;
	pthread_mutex_t lock;
	struct sse_batch *queue, *queue_tail;
	struct sse_stream *streams;
	int nstreams;
};

/*
 * Live streams per address, across the node's threads (issue 18, finding 18):
 * a stream is idle by nature and lives as long as its client, so their number
 * is capped per address and in all. Addresses are hashed with a random key;
 * a count at zero frees its slot.
 */
enum { PEER_SLOTS = 4096, PEER_PROBE = 32, PEER_KEY_BYTES = 16 };
static struct {
	char addr[YC_ADDR_MAX];
	int n;
} peers[PEER_SLOTS];
static int streams_all;
static unsigned char peer_key[PEER_KEY_BYTES];
static bool peer_keyed;
static pthread_mutex_t peers_lock = PTHREAD_MUTEX_INITIALIZER;

/* The slot of addr: its own, else (add) a free one; -1 when none. Caller holds the lock. */
static int peer_slot(const char *addr, bool add)
{
	if (!peer_keyed) {
		yc_random_bytes(peer_key, sizeof(peer_key));
		peer_keyed = true;
	}
	uint64_t h = yc_siphash(peer_key, addr, strlen(addr));
	int room = -1;
	for (unsigned i = 0; i < PEER_PROBE; i++) {
		int k = (int)((h + i) % PEER_SLOTS);
		if (peers[k].n && !strcmp(peers[k].addr, addr))
			return k;
		if (room < 0 && !peers[k].n)
			room = k;
	}
	if (add && room >= 0)
		snprintf(peers[room].addr, sizeof(peers[room].addr), "%s", addr);
	return add ? room : -1;
}

int sse_admit(const char *addr, int per_address, int max)
{
	pthread_mutex_lock(&peers_lock);
	int k = peer_slot(addr, true);
	int rc = 0;
	if (streams_all >= max)
		rc = -2;
	else if (k < 0 || peers[k].n >= per_address)
		rc = -1;
	else
		peers[k].n++, streams_all++;
	pthread_mutex_unlock(&peers_lock);
	return rc;
}

void sse_release(const char *addr)
{
	pthread_mutex_lock(&peers_lock);
	int k = peer_slot(addr, false);
	if (k >= 0 && peers[k].n > 0)
		peers[k].n--;
	if (streams_all > 0)
		streams_all--;
	pthread_mutex_unlock(&peers_lock);
}

static void stream_remove(struct sse_thread *t, struct sse_stream *s)
{
	if (s->peer[0])
		sse_release(s->peer);
	for (struct sse_stream **p = &t->streams; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			t->nstreams--;
			break;
		}
	free(s);
}

static void stream_closed(struct evhttp_connection *conn, void *arg)
{
	(void)conn;
	struct sse_stream *s = arg;
	/*
	 * A client that goes away during a chunked reply leaves its request
	 * detached from the connection (libevent waits for the reply's end);
	 * a detached request is ours to free. An attached one goes with the
	 * connection.
	 */
	if (!evhttp_request_get_connection(s->ev))
		evhttp_request_free(s->ev);
	stream_remove(s->owner, s);
}

static void stream_send(struct sse_stream *s, const char *text, size_t len)
{
	struct evbuffer *b = evbuffer_new();
	if (!b)
		return;
	evbuffer_add(b, text, len);
	evhttp_send_reply_chunk(s->ev, b);
	evbuffer_free(b);
}

static void deliver(struct sse_thread *t, struct sse_batch *batch)
{
	for (struct sse_stream *s = t->streams; s; s = s->next) {
		for (int i = 0; i < batch->n; i++) {
			if (batch->ev[i].id <= s->last_id ||
			    !wanted(s, batch->ev[i].topic, batch->ev[i].object, &batch->ev[i].place))
				continue;
			stream_send(s, batch->ev[i].text, strlen(batch->ev[i].text));
			s->last_id = batch->ev[i].id;
		}
	}
}

static void batch_free(struct sse_batch *b)
{
	for (int i = 0; i < b->n; i++)
		free(b->ev[i].text);
	free(b);
}

static void wake_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	struct sse_thread *t = arg;
	pthread_mutex_lock(&t->lock);
	struct sse_batch *b = t->queue;
	t->queue = t->queue_tail = NULL;
	pthread_mutex_unlock(&t->lock);
	while (b) {
		struct sse_batch *next = b->next;
		deliver(t, b);
		batch_free(b);
		b = next;
	}
}

static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	struct sse_thread *t = arg;
	for (struct sse_stream *s = t->streams; s; s = s->next)
		stream_send(s, ": keep-alive\n\n", 14);
}

struct sse_thread *sse_thread_new(struct event_base *base)
{
	struct sse_thread *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->base = base;
	pthread_mutex_init(&t->lock, NULL);
	t->wake = event_new(base, -1, EV_PERSIST, wake_cb, t);
	t->tick = event_new(base, -1, EV_PERSIST, tick_cb, t);
	struct timeval every = {15, 0};
	if (!t->wake || !t->tick || event_add(t->wake, NULL) || event_add(t->tick, &every)) {
		sse_thread_free(t);
		return NULL;
	}
	return t;
}

void sse_thread_free(struct sse_thread *t)
{
	if (!t)
		return;
	while (t->streams) {
		struct sse_stream *s = t->streams;
		struct evhttp_connection *conn = evhttp_request_get_connection(s->ev);
		stream_remove(t, s);
		/* the loop has stopped: end the stream by closing its connection (frees the request) */
		if (conn) {
			conn_on_close(conn, NULL, NULL);
			evhttp_connection_free(conn);
		}
	}
	if (t->wake)
		event_free(t->wake);
	if (t->tick)
		event_free(t->tick);
	struct sse_batch *b = t->queue;
	while (b) {
		struct sse_batch *next = b->next;
		batch_free(b);
		b = next;
	}
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static char *event_text(const struct outbox_event *e)
{
	size_t len = strlen(e->data) + strlen(e->topic) + 64;
	char *text = malloc(len);
	if (text)
		snprintf(text, len, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)e->id, e->topic,
			 e->data);
	return text;
}

void sse_broadcast(struct sse_thread **threads, int n, const struct outbox_event *events)
{
	int count = 0;
	for (const struct outbox_event *e = events; e; e = e->next)
		count++;
	if (!count)
		return;
	for (int k = 0; k < n; k++) {
		struct sse_thread *t = threads[k];
		if (!t)
			continue;
		struct sse_batch *b = calloc(1, sizeof(*b) + sizeof(b->ev[0]) * (size_t)count);
		if (!b)
			continue;
		for (const struct outbox_event *e = events; e; e = e->next) {
			b->ev[b->n].id = e->id;
			b->ev[b->n].topic = sse_topic_bit(e->topic);
			snprintf(b->ev[b->n].object, sizeof(b->ev[b->n].object), "%s", e->object);
			event_place(e, &b->ev[b->n].place);
			b->ev[b->n].text = event_text(e);
			if (b->ev[b->n].text)
				b->n++;
		}
		pthread_mutex_lock(&t->lock);
		if (t->queue_tail)
			t->queue_tail->next = b;
		else
			t->queue = b;
		t->queue_tail = b;
		pthread_mutex_unlock(&t->lock);
		event_active(t->wake, EV_READ, 0);
	}
}

int sse_stream_start(struct sse_thread *t, struct evhttp_request *ev, unsigned want,
		     const char *prefix, const struct sse_scope *scope, const char *peer,
		     int64_t last_id, const struct outbox_event *replay)
{
	struct sse_stream *s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	s->ev = ev;
	s->owner = t;
	s->topics = want;
	snprintf(s->prefix, sizeof(s->prefix), "%s", prefix ? prefix : "");
	if (scope)
		s->scope = *scope;
	snprintf(s->peer, sizeof(s->peer), "%s", peer ? peer : "");
	s->last_id = last_id;
	struct evkeyvalq *h = evhttp_request_get_output_headers(ev);
	evhttp_add_header(h, "Content-Type", "text/event-stream; charset=utf-8");
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Accel-Buffering", "no");
	evhttp_send_reply_start(ev, 200, "OK");
	struct evhttp_connection *conn = evhttp_request_get_connection(ev);
	if (conn) {
		/* A stream is idle by nature: keep-alives, not the read timeout, watch it. */
		evhttp_connection_set_timeout(conn, 24 * 3600);
		conn_stream(conn);
		conn_on_close(conn, stream_closed, s);
	}
	stream_send(s, "retry: 2000\n\n", 13);
	for (const struct outbox_event *e = replay; e; e = e->next) {
		struct event_place place;
		event_place(e, &place);
		if (!wanted(s, sse_topic_bit(e->topic), e->object, &place)) {
			s->last_id = e->id;
			continue;
		}
		char *text = event_text(e);
		if (text)
			stream_send(s, text, strlen(text));
		free(text);
		s->last_id = e->id;
	}
	s->next = t->streams;
	t->streams = s;
	t->nstreams++;
	return 0;
}

int sse_stream_count(struct sse_thread *t)
{
	return t->nstreams;
}
