/*
 * acts — the body checks of every action route that has one of its own
 * (a plan's or task's step, a review order's or callback's, a loan's, a
 * procurement's, a court case's, an IP mediation's, an alert's, a
 * certificate's revocation or conversion, the advisory desk's records, the
 * negative list's pre-check). Input: a byte picking the check, the action
 * name up to a newline, then the JSON body. A refusal names a field.
 */
#include "core/certificate/certificate.h"
#include "core/court/court.h"
#include "core/finance/finance.h"
#include "core/foreign/foreign.h"
#include "core/inspection/inspection.h"
#include "core/ipmed/ipmed.h"
#include "core/procurement/procurement.h"
#include "core/review/review.h"
#include "core/watch/watch.h"
#include "lib/json.h"
#include "fuzz.h"

typedef int (*act_check)(const char *action, const cJSON *body, yc_err *err);

static int convert(const char *action, const cJSON *body, yc_err *err)
{
	(void)action;
	return cert_convert_check(body, err);
}
static int cert_act(const char *action, const cJSON *body, yc_err *err)
{
	(void)action;
	return cert_action_check(body, err);
}
static int fdi(const char *action, const cJSON *body, yc_err *err)
{
	return fdi_check_input(body, action, err);
}

static const act_check checks[] = {
	court_act_check,
	fin_loan_act_check,
	fin_advisory_record_check,
	insp_plan_act_check,
	insp_task_act_check,
	ipmed_act_check,
	proc_act_check,
	review_order_check,
	review_callback_check,
	watch_act_check,
	convert,
	cert_act,
	fdi,
};
enum { NCHECKS = sizeof(checks) / sizeof(checks[0]) };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	act_check check = checks[data[0] % NCHECKS];
	char *s = fuzz_cstr(data + 1, size - 1);
	char *part[2];
	fuzz_split(s, size - 1, '\n', part, 2);
	cJSON *body = NULL;
	yc_err err;
	yc_err_clear(&err);
	if (yc_json_parse(part[1], strlen(part[1]), &body, &err) == 0) {
		int rc = check(part[0], body, &err);
		FUZZ_ASSERT(rc <= 0);
		if (rc)
			FUZZ_ASSERT(err.message[0]);
		cJSON_Delete(body);
	}
	free(s);
	return 0;
}
