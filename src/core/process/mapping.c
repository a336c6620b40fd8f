/*
 * mapping.c — one form and one material set for many parts: each field of
 * the process's form names the part fields it fills ("fills": {"licence":
 * "name", "seal": "company"}), each material the part materials it serves,
 * so one answer or one upload reaches every part that asks for it.
 */
#include "core/process/process.h"
#include "core/process/internal.h"

#include <stdio.h>
#include <string.h>

#include "lib/banned.h"

static const char *const field_types[] = {"text",     "number",	   "date",  "select",
					  "textarea", "id_number", "phone", NULL};

static const yc_jfield field_spec[] = {
	{"name", YC_JT_STRING, true, 40},
	{"label", YC_JT_STRING, true, 200},
	{"type", YC_JT_STRING, true, 16, .one_of = field_types},
	{"required", YC_JT_BOOL, false, 0},
	{"options", YC_JT_ARRAY, false, 100},
	{"fills", YC_JT_OBJECT, true, 0},
};
static const yc_jfield material_spec[] = {
	{"id", YC_JT_STRING, true, 40},
	{"name", YC_JT_STRING, true, 300},
	{"required", YC_JT_BOOL, false, 0},
	{"fills", YC_JT_OBJECT, true, 0},
};

/* One list (form or materials): each entry's fields, its key unique, its "fills" naming parts. */
static int check_list(const struct process_def *def, const cJSON *doc, const char *list,
		      const char *key, const yc_jfield *spec, size_t n, yc_err *err)
{
	int i = 0;
	const cJSON *e;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(doc, list)) {
		char path[96];
		int rc = yc_json_check(e, spec, n, err);
		if (rc)
			return yc_err_prefix(rc, err, "%s[%d]", list, i);
		for (const cJSON *x = cJSON_GetObjectItemCaseSensitive(doc, list)->child; x != e;
		     x = x->next)
			if (!strcmp(yc_json_str(x, key), yc_json_str(e, key))) {
				snprintf(path, sizeof(path), "%s[%d].%s", list, i, key);
				return yc_err_set(err, YC_EINVAL, path, "%s repeats an earlier one",
						  path);
			}
		const cJSON *f;
		cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive(e, "fills")) {
			snprintf(path, sizeof(path), "%s[%d].fills.%s", list, i, f->string);
			if (process_part_index(def, f->string) < 0)
				return yc_err_set(err, YC_EINVAL, path, "%s names no part", path);
			if (!cJSON_IsString(f) || !*f->valuestring || strlen(f->valuestring) > 40)
				return yc_err_set(err, YC_EINVAL, path,
						  "%s must name the part's field or material",
						  path);
		}
		i++;
	}
	return 0;
}

int process_check_mapping(const struct process_def *def, const cJSON *doc, yc_err *err)
{
	int rc = check_list(def, doc, "form", "name", field_spec,
			    sizeof(field_spec) / sizeof(field_spec[0]), err);
	return rc ? rc
		  : check_list(def, doc, "materials", "id", material_spec,
			       sizeof(material_spec) / sizeof(material_spec[0]), err);
}

int process_part_form(const struct process_def *def, int part, const cJSON *form, cJSON **out,
		      yc_err *err)
{
	*out = cJSON_CreateObject();
	if (!*out)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(def->doc, "form");
	const cJSON *v;
	cJSON_ArrayForEach (v, form) {
		const cJSON *field = NULL, *f;
		cJSON_ArrayForEach (f, fields)
			if (!strcmp(yc_json_str(f, "name"), v->string))
				field = f;
		if (!field) {
			char path[64];
			snprintf(path, sizeof(path), "form.%s", v->string);
			cJSON_Delete(*out);
			*out = NULL;
			return yc_err_set(err, YC_EINVAL, path, "%s is no field of this process",
					  path);
		}
		const char *to = yc_json_str(cJSON_GetObjectItemCaseSensitive(field, "fills"),
					     def->part_id[part]);
		if (to && !cJSON_AddItemToObject(*out, to, cJSON_Duplicate(v, true))) {
			cJSON_Delete(*out);
			*out = NULL;
			return yc_err_set(err, YC_ENOMEM, NULL, NULL);
		}
	}
	return 0;
}

int process_part_materials(const struct process_def *def, int part, const cJSON *list, cJSON **out,
			   yc_err *err)
{
	*out = cJSON_CreateArray();
	if (!*out)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	const cJSON *declared = cJSON_GetObjectItemCaseSensitive(def->doc, "materials");
	int i = 0;
	const cJSON *m;
	cJSON_ArrayForEach (m, list) {
		const char *id = yc_json_str(m, "id");
		const cJSON *dm = NULL, *x;
		cJSON_ArrayForEach (x, declared)
			if (id && !strcmp(yc_json_str(x, "id"), id))
				dm = x;
		if (!dm) {
			char path[48];
			snprintf(path, sizeof(path), "materials[%d].id", i);
			cJSON_Delete(*out);
			*out = NULL;
			return yc_err_set(err, YC_EINVAL, path, "%s is no material of this process",
					  path);
		}
		const char *to = yc_json_str(cJSON_GetObjectItemCaseSensitive(dm, "fills"),
					     def->part_id[part]);
		if (to) {
			cJSON *copy = cJSON_Duplicate(m, true);
			cJSON_DeleteItemFromObjectCaseSensitive(copy, "id");
			if (!copy || !cJSON_AddStringToObject(copy, "id", to) ||
			    !cJSON_AddItemToArray(*out, copy)) {
				cJSON_Delete(copy);
				cJSON_Delete(*out);
				*out = NULL;
				return yc_err_set(err, YC_ENOMEM, NULL, NULL);
			}
		}
		i++;
	}
	return 0;
}
