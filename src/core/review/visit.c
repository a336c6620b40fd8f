/*
 * visit.c — 社会各界"综合点评" and 管理部门"监督查评": a social supervisor's
 * visit, a third party's mystery-shopper round, a supervisor's own check,
 * scored on the seven dimensions (人员到位, 窗口设置, 事项集中, 规范办件,
 * 网厅运行, 政策落实, 服务礼仪; 0..100 each). Each finding names the
 * department it concerns and becomes a rectification order, as a bad
 * review does.
 */
#include "core/review/internal.h"

#include <stdio.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/common/outbox.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

int review_visit_check(const cJSON *body, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"round", YC_JT_STRING, false, 64},
		{"office", YC_JT_STRING, false, 32},
		{"window", YC_JT_INT, false, 0, .min = 1, .max = 999},
		{"scores", YC_JT_OBJECT, true, 0},
		{"findings", YC_JT_ARRAY, false, 20},
		{"visited_on", YC_JT_STRING, false, 10},
	};
	int rc = yc_json_check(body, spec, sizeof(spec) / sizeof(spec[0]), err);
	if (rc)
		return rc;
	const cJSON *scores = cJSON_GetObjectItemCaseSensitive(body, "scores");
	for (int i = 0; review_dimensions[i].code; i++) {
		const cJSON *v =
			cJSON_GetObjectItemCaseSensitive(scores, review_dimensions[i].code);
		if (!cJSON_IsNumber(v) || v->valuedouble != (double)(int)v->valuedouble ||
		    v->valueint < 0 || v->valueint > 100)
			return yc_err_set(err, YC_EINVAL, "scores",
					  "scores.%s (%s) must be a whole number 0 to 100",
					  review_dimensions[i].code, review_dimensions[i].name);
	}
	if (cJSON_GetArraySize(scores) != 7)
		return yc_err_set(err, YC_EINVAL, "scores", "scores has the seven dimensions only");
	static const yc_jfield finding[] = {
		{"department", YC_JT_STRING, true, 32},
		{"text", YC_JT_STRING, true, 1000},
	};
	if ((rc = yc_json_check_each(body, "findings", finding, 2, err)))
		return rc;
	const char *day = yc_json_str(body, "visited_on");
	int32_t dn;
	if (day && yc_date_parse(day, &dn))
		return yc_err_set(err, YC_EINVAL, "visited_on", "visited_on must be YYYY-MM-DD");
	return 0;
}

int review_visit_submit(db *d, const struct review_ctx *c, const yc_user *u, const cJSON *body,
			yc_buf *out, yc_err *err)
{
	const char *kind = u->role == ROLE_ASSESSOR ? "assessor" : "supervisor";
	int64_t now = review_now(c), visited = now;
	const char *day = yc_json_str(body, "visited_on");
	int32_t dn;
	if (day && !yc_date_parse(day, &dn))
		visited = (int64_t)dn * 86400000 + 10 * 3600000 - (int64_t)c->tz_offset_min * 60000;
	if (visited > now)
		return yc_err_set(err, YC_EINVAL, "visited_on", "a visit cannot be in the future");
	const cJSON *findings = cJSON_GetObjectItemCaseSensitive(body, "findings");
	const cJSON *f;
	int rc;
	cJSON_ArrayForEach (f, findings) {
		rc = db_get(d, err, "SELECT code FROM departments WHERE code = ?", "s", "-",
			    yc_json_str(f, "department"));
		if (rc < 0)
			return rc;
		if (rc != DB_ROW)
			return yc_err_set(err, YC_EINVAL, "findings", "findings: no department %s",
					  yc_json_str(f, "department"));
	}
	char id[24];
	review_new_id(c, "JD", now, id, sizeof(id));
	char *scores = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(body, "scores"));
	char *fs = findings ? cJSON_PrintUnformatted(findings) : NULL;
	const char *office = yc_json_str(body, "office");
	int64_t window = yc_json_int(body, "window", 0);
	db_stmt *st =
		db_prepare(d,
			   "INSERT INTO review_visits (id, kind, round, author, office, window_no,"
			   " scores, findings, visited_ms, created_ms)"
			   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			   err);
	if (!st) {
		rc = db_failed(err);
		goto out;
	}
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, yc_json_str(body, "round") ? yc_json_str(body, "round") : "");
	db_bind_text(st, 4, u->username);
	office ? db_bind_text(st, 5, office) : db_bind_null(st, 5);
	window ? db_bind_int(st, 6, window) : db_bind_null(st, 6);
	db_bind_text(st, 7, scores ? scores : "{}");
	db_bind_text(st, 8, fs ? fs : "[]");
	db_bind_int(st, 9, visited);
	db_bind_int(st, 10, now);
	rc = db_send(st, err);
	db_done(st);
	if (rc)
		goto out;
	yc_buf_addf(out, "{\"id\":\"%s\",\"kind\":\"%s\",\"orders\":[", id, kind);
	int n = 0;
	cJSON_ArrayForEach (f, findings) {
		char order[24];
		if ((rc = review_order_open(d, c, NULL, id, yc_json_str(f, "text"),
					    yc_json_str(f, "department"), NULL, order, err)))
			goto out;
		yc_buf_addf(out, "%s\"%s\"", n++ ? "," : "", order);
	}
	yc_buf_adds(out, "]}");
	yc_actor actor = {u->username, account_role_name(u->role)};
	char object[40];
	snprintf(object, sizeof(object), "review-visit/%s", id);
	if ((rc = audit_append(d, &actor, "review.visit", object, NULL, NULL, NULL, err)))
		goto out;
	rc = outbox_append(d, "review", "visit", object, NULL, err);
out:
	cJSON_free(scores);
	cJSON_free(fs);
	return rc;
}

int review_visit_list_json(db *d, const struct review_ctx *c, const yc_user *u, int limit,
			   yc_buf *out, yc_err *err)
{
	/* supervisors see every visit; a supervisor or assessor from outside, their own */
	bool all = (u->role & (ROLE_SUPERVISOR | ROLE_ADMIN)) != 0;
	db_stmt *st = db_prepare(d,
				 "SELECT v.id, v.kind, v.round, v.author, COALESCE(v.office, ''),"
				 " COALESCE(v.window_no, 0), v.scores, v.findings, v.visited_ms,"
				 " (SELECT COUNT(*) FROM review_orders o WHERE o.visit = v.id"
				 "  AND o.state IN ('closed', 'annulled'))"
				 " FROM review_visits v WHERE (? = 1 OR v.author = ?)"
				 " ORDER BY v.visited_ms DESC, v.id LIMIT ?",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, all);
	db_bind_text(st, 2, u->username);
	db_bind_int(st, 3, limit);
	yc_buf_adds(out, "{\"visits\":[");
	int rc, n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		yc_buf_adds(out, n++ ? ",{\"id\":" : "{\"id\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"kind\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_adds(out, ",\"round\":");
		yc_json_add_str(out, db_col_text(st, 2));
		yc_buf_adds(out, ",\"author\":");
		yc_json_add_str(out, db_col_text(st, 3));
		yc_buf_adds(out, ",\"office\":");
		yc_json_add_str(out, *db_col_text(st, 4) ? db_col_text(st, 4) : NULL);
		if (db_col_int(st, 5))
			yc_buf_addf(out, ",\"window\":%d", (int)db_col_int(st, 5));
		yc_buf_addf(out, ",\"scores\":%s,\"findings\":%s", db_col_text(st, 6),
			    db_col_text(st, 7));
		yc_json_add_time(out, "visited_at", db_col_int(st, 8), c->tz_offset_min);
		yc_buf_addf(out, ",\"rectified\":%lld}", (long long)db_col_int(st, 9));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	yc_buf_adds(out, "],\"dimensions\":[");
	for (int i = 0; review_dimensions[i].code; i++) {
		yc_buf_adds(out, i ? ",{\"code\":" : "{\"code\":");
		yc_json_add_str(out, review_dimensions[i].code);
		yc_buf_adds(out, ",\"name\":");
		yc_json_add_str(out, review_dimensions[i].name);
		yc_buf_adds(out, "}");
	}
	yc_buf_adds(out, "]}");
	return 0;
}
