/* definition.c — a process definition checked: its fields, its parts' order (a DAG), its
 * conditions. */
#include "core/process/process.h"
#include "core/process/internal.h"

#include <stdio.h>
#include <string.h>

#include "lib/banned.h"

static const char *const limit_units[] = {"workday", "workhour", NULL};
static const char *const deny_rules[] = {"stop", "continue", NULL};

static const yc_jfield process_spec[] = {
	{"code", YC_JT_STRING, true, 40},
	{"name", YC_JT_STRING, true, 200},
	{"kind", YC_JT_STRING, false, 16,
	 .one_of = (const char *const[]){"business", "life", NULL}},
	{"promised_limit", YC_JT_OBJECT, true, 0},
	{"on_deny", YC_JT_STRING, true, 16, .one_of = deny_rules},
	{"fee_free", YC_JT_BOOL, false, 0},
	{"questions", YC_JT_ARRAY, false, 20},
	{"parts", YC_JT_ARRAY, true, PROCESS_MAX_PARTS},
	{"form", YC_JT_ARRAY, false, 200},
	{"materials", YC_JT_ARRAY, false, 100},
	{"delivery", YC_JT_ARRAY, false, 3,
	 .one_of = (const char *const[]){"window", "mail", "electronic", NULL}},
	{"description", YC_JT_STRING, false, 4000},
	{"visits", YC_JT_INT, false, 0, .min = 0, .max = 10},
	{"status", YC_JT_STRING, false, 16,
	 .one_of = (const char *const[]){"active", "retired", NULL}},
};
static const yc_jfield limit_spec[] = {
	{"value", YC_JT_INT, true, 0, .min = 1, .max = 3650},
	{"unit", YC_JT_STRING, true, 16, .one_of = limit_units},
};
static const yc_jfield question_spec[] = {
	{"name", YC_JT_STRING, true, 40},
	{"label", YC_JT_STRING, true, 200},
	{"options", YC_JT_ARRAY, true, 20},
};
static const yc_jfield part_spec[] = {
	{"id", YC_JT_STRING, true, 40},
	{"item", YC_JT_STRING, true, 40},
	{"after", YC_JT_ARRAY, false, PROCESS_MAX_PARTS},
	{"when", YC_JT_OBJECT, false, 0},
	{"name", YC_JT_STRING, false, 200},
};
#define N(a) (sizeof(a) / sizeof(a[0]))

static bool ident(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == strlen(s);
}

/* The lookups the files share (internal.h). */
int process_part_index(const struct process_def *def, const char *id)
{
	for (int i = 0; i < def->nparts; i++)
		if (!strcmp(def->part_id[i], id))
			return i;
	return -1;
}

const cJSON *process_question(const cJSON *doc, const char *name)
{
	const cJSON *q;
	cJSON_ArrayForEach (q, cJSON_GetObjectItemCaseSensitive(doc, "questions"))
		if (!strcmp(yc_json_str(q, "name"), name))
			return q;
	return NULL;
}

bool process_has_option(const cJSON *q, const char *value)
{
	const cJSON *o;
	cJSON_ArrayForEach (o, cJSON_GetObjectItemCaseSensitive(q, "options"))
		if (cJSON_IsString(o) && !strcmp(o->valuestring, value))
			return true;
	return false;
}

/* Each part's "after" as bits, and each "when" against the questions. */
static int link_parts(const cJSON *doc, struct process_def *def, yc_err *err)
{
	int i = 0;
	const cJSON *p;
	cJSON_ArrayForEach (p, cJSON_GetObjectItemCaseSensitive(doc, "parts")) {
		int k = 0;
		const cJSON *a;
		cJSON_ArrayForEach (a, cJSON_GetObjectItemCaseSensitive(p, "after")) {
			int j = cJSON_IsString(a) ? process_part_index(def, a->valuestring) : -1;
			if (j < 0 || j == i) {
				char path[48];
				snprintf(path, sizeof(path), "parts[%d].after[%d]", i, k);
				return yc_err_set(err, YC_EINVAL, path, "%s names no other part",
						  path);
			}
			def->after[i] |= 1u << j;
			k++;
		}
		const cJSON *w;
		cJSON_ArrayForEach (w, cJSON_GetObjectItemCaseSensitive(p, "when")) {
			const cJSON *q = process_question(doc, w->string);
			if (!q || !cJSON_IsString(w) || !process_has_option(q, w->valuestring)) {
				char path[96];
				snprintf(path, sizeof(path), "parts[%d].when.%s", i, w->string);
				return yc_err_set(err, YC_EINVAL, path,
						  "%s must name a question and one of its options",
						  path);
			}
		}
		i++;
	}
	return 0;
}

/* Kahn's order over the bit sets: what is left when nothing more can go is a cycle. */
static int check_acyclic(const struct process_def *def, yc_err *err)
{
	uint32_t done = 0, all = def->nparts == 32 ? UINT32_MAX : (1u << def->nparts) - 1;
	for (bool moved = true; moved;) {
		moved = false;
		for (int i = 0; i < def->nparts; i++)
			if (!(done & (1u << i)) && (def->after[i] & ~done) == 0) {
				done |= 1u << i;
				moved = true;
			}
	}
	for (int i = 0; i < def->nparts; i++)
		if (!(done & all & (1u << i)))
			return yc_err_set(err, YC_EINVAL, "parts",
					  "parts %s and those it waits for form a cycle",
					  def->part_id[i]);
	return 0;
}

int process_validate(const cJSON *doc, struct process_def *def, yc_err *err)
{
	memset(def, 0, sizeof(*def));
	int rc = yc_json_check(doc, process_spec, N(process_spec), err);
	if (!rc)
		rc = yc_err_prefix(
			yc_json_check(cJSON_GetObjectItemCaseSensitive(doc, "promised_limit"),
				      limit_spec, N(limit_spec), err),
			err, "promised_limit");
	if (!rc)
		rc = yc_json_check_each(doc, "questions", question_spec, N(question_spec), err);
	if (!rc)
		rc = yc_json_check_each(doc, "parts", part_spec, N(part_spec), err);
	if (rc)
		return rc;
	const cJSON *p;
	cJSON_ArrayForEach (p, cJSON_GetObjectItemCaseSensitive(doc, "parts")) {
		int i = def->nparts;
		const char *id = yc_json_str(p, "id");
		char path[32];
		snprintf(path, sizeof(path), "parts[%d].id", i);
		if (!ident(id))
			return yc_err_set(err, YC_EINVAL, path,
					  "%s may hold only a-z, 0-9, '_' and '-'", path);
		if (process_part_index(def, id) >= 0)
			return yc_err_set(err, YC_EINVAL, path, "%s repeats an earlier id", path);
		def->part_id[def->nparts] = id;
		def->part_item[def->nparts++] = yc_json_str(p, "item");
	}
	if (!def->nparts)
		return yc_err_set(err, YC_EINVAL, "parts", "a process has at least one part");
	def->doc = doc;
	if ((rc = link_parts(doc, def, err)) || (rc = check_acyclic(def, err)) ||
	    (rc = process_check_mapping(def, doc, err)))
		return rc;
	def->stop_on_deny = !strcmp(yc_json_str(doc, "on_deny"), "stop");
	return 0;
}
