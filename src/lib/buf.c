/* buf.c — the bounded growable buffer (see buf.h for its invariants). */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "banned.h"

static char yc_buf_empty[1];

void yc_buf_init(yc_buf *b, size_t max)
{
	b->data = yc_buf_empty;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : YC_BUF_UNBOUNDED;
}

void yc_buf_release(yc_buf *b)
{
	if (b->cap)
		free(b->data);
	yc_buf_init(b, b->max);
}

void yc_buf_clear(yc_buf *b)
{
	b->len = 0;
	b->data[0] = '\0';
}

/* Makes room for extra more bytes plus the terminating NUL. */
static int yc_buf_grow(yc_buf *b, size_t extra)
{
	if (extra > b->max || b->len > b->max - extra)
		return YC_ETOOLARGE;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256; /* most answers pass 64 bytes: fewer reallocs */
	while (cap < need)
		cap = cap * 2;
	char *p = realloc(b->cap ? b->data : NULL, cap);
	if (!p)
		return YC_ENOMEM;
	if (!b->cap)
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
	return 0;
}

int yc_buf_add(yc_buf *b, const void *p, size_t n)
{
	int rc = yc_buf_grow(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int yc_buf_adds(yc_buf *b, const char *s)
{
	return yc_buf_add(b, s, strlen(s));
}

int yc_buf_addc(yc_buf *b, char c)
{
	return yc_buf_add(b, &c, 1);
}

int yc_buf_addi(yc_buf *b, long long v)
{
	char digits[24], *p = digits + sizeof(digits);
	/* through the unsigned value, so that LLONG_MIN negates */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	return yc_buf_add(b, p, (size_t)(digits + sizeof(digits) - p));
}

int yc_buf_vaddf(yc_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	char small[256];
	int n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n < 0)
		return YC_EINTERNAL;
	if ((size_t)n < sizeof(small))
		return yc_buf_add(b, small, (size_t)n);
	int rc = yc_buf_grow(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int yc_buf_addf(yc_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = yc_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *yc_buf_detach(yc_buf *b, size_t *len)
{
	char *p;
	if (b->cap) {
		p = b->data;
	} else {
		p = malloc(1);
		if (p)
			p[0] = '\0';
	}
	if (len)
		*len = b->len;
	yc_buf_init(b, b->max);
	return p;
}
