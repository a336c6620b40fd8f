/* qr.h — a QR code (libqrencode) drawn as an inline SVG element. */
#ifndef YC_QR_H
#define YC_QR_H

#include "lib/buf.h"
#include "lib/errors.h"

/*
 * Appends the QR code of text (error correction M) as one <svg> with one
 * path and a four-module quiet zone, 148 px square; label is its accessible
 * name (not escaped: a constant of the caller's).
 */
int yc_qr_svg(yc_buf *b, const char *text, const char *label, yc_err *err);

/* The dark modules (1) of text's QR code, width × width, row by row; free *out. */
int yc_qr_modules(const char *text, unsigned char **out, int *width, yc_err *err);
/* The QR code of text as a grey PNG, scale pixels a module, with the four-module quiet zone. */
int yc_qr_png(yc_buf *b, const char *text, int scale, yc_err *err);

#endif
