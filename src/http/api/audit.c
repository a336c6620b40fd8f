/* api/audit.c — GET /api/v1/audit/verify: walk the chain (admin, supervisor). */
#include <stdio.h>

#include "core/common/audit.h"
#include "http/router.h"
#include "lib/banned.h"

int api_audit_verify(yc_req *r)
{
	struct audit_report rep;
	yc_err err;
	yc_err_clear(&err);
	int rc = audit_verify(r->db, &rep, &err);
	if (rc && rc != YC_ECONFLICT) {
		r->err = err;
		return rc;
	}
	yc_buf b;
	yc_buf_init(&b, 0);
	yc_buf_addf(&b, "{\"intact\":%s,\"events\":%lld", rc ? "false" : "true",
		    (long long)rep.count);
	if (rc) {
		yc_buf_addf(&b, ",\"first_bad_event\":%lld,\"problem\":", (long long)rep.bad_id);
		yc_json_add_str(&b, rep.problem);
	}
	yc_buf_addc(&b, '}');
	http_reply(r, 200, &b);
	yc_buf_release(&b);
	return 0;
}
