/* internal.h — what the files of core/inspection/ share and nobody else sees. */
#ifndef YC_INSPECTION_INTERNAL_H
#define YC_INSPECTION_INTERNAL_H

#include "core/inspection/draw.h"
#include "core/inspection/inspection.h"
#include "lib/buf.h"

/* The moment of now: the context's clock for tests and the demo, else the system's. */
int64_t insp_now(const struct insp_ctx *c);
/* The context's time zone, minutes east of UTC. */
int insp_tz(const struct insp_ctx *c);
/* The local day of a moment (days since 1970-01-01 in the context's zone). */
int32_t insp_day(const struct insp_ctx *c, int64_t ms);
/* An entity's class after a result (class_step −1 better, +1 worse, clamped A…D). */
char insp_class_after(char cls, int step);

/*
 * A draw record read (reader.c): the two lists' lines joined by "\n" as they
 * are hashed (0 entities, 1 inspectors) with their published hashes, and
 * every other member as JSON in rest.
 */
struct insp_record_read {
	cJSON *rest;
	yc_buf lines[2];
	char hash[2][65];
	bool have_lines[2];
	bool line_break; /* a line held a line break: the lists cannot be what was hashed */
};
int insp_record_read(const char *json, size_t len, struct insp_record_read *r, yc_err *err);
void insp_record_read_free(struct insp_record_read *r);

#endif
