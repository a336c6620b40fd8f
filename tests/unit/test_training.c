/*
 * Unit tests of 全能岗 (core/training/): the bank made again from the same catalog is the
 * same; a quiz's draw is uniform over the category (chi-square over many draws); a multiple
 * choice is right only with every right option, in any order; the sign-in check.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/demo/demo.h"
#include "core/training/training.h"
#include "db/db.h"
#include "lib/json.h"

static char path[64];
static db *d;
static const struct train_ctx c = {.quiz_size = 4, .pass_percent = 80, .required = true};
static yc_user clerk;

static void setup(void)
{
	snprintf(path, sizeof(path), "/tmp/yc-train-%d-XXXXXX", getpid());
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	close(fd);
	unlink(path);
	yc_err err;
	cr_assert_eq(db_open(path, DB_OPEN_CREATE, &d, &err), 0, "%s", err.message);
	cr_assert_eq(db_migrate(d, &err), 0, "%s", err.message);
	cr_assert_eq(demo_install(d, &err), 0, "%s", err.message);
	clerk = (yc_user){.id = 3, .role = ROLE_CLERK};
	snprintf(clerk.username, sizeof(clerk.username), "clerk-unit");
}

static void teardown(void)
{
	db_close(d);
	unlink(path);
	char aux[80];
	snprintf(aux, sizeof(aux), "%s-wal", path);
	unlink(aux);
	snprintf(aux, sizeof(aux), "%s-shm", path);
	unlink(aux);
}

static cJSON *draw(const char *cat)
{
	yc_buf out;
	yc_buf_init(&out, 0);
	yc_err err;
	cr_assert_eq(train_quiz_draw(d, &c, &clerk, cat, &out, &err), 0, "%s", err.message);
	cJSON *j = cJSON_ParseWithLength(out.data, out.len);
	yc_buf_release(&out);
	return j;
}

Test(training, the_bank_made_again_is_the_same, .init = setup, .fini = teardown)
{
	yc_err err;
	int64_t n1, n2;
	char h1[65], h2[65];
	cr_assert_eq(db_get(d, NULL, "SELECT COUNT(*), MAX(id || answer) FROM train_questions", "",
			    "it", &n1, h1, sizeof(h1)),
		     DB_ROW);
	cr_assert_eq(train_bank_generate(d, &n2, &err), 0, "%s", err.message);
	cr_assert_eq(n1, n2);
	cr_assert_eq(db_get(d, NULL, "SELECT MAX(id || answer) FROM train_questions", "", "t", h2,
			    sizeof(h2)),
		     DB_ROW);
	cr_assert_str_eq(h1, h2);
	cr_assert_geq(n1, 500);
}

Test(training, every_question_of_a_category_is_as_likely_drawn, .init = setup, .fini = teardown)
{
	/* category F: 24 questions, 4 a quiz; 1,200 quizzes → each expected 200 times */
	int64_t nq;
	cr_assert_eq(db_get(d, NULL, "SELECT COUNT(*) FROM train_questions WHERE category = 'F'",
			    "", "i", &nq),
		     DB_ROW);
	cr_assert_eq(nq, 24);
	char ids[24][64];
	int counts[24] = {0};
	db_stmt *st = db_prepare(
		d, "SELECT id FROM train_questions WHERE category = 'F' ORDER BY id", NULL);
	for (int i = 0; i < 24 && db_step(st, NULL) == DB_ROW; i++)
		db_col_copy(st, 0, ids[i], sizeof(ids[0]));
	db_done(st);
	cr_assert_eq(db_begin(d, NULL), 0);
	for (int k = 0; k < 1200; k++) {
		cJSON *q = draw("F");
		const cJSON *x;
		int seen = 0;
		cJSON_ArrayForEach (x, cJSON_GetObjectItemCaseSensitive(q, "questions"))
			for (int i = 0; i < 24; i++)
				if (!strcmp(ids[i], yc_json_str(x, "id")))
					counts[i]++, seen++;
		cr_assert_eq(seen, 4);
		cJSON_Delete(q);
	}
	db_rollback(d);
	double chi = 0;
	for (int i = 0; i < 24; i++)
		chi += (counts[i] - 200.0) * (counts[i] - 200.0) / 200.0;
	/* 23 degrees of freedom: p = 0.001 at 49.7 */
	cr_assert_lt(chi, 49.7, "chi-square %.1f", chi);
}

Test(training, a_multiple_choice_needs_every_right_option_in_any_order, .init = setup,
     .fini = teardown)
{
	cJSON *q = draw("C");
	char qid[64] = "", ans[16] = "";
	cr_assert_eq(db_get(d, NULL,
			    "SELECT id, answer FROM train_questions WHERE category = 'C' AND kind ="
			    " 'multi' ORDER BY id LIMIT 1",
			    "", "tt", qid, sizeof(qid), ans, sizeof(ans)),
		     DB_ROW);
	/* answer the drawn quiz's questions wrongly, and a multi question of another quiz: the
	 * grading is per quiz, so test the normalising on a quiz that holds it */
	cJSON_Delete(q);
	char questions[128];
	snprintf(questions, sizeof(questions), "[\"%s\"]", qid);
	cr_assert_eq(
		db_run(d, NULL,
		       "INSERT INTO train_quizzes (id, username, category, questions, drawn_ms)"
		       " VALUES ('0123456789abcdef0123456789abcdef', 'clerk-unit', 'C', ?, 1)",
		       "s", questions),
		0);
	/* the right letters reversed */
	char body[160];
	snprintf(body, sizeof(body), "{\"answers\":{\"%s\":[\"%c\",\"%c\"]}}", qid, ans[2], ans[0]);
	cJSON *b = cJSON_Parse(body);
	yc_buf out;
	yc_buf_init(&out, 0);
	yc_err err;
	cr_assert_eq(train_quiz_answer_check(b, &err), 0);
	cr_assert_eq(
		train_quiz_answer(d, &c, &clerk, "0123456789abcdef0123456789abcdef", b, &out, &err),
		0, "%s", err.message);
	cJSON *r = cJSON_ParseWithLength(out.data, out.len);
	cr_assert_eq(yc_json_int(r, "score", -1), 100, "%s", out.data);
	cJSON_Delete(r);
	cJSON_Delete(b);
	yc_buf_release(&out);
	/* and the pass opens category C at a sign-in, while A stays closed */
	cr_assert_eq(train_may_staff(d, (void *)&c, &clerk, "[\"C\"]", &err), 0);
	cr_assert_eq(train_may_staff(d, (void *)&c, &clerk, "[\"C\",\"A\"]", &err), YC_EFORBIDDEN);
	struct train_ctx off = c;
	off.required = false;
	cr_assert_eq(train_may_staff(d, &off, &clerk, "[\"A\"]", &err), 0);
}
