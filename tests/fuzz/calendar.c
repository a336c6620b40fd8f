/*
 * calendar — a year's holiday notice as an administrator uploads it
 * (PUT /calendar/{year}) or a file loads it: JSON, then calendar_parse_year;
 * a year it accepts goes into a calendar, whose working-day sums must stay
 * in order.
 */
#include "core/calendar/calendar.h"
#include "lib/json.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *j = NULL;
	yc_err err;
	if (yc_json_parse((const char *)data, size, &j, &err))
		return 0;
	struct cal_year y;
	memset(&y, 0, sizeof(y));
	if (calendar_parse_year(j, 0, &y, &err) == 0) {
		FUZZ_ASSERT(y.ndays >= 0);
		for (int i = 0; i < y.ndays; i++)
			FUZZ_ASSERT(y.days[i].kind == CAL_OFF || y.days[i].kind == CAL_WORK);
		calendar *c = calendar_new();
		if (c) {
			(void)calendar_set_year(c, &y, &err);
			calendar_free(c);
		}
	}
	free(y.days);
	cJSON_Delete(j);
	return 0;
}
