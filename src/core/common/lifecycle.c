/* lifecycle.c — finding a lifecycle's rows and naming its states (see lifecycle.h). */
#include "core/common/lifecycle.h"

#include <stdio.h>
#include <string.h>

#include "lib/banned.h"

const struct lc_row *lc_find(const struct lc_table *t, int from, int action)
{
	for (int i = 0; i < t->nrows; i++)
		if (t->rows[i].from == from && t->rows[i].action == action)
			return &t->rows[i];
	return NULL;
}

static int index_of(const char *const *names, int n, const char *name)
{
	for (int i = 0; name && i < n; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

int lc_state(const struct lc_table *t, const char *name)
{
	return index_of(t->states, t->nstates, name);
}

int lc_action(const struct lc_table *t, const char *name)
{
	return index_of(t->actions, t->nactions, name);
}

const char *lc_state_name(const struct lc_table *t, int state)
{
	return state >= 0 && state < t->nstates ? t->states[state] : "?";
}

const char *lc_action_name(const struct lc_table *t, int action)
{
	return action >= 0 && action < t->nactions ? t->actions[action] : "?";
}

int lc_refuse(const struct lc_table *t, int from, int action, yc_err *err)
{
	int rc = yc_err_conflict(err, "state", lc_state_name(t, from), "a %s %s cannot %s",
				 lc_state_name(t, from), t->name, lc_action_name(t, action));
	return rc;
}
