/* common.c — what every command shares: options, errors, files, the store and the contexts. */
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

/*
 * Splits argv into --name value options and positional arguments. flags
 * lists the options that take no value ("demo,allow-demo"); allowed lists
 * every option the command knows, or NULL for "any" (serve checks its own).
 */
int cli_parse_args(int argc, char **argv, const char *allowed, const char *flags, struct args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < argc; i++) {
		const char *s = argv[i];
		if (s[0] == '-' && s[1] == '-' && s[2]) {
			/* --name value, --name=value, or a bare --flag */
			static char names[16][64];
			const char *name = s + 2;
			const char *eq = strchr(name, '=');
			if (eq) {
				if (a->nopts == 16 || (size_t)(eq - name) >= sizeof(names[0]))
					return EXIT_USAGE;
				memcpy(names[a->nopts], name, (size_t)(eq - name));
				names[a->nopts][eq - name] = '\0';
				name = names[a->nopts];
			}
			char key[80];
			snprintf(key, sizeof(key), ",%s,", name);
			char list[512];
			snprintf(list, sizeof(list), ",%s,", allowed ? allowed : "");
			if (allowed && !strstr(list, key)) {
				fprintf(stderr, "yichuang: unknown option --%s\n", name);
				return EXIT_USAGE;
			}
			snprintf(list, sizeof(list), ",%s,", flags ? flags : "");
			bool flag = strstr(list, key) || (!allowed && yc_config_is_flag(name));
			if (a->nopts == 16)
				return EXIT_USAGE;
			a->opt_name[a->nopts] = name;
			if (eq) {
				a->opt_value[a->nopts++] = eq + 1;
			} else if (flag) {
				a->opt_value[a->nopts++] = "true";
			} else {
				if (i + 1 >= argc) {
					fprintf(stderr, "yichuang: --%s needs a value\n", name);
					return EXIT_USAGE;
				}
				a->opt_value[a->nopts++] = argv[++i];
			}
		} else {
			if (a->npos == 8)
				return EXIT_USAGE;
			a->pos[a->npos++] = s;
		}
	}
	return 0;
}

const char *cli_opt(const struct args *a, const char *name)
{
	for (int i = a->nopts - 1; i >= 0; i--)
		if (!strcmp(a->opt_name[i], name))
			return a->opt_value[i];
	return NULL;
}

int cli_fail(const yc_err *err)
{
	if (err->field[0])
		fprintf(stderr, "yichuang: %s (field: %s)\n", err->message, err->field);
	else
		fprintf(stderr, "yichuang: %s\n", err->message);
	return 1;
}

int cli_failf(const char *msg, const char *detail)
{
	fprintf(stderr, "yichuang: %s%s%s\n", msg, detail ? ": " : "", detail ? detail : "");
	return 1;
}

char *cli_read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return NULL;
	yc_buf b;
	yc_buf_init(&b, max);
	char chunk[65536];
	size_t n;
	int rc = 0;
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = yc_buf_add(&b, chunk, n);
	if (f != stdin)
		fclose(f);
	if (rc) {
		yc_buf_release(&b);
		errno = EFBIG;
		return NULL;
	}
	return yc_buf_detach(&b, len);
}

/* Opens a database that must exist and be at the newest schema. */
int cli_open_existing(const char *uri, db **d, yc_err *err)
{
	struct stat st;
	const char *path = db_uri_path(uri);
	if (path && stat(path, &st) != 0)
		return yc_err_set(err, YC_ENOTFOUND, "db",
				  "no database at %s (create it with: yichuang init --db %s)", path,
				  path);
	int rc = db_open(uri, 0, d, err);
	if (rc)
		return rc;
	int v = db_schema_version(*d), latest = db_schema_latest();
	if (v < latest) {
		db_close(*d);
		*d = NULL;
		if (v == 0)
			return yc_err_set(err, YC_ENOTFOUND, "db",
					  "the database has no yichuang schema: run yichuang init");
		return yc_err_set(err, YC_EINVAL, "db",
				  "the database schema is version %d, this program needs %d: run "
				  "yichuang migrate",
				  v, latest);
	}
	return 0;
}

/* Opens an existing database and runs fn(d, arg) in one transaction: committed or rolled back. */
int cli_write(const char *uri, db_mutation_fn fn, void *arg, yc_err *err)
{
	db *d = NULL;
	int rc = cli_open_existing(uri, &d, err);
	if (!rc)
		rc = db_begin(d, err);
	if (!rc) {
		rc = fn(d, arg, err);
		if (!rc)
			rc = db_commit(d, err);
		else
			db_rollback(d);
	}
	db_close(d);
	return rc;
}

/* "YYYY-MM-DDTHH:MM" as local minutes since 1970-01-01 00:00; YC_EINVAL when it is not one. */
int cli_parse_local_minute(const char *s, int64_t *out)
{
	char date[11];
	int32_t day;
	int hh, mm;
	if (strlen(s) != 16 || s[10] != 'T' || s[13] != ':' || strspn(s + 11, "0123456789") != 2 ||
	    strspn(s + 14, "0123456789") != 2)
		return YC_EINVAL;
	snprintf(date, sizeof(date), "%.10s", s);
	hh = (s[11] - '0') * 10 + (s[12] - '0');
	mm = (s[14] - '0') * 10 + (s[15] - '0');
	if (yc_date_parse(date, &day) || hh > 23 || mm > 59)
		return YC_EINVAL;
	*out = (int64_t)day * 1440 + hh * 60 + mm;
	return 0;
}
