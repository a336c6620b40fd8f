/* calendar.c — the calendar's commands: add-workdays, is-workday, load. */
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
#include "lib/banned.h"

/* The calendar for CLI queries: the database's when --db is given, else the built-in one. */
static int cli_calendar(const struct args *a, calendar **out, yc_err *err)
{
	calendar *cal = calendar_new();
	int rc;
	if (cli_opt(a, "db")) {
		db *d = NULL;
		rc = cli_open_existing(cli_opt(a, "db"), &d, err);
		if (!rc)
			rc = calendar_load_db(cal, d, err);
		db_close(d);
	} else {
		rc = calendar_load_builtin(cal, err);
	}
	if (rc) {
		calendar_free(cal);
		return rc;
	}
	*out = cal;
	return 0;
}

int cmd_calendar_add_workdays(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "db", NULL, &a);
	if (rc || a.npos != 2)
		return EXIT_USAGE;
	int32_t from, to;
	char *end;
	long n = strtol(a.pos[1], &end, 10);
	if (yc_date_parse(a.pos[0], &from)) {
		fprintf(stderr, "yichuang: DATE must be YYYY-MM-DD\n");
		return EXIT_USAGE;
	}
	if (*end || end == a.pos[1] || n < 0 || n > 3660) {
		fprintf(stderr, "yichuang: N must be a whole number from 0 to 3660\n");
		return EXIT_USAGE;
	}
	yc_err err;
	yc_err_clear(&err);
	calendar *cal = NULL;
	if ((rc = cli_calendar(&a, &cal, &err)))
		return cli_fail(&err);
	rc = calendar_add_workdays(cal, from, (int)n, &to, &err);
	calendar_free(cal);
	if (rc)
		return cli_fail(&err);
	char out[16];
	yc_date_format(to, out, sizeof(out));
	printf("%s\n", out);
	return 0;
}

int cmd_calendar_is_workday(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "db", NULL, &a);
	if (rc || a.npos != 1)
		return EXIT_USAGE;
	int32_t day;
	if (yc_date_parse(a.pos[0], &day)) {
		fprintf(stderr, "yichuang: DATE must be YYYY-MM-DD\n");
		return EXIT_USAGE;
	}
	yc_err err;
	yc_err_clear(&err);
	calendar *cal = NULL;
	bool work;
	if ((rc = cli_calendar(&a, &cal, &err)))
		return cli_fail(&err);
	rc = calendar_is_workday(cal, day, &work, &err);
	calendar_free(cal);
	if (rc)
		return cli_fail(&err);
	printf("%s\n", work ? "yes" : "no");
	return 0;
}

static int calendar_load_write(db *d, void *arg, yc_err *err)
{
	return calendar_store_year(d, &audit_system_actor, arg, err);
}

int cmd_calendar_load(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "db", NULL, &a);
	if (rc || !cli_opt(&a, "db") || a.npos != 1)
		return EXIT_USAGE;
	size_t len;
	char *text = cli_read_file(a.pos[0], 1 << 20, &len);
	if (!text)
		return cli_failf("cannot read", a.pos[0]);
	yc_err err;
	yc_err_clear(&err);
	cJSON *j = NULL;
	struct cal_year y = {0};
	if (!(rc = yc_json_parse(text, len, &j, &err)) &&
	    !(rc = calendar_parse_year(j, 0, &y, &err)))
		rc = cli_write(cli_opt(&a, "db"), calendar_load_write, &y, &err);
	cJSON_Delete(j);
	free(text);
	free(y.days);
	if (rc)
		return cli_fail(&err);
	printf("loaded %d (%d listed days); running servers pick it up from the outbox\n", y.year,
	       y.ndays);
	return 0;
}
