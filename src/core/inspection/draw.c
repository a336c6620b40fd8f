/* draw.c — the random draw's seed, stream, integers and picks (see draw.h, docs/draw.md). */
#include "core/inspection/draw.h"

#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/crypto.h"
#include "lib/banned.h"

void draw_seed(const char *secret, const char *entities_hash, const char *inspectors_hash,
	       const char *const *inputs, int ninputs, unsigned char seed[32], char hex[65])
{
	yc_buf b;
	yc_buf_init(&b, 0);
	yc_buf_addf(&b, "yichuang-draw/1\n%s\n%s\n%s", secret, entities_hash, inspectors_hash);
	for (int i = 0; i < ninputs; i++)
		yc_buf_addf(&b, "\n%s", inputs[i]);
	yc_sm3(b.data, b.len, seed);
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[seed[i] >> 4];
		hex[2 * i + 1] = digits[seed[i] & 15];
	}
	hex[64] = '\0';
	yc_buf_release(&b);
}

void draw_stream_init(struct draw_stream *s, const unsigned char seed[32])
{
	memcpy(s->seed, seed, 32);
	s->block = 0;
	s->at = 32; /* no block read yet */
}

/* The next block: SM3(seed ‖ be64(counter)). */
static void next_block(struct draw_stream *s)
{
	unsigned char in[40];
	memcpy(in, s->seed, 32);
	for (int i = 0; i < 8; i++)
		in[32 + i] = (unsigned char)(s->block >> (56 - 8 * i));
	yc_sm3(in, sizeof(in), s->buf);
	s->block++;
	s->at = 0;
}

uint64_t draw_next64(struct draw_stream *s)
{
	if (s->at == 32)
		next_block(s);
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | s->buf[s->at + i];
	s->at += 8;
	return v;
}

uint64_t draw_uniform(struct draw_stream *s, uint64_t n)
{
	if (n <= 1)
		return 0;
	/* limit = 2^64 − (2^64 mod n); 2^64 mod n is (−n) mod n in 64-bit arithmetic */
	uint64_t rem = (0 - n) % n;
	for (;;) {
		uint64_t u = draw_next64(s);
		if (rem == 0 || u < 0 - rem)
			return u % n;
	}
}

void draw_pick(struct draw_stream *s, size_t *order, size_t n, size_t k)
{
	for (size_t i = 0; i < k && i < n; i++) {
		size_t j = i + (size_t)draw_uniform(s, n - i);
		size_t t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
}

size_t draw_count(size_t n, int permille)
{
	if (permille <= 0)
		return 0;
	size_t k = (n * (size_t)permille + 999) / 1000;
	return k > n ? n : k;
}

size_t draw_entities(struct draw_stream *s, const int *classes, size_t n,
		     const int permille[DRAW_CLASSES], size_t *out, yc_err *err)
{
	size_t *stratum = malloc((n ? n : 1) * sizeof(*stratum));
	if (!stratum) {
		yc_err_set(err, YC_ENOMEM, NULL, NULL);
		return 0;
	}
	size_t picked = 0;
	for (int c = 0; c < DRAW_CLASSES; c++) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (classes[i] == c)
				stratum[m++] = i;
		size_t k = draw_count(m, permille[c]);
		draw_pick(s, stratum, m, k);
		for (size_t i = 0; i < k; i++)
			out[picked++] = stratum[i];
	}
	free(stratum);
	return picked;
}

/* ---- the frozen lists and the whole draw ---------------------------------- */

int draw_list_has(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ';');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !memcmp(p, word, n))
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

/* Splits text's lines in place; lines[i] each NUL-terminated. Returns the count. */
static size_t split_lines(char *text, char ***lines)
{
	size_t n = *text ? 1 : 0;
	for (char *p = text; *p; p++)
		n += *p == '\n';
	*lines = malloc((n ? n : 1) * sizeof(**lines));
	if (!*lines)
		return (size_t)-1;
	size_t i = 0;
	if (n) {
		(*lines)[i++] = text;
		for (char *p = text; *p; p++)
			if (*p == '\n') {
				*p = '\0';
				(*lines)[i++] = p + 1;
			}
	}
	return n;
}

/* A word of a line: no separator, no space, not empty. */
static int word_ok(const char *s)
{
	return *s && !strpbrk(s, ",; \t\r");
}

/* A ";" list: words in strict byte order. */
static int word_list_ok(const char *s, int may_be_empty)
{
	if (!*s)
		return may_be_empty;
	const char *prev = NULL;
	size_t prev_len = 0;
	for (const char *p = s;;) {
		const char *e = strchr(p, ';');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (!len || memchr(p, ',', len) || memchr(p, ' ', len))
			return 0;
		if (prev) {
			size_t m = len < prev_len ? len : prev_len;
			int c = memcmp(prev, p, m);
			if (c > 0 || (c == 0 && prev_len >= len))
				return 0;
		}
		prev = p;
		prev_len = len;
		if (!e)
			return 1;
		p = e + 1;
	}
}

static int parse_entities(struct draw_lists *l, char **lines, size_t n, yc_err *err)
{
	for (size_t i = 0; i < n; i++) {
		char *code = lines[i], *c1 = strchr(code, ',');
		char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		if (!c1)
			return yc_err_set(err, YC_EINVAL, "entities", "entities line %zu: no class",
					  i + 1);
		*c1 = '\0';
		if (c2)
			*c2 = '\0';
		const char *cls = c1 + 1, *excl = c2 ? c2 + 1 : "";
		if (!word_ok(code) || strlen(cls) != 1 || cls[0] < 'A' || cls[0] > 'D' ||
		    (c2 && !word_list_ok(excl, 0)))
			return yc_err_set(err, YC_EINVAL, "entities",
					  "entities line %zu is not credit_code,class[,cert;…]",
					  i + 1);
		if (i && strcmp(l->entity[i - 1], code) >= 0)
			return yc_err_set(err, YC_EINVAL, "entities",
					  "entities line %zu is out of order or twice", i + 1);
		l->entity[i] = code;
		l->cls[i] = cls[0] - 'A';
		l->excluded[i] = excl;
	}
	return 0;
}

static int parse_inspectors(struct draw_lists *l, char **lines, size_t n, yc_err *err)
{
	for (size_t i = 0; i < n; i++) {
		char *cert = lines[i], *c1 = strchr(cert, ',');
		if (!c1)
			return yc_err_set(err, YC_EINVAL, "inspectors",
					  "inspectors line %zu: no fields", i + 1);
		*c1 = '\0';
		if (!word_ok(cert) || !word_list_ok(c1 + 1, 0))
			return yc_err_set(err, YC_EINVAL, "inspectors",
					  "inspectors line %zu is not cert_no,field;…", i + 1);
		if (i && strcmp(l->inspector[i - 1], cert) >= 0)
			return yc_err_set(err, YC_EINVAL, "inspectors",
					  "inspectors line %zu is out of order or twice", i + 1);
		l->inspector[i] = cert;
		l->fields[i] = c1 + 1;
	}
	return 0;
}

int draw_lists_take(char *entities, char *inspectors, struct draw_lists *l, yc_err *err)
{
	memset(l, 0, sizeof(*l));
	l->etext = entities;
	l->itext = inspectors;
	if (!entities || !inspectors) {
		draw_lists_free(l);
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	char **el = NULL, **il = NULL;
	size_t n = split_lines(entities, &el), m = split_lines(inspectors, &il);
	int rc = 0;
	if (n == (size_t)-1 || m == (size_t)-1)
		rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	if (!rc) {
		l->nentities = n;
		l->ninspectors = m;
		l->entity = malloc((n ? n : 1) * sizeof(*l->entity));
		l->cls = malloc((n ? n : 1) * sizeof(*l->cls));
		l->excluded = malloc((n ? n : 1) * sizeof(*l->excluded));
		l->inspector = malloc((m ? m : 1) * sizeof(*l->inspector));
		l->fields = malloc((m ? m : 1) * sizeof(*l->fields));
		if (!l->entity || !l->cls || !l->excluded || !l->inspector || !l->fields)
			rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	if (!rc)
		rc = parse_entities(l, el, n, err);
	if (!rc)
		rc = parse_inspectors(l, il, m, err);
	if (n != (size_t)-1)
		free(el);
	if (m != (size_t)-1)
		free(il);
	if (rc)
		draw_lists_free(l);
	return rc;
}

int draw_lists_parse(const char *entities, const char *inspectors, struct draw_lists *l,
		     yc_err *err)
{
	return draw_lists_take(strdup(entities ? entities : ""),
			       strdup(inspectors ? inspectors : ""), l, err);
}

void draw_lists_free(struct draw_lists *l)
{
	free(l->entity);
	free(l->cls);
	free(l->excluded);
	free(l->inspector);
	free(l->fields);
	free(l->etext);
	free(l->itext);
	memset(l, 0, sizeof(*l));
}

void draw_result_free(struct draw_result *r)
{
	free(r->entity);
	free(r->team);
	memset(r, 0, sizeof(*r));
}

/*
 * Whether inspector k (who holds the field) may join entity e's team beside
 * the ones picked: not excluded by the entity, not on its team already.
 */
static int eligible(const struct draw_lists *l, size_t e, size_t k, const size_t *picked,
		    int npicked)
{
	if (l->excluded[e][0] && draw_list_has(l->excluded[e], l->inspector[k]))
		return 0;
	for (int i = 0; i < npicked; i++)
		if (picked[i] == k)
			return 0;
	return 1;
}

/* Each field's holders, in list order: by_field[f] has holders[f] of them. */
static int field_holders(const struct draw_lists *l, const struct draw_plan *p, size_t **by_field,
			 size_t *holders)
{
	size_t m = l->ninspectors;
	for (int f = 0; f < p->nfields; f++) {
		holders[f] = 0;
		if (!(by_field[f] = malloc((m ? m : 1) * sizeof(**by_field))))
			return YC_ENOMEM;
		for (size_t k = 0; k < m; k++)
			if (draw_list_has(l->fields[k], p->fields[f]))
				by_field[f][holders[f]++] = k;
	}
	return 0;
}

int draw_run(const unsigned char seed[32], const struct draw_lists *l, const struct draw_plan *p,
	     struct draw_result *out, yc_err *err)
{
	memset(out, 0, sizeof(*out));
	if (p->team_size < 2 || p->nfields < 1 || p->nfields > DRAW_FIELDS_MAX ||
	    p->team_size * p->nfields > DRAW_TEAM_MAX * DRAW_FIELDS_MAX)
		return yc_err_set(err, YC_EINVAL, "team_size", "a team is two or more a field");
	size_t n = l->nentities, m = l->ninspectors;
	struct draw_stream s;
	draw_stream_init(&s, seed);
	out->team_len = p->team_size * p->nfields;
	out->entity = malloc((n ? n : 1) * sizeof(*out->entity));
	size_t *pool = malloc((m ? m : 1) * sizeof(*pool));
	size_t *by_field[DRAW_FIELDS_MAX] = {NULL}, holders[DRAW_FIELDS_MAX];
	int rc = 0;
	if (!out->entity || !pool || field_holders(l, p, by_field, holders))
		rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	if (!rc) {
		out->n = draw_entities(&s, l->cls, n, p->permille, out->entity, err);
		out->team =
			malloc((out->n ? out->n : 1) * (size_t)out->team_len * sizeof(*out->team));
		if (!out->team)
			rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	for (size_t i = 0; !rc && i < out->n; i++) {
		size_t e = out->entity[i], *team = out->team + i * (size_t)out->team_len;
		int picked = 0;
		for (int f = 0; !rc && f < p->nfields; f++) {
			/* the field's holders in list order, less those who may not go */
			size_t eligible_n = 0;
			for (size_t h = 0; h < holders[f]; h++)
				if (eligible(l, e, by_field[f][h], team, picked))
					pool[eligible_n++] = by_field[f][h];
			if (eligible_n < (size_t)p->team_size) {
				rc = yc_err_set(err, YC_EINVAL, "inspectors",
						"only %zu inspectors of %s may inspect %s",
						eligible_n, p->fields[f], l->entity[e]);
				break;
			}
			/* the eligible list's positions, picked by partial Fisher–Yates */
			draw_pick(&s, pool, eligible_n, (size_t)p->team_size);
			for (int t = 0; t < p->team_size; t++)
				team[picked++] = pool[t];
		}
	}
	for (int f = 0; f < DRAW_FIELDS_MAX; f++)
		free(by_field[f]);
	free(pool);
	if (rc)
		draw_result_free(out);
	return rc;
}
