/* qr.c — a QR code as SVG (see qr.h). */
#include "lib/qr.h"

#include <qrencode.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xlsx.h"

#include "lib/banned.h"

int yc_qr_svg(yc_buf *b, const char *text, const char *label, yc_err *err)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return yc_err_set(err, YC_EINTERNAL, NULL, "the QR code could not be made");
	int w = q->width, size = w + 8;
	yc_buf_addf(b,
		    "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 %d %d\""
		    " width=\"148\" height=\"148\" role=\"img\" aria-label=\"%s\">"
		    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		    size, size, label, size, size);
	/* one rectangle per run of dark modules in a row */
	for (int y = 0; y < w; y++) {
		for (int x = 0; x < w;) {
			if (!(q->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < w && (q->data[y * w + x + run] & 1))
				run++;
			yc_buf_addf(b, "M%d %dh%dv1h-%dz", x + 4, y + 4, run, run);
			x += run;
		}
	}
	QRcode_free(q);
	return yc_buf_adds(b, "\"/></svg>");
}

int yc_qr_modules(const char *text, unsigned char **out, int *width, yc_err *err)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return yc_err_set(err, YC_EINTERNAL, NULL, "the QR code could not be made");
	int w = q->width;
	*out = malloc((size_t)w * (size_t)w);
	if (*out)
		for (int i = 0; i < w * w; i++)
			(*out)[i] = q->data[i] & 1;
	*width = w;
	QRcode_free(q);
	return *out ? 0 : yc_err_set(err, YC_ENOMEM, NULL, NULL);
}

static void be32(yc_buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 8), (unsigned char)v};
	yc_buf_add(b, x, 4);
}

/* One PNG chunk: length, type, data, CRC over type and data. */
static void chunk(yc_buf *b, const char type[4], const unsigned char *p, size_t n)
{
	be32(b, (uint32_t)n);
	size_t at = b->len;
	yc_buf_add(b, type, 4);
	yc_buf_add(b, p, n);
	be32(b, yc_crc32(b->data + at, n + 4));
}

int yc_qr_png(yc_buf *b, const char *text, int scale, yc_err *err)
{
	unsigned char *m = NULL;
	int w = 0;
	int rc = yc_qr_modules(text, &m, &w, err);
	if (rc)
		return rc;
	/* 8-bit grey, a four-module quiet zone, scale pixels a module */
	int side = (w + 8) * scale;
	size_t line = (size_t)side + 1, raw_len = line * (size_t)side;
	unsigned char *raw = malloc(raw_len);
	yc_buf z;
	yc_buf_init(&z, 0);
	if (!raw) {
		free(m);
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	for (int y = 0; y < side; y++) {
		unsigned char *row = raw + (size_t)y * line;
		row[0] = 0; /* filter: none */
		int my = y / scale - 4;
		for (int x = 0; x < side; x++) {
			int mx = x / scale - 4;
			bool dark = my >= 0 && my < w && mx >= 0 && mx < w && m[my * w + mx];
			row[1 + x] = dark ? 0 : 255;
		}
	}
	/* zlib with stored blocks: no compression to get wrong, and a QR is small */
	unsigned char hdr[2] = {0x78, 0x01};
	yc_buf_add(&z, hdr, 2);
	uint32_t a = 1, bsum = 0;
	for (size_t i = 0; i < raw_len; i++) {
		a = (a + raw[i]) % 65521;
		bsum = (bsum + a) % 65521;
	}
	for (size_t off = 0; off < raw_len || off == 0;) {
		size_t n = raw_len - off > 65535 ? 65535 : raw_len - off;
		unsigned char bh[5] = {(unsigned char)(off + n == raw_len), (unsigned char)n,
				       (unsigned char)(n >> 8), (unsigned char)~n,
				       (unsigned char)(~n >> 8)};
		yc_buf_add(&z, bh, 5);
		yc_buf_add(&z, raw + off, n);
		off += n;
		if (!n)
			break;
	}
	be32(&z, (bsum << 16) | a);
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	yc_buf_add(b, sig, 8);
	unsigned char ihdr[13] = {0};
	ihdr[0] = (unsigned char)(side >> 24), ihdr[1] = (unsigned char)(side >> 16);
	ihdr[2] = (unsigned char)(side >> 8), ihdr[3] = (unsigned char)side;
	memcpy(ihdr + 4, ihdr, 4);
	ihdr[8] = 8; /* bit depth; colour type 0 (grey), deflate, no filter method, no interlace */
	chunk(b, "IHDR", ihdr, 13);
	chunk(b, "IDAT", (const unsigned char *)z.data, z.len);
	chunk(b, "IEND", NULL, 0);
	free(raw);
	free(m);
	yc_buf_release(&z);
	return 0;
}
