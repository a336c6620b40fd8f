/*
 * bank.c — the training bank (应知应会题库) made from the catalog.
 *
 * For each item of each hall category, up to eight questions whose answers are the
 * item's own fields: its legal limit and its promised limit (single choice among
 * limits), one of its required materials and a material it does not ask for (true or
 * false), the department that decides it (single choice), whether it is free (true or
 * false), its materials (multiple choice among other items' materials) and how far it
 * is online (single choice). Distractors and the order of options are picked by a
 * hash of the item's code, so the bank is the same every time it is made from the same
 * catalog; making it again replaces it (quizzes keep their question ids, which stay).
 */
#include "core/training/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/banned.h"

enum { MAX_POOL = 512 };

struct pools {
	char (*materials)[160];
	int nmaterials;
	char depts[64][80];
	int ndepts;
};

static uint32_t fnv(const char *s, int salt)
{
	uint32_t h = 2166136261u ^ (uint32_t)salt;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static void limit_text(const cJSON *lim, char *out, size_t size)
{
	int64_t v = yc_json_int(lim, "value", 0);
	const char *unit = yc_json_str(lim, "unit");
	if (!v)
		snprintf(out, size, "即办");
	else
		snprintf(out, size, "%lld个工作%s", (long long)v,
			 unit && !strcmp(unit, "workhour") ? "小时" : "日");
}

/* Writes one question: options (NULL for true/false) and its answer. */
static int put(db *d, const char *cat, const char *item, int n, const char *kind, const char *text,
	       cJSON *options, const char *answer, const char *basis, int64_t *count, yc_err *err)
{
	char id[64];
	snprintf(id, sizeof(id), "%s-%s-%d", cat, item, n);
	char *opts = options ? cJSON_PrintUnformatted(options) : NULL;
	int rc = db_run(
		d, err,
		"INSERT INTO train_questions (id, category, item, kind, text, options, answer,"
		" basis) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
		" kind = excluded.kind, text = excluded.text, options = excluded.options,"
		" answer = excluded.answer, basis = excluded.basis",
		"ssssssss", id, cat, item, kind, text, opts ? opts : "[]", answer, basis);
	cJSON_free(opts);
	cJSON_Delete(options);
	if (!rc)
		(*count)++;
	return rc;
}

/*
 * A single-choice question: the right text and three distractors from pool (none equal
 * to it), in an order the hash picks; *letter the right one's.
 */
static cJSON *choices(const char *right, const char *const *pool, int npool, uint32_t h,
		      char *letter)
{
	const char *opt[4] = {right, NULL, NULL, NULL};
	int n = 1;
	for (int k = 0; n < 4 && k < npool * 2; k++) {
		const char *p = pool[(h / 7 + (uint32_t)k * 5u) % (uint32_t)npool];
		bool dup = false;
		for (int j = 0; j < n; j++)
			dup |= !strcmp(opt[j], p);
		if (!dup)
			opt[n++] = p;
	}
	int at = (int)(h % (uint32_t)n);
	const char *tmp = opt[0];
	opt[0] = opt[at];
	opt[at] = tmp;
	cJSON *a = cJSON_CreateArray();
	for (int j = 0; j < n; j++)
		cJSON_AddItemToArray(a, cJSON_CreateString(opt[j]));
	*letter = (char)('A' + at);
	return a;
}

static const char *const limits[] = {"即办",	   "1个工作日",	 "2个工作日",  "3个工作日",
				     "5个工作日",  "7个工作日",	 "10个工作日", "15个工作日",
				     "20个工作日", "30个工作日", "60个工作日", "2个工作小时"};
static const char *const depths[] = {"一级：网上发布办事指南", "二级：网上预约、下载表格",
				     "三级：网上申报、审批部分环节",
				     "四级：全程网办、结果网上送达"};

static int item_questions(db *d, const struct pools *p, const char *cat, const char *code,
			  const cJSON *doc, const char *dept, int64_t *count, yc_err *err)
{
	const char *name = yc_json_str(doc, "name");
	char text[400], right[160], basis[200], letter[2] = "A";
	uint32_t h = fnv(code, 0);
	int rc;
	/* 1, 2: the limits */
	limit_text(cJSON_GetObjectItemCaseSensitive(doc, "legal_limit"), right, sizeof(right));
	snprintf(text, sizeof(text), "「%s」的法定办结时限是？", name);
	cJSON *o = choices(right, limits, 12, fnv(code, 1), letter);
	if ((rc = put(d, cat, code, 1, "single", text, o, letter, "办事指南：法定办结时限", count,
		      err)))
		return rc;
	limit_text(cJSON_GetObjectItemCaseSensitive(doc, "promised_limit"), right, sizeof(right));
	snprintf(text, sizeof(text), "「%s」承诺的办结时限是？", name);
	o = choices(right, limits, 12, fnv(code, 2), letter);
	if ((rc = put(d, cat, code, 2, "single", text, o, letter, "办事指南：承诺办结时限", count,
		      err)))
		return rc;
	/* 3, 4: a material it asks for, and one it does not */
	const cJSON *mats = cJSON_GetObjectItemCaseSensitive(doc, "materials"), *m;
	const char *own[16];
	int nown = 0;
	cJSON_ArrayForEach (m, mats)
		if (nown < 16 && yc_json_str(m, "name"))
			own[nown++] = yc_json_str(m, "name");
	if (nown) {
		snprintf(text, sizeof(text), "办理「%s」需要提交「%s」。", name,
			 own[h % (uint32_t)nown]);
		if ((rc = put(d, cat, code, 3, "truefalse", text, NULL, "T", "办事指南：申请材料",
			      count, err)))
			return rc;
	}
	for (int k = 0; k < p->nmaterials; k++) {
		const char *other =
			p->materials[(h / 3 + (uint32_t)k * 11u) % (uint32_t)p->nmaterials];
		bool mine = false;
		for (int j = 0; j < nown; j++)
			mine |= !strcmp(own[j], other);
		if (mine)
			continue;
		snprintf(text, sizeof(text), "办理「%s」需要提交「%s」。", name, other);
		if ((rc = put(d, cat, code, 4, "truefalse", text, NULL, "F", "办事指南：申请材料",
			      count, err)))
			return rc;
		break;
	}
	/* 5: the department */
	const char *dname = dept;
	for (int k = 0; k < p->ndepts; k++)
		if (!strncmp(p->depts[k], dept, strlen(dept)) && p->depts[k][strlen(dept)] == '=')
			dname = p->depts[k] + strlen(dept) + 1;
	const char *dpool[64];
	for (int k = 0; k < p->ndepts; k++)
		dpool[k] = strchr(p->depts[k], '=') + 1;
	snprintf(text, sizeof(text), "「%s」由哪个部门审批（办理）？", name);
	o = choices(dname, dpool, p->ndepts, fnv(code, 5), letter);
	if ((rc = put(d, cat, code, 5, "single", text, o, letter, "办事指南：实施主体", count,
		      err)))
		return rc;
	/* 6: the fees */
	bool free_ = yc_json_bool(doc, "fee_free", true);
	snprintf(text, sizeof(text), "办理「%s」不收取任何费用。", name);
	if ((rc = put(d, cat, code, 6, "truefalse", text, NULL, free_ ? "T" : "F",
		      "办事指南：收费标准", count, err)))
		return rc;
	/* 7: its materials among others' (two of its own at most, two others) */
	if (nown >= 2) {
		cJSON *opts = cJSON_CreateArray();
		char ans[16] = "";
		const char *pick[4] = {own[0], own[1], NULL, NULL};
		int n = 2;
		for (int k = 0; n < 4 && k < p->nmaterials; k++) {
			const char *other =
				p->materials[(h / 5 + (uint32_t)k * 13u) % (uint32_t)p->nmaterials];
			bool taken = false;
			for (int j = 0; j < nown; j++)
				taken |= !strcmp(own[j], other);
			for (int j = 0; j < n; j++)
				taken |= !strcmp(pick[j], other);
			if (!taken)
				pick[n++] = other;
		}
		/* rotate by the hash, so the right ones are not always A and B */
		int r = (int)(h % (uint32_t)n);
		for (int j = 0; j < n; j++) {
			int src = (j + r) % n;
			cJSON_AddItemToArray(opts, cJSON_CreateString(pick[src]));
			if (src < 2)
				snprintf(ans + strlen(ans), sizeof(ans) - strlen(ans), "%s%c",
					 ans[0] ? "," : "", 'A' + j);
		}
		snprintf(text, sizeof(text), "办理「%s」需要提交下列哪些材料？（多选）", name);
		snprintf(basis, sizeof(basis), "办事指南：申请材料");
		if ((rc = put(d, cat, code, 7, "multi", text, opts, ans, basis, count, err)))
			return rc;
	}
	/* 8: how far it is online */
	int64_t depth = yc_json_int(doc, "online_depth", 1);
	snprintf(text, sizeof(text), "「%s」的网上办理深度是？", name);
	cJSON *dep = cJSON_CreateArray();
	for (int k = 0; k < 4; k++)
		cJSON_AddItemToArray(dep, cJSON_CreateString(depths[k]));
	letter[0] = (char)('A' + depth - 1);
	return put(d, cat, code, 8, "single", text, dep, letter, "办事指南：网上办理深度", count,
		   err);
}

static int load_pools(db *d, struct pools *p, yc_err *err)
{
	db_stmt *st = db_prepare(d, "SELECT code, name FROM departments ORDER BY code", err);
	if (!st)
		return db_failed(err);
	int rc = 0;
	while (p->ndepts < 64 && (rc = db_step(st, err)) == DB_ROW)
		snprintf(p->depts[p->ndepts++], sizeof(p->depts[0]), "%s=%s", db_col_text(st, 0),
			 db_col_text(st, 1));
	db_done(st);
	if (rc < 0)
		return rc;
	if (!(p->materials = calloc(MAX_POOL, sizeof(*p->materials))))
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	if (!(st = db_prepare(d, "SELECT doc FROM items WHERE status = 'active' ORDER BY code",
			      err)))
		return db_failed(err);
	while ((rc = db_step(st, err)) == DB_ROW) {
		cJSON *doc = cJSON_Parse(db_col_text(st, 0));
		const cJSON *m;
		cJSON_ArrayForEach (m, cJSON_GetObjectItemCaseSensitive(doc, "materials")) {
			const char *n = yc_json_str(m, "name");
			bool seen = !n;
			for (int k = 0; !seen && k < p->nmaterials; k++)
				seen = !strcmp(p->materials[k], n);
			if (!seen && p->nmaterials < MAX_POOL)
				snprintf(p->materials[p->nmaterials++], sizeof(p->materials[0]),
					 "%s", n);
		}
		cJSON_Delete(doc);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

int train_bank_generate(db *d, int64_t *count, yc_err *err)
{
	*count = 0;
	struct pools p = {0};
	int rc = load_pools(d, &p, err);
	db_stmt *st =
		rc ? NULL
		   : db_prepare(d, "SELECT code, items FROM hall_categories ORDER BY code", err);
	if (!rc && !st)
		rc = db_failed(err);
	struct cat {
		char code[4];
		cJSON *items;
	} cats[32];
	int ncats = 0;
	int step = DB_ROW;
	while (st && ncats < 32 && (step = db_step(st, err)) == DB_ROW) {
		db_col_copy(st, 0, cats[ncats].code, sizeof(cats[0].code));
		cats[ncats++].items = cJSON_Parse(db_col_text(st, 1));
	}
	if (st)
		db_done(st);
	if (!rc && step < 0)
		rc = step;
	for (int i = 0; !rc && i < ncats; i++) {
		const cJSON *code;
		cJSON_ArrayForEach (code, cats[i].items) {
			if (!cJSON_IsString(code))
				continue;
			char doc[65536] = "", dept[32] = "";
			int g = db_get(d, err,
				       "SELECT doc, department FROM items WHERE code = ? AND"
				       " status = 'active'",
				       "s", "tt", code->valuestring, doc, sizeof(doc), dept,
				       sizeof(dept));
			if (g < 0) {
				rc = g;
				break;
			}
			if (g == DB_DONE)
				continue;
			cJSON *j = cJSON_Parse(doc);
			rc = j ? item_questions(d, &p, cats[i].code, code->valuestring, j, dept,
						count, err)
			       : 0;
			cJSON_Delete(j);
			if (rc)
				break;
		}
	}
	for (int i = 0; i < ncats; i++)
		cJSON_Delete(cats[i].items);
	free(p.materials);
	return rc;
}
