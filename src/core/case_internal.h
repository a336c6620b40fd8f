/*
 * case_internal.h — the case row as case.c and case_doc.c share it. Not for
 * other modules: they go through case.h.
 */
#ifndef YC_CASE_INTERNAL_H
#define YC_CASE_INTERNAL_H

#include "core/case.h"

struct case_row {
	char no[32];
	char item[48];
	char item_name[304];
	char department[32];
	const cJSON *rule;	   /* the rules at submission: shared (see case.c), or rule_owned */
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
};

/* Loads a case; YC_ENOTFOUND naming "no" when absent. Free with case_row_free. */
int case_row_load(db *d, const char *no, struct case_row *row, yc_err *err);
void case_row_free(struct case_row *row);
/* Whether actor may see the case at all (applicant: their own; staff: their scope). */
int case_may_view(const struct case_row *row, const yc_user *actor, yc_err *err);
/* Shared by case.c, case_views.c and case_doc.c. */
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

#endif
