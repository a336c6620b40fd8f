/*
 * terminal.h — the 24-hour self-service terminal (24小时自助终端): an account of its own (role
 * terminal) that serves whoever stands in front of it, outside hall hours too.
 *
 * A person proves who they are with a one-time code sent to the phone on file of their
 * verified account (their ID number and phone typed at the terminal must both match; the
 * answer is the same whether they do or not). The code opens a visit: minutes in which the
 * terminal acts for that person alone — their cases and certificates listed, a notice or a
 * certificate printed (each print audited before its PDF is handed over, by a token good
 * for two minutes), tomorrow's appointment booked, a decided case rated, one of the items the
 * catalog marks self_service applied for with its materials scanned there — and which ends
 * when they leave or the screen resets. The terminal sees nothing of anyone without a visit.
 * See src/core/terminal/README.md and docs/terminal.md.
 */
#ifndef YC_TERMINAL_H
#define YC_TERMINAL_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/common/account.h"
#include "db/db.h"
#include "lib/buf.h"
#include "lib/errors.h"

enum {
	TERM_ID_LEN = 32,      /* a code's, a visit's and a print's id: hex */
	TERM_CODE_DIGITS = 6,  /* the one-time code */
	TERM_CODE_TRIES = 5,   /* wrong codes before it is spent */
	TERM_CODES_PER_PERSON = 3, /* codes one ID number may ask for in 10 minutes */
	TERM_PRINT_MS = 120000,	   /* a print's token is good for this long */
	TERM_REF_MAX = 127,	   /* a certificate's identifier or a case's number */
};

struct term_ctx {
	int code_minutes;  /* a code's life */
	int visit_minutes; /* a visit's longest life */
	int64_t now_ms;	   /* 0: the clock */
};

/* {"id_number","phone"}: a code to the phone on file, when both match a verified account.
 * Always {"id","expires_ms"}. */
int term_code_check(const cJSON *body, yc_err *err);
int term_code_send(db *d, const struct term_ctx *c, const yc_user *terminal, const cJSON *body,
		   yc_buf *out, yc_err *err);
/*
 * {"code"}: a visit {"visit","name","kind","expires_ms"}. A wrong code is counted (the count
 * commits) and answered as a refusal: *status 422 and the error naming "code" in out.
 */
int term_code_verify(db *d, const struct term_ctx *c, const yc_user *terminal, const char *id,
		     const cJSON *body, yc_buf *out, int *status, yc_err *err);

/* The person of a live visit of this terminal (YC_ENOTFOUND naming "visit" otherwise). */
int term_visit_person(db *d, const struct term_ctx *c, const yc_user *terminal, const char *visit,
		      yc_user *person, yc_err *err);
/* Ends a visit (the person leaves, the screen resets). */
int term_visit_end(db *d, const struct term_ctx *c, const yc_user *terminal, const char *visit,
		   yc_buf *out, yc_err *err);
/*
 * {"kind":"certificate","ref":ID} or {"kind":"notice","ref":NO,"notice":KIND}: the print
 * audited and a token {"print","expires_ms"} to fetch its PDF with.
 */
int term_print_check(const cJSON *body, yc_err *err);
int term_print(db *d, const struct term_ctx *c, const yc_user *terminal, const char *visit,
	       const cJSON *body, yc_buf *out, yc_err *err);
/* A print's token: what to render, for whom (the terminal's own, within its two minutes). */
struct term_print {
	char kind[16];
	char ref[TERM_REF_MAX + 1];
	char notice[16];
	yc_user person;
};
int term_print_get(db *d, const struct term_ctx *c, const yc_user *terminal, const char *token,
		   struct term_print *out, yc_err *err);

/* The items applied for at the terminal (self_service), with their forms and materials, as a
 * JSON array; and whether item is one (YC_EINVAL naming "item" otherwise). service.c */
int term_services_json(db *d, yc_buf *out, yc_err *err);
int term_service_check(db *d, const char *item, yc_err *err);

#endif
