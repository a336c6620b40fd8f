/*
 * guide.h — 智能导服: a question in plain Chinese answered with the catalog's items and
 * processes.
 *
 * The guide keeps an index of the catalog in memory (every active item and process: its
 * name, keywords, materials, department and conditions, as character pairs weighted by
 * field and by rarity), made again when the catalog or the synonyms change. A question is
 * cleaned, widened by the synonym table (colloquial phrase → the catalog's words, data the
 * administrator edits), split into character pairs and scored; each answer says which words
 * matched and how much each counted, and quotes the item's own elements: what to bring, how
 * long, how far online, where in the hall. A question with no answer good enough is logged
 * (digits masked) for the administrator, and the answer offers a ticket for the guidance
 * desk. See src/core/guide/README.md and docs/guide.md.
 */
#ifndef YC_GUIDE_H
#define YC_GUIDE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/common/account.h"
#include "db/db.h"
#include "lib/buf.h"
#include "lib/errors.h"

enum {
	GUIDE_QUESTION_MAX = 200,   /* bytes of a question */
	GUIDE_PHRASE_MAX = 60,	    /* bytes of a synonym's phrase */
	GUIDE_TERMS_MAX = 300,	    /* bytes of what a phrase means */
	GUIDE_SYNONYMS_MAX = 5000,  /* phrases in the table */
	GUIDE_ANSWERS_MAX = 10,	    /* answers a question may ask for */
	GUIDE_SCHEMA = 26,	    /* the migration that made the guide's tables */
	GUIDE_ASKED_SCHEMA = 30,    /* and its 常见问法 */
};

struct guide_index; /* index.c */

struct guide_ctx {
	double min_score;   /* the best answer's score below which the guide says it does not know */
	int answers;	    /* answers given (at most GUIDE_ANSWERS_MAX) */
	char desk[2];	    /* the hall category whose ticket "ask a person" takes */
	int tz_offset_min;
	/* the index in use and the catalog version it was made from (index.c) */
	pthread_mutex_t lock;
	struct guide_index *index;
};

void guide_ctx_init(struct guide_ctx *c);
void guide_ctx_free(struct guide_ctx *c);

/*
 * The answer to question q (UTF-8, at most GUIDE_QUESTION_MAX bytes) as JSON: the words the
 * guide looked for (with the synonyms applied), up to c->answers answers with their evidence
 * and elements, and whether it answered. *answered false: nothing scored c->min_score.
 * Reads only (the index is made from d when the catalog changed): call from a reader.
 */
int guide_ask(db *d, struct guide_ctx *c, const char *q, yc_buf *out, bool *answered,
	      yc_err *err);

/* The question as the unanswered log keeps it: runs of 4+ digits and e-mail addresses masked,
 * white space folded; out has at least GUIDE_QUESTION_MAX + 1 bytes. */
void guide_mask(const char *q, char *out, size_t size);
/* Logs an unanswered question (masked by the caller) from channel at now_ms: counted per question. */
int guide_unanswered_log(db *d, const char *masked, const char *channel, int64_t now_ms,
			 yc_err *err);
/* The unanswered questions, most asked first (admin and supervisors). */
int guide_unanswered_json(db *d, const yc_user *u, int limit, yc_buf *out, yc_err *err);

/* The synonym table as JSON {"synonyms":[{"phrase","terms"}]} (admin and supervisors). */
int guide_synonyms_json(db *d, const yc_user *u, yc_buf *out, yc_err *err);
/*
 * Replaces the whole table with body's {"synonyms":[{"phrase","terms"}]}: all or nothing,
 * each bad row named (synonyms[i].phrase …). The admin only; audited.
 */
int guide_synonyms_check(const cJSON *body, yc_err *err);
int guide_synonyms_replace(db *d, const yc_user *u, const cJSON *body, int64_t now_ms,
			   yc_buf *out, yc_err *err);
/* The shipped table (data/guide/synonyms.json, built in), loaded into an empty table. */
int guide_synonyms_seed(db *d, yc_err *err);
/* 常见问法: how people ask for each entry (data/guide/asked.json), loaded into an empty table. */
int guide_asked_seed(db *d, yc_err *err);

#endif
