/*
 * training.c — 全能岗 in the demo district: the bank made from the catalog, and each
 * clerk's quiz of the category of every window it may staff, drawn and answered through
 * core/training's own calls (the answers read from the bank, as a clerk who knows the
 * guide gives them). Every tenth clerk fails a first try (half right) and passes the
 * second, so the record shows both.
 */
#include "demo_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/training/training.h"
#include "db/db.h"
#include "lib/json.h"
#include "lib/banned.h"

/* Answers a drawn quiz: all right, or only every other one. */
static int take(db *d, const struct train_ctx *c, const yc_user *u, const char *category, bool half,
		yc_err *err)
{
	yc_buf out;
	yc_buf_init(&out, 0);
	int rc = train_quiz_draw(d, c, u, category, &out, err);
	cJSON *quiz = rc ? NULL : cJSON_ParseWithLength(out.data, out.len);
	yc_buf_release(&out);
	if (rc)
		return rc;
	cJSON *body = cJSON_CreateObject(), *answers = cJSON_AddObjectToObject(body, "answers");
	const cJSON *q;
	int i = 0;
	cJSON_ArrayForEach (q, cJSON_GetObjectItemCaseSensitive(quiz, "questions")) {
		char answer[16] = "";
		const char *id = yc_json_str(q, "id");
		if ((rc = db_get(d, err, "SELECT answer FROM train_questions WHERE id = ?", "s",
				 "t", id, answer, sizeof(answer))) < 0)
			break;
		rc = 0;
		if (half && i++ % 2)
			snprintf(answer, sizeof(answer), "%s", answer[0] == 'T' ? "F" : "T");
		if (strchr(answer, ',')) {
			cJSON *list = cJSON_AddArrayToObject(answers, id);
			for (char *p = answer; *p; p++)
				if (*p != ',') {
					char l[2] = {*p, 0};
					cJSON_AddItemToArray(list, cJSON_CreateString(l));
				}
		} else {
			cJSON_AddStringToObject(answers, id, answer);
		}
	}
	yc_buf_init(&out, 0);
	if (!rc)
		rc = train_quiz_answer(d, c, u, yc_json_str(quiz, "id"), body, &out, err);
	yc_buf_release(&out);
	cJSON_Delete(body);
	cJSON_Delete(quiz);
	return rc;
}

int demo_training(db *d, yc_err *err)
{
	int64_t n;
	int rc = train_bank_generate(d, &n, err);
	if (rc)
		return rc;
	const struct train_ctx c = {.quiz_size = 20, .pass_percent = 80, .required = true};
	db_stmt *st =
		db_prepare(d, "SELECT categories, allowed FROM hall_windows ORDER BY no", err);
	if (!st)
		return db_failed(err);
	struct seat {
		char username[40], category[4];
	} *seats = NULL;
	int nseats = 0, cap = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		cJSON *cats = cJSON_Parse(db_col_text(st, 0)),
		      *who = cJSON_Parse(db_col_text(st, 1));
		const cJSON *cat, *u;
		cJSON_ArrayForEach (cat, cats)
			cJSON_ArrayForEach (u, who) {
				if (!cJSON_IsString(cat) || !cJSON_IsString(u) ||
				    !strcmp(u->valuestring, "*"))
					continue;
				if (nseats == cap) {
					cap = cap ? cap * 2 : 128;
					void *g = realloc(seats, (size_t)cap * sizeof(*seats));
					if (!g) {
						rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
						break;
					}
					seats = g;
				}
				snprintf(seats[nseats].username, sizeof(seats[0].username), "%s",
					 u->valuestring);
				snprintf(seats[nseats].category, sizeof(seats[0].category), "%s",
					 cat->valuestring);
				nseats++;
			}
		cJSON_Delete(cats);
		cJSON_Delete(who);
		if (rc < 0)
			break;
	}
	db_done(st);
	rc = rc < 0 ? rc : 0;
	for (int i = 0; !rc && i < nseats; i++) {
		yc_user u = {.role = ROLE_CLERK};
		snprintf(u.username, sizeof(u.username), "%s", seats[i].username);
		if (i % 10 == 9)
			rc = take(d, &c, &u, seats[i].category, true, err);
		if (!rc)
			rc = take(d, &c, &u, seats[i].category, false, err);
	}
	free(seats);
	return rc;
}
