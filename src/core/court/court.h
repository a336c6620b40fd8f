/*
 * court.h — 分调裁审: the court's filings on the case engine.
 *
 * A party files through the item 网上立案 (a case); when the court's registry approves it,
 * the filing goes either to pre-litigation mediation (诉前调解) at the grid court (网格法庭)
 * of the party's community, or straight to registration. Registration classifies it by
 * the court's documented rules (繁简分流: simple or complex, small claims) and assigns a
 * team and judge: 随机 — by SM3 of the case number, so anyone can recompute it — and 人工,
 * a reassignment with its reason. Parties fill the dispute type's element form
 * (要素式审判) before the hearing; the court closes the case. See docs/courts.md.
 */
#ifndef YC_COURT_H
#define YC_COURT_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/common/account.h"
#include "core/common/lifecycle.h"
#include "db/db.h"
#include "lib/buf.h"
#include "lib/errors.h"

struct case_ctx;

struct court_ctx {
	const struct case_ctx *cases;
	char item[24];	     /* the filing's item (网上立案) */
	char department[16]; /* the court (fy): its approvers run the registry */
	int64_t now_ms;	     /* 0: the clock */
	/* the hooks these follow (the wiring chains them) */
	int (*approved_then)(db *d, void *arg, const char *kind, const char *no, yc_err *err);
	void *approved_then_arg;
	int (*form_then)(db *d, void *arg, const char *item, const cJSON *form, yc_err *err);
	void *form_then_arg;
};

extern const struct lc_table court_lifecycle;

/* The rules document replaced (a JSON text; every bad part named, nothing half-loaded). */
int court_rules_load(db *d, const char *json, yc_err *err);

/* The case engine's hooks, chained after the ones they follow. */
int court_form_rules(db *d, void *arg, const char *item, const cJSON *form, yc_err *err);
int court_approved(db *d, void *arg, const char *kind, const char *no, yc_err *err);

/* The track a filing takes by the rules: simple (and small claims) or complex, and why. */
struct court_track {
	bool simple, small_claims, commercial;
	char basis[200];
	char team[8], judge[48];
};
int court_classify(db *d, const char *no, const char *type, int64_t amount_fen, int parties,
		   struct court_track *t, yc_err *err);

/* settle, fail (mediation); reassign, close (a registered case). */
int court_act_check(const char *action, const cJSON *body, yc_err *err);
int court_act(db *d, const struct court_ctx *c, const yc_user *u, const char *no,
	      const char *action, const cJSON *body, yc_buf *out, yc_err *err);
/* A party's element form: {"party": "plaintiff"|"defendant", "fields": {…}}. */
int court_elements(db *d, const struct court_ctx *c, const yc_user *u, const char *no,
		   const cJSON *body, yc_buf *out, yc_err *err);

struct court_query {
	const char *state, *team;
	int limit;
};
int court_list_json(db *d, const struct court_ctx *c, const yc_user *u, const struct court_query *q,
		    yc_buf *out, yc_err *err);
int court_get_json(db *d, const struct court_ctx *c, const yc_user *u, const char *no, yc_buf *out,
		   yc_err *err);
int court_rules_json(db *d, yc_buf *out, yc_err *err);
/* The year's figures (public): received, mediated and settled, registered and on the fast
 * track, small claims, average days to close by track, closed business cases and sums. */
int court_figures_json(db *d, const struct court_ctx *c, yc_buf *out, yc_err *err);

#endif
