/*
 * Unit tests of 分调裁审 (core/court/): 繁简分流 by the rules in their documented order (a
 * complex type, then the amount, then the parties; small claims under their limit); the
 * team and judge from SM3 of the case number, recomputed here; the rules loaded whole or
 * not at all; the lifecycle table's names whole and its rows unique (the API tests walk it).
 */
#include <criterion/criterion.h>

#include "../scratch_store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/court/internal.h"
#include "core/demo/demo.h"
#include "db/db.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lifecycle.h"

static char path[64];
static db *d;

static void setup(void)
{
	snprintf(path, sizeof(path), "/tmp/yc-court-%d-XXXXXX", getpid());
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	close(fd);
	unlink(path);
	yc_err err;
	cr_assert_eq(db_open(path, DB_OPEN_CREATE, &d, &err), 0, "%s", err.message);
	cr_assert_eq(db_migrate(d, &err), 0, "%s", err.message);
	cr_assert_eq(demo_install(d, &err), 0, "%s", err.message);
}

static void teardown(void)
{
	db_close(d);
	scratch_store_remove(path);
}

Test(court, the_tracks_follow_the_rules_in_order, .init = setup, .fini = teardown)
{
	struct court_track t;
	yc_err err;
	const char *no = "37109120261207000001";
	cr_assert_eq(court_classify(d, no, "金融借款合同纠纷", 4000000, 2, &t, &err), 0);
	cr_assert(t.simple && t.small_claims && t.commercial, "%s", t.basis);
	cr_assert_eq(court_classify(d, no, "金融借款合同纠纷", 4000001, 2, &t, &err), 0);
	cr_assert(t.simple && !t.small_claims);
	cr_assert_eq(court_classify(d, no, "金融借款合同纠纷", 50000000, 3, &t, &err), 0);
	cr_assert(t.simple, "%s", t.basis);
	cr_assert_eq(court_classify(d, no, "金融借款合同纠纷", 50000001, 2, &t, &err), 0);
	cr_assert(!t.simple && strstr(t.basis, "500000"), "%s", t.basis);
	cr_assert_eq(court_classify(d, no, "金融借款合同纠纷", 100, 4, &t, &err), 0);
	cr_assert(!t.simple && strstr(t.basis, "3人"), "%s", t.basis);
	cr_assert_eq(court_classify(d, no, "商标权纠纷", 100, 2, &t, &err), 0);
	cr_assert(!t.simple && !t.small_claims && t.commercial);
	cr_assert_str_eq(t.team, "M1");
	/* an unknown type is complex */
	cr_assert_eq(court_classify(d, no, "无此案由", 100, 2, &t, &err), 0);
	cr_assert(!t.simple);
}

Test(court, the_team_and_judge_are_sm3_of_the_number, .init = setup, .fini = teardown)
{
	static const char *const fast[3][3] = {{"王建华", "李晓燕", "赵明"},
					       {"孙立强", "周婷", "吴刚"},
					       {"郑海涛", "冯雪", "陈立"}};
	int teams[3] = {0};
	for (int i = 0; i < 300; i++) {
		char no[32];
		snprintf(no, sizeof(no), "371091202612070%05d", i);
		unsigned char h[32];
		yc_sm3(no, strlen(no), h);
		uint32_t w0 =
			(uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
		uint32_t w1 =
			(uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
		struct court_track t;
		yc_err err;
		cr_assert_eq(court_classify(d, no, "买卖合同纠纷", 100000, 2, &t, &err), 0);
		char team[8];
		snprintf(team, sizeof(team), "S%u", w0 % 3 + 1);
		cr_assert_str_eq(t.team, team, "%s", no);
		cr_assert_str_eq(t.judge, fast[w0 % 3][w1 % 3], "%s", no);
		teams[w0 % 3]++;
	}
	/* every fast team gets cases */
	for (int k = 0; k < 3; k++)
		cr_assert_gt(teams[k], 60, "team %d: %d", k, teams[k]);
}

Test(court, rules_load_whole_or_not_at_all, .init = setup, .fini = teardown)
{
	yc_err err;
	cr_assert_eq(db_begin(d, NULL), 0);
	cr_assert_eq(
		court_rules_load(d,
				 "{\"simple_max_yuan\":1,\"small_claims_max_yuan\":1,"
				 "\"simple_max_parties\":2,\"teams\":[{\"code\":\"S1\",\"name\":"
				 "\"x\",\"fast\":true,\"judges\":[\"a\"]}],\"types\":[],"
				 "\"grid_courts\":[]}",
				 &err),
		YC_EINVAL);
	cr_assert_str_eq(err.field, "teams");
	db_rollback(d);
	cJSON *rules;
	cr_assert_eq(court_rules_get(d, &rules, &err), 0);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(rules, "teams")), 4);
	cJSON_Delete(rules);
}

Test(court, the_lifecycles_names_are_whole_and_rows_unique, .init = setup, .fini = teardown)
{
	/* every pair: a row, or refused naming the state; names complete */
	for (int s = 0; s < court_lifecycle.nstates; s++)
		cr_assert_str_neq(lc_state_name(&court_lifecycle, s), "?");
	for (int a = 0; a < court_lifecycle.nactions; a++)
		cr_assert_str_neq(lc_action_name(&court_lifecycle, a), "?");
	for (int i = 0; i < court_lifecycle.nrows; i++)
		for (int j = i + 1; j < court_lifecycle.nrows; j++)
			cr_assert(court_lifecycle.rows[i].from != court_lifecycle.rows[j].from ||
				  court_lifecycle.rows[i].action != court_lifecycle.rows[j].action);
	yc_err err;
	cr_assert_eq(lc_refuse(&court_lifecycle, KS_SETTLED, KA_CLOSE, &err), YC_ECONFLICT);
	cr_assert_str_eq(err.state, "settled");
}
