/*
 * visit.c — the terminal's one-time codes, visits and prints.
 *
 * A code is stored as the SHA-256 of its id and digits, never as itself; the SMS goes through
 * the notification queue to "user:<username>" (the phone is looked up only when sending). A
 * code asked for an ID number and phone that match no verified account is stored the same way
 * with no person: it can never be verified, and the terminal cannot tell the difference.
 */
#include "core/terminal/terminal.h"

#include <stdio.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/common/ids.h"
#include "core/common/notify.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static int64_t now_of(const struct term_ctx *c)
{
	return c->now_ms ? c->now_ms : yc_now_ms();
}

static yc_actor actor_of(const yc_user *u)
{
	return (yc_actor){u->username, account_role_name(u->role)};
}

static bool hex_id(const char *s)
{
	return strlen(s) == TERM_ID_LEN && strspn(s, "0123456789abcdef") == TERM_ID_LEN;
}

static void code_hash(const char *id, const char *code, char out[YC_SHA256_HEX])
{
	char text[TERM_ID_LEN + TERM_CODE_DIGITS + 2];
	snprintf(text, sizeof(text), "%s:%s", id, code);
	yc_sha256_hex(text, strlen(text), out);
}

int term_code_check(const cJSON *body, yc_err *err)
{
	static const yc_jfield spec[] = {{"id_number", YC_JT_STRING, true, 18},
					 {"phone", YC_JT_STRING, true, 11}};
	int rc = yc_json_check(body, spec, 2, err);
	if (rc)
		return rc;
	const char *id = yc_json_str(body, "id_number");
	if (!ids_resident_valid(id) && !ids_uscc_valid(id))
		return yc_err_set(err, YC_EINVAL, "id_number",
				  "id_number is a resident ID or a unified social credit code");
	if (!ids_phone_valid(yc_json_str(body, "phone")))
		return yc_err_set(err, YC_EINVAL, "phone", "phone is an 11-digit mobile number");
	return 0;
}

int term_code_send(db *d, const struct term_ctx *c, const yc_user *terminal, const cJSON *body,
		   yc_buf *out, yc_err *err)
{
	int rc = term_code_check(body, err);
	if (rc)
		return rc;
	int64_t now = now_of(c), person = 0, recent = 0;
	char username[YC_USERNAME_MAX] = "", who[YC_SHA256_HEX];
	const char *id_number = yc_json_str(body, "id_number");
	/* the ID number's own count, by its hash: no ID number is stored */
	yc_sha256_hex(id_number, strlen(id_number), who);
	if ((rc = db_get(d, err,
			 "SELECT COUNT(*) FROM terminal_codes WHERE who = ? AND created_ms > ?", "si",
			 "i", who, now - 600000, &recent)) < 0)
		return rc;
	if (recent >= TERM_CODES_PER_PERSON)
		return yc_err_set(err, YC_ERATE, "id_number",
				  "codes were sent to this person three times in ten minutes; wait");
	if ((rc = db_get(d, err,
			 "SELECT id, username FROM users WHERE id_number = ? AND phone = ?"
			 " AND verified_ms IS NOT NULL AND disabled = 0",
			 "ss", "it", id_number, yc_json_str(body, "phone"), &person, username,
			 sizeof(username))) < 0)
		return rc;
	char id[TERM_ID_LEN + 1], code[TERM_CODE_DIGITS + 1], hash[YC_SHA256_HEX];
	uint32_t r;
	if (yc_random_hex(id, TERM_ID_LEN / 2) || yc_random_bytes(&r, sizeof(r)))
		return yc_err_set(err, YC_EINTERNAL, NULL, "no randomness");
	snprintf(code, sizeof(code), "%06u", (unsigned)(r % 1000000));
	code_hash(id, code, hash);
	int64_t expires = now + (int64_t)c->code_minutes * 60000;
	rc = db_run(d, err,
		    "INSERT INTO terminal_codes (id, terminal, user_id, who, code_hash, created_ms,"
		    " expires_ms, tries, state) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 'sent')",
		    "ssissii", id, terminal->username, person, who, hash, now, expires);
	if (!rc && person) {
		char recipient[64], text[200];
		snprintf(recipient, sizeof(recipient), "user:%s", username);
		snprintf(text, sizeof(text),
			 "【一窗】您正在24小时自助终端办理业务，验证码 %s，%d 分钟内有效。如非本人操作，请忽略。",
			 code, c->code_minutes);
		rc = notify_queue(d, "sms", recipient, text, err);
	}
	yc_actor a = actor_of(terminal);
	if (!rc)
		rc = audit_append(d, &a, "terminal.code", id, NULL, NULL, NULL, err);
	if (rc)
		return rc;
	return yc_buf_addf(out, "{\"id\":\"%s\",\"expires_ms\":%lld}", id, (long long)expires)
		       ? YC_ENOMEM
		       : 0;
}

int term_code_verify(db *d, const struct term_ctx *c, const yc_user *terminal, const char *id,
		     const cJSON *body, yc_buf *out, int *status, yc_err *err)
{
	static const yc_jfield spec[] = {{"code", YC_JT_STRING, true, TERM_CODE_DIGITS}};
	int rc = yc_json_check(body, spec, 1, err);
	if (rc)
		return rc;
	int64_t now = now_of(c), person = 0, expires = 0, tries = 0;
	char hash[YC_SHA256_HEX] = "", state[12] = "";
	rc = hex_id(id) ? db_get(d, err,
				 "SELECT user_id, code_hash, expires_ms, tries, state FROM terminal_codes"
				 " WHERE id = ? AND terminal = ?",
				 "ss", "itiit", id, terminal->username, &person, hash, sizeof(hash),
				 &expires, &tries, state, sizeof(state))
			: DB_DONE;
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return yc_err_set(err, YC_ENOTFOUND, "id", "no code %s", id);
	if (strcmp(state, "sent") || now >= expires)
		return yc_err_set(err, YC_ECONFLICT, "code",
				  "this code is spent or has expired; ask for a new one");
	char given[YC_SHA256_HEX];
	code_hash(id, yc_json_str(body, "code"), given);
	if (!person || !yc_secure_equal(given, hash)) {
		bool spent = tries + 1 >= TERM_CODE_TRIES;
		rc = db_run(d, err,
			    "UPDATE terminal_codes SET tries = tries + 1, state = ? WHERE id = ?", "ss",
			    spent ? "failed" : "sent", id);
		/* the count kept: the write commits, the answer is the refusal */
		if (rc)
			return rc;
		*status = 422;
		return yc_buf_addf(out,
				   "{\"error\":{\"code\":\"invalid\",\"field\":\"code\",\"message\":"
				   "\"the code is wrong; %d tries left\"}}",
				   (int)(TERM_CODE_TRIES - tries - 1))
			       ? YC_ENOMEM
			       : 0;
	}
	yc_user u;
	if ((rc = account_get(d, person, &u, err)))
		return rc;
	char visit[TERM_ID_LEN + 1];
	if (yc_random_hex(visit, TERM_ID_LEN / 2))
		return yc_err_set(err, YC_EINTERNAL, NULL, "no randomness");
	int64_t until = now + (int64_t)c->visit_minutes * 60000;
	rc = db_run(d, err, "UPDATE terminal_codes SET state = 'verified' WHERE id = ?", "s", id);
	if (!rc)
		rc = db_run(d, err,
			    "INSERT INTO terminal_visits (id, terminal, user_id, started_ms, expires_ms)"
			    " VALUES (?, ?, ?, ?, ?)",
			    "ssiii", visit, terminal->username, person, now, until);
	yc_actor a = actor_of(terminal);
	char reason[64];
	snprintf(reason, sizeof(reason), "for user:%s", u.username);
	if (!rc)
		rc = audit_append(d, &a, "terminal.visit", visit, reason, NULL, NULL, err);
	if (rc)
		return rc;
	/* the name as a screen in a public place may show it: the family name and stars */
	char name[64];
	size_t first = u.name[0] ? 1 : 0;
	while (first && ((unsigned char)u.name[first] & 0xC0) == 0x80)
		first++;
	snprintf(name, sizeof(name), "%.*s**", (int)first, u.name);
	yc_buf_addf(out, "{\"visit\":\"%s\",\"name\":", visit);
	yc_json_add_str(out, name);
	return yc_buf_addf(out, ",\"kind\":\"%s\",\"expires_ms\":%lld}", u.kind, (long long)until)
		       ? YC_ENOMEM
		       : 0;
}

int term_visit_person(db *d, const struct term_ctx *c, const yc_user *terminal, const char *visit,
		      yc_user *person, yc_err *err)
{
	int64_t user = 0;
	int rc = hex_id(visit) ? db_get(d, err,
					"SELECT user_id FROM terminal_visits WHERE id = ? AND"
					" terminal = ? AND ended_ms IS NULL AND expires_ms > ?",
					"ssi", "i", visit, terminal->username, now_of(c), &user)
			       : DB_DONE;
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return yc_err_set(err, YC_ENOTFOUND, "visit",
				  "no visit %s at this terminal (it ended or expired)", visit);
	return account_get(d, user, person, err);
}

int term_visit_end(db *d, const struct term_ctx *c, const yc_user *terminal, const char *visit,
		   yc_buf *out, yc_err *err)
{
	yc_user person;
	int rc = term_visit_person(d, c, terminal, visit, &person, err);
	if (!rc)
		rc = db_run(d, err, "UPDATE terminal_visits SET ended_ms = ? WHERE id = ?", "is",
			    now_of(c), visit);
	if (rc)
		return rc;
	return yc_buf_addf(out, "{\"visit\":\"%s\",\"ended\":true}", visit) ? YC_ENOMEM : 0;
}

static const char *const print_kinds[] = {"certificate", "notice", NULL};
static const char *const notice_kinds[] = {"acceptance", "refusal", "correction", "deficiency",
					   NULL};

int term_print_check(const cJSON *body, yc_err *err)
{
	static const yc_jfield spec[] = {{"kind", YC_JT_STRING, true, 0, print_kinds},
					 {"ref", YC_JT_STRING, true, TERM_REF_MAX},
					 {"notice", YC_JT_STRING, false, 0, notice_kinds}};
	int rc = yc_json_check(body, spec, 3, err);
	if (!rc && !strcmp(yc_json_str(body, "kind"), "notice") && !yc_json_str(body, "notice"))
		rc = yc_err_set(err, YC_EINVAL, "notice",
				"name the notice: acceptance, refusal, correction or deficiency");
	return rc;
}

int term_print(db *d, const struct term_ctx *c, const yc_user *terminal, const char *visit,
	       const cJSON *body, yc_buf *out, yc_err *err)
{
	yc_user person;
	int rc = term_print_check(body, err);
	if (!rc)
		rc = term_visit_person(d, c, terminal, visit, &person, err);
	if (rc)
		return rc;
	const char *kind = yc_json_str(body, "kind"), *ref = yc_json_str(body, "ref");
	const char *notice = yc_json_str(body, "notice") ? yc_json_str(body, "notice") : "";
	char token[TERM_ID_LEN + 1];
	if (yc_random_hex(token, TERM_ID_LEN / 2))
		return yc_err_set(err, YC_EINTERNAL, NULL, "no randomness");
	int64_t now = now_of(c);
	rc = db_run(d, err,
		    "INSERT INTO terminal_prints (id, visit, terminal, kind, ref, notice, created_ms)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?)",
		    "ssssssi", token, visit, terminal->username, kind, ref, notice, now);
	char object[TERM_REF_MAX + 48], reason[64];
	snprintf(object, sizeof(object), "%s:%s%s%s", kind, ref, *notice ? "/" : "", notice);
	snprintf(reason, sizeof(reason), "for user:%s", person.username);
	yc_actor a = actor_of(terminal);
	if (!rc)
		rc = audit_append(d, &a, "terminal.print", object, reason, NULL, NULL, err);
	if (rc)
		return rc;
	return yc_buf_addf(out, "{\"print\":\"%s\",\"expires_ms\":%lld}", token,
			   (long long)(now + TERM_PRINT_MS))
		       ? YC_ENOMEM
		       : 0;
}

int term_print_get(db *d, const struct term_ctx *c, const yc_user *terminal, const char *token,
		   struct term_print *out, yc_err *err)
{
	char visit[TERM_ID_LEN + 1] = "";
	int64_t made = 0;
	int rc = hex_id(token) ? db_get(d, err,
					"SELECT visit, kind, ref, notice, created_ms FROM"
					" terminal_prints WHERE id = ? AND terminal = ?",
					"ss", "ttttI", token, terminal->username, visit,
					sizeof(visit), out->kind, sizeof(out->kind), out->ref,
					sizeof(out->ref), out->notice, sizeof(out->notice), &made)
			       : DB_DONE;
	if (rc < 0)
		return rc;
	if (rc == DB_DONE || now_of(c) - made > TERM_PRINT_MS)
		return yc_err_set(err, YC_ENOTFOUND, "print", "no print %s (or it expired)", token);
	return term_visit_person(d, c, terminal, visit, &out->person, err);
}
