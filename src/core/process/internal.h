/* internal.h — what the files of core/process/ share: looking up a part, a question, an option. */
#ifndef YC_PROCESS_INTERNAL_H
#define YC_PROCESS_INTERNAL_H

#include "core/process/process.h"

/* A part's index by id, or -1. */
int process_part_index(const struct process_def *def, const char *id);
/* A question of the definition by name, or NULL. */
const cJSON *process_question(const cJSON *doc, const char *name);
/* Whether value is one of the question's options. */
bool process_has_option(const cJSON *question, const char *value);

/*
 * A stored definition parsed and checked (store.c): its document (the
 * caller's), status ("active" or "retired") and index; YC_ENOTFOUND naming "code".
 */
int process_load(db *d, const char *code, cJSON **doc, char status[16], struct process_def *def,
		 yc_err *err);

/*
 * A run (one application of a process) as stored, with where each part's
 * case stands (run_row.c). The run locks its row before reading (run_lock)
 * so that parts ending at once on several nodes advance it one at a time.
 */
struct run_row {
	char no[32];
	char process[48];
	char process_name[128];
	cJSON *doc;
	struct process_def def; /* borrows doc */
	int64_t filed_by, applicant_user;
	cJSON *applicant, *answers, *form, *materials, *delivery;
	char phone4[8], channel[16], accept_office[32], decide_office[32];
	char outlet[16]; /* the bank outlet that filed it (政银合作), or "" */
	bool commitment;
	uint32_t chosen, cancelled, failed; /* failed: could not start as filed (counts as denied) */
	enum process_state state;
	int64_t accepted_ms, deadline_min, yellow_min, decided_ms, submitted_ms, version;
	char deadline[40];
	/* each part's case ("" before it starts) and that case's state (enum case_state) */
	char case_no[PROCESS_MAX_PARTS][32];
	int case_state[PROCESS_MAX_PARTS];
};

/* Takes the run's row lock for the rest of the transaction; YC_ENOTFOUND naming "no". */
int run_lock(db *d, const char *no, yc_err *err);
/* Loads a run and its parts' cases; YC_ENOTFOUND naming "no". Free with run_free. */
int run_load(db *d, const char *no, struct run_row *r, yc_err *err);
void run_free(struct run_row *r);
/* Where each part stands: skipped, cancelled, waiting (no case yet), or its case's. */
void run_parts(const struct run_row *r, enum process_part_state *parts);
/*
 * A part's case body from the run's one form and material set (submit.c):
 * {"item", "form", "materials"} and, copied from base, the channel,
 * applicant, offices, delivery and commitment. NULL with err set.
 */
cJSON *run_part_body(const struct process_def *def, int part, const cJSON *base,
		     const cJSON *form, const cJSON *materials, yc_err *err);
/* A part's failure to prepare told in the process's own words: the field its form names. */
void run_part_error(const struct process_def *def, int part, yc_err *err);
/* Tells the run's watchers where it stands (outbox topic "process", no personal data; run_view.c). */
int run_publish(db *d, const struct run_row *r, const char *action, yc_err *err);
/* The clock of the context (its now_ms when set). */
int64_t run_now_ms(const struct case_ctx *c);

/* A process state by name (process_state_name's inverse); -1 when unknown. */
int run_state_parse(const char *s);

#endif
