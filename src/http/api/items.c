/*
 * api/items.c — the service-item catalog: the public guide (list, item,
 * departments, offices, figures) and the administrator's create, update,
 * retire and restore.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog/catalog.h"
#include "http/router.h"
#include "lib/banned.h"

int api_items_list(yc_req *r)
{
	struct catalog_query q;
	memset(&q, 0, sizeof(q));
	int64_t limit, depth;
	int rc = http_query_int(r, "limit", 1, 200, 20, &limit);
	if (!rc)
		rc = http_query_int(r, "online_depth", 1, 4, 0, &depth);
	if (rc)
		return rc;
	q.limit = (int)limit;
	q.online_depth = (int)depth;
	q.q = http_query(r, "q");
	q.department = http_query(r, "department");
	q.level = http_query(r, "level");
	q.type = http_query(r, "type");
	q.cursor = http_query(r, "cursor");
	if (q.q && strlen(q.q) > 100)
		return yc_err_set(&r->err, YC_EINVAL, "q", "q is longer than 100 bytes");
	if (q.q && !*q.q)
		q.q = NULL;
	const char *status = http_query(r, "status");
	if (status && strcmp(status, "active") && strcmp(status, "all"))
		return yc_err_set(&r->err, YC_EINVAL, "status", "status must be active or all");
	if (status && !strcmp(status, "all")) {
		if (!r->authed || !(r->user.role & ROLE_STAFF))
			return yc_err_set(&r->err, YC_EFORBIDDEN, "status",
					  "retired items are listed for staff only");
		q.include_retired = true;
	}
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = catalog_items_list(r->db, &q, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_items_get(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = catalog_item_json(r->db, r->params[0], &b, &r->err);
	return http_reply_read(r, rc, &b);
}

/* The caller as the catalog's audit records it. */
static yc_actor call_actor(const struct yc_call *c)
{
	return (yc_actor){c->user.username, account_role_name(c->user.role)};
}

/* A created or replaced item: the body is its document, n the catalog_put_mode. */
static int item_put_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	yc_actor a = call_actor(c);
	out->status = c->n == CATALOG_CREATE ? 201 : 200;
	return catalog_item_put(d, &a, c->body, (enum catalog_put_mode)c->n, &out->body, err);
}

/* A retired or restored item (n: 1 to retire), answered with the item as it now stands. */
static int item_status_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	yc_actor a = call_actor(c);
	int rc = catalog_item_set_status(d, &a, c->params[0], c->n, err);
	return rc ? rc : catalog_item_json(d, c->params[0], &out->body, err);
}

static int item_write_start(yc_req *r, enum catalog_put_mode mode)
{
	int rc = catalog_item_validate(r->body, &r->err);
	if (rc)
		return rc;
	const char *code = yc_json_str(r->body, "code");
	if (mode == CATALOG_UPDATE && strcmp(code, r->params[0]))
		return yc_err_set(&r->err, YC_EINVAL, "code",
				  "the body's code differs from the path's");
	return http_call(r, item_put_write, mode, true);
}

int api_items_create(yc_req *r)
{
	return item_write_start(r, CATALOG_CREATE);
}

int api_items_update(yc_req *r)
{
	return item_write_start(r, CATALOG_UPDATE);
}

static int item_status_start(yc_req *r, bool retire)
{
	return http_call(r, item_status_write, retire, true);
}

int api_items_retire(yc_req *r)
{
	return item_status_start(r, true);
}

int api_items_restore(yc_req *r)
{
	return item_status_start(r, false);
}

typedef int (*catalog_reader)(db *d, yc_buf *out, yc_err *err);

static int reply_read(yc_req *r, catalog_reader read)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	return http_reply_read(r, read(r->db, &b, &r->err), &b);
}

int api_departments_list(yc_req *r)
{
	return reply_read(r, catalog_departments_json);
}

int api_offices_list(yc_req *r)
{
	return reply_read(r, catalog_offices_json);
}

int api_catalog_stats(yc_req *r)
{
	return reply_read(r, catalog_stats_json);
}

/* GET /tax/indicators: the tax items and what they sum to (public). */
int api_tax_indicators(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = catalog_tax_json(r->db, &b, &r->err);
	return http_reply_read(r, rc, &b);
}
