/* internal.h — what the files of core/certificate/ share (see certificate.h). */
#ifndef YC_CERTIFICATE_INTERNAL_H
#define YC_CERTIFICATE_INTERNAL_H

#include "core/certificate/certificate.h"
#include "core/common/audit.h"
#include "lib/sm2.h"

/* A type as cert_types stores it; fields is owned (cert_type_free). */
struct cert_type {
	char code[48], name[128], type_code[24], holder[72], holder_id[24], issuer[32];
	int valid_years;
	cJSON *fields;
};
/* The type bound to an item or process: DB_ROW (t filled), DB_DONE or a negative code. */
int cert_type_of_item(db *d, const char *item, struct cert_type *t, yc_err *err);
int cert_type_load(db *d, const char *code, struct cert_type *t, yc_err *err);
void cert_type_free(struct cert_type *t);
/* An issuing department's name and credit code (YC_EINVAL when it issues none). */
int cert_issuer_of(db *d, const char *dept, char *name, size_t nsize, char *code, size_t csize,
		   yc_err *err);
int64_t cert_now(const struct cert_ctx *c);

/*
 * owner's current signing key, opened: *owned when the caller frees it (no cache),
 * else the context's cache keeps it for the node's life.
 */
int cert_signing_key(db *d, const struct cert_ctx *c, const char *owner, char kid[17],
		     yc_sm2_key **key, bool *owned, yc_err *err);

/*
 * The envelope a certificate's signature covers (issue.c): its key fields (the
 * holder's ID masked) and data_sm3, the SM3 of its canonical bytes, serialised
 * canonically. The QR code carries it whole.
 */
int cert_envelope(const cJSON *data, const yc_buf *bytes, yc_buf *out, yc_err *err);

/*
 * Signs a certificate's envelope and stores the signature (base64) and the QR
 * payload on its row: at once, or (later true, with a cached key) when the
 * transaction ends, every certificate of the transaction signed together on as
 * many threads as the machine has cores (sign.c). Takes no buffer.
 */
int cert_sign_row(db *d, const char *id, yc_sm2_key *key, const char *kid, const yc_buf *envelope,
		  bool later, yc_err *err);

/* What a new certificate (or a new version of one) says, before it is signed. */
struct cert_draft {
	const char *type, *name, *type_code;
	char department[32], issuer[128], issuer_code[24];
	char serial[32];
	int version;
	int64_t holder_user;
	char holder[256], holder_id_type[4], holder_id[24];
	char valid_until[16];
	char source[64];
	const char *subject_kind, *subject;
	int64_t issued_ms;
	cJSON *fields; /* borrowed */
	const yc_actor *actor;
	bool sign_later; /* signed with the transaction's others as it ends (approvals) */
};
/* The next serial of (department, type) in year: "2026000123", under the row's lock. */
int cert_next_serial(db *d, const char *dept, const char *type, int year, char out[16],
		     yc_err *err);
/* Identifier, data, canonical bytes, signature, row and audit event; id_out gets the id. */
int cert_make(db *d, const struct cert_ctx *c, const struct cert_draft *dr, yc_buf *id_out,
	      yc_err *err);

/* A certificate's row. */
struct cert_row {
	char id[CERT_ID_MAX], type[48], name[128], number[32], department[32];
	int version;
	int64_t holder_user;
	char holder_name[256], holder_id_type[4], holder_id[24];
	char subject_kind[8], subject[40];
	int64_t issued_ms, changed_ms;
	char valid_until[16], kid[17], state[16], reason[200], replaced_by[CERT_ID_MAX];
	char *data, *envelope, *signature, *qr; /* owned: cert_row_free */
};
int cert_row_load(db *d, const char *id, struct cert_row *r, yc_err *err);
void cert_row_free(struct cert_row *r);
/* Whether u may see r: its holder, the issuing department's staff, supervisors and admins. */
bool cert_may_see(const yc_user *u, const struct cert_row *r);

#endif
