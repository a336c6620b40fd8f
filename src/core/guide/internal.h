/* internal.h — what the guide's files share: the index's shape (index.c), keys and lookup. */
#ifndef YC_GUIDE_INTERNAL_H
#define YC_GUIDE_INTERNAL_H

#include "core/guide/guide.h"

/* A key of a text: a pair of Chinese characters, a lone one, or a Latin word; where it is. */
struct guide_key {
	uint64_t key;
	const char *at;
	int len;
	bool single; /* one character of a run (a pair's parts count a little too) */
};

struct guide_doc {
	char code[40];
	char family[40]; /* the main item of a 办理项, else the code itself */
	char name[200];
	bool process, variant;
};

struct guide_post {
	int32_t doc;
	float w;
};

struct guide_slot {
	uint64_t key;
	uint32_t start, n; /* its postings: posts[start .. start + n) */
};

struct guide_syn {
	char phrase[GUIDE_PHRASE_MAX + 1];
	char terms[GUIDE_TERMS_MAX + 1];
};

struct guide_index {
	char version[128];
	int refs; /* under guide_ctx.lock */
	int ndocs;
	struct guide_doc *docs;
	struct guide_slot *slots;
	uint32_t mask;
	struct guide_post *posts;
	int nsyn; /* longest phrase first */
	struct guide_syn *syn;
};

/* The keys of text, at most max, in order. */
int guide_keys(const char *text, struct guide_key *out, int max);
uint64_t guide_pair(unsigned a, unsigned b);
const struct guide_slot *guide_lookup(const struct guide_index *ix, uint64_t key);
/* ln(1 + documents / documents with the key) */
double guide_idf(const struct guide_index *ix, const struct guide_slot *s);

/* The index for d's catalog now (made again when it changed), with a reference; put it back. */
int guide_index_get(db *d, struct guide_ctx *c, struct guide_index **out, yc_err *err);
void guide_index_put(struct guide_ctx *c, struct guide_index *ix);

#endif
