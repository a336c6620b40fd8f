/*
 * internal.h — what the files of core/case/ share: the case row, and the
 * functions one file offers the others. Not for other modules: they go
 * through case.h.
 */
#ifndef YC_CASE_INTERNAL_H
#define YC_CASE_INTERNAL_H

#include <stdatomic.h>

#include "core/common/audit.h"
#include "core/case/case.h"

struct case_row {
	char no[32];
	char item[48];
	char item_name[304];
	char department[32];
	const cJSON *rule;	   /* the rules at submission: shared (see row.c), or rule_owned */
	cJSON *rule_owned;	   /* set when the rule is this row's own copy */
	const char *rule_fragment; /* the rule's part of the case JSON, when shared; else NULL */
	bool rule_pinned;
	int64_t applicant_user;
	cJSON *applicant;
	char phone4[8];
	char channel[16];
	char accept_office[32];
	char decide_office[32];
	int state;
	cJSON *form;
	cJSON *materials;
	cJSON *missing;
	/* loaded for a view (case_row_load_view): the two lists as stored, not parsed */
	char *materials_text, *missing_text;
	char due_day[16];
	int step;
	char step_department[32];
	char assignee[40];
	int64_t accepted_ms;
	char deadline[40];
	int64_t deadline_min;
	int64_t yellow_min;
	int64_t stopped_ms;
	char light[8];
	int64_t decided_ms;
	int64_t closed_ms;
	cJSON *delivery;
	int64_t version;
	int64_t submitted_ms;
	int64_t updated_ms;
	char process_run[32]; /* the composite process's run this case is a part of, or "" */
	int process_part;     /* the part's index in the run's definition */
	/* as stored: what the kept figures counted this case as (figures.c) */
	struct {
		int state;
		int64_t accepted_ms, decided_ms, deadline_min;
	} stored;
};

/*
 * figures.c: the kept figures. A stored row's change (its state, clock and
 * decision against row->stored), or a new case, is added to case_figures at
 * the end of the transaction, a batch's changes summed per row of the table.
 */
int case_figures_changed(db *d, const struct case_ctx *c, struct case_row *row, yc_err *err);
int case_figures_new_case(db *d, const struct case_ctx *c, const char *department,
			  int64_t submitted_ms, yc_err *err);
/* The figures summed over the whole table, as ,"figures":{…} for case_stats. */
int case_figures_render(db *d, yc_buf *out, yc_err *err);

/* Loads a case; YC_ENOTFOUND naming "no" when absent. Free with case_row_free. */
int case_row_load(db *d, const char *no, struct case_row *row, yc_err *err);
/* The same for showing it: materials and missing kept as stored text (NULL cJSON). */
int case_row_load_view(db *d, const char *no, struct case_row *row, yc_err *err);
void case_row_free(struct case_row *row);
/* Whether actor may see the case at all (applicant: their own; staff: their scope). */
int case_may_view(const struct case_row *row, const yc_user *actor, yc_err *err);
/* Shared by the files of core/case/. */
extern const char *const case_state_labels[CS_NSTATES];
/* Keeps a name's first character: "张三" → "张**". */
void case_mask_name(const char *s, char *out, size_t size);
/* The light now (for a running clock) or as stored. */
const char *case_live_light(const struct case_ctx *c, const struct case_row *row);
/* What a timeline shows besides the steps: notes and roles, and the staff who acted. */
enum { CASE_TIMELINE_NOTES = 1, CASE_TIMELINE_ACTORS = 2 };
/* Appends ,"timeline":[…] with the parts asked for (0: the steps alone, as the public sees). */
int case_render_timeline(db *d, const struct case_ctx *c, const char *no, int parts, yc_buf *b,
			 yc_err *err);
/* The rule's promised limit: its value, and whether it counts working hours. */
void case_rule_limit(const cJSON *rule, int *value, bool *hours);
/* "system" for the scheduler, else the role's name. */
const char *case_role_name(const yc_user *u);
/* The day of a local minute. */
int32_t case_min_day(int64_t min);
/* Local minutes of a UTC time. */
int64_t case_local_min(const struct case_ctx *c, int64_t ms);
int64_t case_now_ms(const struct case_ctx *c);

/* clock.c: the clock's moves, and a due day n working days on. */
int case_clock_start(const struct case_ctx *c, struct case_row *row, int64_t now_ms, yc_err *err);
int case_clock_resume(const struct case_ctx *c, struct case_row *row, int64_t now_ms, yc_err *err);
int case_clock_apply(const struct case_ctx *c, struct case_row *row, enum case_clock effect,
		     int64_t now_ms, yc_err *err);
int case_due_in(const struct case_ctx *c, int n, char out[16], yc_err *err);

/* row.c: the stored row, the rule's steps, and the per-thread rule cache. */
int case_row_store(db *d, struct case_row *row, int64_t now_ms, yc_err *err);
void case_bind_int_or_null(db_stmt *st, int i, int64_t v);
const cJSON *case_rule_step(const struct case_row *row, int index);
int case_rule_nsteps(const struct case_row *row);
void case_rule_cache_release(void);

/* access.c: the owner, what a role may do to a case in its scope, and masking. */
bool case_is_owner(const struct case_row *row, const yc_user *u);
int case_may_act(const struct case_row *row, const yc_user *u, enum case_action a, yc_err *err);
void case_add_masked_person(yc_buf *b, const cJSON *p, bool full_name);
void case_add_form(yc_buf *b, const struct case_row *row, bool owner);

/* render.c: a case as JSON, and the rule's part of it. */
int case_render_case(db *d, const struct case_ctx *c, const struct case_row *row, const yc_user *u,
		     yc_buf *b, yc_err *err);
int case_rule_fragment(const cJSON *rule, yc_buf *b);

/* check.c: a submission's parts, checked against the item's declarations. */
int case_check_form(const cJSON *item, const cJSON *form, yc_err *err);
/*
 * owner: the account filing (its uploads); owner_id: the walk-in applicant's
 * ID number when a clerk files (whose certificates may stand for materials).
 */
int case_check_materials(db *d, const struct case_ctx *c, const cJSON *list,
			 const cJSON *declared, const char *field, int64_t owner,
			 const char *owner_id, cJSON **out, yc_err *err);
cJSON *case_missing_required(const cJSON *rule, const cJSON *materials);
char *case_rule_snapshot(const cJSON *item);
int case_build_applicant(db *d, const yc_user *actor, const cJSON *body, struct case_new *n,
			 yc_err *err);
int case_office_exists(db *d, const char *code);
void case_district_office(db *d, char *out, size_t size);
int case_check_delivery(const cJSON *dv, const cJSON *allowed, bool cross_region, const char *field,
			yc_err *err);


/* record.c: what a change leaves (timeline, outbox, notice), and entering a review step. */
int case_record_change(db *d, const struct case_row *row, const yc_user *actor, int64_t now_ms,
		       const char *action, int from, const char *note, const char *tell_applicant,
		       yc_err *err);
int case_enter_step(db *d, struct case_row *row, int index, yc_err *err);

/* views.c: a post-check's lifecycle (its table and diagram are in views.c). */
enum post_check_state { PS_OPEN, PS_PASSED, PS_FAILED, PS_N };
enum post_check_action { PA_COMPLETE, PA_N };
extern const struct lc_table case_post_check_lifecycle;

/* The order of a new case's deferred statements at the end of its transaction (number.c). */
enum {
	CASE_NUMBERS_FLUSH = FLUSH_CASE_NUMBERS, /* core/common/flush.h */
	CASE_ROWS_FLUSH = FLUSH_CASE_ROWS,
	CASE_EVENTS_FLUSH = FLUSH_CASE_EVENTS,
	CASE_FIGURES_FLUSH = FLUSH_CASE_FIGURES,
};

/* Value lists of the submission's fields (lifecycle.c). */
extern const char *const case_channels[];
extern const char *const case_special_procedures[];
extern const char *const case_delivery_modes[];
/* Bumped when an item changed under a cached parse: every thread reads again (prepare.c). */
extern atomic_uint case_item_moved;
/* Whether this thread keeps parsed rules (row.c; threads that release them at exit). */
extern __thread bool case_rule_cache_on;

#endif
