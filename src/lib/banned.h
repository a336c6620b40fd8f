/*
 * banned.h — functions that overflow buffers or hide truncation. Included
 * last by every yichuang .c file (scripts/lint checks that it is), so using
 * one is a compile error. Use yc_buf, snprintf or memcpy with a known length.
 */
#ifndef YC_BANNED_H
#define YC_BANNED_H

#define YC_BANNED(func) sorry_##func##_is_banned_in_yichuang

#undef strcpy
#define strcpy(x, y) YC_BANNED(strcpy)
#undef strcat
#define strcat(x, y) YC_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) YC_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) YC_BANNED(strncat)
#undef sprintf
#define sprintf(...) YC_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) YC_BANNED(vsprintf)
#undef gets
#define gets(x) YC_BANNED(gets)

#endif
