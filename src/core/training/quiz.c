/*
 * quiz.c — a quiz drawn at random from a category's questions, its grading, the passes
 * it records, the record views, and the hall's sign-in check.
 *
 * A quiz draws min(quiz-size, the category's questions) distinct questions by a partial
 * Fisher–Yates shuffle over the category's ids with the system's random bytes (rejection
 * sampling, no modulo bias). It is answered once: each question is right when the answer
 * given is exactly the stored one (a multiple choice needs every right option and no
 * other); the score is the percent right, rounded down; pass-percent or more passes the
 * category (a later pass keeps the best score).
 */
#include "core/training/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

int64_t train_now(const struct train_ctx *c)
{
	return c && c->now_ms ? c->now_ms : yc_now_ms();
}

bool train_overseer(const yc_user *u)
{
	return u->role == ROLE_SUPERVISOR || u->role == ROLE_ADMIN;
}

/* A uniform integer below n from the system's random bytes (rejection, no modulo bias). */
static int below(uint32_t n, uint32_t *out)
{
	uint32_t limit = UINT32_MAX - UINT32_MAX % n, x;
	do {
		if (yc_random_bytes(&x, sizeof(x)))
			return YC_EINTERNAL;
	} while (x >= limit);
	*out = x % n;
	return 0;
}

int train_quiz_draw(db *d, const struct train_ctx *c, const yc_user *u, const char *category,
		    yc_buf *out, yc_err *err)
{
	if (u->role != ROLE_CLERK && u->role != ROLE_APPROVER && !train_overseer(u))
		return yc_err_set(err, YC_EFORBIDDEN, NULL, "quizzes are for the hall's staff");
	db_stmt *st =
		db_prepare(d, "SELECT id FROM train_questions WHERE category = ? ORDER BY id", err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, category);
	char(*ids)[64] = NULL;
	int n = 0, cap = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			void *g = realloc(ids, (size_t)cap * sizeof(*ids));
			if (!g) {
				rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
				break;
			}
			ids = g;
		}
		db_col_copy(st, 0, ids[n++], sizeof(ids[0]));
	}
	db_done(st);
	if (rc >= 0 && !n)
		rc = yc_err_set(err, YC_ENOTFOUND, "category", "no questions in category %s",
				category);
	int k = n < c->quiz_size ? n : c->quiz_size;
	/* partial Fisher–Yates: the first k places */
	for (int i = 0; rc >= 0 && i < k; i++) {
		uint32_t j;
		if (below((uint32_t)(n - i), &j)) {
			rc = yc_err_set(err, YC_EINTERNAL, NULL, "no randomness");
			break;
		}
		char tmp[64];
		memcpy(tmp, ids[i], sizeof(tmp));
		memcpy(ids[i], ids[i + (int)j], sizeof(tmp));
		memcpy(ids[i + (int)j], tmp, sizeof(tmp));
	}
	cJSON *list = cJSON_CreateArray();
	for (int i = 0; rc >= 0 && i < k; i++)
		cJSON_AddItemToArray(list, cJSON_CreateString(ids[i]));
	char id[33];
	char *text = rc >= 0 ? cJSON_PrintUnformatted(list) : NULL;
	if (rc >= 0 && yc_random_hex(id, 16))
		rc = yc_err_set(err, YC_EINTERNAL, NULL, "no randomness");
	if (rc >= 0)
		rc = db_run(
			d, err,
			"INSERT INTO train_quizzes (id, username, category, questions, drawn_ms)"
			" VALUES (?, ?, ?, ?, ?)",
			"ssssi", id, u->username, category, text, train_now(c));
	/* the questions as shown: no answers */
	for (int i = 0; rc >= 0 && i < k; i++) {
		if (!i)
			yc_buf_addf(out, "{\"id\":\"%s\",\"category\":\"%s\",\"questions\":[", id,
				    category);
		char kind[16], qtext[512], options[2048];
		if ((rc = db_get(d, err,
				 "SELECT kind, text, options FROM train_questions WHERE id = ?",
				 "s", "ttt", ids[i], kind, sizeof(kind), qtext, sizeof(qtext),
				 options, sizeof(options))) < 0)
			break;
		rc = 0;
		yc_buf_addf(out, "%s{\"id\":\"%s\",\"kind\":\"%s\",\"text\":", i ? "," : "", ids[i],
			    kind);
		yc_json_add_str(out, qtext);
		yc_buf_addf(out, ",\"options\":%s}", options);
	}
	if (rc >= 0)
		yc_buf_addf(out, "],\"pass_percent\":%d}", c->pass_percent);
	cJSON_free(text);
	cJSON_Delete(list);
	free(ids);
	return rc < 0 ? rc : 0;
}

int train_quiz_answer_check(const cJSON *body, yc_err *err)
{
	static const yc_jfield spec[] = {{"answers", YC_JT_OBJECT, true, 0}};
	int rc = yc_json_check(body, spec, 1, err);
	const cJSON *a, *all = rc ? NULL : cJSON_GetObjectItemCaseSensitive(body, "answers");
	cJSON_ArrayForEach (a, all) {
		bool ok = cJSON_IsString(a) && strlen(a->valuestring) <= 8;
		if (cJSON_IsArray(a)) {
			ok = cJSON_GetArraySize(a) <= 8;
			const cJSON *x;
			cJSON_ArrayForEach (x, a)
				ok &= cJSON_IsString(x) && strlen(x->valuestring) == 1;
		}
		if (!ok)
			return yc_err_set(err, YC_EINVAL, "answers",
					  "answers.%s is a letter, a list of letters, T or F",
					  a->string);
	}
	return rc;
}

/* An answer as stored: "B", "A,C" (letters sorted), "T"/"F". */
static void normal(const cJSON *a, char *out, size_t size)
{
	out[0] = '\0';
	if (cJSON_IsString(a)) {
		snprintf(out, size, "%s", a->valuestring);
		return;
	}
	char letters[9] = "";
	int n = 0;
	const cJSON *x;
	cJSON_ArrayForEach (x, a)
		if (n < 8 && cJSON_IsString(x) && x->valuestring[0] >= 'A' &&
		    x->valuestring[0] <= 'H')
			letters[n++] = x->valuestring[0];
	for (int i = 1; i < n; i++) /* insertion sort of at most eight letters */
		for (int j = i; j > 0 && letters[j - 1] > letters[j]; j--) {
			char t = letters[j];
			letters[j] = letters[j - 1];
			letters[j - 1] = t;
		}
	size_t o = 0;
	for (int i = 0; i < n && o + 2 < size; i++) {
		if (i && letters[i] == letters[i - 1])
			continue;
		o += (size_t)snprintf(out + o, size - o, "%s%c", o ? "," : "", letters[i]);
	}
}

int train_quiz_answer(db *d, const struct train_ctx *c, const yc_user *u, const char *id,
		      const cJSON *body, yc_buf *out, yc_err *err)
{
	char owner[64] = "", category[8] = "", questions[4096] = "";
	int64_t finished = 0;
	int rc = db_get(d, err,
			"SELECT username, category, questions, COALESCE(finished_ms, 0) FROM"
			" train_quizzes WHERE id = ?",
			"s", "ttti", id, owner, sizeof(owner), category, sizeof(category),
			questions, sizeof(questions), &finished);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE || strcmp(owner, u->username))
		return yc_err_set(err, YC_ENOTFOUND, "id", "no quiz %s", id);
	if (finished)
		return yc_err_conflict(err, NULL, "finished", "the quiz is answered already");
	const cJSON *answers = cJSON_GetObjectItemCaseSensitive(body, "answers");
	cJSON *list = cJSON_Parse(questions);
	int total = cJSON_GetArraySize(list), right = 0;
	yc_buf detail;
	yc_buf_init(&detail, 0);
	const cJSON *q;
	int i = 0;
	rc = 0;
	cJSON_ArrayForEach (q, list) {
		char answer[16] = "", basis[200] = "", item[24] = "", given[32];
		if ((rc = db_get(d, err,
				 "SELECT answer, basis, item FROM train_questions WHERE id = ?",
				 "s", "ttt", q->valuestring, answer, sizeof(answer), basis,
				 sizeof(basis), item, sizeof(item))) < 0)
			break;
		rc = 0;
		normal(cJSON_GetObjectItemCaseSensitive(answers, q->valuestring), given,
		       sizeof(given));
		bool ok = !strcmp(given, answer);
		right += ok;
		yc_buf_addf(&detail,
			    "%s{\"id\":\"%s\",\"right\":%s,\"given\":\"%s\",\"answer\":\"%s\","
			    "\"item\":\"%s\",\"basis\":",
			    i++ ? "," : "", q->valuestring, ok ? "true" : "false", given, answer,
			    item);
		yc_json_add_str(&detail, basis);
		yc_buf_addc(&detail, '}');
	}
	int score = total ? right * 100 / total : 0;
	bool passed = score >= c->pass_percent;
	char *given_text = cJSON_PrintUnformatted(answers);
	int64_t now = train_now(c);
	if (!rc)
		rc = db_run(d, err,
			    "UPDATE train_quizzes SET answers = ?, score = ?, passed = ?, "
			    "finished_ms = ?"
			    " WHERE id = ? AND finished_ms IS NULL",
			    "siiis", given_text, (int64_t)score, (int64_t)passed, now, id);
	if (!rc && passed)
		rc = db_run(
			d, err,
			"INSERT INTO train_passes (username, category, quiz, score, passed_ms)"
			" VALUES (?, ?, ?, ?, ?) ON CONFLICT (username, category) DO UPDATE SET"
			" quiz = CASE WHEN excluded.score > train_passes.score THEN excluded.quiz"
			" ELSE train_passes.quiz END, score = CASE WHEN excluded.score >"
			" train_passes.score THEN excluded.score ELSE train_passes.score END",
			"sssii", u->username, category, id, (int64_t)score, now);
	yc_actor a = {u->username, account_role_name(u->role)};
	char change[80];
	snprintf(change, sizeof(change), "{\"category\":\"%s\",\"score\":%d,\"passed\":%s}",
		 category, score, passed ? "true" : "false");
	if (!rc)
		rc = audit_append(d, &a, "training.quiz", id, NULL, NULL, change, err);
	if (!rc)
		yc_buf_addf(out,
			    "{\"id\":\"%s\",\"category\":\"%s\",\"score\":%d,\"right\":%d,"
			    "\"total\":%d,\"passed\":%s,\"questions\":[%.*s]}",
			    id, category, score, right, total, passed ? "true" : "false",
			    (int)detail.len, detail.data ? detail.data : "");
	cJSON_free(given_text);
	cJSON_Delete(list);
	yc_buf_release(&detail);
	return rc;
}

/* ---- views ------------------------------------------------------------------------------- */

int train_categories_json(db *d, const yc_user *u, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(
		d,
		"SELECT c.code, c.name, (SELECT COUNT(*) FROM train_questions q WHERE q.category ="
		" c.code) AS questions, CASE WHEN p.score IS NULL THEN 0 ELSE 1 END AS passed,"
		" COALESCE(p.score, 0) AS passed_score, COALESCE(p.passed_ms, 0) AS passed_ms"
		" FROM hall_categories c"
		" LEFT JOIN train_passes p ON p.category = c.code AND p.username = ? ORDER BY "
		"c.code",
		err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, u->username);
	yc_buf_adds(out, "{\"categories\":");
	int rc = db_rows_json(st, "ssiiii", out, err);
	return rc ? rc : yc_buf_adds(out, "}") ? YC_ENOMEM : 0;
}

int train_record_json(db *d, const yc_user *u, const char *username, yc_buf *out, yc_err *err)
{
	if (!username || !username[0])
		username = u->username;
	if (strcmp(username, u->username) && !train_overseer(u))
		return yc_err_set(err, YC_ENOTFOUND, "username", "no record of %s", username);
	db_stmt *st = db_prepare(d,
				 "SELECT category, score, quiz, passed_ms FROM train_passes WHERE"
				 " username = ? ORDER BY category",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, username);
	yc_buf_adds(out, "{\"username\":");
	yc_json_add_str(out, username);
	yc_buf_adds(out, ",\"passes\":");
	int rc = db_rows_json(st, "sisi", out, err);
	if (rc)
		return rc;
	if (!(st = db_prepare(d,
			      "SELECT id, category, score, passed, drawn_ms, finished_ms FROM"
			      " train_quizzes WHERE username = ? ORDER BY drawn_ms DESC LIMIT 50",
			      err)))
		return db_failed(err);
	db_bind_text(st, 1, username);
	yc_buf_adds(out, ",\"quizzes\":");
	if ((rc = db_rows_json(st, "ssiiii", out, err)))
		return rc;
	return yc_buf_adds(out, "}") ? YC_ENOMEM : 0;
}

int train_questions_json(db *d, const yc_user *u, const char *category, int limit, yc_buf *out,
			 yc_err *err)
{
	if (!train_overseer(u))
		return yc_buf_adds(out, "{\"questions\":[]}") ? YC_ENOMEM : 0;
	db_stmt *st =
		db_prepare(d,
			   "SELECT id, category, item, kind, text, options, answer, basis FROM"
			   " train_questions WHERE (? = '' OR category = ?) ORDER BY id LIMIT ?",
			   err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, category ? category : "");
	db_bind_text(st, 2, category ? category : "");
	db_bind_int(st, 3, limit > 0 ? limit : 100);
	yc_buf_adds(out, "{\"questions\":");
	int rc = db_rows_json(st, "sssssjss", out, err);
	return rc ? rc : yc_buf_adds(out, "}") ? YC_ENOMEM : 0;
}

int train_may_staff(db *d, void *arg, const yc_user *u, const char *categories, yc_err *err)
{
	const struct train_ctx *c = arg;
	if (!c || !c->required)
		return 0;
	cJSON *list = cJSON_Parse(categories);
	const cJSON *cat;
	int rc = 0;
	cJSON_ArrayForEach (cat, list) {
		int64_t n = 0;
		if (!cJSON_IsString(cat))
			continue;
		if ((rc = db_get(d, err,
				 "SELECT COUNT(*) FROM train_passes WHERE username = ? AND "
				 "category = ?",
				 "ss", "i", u->username, cat->valuestring, &n)) < 0)
			break;
		rc = 0;
		if (!n) {
			rc = yc_err_set(err, YC_EFORBIDDEN, "no",
					"%s has not passed the 全能岗 quiz of category %s: take it "
					"on the training page first",
					u->username, cat->valuestring);
			break;
		}
	}
	cJSON_Delete(list);
	return rc;
}
