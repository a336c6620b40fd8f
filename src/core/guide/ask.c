/*
 * ask.c — a question answered: the synonyms applied, the entries scored, the best of each
 * family given with its evidence and its elements.
 *
 * The score of an entry is the sum over the question's keys of
 *     idf(key) × the key's weight in the entry
 * where idf = ln(1 + entries / entries with the key): a pair every item has (办理, 申请)
 * counts little, a rare one (饭店, 宅基) much. A 办理项 (change, renewal, reissue …) shares
 * its main item's text and adds its kind's word, so it wins only when the question says
 * that word; otherwise a small discount leaves the main item first. One answer per family
 * (a main item and its 办理项), so three answers are three different things to do.
 */
#include "core/guide/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/banned.h"

enum { QKEYS_MAX = 256, APPLIED_MAX = 16, MATCHED_SHOWN = 6, CANDIDATES = 48, GAP = 1 };

#define VARIANT_DISCOUNT 0.97

struct qkey {
	uint64_t key;
	char text[24];
};

struct query {
	struct qkey k[QKEYS_MAX];
	int n;
	int applied[APPLIED_MAX]; /* synonyms used, by index */
	int napplied;
};

static void add_keys(struct query *q, const char *text)
{
	struct guide_key keys[QKEYS_MAX];
	int n = guide_keys(text, keys, QKEYS_MAX);
	for (int i = 0; i < n && q->n < QKEYS_MAX; i++) {
		int j = 0;
		while (j < q->n && q->k[j].key != keys[i].key)
			j++;
		if (j < q->n)
			continue;
		struct qkey *k = &q->k[q->n++];
		k->key = keys[i].key;
		int len = keys[i].len < (int)sizeof(k->text) - 1 ? keys[i].len
								 : (int)sizeof(k->text) - 1;
		memcpy(k->text, keys[i].at, (size_t)len);
		k->text[len] = '\0';
	}
}

/* Latin letters compared without case: the question folded for the synonyms' search. */
static void fold(const char *q, char *out, size_t size)
{
	size_t i = 0;
	for (; q[i] && i + 1 < size; i++)
		out[i] = q[i] >= 'A' && q[i] <= 'Z' ? (char)(q[i] + 32) : q[i];
	out[i] = '\0';
}

/* Bytes of the UTF-8 character at s. */
static size_t char_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/*
 * Whether a two-character phrase occurs in text with up to GAP characters between its two
 * (开店 in 开个店, 交费 in 交了费): people put a measure word or a particle inside words they
 * would otherwise say together. Longer phrases must occur as they are. (A gap of one read
 * best on the tuning half with the synonyms written from the catalog alone; two and three
 * found more noise than help.)
 */
static bool occurs(const char *text, const char *phrase)
{
	if (strstr(text, phrase))
		return true;
	size_t a = char_len(phrase), b = phrase[a] ? char_len(phrase + a) : 0;
	if (a < 3 || b < 3 || phrase[a + b]) /* two Chinese characters only */
		return false;
	for (const char *p = text; *p; p += char_len(p)) {
		if (strncmp(p, phrase, a))
			continue;
		const char *r = p + a;
		/* the gap: Chinese characters or digits, no punctuation or space */
		for (int gap = 0; gap <= GAP && *r; gap++) {
			if (!strncmp(r, phrase + a, b))
				return true;
			unsigned char c = (unsigned char)*r;
			if (!(c >= 0xE4 && c <= 0xE9) && !(c >= '0' && c <= '9'))
				break;
			r += char_len(r);
		}
	}
	return false;
}

static void make_query(const struct guide_index *ix, const char *question, struct query *q)
{
	char folded[GUIDE_QUESTION_MAX + 1];
	fold(question, folded, sizeof(folded));
	q->n = q->napplied = 0;
	add_keys(q, folded);
	for (int i = 0; i < ix->nsyn && q->napplied < APPLIED_MAX; i++)
		if (occurs(folded, ix->syn[i].phrase)) {
			q->applied[q->napplied++] = i;
			add_keys(q, ix->syn[i].terms);
		}
}

/* The weight of key in doc (0 when it has none): its postings are sorted by document. */
static float weight_in(const struct guide_index *ix, const struct guide_slot *s, int doc)
{
	const struct guide_post *p = ix->posts + s->start;
	int lo = 0, hi = (int)s->n - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (p[mid].doc == doc)
			return p[mid].w;
		if (p[mid].doc < doc)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

struct ranked {
	int doc;
	double score;
	const struct guide_index *ix;
};

static int by_score(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	const struct guide_doc *dx = &x->ix->docs[x->doc], *dy = &y->ix->docs[y->doc];
	if (dx->variant != dy->variant)
		return dx->variant ? 1 : -1;
	size_t lx = strlen(dx->name), ly = strlen(dy->name);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(dx->code, dy->code);
}

/* The best entry of each family, best first, at most max; returns how many. */
static int rank(const struct guide_index *ix, const struct query *q, struct ranked *out,
		int max)
{
	double *score = calloc((size_t)(ix->ndocs ? ix->ndocs : 1), sizeof(*score));
	struct ranked *all = malloc(CANDIDATES * sizeof(*all));
	int n = 0;
	if (!score || !all)
		goto out;
	for (int i = 0; i < q->n; i++) {
		const struct guide_slot *s = guide_lookup(ix, q->k[i].key);
		if (!s)
			continue;
		double idf = guide_idf(ix, s);
		for (uint32_t j = 0; j < s->n; j++) {
			const struct guide_post *p = &ix->posts[s->start + j];
			score[p->doc] += idf * p->w;
		}
	}
	/* the best CANDIDATES in order, by insertion (most entries lose to the last kept): a
	 * family holds at most a dozen entries, so they hold max families */
	int m = 0;
	for (int i = 0; i < ix->ndocs; i++) {
		if (!(score[i] > 0))
			continue;
		struct ranked r = {i, score[i] * (ix->docs[i].variant ? VARIANT_DISCOUNT : 1.0), ix};
		if (m == CANDIDATES && by_score(&r, &all[m - 1]) >= 0)
			continue;
		int j = m < CANDIDATES ? m++ : m - 1;
		for (; j > 0 && by_score(&r, &all[j - 1]) < 0; j--)
			all[j] = all[j - 1];
		all[j] = r;
	}
	for (int i = 0; i < m && n < max; i++) {
		int j = 0;
		while (j < n && strcmp(ix->docs[out[j].doc].family, ix->docs[all[i].doc].family))
			j++;
		if (j == n)
			out[n++] = all[i];
	}
out:
	free(score);
	free(all);
	return n;
}

static void add_matched(yc_buf *b, const struct guide_index *ix, const struct query *q, int doc)
{
	struct contribution {
		int k;
		double w;
	} m[QKEYS_MAX];
	int n = 0;
	for (int i = 0; i < q->n; i++) {
		const struct guide_slot *s = guide_lookup(ix, q->k[i].key);
		float w = s ? weight_in(ix, s, doc) : 0;
		if (w > 0)
			m[n++] = (struct contribution){i, guide_idf(ix, s) * w};
	}
	/* the largest first (a short insertion sort: a question has few keys) */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && m[j].w > m[j - 1].w; j--) {
			struct contribution t = m[j];
			m[j] = m[j - 1];
			m[j - 1] = t;
		}
	yc_buf_adds(b, ",\"matched\":[");
	for (int i = 0; i < n && i < MATCHED_SHOWN; i++) {
		yc_buf_adds(b, i ? ",{\"text\":" : "{\"text\":");
		yc_json_add_str(b, q->k[m[i].k].text);
		yc_buf_addf(b, ",\"weight\":%.2f}", m[i].w);
	}
	yc_buf_addc(b, ']');
}

/* The hall category (and its floor) that serves item code; nothing when none does. */
static int add_category(db *d, const char *code, yc_buf *b, yc_err *err)
{
	char like[64];
	snprintf(like, sizeof(like), "%%\"%s\"%%", code);
	db_stmt *st = db_prepare(d,
				 "SELECT c.code, c.name, z.floor, z.name FROM hall_categories c"
				 " JOIN hall_zones z ON z.code = c.zone WHERE c.items LIKE ?"
				 " ORDER BY c.code LIMIT 1",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, like);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		yc_buf_adds(b, ",\"category\":{\"code\":");
		yc_json_add_str(b, db_col_text(st, 0));
		yc_buf_adds(b, ",\"name\":");
		yc_json_add_str(b, db_col_text(st, 1));
		yc_buf_addf(b, ",\"floor\":%lld,\"zone\":", (long long)db_col_int(st, 2));
		yc_json_add_str(b, db_col_text(st, 3));
		yc_buf_addc(b, '}');
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

static void add_member(yc_buf *b, const cJSON *doc, const char *name)
{
	const cJSON *x = cJSON_GetObjectItem(doc, name);
	if (!x)
		return;
	yc_buf_addf(b, ",\"%s\":", name);
	yc_json_add_item(b, x);
}

/* An item's elements: department, limits, how far online, what to bring, fees, where. */
static int item_elements(db *d, const char *code, yc_buf *b, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT i.doc, d.name, i.online_depth FROM items i JOIN departments d"
				 " ON d.code = i.department WHERE i.code = ?",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, code);
	int rc = db_step(st, err);
	cJSON *doc = NULL;
	const char *of = NULL;
	if (rc == DB_ROW && !(rc = yc_json_parse(db_col_text(st, 0), db_col_len(st, 0), &doc, err))) {
		yc_buf_adds(b, ",\"department\":");
		yc_json_add_str(b, db_col_text(st, 1));
		int depth = (int)db_col_int(st, 2);
		yc_buf_addf(b, ",\"online_depth\":%d,\"fully_online\":%s", depth,
			    depth == 4 ? "true" : "false");
		static const char *const members[] = {"legal_limit", "promised_limit", "case_type",
						      "visits", "fee_free", "where", "when",
						      "phone", "variant_of"};
		for (size_t i = 0; i < sizeof(members) / sizeof(*members); i++)
			add_member(b, doc, members[i]);
		yc_buf_adds(b, ",\"materials\":[");
		const cJSON *m;
		int n = 0;
		cJSON_ArrayForEach(m, cJSON_GetObjectItem(doc, "materials"))
		{
			yc_buf_adds(b, n++ ? ",{\"name\":" : "{\"name\":");
			yc_json_add_str(b, yc_json_str(m, "name"));
			yc_buf_addf(b, ",\"required\":%s}",
				    yc_json_bool(m, "required", false) ? "true" : "false");
		}
		yc_buf_addc(b, ']');
		of = yc_json_str(doc, "variant_of");
	} else if (rc == DB_DONE) {
		rc = 0;
	}
	db_done(st);
	char family[40];
	snprintf(family, sizeof(family), "%s", of ? of : code);
	cJSON_Delete(doc);
	return rc < 0 ? rc : add_category(d, family, b, err);
}

/* A process's elements: what it does, its promise, its parts; the category of its first. */
static int process_elements(db *d, const char *code, yc_buf *b, yc_err *err)
{
	cJSON *doc = NULL;
	char text[64 * 1024];
	int rc = db_get(d, err, "SELECT doc FROM processes WHERE code = ?", "s", "t", code, text,
			sizeof(text));
	if (rc != DB_ROW)
		return rc < 0 ? rc : 0;
	if ((rc = yc_json_parse(text, strlen(text), &doc, err)))
		return rc;
	static const char *const members[] = {"description", "promised_limit", "fee_free",
					      "visits"};
	for (size_t i = 0; i < sizeof(members) / sizeof(*members); i++)
		add_member(b, doc, members[i]);
	yc_buf_adds(b, ",\"parts\":[");
	const cJSON *p;
	int n = 0;
	char first[40] = "";
	cJSON_ArrayForEach(p, cJSON_GetObjectItem(doc, "parts"))
	{
		if (n++)
			yc_buf_addc(b, ',');
		yc_json_add_str(b, yc_json_str(p, "name"));
		if (!*first && yc_json_str(p, "item"))
			snprintf(first, sizeof(first), "%s", yc_json_str(p, "item"));
	}
	yc_buf_addc(b, ']');
	cJSON_Delete(doc);
	return *first ? add_category(d, first, b, err) : 0;
}

static int add_desk(db *d, const struct guide_ctx *c, yc_buf *b, yc_err *err)
{
	char name[128] = "";
	int rc = db_get(d, err, "SELECT name FROM hall_categories WHERE code = ?", "s", "t",
			c->desk, name, sizeof(name));
	if (rc < 0)
		return rc;
	yc_buf_adds(b, ",\"desk\":");
	if (rc != DB_ROW)
		return yc_buf_adds(b, "null"), 0;
	yc_buf_adds(b, "{\"category\":");
	yc_json_add_str(b, c->desk);
	yc_buf_adds(b, ",\"name\":");
	yc_json_add_str(b, name);
	yc_buf_addc(b, '}');
	return 0;
}

int guide_ask(db *d, struct guide_ctx *c, const char *question, yc_buf *out, bool *answered,
	      yc_err *err)
{
	struct guide_index *ix = NULL;
	int rc = guide_index_get(d, c, &ix, err);
	if (rc)
		return rc;
	struct query *q = malloc(sizeof(*q));
	struct ranked top[GUIDE_ANSWERS_MAX];
	int want = c->answers > 0 && c->answers <= GUIDE_ANSWERS_MAX ? c->answers : 3;
	if (!q) {
		guide_index_put(c, ix);
		return yc_err_set(err, YC_ENOMEM, NULL, "out of memory");
	}
	make_query(ix, question, q);
	int n = rank(ix, q, top, want);
	/* the best must reach the bar; the others, half of it (a second thought, not noise) */
	if (n > 0 && top[0].score < c->min_score)
		n = 0;
	while (n > 1 && top[n - 1].score < c->min_score / 2)
		n--;
	*answered = n > 0;
	yc_buf_adds(out, "{\"question\":");
	yc_json_add_str(out, question);
	yc_buf_adds(out, ",\"words\":[");
	for (int i = 0; i < q->n; i++) {
		if (i)
			yc_buf_addc(out, ',');
		yc_json_add_str(out, q->k[i].text);
	}
	yc_buf_adds(out, "],\"synonyms\":[");
	for (int i = 0; i < q->napplied; i++) {
		const struct guide_syn *s = &ix->syn[q->applied[i]];
		yc_buf_adds(out, i ? ",{\"phrase\":" : "{\"phrase\":");
		yc_json_add_str(out, s->phrase);
		yc_buf_adds(out, ",\"terms\":");
		yc_json_add_str(out, s->terms);
		yc_buf_addc(out, '}');
	}
	yc_buf_addf(out, "],\"answered\":%s,\"answers\":[", *answered ? "true" : "false");
	for (int i = 0; !rc && i < n; i++) {
		const struct guide_doc *g = &ix->docs[top[i].doc];
		yc_buf_addf(out, "%s{\"kind\":\"%s\",\"code\":", i ? "," : "",
			    g->process ? "process" : "item");
		yc_json_add_str(out, g->code);
		yc_buf_adds(out, ",\"name\":");
		yc_json_add_str(out, g->name);
		yc_buf_addf(out, ",\"score\":%.2f", top[i].score);
		add_matched(out, ix, q, top[i].doc);
		rc = g->process ? process_elements(d, g->code, out, err)
				: item_elements(d, g->code, out, err);
		yc_buf_addc(out, '}');
	}
	yc_buf_addc(out, ']');
	if (!rc)
		rc = add_desk(d, c, out, err);
	yc_buf_addc(out, '}');
	free(q);
	guide_index_put(c, ix);
	return rc;
}
