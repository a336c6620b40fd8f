/* material.c — content-addressed materials (see material.h). */
#include "material.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/* An OFD package is a ZIP whose entries include OFD.xml at the root. */
static bool zip_has_ofd_xml(const unsigned char *p, size_t n)
{
	static const char name[] = "OFD.xml";
	const size_t len = sizeof(name) - 1;
	/* local file headers: "PK\3\4", name length at 26, name at 30 */
	for (size_t i = 0; i + 30 <= n; i++) {
		if (p[i] != 'P' || p[i + 1] != 'K' || p[i + 2] != 3 || p[i + 3] != 4)
			continue;
		size_t nl = (size_t)p[i + 26] | (size_t)p[i + 27] << 8;
		if (nl == len && i + 30 + nl <= n && !memcmp(p + i + 30, name, len))
			return true;
	}
	return false;
}

const char *material_sniff(const unsigned char *p, size_t n)
{
	if (n >= 5 && !memcmp(p, "%PDF-", 5))
		return "pdf";
	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return "jpeg";
	if (n >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
		return "png";
	if (n >= 4 && !memcmp(p, "PK\x03\x04", 4) && zip_has_ofd_xml(p, n))
		return "ofd";
	return NULL;
}

/* The uploader's own upload of a stored content (once: a second upload is no new row). */
static int upload_record(db *d, const char *sha, int64_t uploader, yc_err *err)
{
	if (!uploader)
		return 0;
	return db_run(d, err,
		      "INSERT INTO material_uploads (user_id, sha256, created_ms) VALUES (?, ?, ?)"
		      " ON CONFLICT DO NOTHING",
		      "isi", uploader, sha, yc_now_ms());
}

int material_store(db *d, const unsigned char *p, size_t n, const char *type, int64_t uploader,
		   char sha[65], yc_err *err)
{
	yc_sha256_hex(p, n, sha);
	const char *const shas[] = {sha};
	struct material_meta meta;
	int lookup = material_info(d, shas, 1, 0, &meta, err);
	if (lookup)
		return lookup;
	if (meta.found) /* the same bytes are stored already: this uploader's upload of them */
		return upload_record(d, sha, uploader, err);
	size_t b64len = 4 * ((n + 2) / 3) + 1;
	char *b64 = malloc(b64len);
	if (!b64)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	EVP_EncodeBlock((unsigned char *)b64, p, (int)n);
	db_stmt *st = db_prepare(
		d,
		"INSERT INTO materials (sha256, type, size, content, uploader, created_ms)"
		" VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
		err);
	int rc = st ? 0 : db_failed(err);
	if (st) {
		db_bind_text(st, 1, sha);
		db_bind_text(st, 2, type);
		db_bind_int(st, 3, (int64_t)n);
		db_bind_text(st, 4, b64);
		if (uploader)
			db_bind_int(st, 5, uploader);
		else
			db_bind_null(st, 5);
		db_bind_int(st, 6, yc_now_ms());
		rc = db_step(st, err);
		db_done(st);
		if (rc == YC_EEXISTS) /* stored meanwhile by another writer: the same bytes */
			rc = 0;
	}
	free(b64);
	return rc < 0 ? rc : upload_record(d, sha, uploader, err);
}

/*
 * Contents this process has found stored. A stored content never changes and
 * is never removed, so what was found once needs no second read. One slot
 * per hash value (a collision evicts); only reads outside a write transaction
 * fill it, since those see committed rows alone.
 */
enum { MATERIAL_KNOWN = 1024 };
static struct material_meta known_meta[MATERIAL_KNOWN];
static char known_sha[MATERIAL_KNOWN][65];
static int64_t known_owner[MATERIAL_KNOWN]; /* an uploader of it (an upload is never removed) */
static pthread_mutex_t known_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned known_slot(const char *sha, int64_t owner)
{
	return (yc_hash_str(sha) ^ (unsigned)owner * 2654435761u) % MATERIAL_KNOWN;
}

/* Fills meta[i] of the contents known (uploaded by owner, if not 0); true when all n are. */
static bool known_get(const char *const *shas, size_t n, int64_t owner,
		      struct material_meta *meta)
{
	size_t hits = 0;
	pthread_mutex_lock(&known_lock);
	for (size_t i = 0; i < n; i++) {
		unsigned slot = known_slot(shas[i], owner);
		if (!strcmp(known_sha[slot], shas[i]) && (!owner || known_owner[slot] == owner)) {
			meta[i] = known_meta[slot];
			hits++;
		}
	}
	pthread_mutex_unlock(&known_lock);
	return hits == n;
}

static void known_put(const char *sha, int64_t owner, const struct material_meta *meta)
{
	unsigned slot = known_slot(sha, owner);
	pthread_mutex_lock(&known_lock);
	snprintf(known_sha[slot], sizeof(known_sha[slot]), "%s", sha);
	known_owner[slot] = owner;
	known_meta[slot] = *meta;
	pthread_mutex_unlock(&known_lock);
}

/*
 * One statement shape for every count (the last hash repeats to fill it): a
 * case's materials cost one round trip to the store, not one each.
 */
enum { MATERIAL_LOOKUP = 16 };

int material_info(db *d, const char *const *shas, size_t n, int64_t owner,
		  struct material_meta *meta, yc_err *err)
{
	memset(meta, 0, sizeof(*meta) * n);
	if (known_get(shas, n, owner, meta))
		return 0;
	bool remember = !db_writing(d);
	for (size_t at = 0; at < n; at += MATERIAL_LOOKUP) {
		size_t k = n - at < MATERIAL_LOOKUP ? n - at : MATERIAL_LOOKUP;
		db_stmt *st = db_prepare(
			d,
			owner ? "SELECT m.sha256, m.type, m.size FROM material_uploads u"
				" JOIN materials m ON m.sha256 = u.sha256 WHERE u.user_id = ?"
				" AND u.sha256 IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			      : "SELECT sha256, type, size FROM materials WHERE ? = 0 AND sha256 IN"
				" (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			err);
		if (!st)
			return db_failed(err);
		db_bind_int(st, 1, owner);
		for (size_t j = 0; j < MATERIAL_LOOKUP; j++)
			db_bind_text(st, (int)j + 2, shas[at + (j < k ? j : k - 1)]);
		int rc;
		while ((rc = db_step(st, err)) == DB_ROW) {
			const char *sha = db_col_text(st, 0);
			for (size_t j = at; j < at + k; j++) {
				if (strcmp(shas[j], sha) != 0)
					continue;
				meta[j].found = true;
				snprintf(meta[j].type, sizeof(meta[j].type), "%s",
					 db_col_text(st, 1));
				meta[j].size = db_col_int(st, 2);
				if (remember)
					known_put(sha, owner, &meta[j]);
			}
		}
		db_done(st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int material_read(db *d, const char *sha, int64_t owner, char type[8], yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT type, content FROM materials m WHERE sha256 = ? AND (? = 0 OR"
				 " EXISTS (SELECT 1 FROM material_uploads u WHERE u.sha256 = m.sha256"
				 " AND u.user_id = ?))",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, sha);
	db_bind_int(st, 2, owner);
	db_bind_int(st, 3, owner);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		snprintf(type, 8, "%s", db_col_text(st, 0));
		const char *b64 = db_col_text(st, 1);
		size_t len = db_col_len(st, 1);
		unsigned char *bin = malloc(len / 4 * 3 + 3);
		int n = bin ? EVP_DecodeBlock(bin, (const unsigned char *)b64, (int)len) : -1;
		if (n < 0) {
			rc = yc_err_set(err, bin ? YC_EIO : YC_ENOMEM, NULL, NULL);
		} else {
			/* EVP_DecodeBlock counts the padding's bytes too */
			if (len >= 1 && b64[len - 1] == '=')
				n--;
			if (len >= 2 && b64[len - 2] == '=')
				n--;
			rc = yc_buf_add(out, bin, (size_t)n);
		}
		free(bin);
	} else if (rc == DB_DONE) {
		rc = yc_err_set(err, YC_ENOTFOUND, "sha256", "no material with this sha256");
	}
	db_done(st);
	return rc;
}
