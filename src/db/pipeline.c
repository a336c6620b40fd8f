/*
 * pipeline.c — the write pipeline: group commit behind one writer thread.
 *
 * Invariants:
 *  1. Each writer thread owns its write handle; no other thread touches it.
 *     SQLite has one writer; PostgreSQL may have several, each taking whole
 *     batches from the one queue (the audit chain's row lock orders their
 *     commits; see core/audit.c).
 *  2. A mutation's done() runs exactly once, after COMMIT has returned (the
 *     batch is durable: synchronous=FULL) or after the batch failed.
 *  3. One failing mutation is rolled back alone and the rest of its batch
 *     still commits: each runs inside its own savepoint. Where sends are
 *     queued (PostgreSQL) a batch first runs without them, and if one of its
 *     mutations fails, the whole batch is rolled back and runs again with them.
 *  4. If COMMIT fails, every mutation of the batch fails (rc < 0): nothing
 *     is acknowledged that was not made durable.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "lib/log.h"
#include "lib/banned.h"

/* Reruns of a batch that lost a deadlock before its writes are answered 503. */
enum { PL_BUSY_RETRIES = 5 };

enum { PL_MAX_WRITERS = 16 };

/* After a lean batch had to run again, this many batches keep their savepoints from the start. */
enum { PL_LEAN_PAUSE = 16 };

struct pl_writer {
	db_pipeline *p;
	db *w;
	pthread_t thread;
	int lean_pause; /* batches left before the next lean run */
};

struct db_pipeline {
	struct pl_writer writers[PL_MAX_WRITERS];
	int nwriters;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	db_mutation *head, *tail;
	bool stopping;
	int batch_max;
	struct db_pipeline_stats stats;
	void (*on_commit)(void *arg);
	void *on_commit_arg;
	/* SQLite: checkpoints on a thread of their own (see pl_checkpointer) */
	db *ckpt;
	pthread_t ckpt_thread;
	bool ckpt_running;
	pthread_cond_t ckpt_wake;
};

enum { PL_CHECKPOINT_MS = 250 };

/*
 * SQLite moves the WAL's pages into the database file (a checkpoint) every
 * 1,000 pages by default, on the committing writer: that commit then waits
 * for the copy and a sync of the database file, tens of milliseconds in the
 * tail of every write's latency. The writer's automatic checkpoints are off;
 * this thread runs passive checkpoints, which never block the writer, a few
 * times a second on a connection of its own.
 */
static void *pl_checkpointer(void *arg)
{
	db_pipeline *p = arg;
	pthread_setname_np(pthread_self(), "yc-checkpoint");
	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += PL_CHECKPOINT_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->ckpt_wake, &p->lock, &until);
		if (p->stopping)
			break;
		pthread_mutex_unlock(&p->lock);
		db_exec(p->ckpt, "PRAGMA wal_checkpoint(PASSIVE)", NULL);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void pl_count_batch(db_pipeline *p, int n, bool commit_failed)
{
	int b = 0;
	while (b < 10 && (1 << b) < n)
		b++;
	pthread_mutex_lock(&p->lock);
	p->stats.batches++;
	p->stats.mutations += (uint64_t)n;
	p->stats.size_buckets[b]++;
	if (commit_failed)
		p->stats.failed_commits++;
	pthread_mutex_unlock(&p->lock);
}

static void pl_count_rerun(db_pipeline *p)
{
	pthread_mutex_lock(&p->lock);
	p->stats.reruns++;
	pthread_mutex_unlock(&p->lock);
}

static void pl_run_batch(struct pl_writer *wr, db_mutation *batch, int n)
{
	db_pipeline *p = wr->p;
	db *w = wr->w;
	yc_err err;
	int rc;
	/*
	 * On PostgreSQL, two writers' batches can deadlock on rows they both touch
	 * (the server cancels one statement, YC_EBUSY). The victim's whole batch is
	 * rolled back, which frees its locks for the other, and run again: every
	 * write renders its answer afresh, so a rerun answers as the first run would.
	 * The same rerun, once and without queued sends, when a queued statement
	 * failed: its error then belongs to its own write alone.
	 *
	 * Where sends are queued, the first run is lean: no savepoints. On
	 * PostgreSQL each is a subtransaction and two more commands for the server
	 * per write, about a tenth of a write's cost there. If a write fails, the
	 * batch is rolled back and runs again with them, so only its own write fails;
	 * and the next PL_LEAN_PAUSE batches take no chance.
	 */
	bool queue = true, lean = wr->lean_pause == 0;
	if (wr->lean_pause)
		wr->lean_pause--;
	for (int attempt = 0;; attempt++) {
		bool busy = false;
		yc_err_clear(&err);
		db_queue(w, queue);
		rc = db_begin(w, &err);
		if (rc) {
			yc_log(YC_LOG_ERROR, "pipeline: cannot begin: %s", err.message);
			for (db_mutation *m = batch; m; m = m->next)
				m->rc = yc_err_set(&m->err, YC_EUNAVAIL, NULL, "the store is busy, retry");
			goto out;
		}
		/* One savepoint per mutation; between two, release and reopen in one exchange. */
		bool savepoints = !(lean && db_queuing(w)), rerun = false;
		rc = savepoints ? db_savepoint(w, &err) : 0;
		for (db_mutation *m = batch; m && !db_queue_failed(w) && !rerun; m = m->next) {
			yc_err_clear(&m->err);
			if (rc) {
				m->rc = yc_err_set(&m->err, YC_EUNAVAIL, NULL,
						   "the store is unavailable, retry");
				continue;
			}
			m->rc = m->fn(w, m->arg, &m->err);
			if (m->rc < 0) {
				if (!m->err.code)
					yc_err_set(&m->err, m->rc, NULL, NULL);
				busy = busy || m->rc == YC_EBUSY;
				rerun = !savepoints;
				if (savepoints)
					db_rollback_to(w);
			}
			if (savepoints)
				rc = m->next ? db_savepoint_next(w, &err) : db_release(w, &err);
		}
		if (!rerun && !rc && !db_queue_failed(w) && !(busy && attempt < PL_BUSY_RETRIES))
			rc = db_commit(w, &err);
		if (queue && db_queue_failed(w)) {
			db_rollback(w);
			pl_count_rerun(p);
			queue = false;
			attempt--;
			continue;
		}
		if (rerun) {
			db_rollback(w);
			pl_count_rerun(p);
			lean = false;
			wr->lean_pause = PL_LEAN_PAUSE;
			attempt--;
			continue;
		}
		if ((busy || rc == YC_EBUSY) && attempt < PL_BUSY_RETRIES) {
			db_rollback(w);
			if (busy)
				usleep((useconds_t)(2000 * (attempt + 1))); /* let the winner commit */
			continue;
		}
		break;
	}
	db_queue(w, false);
	if (rc) {
		yc_log(YC_LOG_ERROR, "pipeline: commit failed: %s", err.message);
		db_rollback(w);
		for (db_mutation *m = batch; m; m = m->next)
			if (m->rc >= 0)
				m->rc = yc_err_set(&m->err, YC_EUNAVAIL, NULL,
						   "the write could not be made durable, retry");
	}
out:
	pl_count_batch(p, n, rc != 0);
	for (db_mutation *m = batch, *next; m; m = next) {
		next = m->next;
		m->next = NULL;
		m->done(m);
	}
	/*
	 * The answers first, then the hook: waking the hook's thread (the outbox
	 * dispatcher) lets the scheduler run it at once, and the writer would hand
	 * the answers over only after it (0.4 ms at the median on two cores). The
	 * hook is set before the first write and never changes after.
	 */
	if (!rc && p->on_commit)
		p->on_commit(p->on_commit_arg);
}

static void *pl_main(void *arg)
{
	struct pl_writer *wr = arg;
	db_pipeline *p = wr->p;
	pthread_setname_np(pthread_self(), "yc-writer");
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->wake, &p->lock);
		if (!p->head && p->stopping) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		db_mutation *batch = p->head, *last = p->head;
		int n = 1;
		while (last->next && n < p->batch_max) {
			last = last->next;
			n++;
		}
		p->head = last->next;
		if (!p->head)
			p->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&p->lock);
		pl_run_batch(wr, batch, n);
	}
	return NULL;
}

int db_pipeline_start(const char *uri, int batch_max, int writers, db_pipeline **out, yc_err *err)
{
	*out = NULL;
	db_pipeline *p = calloc(1, sizeof(*p));
	if (!p)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	p->batch_max = batch_max > 0 ? batch_max : 512;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	/* SQLite allows one writer at a time: more threads would only queue on its lock. */
	if (writers < 1 || !db_uri_is_postgres(uri))
		writers = 1;
	if (writers > PL_MAX_WRITERS)
		writers = PL_MAX_WRITERS;
	int rc = 0;
	for (int i = 0; i < writers && !rc; i++) {
		struct pl_writer *wr = &p->writers[i];
		wr->p = p;
		if ((rc = db_open(uri, 0, &wr->w, err)))
			break;
		if (pthread_create(&wr->thread, NULL, pl_main, wr)) {
			db_close(wr->w);
			rc = yc_err_set(err, YC_EINTERNAL, NULL, "cannot start a writer thread");
			break;
		}
		p->nwriters++;
	}
	pthread_cond_init(&p->ckpt_wake, NULL);
	if (!rc && !db_uri_is_postgres(uri)) {
		rc = db_exec(p->writers[0].w, "PRAGMA wal_autocheckpoint=0", err);
		if (!rc)
			rc = db_open(uri, 0, &p->ckpt, err);
		if (!rc && pthread_create(&p->ckpt_thread, NULL, pl_checkpointer, p))
			rc = yc_err_set(err, YC_EINTERNAL, NULL, "cannot start the checkpointer");
		else if (!rc)
			p->ckpt_running = true;
	}
	if (rc) {
		db_pipeline_stop(p);
		return rc;
	}
	*out = p;
	return 0;
}

void db_pipeline_submit(db_pipeline *p, db_mutation *m)
{
	m->next = NULL;
	m->rc = 0;
	pthread_mutex_lock(&p->lock);
	if (p->stopping) {
		pthread_mutex_unlock(&p->lock);
		m->rc = yc_err_set(&m->err, YC_EUNAVAIL, NULL, "shutting down");
		m->done(m);
		return;
	}
	if (p->tail)
		p->tail->next = m;
	else
		p->head = m;
	p->tail = m;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
}

struct pl_waiter {
	db_mutation m;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool finished;
};

static void pl_waiter_done(db_mutation *m)
{
	struct pl_waiter *w = m->owner;
	pthread_mutex_lock(&w->lock);
	w->finished = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

int db_pipeline_run(db_pipeline *p, db_mutation_fn fn, void *arg, yc_err *err)
{
	struct pl_waiter w;
	memset(&w, 0, sizeof(w));
	w.m.fn = fn;
	w.m.arg = arg;
	w.m.done = pl_waiter_done;
	w.m.owner = &w;
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.cond, NULL);
	db_pipeline_submit(p, &w.m);
	pthread_mutex_lock(&w.lock);
	while (!w.finished)
		pthread_cond_wait(&w.cond, &w.lock);
	pthread_mutex_unlock(&w.lock);
	pthread_mutex_destroy(&w.lock);
	pthread_cond_destroy(&w.cond);
	if (w.m.rc < 0 && err)
		*err = w.m.err;
	return w.m.rc;
}

void db_pipeline_on_commit(db_pipeline *p, void (*fn)(void *arg), void *arg)
{
	pthread_mutex_lock(&p->lock);
	p->on_commit = fn;
	p->on_commit_arg = arg;
	pthread_mutex_unlock(&p->lock);
}

void db_pipeline_stop(db_pipeline *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
	pthread_cond_broadcast(&p->ckpt_wake);
	for (int i = 0; i < p->nwriters; i++) {
		pthread_join(p->writers[i].thread, NULL);
		db_close(p->writers[i].w);
	}
	if (p->ckpt_running)
		pthread_join(p->ckpt_thread, NULL);
	if (p->ckpt) {
		/* a last checkpoint, so the database file alone is whole at rest */
		db_exec(p->ckpt, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
		db_close(p->ckpt);
	}
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake);
	pthread_cond_destroy(&p->ckpt_wake);
	free(p);
}

void db_pipeline_get_stats(db_pipeline *p, struct db_pipeline_stats *out)
{
	pthread_mutex_lock(&p->lock);
	*out = p->stats;
	pthread_mutex_unlock(&p->lock);
}
