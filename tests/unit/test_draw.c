/*
 * Unit tests of the random draw (core/inspection/draw.c) against vectors from a
 * second implementation written from docs/draw.md alone: the seed, the stream's
 * uniform integers, and a stratified draw of entities; the counts' rounding;
 * rejection keeping the integers unbiased.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/inspection/draw.h"
#include "lib/crypto.h"

static void seeded(struct draw_stream *s)
{
	static const char *const inputs[] = {"witness"};
	unsigned char seed[32];
	char hex[65];
	draw_seed("secret", "E", "I", inputs, 1, seed, hex);
	cr_assert_str_eq(hex, "d2250e3f9aa318e5a12cc85b719d02aa32a7924ba2f952850173b58f97610a0d");
	draw_stream_init(s, seed);
}

Test(draw, sm3_is_gb_t_32905)
{
	char hex[65];
	yc_sm3_hex("abc", 3, hex);
	cr_assert_str_eq(hex, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

Test(draw, the_stream_gives_the_documented_integers)
{
	struct draw_stream s;
	seeded(&s);
	static const uint64_t tens[] = {3, 3, 9, 3, 5}, thousands[] = {617, 915, 307, 151, 337};
	for (int i = 0; i < 5; i++)
		cr_assert_eq(draw_uniform(&s, 10), tens[i], "uniform(10) #%d", i);
	for (int i = 0; i < 5; i++)
		cr_assert_eq(draw_uniform(&s, 1000), thousands[i], "uniform(1000) #%d", i);
}

Test(draw, a_stratified_draw_picks_the_documented_entities)
{
	struct draw_stream s;
	seeded(&s);
	/* ten entities in credit-code order: classes A A B C A D B C A B */
	static const int classes[] = {0, 0, 1, 2, 0, 3, 1, 2, 0, 1};
	static const int permille[DRAW_CLASSES] = {500, 400, 600, 1000};
	static const size_t want[] = {8, 1, 6, 9, 7, 3, 5};
	size_t out[10];
	yc_err err;
	size_t n = draw_entities(&s, classes, 10, permille, out, &err);
	cr_assert_eq(n, 7);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(out[i], want[i], "pick %zu", i);
}

Test(draw, counts_round_up_and_never_pass_the_stratum)
{
	cr_assert_eq(draw_count(3, 400), 2);
	cr_assert_eq(draw_count(100, 30), 3);
	cr_assert_eq(draw_count(101, 30), 4);
	cr_assert_eq(draw_count(5, 1000), 5);
	cr_assert_eq(draw_count(5, 2000), 5);
	cr_assert_eq(draw_count(5, 0), 0);
	cr_assert_eq(draw_count(0, 500), 0);
}

Test(draw, rejection_keeps_large_ranges_unbiased)
{
	struct draw_stream s;
	seeded(&s);
	/* n just above 2^63: nearly half of all 64-bit values are rejected, none may pass */
	uint64_t n = (UINT64_C(1) << 63) + 1;
	for (int i = 0; i < 200; i++)
		cr_assert_lt(draw_uniform(&s, n), n);
	/* and a small range comes out flat: 60,000 draws of [0, 6), each face within 5% */
	int faces[6] = {0};
	for (int i = 0; i < 60000; i++)
		faces[draw_uniform(&s, 6)]++;
	for (int f = 0; f < 6; f++)
		cr_assert(faces[f] > 9500 && faces[f] < 10500, "face %d: %d", f, faces[f]);
	cr_assert_eq(draw_uniform(&s, 1), 0);
}
