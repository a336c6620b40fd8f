/*
 * certificate.h — electronic certificates (电子证照): issued on approval,
 * signed with SM2/SM3, verifiable by anyone without our server.
 *
 * A certificate type (营业执照, 不动产登记证明, …) is bound to the items and
 * composite processes whose approval issues it (cert_type_items). When such a
 * case or run is approved, cert_issue_approved runs in the approval's own
 * transaction: it takes the next serial of the issuing department, builds the
 * GB/T 36904 identifier (ident.c), the certificate's data (GB/T 36902–36903
 * metadata and the type's own fields), serialises the data canonically
 * (canon.c: keys sorted, no whitespace — the bytes `jq -jcS .data` prints),
 * makes its envelope (the key fields and the data's SM3) and signs that with
 * the department's SM2 key (keys.c, sign.c) before the transaction commits.
 *
 * Keys: the district's root signs each issuing department's X.509
 * certificate; private keys are stored encrypted (PKCS#8, AES-256) under the
 * keyring's passphrase, a file beside the store that never enters it. A key
 * is rotated with overlap (the old one signs nothing more and still verifies);
 * a compromised key revokes what it signed after the given moment.
 *
 * A certificate's states (issued → revoked | superseded) are a table with its
 * diagram (status.c); the status list, signed by the root with its next
 * update, tells verifiers which are no longer good. A verifier whose list is
 * past its next update reads "unknown", never "valid".
 */
#ifndef YC_CERTIFICATE_H
#define YC_CERTIFICATE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/common/account.h"
#include "core/common/lifecycle.h"
#include "db/db.h"
#include "lib/buf.h"

#define CERT_ID_MAX	    96
#define CERT_PASSPHRASE_MAX 72
#define CERT_ID_PREFIX	    "1.2.156.3005.2"

struct cert_keycache;
struct cert_ctx {
	int tz_offset_min;
	int status_hours; /* a status list's next update comes this many hours after it */
	int key_years;	  /* a department key's certificate is valid this long */
	char region[8];	  /* the jurisdiction: the district's 6-digit code */
	char passphrase[CERT_PASSPHRASE_MAX]; /* the keyring's: opens the private keys */
	int64_t now_ms;			      /* 0: the clock; tests set it */
	struct cert_keycache *cache; /* opened private keys by key id; NULL: opened per use */
};

/* ---- identifiers (ident.c) ---------------------------------------------- */

/*
 * The ISO/IEC 7064 MOD 37,36 check character over body (digits and capital
 * letters; dots are skipped), or 0 when body holds anything else.
 */
char cert_check_char(const char *body);
/* "1.2.156.3005.2.{type}.{issuer}.{serial}.{version:03}.{check}" into out (CERT_ID_MAX). */
int cert_ident_make(const char *type_code, const char *issuer_code, const char *serial, int version,
		    char *out, yc_err *err);
/* Whether id has the identifier's shape and its check character verifies. */
bool cert_ident_valid(const char *id);

/* ---- canonical serialisation (canon.c) ---------------------------------- */

/*
 * The signed bytes of a certificate's data: an object whose values are
 * strings or objects of the same kind, keys in byte order, no whitespace,
 * only '"', '\\' escaped. A control character or DEL anywhere is refused.
 */
int cert_canonical(const cJSON *data, yc_buf *out, yc_err *err);

/* ---- keys (keys.c) ------------------------------------------------------ */

/*
 * Reads the keyring's passphrase from path into pass; when the file does not
 * exist and create is set, writes a new random one (mode 0600).
 */
int cert_keyring_open(const char *path, bool create, char pass[CERT_PASSPHRASE_MAX], yc_err *err);
struct cert_keycache *cert_keycache_new(void);
void cert_keycache_free(struct cert_keycache *k);
/*
 * The current key of owner ("root" or a department's code), made when it
 * has none (the root first) inside a write transaction; kid gets its id.
 */
int cert_key_current(db *d, const struct cert_ctx *c, const char *owner, char kid[17], yc_err *err);
/* Signs p[0..n) with owner's current key: kid and the base64 DER signature into sig. */
int cert_sign(db *d, const struct cert_ctx *c, const char *owner, const void *p, size_t n,
	      char kid[17], yc_buf *sig, yc_err *err);
/* A new key for owner; the old one signs nothing more and still verifies. */
int cert_key_rotate(db *d, const struct cert_ctx *c, const yc_user *actor, const char *owner,
		    yc_buf *out, yc_err *err);
/*
 * Key kid is compromised from at_ms: it is retired, and every certificate it
 * signed from then on is revoked (reason "key-compromise").
 */
int cert_key_compromise(db *d, const struct cert_ctx *c, const yc_user *actor, const char *kid,
			int64_t at_ms, yc_buf *out, yc_err *err);
/* The trust list: the root's certificate and every department key's, with its validity. */
int cert_trust_json(db *d, yc_buf *out, yc_err *err);
/* 0 when the keyring opens the root key (or there is none yet); else why not. */
int cert_keys_usable(db *d, const struct cert_ctx *c, yc_err *err);
/*
 * Encrypts every private key again, from old_pass's keyring to new_pass's (a
 * store copied to where another keyring serves it); n gets how many.
 */
int cert_keys_rekey(db *d, const char *old_pass, const char *new_pass, int *n, yc_err *err);
/* Makes the keys of every issuer that has none yet (init, for the demo). */
int cert_keys_setup(db *d, const struct cert_ctx *c, int *made, yc_err *err);

/* ---- types and issuance (issue.c) --------------------------------------- */

/* Imports issuers (credit codes), types and their items, all or nothing. */
int cert_import(db *d, const cJSON *conf, int *count, yc_err *err);
/*
 * The approval hook (case_ctx.approved): kind "case" or "run", no its number.
 * Issues the certificate of the type bound to its item or process, if any.
 */
int cert_issue_approved(db *d, void *arg, const char *kind, const char *no, yc_err *err);
/* The certificate a case or run produced, if any: id into out (CERT_ID_MAX), "" when none. */
int cert_of_subject(db *d, const char *kind, const char *no, char *out, yc_err *err);

/* ---- 存量证照电子化: paper licences converted (convert.c) ------------------ */

enum { CERT_CONVERT_MAX = 1000 };
/* The batch's shape before the writer: {type, department?, records: [1..CERT_CONVERT_MAX]}. */
int cert_convert_check(const cJSON *body, yc_err *err);
/*
 * Every record checked against the type and the store: the number of bad records, each
 * problem appended to problems as a JSON array's items ({row, field, message}); 0 when
 * the batch may be converted; a negative code (err) when the batch as a whole is refused.
 */
int cert_convert_problems(db *d, const struct cert_ctx *c, const yc_user *u, const cJSON *body,
			  yc_buf *problems, yc_err *err);
/* Checks again and converts every record, or none: {type, department, converted}. */
int cert_convert(db *d, const struct cert_ctx *c, const yc_user *u, const cJSON *body,
		 yc_buf *out, yc_err *err);
/* What was converted, by type and department (an approver: the own department's). */
int cert_conversions_json(db *d, const yc_user *u, yc_buf *out, yc_err *err);

/* ---- reuse instead of paper (reuse.c) ---------------------------------- */

/*
 * The case hook (case_ctx.material_cert, 免提交): certificate stands for the
 * material called name when it is the applicant's (account owner, or ID
 * number owner_id), in force, of a type that stands for that material, and
 * its signature verifies; entry gets what the clerk sees.
 */
int cert_material_attach(db *d, void *arg, int64_t owner, const char *owner_id, const char *name,
			 const char *certificate, cJSON *entry, yc_err *err);
/* For an item: each material the applicant's certificates stand for, with them. */
int cert_reusable_json(db *d, const yc_user *actor, const char *item, yc_buf *out, yc_err *err);

/* ---- states and the status list (status.c) ------------------------------ */

enum cert_state { CE_ISSUED, CE_REVOKED, CE_SUPERSEDED, CE_NSTATES };
enum cert_action { CEA_REVOKE, CEA_SUPERSEDE, CEA_NACTIONS };
extern const struct lc_table cert_lifecycle;

/* Checks the body of an action before the writer ({"reason"} for both). */
int cert_action_check(const cJSON *body, yc_err *err);
/* Revokes certificate id (the issuing department's staff); out gets it afterwards. */
int cert_revoke(db *d, const struct cert_ctx *c, const yc_user *actor, const char *id,
		const cJSON *body, yc_buf *out, yc_err *err);
/* Replaces id by a new version with the same serial; the old one reads "superseded". */
int cert_supersede(db *d, const struct cert_ctx *c, const yc_user *actor, const char *id,
		   const cJSON *body, yc_buf *out, yc_err *err);
/* The signed status list: every certificate no longer good, this update and the next. */
int cert_status_json(db *d, const struct cert_ctx *c, yc_buf *out, yc_err *err);

/* ---- views (view.c) ----------------------------------------------------- */

struct cert_query {
	bool mine;		/* the holder's own (我的证照) */
	const char *department; /* staff: their department's */
	const char *subject;	/* a case's or run's number: what it issued */
	const char *cursor;
	int limit;
};
int cert_list_json(db *d, const struct cert_ctx *c, const yc_user *actor,
		   const struct cert_query *q, yc_buf *out, yc_err *err);
/* One certificate as actor may see it (the holder, the issuing department, supervisors). */
int cert_json(db *d, const struct cert_ctx *c, const yc_user *actor, const char *id, yc_buf *out,
	      yc_err *err);
/*
 * The certificate file (yichuang-certificate/1): data, envelope, signature, key
 * id and the signing key's certificate, everything a verifier needs but the trust
 * list. The holder's alone: it carries their ID number unmasked.
 */
int cert_file_json(db *d, const yc_user *actor, const char *id, yc_buf *out, yc_err *err);

/*
 * The certificate's QR code as a PNG (4 px a module): base/verify.html#c=PAYLOAD, where the
 * payload is the signed summary (docs/certificates.md) that a phone verifies offline.
 */
int cert_qr_png(db *d, const yc_user *actor, const char *id, const char *base, yc_buf *out,
		yc_err *err);

/*
 * The certificate as an A4 PDF (pdf.c): fields, seal, the QR code of
 * base/verify.html#c=PAYLOAD, the identifier and the signature.
 */
int cert_pdf(db *d, const yc_user *actor, const char *id, const char *base, yc_buf *out,
	     yc_err *err);

/* ---- verification (verify.c) -------------------------------------------- */

enum cert_verdict {
	CV_VALID,      /* the signature verifies, the chain holds, the list says nothing */
	CV_REVOKED,    /* valid signature, revoked */
	CV_SUPERSEDED, /* valid signature, a newer version replaces it */
	CV_UNKNOWN,    /* valid signature, but no current status list to say more */
	CV_TAMPERED,   /* the signature does not verify over the data */
	CV_UNTRUSTED,  /* the key is not on the trust list or its chain fails */
	CV_MALFORMED,  /* not a certificate file */
};
const char *cert_verdict_name(enum cert_verdict v);
struct cert_check {
	enum cert_verdict verdict;
	char id[CERT_ID_MAX];
	char name[128];
	char status_at[40]; /* the revocation's or replacement's date */
	char reason[128];
	char why[200];
};
/*
 * Verifies a certificate file against a trust list and a status list (both
 * as the server publishes them; status may be NULL: unknown) at now_ms.
 */
int cert_verify(const char *file, const char *trust, const char *status, int64_t now_ms,
		struct cert_check *out, yc_err *err);

#endif
