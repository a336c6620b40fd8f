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
static const char *const item_statuses[] = {"active", "retired", NULL};

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

int catalog_limit_minutes(const cJSON *lim)
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
		{"level", YC_JT_STRING, true, 16, .one_of = catalog_item_levels},
		{"type", YC_JT_STRING, true, 32, .one_of = catalog_item_types},
		{"case_type", YC_JT_STRING, true, 16, .one_of = case_types},
		{"legal_limit", YC_JT_OBJECT, true, 0},
		{"promised_limit", YC_JT_OBJECT, true, 0},
		{"visits", YC_JT_INT, true, 0, .min = 0, .max = 10},
		{"online_depth", YC_JT_INT, true, 0, .min = 1, .max = 4},
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
		{"delivery", YC_JT_ARRAY, false, 3, .one_of = delivery_modes},
		{"keywords", YC_JT_STRING, false, 300},
		{"status", YC_JT_STRING, false, 16, .one_of = item_statuses},
		{"commitment", YC_JT_BOOL, false, 0},
		{"self_service", YC_JT_BOOL, false, 0},
		{"post_check_days", YC_JT_INT, false, 0, .min = 1, .max = 365},
		{"assignment", YC_JT_STRING, false, 16, .one_of = assignment_rules},
		{"material_max_kb", YC_JT_INT, false, 0, .min = 1, .max = 20 * 1024},
		{"tax", YC_JT_OBJECT, false, 0},
		{"offices", YC_JT_ARRAY, false, 200},
		{"variant_of", YC_JT_STRING, false, 40},
		{"variant", YC_JT_STRING, false, 16, .one_of = catalog_variant_kinds},
	};
	static const yc_jfield limit_spec[] = {
		{"value", YC_JT_INT, true, 0, .min = 0, .max = 3650},
		{"unit", YC_JT_STRING, true, 16, .one_of = limit_units},
	};
	static const yc_jfield material_spec[] = {
		{"id", YC_JT_STRING, true, 40},
		{"name", YC_JT_STRING, true, 300},
		{"required", YC_JT_BOOL, true, 0},
		{"condition", YC_JT_STRING, false, 500},
		{"form", YC_JT_STRING, false, 16, .one_of = material_forms},
		{"source", YC_JT_STRING, false, 16, .one_of = material_sources},
		{"copies", YC_JT_INT, false, 0, .min = 0, .max = 99},
		{"blank_form", YC_JT_STRING, false, 500},
		{"sample", YC_JT_STRING, false, 500},
		{"note", YC_JT_STRING, false, 1000},
	};
	static const yc_jfield fee_spec[] = {
		{"name", YC_JT_STRING, true, 200},
		{"amount", YC_JT_NUMBER, true, 0, .min = 0, .max = INT64_MAX},
		{"basis", YC_JT_STRING, false, 1000},
		{"waived", YC_JT_BOOL, false, 0},
	};
	static const yc_jfield approval_spec[] = {
		{"levels_before", YC_JT_INT, false, 0},
		{"levels", YC_JT_INT, false, 0, .min = 0, .max = 20},
		{"signatures_before", YC_JT_INT, false, 0},
		{"signatures", YC_JT_INT, false, 0, .min = 0, .max = 50},
	};
	static const yc_jfield form_spec[] = {
		{"name", YC_JT_STRING, true, 40},
		{"label", YC_JT_STRING, true, 200},
		{"type", YC_JT_STRING, true, 16, .one_of = field_types},
		{"required", YC_JT_BOOL, false, 0},
		{"pattern", YC_JT_STRING, false, 200},
		{"options", YC_JT_ARRAY, false, 100},
		{"max_length", YC_JT_INT, false, 0},
	};
	static const yc_jfield step_spec[] = {
		{"name", YC_JT_STRING, true, 100},
		{"department", YC_JT_STRING, true, 31},
		{"role", YC_JT_STRING, true, 16, .one_of = step_roles},
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
	const cJSON *legal = cJSON_GetObjectItemCaseSensitive(doc, "legal_limit");
	const cJSON *promised = cJSON_GetObjectItemCaseSensitive(doc, "promised_limit");
	if ((rc = yc_err_prefix(yc_json_check(legal, limit_spec, N(limit_spec), err), err,
				"legal_limit")) ||
	    (rc = yc_err_prefix(yc_json_check(promised, limit_spec, N(limit_spec), err), err,
				"promised_limit")))
		return rc;
	bool instant = !strcmp(yc_json_str(doc, "case_type"), "instant");
	if (instant && yc_json_int(promised, "value", 0) != 0)
		return yc_err_set(err, YC_EINVAL, "promised_limit",
				  "an instant item (即办件) has a promised limit of 0");
	if (!instant && yc_json_int(promised, "value", 0) == 0)
		return yc_err_set(err, YC_EINVAL, "promised_limit",
				  "a promised item (承诺件) needs a promised limit above 0");
	if (catalog_limit_minutes(promised) > catalog_limit_minutes(legal))
		return yc_err_set(err, YC_EINVAL, "promised_limit",
				  "the promised limit may not exceed the legal limit");
	if (yc_json_int(doc, "online_depth", 1) == 4 && yc_json_int(doc, "visits", 0) != 0)
		return yc_err_set(err, YC_EINVAL, "visits",
				  "a fully online item (depth Ⅳ) needs zero visits");

	if ((rc = yc_json_check_each(doc, "materials", material_spec, N(material_spec), err)))
		return rc;
	const cJSON *e;
	int i = 0;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(doc, "materials")) {
		char path[64];
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
	if ((rc = yc_json_check_each(doc, "fees", fee_spec, N(fee_spec), err)))
		return rc;
	const cJSON *approval = cJSON_GetObjectItemCaseSensitive(doc, "approval");
	if (approval) {
		if ((rc = yc_err_prefix(
			     yc_json_check(approval, approval_spec, N(approval_spec), err), err,
			     "approval")) ||
		    (rc = int_range(approval, "levels_before", "approval.levels_before",
				    yc_json_int(approval, "levels", 0), 20, err)) ||
		    (rc = int_range(approval, "signatures_before", "approval.signatures_before",
				    yc_json_int(approval, "signatures", 0), 50, err)))
			return rc;
	}
	/* a tax item's facts (docs/tax.md): non-contact, and for a filing, its payments and
	 * hours a year before and after the reform, and the relief it applies */
	static const yc_jfield tax_spec[] = {
		{"non_contact", YC_JT_BOOL, true, 0},
		{"payments", YC_JT_OBJECT, false, 0},
		{"hours", YC_JT_OBJECT, false, 0},
		{"relief", YC_JT_STRING, false, 500},
	};
	static const yc_jfield before_after[] = {
		{"before", YC_JT_NUMBER, true, 0, .min = 0, .max = 1000},
		{"after", YC_JT_NUMBER, true, 0, .min = 0, .max = 1000},
	};
	const cJSON *tax = cJSON_GetObjectItemCaseSensitive(doc, "tax");
	if (tax &&
	    ((rc = yc_err_prefix(yc_json_check(tax, tax_spec, N(tax_spec), err), err, "tax")) ||
	     (cJSON_GetObjectItemCaseSensitive(tax, "payments") &&
	      (rc = yc_err_prefix(yc_json_check(cJSON_GetObjectItemCaseSensitive(tax, "payments"),
						before_after, N(before_after), err),
				  err, "tax.payments"))) ||
	     (cJSON_GetObjectItemCaseSensitive(tax, "hours") &&
	      (rc = yc_err_prefix(yc_json_check(cJSON_GetObjectItemCaseSensitive(tax, "hours"),
						before_after, N(before_after), err),
				  err, "tax.hours")))))
		return rc;
	i = 0;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(doc, "offices")) {
		if (!cJSON_IsString(e) || !*e->valuestring || strlen(e->valuestring) > 31) {
			char path[32];
			snprintf(path, sizeof(path), "offices[%d]", i);
			return yc_err_set(err, YC_EINVAL, path, "%s must be an office's code",
					  path);
		}
		i++;
	}
	if (!yc_json_str(doc, "variant_of") != !yc_json_str(doc, "variant"))
		return yc_err_set(err, YC_EINVAL,
				  yc_json_str(doc, "variant") ? "variant_of" : "variant",
				  "a variant (办理项) names both its kind and its main item");
	if ((rc = yc_json_check_each(doc, "form", form_spec, N(form_spec), err)) ||
	    (rc = yc_json_check_each(doc, "steps", step_spec, N(step_spec), err)))
		return rc;
	if (yc_json_bool(doc, "commitment", false) && instant)
		return yc_err_set(
			err, YC_EINVAL, "commitment",
			"an instant item is decided at once; commitment applies to promised items");
	return 0;
#undef N
}
