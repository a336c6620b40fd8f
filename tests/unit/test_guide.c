/*
 * Unit tests of 智能导服 (core/guide/): a question's keys (pairs, single characters at their
 * own key, Latin words folded, punctuation a break), the unanswered log's masking (digits and
 * e-mail addresses out, whole characters kept), and the synonym table's checks naming rows.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/guide/internal.h"
#include "lib/json.h"

static int keys_of(const char *text, struct guide_key *k, int max)
{
	return guide_keys(text, k, max);
}

Test(guide, pairs_singles_and_latin_words)
{
	struct guide_key k[32];
	int n = keys_of("开饭店，UKey", k, 32);
	/* 开 (single), 开饭 (pair), 饭 (single), 饭店, 店, then the word ukey */
	cr_assert_eq(n, 6, "%d keys", n);
	int pairs = 0, singles = 0, words = 0;
	for (int i = 0; i < n; i++) {
		if (k[i].single)
			singles++;
		else if (k[i].key >> 63)
			words++;
		else
			pairs++;
	}
	cr_assert_eq(pairs, 2);
	cr_assert_eq(singles, 3);
	cr_assert_eq(words, 1);
	/* a Latin word is the same key whatever its case */
	struct guide_key a[4], b[4];
	cr_assert_eq(keys_of("KTV", a, 4), 1);
	cr_assert_eq(keys_of("ktv", b, 4), 1);
	cr_assert_eq(a[0].key, b[0].key);
	/* punctuation breaks a run: no pair across it */
	cr_assert_eq(keys_of("饭，店", k, 32), 4); /* each character alone, twice */
}

Test(guide, the_log_masks_digits_and_addresses)
{
	char out[GUIDE_QUESTION_MAX + 1];
	guide_mask("我的身份证370102199001011234丢了", out, sizeof(out));
	cr_assert_str_eq(out, "我的身份证****丢了");
	guide_mask("电话 13800138000   找谁", out, sizeof(out));
	cr_assert_str_eq(out, "电话 **** 找谁");
	guide_mask("发到 zhang.san@example.com 可以吗", out, sizeof(out));
	cr_assert_str_eq(out, "发到 ***@ 可以吗");
	guide_mask("办了3次，第123号", out, sizeof(out));
	cr_assert_str_eq(out, "办了3次，第123号"); /* short numbers stay */
	/* a cut never splits a character */
	char small[8];
	guide_mask("营业执照丢了", small, sizeof(small));
	cr_assert_str_eq(small, "营");
}

Test(guide, a_synonym_table_is_checked_row_by_row)
{
	yc_err err;
	cJSON *ok = cJSON_Parse("{\"synonyms\":[{\"phrase\":\"饭店\",\"terms\":\"餐饮\"}]}");
	cr_assert_eq(guide_synonyms_check(ok, &err), 0, "%s", err.message);
	cJSON_Delete(ok);
	const char *bad[][2] = {
		{"{\"synonyms\":[{\"phrase\":\"饭店\",\"terms\":\"餐饮\"},{\"phrase\":\"饭店\",\"terms\":\"x饭\"}]}",
		 "synonyms[1].phrase"},
		{"{\"synonyms\":[{\"phrase\":\"饭 店\",\"terms\":\"餐饮\"}]}", "synonyms[0].phrase"},
		{"{\"synonyms\":[{\"phrase\":\"KTV\",\"terms\":\"娱乐\"}]}", "synonyms[0].phrase"},
		{"{\"synonyms\":[{\"phrase\":\"饭店\",\"terms\":\"，。\"}]}", "synonyms[0].terms"},
		{"{\"synonyms\":[{\"phrase\":\"饭店\"}]}", "synonyms[0].terms"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cJSON *j = cJSON_Parse(bad[i][0]);
		cr_assert_eq(guide_synonyms_check(j, &err), YC_EINVAL, "%s", bad[i][0]);
		cr_assert_str_eq(err.field, bad[i][1], "%s: %s", bad[i][0], err.field);
		cJSON_Delete(j);
	}
}
