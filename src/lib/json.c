/* json.c — parsing with positions, declared-field checks, escaping writer. */
#include "json.h"

#include "timeutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* The length of the well-formed UTF-8 sequence at p[0..n) (p[0] >= 0x80), or 0. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len;
	unsigned min;
	if ((c & 0xE0) == 0xC0)
		len = 2, min = 0x80, c &= 0x1F;
	else if ((c & 0xF0) == 0xE0)
		len = 3, min = 0x800, c &= 0x0F;
	else if ((c & 0xF8) == 0xF0)
		len = 4, min = 0x10000, c &= 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[k] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	return len;
}

bool yc_utf8_valid(const char *s, size_t n, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t len = p[i] < 0x80 ? 1 : utf8_seq(p + i, n - i);
		if (!len) {
			if (bad)
				*bad = i;
			return false;
		}
		i += len;
	}
	return true;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* A member of object j whose key an earlier member has, or NULL. Up to 32 keys pair by pair,
 * more sorted: a body of many keys costs n log n, not n². */
static const cJSON *duplicate_key(const cJSON *j)
{
	int n = cJSON_GetArraySize(j);
	if (n <= 32) {
		for (const cJSON *a = j->child; a; a = a->next)
			for (const cJSON *b = a->next; b; b = b->next)
				if (!strcmp(a->string, b->string))
					return b;
		return NULL;
	}
	const cJSON **keys = malloc((size_t)n * sizeof(*keys));
	if (!keys)
		return NULL;
	int k = 0;
	for (const cJSON *a = j->child; a; a = a->next)
		keys[k++] = a;
	qsort(keys, (size_t)k, sizeof(*keys), key_cmp);
	const cJSON *dup = NULL;
	for (int i = 1; i < k && !dup; i++)
		if (!strcmp(keys[i - 1]->string, keys[i]->string))
			dup = keys[i];
	free(keys);
	return dup;
}

/*
 * Whether a key stands twice in one object anywhere in j; its path ("form.location",
 * "materials[2].id") goes to path from at on.
 */
static bool find_duplicate(const cJSON *j, char *path, size_t size, size_t at)
{
	int i = 0;
	if (cJSON_IsObject(j)) {
		const cJSON *dup = duplicate_key(j);
		if (dup) {
			snprintf(path + at, size - at, "%s%s", at ? "." : "", dup->string);
			return true;
		}
	}
	if (cJSON_IsObject(j) || cJSON_IsArray(j)) {
		for (const cJSON *c = j->child; c; c = c->next, i++) {
			int w = cJSON_IsObject(j)
					? snprintf(path + at, size - at, "%s%s", at ? "." : "", c->string)
					: snprintf(path + at, size - at, "[%d]", i);
			size_t next = at + (w > 0 ? (size_t)w : 0);
			if (find_duplicate(c, path, size, next < size ? next : size - 1))
				return true;
		}
	}
	path[at] = '\0';
	return false;
}

bool yc_text_clean(const char *s, size_t *bad, unsigned *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; p[i];) {
		unsigned c = p[i], len = 1;
		if (c >= 0xF0)
			c = (c & 0x07) << 18 | (p[i + 1] & 0x3Fu) << 12 | (p[i + 2] & 0x3Fu) << 6 |
			    (p[i + 3] & 0x3Fu),
			len = 4;
		else if (c >= 0xE0)
			c = (c & 0x0F) << 12 | (p[i + 1] & 0x3Fu) << 6 | (p[i + 2] & 0x3Fu), len = 3;
		else if (c >= 0xC0)
			c = (c & 0x1F) << 6 | (p[i + 1] & 0x3Fu), len = 2;
		bool hidden = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
			      (c >= 0x7F && c <= 0x9F) || c == 0xAD || c == 0x061C || c == 0x180E ||
			      (c >= 0x200B && c <= 0x200F) || (c >= 0x2028 && c <= 0x202E) ||
			      (c >= 0x2060 && c <= 0x2069) || c == 0xFEFF ||
			      (c >= 0xFFF9 && c <= 0xFFFB) || (c >= 0xE0000 && c <= 0xE007F);
		if (hidden) {
			*bad = i;
			*cp = c;
			return false;
		}
		i += len;
	}
	return true;
}

/*
 * Where a string in the text holds what JSON or we refuse: a raw control
 * character (RFC 8259 wants them escaped), or a \u0000 escape (it would cut
 * the string short in C). n if none; *raw tells which.
 */
static size_t string_fault(const char *s, size_t n, bool *raw)
{
	bool in_string = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"') {
			in_string = !in_string;
		} else if (in_string && (unsigned char)s[i] < 0x20) {
			*raw = true;
			return i;
		} else if (in_string && s[i] == '\\' && i + 1 < n) {
			if (s[i + 1] == 'u' && i + 5 < n && !memcmp(s + i + 2, "0000", 4)) {
				*raw = false;
				return i;
			}
			i++; /* the escaped character, a quote or a backslash among them */
		}
	}
	return n;
}

int yc_json_parse(const char *s, size_t n, cJSON **out, yc_err *err)
{
	size_t bad = 0;
	*out = NULL;
	if (!yc_utf8_valid(s, n, &bad))
		return yc_err_set(err, YC_EMALFORMED, NULL, "invalid UTF-8 at byte %zu", bad);
	bool raw = false;
	if ((bad = string_fault(s, n, &raw)) < n)
		return yc_err_set(err, YC_EMALFORMED, NULL,
				  raw ? "a control character at byte %zu: a string holds it escaped"
				      : "\\u0000 at byte %zu: a string may not hold NUL",
				  bad);
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(s, n, &end, false);
	if (!j) {
		size_t pos = end && end >= s ? (size_t)(end - s) : 0;
		return yc_err_set(err, YC_EMALFORMED, NULL, "malformed JSON at byte %zu", pos);
	}
	/* Only white space may follow the value. */
	for (const char *p = end; p && p < s + n; p++) {
		if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t') {
			cJSON_Delete(j);
			return yc_err_set(err, YC_EMALFORMED, NULL,
					  "unexpected data after JSON at byte %zu",
					  (size_t)(p - s));
		}
	}
	/* a key given twice would be checked once and stored twice: refuse it */
	char path[128] = "";
	if (find_duplicate(j, path, sizeof(path), 0)) {
		cJSON_Delete(j);
		return yc_err_set(err, YC_EMALFORMED, path, "the key %s is given twice", path);
	}
	*out = j;
	return 0;
}

static bool yc_jtype_matches(const cJSON *v, yc_jtype t)
{
	switch (t) {
	case YC_JT_STRING: return cJSON_IsString(v);
	case YC_JT_INT:
		return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
		       fabs(v->valuedouble) < 9007199254740992.0;
	case YC_JT_NUMBER: return cJSON_IsNumber(v);
	case YC_JT_BOOL: return cJSON_IsBool(v);
	case YC_JT_OBJECT: return cJSON_IsObject(v);
	case YC_JT_ARRAY: return cJSON_IsArray(v);
	case YC_JT_ANY: return true;
	}
	return false;
}

static const char *yc_jtype_name(yc_jtype t)
{
	static const char *names[] = {"a string",  "an integer", "a number", "true or false",
				      "an object", "an array",	 "a value"};
	return names[t];
}

/* "'level' must be one of: district, town, village", the field named by path. */
static int not_one_of(const char *path, const char *const *set, yc_err *err)
{
	char list[200] = "";
	size_t n = 0;
	for (const char *const *v = set; *v && n < sizeof(list); v++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", v == set ? "" : ", ", *v);
	return yc_err_set(err, YC_EINVAL, path, "'%s' must be one of: %s", path, list);
}

/* A field's declared values: one of a set, or within a range. */
static int check_values(const cJSON *m, const yc_jfield *f, yc_err *err)
{
	if (f->one_of && f->type == YC_JT_STRING && !yc_one_of(m->valuestring, f->one_of))
		return not_one_of(f->name, f->one_of, err);
	if (f->one_of && f->type == YC_JT_ARRAY) {
		int i = 0;
		const cJSON *e;
		cJSON_ArrayForEach (e, m) {
			if (!cJSON_IsString(e) || !yc_one_of(e->valuestring, f->one_of)) {
				char path[80];
				snprintf(path, sizeof(path), "%s[%d]", f->name, i);
				return not_one_of(path, f->one_of, err);
			}
			i++;
		}
	}
	if (f->max > f->min && (f->type == YC_JT_INT || f->type == YC_JT_NUMBER) &&
	    (m->valuedouble < (double)f->min || m->valuedouble > (double)f->max))
		return yc_err_set(err, YC_EINVAL, f->name, "'%s' must be from %lld to %lld",
				  f->name, (long long)f->min, (long long)f->max);
	return 0;
}

int yc_json_check(const cJSON *obj, const yc_jfield *spec, size_t nspec, yc_err *err)
{
	if (!cJSON_IsObject(obj))
		return yc_err_set(err, YC_EINVAL, NULL, "the body must be a JSON object");
	for (const cJSON *m = obj->child; m; m = m->next) {
		const yc_jfield *f = NULL;
		for (size_t i = 0; i < nspec; i++)
			if (strcmp(spec[i].name, m->string) == 0)
				f = &spec[i];
		if (!f)
			return yc_err_set(err, YC_EINVAL, m->string, "unknown field '%s'",
					  m->string);
		if (!yc_jtype_matches(m, f->type))
			return yc_err_set(err, YC_EINVAL, f->name, "'%s' must be %s", f->name,
					  yc_jtype_name(f->type));
		if (f->max_len && f->type == YC_JT_STRING && strlen(m->valuestring) > f->max_len)
			return yc_err_set(err, YC_EINVAL, f->name, "'%s' is longer than %zu bytes",
					  f->name, f->max_len);
		size_t bad;
		unsigned cp;
		if (f->type == YC_JT_STRING && !yc_text_clean(m->valuestring, &bad, &cp))
			return yc_err_set(err, YC_EINVAL, f->name,
					  "'%s' holds an invisible or control character (U+%04X) at "
					  "byte %zu",
					  f->name, cp, bad);
		if (f->max_len && f->type == YC_JT_ARRAY &&
		    (size_t)cJSON_GetArraySize(m) > f->max_len)
			return yc_err_set(err, YC_EINVAL, f->name, "'%s' has more than %zu items",
					  f->name, f->max_len);
		int rc = check_values(m, f, err);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < nspec; i++) {
		if (!spec[i].required)
			continue;
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, spec[i].name);
		if (!m || cJSON_IsNull(m))
			return yc_err_set(err, YC_EINVAL, spec[i].name, "'%s' is required",
					  spec[i].name);
	}
	return 0;
}

int yc_json_check_each(const cJSON *obj, const char *list, const yc_jfield *spec, size_t nspec,
		       yc_err *err)
{
	int i = 0;
	const cJSON *e;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(obj, list)) {
		int rc = yc_json_check(e, spec, nspec, err);
		if (rc)
			return yc_err_prefix(rc, err, "%s[%d]", list, i);
		i++;
	}
	return 0;
}

const char *yc_json_str(const cJSON *obj, const char *name)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
	return cJSON_IsString(m) ? m->valuestring : NULL;
}

int64_t yc_json_int(const cJSON *obj, const char *name, int64_t def)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
	/* beyond ±2^53 (or NaN) the cast would be undefined; such a number is no integer here */
	if (!cJSON_IsNumber(m) || !(fabs(m->valuedouble) < 9007199254740992.0))
		return def;
	return (int64_t)m->valuedouble;
}

bool yc_json_bool(const cJSON *obj, const char *name, bool def)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
	return cJSON_IsBool(m) ? cJSON_IsTrue(m) : def;
}

int yc_json_add_strn(yc_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	int rc = yc_buf_addc(b, '"');
	size_t run = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t seq = c < 0x80 ? 1 : utf8_seq((const unsigned char *)s + i, n - i);
		if (seq && c >= 0x20 && c != '"' && c != '\\') {
			run += seq;
			i += seq - 1;
			continue;
		}
		rc = yc_buf_add(b, s + i - run, run);
		run = 0;
		if (rc)
			break;
		char esc[7] = {'\\', 0};
		size_t elen = 2;
		/* a byte that is not UTF-8 (a message cut inside a character, say): U+FFFD */
		switch (seq ? c : 0x100) {
		case 0x100: memcpy(esc, "\\ufffd", 6), elen = 6; break;
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			esc[1] = 'u', esc[2] = '0', esc[3] = '0';
			esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
			elen = 6;
		}
		rc = yc_buf_add(b, esc, elen);
	}
	if (!rc)
		rc = yc_buf_add(b, s + n - run, run);
	if (!rc)
		rc = yc_buf_addc(b, '"');
	return rc;
}

int yc_json_add_str(yc_buf *b, const char *s)
{
	if (!s)
		return yc_buf_adds(b, "null");
	return yc_json_add_strn(b, s, strlen(s));
}

/* A number as cJSON writes it: whole numbers plainly, others in the fewest digits that read back.
 */
static int add_number(yc_buf *b, double d)
{
	if (isnan(d) || isinf(d))
		return yc_buf_adds(b, "null");
	if (d == floor(d) && fabs(d) < 1e15)
		return yc_buf_addi(b, (long long)d);
	char t[32];
	snprintf(t, sizeof(t), "%1.15g", d);
	if (strtod(t, NULL) != d)
		snprintf(t, sizeof(t), "%1.17g", d);
	return yc_buf_adds(b, t);
}

/*
 * Written straight into b (no intermediate string, no printf for whole
 * numbers): a case view writes a dozen trees on every request.
 */
int yc_json_add_item(yc_buf *b, const cJSON *item)
{
	if (!item)
		return yc_buf_adds(b, "null");
	int rc = 0;
	const cJSON *c;
	switch (item->type & 0xFF) {
	case cJSON_False: return yc_buf_adds(b, "false");
	case cJSON_True: return yc_buf_adds(b, "true");
	case cJSON_Number: return add_number(b, item->valuedouble);
	case cJSON_String: return yc_json_add_str(b, item->valuestring ? item->valuestring : "");
	case cJSON_Raw: return yc_buf_adds(b, item->valuestring ? item->valuestring : "null");
	case cJSON_Array:
		rc = yc_buf_addc(b, '[');
		for (c = item->child; c && !rc; c = c->next)
			if (!(rc = c == item->child ? 0 : yc_buf_addc(b, ',')))
				rc = yc_json_add_item(b, c);
		return rc ? rc : yc_buf_addc(b, ']');
	case cJSON_Object:
		rc = yc_buf_addc(b, '{');
		for (c = item->child; c && !rc; c = c->next) {
			if (c != item->child)
				rc = yc_buf_addc(b, ',');
			if (!rc)
				rc = yc_json_add_str(b, c->string ? c->string : "");
			if (!rc)
				rc = yc_buf_addc(b, ':');
			if (!rc)
				rc = yc_json_add_item(b, c);
		}
		return rc ? rc : yc_buf_addc(b, '}');
	default: return yc_buf_adds(b, "null");
	}
}

int yc_json_add_time(yc_buf *b, const char *name, int64_t ms, int offset_min)
{
	yc_buf_adds(b, ",\"");
	yc_buf_adds(b, name);
	yc_buf_adds(b, "\":");
	if (!ms)
		return yc_buf_adds(b, "null");
	char t[40];
	yc_time_format_iso(ms, offset_min, t, sizeof(t));
	return yc_json_add_str(b, t);
}

bool yc_one_of(const char *s, const char *const *set)
{
	for (; s && *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}
