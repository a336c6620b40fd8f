/*
 * figures.c — what a process saves, computed from the items it joins rather
 * than typed: applications, visits, form fields, materials and time, for
 * the parts applied for one by one against the one process (process.h).
 */
#include "core/process/process.h"

#include "core/catalog/catalog.h"
#include "lib/banned.h"

void process_figures(const struct process_def *def, const cJSON *const *items, uint32_t chosen,
		     struct process_figures *before, struct process_figures *after)
{
	*before = (struct process_figures){0};
	for (int i = 0; i < def->nparts; i++) {
		if (!((chosen >> i) & 1u) || !items[i])
			continue;
		before->applications++;
		before->visits += (int)yc_json_int(items[i], "visits", 1);
		before->fields +=
			cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(items[i], "form"));
		before->materials +=
			cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(items[i], "materials"));
		before->minutes += catalog_limit_minutes(
			cJSON_GetObjectItemCaseSensitive(items[i], "promised_limit"));
	}
	*after = (struct process_figures){
		.applications = before->applications ? 1 : 0,
		.visits = (int)yc_json_int(def->doc, "visits", 1),
		.fields = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(def->doc, "form")),
		.materials =
			cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(def->doc, "materials")),
		.minutes = catalog_limit_minutes(
			cJSON_GetObjectItemCaseSensitive(def->doc, "promised_limit")),
	};
}

int process_cut_percent(int64_t before, int64_t after)
{
	if (before <= 0 || after >= before)
		return 0;
	return (int)(((before - after) * 100 + before / 2) / before);
}
