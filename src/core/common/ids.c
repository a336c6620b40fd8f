/* ids.c — check characters and masking of national identifiers (see ids.h). */
#include "ids.h"

#include <stdio.h>
#include <string.h>

#include "lib/timeutil.h"
#include "lib/banned.h"

static const char uscc_charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

char ids_resident_check(const char *s)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		sum += (s[i] - '0') * w[i];
	}
	return "10X98765432"[sum % 11];
}

bool ids_resident_valid(const char *s)
{
	if (!s || strlen(s) != 18)
		return false;
	char check = ids_resident_check(s);
	if (!check || s[17] != check)
		return false;
	char date[11];
	snprintf(date, sizeof(date), "%.4s-%.2s-%.2s", s + 6, s + 10, s + 12);
	int32_t d;
	return yc_date_parse(date, &d) == 0;
}

static int uscc_value(char c)
{
	const char *p = c ? strchr(uscc_charset, c) : NULL;
	return p ? (int)(p - uscc_charset) : -1;
}

char ids_uscc_check(const char *s)
{
	int sum = 0, w = 1;
	for (int i = 0; i < 17; i++) {
		int v = uscc_value(s[i]);
		if (v < 0)
			return 0;
		sum += v * w;
		w = w * 3 % 31;
	}
	return uscc_charset[(31 - sum % 31) % 31];
}

bool ids_uscc_valid(const char *s)
{
	if (!s || strlen(s) != 18)
		return false;
	char check = ids_uscc_check(s);
	return check && s[17] == check;
}

bool ids_phone_valid(const char *s)
{
	if (!s || strlen(s) != 11 || s[0] != '1')
		return false;
	for (int i = 0; i < 11; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

void ids_mask_id(const char *s, char *out, size_t size)
{
	size_t n = s ? strlen(s) : 0;
	size_t keep_head = n >= 15 ? 6 : (n > 2 ? 1 : 0);
	size_t keep_tail = n >= 15 ? 4 : (n > 2 ? 1 : 0);
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < size; i++)
		out[o++] = (i < keep_head || i >= n - keep_tail) ? s[i] : '*';
	out[o < size ? o : size - 1] = '\0';
}

void ids_mask_phone(const char *s, char *out, size_t size)
{
	size_t n = s ? strlen(s) : 0;
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < size; i++)
		out[o++] = (i >= 3 && i + 4 < n) ? '*' : s[i];
	out[o < size ? o : size - 1] = '\0';
}

bool ids_mask_typed(const char *type, const char *s, char *out, size_t size)
{
	if (!type)
		return false;
	if (!strcmp(type, "id_number"))
		ids_mask_id(s, out, size);
	else if (!strcmp(type, "phone"))
		ids_mask_phone(s, out, size);
	else
		return false;
	return true;
}
