/*
 * rate.c — a review given (see review.h): the subject it rates, the proof
 * that the rater holds that service, once only, inside the window; then the
 * figures, and for a bad review its rectification order and callback, for
 * the others a drawn callback — all in the review's transaction.
 */
#include "core/review/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/case/case.h"
#include "core/common/audit.h"
#include "core/common/ids.h"
#include "core/common/notify.h"
#include "core/common/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/qr.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static const char *const subject_kinds[] = {"case", "run", "ticket", NULL};

/* The body's field that names a subject of kind k (a static string, for an error). */
static const char *kind_field(const char *k)
{
	for (int i = 0; subject_kinds[i]; i++)
		if (!strcmp(subject_kinds[i], k))
			return subject_kinds[i];
	return "channel";
}

int review_check(const cJSON *body, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"channel", YC_JT_STRING, true, 16},
		{"level", YC_JT_INT, true, 0, .min = 1, .max = 5},
		{"case", YC_JT_STRING, false, 32},
		{"run", YC_JT_STRING, false, 32},
		{"ticket", YC_JT_STRING, false, 32},
		{"token", YC_JT_STRING, false, 64},
		{"key", YC_JT_STRING, false, 128},
		{"scores", YC_JT_OBJECT, false, 0},
		{"reasons", YC_JT_ARRAY, false, 8},
		{"text", YC_JT_STRING, false, 1500},
		{"department", YC_JT_STRING, false, 32},
		{"office", YC_JT_STRING, false, 32},
		{"window", YC_JT_INT, false, 0, .min = 1, .max = 999},
		{"item", YC_JT_STRING, false, 48},
		{"contact", YC_JT_STRING, false, 11},
	};
	int rc = yc_json_check(body, spec, sizeof(spec) / sizeof(spec[0]), err);
	if (rc)
		return rc;
	/* the channels are the table's (rules.c) */
	const struct review_channel *ch = review_channel_find(yc_json_str(body, "channel"));
	if (!ch)
		return yc_err_set(err, YC_EINVAL, "channel",
				  "channel must be web, qr, sms, eticket, device, counter, box or"
				  " hotline");
	int n = 0;
	for (int i = 0; subject_kinds[i]; i++)
		n += yc_json_str(body, subject_kinds[i]) != NULL;
	if (ch->kind == RCH_SERVICE && n != 1)
		return yc_err_set(err, YC_EINVAL, "case",
				  "a review names the one service it rates: case, run or ticket");
	if (ch->kind == RCH_OPEN && n)
		return yc_err_set(
			err, YC_EINVAL, "channel",
			"%s reviews have no service behind them: rate a service on the web",
			ch->name);
	if (ch->kind == RCH_OPEN && !yc_json_str(body, "department"))
		return yc_err_set(err, YC_EINVAL, "department",
				  "a review from the %s names the department it concerns",
				  ch->name);
	const char *contact = yc_json_str(body, "contact");
	if (contact && *contact && !ids_phone_valid(contact))
		return yc_err_set(err, YC_EINVAL, "contact", "contact must be a mobile number");
	/* the indicators: each 1..5, of the subject's own set (checked again at the write) */
	const cJSON *scores = cJSON_GetObjectItemCaseSensitive(body, "scores");
	const cJSON *s;
	cJSON_ArrayForEach (s, scores) {
		bool known = false;
		for (int i = 0; review_indicators[i].code; i++)
			known |= !strcmp(review_indicators[i].code, s->string);
		if (!known)
			return yc_err_set(err, YC_EINVAL, "scores", "scores: no indicator %.40s",
					  s->string);
		if (!cJSON_IsNumber(s) || s->valuedouble != (double)(int)s->valuedouble ||
		    s->valueint < 1 || s->valueint > 5)
			return yc_err_set(err, YC_EINVAL, "scores", "scores.%s must be 1 to 5",
					  s->string);
	}
	int level = (int)yc_json_int(body, "level", 0);
	const cJSON *reasons = cJSON_GetObjectItemCaseSensitive(body, "reasons");
	int nr = reasons ? cJSON_GetArraySize(reasons) : 0;
	if (review_level_bad(level) && nr == 0)
		return yc_err_set(err, YC_EINVAL, "reasons",
				  "a bad review says why: give one or more reasons");
	if (!review_level_bad(level) && nr)
		return yc_err_set(err, YC_EINVAL, "reasons", "only a bad review gives reasons");
	const cJSON *r;
	cJSON_ArrayForEach (r, reasons) {
		bool known = false;
		for (int i = 0; cJSON_IsString(r) && review_reasons[i].code; i++)
			known |= !strcmp(review_reasons[i].code, r->valuestring);
		if (!known)
			return yc_err_set(err, YC_EINVAL, "reasons",
					  "reasons: each is one of the reason categories");
	}
	const char *text = yc_json_str(body, "text");
	size_t bad;
	unsigned cp;
	if (text && !yc_text_clean(text, &bad, &cp))
		return yc_err_set(err, YC_EINVAL, "text", "text holds a control character");
	return 0;
}

/* ---- the subject ----------------------------------------------------------- */

/* A case's or run's applicant (its JSON): their kind and the number a callback dials. */
static void online_applicant(struct review_subject *s, const char *applicant, const char *kind)
{
	cJSON *a = cJSON_Parse(applicant);
	const char *k = yc_json_str(a, "kind"), *phone = yc_json_str(a, "phone");
	snprintf(s->applicant_kind, sizeof(s->applicant_kind), "%s", k ? k : kind);
	snprintf(s->phone, sizeof(s->phone), "%s", phone ? phone : "");
	cJSON_Delete(a);
	s->online = true;
}

static int load_case(db *d, const char *no, struct review_subject *s, yc_err *err)
{
	char state[24] = "", applicant[2048] = "", run[32] = "";
	int64_t decided = 0, closed = 0, updated = 0;
	int rc = db_get(d, err,
			"SELECT item, item_name, department, accept_office, state, decided_ms,"
			" closed_ms, updated_ms, applicant_user, applicant, process_run"
			" FROM cases WHERE no = ?",
			"s", "tttttIIIitt", no, s->item, sizeof(s->item), s->item_name,
			sizeof(s->item_name), s->department, sizeof(s->department), s->office,
			sizeof(s->office), state, sizeof(state), &decided, &closed, &updated,
			&s->applicant_user, applicant, sizeof(applicant), run, sizeof(run));
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return yc_err_set(err, YC_ENOTFOUND, "case", "no case %s", no);
	if (run[0])
		return yc_err_set(err, YC_EINVAL, "case",
				  "case %s is a part of process run %s: rate the run", no, run);
	int st = case_state_parse(state);
	s->ended = st >= 0 && !case_state_open(st);
	s->end_ms = closed ? closed : decided ? decided : updated;
	/* 谁办理、谁负责: the clerk who accepted it */
	rc = db_get(d, err,
		    "SELECT actor FROM case_events WHERE case_no = ? AND action IN"
		    " ('accept', 'accept_deficient') ORDER BY seq LIMIT 1",
		    "s", "t", no, s->staff, sizeof(s->staff));
	if (rc < 0)
		return rc;
	online_applicant(s, applicant, "person");
	return 0;
}

static int load_run(db *d, const char *no, struct review_subject *s, yc_err *err)
{
	char state[24] = "", applicant[2048] = "";
	int64_t decided = 0;
	int rc = db_get(d, err,
			"SELECT process, process_name, accept_office, state, decided_ms,"
			" applicant_user, applicant FROM process_runs WHERE no = ?",
			"s",
			"tttt"
			"Iit",
			no, s->item, sizeof(s->item), s->item_name, sizeof(s->item_name), s->office,
			sizeof(s->office), state, sizeof(state), &decided, &s->applicant_user,
			applicant, sizeof(applicant));
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return yc_err_set(err, YC_ENOTFOUND, "run", "no process run %s", no);
	s->ended = strcmp(state, "running") != 0;
	s->end_ms = decided;
	if (!s->end_ms && s->ended &&
	    (rc = db_get(d, err, "SELECT MAX(updated_ms) FROM cases WHERE process_run = ?", "s",
			 "I", no, &s->end_ms)) < 0)
		return rc;
	/* the window that accepted the run serves it: its clerk and department */
	rc = db_get(d, err,
		    "SELECT e.actor FROM case_events e JOIN cases c ON c.no = e.case_no"
		    " WHERE c.process_run = ? AND e.action IN ('accept', 'accept_deficient')"
		    " ORDER BY e.at_ms, e.seq LIMIT 1",
		    "s", "t", no, s->staff, sizeof(s->staff));
	if (rc < 0)
		return rc;
	/* filed at a bank outlet (no department of its own): the first part's department answers */
	if (!s->staff[0] || !strncmp(s->staff, "bank-", 5)) {
		if ((rc = db_get(d, err,
				 "SELECT department FROM cases WHERE process_run = ?"
				 " ORDER BY process_part LIMIT 1",
				 "s", "t", no, s->department, sizeof(s->department))) < 0)
			return rc;
	}
	online_applicant(s, applicant, "business");
	return 0;
}

static int load_ticket(db *d, const char *id, struct review_subject *s, yc_err *err)
{
	char state[16] = "", category[4] = "";
	int rc = db_get(d, err,
			"SELECT t.state, t.finished_ms, t.window_no, t.staff, t.holder,"
			" t.secret_hash, t.category, c.name FROM tickets t JOIN hall_categories c"
			" ON c.code = t.category WHERE t.id = ?",
			"s", "tInttttt", id, state, sizeof(state), &s->end_ms, &s->window_no,
			s->staff, sizeof(s->staff), s->holder, sizeof(s->holder), s->secret_hash,
			sizeof(s->secret_hash), category, sizeof(category), s->item_name,
			sizeof(s->item_name));
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return yc_err_set(err, YC_ENOTFOUND, "ticket", "no ticket %s", id);
	s->ended = !strcmp(state, "done");
	snprintf(s->item, sizeof(s->item), "hall-%s", category);
	int64_t user = 0;
	if (!strncmp(s->holder, "user:", 5)) {
		user = strtoll(s->holder + 5, NULL, 10);
		s->applicant_user = user;
		if ((rc = db_get(d, err,
				 "SELECT COALESCE(kind, 'person'), phone FROM users WHERE id = ?",
				 "i", "tt", user, s->applicant_kind, sizeof(s->applicant_kind),
				 s->phone, sizeof(s->phone))) < 0)
			return rc;
	} else {
		snprintf(s->applicant_kind, sizeof(s->applicant_kind), "person");
	}
	s->online = false;
	return 0;
}

/* The staff member's department and the department's name. */
static int load_department(db *d, struct review_subject *s, yc_err *err)
{
	int rc;
	if (!s->department[0] && s->staff[0] &&
	    (rc = db_get(d, err, "SELECT COALESCE(department, '') FROM users WHERE username = ?",
			 "s", "t", s->staff, s->department, sizeof(s->department))) < 0)
		return rc;
	if (s->department[0] &&
	    (rc = db_get(d, err, "SELECT name FROM departments WHERE code = ?", "s", "t",
			 s->department, s->department_name, sizeof(s->department_name))) < 0)
		return rc;
	return 0;
}

int review_subject_load(db *d, const char *kind, const char *no, struct review_subject *s,
			yc_err *err)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->kind, sizeof(s->kind), "%s", kind);
	snprintf(s->no, sizeof(s->no), "%s", no);
	int rc = !strcmp(kind, "case")	? load_case(d, no, s, err)
		 : !strcmp(kind, "run") ? load_run(d, no, s, err)
					: load_ticket(d, no, s, err);
	return rc ? rc : load_department(d, s, err);
}

/* Whether the caller proves they hold the service, by the channel's proof. */
static int prove(db *d, const struct review_channel *ch, const yc_user *u, const cJSON *body,
		 const struct review_subject *s, yc_err *err)
{
	char want[33], subject[64];
	const char *token = yc_json_str(body, "token");
	int rc;
	if (!strcmp(ch->proof, "account")) {
		if (!u)
			return yc_err_set(err, YC_EAUTH, NULL, "log in to rate on the web");
		if (u->role == ROLE_APPLICANT && s->applicant_user == u->id)
			return 0;
	} else if (!strcmp(ch->proof, "token")) {
		snprintf(subject, sizeof(subject), "%s:%s", s->kind, s->no);
		if ((rc = review_token(d, subject, want, err)))
			return rc;
		if (token && yc_secure_equal(token, want))
			return 0;
	} else if (!strcmp(ch->proof, "key")) {
		const char *key = yc_json_str(body, "key");
		char hash[YC_SHA256_HEX];
		if (key && !strcmp(s->kind, "ticket")) {
			yc_sha256_hex(key, strlen(key), hash);
			if (yc_secure_equal(hash, s->secret_hash))
				return 0;
		}
	} else if (!strcmp(ch->proof, "device") && !strcmp(s->kind, "ticket") && s->window_no) {
		snprintf(subject, sizeof(subject), "window:%d", s->window_no);
		if ((rc = review_token(d, subject, want, err)))
			return rc;
		if (token && yc_secure_equal(token, want))
			return 0;
	}
	/* the same answer as for a service that is not there: a token guessed tells nothing */
	return yc_err_set(err, YC_ENOTFOUND, s->kind, "no %s %s to rate with this %s", s->kind,
			  s->no, ch->proof);
}

/* The scores allowed: online indicators for cases and runs, the hall's for tickets. */
static int check_scores(const cJSON *scores, bool online, yc_err *err)
{
	const cJSON *s;
	cJSON_ArrayForEach (s, scores) {
		for (int i = 0; review_indicators[i].code; i++)
			if (!strcmp(review_indicators[i].code, s->string) &&
			    !(online ? review_indicators[i].online : review_indicators[i].hall))
				return yc_err_set(err, YC_EINVAL, "scores",
						  "scores.%s is an indicator of %s services",
						  s->string, online ? "hall" : "online");
	}
	return 0;
}

/* An open channel's review: the department (and window, item) it concerns, entered by staff. */
static int open_subject(db *d, const yc_user *u, const cJSON *body, struct review_subject *s,
			yc_err *err)
{
	if (!u || !(u->role & (ROLE_CLERK | ROLE_APPROVER | ROLE_SUPERVISOR)))
		return yc_err_set(err, u ? YC_EFORBIDDEN : YC_EAUTH, "channel",
				  "reviews from the complaint counter, the suggestion box and the"
				  " hotline are entered by staff");
	memset(s, 0, sizeof(*s));
	snprintf(s->kind, sizeof(s->kind), "open");
	snprintf(s->department, sizeof(s->department), "%s", yc_json_str(body, "department"));
	snprintf(s->office, sizeof(s->office), "%s",
		 yc_json_str(body, "office") ? yc_json_str(body, "office") : "");
	s->window_no = (int)yc_json_int(body, "window", 0);
	const char *contact = yc_json_str(body, "contact");
	snprintf(s->phone, sizeof(s->phone), "%s", contact ? contact : "");
	snprintf(s->applicant_kind, sizeof(s->applicant_kind), "person");
	s->ended = true;
	int rc = db_get(d, err, "SELECT name FROM departments WHERE code = ?", "s", "t",
			s->department, s->department_name, sizeof(s->department_name));
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return yc_err_set(err, YC_EINVAL, "department", "no department %s", s->department);
	const char *item = yc_json_str(body, "item");
	if (item) {
		snprintf(s->item, sizeof(s->item), "%s", item);
		if ((rc = db_get(d, err, "SELECT name FROM items WHERE code = ?", "s", "t", item,
				 s->item_name, sizeof(s->item_name))) < 0)
			return rc;
		if (rc != DB_ROW)
			return yc_err_set(err, YC_EINVAL, "item", "no item %s", item);
	}
	if (s->window_no && (rc = db_get(d, err, "SELECT no FROM hall_windows WHERE no = ?", "i",
					 "-", (int64_t)s->window_no)) != DB_ROW)
		return rc < 0 ? rc
			      : yc_err_set(err, YC_EINVAL, "window", "no window %d", s->window_no);
	return 0;
}

void review_month_of(const struct review_ctx *c, int64_t ms, char out[8])
{
	int32_t day = (int32_t)((ms + (int64_t)c->tz_offset_min * 60000) / 86400000);
	int y;
	unsigned m, dd;
	yc_civil_from_days(day, &y, &m, &dd);
	snprintf(out, 8, "%04d-%02u", y, m);
}

void review_new_id(const struct review_ctx *c, const char *prefix, int64_t ms, char *out,
		   size_t size)
{
	int32_t day = (int32_t)((ms + (int64_t)c->tz_offset_min * 60000) / 86400000);
	int y;
	unsigned m, dd;
	yc_civil_from_days(day, &y, &m, &dd);
	char hex[11];
	yc_random_hex(hex, 5);
	snprintf(out, size, "%s%04d%02u%02u%s", prefix, y, m, dd, hex);
}

int64_t review_now(const struct review_ctx *c)
{
	return c->now_ms ? c->now_ms : yc_now_ms();
}

static int insert_review(db *d, const yc_user *u, const struct review_channel *ch,
			 const cJSON *body, const struct review_subject *s, int64_t now,
			 const char *id, const char *month, yc_err *err)
{
	char *scores = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(body, "scores"));
	char *reasons = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(body, "reasons"));
	const char *text = yc_json_str(body, "text");
	db_stmt *st = db_prepare(
		d,
		"INSERT INTO reviews (id, subject_kind, subject, channel, level, scores, reasons,"
		" text, item, item_name, department, office, window_no, staff, applicant_kind,"
		" rater_user, contact, created_ms, month)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		err);
	int rc;
	if (!st) {
		rc = db_failed(err);
		goto out;
	}
	db_bind_text(st, 1, id);
	db_bind_text(st, 2, s->kind);
	if (strcmp(s->kind, "open"))
		db_bind_text(st, 3, s->no);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, ch->code);
	db_bind_int(st, 5, yc_json_int(body, "level", 0));
	db_bind_text(st, 6, scores ? scores : "{}");
	db_bind_text(st, 7, reasons ? reasons : "[]");
	db_bind_text(st, 8, text ? text : "");
	if (s->item[0]) {
		db_bind_text(st, 9, s->item);
		db_bind_text(st, 10, s->item_name);
	} else {
		db_bind_null(st, 9);
		db_bind_null(st, 10);
	}
	s->department[0] ? db_bind_text(st, 11, s->department) : db_bind_null(st, 11);
	s->office[0] ? db_bind_text(st, 12, s->office) : db_bind_null(st, 12);
	s->window_no ? db_bind_int(st, 13, s->window_no) : db_bind_null(st, 13);
	s->staff[0] ? db_bind_text(st, 14, s->staff) : db_bind_null(st, 14);
	db_bind_text(st, 15, s->applicant_kind);
	u && u->role == ROLE_APPLICANT ? db_bind_int(st, 16, u->id) : db_bind_null(st, 16);
	/* the contact is kept only where a callback may be owed and there is no account */
	!strcmp(s->kind, "open") && s->phone[0] ? db_bind_text(st, 17, s->phone)
						: db_bind_null(st, 17);
	db_bind_int(st, 18, now);
	db_bind_text(st, 19, month);
	rc = db_send(st, err);
	db_done(st);
	if (rc == YC_EEXISTS)
		rc = yc_err_set(err, YC_EEXISTS, kind_field(s->kind),
				"%s %s has been rated already", s->kind, s->no);
out:
	cJSON_free(scores);
	cJSON_free(reasons);
	return rc;
}

int review_submit(db *d, const struct review_ctx *c, const yc_user *u, const cJSON *body,
		  yc_buf *out, yc_err *err)
{
	const struct review_channel *ch = review_channel_find(yc_json_str(body, "channel"));
	struct review_subject s;
	int rc;
	int64_t now = review_now(c);
	if (ch->kind == RCH_OPEN) {
		rc = open_subject(d, u, body, &s, err);
	} else {
		const char *kind = NULL, *no = NULL;
		for (int i = 0; subject_kinds[i] && !kind; i++)
			if ((no = yc_json_str(body, subject_kinds[i])))
				kind = subject_kinds[i];
		rc = review_subject_load(d, kind, no, &s, err);
		if (!rc)
			rc = prove(d, ch, u, body, &s, err);
		if (!rc && !s.ended)
			rc = yc_err_conflict(err, kind, "open",
					     "%s %s has not ended yet: rate it once it has", kind,
					     no);
		if (!rc && !review_in_window(c, s.end_ms, now))
			rc = yc_err_conflict(err, kind, "closed",
					     "%s %s ended more than %d days ago: the review window"
					     " has closed",
					     kind, no, c->window_days);
		if (!rc)
			rc = check_scores(cJSON_GetObjectItemCaseSensitive(body, "scores"),
					  s.online, err);
	}
	if (rc)
		return rc;
	int level = (int)yc_json_int(body, "level", 0);
	char id[24], month[8];
	review_month_of(c, now, month);
	review_new_id(c, "PJ", now, id, sizeof(id));
	if ((rc = insert_review(d, u, ch, body, &s, now, id, month, err)))
		return rc;
	struct review_dims k = {month,	     s.department, s.department_name, s.item,
				s.item_name, s.staff,	   s.window_no};
	if ((rc = review_figures_add(d, &k, level, +1, err)))
		return rc;
	/* a bad review: an order for who served, and always a callback where the rater can be
	 * reached */
	bool named = s.phone[0] || s.applicant_user;
	char order[24] = "";
	if (review_level_bad(level)) {
		if (!s.department[0])
			return yc_err_set(err, YC_ECONFLICT, "department",
					  "nobody is on record as having served %s %s", s.kind,
					  s.no);
		rc = review_order_open(d, c, id, NULL, NULL, s.department, s.staff, order, err);
		if (!rc && named)
			rc = review_callback_open(d, c, id, "bad", s.department, err);
	} else if (named) {
		if (review_sampled(review_draw(c), c->callback_percent))
			rc = review_callback_open(d, c, id, "sample", s.department, err);
	}
	if (rc)
		return rc;
	yc_actor actor = {u ? u->username : ch->code, u ? account_role_name(u->role) : "public"};
	char object[40], after[160];
	snprintf(object, sizeof(object), "review/%s", id);
	snprintf(after, sizeof(after), "{\"level\":%d,\"channel\":\"%s\",\"subject\":\"%s\"}",
		 level, ch->code, s.kind);
	if ((rc = audit_append(d, &actor, "review.create", object, NULL, NULL, after, err)))
		return rc;
	char payload[256];
	snprintf(payload, sizeof(payload),
		 "{\"id\":\"%s\",\"level\":%d,\"channel\":\"%s\",\"department\":\"%s\","
		 "\"window\":%d,\"order\":\"%s\"}",
		 id, level, ch->code, s.department, s.window_no, order);
	if ((rc = outbox_append(d, "review", "create", object, payload, err)))
		return rc;
	yc_buf_addf(out, "{\"id\":\"%s\",\"level\":%d,\"level_name\":", id, level);
	yc_json_add_str(out, review_level_name(level));
	yc_buf_adds(out, ",\"channel\":");
	yc_json_add_str(out, ch->code);
	yc_buf_adds(out, ",\"order\":");
	yc_json_add_str(out, order[0] ? order : NULL);
	yc_buf_adds(out, "}");
	return 0;
}

/* ---- what the rating page needs ------------------------------------------- */

/* [{code, name}] of a set: those online (or in the hall) of it. */
static void add_codes(yc_buf *out, const struct review_indicator *set, bool online)
{
	yc_buf_adds(out, "[");
	bool first = true;
	for (int i = 0; set[i].code; i++) {
		if (!(online ? set[i].online : set[i].hall))
			continue;
		yc_buf_adds(out, first ? "{\"code\":" : ",{\"code\":");
		first = false;
		yc_json_add_str(out, set[i].code);
		yc_buf_adds(out, ",\"name\":");
		yc_json_add_str(out, set[i].name);
		yc_buf_adds(out, "}");
	}
	yc_buf_adds(out, "]");
}

int review_subject_json(db *d, const struct review_ctx *c, const yc_user *u, const cJSON *q,
			yc_buf *out, yc_err *err)
{
	const char *kind = NULL, *no = NULL;
	for (int i = 0; subject_kinds[i] && !kind; i++)
		if ((no = yc_json_str(q, subject_kinds[i])))
			kind = subject_kinds[i];
	if (!kind)
		return yc_err_set(err, YC_EINVAL, "case", "name a case, run or ticket");
	const struct review_channel *ch = review_channel_find(yc_json_str(q, "channel"));
	if (!ch || ch->kind != RCH_SERVICE)
		return yc_err_set(err, YC_EINVAL, "channel", "channel must be a service channel");
	struct review_subject s;
	int rc = review_subject_load(d, kind, no, &s, err);
	if (!rc)
		rc = prove(d, ch, u, q, &s, err);
	if (rc)
		return rc;
	int64_t now = review_now(c);
	int level = 0;
	rc = db_get(d, err, "SELECT level FROM reviews WHERE subject_kind = ? AND subject = ?",
		    "ss", "n", kind, no, &level);
	if (rc < 0)
		return rc;
	const char *why = level					? "rated"
			  : !s.ended				? "open"
			  : !review_in_window(c, s.end_ms, now) ? "window_closed"
								: NULL;
	yc_buf_adds(out, "{\"kind\":");
	yc_json_add_str(out, kind);
	yc_buf_adds(out, ",\"no\":");
	yc_json_add_str(out, no);
	yc_buf_adds(out, ",\"name\":");
	yc_json_add_str(out, s.item_name);
	yc_buf_adds(out, ",\"department\":");
	yc_json_add_str(out, s.department_name[0] ? s.department_name : NULL);
	if (s.window_no)
		yc_buf_addf(out, ",\"window\":%d", s.window_no);
	yc_buf_addf(out, ",\"rateable\":%s,\"reason\":", why ? "false" : "true");
	yc_json_add_str(out, why);
	if (level)
		yc_buf_addf(out, ",\"level\":%d", level);
	yc_buf_adds(out, ",\"indicators\":");
	add_codes(out, review_indicators, s.online);
	yc_buf_adds(out, ",\"reasons\":");
	add_codes(out, review_reasons, s.online);
	yc_buf_adds(out, "}");
	return 0;
}

int review_link_json(db *d, const yc_user *u, const char *kind, const char *no, const char *base,
		     yc_buf *out, yc_err *err)
{
	struct review_subject s;
	int rc = review_subject_load(d, kind, no, &s, err);
	if (rc)
		return rc;
	/* the applicant, or staff of the office that accepted it (to print the notice) */
	bool may = (u->role == ROLE_APPLICANT && s.applicant_user == u->id) ||
		   (u->role & (ROLE_SUPERVISOR | ROLE_ADMIN)) ||
		   ((u->role & ROLE_CLERK) && !strcmp(u->office, s.office));
	if (!may)
		return yc_err_set(err, YC_ENOTFOUND, kind, "no %s %s", kind, no);
	char subject[64], token[33];
	snprintf(subject, sizeof(subject), "%s:%s", kind, no);
	if ((rc = review_token(d, subject, token, err)))
		return rc;
	yc_buf_addf(out, "{\"kind\":\"%s\",\"no\":", kind);
	yc_json_add_str(out, no);
	yc_buf_addf(out, ",\"token\":\"%s\",\"url\":", token);
	yc_buf url;
	yc_buf_init(&url, 0);
	yc_buf_addf(&url, "%s/review.html#%s=%s&t=%s", base, kind, no, token);
	yc_json_add_str(out, url.data);
	/* the QR code to print or show: the same address */
	yc_buf svg;
	yc_buf_init(&svg, 0);
	rc = yc_qr_svg(&svg, url.data, "评价二维码", err);
	if (!rc) {
		yc_buf_adds(out, ",\"qr_svg\":");
		yc_json_add_str(out, svg.data);
		yc_buf_adds(out, "}");
	}
	yc_buf_release(&svg);
	yc_buf_release(&url);
	return rc;
}

int review_invite(db *d, void *arg, const char *kind, const char *no, yc_err *err)
{
	const struct review_ctx *c = arg;
	if (!c->sms_base[0])
		return 0;
	char subject[48], token[33], to[48], text[512];
	snprintf(subject, sizeof(subject), "%s:%s", kind, no);
	int rc = review_token(d, subject, token, err);
	if (rc)
		return rc;
	/* the recipient as the case's and run's other messages name it: resolved when sent */
	snprintf(to, sizeof(to), "%s:%s", !strcmp(kind, "run") ? "process" : "case", no);
	snprintf(text, sizeof(text),
		 "【一窗】您的%s%s已办结。欢迎对本次服务作出评价（自愿，不影响办理结果）：%s/"
		 "review.html"
		 "#%s=%s&t=%s&ch=sms",
		 !strcmp(kind, "run") ? "一件事" : "办件", no, c->sms_base, kind, no, token);
	return notify_queue(d, "sms", to, text, err);
}

int review_device_key_json(db *d, const yc_user *u, int window, yc_buf *out, yc_err *err)
{
	char staff[YC_USERNAME_MAX] = "";
	int rc = db_get(d, err, "SELECT COALESCE(staff, '') FROM hall_windows WHERE no = ?", "i",
			"t", (int64_t)window, staff, sizeof(staff));
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return yc_err_set(err, YC_ENOTFOUND, "no", "no window %d", window);
	if (strcmp(staff, u->username))
		return yc_err_set(err, YC_EFORBIDDEN, "no",
				  "sign in at window %d to set up its rating device", window);
	char subject[32], token[33];
	snprintf(subject, sizeof(subject), "window:%d", window);
	if ((rc = review_token(d, subject, token, err)))
		return rc;
	yc_buf_addf(out, "{\"window\":%d,\"token\":\"%s\",\"url\":\"/hall/rate.html#w=%d&t=%s\"}",
		    window, token, window, token);
	return 0;
}

/* ---- the staff's list ------------------------------------------------------- */

int review_list_json(db *d, const struct review_ctx *c, const yc_user *u,
		     const struct review_query *q, yc_buf *out, yc_err *err)
{
	bool all = (u->role & (ROLE_SUPERVISOR | ROLE_ADMIN)) != 0;
	const char *dept = all ? (q->department ? q->department : "") : u->department;
	if (!all && !u->department[0])
		return yc_err_set(err, YC_EFORBIDDEN, NULL,
				  "only a department's staff see its reviews");
	db_stmt *st = db_prepare(
		d,
		"SELECT r.id, r.subject_kind, r.subject, r.channel, r.level, r.reasons, r.text,"
		" r.item, r.item_name, r.department, r.window_no, r.staff, r.created_ms,"
		" r.excluded, o.id, o.state"
		" FROM reviews r LEFT JOIN review_orders o ON o.review = r.id"
		" WHERE (? = '' OR r.department = ?) AND (? = 0 OR r.level <= 2)"
		" ORDER BY r.created_ms DESC, r.id DESC LIMIT ?",
		err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, dept);
	db_bind_text(st, 2, dept);
	db_bind_int(st, 3, q->bad_only);
	db_bind_int(st, 4, q->limit);
	yc_buf_adds(out, "{\"reviews\":[");
	int rc, n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		int level = (int)db_col_int(st, 4);
		yc_buf_adds(out, n++ ? ",{\"id\":" : "{\"id\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"subject_kind\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_adds(out, ",\"subject\":");
		yc_json_add_str(out, db_col_text(st, 2));
		yc_buf_adds(out, ",\"channel\":");
		yc_json_add_str(out, db_col_text(st, 3));
		yc_buf_addf(out, ",\"level\":%d,\"level_name\":", level);
		yc_json_add_str(out, review_level_name(level));
		yc_buf_addf(out, ",\"bad\":%s,\"reasons\":%s,\"text\":",
			    review_level_bad(level) ? "true" : "false", db_col_text(st, 5));
		yc_json_add_str(out, db_col_text(st, 6));
		yc_buf_adds(out, ",\"item\":");
		yc_json_add_str(out, db_col_text(st, 7));
		yc_buf_adds(out, ",\"item_name\":");
		yc_json_add_str(out, db_col_text(st, 8));
		yc_buf_adds(out, ",\"department\":");
		yc_json_add_str(out, db_col_text(st, 9));
		if (!db_col_null(st, 10))
			yc_buf_addf(out, ",\"window\":%lld", (long long)db_col_int(st, 10));
		yc_buf_adds(out, ",\"staff\":");
		yc_json_add_str(out, db_col_text(st, 11));
		yc_json_add_time(out, "created_at", db_col_int(st, 12), c->tz_offset_min);
		yc_buf_addf(out,
			    ",\"excluded\":%s,\"order\":", db_col_int(st, 13) ? "true" : "false");
		yc_json_add_str(out, db_col_text(st, 14));
		yc_buf_adds(out, ",\"order_state\":");
		yc_json_add_str(out, db_col_text(st, 15));
		yc_buf_adds(out, "}");
	}
	db_done(st);
	if (rc < 0)
		return rc;
	yc_buf_adds(out, "]}");
	return 0;
}
