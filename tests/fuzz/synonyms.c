/*
 * synonyms — the guide's synonym table as the administrator saves it
 * (PUT /guide/synonyms, whole): guide_synonyms_check names the bad row or
 * accepts all (the questions themselves are the guide target's).
 */
#include "core/guide/guide.h"
#include "lib/json.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *j = NULL;
	yc_err err;
	yc_err_clear(&err);
	if (yc_json_parse((const char *)data, size, &j, &err) == 0) {
		if (guide_synonyms_check(j, &err))
			FUZZ_ASSERT(err.message[0]);
		cJSON_Delete(j);
	}
	return 0;
}
