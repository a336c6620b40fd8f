/* access.c — who may see or act on a case, and what of it they see (masking). */
#include "core/case/case.h"

#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/case/internal.h"
#include "core/common/ids.h"
#include "core/common/material.h"
#include "core/common/notify.h"
#include "core/common/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

bool case_is_owner(const struct case_row *row, const yc_user *u)
{
	return u->role == ROLE_APPLICANT && row->applicant_user && row->applicant_user == u->id;
}

int case_may_view(const struct case_row *row, const yc_user *u, yc_err *err)
{
	switch (u->role) {
	case ROLE_APPLICANT:
		if (case_is_owner(row, u))
			return 0;
		break;
	case ROLE_CLERK:
		if (!strcmp(u->office, row->accept_office) ||
		    !strcmp(u->office, row->decide_office))
			return 0;
		break;
	case ROLE_APPROVER:
		if (!strcmp(u->department, row->department) ||
		    !strcmp(u->department, row->step_department))
			return 0;
		break;
	case ROLE_SUPERVISOR:
	case ROLE_ADMIN:
	case ROLE_SYSTEM: return 0;
	}
	return yc_err_set(err, YC_EFORBIDDEN, "no", "this case is outside your scope");
}

/* Whether the step at index belongs to actor's department. */
const cJSON *case_rule_step(const struct case_row *row, int index)
{
	const cJSON *steps = cJSON_GetObjectItemCaseSensitive(row->rule, "steps");
	return index >= 0 ? cJSON_GetArrayItem(steps, index) : NULL;
}

int case_rule_nsteps(const struct case_row *row)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(row->rule, "steps"));
}

/*
 * The scope rule of an action for a role already allowed by the table:
 * applicants act on their own cases, clerks for their office, approvers on
 * their department's current step (and only the assignee once assigned).
 */
int case_may_act(const struct case_row *row, const yc_user *u, enum case_action a, yc_err *err)
{
	switch (u->role) {
	case ROLE_APPLICANT:
		if (!case_is_owner(row, u))
			return yc_err_set(err, YC_EFORBIDDEN, "no", "this is not your case");
		if (a == CA_CLOSE &&
		    strcmp(yc_json_str(row->delivery, "mode") ? yc_json_str(row->delivery, "mode")
							      : "",
			   "mail"))
			return yc_err_set(err, YC_EFORBIDDEN, "action",
					  "the window closes a case when it hands over the result");
		return 0;
	case ROLE_CLERK:
		if (strcmp(u->office, row->accept_office))
			return yc_err_set(err, YC_EFORBIDDEN, "no",
					  "this case was filed at another office");
		return 0;
	case ROLE_APPROVER:
		if (strcmp(u->department, row->step_department))
			return yc_err_set(err, YC_EFORBIDDEN, "no",
					  "the current step belongs to another department");
		if (a != CA_CLAIM && row->assignee[0] && strcmp(row->assignee, u->username))
			return yc_err_set(err, YC_EFORBIDDEN, "no",
					  "the step is assigned to another approver");
		if (a == CA_CLAIM && row->assignee[0] && strcmp(row->assignee, u->username))
			return yc_err_set(
				err, YC_EFORBIDDEN, "no",
				"the step is assigned to another approver; ask a supervisor");
		return 0;
	case ROLE_SUPERVISOR:
	case ROLE_SYSTEM: return 0;
	}
	return yc_err_set(err, YC_EFORBIDDEN, NULL, "this role does not act on cases");
}

/* ---- masking ---------------------------------------------------------------- */

/* Keeps a name's first character: "张三" → "张*". */
void case_mask_name(const char *s, char *out, size_t size)
{
	size_t n = 1;
	if (!s || !*s) {
		snprintf(out, size, "%s", "");
		return;
	}
	unsigned char c0 = (unsigned char)s[0];
	if (c0 >= 0xF0)
		n = 4;
	else if (c0 >= 0xE0)
		n = 3;
	else if (c0 >= 0xC0)
		n = 2;
	if (n >= size || strlen(s) < n)
		n = 0;
	memcpy(out, s, n);
	snprintf(out + n, size - n, "%s", "**");
}

void case_add_masked_person(yc_buf *b, const cJSON *p, bool full_name)
{
	char id[32], phone[24], name[64];
	ids_mask_id(yc_json_str(p, "id_number"), id, sizeof(id));
	ids_mask_phone(yc_json_str(p, "phone"), phone, sizeof(phone));
	const char *nm = yc_json_str(p, "name");
	if (!full_name) {
		case_mask_name(nm, name, sizeof(name));
		nm = name;
	}
	yc_buf_adds(b, "{\"name\":");
	yc_json_add_str(b, nm);
	yc_buf_adds(b, ",\"id_number\":");
	yc_json_add_str(b, id);
	yc_buf_adds(b, ",\"phone\":");
	yc_json_add_str(b, phone);
}

/*
 * The form as filed: its personal fields (by their declared type: an ID
 * number, a phone) masked for all but the applicant who filed it (issue 18,
 * finding 12).
 */
void case_add_form(yc_buf *b, const struct case_row *row, bool owner)
{
	if (owner || !cJSON_IsObject(row->form)) {
		yc_json_add_item(b, row->form);
		return;
	}
	/* written field by field, each personal one masked on the way (no copy of the form) */
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(row->rule, "form");
	yc_buf_addc(b, '{');
	const cJSON *v;
	int k = 0;
	cJSON_ArrayForEach (v, row->form) {
		if (!v->string)
			continue;
		yc_buf_adds(b, k++ ? "," : "");
		yc_json_add_str(b, v->string);
		yc_buf_addc(b, ':');
		const char *type = NULL;
		const cJSON *f;
		cJSON_ArrayForEach (f, fields) {
			const char *name = yc_json_str(f, "name");
			if (name && !strcmp(name, v->string)) {
				type = yc_json_str(f, "type");
				break;
			}
		}
		char masked[64];
		if (cJSON_IsString(v) && type &&
		    ids_mask_typed(type, v->valuestring, masked, sizeof(masked)))
			yc_json_add_str(b, masked);
		else
			yc_json_add_item(b, v);
	}
	yc_buf_addc(b, '}');
}
