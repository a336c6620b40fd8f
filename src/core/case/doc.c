/*
 * doc.c — the printable notices of a case (受理通知书, 不予受理通知书,
 * 补正材料通知书, 容缺受理材料清单) as HTML pages in Chinese, each with the case
 * number and a QR code (libqrencode, drawn as SVG) that opens the public
 * progress page. Every value is escaped; the page carries no script or
 * style of its own, so it is served under the same CSP as the rest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/case/internal.h"
#include "core/common/material.h"
#include "core/common/ids.h"
#include "lib/json.h"
#include "lib/qr.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/* Appends s with HTML's five special characters escaped. */
static void html(yc_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': yc_buf_adds(b, "&amp;"); break;
		case '<': yc_buf_adds(b, "&lt;"); break;
		case '>': yc_buf_adds(b, "&gt;"); break;
		case '"': yc_buf_adds(b, "&quot;"); break;
		case '\'': yc_buf_adds(b, "&#39;"); break;
		default: yc_buf_addc(b, *s);
		}
	}
}

/* The note of the latest event with this action ("" when none). */
static void last_note(db *d, const char *no, const char *action, char *out, size_t size)
{
	out[0] = '\0';
	db_stmt *st = db_prepare(d,
				 "SELECT note FROM case_events WHERE case_no = ? AND action = ?"
				 " ORDER BY seq DESC LIMIT 1",
				 NULL);
	if (!st)
		return;
	db_bind_text(st, 1, no);
	db_bind_text(st, 2, action);
	if (db_step(st, NULL) == DB_ROW)
		snprintf(out, size, "%s", db_col_text(st, 0));
	db_done(st);
}

static bool had_action(db *d, const char *no, const char *action)
{
	db_stmt *st =
		db_prepare(d, "SELECT 1 FROM case_events WHERE case_no = ? AND action = ?", NULL);
	if (!st)
		return false;
	db_bind_text(st, 1, no);
	db_bind_text(st, 2, action);
	bool yes = db_step(st, NULL) == DB_ROW;
	db_done(st);
	return yes;
}

static void local_date_cn(const struct case_ctx *c, int64_t ms, char *out, size_t size)
{
	int64_t min = case_local_min(c, ms);
	int32_t day = (int32_t)(min >= 0 ? min / 1440 : (min - 1439) / 1440);
	int y;
	unsigned m, dd;
	yc_civil_from_days(day, &y, &m, &dd);
	snprintf(out, size, "%d年%u月%u日", y, m, dd);
}

/* The materials named by ids (a JSON array of ids), or all declared ones when ids is NULL. */
static void material_rows(yc_buf *b, const struct case_row *row, const cJSON *ids)
{
	yc_buf_adds(b, "<table class=\"materials\"><thead><tr><th>序号</th><th>材料名称</th>"
		       "<th>状态</th></tr></thead><tbody>");
	int k = 0;
	const cJSON *dm;
	cJSON_ArrayForEach (dm, cJSON_GetObjectItemCaseSensitive(row->rule, "materials")) {
		const char *id = yc_json_str(dm, "id");
		bool listed = !ids;
		const cJSON *x;
		cJSON_ArrayForEach (x, ids)
			if (cJSON_IsString(x) && !strcmp(x->valuestring, id))
				listed = true;
		if (!listed)
			continue;
		bool have = false;
		cJSON_ArrayForEach (x, row->materials)
			if (!strcmp(yc_json_str(x, "id"), id))
				have = true;
		yc_buf_addf(b, "<tr><td>%d</td><td>", ++k);
		html(b, yc_json_str(dm, "name"));
		yc_buf_adds(b, "</td><td>");
		yc_buf_adds(b, have ? "已提交"
				    : (yc_json_bool(dm, "required", false) ? "待补交" : "—"));
		yc_buf_adds(b, "</td></tr>");
	}
	yc_buf_adds(b, "</tbody></table>");
}

int case_document(db *d, const struct case_ctx *c, const yc_user *actor, const char *no,
		  const char *kind, const char *public_url, yc_buf *out, yc_err *err)
{
	static const char *const titles[][2] = {
		{"acceptance", "受理通知书"},
		{"refusal", "不予受理通知书"},
		{"correction", "补正材料通知书"},
		{"deficiency", "容缺受理材料清单"},
	};
	const char *title = NULL;
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (!strcmp(kind, titles[i][0]))
			title = titles[i][1];
	if (!title)
		return yc_err_set(err, YC_ENOTFOUND, "kind",
				  "kind must be acceptance, refusal, correction or deficiency");
	struct case_row row;
	int rc = case_row_load(d, no, &row, err);
	if (rc)
		return rc;
	if ((rc = case_may_view(&row, actor, err)))
		goto out;
	bool issued = !strcmp(kind, "acceptance")   ? row.accepted_ms != 0
		      : !strcmp(kind, "refusal")    ? row.state == CS_REFUSED
		      : !strcmp(kind, "correction") ? had_action(d, no, "request_correction")
						    : had_action(d, no, "accept_with_deficiencies");
	if (!issued) {
		rc = yc_err_conflict(err, "kind", case_state_name(row.state),
				     "no %s was issued for this case", kind);
		goto out;
	}
	char dept[200] = "";
	db_stmt *st = db_prepare(d, "SELECT name FROM departments WHERE code = ?", err);
	if (st) {
		db_bind_text(st, 1, row.department);
		if (db_step(st, NULL) == DB_ROW)
			snprintf(dept, sizeof(dept), "%s", db_col_text(st, 0));
		db_done(st);
	}
	char submitted[40], today[40], id_masked[32];
	local_date_cn(c, row.submitted_ms, submitted, sizeof(submitted));
	local_date_cn(c, case_now_ms(c), today, sizeof(today));
	ids_mask_id(yc_json_str(row.applicant, "id_number"), id_masked, sizeof(id_masked));
	yc_buf_adds(out, "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
			 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
			 "<title>");
	yc_buf_adds(out, title);
	yc_buf_adds(out, " ");
	html(out, row.no);
	yc_buf_adds(out, "</title><link rel=\"stylesheet\" href=\"/css/notice.css\"></head><body>"
			 "<main class=\"notice\"><p class=\"issuer\">");
	html(out, dept);
	yc_buf_adds(out, "</p><h1>");
	yc_buf_adds(out, title);
	yc_buf_adds(out, "</h1><p class=\"no\">办件编号：<span id=\"case-no\">");
	html(out, row.no);
	yc_buf_adds(out, "</span></p><p>申请人：");
	html(out, yc_json_str(row.applicant, "name"));
	yc_buf_adds(out, "（证件号码：");
	html(out, id_masked);
	yc_buf_adds(out, "）</p><p>");
	html(out, submitted);
	yc_buf_adds(out, "，您申请办理的“");
	html(out, row.item_name);
	yc_buf_adds(out, "”事项");
	char note[1200];
	if (!strcmp(kind, "acceptance")) {
		int n = (int)yc_json_int(cJSON_GetObjectItemCaseSensitive(row.rule, "limit"),
					 "value", 0);
		const char *unit =
			yc_json_str(cJSON_GetObjectItemCaseSensitive(row.rule, "limit"), "unit");
		yc_buf_adds(
			out,
			cJSON_GetArraySize(row.missing)
				? "，经审查，主要申请材料齐全、符合法定形式，次要材料暂缺，本机关决"
				  "定予以容缺受理。</p>"
				: "，经审查，申请材料齐全、符合法定形式，本机关决定予以受理。</p>");
		if (n > 0) {
			yc_buf_addf(out,
				    "<p>承诺办结时限：%d个%"
				    "s，自受理之次日起计算（特别程序时间不计入）；"
				    "预计办结期限：",
				    n, unit && !strcmp(unit, "workhour") ? "工作小时" : "工作日");
			html(out, row.deadline);
			yc_buf_adds(out, "。</p>");
		} else {
			yc_buf_adds(out, "<p>本事项为即办件，当场办结。</p>");
		}
		if (cJSON_GetArraySize(row.missing))
			yc_buf_adds(out,
				    "<p>本件为容缺受理，请按《容缺受理材料清单》在期限内补交材料。<"
				    "/p>");
	} else if (!strcmp(kind, "refusal")) {
		last_note(d, no, "refuse", note, sizeof(note));
		yc_buf_adds(out, "，经审查，本机关决定不予受理。理由：");
		html(out, note);
		yc_buf_adds(out,
			    "</p><p>如不服本决定，可自收到本通知书之日起六十日内依法申请行政复议，"
			    "或者六个月内依法提起行政诉讼。</p>");
	} else if (!strcmp(kind, "correction")) {
		last_note(d, no, "request_correction", note, sizeof(note));
		yc_buf_adds(out, "，申请材料不齐全或者不符合法定形式，请补正以下内容：");
		html(out, note);
		yc_buf_adds(out, "</p><p>请于");
		html(out, row.due_day[0] ? row.due_day : "期限");
		yc_buf_adds(out,
			    "前补正；逾期未补正的，视为放弃申请。补正期间不计入办理时限。</p>");
		material_rows(out, &row, NULL);
	} else {
		yc_buf_adds(out, "，已容缺受理。请于");
		html(out, row.due_day[0] ? row.due_day : "期限");
		yc_buf_adds(out, "前补交以下材料：</p>");
		material_rows(out, &row, row.missing);
	}
	yc_buf_adds(out, "<div class=\"qr-block\">");
	yc_buf url;
	yc_buf_init(&url, 0);
	yc_buf_addf(&url, "%s/progress.html?no=%s", public_url, row.no);
	rc = yc_qr_svg(out, url.data, "进度查询二维码", err);
	yc_buf_release(&url);
	if (rc)
		goto out;
	yc_buf_adds(out, "<p>扫描二维码查询办理进度<br>（需输入申请时所留手机号后四位）</p></div>"
			 "<p class=\"seal\">");
	html(out, dept);
	yc_buf_adds(out, "（盖章）<br>");
	html(out, today);
	yc_buf_adds(out, "</p><p class=\"print-hint\">按 Ctrl+P 打印本页</p></main></body></html>");
out:
	case_row_free(&row);
	return rc;
}

int case_material(db *d, const yc_user *actor, const char *no, const char *sha, char type[8],
		  yc_buf *out, yc_err *err)
{
	struct case_row row;
	int rc = case_row_load(d, no, &row, err);
	if (rc)
		return rc;
	if (!(rc = case_may_view(&row, actor, err))) {
		bool in_case = false;
		const cJSON *m;
		cJSON_ArrayForEach (m, row.materials) {
			const char *s = yc_json_str(m, "sha256");
			if (s && !strcmp(s, sha))
				in_case = true;
		}
		rc = in_case ? material_read(d, sha, 0, type, out, err)
			     : yc_err_set(err, YC_ENOTFOUND, "sha256",
					  "the case has no material with this sha256");
	}
	case_row_free(&row);
	return rc;
}
