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

#endif
