/*
 * api/terminal.c — the 24-hour self-service terminal's routes (role terminal only): a code to
 * the person's phone, the visit it opens, the visit's documents, a print (audited, then its
 * document by token: a certificate as PDF, a notice as the printable page the case shows),
 * tomorrow's appointment, a rating, the end of the visit. core/terminal/ keeps the visit; the
 * person's own scope (core/case, core/certificate, core/hall, core/review) decides the rest.
 */
#include <stdlib.h>
#include <string.h>

#include "core/case/case.h"
#include "core/certificate/certificate.h"
#include "core/common/material.h"
#include "core/hall/hall.h"
#include "core/review/review.h"
#include "core/terminal/terminal.h"
#include "http/router.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/banned.h"

static int code_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	out->status = 201;
	return term_code_send(d, c->app->term, &c->user, c->body, &out->body, err);
}

int api_terminal_codes(yc_req *r)
{
	int rc = term_code_check(r->body, &r->err);
	return rc ? rc : http_call(r, code_write, 0, false);
}

static int verify_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return term_code_verify(d, c->app->term, &c->user, c->params[0], c->body, &out->body,
				&out->status, err);
}

int api_terminal_verify(yc_req *r)
{
	return http_call(r, verify_write, 0, false);
}

/* The visit's documents: the person's cases (with their notices) and certificates. */
int api_terminal_visit(yc_req *r)
{
	yc_user person;
	int rc = term_visit_person(r->db, r->app->term, &r->user, r->params[0], &person, &r->err);
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	yc_buf_addf(&b, "{\"visit\":\"%s\",\"kind\":\"%s\",\"cases\":", r->params[0], person.kind);
	struct case_query cq = {.applicant_me = true, .limit = 20};
	rc = case_list(r->db, r->app->cases, &person, &cq, &b, &r->err);
	struct cert_query q = {.mine = true, .limit = 20};
	if (!rc) {
		yc_buf_adds(&b, ",\"certificates\":");
		rc = cert_list_json(r->db, r->app->certs, &person, &q, &b, &r->err);
	}
	if (!rc) {
		yc_buf_adds(&b, ",\"self_service\":");
		rc = term_services_json(r->db, &b, &r->err);
	}
	if (!rc)
		yc_buf_addc(&b, '}');
	return http_reply_read(r, rc, &b);
}

/* Whether the person may have the document: their certificate, their case's notice. */
static int printable(db *d, const struct yc_call *c, const yc_user *person, yc_err *err)
{
	const char *kind = yc_json_str(c->body, "kind"), *ref = yc_json_str(c->body, "ref");
	yc_buf b;
	yc_buf_init(&b, 0);
	int rc = !strcmp(kind, "certificate")
			 ? cert_json(d, c->app->certs, person, ref, &b, err)
			 : case_document(d, c->app->cases, person, ref,
					 yc_json_str(c->body, "notice"), "", &b, err);
	yc_buf_release(&b);
	return rc;
}

static int print_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	yc_user person;
	int rc = term_visit_person(d, c->app->term, &c->user, c->params[0], &person, err);
	if (!rc)
		rc = printable(d, c, &person, err);
	out->status = 201;
	return rc ? rc : term_print(d, c->app->term, &c->user, c->params[0], c->body, &out->body, err);
}

int api_terminal_print(yc_req *r)
{
	int rc = term_print_check(r->body, &r->err);
	return rc ? rc : http_call(r, print_write, 0, false);
}

/* A print's document: the certificate's PDF, or the notice's printable page. */
int api_terminal_print_get(yc_req *r)
{
	struct term_print p;
	int rc = term_print_get(r->db, r->app->term, &r->user, r->params[0], &p, &r->err);
	char base[YC_PUBLIC_URL_MAX];
	if (!rc)
		rc = api_public_url(r, base, sizeof(base));
	if (rc)
		return rc;
	yc_buf b;
	yc_buf_init(&b, 0);
	bool pdf = !strcmp(p.kind, "certificate");
	rc = pdf ? cert_pdf(r->db, &p.person, p.ref, base, &b, &r->err)
		 : case_document(r->db, r->app->cases, &p.person, p.ref, p.notice, base, &b,
				 &r->err);
	if (!rc) {
		http_header(r, "Content-Type", pdf ? "application/pdf" : "text/html; charset=utf-8");
		http_header(r, "Cache-Control", "no-store");
		/* printed from a frame of the terminal's own page */
		http_header(r, "X-Frame-Options", "SAMEORIGIN");
		http_header(r, "Content-Security-Policy",
			    "default-src 'none'; style-src 'self'; base-uri 'none'; "
			    "form-action 'none'; frame-ancestors 'self'");
		http_reply_bytes(r, 200, b.data, b.len);
	}
	yc_buf_release(&b);
	return rc;
}

static int appointment_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	yc_user person;
	int rc = term_visit_person(d, c->app->term, &c->user, c->params[0], &person, err);
	out->status = 201;
	return rc ? rc : hall_appointment_book(d, c->app->hall, &person, c->body, &out->body, err);
}

int api_terminal_appointment(yc_req *r)
{
	return http_call(r, appointment_write, 0, false);
}

static int review_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	yc_user person;
	int rc = term_visit_person(d, c->app->term, &c->user, c->params[0], &person, err);
	out->status = 201;
	return rc ? rc : review_submit(d, c->app->reviews, &person, c->body, &out->body, err);
}

int api_terminal_review(yc_req *r)
{
	int rc = review_check(r->body, &r->err);
	return rc ? rc : http_call(r, review_write, 0, false);
}

/* ---- self-service: the scanner's pages and the application, as the person -------------- */

struct scan {
	unsigned char *data;
	size_t len;
	char type[8];
};

static void scan_free(void *p)
{
	struct scan *s = p;
	if (s)
		free(s->data);
	free(s);
}

static int scan_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	const struct scan *s = c->prep;
	yc_user person;
	char sha[YC_SHA256_HEX];
	int rc = term_visit_person(d, c->app->term, &c->user, c->params[0], &person, err);
	if (!rc)
		rc = material_store(d, s->data, s->len, s->type, person.id, sha, err);
	if (rc)
		return rc;
	out->status = 201;
	return yc_buf_addf(&out->body, "{\"sha256\":\"%s\",\"type\":\"%s\",\"size\":%zu}", sha,
			   s->type, s->len)
		       ? YC_ENOMEM
		       : 0;
}

/* A scanned page (PDF, JPEG, PNG or OFD) stored as the person's upload. */
int api_terminal_material(yc_req *r)
{
	size_t len;
	const unsigned char *p = http_body(r, &len);
	const char *type = len ? material_sniff(p, len) : NULL;
	if (!type)
		return yc_err_set(&r->err, YC_EINVAL, "body",
				  "send the scan as a PDF, JPEG, PNG or OFD document");
	struct scan *s = calloc(1, sizeof(*s));
	if (!s || !(s->data = malloc(len))) {
		free(s);
		return yc_err_set(&r->err, YC_ENOMEM, NULL, NULL);
	}
	memcpy(s->data, p, len);
	s->len = len;
	snprintf(s->type, sizeof(s->type), "%s", type);
	struct yc_call *c = http_call_new(r, scan_write);
	if (!c) {
		scan_free(s);
		return r->err.code;
	}
	c->prep = s;
	c->prep_free = scan_free;
	return http_call_send(r, c, false);
}

static int apply_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	yc_user person;
	int rc = term_visit_person(d, c->app->term, &c->user, c->params[0], &person, err);
	out->status = 201;
	return rc ? rc : case_submit(d, c->app->cases, &person, c->body, c->prep, &out->body, err);
}

static void case_new_release(void *prep)
{
	if (prep)
		case_new_free(prep);
	free(prep);
}

/* A self-service item applied for by the person: {item, channel "kiosk", form, materials}. */
int api_terminal_apply(yc_req *r)
{
	yc_user person;
	int rc = term_visit_person(r->db, r->app->term, &r->user, r->params[0], &person, &r->err);
	if (!rc)
		rc = term_service_check(r->db, yc_json_str(r->body, "item"), &r->err);
	struct case_new *n = rc ? NULL : calloc(1, sizeof(*n));
	if (!rc && !n)
		rc = yc_err_set(&r->err, YC_ENOMEM, NULL, NULL);
	if (!rc)
		rc = case_prepare(r->db, r->app->cases, &person, r->body, n, &r->err);
	struct yc_call *c = rc ? NULL : http_call_new(r, apply_write);
	if (!c) {
		case_new_release(n);
		return rc ? rc : YC_ENOMEM;
	}
	c->prep = n;
	c->prep_free = case_new_release;
	return http_call_send(r, c, false);
}

static int end_write(db *d, const struct yc_call *c, yc_reply *out, yc_err *err)
{
	return term_visit_end(d, c->app->term, &c->user, c->params[0], &out->body, err);
}

int api_terminal_end(yc_req *r)
{
	return http_call(r, end_write, 0, false);
}
