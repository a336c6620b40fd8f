/*
 * submit.c — a run filed: its body checked as one (every chosen part
 * prepared against its item on the listener thread), then stored with the
 * cases of the parts that may start at once, in one transaction.
 */
#include "core/process/process.h"
#include "core/process/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

int64_t run_now_ms(const struct case_ctx *c)
{
	return c->now_ms ? c->now_ms : yc_now_ms();
}

void process_new_free(struct process_new *pn)
{
	for (int i = 0; i < PROCESS_MAX_PARTS; i++) {
		case_new_free(&pn->part[i]);
		cJSON_Delete(pn->part_body[i]);
	}
	free(pn->doc);
	free(pn->answers);
	free(pn->form);
	free(pn->materials);
	memset(pn, 0, sizeof(*pn));
}

/* What a run passes on to each part's case as it was filed. */
static const char *const passed_on[] = {"channel",  "applicant",  "office", "decide_office",
					"delivery", "commitment", NULL};

cJSON *run_part_body(const struct process_def *def, int part, const cJSON *base, const cJSON *form,
		     const cJSON *materials, yc_err *err)
{
	cJSON *pf = NULL, *pm = NULL;
	if (process_part_form(def, part, form, &pf, err))
		return NULL;
	if (process_part_materials(def, part, materials, &pm, err)) {
		cJSON_Delete(pf);
		return NULL;
	}
	cJSON *b = cJSON_CreateObject();
	bool ok = b && cJSON_AddStringToObject(b, "item", def->part_item[part]) &&
		  cJSON_AddItemToObject(b, "form", pf);
	if (!ok)
		cJSON_Delete(pf);
	ok = ok && cJSON_AddItemToObject(b, "materials", pm);
	if (!ok)
		cJSON_Delete(pm);
	for (int k = 0; ok && passed_on[k]; k++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(base, passed_on[k]);
		if (v && !cJSON_IsNull(v))
			ok = cJSON_AddItemToObject(b, passed_on[k], cJSON_Duplicate(v, true));
	}
	if (!ok) {
		cJSON_Delete(b);
		yc_err_set(err, YC_ENOMEM, NULL, NULL);
		return NULL;
	}
	return b;
}

static const char *part_name(const struct process_def *def, int part)
{
	const cJSON *p =
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(def->doc, "parts"), part);
	const char *name = yc_json_str(p, "name");
	return name ? name : def->part_id[part];
}

void run_part_error(const struct process_def *def, int part, yc_err *err)
{
	if (!err)
		return;
	char field[sizeof(err->field)], message[sizeof(err->message)];
	snprintf(field, sizeof(field), "%s", err->field);
	snprintf(message, sizeof(message), "%s", err->message);
	if (!strncmp(field, "form.", 5)) {
		/* the item's field, named as the process's form names what fills it */
		bool found = false;
		const cJSON *f;
		cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive(def->doc, "form")) {
			const char *to = yc_json_str(cJSON_GetObjectItemCaseSensitive(f, "fills"),
						     def->part_id[part]);
			if (!found && to && !strcmp(to, field + 5)) {
				snprintf(err->field, sizeof(err->field), "form.%s",
					 yc_json_str(f, "name"));
				found = true;
			}
		}
		if (!found)
			snprintf(err->field, sizeof(err->field), "parts.%.20s.%.30s",
				 def->part_id[part], field);
	} else if (!strncmp(field, "materials", 9)) {
		snprintf(err->field, sizeof(err->field), "materials");
	}
	snprintf(err->message, sizeof(err->message), "%s: %s", part_name(def, part), message);
}

/* The process's required fields answered (each part's own checks follow). */
static int check_required(const struct process_def *def, const cJSON *form, yc_err *err)
{
	const cJSON *f;
	cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive(def->doc, "form")) {
		if (!yc_json_bool(f, "required", false))
			continue;
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(form, yc_json_str(f, "name"));
		if (!v || cJSON_IsNull(v) || (cJSON_IsString(v) && !*v->valuestring)) {
			char path[64];
			snprintf(path, sizeof(path), "form.%s", yc_json_str(f, "name"));
			return yc_err_set(err, YC_EINVAL, path, "%s is required", path);
		}
	}
	return 0;
}

int process_prepare(db *d, const struct case_ctx *c, const yc_user *actor, const cJSON *body,
		    struct process_new *pn, yc_err *err)
{
	memset(pn, 0, sizeof(*pn));
	static const yc_jfield spec[] = {
		{"process", YC_JT_STRING, true, 47},  {"answers", YC_JT_OBJECT, false, 0},
		{"form", YC_JT_OBJECT, false, 0},     {"materials", YC_JT_ARRAY, false, 100},
		{"channel", YC_JT_STRING, false, 16}, {"applicant", YC_JT_OBJECT, false, 0},
		{"office", YC_JT_STRING, false, 31},  {"decide_office", YC_JT_STRING, false, 31},
		{"delivery", YC_JT_OBJECT, false, 0}, {"commitment", YC_JT_BOOL, false, 0},
	};
	int rc = yc_json_check(body, spec, sizeof(spec) / sizeof(spec[0]), err);
	if (rc)
		return rc;
	const char *code = yc_json_str(body, "process");
	cJSON *doc = NULL;
	char status[16] = "";
	struct process_def def;
	rc = process_load(d, code, &doc, status, &def, err);
	if (rc == YC_ENOTFOUND)
		return yc_err_set(err, YC_EINVAL, "process", "no process with code %s", code);
	if (rc)
		return rc;
	if (strcmp(status, "active")) {
		cJSON_Delete(doc);
		return yc_err_set(err, YC_EINVAL, "process", "process %s is retired", code);
	}
	const char *kind = yc_json_str(doc, "kind");
	if (actor->role == ROLE_BANK && (!kind || strcmp(kind, "business"))) {
		cJSON_Delete(doc);
		return yc_err_set(err, YC_EINVAL, "process",
				  "a bank outlet files a business's processes (政银合作) only");
	}
	cJSON *empty_obj = cJSON_CreateObject(), *empty_list = cJSON_CreateArray();
	const cJSON *answers = cJSON_GetObjectItemCaseSensitive(body, "answers");
	const cJSON *form = cJSON_GetObjectItemCaseSensitive(body, "form");
	const cJSON *mats = cJSON_GetObjectItemCaseSensitive(body, "materials");
	answers = answers ? answers : empty_obj;
	form = form ? form : empty_obj;
	mats = mats ? mats : empty_list;
	rc = process_choose(&def, answers, &pn->chosen, err);
	if (!rc)
		rc = check_required(&def, form, err);
	for (int i = 0; !rc && i < def.nparts; i++) {
		if (!(pn->chosen & (1u << i)))
			continue;
		if (!(pn->part_body[i] = run_part_body(&def, i, body, form, mats, err)))
			rc = err ? err->code : YC_EINVAL;
		else if ((rc = case_prepare(d, c, actor, pn->part_body[i], &pn->part[i], err)))
			run_part_error(&def, i, err);
	}
	if (!rc) {
		snprintf(pn->process, sizeof(pn->process), "%s", code);
		snprintf(pn->name, sizeof(pn->name), "%s", yc_json_str(doc, "name"));
		pn->commitment = yc_json_bool(body, "commitment", false);
		pn->doc = cJSON_PrintUnformatted(doc);
		pn->answers = cJSON_PrintUnformatted(answers);
		pn->form = cJSON_PrintUnformatted(form);
		pn->materials = cJSON_PrintUnformatted(mats);
		if (!pn->doc || !pn->answers || !pn->form || !pn->materials)
			rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	cJSON_Delete(empty_obj);
	cJSON_Delete(empty_list);
	cJSON_Delete(doc);
	if (rc)
		process_new_free(pn);
	return rc;
}

int process_submit(db *d, const struct case_ctx *c, const yc_user *actor, struct process_new *pn,
		   yc_buf *out, yc_err *err)
{
	int first = -1;
	for (int i = 0; first < 0 && i < PROCESS_MAX_PARTS; i++)
		if (pn->chosen & (1u << i))
			first = i;
	if (first < 0)
		return yc_err_set(err, YC_EINVAL, "answers",
				  "the answers choose no part of the process");
	cJSON *doc = cJSON_Parse(pn->doc);
	struct process_def def;
	if (!doc || process_validate(doc, &def, err)) {
		cJSON_Delete(doc);
		return yc_err_set(err, YC_EINTERNAL, NULL, "the process was damaged in passing");
	}
	/* the applicant, channel and offices as the first part's case was prepared with them */
	const struct case_new *lead = &pn->part[first];
	int64_t now = run_now_ms(c);
	char no[32] = "";
	int rc = case_next_case_no(d, c, now, true, no, sizeof(no), err);
	if (!rc)
		rc = db_run(
			d, err,
			"INSERT INTO process_runs (no, process, process_name, doc, filed_by,"
			" applicant_user, applicant, phone4, channel, accept_office, decide_office,"
			" answers, form, materials, delivery, commitment, chosen, submitted_ms,"
			" outlet) VALUES (?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?,"
			" ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?, NULLIF(?, ''))",
			"ssssiisssssssssiiis", no, pn->process, pn->name, pn->doc, actor->id,
			lead->applicant_user, lead->applicant, lead->phone4, lead->channel,
			lead->accept_office, lead->decide_office, pn->answers, pn->form,
			pn->materials, lead->delivery ? lead->delivery : "",
			(int64_t)pn->commitment, (int64_t)pn->chosen, now, actor->outlet);
	yc_actor a = {actor->username, account_role_name(actor->role)};
	char object[48];
	snprintf(object, sizeof(object), "process_run/%s", no);
	if (!rc)
		rc = audit_append(d, &a, "process.submit", object, pn->name, "",
				  "{\"state\":\"running\"}", err);
	/* the parts nothing holds up start now, each an ordinary case */
	enum process_part_state parts[PROCESS_MAX_PARTS];
	for (int i = 0; i < def.nparts; i++)
		parts[i] = pn->chosen & (1u << i) ? PP_WAITING : PP_SKIPPED;
	uint32_t ready = process_ready(&def, parts);
	for (int i = 0; !rc && i < def.nparts; i++) {
		if (!(ready & (1u << i)))
			continue;
		struct case_new *n = &pn->part[i];
		snprintf(n->process_run, sizeof(n->process_run), "%s", no);
		n->process_part = i;
		n->at_once = true;
		if ((rc = case_submit(d, c, actor, pn->part_body[i], n, NULL, err)))
			run_part_error(&def, i, err);
	}
	cJSON_Delete(doc);
	struct run_row r;
	if (!rc && !(rc = run_load(d, no, &r, err))) {
		rc = run_publish(d, &r, "submit", err);
		run_free(&r);
	}
	if (!rc && out)
		rc = process_run_json(d, c, actor, no, out, err);
	return rc;
}
