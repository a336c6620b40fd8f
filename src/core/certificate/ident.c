/*
 * ident.c — the certificate identifier (GB/T 36904):
 *
 *   1.2.156.3005.2 . {type code} . {issuer code} . {serial} . {version} . {check}
 *
 * The type code is the type definer's unified social credit code followed by
 * 3 digits; the issuer code is the issuing body's; the version is 3 digits.
 * The check character is ISO/IEC 7064 MOD 37,36 (the hybrid system, M = 36)
 * over type code, issuer code, serial and version with the dots removed: the
 * fixed prefix is not part of it.
 */
#include "core/certificate/certificate.h"

#include <stdio.h>
#include <string.h>

#include "lib/banned.h"

static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

static int value_of(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A' + 10;
	return -1;
}

char cert_check_char(const char *body)
{
	enum { M = 36 };
	int p = M, seen = 0;
	for (const char *s = body; *s; s++) {
		if (*s == '.')
			continue;
		int v = value_of(*s);
		if (v < 0)
			return 0;
		int t = (p + v) % M;
		p = ((t ? t : M) * 2) % (M + 1);
		seen++;
	}
	return seen ? alphabet[(M + 1 - p) % M] : 0;
}

/* A part of the identifier: 1..max digits and capitals. */
static bool part_ok(const char *s, size_t len, size_t min, size_t max)
{
	if (len < min || len > max)
		return false;
	for (size_t i = 0; i < len; i++)
		if (value_of(s[i]) < 0)
			return false;
	return true;
}

int cert_ident_make(const char *type_code, const char *issuer_code, const char *serial, int version,
		    char *out, yc_err *err)
{
	if (!part_ok(type_code, strlen(type_code), 21, 21))
		return yc_err_set(
			err, YC_EINVAL, "type_code",
			"a type code is the definer's 18-character credit code and 3 digits");
	if (!part_ok(issuer_code, strlen(issuer_code), 1, 32))
		return yc_err_set(err, YC_EINVAL, "issuer_code",
				  "an issuer code is digits and capital letters");
	if (!part_ok(serial, strlen(serial), 1, 32))
		return yc_err_set(err, YC_EINVAL, "serial",
				  "a serial is digits and capital letters");
	if (version < 1 || version > 999)
		return yc_err_set(err, YC_EINVAL, "version", "a version is 1 to 999");
	char body[CERT_ID_MAX];
	snprintf(body, sizeof(body), "%s.%s.%s.%03d", type_code, issuer_code, serial, version);
	snprintf(out, CERT_ID_MAX, "%s.%s.%c", CERT_ID_PREFIX, body, cert_check_char(body));
	return 0;
}

bool cert_ident_valid(const char *id)
{
	size_t plen = strlen(CERT_ID_PREFIX), len = strlen(id);
	if (len >= CERT_ID_MAX || strncmp(id, CERT_ID_PREFIX ".", plen + 1))
		return false;
	/* five parts after the prefix: type, issuer, serial, version, check */
	const char *parts[5];
	size_t lens[5];
	const char *s = id + plen + 1;
	for (int i = 0; i < 5; i++) {
		const char *dot = strchr(s, '.');
		if ((i < 4) != (dot != NULL))
			return false;
		parts[i] = s;
		lens[i] = dot ? (size_t)(dot - s) : strlen(s);
		s = dot ? dot + 1 : s + lens[i];
	}
	if (!part_ok(parts[0], lens[0], 21, 21) || !part_ok(parts[1], lens[1], 1, 32) ||
	    !part_ok(parts[2], lens[2], 1, 32) || lens[3] != 3 || !part_ok(parts[3], 3, 3, 3) ||
	    strspn(parts[3], "0123456789") < 3 || lens[4] != 1)
		return false;
	char body[CERT_ID_MAX];
	size_t blen = (size_t)(parts[4] - 1 - parts[0]);
	memcpy(body, parts[0], blen);
	body[blen] = '\0';
	return cert_check_char(body) == parts[4][0];
}
