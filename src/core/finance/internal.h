/* internal.h — what the finance files share and nothing outside them uses. */
#ifndef YC_FINANCE_INTERNAL_H
#define YC_FINANCE_INTERNAL_H

#include "core/finance/finance.h"

enum fin_state { LS_APPROVED, LS_DISBURSED, LS_RENEWED, LS_OVERDUE, LS_REPAID, LS_CANCELLED, LS_N };
enum fin_action { LA_DISBURSE, LA_RENEW, LA_REPAY, LA_CANCEL, LA_OVERDUE, LA_N };

int64_t fin_now(const struct fin_ctx *c);
/* The local day of a moment (days since 1970-01-01 in the district's zone). */
int32_t fin_day(const struct fin_ctx *c, int64_t ms);
/* Whether u runs the fund (the fund department's approvers, supervisors, the admin). */
bool fin_officer(const struct fin_ctx *c, const yc_user *u);
/* The bank a bank seat sits at ("" for anyone else). */
void fin_bank_of(db *d, const yc_user *u, char *bank, size_t size);
/* The bridge money a firm owes or has been promised: approved, out or overdue. */
int fin_outstanding(db *d, const char *credit_code, int64_t *fen, yc_err *err);
/* "12,345.67" from fen, for messages. */
void fin_yuan(int64_t fen, char *out, size_t size);
/* The grant side of the case engine's hooks (grant.c): 1 when the item has a scheme. */
int fin_grant_form_rules(db *d, const struct fin_ctx *c, const char *item, const cJSON *form,
			 yc_err *err);
int fin_grant_open(db *d, const struct fin_ctx *c, const char *no, const char *item,
		   const cJSON *form, int64_t applicant, yc_err *err);
bool fin_has_scheme(db *d, const char *item);
/* The same, remembered for up to a second (grant.c): for the form check on every case filed. */
bool fin_has_scheme_recent(db *d, const char *item);

#endif
