/*
 * inspections.c — the demo's 双随机 set-up: the spot-check item and 首次不罚
 * lists (data/demo/inspections.json), and the enforcement officers of the
 * departments that inspect, each a staff account and a row of the
 * inspectors' roster, imported as a regulator would (a CSV, all or nothing).
 */
#include <stdio.h>
#include <string.h>

#include "core/demo/demo_internal.h"
#include "core/inspection/inspection.h"
#include "lib/json.h"
#include "lib/banned.h"

/* The officers: department, how many, the fields each in turn holds. */
static const struct {
	const char *dept, *dept_name;
	int n;
	const char *fields[4];
} officers[] = {
	{"scjg",
	 "市场监管",
	 16,
	 {"食品安全;登记公示;药品", "特种设备;登记公示;价格", "广告;价格;登记公示;食品安全",
	  "药品;食品安全;特种设备"}},
	{"wj", "卫生监督", 4, {"公共卫生", "公共卫生", NULL, NULL}},
	{"xf", "消防监督", 4, {"消防", "消防", NULL, NULL}},
	{"wl", "文化执法", 3, {"文化市场", NULL, NULL, NULL}},
	{"yj", "安全监管", 3, {"安全生产", NULL, NULL, NULL}},
	{"sthj", "环境执法", 3, {"生态环境", NULL, NULL, NULL}},
};

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄",
				       "周", "吴", "徐", "孙", "胡", "朱", "高", "林"};
static const char *const given[] = {"建国", "晓明", "海涛", "丽娜", "志强", "静",
				    "伟",   "芳",   "磊",   "敏",   "军",   "洋"};

int demo_inspections(db *d, const char *hash, yc_err *err)
{
	const char *text = demo_file("inspections.json");
	if (!text)
		return yc_err_set(err, YC_EINTERNAL, NULL,
				  "the demo inspection lists are not built in");
	cJSON *all = NULL;
	int rc = yc_json_parse(text, strlen(text), &all, err);
	if (!rc)
		rc = insp_lists_import(d, all, err);
	cJSON_Delete(all);
	yc_buf csv;
	yc_buf_init(&csv, 0);
	yc_buf_adds(&csv, "执法证号,姓名,部门,检查领域,账号\n");
	int k = 0;
	for (size_t i = 0; !rc && i < sizeof(officers) / sizeof(officers[0]); i++) {
		int nf = 0;
		while (nf < 4 && officers[i].fields[nf])
			nf++;
		for (int j = 1; !rc && j <= officers[i].n; j++, k++) {
			char username[48], name[48];
			snprintf(username, sizeof(username), "inspector-%s-%d", officers[i].dept,
				 j);
			snprintf(name, sizeof(name), "%s%s", surnames[k % 16], given[(k * 7) % 12]);
			rc = demo_account(d, hash, username, "clerk", name, NULL, NULL, NULL,
					  officers[i].dept, "jq", err);
			/* 执法证号: the province's prefix, the department's, a serial */
			yc_buf_addf(&csv, "37100%02zu%04d,%s,%s,\"%s\",%s\n", i + 1, j, name,
				    officers[i].dept, officers[i].fields[(j - 1) % nf], username);
		}
	}
	yc_user admin = {.role = ROLE_ADMIN};
	snprintf(admin.username, sizeof(admin.username), "admin");
	yc_buf out;
	yc_buf_init(&out, 0);
	if (!rc)
		rc = insp_roster_import(d, &admin, INSP_INSPECTORS, csv.data, csv.len, &out, err);
	yc_buf_release(&out);
	yc_buf_release(&csv);
	return rc;
}
