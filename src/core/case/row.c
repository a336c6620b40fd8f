/* row.c — a case's stored row: loading, saving, and the per-thread cache of parsed rules. */
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

#define CASE_COLUMNS                                                                               \
	"no, item, item_name, department, rule, applicant_user, applicant, phone4, channel,"       \
	" accept_office, decide_office, state, form, materials, missing, due_day, step,"           \
	" step_department, assignee, accepted_ms, deadline, deadline_min, yellow_min,"             \
	" stopped_ms, light, decided_ms, closed_ms, delivery, version, submitted_ms, updated_ms,"          \
	" process_run, process_part"

static cJSON *json_col(db_stmt *st, int i)
{
	return db_col_null(st, i) ? NULL : cJSON_Parse(db_col_text(st, i));
}

/*
 * Rules, parsed once per thread. Cases of one item version share one rule
 * text, so a case view or an action parses only the case's own parts. A
 * row pins the cache while loaded; entries are replaced only when no row is
 * loaded (else the row parses its own copy), so a borrowed rule never goes
 * away under a row.
 */
enum { RULE_CACHE = 64 };
static __thread struct rule_entry {
	char *text;
	cJSON *doc;
	char *fragment; /* case_rule_fragment(doc) */
	unsigned used;
} rule_cache[RULE_CACHE];
static __thread unsigned rule_clock;
static __thread int rule_pins;
__thread bool case_rule_cache_on; /* only threads that release it at exit use it */

void case_rule_cache_release(void)
{
	for (int i = 0; i < RULE_CACHE; i++) {
		free(rule_cache[i].text);
		cJSON_Delete(rule_cache[i].doc);
		free(rule_cache[i].fragment);
		memset(&rule_cache[i], 0, sizeof(rule_cache[i]));
	}
}

/* Points row's rule at the shared parse of text (or an own copy); false when text is not JSON. */
static bool rule_attach(struct case_row *row, const char *text)
{
	if (!case_rule_cache_on) {
		cJSON *own = cJSON_Parse(text);
		row->rule = row->rule_owned = own;
		return own != NULL;
	}
	struct rule_entry *victim = &rule_cache[0];
	for (int i = 0; i < RULE_CACHE; i++) {
		struct rule_entry *e = &rule_cache[i];
		if (e->text && !strcmp(e->text, text)) {
			e->used = ++rule_clock;
			row->rule = e->doc;
			row->rule_fragment = e->fragment;
			row->rule_pinned = true;
			rule_pins++;
			return true;
		}
		if (!e->text || (victim->text && e->used < victim->used))
			victim = e;
	}
	cJSON *doc = cJSON_Parse(text);
	if (!doc)
		return false;
	if (victim->text &&
	    rule_pins > 0) { /* a loaded row may hold it: keep this one to the row */
		row->rule = row->rule_owned = doc;
		return true;
	}
	yc_buf f;
	yc_buf_init(&f, 0);
	char *text_copy = strdup(text);
	if (!text_copy || case_rule_fragment(doc, &f)) {
		free(text_copy);
		yc_buf_release(&f);
		row->rule = row->rule_owned = doc;
		return true;
	}
	free(victim->text);
	cJSON_Delete(victim->doc);
	free(victim->fragment);
	victim->text = text_copy;
	victim->doc = doc;
	victim->fragment = yc_buf_detach(&f, NULL);
	victim->used = ++rule_clock;
	row->rule = doc;
	row->rule_fragment = victim->fragment;
	row->rule_pinned = true;
	rule_pins++;
	return true;
}

/* A JSON array column as stored, copied (NULL when NULL or not an array). */
static char *array_text(db_stmt *st, int i)
{
	return !db_col_null(st, i) && db_col_text(st, i)[0] == '[' ? strdup(db_col_text(st, i))
								   : NULL;
}

static int row_load(db *d, const char *no, struct case_row *row, bool view, yc_err *err)
{
	memset(row, 0, sizeof(*row));
	db_stmt *st = db_prepare(d, "SELECT " CASE_COLUMNS " FROM cases WHERE no = ?", err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, no);
	int rc = db_step(st, err);
	if (rc == DB_DONE) {
		db_done(st);
		return yc_err_set(err, YC_ENOTFOUND, "no", "no case with number %s", no);
	}
	if (rc < 0) {
		db_done(st);
		return rc;
	}
	db_col_copy(st, 0, row->no, sizeof(row->no));
	db_col_copy(st, 1, row->item, sizeof(row->item));
	db_col_copy(st, 2, row->item_name, sizeof(row->item_name));
	db_col_copy(st, 3, row->department, sizeof(row->department));
	bool rule_ok = !db_col_null(st, 4) && rule_attach(row, db_col_text(st, 4));
	row->applicant_user = db_col_int(st, 5);
	row->applicant = json_col(st, 6);
	db_col_copy(st, 7, row->phone4, sizeof(row->phone4));
	db_col_copy(st, 8, row->channel, sizeof(row->channel));
	db_col_copy(st, 9, row->accept_office, sizeof(row->accept_office));
	db_col_copy(st, 10, row->decide_office, sizeof(row->decide_office));
	row->state = case_state_parse(db_col_text(st, 11));
	row->form = json_col(st, 12);
	if (view) { /* written out as stored: parsing them only to print them again cost a view ~4%
		     */
		row->materials_text = array_text(st, 13);
		row->missing_text = array_text(st, 14);
	} else {
		row->materials = json_col(st, 13);
		row->missing = json_col(st, 14);
	}
	db_col_copy(st, 15, row->due_day, sizeof(row->due_day));
	row->step = (int)db_col_int(st, 16);
	db_col_copy(st, 17, row->step_department, sizeof(row->step_department));
	db_col_copy(st, 18, row->assignee, sizeof(row->assignee));
	row->accepted_ms = db_col_int(st, 19);
	db_col_copy(st, 20, row->deadline, sizeof(row->deadline));
	row->deadline_min = db_col_int(st, 21);
	row->yellow_min = db_col_int(st, 22);
	row->stopped_ms = db_col_int(st, 23);
	db_col_copy(st, 24, row->light, sizeof(row->light));
	row->decided_ms = db_col_int(st, 25);
	row->closed_ms = db_col_int(st, 26);
	row->delivery = json_col(st, 27);
	row->version = db_col_int(st, 28);
	row->submitted_ms = db_col_int(st, 29);
	row->updated_ms = db_col_int(st, 30);
	db_col_copy(st, 31, row->process_run, sizeof(row->process_run));
	row->process_part = (int)db_col_int(st, 32);
	db_done(st);
	row->stored.state = row->state;
	row->stored.accepted_ms = row->accepted_ms;
	row->stored.decided_ms = row->decided_ms;
	row->stored.deadline_min = row->deadline_min;
	if (!rule_ok || !row->applicant || !row->form || !(row->materials || row->materials_text) ||
	    !(row->missing || row->missing_text) || row->state < 0) {
		case_row_free(row);
		return yc_err_set(err, YC_EINTERNAL, NULL, "case %s is stored damaged", no);
	}
	return 0;
}

int case_row_load(db *d, const char *no, struct case_row *row, yc_err *err)
{
	return row_load(d, no, row, false, err);
}

int case_row_load_view(db *d, const char *no, struct case_row *row, yc_err *err)
{
	return row_load(d, no, row, true, err);
}

void case_row_free(struct case_row *row)
{
	cJSON_Delete(row->rule_owned);
	if (row->rule_pinned)
		rule_pins--;
	cJSON_Delete(row->applicant);
	cJSON_Delete(row->form);
	cJSON_Delete(row->materials);
	cJSON_Delete(row->missing);
	free(row->materials_text);
	free(row->missing_text);
	cJSON_Delete(row->delivery);
	memset(row, 0, sizeof(*row));
}

static void bind_text_or_null(db_stmt *st, int i, const char *s)
{
	if (s && *s)
		db_bind_text(st, i, s);
	else
		db_bind_null(st, i);
}

void case_bind_int_or_null(db_stmt *st, int i, int64_t v)
{
	if (v)
		db_bind_int(st, i, v);
	else
		db_bind_null(st, i);
}

static int bind_json(db_stmt *st, int i, const cJSON *j, bool nullable)
{
	if (!j && nullable)
		return db_bind_null(st, i);
	char *s = cJSON_PrintUnformatted(j);
	if (!s)
		return YC_ENOMEM;
	int rc = db_bind_text(st, i, s);
	free(s);
	return rc;
}

/*
 * Writes the row's mutable columns back if nobody moved the case since it was
 * read (version check); YC_ECONFLICT naming the current state otherwise.
 */
int case_row_store(db *d, struct case_row *row, int64_t now_ms, yc_err *err)
{
	db_stmt *st = db_prepare(
		d,
		"UPDATE cases SET state = ?, form = ?, materials = ?, missing = ?, due_day = ?,"
		" step = ?, step_department = ?, assignee = ?, accepted_ms = ?, deadline = ?,"
		" deadline_min = ?, yellow_min = ?, stopped_ms = ?, light = ?, decided_ms = ?,"
		" closed_ms = ?, delivery = ?, version = version + 1, updated_ms = ?"
		" WHERE no = ? AND version = ? RETURNING version",
		err);
	if (!st)
		return db_failed(err);
	int i = 1;
	db_bind_text(st, i++, case_state_name(row->state));
	int rc = bind_json(st, i++, row->form, false);
	if (!rc)
		rc = bind_json(st, i++, row->materials, false);
	if (!rc)
		rc = bind_json(st, i++, row->missing, false);
	if (rc) {
		db_done(st);
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	bind_text_or_null(st, i++, row->due_day);
	db_bind_int(st, i++, row->step);
	bind_text_or_null(st, i++, row->step_department);
	bind_text_or_null(st, i++, row->assignee);
	case_bind_int_or_null(st, i++, row->accepted_ms);
	bind_text_or_null(st, i++, row->deadline);
	case_bind_int_or_null(st, i++, row->deadline_min);
	case_bind_int_or_null(st, i++, row->yellow_min);
	case_bind_int_or_null(st, i++, row->stopped_ms);
	db_bind_text(st, i++, row->light);
	case_bind_int_or_null(st, i++, row->decided_ms);
	case_bind_int_or_null(st, i++, row->closed_ms);
	if (bind_json(st, i++, row->delivery, true)) {
		db_done(st);
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	db_bind_int(st, i++, now_ms);
	db_bind_text(st, i++, row->no);
	db_bind_int(st, i++, row->version);
	int64_t n = 0;
	rc = db_count_rows(st, &n, err);
	if (rc < 0)
		return rc;
	if (n == 1) {
		row->version++;
		return 0;
	}
	db_stmt *chk = db_prepare(d, "SELECT state FROM cases WHERE no = ?", err);
	if (!chk)
		return db_failed(err);
	db_bind_text(chk, 1, row->no);
	char now_state[24] = "";
	if (db_step(chk, err) == DB_ROW)
		db_col_copy(chk, 0, now_state, sizeof(now_state));
	db_done(chk);
	rc = yc_err_conflict(err, "state", now_state,
			     "the case was changed by someone else; it is now %s", now_state);
	return rc;
}

const char *case_role_name(const yc_user *u)
{
	return u->role == ROLE_SYSTEM ? "system" : account_role_name(u->role);
}
