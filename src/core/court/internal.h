/* internal.h — what the court files share and nothing outside them uses. */
#ifndef YC_COURT_INTERNAL_H
#define YC_COURT_INTERNAL_H

#include "core/court/court.h"

enum court_state { KS_MEDIATING, KS_SETTLED, KS_FILED, KS_CLOSED, KS_N };
enum court_action { KA_SETTLE, KA_FAIL, KA_REASSIGN, KA_CLOSE, KA_N };

int64_t court_now(const struct court_ctx *c);
int32_t court_day(const struct court_ctx *c, int64_t ms);
/* The rules document (cJSON_Delete it). */
int court_rules_get(db *d, cJSON **rules, yc_err *err);
/* A dispute type's entry in the rules, or NULL. */
const cJSON *court_type(const cJSON *rules, const char *name);
/* Whether u runs the registry (the court's approvers, the admin) or oversees (supervisors). */
bool court_staff(const struct court_ctx *c, const yc_user *u);

#endif
