/* internal.h — what the files of core/inspection/ share and nobody else sees. */
#ifndef YC_INSPECTION_INTERNAL_H
#define YC_INSPECTION_INTERNAL_H

#include "core/inspection/draw.h"
#include "core/inspection/inspection.h"

/* The moment of now: the context's clock for tests and the demo, else the system's. */
int64_t insp_now(const struct insp_ctx *c);
/* The context's time zone, minutes east of UTC. */
int insp_tz(const struct insp_ctx *c);
/* The local day of a moment (days since 1970-01-01 in the context's zone). */
int32_t insp_day(const struct insp_ctx *c, int64_t ms);
/* An entity's class after a result (class_step −1 better, +1 worse, clamped A…D). */
char insp_class_after(char cls, int step);

#endif
