/* csv.c — RFC 4180 records, one at a time (see csv.h). */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "banned.h"

void yc_csv_init(struct yc_csv *c, const char *text, size_t len)
{
	memset(c, 0, sizeof(*c));
	c->p = text;
	c->end = text + len;
	c->next_line = 1;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		c->p += 3;
}

void yc_csv_free(struct yc_csv *c)
{
	free(c->buf);
	c->buf = NULL;
	c->cap = 0;
}

int yc_csv_next(struct yc_csv *c)
{
	/* skip empty lines */
	while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
		if (*c->p == '\n')
			c->next_line++;
		c->p++;
	}
	if (c->p >= c->end)
		return 0;
	c->line = c->next_line;
	/* a record's fields are never longer than its bytes, plus a NUL each */
	size_t room = (size_t)(c->end - c->p) + YC_CSV_MAX_FIELDS + 1;
	if (room > c->cap) {
		char *b = realloc(c->buf, room);
		if (!b)
			return YC_ENOMEM;
		c->buf = b;
		c->cap = room;
	}
	char *out = c->buf;
	c->nfields = 0;
	for (;;) {
		if (c->nfields == YC_CSV_MAX_FIELDS)
			return YC_EINVAL;
		c->fields[c->nfields++] = out;
		if (c->p < c->end && *c->p == '"') {
			c->p++;
			for (;;) {
				if (c->p >= c->end)
					return YC_EINVAL; /* unclosed quote */
				if (*c->p == '"') {
					if (c->p + 1 < c->end && c->p[1] == '"') {
						*out++ = '"';
						c->p += 2;
						continue;
					}
					c->p++;
					break;
				}
				if (*c->p == '\n')
					c->next_line++;
				*out++ = *c->p++;
			}
			if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r')
				return YC_EINVAL; /* text after the closing quote */
		} else {
			while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
				if (*c->p == '"')
					return YC_EINVAL; /* a quote inside an unquoted field */
				*out++ = *c->p++;
			}
		}
		*out++ = '\0';
		if (c->p < c->end && *c->p == ',') {
			c->p++;
			continue;
		}
		/* end of the record */
		if (c->p < c->end && *c->p == '\r')
			c->p++;
		if (c->p < c->end && *c->p == '\n')
			c->p++;
		c->next_line++;
		return 1;
	}
}
