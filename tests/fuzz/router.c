/*
 * router — the route table's path matching: the first byte picks the method,
 * the rest (to a NUL) is the path. A match names a route of that method (or
 * GET for HEAD) whose pattern the path fits, and every parameter it fills is
 * a whole, non-empty segment without a slash.
 */
#include "http/router.h"
#include "fuzz.h"

static const int methods[] = {M_GET, M_POST, M_PUT, M_DELETE, M_PATCH, M_HEAD};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int method = methods[data[0] % 6];
	char *path = fuzz_cstr(data + 1, size - 1);
	static yc_req r;
	memset(r.params, 0x7f, sizeof(r.params));
	int i = router_match(method, path, &r);
	if (i >= 0) {
		FUZZ_ASSERT((size_t)i < yc_nroutes);
		FUZZ_ASSERT(yc_routes[i].method == (method == M_HEAD ? M_GET : method));
		int np = 0;
		for (const char *p = yc_routes[i].pattern; (p = strchr(p, '{')); p++)
			np++;
		for (int k = 0; k < np; k++) {
			const char *v = r.params[k];
			FUZZ_ASSERT(memchr(v, '\0', sizeof(r.params[k])));
			FUZZ_ASSERT(v[0] && !strchr(v, '/') && strstr(path, v));
		}
	} else {
		FUZZ_ASSERT(i == YC_ENOTFOUND || i == YC_EMETHOD);
	}
	(void)router_method_name(method);
	free(path);
	return 0;
}
