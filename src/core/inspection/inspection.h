/*
 * inspection.h — 双随机、一公开: random inspections anyone can recompute.
 *
 * The spot-check item list (随机抽查事项清单) says what each department may
 * inspect and which field of inspectors it needs. Two rosters: market
 * entities (名录库, credit code checked, credit-risk class A…D and the flags
 * that make an entity the riskiest) and inspectors (执法检查人员名录库, with
 * their fields and declared conflicts), imported from CSV all or nothing
 * (roster.c). A plan (plan.c) names departments, items, scope, ratios per
 * class and team size; committing it freezes the eligible lists and
 * publishes their hashes and the commitment to a secret; the draw takes the
 * witnesses' inputs, picks the entities and their teams (draw.c, exactly as
 * docs/draw.md says) and reveals the secret: the published record
 * (record.c) lets anyone recompute it. Each drawn entity is a task (task.c):
 * its team enters the result, which changes the entity's class, and the
 * result is published within publish-days working days, with lights.
 *
 * Who: a regulator is an approver of a department with spot-check items
 * (the plans of that department, its inspectors), or a supervisor or the
 * administrator (all); an inspector is a staff account named in the
 * inspectors' roster, who sees and enters the results of the team's tasks.
 * The item list, the records and the published results are public.
 */
#ifndef YC_INSPECTION_H
#define YC_INSPECTION_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/common/account.h"
#include "core/common/lifecycle.h"
#include "db/db.h"
#include "lib/buf.h"

struct case_ctx;
struct cert_ctx;
struct insp_ctx {
	const struct case_ctx *cases; /* the calendar, the time zone, the light's warning */
	const struct cert_ctx *certs; /* the signing keys of credit QR codes (NULL: none here) */
	int publish_days;	      /* results are published within this many working days */
	int min_permille;	      /* a plan draws at least this share overall */
	int leniency_days; /* 首次不罚: no decision on the same violation this many days before */
	int64_t now_ms;	   /* 0: the clock; tests and the demo set it */
	uint64_t *draws; /* NULL: secrets from the system's random source; else a splitmix64
			    state they come from (the demo's, for a repeatable past) */
};

/* ---- the lists (roster.c) --------------------------------------------------- */

/* The rosters a CSV file fills. */
enum insp_roster { INSP_ENTITIES, INSP_INSPECTORS, INSP_CONFLICTS, INSP_ROSTERS };
/* "entities", "inspectors", "conflicts" → the roster; -1 for another name. */
int insp_roster_kind(const char *name);
/*
 * Checks a roster's CSV (a header line, then one row a line) against the
 * store: every bad row named in problems as a JSON array of {row, field,
 * message} (row as the file counts lines); returns how many rows are bad
 * (0: all good, *rows the good count) or a negative code. Runs on a reading
 * handle, before the write.
 */
int insp_roster_check(db *d, const yc_user *u, int kind, const char *csv, size_t len,
		      yc_buf *problems, int *rows, yc_err *err);
/* Imports a roster all or nothing (checked again); {imported, created, updated} into out. */
int insp_roster_import(db *d, const yc_user *u, int kind, const char *csv, size_t len, yc_buf *out,
		       yc_err *err);
/*
 * The item list and the 首次不罚 list from their JSON ({"items": […], "minor":
 * […]}), all or nothing, a bad row named by its path (the demo's data).
 */
int insp_lists_import(db *d, const cJSON *all, yc_err *err);
/* The public spot-check item list, a department's ("" all). */
int insp_items_json(db *d, const char *department, yc_buf *out, yc_err *err);
/*
 * The market entity a business registration created or changed: upserted
 * from the registration's form (name, type, industry, address, region), class
 * B when new. kind "case", no the case's number (a case_end_hook).
 */
int insp_entity_registered(db *d, void *arg, const char *kind, const char *no, yc_err *err);

struct insp_query {
	const char *q;	 /* entities: a credit code or a part of a name */
	const char *cls; /* entities: one class */
	const char *department;
	const char *plan; /* tasks: one plan's */
	bool mine;	  /* tasks: the caller's team's */
	bool overdue;	  /* tasks: past their publication date, unpublished */
	int limit;
};
int insp_entities_json(db *d, const yc_user *u, const struct insp_query *q, yc_buf *out,
		       yc_err *err);
int insp_inspectors_json(db *d, const yc_user *u, const struct insp_query *q, yc_buf *out,
			 yc_err *err);
/* Whether u may run a department's supervision (a regulator of it, a supervisor, the admin). */
bool insp_regulator_of(db *d, const yc_user *u, const char *department);

/* ---- plans and draws (plan.c) ----------------------------------------------- */

enum insp_plan_state { PS_DRAFT, PS_COMMITTED, PS_DRAWN, PS_CANCELLED, PS_N };
enum insp_plan_action { PA_COMMIT, PA_DRAW, PA_CANCEL, PA_N };
extern const struct lc_table insp_plan_lifecycle;

/* Checks a new plan's body on the listener thread, naming the bad field. */
int insp_plan_check(const cJSON *body, yc_err *err);
/* Makes a draft plan: 201's body into out. */
int insp_plan_create(db *d, const struct insp_ctx *c, const yc_user *u, const cJSON *body,
		     yc_buf *out, yc_err *err);
/*
 * commit: freezes the lists, publishes their hashes and the commitment;
 * draw: takes body's witnesses [{name, input}], draws, makes the tasks and
 * reveals the secret; cancel: a plan not yet drawn.
 */
int insp_plan_act(db *d, const struct insp_ctx *c, const yc_user *u, const char *id,
		  const char *action, const cJSON *body, yc_buf *out, yc_err *err);
int insp_plan_act_check(const char *action, const cJSON *body, yc_err *err);
int insp_plans_json(db *d, const yc_user *u, const struct insp_query *q, yc_buf *out, yc_err *err);
int insp_plan_json(db *d, const yc_user *u, const char *id, yc_buf *out, yc_err *err);

/* ---- the record (record.c) -------------------------------------------------- */

/*
 * A plan's published record (public): before the draw, the plan, the frozen
 * lists' hashes and the commitment; after it, everything docs/draw.md §6
 * lists. The lists' lines are in the record (entities by credit code, no
 * names: the roster is public by law, but the record stays a list of codes).
 */
int insp_record_json(db *d, const struct insp_ctx *c, const char *id, yc_buf *out, yc_err *err);

/* The plans whose commitment is published (public): newest first, with their state. */
int insp_draws_json(db *d, const struct insp_ctx *c, int limit, yc_buf *out, yc_err *err);

enum insp_verdict { IV_MATCH, IV_MISMATCH };
struct insp_check {
	enum insp_verdict verdict;
	char why[256];	 /* the first thing that does not match, or "" */
	size_t entities; /* entities in the frozen list */
	size_t selected; /* entities the record names */
	char seed[65];
};
/*
 * Recomputes a record (its JSON text) from its lists, commitment, secret
 * and inputs alone, and compares. YC_EINVAL only for a text that is not a
 * draw record at all; a record that does not hold together is IV_MISMATCH.
 */
int insp_record_verify(const char *json, size_t len, struct insp_check *v, yc_err *err);

/* ---- tasks and results (task.c) --------------------------------------------- */

enum insp_task_state { TS_ASSIGNED, TS_INSPECTED, TS_PUBLISHED, TS_N };
enum insp_task_action { TA_RESULT, TA_PUBLISH, TA_N };
extern const struct lc_table insp_task_lifecycle;

struct insp_result {
	const char *code, *name;
	int class_step; /* + worse, − better */
	bool abnormal;	/* puts the entity on the abnormal-operations list */
};
extern const struct insp_result insp_results[];
const struct insp_result *insp_result_find(const char *code);

struct case_deadline;
/*
 * The publication's limit for an inspection on day: publish-days working days
 * after it on the calendar (dl->text the last day), and the light's turn.
 */
int insp_publish_deadline(const struct insp_ctx *c, int32_t day, struct case_deadline *dl,
			  yc_err *err);
int insp_task_act_check(const char *action, const cJSON *body, yc_err *err);
int insp_task_act(db *d, const struct insp_ctx *c, const yc_user *u, const char *id,
		  const char *action, const cJSON *body, yc_buf *out, yc_err *err);
int insp_tasks_json(db *d, const struct insp_ctx *c, const yc_user *u, const struct insp_query *q,
		    yc_buf *out, yc_err *err);
/* The published results (检查实施机关, 检查类型, 检查日期, 检查结果), public. */
int insp_results_json(db *d, const struct insp_ctx *c, const struct insp_query *q, yc_buf *out,
		      yc_err *err);
/*
 * Scheduler work: every inspected task past its publication date, once —
 * marked, audited, and the lead department's regulators told by SMS.
 */
int insp_escalate_overdue(db *d, const struct insp_ctx *c, int64_t *count, yc_err *err);
/* An entity's public page: its class, licences, published results. */
int insp_entity_public_json(db *d, const struct insp_ctx *c, const char *code, yc_buf *out,
			    yc_err *err);

/* ---- credit QR codes (credit.c) ---------------------------------------------- */

/*
 * Signs an entity's credit QR code with department's key (NULL or "": the
 * caller's department), a regulator's act: {code, issuer, kid, payload}.
 */
int insp_credit_issue(db *d, const struct insp_ctx *c, const yc_user *u, const char *code,
		      const char *department, yc_buf *out, yc_err *err);
/* The address the code holds: the public page under base, the payload in its fragment. */
int insp_credit_url(db *d, const char *code, const char *base, yc_buf *out, yc_err *err);
/* The code as a PNG to print (6 pixels a module). */
int insp_credit_qr_png(db *d, const char *code, const char *base, yc_buf *out, yc_err *err);

/* ---- 首次不罚 / 首次轻罚 (leniency.c) ----------------------------------------- */

struct insp_leniency {
	bool first;	   /* no decision on the same violation within leniency_days */
	char decision[16]; /* no-penalty, light (the list's kind) or ordinary */
	char name[300];	   /* the violation as the list names it */
	char basis[1400];  /* why: the list's basis, or the earlier decision */
	char earlier[96], earlier_on[12];
	char id[96]; /* the recorded decision's */
};
/* The decision the rule gives an entity's violation on day (nothing recorded). */
int insp_leniency(db *d, const struct insp_ctx *c, const char *code, const char *violation,
		  int32_t day, struct insp_leniency *out, yc_err *err);
/* The same, recorded (task may be NULL), by the account by. */
int insp_leniency_record(db *d, const struct insp_ctx *c, const char *code, const char *violation,
			 const char *task, int32_t day, const char *by, struct insp_leniency *out,
			 yc_err *err);
/* GET: what the rule gives today, with the entity's decisions. */
int insp_leniency_json(db *d, const struct insp_ctx *c, const yc_user *u, const char *code,
		       const char *violation, yc_buf *out, yc_err *err);

#endif
