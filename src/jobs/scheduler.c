/* jobs/scheduler.c — periodic jobs under cluster-wide leases (see scheduler.h). */
#include "jobs/scheduler.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/common/account.h"
#include "core/common/audit.h"
#include "core/case/case.h"
#include "core/common/notify.h"
#include "core/common/idempotency.h"
#include "core/common/lease.h"
#include "core/finance/finance.h"
#include "core/procurement/procurement.h"
#include "core/inspection/inspection.h"
#include "core/watch/watch.h"
#include "jobs/notify.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

enum { TICK_MS = 250 };

struct scheduler;
typedef int (*job_fn)(db *d, struct scheduler *s, int64_t *count, yc_err *err);

enum job_period { PERIOD_CLEANUP, PERIOD_CASES, PERIOD_NOTIFY };

struct job {
	const char *name;
	job_fn run;
	enum job_period period;
};

struct scheduler {
	db *d; /* reads the leases and the notification queue */
	db_pipeline *pipe;
	pthread_t thread;
	atomic_bool stop;
	int64_t period_ms[3];
	int64_t idem_ttl_ms;
	struct case_ctx cases;
	struct hall_ctx hall;
	struct review_ctx reviews; /* its .cases points at cases above */
	struct insp_ctx insp;	   /* and so does this */
	struct fin_ctx fin;	   /* and this */
	struct proc_ctx proc;	   /* and this */
	struct watch_ctx watch;
	char sms_url[256];
	char node[80];
};

static int job_idempotency_expiry(db *d, struct scheduler *s, int64_t *count, yc_err *err)
{
	return idem_expire(d, yc_now_ms() - s->idem_ttl_ms, count, err);
}

static int job_session_expiry(db *d, struct scheduler *s, int64_t *count, yc_err *err)
{
	(void)s;
	return session_expire(d, yc_now_ms(), count, err);
}

static int job_case_lights(db *d, struct scheduler *s, int64_t *count, yc_err *err)
{
	return case_refresh_lights(d, &s->cases, count, err);
}

static int job_case_lapses(db *d, struct scheduler *s, int64_t *count, yc_err *err)
{
	return case_lapse_corrections(d, &s->cases, count, err);
}

/*
 * Sending happens outside any transaction (a gateway may be slow): the
 * lease is taken in job_turn (this function is the marker that says so);
 * scheduler_main then sends and marks each notification.
 */
static int job_notifications(db *d, struct scheduler *s, int64_t *count, yc_err *err)
{
	(void)d, (void)s, (void)err;
	*count = 0;
	return 0;
}

static int job_ticket_expiry(db *d, struct scheduler *s, int64_t *count, yc_err *err)
{
	return hall_expire_tickets(d, &s->hall, count, err);
}

static int job_appointments(db *d, struct scheduler *s, int64_t *count, yc_err *err)
{
	return hall_sweep_appointments(d, &s->hall, count, err);
}

static int job_review_lights(db *d, struct scheduler *s, int64_t *count, yc_err *err)
{
	return review_order_lights(d, &s->reviews, count, err);
}

static int job_inspection_overdue(db *d, struct scheduler *s, int64_t *count, yc_err *err)
{
	return insp_escalate_overdue(d, &s->insp, count, err);
}

static int job_bridge_overdue(db *d, struct scheduler *s, int64_t *count, yc_err *err)
{
	return fin_mark_overdue(d, &s->fin, count, err);
}

static int job_procurement_escalate(db *d, struct scheduler *s, int64_t *count, yc_err *err)
{
	return proc_escalate(d, &s->proc, count, err);
}

static int job_watch(db *d, struct scheduler *s, int64_t *count, yc_err *err)
{
	return watch_run(d, &s->watch, count, err);
}

static const struct job jobs[] = {
	{"idempotency-expiry", job_idempotency_expiry, PERIOD_CLEANUP},
	{"session-expiry", job_session_expiry, PERIOD_CLEANUP},
	{"case-lights", job_case_lights, PERIOD_CASES},
	{"case-lapses", job_case_lapses, PERIOD_CASES},
	{"notifications", job_notifications, PERIOD_NOTIFY},
	{"ticket-expiry", job_ticket_expiry, PERIOD_CASES},
	{"appointments", job_appointments, PERIOD_CASES},
	{"review-lights", job_review_lights, PERIOD_CASES},
	{"inspection-overdue", job_inspection_overdue, PERIOD_CASES},
	{"bridge-overdue", job_bridge_overdue, PERIOD_CASES},
	{"procurement-escalate", job_procurement_escalate, PERIOD_CASES},
	{"watch", job_watch, PERIOD_CASES},
};

struct mark {
	int64_t id;
	enum notify_outcome outcome;
};

static int mark_write(db *d, void *arg, yc_err *err)
{
	struct mark *m = arg;
	return notify_mark(d, m->id, m->outcome, err);
}

/* Sends what is queued, a batch at a time; this node holds the notifications lease. */
static void send_notifications(struct scheduler *s)
{
	enum { BATCH = 50 };
	struct notification batch[BATCH];
	int n = 0;
	yc_err err;
	yc_err_clear(&err);
	if (notify_pending(s->d, batch, BATCH, &n, &err)) {
		yc_log(YC_LOG_WARN, "notifications: %s", err.message);
		return;
	}
	for (int i = 0; i < n && !atomic_load(&s->stop); i++) {
		struct mark m = {batch[i].id, notify_deliver(s->sms_url, &batch[i])};
		if (db_pipeline_run(s->pipe, mark_write, &m, &err) < 0)
			yc_log(YC_LOG_WARN, "notifications: %s", err.message);
	}
	notify_release(batch, n);
}

struct job_run {
	struct scheduler *s;
	const struct job *job;
	bool taken;
};

/* One job's turn, inside a pipeline transaction: take the lease if due, then run. */
static int job_turn(db *d, void *arg, yc_err *err)
{
	struct job_run *jr = arg;
	struct scheduler *s = jr->s;
	bool taken;
	int rc = lease_take(d, jr->job->name, s->node, yc_now_ms(), s->period_ms[jr->job->period],
			    &taken, err);
	jr->taken = taken;
	if (rc || !taken)
		return rc; /* an error, or another node holds it */
	int64_t count = 0;
	if ((rc = jr->job->run(d, s, &count, err)))
		return rc;
	if (jr->job->period == PERIOD_NOTIFY || (jr->job->period == PERIOD_CASES && !count))
		return 0; /* frequent jobs leave the audit log alone when they did nothing */
	char object[64], reason[160];
	snprintf(object, sizeof(object), "job/%s", jr->job->name);
	snprintf(reason, sizeof(reason), "node %s changed %lld", s->node, (long long)count);
	return audit_append(d, &audit_system_actor, "job.run", object, reason, NULL, NULL, err);
}

static void *scheduler_main(void *arg)
{
	struct scheduler *s = arg;
	pthread_setname_np(pthread_self(), "yc-jobs");
	while (!atomic_load(&s->stop)) {
		int64_t now = yc_now_ms();
		for (size_t i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
			if (lease_due(s->d, jobs[i].name) > now)
				continue;
			struct job_run jr = {s, &jobs[i], false};
			yc_err err;
			yc_err_clear(&err);
			if (db_pipeline_run(s->pipe, job_turn, &jr, &err) < 0)
				yc_log(YC_LOG_WARN, "job %s: %s", jobs[i].name, err.message);
			else if (jr.taken && jobs[i].period == PERIOD_NOTIFY)
				send_notifications(s);
		}
		for (int slept = 0; slept < TICK_MS && !atomic_load(&s->stop); slept += 50)
			usleep(50 * 1000);
	}
	return NULL;
}

int scheduler_start(const yc_config *cfg, const struct case_ctx *cases,
		    const struct hall_ctx *hall, const struct review_ctx *reviews,
		    const struct insp_ctx *insp, const struct fin_ctx *fin,
		    const struct proc_ctx *proc, const struct watch_ctx *watch, db_pipeline *pipe,
		    struct scheduler **out, yc_err *err)
{
	struct scheduler *s = calloc(1, sizeof(*s));
	if (!s)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	int rc = db_open(cfg->db, 0, &s->d, err);
	if (rc) {
		free(s);
		return rc;
	}
	s->pipe = pipe;
	s->period_ms[PERIOD_CLEANUP] = cfg->job_interval_s * 1000;
	s->period_ms[PERIOD_CASES] = cfg->case_job_interval_s * 1000;
	s->period_ms[PERIOD_NOTIFY] = cfg->notify_interval_s * 1000;
	s->idem_ttl_ms = cfg->idempotency_ttl_s * 1000;
	s->cases = *cases;
	s->hall = *hall;
	s->reviews = *reviews;
	s->reviews.cases = &s->cases;
	s->insp = *insp;
	s->insp.cases = &s->cases;
	s->fin = *fin;
	s->fin.cases = &s->cases;
	s->proc = *proc;
	s->proc.cases = &s->cases;
	s->watch = *watch;
	snprintf(s->sms_url, sizeof(s->sms_url), "%s", cfg->sms_url);
	char host[64] = "";
	gethostname(host, sizeof(host) - 1);
	snprintf(s->node, sizeof(s->node), "%s:%d", host, (int)getpid());
	if (pthread_create(&s->thread, NULL, scheduler_main, s)) {
		db_close(s->d);
		free(s);
		return yc_err_set(err, YC_EINTERNAL, NULL, "cannot start the scheduler");
	}
	*out = s;
	return 0;
}

void scheduler_stop(struct scheduler *s)
{
	if (!s)
		return;
	atomic_store(&s->stop, true);
	pthread_join(s->thread, NULL);
	db_close(s->d);
	free(s);
}
