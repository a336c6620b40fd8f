/*
 * process.h — composite processes (一件事一次办, 一链办理): one application,
 * one form and one material set, whose parts run as ordinary cases of
 * several departments, in parallel where nothing orders them.
 *
 * A definition is a JSON document (validated by process_validate):
 *
 *   {"code": "P-QYKB", "name": "企业开办",
 *    "promised_limit": {"value": 2, "unit": "workhour"},
 *    "on_deny": "stop" | "continue",
 *    "questions": [{"name": "has_premises", "label": "…", "options": ["yes", "no"]}],
 *    "parts": [{"id": "licence", "item": "<item code>"},
 *              {"id": "seal", "item": "…", "after": ["licence"]},
 *              {"id": "power", "item": "…", "after": ["licence"],
 *               "when": {"has_premises": "yes"}}]}
 *
 * A part's "after" lists the parts it waits for (a DAG: no cycle); "when"
 * chooses it by the applicant's answers. One form and one material set serve
 * every part (mapping.c): "form": [{"name", "label", "type", "fills":
 * {"<part>": "<the part item's field>"}}], "materials": [{"id", "name",
 * "fills": {"<part>": "<the part item's material id>"}}]. What this file's functions decide
 * is pure: given a definition, the answers and each part's state, which
 * parts apply, which may start, and where the whole application stands.
 */
#ifndef YC_PROCESS_H
#define YC_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/case/case.h"
#include "core/common/audit.h"
#include "db/db.h"
#include "lib/errors.h"
#include "lib/json.h"

enum { PROCESS_MAX_PARTS = 32 };

/* Where one part (a child case) stands, as the process sees it. */
enum process_part_state {
	PP_SKIPPED,  /* not chosen by the answers */
	PP_WAITING,  /* chosen, waiting for the parts it comes after */
	PP_RUNNING,  /* its case is open in its department */
	PP_APPROVED, /* its case was approved (or delivered, or closed) */
	PP_DENIED,   /* its case was denied, refused or lapsed */
	PP_WITHDRAWN,
	PP_CANCELLED, /* not started, or stopped, because another part was denied */
};

/* Where the whole application stands, from its parts. */
enum process_state {
	PS_RUNNING,  /* some part still open */
	PS_APPROVED, /* every chosen part approved */
	PS_PARTIAL,  /* done; some approved and some denied (on_deny "continue") */
	PS_DENIED,   /* a part denied and the rest stopped (on_deny "stop"), or none approved */
	PS_WITHDRAWN, /* withdrawn by the applicant (whatever was approved before) */
};

/* A definition, checked and indexed: parts by position, each one's predecessors as a bit set. */
struct process_def {
	const cJSON *doc; /* borrowed */
	int nparts;
	const char *part_id[PROCESS_MAX_PARTS];
	const char *part_item[PROCESS_MAX_PARTS];
	uint32_t after[PROCESS_MAX_PARTS]; /* bit j: part j must be approved first */
	bool stop_on_deny;
};

/*
 * Checks a definition: its fields, part ids unique, each "after" naming
 * another part, no cycle, each "when" naming a question and one of its
 * options. On success fills def (which borrows doc). YC_EINVAL naming the
 * field ("parts[2].after[0]") otherwise.
 */
int process_validate(const cJSON *doc, struct process_def *def, yc_err *err);

/* The form's and materials' "fills": entries unique, each naming a part (process_validate calls it). */
int process_check_mapping(const struct process_def *def, const cJSON *doc, yc_err *err);
/*
 * What part fills from the process's one form ({"name": value…}): each
 * answer under the names its field "fills" for that part. An answer to no
 * field of the process is YC_EINVAL naming "form.<name>". *out is the
 * caller's (cJSON_Delete), NULL on failure.
 */
int process_part_form(const struct process_def *def, int part, const cJSON *form, cJSON **out,
		      yc_err *err);
/*
 * The part's materials from the process's one set ([{"id", "sha256"}…]):
 * each upload whose material serves the part, under the part's material id.
 */
int process_part_materials(const struct process_def *def, int part, const cJSON *list,
			   cJSON **out, yc_err *err);

/*
 * The parts the answers choose (a bit set): a part applies when every
 * condition of its "when" matches the answer given; a part that comes after
 * one that does not apply no longer waits for it. Unknown or missing answers
 * to a question a "when" asks are YC_EINVAL naming "answers.<name>".
 */
int process_choose(const struct process_def *def, const cJSON *answers, uint32_t *chosen,
		   yc_err *err);

/*
 * The parts that may start now: chosen, still waiting, and every chosen part
 * they come after approved. Nothing starts once a part is denied under
 * on_deny "stop".
 */
uint32_t process_ready(const struct process_def *def, const enum process_part_state *parts);

/*
 * The parts to cancel after a denial: under on_deny "stop", every part not
 * yet finished; under "continue", the parts that come (directly or through
 * others) after a denied one, which can never start.
 */
uint32_t process_to_cancel(const struct process_def *def, const enum process_part_state *parts);

/*
 * What one process saves an applicant, computed from the items it joins
 * (figures.c): "before" is the chosen parts applied for one by one, "after"
 * the process. Applications and visits are counted, form fields and
 * materials summed (after: the process's one form and one set), time in
 * working minutes (before: the promised limits one after another; after:
 * the process's own promise).
 */
struct process_figures {
	int applications, visits, fields, materials;
	int64_t minutes;
};
/*
 * items[i]: the item document of part i (NULL where a part is not chosen).
 * The process's own visits are its "visits" (default 1 at the window, 0 when
 * wholly online).
 */
void process_figures(const struct process_def *def, const cJSON *const *items, uint32_t chosen,
		     struct process_figures *before, struct process_figures *after);
/* A reduction in percent (before 60, after 18: 70), 0 when there was nothing before. */
int process_cut_percent(int64_t before, int64_t after);

/*
 * The catalog's definitions (store.c). process_put checks doc (and that each
 * part is an active item whose fields and materials the "fills" name), stores
 * it and its audit event, and renders it into out (if any) as process_json.
 */
int process_put(db *d, const yc_actor *actor, const cJSON *doc, yc_buf *out, yc_err *err);
/* One definition with its parts' item names and departments and its figures; YC_ENOTFOUND. */
int process_json(db *d, const char *code, yc_buf *out, yc_err *err);
/*
 * {"processes": [{code, name, kind, promised_limit, parts, status, figures}…],
 *  "summary": {"processes", "minutes_per_workday", "mean_cut_percent": {applications,
 *  visits, fields, materials, minutes}}}: the active ones, and what they save on average.
 */
int process_list_json(db *d, yc_buf *out, yc_err *err);
/* Each definition of list put in turn (the caller's transaction: all or nothing); names "processes[i]". */
int process_import(db *d, const yc_actor *actor, const cJSON *list, int *count, yc_err *err);
/* Every definition as stored, with its status: [doc…] (the catalog export's "processes"). */
int process_export(db *d, yc_buf *out, yc_err *err);

/*
 * Runs (run.c): one application of a process. The applicant (or a clerk for
 * a walk-in) files one form, one material set and the answers; the run and
 * the cases of the parts that may start are stored in one transaction; each
 * part is an ordinary case in its own department. When a part's case ends
 * (case_ctx.part_ended, in that action's transaction) the run locks its row,
 * reads where every part stands, starts the parts now ready, cancels what
 * the definition's on_deny says, and once nothing is open ends the run:
 * exactly once, however many parts end at the same moment on however many
 * nodes.
 */
struct process_new {
	char process[48];
	char name[128];
	char *doc; /* the definition as checked, kept with the run */
	uint32_t chosen;
	struct case_new part[PROCESS_MAX_PARTS]; /* the chosen parts, prepared */
	cJSON *part_body[PROCESS_MAX_PARTS];	 /* the body each was prepared from */
	char *answers, *form, *materials;
	bool commitment;
};
void process_new_free(struct process_new *pn);
/*
 * Checks a run's body ({"process", "answers", "form", "materials",
 * "channel", "applicant", "office", "decide_office", "delivery",
 * "commitment"}) as case_prepare checks a case's, every chosen part against
 * its item at once: an error names the process's own field ("form.address").
 */
int process_prepare(db *d, const struct case_ctx *c, const yc_user *actor, const cJSON *body,
		    struct process_new *pn, yc_err *err);
/* Stores a prepared run and starts its first parts; out gets the run as process_run_json. */
int process_submit(db *d, const struct case_ctx *c, const yc_user *actor, struct process_new *pn,
		   yc_buf *out, yc_err *err);
/*
 * case_ctx.part_ended: a part's case may end (ended false: the run's row is
 * locked) or has ended (the run advances, see above).
 */
int process_part_ended(db *d, const struct case_ctx *c, const char *run, int part, bool ended,
		       yc_err *err);

/* What may be done to a run as a whole. */
enum process_run_action {
	PRA_ACCEPT,   /* the window accepts the application: every part filed is accepted */
	PRA_WITHDRAW, /* the applicant withdraws: every open part, and nothing more starts */
	PRA_DELIVER,  /* one delivery of every result together */
	PRA_N
};
int process_run_action_parse(const char *s);
int process_run_act(db *d, const struct case_ctx *c, const yc_user *actor, const char *no,
		    enum process_run_action a, const cJSON *body, yc_buf *out, yc_err *err);

/*
 * A run as actor may see it (run_view.c): the applicant their own, a clerk
 * their office's, an approver one their department has a part of, a
 * supervisor any. Its parts with their cases' departments, states and
 * lights, its own light against the process's promise, and one timeline of
 * every part.
 */
int process_run_json(db *d, const struct case_ctx *c, const yc_user *actor, const char *no,
		     yc_buf *out, yc_err *err);
/* {"runs": […]}: the applicant's own, a clerk's office's, everything for supervisors. */
int process_run_list(db *d, const struct case_ctx *c, const yc_user *actor, const char *state,
		     int limit, yc_buf *out, yc_err *err);

/* Where the whole application stands. */
enum process_state process_state_of(const struct process_def *def,
				    const enum process_part_state *parts);
const char *process_state_name(enum process_state s);
const char *process_part_state_name(enum process_part_state s);

#endif
