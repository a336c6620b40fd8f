/*
 * outbox.h — events that someone must be told about.
 *
 * A module that changes something others watch (a screen, another node, a
 * notification gateway) appends an outbox row in the same transaction as the
 * change, after its audit event. Screens and notifications are driven from
 * this table, never from memory alone, so every node sees the same events.
 * Invariant: ids grow in commit order. An outbox row always follows an audit
 * event in the same transaction (every change writes one), and appending
 * that event takes the audit chain's row lock until commit; so on PostgreSQL
 * no transaction can commit a lower id after a reader has seen a higher one.
 * SQLite has one writer anyway. Call outbox_append only after audit_append.
 */
#ifndef YC_OUTBOX_H
#define YC_OUTBOX_H

#include <stdint.h>

#include "core/common/flush.h"
#include "db/db.h"
#include "lib/buf.h"

/* The NOTIFY channel that wakes other nodes' dispatchers. */
#define OUTBOX_CHANNEL "yc_outbox"

/* payload: a JSON object text (may be NULL: "{}"). Written at commit, after the audit events. */
enum { OUTBOX_FLUSH_ORDER = FLUSH_OUTBOX }; /* core/common/flush.h */
int outbox_append(db *d, const char *topic, const char *action, const char *object,
		  const char *payload, yc_err *err);

struct outbox_event {
	int64_t id;
	int64_t at_ms;
	char topic[32];
	char object[64];
	char *data; /* the SSE data line: {"id","topic","action","object","at","payload"} */
	struct outbox_event *next;
};

/*
 * Reads up to max events with id > after, in order, as a list the caller
 * frees with outbox_free. *last is set to the highest id read (or after).
 */
int outbox_read(db *d, int64_t after, int max, struct outbox_event **out, int64_t *last,
		yc_err *err);
void outbox_free(struct outbox_event *e);
/* The highest id (0 when empty). */
int64_t outbox_last_id(db *d);

#endif
