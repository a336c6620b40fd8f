/*
 * Unit tests of the draw's teams and lists (core/inspection/draw.c) against a
 * vector from a second implementation written from docs/draw.md alone; the
 * picks unbiased position by position (chi-square over many seeds); recusal and
 * the last team kept off an entity; the frozen lists' checks; the publication
 * limit of 20 working days across a holiday; the lifecycles' tables whole.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/calendar/calendar.h"
#include "core/case/case.h"
#include "core/inspection/draw.h"
#include "core/inspection/inspection.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"

static const char ents[] = "E01,A\nE02,B,I1\nE03,D,I2;I3\nE04,C\nE05,B\nE06,A\nE07,D";
static const char insps[] = "I1,food\nI2,fire;food\nI3,food\nI4,fire\nI5,fire;food\nI6,food";

static void seed_of(const char *const *inputs, int n, unsigned char seed[32], char hex[65])
{
	char eh[65], ih[65];
	yc_sm3_hex(ents, strlen(ents), eh);
	yc_sm3_hex(insps, strlen(insps), ih);
	draw_seed("secret", eh, ih, inputs, n, seed, hex);
}

static struct draw_plan joint(void)
{
	struct draw_plan p = {.permille = {500, 500, 1000, 1000}, .nfields = 2, .team_size = 2};
	p.fields[0] = "fire";
	p.fields[1] = "food";
	return p;
}

Test(inspection, the_teams_are_the_documented_ones)
{
	static const char *const inputs[] = {"w1", "w2"};
	unsigned char seed[32];
	char hex[65], eh[65];
	seed_of(inputs, 2, seed, hex);
	yc_sm3_hex(ents, strlen(ents), eh);
	cr_assert_str_eq(eh, "afe1c20212a49e6620752b303393df070a6c545524c603799f5dda802c3a9198");
	cr_assert_str_eq(hex, "8bb5ba1adb8c68cadc3f1f0678b94e21dd37a77699a38fd92f1ecafe68dc9a70");
	struct draw_lists l;
	yc_err err;
	cr_assert_eq(draw_lists_parse(ents, insps, &l, &err), 0, "%s", err.message);
	struct draw_plan p = joint();
	struct draw_result r;
	cr_assert_eq(draw_run(seed, &l, &p, &r, &err), 0, "%s", err.message);
	static const char *const want[][5] = {
		{"E01", "I5", "I4", "I1", "I3"}, {"E05", "I4", "I5", "I2", "I6"},
		{"E04", "I4", "I2", "I3", "I5"}, {"E03", "I4", "I5", "I6", "I1"},
		{"E07", "I4", "I2", "I6", "I3"},
	};
	cr_assert_eq(r.n, 5);
	cr_assert_eq(r.team_len, 4);
	for (size_t i = 0; i < r.n; i++) {
		cr_assert_str_eq(l.entity[r.entity[i]], want[i][0], "entity %zu", i);
		for (int t = 0; t < 4; t++)
			cr_assert_str_eq(l.inspector[r.team[i * 4 + (size_t)t]], want[i][t + 1],
					 "entity %zu member %d", i, t);
	}
	draw_result_free(&r);
	draw_lists_free(&l);
}

Test(inspection, recusal_and_the_last_team_never_join_over_many_seeds)
{
	struct draw_lists l;
	yc_err err;
	cr_assert_eq(draw_lists_parse(ents, insps, &l, &err), 0);
	struct draw_plan p = joint();
	for (int k = 0; k < 500; k++) {
		char in[16];
		snprintf(in, sizeof(in), "%d", k);
		const char *inputs[] = {in};
		unsigned char seed[32];
		char hex[65];
		seed_of(inputs, 1, seed, hex);
		struct draw_result r;
		cr_assert_eq(draw_run(seed, &l, &p, &r, &err), 0);
		for (size_t i = 0; i < r.n; i++) {
			size_t e = r.entity[i];
			for (int t = 0; t < r.team_len; t++) {
				const char *who =
					l.inspector[r.team[i * (size_t)r.team_len + (size_t)t]];
				cr_assert(!draw_list_has(l.excluded[e], who), "%s inspects %s", who,
					  l.entity[e]);
				for (int u = 0; u < t; u++) /* nobody twice on one team */
					cr_assert_neq(r.team[i * (size_t)r.team_len + (size_t)u],
						      r.team[i * (size_t)r.team_len + (size_t)t]);
			}
		}
		draw_result_free(&r);
	}
	draw_lists_free(&l);
}

Test(inspection, too_few_eligible_inspectors_fail_naming_the_entity)
{
	struct draw_lists l;
	yc_err err;
	/* E03 excludes I2 and I3: of fire's three only I4 and I5 remain, then food lacks two */
	cr_assert_eq(draw_lists_parse("E03,D,I2;I3", "I2,fire;food\nI3,food\nI4,fire\nI5,fire;food",
				      &l, &err),
		     0);
	struct draw_plan p = joint();
	unsigned char seed[32] = {1};
	struct draw_result r;
	cr_assert_eq(draw_run(seed, &l, &p, &r, &err), YC_EINVAL);
	cr_assert(strstr(err.message, "E03") && strstr(err.message, "food"), "%s", err.message);
	draw_lists_free(&l);
}

Test(inspection, the_lists_must_be_sorted_unique_and_well_formed)
{
	struct draw_lists l;
	yc_err err;
	static const char *const bad_entities[] = {"E02,A\nE01,A", "E01,A\nE01,B", "E01,E", "E01",
						   "E01,A,I2;I1",  "E01,A,",	   "E 1,A"};
	for (size_t i = 0; i < sizeof(bad_entities) / sizeof(bad_entities[0]); i++)
		cr_assert_eq(draw_lists_parse(bad_entities[i], "", &l, &err), YC_EINVAL, "%s",
			     bad_entities[i]);
	static const char *const bad_inspectors[] = {"I2,a\nI1,a", "I1,b;a", "I1,", "I1"};
	for (size_t i = 0; i < sizeof(bad_inspectors) / sizeof(bad_inspectors[0]); i++)
		cr_assert_eq(draw_lists_parse("", bad_inspectors[i], &l, &err), YC_EINVAL, "%s",
			     bad_inspectors[i]);
	cr_assert_eq(draw_lists_parse("", "", &l, &err), 0);
	cr_assert_eq(l.nentities, 0);
	draw_lists_free(&l);
}

/*
 * Unbiased picks: five entities of one class, two drawn, over 30,000 seeds; for
 * each pick position the five counts pass a chi-square test (4 degrees of
 * freedom, 18.47 is the 0.1% point). A Fisher–Yates that drew j from the whole
 * list, or integers by a plain modulo of a short value, fails it.
 */
Test(inspection, every_entity_is_as_likely_at_every_position)
{
	enum { SEEDS = 30000, N = 5, K = 2 };
	int counts[K][N] = {{0}};
	static const int classes[N] = {0, 0, 0, 0, 0};
	static const int permille[DRAW_CLASSES] = {400, 0, 0, 0};
	for (int k = 0; k < SEEDS; k++) {
		char in[16];
		snprintf(in, sizeof(in), "%d", k);
		const char *inputs[] = {in};
		unsigned char seed[32];
		char hex[65];
		draw_seed("chi", "E", "I", inputs, 1, seed, hex);
		struct draw_stream s;
		draw_stream_init(&s, seed);
		size_t out[N];
		yc_err err;
		cr_assert_eq(draw_entities(&s, classes, N, permille, out, &err), K);
		for (int p = 0; p < K; p++)
			counts[p][out[p]]++;
	}
	for (int p = 0; p < K; p++) {
		double chi = 0, expect = (double)SEEDS / N;
		for (int i = 0; i < N; i++)
			chi += (counts[p][i] - expect) * (counts[p][i] - expect) / expect;
		cr_assert_lt(chi, 18.47, "position %d: chi-square %.2f", p, chi);
	}
}

Test(inspection, publication_is_due_20_working_days_on_across_the_national_day)
{
	calendar *cal = calendar_new();
	yc_err err;
	cr_assert_eq(calendar_load_builtin(cal, &err), 0, "%s", err.message);
	struct case_ctx cases = {.cal = cal, .tz_offset_min = 480, .warn_days = 3};
	struct insp_ctx c = {.cases = &cases, .publish_days = 20};
	int32_t day;
	cr_assert_eq(yc_date_parse("2026-09-25", &day), 0);
	struct case_deadline dl;
	cr_assert_eq(insp_publish_deadline(&c, day, &dl, &err), 0, "%s", err.message);
	/* four weeks of weekdays would end on 10-23; the holiday (10-01 … 10-07) moves it past */
	cr_assert_str_eq(dl.text, "2026-10-29");
	calendar_free(cal);
}

Test(inspection, the_lifecycles_names_are_whole_and_rows_unique)
{
	const struct lc_table *tables[] = {&insp_plan_lifecycle, &insp_task_lifecycle};
	for (int k = 0; k < 2; k++) {
		const struct lc_table *t = tables[k];
		for (int s = 0; s < t->nstates; s++)
			cr_assert_eq(lc_state(t, lc_state_name(t, s)), s);
		for (int a = 0; a < t->nactions; a++)
			cr_assert_eq(lc_action(t, lc_action_name(t, a)), a);
		for (int i = 0; i < t->nrows; i++)
			cr_assert_eq(lc_find(t, t->rows[i].from, t->rows[i].action), &t->rows[i]);
	}
	cr_assert_eq(insp_result_find("pass")->class_step, -1);
	cr_assert_null(insp_result_find("nonsense"));
}
