/* log.c — JSON-lines logging (see log.h). */
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "timeutil.h"
#include "banned.h"

static int yc_log_min = YC_LOG_INFO;
static const char *yc_level_names[] = {"debug", "info", "warn", "error"};

void yc_log_set_level(int level)
{
	yc_log_min = level;
}

/*
 * Whole lines to stderr. A pipe takes at most PIPE_BUF bytes in one piece, and a
 * buffer of lines is larger: the lock keeps another thread's lines out of the middle.
 */
static pthread_mutex_t yc_log_lock = PTHREAD_MUTEX_INITIALIZER;
static void yc_log_out(const char *p, size_t n)
{
	pthread_mutex_lock(&yc_log_lock);
	while (n) {
		ssize_t w = write(STDERR_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* stderr is gone: nothing better to do with a log line */
		p += w;
		n -= (size_t)w;
	}
	pthread_mutex_unlock(&yc_log_lock);
}

/* Appends one line, {"ts":…,"level":…, body}; nonzero, appending nothing, when it does not fit. */
static int yc_log_line(yc_buf *line, const char *ts, int level, const char *body, size_t len)
{
	size_t before = line->len;
	if (yc_buf_adds(line, "{\"ts\":\"") || yc_buf_adds(line, ts) ||
	    yc_buf_adds(line, "\",\"level\":\"") || yc_buf_adds(line, yc_level_names[level]) ||
	    yc_buf_adds(line, "\",") || yc_buf_add(line, body, len) || yc_buf_adds(line, "}\n")) {
		if (line->len != before) { /* part of it went in: take it out */
			line->len = before;
			line->data[before] = '\0';
		}
		return -1;
	}
	return 0;
}

static void yc_log_write(int level, const char *body, size_t len)
{
	char ts[40];
	yc_buf line;
	yc_buf_init(&line, 64 * 1024);
	yc_time_format_iso(yc_now_ms(), 0, ts, sizeof(ts));
	yc_log_line(&line, ts, level, body, len);
	yc_log_out(line.data, line.len);
	yc_buf_release(&line);
}

void yc_logbuf_init(yc_logbuf *lb)
{
	memset(lb, 0, sizeof(*lb));
	lb->sec = -1;
	/* a line past the room left is written alone rather than lost */
	yc_buf_init(&lb->lines, YC_LOGBUF_FLUSH + 64 * 1024);
	yc_buf_init(&lb->fields, 64 * 1024);
}

void yc_logbuf_fields(yc_logbuf *lb, int level, const yc_buf *fields)
{
	if (level < yc_log_min)
		return;
	/* the time to the millisecond; the date and clock part made once a second */
	int64_t ms = yc_now_ms();
	if (ms / 1000 != lb->sec) {
		char ts[40];
		lb->sec = ms / 1000;
		yc_time_format_iso(lb->sec * 1000, 0, ts, sizeof(ts));
		snprintf(lb->ts_sec, sizeof(lb->ts_sec), "%.19s", ts);
	}
	char ts[32];
	int msec = (int)(ms % 1000);
	memcpy(ts, lb->ts_sec, 19);
	ts[19] = '.';
	ts[20] = (char)('0' + msec / 100);
	ts[21] = (char)('0' + msec / 10 % 10);
	ts[22] = (char)('0' + msec % 10);
	ts[23] = 'Z';
	ts[24] = '\0';
	if (yc_log_line(&lb->lines, ts, level, fields->data, fields->len)) {
		/* no room: out with what is there, then this line alone */
		yc_logbuf_flush(lb);
		yc_log_write(level, fields->data, fields->len);
		return;
	}
	if (lb->lines.len >= YC_LOGBUF_FLUSH)
		yc_logbuf_flush(lb);
}

void yc_logbuf_flush(yc_logbuf *lb)
{
	if (!lb->lines.len)
		return;
	yc_log_out(lb->lines.data, lb->lines.len);
	yc_buf_clear(&lb->lines);
}

void yc_logbuf_release(yc_logbuf *lb)
{
	yc_logbuf_flush(lb);
	yc_buf_release(&lb->lines);
	yc_buf_release(&lb->fields);
}

void yc_log(int level, const char *fmt, ...)
{
	if (level < yc_log_min)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	yc_buf f;
	yc_buf_init(&f, 4096);
	yc_buf_adds(&f, "\"msg\":");
	yc_json_add_str(&f, msg);
	yc_log_write(level, f.data, f.len);
	yc_buf_release(&f);
}

void yc_log_fields(int level, const yc_buf *fields)
{
	if (level < yc_log_min)
		return;
	yc_log_write(level, fields->data, fields->len);
}
