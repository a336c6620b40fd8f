/* serve.c — serve (the options, then app.c wires and runs the server); routes; version. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/account.h"
#include "db/db.h"
#include "http/router.h"
#include "lib/config.h"
#include "lib/log.h"
#include "cli/app.h"
#include "cli/cli.h"
#include "lib/banned.h"

int cmd_serve(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, NULL, NULL, &a);
	if (rc || a.npos)
		return EXIT_USAGE;
	static struct app app;
	yc_config *cfg = &app.http.cfg;
	yc_err err;
	yc_err_clear(&err);
	yc_config_defaults(cfg);
	if ((rc = yc_config_load_env(cfg, &err)))
		return cli_fail(&err);
	for (int i = 0; i < a.nopts; i++) {
		rc = yc_config_set(cfg, a.opt_name[i], a.opt_value[i], &err);
		if (rc == YC_ENOTFOUND) {
			fprintf(stderr, "yichuang: unknown option --%s\n", a.opt_name[i]);
			return EXIT_USAGE;
		}
		if (rc)
			return cli_fail(&err);
	}
	int level = !strcmp(cfg->log_level, "debug")   ? YC_LOG_DEBUG
		    : !strcmp(cfg->log_level, "warn")  ? YC_LOG_WARN
		    : !strcmp(cfg->log_level, "error") ? YC_LOG_ERROR
						       : YC_LOG_INFO;
	yc_log_set_level(level);
	if ((rc = app_open(&app, &err)))
		return cli_fail(&err);
	rc = app_run(&app, &err);
	app_close(&app);
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
				    ROLE_ADMIN, ROLE_BANK, ROLE_MONITOR, ROLE_ASSESSOR, ROLE_TERMINAL};
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
