/*
 * json.h — JSON in and out.
 *
 * In: yc_json_parse checks UTF-8 and syntax and names the byte position of the
 * first fault; yc_json_check holds an object against a declared field list
 * (unknown, mistyped, missing or over-long fields are refused, naming the
 * field), so a handler only ever sees the fields it declared (as kore does).
 * Out: a small escaping writer over yc_buf for hot responses; cJSON for the rest.
 */
#ifndef YC_JSON_H
#define YC_JSON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "errors.h"

typedef enum yc_jtype {
	YC_JT_STRING,
	YC_JT_INT,
	YC_JT_NUMBER,
	YC_JT_BOOL,
	YC_JT_OBJECT,
	YC_JT_ARRAY,
	YC_JT_ANY,
} yc_jtype;

/*
 * One field of a JSON object's spec. The first four are positional; the
 * rest are named where a field has them:
 *   {"level", YC_JT_STRING, true, 16, .one_of = levels}
 *   {"visits", YC_JT_INT, true, 0, .min = 0, .max = 10}
 */
typedef struct yc_jfield {
	const char *name;
	yc_jtype type;
	bool required;
	size_t max_len;		   /* strings: bytes; arrays: items; 0 = no limit */
	const char *const *one_of; /* strings, or each item of an array: the values allowed
				      (NULL-terminated); NULL = any */
	int64_t min, max;	   /* integers and numbers: the range allowed, when max > min */
} yc_jfield;

/* Returns true when s[0..n) is valid UTF-8; otherwise sets *bad to the offset. */
bool yc_utf8_valid(const char *s, size_t n, size_t *bad);
/*
 * Whether the (valid UTF-8) text s shows what it holds: no control character
 * but tab and line breaks, no bidirectional override or isolate, no
 * zero-width, invisible or line-separator character (soft hyphen, U+2028/9,
 * the tag characters, interlinear annotation). Otherwise *bad is the byte offset and *cp the code
 * point of the first one. yc_json_check and the case form refuse such text
 * in every string: a name that reads one way and sorts, prints or compares
 * another.
 */
bool yc_text_clean(const char *s, size_t *bad, unsigned *cp);

/*
 * Parses s[0..n). On success *out is a new cJSON tree the caller frees with
 * cJSON_Delete. On failure: YC_EMALFORMED with a message naming the offset.
 * A key given twice, and \u0000 in a string (which would cut it short), are
 * refused.
 */
int yc_json_parse(const char *s, size_t n, cJSON **out, yc_err *err);

/* Checks that obj is an object whose members all appear in spec with the right types. */
int yc_json_check(const cJSON *obj, const yc_jfield *spec, size_t nspec, yc_err *err);
/* yc_json_check on each object of obj[list], a fault named "list[i].field". */
int yc_json_check_each(const cJSON *obj, const char *list, const yc_jfield *spec, size_t nspec,
		       yc_err *err);

/* Borrowed member accessors; they return def/NULL when absent or of another type. */
const char *yc_json_str(const cJSON *obj, const char *name);
int64_t yc_json_int(const cJSON *obj, const char *name, int64_t def);
bool yc_json_bool(const cJSON *obj, const char *name, bool def);

/*
 * Appends s as a quoted, escaped JSON string (s may be NULL: appends null). A byte that is
 * not UTF-8 (a message cut inside a character) is written as U+FFFD: the output always parses.
 */
int yc_json_add_str(yc_buf *b, const char *s);
int yc_json_add_strn(yc_buf *b, const char *s, size_t n);

/* Appends ,"name":"<RFC 3339 time at offset_min>" for ms since the epoch, or ,"name":null for 0. */
int yc_json_add_time(yc_buf *b, const char *name, int64_t ms, int offset_min);

/* True when s is one of the NULL-terminated set (an enum field's values). */
bool yc_one_of(const char *s, const char *const *set);

/* Appends cJSON item printed compactly (NULL: appends null). */
int yc_json_add_item(yc_buf *b, const cJSON *item);

#endif
