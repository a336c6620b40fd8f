/*
 * audit.h — the hash-chained event log.
 *
 * Every state change of every module appends one event in the same
 * transaction as the change (so an event exists exactly when its change
 * does). Event n stores the hash of event n-1 and its own hash over its
 * fields; ids run 1, 2, 3… without gaps; audit_head holds the newest id and
 * hash. Altering, inserting or removing any row (the newest included) breaks
 * one of these links, and audit_verify names the first event where it does.
 */
#ifndef YC_AUDIT_H
#define YC_AUDIT_H

#include <stdint.h>

#include "core/common/flush.h"
#include "db/db.h"

/* Who acts: borrowed strings. */
typedef struct yc_actor {
	const char *username;
	const char *role;
} yc_actor;

extern const yc_actor audit_system_actor;

/*
 * Appends one event; before/after are JSON texts or NULL. Call inside a
 * transaction: the event is written when the transaction commits (db_defer),
 * with every other event of the transaction in one exchange, or dropped with
 * the savepoint it was appended under.
 */
enum { AUDIT_FLUSH_ORDER = FLUSH_AUDIT }; /* core/common/flush.h */
int audit_append(db *d, const yc_actor *actor, const char *action, const char *object,
		 const char *reason, const char *before, const char *after, yc_err *err);

struct audit_report {
	int64_t count;	/* events checked */
	int64_t bad_id; /* first event where the chain breaks; 0 when intact */
	char problem[160];
};

/* 0 when the chain is intact; YC_ECONFLICT with rep filled when it is not. */
int audit_verify(db *d, struct audit_report *rep, yc_err *err);

#endif
