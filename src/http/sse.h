/*
 * sse.h — Server-Sent Events fan-out.
 *
 * Each listener thread has an sse_thread holding the streams connected to
 * it. The outbox dispatcher (any thread) broadcasts new events to every
 * sse_thread; each one writes them, on its own loop, to the streams whose
 * topics match, whose scope lets them see it, and that have not seen them yet
 * (by event id). Streams get a keep-alive comment every 15 s.
 */
#ifndef YC_SSE_H
#define YC_SSE_H

#include <event2/event.h>
#include <event2/http.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/common/account.h"
#include "core/common/outbox.h"

struct sse_thread;

/* The topic's bit, or 0 for an unknown topic. */
unsigned sse_topic_bit(const char *topic);
#define SSE_ALL_TOPICS (~0u)

/* An event's object ("case/…", "hall/1/A/…") and a stream's prefix of it, with their NUL. */
enum { SSE_PREFIX_MAX = 64 };

/*
 * Who may see case events on a stream (issue 18, finding 4): staff in scope
 * only. all: supervisors and admins; office: a clerk's accepting office;
 * department and username: an approver's department, or cases assigned to
 * them. A stream with no scope (all false, the rest empty) sees no case event.
 * A process run's events (topic "process") reach supervisors and the run's
 * own stream (GET /process-runs/{no}/events, opened by one who may view it).
 */
struct sse_scope {
	bool all;
	char office[YC_OFFICE_MAX];
	char department[YC_DEPARTMENT_MAX];
	char username[YC_USERNAME_MAX];
};

struct sse_thread *sse_thread_new(struct event_base *base);
/* Ends every stream of the thread (on its own thread, at shutdown) and frees it. */
void sse_thread_free(struct sse_thread *t);
/* Queues events for every thread (called from the dispatcher thread; copies what it needs). */
void sse_broadcast(struct sse_thread **threads, int n, const struct outbox_event *events);
/*
 * Starts a stream on ev (on t's thread): sends the reply head and the replayed
 * events, then keeps it for broadcasts of events with id > last_id. prefix
 * (NULL = all) keeps only events whose object starts with it ("hall/2/").
 */
int sse_stream_start(struct sse_thread *t, struct evhttp_request *ev, unsigned topics,
		     const char *prefix, const struct sse_scope *scope, const char *peer,
		     int64_t last_id, const struct outbox_event *replay);
/*
 * Admits one more stream from addr: 0, or -1 when the address holds
 * per_address already, -2 when the node holds max. An admitted stream passes
 * addr to sse_stream_start, which releases it when the stream ends (or call
 * sse_release when the stream does not start).
 */
int sse_admit(const char *addr, int per_address, int max);
void sse_release(const char *addr);
int sse_stream_count(struct sse_thread *t);

#endif
