/* internal.h — what the negative list's files share. */
#ifndef YC_FOREIGN_INTERNAL_H
#define YC_FOREIGN_INTERNAL_H

#include "core/foreign/foreign.h"

/* The first condition an investment fails: the measure, its article and what it asks. */
struct fdi_refusal {
	char title[200];
	int no;
	char text[1024];
	char field[32];
	char requirement[128];
};

/* A GB/T 4754-2017 code: a section letter and two to four digits. */
bool fdi_code_valid(const char *s);
/* The edition in force on day ("" when none). */
int fdi_in_force(db *d, int32_t day, char *out, size_t size, yc_err *err);
/* fdi_check with errors named under prefix, and the first refusal in why (may be NULL). */
int fdi_judge(db *d, const cJSON *in, const char *prefix, int32_t day, yc_buf *out,
	      bool *allowed, struct fdi_refusal *why, yc_err *err);

#endif
