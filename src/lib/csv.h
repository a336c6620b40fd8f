/*
 * csv.h — comma-separated values as RFC 4180 writes them, and as a
 * spreadsheet saves them: fields in double quotes may hold commas, quotes
 * (doubled) and line breaks; lines end in CRLF or LF; a UTF-8 byte-order
 * mark at the start is skipped. Nothing of any domain.
 */
#ifndef YC_CSV_H
#define YC_CSV_H

#include <stddef.h>

enum { YC_CSV_MAX_FIELDS = 32 };

struct yc_csv {
	const char *p, *end;
	int line;      /* the line the current record started on, from 1 */
	int next_line; /* the line the next record starts on */
	char *buf;     /* the current record's fields, NUL-terminated, one after another */
	size_t cap;
	char *fields[YC_CSV_MAX_FIELDS];
	int nfields;
};

void yc_csv_init(struct yc_csv *c, const char *text, size_t len);
/*
 * Reads the next record into c->fields / c->nfields: 1 a record, 0 the end,
 * YC_EINVAL a malformed one (an unclosed quote, text after a closing quote,
 * more than YC_CSV_MAX_FIELDS fields), YC_ENOMEM. Empty lines are skipped.
 */
int yc_csv_next(struct yc_csv *c);
void yc_csv_free(struct yc_csv *c);

#endif
