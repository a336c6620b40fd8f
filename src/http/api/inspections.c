/*
 * api/inspections.c — 双随机、一公开: the public item list, results, entity
 * pages and draw records (with their verification); the regulators' rosters
 * (CSV import, every bad row named), plans and their draws; the tasks the
 * teams inspect and the regulators publish. Role and scope are checked by
 * core/inspection/ for every plan and task.
 */
#include <stdlib.h>
#include <string.h>

#include "core/inspection/inspection.h"
#include "http/router.h"
#include "lib/json.h"
#include "lib/xlsx.h"
#include "lib/banned.h"

enum { PLAN_ID_MAX = 31, TASK_ID_MAX = 47, CODE_LEN = 18, QUERY_MAX = 60 };

static int check_plan_id(yc_req *r)
{
	size_t n = strlen(r->params[0]);
	if (!n || n > PLAN_ID_MAX || strspn(r->params[0], "CC0123456789-") != n)
		return yc_err_set(&r->err, YC_ENOTFOUND, "id", "no plan %s", r->params[0]);
	return 0;
}

/* The query parameters the lists share; a text too long is refused, naming it. */
static int list_query(yc_req *r, struct insp_query *q)
{
	int64_t limit;
	int rc = http_query_int(r, "limit", 1, 500, 100, &limit);
	if (rc)
		return rc;
	static const char *const texts[] = {"q", "class", "department", "plan"};
	for (int i = 0; i < 4; i++) {
		const char *v = http_query(r, texts[i]);
		if (v && strlen(v) > QUERY_MAX)
			return yc_err_set(&r->err, YC_EINVAL, texts[i], "%s is too long", texts[i]);
	}
	const char *mine = http_query(r, "mine"), *overdue = http_query(r, "overdue");
	*q = (struct insp_query){
		.q = http_query(r, "q"),
		.cls = http_query(r, "class"),
		.department = http_query(r, "department"),
		.plan = http_query(r, "plan"),
		.mine = mine && !strcmp(mine, "1"),
		.overdue = overdue && !strcmp(overdue, "1"),
		.limit = (int)limit,
	};
	return 0;
}

/* A list of the caller's: the query read, the view rendered (each list below is one line). */
typedef int (*list_fn)(db *d, const yc_app *app, const yc_user *u, const struct insp_query *q,
		       yc_buf *out, yc_err *err);

static int reply_list(yc_req *r, list_fn view)
{
	struct insp_query q;
	int rc = list_query(r, &q);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = view(r->db, r->app, &r->user, &q, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

static int results_view(db *d, const yc_app *app, const yc_user *u, const struct insp_query *q,
			yc_buf *out, yc_err *err)
{
	(void)u;
	return insp_results_json(d, app->insp, q, out, err);
}

static int entities_view(db *d, const yc_app *app, const yc_user *u, const struct insp_query *q,
			 yc_buf *out, yc_err *err)
{
	(void)app;
	return insp_entities_json(d, u, q, out, err);
}

static int inspectors_view(db *d, const yc_app *app, const yc_user *u, const struct insp_query *q,
			   yc_buf *out, yc_err *err)
{
	(void)app;
	return insp_inspectors_json(d, u, q, out, err);
}

static int plans_view(db *d, const yc_app *app, const yc_user *u, const struct insp_query *q,
		      yc_buf *out, yc_err *err)
{
	(void)app;
	return insp_plans_json(d, u, q, out, err);
}

static int tasks_view(db *d, const yc_app *app, const yc_user *u, const struct insp_query *q,
		      yc_buf *out, yc_err *err)
{
	return insp_tasks_json(d, app->insp, u, q, out, err);
}

/* ---- public -------------------------------------------------------------------- */

int api_inspection_items(yc_req *r)
{
	const char *dept = http_query(r, "department");
	if (dept && strlen(dept) > QUERY_MAX)
		return yc_err_set(&r->err, YC_EINVAL, "department", "department is too long");
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = insp_items_json(r->db, dept, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_inspection_results(yc_req *r)
{
	return reply_list(r, results_view);
}

static int check_code(yc_req *r)
{
	if (strlen(r->params[0]) != CODE_LEN)
		return yc_err_set(&r->err, YC_ENOTFOUND, "code", "no market entity %s",
				  r->params[0]);
	return 0;
}

/* GET /market-entities/{code}: the public page a credit QR code opens. */
int api_market_entity_get(yc_req *r)
{
	int rc = check_code(r);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = insp_entity_public_json(r->db, r->app->insp, r->params[0], &b, &r->err);
	return http_reply_read(r, rc, &b);
}

/* GET /inspection/draws: every published commitment, and the draws made. */
int api_inspection_draws(yc_req *r)
{
	int64_t limit;
	int rc = http_query_int(r, "limit", 1, 500, 100, &limit);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = insp_draws_json(r->db, r->app->insp, (int)limit, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

/* GET /market-entities/{code}/qr.png: the credit QR code to print (public, as the door is). */
int api_market_entity_qr(yc_req *r)
{
	int rc = check_code(r);
	char base[YC_PUBLIC_URL_MAX];
	if (!rc)
		rc = api_public_url(r, base, sizeof(base));
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = insp_credit_qr_png(r->db, r->params[0], base, &b, &r->err);
	if (!rc) {
		http_header(r, "Content-Type", "image/png");
		http_reply_bytes(r, 200, b.data, b.len);
	}
	yc_buf_release(&b);
	return rc;
}

static int credit_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	out->status = 201;
	return insp_credit_issue(d, c->app->insp, &c->user, c->params[0],
				 c->body ? yc_json_str(c->body, "department") : NULL, &out->body,
				 err);
}

/* POST /market-entities/{code}/credit-code: a regulator signs the entity's credit QR code. */
int api_market_entity_credit(yc_req *r)
{
	static const yc_jfield spec[] = {{"department", YC_JT_STRING, false, 31}};
	int rc = check_code(r);
	if (!rc && r->body)
		rc = yc_json_check(r->body, spec, 1, &r->err);
	return rc ? rc : http_call(r, credit_write, 0, true);
}

int api_inspection_record(yc_req *r)
{
	int rc = check_plan_id(r);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = insp_record_json(r->db, r->app->insp, r->params[0], &b, &r->err);
	return http_reply_read(r, rc, &b);
}

/* POST /inspection/records/verify: a record (its JSON) recomputed, as `draw verify` does. */
int api_inspection_verify(yc_req *r)
{
	size_t len;
	const unsigned char *p = http_body(r, &len);
	if (!len)
		return yc_err_set(&r->err, YC_EINVAL, "body", "send the draw's record as the body");
	struct insp_check v;
	int rc = insp_record_verify((const char *)p, len, &v, &r->err);
	yc_buf b;
	yc_buf_init(&b, 0);
	if (!rc) {
		yc_buf_addf(&b, "{\"verdict\":\"%s\",\"why\":",
			    v.verdict == IV_MATCH ? "match" : "mismatch");
		yc_json_add_str(&b, v.why);
		yc_buf_addf(&b, ",\"entities\":%zu,\"selected\":%zu,\"seed\":\"%s\"}", v.entities,
			    v.selected, v.seed);
	}
	return http_reply_read(r, rc, &b);
}

/* ---- rosters ---------------------------------------------------------------------- */

struct csv_body {
	char *data;
	size_t len;
};

static void csv_body_free(void *p)
{
	struct csv_body *c = p;
	if (c)
		free(c->data);
	free(c);
}

static int roster_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	const struct csv_body *csv = c->prep;
	return insp_roster_import(d, &c->user, (int)c->n, csv->data, csv->len, &out->body, err);
}

static int roster_import(yc_req *r, int kind, const char *p, size_t len);

/*
 * POST /inspection/rosters/{kind} with the CSV (or an .xlsx workbook) as the body: checked whole on
 * this thread (422 listing every bad row, nothing imported), then written.
 */
int api_inspection_roster_import(yc_req *r)
{
	int kind = insp_roster_kind(r->params[0]);
	if (kind < 0)
		return yc_err_set(&r->err, YC_ENOTFOUND, "kind", "no roster %s", r->params[0]);
	size_t len;
	const char *p = (const char *)http_body(r, &len);
	/* a workbook (Excel, WPS) is read as the CSV of its first sheet */
	yc_buf sheet;
	yc_buf_init(&sheet, 0);
	if (yc_xlsx_is(p, len)) {
		int rc = yc_xlsx_to_csv(p, len, &sheet, &r->err);
		if (rc) {
			yc_buf_release(&sheet);
			return rc;
		}
		p = sheet.data;
		len = sheet.len;
	}
	int rc = roster_import(r, kind, p, len);
	yc_buf_release(&sheet);
	return rc;
}

/* The import of a roster's CSV text: checked whole here, then written. */
static int roster_import(yc_req *r, int kind, const char *p, size_t len)
{
	yc_buf problems;
	yc_buf_init(&problems, 0);
	int rows = 0;
	int bad = insp_roster_check(r->db, &r->user, kind, p, len, &problems, &rows, &r->err);
	if (bad > 0) {
		http_reply_bad_rows(r, bad, "rows", &problems);
		yc_buf_release(&problems);
		return 0;
	}
	yc_buf_release(&problems);
	if (bad < 0)
		return bad;
	struct csv_body *csv = calloc(1, sizeof(*csv));
	if (!csv || !(csv->data = malloc(len ? len : 1))) {
		free(csv);
		return yc_err_set(&r->err, YC_ENOMEM, NULL, NULL);
	}
	memcpy(csv->data, p, len);
	csv->len = len;
	struct yc_call *c = http_call_new(r, roster_write);
	if (!c) {
		csv_body_free(csv);
		return r->err.code;
	}
	c->n = kind;
	c->prep = csv;
	c->prep_free = csv_body_free;
	return http_call_send(r, c, true);
}

int api_inspection_entities(yc_req *r)
{
	return reply_list(r, entities_view);
}

int api_inspection_inspectors(yc_req *r)
{
	return reply_list(r, inspectors_view);
}

/* ---- plans -------------------------------------------------------------------------- */

int api_inspection_plans_list(yc_req *r)
{
	return reply_list(r, plans_view);
}

int api_inspection_plans_get(yc_req *r)
{
	int rc = check_plan_id(r);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = insp_plan_json(r->db, &r->user, r->params[0], &b, &r->err);
	return http_reply_read(r, rc, &b);
}

static int plan_create_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	out->status = 201;
	return insp_plan_create(d, c->app->insp, &c->user, c->body, &out->body, err);
}

int api_inspection_plans_create(yc_req *r)
{
	int rc = insp_plan_check(r->body, &r->err);
	return rc ? rc : http_call(r, plan_create_write, 0, true);
}

static int plan_act_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return insp_plan_act(d, c->app->insp, &c->user, c->params[0], c->params[1], c->body,
			     &out->body, err);
}

int api_inspection_plans_act(yc_req *r)
{
	int rc = check_plan_id(r);
	if (rc)
		return rc;
	if (lc_action(&insp_plan_lifecycle, r->params[1]) < 0)
		return yc_err_set(&r->err, YC_ENOTFOUND, "action", "no action %s", r->params[1]);
	if ((rc = insp_plan_act_check(r->params[1], r->body, &r->err)))
		return rc;
	return http_call(r, plan_act_write, 0, true);
}

/* ---- tasks ---------------------------------------------------------------------------- */

int api_inspection_tasks_list(yc_req *r)
{
	return reply_list(r, tasks_view);
}

static int task_act_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return insp_task_act(d, c->app->insp, &c->user, c->params[0], c->params[1], c->body,
			     &out->body, err);
}

int api_inspection_tasks_act(yc_req *r)
{
	size_t n = strlen(r->params[0]);
	if (!n || n > TASK_ID_MAX)
		return yc_err_set(&r->err, YC_ENOTFOUND, "id", "no inspection %s", r->params[0]);
	if (lc_action(&insp_task_lifecycle, r->params[1]) < 0)
		return yc_err_set(&r->err, YC_ENOTFOUND, "action", "no action %s", r->params[1]);
	int rc = insp_task_act_check(r->params[1], r->body, &r->err);
	return rc ? rc : http_call(r, task_act_write, 0, true);
}

/* GET /inspection/leniency?credit_code=…&violation=…: what 首次不罚's rule gives today. */
int api_inspection_leniency(yc_req *r)
{
	const char *code = http_query(r, "credit_code"), *violation = http_query(r, "violation");
	if (!code || strlen(code) != CODE_LEN)
		return yc_err_set(&r->err, YC_EINVAL, "credit_code",
				  "name the entity's credit code");
	if (!violation || !violation[0] || strlen(violation) > QUERY_MAX)
		return yc_err_set(&r->err, YC_EINVAL, "violation", "name the minor violation");
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = insp_leniency_json(r->db, r->app->insp, &r->user, code, violation, &b, &r->err);
	return http_reply_read(r, rc, &b);
}
