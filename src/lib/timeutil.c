/* timeutil.c — clocks and civil-date arithmetic (see timeutil.h). */
#include "timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "errors.h"
#include "banned.h"

static int64_t clock_override;

void yc_clock_set(int64_t ms)
{
	clock_override = ms;
}

int64_t yc_now_ms(void)
{
	if (clock_override)
		return clock_override;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t yc_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int32_t yc_days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int32_t)doe - 719468;
}

void yc_civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)yoe + era * 400 + (*m <= 2);
}

int yc_weekday(int32_t days)
{
	/* 1970-01-01 was a Thursday (4). */
	int w = (int)((days % 7 + 7 + 3) % 7); /* 0 = Monday */
	return w + 1;
}

static int yc_days_in_month(int y, unsigned m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + leap : dim[m - 1];
}

int yc_date_parse(const char *s, int32_t *days)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return YC_EINVAL;
	int v[3] = {0, 0, 0};
	const int start[3] = {0, 5, 8}, len[3] = {4, 2, 2};
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < len[k]; i++) {
			char c = s[start[k] + i];
			if (c < '0' || c > '9')
				return YC_EINVAL;
			v[k] = v[k] * 10 + (c - '0');
		}
	if (v[0] < 1900 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
	    v[2] > yc_days_in_month(v[0], (unsigned)v[1]))
		return YC_EINVAL;
	*days = yc_days_from_civil(v[0], (unsigned)v[1], (unsigned)v[2]);
	return 0;
}

void yc_date_format(int32_t days, char *out, size_t size)
{
	int y;
	unsigned m, d;
	yc_civil_from_days(days, &y, &m, &d);
	snprintf(out, size, "%04d-%02u-%02u", y, m, d);
}

/* Two digits of v (0–99) at p. */
static char *two(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

void yc_time_format_iso(int64_t ms, int offset_min, char *out, size_t size)
{
	int64_t local_ms = ms + (int64_t)offset_min * 60000;
	int64_t secs = local_ms >= 0 ? local_ms / 1000 : (local_ms - 999) / 1000;
	int msec = (int)(local_ms - secs * 1000);
	int32_t days = (int32_t)(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400);
	int sod = (int)(secs - (int64_t)days * 86400);
	int y;
	unsigned m, d;
	yc_civil_from_days(days, &y, &m, &d);
	int off = offset_min < 0 ? -offset_min : offset_min;
	if (y < 0 || y > 9999 || off >= 100 * 60 || size < 26) {
		/* rare shapes: printf, which also cuts a short buffer safely */
		if (offset_min == 0)
			snprintf(out, size, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, m, d,
				 sod / 3600, sod / 60 % 60, sod % 60, msec);
		else
			snprintf(out, size, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", y, m, d,
				 sod / 3600, sod / 60 % 60, sod % 60, offset_min < 0 ? '-' : '+',
				 off / 60, off % 60);
		return;
	}
	/* every request's times go through here: digits by hand, not printf */
	char *p = two(out, (unsigned)y / 100);
	p = two(p, (unsigned)y % 100);
	*p++ = '-';
	p = two(p, m);
	*p++ = '-';
	p = two(p, d);
	*p++ = 'T';
	p = two(p, (unsigned)sod / 3600);
	*p++ = ':';
	p = two(p, (unsigned)sod / 60 % 60);
	*p++ = ':';
	p = two(p, (unsigned)sod % 60);
	if (offset_min == 0) {
		*p++ = '.';
		*p++ = (char)('0' + msec / 100);
		p = two(p, (unsigned)msec % 100);
		*p++ = 'Z';
	} else {
		*p++ = offset_min < 0 ? '-' : '+';
		p = two(p, (unsigned)off / 60);
		*p++ = ':';
		p = two(p, (unsigned)off % 60);
	}
	*p = '\0';
}
