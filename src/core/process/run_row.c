/*
 * run_row.c — a run as stored: its row in process_runs, and where each of
 * its parts stands, read from the part's case. A part's state is never
 * stored twice: the run keeps only which parts the answers chose, which the
 * process cancelled and which could not start as filed; the rest is its case's.
 */
#include "core/process/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/case/case.h"
#include "lib/banned.h"

int run_lock(db *d, const char *no, yc_err *err)
{
	/* an update takes the row's lock until commit on PostgreSQL (SQLite has one writer) */
	int64_t version;
	int rc = db_get(
		d, err,
		"UPDATE process_runs SET version = version + 1 WHERE no = ? RETURNING version", "s",
		"i", no, &version);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return yc_err_set(err, YC_ENOTFOUND, "no", "no process run with number %s", no);
	return 0;
}

static cJSON *json_col(db_stmt *st, int i)
{
	return db_col_null(st, i) ? NULL : cJSON_Parse(db_col_text(st, i));
}

static int load_cases(db *d, struct run_row *r, yc_err *err)
{
	db_stmt *st = db_prepare(
		d, "SELECT no, process_part, state FROM cases WHERE process_run = ?", err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, r->no);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int64_t part = db_col_int(st, 1);
		if (part < 0 || part >= r->def.nparts)
			continue;
		db_col_copy(st, 0, r->case_no[part], sizeof(r->case_no[part]));
		r->case_state[part] = case_state_parse(db_col_text(st, 2));
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int run_load(db *d, const char *no, struct run_row *r, yc_err *err)
{
	memset(r, 0, sizeof(*r));
	db_stmt *st = db_prepare(
		d,
		"SELECT no, process, process_name, doc, filed_by, applicant_user, applicant,"
		" phone4, channel, accept_office, decide_office, answers, form, materials,"
		" delivery, commitment, chosen, cancelled, state, accepted_ms, deadline,"
		" deadline_min, yellow_min, decided_ms, submitted_ms, version,"
		" COALESCE(outlet, ''), failed FROM process_runs WHERE no = ?",
		err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, no);
	int rc = db_step(st, err);
	if (rc != DB_ROW) {
		db_done(st);
		return rc < 0 ? rc
			      : yc_err_set(err, YC_ENOTFOUND, "no", "no process run with number %s",
					   no);
	}
	db_col_copy(st, 0, r->no, sizeof(r->no));
	db_col_copy(st, 1, r->process, sizeof(r->process));
	db_col_copy(st, 2, r->process_name, sizeof(r->process_name));
	r->doc = json_col(st, 3);
	r->filed_by = db_col_int(st, 4);
	r->applicant_user = db_col_int(st, 5);
	r->applicant = json_col(st, 6);
	db_col_copy(st, 7, r->phone4, sizeof(r->phone4));
	db_col_copy(st, 8, r->channel, sizeof(r->channel));
	db_col_copy(st, 9, r->accept_office, sizeof(r->accept_office));
	db_col_copy(st, 10, r->decide_office, sizeof(r->decide_office));
	r->answers = json_col(st, 11);
	r->form = json_col(st, 12);
	r->materials = json_col(st, 13);
	r->delivery = json_col(st, 14);
	r->commitment = db_col_int(st, 15) != 0;
	r->chosen = (uint32_t)db_col_int(st, 16);
	r->cancelled = (uint32_t)db_col_int(st, 17);
	int state = run_state_parse(db_col_text(st, 18));
	r->accepted_ms = db_col_int(st, 19);
	db_col_copy(st, 20, r->deadline, sizeof(r->deadline));
	r->deadline_min = db_col_int(st, 21);
	r->yellow_min = db_col_int(st, 22);
	r->decided_ms = db_col_int(st, 23);
	r->submitted_ms = db_col_int(st, 24);
	r->version = db_col_int(st, 25);
	db_col_copy(st, 26, r->outlet, sizeof(r->outlet));
	r->failed = (uint32_t)db_col_int(st, 27);
	db_done(st);
	r->state = state < 0 ? PS_RUNNING : (enum process_state)state;
	yc_err ignored;
	if (!r->doc || !r->applicant || !r->answers || !r->form || !r->materials || state < 0 ||
	    process_validate(r->doc, &r->def, &ignored)) {
		run_free(r);
		return yc_err_set(err, YC_EINTERNAL, NULL, "process run %s is stored damaged", no);
	}
	if ((rc = load_cases(d, r, err)))
		run_free(r);
	return rc;
}

void run_free(struct run_row *r)
{
	cJSON_Delete(r->doc);
	cJSON_Delete(r->applicant);
	cJSON_Delete(r->answers);
	cJSON_Delete(r->form);
	cJSON_Delete(r->materials);
	cJSON_Delete(r->delivery);
	memset(r, 0, sizeof(*r));
}

/* A case's state as its part's: open, approved (delivered, closed), ended without approval. */
static enum process_part_state part_of_case(int s)
{
	if (case_state_open(s))
		return PP_RUNNING;
	switch (s) {
	case CS_APPROVED:
	case CS_DELIVERED:
	case CS_CLOSED: return PP_APPROVED;
	case CS_WITHDRAWN: return PP_WITHDRAWN;
	default: return PP_DENIED; /* denied, refused, lapsed */
	}
}

void run_parts(const struct run_row *r, enum process_part_state *parts)
{
	for (int i = 0; i < r->def.nparts; i++) {
		uint32_t bit = 1u << i;
		if (!(r->chosen & bit))
			parts[i] = PP_SKIPPED;
		else if (r->failed & bit) /* could not start as filed: as good as denied */
			parts[i] = PP_DENIED;
		else if (r->cancelled & bit)
			parts[i] = PP_CANCELLED;
		else if (!r->case_no[i][0])
			parts[i] = PP_WAITING;
		else
			parts[i] = part_of_case(r->case_state[i]);
	}
}

int run_state_parse(const char *s)
{
	for (int i = PS_RUNNING; i <= PS_WITHDRAWN; i++)
		if (s && !strcmp(s, process_state_name((enum process_state)i)))
			return i;
	return -1;
}
