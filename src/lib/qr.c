/* qr.c — a QR code as SVG (see qr.h). */
#include "lib/qr.h"

#include <qrencode.h>

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
