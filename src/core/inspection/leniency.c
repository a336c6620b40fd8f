/*
 * leniency.c — 首次不罚 / 首次轻罚: a minor violation on the published list
 * (insp_minor), found for the first time in the period, is not punished
 * (no-penalty) or punished lightly (light), as the list says; found again
 * within leniency-days of an earlier decision on the same violation, it is
 * an ordinary case. The eligibility is computed from the entity's own
 * decisions, never chosen; every decision is recorded with its basis.
 */
#include "core/inspection/internal.h"

#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

int insp_leniency(db *d, const struct insp_ctx *c, const char *code, const char *violation,
		  int32_t day, struct insp_leniency *out, yc_err *err)
{
	memset(out, 0, sizeof(*out));
	char kind[16] = "", basis[1000] = "";
	int rc = db_get(d, err, "SELECT kind, basis, name FROM insp_minor WHERE code = ?", "s",
			"ttt", violation, kind, sizeof(kind), basis, sizeof(basis), out->name,
			sizeof(out->name));
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return yc_err_set(err, YC_EINVAL, "violation",
				  "%s is not on the published list of minor violations", violation);
	char since[12], on[12];
	yc_date_format(day - c->leniency_days, since, sizeof(since));
	yc_date_format(day, on, sizeof(on));
	rc = db_get(
		d, err,
		"SELECT id, decided_on FROM insp_decisions WHERE credit_code = ? AND violation = ?"
		" AND decided_on > ? AND decided_on <= ? ORDER BY decided_on DESC LIMIT 1",
		"ssss", "tt", code, violation, since, on, out->earlier, sizeof(out->earlier),
		out->earlier_on, sizeof(out->earlier_on));
	if (rc < 0)
		return rc;
	out->first = rc == DB_DONE;
	if (out->first) {
		snprintf(out->decision, sizeof(out->decision), "%s", kind);
		snprintf(out->basis, sizeof(out->basis), "首次违法（%d日内无同一违法行为）：%s",
			 c->leniency_days, basis);
	} else {
		snprintf(out->decision, sizeof(out->decision), "ordinary");
		snprintf(out->basis, sizeof(out->basis),
			 "非首次：%s 已就同一违法行为作出决定（%s），依法处理", out->earlier_on,
			 out->earlier);
	}
	return 0;
}

int insp_leniency_record(db *d, const struct insp_ctx *c, const char *code, const char *violation,
			 const char *task, int32_t day, const char *by, struct insp_leniency *out,
			 yc_err *err)
{
	int rc = insp_leniency(d, c, code, violation, day, out, err);
	if (rc)
		return rc;
	char on[12];
	yc_date_format(day, on, sizeof(on));
	snprintf(out->id, sizeof(out->id), "%s-%s", task ? task : code, violation);
	return db_run(
		d, err,
		"INSERT INTO insp_decisions (id, credit_code, violation, task, decision, basis,"
		" decided_on, decided_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		"ssssssss", out->id, code, violation, task, out->decision, out->basis, on, by);
}

int insp_leniency_json(db *d, const struct insp_ctx *c, const yc_user *u, const char *code,
		       const char *violation, yc_buf *out, yc_err *err)
{
	if (!insp_regulator_of(d, u, NULL))
		return yc_err_set(err, YC_EFORBIDDEN, NULL, "leniency is the regulators' to weigh");
	struct insp_leniency l;
	int rc = insp_leniency(d, c, code, violation, insp_day(c, insp_now(c)), &l, err);
	if (rc)
		return rc;
	yc_buf_addf(out, "{\"first\":%s,\"decision\":\"%s\",\"name\":", l.first ? "true" : "false",
		    l.decision);
	yc_json_add_str(out, l.name);
	yc_buf_adds(out, ",\"basis\":");
	yc_json_add_str(out, l.basis);
	yc_buf_adds(out, ",\"earlier\":");
	yc_json_add_str(out, l.earlier);
	yc_buf_adds(out, ",\"earlier_on\":");
	yc_json_add_str(out, l.earlier_on);
	/* the entity's decisions, latest first */
	db_stmt *st = db_prepare(d,
				 "SELECT d.id, d.violation, m.name, d.task, d.decision, d.basis,"
				 " d.decided_on FROM insp_decisions d JOIN insp_minor m ON m.code ="
				 " d.violation WHERE d.credit_code = ? ORDER BY d.decided_on DESC",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, code);
	yc_buf_adds(out, ",\"decisions\":");
	if ((rc = db_rows_json(st, "sssssss", out, err)))
		return rc;
	yc_buf_adds(out, "}");
	return 0;
}
