/*
 * log.h — JSON-lines logging to stderr (one object per line). yc_log writes
 * each line at once; a thread's yc_logbuf gathers lines (the access log, one
 * per request) and writes them together: when it holds YC_LOGBUF_FLUSH bytes,
 * when its owner flushes it (the listener threads: every 100 ms) and when it
 * is released. Writes to stderr are whole lines, never interleaved.
 * Callers never pass personal data (ID numbers, phones, addresses), passwords
 * or tokens: the access log records only method, route, status, timings and
 * the account name.
 */
#ifndef YC_LOG_H
#define YC_LOG_H

#include <stdint.h>

#include "buf.h"

enum yc_log_level { YC_LOG_DEBUG, YC_LOG_INFO, YC_LOG_WARN, YC_LOG_ERROR };

void yc_log_set_level(int level);
/* Logs msg (printf-style) with level and time. */
void yc_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Writes one complete line: "{\"ts\":…," followed by the fields already in
 * fields (a comma-separated run of "key":value pairs, no braces).
 */
void yc_log_fields(int level, const yc_buf *fields);

enum { YC_LOGBUF_FLUSH = 32 * 1024 };
typedef struct yc_logbuf {
	yc_buf lines;
	yc_buf fields;	 /* a caller's scratch for one line's fields, kept between lines */
	int64_t sec;	 /* the second ts_sec was made for */
	char ts_sec[24]; /* "2026-12-07T20:10:01" */
} yc_logbuf;
void yc_logbuf_init(yc_logbuf *lb);
/* yc_log_fields into lb: the line is written with the others. */
void yc_logbuf_fields(yc_logbuf *lb, int level, const yc_buf *fields);
/* Writes out what lb holds (nothing when empty). */
void yc_logbuf_flush(yc_logbuf *lb);
/* Flushes and frees. */
void yc_logbuf_release(yc_logbuf *lb);

#endif
