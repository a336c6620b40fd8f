/*
 * training.h — 全能岗: the all-round clerk's training bank (应知应会题库), quizzes and record.
 *
 * The bank is generated from the catalog's own data (each item of a hall category:
 * its legal and promised limits, its materials, its fees, its department, how far it is
 * online), so every answer can be checked against the item it comes from. A quiz draws
 * quiz-size questions of one category at random; a score of pass-percent or more is a
 * pass of the category; with training-required the hall's sign-in admits a clerk only
 * to a window whose every category the clerk has passed. See src/core/training/README.md.
 */
#ifndef YC_TRAINING_H
#define YC_TRAINING_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/common/account.h"
#include "db/db.h"
#include "lib/buf.h"
#include "lib/errors.h"

struct train_ctx {
	int quiz_size;	  /* questions a quiz draws */
	int pass_percent; /* the score that passes */
	bool required;	  /* the hall's sign-in needs the window's categories passed */
	int64_t now_ms;	  /* 0: the clock */
};

/* The bank made again from the catalog and the hall's categories; *count questions. */
int train_bank_generate(db *d, int64_t *count, yc_err *err);

/* A quiz of a category for u: its id and questions (no answers) as JSON. */
int train_quiz_draw(db *d, const struct train_ctx *c, const yc_user *u, const char *category,
		    yc_buf *out, yc_err *err);
/* The answers to u's open quiz: {"answers": {id: "B" | ["A","C"] | "T"}}; the score, each
 * question right or not with its answer and basis; a pass recorded. */
int train_quiz_answer_check(const cJSON *body, yc_err *err);
int train_quiz_answer(db *d, const struct train_ctx *c, const yc_user *u, const char *id,
		      const cJSON *body, yc_buf *out, yc_err *err);

/* The categories with their question counts and u's pass; a clerk's record (u's own, or
 * any clerk's for supervisors and the admin); the bank of a category (the same). */
int train_categories_json(db *d, const yc_user *u, yc_buf *out, yc_err *err);
int train_record_json(db *d, const yc_user *u, const char *username, yc_buf *out, yc_err *err);
int train_questions_json(db *d, const yc_user *u, const char *category, int limit, yc_buf *out,
			 yc_err *err);

/* The hall's sign-in hook: 0 when u has passed every category of the window (a JSON array). */
int train_may_staff(db *d, void *arg, const yc_user *u, const char *categories, yc_err *err);

#endif
