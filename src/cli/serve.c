/* serve.c — serve: the server, its jobs and its dispatcher wired together; routes; version. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/account.h"
#include "core/audit.h"
#include "core/calendar.h"
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
#include "lib/banned.h"

/* After each commit on this node: wake the outbox dispatcher (a lost byte is harmless). */
static void kick_dispatcher(void *arg)
{
	yc_app *app = arg;
	ssize_t w = write(app->kick[1], "k", 1);
	(void)w;
}

int cmd_serve(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, NULL, NULL, &a);
	if (rc || a.npos)
		return EXIT_USAGE;
	static yc_app app;
	yc_err err;
	yc_err_clear(&err);
	yc_config_defaults(&app.cfg);
	if ((rc = yc_config_load_env(&app.cfg, &err)))
		return cli_fail(&err);
	for (int i = 0; i < a.nopts; i++) {
		rc = yc_config_set(&app.cfg, a.opt_name[i], a.opt_value[i], &err);
		if (rc == YC_ENOTFOUND) {
			fprintf(stderr, "yichuang: unknown option --%s\n", a.opt_name[i]);
			return EXIT_USAGE;
		}
		if (rc)
			return cli_fail(&err);
	}
	int level = !strcmp(app.cfg.log_level, "debug")	  ? YC_LOG_DEBUG
		    : !strcmp(app.cfg.log_level, "warn")  ? YC_LOG_WARN
		    : !strcmp(app.cfg.log_level, "error") ? YC_LOG_ERROR
							  : YC_LOG_INFO;
	yc_log_set_level(level);

	db *d = NULL;
	if ((rc = cli_open_existing(app.cfg.db, &d, &err)))
		return cli_fail(&err);
	app.schema_version = db_schema_version(d);
	app.backend = db_backend_name(d);
	app.cal = calendar_new();
	if ((rc = calendar_set_hours(app.cal, app.cfg.work_hours, &err)) ||
	    (rc = calendar_load_db(app.cal, d, &err))) {
		db_close(d);
		return cli_fail(&err);
	}
	catalog_minutes_per_workday = calendar_hours_per_day_min(app.cal);
	bool demo = account_any_demo(d);
	db_close(d);
	if (demo && !http_listen_loopback(&app) && !app.cfg.allow_demo)
		return cli_failf("demo accounts exist: refusing to serve a non-loopback address "
				 "without --allow-demo",
				 app.cfg.listen);
	if (!realpath(app.cfg.web, app.web_root))
		app.web_root[0] = '\0';
	app.metrics = metrics_new();
	app.limits = limits_new(&app.cfg);
	app.sessions = session_cache_new();
	if (!app.metrics || !app.limits || !app.sessions)
		return cli_failf("out of memory", NULL);
	if ((rc = db_pipeline_start(app.cfg.db, (int)app.cfg.batch_max, (int)app.cfg.writers,
				    &app.pipe, &err)))
		return cli_fail(&err);
	if (pipe2(app.kick, O_NONBLOCK | O_CLOEXEC))
		return cli_failf("cannot create a pipe", strerror(errno));
	db_pipeline_on_commit(app.pipe, kick_dispatcher, &app);
	struct scheduler *jobs = NULL;
	cli_contexts_init(&app.cfg, app.cal, &app.cases, &app.hall);
	if ((rc = scheduler_start(&app.cfg, &app.cases, &app.hall, app.pipe, &jobs, &err)))
		return cli_fail(&err);
	rc = http_serve(&app, &err);
	scheduler_stop(jobs);
	db_pipeline_stop(app.pipe);
	close(app.kick[0]);
	close(app.kick[1]);
	metrics_free(app.metrics);
	limits_free(app.limits);
	session_cache_free(app.sessions);
	calendar_free(app.cal);
	if (rc)
		return cli_fail(&err);
	yc_log(YC_LOG_INFO, "stopped cleanly");
	return 0;
}

int cmd_routes(int argc, char **argv)
{
	(void)argv;
	if (argc)
		return EXIT_USAGE;
	static const int roles[] = {ROLE_APPLICANT, ROLE_CLERK, ROLE_APPROVER, ROLE_SUPERVISOR,
				    ROLE_ADMIN};
	for (size_t i = 0; i < yc_nroutes; i++) {
		printf("%s %s ", router_method_name(yc_routes[i].method), yc_routes[i].pattern);
		if (!yc_routes[i].roles)
			printf("public");
		for (size_t k = 0, n = 0; k < sizeof(roles) / sizeof(roles[0]); k++)
			if (yc_routes[i].roles & roles[k])
				printf("%s%s", n++ ? "," : "", account_role_name(roles[k]));
		printf("\n");
	}
	return 0;
}

int cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc)
		return EXIT_USAGE;
	printf("yichuang %s (schema %d)\n", YC_VERSION, db_schema_latest());
	return 0;
}
