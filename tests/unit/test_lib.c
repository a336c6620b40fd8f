/* Unit tests: the bounded buffer, JSON in and out, dates, SipHash and the throttle tables (src/lib). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/json.h"
#include "lib/crypto.h"
#include "lib/csv.h"
#include "lib/xlsx.h"
#include "lib/throttle.h"
#include "lib/timeutil.h"

Test(buf, grows_and_stays_terminated)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	cr_assert_str_eq(b.data, "");
	for (int i = 0; i < 1000; i++)
		cr_assert_eq(yc_buf_addf(&b, "%d,", i), 0);
	cr_assert_eq(b.data[b.len], '\0');
	cr_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	yc_buf_clear(&b);
	cr_assert_eq(b.len, 0);
	cr_assert_str_eq(b.data, "");
	yc_buf_release(&b);
}

Test(buf, refuses_past_its_bound)
{
	yc_buf b;
	yc_buf_init(&b, 10);
	cr_assert_eq(yc_buf_adds(&b, "0123456789"), 0);
	cr_assert_eq(yc_buf_addc(&b, 'x'), YC_ETOOLARGE);
	cr_assert_str_eq(b.data, "0123456789", "a refused append leaves the buffer as it was");
	cr_assert_eq(yc_buf_addf(&b, "%s", "y"), YC_ETOOLARGE);
	size_t len;
	char *p = yc_buf_detach(&b, &len);
	cr_assert_eq(len, 10);
	cr_assert_str_eq(b.data, "");
	free(p);
}

Test(json, utf8_validation)
{
	size_t bad = 0;
	cr_assert(yc_utf8_valid("一窗受理", strlen("一窗受理"), NULL));
	cr_assert_not(yc_utf8_valid("ab\xff", 3, &bad));
	cr_assert_eq(bad, 2);
	cr_assert_not(yc_utf8_valid("\xc0\xaf", 2, NULL));     /* overlong */
	cr_assert_not(yc_utf8_valid("\xed\xa0\x80", 3, NULL)); /* surrogate */
	cr_assert_not(yc_utf8_valid("\xe4\xb8", 2, NULL));     /* truncated */
}

Test(buf, whole_numbers_as_printf_writes_them)
{
	static const long long v[] = {0,
				      7,
				      -7,
				      10,
				      99,
				      100,
				      1234567890123LL,
				      -9223372036854775807LL - 1,
				      9223372036854775807LL};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		yc_buf b;
		yc_buf_init(&b, 0);
		cr_assert_eq(yc_buf_addi(&b, v[i]), 0);
		char want[32];
		snprintf(want, sizeof(want), "%lld", v[i]);
		cr_assert_str_eq(b.data, want);
		yc_buf_release(&b);
	}
}

/* The writer that skips cJSON's printer writes what it would, for what cases and rules hold. */
Test(json, tree_writer_matches_cjson)
{
	static const char *docs[] = {
		"{\"a\":1,\"b\":[true,false,null],\"c\":\"一窗\",\"d\":{}}",
		"[0,-1,2.5,-0.125,1e300,123456789012,3.141592653589793,0.1,[],[[1]]]",
		"{\"s\":\"tab\\there \\\"q\\\" "
		"back\\\\slash\",\"n\":-42,\"big\":1e16,\"e\":1.5e-7}",
		"\"just a string\"",
		"12",
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		cJSON *j = cJSON_Parse(docs[i]);
		cr_assert_not_null(j, "%s", docs[i]);
		yc_buf b;
		yc_buf_init(&b, 0);
		cr_assert_eq(yc_json_add_item(&b, j), 0);
		char *want = cJSON_PrintUnformatted(j);
		cr_assert_str_eq(b.data, want, "doc %zu", i);
		cJSON_free(want);
		cJSON_Delete(j);
		yc_buf_release(&b);
	}
	yc_buf b;
	yc_buf_init(&b, 0);
	yc_json_add_item(&b, NULL);
	cr_assert_str_eq(b.data, "null");
	yc_buf_release(&b);
}

Test(dates, iso_times_as_printf_writes_them)
{
	/* 1970, a leap day, the end of a year, before 1970, and a year past 9999 (printf's path) */
	static const long long ms[] = {0, 951782400123LL, 1798761599999LL, -86400001LL,
				       253402300800000LL};
	static const int offsets[] = {0, 480, -330};
	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++)
		for (size_t k = 0; k < 3; k++) {
			char got[40], want[40];
			yc_time_format_iso(ms[i], offsets[k], got, sizeof(got));
			long long local = ms[i] + offsets[k] * 60000LL;
			long long secs = local >= 0 ? local / 1000 : (local - 999) / 1000;
			int msec = (int)(local - secs * 1000);
			int days = (int)(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400);
			int sod = (int)(secs - (long long)days * 86400);
			int y;
			unsigned m, d;
			yc_civil_from_days(days, &y, &m, &d);
			int off = offsets[k] < 0 ? -offsets[k] : offsets[k];
			if (offsets[k] == 0)
				snprintf(want, sizeof(want), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
					 y, m, d, sod / 3600, sod / 60 % 60, sod % 60, msec);
			else
				snprintf(want, sizeof(want),
					 "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", y, m, d,
					 sod / 3600, sod / 60 % 60, sod % 60,
					 offsets[k] < 0 ? '-' : '+', off / 60, off % 60);
			cr_assert_str_eq(got, want);
		}
	char small[12];
	yc_time_format_iso(0, 0, small, sizeof(small));
	cr_assert_str_eq(small, "1970-01-01T", "a short buffer is cut, never overrun");
}

Test(json, parse_names_the_position)
{
	cJSON *j = NULL;
	yc_err err;
	cr_assert_eq(yc_json_parse("{\"a\":1,}", 8, &j, &err), YC_EMALFORMED);
	cr_assert(strstr(err.message, "byte 7") != NULL, "%s", err.message);
	cr_assert_eq(yc_json_parse("{} x", 4, &j, &err), YC_EMALFORMED);
	cr_assert_eq(yc_json_parse("{\"a\":\"\xff\"}", 9, &j, &err), YC_EMALFORMED);
	cr_assert(strstr(err.message, "UTF-8") != NULL);
	cr_assert_eq(yc_json_parse(" {\"a\":1} \n", 10, &j, &err), 0);
	cJSON_Delete(j);
}

Test(json, declared_fields_only)
{
	static const yc_jfield spec[] = {
		{"name", YC_JT_STRING, true, 5},
		{"n", YC_JT_INT, false, 0},
	};
	const char *cases[][2] = {
		{"{\"name\":\"ab\",\"n\":3}", ""},
		{"{\"name\":\"ab\",\"x\":1}", "x"},
		{"{\"name\":1}", "name"},
		{"{\"n\":1}", "name"},
		{"{\"name\":\"abcdef\"}", "name"},
		{"{\"name\":\"a\",\"n\":1.5}", "n"},
		{"[1]", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *j = NULL;
		yc_err err;
		yc_err_clear(&err);
		cr_assert_eq(yc_json_parse(cases[i][0], strlen(cases[i][0]), &j, NULL), 0);
		int rc = yc_json_check(j, spec, 2, &err);
		if (i == 0)
			cr_assert_eq(rc, 0);
		else
			cr_assert_eq(rc, YC_EINVAL, "case %zu", i);
		cr_assert_str_eq(err.field, cases[i][1], "case %zu", i);
		cJSON_Delete(j);
	}
}

/* A spec's declared values: one of a set (a string, or each item of an array) and ranges. */
Test(json, declared_values_and_ranges)
{
	static const char *const sizes[] = {"small", "large", NULL};
	static const yc_jfield spec[] = {
		{"size", YC_JT_STRING, false, 16, .one_of = sizes},
		{"sizes", YC_JT_ARRAY, false, 4, .one_of = sizes},
		{"days", YC_JT_INT, false, 0, .min = 1, .max = 60},
		{"amount", YC_JT_NUMBER, false, 0, .min = 0, .max = 1000},
		{"free", YC_JT_INT, false, 0},
	};
	const char *cases[][2] = {
		{"{\"size\":\"small\",\"sizes\":[\"large\"],\"days\":60,\"amount\":0.5,\"free\":-9}", ""},
		{"{\"size\":\"medium\"}", "size"},
		{"{\"sizes\":[\"small\",\"huge\"]}", "sizes[1]"},
		{"{\"sizes\":[\"small\",3]}", "sizes[1]"},
		{"{\"days\":0}", "days"},
		{"{\"days\":61}", "days"},
		{"{\"amount\":-0.01}", "amount"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *j = NULL;
		yc_err err;
		yc_err_clear(&err);
		cr_assert_eq(yc_json_parse(cases[i][0], strlen(cases[i][0]), &j, NULL), 0);
		int rc = yc_json_check(j, spec, sizeof(spec) / sizeof(spec[0]), &err);
		cr_assert_eq(rc, i == 0 ? 0 : YC_EINVAL, "case %zu: %s", i, err.message);
		cr_assert_str_eq(err.field, cases[i][1], "case %zu", i);
		cJSON_Delete(j);
	}
}

Test(json, escaping_writer)
{
	yc_buf b;
	yc_buf_init(&b, 0);
	yc_json_add_str(&b, "a\"b\\c\n\x01受理");
	cr_assert_str_eq(b.data, "\"a\\\"b\\\\c\\n\\u0001受理\"");
	yc_buf_clear(&b);
	yc_json_add_str(&b, NULL);
	cr_assert_str_eq(b.data, "null");
	/* found by the roster fuzzer: a message cut inside a character still makes JSON */
	yc_buf_clear(&b);
	yc_json_add_str(&b, "受理\xe4\xb8|\xff|\xed\xa0\x80");
	cr_assert_str_eq(b.data, "\"受理\\ufffd\\ufffd|\\ufffd|\\ufffd\\ufffd\\ufffd\"");
	cr_assert(yc_utf8_valid(b.data, b.len, NULL));
	yc_buf_release(&b);
}

/* Found by the json fuzzer: a number past int64 (or past 2^53) is no integer, not UB. */
Test(json, int_accessor_out_of_range)
{
	cJSON *j = NULL;
	yc_err err;
	cr_assert_eq(yc_json_parse("{\"a\":1e24,\"b\":-42,\"c\":1e400}", 28, &j, &err), 0);
	cr_assert_eq(yc_json_int(j, "a", -1), -1);
	cr_assert_eq(yc_json_int(j, "b", -1), -42);
	cr_assert_eq(yc_json_int(j, "c", 7), 7);
	cJSON_Delete(j);
}

Test(dates, civil_round_trip_and_weekday)
{
	int32_t d;
	cr_assert_eq(yc_date_parse("1970-01-01", &d), 0);
	cr_assert_eq(d, 0);
	cr_assert_eq(yc_weekday(d), 4);
	cr_assert_eq(yc_date_parse("2024-02-29", &d), 0);
	cr_assert_eq(yc_date_parse("2023-02-29", &d), YC_EINVAL);
	cr_assert_eq(yc_date_parse("2026-1-01", &d), YC_EINVAL);
	for (int32_t k = -1000; k < 40000; k += 97) {
		char s[16];
		int32_t back;
		yc_date_format(k, s, sizeof(s));
		if (k >= yc_days_from_civil(1900, 1, 1)) {
			cr_assert_eq(yc_date_parse(s, &back), 0, "%s", s);
			cr_assert_eq(back, k);
		}
	}
	cr_assert_eq(yc_date_parse("2026-11-26", &d), 0);
	cr_assert_eq(yc_weekday(d), 4); /* a Thursday */
}

Test(crypto, siphash_reference_vectors)
{
	/* the SipHash paper's key 00..0f over the empty message and 00..0e */
	unsigned char key[16], msg[15];
	for (int i = 0; i < 16; i++)
		key[i] = (unsigned char)i;
	for (int i = 0; i < 15; i++)
		msg[i] = (unsigned char)i;
	cr_assert_eq(yc_siphash(key, msg, 0), 0x726fdb47dd0e0e31ull);
	cr_assert_eq(yc_siphash(key, msg, 15), 0xa129ca6149be45e5ull);
	cr_assert_eq(yc_siphash(key, msg, 8), 0x93f5f5799a932462ull);
}

Test(throttle, an_ipv6_caller_is_counted_by_its_64)
{
	char a[64], b[64];
	yc_throttle_net("2001:db8:1:2:aaaa:bbbb:cccc:dddd", a, sizeof(a));
	yc_throttle_net("2001:db8:1:2::1", b, sizeof(b));
	cr_assert_str_eq(a, "2001:db8:1:2::/64");
	cr_assert_str_eq(a, b, "two hosts of one /64 share a budget");
	yc_throttle_net("2001:db8:1:3::1", b, sizeof(b));
	cr_assert_str_neq(a, b);
	yc_throttle_net("203.0.113.9", a, sizeof(a));
	cr_assert_str_eq(a, "203.0.113.9");
	yc_throttle_net("::ffff:203.0.113.9", a, sizeof(a));
	cr_assert_str_eq(a, "203.0.113.9", "a mapped IPv4 address is the address");
	yc_throttle_net("", a, sizeof(a));
	cr_assert_str_eq(a, "");
}

Test(throttle, waits_grow_and_are_forgotten)
{
	yc_throttle *t = yc_throttle_new(64);
	cr_assert_not_null(t);
	yc_throttle_rule rule = {3, 60000, 10000};
	for (int i = 0; i < 3; i++)
		cr_assert_eq(yc_throttle_hit(t, "a", &rule, 1000), 0, "free events cost nothing");
	cr_assert_eq(yc_throttle_hit(t, "a", &rule, 1000), 1000);
	cr_assert_eq(yc_throttle_hit(t, "a", &rule, 1000), 2000);
	cr_assert_eq(yc_throttle_hit(t, "a", &rule, 1000), 4000);
	cr_assert_eq(yc_throttle_hit(t, "a", &rule, 1000), 8000);
	cr_assert_eq(yc_throttle_hit(t, "a", &rule, 1000), 10000, "capped at the longest wait");
	cr_assert_eq(yc_throttle_wait(t, "a", 1000), 10000);
	cr_assert_eq(yc_throttle_wait(t, "a", 6000), 5000);
	cr_assert_eq(yc_throttle_wait(t, "b", 1000), 0, "another key is not affected");
	cr_assert(yc_throttle_known(t, "a", 30000));
	cr_assert(!yc_throttle_known(t, "a", 62000), "forgotten after the window");
	cr_assert_eq(yc_throttle_hit(t, "a", &rule, 62000), 0, "and counts afresh");
	yc_throttle_clear(t, "a");
	cr_assert(!yc_throttle_known(t, "a", 62000));
	yc_throttle_free(t);
}

Test(throttle, a_full_table_refuses_new_keys_and_keeps_its_locks)
{
	/* 16 slots, one neighbourhood: whatever the hash, 16 live keys fill it */
	yc_throttle *t = yc_throttle_new(16);
	yc_throttle_rule rule = {0, 60000, 60000};
	char key[16];
	for (int i = 0; i < 16; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		cr_assert_eq(yc_throttle_hit(t, key, &rule, 1000), 1000);
	}
	cr_assert_eq(yc_throttle_wait(t, "new", 1000), YC_THROTTLE_FULL_MS, "no room: refused");
	cr_assert_eq(yc_throttle_hit(t, "new", &rule, 1000), -1, "and not counted");
	for (int i = 0; i < 16; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		cr_assert_eq(yc_throttle_wait(t, key, 1500), 500, "every lock is still there");
	}
	/* once a count is dead, its slot takes a new key */
	cr_assert_eq(yc_throttle_wait(t, "new", 61001), 0);
	cr_assert_eq(yc_throttle_hit(t, "new", &rule, 61001), 1000);
	yc_throttle_free(t);
}

Test(json, text_that_hides_what_it_holds)
{
	size_t bad;
	unsigned cp;
	cr_assert(yc_text_clean("张三 Zhang\tSan\n", &bad, &cp));
	cr_assert(yc_text_clean("😀 emoji and 中文", &bad, &cp));
	cr_assert(!yc_text_clean("ab\xe2\x80\xae" "cd", &bad, &cp)); /* U+202E */
	cr_assert_eq(bad, 2);
	cr_assert_eq(cp, 0x202E);
	cr_assert(!yc_text_clean("\xe2\x80\x8b", &bad, &cp)); /* U+200B */
	cr_assert(!yc_text_clean("x\x01", &bad, &cp));
	cr_assert(!yc_text_clean("\xc2\x85", &bad, &cp)); /* U+0085, C1 */
	cr_assert(!yc_text_clean("\xef\xbb\xbfx", &bad, &cp)); /* BOM */
	cr_assert(!yc_text_clean("a\xc2\xad" "b", &bad, &cp)); /* U+00AD, soft hyphen */
	cr_assert_eq(cp, 0xAD);
	cr_assert(!yc_text_clean("a\xe2\x80\xa8", &bad, &cp)); /* U+2028 */
	cr_assert(!yc_text_clean("a\xe2\x80\xa9", &bad, &cp)); /* U+2029 */
	cr_assert(!yc_text_clean("a\xf3\xa0\x80\x81", &bad, &cp)); /* U+E0001, a tag */
	cr_assert_eq(cp, 0xE0001);
	cr_assert(!yc_text_clean("\xef\xbf\xb9", &bad, &cp)); /* U+FFF9 */
	cJSON *j = NULL;
	yc_err err = {0};
	cr_assert_eq(yc_json_parse("{\"a\":\"x\\u0000y\"}", 16, &j, &err), YC_EMALFORMED);
	cr_assert_eq(yc_json_parse("{\"a\":\"x\ny\"}", 11, &j, &err), YC_EMALFORMED,
		     "a raw line break in a string");
	cr_assert_eq(yc_json_parse("{\"a\":\"x\ty\"}", 11, &j, &err), YC_EMALFORMED, "a raw tab");
	const char *spaced = "{\n\t\"a\":\"x\\ny\"\r\n}";
	cr_assert_eq(yc_json_parse(spaced, strlen(spaced), &j, &err), 0,
		     "white space between tokens, an escaped line break");
	cJSON_Delete(j);
	cr_assert_eq(yc_json_parse("{\"a\":\"x\\\\u0000y\"}", 17, &j, &err), 0, "an escaped backslash");
	cr_assert_str_eq(yc_json_str(j, "a"), "x\\u0000y");
	cJSON_Delete(j);
}

Test(csv, quotes_line_breaks_and_the_lines_they_start_on)
{
	static const char text[] = "\xEF\xBB\xBF" "a,b,c\r\n"
				   "\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
				   "\n"
				   ",,last";
	struct yc_csv c;
	yc_csv_init(&c, text, sizeof(text) - 1);
	cr_assert_eq(yc_csv_next(&c), 1);
	cr_assert_eq(c.nfields, 3);
	cr_assert_str_eq(c.fields[0], "a");
	cr_assert_eq(c.line, 1);
	cr_assert_eq(yc_csv_next(&c), 1);
	cr_assert_str_eq(c.fields[0], "x, y");
	cr_assert_str_eq(c.fields[1], "say \"hi\"");
	cr_assert_str_eq(c.fields[2], "two\nlines");
	cr_assert_eq(c.line, 2);
	cr_assert_eq(yc_csv_next(&c), 1); /* the empty line is skipped, still counted */
	cr_assert_eq(c.line, 5);
	cr_assert_eq(c.nfields, 3);
	cr_assert_str_eq(c.fields[2], "last");
	cr_assert_eq(yc_csv_next(&c), 0);
	yc_csv_free(&c);
	static const char *const bad[] = {"\"open", "\"x\"y", "a\"b"};
	for (int i = 0; i < 3; i++) {
		yc_csv_init(&c, bad[i], strlen(bad[i]));
		cr_assert_eq(yc_csv_next(&c), YC_EINVAL, "%s", bad[i]);
		yc_csv_free(&c);
	}
}

Test(xlsx, what_the_writer_makes_reads_back_as_csv)
{
	yc_xlsx x;
	yc_xlsx_init(&x, "名录");
	yc_xlsx_row(&x);
	yc_xlsx_cell(&x, "名称");
	yc_xlsx_cell(&x, "数量");
	yc_xlsx_row(&x);
	yc_xlsx_cell(&x, "A & B, <公司>");
	yc_xlsx_number(&x, 42);
	yc_buf book, csv;
	yc_buf_init(&book, 0);
	yc_buf_init(&csv, 0);
	cr_assert_eq(yc_xlsx_finish(&x, &book), 0);
	cr_assert(yc_xlsx_is(book.data, book.len));
	yc_err err;
	cr_assert_eq(yc_xlsx_to_csv(book.data, book.len, &csv, &err), 0, "%s", err.message);
	cr_assert_str_eq(csv.data, "名称,数量\n\"A & B, <公司>\",42\n");
	/* a cut workbook is refused, not read past its end */
	yc_buf_clear(&csv);
	cr_assert_eq(yc_xlsx_to_csv(book.data, book.len / 2, &csv, &err), YC_EINVAL);
	yc_buf_release(&book);
	yc_buf_release(&csv);
}
