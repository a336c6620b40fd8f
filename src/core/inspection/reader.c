/*
 * reader.c — a draw record's JSON read in one pass. A province's record holds
 * a million list lines: as a tree they would be two million allocations, so
 * the two lists' "lines" arrays go straight into their joined text (what is
 * hashed), and every other member is parsed as JSON on its own (small). Any
 * JSON layout is accepted (spacing, key order, escapes); a key given twice,
 * a raw control character or \u0000 in a string, or bytes after the value
 * are refused, as yc_json_parse refuses them.
 */
#include "core/inspection/internal.h"

#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "lib/banned.h"

struct scan {
	const char *p, *start, *end;
	yc_err *err;
};

static int fail(struct scan *s, const char *what)
{
	return yc_err_set(s->err, YC_EMALFORMED, NULL, "the record is not JSON at byte %zu: %s",
			  (size_t)(s->p - s->start), what);
}

static void ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

static int expect(struct scan *s, char c)
{
	ws(s);
	if (s->p >= s->end || *s->p != c) {
		char what[24];
		snprintf(what, sizeof(what), "%c expected", c);
		return fail(s, what);
	}
	s->p++;
	return 0;
}

static int hex4(const char *p, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return -1;
		*v = *v * 16 + (unsigned)d;
	}
	return 0;
}

static void put_utf8(yc_buf *out, unsigned cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80)
		b[0] = (char)cp, n = 1;
	else if (cp < 0x800)
		b[0] = (char)(0xC0 | cp >> 6), b[1] = (char)(0x80 | (cp & 63)), n = 2;
	else if (cp < 0x10000)
		b[0] = (char)(0xE0 | cp >> 12), b[1] = (char)(0x80 | (cp >> 6 & 63)),
		b[2] = (char)(0x80 | (cp & 63)), n = 3;
	else
		b[0] = (char)(0xF0 | cp >> 18), b[1] = (char)(0x80 | (cp >> 12 & 63)),
		b[2] = (char)(0x80 | (cp >> 6 & 63)), b[3] = (char)(0x80 | (cp & 63)), n = 4;
	yc_buf_add(out, b, n);
}

/* A string at s->p (its quote), its text appended to out (NULL: only skipped). */
static int string(struct scan *s, yc_buf *out)
{
	if (s->p >= s->end || *s->p != '"')
		return fail(s, "a string expected");
	s->p++;
	const char *run = s->p;
	for (;;) {
		if (s->p >= s->end)
			return fail(s, "a string is not closed");
		unsigned char c = (unsigned char)*s->p;
		if (c == '"' || c == '\\') {
			if (out)
				yc_buf_add(out, run, (size_t)(s->p - run));
			if (c == '"') {
				s->p++;
				return 0;
			}
			if (s->end - s->p < 2)
				return fail(s, "an escape is cut short");
			char e = s->p[1];
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			const char *k = strchr(from, e);
			if (e && k) {
				if (out)
					yc_buf_addc(out, to[k - from]);
				s->p += 2;
			} else if (e == 'u') {
				unsigned cp, lo;
				if (s->end - s->p < 6 || hex4(s->p + 2, &cp))
					return fail(s, "a \\u escape needs four hex digits");
				s->p += 6;
				if (cp >= 0xD800 && cp < 0xDC00) {
					if (s->end - s->p < 6 || s->p[0] != '\\' ||
					    s->p[1] != 'u' || hex4(s->p + 2, &lo) || lo < 0xDC00 ||
					    lo > 0xDFFF)
						return fail(s, "a lone surrogate");
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					s->p += 6;
				} else if ((cp >= 0xDC00 && cp < 0xE000) || cp == 0) {
					return fail(s, cp ? "a lone surrogate"
							  : "\\u0000 in a string");
				}
				if (out)
					put_utf8(out, cp);
			} else {
				return fail(s, "an unknown escape");
			}
			run = s->p;
			continue;
		}
		if (c < 0x20)
			return fail(s, "a control character in a string");
		s->p++;
	}
}

/* Skips any value (strings honoured inside arrays and objects); checked later by its parser. */
static int skip(struct scan *s)
{
	ws(s);
	int depth = 0;
	do {
		if (s->p >= s->end)
			return fail(s, "a value is cut short");
		char c = *s->p;
		if (c == '"') {
			int rc = string(s, NULL);
			if (rc)
				return rc;
		} else if (c == '{' || c == '[') {
			if (++depth > 64)
				return fail(s, "nested too deep");
			s->p++;
		} else if (c == '}' || c == ']') {
			if (!depth)
				return fail(s, "an unexpected bracket");
			depth--;
			s->p++;
		} else {
			s->p++;
		}
	} while (depth);
	/* a literal or number runs to the next separator */
	while (s->p < s->end && !strchr(",}] \t\r\n", *s->p))
		s->p++;
	return 0;
}

/* {"count", "hash", "lines": ["…", …]}: lines joined by "\n" into r's text for list i. */
static int list(struct scan *s, struct insp_record_read *r, int i)
{
	int rc = expect(s, '{');
	bool seen_hash = false, seen_lines = false;
	ws(s);
	if (!rc && s->p < s->end && *s->p == '}')
		return s->p++, 0;
	while (!rc) {
		yc_buf key;
		yc_buf_init(&key, 0);
		ws(s);
		rc = string(s, &key);
		if (!rc)
			rc = expect(s, ':');
		ws(s);
		if (rc) {
		} else if (!strcmp(key.data, "hash") || !strcmp(key.data, "lines")) {
			bool *seen = key.data[0] == 'h' ? &seen_hash : &seen_lines;
			if (*seen)
				rc = fail(s, "a key is given twice");
			*seen = true;
		}
		if (rc) {
		} else if (!strcmp(key.data, "hash")) {
			yc_buf h;
			yc_buf_init(&h, 0);
			rc = string(s, &h);
			snprintf(r->hash[i], sizeof(r->hash[i]), "%s", h.len < 65 ? h.data : "");
			yc_buf_release(&h);
		} else if (!strcmp(key.data, "lines")) {
			r->have_lines[i] = true;
			rc = expect(s, '[');
			ws(s);
			if (!rc && s->p < s->end && *s->p == ']')
				s->p++;
			else
				for (size_t n = 0; !rc; n++) {
					ws(s);
					if (n)
						yc_buf_addc(&r->lines[i], '\n');
					size_t from = r->lines[i].len;
					rc = string(s, &r->lines[i]);
					if (!rc && memchr(r->lines[i].data + from, '\n',
							  r->lines[i].len - from))
						r->line_break = true;
					ws(s);
					if (!rc && s->p < s->end && *s->p == ']') {
						s->p++;
						break;
					}
					if (!rc)
						rc = expect(s, ',');
				}
		} else {
			rc = skip(s);
		}
		yc_buf_release(&key);
		ws(s);
		if (!rc && s->p < s->end && *s->p == '}') {
			s->p++;
			break;
		}
		if (!rc)
			rc = expect(s, ',');
	}
	return rc;
}

int insp_record_read(const char *json, size_t len, struct insp_record_read *r, yc_err *err)
{
	memset(r, 0, sizeof(*r));
	yc_buf_init(&r->lines[0], 0);
	yc_buf_init(&r->lines[1], 0);
	struct scan s = {json, json, json + len, err};
	size_t bad;
	if (!yc_utf8_valid(json, len, &bad))
		return yc_err_set(err, YC_EMALFORMED, NULL, "invalid UTF-8 at byte %zu", bad);
	if (!(r->rest = cJSON_CreateObject()))
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	int rc = expect(&s, '{');
	ws(&s);
	bool empty = !rc && s.p < s.end && *s.p == '}';
	if (empty)
		s.p++;
	bool seen[2] = {false, false};
	while (!rc && !empty) {
		yc_buf key;
		yc_buf_init(&key, 0);
		ws(&s);
		rc = string(&s, &key);
		if (!rc)
			rc = expect(&s, ':');
		int i = rc				  ? -1
			: !strcmp(key.data, "entities")	  ? 0
			: !strcmp(key.data, "inspectors") ? 1
							  : -1;
		if (!rc && (i >= 0 ? seen[i]
				   : cJSON_GetObjectItemCaseSensitive(r->rest, key.data) != NULL))
			rc = fail(&s, "a key is given twice");
		if (!rc && i >= 0) {
			seen[i] = true;
			rc = list(&s, r, i);
		} else if (!rc) {
			ws(&s);
			const char *from = s.p;
			cJSON *v = NULL;
			rc = skip(&s);
			if (!rc)
				rc = yc_json_parse(from, (size_t)(s.p - from), &v, err);
			if (!rc)
				cJSON_AddItemToObject(r->rest, key.data, v);
		}
		yc_buf_release(&key);
		ws(&s);
		if (!rc && s.p < s.end && *s.p == '}') {
			s.p++;
			break;
		}
		if (!rc)
			rc = expect(&s, ',');
	}
	ws(&s);
	if (!rc && s.p != s.end)
		rc = fail(&s, "bytes after the record");
	if (rc)
		insp_record_read_free(r);
	return rc;
}

void insp_record_read_free(struct insp_record_read *r)
{
	cJSON_Delete(r->rest);
	r->rest = NULL;
	yc_buf_release(&r->lines[0]);
	yc_buf_release(&r->lines[1]);
}
