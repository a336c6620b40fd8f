/*
 * guard.h — each connection's bytes as they arrive, before libevent's parser
 * reads them (issue 18, findings 17 and 18). A callback on the connection's
 * input buffer follows its requests by their heads and Content-Length and
 * marks in place what must be refused, so that libevent or the server's head
 * check answers it with 400 in JSON and closes the connection:
 *
 * - a NUL byte in a head (which would cut a field where libevent reads it)
 *   and obs-fold (a header line begun with a space or tab, which libevent
 *   would join to the line before) become DEL (0x7F);
 * - a head still arriving header-timeout seconds after its first byte (a
 *   head dripped a byte at a time used to hold its connection past the read
 *   timeout) is ended with a line of DEL that no parser takes.
 *
 * A body passes untouched. After a head with Transfer-Encoding (refused by
 * the head check, which closes the connection) nothing more is looked at.
 * Each listener thread keeps its own table of connection states (4096; a
 * thread with more open connections guards the newer ones).
 */
#ifndef YC_GUARD_H
#define YC_GUARD_H

#include <event2/event.h>
#include <stdint.h>

struct guard_table;

struct guard_table *guard_table_new(int64_t header_timeout_s);
void guard_table_free(struct guard_table *t);
/* The table of the calling (listener) thread: call once, on the thread, before serving. */
void guard_thread_use(struct guard_table *t);
/* A socket bufferevent (evhttp sets its socket) with the guard on its input: for evhttp_set_bevcb.
 */
struct bufferevent *guard_bufferevent(struct event_base *base, struct guard_table *t);

#endif
