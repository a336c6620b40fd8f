/*
 * material.h — uploaded application materials, stored once per content
 * (the key is the SHA-256 of the bytes) and recognised by their bytes, never
 * by their name: PDF, JPEG, PNG and OFD (the national fixed-layout format, a
 * ZIP package whose entry names OFD.xml).
 */
#ifndef YC_MATERIAL_H
#define YC_MATERIAL_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "lib/buf.h"

/* "pdf", "jpeg", "png", "ofd", or NULL when the bytes are none of these. */
const char *material_sniff(const unsigned char *p, size_t n);
/*
 * Stores the bytes (once per content) and the uploader's upload of them (once
 * per uploader; uploader 0: none); fills sha (65 bytes).
 */
int material_store(db *d, const unsigned char *p, size_t n, const char *type, int64_t uploader,
		   char sha[65], yc_err *err);
/* What is stored of one content: its type and size, when found. */
struct material_meta {
	bool found;
	char type[8];
	int64_t size;
};
/*
 * Looks n contents up by SHA-256 (hex), up to 16 in one query: meta[i] for
 * shas[i]; with owner (not 0) only the contents owner uploaded are found.
 * Contents found before (outside a write transaction) are known without a
 * query: a stored content, and an upload of it, never change and are never
 * removed.
 */
int material_info(db *d, const char *const *shas, size_t n, int64_t owner,
		  struct material_meta *meta, yc_err *err);
/*
 * The bytes of a content into out; with owner (not 0) only when owner
 * uploaded it (YC_ENOTFOUND otherwise: whether somebody else did is not said).
 */
int material_read(db *d, const char *sha, int64_t owner, char type[8], yc_buf *out, yc_err *err);

#endif
