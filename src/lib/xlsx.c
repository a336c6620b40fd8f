/* xlsx.c — a one-sheet workbook of text and number cells (see xlsx.h). */
#include "xlsx.h"

#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "banned.h"

uint32_t yc_crc32(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= s[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
	}
	return c ^ 0xffffffffu;
}

void yc_xlsx_init(yc_xlsx *x, const char *sheet_name)
{
	memset(x, 0, sizeof(*x));
	yc_buf_init(&x->sheet, 0);
	snprintf(x->name, sizeof(x->name), "%s", sheet_name);
	yc_buf_adds(
		&x->sheet,
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		"<sheetData>");
}

static void close_row(yc_xlsx *x)
{
	if (x->row)
		yc_buf_adds(&x->sheet, "</row>");
}

void yc_xlsx_row(yc_xlsx *x)
{
	close_row(x);
	x->row++;
	x->col = 0;
	yc_buf_addf(&x->sheet, "<row r=\"%d\">", x->row);
}

/* "A1", "AB12": the cell's reference. */
static void ref(const yc_xlsx *x, char out[16])
{
	char col[8];
	int n = 0, c = x->col + 1;
	while (c > 0 && n < 7) {
		col[n++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	for (int i = 0; i < n; i++)
		out[i] = col[n - 1 - i];
	snprintf(out + n, 16 - (size_t)n, "%d", x->row);
}

void yc_xlsx_cell(yc_xlsx *x, const char *text)
{
	char r[16];
	ref(x, r);
	x->col++;
	yc_buf_addf(&x->sheet, "<c r=\"%s\" t=\"inlineStr\"><is><t xml:space=\"preserve\">", r);
	for (const char *p = text ? text : ""; *p; p++) {
		switch (*p) {
		case '&': yc_buf_adds(&x->sheet, "&amp;"); break;
		case '<': yc_buf_adds(&x->sheet, "&lt;"); break;
		case '>': yc_buf_adds(&x->sheet, "&gt;"); break;
		case '"': yc_buf_adds(&x->sheet, "&quot;"); break;
		default:
			/* XML 1.0 has no place for the other C0 controls */
			if ((unsigned char)*p >= 0x20 || *p == '\t' || *p == '\n')
				yc_buf_addc(&x->sheet, *p);
		}
	}
	yc_buf_adds(&x->sheet, "</t></is></c>");
}

void yc_xlsx_number(yc_xlsx *x, int64_t v)
{
	char r[16];
	ref(x, r);
	x->col++;
	yc_buf_addf(&x->sheet, "<c r=\"%s\"><v>%lld</v></c>", r, (long long)v);
}

struct entry {
	const char *name;
	const char *data;
	size_t len;
	uint32_t crc, offset;
};

static void le16(yc_buf *b, unsigned v)
{
	unsigned char s[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
	yc_buf_add(b, s, 2);
}

static void le32(yc_buf *b, uint32_t v)
{
	unsigned char s[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	yc_buf_add(b, s, 4);
}

int yc_xlsx_finish(yc_xlsx *x, yc_buf *out)
{
	close_row(x);
	yc_buf_adds(&x->sheet, "</sheetData></worksheet>");
	char workbook[512];
	snprintf(workbook, sizeof(workbook),
		 "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		 "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
		 " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
		 "<sheets><sheet name=\"%s\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
		 x->name);
	static const char types[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package."
		"relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/>"
		"<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd."
		"openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
		"<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd."
		"openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>";
	static const char rels[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		"<Relationships "
		"xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
		"2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
	static const char wbrels[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		"<Relationships "
		"xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/"
		"2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>";
	struct entry e[5] = {
		{"[Content_Types].xml", types, sizeof(types) - 1, 0, 0},
		{"_rels/.rels", rels, sizeof(rels) - 1, 0, 0},
		{"xl/workbook.xml", workbook, strlen(workbook), 0, 0},
		{"xl/_rels/workbook.xml.rels", wbrels, sizeof(wbrels) - 1, 0, 0},
		{"xl/worksheets/sheet1.xml", x->sheet.data, x->sheet.len, 0, 0},
	};
	if (!x->sheet.data) {
		yc_buf_release(&x->sheet);
		return YC_ENOMEM;
	}
	size_t start = out->len;
	for (int i = 0; i < 5; i++) {
		e[i].crc = yc_crc32(e[i].data, e[i].len);
		e[i].offset = (uint32_t)(out->len - start);
		le32(out, 0x04034b50);				/* local file header */
		le16(out, 20), le16(out, 0x0800), le16(out, 0); /* version, UTF-8 names, stored */
		le16(out, 0), le16(out, 0x21);			/* time 00:00, date 1980-01-01 */
		le32(out, e[i].crc), le32(out, (uint32_t)e[i].len), le32(out, (uint32_t)e[i].len);
		le16(out, (unsigned)strlen(e[i].name)), le16(out, 0);
		yc_buf_adds(out, e[i].name);
		yc_buf_add(out, e[i].data, e[i].len);
	}
	size_t cd = out->len - start;
	for (int i = 0; i < 5; i++) {
		le32(out, 0x02014b50); /* central directory */
		le16(out, 20), le16(out, 20), le16(out, 0x0800), le16(out, 0);
		le16(out, 0), le16(out, 0x21);
		le32(out, e[i].crc), le32(out, (uint32_t)e[i].len), le32(out, (uint32_t)e[i].len);
		le16(out, (unsigned)strlen(e[i].name)), le16(out, 0), le16(out, 0);
		le16(out, 0), le16(out, 0), le32(out, 0), le32(out, e[i].offset);
		yc_buf_adds(out, e[i].name);
	}
	size_t cdlen = out->len - start - cd;
	le32(out, 0x06054b50); /* end of central directory */
	le16(out, 0), le16(out, 0), le16(out, 5), le16(out, 5);
	le32(out, (uint32_t)cdlen), le32(out, (uint32_t)cd), le16(out, 0);
	yc_buf_release(&x->sheet);
	return 0;
}
