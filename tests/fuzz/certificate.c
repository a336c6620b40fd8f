/*
 * certificate — what the offline verifier and the public check page read:
 * a certificate file, the trust list and the status list (all three as
 * anyone may hand them in: file NUL trust NUL status), verified at a fixed
 * time; the identifier's check character and the canonical bytes of any
 * object given as a file.
 */
#include "core/certificate/certificate.h"
#include "lib/json.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char *part[3];
	int n = fuzz_split(s, size, '\0', part, 3);
	struct cert_check c;
	memset(&c, 0, sizeof(c));
	yc_err err;
	yc_err_clear(&err);
	int64_t now_ms = 1798761600000; /* 2027-01-01 */
	int rc = cert_verify(part[0], part[1], n == 3 ? part[2] : NULL, now_ms, &c, &err);
	FUZZ_ASSERT(rc <= 0);
	if (rc == 0) {
		FUZZ_ASSERT(c.verdict >= CV_VALID && c.verdict <= CV_MALFORMED);
		FUZZ_ASSERT(cert_verdict_name(c.verdict) != NULL);
		if (c.verdict == CV_VALID)
			FUZZ_ASSERT(cert_ident_valid(c.id));
	}
	(void)cert_ident_valid(part[0]);
	cJSON *j = NULL;
	if (yc_json_parse(part[0], strlen(part[0]), &j, &err) == 0) {
		yc_buf b;
		yc_buf_init(&b, 0);
		(void)cert_canonical(j, &b, &err);
		yc_buf_release(&b);
		cJSON_Delete(j);
	}
	free(s);
	return 0;
}
