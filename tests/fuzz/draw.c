/*
 * draw — 双随机's published records and their lists, as anyone may check
 * them (POST /inspections/verify and the page behind it): the record's JSON
 * recomputed by insp_record_verify, and the two frozen lists (entities,
 * inspectors) parsed line by line. Input for the lists: entities NUL
 * inspectors; a record is any input that starts with '{'.
 */
#include "core/inspection/draw.h"
#include "core/inspection/inspection.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	yc_err err;
	yc_err_clear(&err);
	if (size && data[0] == '{') {
		struct insp_check v;
		memset(&v, 0, sizeof(v));
		int rc = insp_record_verify((const char *)data, size, &v, &err);
		FUZZ_ASSERT(rc <= 0);
		FUZZ_ASSERT(memchr(v.why, '\0', sizeof(v.why)));
		return 0;
	}
	char *s = fuzz_cstr(data, size);
	char *part[2];
	fuzz_split(s, size, '\0', part, 2);
	struct draw_lists l;
	memset(&l, 0, sizeof(l));
	if (draw_lists_parse(part[0], part[1], &l, &err) == 0) {
		for (size_t i = 0; i < l.nentities; i++) {
			FUZZ_ASSERT(l.cls[i] >= 0 && l.cls[i] < DRAW_CLASSES);
			(void)draw_list_has(l.excluded[i], "x");
		}
		for (size_t i = 0; i < l.ninspectors; i++)
			(void)draw_list_has(l.fields[i], "food");
	}
	draw_lists_free(&l);
	free(s);
	return 0;
}
