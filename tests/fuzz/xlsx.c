/*
 * xlsx — the workbook reader (rosters and lists may come as .xlsx): the ZIP
 * directory, deflate, the shared strings and the first sheet's XML, to CSV;
 * what it makes must read as CSV to the end.
 */
#include "lib/csv.h"
#include "lib/xlsx.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)yc_xlsx_is(data, size);
	(void)yc_crc32(data, size);
	yc_buf csv;
	yc_buf_init(&csv, 0);
	yc_err err;
	if (yc_xlsx_to_csv(data, size, &csv, &err) == 0) {
		struct yc_csv c;
		yc_csv_init(&c, csv.data, csv.len);
		while (yc_csv_next(&c) > 0)
			;
		yc_csv_free(&c);
	} else {
		FUZZ_ASSERT(err.message[0]);
	}
	yc_buf_release(&csv);
	return 0;
}
