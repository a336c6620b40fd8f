/*
 * pdf.c — a certificate as an A4 PDF (cairo and pango, Noto CJK): the name,
 * the fields, the issuer's seal, the QR code that verifies it, and the
 * identifier, key id and signature printed at the foot and carried in the
 * document's metadata. A person's ID number is masked on paper; a firm's
 * credit code is printed whole, as on a paper licence.
 */
#include "core/certificate/internal.h"

#include <cairo-pdf.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/ids.h"
#include "lib/json.h"
#include "lib/qr.h"
#include "lib/banned.h"

enum { A4_W = 595, A4_H = 842, MARGIN = 64 };
#define FONT  "Noto Sans CJK SC"
#define SERIF "Noto Serif CJK SC"

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int length)
{
	return yc_buf_add(closure, data, length) ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

/* Text at (x, y) in font face and size (points), aligned left, centre or right of x; its height. */
static double text_at(cairo_t *cr, const char *s, const char *face, double size, double x, double y,
		      double width, PangoAlignment align)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	char desc[64];
	snprintf(desc, sizeof(desc), "%s %.1f", face, size);
	PangoFontDescription *fd = pango_font_description_from_string(desc);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align);
	pango_layout_set_text(l, s, -1);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	int w, h;
	pango_layout_get_pixel_size(l, &w, &h);
	pango_font_description_free(fd);
	g_object_unref(l);
	return h;
}

/* The issuer's seal: a red ring, a five-pointed star, the issuer's name and 电子证照专用章. */
static void seal(cairo_t *cr, double cx, double cy, const char *issuer)
{
	cairo_save(cr);
	cairo_set_source_rgb(cr, 0.82, 0.1, 0.1);
	cairo_set_line_width(cr, 3);
	cairo_new_path(cr);
	cairo_arc(cr, cx, cy, 58, 0, 2 * M_PI);
	cairo_stroke(cr);
	/* the issuer's name along the upper ring, one character at a time, each facing out */
	long n = g_utf8_strlen(issuer, -1);
	double span = n > 1 ? (n > 14 ? 1.55 : 1.2) * M_PI : 0,
	       step = n > 1 ? span / (double)(n - 1) : 0;
	const char *ch = issuer;
	for (long i = 0; i < n && *ch; i++) {
		const char *next = g_utf8_next_char(ch);
		char one[8] = "";
		size_t len =
			(size_t)(next - ch) < sizeof(one) ? (size_t)(next - ch) : sizeof(one) - 1;
		memcpy(one, ch, len);
		double a = -M_PI / 2 - span / 2 + (double)i * step;
		cairo_save(cr);
		cairo_translate(cr, cx + 44 * cos(a), cy + 44 * sin(a));
		cairo_rotate(cr, a + M_PI / 2);
		text_at(cr, one, FONT, n > 14 ? 8 : 10, -8, -7, 16, PANGO_ALIGN_CENTER);
		cairo_restore(cr);
		ch = next;
	}
	cairo_new_path(cr);
	for (int i = 0; i < 10; i++) {
		double r = i % 2 ? 8 : 20, a = -M_PI / 2 + i * M_PI / 5;
		if (i)
			cairo_line_to(cr, cx + r * cos(a), cy + r * sin(a));
		else
			cairo_move_to(cr, cx + r * cos(a), cy + r * sin(a));
	}
	cairo_close_path(cr);
	cairo_fill(cr);
	text_at(cr, "电子证照专用章", FONT, 8, cx - 50, cy + 24, 100, PANGO_ALIGN_CENTER);
	cairo_restore(cr);
}

static void qr_draw(cairo_t *cr, const unsigned char *m, int w, double x, double y, double side)
{
	double mod = side / (w + 8);
	cairo_save(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, side, side);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int r = 0; r < w; r++)
		for (int c = 0; c < w; c++)
			if (m[r * w + c])
				cairo_rectangle(cr, x + (c + 4) * mod, y + (r + 4) * mod, mod, mod);
	cairo_fill(cr);
	cairo_restore(cr);
}

int cert_pdf(db *d, const yc_user *actor, const char *id, const char *base, yc_buf *out,
	     yc_err *err)
{
	struct cert_row r = {0};
	int rc = cert_row_load(d, id, &r, err);
	if (!rc && !cert_may_see(actor, &r))
		rc = yc_err_set(err, YC_ENOTFOUND, "id", "no certificate %s", id);
	cJSON *data = rc ? NULL : cJSON_Parse(r.data);
	if (!rc && !data)
		rc = yc_err_set(err, YC_EINTERNAL, "data", "certificate %s cannot be read", id);
	unsigned char *mods = NULL;
	int qw = 0;
	yc_buf url;
	yc_buf_init(&url, 0);
	if (!rc) {
		yc_buf_addf(&url, "%s/verify.html#c=%s", base, r.qr);
		rc = yc_qr_modules(url.data, &mods, &qw, err);
	}
	if (rc)
		goto out;
	cairo_surface_t *sf = cairo_pdf_surface_create_for_stream(to_buf, out, A4_W, A4_H);
	char meta[512];
	snprintf(meta, sizeof(meta), "%s %s", r.name, r.id);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, meta);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_AUTHOR, yc_json_str(data, "issuer"));
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "yichuang");
	yc_buf kw;
	yc_buf_init(&kw, 0);
	yc_buf_addf(&kw, "yichuang-certificate/1 kid=%s signature=%s", r.kid, r.signature);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_KEYWORDS, kw.data);
	cairo_t *cr = cairo_create(sf);
	/* the frame */
	cairo_set_source_rgb(cr, 0.62, 0.45, 0.2);
	cairo_set_line_width(cr, 2);
	cairo_new_path(cr);
	cairo_rectangle(cr, 28, 28, A4_W - 56, A4_H - 56);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	double y = 70;
	y += text_at(cr, "中华人民共和国", SERIF, 14, MARGIN, y, A4_W - 2 * MARGIN,
		     PANGO_ALIGN_CENTER);
	y += 6 +
	     text_at(cr, r.name, SERIF, 30, MARGIN, y + 6, A4_W - 2 * MARGIN, PANGO_ALIGN_CENTER);
	char line[600];
	snprintf(line, sizeof(line), "证照编号：%s（第%d版）", r.number, r.version);
	y += 12 +
	     text_at(cr, line, FONT, 11, MARGIN, y + 12, A4_W - 2 * MARGIN, PANGO_ALIGN_CENTER);
	y += 28;
	/* the fields: label and value rows */
	char masked[32];
	const char *holder_id = r.holder_id;
	if (!strcmp(r.holder_id_type, "111")) {
		ids_mask_id(r.holder_id, masked, sizeof(masked));
		holder_id = masked;
	}
	const char *labels[32], *values[32];
	int n = 0;
	labels[n] = "持证主体", values[n++] = r.holder_name;
	labels[n] = !strcmp(r.holder_id_type, "001") ? "统一社会信用代码" : "身份证件号码";
	values[n++] = holder_id;
	const cJSON *f;
	cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive(data, "fields"))
		if (n < 26 && cJSON_IsString(f))
			labels[n] = f->string, values[n++] = f->valuestring;
	labels[n] = "颁证单位", values[n++] = yc_json_str(data, "issuer");
	labels[n] = "颁证日期", values[n++] = yc_json_str(data, "issue_date");
	labels[n] = "有效期至", values[n++] = r.valid_until;
	for (int i = 0; i < n; i++) {
		text_at(cr, labels[i], FONT, 12, MARGIN + 10, y, 130, PANGO_ALIGN_LEFT);
		double h = text_at(cr, values[i] ? values[i] : "", FONT, 12, MARGIN + 150, y,
				   A4_W - 2 * MARGIN - 160, PANGO_ALIGN_LEFT);
		y += (h > 18 ? h : 18) + 10;
	}
	if (strcmp(r.state, "issued")) {
		cairo_save(cr);
		cairo_set_source_rgb(cr, 0.8, 0, 0);
		text_at(cr, !strcmp(r.state, "revoked") ? "已注销" : "已换发", FONT, 28, MARGIN,
			y + 4, A4_W - 2 * MARGIN, PANGO_ALIGN_CENTER);
		cairo_restore(cr);
	}
	/* the seal beside the issuer, the QR code in the lower right */
	seal(cr, A4_W - MARGIN - 90, 610, yc_json_str(data, "issuer"));
	qr_draw(cr, mods, qw, MARGIN, 560, 150);
	text_at(cr, "扫码核验（离线可验）", FONT, 9, MARGIN, 714, 150, PANGO_ALIGN_CENTER);
	/* the foot: what a verifier needs to find the signed record */
	snprintf(line, sizeof(line), "证照标识 %s", r.id);
	text_at(cr, line, FONT, 8, MARGIN, 740, A4_W - 2 * MARGIN, PANGO_ALIGN_LEFT);
	snprintf(line, sizeof(line), "SM2/SM3 签名（密钥 %s）：%s", r.kid, r.signature);
	text_at(cr, line, FONT, 6.5, MARGIN, 756, A4_W - 2 * MARGIN, PANGO_ALIGN_LEFT);
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(sf);
	if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS)
		rc = yc_err_set(err, YC_EINTERNAL, NULL, "the PDF could not be made: %s",
				cairo_status_to_string(cairo_surface_status(sf)));
	cairo_surface_destroy(sf);
	yc_buf_release(&kw);
out:
	free(mods);
	yc_buf_release(&url);
	cJSON_Delete(data);
	cert_row_free(&r);
	return rc;
}
