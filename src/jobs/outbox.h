/*
 * jobs/outbox.h — the outbox dispatcher: one thread per node that follows
 * the outbox table and hands new events to a delivery callback (the SSE hub,
 * later the SMS and e-mail gateways). It wakes on the database's
 * notification (PostgreSQL NOTIFY from any node), on a local kick after this
 * node's commits, or every poll interval (a write by another process, such
 * as the CLI, on SQLite). The table is the truth; the wake-ups are hints.
 */
#ifndef YC_JOBS_OUTBOX_H
#define YC_JOBS_OUTBOX_H

#include "core/common/outbox.h"

struct outbox_dispatcher;
/* d: the dispatcher's own handle, for a callback that must read (e.g. reload the calendar). */
typedef void (*outbox_deliver_fn)(void *arg, db *d, const struct outbox_event *events);

/* Starts following uri from its newest event on. kick_fd: readable end of the local kick pipe. */
int outbox_dispatcher_start(const char *uri, int kick_fd, outbox_deliver_fn deliver, void *arg,
			    struct outbox_dispatcher **out, yc_err *err);
void outbox_dispatcher_stop(struct outbox_dispatcher *d);

#endif
