/*
 * xlsx.h — a spreadsheet of one sheet of text cells, as an Office Open XML
 * workbook (.xlsx): a ZIP of five stored parts (no compression, CRC-32 per
 * part), inline strings, no styles. Enough for an export that Excel, WPS and
 * LibreOffice open, and to read back the first sheet of what they save;
 * nothing of a spreadsheet's domain.
 */
#ifndef YC_XLSX_H
#define YC_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "errors.h"

typedef struct yc_xlsx {
	yc_buf sheet; /* the sheet's XML as rows arrive */
	int row, col;
	char name[32];
} yc_xlsx;

void yc_xlsx_init(yc_xlsx *x, const char *sheet_name);
/* Starts a new row; cells are added to it in order. */
void yc_xlsx_row(yc_xlsx *x);
void yc_xlsx_cell(yc_xlsx *x, const char *text);
void yc_xlsx_number(yc_xlsx *x, int64_t v);
/* Writes the workbook into out and releases x; 0 or YC_ENOMEM. */
int yc_xlsx_finish(yc_xlsx *x, yc_buf *out);
/* Whether p starts as a ZIP (a workbook) does. */
bool yc_xlsx_is(const void *p, size_t n);
/*
 * The first worksheet of a workbook as CSV (xlsx_read.c): row r on line r,
 * rows padded to the header's width. YC_EINVAL naming "body" when it is not
 * one that can be read.
 */
int yc_xlsx_to_csv(const void *p, size_t n, yc_buf *csv, yc_err *err);
/* CRC-32 (ISO 3309, as ZIP uses it). */
uint32_t yc_crc32(const void *p, size_t n);

#endif
