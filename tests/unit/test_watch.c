/*
 * Unit tests of 效能监察 (core/watch/): the alert lifecycle walked both ways (every pair with
 * a row moves, every other is refused and leaves the state), and a clean store raises nothing.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/demo/demo.h"
#include "core/watch/watch.h"
#include "db/db.h"
#include "lib/json.h"
#include "lifecycle.h"
#include "store.h"

static struct scratch_store store;
static db *d;

static const struct watch_ctx c = {.idle_percent = 50, .service_percent = 200, .service_min = 5,
				   .queue = 15, .wait_minutes = 30, .rating_drop = 10,
				   .rating_min = 20, .refusal_percent = 25, .refusal_min = 20,
				   .tz_offset_min = 480};

static void setup(void)
{
	d = test_store_open(&store, "watch", true);
}

static void teardown(void)
{
	test_store_close(&store);
}

Test(watch, a_clean_store_raises_nothing, .init = setup, .fini = teardown)
{
	yc_err err;
	int64_t raised = -1;
	cr_assert_eq(db_begin(d, &err), 0, "%s", err.message);
	cr_assert_eq(watch_run(d, &c, &raised, &err), 0, "%s", err.message);
	cr_assert_eq(db_commit(d, &err), 0, "%s", err.message);
	cr_assert_eq(raised, 0);
}

static const char *const names[] = {"open", "acked", "closed"};
static int serial;

static bool takes(int action)
{
	(void)action;
	return true;
}

static void set_up(int from, int action, void *ctx)
{
	(void)action;
	char *id = ctx;
	snprintf(id, WATCH_ID_LEN + 1, "%016x", ++serial);
	yc_err err;
	cr_assert_eq(db_run(d, &err,
			    "INSERT INTO watch_alerts (id, rule, subject, title, evidence, state,"
			    " raised_ms, seen_ms) VALUES (?, 'wait', ?, 't', '{}', ?, 1, 1)",
			    "sss", id, id, names[from]),
		     0, "%s", err.message);
}

static int act(int action, const struct lc_row *row, void *ctx)
{
	(void)row;
	yc_user u = {.id = 9, .role = ROLE_SUPERVISOR};
	snprintf(u.username, sizeof(u.username), "supervisor1");
	cJSON *body = cJSON_Parse("{\"note\":\"处理完毕\"}");
	yc_buf out;
	yc_buf_init(&out, 0);
	yc_err err;
	int rc = db_begin(d, &err);
	if (!rc)
		rc = watch_act(d, &c, &u, ctx, lc_action_name(&watch_lifecycle, action), body,
			       &out, &err);
	if (!rc)
		rc = db_commit(d, &err);
	else
		db_rollback(d);
	yc_buf_release(&out);
	cJSON_Delete(body);
	return rc;
}

static int state(void *ctx)
{
	char s[12] = "";
	yc_err err;
	db_get(d, &err, "SELECT state FROM watch_alerts WHERE id = ?", "s", "t", (char *)ctx, s,
	       sizeof(s));
	return lc_state(&watch_lifecycle, s);
}

Test(watch, the_alert_lifecycle_both_ways, .init = setup, .fini = teardown)
{
	char id[WATCH_ID_LEN + 1];
	struct lc_walk w = {&watch_lifecycle, takes, set_up, act, state, id};
	lc_walk(&w);
}
