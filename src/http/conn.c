/* conn.c — each client connection's own state: the head watch and the close hook (see conn.h). */
#include "conn.h"

#include <event2/buffer.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

enum conn_mode { C_HEAD, C_WAIT, C_PASS, C_DEAD };

struct conn {
	struct bufferevent *bev;
	struct evhttp_connection *evcon;
	int fd;
	enum conn_mode mode;
	bool bad;	     /* this head held a NUL, an obs-fold or a bare CR */
	bool started;	     /* this head's first byte has come */
	bool held;	     /* the previous request is being answered: the head's clock waits */
	bool connect;	     /* the request line is a CONNECT */
	bool tightened;	     /* the read timeout is the head's deadline, not the usual one */
	bool first_line;     /* still in the request line */
	bool cr;	     /* the line's last byte was a CR */
	unsigned line_len;   /* bytes in the line so far, saturating at 8 */
	char method[8];	     /* the request line's first 8 bytes */
	int64_t deadline_us; /* the head's first byte's time + header-timeout */
	void (*on_close)(struct evhttp_connection *, void *);
	void *on_close_arg;
};

/* One slot per descriptor: a descriptor belongs to one live connection at a time. */
static struct conn **table;
static size_t table_len;
static int64_t header_timeout_us, timeout_us;
static int refused_once; /* a descriptor past the table is logged once */

int conn_init(int64_t header_timeout_s, int64_t timeout_s)
{
	/* a slot for every descriptor the process may open (up to 4 Mi; pages touched as used) */
	struct rlimit rl;
	size_t n = 1u << 22;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < n)
		n = rl.rlim_cur > 1024 ? (size_t)rl.rlim_cur : 1024;
	table = calloc(n, sizeof(*table));
	if (!table)
		return -1;
	table_len = n;
	header_timeout_us = header_timeout_s * 1000000;
	timeout_us = timeout_s * 1000000;
	return 0;
}

void conn_release(void)
{
	/* the listener threads have freed their connections, and with them every state */
	free(table);
	table = NULL;
	table_len = 0;
}

static struct conn *slot_get(int fd)
{
	if (fd < 0 || (size_t)fd >= table_len)
		return NULL;
	return __atomic_load_n(&table[fd], __ATOMIC_ACQUIRE);
}

static void slot_set(int fd, struct conn *c)
{
	__atomic_store_n(&table[fd], c, __ATOMIC_RELEASE);
}

/* The state of the connection that bev belongs to, or NULL. */
static struct conn *conn_find(struct bufferevent *bev)
{
	struct conn *c = bev ? slot_get(bufferevent_getfd(bev)) : NULL;
	return c && c->bev == bev ? c : NULL;
}

static void closed(struct evhttp_connection *evcon, void *arg)
{
	struct conn *c = arg;
	if (c->on_close)
		c->on_close(evcon, c->on_close_arg);
	if (slot_get(c->fd) == c)
		slot_set(c->fd, NULL);
	free(c);
}

static void head_reset(struct conn *c)
{
	c->mode = C_HEAD;
	c->bad = c->started = c->cr = c->connect = false;
	c->first_line = true;
	c->line_len = 0;
	c->deadline_us = 0;
}

/* A new connection's first bytes: its state, and the close hook that frees it. */
static struct conn *conn_new(struct bufferevent *bev)
{
	int fd = bufferevent_getfd(bev);
	void *arg = NULL;
	bufferevent_getcb(bev, NULL, NULL, NULL, &arg);
	if (fd < 0 || (size_t)fd >= table_len || !arg) {
		if (fd >= 0 && !__atomic_exchange_n(&refused_once, 1, __ATOMIC_RELAXED))
			yc_log(YC_LOG_WARN,
			       "descriptor %d is past the connection table (%zu): refused", fd,
			       table_len);
		return NULL;
	}
	struct conn *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->bev = bev;
	c->evcon = arg; /* evhttp's callbacks on its bufferevent carry the connection */
	c->fd = fd;
	head_reset(c);
	/*
	 * A slot still held would be a connection that closed without libevent's
	 * close callback, which 2.1 always calls: its state is left alone (freeing
	 * it could free it twice) and said.
	 */
	if (slot_get(fd))
		yc_log(YC_LOG_WARN, "descriptor %d: a connection's state outlived it", fd);
	slot_set(fd, c);
	evhttp_connection_set_closecb(c->evcon, closed, c);
	/*
	 * An answer leaves at once: libevent may write a long one in more than one
	 * send, and with Nagle's algorithm its tail would wait for the client's
	 * delayed ACK (up to 40 ms) of the first.
	 */
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return c;
}

static void set_read_timeout(struct conn *c, int64_t read_us)
{
	struct timeval rd = {(time_t)(read_us / 1000000), (suseconds_t)(read_us % 1000000)};
	struct timeval wr = {(time_t)(timeout_us / 1000000), (suseconds_t)(timeout_us % 1000000)};
	bufferevent_set_timeouts(c->bev, &rd, &wr);
}

static void head_ended(struct conn *c)
{
	/* libevent answers a CONNECT itself and keeps reading: no head after it is watched */
	c->mode = c->connect ? C_DEAD : C_WAIT;
	if (c->tightened) {
		set_read_timeout(c, timeout_us);
		c->tightened = false;
	}
}

/* Head bytes p[0..n): returns how many belong to the head (fewer when it ends). */
static size_t scan(struct conn *c, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char b = p[i];
		if (c->cr && b != '\n')
			c->bad = true; /* a CR that ends no line: a line break to some readers */
		if (b == '\n') {
			bool empty = c->line_len == 0 || (c->line_len == 1 && c->cr);
			if (empty && !c->first_line) {
				head_ended(c);
				return i + 1;
			}
			if (c->first_line)
				c->connect = c->line_len >= 8 && !memcmp(c->method, "CONNECT ", 8);
			c->first_line = false;
			c->line_len = 0;
			c->cr = false;
			continue;
		}
		if (c->first_line && c->line_len < 8)
			c->method[c->line_len] = (char)b;
		if (b == '\0' || (c->line_len == 0 && !c->first_line && (b == ' ' || b == '\t')))
			c->bad = true;
		c->cr = b == '\r';
		if (c->line_len < 8)
			c->line_len++;
	}
	return n;
}

/* The rest of the head must come by the deadline, however it trickles. */
static void tighten(struct conn *c)
{
	int64_t left = c->deadline_us - yc_mono_us();
	set_read_timeout(c, left < 1 ? 1 : left < timeout_us ? left : timeout_us);
	c->tightened = true;
}

/* The head's bytes in buf from offset from to the end. */
static void scan_buffer(struct conn *c, struct evbuffer *buf, size_t from)
{
	size_t len = evbuffer_get_length(buf);
	if (from >= len)
		return;
	if (!c->started) {
		c->started = true;
		c->deadline_us = c->held ? 0 : yc_mono_us() + header_timeout_us;
	} else if (!c->held && yc_mono_us() > c->deadline_us) {
		/* a head dripped past its deadline: end the connection, refuse the request */
		c->bad = true;
		c->mode = C_WAIT;
		shutdown(c->fd, SHUT_RDWR);
		return;
	}
	while (from < len && c->mode == C_HEAD) {
		struct evbuffer_ptr pos;
		struct evbuffer_iovec v[8];
		if (evbuffer_ptr_set(buf, &pos, from, EVBUFFER_PTR_SET))
			return;
		int k = evbuffer_peek(buf, (ev_ssize_t)(len - from), &pos, v, 8);
		if (k <= 0)
			return;
		for (int i = 0; i < k && i < 8 && from < len && c->mode == C_HEAD; i++) {
			size_t n = v[i].iov_len < len - from ? v[i].iov_len : len - from;
			from += scan(c, v[i].iov_base, n);
		}
	}
	if (c->mode == C_HEAD && !c->held)
		tighten(c);
}

static void on_input(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	if (!info->n_added)
		return; /* the parser draining what it read */
	struct bufferevent *bev = arg;
	struct conn *c = conn_find(bev);
	if (!c && !(c = conn_new(bev))) {
		/* no state, no watch: this connection is not served */
		shutdown(bufferevent_getfd(bev), SHUT_RDWR);
		return;
	}
	if (c->mode == C_PASS) {
		/* a stream's client has nothing to say: what it sends is not kept */
		evbuffer_drain(buf, evbuffer_get_length(buf));
		return;
	}
	if (c->mode == C_DEAD) {
		shutdown(c->fd, SHUT_RDWR);
		return;
	}
	if (c->mode != C_HEAD)
		return;
	/* what was added is at the end: reads append, the parser drains the front */
	size_t len = evbuffer_get_length(buf);
	scan_buffer(c, buf, info->n_added < len ? len - info->n_added : 0);
}

struct bufferevent *conn_bufferevent(struct event_base *base, void *arg)
{
	(void)arg;
	struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev && !evbuffer_add_cb(bufferevent_get_input(bev), on_input, bev)) {
		bufferevent_free(bev);
		return NULL;
	}
	return bev;
}

static struct conn *conn_of(struct evhttp_connection *evcon)
{
	return evcon ? conn_find(evhttp_connection_get_bufferevent(evcon)) : NULL;
}

/* The answer is sent: libevent reads the next head now, and its clock runs. */
static void answered(struct evhttp_request *ev, void *arg)
{
	(void)arg;
	struct conn *c = conn_of(evhttp_request_get_connection(ev));
	if (!c || !c->held)
		return;
	c->held = false;
	if (c->mode == C_HEAD && c->started) {
		c->deadline_us = yc_mono_us() + header_timeout_us;
		tighten(c);
	}
}

int conn_request_begins(struct evhttp_request *ev)
{
	struct conn *c = conn_of(evhttp_request_get_connection(ev));
	if (!c)
		return -1; /* a request with no watched head (cannot happen): refused */
	if (c->mode == C_PASS)
		return 0;
	bool bad = c->bad || c->mode == C_DEAD;
	if (bad)
		return -1; /* answered 400, and the connection closes: nothing more is read */
	head_reset(c);
	/*
	 * libevent has taken this request's head and body: the rest is the next
	 * head. It is watched from now, but its clock starts when this answer is
	 * sent and libevent reads it (a slow answer is not the client's delay).
	 */
	c->held = true;
	evhttp_request_set_on_complete_cb(ev, answered, NULL);
	scan_buffer(c, bufferevent_get_input(c->bev), 0);
	return 0;
}

void conn_on_close(struct evhttp_connection *conn, void (*fn)(struct evhttp_connection *, void *),
		   void *arg)
{
	struct conn *c = conn_of(conn);
	if (!c) {
		evhttp_connection_set_closecb(conn, fn, arg);
		return;
	}
	c->on_close = fn;
	c->on_close_arg = arg;
}

void conn_stream(struct evhttp_connection *conn)
{
	struct conn *c = conn_of(conn);
	if (!c)
		return;
	c->mode = C_PASS;
	/*
	 * A stream's events are small writes that must leave at once: with Nagle's
	 * algorithm an event written while the stream's first bytes wait for the
	 * client's (delayed, up to 40 ms) ACK would wait with them.
	 */
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}
