/*
 * scale.c — a province's years of cases behind the district's own, for the
 * scale benchmark (make bench-scale, issue 19): n closed cases with their
 * events on the working days (Monday to Friday) before the store's first.
 *
 * Each new case is a copy of one of the store's closed cases (the demo's
 * history wrote them through the same core functions a request uses), moved
 * to its new day: every time on the row and its events by the same number
 * of whole days, the deadline's text redated, a number of that day. The
 * store's cases are taken in turn, so the items, departments, staff and the
 * share decided on time are the district's. Process parts, cases with a
 * correction's due day and the documents around a case (certificates,
 * reviews, post-checks) are not copied: history is cases and their
 * timelines. One transaction a day, written in SQL that both backends run;
 * the kept figures are counted again at the end (case_figures_rebuild).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/demo/demo.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

enum { MS_PER_DAY = 86400000 };

/* The days' texts the redated deadlines take (day number → YYYY-MM-DD). */
static int fill_days(db *d, int32_t from, int32_t to, yc_err *err)
{
	int rc = db_run(d, err, "CREATE TEMP TABLE scale_days (day BIGINT PRIMARY KEY, text TEXT)",
			"");
	for (int32_t day = from; !rc && day <= to; day++) {
		char text[16];
		yc_date_format(day, text, sizeof(text));
		rc = db_run(d, err, "INSERT INTO scale_days (day, text) VALUES (?, ?)", "is",
			    (int64_t)day, text);
	}
	return rc;
}

/*
 * One day's cases: n copies of the templates from the offset-th on, numbered
 * from 1 under prefix (region and day). target_ms is the day's local midnight.
 */
static int copy_day(db *d, const char *prefix, int64_t n, int64_t target_ms, int64_t offset,
		    int64_t templates, yc_err *err)
{
	/* the shift of a template's times: target midnight less the template's own */
#define SHIFT "(? - t.day_ms)"
	int rc = db_run(
		d, err,
		"WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < ?)"
		" INSERT INTO cases (no, item, item_name, department, rule, applicant_user,"
		" applicant, phone4, channel, accept_office, decide_office, state, form, materials,"
		" missing, due_day, step, step_department, assignee, accepted_ms, deadline,"
		" deadline_min, yellow_min, stopped_ms, light, decided_ms, closed_ms, delivery,"
		" version, submitted_ms, updated_ms)"
		" SELECT ? || substr(CAST(1000000 + g.i AS TEXT), 2), c.item, c.item_name,"
		" c.department, c.rule, c.applicant_user, c.applicant, c.phone4, c.channel,"
		" c.accept_office, c.decide_office, c.state, c.form, c.materials, c.missing, NULL,"
		" c.step, c.step_department, c.assignee, c.accepted_ms + " SHIFT ","
		" (SELECT s.text FROM scale_days s WHERE s.day = (c.deadline_min + " SHIFT
		" / 60000) / 1440) || substr(c.deadline, 11),"
		" c.deadline_min + " SHIFT " / 60000, c.yellow_min + " SHIFT " / 60000,"
		" c.stopped_ms + " SHIFT ", c.light, c.decided_ms + " SHIFT ","
		" c.closed_ms + " SHIFT ", c.delivery, c.version, c.submitted_ms + " SHIFT ","
		" c.updated_ms + " SHIFT
		" FROM g JOIN scale_templates t ON t.k = (g.i + ?) % ? JOIN cases c ON c.no = t.no",
		"isiiiiiiiiiii", n, prefix, target_ms, target_ms, target_ms, target_ms, target_ms,
		target_ms, target_ms, target_ms, target_ms, offset, templates); /* 9 shifts */
	if (rc)
		return rc;
	return db_run(d, err,
		      "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < ?)"
		      " INSERT INTO case_events (case_no, seq, at_ms, actor, role, action,"
		      " from_state, to_state, step, note)"
		      " SELECT ? || substr(CAST(1000000 + g.i AS TEXT), 2), e.seq,"
		      " e.at_ms + " SHIFT ", e.actor, e.role, e.action, e.from_state, e.to_state,"
		      " e.step, e.note"
		      " FROM g JOIN scale_templates t ON t.k = (g.i + ?) % ?"
		      " JOIN case_events e ON e.case_no = t.no",
		      "isiii", n, prefix, target_ms, offset, templates);
#undef SHIFT
}

int demo_scale_history(db *d, const char *region, int tz_offset_min, struct demo_scale *o,
		       yc_err *err)
{
	int64_t tz_ms = (int64_t)tz_offset_min * 60000, first_ms = 0, last_deadline = 0;
	int64_t templates = 0;
	int rc = db_get(d, err,
			"SELECT MAX(deadline_min), COUNT(*) FROM cases"
			" WHERE state = 'closed' AND process_run IS NULL AND due_day IS NULL",
			"", "II", &last_deadline, &templates);
	if (rc < 0)
		return rc;
	if (templates == 0)
		return yc_err_set(err, YC_EINVAL, "db",
				  "the store has no closed case to copy: make it with init --demo");
	if ((rc = db_get(d, err, "SELECT MIN(submitted_ms) FROM cases", "", "I", &first_ms)) < 0)
		return rc;
	int32_t first_day = (int32_t)((first_ms + tz_ms) / MS_PER_DAY);
	/* the working days before the first, newest first, as many as the cases need */
	int64_t days = (o->cases + o->per_day - 1) / o->per_day;
	int32_t oldest = first_day;
	for (int64_t k = 0; k < days; oldest--)
		if (yc_weekday(oldest - 1) <= 5)
			k++;
	if ((rc = db_begin(d, err)))
		return rc;
	rc = db_run(
		d, err,
		"CREATE TEMP TABLE scale_templates AS SELECT ROW_NUMBER() OVER (ORDER BY no) - 1"
		" AS k, no, submitted_ms - (submitted_ms + ?) % 86400000 AS day_ms FROM cases"
		" WHERE state = 'closed' AND process_run IS NULL AND due_day IS NULL",
		"i", tz_ms);
	if (!rc)
		rc = db_run(d, err, "CREATE INDEX scale_templates_k ON scale_templates (k)", "");
	/* deadlines run a few months past the submission at most */
	if (!rc)
		rc = fill_days(d, oldest - 1, (int32_t)(last_deadline / 1440) + 400, err);
	if (!rc)
		rc = db_commit(d, err);
	else
		db_rollback(d);
	int64_t left = o->cases;
	int32_t day = first_day - 1;
	for (int64_t k = 0; !rc && left > 0; day--) {
		if (yc_weekday(day) > 5)
			continue;
		int64_t n = left < o->per_day ? left : o->per_day;
		char date[16], prefix[48];
		yc_date_format(day, date, sizeof(date));
		/* YYYY-MM-DD → YYYYMMDD */
		snprintf(prefix, sizeof(prefix), "%s%.4s%.2s%.2s", region, date, date + 5,
			 date + 8);
		int64_t target_ms = (int64_t)day * MS_PER_DAY - tz_ms;
		if ((rc = db_begin(d, err)))
			break;
		rc = copy_day(d, prefix, n, target_ms, (k * o->per_day) % templates, templates,
			      err);
		if (!rc)
			rc = db_run(d, err, "INSERT INTO case_numbers (day, last) VALUES (?, ?)",
				    "si", prefix + strlen(region), n);
		if (!rc)
			rc = db_commit(d, err);
		else
			db_rollback(d);
		left -= n;
		o->written += n;
		k++;
		if (o->progress)
			o->progress(o, date);
	}
	db_run(d, NULL, "DROP TABLE scale_templates", "");
	db_run(d, NULL, "DROP TABLE scale_days", "");
	return rc;
}
