/*
 * list.c — the negative list's editions: checked as data, stored whole (one row an edition),
 * seeded from the shipped files, listed with the one in force marked.
 */
#include "core/foreign/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/embed.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

extern const struct yc_embedded yc_fdi_files[];
extern const size_t yc_fdi_files_count;

static const char *const kinds[] = {"prohibited", "restricted", NULL};

/* A GB/T 4754-2017 code: a section letter and two to four digits (division … class). */
bool fdi_code_valid(const char *s)
{
	size_t n = strlen(s);
	return n >= 3 && n <= 5 && s[0] >= 'A' && s[0] <= 'T' && strspn(s + 1, "0123456789") == n - 1;
}

static int check_conditions(const cJSON *c, int i, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"foreign_share_max", YC_JT_NUMBER, false, 0, NULL, 0, 100},
		{"chinese_control", YC_JT_BOOL, false},
		{"chinese_relative_control", YC_JT_BOOL, false},
		{"legal_rep_chinese", YC_JT_BOOL, false},
		{"joint_venture_only", YC_JT_BOOL, false},
		{"note", YC_JT_STRING, false, 2000},
	};
	yc_err inner;
	yc_err_clear(&inner);
	if (!yc_json_check(c, spec, sizeof(spec) / sizeof(*spec), &inner))
		return 0;
	return yc_err_set(err, YC_EINVAL, "measures", "measures[%d].conditions: %s", i,
			  inner.message);
}

int fdi_edition_check(const cJSON *doc, yc_err *err)
{
	static const yc_jfield top[] = {
		{"edition", YC_JT_STRING, true, 16},	{"title", YC_JT_STRING, true, 200},
		{"issued_by", YC_JT_STRING, true, 200}, {"effective", YC_JT_STRING, true, 10},
		{"source", YC_JT_STRING, false, 4000},	{"measures", YC_JT_ARRAY, true, 300},
	};
	static const yc_jfield measure[] = {
		{"no", YC_JT_INT, true, 0, NULL, 1, 300},
		{"part", YC_JT_STRING, false, 2},
		{"sector", YC_JT_STRING, true, 200},
		{"text", YC_JT_STRING, true, 4000},
		{"kind", YC_JT_STRING, true, 0, kinds},
		{"industries", YC_JT_ARRAY, true, 200},
		{"conditions", YC_JT_OBJECT, false},
	};
	int rc = yc_json_check(doc, top, sizeof(top) / sizeof(*top), err);
	if (rc || (rc = yc_json_check_each(doc, "measures", measure,
					   sizeof(measure) / sizeof(*measure), err)))
		return rc;
	const char *edition = yc_json_str(doc, "edition");
	if (!*edition || strspn(edition, "0123456789abcdefghijklmnopqrstuvwxyz-") != strlen(edition))
		return yc_err_set(err, YC_EINVAL, "edition",
				  "edition is a short name of digits, lower-case letters and -");
	int32_t day;
	if (yc_date_parse(yc_json_str(doc, "effective"), &day))
		return yc_err_set(err, YC_EINVAL, "effective", "effective is a date YYYY-MM-DD");
	const cJSON *m;
	int i = 0;
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(doc, "measures"))
	{
		char field[48];
		const cJSON *codes = cJSON_GetObjectItem(m, "industries"), *c;
		snprintf(field, sizeof(field), "measures[%d].industries", i);
		if (!cJSON_GetArraySize(codes))
			return yc_err_set(err, YC_EINVAL, field, "a measure names its industries");
		int j = 0;
		cJSON_ArrayForEach(c, codes)
		{
			if (!cJSON_IsString(c) || !fdi_code_valid(c->valuestring)) {
				snprintf(field, sizeof(field), "measures[%d].industries[%d]", i, j);
				return yc_err_set(err, YC_EINVAL, field,
						  "an industry is a GB/T 4754 code: a letter and 2 to 4 "
						  "digits");
			}
			j++;
		}
		const cJSON *cond = cJSON_GetObjectItem(m, "conditions");
		bool restricted = !strcmp(yc_json_str(m, "kind"), "restricted");
		snprintf(field, sizeof(field), "measures[%d].conditions", i);
		if (cond && !restricted)
			return yc_err_set(err, YC_EINVAL, field,
					  "only a restricted measure has conditions");
		if (restricted && !cJSON_GetArraySize(cond))
			return yc_err_set(err, YC_EINVAL, field,
					  "a restricted measure says its conditions");
		if (cond && (rc = check_conditions(cond, i, err)))
			return rc;
		i++;
	}
	return i ? 0 : yc_err_set(err, YC_EINVAL, "measures", "an edition has measures");
}

int fdi_edition_put(db *d, const yc_actor *actor, const cJSON *doc, yc_err *err)
{
	int rc = fdi_edition_check(doc, err);
	if (rc)
		return rc;
	char *text = cJSON_PrintUnformatted(doc);
	if (!text)
		return yc_err_set(err, YC_ENOMEM, NULL, "out of memory");
	const char *edition = yc_json_str(doc, "edition");
	rc = db_run(d, err, "DELETE FROM fdi_editions WHERE edition = ?", "s", edition);
	if (!rc)
		rc = db_run(d, err,
			    "INSERT INTO fdi_editions (edition, title, effective, doc, updated_ms)"
			    " VALUES (?, ?, ?, ?, ?)",
			    "ssssi", edition, yc_json_str(doc, "title"),
			    yc_json_str(doc, "effective"), text, yc_now_ms());
	free(text);
	char after[96];
	snprintf(after, sizeof(after), "{\"measures\":%d}",
		 cJSON_GetArraySize(cJSON_GetObjectItem(doc, "measures")));
	if (!rc)
		rc = audit_append(d, actor, "fdi.edition", edition, NULL, NULL, after, err);
	return rc;
}

int fdi_seed(db *d, yc_err *err)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < yc_fdi_files_count; i++) {
		const char *text = yc_fdi_files[i].text;
		cJSON *doc = NULL;
		if ((rc = yc_json_parse(text, strlen(text), &doc, err)))
			break;
		int64_t n = 0;
		rc = db_get(d, err, "SELECT COUNT(*) FROM fdi_editions WHERE edition = ?", "s", "i",
			    yc_json_str(doc, "edition") ? yc_json_str(doc, "edition") : "", &n);
		rc = rc < 0 ? rc : n ? 0 : fdi_edition_put(d, &audit_system_actor, doc, err);
		if (rc)
			yc_err_prefix(rc, err, "negative list %s", yc_fdi_files[i].name);
		cJSON_Delete(doc);
	}
	return rc;
}

/* The edition in force on day: its name ("" when none). */
int fdi_in_force(db *d, int32_t day, char *out, size_t size, yc_err *err)
{
	char on[12];
	yc_date_format(day, on, sizeof(on));
	out[0] = '\0';
	int rc = db_get(d, err,
			"SELECT edition FROM fdi_editions WHERE effective <= ?"
			" ORDER BY effective DESC LIMIT 1",
			"s", "t", on, out, size);
	return rc < 0 ? rc : 0;
}

static void counts(const cJSON *doc, int *prohibited, int *restricted)
{
	const cJSON *m;
	*prohibited = *restricted = 0;
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(doc, "measures"))
	{
		bool p = !strcmp(yc_json_str(m, "kind"), "prohibited");
		*prohibited += p;
		*restricted += !p;
	}
}

int fdi_editions_json(db *d, int32_t today, yc_buf *out, yc_err *err)
{
	char now[20];
	int rc = fdi_in_force(d, today, now, sizeof(now), err);
	if (rc)
		return rc;
	db_stmt *st = db_prepare(d, "SELECT doc FROM fdi_editions ORDER BY effective DESC", err);
	if (!st)
		return db_failed(err);
	yc_buf_adds(out, "{\"editions\":[");
	int n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		cJSON *doc = cJSON_Parse(db_col_text(st, 0));
		if (!doc)
			continue;
		int p, r;
		counts(doc, &p, &r);
		const char *e = yc_json_str(doc, "edition");
		yc_buf_adds(out, n++ ? ",{\"edition\":" : "{\"edition\":");
		yc_json_add_str(out, e);
		yc_buf_adds(out, ",\"title\":");
		yc_json_add_str(out, yc_json_str(doc, "title"));
		yc_buf_adds(out, ",\"issued_by\":");
		yc_json_add_str(out, yc_json_str(doc, "issued_by"));
		yc_buf_adds(out, ",\"effective\":");
		yc_json_add_str(out, yc_json_str(doc, "effective"));
		yc_buf_addf(out, ",\"entries\":%d,\"prohibited\":%d,\"restricted\":%d,\"in_force\":%s}",
			    p + r, p, r, !strcmp(e, now) ? "true" : "false");
		cJSON_Delete(doc);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	return yc_buf_adds(out, "]}") ? YC_ENOMEM : 0;
}

int fdi_edition_json(db *d, const char *edition, int32_t today, yc_buf *out, yc_err *err)
{
	char now[20];
	int rc = fdi_in_force(d, today, now, sizeof(now), err);
	if (rc)
		return rc;
	const char *want = edition && *edition ? edition : now;
	db_stmt *st = db_prepare(d, "SELECT doc FROM fdi_editions WHERE edition = ?", err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, want);
	rc = db_step(st, err);
	if (rc == DB_ROW) {
		size_t len = db_col_len(st, 0);
		const char *doc = db_col_text(st, 0);
		/* the stored document with whether it is in force spliced in front */
		yc_buf_addf(out, "{\"in_force\":%s,", !strcmp(want, now) ? "true" : "false");
		rc = len > 2 ? yc_buf_add(out, doc + 1, len - 1) : yc_buf_adds(out, "\"\":0}");
	} else if (rc == DB_DONE) {
		rc = yc_err_set(err, YC_ENOTFOUND, "edition", "no edition %s of the negative list",
				want);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}
