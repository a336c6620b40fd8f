/*
 * api/cases.c — cases (办件): submit, view, list, act, notices, the public
 * progress lookup, materials and post-checks. Role and scope are checked
 * by core/case/ for every case; the route table checks the role first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/case/case.h"
#include "core/catalog/catalog.h"
#include "core/common/material.h"
#include "http/session.h"
#include "http/limits.h"
#include "http/router.h"
#include "lib/log.h"
#include "lib/banned.h"

/* The address a notice's QR code points to, with its NUL. */

/* Case numbers are 20 digits: region (6), date (8), the day's sequence (6). */
static int check_no(yc_req *r, const char *no)
{
	if (strlen(no) != 20 || strspn(no, "0123456789") != 20)
		return yc_err_set(&r->err, YC_ENOTFOUND, "no", "no case with number %s", no);
	return 0;
}

/* ---- submit ---------------------------------------------------------------- */

/* A submission: prep is the case prepared on the listener thread (case_prepare). */
static int case_submit_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	out->status = 201;
	return case_submit(d, c->app->cases, &c->user, c->body, c->prep, &out->body, err);
}

static void case_new_release(void *prep)
{
	if (prep)
		case_new_free(prep);
	free(prep);
}

int api_cases_create(yc_req *r)
{
	struct case_new *n = calloc(1, sizeof(*n));
	if (!n)
		return yc_err_set(&r->err, YC_ENOMEM, NULL, NULL);
	int rc = case_prepare(r->db, r->app->cases, &r->user, r->body, n, &r->err);
	/* the body is kept for the writer, should the item change before the case is stored */
	struct yc_call *c = rc ? NULL : http_call_new(r, case_submit_write);
	if (!c) {
		case_new_release(n);
		return rc ? rc : YC_ENOMEM;
	}
	c->prep = n;
	c->prep_free = case_new_release;
	return http_call_send(r, c, true);
}

/* A case's action: params {no, action}, n the parsed action. */
static int case_act_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return case_act(d, c->app->cases, &c->user, c->params[0], (enum case_action)c->n, c->body,
			&out->body, err);
}

int api_cases_act(yc_req *r)
{
	int rc = check_no(r, r->params[0]);
	if (rc)
		return rc;
	int a = case_action_parse(r->params[1]);
	if (a < 0 || a == CA_LAPSE)
		return yc_err_set(&r->err, YC_ENOTFOUND, "action", "no action %s", r->params[1]);
	if ((rc = case_action_check((enum case_action)a, r->body, &r->err)))
		return rc;
	return http_call(r, case_act_write, a, true);
}

/* ---- read ------------------------------------------------------------------ */

int api_cases_get(yc_req *r)
{
	int rc = check_no(r, r->params[0]);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = case_json(r->db, r->app->cases, &r->user, r->params[0], &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_cases_list(yc_req *r)
{
	struct case_query q;
	memset(&q, 0, sizeof(q));
	int64_t limit;
	int rc = http_query_int(r, "limit", 1, 200, 50, &limit);
	if (rc)
		return rc;
	q.limit = (int)limit;
	q.state = http_query(r, "state");
	q.light = http_query(r, "light");
	q.item = http_query(r, "item");
	q.department = http_query(r, "department");
	q.cursor = http_query(r, "cursor");
	const char *assignee = http_query(r, "assignee");
	const char *applicant = http_query(r, "applicant");
	const char *sort = http_query(r, "sort");
	if (assignee && strcmp(assignee, "me"))
		return yc_err_set(&r->err, YC_EINVAL, "assignee", "assignee takes only me");
	if (applicant && strcmp(applicant, "me"))
		return yc_err_set(&r->err, YC_EINVAL, "applicant", "applicant takes only me");
	if (sort && strcmp(sort, "deadline") && strcmp(sort, "newest"))
		return yc_err_set(&r->err, YC_EINVAL, "sort", "sort must be deadline or newest");
	q.assignee_me = assignee != NULL;
	q.applicant_me = applicant != NULL;
	q.by_deadline = sort && !strcmp(sort, "deadline");
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = case_list(r->db, r->app->cases, &r->user, &q, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

int api_cases_stats(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = case_stats(r->db, r->app->cases, &b, &r->err);
	return http_reply_read(r, rc, &b);
}

/* The address QR codes point to: --public-url, or this request's Host. */
/* Whether a Host header names this machine: localhost, 127.x.y.z or [::1], with a port or not. */
static bool loopback_host(const char *host)
{
	size_t n = strlen(host), name;
	if (!strncmp(host, "localhost", 9))
		name = 9;
	else if (!strncmp(host, "[::1]", 5))
		name = 5;
	else if (!strncmp(host, "127.", 4))
		name = 4 + strspn(host + 4, "0123456789.");
	else
		return false;
	/* nothing after the name but a port: "localhost.evil.example" is no loopback */
	return name == n || (host[name] == ':' && name + 1 < n &&
			     strspn(host + name + 1, "0123456789") == n - name - 1);
}

/*
 * Where the notice's QR code points: public-url. Without it only the
 * request's Host could say, and anyone sets that: it is taken only on a
 * server that listens on loopback, and only when it names this machine (a
 * development machine); any other notice is refused (issue 18, finding 20).
 */
int api_public_url(yc_req *r, char *out, size_t size)
{
	if (r->app->cfg.public_url[0]) {
		snprintf(out, size, "%s", r->app->cfg.public_url);
		return 0;
	}
	const char *host = http_req_header(r, "Host");
	if (!http_listen_loopback(r->app) || !host || !loopback_host(host))
		return yc_err_set(&r->err, YC_EUNAVAIL, NULL,
				  "QR codes need --public-url, the address they point at");
	snprintf(out, size, "http://%s", host);
	return 0;
}

int api_cases_document(yc_req *r)
{
	int rc = check_no(r, r->params[0]);
	if (rc)
		return rc;
	char url[YC_PUBLIC_URL_MAX];
	if ((rc = api_public_url(r, url, sizeof(url))))
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = case_document(r->db, r->app->cases, &r->user, r->params[0], r->params[1], url, &b,
			   &r->err);
	if (!rc) {
		http_header(r, "Content-Type", "text/html; charset=utf-8");
		/* a notice is a document: its style sheet and nothing else, never in a frame */
		http_header(r, "Content-Security-Policy",
			    "default-src 'none'; style-src 'self'; base-uri 'none'; form-action "
			    "'none'; frame-ancestors 'none'");
		http_reply_bytes(r, 200, b.data, b.len);
	}
	yc_buf_release(&b);
	return rc;
}

/*
 * The public progress lookup. Four digits are few: wrong guesses are counted
 * per case number and per address, and against the node's failure budget
 * (limits.h); each guess past the free ones waits twice as long as the last.
 */
int api_progress_get(yc_req *r)
{
	int rc = check_no(r, r->params[0]);
	if (rc)
		return rc;
	const char *phone4 = http_query(r, "phone4");
	if (!phone4 || strlen(phone4) != 4 || strspn(phone4, "0123456789") != 4)
		return yc_err_set(&r->err, YC_EINVAL, "phone4",
				  "phone4 must be the last four digits of the applicant's phone");
	int64_t wait = limits_failures_wait(r, LIM_PROGRESS_ADDRESS), w;
	if ((w = limits_wait(r, LIM_PROGRESS_ADDRESS, http_peer_net(r))) > wait)
		wait = w;
	if ((w = limits_wait(r, LIM_PROGRESS_CASE, r->params[0])) > wait)
		wait = w;
	if (wait)
		return limits_refuse(r, wait, "phone4", "too many wrong progress lookups");
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = case_progress(r->db, r->app->cases, r->params[0], phone4, &b, &r->err);
	if (rc == YC_ENOTFOUND) {
		limits_failure(r, LIM_PROGRESS_ADDRESS);
		limits_hit(r, LIM_PROGRESS_CASE, r->params[0]);
	}
	return http_reply_read(r, rc, &b);
}

/* ---- materials ----------------------------------------------------------- */

struct material_write {
	unsigned char *data;
	size_t len;
	char type[8];
	int64_t uploader;
	char sha[YC_SHA256_HEX];
};

static int material_write(db *d, void *arg, yc_reply *out, yc_err *err)
{
	struct material_write *w = arg;
	int rc = material_store(d, w->data, w->len, w->type, w->uploader, w->sha, err);
	if (rc)
		return rc;
	out->status = 201;
	return yc_buf_addf(&out->body, "{\"sha256\":\"%s\",\"type\":\"%s\",\"size\":%zu}", w->sha,
			   w->type, w->len);
}

static void material_free(void *arg)
{
	struct material_write *w = arg;
	free(w->data);
	free(w);
}

static const struct yc_write_ops material_ops = {material_write, NULL, material_free, true};

int api_materials_create(yc_req *r)
{
	size_t len;
	const unsigned char *p = http_body(r, &len);
	if (!len)
		return yc_err_set(&r->err, YC_EINVAL, "body", "send the file's bytes as the body");
	const char *type = material_sniff(p, len);
	if (!type)
		return yc_err_set(&r->err, YC_EINVAL, "body",
				  "the file is not a PDF, JPEG, PNG or OFD document");
	/* the item's own limit when the upload names it */
	const char *item = http_query(r, "item");
	if (item) {
		int64_t max_kb = 0;
		int rc = catalog_item_material_limit(r->db, item, &max_kb, &r->err);
		if (rc)
			return rc;
		if (max_kb && len > (size_t)max_kb * 1024)
			return yc_err_set(&r->err, YC_ETOOLARGE, "body",
					  "this item takes files of at most %lld KiB",
					  (long long)max_kb);
	}
	struct material_write *w = calloc(1, sizeof(*w));
	if (!w || !(w->data = malloc(len))) {
		free(w);
		return yc_err_set(&r->err, YC_ENOMEM, NULL, NULL);
	}
	memcpy(w->data, p, len);
	w->len = len;
	snprintf(w->type, sizeof(w->type), "%s", type);
	w->uploader = r->user.id;
	return http_write(r, &material_ops, w);
}

/* The bytes of a material with its type (filled by read), or the error. */
static int reply_material(yc_req *r, int rc, const char *type, yc_buf *b)
{
	static const char *const types[][2] = {{"pdf", "application/pdf"},
					       {"jpeg", "image/jpeg"},
					       {"png", "image/png"},
					       {"ofd", "application/ofd"}};
	if (!rc) {
		const char *ct = "application/octet-stream";
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (!strcmp(types[i][0], type))
				ct = types[i][1];
		http_header(r, "Content-Type", ct);
		http_reply_bytes(r, 200, b->data, b->len);
	}
	yc_buf_release(b);
	return rc;
}

static bool is_sha(const char *sha)
{
	return strlen(sha) == 64 && strspn(sha, "0123456789abcdef") == 64;
}

/* GET /materials/{sha256}: an upload of one's own (to check it before attaching it). */
int api_materials_get(yc_req *r)
{
	const char *sha = r->params[0];
	if (!is_sha(sha))
		return yc_err_set(&r->err, YC_ENOTFOUND, "sha256", "no material with this sha256");
	char type[8] = "";
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = material_read(r->db, sha, r->user.id, type, &b, &r->err);
	return reply_material(r, rc, type, &b);
}

/* GET /cases/{no}/materials/{sha256}: a case's material, for whoever may read the case. */
int api_cases_material(yc_req *r)
{
	int rc = check_no(r, r->params[0]);
	if (rc)
		return rc;
	if (!is_sha(r->params[1]))
		return yc_err_set(&r->err, YC_ENOTFOUND, "sha256",
				  "the case has no material with this sha256");
	char type[8] = "";
	yc_buf b;
	yc_buf_init(&b, 0);
	rc = case_material(r->db, &r->user, r->params[0], r->params[1], type, &b, &r->err);
	return reply_material(r, rc, type, &b);
}

/* ---- post-checks ----------------------------------------------------------- */

int api_post_checks_list(yc_req *r)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = case_post_checks_json(r->db, &r->user, http_query(r, "state"), &b, &r->err);
	return http_reply_read(r, rc, &b);
}

static int post_check_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return case_post_check_complete(d, c->app->cases, &c->user, c->params[0], c->body,
					&out->body, err);
}

int api_post_checks_complete(yc_req *r)
{
	int rc = check_no(r, r->params[0]);
	return rc ? rc : http_call(r, post_check_write, 0, true);
}
