/*
 * Unit tests of the case lifecycle over a real SQLite file with the demo
 * district: every row of the state table, every (state, action) pair that
 * is not a row, deadline arithmetic (holidays, make-up days, suspensions,
 * hour limits), lights, and the assignment rules.
 */
#include <criterion/criterion.h>

#include "../scratch_store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/common/account.h"
#include "core/calendar/calendar.h"
#include "core/case/case.h"
#include "core/case/internal.h"
#include "core/demo/demo.h"
#include "core/common/material.h"
#include "db/db.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lifecycle.h"

static char path[64];
static db *d;
static calendar *cal;
static struct case_ctx ctx;
static char sha[65];

/* Items of the demo district used here. */
#define ITEM_ONE_STEP  "371091011002014000" /* 食品经营许可: 3 working days, 1 step, random */
#define ITEM_TWO_STEPS "371091011014098000" /* 医疗机构执业登记: 10 working days, 2 steps */
#define ITEM_FIVE_DAYS "371091011003021000" /* 食品生产许可: 5 working days */
#define ITEM_HOURS     "371091011001007000" /* 企业设立登记: 2 working hours */
#define ITEM_INSTANT   "371091071003021000" /* 国有建设用地使用权注销登记: instant */
#define ITEM_COMMIT    "371091011005035000" /* 公共场所卫生许可: commitment-based */
#define ITEM_MANUAL    "371091011013091000" /* 民办学校办学许可: manual assignment */

/* UTC ms of a local (+08:00) time. */
static int64_t local_ms(int y, int m, int day, int hh, int mm)
{
	int64_t min =
		(int64_t)yc_days_from_civil(y, (unsigned)m, (unsigned)day) * 1440 + hh * 60 + mm;
	return (min - 480) * 60000;
}

static void setup(void)
{
	snprintf(path, sizeof(path), "/tmp/yc-case-%d-XXXXXX", getpid());
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
	memset(&ctx, 0, sizeof(ctx));
	ctx.cal = cal;
	ctx.tz_offset_min = 480;
	ctx.warn_days = 1;
	ctx.correction_days = 5;
	snprintf(ctx.region, sizeof(ctx.region), "371091");
	ctx.now_ms = local_ms(2026, 11, 27, 10, 0); /* a Friday */
	/* each who attaches it has uploaded it (a material is attached by its uploader) */
	static const unsigned char pdf[] = "%PDF-1.4 unit test";
	static const char *const uploaders[] = {"applicant1", "business1", "clerk1"};
	for (size_t i = 0; i < sizeof(uploaders) / sizeof(uploaders[0]); i++) {
		db_stmt *st = db_prepare(d, "SELECT id FROM users WHERE username = ?", NULL);
		db_bind_text(st, 1, uploaders[i]);
		cr_assert_eq(db_step(st, NULL), DB_ROW);
		int64_t id = db_col_int(st, 0);
		db_done(st);
		cr_assert_eq(material_store(d, pdf, sizeof(pdf) - 1, "pdf", id, sha, &err), 0, "%s",
			     err.message);
	}
}

static void teardown(void)
{
	case_cache_release();
	db_close(d);
	calendar_free(cal);
	scratch_store_remove(path);
}

static yc_user user(const char *username)
{
	yc_user u;
	memset(&u, 0, sizeof(u));
	if (!strcmp(username, "system")) {
		u.role = ROLE_SYSTEM;
		snprintf(u.username, sizeof(u.username), "system");
		return u;
	}
	db_stmt *st = db_prepare(d, "SELECT id FROM users WHERE username = ?", NULL);
	db_bind_text(st, 1, username);
	cr_assert_eq(db_step(st, NULL), DB_ROW, "no user %s", username);
	int64_t id = db_col_int(st, 0);
	db_done(st);
	cr_assert_eq(account_get(d, id, &u, NULL), 0);
	return u;
}

/*
 * Submits a case for item as applicant1: every form field filled by its
 * type, every material provided (all but m1 left out when only_m1).
 */
static void submit(const char *item, bool only_m1, char no[32])
{
	db_stmt *st = db_prepare(d, "SELECT doc FROM items WHERE code = ?", NULL);
	db_bind_text(st, 1, item);
	cr_assert_eq(db_step(st, NULL), DB_ROW, "no item %s", item);
	cJSON *doc = cJSON_Parse(db_col_text(st, 0));
	db_done(st);
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "item", item);
	cJSON *form = cJSON_AddObjectToObject(j, "form");
	const cJSON *f;
	cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive(doc, "form")) {
		const char *type = yc_json_str(f, "type"), *name = yc_json_str(f, "name");
		if (!strcmp(type, "number"))
			cJSON_AddNumberToObject(form, name, 100);
		else if (!strcmp(type, "phone"))
			cJSON_AddStringToObject(form, name, "13800001234");
		else if (!strcmp(type, "date"))
			cJSON_AddStringToObject(form, name, "2026-01-01");
		else if (!strcmp(type, "id_number"))
			cJSON_AddStringToObject(form, name, "11010519491231002X");
		else if (!strcmp(type, "select"))
			cJSON_AddStringToObject(
				form, name,
				cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(f, "options"),
						   0)
					->valuestring);
		else if (yc_json_str(f, "pattern")) /* the only pattern in the demo: 不动产单元号 */
			cJSON_AddStringToObject(form, name, "371091001001GB00001F00010001");
		else
			cJSON_AddStringToObject(form, name, "示例");
	}
	cJSON *mats = cJSON_AddArrayToObject(j, "materials");
	const cJSON *m;
	cJSON_ArrayForEach (m, cJSON_GetObjectItemCaseSensitive(doc, "materials")) {
		if (only_m1 && strcmp(yc_json_str(m, "id"), "m1"))
			continue;
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "id", yc_json_str(m, "id"));
		cJSON_AddStringToObject(e, "sha256", sha);
		cJSON_AddItemToArray(mats, e);
	}
	if (yc_json_bool(doc, "commitment", false))
		cJSON_AddBoolToObject(j, "commitment", true);
	cJSON_Delete(doc);
	yc_user a = user("applicant1");
	struct case_new n;
	yc_err err;
	yc_err_clear(&err);
	cr_assert_eq(case_prepare(d, &ctx, &a, j, &n, &err), 0, "prepare %s: %s (%s)", item,
		     err.message, err.field);
	yc_buf out;
	yc_buf_init(&out, 0);
	cr_assert_eq(db_begin(d, NULL), 0);
	cr_assert_eq(case_submit(d, &ctx, &a, j, &n, &out, &err), 0, "%s", err.message);
	cr_assert_eq(db_commit(d, NULL), 0);
	cJSON *c = cJSON_Parse(out.data);
	snprintf(no, 32, "%s", yc_json_str(c, "no"));
	cJSON_Delete(c);
	cJSON_Delete(j);
	yc_buf_release(&out);
	case_new_free(&n);
}

/* Takes an action in its own transaction; returns the code, fills state and err. */
static int act(const char *no, const char *who, enum case_action a, const char *body,
	       char state[24], yc_err *err)
{
	yc_user u = user(who);
	cJSON *j = body ? cJSON_Parse(body) : NULL;
	yc_buf out;
	yc_buf_init(&out, 0);
	yc_err_clear(err);
	cr_assert_eq(db_begin(d, NULL), 0);
	int rc = case_action_check(a, j, err);
	if (!rc)
		rc = case_act(d, &ctx, &u, no, a, j, &out, err);
	if (rc)
		db_rollback(d);
	else
		cr_assert_eq(db_commit(d, NULL), 0);
	state[0] = '\0';
	if (!rc) {
		cJSON *c = cJSON_Parse(out.data);
		snprintf(state, 24, "%s", yc_json_str(c, "state"));
		cJSON_Delete(c);
	}
	cJSON_Delete(j);
	yc_buf_release(&out);
	return rc;
}

static void must(const char *no, const char *who, enum case_action a, const char *body,
		 const char *expect)
{
	char state[24];
	yc_err err;
	int rc = act(no, who, a, body, state, &err);
	cr_assert_eq(rc, 0, "%s by %s: %s (%s)", case_action_name(a), who, err.message, err.field);
	if (expect)
		cr_assert_str_eq(state, expect, "%s by %s", case_action_name(a), who);
}

/* Puts a case straight into state s, as if it had got there (the table is under test). */
static void force_state(const char *no, enum case_state s)
{
	int64_t now_min = ctx.now_ms / 60000 + 480;
	cr_assert_eq(db_run(d, NULL,
			    "UPDATE cases SET state = ?, step = 0, step_department = 'xzsp',"
			    " assignee = NULL, accepted_ms = ?, deadline_min = ?, yellow_min = ?,"
			    " deadline = '2026-12-10', stopped_ms = ?, light = 'green',"
			    " delivery = "
			    "'{\"mode\":\"mail\",\"address\":\"经区\",\"tracking_no\":\"SF1\"}',"
			    " due_day = '2026-12-04' WHERE no = ?",
			    "siiiis", case_state_name(s), ctx.now_ms - 86400000, now_min + 14400,
			    now_min + 10000, ctx.now_ms - 3600000, no),
		     0);
}

static const char *actor_for(int roles)
{
	if (roles & ROLE_CLERK)
		return "clerk1";
	if (roles & ROLE_APPROVER)
		return "approver1";
	if (roles & ROLE_SUPERVISOR)
		return "supervisor1";
	if (roles & ROLE_APPLICANT)
		return "applicant1";
	return "system";
}

static const char *body_for(enum case_action a)
{
	switch (a) {
	case CA_ACCEPT_DEFICIENT: return "{\"missing\":[\"m2\"]}";
	case CA_REQUEST_CORRECTION: return "{\"reason\":\"申请表缺签字\"}";
	case CA_REFUSE: return "{\"reason\":\"不属于本机关职权范围\"}";
	case CA_DENY: return "{\"reason\":\"不符合法定条件\"}";
	case CA_SUPPLEMENT: return NULL; /* filled with the material below */
	case CA_ASSIGN: return "{\"assignee\":\"approver-xzsp\",\"reason\":\"工作量调整\"}";
	case CA_RETURN: return "{\"to\":\"applicant\",\"reason\":\"补充说明\"}";
	case CA_SUSPEND: return "{\"type\":\"expert_review\",\"reason\":\"专家评审\"}";
	case CA_CHOOSE_DELIVERY: return "{\"mode\":\"electronic\"}";
	case CA_DELIVER: return "{\"mode\":\"window\"}";
	default: return "{}";
	}
}

/* The walk's object: one case (tests/unit/lifecycle.h). */
static char walked[32];

static int case_walk_state(void *unused)
{
	(void)unused;
	db_stmt *st = db_prepare(d, "SELECT state FROM cases WHERE no = ?", NULL);
	db_bind_text(st, 1, walked);
	cr_assert_eq(db_step(st, NULL), DB_ROW);
	int s = case_state_parse(db_col_text(st, 0));
	db_done(st);
	return s;
}

static bool case_takes(int action)
{
	(void)action;
	return true;
}

static void case_set_up(int from, int action, void *unused)
{
	(void)unused;
	submit(ITEM_TWO_STEPS, action == CA_ACCEPT_DEFICIENT, walked);
	if (from != CS_SUBMITTED)
		force_state(walked, (enum case_state)from);
	/* once accepted (or returned), only what is owed is supplemented: m2 is */
	if (action == CA_SUPPLEMENT && (from == CS_ACCEPTED || from == CS_RETURNED))
		cr_assert_eq(db_run(d, NULL, "UPDATE cases SET missing = '[\"m2\"]' WHERE no = ?",
				    "s", walked),
			     0);
}

static int case_walk_act(int a, const struct lc_row *row, void *unused)
{
	(void)unused;
	/* a row's own roles; a pair with no row, any role that takes the action somewhere */
	unsigned roles = row ? row->roles : 0;
	for (int i = 0; !row && i < case_table_len; i++)
		if (case_table[i].action == a)
			roles |= case_table[i].roles;
	char supplement[256];
	snprintf(supplement, sizeof(supplement),
		 "{\"materials\":[{\"id\":\"m2\",\"sha256\":\"%s\"}]}", sha);
	const char *body = a != CA_SUPPLEMENT ? body_for((enum case_action)a)
			   : row		 ? supplement
						 : "{\"note\":\"x\"}";
	char state[24];
	yc_err err;
	int rc = act(walked, actor_for((int)roles), (enum case_action)a, body, state, &err);
	cr_assert(rc != YC_ECONFLICT || !strcmp(err.state, case_state_name(case_walk_state(NULL))),
		  "a refusal names the state");
	if (rc && rc != YC_ECONFLICT)
		cr_log_error("(%s): %s (%s)", case_action_name(a), err.message, err.field);
	return rc;
}

Test(case_table, every_row_moves_and_every_other_pair_refuses, .init = setup, .fini = teardown)
{
	struct lc_walk w = {&case_lifecycle, case_takes, case_set_up, case_walk_act, case_walk_state,
			    NULL};
	lc_walk(&w);
}

Test(case_table, names_round_trip)
{
	for (int s = 0; s < CS_NSTATES; s++)
		cr_assert_eq(case_state_parse(case_state_name(s)), s);
	for (int a = 0; a < CA_NACTIONS; a++)
		cr_assert_eq(case_action_parse(case_action_name(a)), a);
	cr_assert_eq(case_state_parse("nonsense"), -1);
	/*
	 * every row's roles are real roles; the system only lapses, and for a
	 * composite process accepts a part and withdraws one it cancels
	 */
	for (int i = 0; i < case_table_len; i++) {
		cr_assert(case_table[i].roles);
		cr_assert((case_table[i].roles & ROLE_SYSTEM) == 0 ||
			  case_table[i].action == CA_LAPSE || case_table[i].action == CA_ACCEPT ||
			  case_table[i].action == CA_WITHDRAW);
	}
}

/* Each row's clock, for either outcome, is the move between its states' clocks. */
Test(case_table, every_rows_clock_is_the_move_between_its_states_clocks)
{
	int starts = 0, decides = 0;
	for (int i = 0; i < case_table_len; i++) {
		const struct lc_row *t = &case_table[i];
		cr_assert_eq(t->effect, case_clock_between(t->from, t->to), "%s %s",
			     case_state_name(t->from), case_action_name(t->action));
		cr_assert_eq(t->alt_effect, case_clock_between(t->from, t->alt), "%s %s (alt)",
			     case_state_name(t->from), case_action_name(t->action));
		starts += t->effect == CLOCK_START;
		decides += t->alt_effect == CLOCK_DECIDE || t->effect == CLOCK_DECIDE;
	}
	/* acceptance starts it; the last approval and a denial decide */
	cr_assert_eq(starts, 2);
	cr_assert_eq(decides, 2);
	cr_assert_eq(case_clock_between(CS_ACCEPTED, CS_RETURNED), CLOCK_STOP);
	cr_assert_eq(case_clock_between(CS_SUSPENDED, CS_ACCEPTED), CLOCK_RESUME);
	cr_assert_eq(case_clock_between(CS_RETURNED, CS_WITHDRAWN), CLOCK_DROP);
	cr_assert_eq(case_clock_between(CS_SUBMITTED, CS_WITHDRAWN), CLOCK_NONE);
}

Test(case_roles, wrong_role_and_scope_are_forbidden, .init = setup, .fini = teardown)
{
	char no[32], state[24];
	yc_err err;
	submit(ITEM_ONE_STEP, false, no);
	/* an applicant cannot accept; an approver cannot refuse */
	cr_assert_eq(act(no, "applicant1", CA_ACCEPT, "{}", state, &err), YC_EFORBIDDEN);
	cr_assert_eq(act(no, "approver1", CA_REFUSE, "{\"reason\":\"x\"}", state, &err),
		     YC_EFORBIDDEN);
	/* another applicant's case */
	cr_assert_eq(act(no, "business1", CA_WITHDRAW, "{}", state, &err), YC_EFORBIDDEN);
	must(no, "clerk1", CA_ACCEPT, "{}", "accepted");
	/* another department's approver */
	cr_assert_eq(act(no, "approver-bdc", CA_APPROVE, "{}", state, &err), YC_EFORBIDDEN);
}

/* The case as JSON, for reading fields. */
static cJSON *view(const char *no)
{
	yc_user s = user("supervisor1");
	yc_buf out;
	yc_buf_init(&out, 0);
	cr_assert_eq(case_json(d, &ctx, &s, no, &out, NULL), 0);
	cJSON *c = cJSON_Parse(out.data);
	yc_buf_release(&out);
	return c;
}

Test(case_deadline, product_example_and_suspension, .init = setup, .fini = teardown)
{
	/* PRODUCT.md: accepted 2025-09-26, 5 working days → 2025-10-10 (National Day between) */
	ctx.now_ms = local_ms(2025, 9, 26, 10, 0);
	char no[32];
	submit(ITEM_FIVE_DAYS, false, no);
	must(no, "clerk1", CA_ACCEPT, "{}", "accepted");
	cJSON *c = view(no);
	cr_assert_str_eq(yc_json_str(c, "deadline"), "2025-10-10");
	const char *assignee =
		yc_json_str(cJSON_GetObjectItemCaseSensitive(c, "current_step"), "assignee");
	char who[40];
	snprintf(who, sizeof(who), "%s", assignee);
	cJSON_Delete(c);
	/*
	 * suspended 10-09, resumed 10-13: the working days 10-10, 10-11 (a make-up
	 * Saturday) and 10-13 come back, so 10-10 + 3 working days = 10-14
	 */
	ctx.now_ms = local_ms(2025, 10, 9, 10, 0);
	must(no, who, CA_SUSPEND, "{\"type\":\"testing\",\"reason\":\"送检\"}", "suspended");
	ctx.now_ms = local_ms(2025, 10, 13, 10, 0);
	must(no, who, CA_RESUME, "{}", "accepted");
	c = view(no);
	cr_assert_str_eq(yc_json_str(c, "deadline"), "2025-10-14");
	cJSON_Delete(c);
}

Test(case_deadline, spring_festival_example, .init = setup, .fini = teardown)
{
	/* PRODUCT.md: accepted 2026-02-13, 3 working days → 2026-02-25 */
	ctx.now_ms = local_ms(2026, 2, 13, 9, 30);
	char no[32];
	submit(ITEM_ONE_STEP, false, no);
	must(no, "clerk1", CA_ACCEPT, "{}", "accepted");
	cJSON *c = view(no);
	cr_assert_str_eq(yc_json_str(c, "deadline"), "2026-02-25");
	cJSON_Delete(c);
}

Test(case_deadline, hour_limit_crosses_the_weekend, .init = setup, .fini = teardown)
{
	/* Friday 16:30, 2 working hours: 30 minutes on Friday, 90 on Monday from 09:00 */
	ctx.now_ms = local_ms(2026, 11, 27, 16, 30);
	char no[32];
	submit(ITEM_HOURS, false, no);
	must(no, "clerk1", CA_ACCEPT, "{}", "accepted");
	cJSON *c = view(no);
	cr_assert_str_eq(yc_json_str(c, "deadline"), "2026-11-30T10:30+08:00");
	cJSON_Delete(c);
}

Test(case_deadline, lights_follow_the_clock, .init = setup, .fini = teardown)
{
	ctx.now_ms = local_ms(2026, 11, 27, 10, 0);
	char no[32];
	submit(ITEM_ONE_STEP, false, no); /* 3 working days: deadline Wed 12-02 */
	must(no, "clerk1", CA_ACCEPT, "{}", "accepted");
	cJSON *c = view(no);
	cr_assert_str_eq(yc_json_str(c, "deadline"), "2026-12-02");
	cr_assert_str_eq(yc_json_str(c, "light"), "green");
	cJSON_Delete(c);
	/* the approver it went to is told the deadline (the clock starts before the step) */
	char text[512] = "", like[48];
	snprintf(like, sizeof(like), "%%待审批办件%s%%", no);
	cr_assert_eq(db_get(d, NULL, "SELECT text FROM notifications WHERE text LIKE ?", "s", "t",
			    like, text, sizeof(text)),
		     DB_ROW);
	cr_assert(strstr(text, "期限2026-12-02"), "%s", text);
	ctx.now_ms = local_ms(2026, 12, 1, 9, 0); /* one working day left: yellow */
	c = view(no);
	cr_assert_str_eq(yc_json_str(c, "light"), "yellow");
	cJSON_Delete(c);
	ctx.now_ms = local_ms(2026, 12, 3, 0, 1); /* past the deadline day: red */
	c = view(no);
	cr_assert_str_eq(yc_json_str(c, "light"), "red");
	cJSON_Delete(c);
	/* the job stores it and tells the supervisors */
	int64_t changed = 0;
	cr_assert_eq(db_begin(d, NULL), 0);
	cr_assert_eq(case_refresh_lights(d, &ctx, &changed, NULL), 0);
	cr_assert_eq(db_commit(d, NULL), 0);
	cr_assert_eq(changed, 1);
	cr_assert_eq(db_begin(d, NULL), 0);
	cr_assert_eq(case_refresh_lights(d, &ctx, &changed, NULL), 0);
	cr_assert_eq(db_commit(d, NULL), 0);
	cr_assert_eq(changed, 0, "a second run finds nothing to change");
	db_stmt *st =
		db_prepare(d, "SELECT COUNT(*) FROM notifications WHERE text LIKE '%红灯%'", NULL);
	cr_assert_eq(db_step(st, NULL), DB_ROW);
	cr_assert_geq(db_col_int(st, 0), 1);
	db_done(st);
}

Test(case_deadline, light_thresholds)
{
	cr_assert_str_eq(case_light_at(99, 100, 200), "green");
	cr_assert_str_eq(case_light_at(100, 100, 200), "yellow");
	cr_assert_str_eq(case_light_at(199, 100, 200), "yellow");
	cr_assert_str_eq(case_light_at(200, 100, 200), "red");
}

Test(case_kinds, instant_and_commitment_are_decided_at_acceptance, .init = setup, .fini = teardown)
{
	char no[32];
	submit(ITEM_INSTANT, false, no);
	must(no, "clerk1", CA_ACCEPT, "{}", "approved");
	submit(ITEM_COMMIT, false, no);
	must(no, "clerk1", CA_ACCEPT, "{}", "approved");
	db_stmt *st =
		db_prepare(d, "SELECT state, department FROM post_checks WHERE case_no = ?", NULL);
	db_bind_text(st, 1, no);
	cr_assert_eq(db_step(st, NULL), DB_ROW, "a post-check task is created");
	cr_assert_str_eq(db_col_text(st, 0), "open");
	db_done(st);
}

/* The post-check walk's object: the post-check of one commitment-based case. */
static char checked[32];

static bool post_check_takes(int action)
{
	(void)action;
	return true;
}

static void post_check_set_up(int from, int action, void *unused)
{
	(void)action, (void)unused;
	submit(ITEM_COMMIT, false, checked);
	must(checked, "clerk1", CA_ACCEPT, "{}", "approved");
	cr_assert_eq(db_run(d, NULL, "UPDATE post_checks SET state = ? WHERE case_no = ?", "ss",
			    lc_state_name(&case_post_check_lifecycle, from), checked),
		     0);
}

static int post_check_act(int action, const struct lc_row *row, void *unused)
{
	(void)action, (void)row, (void)unused;
	db_stmt *st = db_prepare(d,
				 "SELECT username FROM users WHERE role = 'approver' AND department ="
				 " (SELECT department FROM post_checks WHERE case_no = ?)"
				 " ORDER BY username LIMIT 1",
				 NULL);
	db_bind_text(st, 1, checked);
	cr_assert_eq(db_step(st, NULL), DB_ROW, "the department has an approver");
	yc_user u = user(db_col_text(st, 0));
	db_done(st);
	cJSON *body = cJSON_Parse("{\"result\":\"failed\",\"note\":\"承诺不实\"}");
	yc_buf out;
	yc_buf_init(&out, 0);
	yc_err err;
	cr_assert_eq(db_begin(d, NULL), 0);
	int rc = case_post_check_complete(d, &ctx, &u, checked, body, &out, &err);
	if (rc)
		db_rollback(d);
	else
		cr_assert_eq(db_commit(d, NULL), 0);
	cJSON_Delete(body);
	yc_buf_release(&out);
	return rc;
}

static int post_check_state(void *unused)
{
	(void)unused;
	db_stmt *st = db_prepare(d, "SELECT state FROM post_checks WHERE case_no = ?", NULL);
	db_bind_text(st, 1, checked);
	cr_assert_eq(db_step(st, NULL), DB_ROW);
	int s = lc_state(&case_post_check_lifecycle, db_col_text(st, 0));
	db_done(st);
	return s;
}

Test(case_kinds, every_post_check_row_moves_and_every_other_pair_refuses, .init = setup,
     .fini = teardown)
{
	struct lc_walk w = {&case_post_check_lifecycle, post_check_takes, post_check_set_up,
			    post_check_act, post_check_state, NULL};
	lc_walk(&w);
}

Test(case_assign, round_robin_random_and_manual, .init = setup, .fini = teardown)
{
	/* xzsp has two approvers: approver1 and approver-xzsp */
	cr_assert_eq(db_run(d, NULL,
			    "UPDATE items SET doc = REPLACE(doc, '\"assignment\":\"random\"',"
			    " '\"assignment\":\"round_robin\"') WHERE code = ?",
			    "s", ITEM_ONE_STEP),
		     0);
	char seen[4][40];
	for (int i = 0; i < 4; i++) {
		char no[32];
		submit(ITEM_ONE_STEP, false, no);
		must(no, "clerk1", CA_ACCEPT, "{}", "accepted");
		cJSON *c = view(no);
		snprintf(seen[i], sizeof(seen[i]), "%s",
			 yc_json_str(cJSON_GetObjectItemCaseSensitive(c, "current_step"),
				     "assignee"));
		cJSON_Delete(c);
	}
	cr_assert_str_neq(seen[0], seen[1], "round-robin alternates");
	cr_assert_str_eq(seen[0], seen[2]);
	cr_assert_str_eq(seen[1], seen[3]);
	/* random: always one of the department's approvers */
	for (int i = 0; i < 6; i++) {
		char no[32];
		submit(ITEM_TWO_STEPS, false, no);
		must(no, "clerk1", CA_ACCEPT, "{}", "accepted");
		cJSON *c = view(no);
		const char *a = yc_json_str(cJSON_GetObjectItemCaseSensitive(c, "current_step"),
					    "assignee");
		cr_assert(a && (!strcmp(a, "approver1") || !strcmp(a, "approver-xzsp")));
		cJSON_Delete(c);
	}
	/* manual: nobody until a supervisor assigns with a reason, or an approver claims */
	char no[32], state[24];
	yc_err err;
	submit(ITEM_MANUAL, false, no);
	must(no, "clerk1", CA_ACCEPT, "{}", "accepted");
	cJSON *c = view(no);
	cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(c, "current_step"), "assignee")));
	cJSON_Delete(c);
	cr_assert_eq(act(no, "supervisor1", CA_ASSIGN, "{\"assignee\":\"approver1\"}", state, &err),
		     YC_EINVAL, "a reason is required");
	cr_assert_str_eq(err.field, "reason");
	cr_assert_eq(act(no, "supervisor1", CA_ASSIGN,
			 "{\"assignee\":\"approver-bdc\",\"reason\":\"x\"}", state, &err),
		     YC_EINVAL, "only the step department's approvers");
	must(no, "supervisor1", CA_ASSIGN, "{\"assignee\":\"approver-xzsp\",\"reason\":\"熟悉\"}",
	     "accepted");
	cr_assert_eq(act(no, "approver1", CA_APPROVE, "{}", state, &err), YC_EFORBIDDEN,
		     "assigned to another approver");
	must(no, "approver-xzsp", CA_APPROVE, "{}", NULL);
}
