/*
 * views.c — the contracts a reader may see with their lights, one contract,
 * the figures (on time and late, days to sign and to file), and the job that
 * escalates a passed limit once.
 */
#include "core/procurement/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/common/notify.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

bool proc_may_see(const struct proc_ctx *c, const yc_user *u, const char *unit)
{
	if (u->role == ROLE_ADMIN || u->role == ROLE_SUPERVISOR)
		return true;
	if (u->role != ROLE_CLERK && u->role != ROLE_APPROVER)
		return false;
	return !strcmp(u->department, unit) ||
	       (u->role == ROLE_APPROVER && !strcmp(u->department, c->finance));
}

static bool sees_all(const struct proc_ctx *c, const yc_user *u)
{
	return u->role == ROLE_ADMIN || u->role == ROLE_SUPERVISOR ||
	       (u->role == ROLE_APPROVER && !strcmp(u->department, c->finance));
}

#define COLUMNS                                                                                    \
	"SELECT id, project, project_no, unit, method, supplier_code, supplier, sme, amount_fen,"  \
	" deposit_fen, deposit_waived, deposit_basis, awarded_on, sign_by, signed_on, file_by,"    \
	" filed_on, delay_reason, advance_percent, advance_fen, advance_on, state, note,"          \
	" CASE WHEN deadline_min IS NULL THEN '' WHEN ? >= deadline_min THEN 'red'"                \
	" WHEN ? >= yellow_min THEN 'yellow' ELSE 'green' END AS light FROM proc_contracts"
#define KINDS "sssssssiiiissssssssiisss"

int proc_list_json(db *d, const struct proc_ctx *c, const yc_user *u, const struct proc_query *q,
		   yc_buf *out, yc_err *err)
{
	bool all = sees_all(c, u);
	bool staff = u->role == ROLE_CLERK || u->role == ROLE_APPROVER;
	if (!all && !staff)
		return yc_buf_adds(out, "{\"contracts\":[]}") ? YC_ENOMEM : 0;
	int64_t now = case_minute_of(c->cases, proc_now(c));
	db_stmt *st =
		db_prepare(d,
			   COLUMNS " WHERE (? = 1 OR unit = ?) AND (? = '' OR state = ?)"
				   " AND (? = '' OR unit = ?) AND (? = 0 OR deadline_min <= ?)"
				   " ORDER BY CASE WHEN deadline_min IS NULL THEN 1 ELSE 0 END,"
				   " deadline_min, id DESC LIMIT ?",
			   err);
	if (!st)
		return db_failed(err);
	const char *state = q->state ? q->state : "", *unit = q->unit ? q->unit : "";
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, all);
	db_bind_text(st, 4, u->department);
	db_bind_text(st, 5, state);
	db_bind_text(st, 6, state);
	db_bind_text(st, 7, unit);
	db_bind_text(st, 8, unit);
	db_bind_int(st, 9, q->late);
	db_bind_int(st, 10, now);
	db_bind_int(st, 11, q->limit > 0 ? q->limit : 200);
	yc_buf_adds(out, "{\"contracts\":");
	int rc = db_rows_json(st, KINDS, out, err);
	return rc ? rc : yc_buf_adds(out, "}") ? YC_ENOMEM : 0;
}

int proc_get_json(db *d, const struct proc_ctx *c, const yc_user *u, const char *id, yc_buf *out,
		  yc_err *err)
{
	char unit[16] = "";
	int rc = db_get(d, err, "SELECT unit FROM proc_contracts WHERE id = ?", "s", "t", id, unit,
			sizeof(unit));
	if (rc < 0)
		return rc;
	if (rc == DB_DONE || !proc_may_see(c, u, unit))
		return yc_err_set(err, YC_ENOTFOUND, "id", "no contract %s", id);
	int64_t now = case_minute_of(c->cases, proc_now(c));
	db_stmt *st = db_prepare(d, COLUMNS " WHERE id = ?", err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, now);
	db_bind_text(st, 3, id);
	yc_buf row;
	yc_buf_init(&row, 0);
	rc = db_rows_json(st, KINDS, &row, err);
	if (!rc && row.len > 2)
		yc_buf_add(out, row.data + 1, row.len - 2); /* the object inside "[…]" */
	yc_buf_release(&row);
	return rc;
}

static int32_t day_or(const char *s, int32_t dflt)
{
	int32_t day;
	return s && !yc_date_parse(s, &day) ? day : dflt;
}

int proc_figures_json(db *d, const struct proc_ctx *c, yc_buf *out, yc_err *err)
{
	(void)c;
	db_stmt *st = db_prepare(d,
				 "SELECT state, awarded_on, sign_by, signed_on, file_by, filed_on,"
				 " amount_fen, advance_fen, sme FROM proc_contracts",
				 err);
	if (!st)
		return db_failed(err);
	int64_t n[PS_N] = {0}, signed_late = 0, filed_late = 0, amount = 0, advance = 0, sme = 0;
	int64_t sign_days = 0, signs = 0, file_days = 0, files = 0, open_late = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int s = lc_state(&proc_lifecycle, db_col_text(st, 0));
		if (s < 0)
			continue;
		n[s]++;
		if (s == PS_CANCELLED)
			continue;
		int32_t awarded = day_or(db_col_text(st, 1), 0);
		const char *sign_by = db_col_text(st, 2), *signed_on = db_col_text(st, 3);
		const char *file_by = db_col_text(st, 4), *filed_on = db_col_text(st, 5);
		amount += db_col_int(st, 6);
		advance += db_col_int(st, 7);
		sme += db_col_int(st, 8);
		if (signed_on && signed_on[0]) {
			signs++;
			sign_days += day_or(signed_on, awarded) - awarded;
			if (sign_by && sign_by[0] && strcmp(signed_on, sign_by) > 0)
				signed_late++;
		}
		if (filed_on && filed_on[0]) {
			files++;
			file_days += day_or(filed_on, 0) - day_or(signed_on, 0);
			if (file_by && file_by[0] && strcmp(filed_on, file_by) > 0)
				filed_late++;
		}
	}
	db_done(st);
	if (rc < 0)
		return rc;
	int64_t now = case_minute_of(c->cases, proc_now(c));
	if ((rc = db_get(d, err,
			 "SELECT COUNT(*) FROM proc_contracts WHERE state IN ('awarded', 'signed')"
			 " AND deadline_min <= ?",
			 "i", "i", now, &open_late)) < 0)
		return rc;
	yc_buf_adds(out, "{\"by_state\":{");
	for (int s = 0; s < PS_N; s++)
		yc_buf_addf(out, "%s\"%s\":%lld", s ? "," : "", lc_state_name(&proc_lifecycle, s),
			    (long long)n[s]);
	return yc_buf_addf(out,
			   "},\"signed\":%lld,\"signed_late\":%lld,\"filed\":%lld,"
			   "\"filed_late\":%lld,\"open_late\":%lld,\"days_to_sign\":%.1f,"
			   "\"days_to_file\":%.1f,\"amount_fen\":%lld,\"advance_fen\":%lld,"
			   "\"sme\":%lld}",
			   (long long)signs, (long long)signed_late, (long long)files,
			   (long long)filed_late, (long long)open_late,
			   signs ? (double)sign_days / (double)signs : 0.0,
			   files ? (double)file_days / (double)files : 0.0, (long long)amount,
			   (long long)advance, (long long)sme)
		       ? YC_ENOMEM
		       : 0;
}

int proc_escalate(db *d, const struct proc_ctx *c, int64_t *count, yc_err *err)
{
	*count = 0;
	int64_t now = case_minute_of(c->cases, proc_now(c));
	db_stmt *st =
		db_prepare(d,
			   "SELECT id, state, unit, COALESCE(sign_by, ''), COALESCE(file_by, '')"
			   " FROM proc_contracts WHERE state IN ('awarded', 'signed') AND"
			   " deadline_min <= ? AND escalated_ms IS NULL ORDER BY id LIMIT 200",
			   err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, now);
	struct late {
		char id[24], state[16], unit[16], by[12];
	} *late = calloc(200, sizeof(*late));
	if (!late) {
		db_done(st);
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	int n = 0, rc;
	while (n < 200 && (rc = db_step(st, err)) == DB_ROW) {
		struct late *l = &late[n++];
		db_col_copy(st, 0, l->id, sizeof(l->id));
		db_col_copy(st, 1, l->state, sizeof(l->state));
		bool signing = !strcmp(l->state, "awarded");
		/* who is told: the unit that must sign, the finance department that must file */
		snprintf(l->unit, sizeof(l->unit), "%s", signing ? db_col_text(st, 2) : c->finance);
		db_col_copy(st, signing ? 3 : 4, l->by, sizeof(l->by));
	}
	db_done(st);
	for (int i = 0; rc >= 0 && i < n; i++) {
		struct late *l = &late[i];
		bool signing = !strcmp(l->state, "awarded");
		if ((rc = db_run(d, err, "UPDATE proc_contracts SET escalated_ms = ? WHERE id = ?",
				 "is", proc_now(c), l->id)) ||
		    (rc = audit_append(d, &audit_system_actor, "procurement.escalate", l->id,
				       signing ? "signing overdue" : "filing overdue", NULL, NULL,
				       err)))
			break;
		char text[200], user[64], names[8][48];
		snprintf(text, sizeof(text),
			 "【一窗】政府采购合同 %s 应于 %s 前%s，已逾期，请尽快办理并说明原因。",
			 l->id, l->by, signing ? "签订" : "备案");
		if (!(st = db_prepare(d,
				      "SELECT username FROM users WHERE role = 'approver' AND"
				      " department = ? ORDER BY username",
				      err))) {
			rc = db_failed(err);
			break;
		}
		db_bind_text(st, 1, l->unit);
		int m = 0;
		while (m < 8 && (rc = db_step(st, err)) == DB_ROW)
			db_col_copy(st, 0, names[m++], sizeof(names[0]));
		db_done(st);
		for (int k = 0; rc >= 0 && k < m; k++) {
			snprintf(user, sizeof(user), "user:%s", names[k]);
			rc = notify_queue(d, "sms", user, text, err);
		}
		if (rc >= 0)
			(*count)++;
	}
	free(late);
	return rc < 0 ? rc : 0;
}
