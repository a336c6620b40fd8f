/* internal.h — what the files of core/review/ share (see review.h). */
#ifndef YC_REVIEW_INTERNAL_H
#define YC_REVIEW_INTERNAL_H

#include "core/review/review.h"

/* The service a review rates, and who served it. */
struct review_subject {
	char kind[8]; /* case, run, ticket, open */
	char no[40];
	bool ended, online; /* online: a case or run (its indicators); else the hall's */
	int64_t end_ms;
	char item[48], item_name[304];
	char department[32], department_name[128], office[32];
	char staff[YC_USERNAME_MAX];
	int window_no;
	char applicant_kind[12];
	int64_t applicant_user;
	char phone[24]; /* personal data: the callback's number, never rendered but to its caller */
	char holder[80], secret_hash[65];
};

int review_subject_load(db *d, const char *kind, const char *no, struct review_subject *s,
			yc_err *err);
/* "2026-12" of a moment, local. */
void review_month_of(const struct review_ctx *c, int64_t ms, char out[8]);
/* prefix + local date + 10 random hex digits: "PJ20261206a1b2c3d4e5". */
void review_new_id(const struct review_ctx *c, const char *prefix, int64_t ms, char *out,
		   size_t size);
int64_t review_now(const struct review_ctx *c);
/* days working days from now: the deadline and the yellow light's minute (order.c). */
int review_due(const struct review_ctx *c, int64_t now, int days, int64_t *due, int64_t *yellow,
	       yc_err *err);
/* Counts a callback made (result done or unreachable) in the month of now, for the public page. */
int review_figures_callback(db *d, const struct review_ctx *c, const char *result, yc_err *err);
/* A uniform draw for the callback sampler: the system's random source, or the context's. */
uint32_t review_draw(const struct review_ctx *c);
/* Department staff (clerk, approver) of department, or a supervisor: may see and act on its orders.
 */
bool review_staff_of(const yc_user *u, const char *department);
/* Mask what looks like a phone or ID number in free text (the public page). */
void review_anonymise(const char *in, yc_buf *out);

#endif
