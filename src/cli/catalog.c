/* catalog.c — the catalog's and the hall's import, export and the synthetic catalog. */
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
#include "core/process/process.h"
#include "lib/banned.h"

struct import {
	cJSON *all;
	int count, processes;
};

/* The catalog, then its processes (which join its items): one transaction, all or nothing. */
static int import_write(db *d, void *arg, yc_err *err)
{
	struct import *im = arg;
	int rc = catalog_import(d, &audit_system_actor, im->all, &im->count, err);
	const cJSON *processes = cJSON_GetObjectItemCaseSensitive(im->all, "processes");
	if (!rc && processes && !cJSON_IsArray(processes))
		return yc_err_set(err, YC_EINVAL, "processes", "processes must be an array");
	return rc ? rc
		  : process_import(d, &audit_system_actor, processes, &im->processes, err);
}

int cmd_catalog_import(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "db", NULL, &a);
	if (rc || !cli_opt(&a, "db") || a.npos != 1)
		return EXIT_USAGE;
	size_t len;
	char *text = cli_read_file(a.pos[0], 256u << 20, &len);
	if (!text)
		return cli_failf("cannot read", a.pos[0]);
	yc_err err;
	yc_err_clear(&err);
	struct import im = {NULL, 0, 0};
	rc = yc_json_parse(text, len, &im.all, &err);
	free(text);
	if (!rc)
		rc = cli_write(cli_opt(&a, "db"), import_write, &im, &err);
	cJSON_Delete(im.all);
	if (rc)
		return cli_fail(&err);
	printf("imported %d items", im.count);
	if (im.processes)
		printf(" and %d processes", im.processes);
	printf("\n");
	return 0;
}

static int hall_import_write(db *d, void *arg, yc_err *err)
{
	return hall_import(d, arg, err);
}

/* Loads a hall's layout: zones, categories (with their items) and windows (with who may staff
 * them). */
int cmd_hall_import(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "db", NULL, &a);
	if (rc || !cli_opt(&a, "db") || a.npos != 1)
		return EXIT_USAGE;
	size_t len;
	char *text = cli_read_file(a.pos[0], 16u << 20, &len);
	if (!text)
		return cli_failf("cannot read", a.pos[0]);
	yc_err err;
	yc_err_clear(&err);
	cJSON *hall = NULL;
	rc = yc_json_parse(text, len, &hall, &err);
	free(text);
	if (!rc)
		rc = cli_write(cli_opt(&a, "db"), hall_import_write, hall, &err);
	int windows = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(hall, "windows"));
	cJSON_Delete(hall);
	if (rc)
		return cli_fail(&err);
	printf("imported the hall: %d windows\n", windows);
	return 0;
}

int cmd_catalog_export(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "db", NULL, &a);
	if (rc || !cli_opt(&a, "db") || a.npos != 1)
		return EXIT_USAGE;
	yc_err err;
	yc_err_clear(&err);
	db *d = NULL;
	yc_buf b;
	yc_buf_init(&b, 0);
	if (!(rc = cli_open_existing(cli_opt(&a, "db"), &d, &err)))
		rc = catalog_export(d, &b, &err);
	/* the processes after the items they join: {"departments", "offices", "items", "processes"} */
	if (!rc && b.len && b.data[b.len - 1] == '}') {
		b.len--;
		yc_buf_adds(&b, ",\"processes\":");
		if (!(rc = process_export(d, &b, &err)))
			rc = yc_buf_addc(&b, '}');
	}
	db_close(d);
	if (rc) {
		yc_buf_release(&b);
		return cli_fail(&err);
	}
	FILE *f = strcmp(a.pos[0], "-") ? fopen(a.pos[0], "wb") : stdout;
	if (!f || fwrite(b.data, 1, b.len, f) != b.len || fputc('\n', f) == EOF ||
	    (f != stdout && fclose(f))) {
		yc_buf_release(&b);
		return cli_failf("cannot write", a.pos[0]);
	}
	yc_buf_release(&b);
	return 0;
}

int cmd_catalog_generate(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "count,seed", NULL, &a);
	if (rc || a.npos != 1)
		return EXIT_USAGE;
	int count = cli_opt(&a, "count") ? atoi(cli_opt(&a, "count")) : 1000;
	if (count < 1 || count > 1000000)
		return cli_failf("--count must be from 1 to 1000000", NULL);
	cJSON *all = catalog_generate(
		count, cli_opt(&a, "seed") ? (unsigned)atoi(cli_opt(&a, "seed")) : 1);
	char *text = all ? cJSON_PrintUnformatted(all) : NULL;
	cJSON_Delete(all);
	FILE *f = strcmp(a.pos[0], "-") ? fopen(a.pos[0], "wb") : stdout;
	rc = !text || !f || fputs(text, f) == EOF || (f != stdout && fclose(f));
	cJSON_free(text);
	return rc ? cli_failf("cannot write", a.pos[0]) : 0;
}
