/*
 * timeutil.h — wall and monotonic clocks, and civil dates as day numbers.
 *
 * A date is an int32 count of days since 1970-01-01 (proleptic Gregorian), so
 * date arithmetic is integer arithmetic. Conversions follow the well-known
 * days-from-civil algorithm; they are exact for years 0–9999.
 */
#ifndef YC_TIMEUTIL_H
#define YC_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* The wall clock in UTC milliseconds, or the time yc_clock_set put in its place. */
int64_t yc_now_ms(void);
/*
 * Puts ms in place of the wall clock (0: the real one again). For a process
 * that writes a history before any thread starts (init --demo); never while
 * other threads read the clock.
 */
void yc_clock_set(int64_t ms);
int64_t yc_mono_us(void);

int32_t yc_days_from_civil(int y, unsigned m, unsigned d);
void yc_civil_from_days(int32_t days, int *y, unsigned *m, unsigned *d);
/* 1 = Monday … 7 = Sunday. */
int yc_weekday(int32_t days);
/* Strict "YYYY-MM-DD" with a real calendar date; 0 or YC_EINVAL. */
int yc_date_parse(const char *s, int32_t *days);
/* Writes "YYYY-MM-DD" (needs 11 bytes). */
void yc_date_format(int32_t days, char *out, size_t size);
/* Writes an RFC 3339 time for ms since the epoch at a UTC offset in minutes. */
void yc_time_format_iso(int64_t ms, int offset_min, char *out, size_t size);

#endif
