/*
 * Unit tests of the negative list (core/foreign/): the edition in force is the newest whose
 * effective date has come (2020 before 1 November 2024, 2024 after); a class is covered by a
 * measure's division, group or class; the shipped editions pass their own check.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/foreign/foreign.h"
#include "db/db.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "store.h"

static struct scratch_store store;
static db *d;

static void setup(void)
{
	d = test_store_open(&store, "fdi", false);
	yc_err err;
	cr_assert_eq(db_begin(d, &err), 0, "%s", err.message);
	cr_assert_eq(fdi_seed(d, &err), 0, "%s", err.message);
	cr_assert_eq(db_commit(d, &err), 0, "%s", err.message);
}

static void teardown(void)
{
	test_store_close(&store);
}

static cJSON *judge(const char *date, const char *json)
{
	int32_t day;
	cr_assert_eq(yc_date_parse(date, &day), 0);
	cJSON *in = cJSON_Parse(json);
	yc_buf out;
	yc_buf_init(&out, 0);
	yc_err err;
	bool allowed;
	cr_assert_eq(fdi_check(d, in, day, &out, &allowed, &err), 0, "%s", err.message);
	cJSON *v = cJSON_Parse(out.data);
	cr_assert(v);
	cr_assert_eq(allowed, yc_json_bool(v, "allowed", !allowed));
	yc_buf_release(&out);
	cJSON_Delete(in);
	return v;
}

Test(foreign, the_edition_in_force_follows_the_date, .init = setup, .fini = teardown)
{
	/* a carmaker at 60% foreign: capped at 50% by the 2020 edition, outside the 2024 one */
	const char *car = "{\"industries\":\"C3611\",\"foreign_share\":60}";
	cJSON *v = judge("2021-06-01", car);
	cr_assert_str_eq(yc_json_str(v, "edition"), "2020");
	cr_assert_str_eq(yc_json_str(v, "verdict"), "restricted");
	cr_assert_not(yc_json_bool(v, "allowed", true));
	cJSON_Delete(v);
	v = judge("2024-10-31", car);
	cr_assert_str_eq(yc_json_str(v, "edition"), "2020");
	cJSON_Delete(v);
	v = judge("2024-11-01", car);
	cr_assert_str_eq(yc_json_str(v, "edition"), "2024");
	cr_assert_str_eq(yc_json_str(v, "verdict"), "national_treatment");
	cJSON_Delete(v);
	/* before the first edition: no list, national treatment */
	v = judge("2019-01-01", car);
	cr_assert(cJSON_IsNull(cJSON_GetObjectItem(v, "edition")));
	cr_assert_str_eq(yc_json_str(v, "verdict"), "national_treatment");
	cJSON_Delete(v);
}

Test(foreign, a_group_covers_its_classes_and_no_other, .init = setup, .fini = teardown)
{
	/* 2024 no. 13 names I6429; no. 12's group I642 covers I6421 too; I6513 is outside */
	cJSON *v = judge("2025-03-01", "{\"industries\":[\"I6421\"],\"foreign_share\":40}");
	cr_assert_str_eq(yc_json_str(v, "verdict"), "restricted");
	cJSON_Delete(v);
	v = judge("2025-03-01", "{\"industries\":[\"I6429\"],\"foreign_share\":40}");
	cr_assert_str_eq(yc_json_str(v, "verdict"), "prohibited");
	cJSON_Delete(v);
	v = judge("2025-03-01", "{\"industries\":[\"I6513\"],\"foreign_share\":100}");
	cr_assert_str_eq(yc_json_str(v, "verdict"), "national_treatment");
	cJSON_Delete(v);
}

Test(foreign, a_bad_edition_is_refused_by_its_measure, .init = setup, .fini = teardown)
{
	yc_err err;
	cJSON *doc = cJSON_Parse(
		"{\"edition\":\"t\",\"title\":\"t\",\"issued_by\":\"t\",\"effective\":\"2030-01-01\","
		"\"measures\":[{\"no\":1,\"sector\":\"s\",\"text\":\"x\",\"kind\":\"prohibited\","
		"\"industries\":[\"I65\"],\"conditions\":{\"chinese_control\":true}}]}");
	cr_assert_eq(fdi_edition_check(doc, &err), YC_EINVAL);
	cr_assert_str_eq(err.field, "measures[0].conditions");
	cJSON_DeleteItemFromObject(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "measures"), 0),
				   "conditions");
	cr_assert_eq(fdi_edition_check(doc, &err), 0, "%s", err.message);
	cJSON_ReplaceItemInObject(doc, "effective", cJSON_CreateString("2030-13-01"));
	cr_assert_eq(fdi_edition_check(doc, &err), YC_EINVAL);
	cr_assert_str_eq(err.field, "effective");
	cJSON_Delete(doc);
}
