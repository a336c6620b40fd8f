/* validate.c — an item's document checked: its fields, values, ranges and rules. */
#include "core/catalog/catalog.h"
#include "core/catalog/internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

int catalog_minutes_per_workday = 420;

const char *const catalog_item_levels[] = {"district", "town", "village", NULL};
const char *const catalog_item_types[] = {
	"license", "confirmation", "payment", "levy",		"ruling",
	"reward",  "inspection",   "other",   "public_service", NULL};
static const char *const case_types[] = {"instant", "promised", NULL};
static const char *const limit_units[] = {"workday", "workhour", NULL};
static const char *const material_forms[] = {"paper", "electronic", "both", NULL};
static const char *const material_sources[] = {"applicant", "government", "intermediary", NULL};
static const char *const field_types[] = {"text",     "number",	   "date",  "select",
					  "textarea", "id_number", "phone", NULL};
static const char *const step_roles[] = {"approver", "clerk", "supervisor", NULL};
static const char *const assignment_rules[] = {"random", "round_robin", "manual", NULL};
static const char *const delivery_modes[] = {"window", "mail", "electronic", NULL};

int catalog_enum_field(const cJSON *o, const char *name, const char *path, const char *const *set,
		       bool required, yc_err *err)
{
	const char *v = yc_json_str(o, name);
	if (!v && !required)
		return 0;
	if (!yc_one_of(v, set)) {
		yc_buf b;
		yc_buf_init(&b, 200);
		for (const char *const *s = set; *s; s++)
			yc_buf_addf(&b, "%s%s", s == set ? "" : ", ", *s);
		int rc = yc_err_set(err, YC_EINVAL, path, "%s must be one of: %s", path, b.data);
		yc_buf_release(&b);
		return rc;
	}
	return 0;
}

static int int_range(const cJSON *o, const char *name, const char *path, int64_t lo, int64_t hi,
		     yc_err *err)
{
	int64_t v = yc_json_int(o, name, lo);
	if (v < lo || v > hi)
		return yc_err_set(err, YC_EINVAL, path, "%s must be from %lld to %lld", path,
				  (long long)lo, (long long)hi);
	return 0;
}

/* Checks an array of objects against spec, prefixing field names with "name[i]". */
static int check_list(const cJSON *doc, const char *name, const yc_jfield *spec, size_t n,
		      yc_err *err)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, name);
	int i = 0;
	const cJSON *e;
	cJSON_ArrayForEach (e, arr) {
		int rc = yc_json_check(e, spec, n, err);
		if (rc)
			return yc_err_prefix(rc, err, "%s[%d]", name, i);
		i++;
	}
	return 0;
}

static int limit_minutes(const cJSON *lim)
{
	int64_t v = yc_json_int(lim, "value", 0);
	const char *unit = yc_json_str(lim, "unit");
	return (int)(unit && !strcmp(unit, "workhour") ? v * 60 : v * catalog_minutes_per_workday);
}

int catalog_item_validate(const cJSON *doc, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"code", YC_JT_STRING, true, 40},
		{"basic_code", YC_JT_STRING, true, 40},
		{"name", YC_JT_STRING, true, 300},
		{"department", YC_JT_STRING, true, 31},
		{"department_name", YC_JT_STRING, false, 200},
		{"level", YC_JT_STRING, true, 16},
		{"type", YC_JT_STRING, true, 32},
		{"case_type", YC_JT_STRING, true, 16},
		{"legal_limit", YC_JT_OBJECT, true, 0},
		{"promised_limit", YC_JT_OBJECT, true, 0},
		{"visits", YC_JT_INT, true, 0},
		{"online_depth", YC_JT_INT, true, 0},
		{"materials", YC_JT_ARRAY, false, 100},
		{"fees", YC_JT_ARRAY, false, 50},
		{"fee_free", YC_JT_BOOL, false, 0},
		{"where", YC_JT_STRING, false, 500},
		{"when", YC_JT_STRING, false, 300},
		{"phone", YC_JT_STRING, false, 40},
		{"conditions", YC_JT_STRING, false, 4000},
		{"legal_basis", YC_JT_STRING, false, 4000},
		{"approval", YC_JT_OBJECT, false, 0},
		{"form", YC_JT_ARRAY, false, 100},
		{"steps", YC_JT_ARRAY, false, 20},
		{"delivery", YC_JT_ARRAY, false, 3},
		{"keywords", YC_JT_STRING, false, 300},
		{"status", YC_JT_STRING, false, 16},
		{"commitment", YC_JT_BOOL, false, 0},
		{"post_check_days", YC_JT_INT, false, 0},
		{"assignment", YC_JT_STRING, false, 16},
		{"material_max_kb", YC_JT_INT, false, 0},
	};
	static const yc_jfield limit_spec[] = {
		{"value", YC_JT_INT, true, 0},
		{"unit", YC_JT_STRING, true, 16},
	};
	static const yc_jfield material_spec[] = {
		{"id", YC_JT_STRING, true, 40},	      {"name", YC_JT_STRING, true, 300},
		{"required", YC_JT_BOOL, true, 0},    {"condition", YC_JT_STRING, false, 500},
		{"form", YC_JT_STRING, false, 16},    {"source", YC_JT_STRING, false, 16},
		{"copies", YC_JT_INT, false, 0},      {"blank_form", YC_JT_STRING, false, 500},
		{"sample", YC_JT_STRING, false, 500}, {"note", YC_JT_STRING, false, 1000},
	};
	static const yc_jfield fee_spec[] = {
		{"name", YC_JT_STRING, true, 200},
		{"amount", YC_JT_NUMBER, true, 0},
		{"basis", YC_JT_STRING, false, 1000},
		{"waived", YC_JT_BOOL, false, 0},
	};
	static const yc_jfield approval_spec[] = {
		{"levels_before", YC_JT_INT, false, 0},
		{"levels", YC_JT_INT, false, 0},
		{"signatures_before", YC_JT_INT, false, 0},
		{"signatures", YC_JT_INT, false, 0},
	};
	static const yc_jfield form_spec[] = {
		{"name", YC_JT_STRING, true, 40},      {"label", YC_JT_STRING, true, 200},
		{"type", YC_JT_STRING, true, 16},      {"required", YC_JT_BOOL, false, 0},
		{"pattern", YC_JT_STRING, false, 200}, {"options", YC_JT_ARRAY, false, 100},
		{"max_length", YC_JT_INT, false, 0},
	};
	static const yc_jfield step_spec[] = {
		{"name", YC_JT_STRING, true, 100},
		{"department", YC_JT_STRING, true, 31},
		{"role", YC_JT_STRING, true, 16},
	};
#define N(a) (sizeof(a) / sizeof(a[0]))
	int rc = yc_json_check(doc, spec, N(spec), err);
	if (rc)
		return rc;
	const char *code = yc_json_str(doc, "code");
	if (!*code)
		return yc_err_set(err, YC_EINVAL, "code", "code must not be empty");
	for (const char *p = code; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || *p == '-'))
			return yc_err_set(err, YC_EINVAL, "code",
					  "code may hold only digits, capital letters and '-'");
	if (!*yc_json_str(doc, "name"))
		return yc_err_set(err, YC_EINVAL, "name", "name must not be empty");
	if ((rc = catalog_enum_field(doc, "level", "level", catalog_item_levels, true, err)) ||
	    (rc = catalog_enum_field(doc, "type", "type", catalog_item_types, true, err)) ||
	    (rc = catalog_enum_field(doc, "case_type", "case_type", case_types, true, err)) ||
	    (rc = catalog_enum_field(doc, "status", "status",
				     (const char *const[]){"active", "retired", NULL}, false, err)))
		return rc;
	const cJSON *legal = cJSON_GetObjectItemCaseSensitive(doc, "legal_limit");
	const cJSON *promised = cJSON_GetObjectItemCaseSensitive(doc, "promised_limit");
	if ((rc = yc_err_prefix(yc_json_check(legal, limit_spec, N(limit_spec), err), err,
				"legal_limit")) ||
	    (rc = catalog_enum_field(legal, "unit", "legal_limit.unit", limit_units, true, err)) ||
	    (rc = int_range(legal, "value", "legal_limit.value", 0, 3650, err)) ||
	    (rc = yc_err_prefix(yc_json_check(promised, limit_spec, N(limit_spec), err), err,
				"promised_limit")) ||
	    (rc = catalog_enum_field(promised, "unit", "promised_limit.unit", limit_units, true,
				     err)) ||
	    (rc = int_range(promised, "value", "promised_limit.value", 0, 3650, err)))
		return rc;
	bool instant = !strcmp(yc_json_str(doc, "case_type"), "instant");
	if (instant && yc_json_int(promised, "value", 0) != 0)
		return yc_err_set(err, YC_EINVAL, "promised_limit",
				  "an instant item (即办件) has a promised limit of 0");
	if (!instant && yc_json_int(promised, "value", 0) == 0)
		return yc_err_set(err, YC_EINVAL, "promised_limit",
				  "a promised item (承诺件) needs a promised limit above 0");
	if (limit_minutes(promised) > limit_minutes(legal))
		return yc_err_set(err, YC_EINVAL, "promised_limit",
				  "the promised limit may not exceed the legal limit");
	if ((rc = int_range(doc, "visits", "visits", 0, 10, err)) ||
	    (rc = int_range(doc, "online_depth", "online_depth", 1, 4, err)))
		return rc;
	if (yc_json_int(doc, "online_depth", 1) == 4 && yc_json_int(doc, "visits", 0) != 0)
		return yc_err_set(err, YC_EINVAL, "visits",
				  "a fully online item (depth Ⅳ) needs zero visits");

	if ((rc = check_list(doc, "materials", material_spec, N(material_spec), err)))
		return rc;
	const cJSON *e;
	int i = 0;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(doc, "materials")) {
		char path[64];
		snprintf(path, sizeof(path), "materials[%d].form", i);
		if ((rc = catalog_enum_field(e, "form", path, material_forms, false, err)))
			return rc;
		snprintf(path, sizeof(path), "materials[%d].source", i);
		if ((rc = catalog_enum_field(e, "source", path, material_sources, false, err)))
			return rc;
		snprintf(path, sizeof(path), "materials[%d].copies", i);
		if ((rc = int_range(e, "copies", path, 0, 99, err)))
			return rc;
		int k = 0;
		const cJSON *o;
		cJSON_ArrayForEach (o, cJSON_GetObjectItemCaseSensitive(doc, "materials")) {
			if (k++ >= i)
				break;
			if (!strcmp(yc_json_str(o, "id"), yc_json_str(e, "id"))) {
				snprintf(path, sizeof(path), "materials[%d].id", i);
				return yc_err_set(err, YC_EINVAL, path, "%s repeats an earlier id",
						  path);
			}
		}
		i++;
	}
	if ((rc = check_list(doc, "fees", fee_spec, N(fee_spec), err)))
		return rc;
	i = 0;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(doc, "fees")) {
		if (cJSON_GetObjectItemCaseSensitive(e, "amount")->valuedouble < 0) {
			char path[64];
			snprintf(path, sizeof(path), "fees[%d].amount", i);
			return yc_err_set(err, YC_EINVAL, path, "%s may not be negative", path);
		}
		i++;
	}
	const cJSON *approval = cJSON_GetObjectItemCaseSensitive(doc, "approval");
	if (approval) {
		if ((rc = yc_err_prefix(
			     yc_json_check(approval, approval_spec, N(approval_spec), err), err,
			     "approval")) ||
		    (rc = int_range(approval, "levels", "approval.levels", 0, 20, err)) ||
		    (rc = int_range(approval, "signatures", "approval.signatures", 0, 50, err)) ||
		    (rc = int_range(approval, "levels_before", "approval.levels_before",
				    yc_json_int(approval, "levels", 0), 20, err)) ||
		    (rc = int_range(approval, "signatures_before", "approval.signatures_before",
				    yc_json_int(approval, "signatures", 0), 50, err)))
			return rc;
	}
	if ((rc = check_list(doc, "form", form_spec, N(form_spec), err)) ||
	    (rc = check_list(doc, "steps", step_spec, N(step_spec), err)))
		return rc;
	i = 0;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(doc, "form")) {
		char path[64];
		snprintf(path, sizeof(path), "form[%d].type", i++);
		if ((rc = catalog_enum_field(e, "type", path, field_types, true, err)))
			return rc;
	}
	i = 0;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(doc, "steps")) {
		char path[64];
		snprintf(path, sizeof(path), "steps[%d].role", i++);
		if ((rc = catalog_enum_field(e, "role", path, step_roles, true, err)))
			return rc;
	}
	i = 0;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(doc, "delivery")) {
		char path[64];
		snprintf(path, sizeof(path), "delivery[%d]", i++);
		if (!cJSON_IsString(e) || !yc_one_of(e->valuestring, delivery_modes))
			return yc_err_set(err, YC_EINVAL, path,
					  "%s must be window, mail or electronic", path);
	}
	if ((rc = catalog_enum_field(doc, "assignment", "assignment", assignment_rules, false,
				     err)) ||
	    (rc = int_range(doc, "post_check_days", "post_check_days", 1, 365, err)) ||
	    (rc = int_range(doc, "material_max_kb", "material_max_kb", 1, 20 * 1024, err)))
		return rc;
	if (yc_json_bool(doc, "commitment", false) && instant)
		return yc_err_set(
			err, YC_EINVAL, "commitment",
			"an instant item is decided at once; commitment applies to promised items");
	return 0;
#undef N
}
