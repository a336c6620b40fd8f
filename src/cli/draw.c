/*
 * draw.c — `yichuang draw verify RECORD`: a spot-check draw recomputed from
 * its published record alone (docs/draw.md), as anyone would, with no store.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/inspection/inspection.h"
#include "lib/banned.h"

enum { RECORD_MAX = 256 << 20 };

int cmd_draw_verify(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "", NULL, &a);
	if (rc || a.npos != 1)
		return EXIT_USAGE;
	size_t n;
	char *file = cli_read_file(a.pos[0], RECORD_MAX, &n);
	if (!file)
		return cli_failf("cannot read the record", a.pos[0]);
	yc_err err;
	yc_err_clear(&err);
	struct insp_check v;
	rc = insp_record_verify(file, n, &v, &err);
	free(file);
	if (rc)
		return cli_fail(&err);
	if (v.verdict != IV_MATCH) {
		printf("mismatch: %s\n", v.why);
		return 1;
	}
	printf("match: %zu entities in the list, %zu drawn, seed %s\n", v.entities, v.selected,
	       v.seed);
	return 0;
}
