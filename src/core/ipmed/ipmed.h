/*
 * ipmed.h — the IP people's mediation workstation (知识产权人民调解工作站): a dispute is
 * received, mediated, and ends settled (with its agreement), failed, or referred to a
 * court or arbitration. Run by the IP department's approvers (scjg); counted in the
 * year's figures. See docs/ipmed.md.
 */
#ifndef YC_IPMED_H
#define YC_IPMED_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/common/account.h"
#include "core/common/lifecycle.h"
#include "db/db.h"
#include "lib/buf.h"
#include "lib/errors.h"

struct ipmed_ctx {
	char department[16]; /* the workstation's department (scjg) */
	int tz_offset_min;
	int64_t now_ms; /* 0: the clock */
};

extern const struct lc_table ipmed_lifecycle;

int ipmed_receive_check(const cJSON *body, yc_err *err);
int ipmed_receive(db *d, const struct ipmed_ctx *c, const yc_user *u, const cJSON *body,
		  yc_buf *out, yc_err *err);
/* mediate {on, mediator}, settle {on, outcome, amount}, fail {on, outcome},
 * refer {on, to: court|arbitration, outcome} */
int ipmed_act_check(const char *action, const cJSON *body, yc_err *err);
int ipmed_act(db *d, const struct ipmed_ctx *c, const yc_user *u, const char *id,
	      const char *action, const cJSON *body, yc_buf *out, yc_err *err);
/* The workstation's disputes (its department, supervisors, the admin; others none) and
 * figures (public: received, mediated, settled, failed, referred). */
int ipmed_list_json(db *d, const struct ipmed_ctx *c, const yc_user *u, const char *state,
		    yc_buf *out, yc_err *err);
int ipmed_figures_json(db *d, yc_buf *out, yc_err *err);

#endif
