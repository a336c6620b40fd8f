/* internal.h — what the procurement files share and nothing outside them uses. */
#ifndef YC_PROCUREMENT_INTERNAL_H
#define YC_PROCUREMENT_INTERNAL_H

#include "core/case/case.h"
#include "core/procurement/procurement.h"

enum proc_state { PS_AWARDED, PS_SIGNED, PS_FILED, PS_CANCELLED, PS_N };
enum proc_action { PA_SIGN, PA_EXPLAIN, PA_FILE, PA_ADVANCE, PA_CANCEL, PA_N };

int64_t proc_now(const struct proc_ctx *c);
int32_t proc_day(const struct proc_ctx *c, int64_t ms);
/* days working days after the day `day`; an empty deadline (text "") while its year is
 * not loaded. */
int proc_limit(const struct proc_ctx *c, int32_t day, int days, struct case_deadline *dl,
	       yc_err *err);
/* Whether u sees a contract of unit: its own staff, the finance department's, supervisors,
 * the admin. */
bool proc_may_see(const struct proc_ctx *c, const yc_user *u, const char *unit);
int64_t proc_fen(const cJSON *v);

#endif
