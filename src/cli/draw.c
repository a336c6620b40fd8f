/*
 * draw.c — `yichuang draw verify RECORD`: a spot-check draw recomputed from
 * its published record alone (docs/draw.md), as anyone would, with no store.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "core/inspection/draw.h"
#include "core/inspection/inspection.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"
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

/*
 * `draw bench`: a stratified 3% draw with teams over N synthetic entities (a
 * province's roster), then the verification of its record, each timed on this
 * one thread: the lists parsed, the seed, the picks, the teams; the record's
 * JSON read, its lists hashed, the draw made again and compared.
 */
static double seconds_since(int64_t t0_us)
{
	return (double)(yc_mono_us() - t0_us) / 1e6;
}

int cmd_draw_bench(int argc, char **argv)
{
	struct args a;
	int rc = cli_parse_args(argc, argv, "entities,inspectors", NULL, &a);
	if (rc || a.npos)
		return EXIT_USAGE;
	long n = cli_opt(&a, "entities") ? strtol(cli_opt(&a, "entities"), NULL, 10) : 1000000;
	long m = cli_opt(&a, "inspectors") ? strtol(cli_opt(&a, "inspectors"), NULL, 10) : 400;
	if (n < 1 || n > 50000000 || m < 4 || m > 100000)
		return cli_failf("--entities 1…50,000,000, --inspectors 4…100,000", NULL);
	/* the lists as a plan freezes them: A 20%, B 60%, C 15%, D 5%; one in a hundred excludes
	 * two */
	yc_buf ents, insps;
	yc_buf_init(&ents, 0);
	yc_buf_init(&insps, 0);
	for (long i = 0; i < n; i++) {
		long r = (i * 7919) % 100;
		char cls = r < 20 ? 'A' : r < 80 ? 'B' : r < 95 ? 'C' : 'D';
		yc_buf_addf(&ents, "%s9137100%011ld,%c", i ? "\n" : "", i, cls);
		if (i % 100 == 7)
			yc_buf_addf(&ents, ",371%08ld;371%08ld", (i * 13) % m,
				    (i * 13) % m + 1 < m ? (i * 13) % m + 1 : 0);
	}
	for (long k = 0; k < m; k++)
		yc_buf_addf(&insps, "%s371%08ld,%s", k ? "\n" : "", k,
			    k % 3 ? "食品安全" : "特种设备;食品安全");
	yc_err err;
	yc_err_clear(&err);
	char eh[65], ih[65], hex[65], secret[65], commitment[65];
	static const char *const inputs[] = {"上证指数 3371.92", "骰子 4 6 1"};
	snprintf(secret, sizeof(secret), "%s",
		 "5e0c1f2a9d3b4c6e8f7a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60");
	yc_sm3_hex(secret, 64, commitment);
	struct draw_plan p = {.permille = {20, 30, 60, 150}, .nfields = 1, .team_size = 2};
	p.fields[0] = "食品安全";
	/* the draw */
	int64_t t0 = yc_mono_us();
	struct draw_lists l;
	struct draw_result res;
	unsigned char seed[32];
	yc_sm3_hex(ents.data, ents.len, eh);
	yc_sm3_hex(insps.data, insps.len, ih);
	draw_seed(secret, eh, ih, inputs, 2, seed, hex);
	rc = draw_lists_parse(ents.data, insps.data, &l, &err);
	if (!rc)
		rc = draw_run(seed, &l, &p, &res, &err);
	double draw_s = seconds_since(t0);
	if (rc) {
		yc_buf_release(&ents);
		yc_buf_release(&insps);
		return cli_fail(&err);
	}
	/* its record, as the server publishes it */
	yc_buf rec;
	yc_buf_init(&rec, 0);
	yc_buf_addf(
		&rec,
		"{\"format\":\"yichuang-draw/1\",\"plan\":{\"fields\":[\"食品安全\"],\"ratios\":"
		"{\"A\":20,\"B\":30,\"C\":60,\"D\":150},\"team_size\":2},\"commitment\":\"%s\","
		"\"entities\":{\"hash\":\"%s\",\"lines\":[",
		commitment, eh);
	for (size_t i = 0; i < l.nentities; i++) {
		yc_buf_addf(&rec, "%s\"%s,%c", i ? "," : "", l.entity[i], 'A' + l.cls[i]);
		if (l.excluded[i][0])
			yc_buf_addf(&rec, ",%s", l.excluded[i]);
		yc_buf_adds(&rec, "\"");
	}
	yc_buf_addf(&rec, "]},\"inspectors\":{\"hash\":\"%s\",\"lines\":[", ih);
	for (size_t k = 0; k < l.ninspectors; k++)
		yc_buf_addf(&rec, "%s\"%s,%s\"", k ? "," : "", l.inspector[k], l.fields[k]);
	yc_buf_addf(&rec,
		    "]},\"inputs\":[{\"name\":\"甲\",\"input\":\"%s\"},{\"name\":\"乙\",\"input\":"
		    "\"%s\"}],"
		    "\"secret\":\"%s\",\"seed\":\"%s\",\"result\":[",
		    inputs[0], inputs[1], secret, hex);
	for (size_t i = 0; i < res.n; i++) {
		yc_buf_addf(&rec, "%s{\"entity\":\"%s\",\"team\":[", i ? "," : "",
			    l.entity[res.entity[i]]);
		for (int t = 0; t < res.team_len; t++)
			yc_buf_addf(&rec, "%s\"%s\"", t ? "," : "",
				    l.inspector[res.team[i * (size_t)res.team_len + (size_t)t]]);
		yc_buf_adds(&rec, "]}");
	}
	yc_buf_adds(&rec, "]}");
	size_t picked = res.n;
	draw_result_free(&res);
	draw_lists_free(&l);
	/* its verification */
	t0 = yc_mono_us();
	struct insp_check v;
	rc = insp_record_verify(rec.data, rec.len, &v, &err);
	double verify_s = seconds_since(t0);
	printf("draw %ld entities, %ld inspectors: %zu drawn with teams in %.3f s; record %.1f MB "
	       "verified in %.3f s (%s)\n",
	       n, m, picked, draw_s, (double)rec.len / 1e6, verify_s,
	       rc		       ? err.message
	       : v.verdict == IV_MATCH ? "match"
				       : v.why);
	yc_buf_release(&rec);
	yc_buf_release(&ents);
	yc_buf_release(&insps);
	return rc || v.verdict != IV_MATCH;
}
