/* submit.c — a new case stored: its row, number and first event. */
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

/* A new case's row as inserted (at the end of the transaction where sends are queued). */
enum { NEW_CASE_TEXTS = 12 };
struct new_case {
	char no[32];
	int64_t applicant_user, now, item_updated_ms;
	char *text[NEW_CASE_TEXTS];
	char process_run[32];
	int process_part;
};

static void new_case_free(void *p)
{
	struct new_case *e = p;
	for (int i = 0; i < NEW_CASE_TEXTS; i++)
		free(e->text[i]);
	free(e);
}

static void new_case_bind(db_stmt *st, int col, size_t i, void *arg)
{
	const struct new_case *e = ((struct new_case **)arg)[i];
	db_bind_text(st, col++, e->no);
	for (int t = 0; t < 3; t++) /* item_name, department, rule */
		db_bind_text(st, col++, e->text[t]);
	case_bind_int_or_null(st, col++, e->applicant_user);
	for (int t = 3; t < 11; t++) /* applicant … delivery, then the item */
		db_bind_text(st, col++, e->text[t]);
	db_bind_int(st, col++, e->now);
	db_bind_text(st, col++, e->text[11]);
	db_bind_int(st, col++, e->item_updated_ms);
	if (e->process_run[0]) {
		db_bind_text(st, col++, e->process_run);
		db_bind_int(st, col++, e->process_part);
	} else {
		db_bind_null(st, col++);
		db_bind_null(st, col++);
	}
}

/* New cases, each only if its item is still the version it was checked against. */
static int new_cases_flush(db *d, void **entries, size_t n, yc_err *err)
{
	return db_insert_rows_expect(
		d,
		"INSERT INTO cases (no, item, item_name, department, rule, applicant_user, "
		"applicant,"
		" phone4, channel, accept_office, decide_office, state, form, materials, delivery,"
		" submitted_ms, updated_ms, process_run, process_part)"
		" SELECT v.column1, i.code, v.column2, v.column3, v.column4,"
		" CAST(v.column5 AS INTEGER), v.column6, v.column7, v.column8, v.column9,"
		" v.column10, 'submitted', v.column11, v.column12, v.column13,"
		" CAST(v.column14 AS BIGINT), CAST(v.column14 AS BIGINT), v.column17,"
		" CAST(v.column18 AS INTEGER) FROM (",
		") AS v JOIN items i ON i.code = v.column15"
		" AND i.updated_ms = CAST(v.column16 AS BIGINT) AND i.status = 'active'",
		18, n, new_case_bind, entries, err);
}

static struct new_case *new_case_make(const struct case_new *n, const char *no, int64_t now,
				      yc_err *err)
{
	struct new_case *e = calloc(1, sizeof(*e));
	if (!e) {
		yc_err_set(err, YC_ENOMEM, NULL, NULL);
		return NULL;
	}
	snprintf(e->no, sizeof(e->no), "%s", no);
	e->applicant_user = n->applicant_user;
	e->now = now;
	e->item_updated_ms = n->item_updated_ms;
	snprintf(e->process_run, sizeof(e->process_run), "%s", n->process_run);
	e->process_part = n->process_part;
	const char *texts[NEW_CASE_TEXTS] = {
		n->item_name,	  n->department,    n->rule, n->applicant, n->phone4,	n->channel,
		n->accept_office, n->decide_office, n->form, n->materials, n->delivery, n->item,
	};
	for (int t = 0; t < NEW_CASE_TEXTS; t++)
		if (texts[t] && !(e->text[t] = strdup(texts[t]))) {
			new_case_free(e);
			yc_err_set(err, YC_ENOMEM, NULL, NULL);
			return NULL;
		}
	return e;
}

/*
 * The case row, if the item is still the version n was checked against and
 * active: one row, or none (YC_ECONFLICT where run at once). Where sends are
 * queued, the row waits for the end of the transaction.
 */
static int insert_case(db *d, const struct case_new *n, const char *no, int64_t now, yc_err *err)
{
	struct new_case *e = new_case_make(n, no, now, err);
	if (!e)
		return YC_ENOMEM;
	if (db_queuing(d) && !n->at_once)
		return db_defer(d, CASE_ROWS_FLUSH, new_cases_flush, e, new_case_free, err);
	void *one[] = {e};
	int rc = new_cases_flush(d, one, 1, err);
	new_case_free(e);
	return rc;
}

int case_submit(db *d, const struct case_ctx *c, const yc_user *actor, const cJSON *body,
		struct case_new *n, yc_buf *out, yc_err *err)
{
	int64_t now = case_now_ms(c);
	struct case_row row;
	memset(&row, 0, sizeof(row));
	int rc = case_next_case_no(d, c, now, n->at_once, row.no, sizeof(row.no), err);
	if (rc)
		return rc;
	rc = insert_case(d, n, row.no, now, err);
	if (rc == YC_ECONFLICT && body) {
		/*
		 * The item changed (or retired) since n was checked: check the body
		 * again, keeping what the caller set beyond the body (a process's part).
		 */
		atomic_fetch_add(&case_item_moved, 1);
		struct case_new kept = *n;
		case_new_free(n);
		if ((rc = case_prepare(d, c, actor, body, n, err)))
			return rc;
		memcpy(n->process_run, kept.process_run, sizeof(n->process_run));
		n->process_part = kept.process_part;
		n->at_once = kept.at_once;
		if (kept.process_run[0])
			n->applicant_user = kept.applicant_user;
		rc = insert_case(d, n, row.no, now, err);
	}
	if (rc == YC_ECONFLICT)
		return yc_err_set(err, YC_ECONFLICT, "item",
				  "item %s changed while the case was submitted; submit it again",
				  n->item);
	if (rc < 0 || (rc = case_figures_new_case(d, c, n->department, now, err)))
		return rc;
	row.version = 1;
	row.state = CS_SUBMITTED;
	row.step = -1;
	snprintf(row.item_name, sizeof(row.item_name), "%s", n->item_name);
	snprintf(row.department, sizeof(row.department), "%s", n->department);
	snprintf(row.accept_office, sizeof(row.accept_office), "%s", n->accept_office);
	snprintf(row.light, sizeof(row.light), "none");
	if ((rc = case_record_change(d, &row, actor, now, "submit", CS_SUBMITTED, "", NULL, err)))
		return rc;
	if (!out)
		return 0;
	/* the new case in brief, from what is at hand (GET /cases/{no} gives the whole) */
	yc_buf_adds(out, "{\"no\":");
	yc_json_add_str(out, row.no);
	yc_buf_adds(out, ",\"item\":");
	yc_json_add_str(out, n->item);
	yc_buf_adds(out, ",\"item_name\":");
	yc_json_add_str(out, n->item_name);
	yc_buf_addf(out, ",\"state\":\"submitted\",\"state_label\":\"%s\",\"channel\":",
		    case_state_labels[CS_SUBMITTED]);
	yc_json_add_str(out, n->channel);
	yc_buf_adds(out, ",\"accept_office\":");
	yc_json_add_str(out, n->accept_office);
	yc_buf_adds(out, ",\"decide_office\":");
	yc_json_add_str(out, n->decide_office);
	yc_json_add_time(out, "submitted_at", now, c->tz_offset_min);
	return yc_buf_adds(out, ",\"version\":1}");
}
