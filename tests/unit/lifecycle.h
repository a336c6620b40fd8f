/*
 * lifecycle.h — one walk for every lifecycle table (core/common/lifecycle.h):
 * for each state and each action the lifecycle's entry point takes, a fresh
 * object is put in that state and the action taken. A pair with a row must
 * move the object to the row's state (or its other outcome); every other
 * pair must be refused with YC_ECONFLICT and leave the state as it was.
 */
#ifndef YC_TEST_LIFECYCLE_H
#define YC_TEST_LIFECYCLE_H

#include <criterion/criterion.h>
#include <stdbool.h>

#include "core/common/lifecycle.h"

struct lc_walk {
	const struct lc_table *table;
	bool (*takes)(int action); /* whether the entry point takes it */
	void (*set_up)(int from, int action,
		       void *ctx); /* a fresh object in state from, for action */
	int (*act)(int action, const struct lc_row *row, void *ctx); /* 0 or a YC_E code */
	int (*state)(void *ctx);				     /* the object's state now */
	void *ctx;
};

static inline void lc_walk(const struct lc_walk *w)
{
	const struct lc_table *t = w->table;
	int rows = 0, refused = 0;
	for (int s = 0; s < t->nstates; s++)
		for (int a = 0; a < t->nactions; a++) {
			if (!w->takes(a))
				continue;
			const struct lc_row *row = lc_find(t, s, a);
			w->set_up(s, a, w->ctx);
			int rc = w->act(a, row, w->ctx);
			int now = w->state(w->ctx);
			if (row) {
				cr_assert_eq(rc, 0, "%s: a %s one must %s (rc %d)", t->name,
					     lc_state_name(t, s), lc_action_name(t, a), rc);
				cr_assert(now == row->to || now == row->alt,
					  "%s: %s by %s ended %s", t->name, lc_state_name(t, s),
					  lc_action_name(t, a), lc_state_name(t, now));
				rows++;
			} else {
				cr_assert_eq(rc, YC_ECONFLICT,
					     "%s: a %s one must refuse %s (rc %d)", t->name,
					     lc_state_name(t, s), lc_action_name(t, a), rc);
				cr_assert_eq(now, s, "%s: a refused %s moved it", t->name,
					     lc_action_name(t, a));
				refused++;
			}
		}
	cr_assert(rows > 0 && refused > 0, "%s: %d rows walked, %d pairs refused", t->name, rows,
		  refused);
}

#endif
