/*
 * guide.c — the guide from the command line: one question answered (guide ask), and the
 * accuracy over a question set (guide eval: top-1 and top-3 of one half or both, and the
 * share of questions outside the catalog it declines), which make bench reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/guide/guide.h"
#include "lib/json.h"
#include "lib/banned.h"

static int open_guide(const struct args *a, db **d, struct guide_ctx *g, yc_err *err)
{
	yc_config cfg;
	yc_config_defaults(&cfg);
	int rc = yc_config_load_env(&cfg, err);
	if (!rc)
		rc = cli_open_existing(cli_opt(a, "db"), d, err);
	if (!rc)
		cli_guide_settings(&cfg, g);
	return rc;
}

int cmd_guide_ask(int argc, char **argv)
{
	struct args a;
	if (cli_parse_args(argc, argv, "db", NULL, &a) || !cli_opt(&a, "db") || a.npos != 1)
		return EXIT_USAGE;
	yc_err err;
	yc_err_clear(&err);
	db *d = NULL;
	struct guide_ctx g;
	int rc = open_guide(&a, &d, &g, &err);
	if (rc) {
		db_close(d);
		return cli_fail(&err);
	}
	yc_buf b;
	yc_buf_init(&b, 0);
	bool answered;
	rc = guide_ask(d, &g, a.pos[0], &b, &answered, &err);
	if (!rc)
		printf("%s\n", b.data);
	yc_buf_release(&b);
	guide_ctx_free(&g);
	db_close(d);
	return rc ? cli_fail(&err) : 0;
}

struct tally {
	int asked, top1, top3, declined;
};

/* Where the first right answer is among the guide's (0-based), -1 when none is. */
static int position(const cJSON *answer, const cJSON *right)
{
	const cJSON *x;
	int i = 0;
	cJSON_ArrayForEach(x, cJSON_GetObjectItem(answer, "answers"))
	{
		const char *code = yc_json_str(x, "code");
		const cJSON *r;
		cJSON_ArrayForEach(r, right)
		{
			if (code && cJSON_IsString(r) && !strcmp(code, r->valuestring))
				return i;
		}
		i++;
	}
	return -1;
}

static int ask_one(db *d, struct guide_ctx *g, const char *q, cJSON **answer, yc_err *err)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	bool answered;
	int rc = guide_ask(d, g, q, &b, &answered, err);
	if (!rc)
		rc = yc_json_parse(b.data, b.len, answer, err);
	yc_buf_release(&b);
	return rc;
}

static int eval_set(db *d, struct guide_ctx *g, const cJSON *questions, const char *set,
		    bool verbose, struct tally *t, yc_err *err)
{
	const cJSON *x;
	cJSON_ArrayForEach(x, questions)
	{
		const char *q = yc_json_str(x, "q"), *s = yc_json_str(x, "set");
		if (!q || (set && (!s || strcmp(s, set))))
			continue;
		cJSON *answer = NULL;
		int rc = ask_one(d, g, q, &answer, err);
		if (rc)
			return rc;
		int at = position(answer, cJSON_GetObjectItem(x, "answers"));
		t->asked++;
		t->top1 += at == 0;
		t->top3 += at >= 0 && at < 3;
		if (verbose && (at < 0 || at >= 3)) {
			const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(answer, "answers"), 0);
			const cJSON *want = cJSON_GetArrayItem(cJSON_GetObjectItem(x, "answers"), 0);
			fprintf(stderr, "miss: %s → %s (wanted %s)\n", q,
				first ? yc_json_str(first, "name") : "-",
				want ? cJSON_GetStringValue(want) : "-");
		}
		cJSON_Delete(answer);
	}
	return 0;
}

static int eval_declined(db *d, struct guide_ctx *g, const cJSON *list, bool verbose,
			 struct tally *t, yc_err *err)
{
	const cJSON *x;
	cJSON_ArrayForEach(x, list)
	{
		if (!cJSON_IsString(x))
			continue;
		cJSON *answer = NULL;
		int rc = ask_one(d, g, x->valuestring, &answer, err);
		if (rc)
			return rc;
		bool declined = !yc_json_bool(answer, "answered", true);
		t->asked++;
		t->declined += declined;
		if (verbose && !declined)
			fprintf(stderr, "answered outside the catalog: %s → %s\n", x->valuestring,
				yc_json_str(cJSON_GetArrayItem(cJSON_GetObjectItem(answer, "answers"), 0),
					    "name"));
		cJSON_Delete(answer);
	}
	return 0;
}

int cmd_guide_eval(int argc, char **argv)
{
	struct args a;
	if (cli_parse_args(argc, argv, "db,set,verbose", "verbose", &a) || !cli_opt(&a, "db") ||
	    a.npos != 1)
		return EXIT_USAGE;
	yc_err err;
	yc_err_clear(&err);
	size_t len;
	char *text = cli_read_file(a.pos[0], 16 << 20, &len);
	if (!text)
		return cli_failf("cannot read the question set", a.pos[0]);
	cJSON *set = NULL;
	db *d = NULL;
	struct guide_ctx g;
	bool opened = false;
	int rc = yc_json_parse(text, len, &set, &err);
	free(text);
	if (!rc && !(rc = open_guide(&a, &d, &g, &err)))
		opened = true;
	const char *which = cli_opt(&a, "set");
	bool verbose = cli_opt(&a, "verbose") != NULL;
	struct tally t = {0}, out = {0};
	if (!rc)
		rc = eval_set(d, &g, cJSON_GetObjectItem(set, "questions"), which, verbose, &t,
			      &err);
	if (!rc)
		rc = eval_declined(d, &g, cJSON_GetObjectItem(set, "unanswerable"), verbose, &out,
				   &err);
	if (!rc)
		printf("{\"set\":\"%s\",\"questions\":%d,\"top1\":%d,\"top3\":%d,\"top1_share\":%.4f,"
		       "\"top3_share\":%.4f,\"outside\":%d,\"declined\":%d}\n",
		       which ? which : "all", t.asked, t.top1, t.top3,
		       t.asked ? (double)t.top1 / t.asked : 0, t.asked ? (double)t.top3 / t.asked : 0,
		       out.asked, out.declined);
	if (opened)
		guide_ctx_free(&g);
	db_close(d);
	cJSON_Delete(set);
	return rc ? cli_fail(&err) : 0;
}
