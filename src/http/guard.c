/* guard.c — each connection's bytes before libevent's parser (see guard.h). */
#include "guard.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/timeutil.h"
#include "lib/banned.h"

enum { GUARD_SLOTS = 4096, DEL = 0x7F };

enum guard_state { G_HEAD, G_BODY, G_PASS };

struct guard {
	uint64_t gen; /* the connection's number: a slot reused by a newer one starts afresh */
	enum guard_state state;
	int64_t deadline_us; /* the head's: its first byte's time + the header timeout */
	bool line_start;     /* the next byte begins a line */
	bool request_line;   /* still in the request line (or the empty lines before it) */
	bool seen_text;	     /* the request line has begun */
	char line[20];	     /* the start of the current header line */
	size_t line_len;
	bool have_length, in_length, chunked;
	uint64_t length, left;
};

struct guard_table {
	struct guard slot[GUARD_SLOTS];
	uint64_t next_gen;
	int64_t timeout_us;
};

static __thread struct guard_table *mine;

struct guard_table *guard_table_new(int64_t header_timeout_s)
{
	struct guard_table *t = calloc(1, sizeof(*t));
	if (t)
		t->timeout_us = header_timeout_s * 1000000;
	return t;
}

void guard_table_free(struct guard_table *t)
{
	free(t);
}

void guard_thread_use(struct guard_table *t)
{
	mine = t;
}

static void head_reset(struct guard *g)
{
	g->state = G_HEAD;
	g->deadline_us = 0;
	g->line_start = g->request_line = true;
	g->seen_text = false;
	g->line_len = 0;
	g->have_length = g->in_length = g->chunked = false;
	g->length = g->left = 0;
}

/* A header line has ended: the two headers that say where the body ends. */
static void header_line(struct guard *g)
{
	size_t n = g->line_len < sizeof(g->line) ? g->line_len : sizeof(g->line);
	if (n >= 18 && !strncasecmp(g->line, "transfer-encoding:", 18))
		g->chunked = true;
	g->line_len = 0;
	g->in_length = false;
}

/* Looks at (and marks) head bytes p[0..n); returns how many belong to the head. */
static size_t head(struct guard *g, unsigned char *p, size_t n, bool *done)
{
	size_t i = 0;
	*done = false;
	for (; i < n && !*done; i++) {
		if (p[i] == '\0')
			p[i] = DEL;
		if (g->line_start && !g->request_line && (p[i] == ' ' || p[i] == '\t'))
			p[i] = DEL; /* obs-fold */
		unsigned char c = p[i];
		if (c == '\n') {
			bool blank = g->line_len == 0 || (g->line_len == 1 && g->line[0] == '\r');
			if (g->request_line) {
				if (g->seen_text)
					g->request_line = false;
				g->line_len = 0;
			} else if (blank) {
				*done = true;
			} else {
				header_line(g);
			}
			g->line_start = true;
			continue;
		}
		if (c != '\r')
			g->seen_text = true;
		g->line_start = false;
		/* the first Content-Length's digits, as they go by */
		if (!g->request_line && g->line_len == 15 && !g->have_length &&
		    !strncasecmp(g->line, "content-length:", 15))
			g->have_length = g->in_length = true;
		if (g->in_length && c >= '0' && c <= '9' && g->length < UINT64_MAX / 10 - 10)
			g->length = g->length * 10 + (uint64_t)(c - '0');
		if (g->line_len < sizeof(g->line))
			g->line[g->line_len] = (char)c;
		g->line_len++;
	}
	return i;
}

/* Bytes p[0..n) just arrived on connection g. */
static void arrived(struct guard *g, int64_t timeout_us, unsigned char *p, size_t n)
{
	while (n) {
		if (g->state == G_PASS)
			return;
		if (g->state == G_BODY) {
			size_t take = g->left < n ? (size_t)g->left : n;
			p += take, n -= take;
			if (!(g->left -= take))
				head_reset(g);
			continue;
		}
		int64_t now = yc_mono_us();
		if (!g->deadline_us) {
			g->deadline_us = now + timeout_us;
		} else if (now > g->deadline_us) {
			/* too slow: end the head with a line no parser takes */
			memset(p, DEL, n);
			p[n - 1] = '\n';
			g->state = G_PASS;
			return;
		}
		bool done;
		size_t k = head(g, p, n, &done);
		p += k, n -= k;
		if (!done)
			continue;
		if (g->chunked) {
			g->state = G_PASS;
		} else if (g->length) {
			g->state = G_BODY;
			g->left = g->length;
		} else {
			head_reset(g);
		}
	}
}

static void on_input(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct guard_table *t = mine;
	if (!info->n_added || !t)
		return;
	uint64_t gen = (uint64_t)(uintptr_t)arg;
	struct guard *g = &t->slot[gen % GUARD_SLOTS];
	if (g->gen != gen) {
		memset(g, 0, sizeof(*g));
		g->gen = gen;
		head_reset(g);
	}
	/* what was added is at the end (reads append; the parser drains the front) */
	size_t len = evbuffer_get_length(buf);
	if (info->n_added > len)
		return;
	struct evbuffer_ptr pos;
	if (evbuffer_ptr_set(buf, &pos, len - info->n_added, EVBUFFER_PTR_SET))
		return;
	struct evbuffer_iovec v[16];
	int k = evbuffer_peek(buf, (ev_ssize_t)info->n_added, &pos, v, 16);
	size_t left = info->n_added;
	for (int i = 0; i < k && i < 16 && left; i++) {
		size_t n = v[i].iov_len < left ? v[i].iov_len : left;
		arrived(g, t->timeout_us, v[i].iov_base, n);
		left -= n;
	}
}

struct bufferevent *guard_bufferevent(struct event_base *base, struct guard_table *t)
{
	struct bufferevent *bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev && t) {
		uint64_t gen = ++t->next_gen;
		evbuffer_add_cb(bufferevent_get_input(bev), on_input, (void *)(uintptr_t)gen);
	}
	return bev;
}
