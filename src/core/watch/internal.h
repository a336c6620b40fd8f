/* internal.h — what the watch's files share: a finding and the rules' entry. */
#ifndef YC_WATCH_INTERNAL_H
#define YC_WATCH_INTERNAL_H

#include "core/watch/watch.h"

/* What a rule found: the rule, what it is about, a sentence, and the figures behind it. */
struct watch_finding {
	const char *rule;
	char subject[80];
	char title[400];
	yc_buf evidence; /* a JSON object */
};

typedef int (*watch_found_fn)(db *d, void *arg, const struct watch_finding *f, yc_err *err);

/* Every rule over the live data at now; each finding handed to fn. */
int watch_rules(db *d, const struct watch_ctx *c, int64_t now, watch_found_fn fn, void *arg,
		yc_err *err);

#endif
