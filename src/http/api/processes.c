/*
 * api/processes.c — composite processes (一件事一次办) in the catalog: the
 * guide's list and one process with its parts and computed figures
 * (public), and a definition put by the administrator.
 */
#include <string.h>

#include "core/common/account.h"
#include "core/process/process.h"
#include "http/router.h"
#include "lib/banned.h"

int api_processes_list(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	return http_reply_read(r, process_list_json(r->db, &b, &r->err), &b);
}

int api_processes_get(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	return http_reply_read(r, process_json(r->db, r->params[0], &b, &r->err), &b);
}

/* A definition put: params {code}; the body is the document. */
static int process_put_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	yc_actor a = {c->user.username, account_role_name(c->user.role)};
	return process_put(d, &a, c->body, &out->body, err);
}

int api_processes_put(yc_req *r)
{
	const char *code = yc_json_str(r->body, "code");
	if (code && strcmp(code, r->params[0]))
		return yc_err_set(&r->err, YC_EINVAL, "code", "the body's code differs from the path's");
	/* checked here too, so that a bad document costs no write */
	struct process_def def;
	int rc = process_validate(r->body, &def, &r->err);
	return rc ? rc : http_call(r, process_put_write, 0, true);
}
