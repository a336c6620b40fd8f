/*
 * xlsx_read.c — the first worksheet of an Office Open XML workbook (.xlsx, as
 * Excel, WPS and LibreOffice save one) as CSV text, so that a spreadsheet is
 * imported by the same checks as a CSV file. The ZIP is read from its central
 * directory (stored or deflated parts, each at most XLSX_PART_MAX when
 * inflated); the workbook names its first sheet, its relationships the
 * sheet's part; cells are shared strings, inline strings, formula strings,
 * booleans or numbers as written. The sheet's row numbers are the CSV's line
 * numbers (an empty row is an empty line), so a bad row is named as the
 * spreadsheet shows it.
 */
#include "xlsx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "errors.h"
#include "banned.h"

enum { XLSX_PART_MAX = 64 << 20, XLSX_COLS_MAX = 64 };

static uint32_t le16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

/* A part of the ZIP by name, inflated into out. YC_ENOTFOUND when there is none. */
static int zip_part(const unsigned char *z, size_t n, const char *name, yc_buf *out, yc_err *err)
{
	if (n < 22)
		return yc_err_set(err, YC_EINVAL, "body", "not a workbook (too short)");
	size_t eocd = n - 22, stop = n > 22 + 65535 ? n - 22 - 65535 : 0;
	while (le32(z + eocd) != 0x06054b50) {
		if (eocd == stop)
			return yc_err_set(err, YC_EINVAL, "body",
					  "not a workbook (no ZIP directory)");
		eocd--;
	}
	size_t entries = le16(z + eocd + 10), at = le32(z + eocd + 16);
	size_t want = strlen(name);
	for (size_t i = 0; i < entries; i++) {
		if (at + 46 > n || le32(z + at) != 0x02014b50)
			return yc_err_set(err, YC_EINVAL, "body", "a damaged ZIP directory");
		unsigned method = le16(z + at + 10);
		size_t csize = le32(z + at + 20), usize = le32(z + at + 24);
		size_t nlen = le16(z + at + 28), xlen = le16(z + at + 30), clen = le16(z + at + 32);
		size_t local = le32(z + at + 42);
		if (at + 46 + nlen > n)
			return yc_err_set(err, YC_EINVAL, "body", "a damaged ZIP directory");
		if (nlen == want && !memcmp(z + at + 46, name, want)) {
			if (local + 30 > n || le32(z + local) != 0x04034b50)
				return yc_err_set(err, YC_EINVAL, "body", "a damaged ZIP part");
			size_t data = local + 30 + le16(z + local + 26) + le16(z + local + 28);
			if (data > n || csize > n - data || usize > XLSX_PART_MAX)
				return yc_err_set(err, YC_EINVAL, "body",
						  "a ZIP part out of bounds");
			if (method == 0) {
				if (usize != csize)
					return yc_err_set(err, YC_EINVAL, "body",
							  "a damaged ZIP part");
				return yc_buf_add(out, z + data, csize)
					       ? yc_err_set(err, YC_ENOMEM, NULL, NULL)
					       : 0;
			}
			if (method != 8)
				return yc_err_set(err, YC_EINVAL, "body",
						  "a ZIP part compressed in a way not read");
			z_stream s = {0};
			if (inflateInit2(&s, -MAX_WBITS) != Z_OK)
				return yc_err_set(err, YC_ENOMEM, NULL, NULL);
			char *buf = malloc(usize + 1);
			int rc = buf ? 0 : yc_err_set(err, YC_ENOMEM, NULL, NULL);
			if (!rc) {
				s.next_in = (unsigned char *)(uintptr_t)(z + data);
				s.avail_in = (uInt)csize;
				s.next_out = (unsigned char *)buf;
				s.avail_out = (uInt)usize + 1;
				int zr = inflate(&s, Z_FINISH);
				if (zr != Z_STREAM_END || s.total_out != usize)
					rc = yc_err_set(err, YC_EINVAL, "body",
							"a ZIP part that does not inflate");
			}
			if (!rc && yc_buf_add(out, buf, usize))
				rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
			inflateEnd(&s);
			free(buf);
			return rc;
		}
		at += 46 + nlen + xlen + clen;
	}
	return YC_ENOTFOUND;
}

/* XML text with its five entities and character references decoded, appended to out. */
static void add_text(yc_buf *out, const char *p, const char *end)
{
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		if (!amp) {
			yc_buf_add(out, p, (size_t)(end - p));
			return;
		}
		yc_buf_add(out, p, (size_t)(amp - p));
		const char *semi = memchr(amp, ';', (size_t)(end - amp));
		if (!semi || semi - amp > 10) {
			yc_buf_addc(out, '&');
			p = amp + 1;
			continue;
		}
		static const char *const names[][2] = {
			{"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
		size_t len = (size_t)(semi - amp - 1);
		bool done = false;
		for (int i = 0; i < 5 && !done; i++)
			if (strlen(names[i][0]) == len && !memcmp(amp + 1, names[i][0], len))
				yc_buf_adds(out, names[i][1]), done = true;
		if (!done && len > 1 && amp[1] == '#') {
			unsigned long cp = amp[2] == 'x' ? strtoul(amp + 3, NULL, 16)
							 : strtoul(amp + 2, NULL, 10);
			char b[4];
			size_t k = cp < 0x80	  ? (b[0] = (char)cp, 1)
				   : cp < 0x800	  ? (b[0] = (char)(0xC0 | cp >> 6),
						     b[1] = (char)(0x80 | (cp & 63)), 2)
				   : cp < 0x10000 ? (b[0] = (char)(0xE0 | cp >> 12),
						     b[1] = (char)(0x80 | (cp >> 6 & 63)),
						     b[2] = (char)(0x80 | (cp & 63)), 3)
						  : (b[0] = (char)(0xF0 | cp >> 18),
						     b[1] = (char)(0x80 | (cp >> 12 & 63)),
						     b[2] = (char)(0x80 | (cp >> 6 & 63)),
						     b[3] = (char)(0x80 | (cp & 63)), 4);
			if (cp && cp <= 0x10FFFF)
				yc_buf_add(out, b, k);
			done = true;
		}
		if (!done)
			yc_buf_add(out, amp, len + 2);
		p = semi + 1;
	}
}

/* Every <t>…</t> between p and end, their texts joined (a rich string's runs). */
static void add_runs(yc_buf *out, const char *p, const char *end)
{
	for (;;) {
		const char *t = p;
		while ((t = memmem(t, (size_t)(end - t), "<t", 2)) && t + 2 < end && t[2] != '>' &&
		       t[2] != ' ')
			t += 2;
		if (!t || t + 2 >= end)
			return;
		const char *gt = memchr(t, '>', (size_t)(end - t));
		if (!gt)
			return;
		if (gt[-1] == '/') { /* <t/> */
			p = gt + 1;
			continue;
		}
		const char *close = memmem(gt, (size_t)(end - gt), "</t>", 4);
		if (!close)
			return;
		add_text(out, gt + 1, close);
		p = close + 4;
	}
}

/* An attribute's value inside the tag [p, end): into out, or "". */
static void attr(const char *p, const char *end, const char *name, char *out, size_t size)
{
	out[0] = '\0';
	size_t n = strlen(name);
	for (const char *a = p; (a = memmem(a, (size_t)(end - a), name, n)); a += n) {
		if ((a[-1] != ' ' && a[-1] != '\t' && a[-1] != '\n') || a[n] != '=' ||
		    (a[n + 1] != '"' && a[n + 1] != '\''))
			continue;
		const char *v = a + n + 2, *q = memchr(v, a[n + 1], (size_t)(end - v));
		if (!q)
			return;
		snprintf(out, size, "%.*s", (int)(q - v), v);
		return;
	}
}

/* The shared strings' offsets into strings (each NUL-terminated). */
struct shared {
	yc_buf strings;
	size_t *at;
	size_t n;
};

static int read_shared(const yc_buf *xml, struct shared *sh)
{
	yc_buf_init(&sh->strings, 0);
	size_t cap = 0;
	const char *p = xml->data, *end = xml->data + xml->len;
	while ((p = memmem(p, (size_t)(end - p), "<si", 3))) {
		const char *close = memmem(p, (size_t)(end - p), "</si>", 5);
		const char *selfclose = memchr(p, '>', (size_t)(end - p));
		if (sh->n == cap) {
			cap = cap ? cap * 2 : 256;
			size_t *a = realloc(sh->at, cap * sizeof(*a));
			if (!a)
				return YC_ENOMEM;
			sh->at = a;
		}
		sh->at[sh->n++] = sh->strings.len;
		if (selfclose && selfclose[-1] == '/') {
			yc_buf_addc(&sh->strings, '\0');
			p = selfclose + 1;
			continue;
		}
		if (!close)
			break;
		add_runs(&sh->strings, p, close);
		yc_buf_addc(&sh->strings, '\0');
		p = close + 5;
	}
	return 0;
}

/* "AB12" → column 27 (from 0); -1 when not a reference. */
static int column_of(const char *ref)
{
	int c = 0, k = 0;
	for (; ref[k] >= 'A' && ref[k] <= 'Z'; k++)
		c = c * 26 + (ref[k] - 'A' + 1);
	return k ? c - 1 : -1;
}

static void csv_field(yc_buf *csv, const char *s, size_t n)
{
	bool quote =
		memchr(s, ',', n) || memchr(s, '"', n) || memchr(s, '\n', n) || memchr(s, '\r', n);
	if (!quote) {
		yc_buf_add(csv, s, n);
		return;
	}
	yc_buf_addc(csv, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			yc_buf_addc(csv, '"');
		yc_buf_addc(csv, s[i]);
	}
	yc_buf_addc(csv, '"');
}

/* The sheet's rows as CSV lines, row r on line r. */
static int sheet_csv(const yc_buf *xml, const struct shared *sh, yc_buf *csv, yc_err *err)
{
	const char *p = xml->data, *end = xml->data + xml->len;
	long line = 1;
	int width = 0;
	yc_buf cell;
	yc_buf_init(&cell, 0);
	while ((p = memmem(p, (size_t)(end - p), "<row", 4))) {
		const char *tag_end = memchr(p, '>', (size_t)(end - p));
		if (!tag_end)
			break;
		char rnum[16];
		attr(p, tag_end, "r", rnum, sizeof(rnum));
		long r = rnum[0] ? strtol(rnum, NULL, 10) : line;
		if (r < line || r > 10000000) {
			yc_buf_release(&cell);
			return yc_err_set(err, YC_EINVAL, "body",
					  "the sheet's rows are out of order");
		}
		for (; line < r; line++)
			yc_buf_addc(csv, '\n');
		const char *row_end =
			tag_end[-1] == '/' ? tag_end
					   : memmem(tag_end, (size_t)(end - tag_end), "</row>", 6);
		if (!row_end)
			break;
		int col = 0;
		for (const char *c = tag_end;
		     c < row_end && (c = memmem(c, (size_t)(row_end - c), "<c", 2));) {
			const char *ce = memchr(c, '>', (size_t)(row_end - c));
			if (!ce)
				break;
			if (c[2] != ' ' && c[2] != '>' && c[2] != '/') {
				c += 2;
				continue;
			}
			char ref[16], type[16];
			attr(c, ce, "r", ref, sizeof(ref));
			attr(c, ce, "t", type, sizeof(type));
			int at = ref[0] ? column_of(ref) : col;
			if (at < col || at >= XLSX_COLS_MAX) {
				yc_buf_release(&cell);
				return yc_err_set(err, YC_EINVAL, "body",
						  "row %ld: cells out of order or past column %d",
						  r, XLSX_COLS_MAX);
			}
			for (; col < at; col++) /* the empty cells before it */
				if (col)
					yc_buf_addc(csv, ',');
			yc_buf_clear(&cell);
			const char *close =
				ce[-1] == '/' ? ce : memmem(ce, (size_t)(row_end - ce), "</c>", 4);
			if (!close)
				close = row_end;
			if (!strcmp(type, "inlineStr")) {
				add_runs(&cell, ce, close);
			} else {
				const char *v = memmem(ce, (size_t)(close - ce), "<v>", 3);
				const char *ve =
					v ? memmem(v, (size_t)(close - v), "</v>", 4) : NULL;
				if (v && ve) {
					if (!strcmp(type, "s")) {
						size_t k = strtoul(v + 3, NULL, 10);
						if (k < sh->n)
							yc_buf_adds(&cell,
								    sh->strings.data + sh->at[k]);
					} else if (!strcmp(type, "b")) {
						yc_buf_adds(&cell, v[3] == '1' ? "是" : "否");
					} else {
						add_text(&cell, v + 3, ve);
					}
				}
			}
			if (col)
				yc_buf_addc(csv, ',');
			csv_field(csv, cell.data, cell.len);
			col++;
			c = close;
		}
		/* the header's width: a row Excel ended early gets its empty cells back */
		if (!width)
			width = col;
		for (; col && col < width; col++)
			yc_buf_addc(csv, ',');
		yc_buf_addc(csv, '\n');
		line++;
		p = row_end;
	}
	yc_buf_release(&cell);
	return 0;
}

bool yc_xlsx_is(const void *p, size_t n)
{
	return n >= 4 && !memcmp(p, "PK\x03\x04", 4);
}

int yc_xlsx_to_csv(const void *p, size_t n, yc_buf *csv, yc_err *err)
{
	const unsigned char *z = p;
	yc_buf wb, rels, sheet, strings;
	yc_buf_init(&wb, 0);
	yc_buf_init(&rels, 0);
	yc_buf_init(&sheet, 0);
	yc_buf_init(&strings, 0);
	struct shared sh = {0};
	char part[256] = "xl/worksheets/sheet1.xml";
	/* the workbook's first sheet, through its relationship */
	int rc = zip_part(z, n, "xl/workbook.xml", &wb, err);
	if (rc == YC_ENOTFOUND)
		rc = yc_err_set(err, YC_EINVAL, "body", "not a workbook (no xl/workbook.xml)");
	if (!rc && !zip_part(z, n, "xl/_rels/workbook.xml.rels", &rels, err)) {
		const char *s = memmem(wb.data, wb.len, "<sheet ", 7);
		const char *se = s ? memchr(s, '>', wb.len - (size_t)(s - wb.data)) : NULL;
		char id[64] = "";
		if (se)
			attr(s, se, "r:id", id, sizeof(id));
		for (const char *r = rels.data;
		     id[0] &&
		     (r = memmem(r, rels.len - (size_t)(r - rels.data), "<Relationship", 13));
		     r += 13) {
			const char *re = memchr(r, '>', rels.len - (size_t)(r - rels.data));
			char rid[64], target[200];
			if (!re)
				break;
			attr(r, re, "Id", rid, sizeof(rid));
			attr(r, re, "Target", target, sizeof(target));
			if (!strcmp(rid, id) && target[0])
				snprintf(part, sizeof(part), "%s%s", target[0] == '/' ? "" : "xl/",
					 target[0] == '/' ? target + 1 : target);
		}
	}
	if (!rc) {
		yc_err_clear(err);
		int s = zip_part(z, n, "xl/sharedStrings.xml", &strings, err);
		if (s && s != YC_ENOTFOUND)
			rc = s;
		else if (read_shared(&strings, &sh))
			rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	if (!rc && (rc = zip_part(z, n, part, &sheet, err)) == YC_ENOTFOUND)
		rc = yc_err_set(err, YC_EINVAL, "body", "the workbook has no sheet %s", part);
	if (!rc)
		rc = sheet_csv(&sheet, &sh, csv, err);
	free(sh.at);
	yc_buf_release(&sh.strings);
	yc_buf_release(&wb);
	yc_buf_release(&rels);
	yc_buf_release(&sheet);
	yc_buf_release(&strings);
	return rc;
}
