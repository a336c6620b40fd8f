/*
 * draw.h — the random draw of 双随机 (docs/draw.md is the algorithm, exactly):
 * a seed from the organiser's secret, the frozen lists' hashes and the
 * witnesses' public inputs; an SM3 counter stream; unbiased integers by
 * rejection; partial Fisher–Yates picks, stratified by risk class; the
 * teams. Pure functions over the frozen lists' text: a plan's draw and a
 * record's verification run the same code.
 */
#ifndef YC_DRAW_H
#define YC_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include "lib/errors.h"

enum { DRAW_CLASSES = 4 }; /* A B C D */

struct draw_stream {
	unsigned char seed[32];
	uint64_t block;	       /* the next block's counter */
	unsigned char buf[32]; /* the current block */
	int at;		       /* bytes of buf consumed */
};

/*
 * The seed (docs/draw.md §2): SM3 of "yichuang-draw/1", the secret, the two
 * lists' hashes and the inputs, each after a "\n"; raw into seed, hex into hex.
 */
void draw_seed(const char *secret, const char *entities_hash, const char *inspectors_hash,
	       const char *const *inputs, int ninputs, unsigned char seed[32], char hex[65]);
void draw_stream_init(struct draw_stream *s, const unsigned char seed[32]);
/* The stream's next 64-bit big-endian value (§3). */
uint64_t draw_next64(struct draw_stream *s);
/* A uniform integer in [0, n), n ≥ 1, by rejection (§3). */
uint64_t draw_uniform(struct draw_stream *s, uint64_t n);
/*
 * Partial Fisher–Yates (§4): order holds 0 … n−1 on entry (the caller's list
 * order); afterwards its first k are the picks in pick order.
 */
void draw_pick(struct draw_stream *s, size_t *order, size_t n, size_t k);
/* How many of n a ratio in per mille draws: ceil(n × permille / 1000), at most n. */
size_t draw_count(size_t n, int permille);
/*
 * The entities (§4): classes[i] is entity i's class (0 = A … 3 = D), the list
 * sorted by credit code; permille the ratio per class. out gets the picked
 * indices in selection order (room for n); returns how many.
 */
size_t draw_entities(struct draw_stream *s, const int *classes, size_t n,
		     const int permille[DRAW_CLASSES], size_t *out, yc_err *err);


/*
 * The frozen lists (§1), parsed from their text (the lines joined by "\n",
 * what is hashed): an entity's line "credit_code,class[,cert;cert…]" (the
 * inspectors it excludes: declared conflicts and its last team), an
 * inspector's "cert_no,field;field…". Pointers into the parser's own copy.
 */
struct draw_lists {
	size_t nentities, ninspectors;
	const char **entity;	  /* credit codes */
	int *cls;		  /* 0 = A … 3 = D */
	const char **excluded;	  /* "cert;cert" or "" */
	const char **inspector;	  /* certificate numbers */
	const char **fields;	  /* "field;field" */
	char *etext, *itext;	  /* the texts the pointers point into (the lists') */
};
/*
 * Parses and checks both lists: every line's shape, byte order, no key twice
 * (a fault names the list and its line, from 1). NULL texts are empty lists.
 */
int draw_lists_parse(const char *entities, const char *inspectors, struct draw_lists *l,
		     yc_err *err);
/* The same over texts the lists take (malloc'd; freed with them, even on failure). */
int draw_lists_take(char *entities, char *inspectors, struct draw_lists *l, yc_err *err);
void draw_lists_free(struct draw_lists *l);
/* Whether the ";"-separated list holds word. */
int draw_list_has(const char *list, const char *word);

enum { DRAW_FIELDS_MAX = 8, DRAW_TEAM_MAX = 8 };
struct draw_plan {
	int permille[DRAW_CLASSES];
	const char *fields[DRAW_FIELDS_MAX]; /* byte order, distinct */
	int nfields;
	int team_size; /* per field, at least 2 */
};
struct draw_result {
	size_t n;	  /* entities picked */
	size_t *entity;	  /* their indices in the list, selection order */
	int team_len;	  /* team_size × nfields */
	size_t *team;	  /* n × team_len inspector indices, pick order */
};
/*
 * The whole draw (§4, §5) from a seed: YC_EINVAL naming the entity and field
 * when too few inspectors are eligible. out is freed with draw_result_free.
 */
int draw_run(const unsigned char seed[32], const struct draw_lists *l, const struct draw_plan *p,
	     struct draw_result *out, yc_err *err);
void draw_result_free(struct draw_result *r);

#endif
