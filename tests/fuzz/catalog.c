/*
 * catalog — a service item's document as the catalog import and PUT
 * /items/{code} take it: catalog_item_validate, its time limit in working
 * minutes, and each 办理项 derived from it (a derived variant must itself
 * validate).
 */
#include "core/catalog/catalog.h"
#include "lib/json.h"
#include "fuzz.h"

static const char *const kinds[] = {"change", "renew",	 "cancel", "reissue", "transfer", "query",
				    "stop",   "replace", "resume", "correct", "certify",  "x"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *j = NULL;
	yc_err err;
	if (yc_json_parse((const char *)data, size, &j, &err))
		return 0;
	if (catalog_item_validate(j, &err) == 0) {
		(void)catalog_limit_minutes(cJSON_GetObjectItemCaseSensitive(j, "limit"));
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			cJSON *v = NULL;
			if (catalog_variant(j, kinds[i], &v, &err) == 0) {
				FUZZ_ASSERT(catalog_item_validate(v, &err) == 0);
				cJSON_Delete(v);
			}
		}
	} else {
		FUZZ_ASSERT(err.message[0]);
	}
	cJSON_Delete(j);
	return 0;
}
