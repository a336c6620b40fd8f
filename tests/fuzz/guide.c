/*
 * guide — a question to 智能导服 (POST /guide/ask) against the demo
 * district's catalog: cleaning, the synonym widening, the scoring, the
 * answer's JSON (which must parse), and the mask the unanswered log puts on
 * it. Only what the route lets through arrives: valid UTF-8 without NUL, at
 * most GUIDE_QUESTION_MAX bytes.
 */
#include "core/guide/guide.h"
#include "lib/json.h"
#include "fuzz.h"

static struct guide_ctx ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)fuzz_store();
	guide_ctx_init(&ctx);
	ctx.min_score = 18.0; /* the settings' defaults */
	ctx.answers = 3;
	memcpy(ctx.desk, "C", 2);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t bad;
	if (size > GUIDE_QUESTION_MAX || memchr(data, '\0', size) ||
	    !yc_utf8_valid((const char *)data, size, &bad))
		return 0;
	char *q = fuzz_cstr(data, size);
	char masked[GUIDE_QUESTION_MAX + 1];
	guide_mask(q, masked, sizeof(masked));
	FUZZ_ASSERT(strlen(masked) <= GUIDE_QUESTION_MAX);
	yc_buf out;
	yc_buf_init(&out, 0);
	yc_err err;
	bool answered = false;
	if (guide_ask(fuzz_store(), &ctx, q, &out, &answered, &err) == 0) {
		cJSON *j = NULL;
		FUZZ_ASSERT(yc_json_parse(out.data, out.len, &j, &err) == 0);
		cJSON_Delete(j);
	}
	yc_buf_release(&out);
	free(q);
	return 0;
}
