/* jobs/outbox.c — the outbox dispatcher (see outbox.h). */
#include "jobs/outbox.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/banned.h"

enum { POLL_MS = 250, BATCH = 500 };

struct outbox_dispatcher {
	db *d;
	pthread_t thread;
	int kick_fd;
	atomic_bool stop;
	int64_t last;
	outbox_deliver_fn deliver;
	void *arg;
};

static void *dispatcher_main(void *arg)
{
	struct outbox_dispatcher *o = arg;
	pthread_setname_np(pthread_self(), "yc-outbox");
	bool listening = false;
	while (!atomic_load(&o->stop)) {
		if (!listening) {
			listening = db_listen(o->d, OUTBOX_CHANNEL, NULL) == 0;
			if (!listening) {
				usleep(200 * 1000);
				continue;
			}
		}
		if (db_wait(o->d, o->kick_fd, POLL_MS) < 0) {
			listening = false;
			continue;
		}
		/* Read everything new, in batches, whatever woke us. */
		for (;;) {
			struct outbox_event *events = NULL;
			int64_t last = o->last;
			yc_err err;
			yc_err_clear(&err);
			if (outbox_read(o->d, o->last, BATCH, &events, &last, &err)) {
				listening = false; /* the connection is likely gone: listen again */
				break;
			}
			if (events)
				o->deliver(o->arg, o->d, events);
			outbox_free(events);
			bool full = last - o->last >= BATCH;
			o->last = last;
			if (!full)
				break;
		}
	}
	return NULL;
}

int outbox_dispatcher_start(const char *uri, int kick_fd, outbox_deliver_fn deliver, void *arg,
			    struct outbox_dispatcher **out, yc_err *err)
{
	struct outbox_dispatcher *o = calloc(1, sizeof(*o));
	if (!o)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	int rc = db_open(uri, 0, &o->d, err);
	if (rc) {
		free(o);
		return rc;
	}
	o->kick_fd = kick_fd;
	o->deliver = deliver;
	o->arg = arg;
	o->last = outbox_last_id(o->d);
	if (pthread_create(&o->thread, NULL, dispatcher_main, o)) {
		db_close(o->d);
		free(o);
		return yc_err_set(err, YC_EINTERNAL, NULL, "cannot start the outbox dispatcher");
	}
	*out = o;
	return 0;
}

void outbox_dispatcher_stop(struct outbox_dispatcher *o)
{
	if (!o)
		return;
	atomic_store(&o->stop, true);
	pthread_join(o->thread, NULL);
	db_close(o->d);
	free(o);
}
