/* store.c — the store's commands: init (with the demo), migrate, audit verify, copy, backup. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/common/account.h"
#include "core/common/audit.h"
#include "core/calendar/calendar.h"
#include "core/catalog/catalog.h"
#include "core/hall/hall.h"
#include "core/demo/demo.h"
#include "db/db.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/limits.h"
#include "http/server.h"
#include "http/session.h"
#include "jobs/scheduler.h"
#include "lib/config.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/timeutil.h"
#include "cli/cli.h"
#include "core/court/court.h"
#include "core/finance/finance.h"
#include "core/procurement/procurement.h"
#include "core/training/training.h"
#include "core/guide/guide.h"
#include "core/foreign/foreign.h"
#include "core/watch/watch.h"
#include "core/inspection/inspection.h"
#include "lib/banned.h"

int cmd_init(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "db,demo,history,seed,until,keyring", "demo", &a);
	if (rc || !cli_opt(&a, "db") || a.npos)
		return EXIT_USAGE;
	/* the demo's past: recent (60 working days) unless told otherwise */
	struct demo_history hist = {.span = DEMO_HISTORY_RECENT, .seed = 1};
	int span = cli_opt(&a, "history") ? demo_span_parse(cli_opt(&a, "history"))
					  : DEMO_HISTORY_RECENT;
	char *end = NULL;
	const char *seed = cli_opt(&a, "seed");
	errno = 0;
	if (seed)
		hist.seed = strtoull(seed, &end, 10);
	bool bad_seed =
		seed && (!*seed || *end || errno || strspn(seed, "0123456789") != strlen(seed));
	/* --until YYYY-MM-DDTHH:MM (local): where the history ends, for a past that repeats */
	const char *until = cli_opt(&a, "until");
	int64_t until_min = 0;
	if (until && cli_parse_local_minute(until, &until_min))
		span = -1;
	if (span < 0 || bad_seed ||
	    (!cli_opt(&a, "demo") && (cli_opt(&a, "history") || cli_opt(&a, "seed") || until))) {
		cli_failf("--history (none, recent or year), --seed (a whole number) and --until "
			  "(YYYY-MM-DDTHH:MM, local time) go with --demo",
			  NULL);
		return EXIT_USAGE;
	}
	hist.span = (enum demo_span)span;
	const char *uri = cli_opt(&a, "db");
	const char *path = db_uri_path(uri);
	struct stat st;
	if (path && stat(path, &st) == 0)
		return cli_failf("refusing to overwrite an existing database", path);
	struct cert_ctx certs = {0}; /* before the first goto out: freed there */
	yc_err err;
	yc_err_clear(&err);
	db *d = NULL;
	calendar *cal = calendar_new();
	if ((rc = db_open(uri, DB_OPEN_CREATE, &d, &err)))
		goto out;
	if (db_schema_version(d) > 0) {
		rc = yc_err_set(
			&err, YC_EEXISTS, "db",
			"refusing to overwrite an existing database (it has a yichuang schema)");
		path = NULL; /* not ours to remove */
		goto out;
	}
	if ((rc = db_migrate(d, &err)) || (rc = calendar_load_builtin(cal, &err)))
		goto out;
	/* the demo's past runs on the server's settings; the district is set up the day before */
	bool past = cli_opt(&a, "demo") && hist.span != DEMO_HISTORY_NONE;
	yc_config cfg;
	struct case_ctx cases;
	struct hall_ctx hall;
	struct review_ctx reviews;
	struct insp_ctx insp;
	struct fin_ctx fin;
	struct proc_ctx proc;
	struct train_ctx train;
	struct court_ctx court;
	struct fdi_ctx fdi;
	struct watch_ctx watch;
	yc_config_defaults(&cfg);
	if ((rc = yc_config_load_env(&cfg, &err)) ||
	    (cli_opt(&a, "keyring") && (rc = yc_config_set(&cfg, "keyring", cli_opt(&a, "keyring"), &err))) ||
	    (rc = yc_config_set(&cfg, "db", uri, &err)))
		goto out;
	if (past && (rc = calendar_set_hours(cal, cfg.work_hours, &err)))
		goto out;
	cli_settings_apply(&cfg, cal, &cases, &hall, &reviews, &certs);
	cli_inspection_settings(&cfg, &cases, &certs, &insp);
	cli_finance_settings(&cfg, &cases, &fin);
	cli_procurement_settings(&cfg, &cases, &proc);
	cli_training_settings(&cfg, &hall, &train);
	cli_court_settings(&cfg, &cases, &court);
	cli_fdi_settings(&cfg, &cases, &fdi);
	cli_watch_settings(&cfg, &watch);
	hist.watch = &watch;
	/* the keyring the signing keys are encrypted under: made now, kept beside the store */
	if ((rc = cli_certs_open(&cfg, &certs, true, &err)))
		goto out;
	if (past) {
		catalog_minutes_per_workday = calendar_hours_per_day_min(cal);
		if (until)
			hist.end_ms = (until_min - cfg.tz_offset_min) * 60000;
		if ((rc = demo_history_plan(cal, (int)cfg.tz_offset_min, &hist, &err)))
			goto out;
		yc_clock_set(((int64_t)(hist.first_day - 1) * 1440 + 8 * 60 - cfg.tz_offset_min) *
			     60000);
	}
	if ((rc = db_begin(d, &err)))
		goto out;
	int years[64];
	int n = calendar_years(cal, years, 64);
	for (int i = 0; !rc && i < n; i++) {
		yc_buf b;
		yc_buf_init(&b, 0);
		calendar_year_json(cal, years[i], &b);
		cJSON *j = NULL;
		struct cal_year y = {0};
		rc = yc_json_parse(b.data, b.len, &j, &err);
		if (!rc)
			rc = calendar_parse_year(j, years[i], &y, &err);
		if (!rc)
			rc = calendar_store_year(d, &audit_system_actor, &y, &err);
		free(y.days);
		cJSON_Delete(j);
		yc_buf_release(&b);
	}
	/* the guide's synonyms as shipped (data/guide/synonyms.json) */
	if (!rc)
		rc = guide_synonyms_seed(d, &err);
	if (!rc)
		rc = guide_asked_seed(d, &err);
	/* the negative list's shipped editions (data/negative-list/) */
	if (!rc)
		rc = fdi_seed(d, &err);
	if (!rc && cli_opt(&a, "demo"))
		rc = demo_install(d, &err);
	/* the demo's issuing departments get their signing keys from the district's root */
	int keys = 0;
	if (!rc && cli_opt(&a, "demo"))
		rc = cert_keys_setup(d, &certs, &keys, &err);
	if (!rc)
		rc = db_commit(d, &err);
	else
		db_rollback(d);
	yc_clock_set(0);
	/* the demo's past, written as the server would have written it */
	if (!rc && past) {
		int64_t t0 = yc_mono_us();
		rc = db_bulk(d, &err);
		if (!rc)
			rc = demo_history_write(d, &cases, &hall, &reviews, &insp, &fin, &proc,
						&court, &certs, &hist, &err);
		if (!rc)
			printf("demo history (%s, seed %llu): %lld working days, %lld cases and "
			       "%lld 一件事 runs with %lld actions, %lld hall tickets, %lld "
			       "appointments in %.1f s\n",
			       cli_opt(&a, "history") ? cli_opt(&a, "history") : "recent",
			       (unsigned long long)hist.seed, (long long)hist.days,
			       (long long)hist.cases, (long long)hist.runs, (long long)hist.actions,
			       (long long)hist.tickets, (long long)hist.appointments,
			       (double)(yc_mono_us() - t0) / 1e6);
		if (!rc)
			printf("demo history: %lld reviews (好差评), %lld callbacks, %lld visits and "
			       "third-party rounds\n",
			       (long long)hist.reviews, (long long)hist.callbacks,
			       (long long)hist.visits);
		if (!rc && hist.ends_early)
			printf("demo history: it ends with the last calendar year loaded; load "
			       "next "
			       "year's notice (docs/calendar.md) for a past up to now\n");
		if (!rc && hist.held)
			printf("demo history: %lld steps wait for a calendar year that is not "
			       "loaded"
			       " (docs/calendar.md: load next year's notice)\n",
			       (long long)hist.held);
	}
out:
	yc_clock_set(0);
	cert_keycache_free(certs.cache);
	calendar_free(cal);
	db_close(d);
	if (rc) {
		if (path)
			unlink(path);
		return cli_fail(&err);
	}
	printf("created %s (schema %d%s)\n", path ? path : "the PostgreSQL database",
	       db_schema_latest(), cli_opt(&a, "demo") ? ", demo district" : "");
	return 0;
}

int cmd_migrate(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "db", NULL, &a);
	if (rc || !cli_opt(&a, "db") || a.npos)
		return EXIT_USAGE;
	yc_err err;
	yc_err_clear(&err);
	db *d = NULL;
	rc = db_open(cli_opt(&a, "db"), 0, &d, &err);
	int before = rc ? 0 : db_schema_version(d);
	if (!rc)
		rc = db_migrate(d, &err);
	int after = rc ? 0 : db_schema_version(d);
	/* a store that gains the guide's (026) and the negative list's (027) tables gets the
	 * shipped synonyms and editions */
	if (!rc && before < GUIDE_ASKED_SCHEMA && after >= GUIDE_ASKED_SCHEMA &&
	    !(rc = db_begin(d, &err))) {
		rc = before < GUIDE_SCHEMA ? guide_synonyms_seed(d, &err) : 0;
		if (!rc && before < FDI_SCHEMA)
			rc = fdi_seed(d, &err);
		if (!rc)
			rc = guide_asked_seed(d, &err);
		if (!rc)
			rc = db_commit(d, &err);
		else
			db_rollback(d);
	}
	/* a store that had cases before their kept figures (031) has them counted now */
	int64_t counted = 0;
	if (!rc && before > 0 && before < CASE_FIGURES_SCHEMA && after >= CASE_FIGURES_SCHEMA &&
	    !(rc = cli_case_figures_rebuild(d, &counted, &err)) && counted)
		printf("case figures counted from %lld cases\n", (long long)counted);
	db_close(d);
	if (rc)
		return cli_fail(&err);
	printf("schema version %d (was %d)\n", after, before);
	return 0;
}

int cmd_audit_verify(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "db", NULL, &a);
	if (rc || !cli_opt(&a, "db") || a.npos)
		return EXIT_USAGE;
	yc_err err;
	yc_err_clear(&err);
	db *d = NULL;
	struct audit_report rep;
	if ((rc = cli_open_existing(cli_opt(&a, "db"), &d, &err)))
		return cli_fail(&err);
	rc = audit_verify(d, &rep, &err);
	db_close(d);
	if (rc)
		return cli_fail(&err);
	printf("audit chain intact: %lld events\n", (long long)rep.count);
	return 0;
}

/* Creates (or opens) the target of a copy: it must have no yichuang schema yet. */
static int open_copy_target(const char *uri, db **out, yc_err *err)
{
	const char *path = db_uri_path(uri);
	struct stat st;
	if (path && stat(path, &st) == 0)
		return yc_err_set(err, YC_EEXISTS, "to", "refusing to overwrite %s", path);
	int rc = db_open(uri, DB_OPEN_CREATE, out, err);
	if (rc)
		return rc;
	if (db_schema_version(*out) > 0) {
		db_close(*out);
		*out = NULL;
		return yc_err_set(err, YC_EEXISTS, "to",
				  "the target already has a yichuang schema");
	}
	return db_migrate(*out, err);
}

int cmd_copy(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "from,to,from-keyring,keyring", NULL, &a);
	if (rc || !cli_opt(&a, "from") || !cli_opt(&a, "to") || a.npos)
		return EXIT_USAGE;
	yc_err err;
	yc_err_clear(&err);
	db *from = NULL, *to = NULL;
	yc_buf report;
	yc_buf_init(&report, 0);
	struct audit_report audit;
	/* the signing keys travel encrypted: opened with the source's keyring, sealed with the target's */
	yc_config src, dst;
	yc_config_defaults(&src);
	yc_config_defaults(&dst);
	struct cert_ctx old_ring = {0}, new_ring = {0};
	int rekeyed = 0;
	if ((rc = yc_config_set(&src, "db", cli_opt(&a, "from"), &err)) ||
	    (rc = yc_config_set(&dst, "db", cli_opt(&a, "to"), &err)) ||
	    (cli_opt(&a, "from-keyring") &&
	     (rc = yc_config_set(&src, "keyring", cli_opt(&a, "from-keyring"), &err))) ||
	    (cli_opt(&a, "keyring") && (rc = yc_config_set(&dst, "keyring", cli_opt(&a, "keyring"), &err))))
		return cli_fail(&err);
	if (!(rc = cli_open_existing(cli_opt(&a, "from"), &from, &err)) &&
	    !(rc = open_copy_target(cli_opt(&a, "to"), &to, &err)))
		rc = db_copy(from, to, &report, &err);
	int64_t keys = 0;
	if (!rc && db_get(to, &err, "SELECT COUNT(*) FROM cert_keys", "", "i", &keys) < 0)
		rc = err.code;
	if (!rc && keys && !(rc = cli_certs_open(&src, &old_ring, false, &err)) &&
	    !(rc = cli_certs_open(&dst, &new_ring, true, &err)) && !(rc = db_begin(to, &err))) {
		rc = cert_keys_rekey(to, old_ring.passphrase, new_ring.passphrase, &rekeyed, &err);
		rc = rc ? (db_rollback(to), rc) : db_commit(to, &err);
	}
	cert_keycache_free(old_ring.cache);
	cert_keycache_free(new_ring.cache);
	if (!rc)
		rc = audit_verify(to, &audit, &err);
	fputs(report.data, stdout);
	yc_buf_release(&report);
	db_close(from);
	db_close(to);
	if (rc)
		return cli_fail(&err);
	if (rekeyed)
		printf("certificate keys: %d sealed again for the target's keyring\n", rekeyed);
	printf("copied; audit chain on the target intact: %lld events\n", (long long)audit.count);
	return 0;
}

int cmd_backup(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "db", NULL, &a);
	if (rc || !cli_opt(&a, "db") || a.npos != 1)
		return EXIT_USAGE;
	struct stat st;
	if (stat(a.pos[0], &st) == 0)
		return cli_failf("refusing to overwrite", a.pos[0]);
	yc_err err;
	yc_err_clear(&err);
	db *d = NULL;
	if (!(rc = cli_open_existing(cli_opt(&a, "db"), &d, &err)))
		rc = db_backup(d, a.pos[0], &err);
	db_close(d);
	if (rc) {
		unlink(a.pos[0]);
		return cli_fail(&err);
	}
	/* Prove the copy: it opens and its audit chain verifies. */
	struct audit_report audit;
	if (!(rc = cli_open_existing(a.pos[0], &d, &err)))
		rc = audit_verify(d, &audit, &err);
	db_close(d);
	if (rc)
		return cli_fail(&err);
	printf("backed up to %s; audit chain intact: %lld events\n", a.pos[0],
	       (long long)audit.count);
	return 0;
}

/* A whole number within [lo, hi], or -1. */
static int64_t count_arg(const char *s, int64_t lo, int64_t hi)
{
	char *end;
	long long v = s ? strtoll(s, &end, 10) : -1;
	return s && *s && !*end && v >= lo && v <= hi ? v : -1;
}

static void scale_progress(const struct demo_scale *o, const char *day)
{
	/* a line every hundred days, and the last */
	if (o->written % (o->per_day * 100) == 0 || o->written == o->cases) {
		printf("  %s  %lld cases\n", day, (long long)o->written);
		fflush(stdout);
	}
}

int cmd_history_bulk(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "db,cases,per-day", NULL, &a);
	if (rc || !cli_opt(&a, "db") || !cli_opt(&a, "cases") || a.npos)
		return EXIT_USAGE;
	struct demo_scale o = {.cases = count_arg(cli_opt(&a, "cases"), 1, 100000000),
			       .per_day = cli_opt(&a, "per-day")
						  ? count_arg(cli_opt(&a, "per-day"), 1, 999999)
						  : 10000,
			       .progress = scale_progress};
	if (o.cases < 0 || o.per_day < 0) {
		cli_failf("--cases must be from 1 to 100000000 and --per-day from 1 to 999999",
			  NULL);
		return EXIT_USAGE;
	}
	yc_config cfg;
	yc_config_defaults(&cfg);
	yc_err err;
	yc_err_clear(&err);
	db *d = NULL;
	int64_t counted = 0;
	if (!(rc = yc_config_load_env(&cfg, &err)) &&
	    !(rc = cli_open_existing(cli_opt(&a, "db"), &d, &err)) &&
	    !(rc = demo_scale_history(d, cfg.region_code, (int)cfg.tz_offset_min, &o, &err)))
		rc = cli_case_figures_rebuild(d, &counted, &err);
	db_close(d);
	if (rc)
		return cli_fail(&err);
	printf("added %lld cases; the figures counted from %lld\n", (long long)o.written,
	       (long long)counted);
	return 0;
}
