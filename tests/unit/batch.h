/*
 * batch.h — for pipeline tests: submit mutations to a write pipeline and wait
 * until every one has its outcome (m.rc).
 */
#ifndef YC_TEST_BATCH_H
#define YC_TEST_BATCH_H

#include <pthread.h>

#include "db/db.h"

struct batch {
	int left;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

struct batch_item {
	db_mutation m;
	struct batch *b;
};

#define BATCH_INIT {0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER}

static inline void batch_item_done(db_mutation *m)
{
	struct batch *b = ((struct batch_item *)m->owner)->b;
	pthread_mutex_lock(&b->lock);
	b->left--;
	pthread_cond_signal(&b->cond);
	pthread_mutex_unlock(&b->lock);
}

static inline void batch_submit(db_pipeline *p, struct batch *b, struct batch_item *it,
				db_mutation_fn fn, void *arg)
{
	*it = (struct batch_item){.b = b};
	it->m.fn = fn;
	it->m.arg = arg;
	it->m.done = batch_item_done;
	it->m.owner = it;
	pthread_mutex_lock(&b->lock);
	b->left++;
	pthread_mutex_unlock(&b->lock);
	db_pipeline_submit(p, &it->m);
}

static inline void batch_wait(struct batch *b)
{
	pthread_mutex_lock(&b->lock);
	while (b->left)
		pthread_cond_wait(&b->cond, &b->lock);
	pthread_mutex_unlock(&b->lock);
}

#endif
