/*
 * notify.h — notifications owed to people (SMS, e-mail), queued in the same
 * transaction as the change that owes them and sent later by a gateway
 * (jobs/notify.c), at least once, on one node of a cluster at a time.
 * Recipients are named, not addressed ("user:<username>", "case:<no>" for
 * the applicant of a case, "process:<no>" for that of a process run): the
 * phone number is looked up only when sending,
 * so the queue holds no personal data.
 */
#ifndef YC_NOTIFY_H
#define YC_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

/* Queues a message (call inside the change's transaction). */
int notify_queue(db *d, const char *channel, const char *recipient, const char *text, yc_err *err);

struct notification {
	int64_t id;
	char channel[8];
	char recipient[64];
	char phone[24]; /* resolved; "" when the recipient has none */
	char *text;
};
/* Up to max pending notifications, oldest first, phones resolved; *n how many. */
int notify_pending(db *d, struct notification *out, int max, int *n, yc_err *err);
void notify_release(struct notification *list, int n);
enum notify_outcome {
	NOTIFY_SENT,	      /* the gateway took it */
	NOTIFY_RETRY,	      /* try again next time (failed after 5 attempts) */
	NOTIFY_UNDELIVERABLE, /* never will be (no phone on record): failed at once */
};
int notify_mark(db *d, int64_t id, enum notify_outcome outcome, yc_err *err);
/*
 * Counts the pending messages queued before before_ms as sent when queued:
 * for a history written after the fact (demo/history.c), whose messages
 * belong to the past and must not reach a gateway now.
 */
int notify_settle(db *d, int64_t before_ms, yc_err *err);

#endif
