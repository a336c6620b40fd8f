/*
 * main.c — the yichuang command table. Each command parses its own options
 * with parse_args, does its work through core/ and db/, and returns an exit
 * code: 0 success, 1 runtime failure (one line on stderr), 2 usage error.
 */
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
#include "lib/banned.h"

enum { EXIT_USAGE = 2 };

struct command {
	const char *name;
	const char *sub; /* NULL for one-word commands */
	int (*run)(int argc, char **argv);
	const char *args;
	const char *summary;
};

/* ---- option parsing ---------------------------------------------------- */

struct args {
	const char *opt_name[16];
	const char *opt_value[16];
	int nopts;
	const char *pos[8];
	int npos;
};

/*
 * Splits argv into --name value options and positional arguments. flags
 * lists the options that take no value ("demo,allow-demo"); allowed lists
 * every option the command knows, or NULL for "any" (serve checks its own).
 */
static int parse_args(int argc, char **argv, const char *allowed, const char *flags, struct args *a)
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

static const char *opt(const struct args *a, const char *name)
{
	for (int i = a->nopts - 1; i >= 0; i--)
		if (!strcmp(a->opt_name[i], name))
			return a->opt_value[i];
	return NULL;
}

static int fail(const yc_err *err)
{
	if (err->field[0])
		fprintf(stderr, "yichuang: %s (field: %s)\n", err->message, err->field);
	else
		fprintf(stderr, "yichuang: %s\n", err->message);
	return 1;
}

static int failf(const char *msg, const char *detail)
{
	fprintf(stderr, "yichuang: %s%s%s\n", msg, detail ? ": " : "", detail ? detail : "");
	return 1;
}

static char *read_file(const char *path, size_t max, size_t *len)
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
static int open_existing(const char *uri, db **d, yc_err *err)
{
	struct stat st;
	const char *path = db_uri_path(uri);
	if (path && stat(path, &st) != 0)
		return yc_err_set(err, YC_ENOTFOUND, "db",
				  "no database at %s (create it with: yichuang init --db %s)", path, path);
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
				  "the database schema is version %d, this program needs %d: run yichuang migrate",
				  v, latest);
	}
	return 0;
}

/* Opens an existing database and runs fn(d, arg) in one transaction: committed or rolled back. */
static int cli_write(const char *uri, db_mutation_fn fn, void *arg, yc_err *err)
{
	db *d = NULL;
	int rc = open_existing(uri, &d, err);
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
static int parse_local_minute(const char *s, int64_t *out)
{
	char date[11];
	int32_t day;
	int hh, mm;
	if (strlen(s) != 16 || s[10] != 'T' || s[13] != ':' ||
	    strspn(s + 11, "0123456789") != 2 || strspn(s + 14, "0123456789") != 2)
		return YC_EINVAL;
	snprintf(date, sizeof(date), "%.10s", s);
	hh = (s[11] - '0') * 10 + (s[12] - '0');
	mm = (s[14] - '0') * 10 + (s[15] - '0');
	if (yc_date_parse(date, &day) || hh > 23 || mm > 59)
		return YC_EINVAL;
	*out = (int64_t)day * 1440 + hh * 60 + mm;
	return 0;
}

/* The case and hall settings from the configuration, on calendar cal. */
static void contexts_init(const yc_config *cfg, calendar *cal, struct case_ctx *cases,
			  struct hall_ctx *hall)
{
	*cases = (struct case_ctx){
		.cal = cal,
		.tz_offset_min = (int)cfg->tz_offset_min,
		.warn_days = (int)cfg->warn_days,
		.correction_days = (int)cfg->correction_days,
	};
	snprintf(cases->region, sizeof(cases->region), "%s", cfg->region_code);
	*hall = (struct hall_ctx){
		.cal = cal,
		.tz_offset_min = (int)cfg->tz_offset_min,
		.fairness_s = cfg->queue_fairness_s,
		.max_recalls = (int)cfg->max_recalls,
		.checkin_before_min = (int)cfg->checkin_before_min,
		.checkin_after_min = (int)cfg->checkin_after_min,
		.slot_minutes = (int)cfg->slot_minutes,
		.daily_limit = (int)cfg->appointment_daily_limit,
		.penalty_misses = (int)cfg->noshow_misses,
		.penalty_window_days = (int)cfg->noshow_window_days,
		.penalty_days = (int)cfg->noshow_days,
	};
	snprintf(hall->call_text, sizeof(hall->call_text), "%s", cfg->call_text);
}

/* ---- commands ---------------------------------------------------------- */

static int cmd_init(int argc, char **argv)
{
	struct args a;
	int rc = parse_args(argc, argv, "db,demo,history,seed,until", "demo", &a);
	if (rc || !opt(&a, "db") || a.npos)
		return EXIT_USAGE;
	/* the demo's past: recent (60 working days) unless told otherwise */
	struct demo_history hist = {.span = DEMO_HISTORY_RECENT, .seed = 1};
	int span = opt(&a, "history") ? demo_span_parse(opt(&a, "history")) : DEMO_HISTORY_RECENT;
	char *end = NULL;
	const char *seed = opt(&a, "seed");
	errno = 0;
	if (seed)
		hist.seed = strtoull(seed, &end, 10);
	bool bad_seed = seed && (!*seed || *end || errno || strspn(seed, "0123456789") != strlen(seed));
	/* --until YYYY-MM-DDTHH:MM (local): where the history ends, for a past that repeats */
	const char *until = opt(&a, "until");
	int64_t until_min = 0;
	if (until && parse_local_minute(until, &until_min))
		span = -1;
	if (span < 0 || bad_seed ||
	    (!opt(&a, "demo") && (opt(&a, "history") || opt(&a, "seed") || until))) {
		failf("--history (none, recent or year), --seed (a whole number) and --until "
		      "(YYYY-MM-DDTHH:MM, local time) go with --demo",
		      NULL);
		return EXIT_USAGE;
	}
	hist.span = (enum demo_span)span;
	const char *uri = opt(&a, "db");
	const char *path = db_uri_path(uri);
	struct stat st;
	if (path && stat(path, &st) == 0)
		return failf("refusing to overwrite an existing database", path);
	yc_err err;
	yc_err_clear(&err);
	db *d = NULL;
	calendar *cal = calendar_new();
	if ((rc = db_open(uri, DB_OPEN_CREATE, &d, &err)))
		goto out;
	if (db_schema_version(d) > 0) {
		rc = yc_err_set(&err, YC_EEXISTS, "db",
				"refusing to overwrite an existing database (it has a yichuang schema)");
		path = NULL; /* not ours to remove */
		goto out;
	}
	if ((rc = db_migrate(d, &err)) || (rc = calendar_load_builtin(cal, &err)))
		goto out;
	/* the demo's past runs on the server's settings; the district is set up the day before */
	bool past = opt(&a, "demo") && hist.span != DEMO_HISTORY_NONE;
	yc_config cfg;
	struct case_ctx cases;
	struct hall_ctx hall;
	if (past) {
		yc_config_defaults(&cfg);
		if ((rc = yc_config_load_env(&cfg, &err)) ||
		    (rc = calendar_set_hours(cal, cfg.work_hours, &err)))
			goto out;
		catalog_minutes_per_workday = calendar_hours_per_day_min(cal);
		contexts_init(&cfg, cal, &cases, &hall);
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
	if (!rc && opt(&a, "demo"))
		rc = demo_install(d, &err);
	if (!rc)
		rc = db_commit(d, &err);
	else
		db_rollback(d);
	yc_clock_set(0);
	/* the demo's past, written as the server would have written it */
	if (!rc && past) {
		int64_t t0 = yc_mono_us();
		rc = demo_history_write(d, &cases, &hall, &hist, &err);
		if (!rc)
			printf("demo history (%s, seed %llu): %lld working days, %lld cases with %lld "
			       "actions, %lld hall tickets, %lld appointments in %.1f s\n",
			       opt(&a, "history") ? opt(&a, "history") : "recent",
			       (unsigned long long)hist.seed, (long long)hist.days,
			       (long long)hist.cases, (long long)hist.actions, (long long)hist.tickets,
			       (long long)hist.appointments, (double)(yc_mono_us() - t0) / 1e6);
		if (!rc && hist.ends_early)
			printf("demo history: it ends with the last calendar year loaded; load next "
			       "year's notice (docs/calendar.md) for a past up to now\n");
		if (!rc && hist.held)
			printf("demo history: %lld steps wait for a calendar year that is not loaded"
			       " (docs/calendar.md: load next year's notice)\n",
			       (long long)hist.held);
	}
out:
	yc_clock_set(0);
	calendar_free(cal);
	db_close(d);
	if (rc) {
		if (path)
			unlink(path);
		return fail(&err);
	}
	printf("created %s (schema %d%s)\n", path ? path : "the PostgreSQL database", db_schema_latest(),
	       opt(&a, "demo") ? ", demo district" : "");
	return 0;
}

static int cmd_migrate(int argc, char **argv)
{
	struct args a;
	int rc = parse_args(argc, argv, "db", NULL, &a);
	if (rc || !opt(&a, "db") || a.npos)
		return EXIT_USAGE;
	yc_err err;
	yc_err_clear(&err);
	db *d = NULL;
	rc = db_open(opt(&a, "db"), 0, &d, &err);
	int before = rc ? 0 : db_schema_version(d);
	if (!rc)
		rc = db_migrate(d, &err);
	int after = rc ? 0 : db_schema_version(d);
	db_close(d);
	if (rc)
		return fail(&err);
	printf("schema version %d (was %d)\n", after, before);
	return 0;
}

/* After each commit on this node: wake the outbox dispatcher (a lost byte is harmless). */
static void kick_dispatcher(void *arg)
{
	yc_app *app = arg;
	ssize_t w = write(app->kick[1], "k", 1);
	(void)w;
}

static int cmd_serve(int argc, char **argv)
{
	struct args a;
	int rc = parse_args(argc, argv, NULL, NULL, &a);
	if (rc || a.npos)
		return EXIT_USAGE;
	static yc_app app;
	yc_err err;
	yc_err_clear(&err);
	yc_config_defaults(&app.cfg);
	if ((rc = yc_config_load_env(&app.cfg, &err)))
		return fail(&err);
	for (int i = 0; i < a.nopts; i++) {
		rc = yc_config_set(&app.cfg, a.opt_name[i], a.opt_value[i], &err);
		if (rc == YC_ENOTFOUND) {
			fprintf(stderr, "yichuang: unknown option --%s\n", a.opt_name[i]);
			return EXIT_USAGE;
		}
		if (rc)
			return fail(&err);
	}
	int level = !strcmp(app.cfg.log_level, "debug")	  ? YC_LOG_DEBUG
		    : !strcmp(app.cfg.log_level, "warn")  ? YC_LOG_WARN
		    : !strcmp(app.cfg.log_level, "error") ? YC_LOG_ERROR
							  : YC_LOG_INFO;
	yc_log_set_level(level);

	db *d = NULL;
	if ((rc = open_existing(app.cfg.db, &d, &err)))
		return fail(&err);
	app.schema_version = db_schema_version(d);
	app.backend = db_backend_name(d);
	app.cal = calendar_new();
	if ((rc = calendar_set_hours(app.cal, app.cfg.work_hours, &err)) ||
	    (rc = calendar_load_db(app.cal, d, &err))) {
		db_close(d);
		return fail(&err);
	}
	catalog_minutes_per_workday = calendar_hours_per_day_min(app.cal);
	bool demo = account_any_demo(d);
	db_close(d);
	if (demo && !http_listen_loopback(&app) && !app.cfg.allow_demo)
		return failf("demo accounts exist: refusing to serve a non-loopback address "
			     "without --allow-demo",
			     app.cfg.listen);
	if (!realpath(app.cfg.web, app.web_root))
		app.web_root[0] = '\0';
	app.metrics = metrics_new();
	app.limits = limits_new(&app.cfg);
	app.sessions = session_cache_new();
	if (!app.metrics || !app.limits || !app.sessions)
		return failf("out of memory", NULL);
	if ((rc = db_pipeline_start(app.cfg.db, (int)app.cfg.batch_max, (int)app.cfg.writers,
				     &app.pipe, &err)))
		return fail(&err);
	if (pipe2(app.kick, O_NONBLOCK | O_CLOEXEC))
		return failf("cannot create a pipe", strerror(errno));
	db_pipeline_on_commit(app.pipe, kick_dispatcher, &app);
	struct scheduler *jobs = NULL;
	contexts_init(&app.cfg, app.cal, &app.cases, &app.hall);
	if ((rc = scheduler_start(&app.cfg, &app.cases, &app.hall, app.pipe, &jobs, &err)))
		return fail(&err);
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
		return fail(&err);
	yc_log(YC_LOG_INFO, "stopped cleanly");
	return 0;
}

struct user_add {
	const struct account_new *n;
	char hash[YC_PASSWORD_HASH_MAX];
};

static int user_add_write(db *d, void *arg, yc_err *err)
{
	struct user_add *u = arg;
	return account_insert(d, &audit_system_actor, u->n, u->hash, NULL, err);
}

static int cmd_user_add(int argc, char **argv)
{
	struct args a;
	int rc = parse_args(argc, argv, "db,role,name,department,office,phone,kind,id-number", NULL,
			    &a);
	if (rc || !opt(&a, "db") || !opt(&a, "role") || a.npos != 1)
		return EXIT_USAGE;
	char password[256];
	if (!fgets(password, sizeof(password), stdin))
		return failf("give the password on standard input", NULL);
	password[strcspn(password, "\r\n")] = '\0';
	struct account_new n = {
		.username = a.pos[0],
		.password = password,
		.role = opt(&a, "role"),
		.name = opt(&a, "name") ? opt(&a, "name") : a.pos[0],
		.kind = opt(&a, "kind"),
		.id_number = opt(&a, "id-number"),
		.phone = opt(&a, "phone"),
		.department = opt(&a, "department"),
		.office = opt(&a, "office"),
	};
	yc_err err;
	yc_err_clear(&err);
	struct user_add u = {.n = &n};
	if ((rc = account_validate(&n, &err)) || (rc = account_hash_password(password, u.hash, &err)) ||
	    (rc = cli_write(opt(&a, "db"), user_add_write, &u, &err)))
		return fail(&err);
	printf("added %s (%s)\n", n.username, n.role);
	return 0;
}

struct import {
	cJSON *all;
	int count;
};

static int import_write(db *d, void *arg, yc_err *err)
{
	struct import *im = arg;
	return catalog_import(d, &audit_system_actor, im->all, &im->count, err);
}

static int cmd_catalog_import(int argc, char **argv)
{
	struct args a;
	int rc = parse_args(argc, argv, "db", NULL, &a);
	if (rc || !opt(&a, "db") || a.npos != 1)
		return EXIT_USAGE;
	size_t len;
	char *text = read_file(a.pos[0], 256u << 20, &len);
	if (!text)
		return failf("cannot read", a.pos[0]);
	yc_err err;
	yc_err_clear(&err);
	struct import im = {NULL, 0};
	rc = yc_json_parse(text, len, &im.all, &err);
	free(text);
	if (!rc)
		rc = cli_write(opt(&a, "db"), import_write, &im, &err);
	cJSON_Delete(im.all);
	if (rc)
		return fail(&err);
	int count = im.count;
	printf("imported %d items\n", count);
	return 0;
}

static int hall_import_write(db *d, void *arg, yc_err *err)
{
	return hall_import(d, arg, err);
}

/* Loads a hall's layout: zones, categories (with their items) and windows (with who may staff them). */
static int cmd_hall_import(int argc, char **argv)
{
	struct args a;
	int rc = parse_args(argc, argv, "db", NULL, &a);
	if (rc || !opt(&a, "db") || a.npos != 1)
		return EXIT_USAGE;
	size_t len;
	char *text = read_file(a.pos[0], 16u << 20, &len);
	if (!text)
		return failf("cannot read", a.pos[0]);
	yc_err err;
	yc_err_clear(&err);
	cJSON *hall = NULL;
	rc = yc_json_parse(text, len, &hall, &err);
	free(text);
	if (!rc)
		rc = cli_write(opt(&a, "db"), hall_import_write, hall, &err);
	int windows = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(hall, "windows"));
	cJSON_Delete(hall);
	if (rc)
		return fail(&err);
	printf("imported the hall: %d windows\n", windows);
	return 0;
}

static int cmd_catalog_export(int argc, char **argv)
{
	struct args a;
	int rc = parse_args(argc, argv, "db", NULL, &a);
	if (rc || !opt(&a, "db") || a.npos != 1)
		return EXIT_USAGE;
	yc_err err;
	yc_err_clear(&err);
	db *d = NULL;
	yc_buf b;
	yc_buf_init(&b, 0);
	if (!(rc = open_existing(opt(&a, "db"), &d, &err)))
		rc = catalog_export(d, &b, &err);
	db_close(d);
	if (rc) {
		yc_buf_release(&b);
		return fail(&err);
	}
	FILE *f = strcmp(a.pos[0], "-") ? fopen(a.pos[0], "wb") : stdout;
	if (!f || fwrite(b.data, 1, b.len, f) != b.len || fputc('\n', f) == EOF ||
	    (f != stdout && fclose(f))) {
		yc_buf_release(&b);
		return failf("cannot write", a.pos[0]);
	}
	yc_buf_release(&b);
	return 0;
}

static int cmd_catalog_generate(int argc, char **argv)
{
	struct args a;
	int rc = parse_args(argc, argv, "count,seed", NULL, &a);
	if (rc || a.npos != 1)
		return EXIT_USAGE;
	int count = opt(&a, "count") ? atoi(opt(&a, "count")) : 1000;
	if (count < 1 || count > 1000000)
		return failf("--count must be from 1 to 1000000", NULL);
	cJSON *all = catalog_generate(count, opt(&a, "seed") ? (unsigned)atoi(opt(&a, "seed")) : 1);
	char *text = all ? cJSON_PrintUnformatted(all) : NULL;
	cJSON_Delete(all);
	FILE *f = strcmp(a.pos[0], "-") ? fopen(a.pos[0], "wb") : stdout;
	rc = !text || !f || fputs(text, f) == EOF || (f != stdout && fclose(f));
	cJSON_free(text);
	return rc ? failf("cannot write", a.pos[0]) : 0;
}

/* The calendar for CLI queries: the database's when --db is given, else the built-in one. */
static int cli_calendar(const struct args *a, calendar **out, yc_err *err)
{
	calendar *cal = calendar_new();
	int rc;
	if (opt(a, "db")) {
		db *d = NULL;
		rc = open_existing(opt(a, "db"), &d, err);
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

static int cmd_calendar_add_workdays(int argc, char **argv)
{
	struct args a;
	int rc = parse_args(argc, argv, "db", NULL, &a);
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
		return fail(&err);
	rc = calendar_add_workdays(cal, from, (int)n, &to, &err);
	calendar_free(cal);
	if (rc)
		return fail(&err);
	char out[16];
	yc_date_format(to, out, sizeof(out));
	printf("%s\n", out);
	return 0;
}

static int cmd_calendar_is_workday(int argc, char **argv)
{
	struct args a;
	int rc = parse_args(argc, argv, "db", NULL, &a);
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
		return fail(&err);
	rc = calendar_is_workday(cal, day, &work, &err);
	calendar_free(cal);
	if (rc)
		return fail(&err);
	printf("%s\n", work ? "yes" : "no");
	return 0;
}

static int calendar_load_write(db *d, void *arg, yc_err *err)
{
	return calendar_store_year(d, &audit_system_actor, arg, err);
}

static int cmd_calendar_load(int argc, char **argv)
{
	struct args a;
	int rc = parse_args(argc, argv, "db", NULL, &a);
	if (rc || !opt(&a, "db") || a.npos != 1)
		return EXIT_USAGE;
	size_t len;
	char *text = read_file(a.pos[0], 1 << 20, &len);
	if (!text)
		return failf("cannot read", a.pos[0]);
	yc_err err;
	yc_err_clear(&err);
	cJSON *j = NULL;
	struct cal_year y = {0};
	if (!(rc = yc_json_parse(text, len, &j, &err)) && !(rc = calendar_parse_year(j, 0, &y, &err)))
		rc = cli_write(opt(&a, "db"), calendar_load_write, &y, &err);
	cJSON_Delete(j);
	free(text);
	free(y.days);
	if (rc)
		return fail(&err);
	printf("loaded %d (%d listed days); running servers pick it up from the outbox\n", y.year,
	       y.ndays);
	return 0;
}

static int cmd_audit_verify(int argc, char **argv)
{
	struct args a;
	int rc = parse_args(argc, argv, "db", NULL, &a);
	if (rc || !opt(&a, "db") || a.npos)
		return EXIT_USAGE;
	yc_err err;
	yc_err_clear(&err);
	db *d = NULL;
	struct audit_report rep;
	if ((rc = open_existing(opt(&a, "db"), &d, &err)))
		return fail(&err);
	rc = audit_verify(d, &rep, &err);
	db_close(d);
	if (rc)
		return fail(&err);
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
		return yc_err_set(err, YC_EEXISTS, "to", "the target already has a yichuang schema");
	}
	return db_migrate(*out, err);
}

static int cmd_copy(int argc, char **argv)
{
	struct args a;
	int rc = parse_args(argc, argv, "from,to", NULL, &a);
	if (rc || !opt(&a, "from") || !opt(&a, "to") || a.npos)
		return EXIT_USAGE;
	yc_err err;
	yc_err_clear(&err);
	db *from = NULL, *to = NULL;
	yc_buf report;
	yc_buf_init(&report, 0);
	struct audit_report audit;
	if (!(rc = open_existing(opt(&a, "from"), &from, &err)) &&
	    !(rc = open_copy_target(opt(&a, "to"), &to, &err)))
		rc = db_copy(from, to, &report, &err);
	if (!rc)
		rc = audit_verify(to, &audit, &err);
	fputs(report.data, stdout);
	yc_buf_release(&report);
	db_close(from);
	db_close(to);
	if (rc)
		return fail(&err);
	printf("copied; audit chain on the target intact: %lld events\n", (long long)audit.count);
	return 0;
}

static int cmd_backup(int argc, char **argv)
{
	struct args a;
	int rc = parse_args(argc, argv, "db", NULL, &a);
	if (rc || !opt(&a, "db") || a.npos != 1)
		return EXIT_USAGE;
	struct stat st;
	if (stat(a.pos[0], &st) == 0)
		return failf("refusing to overwrite", a.pos[0]);
	yc_err err;
	yc_err_clear(&err);
	db *d = NULL;
	if (!(rc = open_existing(opt(&a, "db"), &d, &err)))
		rc = db_backup(d, a.pos[0], &err);
	db_close(d);
	if (rc) {
		unlink(a.pos[0]);
		return fail(&err);
	}
	/* Prove the copy: it opens and its audit chain verifies. */
	struct audit_report audit;
	if (!(rc = open_existing(a.pos[0], &d, &err)))
		rc = audit_verify(d, &audit, &err);
	db_close(d);
	if (rc)
		return fail(&err);
	printf("backed up to %s; audit chain intact: %lld events\n", a.pos[0], (long long)audit.count);
	return 0;
}

static int cmd_routes(int argc, char **argv)
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

static int cmd_version(int argc, char **argv)
{
	(void)argv;
	if (argc)
		return EXIT_USAGE;
	printf("yichuang %s (schema %d)\n", YC_VERSION, db_schema_latest());
	return 0;
}

static const struct command commands[] = {
	{"init", NULL, cmd_init,
	 "--db PATH [--demo [--history none|recent|year] [--seed N] [--until YYYY-MM-DDTHH:MM]]",
	 "create a database (with --demo: the demo district and its last 60 working days;"
	 " --history none: no past, year: 250 working days; the same seed, the same past)"},
	{"serve", NULL, cmd_serve,
	 "[--db PATH] [--listen ADDR:PORT] [--threads N] [--web DIR] [...]", "run the server"},
	{"migrate", NULL, cmd_migrate, "--db PATH", "bring a database to the newest schema"},
	{"user", "add", cmd_user_add,
	 "--db PATH --role ROLE [--name N] [--department D] [--office O] USERNAME  (password on "
	 "stdin)",
	 "add an account"},
	{"catalog", "import", cmd_catalog_import, "--db PATH FILE",
	 "import departments, offices and items (JSON)"},
	{"hall", "import", cmd_hall_import, "--db PATH FILE",
	 "load the hall's zones, categories and windows (docs/operations.md)"},
	{"catalog", "export", cmd_catalog_export, "--db PATH FILE",
	 "export the catalog (JSON; - for stdout)"},
	{"catalog", "generate", cmd_catalog_generate, "[--count N] [--seed S] FILE",
	 "write a synthetic catalog for benchmarks"},
	{"calendar", "add-workdays", cmd_calendar_add_workdays, "DATE N [--db PATH]",
	 "print the date N working days after DATE"},
	{"calendar", "is-workday", cmd_calendar_is_workday, "DATE [--db PATH]", "print yes or no"},
	{"calendar", "load", cmd_calendar_load, "--db PATH FILE",
	 "load one year's notice (docs/calendar.md)"},
	{"audit", "verify", cmd_audit_verify, "--db PATH", "check the audit hash chain"},
	{"copy", NULL, cmd_copy, "--from PATH_OR_URI --to PATH_OR_URI",
	 "copy a whole database to another (e.g. SQLite to PostgreSQL), checked by row counts and audit verify"},
	{"backup", NULL, cmd_backup, "--db PATH OUT", "a consistent online copy of a SQLite database"},
	{"routes", NULL, cmd_routes, "", "list the HTTP routes with the roles allowed"},
	{"version", NULL, cmd_version, "", "print the version"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage_of(FILE *out, const struct command *c)
{
	fprintf(out, "usage: yichuang %s%s%s %s\n  %s\n", c->name, c->sub ? " " : "",
		c->sub ? c->sub : "", c->args, c->summary);
	if (!strcmp(c->name, "serve")) {
		fprintf(out, "options (also from YC_<NAME> environment variables):\n");
		yc_config_usage(out);
	}
}

static void usage(FILE *out)
{
	fprintf(out,
		"yichuang %s — one window, one network: a government service platform\n\n"
		"commands:\n",
		YC_VERSION);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		char name[48];
		snprintf(name, sizeof(name), "%s%s%s", commands[i].name, commands[i].sub ? " " : "",
			 commands[i].sub ? commands[i].sub : "");
		fprintf(out, "  %-22s %s\n", name, commands[i].summary);
	}
	fprintf(out, "\n'yichuang COMMAND --help' shows a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const struct command *c = &commands[i];
		if (strcmp(c->name, argv[1]))
			continue;
		int skip = 2;
		if (c->sub) {
			if (argc < 3 || strcmp(c->sub, argv[2]))
				continue;
			skip = 3;
		}
		for (int k = skip; k < argc; k++)
			if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
				usage_of(stdout, c);
				return 0;
			}
		int rc = c->run(argc - skip, argv + skip);
		if (rc == EXIT_USAGE)
			usage_of(stderr, c);
		return rc;
	}
	fprintf(stderr, "yichuang: unknown command '%s%s%s'\n", argv[1], argc > 2 ? " " : "",
		argc > 2 ? argv[2] : "");
	usage(stderr);
	return EXIT_USAGE;
}
