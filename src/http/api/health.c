/* api/health.c — GET /api/v1/health and GET /metrics. */
#include <stdio.h>
#include <string.h>

#include "http/metrics.h"
#include "http/router.h"
#include "lib/crypto.h"
#include "lib/banned.h"

/* The health answer, with its NUL. */
enum { HEALTH_MAX = 160 };

/* Healthy means this node can reach its store: a load balancer should not send work otherwise. */
int api_health_get(yc_req *r)
{
	int rc = db_ping(r->db, &r->err);
	if (rc)
		return yc_err_set(&r->err, YC_EUNAVAIL, "db", "the store cannot be reached");
	char body[HEALTH_MAX];
	snprintf(body, sizeof(body),
		 "{\"status\":\"ok\",\"schema_version\":%d,\"backend\":\"%s\",\"version\":\"%s\"}",
		 r->app->schema_version, r->app->backend, YC_VERSION);
	http_reply_str(r, 200, body);
	return 0;
}

/*
 * The figures say much of the node (routes, timings, queue depths): with
 * metrics-token set, only a caller with the token reads them; without it,
 * only a caller on this machine (issue 18, finding 22).
 */
int api_metrics_get(yc_req *r)
{
	const char *token = r->app->cfg.metrics_token;
	if (token[0]) {
		const char *auth = http_req_header(r, "Authorization");
		if (!auth || strncmp(auth, "Bearer ", 7) || !yc_secure_equal(auth + 7, token))
			return yc_err_set(&r->err, YC_EAUTH, NULL,
					  "the metrics need the metrics token");
	} else if (!http_peer_loopback(r)) {
		return yc_err_set(&r->err, YC_EFORBIDDEN, NULL,
				  "the metrics are read on this machine, or with metrics-token set");
	}
	yc_buf b;
	yc_buf_init(&b, 0);
	metrics_render(r->app->metrics, r->app->pipe, &b);
	http_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	http_reply(r, 200, &b);
	yc_buf_release(&b);
	return 0;
}
