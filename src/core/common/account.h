/*
 * account.h — accounts (applicants and staff), roles, and sessions.
 *
 * Owns the users and sessions tables. Passwords are stored only as argon2id
 * hashes; hashing is slow on purpose, so callers hash on their own thread
 * (account_hash_password) and hand the hash to the write. Session tokens are
 * stored only as their SHA-256, so a copy of the database logs nobody in.
 * Personal data (ID number, phone) leaves this module masked.
 */
#ifndef YC_ACCOUNT_H
#define YC_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/common/audit.h"
#include "db/db.h"
#include "lib/buf.h"
#include "lib/crypto.h"

enum yc_role {
	ROLE_APPLICANT = 1 << 0,
	ROLE_CLERK = 1 << 1,
	ROLE_APPROVER = 1 << 2,
	ROLE_SUPERVISOR = 1 << 3,
	ROLE_ADMIN = 1 << 4,
	ROLE_BANK = 1 << 5, /* a bank outlet's clerk (政银合作): files business registrations */
	ROLE_MONITOR = 1 << 6,	/* a social supervisor (社会监督员): visits and scores the hall */
	ROLE_ASSESSOR = 1 << 7, /* a third-party assessor (第三方评估): rounds of mystery shopping */
	/* (1 << 8 is core/case's ROLE_SYSTEM, the jobs' own) */
	ROLE_TERMINAL = 1 << 9, /* a 24-hour self-service terminal: acts for a person it has verified */
};
#define ROLE_STAFF (ROLE_CLERK | ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN | ROLE_BANK)
/* from outside the government: they score the hall, see no case and no personal data */
#define ROLE_OUTSIDE (ROLE_MONITOR | ROLE_ASSESSOR)
/* anyone signed in who may see cases (their own, or their scope's): not the outside seats */
#define ROLE_ANY   (ROLE_APPLICANT | ROLE_STAFF)
/* anyone signed in at all (their session) */
#define ROLE_SIGNED_IN (ROLE_ANY | ROLE_OUTSIDE | ROLE_TERMINAL)
/* stored as an applicant with a seat (migration 014): the outside seats and the terminals */
#define ROLE_SEATED (ROLE_OUTSIDE | ROLE_TERMINAL)

/* The role bit for a name, or 0. */
int account_role_parse(const char *name);
const char *account_role_name(int role);

/* The sizes of an account's names, with their NUL (also what streams and handlers copy). */
enum { YC_USERNAME_MAX = 40, YC_DEPARTMENT_MAX = 32, YC_OFFICE_MAX = 32, YC_OUTLET_MAX = 16 };

typedef struct yc_user {
	int64_t id;
	char username[YC_USERNAME_MAX];
	int role;
	char name[128];
	char kind[12];
	char department[YC_DEPARTMENT_MAX];
	char office[YC_OFFICE_MAX];
	char outlet[YC_OUTLET_MAX]; /* a bank seat's outlet, else "" */
	char id_masked[24];
	char phone_masked[16];
	bool demo;
	bool verified; /* applicants: a clerk has checked the identity (account_verify) */
} yc_user;

struct account_new {
	const char *username;
	const char *password;
	const char *role;
	const char *name;
	const char *kind;      /* applicants: "person" or "business" */
	const char *id_number; /* resident ID or unified social credit code */
	const char *phone;
	const char *department; /* staff */
	const char *office;	/* staff */
	const char *outlet;	/* a bank seat: the outlet it sits at (table outlets) */
	bool demo;
};

/*
 * Whether a password is among the most common (password_list.c), is the
 * username, or one character repeated: refused at registration.
 */
bool account_password_common(const char *password, const char *username);

/* Checks every field of n (not against the store); names the bad field. */
int account_validate(const struct account_new *n, yc_err *err);
int account_hash_password(const char *password, char out[YC_PASSWORD_HASH_MAX], yc_err *err);
/* Inserts a validated account with its audit event; *id_out may be NULL. */
int account_insert(db *d, const yc_actor *actor, const struct account_new *n,
		   const char *password_hash, int64_t *id_out, yc_err *err);

/* Verifies a password (slow: argon2id). YC_EAUTH for any mismatch or unknown name. */
int account_authenticate(db *d, const char *username, const char *password, yc_user *out,
			 yc_err *err);
int account_get(db *d, int64_t id, yc_user *out, yc_err *err);
/*
 * The hall's real-name check: a clerk has seen the applicant's ID card (a
 * business's licence) and its number and name are the account's. Marks the
 * account verified, by actor. One verified account per ID number: another one
 * is YC_EEXISTS naming id_number; a number or name not the account's is
 * YC_EINVAL naming it. Verifying a verified account again changes nothing.
 * out (may be NULL) gets the account as it now is.
 */
int account_verify(db *d, const yc_actor *actor, const char *username, const char *id_number,
		   const char *name, yc_user *out, yc_err *err);
/* The account of a username; YC_ENOTFOUND naming "username" when there is none. */
int account_find(db *d, const char *username, yc_user *out, yc_err *err);
bool account_any_demo(db *d);

/*
 * An account holder as the applicant of their own cases, unmasked: for the
 * case's record alone, the one place personal data leaves this module whole.
 */
struct account_contact {
	char kind[12];
	char name[128];
	char id_number[24];
	char phone[16];
};
/*
 * The contact of account id; YC_ENOTFOUND when there is none. A contact read
 * in the last second on this node (here, or by session_find, which reads the
 * same row) comes without a read: a submission right after its session check
 * costs no second round trip.
 */
int account_contact(db *d, int64_t id, struct account_contact *out, yc_err *err);
/* {"id","username","role","name","kind","department","office","outlet","id_number"(masked),
 *  "phone"(masked), "verified"} */
int account_user_json(const yc_user *u, yc_buf *out);

/* Staff of a role (and department, if given), without personal data: {"users":[{username,name,department}]}. */
int account_staff_json(db *d, const char *role, const char *department, yc_buf *out, yc_err *err);

int session_insert(db *d, const yc_user *u, const char *token_hash, const char *csrf,
		   int64_t expires_ms, yc_err *err);
/*
 * Finds a live session by its token's SHA-256 (hex); fills u, csrf (65 bytes)
 * and the session's end. YC_EAUTH when none.
 */
int session_find(db *d, const char *token_hash, yc_user *u, char *csrf, int64_t *expires_ms,
		 yc_err *err);
int session_remove(db *d, const yc_user *u, const char *token, yc_err *err);
/* Removes sessions that ended before now_ms; *removed may be NULL. */
int session_expire(db *d, int64_t now_ms, int64_t *removed, yc_err *err);

#endif
