/*
 * log.h — JSON-lines logging to stderr (one object per line, one write each).
 * Callers never pass personal data (ID numbers, phones, addresses), passwords
 * or tokens: the access log records only method, route, status, timings and
 * the account name.
 */
#ifndef YC_LOG_H
#define YC_LOG_H

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

#endif
