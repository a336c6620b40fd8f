/*
 * views.c — the court's lists (the registry's, a party's own), one case, and the year's
 * figures: received, mediated and settled, registered and on the fast track, small claims,
 * average days from registration to close per track, the closed business cases and their sums.
 */
#include "core/court/internal.h"

#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

#define COLUMNS                                                                                    \
	"SELECT case_no AS no, dispute_type, commercial, amount_fen, parties, defendant,"          \
	" community, grid_court, state, track, small_claims, track_basis, team, judge,"            \
	" assign_note, elements, received_on, mediation_end, filed_on, closed_on, outcome,"        \
	" awarded_fen FROM court_cases"
#define KINDS "ssiiisssssissssjsssssi"

int court_list_json(db *d, const struct court_ctx *c, const yc_user *u, const struct court_query *q,
		    yc_buf *out, yc_err *err)
{
	bool staff = court_staff(c, u), own = u->role == ROLE_APPLICANT;
	if (!staff && !own)
		return yc_buf_adds(out, "{\"cases\":[]}") ? YC_ENOMEM : 0;
	db_stmt *st =
		db_prepare(d,
			   COLUMNS " WHERE (? = 1 OR applicant_user = ?) AND (? = '' OR state = ?)"
				   " AND (? = '' OR team = ?) ORDER BY received_on DESC,"
				   " case_no DESC LIMIT ?",
			   err);
	if (!st)
		return db_failed(err);
	const char *state = q->state ? q->state : "", *team = q->team ? q->team : "";
	db_bind_int(st, 1, staff);
	db_bind_int(st, 2, u->id);
	db_bind_text(st, 3, state);
	db_bind_text(st, 4, state);
	db_bind_text(st, 5, team);
	db_bind_text(st, 6, team);
	db_bind_int(st, 7, q->limit > 0 ? q->limit : 200);
	yc_buf_adds(out, "{\"cases\":");
	int rc = db_rows_json(st, KINDS, out, err);
	return rc ? rc : yc_buf_adds(out, "}") ? YC_ENOMEM : 0;
}

int court_get_json(db *d, const struct court_ctx *c, const yc_user *u, const char *no, yc_buf *out,
		   yc_err *err)
{
	db_stmt *st =
		db_prepare(d, COLUMNS " WHERE case_no = ? AND (? = 1 OR applicant_user = ?)", err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, no);
	db_bind_int(st, 2, court_staff(c, u));
	db_bind_int(st, 3, u->role == ROLE_APPLICANT ? u->id : -1);
	yc_buf row;
	yc_buf_init(&row, 0);
	int rc = db_rows_json(st, KINDS, &row, err);
	if (!rc && row.len <= 2)
		rc = yc_err_set(err, YC_ENOTFOUND, "no", "no court case %s", no);
	if (!rc)
		yc_buf_add(out, row.data + 1, row.len - 2);
	yc_buf_release(&row);
	return rc;
}

int court_figures_json(db *d, const struct court_ctx *c, yc_buf *out, yc_err *err)
{
	(void)c;
	db_stmt *st = db_prepare(d,
				 "SELECT state, track, small_claims, commercial, amount_fen,"
				 " mediation_end, filed_on, closed_on, outcome FROM court_cases",
				 err);
	if (!st)
		return db_failed(err);
	int64_t received = 0, mediated = 0, settled = 0, filed = 0, simple = 0, small = 0;
	int64_t closed[2] = {0}, days[2] = {0}, business = 0, business_fen = 0, mediating = 0;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		received++;
		const char *state = db_col_text(st, 0), *track = db_col_text(st, 1);
		bool ended_mediation = !db_col_null(st, 5);
		mediating += !strcmp(state, "mediating");
		mediated += ended_mediation;
		settled += !strcmp(state, "settled");
		if (db_col_null(st, 6))
			continue;
		filed++;
		bool s = track && !strcmp(track, "simple");
		simple += s;
		small += db_col_int(st, 2);
		if (!strcmp(state, "closed")) {
			int32_t a, b;
			if (!yc_date_parse(db_col_text(st, 6), &a) &&
			    !yc_date_parse(db_col_text(st, 7), &b)) {
				closed[s]++;
				days[s] += b - a;
			}
			if (db_col_int(st, 3)) {
				business++;
				business_fen += db_col_int(st, 4);
			}
		}
	}
	db_done(st);
	if (rc < 0)
		return rc;
	return yc_buf_addf(
		       out,
		       "{\"received\":%lld,\"mediating\":%lld,\"mediated\":%lld,\"settled\":%lld,"
		       "\"filed\":%lld,\"simple\":%lld,\"fast_track_percent\":%.1f,"
		       "\"small_claims\":%lld,\"closed_simple\":%lld,\"closed_complex\":%lld,"
		       "\"days_simple\":%.1f,\"days_complex\":%.1f,\"closed_business\":%lld,"
		       "\"closed_business_fen\":%lld}",
		       (long long)received, (long long)mediating, (long long)mediated,
		       (long long)settled, (long long)filed, (long long)simple,
		       filed ? 100.0 * (double)simple / (double)filed : 0.0, (long long)small,
		       (long long)closed[1], (long long)closed[0],
		       closed[1] ? (double)days[1] / (double)closed[1] : 0.0,
		       closed[0] ? (double)days[0] / (double)closed[0] : 0.0, (long long)business,
		       (long long)business_fen)
		       ? YC_ENOMEM
		       : 0;
}
