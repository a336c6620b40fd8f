/*
 * index.c — the guide's index of the catalog: character pairs weighted by field.
 *
 * Chinese has no spaces and most of the words people use are two characters (饭店, 过户,
 * 社保, 补办), so the index keys are the pairs of neighbouring characters in each run of
 * Chinese text (a lone character is a key of its own), each Chinese character alone at a
 * tenth of the weight, and each run of Latin letters and digits, lower-cased (UKey, KTV). A trigram index (FTS5's, pg_trgm's) cannot find a
 * two-character word; pairs can, and the catalog is small enough (hundreds to a few
 * thousand entries) to score in memory in microseconds, the same on both backends.
 *
 * Each entry (an active item or process) is a document; each field has a weight (a name
 * counts most, then keywords, a process's parts, conditions, the department, materials, and
 * the questions people ask for it, 常见问法).
 * A key's weight in a document is its best field's weight plus a quarter of the rest. The
 * index is remade when the version — the counts and latest edit times of items, processes
 * and synonyms — changes, and shared by the listener threads (counted references).
 */
#include "core/guide/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/banned.h"

/* field weights */
#define W_NAME 3.0f
#define W_KEYWORDS 2.0f
#define W_PARTS 1.5f
#define W_DESCRIPTION 1.0f
#define W_CONDITIONS 0.8f
#define W_DEPARTMENT 0.6f
#define W_MATERIALS 0.5f
/* 常见问法 (guide_asked): how people ask for the entry, a weak field: 0.3 read best on the
 * tuning half (more and the imagined questions outvote the catalog's own words) */
#define W_ASKED 0.3f

enum { FIELD_KEYS = 2048 }; /* keys read of one field */
/* a single character's share of its field's weight: it finds 医保 in 医疗保险 a little, where
 * no pair matches (0.1 read best on the tuning half with the synonyms written from the
 * catalog alone; the bar an answer needs rose to 18 with it, to decline the same questions) */
#define W_SINGLE 0.1f
#define SINGLE_BIT (1ULL << 62)

/* ---- keys ---------------------------------------------------------------- */

static unsigned utf8_next(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned c = s[0];
	int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80) {
			*p = s + 1;
			return 0xFFFD;
		}
	if (n == 2)
		c = (c & 0x1F) << 6 | (s[1] & 0x3F);
	else if (n == 3)
		c = (c & 0x0F) << 12 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F);
	else if (n == 4)
		c = (c & 0x07) << 18 | (s[1] & 0x3F) << 12 | (s[2] & 0x3F) << 6 | (s[3] & 0x3F);
	*p = s + n;
	return c;
}

static bool is_han(unsigned c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
	       (c >= 0xF900 && c <= 0xFAFF);
}

/* Latin letters and digits, full-width ones folded, lower-cased; 0 for anything else. */
static unsigned latin(unsigned c)
{
	if (c >= 0xFF10 && c <= 0xFF5A)
		c -= 0xFEE0;
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : 0;
}

#define LATIN_BIT (1ULL << 63)

uint64_t guide_pair(unsigned a, unsigned b)
{
	return (uint64_t)a << 21 | b;
}

int guide_keys(const char *text, struct guide_key *out, int max)
{
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	int n = 0;
	unsigned prev = 0;	/* the previous Chinese character of the run, or 0 */
	const char *prev_at = NULL;
	bool lone = false;	/* prev has made no pair yet */
	uint64_t word = 0;	/* FNV-1a of the Latin run */
	const char *word_at = NULL;
	while (n < max) {
		const char *at = (const char *)p;
		unsigned c = *p ? utf8_next(&p) : 0;
		unsigned l = latin(c);
		if (word_at && !l) { /* a Latin run ends */
			out[n++] = (struct guide_key){LATIN_BIT | (word >> 1), word_at,
						      (int)(at - word_at)};
			word_at = NULL;
			if (n == max)
				break;
		}
		if (is_han(c)) {
			if (prev)
				out[n++] = (struct guide_key){guide_pair(prev, c), prev_at,
							      (int)((const char *)p - prev_at)};
			if (n < max)
				out[n++] = (struct guide_key){SINGLE_BIT | c, at,
							      (int)((const char *)p - at), true};
			lone = !prev;
			prev = c;
			prev_at = at;
			continue;
		}
		if (prev && lone && n < max) /* a run of one character */
			out[n++] = (struct guide_key){guide_pair(prev, 0), prev_at, (int)(at - prev_at)};
		prev = 0;
		lone = false;
		if (l) {
			if (!word_at) {
				word_at = at;
				word = 1469598103934665603ULL;
			}
			word = (word ^ l) * 1099511628211ULL;
		}
		if (!c)
			break;
	}
	return n;
}

/* ---- building ------------------------------------------------------------ */

struct entry {
	uint64_t key;
	int32_t doc;
	float w;
};

struct builder {
	struct guide_index *ix;
	struct entry *e;
	size_t n, cap;
	int doc_cap;
	/* the current document's keys: (key, weight) before their merge */
	struct entry *cur;
	size_t ncur, curcap;
	struct asked *asked; /* 常见问法 by code */
	int nasked;
};

static int add_field(struct builder *b, const char *text, float w)
{
	struct guide_key keys[FIELD_KEYS];
	int n = guide_keys(text, keys, FIELD_KEYS);
	if (b->ncur + (size_t)n > b->curcap) {
		size_t cap = (b->ncur + (size_t)n) * 2 + 64;
		struct entry *e = realloc(b->cur, cap * sizeof(*e));
		if (!e)
			return -1;
		b->cur = e;
		b->curcap = cap;
	}
	for (int i = 0; i < n; i++)
		b->cur[b->ncur++] = (struct entry){keys[i].key, 0, keys[i].single ? w * W_SINGLE : w};
	return 0;
}

static int by_key_then_weight(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->doc != y->doc)
		return x->doc < y->doc ? -1 : 1;
	return x->w > y->w ? -1 : x->w < y->w;
}

/* The current document's keys merged (best field + a quarter of the others) into the index. */
static int end_doc(struct builder *b, int doc)
{
	qsort(b->cur, b->ncur, sizeof(*b->cur), by_key_then_weight);
	for (size_t i = 0; i < b->ncur;) {
		size_t j = i + 1;
		float w = b->cur[i].w, rest = 0;
		for (; j < b->ncur && b->cur[j].key == b->cur[i].key; j++)
			rest += b->cur[j].w;
		if (b->n == b->cap) {
			size_t cap = b->cap * 2 + 4096;
			struct entry *e = realloc(b->e, cap * sizeof(*e));
			if (!e)
				return -1;
			b->e = e;
			b->cap = cap;
		}
		b->e[b->n++] = (struct entry){b->cur[i].key, doc, w + (rest < 2 * w ? rest : 2 * w) / 4};
		i = j;
	}
	b->ncur = 0;
	return 0;
}

static struct guide_doc *new_doc(struct builder *b, const char *code, const char *name,
				 const char *family, bool process, bool variant)
{
	struct guide_index *ix = b->ix;
	if (ix->ndocs == b->doc_cap) {
		int cap = b->doc_cap * 2 + 256;
		struct guide_doc *d = realloc(ix->docs, (size_t)cap * sizeof(*d));
		if (!d)
			return NULL;
		ix->docs = d;
		b->doc_cap = cap;
	}
	struct guide_doc *g = &ix->docs[ix->ndocs];
	*g = (struct guide_doc){.process = process, .variant = variant};
	snprintf(g->code, sizeof(g->code), "%s", code);
	snprintf(g->family, sizeof(g->family), "%s", family && *family ? family : code);
	snprintf(g->name, sizeof(g->name), "%s", name);
	return g;
}

static int add_texts(struct builder *b, const cJSON *list, const char *member, float w)
{
	const cJSON *x;
	cJSON_ArrayForEach(x, list)
	{
		const char *s = member ? yc_json_str(x, member) : cJSON_GetStringValue(x);
		if (s && add_field(b, s, w))
			return -1;
	}
	return 0;
}

/* 常见问法: each entry's questions, by code (sorted), for the entries' own field. */
struct asked {
	char code[40];
	char *text; /* the questions, one a line */
};

static int by_code(const void *a, const void *b)
{
	return strcmp(((const struct asked *)a)->code, ((const struct asked *)b)->code);
}

static int load_asked(db *d, struct builder *b, yc_err *err)
{
	db_stmt *st = db_prepare(d, "SELECT code, question FROM guide_asked ORDER BY code", err);
	if (!st)
		return db_failed(err);
	int rc, cap = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		const char *code = db_col_text(st, 0), *q = db_col_text(st, 1);
		struct asked *last = b->nasked ? &b->asked[b->nasked - 1] : NULL;
		if (!last || strcmp(last->code, code)) {
			if (b->nasked == cap) {
				cap = cap * 2 + 64;
				struct asked *g = realloc(b->asked, (size_t)cap * sizeof(*g));
				if (!g) {
					rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
					break;
				}
				b->asked = g;
			}
			last = &b->asked[b->nasked++];
			*last = (struct asked){.text = NULL};
			snprintf(last->code, sizeof(last->code), "%s", code);
		}
		size_t have = last->text ? strlen(last->text) : 0, add = strlen(q);
		char *t = realloc(last->text, have + add + 2);
		if (!t) {
			rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
			break;
		}
		memcpy(t + have, q, add);
		t[have + add] = '\n';
		t[have + add + 1] = '\0';
		last->text = t;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static const char *asked_of(const struct builder *b, const char *code)
{
	if (!b->nasked) /* no 常见问法 at all: bsearch may not be handed a NULL table */
		return NULL;
	struct asked key;
	snprintf(key.code, sizeof(key.code), "%s", code);
	const struct asked *a = bsearch(&key, b->asked, (size_t)b->nasked, sizeof(*b->asked), by_code);
	return a ? a->text : NULL;
}

static int load_items(db *d, struct builder *b, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT i.code, i.name, i.keywords, d.name, i.doc FROM items i"
				 " JOIN departments d ON d.code = i.department"
				 " WHERE i.status = 'active' ORDER BY i.code",
				 err);
	if (!st)
		return db_failed(err);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		cJSON *doc = NULL;
		if (yc_json_parse(db_col_text(st, 4), db_col_len(st, 4), &doc, err)) {
			rc = err->code;
			break;
		}
		const char *of = yc_json_str(doc, "variant_of");
		struct guide_doc *g =
			new_doc(b, db_col_text(st, 0), db_col_text(st, 1), of, false, of != NULL);
		int bad = !g || add_field(b, db_col_text(st, 1), W_NAME) ||
			  add_field(b, db_col_text(st, 2), W_KEYWORDS) ||
			  add_field(b, db_col_text(st, 3), W_DEPARTMENT) ||
			  add_field(b, yc_json_str(doc, "conditions"), W_CONDITIONS) ||
			  add_texts(b, cJSON_GetObjectItem(doc, "materials"), "name", W_MATERIALS) ||
			  add_field(b, asked_of(b, db_col_text(st, 0)), W_ASKED) ||
			  end_doc(b, b->ix->ndocs);
		cJSON_Delete(doc);
		if (bad) {
			rc = yc_err_set(err, YC_ENOMEM, NULL, "out of memory");
			break;
		}
		b->ix->ndocs++;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int load_processes(db *d, struct builder *b, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT code, name, doc FROM processes WHERE status = 'active'"
				 " ORDER BY code",
				 err);
	if (!st)
		return db_failed(err);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		cJSON *doc = NULL;
		if (yc_json_parse(db_col_text(st, 2), db_col_len(st, 2), &doc, err)) {
			rc = err->code;
			break;
		}
		struct guide_doc *g = new_doc(b, db_col_text(st, 0), db_col_text(st, 1), NULL,
					      true, false);
		int bad = !g || add_field(b, db_col_text(st, 1), W_NAME) ||
			  add_field(b, yc_json_str(doc, "description"), W_DESCRIPTION) ||
			  add_texts(b, cJSON_GetObjectItem(doc, "parts"), "name", W_PARTS) ||
			  add_texts(b, cJSON_GetObjectItem(doc, "questions"), "label",
				    W_MATERIALS) ||
			  add_field(b, asked_of(b, db_col_text(st, 0)), W_ASKED) ||
			  end_doc(b, b->ix->ndocs);
		cJSON_Delete(doc);
		if (bad) {
			rc = yc_err_set(err, YC_ENOMEM, NULL, "out of memory");
			break;
		}
		b->ix->ndocs++;
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static int load_synonyms(db *d, struct guide_index *ix, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT phrase, terms FROM guide_synonyms"
				 " ORDER BY length(phrase) DESC, phrase",
				 err);
	if (!st)
		return db_failed(err);
	int rc, cap = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (ix->nsyn == cap) {
			cap = cap * 2 + 64;
			struct guide_syn *s = realloc(ix->syn, (size_t)cap * sizeof(*s));
			if (!s) {
				rc = yc_err_set(err, YC_ENOMEM, NULL, "out of memory");
				break;
			}
			ix->syn = s;
		}
		struct guide_syn *s = &ix->syn[ix->nsyn++];
		snprintf(s->phrase, sizeof(s->phrase), "%s", db_col_text(st, 0));
		snprintf(s->terms, sizeof(s->terms), "%s", db_col_text(st, 1));
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* The postings grouped by key, and an open-addressing table from key to its group. */
static int finish(struct builder *b, yc_err *err)
{
	struct guide_index *ix = b->ix;
	qsort(b->e, b->n, sizeof(*b->e), by_key_then_weight);
	size_t groups = 0;
	for (size_t i = 0; i < b->n; i++)
		groups += !i || b->e[i].key != b->e[i - 1].key;
	uint32_t size = 64;
	while (size < groups * 2)
		size *= 2;
	ix->mask = size - 1;
	ix->slots = calloc(size, sizeof(*ix->slots));
	ix->posts = malloc((b->n ? b->n : 1) * sizeof(*ix->posts));
	if (!ix->slots || !ix->posts)
		return yc_err_set(err, YC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < b->n;) {
		size_t j = i;
		for (; j < b->n && b->e[j].key == b->e[i].key; j++)
			ix->posts[j] = (struct guide_post){b->e[j].doc, b->e[j].w};
		uint32_t h = (uint32_t)((b->e[i].key * 0x9E3779B97F4A7C15ULL) >> 32) & ix->mask;
		while (ix->slots[h].n)
			h = (h + 1) & ix->mask;
		ix->slots[h] = (struct guide_slot){b->e[i].key, (uint32_t)i, (uint32_t)(j - i)};
		i = j;
	}
	return 0;
}

const struct guide_slot *guide_lookup(const struct guide_index *ix, uint64_t key)
{
	uint32_t h = (uint32_t)((key * 0x9E3779B97F4A7C15ULL) >> 32) & ix->mask;
	for (; ix->slots[h].n; h = (h + 1) & ix->mask)
		if (ix->slots[h].key == key)
			return &ix->slots[h];
	return NULL;
}

double guide_idf(const struct guide_index *ix, const struct guide_slot *s)
{
	return log(1.0 + (double)ix->ndocs / s->n);
}

static void index_free(struct guide_index *ix)
{
	if (!ix)
		return;
	free(ix->docs);
	free(ix->slots);
	free(ix->posts);
	free(ix->syn);
	free(ix);
}

static int version_of(db *d, char *out, size_t size, yc_err *err)
{
	int64_t v[8] = {0};
	int rc = db_get(d, err,
			"SELECT (SELECT COUNT(*) FROM items), (SELECT COALESCE(MAX(updated_ms), 0)"
			" FROM items), (SELECT COUNT(*) FROM processes), (SELECT COALESCE("
			"MAX(updated_ms), 0) FROM processes), (SELECT COUNT(*) FROM guide_synonyms),"
			" (SELECT COALESCE(MAX(updated_ms), 0) FROM guide_synonyms),"
			" (SELECT COUNT(*) FROM guide_asked), (SELECT COALESCE(MAX(updated_ms), 0)"
			" FROM guide_asked)",
			"", "iiiiiiii", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	if (rc < 0)
		return rc;
	snprintf(out, size, "%lld:%lld:%lld:%lld:%lld:%lld:%lld:%lld", (long long)v[0],
		 (long long)v[1], (long long)v[2], (long long)v[3], (long long)v[4],
		 (long long)v[5], (long long)v[6], (long long)v[7]);
	return 0;
}

static int build(db *d, const char *version, struct guide_index **out, yc_err *err)
{
	struct guide_index *ix = calloc(1, sizeof(*ix));
	if (!ix)
		return yc_err_set(err, YC_ENOMEM, NULL, "out of memory");
	snprintf(ix->version, sizeof(ix->version), "%s", version);
	struct builder b = {.ix = ix};
	int rc = load_asked(d, &b, err);
	if (!rc)
		rc = load_items(d, &b, err);
	if (!rc)
		rc = load_processes(d, &b, err);
	if (!rc)
		rc = load_synonyms(d, ix, err);
	if (!rc)
		rc = finish(&b, err);
	free(b.e);
	free(b.cur);
	for (int i = 0; i < b.nasked; i++)
		free(b.asked[i].text);
	free(b.asked);
	if (rc) {
		index_free(ix);
		return rc;
	}
	*out = ix;
	return 0;
}

void guide_ctx_init(struct guide_ctx *c)
{
	pthread_mutex_init(&c->lock, NULL);
	c->index = NULL;
}

void guide_ctx_free(struct guide_ctx *c)
{
	pthread_mutex_lock(&c->lock);
	struct guide_index *ix = c->index;
	c->index = NULL;
	if (ix && --ix->refs == 0)
		index_free(ix);
	pthread_mutex_unlock(&c->lock);
	pthread_mutex_destroy(&c->lock);
}

int guide_index_get(db *d, struct guide_ctx *c, struct guide_index **out, yc_err *err)
{
	char version[sizeof((struct guide_index *)0)->version];
	int rc = version_of(d, version, sizeof(version), err);
	if (rc)
		return rc;
	pthread_mutex_lock(&c->lock);
	struct guide_index *ix = c->index;
	if (ix && !strcmp(ix->version, version))
		ix->refs++;
	else
		ix = NULL;
	pthread_mutex_unlock(&c->lock);
	if (ix) {
		*out = ix;
		return 0;
	}
	/* made outside the lock: two threads may both make it; the later one is kept */
	if ((rc = build(d, version, &ix, err)))
		return rc;
	ix->refs = 2; /* the context's and the caller's */
	pthread_mutex_lock(&c->lock);
	struct guide_index *old = c->index;
	c->index = ix;
	if (old && --old->refs == 0)
		index_free(old);
	pthread_mutex_unlock(&c->lock);
	*out = ix;
	return 0;
}

void guide_index_put(struct guide_ctx *c, struct guide_index *ix)
{
	pthread_mutex_lock(&c->lock);
	bool last = --ix->refs == 0;
	pthread_mutex_unlock(&c->lock);
	if (last)
		index_free(ix);
}
