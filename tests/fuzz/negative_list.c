/*
 * negative_list — an edition of the foreign-investment negative list as
 * `yichuang negative-list import` reads it: fdi_edition_check names the
 * first bad measure or accepts the whole document.
 */
#include "core/foreign/foreign.h"
#include "lib/json.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *j = NULL;
	yc_err err;
	if (yc_json_parse((const char *)data, size, &j, &err))
		return 0;
	yc_err_clear(&err);
	if (fdi_edition_check(j, &err))
		FUZZ_ASSERT(err.message[0]);
	cJSON_Delete(j);
	return 0;
}
