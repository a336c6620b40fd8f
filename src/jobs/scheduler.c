/* jobs/scheduler.c — periodic jobs under cluster-wide leases (see scheduler.h). */
#include "jobs/scheduler.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/account.h"
#include "core/audit.h"
#include "core/idempotency.h"
#include "core/lease.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

enum { TICK_MS = 250 };

struct scheduler;
typedef int (*job_fn)(db *d, struct scheduler *s, int64_t *count, yc_err *err);

struct job {
	const char *name;
	job_fn run;
};

struct scheduler {
	db *d; /* reads the leases */
	db_pipeline *pipe;
	pthread_t thread;
	atomic_bool stop;
	int64_t interval_ms;
	int64_t idem_ttl_ms;
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

static const struct job jobs[] = {
	{"idempotency-expiry", job_idempotency_expiry},
	{"session-expiry", job_session_expiry},
};

struct job_run {
	struct scheduler *s;
	const struct job *job;
};

/* One job's turn, inside a pipeline transaction: take the lease if due, then run. */
static int job_turn(db *d, void *arg, yc_err *err)
{
	struct job_run *jr = arg;
	struct scheduler *s = jr->s;
	bool taken;
	int rc = lease_take(d, jr->job->name, s->node, yc_now_ms(), s->interval_ms, &taken, err);
	if (rc || !taken)
		return rc; /* an error, or another node holds it */
	int64_t count = 0;
	if ((rc = jr->job->run(d, s, &count, err)))
		return rc;
	char object[64], reason[160];
	snprintf(object, sizeof(object), "job/%s", jr->job->name);
	snprintf(reason, sizeof(reason), "node %s removed %lld", s->node, (long long)count);
	return audit_append(d, &audit_system_actor, "job.run", object, reason, NULL, NULL, err);
}

static void *scheduler_main(void *arg)
{
	struct scheduler *s = arg;
	while (!atomic_load(&s->stop)) {
		int64_t now = yc_now_ms();
		for (size_t i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
			if (lease_due(s->d, jobs[i].name) > now)
				continue;
			struct job_run jr = {s, &jobs[i]};
			yc_err err;
			yc_err_clear(&err);
			if (db_pipeline_run(s->pipe, job_turn, &jr, &err) < 0)
				yc_log(YC_LOG_WARN, "job %s: %s", jobs[i].name, err.message);
		}
		for (int slept = 0; slept < TICK_MS && !atomic_load(&s->stop); slept += 50)
			usleep(50 * 1000);
	}
	return NULL;
}

int scheduler_start(const char *uri, db_pipeline *pipe, int64_t interval_s, int64_t idem_ttl_s,
		    struct scheduler **out, yc_err *err)
{
	struct scheduler *s = calloc(1, sizeof(*s));
	if (!s)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	int rc = db_open(uri, 0, &s->d, err);
	if (rc) {
		free(s);
		return rc;
	}
	s->pipe = pipe;
	s->interval_ms = interval_s * 1000;
	s->idem_ttl_ms = idem_ttl_s * 1000;
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
