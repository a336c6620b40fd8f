/*
 * main.c — the yichuang command table. Each command (src/cli/, one file per
 * family) parses its own options with cli_parse_args, does its work through
 * core/ and db/, and returns an exit code: 0 success, 1 runtime failure (one
 * line on stderr), 2 usage error.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/config.h"
#include "lib/banned.h"

struct command {
	const char *name;
	const char *sub; /* NULL for one-word commands */
	int (*run)(int argc, char **argv);
	const char *args;
	const char *summary;
};

static const struct command commands[] = {
	{"init", NULL, cmd_init,
	 "--db PATH [--demo [--history none|recent|year] [--seed N] [--until YYYY-MM-DDTHH:MM]]",
	 "create a database (with --demo: the demo district and its last 60 working days;"
	 " --history none: no past, year: the last whole calendar year; the same seed, the same past)"},
	{"serve", NULL, cmd_serve,
	 "[--db PATH] [--listen ADDR:PORT] [--threads N] [--web DIR] [...]", "run the server"},
	{"migrate", NULL, cmd_migrate, "--db PATH", "bring a database to the newest schema"},
	{"user", "add", cmd_user_add,
	 "--db PATH --role ROLE [--name N] [--department D] [--office O] [--outlet B] USERNAME  "
	 "(password on stdin; role bank: --outlet)",
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
	{"cert", "verify", cmd_cert_verify,
	 "FILE (--trust TRUST.json [--status STATUS.json] | --db PATH) [--at YYYY-MM-DDTHH:MM]",
	 "verify a certificate file offline: signature, chain, status (exit 0 only when valid)"},
	{"cert", "trust", cmd_cert_trust, "--db PATH", "print the trust list (the keys verifiers trust)"},
	{"cert", "status", cmd_cert_status, "--db PATH",
	 "print a signed status list of the certificates no longer good"},
	{"cert", "bench", cmd_cert_bench, "[--seconds N]",
	 "SM2 signatures and verifications a second, as issuing and checking make them"},
	{"guide", "ask", cmd_guide_ask, "--db PATH QUESTION",
	 "answer a question as the guide (智能导服) does, as JSON"},
	{"guide", "eval", cmd_guide_eval, "--db PATH [--set tune|held] [--verbose] FILE",
	 "the guide's top-1 and top-3 accuracy over a question set (data/guide/questions.json)"},
	{"negative-list", "import", cmd_fdi_import, "--db PATH FILE",
	 "import an edition of the foreign-investment negative list (data/negative-list/ shows the "
	 "shape; all or nothing)"},
	{"draw", "verify", cmd_draw_verify, "RECORD",
	 "recompute a spot-check draw from its published record (docs/draw.md; exit 0 only when it "
	 "matches)"},
	{"draw", "bench", cmd_draw_bench, "[--entities N] [--inspectors M]",
	 "a stratified 3% draw with teams over N entities, and its record's verification, timed"},
	{"history", "bulk", cmd_history_bulk, "--db PATH --cases N [--per-day N]",
	 "add N closed cases with their events on the working days before the store's first,"
	 " copied from its closed cases (a province's years, for make bench-scale)"},
	{"audit", "verify", cmd_audit_verify, "--db PATH", "check the audit hash chain"},
	{"copy", NULL, cmd_copy, "--from PATH_OR_URI --to PATH_OR_URI [--from-keyring F] [--keyring F]",
	 "copy a whole database to another (e.g. SQLite to PostgreSQL), checked by row counts and audit verify;"
	 " the certificate keys sealed again for the target's keyring"},
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
