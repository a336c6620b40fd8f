/*
 * jobs/scheduler.h — periodic jobs that run once across a cluster.
 *
 * Each job has a lease row (job_leases). A node runs a job only if its
 * UPDATE moves the lease from "due" (until_ms <= now) to now + interval, in
 * the same transaction as the job itself: exactly one node wins each period,
 * and a job whose node died is run by another once the lease lapses. Nodes
 * read the lease first and write only when it is due.
 */
#ifndef YC_SCHEDULER_H
#define YC_SCHEDULER_H

#include "core/case/case.h"
#include "core/hall/hall.h"
#include "core/review/review.h"
#include "db/db.h"
#include "lib/config.h"

struct scheduler;

/*
 * Starts the scheduler thread: clean-up jobs every job-interval, case jobs
 * (lights, lapses) every case-job-interval, sending notifications every
 * notify-interval; writes go through pipe.
 */
struct insp_ctx;
struct fin_ctx;
struct proc_ctx;
struct watch_ctx;
int scheduler_start(const yc_config *cfg, const struct case_ctx *cases,
		    const struct hall_ctx *hall, const struct review_ctx *reviews,
		    const struct insp_ctx *insp, const struct fin_ctx *fin,
		    const struct proc_ctx *proc, const struct watch_ctx *watch, db_pipeline *pipe,
		    struct scheduler **out, yc_err *err);
void scheduler_stop(struct scheduler *s);

#endif
