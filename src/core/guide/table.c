/*
 * table.c — the guide's two tables: the synonyms (colloquial phrase → the catalog's words,
 * edited by the administrator as one list) and the questions it could not answer (masked,
 * counted per question, for the administrator to add a synonym or an item).
 */
#include "core/guide/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "lib/embed.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

extern const struct yc_embedded yc_guide_files[];
extern const size_t yc_guide_files_count;

static bool overseer(const yc_user *u)
{
	return u->role == ROLE_SUPERVISOR || u->role == ROLE_ADMIN;
}

/* ---- the unanswered log -------------------------------------------------- */

void guide_mask(const char *q, char *out, size_t size)
{
	size_t o = 0;
	bool space = false;
	for (const char *p = q; *p && o + 5 < size;) {
		size_t digits = strspn(p, "0123456789");
		/* an ID number ends in X: the whole run goes */
		if (digits >= 4) {
			p += digits;
			if (*p == 'X' || *p == 'x')
				p++;
			memcpy(out + o, "****", 4);
			o += 4;
			space = false;
			continue;
		}
		if (*p == '@') { /* an e-mail address: its local part is already out; mask both */
			while (o > 0 && out[o - 1] != ' ' && (unsigned char)out[o - 1] < 0x80)
				o--;
			memcpy(out + o, "***@", 4);
			o += 4;
			for (p++; *p && *p != ' ' && (unsigned char)*p < 0x80; p++)
				;
			space = false;
			continue;
		}
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			if (o && !space)
				out[o++] = ' ';
			space = true;
			p++;
			continue;
		}
		space = false;
		/* whole characters only */
		size_t n = 1;
		while (p[n] && ((unsigned char)p[n] & 0xC0) == 0x80)
			n++;
		if (o + n + 1 > size)
			break;
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

int guide_unanswered_log(db *d, const char *masked, const char *channel, int64_t now_ms,
			 yc_err *err)
{
	return db_run(d, err,
		      "INSERT INTO guide_unanswered (question, channel, asked, first_ms, last_ms)"
		      " VALUES (?, ?, 1, ?, ?) ON CONFLICT (question) DO UPDATE SET"
		      " asked = guide_unanswered.asked + 1, last_ms = excluded.last_ms,"
		      " channel = excluded.channel",
		      "ssii", masked, channel, now_ms, now_ms);
}

int guide_unanswered_json(db *d, const yc_user *u, int limit, yc_buf *out, yc_err *err)
{
	if (!overseer(u))
		return yc_err_set(err, YC_EFORBIDDEN, NULL,
				  "the unanswered questions are for supervisors and the admin");
	int64_t total = 0, asked = 0;
	int rc = db_get(d, err,
			"SELECT COUNT(*), COALESCE(SUM(asked), 0) FROM guide_unanswered", "", "ii",
			&total, &asked);
	if (rc < 0)
		return rc;
	db_stmt *st = db_prepare(d,
				 "SELECT question, channel, asked, first_ms, last_ms FROM"
				 " guide_unanswered ORDER BY asked DESC, last_ms DESC LIMIT ?",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, limit);
	yc_buf_addf(out, "{\"total\":%lld,\"asked\":%lld,\"questions\":", (long long)total,
		    (long long)asked);
	rc = db_rows_json(st, "ssiii", out, err);
	return rc ? rc : yc_buf_adds(out, "}") ? YC_ENOMEM : 0;
}

/* ---- synonyms ------------------------------------------------------------ */

int guide_synonyms_json(db *d, const yc_user *u, yc_buf *out, yc_err *err)
{
	if (!overseer(u))
		return yc_err_set(err, YC_EFORBIDDEN, NULL,
				  "the synonyms are for supervisors and the admin");
	db_stmt *st = db_prepare(d, "SELECT phrase, terms FROM guide_synonyms ORDER BY phrase",
				 err);
	if (!st)
		return db_failed(err);
	yc_buf_adds(out, "{\"synonyms\":");
	int rc = db_rows_json(st, "ss", out, err);
	return rc ? rc : yc_buf_adds(out, "}") ? YC_ENOMEM : 0;
}

int guide_synonyms_check(const cJSON *body, yc_err *err)
{
	static const yc_jfield top[] = {{"synonyms", YC_JT_ARRAY, true, GUIDE_SYNONYMS_MAX}};
	static const yc_jfield row[] = {{"phrase", YC_JT_STRING, true, GUIDE_PHRASE_MAX},
					{"terms", YC_JT_STRING, true, GUIDE_TERMS_MAX}};
	int rc = yc_json_check(body, top, 1, err);
	if (rc || (rc = yc_json_check_each(body, "synonyms", row, 2, err)))
		return rc;
	const cJSON *list = cJSON_GetObjectItem(body, "synonyms"), *s;
	int i = 0;
	cJSON_ArrayForEach(s, list)
	{
		const char *phrase = yc_json_str(s, "phrase"), *terms = yc_json_str(s, "terms");
		char field[48];
		snprintf(field, sizeof(field), "synonyms[%d].phrase", i);
		if (!*phrase || strpbrk(phrase, " \t\r\n"))
			return yc_err_set(err, YC_EINVAL, field,
					  "a phrase is one piece of text without spaces");
		struct guide_key k[4];
		if (!guide_keys(phrase, k, 4))
			return yc_err_set(err, YC_EINVAL, field,
					  "a phrase needs a Chinese character, a letter or a digit");
		for (const char *p = phrase; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				return yc_err_set(err, YC_EINVAL, field,
						  "write a phrase's Latin letters in lower case");
		const cJSON *t;
		int j = 0;
		cJSON_ArrayForEach(t, list)
		{
			if (j++ >= i)
				break;
			if (!strcmp(yc_json_str(t, "phrase"), phrase))
				return yc_err_set(err, YC_EINVAL, field, "%s is listed twice (synonyms[%d])",
						  phrase, j - 1);
		}
		snprintf(field, sizeof(field), "synonyms[%d].terms", i);
		if (!guide_keys(terms, k, 4))
			return yc_err_set(err, YC_EINVAL, field,
					  "name the catalog's words the phrase means");
		i++;
	}
	return 0;
}

static int replace_rows(db *d, const cJSON *list, int64_t now_ms, yc_err *err)
{
	int rc = db_run(d, err, "DELETE FROM guide_synonyms", "");
	const cJSON *s;
	cJSON_ArrayForEach(s, list)
	{
		if (rc)
			break;
		rc = db_run(d, err,
			    "INSERT INTO guide_synonyms (phrase, terms, updated_ms) VALUES (?, ?, ?)",
			    "ssi", yc_json_str(s, "phrase"), yc_json_str(s, "terms"), now_ms);
	}
	return rc;
}

int guide_synonyms_replace(db *d, const yc_user *u, const cJSON *body, int64_t now_ms,
			   yc_buf *out, yc_err *err)
{
	if (u->role != ROLE_ADMIN)
		return yc_err_set(err, YC_EFORBIDDEN, NULL, "only the admin edits the synonyms");
	int rc = guide_synonyms_check(body, err);
	const cJSON *list = cJSON_GetObjectItem(body, "synonyms");
	if (rc || (rc = replace_rows(d, list, now_ms, err)))
		return rc;
	int n = cJSON_GetArraySize(list);
	char after[48];
	snprintf(after, sizeof(after), "{\"synonyms\":%d}", n);
	yc_actor a = {u->username, account_role_name(u->role)};
	if ((rc = audit_append(d, &a, "guide.synonyms", "guide", NULL, NULL, after, err)))
		return rc;
	return yc_buf_adds(out, after) ? YC_ENOMEM : 0;
}

static const char *shipped(const char *name)
{
	for (size_t i = 0; i < yc_guide_files_count; i++)
		if (!strcmp(yc_guide_files[i].name, name))
			return yc_guide_files[i].text;
	return NULL;
}

int guide_asked_seed(db *d, yc_err *err)
{
	int64_t n = 0;
	int rc = db_get(d, err, "SELECT COUNT(*) FROM guide_asked", "", "i", &n);
	const char *text = shipped("asked.json");
	if (rc < 0 || n > 0 || !text)
		return rc < 0 ? rc : 0;
	cJSON *doc = NULL;
	if ((rc = yc_json_parse(text, strlen(text), &doc, err)))
		return rc;
	int64_t now = yc_now_ms();
	const cJSON *e, *q;
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(doc, "asked"))
	{
		const char *code = yc_json_str(e, "code");
		cJSON_ArrayForEach(q, cJSON_GetObjectItem(e, "questions"))
		{
			if (!rc && code && cJSON_IsString(q))
				rc = db_run(d, err,
					    "INSERT INTO guide_asked (code, question, updated_ms) VALUES"
					    " (?, ?, ?) ON CONFLICT (code, question) DO NOTHING",
					    "ssi", code, q->valuestring, now);
		}
	}
	cJSON_Delete(doc);
	return rc;
}

int guide_synonyms_seed(db *d, yc_err *err)
{
	int64_t n = 0;
	int rc = db_get(d, err, "SELECT COUNT(*) FROM guide_synonyms", "", "i", &n);
	if (rc < 0 || n > 0)
		return rc < 0 ? rc : 0;
	const char *text = shipped("synonyms.json");
	if (!text)
		return 0;
	cJSON *doc = NULL;
	if ((rc = yc_json_parse(text, strlen(text), &doc, err)))
		return rc;
	cJSON *rows = cJSON_GetObjectItem(doc, "synonyms");
	cJSON *body = cJSON_CreateObject();
	cJSON_AddItemReferenceToObject(body, "synonyms", rows);
	if (!(rc = guide_synonyms_check(body, err)))
		rc = replace_rows(d, rows, yc_now_ms(), err);
	cJSON_Delete(body);
	cJSON_Delete(doc);
	return rc;
}
