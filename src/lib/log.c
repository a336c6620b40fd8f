/* log.c — JSON-lines logging (see log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
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

static void yc_log_write(int level, const char *body, size_t len)
{
	char ts[40];
	yc_buf line;
	yc_buf_init(&line, 64 * 1024);
	yc_time_format_iso(yc_now_ms(), 0, ts, sizeof(ts));
	yc_buf_addf(&line, "{\"ts\":\"%s\",\"level\":\"%s\",", ts, yc_level_names[level]);
	yc_buf_add(&line, body, len);
	yc_buf_adds(&line, "}\n");
	/* One write per line so that lines from several threads never interleave. */
	ssize_t w = write(STDERR_FILENO, line.data, line.len);
	(void)w;
	yc_buf_release(&line);
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
