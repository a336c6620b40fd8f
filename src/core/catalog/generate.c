/* generate.c — a synthetic catalog of n items, for benchmarks and the demo's scale. */
#include "core/catalog/catalog.h"
#include "core/catalog/internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

cJSON *catalog_generate(int n, unsigned seed)
{
	static const char *const verbs[] = {"设立", "变更", "注销", "延续",
					    "备案", "核准", "认定", "补办"};
	static const char *const objects[] = {
		"食品经营许可",	    "道路运输经营许可", "建筑工程施工许可", "排水许可",
		"户外广告设置",	    "公共场所卫生许可", "药品零售许可",	    "医疗机构执业登记",
		"民办学校办学许可", "人力资源服务许可"};
	static const char *const levels[] = {"district", "town", "village"};
	cJSON *all = cJSON_CreateObject();
	cJSON *deps = cJSON_AddArrayToObject(all, "departments");
	cJSON *items = cJSON_AddArrayToObject(all, "items");
	for (int k = 0; k < 10; k++) {
		cJSON *dep = cJSON_CreateObject();
		char code[16], name[64];
		snprintf(code, sizeof(code), "gen%02d", k);
		snprintf(name, sizeof(name), "生成部门%02d", k);
		cJSON_AddStringToObject(dep, "code", code);
		cJSON_AddStringToObject(dep, "name", name);
		cJSON_AddItemToArray(deps, dep);
	}
	unsigned s = seed ? seed : 1;
	for (int i = 0; i < n; i++) {
		s = s * 1103515245u + 12345u;
		unsigned r = s >> 8;
		char code[40], basic[16], name[128], dep[16];
		snprintf(basic, sizeof(basic), "%012d", 100000 + i);
		snprintf(code, sizeof(code), "G%s%06d", basic, i);
		snprintf(name, sizeof(name), "%s%s（%d）", objects[r % 10], verbs[(r >> 4) % 8], i);
		snprintf(dep, sizeof(dep), "gen%02u", (r >> 8) % 10);
		int depth = 1 + (int)((r >> 12) % 4);
		int legal = 5 + (int)((r >> 14) % 16);
		cJSON *it = cJSON_CreateObject();
		cJSON_AddStringToObject(it, "code", code);
		cJSON_AddStringToObject(it, "basic_code", basic);
		cJSON_AddStringToObject(it, "name", name);
		cJSON_AddStringToObject(it, "department", dep);
		cJSON_AddStringToObject(it, "level", levels[(r >> 18) % 3]);
		cJSON_AddStringToObject(it, "type", catalog_item_types[(r >> 20) % 9]);
		cJSON_AddStringToObject(it, "case_type", "promised");
		cJSON *l = cJSON_AddObjectToObject(it, "legal_limit");
		cJSON_AddNumberToObject(l, "value", legal);
		cJSON_AddStringToObject(l, "unit", "workday");
		cJSON *p = cJSON_AddObjectToObject(it, "promised_limit");
		cJSON_AddNumberToObject(p, "value", 1 + legal / 4);
		cJSON_AddStringToObject(p, "unit", "workday");
		cJSON_AddNumberToObject(it, "visits", depth == 4 ? 0 : 1);
		cJSON_AddNumberToObject(it, "online_depth", depth);
		cJSON *mats = cJSON_AddArrayToObject(it, "materials");
		for (int m = 0; m < 3; m++) {
			cJSON *mat = cJSON_CreateObject();
			char id[8], mname[64];
			snprintf(id, sizeof(id), "m%d", m + 1);
			snprintf(mname, sizeof(mname), "申请材料%d", m + 1);
			cJSON_AddStringToObject(mat, "id", id);
			cJSON_AddStringToObject(mat, "name", mname);
			cJSON_AddBoolToObject(mat, "required", m < 2);
			cJSON_AddItemToArray(mats, mat);
		}
		cJSON_AddItemToArray(items, it);
	}
	return all;
}
