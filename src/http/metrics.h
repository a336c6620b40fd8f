/*
 * metrics.h — request counts and latency histograms per route, in the
 * Prometheus text format. Counters are atomics: any thread may count.
 */
#ifndef YC_METRICS_H
#define YC_METRICS_H

#include <stdint.h>

#include "db/db.h"
#include "lib/buf.h"

struct yc_metrics;

struct yc_metrics *metrics_new(void);
void metrics_free(struct yc_metrics *m);
/* route: an index in the route table or YC_ROUTE_STATIC / YC_ROUTE_NONE. */
void metrics_observe(struct yc_metrics *m, int route, int status, int64_t micros);
void metrics_render(struct yc_metrics *m, db_pipeline *p, yc_buf *out);

#endif
