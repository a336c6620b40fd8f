/*
 * lease.h — leases on periodic jobs, so that a job runs on one node of a
 * cluster per period. Owns job_leases. lease_take runs inside the job's own
 * transaction: if the job fails, the lease is not taken either.
 */
#ifndef YC_LEASE_H
#define YC_LEASE_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"

/* When the lease next falls due (0 when it was never taken). */
int64_t lease_due(db *d, const char *name);
/* Takes the lease until now + period_ms if it is due; *taken says whether this node won. */
int lease_take(db *d, const char *name, const char *holder, int64_t now, int64_t period_ms,
	       bool *taken, yc_err *err);

#endif
