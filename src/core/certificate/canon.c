/*
 * canon.c — the canonical serialisation a certificate's signature covers.
 *
 * The data is a JSON object whose values are strings or objects of the same
 * kind (no numbers, booleans, arrays or nulls: nothing with two spellings).
 * Written with the keys of each object in byte order, no whitespace, UTF-8 as
 * it is, and only '"' and '\\' escaped (a control character or DEL is refused
 * when the certificate is made, so none needs escaping). This is RFC 8785's
 * form for such data, and what `jq -jcS .data FILE` prints.
 */
#include "core/certificate/certificate.h"

#include <stdlib.h>
#include <string.h>

#include "lib/banned.h"

enum { CANON_DEPTH = 4, CANON_KEYS = 64 };

static int by_key(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	return strcmp(x->string, y->string);
}

static int text_add(yc_buf *out, const char *s, const char *field, yc_err *err)
{
	yc_buf_addc(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return yc_err_set(err, YC_EINVAL, field, "%s holds a control character",
					  field);
		if (*p == '"' || *p == '\\')
			yc_buf_addc(out, '\\');
		yc_buf_addc(out, (char)*p);
	}
	return yc_buf_addc(out, '"') ? yc_err_set(err, YC_ENOMEM, NULL, NULL) : 0;
}

static int object_add(const cJSON *o, int depth, yc_buf *out, yc_err *err)
{
	if (!cJSON_IsObject(o) || depth > CANON_DEPTH)
		return yc_err_set(err, YC_EINVAL, "data", "certificate data is an object of texts");
	const cJSON *keys[CANON_KEYS];
	int n = 0;
	const cJSON *e;
	cJSON_ArrayForEach (e, o) {
		if (n == CANON_KEYS)
			return yc_err_set(err, YC_EINVAL, "data", "too many fields");
		keys[n++] = e;
	}
	qsort(keys, (size_t)n, sizeof(keys[0]), by_key);
	yc_buf_addc(out, '{');
	for (int i = 0; i < n; i++) {
		if (i && !strcmp(keys[i]->string, keys[i - 1]->string))
			return yc_err_set(err, YC_EINVAL, keys[i]->string, "field given twice");
		if (i)
			yc_buf_addc(out, ',');
		int rc = text_add(out, keys[i]->string, "data", err);
		yc_buf_addc(out, ':');
		if (!rc && cJSON_IsString(keys[i]))
			rc = text_add(out, keys[i]->valuestring, keys[i]->string, err);
		else if (!rc && cJSON_IsObject(keys[i]))
			rc = object_add(keys[i], depth + 1, out, err);
		else if (!rc)
			rc = yc_err_set(err, YC_EINVAL, keys[i]->string,
					"%s is neither a text nor an object", keys[i]->string);
		if (rc)
			return rc;
	}
	return yc_buf_addc(out, '}') ? yc_err_set(err, YC_ENOMEM, NULL, NULL) : 0;
}

int cert_canonical(const cJSON *data, yc_buf *out, yc_err *err)
{
	return object_add(data, 0, out, err);
}
