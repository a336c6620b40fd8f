/*
 * buf.h — the growable byte buffer, bounded.
 *
 * Invariants (as git's strbuf): after yc_buf_init, data is never NULL and is
 * always NUL-terminated at data[len]; len < cap unless cap == 0 (then data
 * points at a shared empty string). A buffer never grows past max bytes: an
 * append that would is refused with YC_ETOOLARGE and leaves the buffer as it
 * was. Everything read from the network goes through one of these.
 */
#ifndef YC_BUF_H
#define YC_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct yc_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
} yc_buf;

#define YC_BUF_UNBOUNDED ((size_t)1 << 40)

void yc_buf_init(yc_buf *b, size_t max);
/* Frees the memory; the buffer is as after yc_buf_init (same max). */
void yc_buf_release(yc_buf *b);
/* Empties the buffer, keeping its memory. */
void yc_buf_clear(yc_buf *b);

int yc_buf_add(yc_buf *b, const void *p, size_t n);
int yc_buf_adds(yc_buf *b, const char *s);
int yc_buf_addc(yc_buf *b, char c);
/* A whole number in decimal (what "%lld" writes, without printf's cost on hot paths). */
int yc_buf_addi(yc_buf *b, long long v);
int yc_buf_addf(yc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int yc_buf_vaddf(yc_buf *b, const char *fmt, va_list ap);

/*
 * Hands the memory to the caller (who frees it with free()) and leaves the
 * buffer empty. Never NULL unless out of memory.
 */
char *yc_buf_detach(yc_buf *b, size_t *len);

#endif
