/*
 * Unit tests of 好差评 (core/review): the levels and the bad ones, the review
 * window across a year's end, the callback sampler's rate, the satisfaction
 * rate against hand counts (and after an upheld appeal), once-only per
 * channel for a hall service, and the rectification order's lifecycle walked
 * by the shared walker — over a real SQLite file with the demo district.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/calendar/calendar.h"
#include "core/case/case.h"
#include "core/common/account.h"
#include "core/demo/demo.h"
#include "core/review/review.h"
#include "db/db.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lifecycle.h"

static char path[64];
static db *d;
static calendar *cal;
static struct case_ctx cases;
static struct review_ctx rc_;
static yc_user clerk, supervisor;

/* 2026-11-27 10:00 +08:00, a Friday */
static int64_t at(int y, int m, int day, int hour, int min)
{
	return ((int64_t)yc_days_from_civil(y, m, day) * 1440 + hour * 60 + min - 480) * 60000;
}

static void setup(void)
{
	snprintf(path, sizeof(path), "/tmp/yc-review-%d-XXXXXX", getpid());
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	close(fd);
	unlink(path);
	yc_err err;
	cr_assert_eq(db_open(path, DB_OPEN_CREATE, &d, &err), 0, "%s", err.message);
	cr_assert_eq(db_migrate(d, &err), 0, "%s", err.message);
	cr_assert_eq(demo_install(d, &err), 0, "%s", err.message);
	cal = calendar_new();
	cr_assert_eq(calendar_load_builtin(cal, &err), 0, "%s", err.message);
	int64_t now = at(2026, 11, 27, 10, 0);
	cases = (struct case_ctx){.cal = cal, .tz_offset_min = 480, .warn_days = 1, .now_ms = now};
	rc_ = (struct review_ctx){.cases = &cases,
				  .tz_offset_min = 480,
				  .window_days = 30,
				  .verify_days = 2,
				  .rectify_days = 15,
				  .report_days = 5,
				  .callback_percent = 35,
				  .now_ms = now};
	clerk = (yc_user){.role = ROLE_CLERK};
	snprintf(clerk.username, sizeof(clerk.username), "clerk1");
	snprintf(clerk.department, sizeof(clerk.department), "xzsp");
	supervisor = (yc_user){.role = ROLE_SUPERVISOR};
	snprintf(supervisor.username, sizeof(supervisor.username), "supervisor1");
}

static void teardown(void)
{
	db_close(d);
	calendar_free(cal);
	unlink(path);
}

/* Submits a review in its own transaction: 0 or the YC_E code; the answer into out. */
static int submit(const yc_user *u, const char *json, cJSON **answer)
{
	cJSON *b = cJSON_Parse(json);
	cr_assert(b, "bad test JSON %s", json);
	yc_err err;
	yc_err_clear(&err);
	int rc = review_check(b, &err);
	yc_buf out;
	yc_buf_init(&out, 0);
	if (!rc) {
		cr_assert_eq(db_begin(d, NULL), 0);
		rc = review_submit(d, &rc_, u, b, &out, &err);
		if (rc)
			db_rollback(d);
		else
			cr_assert_eq(db_commit(d, NULL), 0);
	}
	if (answer)
		*answer = rc ? NULL : cJSON_Parse(out.data);
	yc_buf_release(&out);
	cJSON_Delete(b);
	return rc;
}

/* ---- the rules ------------------------------------------------------------------ */

Test(review, five_levels_and_the_two_bad_ones)
{
	cr_assert_str_eq(review_level_name(5), "非常满意");
	cr_assert_str_eq(review_level_name(3), "基本满意");
	cr_assert_str_eq(review_level_name(1), "非常不满意");
	cr_assert_str_eq(review_level_name(0), "");
	cr_assert_str_eq(review_level_name(6), "");
	for (int l = 1; l <= 5; l++)
		cr_assert_eq(review_level_bad(l), l <= 2, "level %d", l);
	cr_assert_not(review_level_bad(0));
}

Test(review, the_window_is_counted_in_natural_days_across_a_year_end)
{
	struct review_ctx c = {.window_days = 30};
	int64_t end = at(2026, 12, 20, 16, 30);
	cr_assert(review_in_window(&c, end, end));
	cr_assert(review_in_window(&c, end, at(2027, 1, 19, 16, 30)),
		  "30 days later, to the minute");
	cr_assert_not(review_in_window(&c, end, at(2027, 1, 19, 16, 31)), "past the 30th day");
	cr_assert_not(review_in_window(&c, end, end - 1), "not before the service ended");
	cr_assert_not(review_in_window(&c, 0, end), "a service that never ended");
	c.window_days = 7;
	cr_assert_not(review_in_window(&c, end, at(2026, 12, 28, 9, 0)));
}

Test(review, the_callback_sampler_draws_its_share)
{
	/* exact at the boundary: percent of 2^32 */
	uint32_t edge = (uint32_t)(((uint64_t)35 << 32) / 100);
	cr_assert(review_sampled(edge - 1, 35));
	cr_assert_not(review_sampled(edge + 1, 35));
	cr_assert_not(review_sampled(0, 0));
	cr_assert(review_sampled(UINT32_MAX, 100));
	/* over a million real draws, within half a point of the setting */
	int hits = 0, n = 1000000;
	for (int i = 0; i < n; i++) {
		uint32_t r;
		yc_random_bytes(&r, sizeof(r));
		hits += review_sampled(r, 35);
	}
	double share = (double)hits / n;
	cr_assert(share > 0.345 && share < 0.355, "drawn %.4f of the reviews at 35%%", share);
}

Test(review, satisfaction_against_hand_counts)
{
	int64_t n[6] = {0, 1, 2, 3, 5, 7}; /* 1 非常不满意 … 7 非常满意 */
	cr_assert_eq(review_satisfied(n), 15);
	cr_assert_eq(review_rate_permille(n), 833, "15 of 18 is 83.3%%");
	int64_t none[6] = {0};
	cr_assert_eq(review_rate_permille(none), -1, "no reviews: no rate");
	int64_t most[6] = {0, 1, 1, 20, 100, 9878}; /* 9998 of 10000 */
	cr_assert_eq(review_rate_permille(most), 1000, "99.98%% rounds to 100.0");
	int64_t half[6] = {0, 0, 1999, 0, 0, 2001};
	cr_assert_eq(review_rate_permille(half), 500);
}

/* ---- reviews in the store --------------------------------------------------------- */

static int64_t all_figure(const char *what)
{
	yc_buf out;
	yc_buf_init(&out, 0);
	yc_err err;
	cr_assert_eq(review_stats_json(d, &rc_, 12, &out, &err), 0, "%s", err.message);
	cJSON *j = cJSON_Parse(out.data);
	cJSON *all = cJSON_GetObjectItemCaseSensitive(j, "all");
	int64_t v = !strcmp(what, "rate")
			    ? (int64_t)(cJSON_GetObjectItemCaseSensitive(all, "rate")->valuedouble *
						10 +
					0.5)
			    : yc_json_int(all, what, -1);
	cJSON_Delete(j);
	yc_buf_release(&out);
	return v;
}

Test(review, the_kept_figures_equal_hand_counts_and_an_upheld_appeal_leaves_them, .init = setup,
     .fini = teardown)
{
	/* 7 非常满意, 5 满意, 3 基本满意, 2 不满意, 1 非常不满意: 15 of 18 */
	static const int counts[6] = {0, 1, 2, 3, 5, 7};
	char order[24] = "";
	for (int level = 1; level <= 5; level++)
		for (int i = 0; i < counts[level]; i++) {
			char body[200];
			snprintf(body, sizeof(body),
				 "{\"channel\":\"counter\",\"department\":\"xzsp\",\"level\":%d%s}",
				 level, level <= 2 ? ",\"reasons\":[\"attitude\"]" : "");
			cJSON *a = NULL;
			cr_assert_eq(submit(&clerk, body, &a), 0);
			if (level == 1)
				snprintf(order, sizeof(order), "%s", yc_json_str(a, "order"));
			cJSON_Delete(a);
		}
	cr_assert_eq(all_figure("total"), 18);
	cr_assert_eq(all_figure("satisfied"), 15);
	cr_assert_eq(all_figure("bad"), 3);
	cr_assert_eq(all_figure("rate"), 833);
	/* the 非常不满意 one is appealed and upheld: 15 of 17 */
	yc_buf out;
	yc_buf_init(&out, 0);
	yc_err err;
	cJSON *appeal = cJSON_Parse("{\"reason\":\"误评\"}");
	cr_assert_eq(db_begin(d, NULL), 0);
	cr_assert_eq(review_order_act(d, &rc_, &clerk, order, "appeal", appeal, &out, &err), 0,
		     "%s", err.message);
	cr_assert_eq(review_order_act(d, &rc_, &supervisor, order, "uphold", appeal, &out, &err), 0,
		     "%s", err.message);
	cr_assert_eq(db_commit(d, NULL), 0);
	cJSON_Delete(appeal);
	yc_buf_release(&out);
	cr_assert_eq(all_figure("total"), 17);
	cr_assert_eq(all_figure("bad"), 2);
	cr_assert_eq(all_figure("rate"), 882, "15 of 17 is 88.2%%");
	int64_t kept = 0;
	cr_assert_eq(db_get(d, NULL, "SELECT COUNT(*) FROM reviews", "", "i", &kept), DB_ROW);
	cr_assert_eq(kept, 18, "an upheld appeal deletes nothing");
}

/* A done ticket at window 37 with an e-ticket key: its id into id. */
static void done_ticket(char id[32], const char *key, int64_t finished_ms)
{
	static int seq;
	char hash[YC_SHA256_HEX];
	yc_sha256_hex(key, strlen(key), hash);
	snprintf(id, 32, "20261127-C%03d", ++seq);
	cr_assert_eq(
		db_run(d, NULL,
		       "INSERT INTO tickets (id, day, category, number, priority, channel, holder,"
		       " secret_hash, state, issued_ms, window_no, staff, finished_ms)"
		       " VALUES (?, ?, 'C', ?, 'normal', 'kiosk', 'phone:x', ?, 'done', ?, 37,"
		       " 'clerk-37', ?)",
		       "ssssii", id, "2026-11-27", id + 9, hash, finished_ms, finished_ms),
		0);
}

Test(review, a_hall_service_is_rated_once_from_any_channel_and_only_with_its_proof, .init = setup,
     .fini = teardown)
{
	char id[32], body[256], token[33];
	done_ticket(id, "k-one", at(2026, 11, 27, 9, 30));
	snprintf(body, sizeof(body),
		 "{\"channel\":\"eticket\",\"ticket\":\"%s\",\"level\":5,\"key\":\"wrong\"}", id);
	cr_assert_eq(submit(NULL, body, NULL), YC_ENOTFOUND, "a wrong key");
	snprintf(body, sizeof(body),
		 "{\"channel\":\"eticket\",\"ticket\":\"%s\",\"level\":5,\"key\":\"k-one\"}", id);
	cr_assert_eq(submit(NULL, body, NULL), 0);
	cr_assert_eq(submit(NULL, body, NULL), YC_EEXISTS, "once");
	/* the window's device: the same ticket is taken, another is rated once */
	cr_assert_eq(review_token(d, "window:37", token, NULL), 0);
	snprintf(body, sizeof(body),
		 "{\"channel\":\"device\",\"ticket\":\"%s\",\"level\":4,\"token\":\"%s\"}", id,
		 token);
	cr_assert_eq(submit(NULL, body, NULL), YC_EEXISTS, "a second channel, the same service");
	done_ticket(id, "k-two", at(2026, 11, 27, 9, 40));
	snprintf(body, sizeof(body),
		 "{\"channel\":\"device\",\"ticket\":\"%s\",\"level\":4,\"token\":\"%s\"}", id,
		 token);
	cr_assert_eq(submit(NULL, body, NULL), 0);
	cr_assert_eq(submit(NULL, body, NULL), YC_EEXISTS);
	/* another window's key proves nothing here */
	cr_assert_eq(review_token(d, "window:38", token, NULL), 0);
	done_ticket(id, "k-three", at(2026, 11, 27, 9, 50));
	snprintf(body, sizeof(body),
		 "{\"channel\":\"device\",\"ticket\":\"%s\",\"level\":4,\"token\":\"%s\"}", id,
		 token);
	cr_assert_eq(submit(NULL, body, NULL), YC_ENOTFOUND);
	/* past the window: 31 days ago */
	done_ticket(id, "k-old", at(2026, 10, 27, 9, 0));
	snprintf(body, sizeof(body),
		 "{\"channel\":\"eticket\",\"ticket\":\"%s\",\"level\":5,\"key\":\"k-old\"}", id);
	cr_assert_eq(submit(NULL, body, NULL), YC_ECONFLICT);
	/* an open channel: entered by staff, never by the public */
	cr_assert_eq(
		submit(NULL, "{\"channel\":\"box\",\"department\":\"xzsp\",\"level\":5}", NULL),
		YC_EAUTH);
	/* a service channel names exactly one service; a bad one says why */
	cr_assert_eq(submit(NULL, "{\"channel\":\"eticket\",\"level\":5}", NULL), YC_EINVAL);
	snprintf(body, sizeof(body), "{\"channel\":\"eticket\",\"ticket\":\"%s\",\"level\":2}", id);
	cr_assert_eq(submit(NULL, body, NULL), YC_EINVAL);
}

/* ---- the rectification order's lifecycle ------------------------------------------ */

static char order[24];

static bool order_takes(int action)
{
	(void)action;
	return true;
}

static void order_set_up(int from, int action, void *ctx)
{
	(void)action, (void)ctx;
	cJSON *a = NULL;
	cr_assert_eq(submit(&clerk,
			    "{\"channel\":\"counter\",\"department\":\"xzsp\",\"level\":1,"
			    "\"reasons\":[\"slow\"]}",
			    &a),
		     0);
	snprintf(order, sizeof(order), "%s", yc_json_str(a, "order"));
	cJSON_Delete(a);
	cr_assert_eq(db_run(d, NULL,
			    "UPDATE review_orders SET state = ?, kind = 'deadline',"
			    " appeal_from = 'verifying' WHERE id = ?",
			    "ss", lc_state_name(&review_order_lifecycle, from), order),
		     0);
}

static int order_act(int action, const struct lc_row *row, void *ctx)
{
	(void)ctx;
	static const char *const bodies[OA_N] = {
		[OA_VERIFY] = "{\"note\":\"已回访\",\"kind\":\"immediate\"}",
		[OA_REPORT] = "{\"report\":\"已整改\"}",
		[OA_RERATE] = "{\"rerating\":3}",
		[OA_APPEAL] = "{\"reason\":\"误评\"}",
		[OA_UPHOLD] = "{\"reason\":\"属实\"}",
		[OA_REJECT] = "{\"reason\":\"不属实\"}",
	};
	const char *name = lc_action_name(&review_order_lifecycle, action);
	cJSON *b = cJSON_Parse(bodies[action]);
	yc_err err;
	cr_assert_eq(review_order_check(name, b, &err), 0, "%s: %s", name, err.message);
	/* the row's own role acts; a refused pair is asked by the department */
	const yc_user *u = row && !(row->roles & ROLE_CLERK) ? &supervisor : &clerk;
	yc_buf out;
	yc_buf_init(&out, 0);
	cr_assert_eq(db_begin(d, NULL), 0);
	int rc = review_order_act(d, &rc_, u, order, name, b, &out, &err);
	if (rc)
		db_rollback(d);
	else
		cr_assert_eq(db_commit(d, NULL), 0);
	cJSON_Delete(b);
	yc_buf_release(&out);
	return rc;
}

static int order_state(void *ctx)
{
	(void)ctx;
	char state[16] = "";
	cr_assert_eq(db_get(d, NULL, "SELECT state FROM review_orders WHERE id = ?", "s", "t",
			    order, state, sizeof(state)),
		     DB_ROW);
	return lc_state(&review_order_lifecycle, state);
}

Test(review, every_order_row_moves_and_every_other_pair_refuses, .init = setup, .fini = teardown)
{
	struct lc_walk w = {
		&review_order_lifecycle, order_takes, order_set_up, order_act, order_state, NULL};
	lc_walk(&w);
}

Test(review, an_order_is_another_departments_to_nobody, .init = setup, .fini = teardown)
{
	order_set_up(OS_VERIFYING, OA_VERIFY, NULL);
	yc_user other = clerk;
	snprintf(other.department, sizeof(other.department), "ga");
	cJSON *b = cJSON_Parse("{\"note\":\"x\",\"kind\":\"explain\"}");
	yc_buf out;
	yc_buf_init(&out, 0);
	yc_err err;
	cr_assert_eq(db_begin(d, NULL), 0);
	cr_assert_eq(review_order_act(d, &rc_, &other, order, "verify", b, &out, &err),
		     YC_ENOTFOUND);
	db_rollback(d);
	cr_assert_eq(review_order_json(d, &rc_, &other, order, &out, &err), YC_ENOTFOUND);
	cr_assert_eq(order_state(NULL), OS_VERIFYING);
	cJSON_Delete(b);
	yc_buf_release(&out);
}
