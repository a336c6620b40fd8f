/* freeze.h — a plan's frozen lists, as docs/draw.md §1 writes them (plan.c's). */
#ifndef YC_INSPECTION_FREEZE_H
#define YC_INSPECTION_FREEZE_H

#include "core/inspection/draw.h"
#include "db/db.h"
#include "lib/buf.h"

struct frozen {
	yc_buf entities, inspectors; /* the lines joined by "\n" */
	char entities_hash[65], inspectors_hash[65];
	size_t nentities, ninspectors;
	size_t by_class[DRAW_CLASSES];
	size_t per_field[DRAW_FIELDS_MAX]; /* inspectors of each of the plan's fields */
};

/*
 * The active entities in scope (industries: code prefixes; regions; JSON
 * arrays, [] all) with their drawing class (a flagged entity is D) and
 * exclusions (declared conflicts, the last team), and the active inspectors
 * of the plan's departments who hold one of its fields (fields: ";" between,
 * byte order). Sorted in byte order in C, whatever the store's collation.
 */
int insp_freeze(db *d, const char *departments, const char *fields, const char *industries,
		const char *regions, struct frozen *out, yc_err *err);
void insp_frozen_free(struct frozen *f);

#endif
