/* errors.c — names, statuses and messages of the YC_E… codes (see errors.h). */
#include "errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "banned.h"

const char *yc_code_name(int code)
{
	switch (code) {
	case YC_OK: return "ok";
#define YC_X_NAME(sym, val, name, status, msg)                                                     \
	case sym: return name;
		YC_ERROR_LIST(YC_X_NAME)
#undef YC_X_NAME
	}
	return "internal";
}

int yc_code_status(int code)
{
	switch (code) {
	case YC_OK: return 200;
#define YC_X_STATUS(sym, val, name, status, msg)                                                   \
	case sym: return status;
		YC_ERROR_LIST(YC_X_STATUS)
#undef YC_X_STATUS
	}
	return 500;
}

const char *yc_code_message(int code)
{
	switch (code) {
	case YC_OK: return "ok";
#define YC_X_MSG(sym, val, name, status, msg)                                                      \
	case sym: return msg;
		YC_ERROR_LIST(YC_X_MSG)
#undef YC_X_MSG
	}
	return "an internal error occurred";
}

void yc_err_clear(yc_err *err)
{
	if (!err)
		return;
	err->code = 0;
	err->field[0] = '\0';
	err->message[0] = '\0';
	err->state[0] = '\0';
	err->internal = false;
}

/* Records code, field and the message fmt makes from ap (the code's own without fmt). */
static int err_setv(yc_err *err, int code, const char *field, const char *fmt, va_list ap)
{
	if (!err)
		return code;
	err->code = code;
	err->state[0] = '\0';
	err->internal = false;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	if (fmt)
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
	else
		snprintf(err->message, sizeof(err->message), "%s", yc_code_message(code));
	return code;
}

int yc_err_set(yc_err *err, int code, const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_setv(err, code, field, fmt, ap);
	va_end(ap);
	return code;
}

int yc_err_conflict(yc_err *err, const char *field, const char *state, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_setv(err, YC_ECONFLICT, field, fmt, ap);
	va_end(ap);
	if (err)
		snprintf(err->state, sizeof(err->state), "%s", state);
	return YC_ECONFLICT;
}

int yc_err_internal(yc_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_setv(err, code, NULL, fmt, ap);
	va_end(ap);
	if (err)
		err->internal = true;
	return code;
}

int yc_err_prefix(int code, yc_err *err, const char *fmt, ...)
{
	if (!code || !err)
		return code;
	char prefix[sizeof(err->field)], inner[sizeof(err->field)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	size_t n = strlen(prefix);
	if (strncmp(err->field, prefix, n) == 0)
		return code;
	snprintf(inner, sizeof(inner), "%s", err->field);
	snprintf(err->field, sizeof(err->field), "%s%s%s", prefix,
		 *inner && *inner != '[' ? "." : "", inner);
	return code;
}
