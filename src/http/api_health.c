/* api_health.c — GET /api/v1/health and GET /metrics. */
#include <stdio.h>

#include "http/metrics.h"
#include "http/router.h"
#include "lib/banned.h"

/* Healthy means this node can reach its store: a load balancer should not send work otherwise. */
int api_health_get(yc_req *r)
{
	int rc = db_ping(r->db, &r->err);
	if (rc)
		return yc_err_set(&r->err, YC_EUNAVAIL, "db", "the store cannot be reached");
	char body[160];
	snprintf(body, sizeof(body),
		 "{\"status\":\"ok\",\"schema_version\":%d,\"backend\":\"%s\",\"version\":\"%s\"}",
		 r->app->schema_version, r->app->backend, YC_VERSION);
	http_reply_str(r, 200, body);
	return 0;
}

int api_metrics_get(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	metrics_render(r->app->metrics, r->app->pipe, &b);
	http_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	http_reply(r, 200, &b);
	yc_buf_release(&b);
	return 0;
}
