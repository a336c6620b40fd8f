/*
 * roster — 双随机's rosters (market entities, inspectors, declared
 * conflicts) as a supervisor uploads them, CSV or an .xlsx workbook: the
 * whole file checked against the demo district's store, every bad row
 * named. The first byte picks the roster. The problems must be a JSON
 * array, and a file with bad rows is never all good.
 */
#include "core/inspection/inspection.h"
#include "lib/json.h"
#include "lib/xlsx.h"
#include "fuzz.h"

static yc_user admin = {
	.id = 1, .username = "approver-scjg", .role = ROLE_APPROVER, .department = "scjg"};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)fuzz_store();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 64 * 1024)
		return 0;
	int kind = data[0] % INSP_ROSTERS;
	const char *p = (const char *)data + 1;
	size_t n = size - 1;
	yc_buf csv, problems;
	yc_buf_init(&csv, 0);
	yc_buf_init(&problems, 0);
	yc_err err;
	yc_err_clear(&err);
	if (yc_xlsx_is(p, n)) {
		if (yc_xlsx_to_csv(p, n, &csv, &err))
			goto out;
		p = csv.data;
		n = csv.len;
	}
	db *d = fuzz_store();
	int rows = 0;
	db_read_begin(d);
	int bad = insp_roster_check(d, &admin, kind, p, n, &problems, &rows, &err);
	db_read_end(d);
	if (bad > 0) {
		cJSON *j = NULL;
		if (yc_json_parse(problems.data, problems.len, &j, &err))
			fprintf(stderr, "problems: %s\n(%s)\n", problems.data, err.message);
		FUZZ_ASSERT(j);
		FUZZ_ASSERT(cJSON_IsArray(j) && cJSON_GetArraySize(j) > 0);
		cJSON_Delete(j);
	}
out:
	yc_buf_release(&csv);
	yc_buf_release(&problems);
	return 0;
}
