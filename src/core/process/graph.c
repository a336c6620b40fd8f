/*
 * graph.c — a process's parts as a graph: which the answers choose, which
 * may start, which a denial cancels, and where the whole stands. Pure
 * functions of the definition and the parts' states (process.h); the
 * runtime stores the states and calls these inside its transaction.
 */
#include "core/process/process.h"
#include "core/process/internal.h"

#include <stdio.h>
#include <string.h>

#include "lib/banned.h"

static bool has(uint32_t set, int i)
{
	return (set >> i) & 1u;
}

int process_choose(const struct process_def *def, const cJSON *answers, uint32_t *chosen,
		   yc_err *err)
{
	*chosen = 0;
	/* every answer is to a question, and one of its options */
	const cJSON *a;
	cJSON_ArrayForEach (a, answers) {
		const cJSON *q = process_question(def->doc, a->string);
		if (!q || !cJSON_IsString(a) || !process_has_option(q, a->valuestring)) {
			char path[64];
			snprintf(path, sizeof(path), "answers.%s", a->string);
			return yc_err_set(err, YC_EINVAL, path,
					  q ? "%s must be one of the question's options"
					    : "%s answers no question of this process",
					  path);
		}
	}
	int i = 0;
	const cJSON *p;
	cJSON_ArrayForEach (p, cJSON_GetObjectItemCaseSensitive(def->doc, "parts")) {
		bool applies = true;
		const cJSON *w;
		cJSON_ArrayForEach (w, cJSON_GetObjectItemCaseSensitive(p, "when")) {
			const char *given = yc_json_str(answers, w->string);
			if (!given) {
				char path[64];
				snprintf(path, sizeof(path), "answers.%s", w->string);
				return yc_err_set(err, YC_EINVAL, path, "%s is required", path);
			}
			if (strcmp(given, w->valuestring))
				applies = false;
		}
		if (applies)
			*chosen |= 1u << i;
		i++;
	}
	if (!*chosen)
		return yc_err_set(err, YC_EINVAL, "answers",
				  "the answers choose no part of the process");
	return 0;
}

/*
 * Whether part j no longer holds up what comes after it: approved, or
 * skipped with everything it came after out of the way (a part after a
 * skipped one waits for what the skipped one would have waited for).
 */
static bool out_of_way(const struct process_def *def, const enum process_part_state *parts, int j,
		       int depth)
{
	if (parts[j] == PP_APPROVED)
		return true;
	if (parts[j] != PP_SKIPPED || depth > PROCESS_MAX_PARTS)
		return false;
	for (int k = 0; k < def->nparts; k++)
		if (has(def->after[j], k) && !out_of_way(def, parts, k, depth + 1))
			return false;
	return true;
}

static bool denied_any(const struct process_def *def, const enum process_part_state *parts)
{
	for (int i = 0; i < def->nparts; i++)
		if (parts[i] == PP_DENIED)
			return true;
	return false;
}

uint32_t process_ready(const struct process_def *def, const enum process_part_state *parts)
{
	if (def->stop_on_deny && denied_any(def, parts))
		return 0;
	uint32_t ready = 0;
	for (int i = 0; i < def->nparts; i++) {
		if (parts[i] != PP_WAITING)
			continue;
		bool go = true;
		for (int j = 0; go && j < def->nparts; j++)
			if (has(def->after[i], j) && !out_of_way(def, parts, j, 0))
				go = false;
		if (go)
			ready |= 1u << i;
	}
	return ready;
}

/* Whether part j can never be out of the way: ended without approval, or skipped after such a part.
 */
static bool dead(const struct process_def *def, const enum process_part_state *parts,
		 uint32_t cancelled, int j, int depth)
{
	if (parts[j] == PP_DENIED || parts[j] == PP_WITHDRAWN || parts[j] == PP_CANCELLED ||
	    has(cancelled, j))
		return true;
	if (parts[j] != PP_SKIPPED || depth > PROCESS_MAX_PARTS)
		return false;
	for (int k = 0; k < def->nparts; k++)
		if (has(def->after[j], k) && dead(def, parts, cancelled, k, depth + 1))
			return true;
	return false;
}

uint32_t process_to_cancel(const struct process_def *def, const enum process_part_state *parts)
{
	uint32_t cancel = 0;
	if (def->stop_on_deny && denied_any(def, parts)) {
		for (int i = 0; i < def->nparts; i++)
			if (parts[i] == PP_WAITING || parts[i] == PP_RUNNING)
				cancel |= 1u << i;
		return cancel;
	}
	/* under "continue": what waits behind a part that can never be approved, to a fixed point
	 */
	for (bool grew = true; grew;) {
		grew = false;
		for (int i = 0; i < def->nparts; i++) {
			if (parts[i] != PP_WAITING || has(cancel, i))
				continue;
			for (int j = 0; j < def->nparts; j++)
				if (has(def->after[i], j) && dead(def, parts, cancel, j, 0)) {
					cancel |= 1u << i;
					grew = true;
					break;
				}
		}
	}
	return cancel;
}

enum process_state process_state_of(const struct process_def *def,
				    const enum process_part_state *parts)
{
	int approved = 0, denied = 0, withdrawn = 0;
	for (int i = 0; i < def->nparts; i++) {
		switch (parts[i]) {
		case PP_WAITING:
		case PP_RUNNING: return PS_RUNNING;
		case PP_APPROVED: approved++; break;
		case PP_DENIED: denied++; break;
		case PP_WITHDRAWN: withdrawn++; break;
		case PP_SKIPPED:
		case PP_CANCELLED: break;
		}
	}
	if (!denied && !withdrawn)
		return PS_APPROVED;
	if (!denied) /* withdrawn by the applicant, whatever was approved before */
		return PS_WITHDRAWN;
	if (!approved || def->stop_on_deny)
		return PS_DENIED;
	return PS_PARTIAL;
}

const char *process_state_name(enum process_state s)
{
	static const char *const names[] = {"running", "approved", "partial", "denied",
					    "withdrawn"};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *process_part_state_name(enum process_part_state s)
{
	static const char *const names[] = {"skipped", "waiting",   "running",	"approved",
					    "denied",  "withdrawn", "cancelled"};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}
