/*
 * csv — the CSV reader behind every roster and list import: records and
 * fields to the end of any text (quotes, doubled quotes, CR/LF, a BOM,
 * too many fields), each field NUL-terminated inside the record.
 */
#include "lib/csv.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct yc_csv c;
	yc_csv_init(&c, (const char *)data, size);
	int records = 0, last_line = 0;
	int rc;
	while ((rc = yc_csv_next(&c)) > 0) {
		FUZZ_ASSERT(c.nfields >= 0 && c.nfields <= YC_CSV_MAX_FIELDS);
		FUZZ_ASSERT(c.line > last_line);
		last_line = c.line;
		for (int i = 0; i < c.nfields; i++)
			(void)strlen(c.fields[i]);
		FUZZ_ASSERT(++records <= (int)size + 1);
	}
	yc_csv_free(&c);
	return 0;
}
