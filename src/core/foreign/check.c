/*
 * check.c — an investment against the edition in force: each declared industry (a 4-digit
 * GB/T 4754 class) matched to the measures whose codes cover it (a measure's division,
 * group or class is a prefix of the class), prohibitions refuse, restrictions have their
 * conditions checked against what the investor declared, the rest is national treatment.
 */
#include "core/foreign/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static const char *const nationalities[] = {"中国", "外国", NULL};
static const char *const largest[] = {"中方", "外方", NULL};

struct invest {
	char codes[FDI_INDUSTRIES_MAX][8];
	int n;
	double share; /* the foreign share, percent */
	const char *nationality, *largest;
};

static int field_err(yc_err *err, const char *prefix, const char *name, const char *fmt,
		     const char *arg)
{
	char field[48];
	snprintf(field, sizeof(field), "%s%s", prefix, name);
	return yc_err_set(err, YC_EINVAL, field, fmt, arg);
}

/* The industries as an array of codes or one text of codes split by commas, 、 or spaces. */
static int parse_codes(const cJSON *v, const char *prefix, struct invest *in, yc_err *err)
{
	in->n = 0;
	if (cJSON_IsArray(v)) {
		const cJSON *c;
		cJSON_ArrayForEach(c, v)
		{
			if (!cJSON_IsString(c) || strlen(c->valuestring) != 5 ||
			    !fdi_code_valid(c->valuestring) || in->n == FDI_INDUSTRIES_MAX)
				return field_err(err, prefix, "industries",
						 "%s lists up to 20 GB/T 4754 classes, a letter and "
						 "four digits each (e.g. I6513)",
						 "industries");
			snprintf(in->codes[in->n++], 8, "%s", c->valuestring);
		}
	} else if (cJSON_IsString(v)) {
		const char *p = v->valuestring;
		while (*p) {
			if (*p == ',' || *p == ' ' || *p == ';') {
				p++;
				continue;
			}
			if (!strncmp(p, "、", 3) || !strncmp(p, "，", 3)) {
				p += 3;
				continue;
			}
			size_t len = strcspn(p, ",; 、，");
			char code[8] = "";
			if (len == 5)
				memcpy(code, p, 5);
			if (len != 5 || !fdi_code_valid(code) || in->n == FDI_INDUSTRIES_MAX)
				return field_err(err, prefix, "industries",
						 "%s lists up to 20 GB/T 4754 classes, a letter and "
						 "four digits each (e.g. I6513), split by commas",
						 "industries");
			snprintf(in->codes[in->n++], 8, "%s", code);
			p += len;
		}
	}
	return in->n ? 0
		     : field_err(err, prefix, "industries",
				 "%s names the business's industries (GB/T 4754 classes)", "industries");
}

static int parse(const cJSON *v, const char *prefix, struct invest *in, yc_err *err)
{
	*in = (struct invest){0};
	int rc = parse_codes(cJSON_GetObjectItem(v, "industries"), prefix, in, err);
	if (rc)
		return rc;
	const cJSON *share = cJSON_GetObjectItem(v, "foreign_share");
	if (!cJSON_IsNumber(share) || !(share->valuedouble > 0) || share->valuedouble > 100)
		return field_err(err, prefix, "foreign_share",
				 "%s is the foreign investors' share in percent, above 0 and at "
				 "most 100",
				 "foreign_share");
	in->share = share->valuedouble;
	in->nationality = yc_json_str(v, "legal_rep_nationality");
	if (in->nationality && *in->nationality && !yc_one_of(in->nationality, nationalities))
		return field_err(err, prefix, "legal_rep_nationality", "%s is 中国 or 外国",
				 "legal_rep_nationality");
	in->largest = yc_json_str(v, "largest_shareholder");
	if (in->largest && *in->largest && !yc_one_of(in->largest, largest))
		return field_err(err, prefix, "largest_shareholder", "%s is 中方 or 外方",
				 "largest_shareholder");
	return 0;
}

int fdi_check_input(const cJSON *in, const char *prefix, yc_err *err)
{
	struct invest v;
	return parse(in, prefix, &v, err);
}

static void unmet(yc_buf *b, int *n, const char *field, const char *requirement)
{
	yc_buf_adds(b, (*n)++ ? ",{\"field\":" : "{\"field\":");
	yc_json_add_str(b, field);
	yc_buf_adds(b, ",\"requirement\":");
	yc_json_add_str(b, requirement);
	yc_buf_addc(b, '}');
}

/* A restriction's conditions against the investment: each one unmet written; how many. */
static int conditions(const cJSON *c, const struct invest *in, yc_buf *b)
{
	int n = 0;
	const cJSON *max = cJSON_GetObjectItem(c, "foreign_share_max");
	char text[96];
	if (cJSON_IsNumber(max) && in->share > max->valuedouble + 1e-9) {
		snprintf(text, sizeof(text), "外资股比不超过%g%%", max->valuedouble);
		unmet(b, &n, "foreign_share", text);
	}
	if (yc_json_bool(c, "chinese_control", false) && in->share >= 50)
		unmet(b, &n, "foreign_share", "须由中方控股（外资股比低于50%）");
	if (yc_json_bool(c, "joint_venture_only", false) && in->share >= 100)
		unmet(b, &n, "foreign_share", "限于合资、合作（须有中方投资者）");
	if (yc_json_bool(c, "chinese_relative_control", false) &&
	    !(in->share < 50 || (in->largest && !strcmp(in->largest, "中方"))))
		unmet(b, &n, "largest_shareholder", "须由中方相对控股（中方为第一大股东）");
	if (yc_json_bool(c, "legal_rep_chinese", false) &&
	    !(in->nationality && !strcmp(in->nationality, "中国")))
		unmet(b, &n, "legal_rep_nationality", "法定代表人须具有中国国籍");
	return n;
}

/* The declared codes a measure covers, written as a JSON array; how many. */
static int covered(const cJSON *m, const struct invest *in, yc_buf *b)
{
	int n = 0;
	yc_buf_addc(b, '[');
	for (int i = 0; i < in->n; i++) {
		const cJSON *c;
		cJSON_ArrayForEach(c, cJSON_GetObjectItem(m, "industries"))
		{
			if (cJSON_IsString(c) &&
			    !strncmp(in->codes[i], c->valuestring, strlen(c->valuestring))) {
				if (n++)
					yc_buf_addc(b, ',');
				yc_json_add_str(b, in->codes[i]);
				break;
			}
		}
	}
	yc_buf_addc(b, ']');
	return n;
}

/* The verdict of in under doc (an edition, NULL: none in force) into out. */
static int verdict(const cJSON *doc, const struct invest *in, yc_buf *out, bool *allowed,
		   struct fdi_refusal *why)
{
	bool prohibited = false, restricted = false;
	*allowed = true;
	yc_buf ms;
	yc_buf_init(&ms, 0);
	int n = 0;
	const cJSON *m;
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(doc, "measures"))
	{
		yc_buf codes, un;
		yc_buf_init(&codes, 0);
		yc_buf_init(&un, 0);
		if (covered(m, in, &codes)) {
			bool p = !strcmp(yc_json_str(m, "kind"), "prohibited");
			int k = 0;
			yc_buf_addc(&un, '[');
			if (p)
				unmet(&un, &k, "industries", "禁止投资");
			else
				k = conditions(cJSON_GetObjectItem(m, "conditions"), in, &un);
			yc_buf_addc(&un, ']');
			prohibited |= p;
			restricted |= !p;
			if (k && *allowed && why) {
				cJSON *first = cJSON_Parse(un.data);
				const cJSON *u = cJSON_GetArrayItem(first, 0);
				snprintf(why->field, sizeof(why->field), "%s", yc_json_str(u, "field"));
				snprintf(why->requirement, sizeof(why->requirement), "%s",
					 yc_json_str(u, "requirement"));
				why->no = (int)yc_json_int(m, "no", 0);
				snprintf(why->text, sizeof(why->text), "%s", yc_json_str(m, "text"));
				cJSON_Delete(first);
			}
			*allowed &= !k;
			yc_buf_addf(&ms, "%s{\"no\":%lld,", n++ ? "," : "",
				    (long long)yc_json_int(m, "no", 0));
			if (yc_json_str(m, "part")) {
				yc_buf_adds(&ms, "\"part\":");
				yc_json_add_str(&ms, yc_json_str(m, "part"));
				yc_buf_addc(&ms, ',');
			}
			yc_buf_adds(&ms, "\"sector\":");
			yc_json_add_str(&ms, yc_json_str(m, "sector"));
			yc_buf_adds(&ms, ",\"text\":");
			yc_json_add_str(&ms, yc_json_str(m, "text"));
			yc_buf_addf(&ms, ",\"kind\":\"%s\",\"industries\":%s,\"unmet\":%s",
				    p ? "prohibited" : "restricted", codes.data, un.data);
			const cJSON *cond = cJSON_GetObjectItem(m, "conditions");
			if (cond) {
				yc_buf_adds(&ms, ",\"conditions\":");
				yc_json_add_item(&ms, cond);
			}
			yc_buf_addc(&ms, '}');
		}
		yc_buf_release(&codes);
		yc_buf_release(&un);
	}
	yc_buf_adds(out, "{\"edition\":");
	yc_json_add_str(out, doc ? yc_json_str(doc, "edition") : NULL);
	yc_buf_adds(out, ",\"title\":");
	yc_json_add_str(out, doc ? yc_json_str(doc, "title") : NULL);
	yc_buf_addf(out, ",\"verdict\":\"%s\",\"allowed\":%s,\"measures\":[",
		    prohibited ? "prohibited" : restricted ? "restricted" : "national_treatment",
		    *allowed ? "true" : "false");
	yc_buf_add(out, ms.data, ms.len);
	yc_buf_adds(out, "]}");
	yc_buf_release(&ms);
	if (why && doc)
		snprintf(why->title, sizeof(why->title), "%s", yc_json_str(doc, "title"));
	return 0;
}

static int load_in_force(db *d, int32_t day, cJSON **doc, yc_err *err)
{
	char on[12];
	yc_date_format(day, on, sizeof(on));
	*doc = NULL;
	db_stmt *st = db_prepare(d,
				 "SELECT doc FROM fdi_editions WHERE effective <= ?"
				 " ORDER BY effective DESC LIMIT 1",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, on);
	int rc = db_step(st, err);
	if (rc == DB_ROW)
		rc = yc_json_parse(db_col_text(st, 0), db_col_len(st, 0), doc, err);
	else if (rc == DB_DONE)
		rc = 0;
	db_done(st);
	return rc;
}

int fdi_judge(db *d, const cJSON *in, const char *prefix, int32_t day, yc_buf *out,
	      bool *allowed, struct fdi_refusal *why, yc_err *err)
{
	struct invest v;
	int rc = parse(in, prefix, &v, err);
	cJSON *doc = NULL;
	if (!rc)
		rc = load_in_force(d, day, &doc, err);
	if (!rc)
		rc = verdict(doc, &v, out, allowed, why);
	cJSON_Delete(doc);
	return rc;
}

int fdi_check(db *d, const cJSON *in, int32_t day, yc_buf *out, bool *allowed, yc_err *err)
{
	return fdi_judge(d, in, "", day, out, allowed, NULL, err);
}

int fdi_form_rules(db *d, void *arg, const char *item, const cJSON *form, yc_err *err)
{
	const struct fdi_ctx *c = arg;
	int rc = c && c->then ? c->then(d, c->then_arg, item, form, err) : 0;
	if (rc || !c)
		return rc;
	int i = 0;
	while (i < c->nitems && strcmp(item, c->items[i]))
		i++;
	const char *investment = yc_json_str(form, "investment");
	if (i == c->nitems || !investment || strcmp(investment, FDI_FOREIGN))
		return 0;
	int32_t day = (int32_t)((yc_now_ms() / 60000 + c->tz_offset_min) / 1440);
	yc_buf out;
	yc_buf_init(&out, 0);
	bool allowed = true;
	struct fdi_refusal why = {0};
	rc = fdi_judge(d, form, "form.", day, &out, &allowed, &why, err);
	yc_buf_release(&out);
	if (rc || allowed)
		return rc;
	char field[48];
	snprintf(field, sizeof(field), "form.%s", why.field);
	return yc_err_set(err, YC_EINVAL, field, "%s 第%d条：%s（%s）", why.title, why.no, why.text,
			  why.requirement);
}
