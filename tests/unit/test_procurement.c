/*
 * Unit tests of 政府采购 (core/procurement/): the signing limit of 10 working days and
 * the filing limit of 7 counted on the calendar across the Mid-Autumn and National Day
 * holidays of 2026 (with the Saturday worked in between); the deposit rule by the
 * supplier's class and flags; the contract's lifecycle table whole.
 */
#include <criterion/criterion.h>

#include "../scratch_store.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/calendar/calendar.h"
#include "core/demo/demo.h"
#include "core/procurement/internal.h"
#include "db/db.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lifecycle.h"

#define SUPPLIER "91371000MA3000001R"

static char path[64];
static db *d;
static calendar *cal;
static struct case_ctx cases;
static struct proc_ctx c;
static yc_user unit, finance;

static void setup(void)
{
	snprintf(path, sizeof(path), "/tmp/yc-proc-%d-XXXXXX", getpid());
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
	cases = (struct case_ctx){.cal = cal, .tz_offset_min = 480, .warn_days = 3};
	int32_t now;
	yc_date_parse("2026-10-20", &now);
	/* 10:00 in the district on 2026-10-20 */
	c = (struct proc_ctx){.cases = &cases,
			      .sign_days = 10,
			      .file_days = 7,
			      .now_ms = ((int64_t)now * 1440 + 120) * 60000};
	snprintf(c.finance, sizeof(c.finance), "czjr");
	unit = (yc_user){.id = 5, .role = ROLE_APPROVER};
	snprintf(unit.username, sizeof(unit.username), "approver-jy");
	snprintf(unit.department, sizeof(unit.department), "jy");
	finance = unit;
	snprintf(finance.username, sizeof(finance.username), "approver-czjr");
	snprintf(finance.department, sizeof(finance.department), "czjr");
	cr_assert_eq(
		db_run(d, NULL,
		       "INSERT INTO insp_entities (credit_code, name, type, industry, address,"
		       " region, class, source, created_ms, updated_ms) VALUES (?, '甲', '公司',"
		       " 'F5179', '经区', '皇冠街道', 'A', 'import', 1, 1)",
		       "s", SUPPLIER),
		0);
}

static void teardown(void)
{
	calendar_free(cal);
	db_close(d);
	scratch_store_remove(path);
}

static int run(const yc_user *u, const char *id, const char *action, const char *body,
	       cJSON **out_json, yc_err *err)
{
	cJSON *b = cJSON_Parse(body);
	int rc = id ? proc_act_check(action, b, err) : proc_create_check(b, err);
	yc_buf out;
	yc_buf_init(&out, 0);
	cr_assert_eq(db_begin(d, NULL), 0);
	if (!rc)
		rc = id ? proc_act(d, &c, u, id, action, b, &out, err)
			: proc_create(d, &c, u, b, &out, err);
	if (rc)
		db_rollback(d);
	else
		cr_assert_eq(db_commit(d, NULL), 0);
	if (out_json)
		*out_json = rc ? NULL : cJSON_ParseWithLength(out.data, out.len);
	yc_buf_release(&out);
	cJSON_Delete(b);
	return rc;
}

static void award(char id[24], const char *on)
{
	char body[400];
	snprintf(body, sizeof(body),
		 "{\"project\":\"教学设备\",\"project_no\":\"T-1\",\"method\":\"询价\","
		 "\"supplier_code\":\"%s\",\"supplier\":\"甲\",\"amount\":100000,"
		 "\"awarded_on\":\"%s\"}",
		 SUPPLIER, on);
	cJSON *j;
	yc_err err;
	cr_assert_eq(run(&unit, NULL, "award", body, &j, &err), 0, "%s", err.message);
	snprintf(id, 24, "%s", yc_json_str(j, "id"));
	cJSON_Delete(j);
}

Test(procurement, the_limits_are_working_days_across_the_holidays, .init = setup, .fini = teardown)
{
	char id[24];
	/* 09-24: the Mid-Autumn days (09-25 … 27) and National Day (10-01 … 07) are off,
	 * Saturday 10-10 is worked: ten working days end on 10-15 */
	award(id, "2026-09-24");
	cJSON *j;
	yc_err err;
	cr_assert_eq(run(&unit, id, "sign", "{\"on\":\"2026-10-15\"}", &j, &err), 0, "%s",
		     err.message);
	char sign_by[12];
	cr_assert_eq(db_get(d, NULL, "SELECT sign_by FROM proc_contracts WHERE id = ?", "s", "t",
			    id, sign_by, sizeof(sign_by)),
		     DB_ROW);
	cr_assert_str_eq(sign_by, "2026-10-15");
	/* signed on its last day: on time; seven working days to file end on 10-26 */
	cr_assert_str_eq(yc_json_str(j, "file_by"), "2026-10-26");
	cJSON_Delete(j);
	/* a day later would have needed a reason */
	award(id, "2026-09-24");
	cr_assert_eq(run(&unit, id, "sign", "{\"on\":\"2026-10-16\"}", NULL, &err), YC_EINVAL);
	cr_assert_str_eq(err.field, "reason");
	cr_assert_eq(
		run(&unit, id, "sign", "{\"on\":\"2026-10-16\",\"reason\":\"延期\"}", NULL, &err),
		0, "%s", err.message);
}

Test(procurement, the_deposit_follows_the_class_and_the_flags, .init = setup, .fini = teardown)
{
	struct proc_deposit p;
	yc_err err;
	cr_assert_eq(proc_deposit_rule(d, SUPPLIER, &p, &err), 0);
	cr_assert(p.waived);
	cr_assert_eq(db_run(d, NULL, "UPDATE insp_entities SET class = 'C'", ""), 0);
	cr_assert_eq(proc_deposit_rule(d, SUPPLIER, &p, &err), 0);
	cr_assert(!p.waived);
	cr_assert_eq(db_run(d, NULL, "UPDATE insp_entities SET class = 'B', serious = 1", ""), 0);
	cr_assert_eq(proc_deposit_rule(d, SUPPLIER, &p, &err), 0);
	cr_assert(!p.waived);
	cr_assert(strstr(p.basis, "严重违法失信名单"));
	cr_assert_eq(proc_deposit_rule(d, "91371000MA3000002W", &p, &err), 0);
	cr_assert(!p.waived);
	cr_assert_str_eq(p.cls, "");
}

/* ---- the lifecycle ------------------------------------------------------------------ */

static char walked[24];

static bool takes(int action)
{
	(void)action;
	return true;
}

static void set_up(int from, int action, void *ctx)
{
	(void)action, (void)ctx;
	award(walked, "2026-10-19");
	cr_assert_eq(
		db_run(d, NULL,
		       "UPDATE proc_contracts SET state = ?, signed_on = CASE WHEN ? <> 'awarded'"
		       " THEN '2026-10-19' END WHERE id = ?",
		       "sss", lc_state_name(&proc_lifecycle, from),
		       lc_state_name(&proc_lifecycle, from), walked),
		0);
}

static int act(int action, const struct lc_row *row, void *ctx)
{
	(void)row, (void)ctx;
	const char *body = action == PA_EXPLAIN || action == PA_CANCEL ? "{\"reason\":\"走查\"}"
			   : action == PA_ADVANCE ? "{\"on\":\"2026-10-20\",\"percent\":30}"
						  : "{\"on\":\"2026-10-20\"}";
	yc_err err;
	return run(action == PA_FILE ? &finance : &unit, walked,
		   lc_action_name(&proc_lifecycle, action), body, NULL, &err);
}

static int state(void *ctx)
{
	(void)ctx;
	char s[16] = "";
	cr_assert_eq(db_get(d, NULL, "SELECT state FROM proc_contracts WHERE id = ?", "s", "t",
			    walked, s, sizeof(s)),
		     DB_ROW);
	return lc_state(&proc_lifecycle, s);
}

Test(procurement, every_row_moves_and_every_other_pair_refuses, .init = setup, .fini = teardown)
{
	struct lc_walk w = {&proc_lifecycle, takes, set_up, act, state, NULL};
	lc_walk(&w);
}
