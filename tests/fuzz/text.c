/*
 * text — the short texts that come from outside one field at a time: the
 * database URI (yichuang's own test, then libpq's parser it hands the URI
 * to), a setting from the environment or a flag ("name=value"), dates and
 * times, ID numbers, credit codes and phones with their masks, and the
 * names of roles, states and actions. The first byte picks which.
 */
#include <libpq-fe.h>

#include "cli/cli.h"
#include "core/case/case.h"
#include "core/common/account.h"
#include "core/common/ids.h"
#include "core/demo/demo.h"
#include "core/hall/internal.h"
#include "core/process/process.h"
#include "lib/config.h"
#include "lib/timeutil.h"
#include "fuzz.h"

static void uri(const char *s)
{
	bool pg = db_uri_is_postgres(s);
	const char *path = db_uri_path(s);
	FUZZ_ASSERT(!(pg && path));
	char *msg = NULL;
	PQconninfoOption *o = PQconninfoParse(s, &msg);
	PQconninfoFree(o);
	PQfreemem(msg);
}

static void setting(char *s)
{
	char *eq = strchr(s, '=');
	if (!eq)
		return;
	*eq = '\0';
	static yc_config cfg;
	yc_config_defaults(&cfg);
	yc_err err;
	(void)yc_config_is_flag(s);
	(void)yc_config_set(&cfg, s, eq + 1, &err);
}

static void ids(const char *s)
{
	char out[64];
	if (ids_resident_valid(s))
		FUZZ_ASSERT(strlen(s) == 18 && ids_resident_check(s) == s[17]);
	if (ids_uscc_valid(s))
		FUZZ_ASSERT(strlen(s) == 18 && ids_uscc_check(s) == s[17]);
	(void)ids_phone_valid(s);
	ids_mask_id(s, out, sizeof(out));
	FUZZ_ASSERT(strlen(out) < sizeof(out));
	ids_mask_phone(s, out, sizeof(out));
	ids_mask_phone(s, out, 4);
	ids_mask_id(s, out, 3);
	(void)ids_mask_typed("id_number", s, out, sizeof(out));
}

static void times(const char *s)
{
	int32_t days;
	int min;
	int64_t at;
	if (yc_date_parse(s, &days) == 0)
		FUZZ_ASSERT(strlen(s) >= 10);
	if (hall_parse_hhmm(s, &min) == 0)
		FUZZ_ASSERT(min >= 0 && min < 24 * 60);
	(void)cli_parse_local_minute(s, &at);
	(void)demo_span_parse(s);
}

static void names(const char *s)
{
	(void)account_role_parse(s);
	(void)case_state_parse(s);
	(void)case_action_parse(s);
	(void)process_run_action_parse(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *s = fuzz_cstr(data + 1, size - 1);
	switch (data[0] % 5) {
	case 0: uri(s); break;
	case 1: setting(s); break;
	case 2: ids(s); break;
	case 3: times(s); break;
	case 4: names(s); break;
	}
	free(s);
	return 0;
}
