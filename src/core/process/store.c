/*
 * store.c — process definitions in the catalog: a definition stored once
 * checked against the items it joins (each part an active item, each
 * "fills" a real field or material of its part's item), one definition with
 * its parts and its computed figures, and the list for the guide.
 */
#include "core/process/process.h"
#include "core/process/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog/catalog.h"
#include "core/common/audit.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static void free_items(const struct process_def *def, cJSON **items)
{
	for (int i = 0; i < def->nparts; i++) {
		cJSON_Delete(items[i]);
		items[i] = NULL;
	}
}

/* Each part's item document; a missing or retired item names its part. */
static int load_items(db *d, const struct process_def *def, cJSON **items, yc_err *err)
{
	for (int i = 0; i < def->nparts; i++) {
		bool active = false;
		char path[32];
		snprintf(path, sizeof(path), "parts[%d].item", i);
		int rc = catalog_item_doc(d, def->part_item[i], &items[i], &active, err);
		if (rc == YC_ENOTFOUND)
			rc = yc_err_set(err, YC_EINVAL, path, "%s: no item %s", path,
					def->part_item[i]);
		else if (!rc && !active)
			rc = yc_err_set(err, YC_EINVAL, path, "%s: item %s is retired", path,
					def->part_item[i]);
		if (rc) {
			free_items(def, items);
			return rc;
		}
	}
	return 0;
}

static bool has_entry(const cJSON *list, const char *key, const char *value)
{
	const cJSON *e;
	cJSON_ArrayForEach (e, list) {
		const char *v = yc_json_str(e, key);
		if (v && !strcmp(v, value))
			return true;
	}
	return false;
}

/* Each "fills" names a field (form) or material (materials) its part's item has. */
static int check_fills(const struct process_def *def, cJSON *const *items, const char *list,
		       const char *item_list, const char *key, yc_err *err)
{
	int i = 0;
	const cJSON *e;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(def->doc, list)) {
		const cJSON *f;
		cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive(e, "fills")) {
			int p = process_part_index(def, f->string);
			if (p >= 0 &&
			    !has_entry(cJSON_GetObjectItemCaseSensitive(items[p], item_list), key,
				       f->valuestring)) {
				char path[96];
				snprintf(path, sizeof(path), "%s[%d].fills.%s", list, i, f->string);
				return yc_err_set(err, YC_EINVAL, path, "%s: item %s has no %s %s",
						  path, def->part_item[p],
						  !strcmp(list, "form") ? "field" : "material",
						  f->valuestring);
			}
		}
		i++;
	}
	return 0;
}

/*
 * Each required field of each part's item is filled by a field of the one
 * form: else every application would be refused at that part.
 */
static int check_required_filled(const struct process_def *def, cJSON *const *items, yc_err *err)
{
	const cJSON *form = cJSON_GetObjectItemCaseSensitive(def->doc, "form");
	for (int p = 0; p < def->nparts; p++) {
		const cJSON *f;
		cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive(items[p], "form")) {
			if (!yc_json_bool(f, "required", false))
				continue;
			bool filled = false;
			const cJSON *pf;
			cJSON_ArrayForEach (pf, form) {
				const char *to =
					yc_json_str(cJSON_GetObjectItemCaseSensitive(pf, "fills"),
						    def->part_id[p]);
				if (to && !strcmp(to, yc_json_str(f, "name")))
					filled = true;
			}
			if (!filled)
				return yc_err_set(
					err, YC_EINVAL, "form",
					"no field of the form fills %s's required field %s"
					" (item %s)",
					def->part_id[p], yc_json_str(f, "name"), def->part_item[p]);
		}
	}
	return 0;
}

/* Appends {"applications":…} for one side of the figures. */
static void figures_json(cJSON *parent, const char *name, const struct process_figures *f)
{
	cJSON *o = cJSON_AddObjectToObject(parent, name);
	cJSON_AddNumberToObject(o, "applications", f->applications);
	cJSON_AddNumberToObject(o, "visits", f->visits);
	cJSON_AddNumberToObject(o, "fields", f->fields);
	cJSON_AddNumberToObject(o, "materials", f->materials);
	cJSON_AddNumberToObject(o, "minutes", (double)f->minutes);
}

/* The figures of the whole event (every part chosen), before, after and cut in percent. */
static void add_figures(cJSON *to, const struct process_def *def, cJSON *const *items)
{
	struct process_figures before, after;
	uint32_t all = def->nparts == 32 ? UINT32_MAX : (1u << def->nparts) - 1;
	process_figures(def, (const cJSON *const *)items, all, &before, &after);
	cJSON *fig = cJSON_AddObjectToObject(to, "figures");
	figures_json(fig, "before", &before);
	figures_json(fig, "after", &after);
	cJSON *cut = cJSON_AddObjectToObject(fig, "cut_percent");
	cJSON_AddNumberToObject(cut, "applications",
				process_cut_percent(before.applications, after.applications));
	cJSON_AddNumberToObject(cut, "visits", process_cut_percent(before.visits, after.visits));
	cJSON_AddNumberToObject(cut, "fields", process_cut_percent(before.fields, after.fields));
	cJSON_AddNumberToObject(cut, "materials",
				process_cut_percent(before.materials, after.materials));
	cJSON_AddNumberToObject(cut, "minutes", process_cut_percent(before.minutes, after.minutes));
}

int process_put(db *d, const yc_actor *actor, const cJSON *doc, yc_buf *out, yc_err *err)
{
	struct process_def def;
	cJSON *items[PROCESS_MAX_PARTS] = {0};
	int rc = process_validate(doc, &def, err);
	if (rc || (rc = load_items(d, &def, items, err)))
		return rc;
	rc = check_fills(&def, items, "form", "form", "name", err);
	if (!rc)
		rc = check_fills(&def, items, "materials", "materials", "id", err);
	if (!rc)
		rc = check_required_filled(&def, items, err);
	free_items(&def, items);
	if (rc)
		return rc;
	const char *code = yc_json_str(doc, "code");
	char *text = cJSON_PrintUnformatted(doc), *before = NULL;
	if (!text)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	/* the before-image, for the audit */
	db_stmt *st = db_prepare(d, "SELECT doc FROM processes WHERE code = ?", err);
	if (!st) {
		free(text);
		return db_failed(err);
	}
	db_bind_text(st, 1, code);
	if ((rc = db_step(st, err)) == DB_ROW && !(before = strdup(db_col_text(st, 0))))
		rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	db_done(st);
	if (rc >= 0)
		rc = db_run(d, err,
			    "INSERT INTO processes (code, name, doc, status, updated_ms)"
			    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET"
			    " name = excluded.name, doc = excluded.doc, status = excluded.status,"
			    " updated_ms = excluded.updated_ms",
			    "ssssi", code, yc_json_str(doc, "name"), text,
			    yc_json_str(doc, "status") ? yc_json_str(doc, "status") : "active",
			    yc_now_ms());
	char object[64];
	snprintf(object, sizeof(object), "process:%s", code);
	if (!rc)
		rc = audit_append(d, actor, before ? "process.update" : "process.create", object,
				  NULL, before, text, err);
	free(before);
	free(text);
	if (!rc && out)
		rc = process_json(d, code, out, err);
	return rc;
}

/* A stored definition parsed and checked again (internal.h; the items may have changed since). */
int process_load(db *d, const char *code, cJSON **doc, char status[16], struct process_def *def,
		 yc_err *err)
{
	char *text = NULL;
	*doc = NULL;
	db_stmt *st = db_prepare(d, "SELECT doc, status FROM processes WHERE code = ?", err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, code);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		text = strdup(db_col_text(st, 0));
		db_col_copy(st, 1, status, 16);
	}
	db_done(st);
	if (rc == DB_DONE)
		return yc_err_set(err, YC_ENOTFOUND, "code", "no process with code %s", code);
	if (rc < 0)
		return rc;
	if (!text)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	rc = yc_json_parse(text, strlen(text), doc, err);
	free(text);
	if (!rc)
		rc = process_validate(*doc, def, err);
	if (rc) {
		cJSON_Delete(*doc);
		*doc = NULL;
	}
	return rc;
}

/* The definition as shown: its document, its status, each part's item name and department, its
 * figures. */
static int render(db *d, cJSON *doc, const char *status, const struct process_def *def, bool full,
		  cJSON **out, yc_err *err)
{
	cJSON *items[PROCESS_MAX_PARTS] = {0};
	for (int i = 0; i < def->nparts; i++) {
		bool active;
		int rc = catalog_item_doc(d, def->part_item[i], &items[i], &active, err);
		if (rc && rc != YC_ENOTFOUND) {
			free_items(def, items);
			return rc;
		}
	}
	cJSON *o = full ? cJSON_Duplicate(doc, true) : cJSON_CreateObject();
	if (!full) {
		cJSON_AddStringToObject(o, "code", yc_json_str(doc, "code"));
		cJSON_AddStringToObject(o, "name", yc_json_str(doc, "name"));
		const char *kind = yc_json_str(doc, "kind");
		if (kind)
			cJSON_AddStringToObject(o, "kind", kind);
		cJSON_AddItemToObject(
			o, "promised_limit",
			cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(doc, "promised_limit"),
					true));
		cJSON_AddNumberToObject(o, "parts", def->nparts);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(o, "status");
	cJSON_AddStringToObject(o, "status", status);
	if (full) {
		cJSON *p;
		int i = 0;
		cJSON_ArrayForEach (p, cJSON_GetObjectItemCaseSensitive(o, "parts")) {
			const char *name = yc_json_str(items[i], "name");
			const char *dept = yc_json_str(items[i], "department_name");
			cJSON_AddStringToObject(p, "item_name", name ? name : "");
			cJSON_AddStringToObject(p, "department_name", dept ? dept : "");
			/* decided on the applicant's signed commitment (告知承诺): the form asks
			 * for it */
			cJSON_AddBoolToObject(p, "commitment",
					      yc_json_bool(items[i], "commitment", false));
			i++;
		}
	}
	add_figures(o, def, items);
	free_items(def, items);
	*out = o;
	return 0;
}

static int print_to(cJSON *o, yc_buf *out, yc_err *err)
{
	char *text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!text)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	int rc = yc_buf_adds(out, text);
	free(text);
	return rc;
}

int process_json(db *d, const char *code, yc_buf *out, yc_err *err)
{
	cJSON *doc = NULL, *o = NULL;
	char status[16] = "";
	struct process_def def;
	int rc = process_load(d, code, &doc, status, &def, err);
	if (!rc)
		rc = render(d, doc, status, &def, true, &o, err);
	cJSON_Delete(doc);
	return rc ? rc : print_to(o, out, err);
}

int process_list_json(db *d, yc_buf *out, yc_err *err)
{
	char codes[64][48];
	int n = 0, rc;
	db_stmt *st = db_prepare(
		d, "SELECT code FROM processes WHERE status = 'active' ORDER BY code", err);
	if (!st)
		return db_failed(err);
	while (n < 64 && (rc = db_step(st, err)) == DB_ROW)
		db_col_copy(st, 0, codes[n++], sizeof(codes[0]));
	db_done(st);
	if (rc < 0)
		return rc;
	cJSON *all = cJSON_CreateObject();
	cJSON *list = cJSON_AddArrayToObject(all, "processes");
	for (int i = 0; i < n; i++) {
		cJSON *doc = NULL, *o = NULL;
		char status[16] = "";
		struct process_def def;
		rc = process_load(d, codes[i], &doc, status, &def, err);
		if (!rc)
			rc = render(d, doc, status, &def, false, &o, err);
		cJSON_Delete(doc);
		if (rc) {
			cJSON_Delete(all);
			return rc;
		}
		cJSON_AddItemToArray(list, o);
	}
	/* what the processes save on average, each process's cut counting once (平均压减) */
	static const char *const measures[] = {"applications", "visits", "fields", "materials",
					       "minutes"};
	cJSON *summary = cJSON_AddObjectToObject(all, "summary");
	cJSON_AddNumberToObject(summary, "processes", n);
	/* what a working day counts in the figures' minutes, for showing them in days */
	cJSON_AddNumberToObject(summary, "minutes_per_workday", catalog_minutes_per_workday);
	cJSON *mean = cJSON_AddObjectToObject(summary, "mean_cut_percent");
	for (size_t k = 0; k < sizeof(measures) / sizeof(measures[0]); k++) {
		double sum = 0;
		const cJSON *o;
		cJSON_ArrayForEach (o, list) {
			const cJSON *cut = cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(o, "figures"), "cut_percent");
			sum += (double)yc_json_int(cut, measures[k], 0);
		}
		cJSON_AddNumberToObject(mean, measures[k], n ? (int)(sum / n + 0.5) : 0);
	}
	return print_to(all, out, err);
}

int process_import(db *d, const yc_actor *actor, const cJSON *list, int *count, yc_err *err)
{
	*count = 0;
	const cJSON *doc;
	cJSON_ArrayForEach (doc, list) {
		int rc = process_put(d, actor, doc, NULL, err);
		if (rc)
			return yc_err_prefix(rc, err, "processes[%d]", *count);
		(*count)++;
	}
	return 0;
}

int process_export(db *d, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(d, "SELECT doc, status FROM processes ORDER BY code", err);
	if (!st)
		return db_failed(err);
	yc_buf_addc(out, '[');
	int rc, n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		cJSON *doc = cJSON_Parse(db_col_text(st, 0));
		if (!doc) {
			rc = yc_err_set(err, YC_EINTERNAL, NULL, "a stored process is damaged");
			break;
		}
		/* the status as it stands, so that an import brings retired ones back retired */
		cJSON_DeleteItemFromObjectCaseSensitive(doc, "status");
		cJSON_AddStringToObject(doc, "status", db_col_text(st, 1));
		if (n++)
			yc_buf_addc(out, ',');
		rc = yc_json_add_item(out, doc);
		cJSON_Delete(doc);
		if (rc) {
			rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
			break;
		}
	}
	db_done(st);
	if (rc < 0)
		return rc;
	return yc_buf_addc(out, ']');
}
