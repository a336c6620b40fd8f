/*
 * errors.h — the one error convention of yichuang.
 *
 * 0 is success; a failure is a negative YC_E… code. Every code comes from the
 * X-macro list below, which also gives its JSON name, its HTTP status and a
 * default message. Functions whose failure a user will see also fill a
 * yc_err, which the API layer turns into {"error":{"code","message","field"}}.
 * This header knows no domain word.
 */
#ifndef YC_ERRORS_H
#define YC_ERRORS_H

#include <stdbool.h>

#include <stddef.h>

/*      symbol         value name                 status  default message */
#define YC_ERROR_LIST(X)                                                                           \
	X(YC_EMALFORMED, -1, "malformed", 400, "the request could not be read")                    \
	X(YC_EAUTH, -2, "unauthenticated", 401, "log in first")                                    \
	X(YC_EFORBIDDEN, -3, "forbidden", 403, "not allowed for this account")                     \
	X(YC_ENOTFOUND, -4, "not_found", 404, "no such thing")                                     \
	X(YC_EMETHOD, -5, "method_not_allowed", 405, "method not allowed here")                    \
	X(YC_ECONFLICT, -6, "conflict", 409, "the current state does not allow this")              \
	X(YC_EEXISTS, -7, "already_exists", 409, "it exists already")                              \
	X(YC_ETOOLARGE, -8, "too_large", 413, "the request is too large")                          \
	X(YC_EINVAL, -9, "invalid", 422, "a field is not valid")                                   \
	X(YC_ENOTLOADED, -10, "calendar_year_not_loaded", 422, "the calendar year is not loaded")  \
	X(YC_ERATE, -11, "too_many_requests", 429, "too many attempts, try again later")           \
	X(YC_ENOMEM, -12, "out_of_memory", 503, "out of memory")                                   \
	X(YC_EUNAVAIL, -13, "unavailable", 503, "the service is unavailable, retry later")         \
	X(YC_EIO, -14, "io_error", 500, "an input/output error occurred")                          \
	X(YC_EINTERNAL, -15, "internal", 500, "an internal error occurred")                        \
	X(YC_EBUSY, -16, "unavailable", 503, "the store was busy (a deadlock), retry")              \
	X(YC_EMEDIA, -17, "unsupported_media_type", 415, "send the body as application/json")

enum yc_code {
	YC_OK = 0,
#define YC_X_ENUM(sym, val, name, status, msg) sym = val,
	YC_ERROR_LIST(YC_X_ENUM)
#undef YC_X_ENUM
};

/* A failure a user will see: which code, which field (may be empty), what to say. */
typedef struct yc_err {
	int code;
	char field[64];
	char message[256];
	char state[24]; /* a conflict: the resource's current state ("" when none) */
	bool internal;	/* message is for operators (a store's own words), not for replies */
} yc_err;

const char *yc_code_name(int code);
int yc_code_status(int code);
const char *yc_code_message(int code);

/* Clears err (code 0, empty strings). err may be NULL. */
void yc_err_clear(yc_err *err);

/*
 * Records a failure in err (which may be NULL) and returns code, so callers
 * write `return yc_err_set(err, YC_EINVAL, "name", "…")`. field may be NULL;
 * fmt may be NULL for the code's default message.
 */
int yc_err_set(yc_err *err, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * A conflict with the current state: YC_ECONFLICT on field (usually
 * "state"), with err->state set to state (what the reply's "state" names)
 * and the message from fmt. Returns YC_ECONFLICT.
 */
int yc_err_conflict(yc_err *err, const char *field, const char *state, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * yc_err_set for a message meant for operators, such as the store's own
 * words ("postgres: ERROR: …"): logs and the command line show it, an HTTP
 * reply gives the code's own message instead.
 */
int yc_err_internal(yc_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Puts a path in front of err->field ("unit" becomes "legal_limit.unit";
 * with an empty field, just the path) unless the field already starts with
 * it. Returns code, so callers write `return yc_err_prefix(rc, err, "…")`.
 */
int yc_err_prefix(int code, yc_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
