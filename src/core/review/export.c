/*
 * export.c — reviews in the national platform's fields (docs/reviews.md):
 * 办件编号, 事项编码 and 名称, 部门, 申请人类型, 评价渠道, 评价等级, 评价时间,
 * 区划代码, the evaluated staff — as JSON lines, or as an .xlsx with one row a
 * review and the Chinese field names as its header. Reviews an upheld appeal
 * removed are exported too, marked, as the store keeps them.
 */
#include "core/review/internal.h"

#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/xlsx.h"
#include "lib/banned.h"

/* The national platform's numbering of channels (评价渠道). */
static int channel_code(const char *c)
{
	static const struct {
		const char *code;
		int n;
	} map[] = {{"web", 1},	   {"qr", 2},  {"eticket", 2}, {"device", 4},
		   {"counter", 5}, {"box", 5}, {"hotline", 6}, {"sms", 7}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i].code, c))
			return map[i].n;
	return 5;
}

static const char *const header[] = {"办件编号",   "事项编码",	   "事项名称", "部门编码",
				     "部门名称",   "申请人类型",   "评价渠道", "评价渠道编码",
				     "评价等级",   "评价等级名称", "评价时间", "区划代码",
				     "被评价人员", "差评原因",	   "是否撤销", NULL};
static const char *const keys[] = {"no",
				   "item_code",
				   "item_name",
				   "department_code",
				   "department_name",
				   "applicant_type",
				   "channel",
				   "channel_code",
				   "level",
				   "level_name",
				   "rated_at",
				   "region_code",
				   "staff",
				   "reasons",
				   "excluded",
				   NULL};

int review_export(db *d, const struct review_ctx *c, int64_t from_ms, int64_t to_ms,
		  enum review_export_format f, const char *region, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(
		d,
		"SELECT COALESCE(r.subject, r.id), COALESCE(r.item, ''), COALESCE(r.item_name, ''),"
		" COALESCE(r.department, ''), COALESCE(p.name, ''), COALESCE(r.applicant_kind, ''),"
		" r.channel, r.level, r.created_ms, COALESCE(s.name, r.staff, ''), r.reasons,"
		" r.excluded FROM reviews r LEFT JOIN departments p ON p.code = r.department"
		" LEFT JOIN users s ON s.username = r.staff"
		" WHERE r.created_ms >= ? AND r.created_ms < ? ORDER BY r.created_ms, r.id",
		err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, from_ms);
	db_bind_int(st, 2, to_ms);
	yc_xlsx x;
	if (f == REF_XLSX) {
		yc_xlsx_init(&x, "好差评");
		yc_xlsx_row(&x);
		for (int i = 0; header[i]; i++)
			yc_xlsx_cell(&x, header[i]);
	}
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		char at[40], reasons[256] = "";
		yc_time_format_iso(db_col_int(st, 8), c->tz_offset_min, at, sizeof(at));
		const char *kind = db_col_text(st, 5);
		const char *type = !strcmp(kind, "business") ? "法人" : "自然人";
		int level = (int)db_col_int(st, 7);
		/* the reasons by name, joined */
		cJSON *rs = cJSON_Parse(db_col_text(st, 10));
		const cJSON *r;
		size_t used = 0;
		cJSON_ArrayForEach (r, rs) {
			for (int i = 0; cJSON_IsString(r) && review_reasons[i].code; i++)
				if (!strcmp(review_reasons[i].code, r->valuestring))
					used += (size_t)snprintf(
						reasons + used, sizeof(reasons) - used, "%s%s",
						used ? "；" : "", review_reasons[i].name);
			if (used >= sizeof(reasons))
				break;
		}
		cJSON_Delete(rs);
		const char *vals[] = {db_col_text(st, 0),
				      db_col_text(st, 1),
				      db_col_text(st, 2),
				      db_col_text(st, 3),
				      db_col_text(st, 4),
				      type,
				      db_col_text(st, 6),
				      NULL,
				      NULL,
				      review_level_name(level),
				      at,
				      region,
				      db_col_text(st, 9),
				      reasons,
				      NULL};
		int ch = channel_code(db_col_text(st, 6));
		bool excluded = db_col_int(st, 11) != 0;
		if (f == REF_XLSX) {
			yc_xlsx_row(&x);
			for (int i = 0; keys[i]; i++) {
				if (i == 7)
					yc_xlsx_number(&x, ch);
				else if (i == 8)
					yc_xlsx_number(&x, level);
				else if (i == 14)
					yc_xlsx_cell(&x, excluded ? "是" : "否");
				else if (i == 6) /* people read the channel's name */
					yc_xlsx_cell(&x,
						     review_channel_find(vals[6])
							     ? review_channel_find(vals[6])->name
							     : vals[6]);
				else
					yc_xlsx_cell(&x, vals[i]);
			}
			continue;
		}
		yc_buf_adds(out, "{");
		for (int i = 0; keys[i]; i++) {
			yc_buf_addf(out, "%s\"%s\":", i ? "," : "", keys[i]);
			if (i == 7)
				yc_buf_addf(out, "%d", ch);
			else if (i == 8)
				yc_buf_addf(out, "%d", level);
			else if (i == 14)
				yc_buf_adds(out, excluded ? "true" : "false");
			else
				yc_json_add_str(out, vals[i]);
		}
		yc_buf_adds(out, "}\n");
	}
	db_done(st);
	if (f == REF_XLSX) {
		if (rc < 0) {
			yc_xlsx_finish(&x, out);
			return rc;
		}
		return yc_xlsx_finish(&x, out) ? yc_err_set(err, YC_ENOMEM, NULL, NULL) : 0;
	}
	return rc < 0 ? rc : 0;
}
