/* account.c — accounts, roles and sessions (see account.h). */
#include "account.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/common/ids.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static const struct {
	int bit;
	const char *name;
} roles[] = {
	{ROLE_APPLICANT, "applicant"}, {ROLE_CLERK, "clerk"},		{ROLE_APPROVER, "approver"},
	{ROLE_BANK, "bank"},	       {ROLE_SUPERVISOR, "supervisor"}, {ROLE_ADMIN, "admin"},
	{ROLE_MONITOR, "monitor"},     {ROLE_ASSESSOR, "assessor"},	{ROLE_TERMINAL, "terminal"},
};

int account_role_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strcmp(roles[i].name, name))
			return roles[i].bit;
	return 0;
}

const char *account_role_name(int role)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].bit == role)
			return roles[i].name;
	return "";
}

static bool username_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 3 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

int account_validate(const struct account_new *n, yc_err *err)
{
	if (!username_ok(n->username))
		return yc_err_set(err, YC_EINVAL, "username",
				  "username: 3–32 characters of a–z, 0–9, '-', '_' or '.'");
	size_t pw = n->password ? strlen(n->password) : 0;
	if (pw < 8 || pw > 128)
		return yc_err_set(err, YC_EINVAL, "password", "password: 8 to 128 characters");
	/* the demo's accounts share the demo password, which is on the list */
	if (!n->demo && account_password_common(n->password, n->username))
		return yc_err_set(err, YC_EINVAL, "password",
				  "password: too common to keep anyone out; choose another");
	int role = account_role_parse(n->role);
	if (!role)
		return yc_err_set(
			err, YC_EINVAL, "role",
			"role must be applicant, clerk, approver, supervisor, admin, bank, monitor,"
			" assessor or terminal");
	if (role == ROLE_BANK && (!n->outlet || !*n->outlet))
		return yc_err_set(err, YC_EINVAL, "outlet", "a bank seat names its outlet");
	if (role != ROLE_BANK && n->outlet && *n->outlet)
		return yc_err_set(err, YC_EINVAL, "outlet", "only a bank seat has an outlet");
	if (n->name && strlen(n->name) > 100)
		return yc_err_set(err, YC_EINVAL, "name", "name: at most 100 bytes");
	if (role == ROLE_APPLICANT) {
		if (!n->name || !*n->name)
			return yc_err_set(err, YC_EINVAL, "name", "name is required");
		bool business = n->kind && !strcmp(n->kind, "business");
		if (!n->kind || (!business && strcmp(n->kind, "person")))
			return yc_err_set(err, YC_EINVAL, "kind",
					  "kind must be person or business");
		if (business && !ids_uscc_valid(n->id_number))
			return yc_err_set(
				err, YC_EINVAL, "id_number",
				"id_number is not a valid unified social credit code (GB 32100)");
		if (!business && !ids_resident_valid(n->id_number))
			return yc_err_set(
				err, YC_EINVAL, "id_number",
				"id_number is not a valid resident identity number (GB 11643)");
		if (!ids_phone_valid(n->phone))
			return yc_err_set(err, YC_EINVAL, "phone",
					  "phone must be an 11-digit mobile number");
	} else if (n->phone && *n->phone && !ids_phone_valid(n->phone)) {
		return yc_err_set(err, YC_EINVAL, "phone",
				  "phone must be an 11-digit mobile number");
	}
	return 0;
}

int account_hash_password(const char *password, char out[YC_PASSWORD_HASH_MAX], yc_err *err)
{
	if (yc_password_hash(password, out))
		return yc_err_set(err, YC_EINTERNAL, NULL, "cannot hash the password");
	return 0;
}

int account_insert(db *d, const yc_actor *actor, const struct account_new *n,
		   const char *password_hash, int64_t *id_out, yc_err *err)
{
	int role = account_role_parse(n->role);
	bool staff = role != ROLE_APPLICANT;
	bool outside = (role & ROLE_SEATED) != 0;
	/* a bank seat files for the office whose window accepts what its outlet files */
	char outlet_office[YC_OFFICE_MAX] = "";
	if (role == ROLE_BANK) {
		int got = db_get(d, err, "SELECT office FROM outlets WHERE code = ?", "s", "t",
				 n->outlet, outlet_office, sizeof(outlet_office));
		if (got < 0)
			return got;
		if (got != DB_ROW)
			return yc_err_set(err, YC_EINVAL, "outlet", "no outlet %s", n->outlet);
	}
	const char *office = outlet_office[0] ? outlet_office : n->office;
	db_stmt *st = db_prepare(
		d,
		"INSERT INTO users (username, password_hash, role, name, kind, id_number,"
		" phone, department, office, demo, created_ms, outlet, seat)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, n->username);
	db_bind_text(st, 2, password_hash);
	/* the role's CHECK (migration 001) predates the bank seat: a clerk with an outlet */
	/* nor the seats from outside (migration 014): an applicant with a seat */
	db_bind_text(st, 3, role == ROLE_BANK ? "clerk" : outside ? "applicant" : n->role);
	db_bind_text(st, 4, n->name ? n->name : "");
	db_bind_text(st, 5, staff ? NULL : n->kind);
	db_bind_text(st, 6, staff ? NULL : n->id_number);
	db_bind_text(st, 7, n->phone && *n->phone ? n->phone : NULL);
	db_bind_text(st, 8, staff && n->department && *n->department ? n->department : NULL);
	db_bind_text(st, 9, staff && office && *office ? office : NULL);
	db_bind_int(st, 10, n->demo);
	db_bind_int(st, 11, yc_now_ms());
	db_bind_text(st, 12, n->outlet && *n->outlet ? n->outlet : NULL);
	db_bind_text(st, 13, outside ? n->role : NULL);
	int rc = db_step(st, err);
	int64_t id = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	if (rc == YC_EEXISTS)
		return yc_err_set(err, YC_EEXISTS, "username", "username is taken");
	if (rc == YC_EINVAL)
		return yc_err_set(err, YC_EINVAL, staff ? "department" : "username",
				  "unknown department or office");
	if (rc < 0)
		return rc;
	if (id_out)
		*id_out = id;
	char object[64], after[160];
	snprintf(object, sizeof(object), "user/%s", n->username);
	snprintf(after, sizeof(after), "{\"role\":\"%s\"}", n->role);
	return audit_append(d, actor, "user.create", object, NULL, NULL, after, err);
}

#define USER_COLUMNS                                                                               \
	"u.id, u.username, u.role, u.name, u.kind, u.department, u.office,"                        \
	" u.id_number, u.phone, u.demo, u.verified_ms, u.outlet, u.seat"

/*
 * Contacts read in the last second, one slot per account id (a collision
 * evicts). Reads inside a write transaction do not fill it.
 */
enum { CONTACT_SLOTS = 1024, CONTACT_FRESH_US = 1000 * 1000 };
static struct contact_slot {
	int64_t id;
	int64_t read_us;
	struct account_contact c;
} contacts[CONTACT_SLOTS];
static pthread_mutex_t contacts_lock = PTHREAD_MUTEX_INITIALIZER;

/* The contact in a row of USER_COLUMNS starting at col. */
static void contact_from_row(db_stmt *st, int col, struct account_contact *c)
{
	db_col_copy(st, col + 4, c->kind, sizeof(c->kind));
	db_col_copy(st, col + 3, c->name, sizeof(c->name));
	db_col_copy(st, col + 7, c->id_number, sizeof(c->id_number));
	db_col_copy(st, col + 8, c->phone, sizeof(c->phone));
}

/* Remembers the contact in a row of USER_COLUMNS starting at col. */
static void contact_seen(db *d, db_stmt *st, int col)
{
	if (db_writing(d))
		return;
	struct contact_slot e = {.id = db_col_int(st, col), .read_us = yc_mono_us()};
	contact_from_row(st, col, &e.c);
	pthread_mutex_lock(&contacts_lock);
	contacts[(uint64_t)e.id % CONTACT_SLOTS] = e;
	pthread_mutex_unlock(&contacts_lock);
}

int account_contact(db *d, int64_t id, struct account_contact *out, yc_err *err)
{
	pthread_mutex_lock(&contacts_lock);
	const struct contact_slot *e = &contacts[(uint64_t)id % CONTACT_SLOTS];
	bool fresh = e->id == id && yc_mono_us() - e->read_us < CONTACT_FRESH_US;
	if (fresh)
		*out = e->c;
	pthread_mutex_unlock(&contacts_lock);
	if (fresh)
		return 0;
	db_stmt *st = db_prepare(d, "SELECT " USER_COLUMNS " FROM users u WHERE u.id = ?", err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		contact_from_row(st, 0, out);
		contact_seen(d, st, 0);
	}
	db_done(st);
	if (rc == DB_DONE)
		return yc_err_set(err, YC_ENOTFOUND, NULL, "no such account");
	return rc < 0 ? rc : 0;
}

static void user_from_row(db_stmt *st, int col, yc_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = db_col_int(st, col);
	snprintf(u->username, sizeof(u->username), "%s", db_col_text(st, col + 1));
	u->role = account_role_parse(db_col_text(st, col + 2));
	snprintf(u->name, sizeof(u->name), "%s", db_col_text(st, col + 3));
	snprintf(u->kind, sizeof(u->kind), "%s", db_col_text(st, col + 4));
	snprintf(u->department, sizeof(u->department), "%s", db_col_text(st, col + 5));
	snprintf(u->office, sizeof(u->office), "%s", db_col_text(st, col + 6));
	ids_mask_id(db_col_text(st, col + 7), u->id_masked, sizeof(u->id_masked));
	ids_mask_phone(db_col_text(st, col + 8), u->phone_masked, sizeof(u->phone_masked));
	u->demo = db_col_int(st, col + 9) != 0;
	u->verified = db_col_int(st, col + 10) != 0;
	snprintf(u->outlet, sizeof(u->outlet), "%s", db_col_text(st, col + 11));
	if (u->role == ROLE_CLERK && u->outlet[0])
		u->role = ROLE_BANK; /* stored as a clerk with an outlet (migration 013) */
	int seat = account_role_parse(db_col_text(st, col + 12));
	if (u->role == ROLE_APPLICANT && (seat & ROLE_SEATED))
		u->role = seat; /* stored as an applicant with a seat (migration 014) */
}

/* A real hash of a random password keeps unknown names as slow as wrong passwords. */
static char dummy[YC_PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
	char pw[33];
	yc_random_hex(pw, 16);
	yc_password_hash(pw, dummy);
}

int account_authenticate(db *d, const char *username, const char *password, yc_user *out,
			 yc_err *err)
{
	pthread_once(&dummy_once, dummy_make);
	db_stmt *st = db_prepare(d,
				 "SELECT password_hash, disabled, " USER_COLUMNS
				 " FROM users u WHERE u.username = ?",
				 err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, username);
	int rc = db_step(st, err);
	if (rc < 0) {
		db_done(st);
		return rc;
	}
	char hash[YC_PASSWORD_HASH_MAX];
	bool found = rc == DB_ROW, disabled = false;
	snprintf(hash, sizeof(hash), "%s", found ? db_col_text(st, 0) : dummy);
	if (found) {
		disabled = db_col_int(st, 1) != 0;
		user_from_row(st, 2, out);
	}
	db_done(st);
	if (yc_password_verify(hash, password) || !found || disabled)
		return yc_err_set(err, YC_EAUTH, NULL, "wrong username or password");
	return 0;
}

/* One account by id (username NULL) or by username, into out. */
static int user_load(db *d, int64_t id, const char *username, yc_user *out, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 username ? "SELECT " USER_COLUMNS " FROM users u WHERE u.username = ?"
					  : "SELECT " USER_COLUMNS " FROM users u WHERE u.id = ?",
				 err);
	if (!st)
		return err->code;
	if (username)
		db_bind_text(st, 1, username);
	else
		db_bind_int(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_ROW)
		user_from_row(st, 0, out);
	db_done(st);
	if (rc == DB_DONE)
		return username ? yc_err_set(err, YC_ENOTFOUND, "username", "no account %s", username)
				: yc_err_set(err, YC_ENOTFOUND, NULL, "no such account");
	return rc < 0 ? rc : 0;
}

int account_get(db *d, int64_t id, yc_user *out, yc_err *err)
{
	return user_load(d, id, NULL, out, err);
}

int account_find(db *d, const char *username, yc_user *out, yc_err *err)
{
	return user_load(d, 0, username, out, err);
}

bool account_any_demo(db *d)
{
	db_stmt *st = db_prepare(d, "SELECT 1 FROM users WHERE demo = 1 LIMIT 1", NULL);
	if (!st)
		return false;
	bool any = db_step(st, NULL) == DB_ROW;
	db_done(st);
	return any;
}

int account_user_json(const yc_user *u, yc_buf *out)
{
	yc_buf_addf(out, "{\"id\":%lld,\"username\":", (long long)u->id);
	yc_json_add_str(out, u->username);
	yc_buf_addf(out, ",\"role\":\"%s\",\"name\":", account_role_name(u->role));
	yc_json_add_str(out, u->name);
	yc_buf_adds(out, ",\"kind\":");
	yc_json_add_str(out, *u->kind ? u->kind : NULL);
	yc_buf_adds(out, ",\"department\":");
	yc_json_add_str(out, *u->department ? u->department : NULL);
	yc_buf_adds(out, ",\"office\":");
	yc_json_add_str(out, *u->office ? u->office : NULL);
	yc_buf_adds(out, ",\"outlet\":");
	yc_json_add_str(out, *u->outlet ? u->outlet : NULL);
	yc_buf_adds(out, ",\"id_number\":");
	yc_json_add_str(out, *u->id_masked ? u->id_masked : NULL);
	yc_buf_adds(out, ",\"phone\":");
	yc_json_add_str(out, *u->phone_masked ? u->phone_masked : NULL);
	if (u->role == ROLE_APPLICANT)
		yc_buf_addf(out, ",\"verified\":%s", u->verified ? "true" : "false");
	return yc_buf_addc(out, '}');
}

int account_verify(db *d, const yc_actor *actor, const char *username, const char *id_number,
		   const char *name, yc_user *out, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT id, role, id_number, name, verified_ms, disabled FROM users"
				 " WHERE username = ?",
				 err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, username);
	int rc = db_step(st, err);
	int64_t id = 0;
	bool applicant = false, same_id = false, same_name = false, verified = false, disabled = false;
	if (rc == DB_ROW) {
		id = db_col_int(st, 0);
		applicant = !strcmp(db_col_text(st, 1), "applicant");
		same_id = id_number && !strcmp(db_col_text(st, 2), id_number);
		same_name = name && !strcmp(db_col_text(st, 3), name);
		verified = db_col_int(st, 4) != 0;
		disabled = db_col_int(st, 5) != 0;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE || !applicant || disabled)
		return yc_err_set(err, YC_ENOTFOUND, "username", "no applicant account %s", username);
	if (!same_id)
		return yc_err_set(err, YC_EINVAL, "id_number",
				  "the ID number on the card is not the account's");
	if (!same_name)
		return yc_err_set(err, YC_EINVAL, "name", "the name on the card is not the account's");
	if (!verified) {
		/* stepped, not queued: a second verified account for the number must fail here */
		st = db_prepare(d, "UPDATE users SET verified_ms = ?, verified_by = ? WHERE id = ?",
				err);
		if (!st)
			return err->code;
		db_bind_int(st, 1, yc_now_ms());
		db_bind_text(st, 2, actor->username);
		db_bind_int(st, 3, id);
		rc = db_step(st, err);
		db_done(st);
		if (rc == DB_DONE)
			rc = 0;
		if (rc == YC_EEXISTS)
			return yc_err_set(err, YC_EEXISTS, "id_number",
					  "another account is verified for this ID number");
		char object[64];
		snprintf(object, sizeof(object), "user/%s", username);
		if (!rc)
			rc = audit_append(d, actor, "user.verify", object, NULL, "{\"verified\":false}",
					  "{\"verified\":true}", err);
		if (rc)
			return rc;
	}
	return out ? user_load(d, id, NULL, out, err) : 0;
}

static yc_actor actor_of(const yc_user *u)
{
	yc_actor a = {u->username, account_role_name(u->role)};
	return a;
}

int session_insert(db *d, const yc_user *u, const char *token_hash, const char *csrf,
		   int64_t expires_ms, yc_err *err)
{
	int64_t now = yc_now_ms();
	/* Expired sessions of this account go when it logs in again. */
	int rc = db_run(d, err, "DELETE FROM sessions WHERE user_id = ? AND expires_ms < ?", "ii",
			u->id, now);
	if (!rc)
		rc = db_run(
			d, err,
			"INSERT INTO sessions (token_hash, user_id, csrf, created_ms, expires_ms)"
			" VALUES (?, ?, ?, ?, ?)",
			"sisii", token_hash, u->id, csrf, now, expires_ms);
	if (rc)
		return rc;
	yc_actor a = actor_of(u);
	char object[64];
	snprintf(object, sizeof(object), "user/%s", u->username);
	return audit_append(d, &a, "session.create", object, NULL, NULL, NULL, err);
}

int session_find(db *d, const char *token_hash, yc_user *u, char *csrf, int64_t *expires_ms,
		 yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT s.csrf, s.expires_ms, " USER_COLUMNS
				 " FROM sessions s JOIN users u ON u.id = s.user_id"
				 " WHERE s.token_hash = ? AND u.disabled = 0",
				 err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, token_hash);
	int rc = db_step(st, err);
	if (rc == DB_ROW && db_col_int(st, 1) > yc_now_ms()) {
		snprintf(csrf, YC_SHA256_HEX, "%s", db_col_text(st, 0));
		*expires_ms = db_col_int(st, 1);
		user_from_row(st, 2, u);
		contact_seen(d, st, 2);
		rc = 0;
	} else if (rc >= 0) {
		rc = yc_err_set(err, YC_EAUTH, NULL, "the session has ended; log in again");
	}
	db_done(st);
	return rc;
}

int session_remove(db *d, const yc_user *u, const char *token, yc_err *err)
{
	char hash[YC_SHA256_HEX];
	yc_sha256_hex(token, strlen(token), hash);
	int rc = db_run(d, err, "DELETE FROM sessions WHERE token_hash = ?", "s", hash);
	if (rc)
		return rc;
	yc_actor a = actor_of(u);
	char object[64];
	snprintf(object, sizeof(object), "user/%s", u->username);
	return audit_append(d, &a, "session.delete", object, NULL, NULL, NULL, err);
}

int session_expire(db *d, int64_t now_ms, int64_t *removed, yc_err *err)
{
	db_stmt *st = db_prepare(d, "DELETE FROM sessions WHERE expires_ms < ? RETURNING 1", err);
	if (!st)
		return err->code;
	db_bind_int(st, 1, now_ms);
	return db_count_rows(st, removed, err);
}

int account_staff_json(db *d, const char *role, const char *department, yc_buf *out, yc_err *err)
{
	if (!account_role_parse(role) || !strcmp(role, "applicant"))
		return yc_err_set(err, YC_EINVAL, "role",
				  "role must be clerk, approver, supervisor, admin or bank");
	/* a bank seat is stored as a clerk with an outlet (migration 013) */
	bool bank = !strcmp(role, "bank");
	db_stmt *st = db_prepare(
		d,
		department ? "SELECT username, name, department FROM users WHERE role = ?"
			     " AND (outlet IS NOT NULL) = (? = 1)"
			     " AND department = ? AND disabled = 0 ORDER BY username"
			   : "SELECT username, name, department FROM users WHERE role = ?"
			     " AND (outlet IS NOT NULL) = (? = 1)"
			     " AND disabled = 0 ORDER BY username",
		err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, bank ? "clerk" : role);
	db_bind_int(st, 2, bank);
	if (department)
		db_bind_text(st, 3, department);
	yc_buf_adds(out, "{\"users\":");
	int rc = db_rows_json(st, "sss", out, err);
	return rc ? rc : yc_buf_addc(out, '}');
}
