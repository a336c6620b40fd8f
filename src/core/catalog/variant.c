/*
 * variant.c — an item's 办理项 (handling variants): the change, renewal,
 * cancellation, reissue … of what the main item grants, derived from the main
 * item by rule, each an item of its own (its own code, guide and cases).
 *
 * The standardized catalog splits an item (事项) into its 办理项; the code
 * keeps the item's basic code and ends in the variant's three digits instead
 * of the main item's "000". An import names the variants it wants
 * ({"variants":[{"of":CODE,"kinds":["change",…]}]}); what a variant needs
 * besides the main item's identity materials, how long it may take and whether
 * it is decided at once is the kind's row below (docs/catalog.md).
 */
#include "core/catalog/catalog.h"
#include "core/catalog/internal.h"

#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "lib/banned.h"

/* promised: -1 keeps the main item's promised limit, 0 decides at once (即办), n caps it at n
 * working days */
static const struct variant_kind {
	const char *id, *suffix, *name, *material, *types;
	int promised;
	bool fees; /* the main item's fees apply (a new document is made) */
} kinds[] = {
	{"change", "001", "变更", "变更事项的证明材料",
	 "license confirmation payment public_service other levy", 1, false},
	{"renew", "002", "延续", "延续申请书及原证照", "license", 3, true},
	{"cancel", "003", "注销", "注销申请书", "license confirmation public_service", 0, false},
	{"reissue", "004", "补办", "遗失或损毁情况说明", "license confirmation public_service", 0,
	 true},
	{"transfer", "005", "转移接续", "转移接续申请表", "public_service payment", 1, false},
	{"query", "006", "查询", "查询申请表", "confirmation public_service payment", 0, false},
	{"stop", "007", "停发", "停发申请及原因说明", "payment", 0, false},
	{"replace", "008", "换发", "原证照（损毁或到期）", "license confirmation", 0, true},
	{"resume", "009", "恢复", "恢复发放申请", "payment", 1, false},
	{"correct", "010", "更正", "更正申请及证明材料", "license confirmation public_service", 1,
	 false},
	{"certify", "011", "证明开具", "开具证明申请", "confirmation public_service payment other",
	 0, false},
};

enum { NKINDS = sizeof(kinds) / sizeof(kinds[0]) };

static const struct variant_kind *kind_of(const char *id)
{
	for (int i = 0; i < NKINDS; i++)
		if (!strcmp(kinds[i].id, id))
			return &kinds[i];
	return NULL;
}

static bool applies(const struct variant_kind *k, const char *type)
{
	size_t n = strlen(type);
	for (const char *p = k->types; (p = strstr(p, type)); p += n)
		if ((p == k->types || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

const char *const catalog_variant_kinds[] = {"change",	 "renew",   "cancel",  "reissue",
					     "transfer", "query",   "stop",    "replace",
					     "resume",	 "correct", "certify", NULL};

int catalog_variant(const cJSON *main, const char *kind, cJSON **out, yc_err *err)
{
	*out = NULL;
	const struct variant_kind *k = kind_of(kind);
	if (!k)
		return yc_err_set(err, YC_EINVAL, "kind", "unknown variant kind '%s'", kind);
	const char *type = yc_json_str(main, "type"), *code = yc_json_str(main, "code");
	if (!type || !code)
		return yc_err_set(err, YC_EINVAL, "of", "the main item has no type or code");
	if (!applies(k, type))
		return yc_err_set(err, YC_EINVAL, "kind", "a %s item has no %s variant (%s)", type,
				  kind, k->name);
	if (yc_json_str(main, "variant_of"))
		return yc_err_set(err, YC_EINVAL, "of", "%s is itself a variant", code);
	size_t len = strlen(code);
	if (!len || len + 4 > 40)
		return yc_err_set(err, YC_EINVAL, "of", "code %s leaves no room for a variant's",
				  code);

	cJSON *v = cJSON_Duplicate(main, 1);
	if (!v)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	/* what only the main item has: its tax facts, its commitment, its own status */
	static const char *const dropped[] = {"tax",	  "commitment",	     "post_check_days",
					      "status",	  "department_name", "fees",
					      "fee_free", "materials",	     "code",
					      "name",	  "keywords"};
	for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
		cJSON_DeleteItemFromObjectCaseSensitive(v, dropped[i]);

	char vcode[48], name[360], keywords[400];
	if (len == 18 && !strcmp(code + 15, "000"))
		snprintf(vcode, sizeof(vcode), "%.15s%s", code, k->suffix);
	else
		snprintf(vcode, sizeof(vcode), "%s-%s", code, k->suffix);
	snprintf(name, sizeof(name), "%s（%s）", yc_json_str(main, "name"), k->name);
	const char *kw = yc_json_str(main, "keywords");
	snprintf(keywords, sizeof(keywords), "%s%s%s", kw ? kw : "", kw && *kw ? " " : "", k->name);
	cJSON_AddStringToObject(v, "code", vcode);
	cJSON_AddStringToObject(v, "name", name);
	cJSON_AddStringToObject(v, "keywords", keywords);
	cJSON_AddStringToObject(v, "variant_of", code);
	cJSON_AddStringToObject(v, "variant", k->id);

	/* the approval is the main item's as it stands: a variant cuts nothing of its own */
	const cJSON *ap = cJSON_GetObjectItemCaseSensitive(main, "approval");
	if (ap) {
		cJSON *a = cJSON_CreateObject();
		int64_t levels = yc_json_int(ap, "levels", 0),
			sigs = yc_json_int(ap, "signatures", 0);
		cJSON_AddNumberToObject(a, "levels_before", (double)levels);
		cJSON_AddNumberToObject(a, "levels", (double)levels);
		cJSON_AddNumberToObject(a, "signatures_before", (double)sigs);
		cJSON_AddNumberToObject(a, "signatures", (double)sigs);
		cJSON_ReplaceItemInObjectCaseSensitive(v, "approval", a);
	}

	/* materials: the main item's first (the application or the applicant's identity) and the
	 * kind's own */
	cJSON *mats = cJSON_AddArrayToObject(v, "materials");
	const cJSON *first =
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(main, "materials"), 0);
	if (first) {
		cJSON *m = cJSON_Duplicate(first, 1);
		cJSON_DeleteItemFromObjectCaseSensitive(m, "condition");
		cJSON_ReplaceItemInObjectCaseSensitive(m, "required", cJSON_CreateTrue());
		cJSON_AddItemToArray(mats, m);
	}
	cJSON *m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "id",
				first && !strcmp(yc_json_str(first, "id"), "v1") ? "v2" : "v1");
	cJSON_AddStringToObject(m, "name", k->material);
	cJSON_AddBoolToObject(m, "required", true);
	cJSON_AddStringToObject(m, "form", "both");
	cJSON_AddStringToObject(m, "source", "applicant");
	cJSON_AddNumberToObject(m, "copies", 1);
	cJSON_AddItemToArray(mats, m);

	const cJSON *fees = cJSON_GetObjectItemCaseSensitive(main, "fees");
	if (k->fees && cJSON_GetArraySize(fees) > 0)
		cJSON_AddItemToObject(v, "fees", cJSON_Duplicate(fees, 1));
	else
		cJSON_AddBoolToObject(v, "fee_free", true);

	/* the limit: the law's is the main item's; the promise is the kind's */
	const cJSON *promised = cJSON_GetObjectItemCaseSensitive(main, "promised_limit");
	bool instant = !strcmp(yc_json_str(main, "case_type"), "instant") || k->promised == 0;
	if (instant) {
		cJSON_ReplaceItemInObjectCaseSensitive(v, "case_type",
						       cJSON_CreateString("instant"));
		cJSON *p = cJSON_CreateObject();
		cJSON_AddNumberToObject(p, "value", 0);
		cJSON_AddStringToObject(p, "unit", "workday");
		cJSON_ReplaceItemInObjectCaseSensitive(v, "promised_limit", p);
		cJSON_DeleteItemFromObjectCaseSensitive(v, "steps");
	} else if (k->promised > 0 && !strcmp(yc_json_str(promised, "unit"), "workday") &&
		   yc_json_int(promised, "value", 0) > k->promised) {
		cJSON *p = cJSON_CreateObject();
		cJSON_AddNumberToObject(p, "value", k->promised);
		cJSON_AddStringToObject(p, "unit", "workday");
		cJSON_ReplaceItemInObjectCaseSensitive(v, "promised_limit", p);
	}
	int rc = catalog_item_validate(v, err);
	if (rc) {
		cJSON_Delete(v);
		return rc;
	}
	*out = v;
	return 0;
}
