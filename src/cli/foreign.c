/*
 * foreign.c — the negative list from the command line: an edition imported (all or nothing,
 * the first bad measure named), and an investment checked against the edition in force.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/foreign/foreign.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static int import_write(db *d, void *arg, yc_err *err)
{
	return fdi_edition_put(d, &audit_system_actor, arg, err);
}

int cmd_fdi_import(int argc, char **argv)
{
	struct args a;
	if (cli_parse_args(argc, argv, "db", NULL, &a) || !cli_opt(&a, "db") || a.npos != 1)
		return EXIT_USAGE;
	size_t len;
	char *text = cli_read_file(a.pos[0], 4 << 20, &len);
	if (!text)
		return cli_failf("cannot read", a.pos[0]);
	yc_err err;
	yc_err_clear(&err);
	cJSON *doc = NULL;
	int rc = yc_json_parse(text, len, &doc, &err);
	free(text);
	if (!rc && !(rc = fdi_edition_check(doc, &err)))
		rc = cli_write(cli_opt(&a, "db"), import_write, doc, &err);
	if (!rc)
		printf("imported edition %s (%d measures, in force from %s)\n",
		       yc_json_str(doc, "edition"),
		       cJSON_GetArraySize(cJSON_GetObjectItem(doc, "measures")),
		       yc_json_str(doc, "effective"));
	cJSON_Delete(doc);
	return rc ? cli_fail(&err) : 0;
}
