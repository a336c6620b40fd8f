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
