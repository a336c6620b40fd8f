/*
 * json — the request body's way in: yc_json_parse (UTF-8, syntax, duplicate
 * keys, \u0000), then yc_json_check and yc_json_check_each against a spec
 * with every kind of field, yc_text_clean on every string, and the writer:
 * what yc_json_add_item and yc_json_add_str print must parse again.
 */
#include "lib/json.h"
#include "fuzz.h"

static const char *const levels[] = {"low", "high", NULL};
static const yc_jfield spec[] = {
	{"name", YC_JT_STRING, true, 32},
	{"level", YC_JT_STRING, false, 8, .one_of = levels},
	{"visits", YC_JT_INT, false, 0, .min = 0, .max = 10},
	{"share", YC_JT_NUMBER, false, 0, .min = 0, .max = 100},
	{"ok", YC_JT_BOOL, false, 0},
	{"form", YC_JT_OBJECT, false, 0},
	{"tags", YC_JT_ARRAY, false, 4, .one_of = levels},
	{"rows", YC_JT_ARRAY, false, 16},
	{"any", YC_JT_ANY, false, 0},
};
static const yc_jfield row_spec[] = {
	{"no", YC_JT_INT, true, 0, .min = 1, .max = 1000},
	{"text", YC_JT_STRING, false, 64},
};

static void strings(const cJSON *j)
{
	for (const cJSON *c = j; c; c = c->next) {
		if (cJSON_IsString(c) && c->valuestring) {
			size_t bad;
			unsigned cp;
			(void)yc_text_clean(c->valuestring, &bad, &cp);
		}
		if (c->child)
			strings(c->child);
	}
}

static void reparse(const yc_buf *b)
{
	cJSON *again = NULL;
	yc_err err;
	FUZZ_ASSERT(yc_json_parse(b->data, b->len, &again, &err) == 0);
	cJSON_Delete(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t bad;
	(void)yc_utf8_valid((const char *)data, size, &bad);
	cJSON *j = NULL;
	yc_err err;
	if (yc_json_parse((const char *)data, size, &j, &err)) {
		FUZZ_ASSERT(err.message[0]);
		return 0;
	}
	if (yc_json_check(j, spec, sizeof(spec) / sizeof(spec[0]), &err) == 0 &&
	    cJSON_GetObjectItemCaseSensitive(j, "rows"))
		(void)yc_json_check_each(j, "rows", row_spec, 2, &err);
	(void)yc_json_str(j, "name");
	(void)yc_json_int(j, "visits", -1);
	(void)yc_json_bool(j, "ok", false);
	strings(j);

	yc_buf b;
	yc_buf_init(&b, 0);
	yc_json_add_item(&b, j);
	reparse(&b);
	if (cJSON_IsString(j)) {
		yc_buf_clear(&b);
		yc_json_add_str(&b, j->valuestring);
		reparse(&b);
	}
	yc_buf_release(&b);
	cJSON_Delete(j);
	return 0;
}
