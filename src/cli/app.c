/*
 * app.c — the application wired together: a configuration in, a running
 * server with its pipeline, dispatcher kick, jobs and per-capability
 * settings out. serve.c reads the options; this file owns the order things
 * open and close in.
 */
#include "cli/app.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/catalog/catalog.h"
#include "core/common/account.h"
#include "core/calendar/calendar.h"
#include "http/limits.h"
#include "http/metrics.h"
#include "http/server.h"
#include "http/session.h"
#include "jobs/scheduler.h"
#include "cli/cli.h"
#include "lib/banned.h"

/* After each commit on this node: wake the outbox dispatcher (a lost byte is harmless). */
static void kick_dispatcher(void *arg)
{
	yc_app *app = arg;
	ssize_t w = write(app->kick[1], "k", 1);
	(void)w;
}

/* The calendar and what the store says about itself; the store is closed again. */
static int open_store_facts(struct app *a, yc_err *err)
{
	yc_app *h = &a->http;
	db *d = NULL;
	int rc = cli_open_existing(h->cfg.db, &d, err);
	if (rc)
		return rc;
	h->schema_version = db_schema_version(d);
	h->backend = db_backend_name(d);
	h->cal = calendar_new();
	if (!h->cal)
		rc = yc_err_set(err, YC_ENOMEM, NULL, "out of memory");
	else if (!(rc = calendar_set_hours(h->cal, h->cfg.work_hours, err)))
		rc = calendar_load_db(h->cal, d, err);
	bool demo = !rc && account_any_demo(d);
	db_close(d);
	if (!rc && demo && !http_listen_loopback(h) && !h->cfg.allow_demo)
		rc = yc_err_set(err, YC_EINVAL, "listen",
				"demo accounts exist: refusing to serve a non-loopback address "
				"without --allow-demo: %s",
				h->cfg.listen);
	return rc;
}

/* Whether the keyring opens the store's signing keys (a store without keys: yes). */
static int keys_usable(struct app *a, yc_err *err)
{
	db *d = NULL;
	int rc = cli_open_existing(a->http.cfg.db, &d, err);
	if (!rc)
		rc = cert_keys_usable(d, &a->certs, err);
	db_close(d);
	return rc;
}

int app_open(struct app *a, yc_err *err)
{
	yc_app *h = &a->http;
	h->kick[0] = h->kick[1] = -1;
	int rc = open_store_facts(a, err);
	if (rc)
		goto fail;
	catalog_minutes_per_workday = calendar_hours_per_day_min(h->cal);
	if (!realpath(h->cfg.web, h->web_root))
		h->web_root[0] = '\0';
	cli_settings_apply(&h->cfg, h->cal, &a->cases, &a->hall, &a->reviews, &a->certs);
	h->cases = &a->cases;
	h->hall = &a->hall;
	h->reviews = &a->reviews;
	h->certs = &a->certs;
	cli_inspection_settings(&h->cfg, &a->cases, &a->certs, &a->insp);
	h->insp = &a->insp;
	cli_finance_settings(&h->cfg, &a->cases, &a->fin);
	h->fin = &a->fin;
	cli_procurement_settings(&h->cfg, &a->cases, &a->proc);
	h->proc = &a->proc;
	cli_training_settings(&h->cfg, &a->hall, &a->train);
	h->train = &a->train;
	cli_court_settings(&h->cfg, &a->cases, &a->court);
	cli_fdi_settings(&h->cfg, &a->cases, &a->fdi);
	h->court = &a->court;
	a->ipmed = (struct ipmed_ctx){.tz_offset_min = (int)h->cfg.tz_offset_min};
	snprintf(a->ipmed.department, sizeof(a->ipmed.department), "%s", h->cfg.ipmed_department);
	h->ipmed = &a->ipmed;
	cli_guide_settings(&h->cfg, &a->guide);
	h->guide = &a->guide;
	cli_watch_settings(&h->cfg, &a->watch);
	h->watch = &a->watch;
	a->term = (struct term_ctx){.code_minutes = (int)h->cfg.terminal_code_minutes,
				    .visit_minutes = (int)h->cfg.terminal_visit_minutes};
	h->term = &a->term;
	/* the keyring opens the signing keys: a wrong one is refused now, not at the first approval */
	if ((rc = cli_certs_open(&h->cfg, &a->certs, true, err)) ||
	    (rc = keys_usable(a, err)))
		goto fail;
	/*
	 * Blocks of 256 KiB and more always from mmap, back to the system when
	 * freed. glibc otherwise raises that threshold to the largest block
	 * freed so far, and then serves big answers (lists that grow with the
	 * store) from a thread's arena, which grows and does not give back:
	 * the 2026-12-08 soak's RSS rose 0.2 MiB a minute with malloc's bytes
	 * in use flat.
	 */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	h->metrics = metrics_new();
	h->limits = limits_new(&h->cfg);
	h->sessions = session_cache_new();
	if (!h->metrics || !h->limits || !h->sessions) {
		rc = yc_err_set(err, YC_ENOMEM, NULL, "out of memory");
		goto fail;
	}
	if ((rc = db_pipeline_start(h->cfg.db, (int)h->cfg.batch_max, (int)h->cfg.writers,
				    &h->pipe, err)))
		goto fail;
	if (pipe2(h->kick, O_NONBLOCK | O_CLOEXEC)) {
		rc = yc_err_set(err, YC_EIO, NULL, "cannot create a pipe: %s", strerror(errno));
		goto fail;
	}
	db_pipeline_on_commit(h->pipe, kick_dispatcher, h);
	if ((rc = scheduler_start(&h->cfg, &a->cases, &a->hall, &a->reviews, &a->insp, &a->fin, &a->proc, &a->watch, h->pipe,
				   &a->jobs, err)))
		goto fail;
	return 0;
fail:
	app_close(a);
	return rc;
}

int app_run(struct app *a, yc_err *err)
{
	int rc = http_serve(&a->http, err);
	scheduler_stop(a->jobs);
	a->jobs = NULL;
	db_pipeline_stop(a->http.pipe);
	a->http.pipe = NULL;
	return rc;
}

void app_close(struct app *a)
{
	yc_app *h = &a->http;
	if (a->jobs)
		scheduler_stop(a->jobs);
	if (h->pipe)
		db_pipeline_stop(h->pipe);
	for (int i = 0; i < 2; i++)
		if (h->kick[i] >= 0)
			close(h->kick[i]);
	metrics_free(h->metrics);
	limits_free(h->limits);
	session_cache_free(h->sessions);
	calendar_free(h->cal);
	cert_keycache_free(a->certs.cache);
	if (h->guide)
		guide_ctx_free(&a->guide);
	*a = (struct app){0};
	h->kick[0] = h->kick[1] = -1;
}
