/*
 * lifecycle.h — the one shape of every state machine in core/: a table of
 * transitions, each row {from, action, roles, to, alt, effect, alt_effect}, kept with its
 * diagram in the file that owns the lifecycle (core/case/lifecycle.c,
 * core/hall/ticket.c). A change finds the row for (state, action), checks the
 * caller's role against it, does the action's own work, moves to the row's
 * state and stores and records the change. A pair with no row is refused
 * (409 naming the state), a role the row does not name too (403); a shared
 * unit test (tests/unit/lifecycle.h) walks every table both ways.
 */
#ifndef YC_LIFECYCLE_H
#define YC_LIFECYCLE_H

#include <stddef.h>

#include "lib/errors.h"

struct lc_row {
	int from, action;
	unsigned roles; /* the roles that may take it; 0: the system's own (a job) */
	int to;		/* the next state */
	int alt;	/* the other outcome where the action branches; else to */
	int effect;	/* what else moving to `to` does, the lifecycle's own (the case clock); 0: none */
	int alt_effect; /* the same for moving to `alt` */
};

struct lc_table {
	const char *name; /* "ticket", as messages say it */
	const struct lc_row *rows;
	int nrows;
	const char *const *states; /* names, by state */
	int nstates;
	const char *const *actions; /* names, by action */
	int nactions;
};

/* The row for (from, action), or NULL. */
const struct lc_row *lc_find(const struct lc_table *t, int from, int action);
/* A state or action by name; -1 when there is none. */
int lc_state(const struct lc_table *t, const char *name);
int lc_action(const struct lc_table *t, const char *name);
/* A state's or action's name; "?" out of range. */
const char *lc_state_name(const struct lc_table *t, int state);
const char *lc_action_name(const struct lc_table *t, int action);
/*
 * The refusal of a pair with no row: YC_ECONFLICT "a waiting ticket cannot
 * start", with err->state set to the state's name.
 */
int lc_refuse(const struct lc_table *t, int from, int action, yc_err *err);

#endif
