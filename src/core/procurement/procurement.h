/*
 * procurement.h — 政府采购: a contract's deadlines on the calendar.
 *
 * A budget unit records the award notice (中标、成交通知书) of a procurement;
 * the contract is due signed within sign-days working days of the notice (10,
 * down from 30) and filed with the finance department within file-days of
 * signing (7), each limit with its light as a case's; a limit passed is
 * escalated once to the unit's approvers, and a unit that signs late must
 * record why. The bid deposit is waived or not by the supplier's credit
 * record (the market-entity roster's class and flags); advance payments are
 * recorded on the contract. See src/core/procurement/README.md.
 */
#ifndef YC_PROCUREMENT_H
#define YC_PROCUREMENT_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/common/account.h"
#include "core/common/lifecycle.h"
#include "db/db.h"
#include "lib/buf.h"
#include "lib/errors.h"

struct case_ctx;

/* Settings procurement-* (src/lib/config.c). */
struct proc_ctx {
	const struct case_ctx *cases; /* the calendar, the zone, warn-days */
	int sign_days;		      /* working days from the award notice to signing */
	int file_days;		      /* working days from signing to filing */
	char finance[16];	      /* the department contracts are filed with (czjr) */
	int64_t now_ms;		      /* 0: the clock */
};

extern const struct lc_table proc_lifecycle;

/* What the supplier's credit record gives for its bid deposit. */
struct proc_deposit {
	bool waived;
	char cls[4];	 /* the roster's class, "" when not on it */
	char basis[200]; /* why, as the notice says it */
};
int proc_deposit_rule(db *d, const char *credit_code, struct proc_deposit *out, yc_err *err);
int proc_deposit_json(db *d, const char *credit_code, yc_buf *out, yc_err *err);

/* A new contract from its award notice (the unit's approvers, the admin): 201 JSON. */
int proc_create_check(const cJSON *body, yc_err *err);
int proc_create(db *d, const struct proc_ctx *c, const yc_user *u, const cJSON *body, yc_buf *out,
		yc_err *err);
/* sign, explain, file, advance, cancel: the contract as JSON after it. */
int proc_act_check(const char *action, const cJSON *body, yc_err *err);
int proc_act(db *d, const struct proc_ctx *c, const yc_user *u, const char *id, const char *action,
	     const cJSON *body, yc_buf *out, yc_err *err);
/* Limits passed: each contract escalated once (audit, an SMS to the unit's approvers). */
int proc_escalate(db *d, const struct proc_ctx *c, int64_t *count, yc_err *err);

/* Views: the unit's own contracts; the finance department's, supervisors' and the
 * admin's all; anyone else none. Lights computed now. */
struct proc_query {
	const char *state, *unit;
	bool late; /* red only */
	int limit;
};
int proc_list_json(db *d, const struct proc_ctx *c, const yc_user *u, const struct proc_query *q,
		   yc_buf *out, yc_err *err);
int proc_get_json(db *d, const struct proc_ctx *c, const yc_user *u, const char *id, yc_buf *out,
		  yc_err *err);
/* Figures: contracts by state, on time and late, days to sign and to file on average. */
int proc_figures_json(db *d, const struct proc_ctx *c, yc_buf *out, yc_err *err);

#endif
