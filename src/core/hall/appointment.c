/* appointment.c — appointments: slots booked, checked in, missed, and their penalties. */
#include "core/hall/hall.h"
#include "core/hall/internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/common/notify.h"
#include "core/common/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

/*
 * An appointment's lifecycle (each row names its function):
 *
 *   book ──► booked ──check_in (within the window around its slot)──► checked_in
 *              │ └──cancel (its holder, before the slot)──► cancelled
 *              └──miss (the slot passed unchecked)──► missed
 */
static const char *const appointment_state_names[AS_N] = {"booked", "checked_in", "cancelled",
							  "missed"};
static const char *const appointment_action_names[AA_N] = {"check_in", "cancel", "miss"};

static const struct lc_row appointment_rows[] = {
	/* from      action       roles          to             alt */
	{AS_BOOKED, AA_CHECK_IN, ROLE_ANY, AS_CHECKED_IN, AS_CHECKED_IN, 0},   /* or by its code */
	{AS_BOOKED, AA_CANCEL, ROLE_APPLICANT, AS_CANCELLED, AS_CANCELLED, 0}, /* its holder */
	{AS_BOOKED, AA_MISS, 0, AS_MISSED, AS_MISSED, 0}, /* hall_sweep_appointments */
};

const struct lc_table hall_appointment_lifecycle = {
	"appointment",
	appointment_rows,
	(int)(sizeof(appointment_rows) / sizeof(appointment_rows[0])),
	appointment_state_names,
	AS_N,
	appointment_action_names,
	AA_N,
};

int hall_parse_hhmm(const char *s, int *min)
{
	int h, m;
	if (!s || strlen(s) != 5 || s[2] != ':' || sscanf(s, "%2d:%2d", &h, &m) != 2 || h < 0 ||
	    h > 23 || m < 0 || m > 59)
		return YC_EINVAL;
	*min = h * 60 + m;
	return 0;
}

/* Booked (or checked-in) appointments in a slot. */
static int slot_taken(db *d, const char *category, const char *day, const char *slot, int64_t *n,
		      yc_err *err)
{
	*n = 0;
	int rc = db_get(d, err,
			"SELECT COUNT(*) FROM appointments WHERE category = ? AND day = ?"
			" AND slot = ? AND state IN ('booked', 'checked_in')",
			"sss", "i", category, day, slot, n);
	return rc < 0 ? rc : 0;
}

static int64_t category_capacity(db *d, const char *category)
{
	int64_t cap = -1;
	db_get(d, NULL, "SELECT slot_capacity FROM hall_categories WHERE code = ?", "s", "i",
	       category, &cap);
	return cap;
}

int hall_slots_json(db *d, const struct hall_ctx *c, const char *category, const char *date,
		    yc_buf *out, yc_err *err)
{
	if (!category)
		return yc_err_set(err, YC_EINVAL, "category", "category is required");
	int32_t day;
	if (!date || yc_date_parse(date, &day))
		return yc_err_set(err, YC_EINVAL, "date", "date must be YYYY-MM-DD");
	int64_t cap = category_capacity(d, category);
	if (cap < 0)
		return yc_err_set(err, YC_EINVAL, "category", "no category %s", category);
	int starts[64];
	int n = hall_day_slots(c->cal, day, c->slot_minutes, starts, 64, err);
	if (n < 0)
		return n;
	int64_t now = hall_now_of(c);
	yc_buf_adds(out, "{\"category\":");
	yc_json_add_str(out, category);
	yc_buf_adds(out, ",\"date\":");
	yc_json_add_str(out, date);
	yc_buf_addf(out, ",\"workday\":%s,\"slots\":[", n ? "true" : "false");
	for (int i = 0; i < n; i++) {
		char slot[8];
		snprintf(slot, sizeof(slot), "%02d:%02d", starts[i] / 60, starts[i] % 60);
		int64_t taken;
		int rc = slot_taken(d, category, date, slot, &taken, err);
		if (rc)
			return rc;
		bool past = hall_ms_of(c, day, starts[i]) <= now;
		yc_buf_addf(
			out,
			"%s{\"slot\":\"%s\",\"capacity\":%lld,\"booked\":%lld,\"available\":%lld}",
			i ? "," : "", slot, (long long)cap, (long long)taken,
			(long long)(past || taken >= cap ? 0 : cap - taken));
	}
	return yc_buf_adds(out, "]}");
}

static int appointment_render(db *d, const char *id, yc_buf *out, yc_err *err)
{
	db_stmt *st =
		db_prepare(d,
			   "SELECT a.id, a.category, a.day, a.slot, a.state, a.ticket, h.name"
			   " FROM appointments a JOIN hall_categories h ON h.code = a.category"
			   " WHERE a.id = ?",
			   err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		yc_buf_adds(out, "{\"id\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"category\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_adds(out, ",\"category_name\":");
		yc_json_add_str(out, db_col_text(st, 6));
		yc_buf_adds(out, ",\"date\":");
		yc_json_add_str(out, db_col_text(st, 2));
		yc_buf_adds(out, ",\"slot\":");
		yc_json_add_str(out, db_col_text(st, 3));
		yc_buf_adds(out, ",\"state\":");
		yc_json_add_str(out, db_col_text(st, 4));
		yc_buf_adds(out, ",\"ticket\":");
		yc_json_add_str(out, db_col_null(st, 5) ? NULL : db_col_text(st, 5));
		yc_buf_addc(out, '}');
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = yc_err_set(err, YC_ENOTFOUND, "id", "no appointment %s", id);
	}
	db_done(st);
	return rc;
}

int hall_appointment_book(db *d, const struct hall_ctx *c, const yc_user *u, const cJSON *body,
			  yc_buf *out, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"category", YC_JT_STRING, true, 1},
		{"date", YC_JT_STRING, true, 10},
		{"slot", YC_JT_STRING, true, 5},
	};
	int rc = yc_json_check(body, spec, 3, err);
	/* limits hold per person only when the person is known: throwaway accounts book nothing */
	if (!rc && !u->verified)
		return yc_err_set(
			err, YC_EFORBIDDEN, NULL,
			"booking needs an identity verified once at a window (bring the ID card)");
	if (!rc)
		rc = hall_lock(d, err);
	if (rc)
		return rc;
	const char *category = yc_json_str(body, "category"), *date = yc_json_str(body, "date");
	const char *slot = yc_json_str(body, "slot");
	int32_t day;
	int minute;
	if (yc_date_parse(date, &day))
		return yc_err_set(err, YC_EINVAL, "date", "date must be YYYY-MM-DD");
	if (hall_parse_hhmm(slot, &minute))
		return yc_err_set(err, YC_EINVAL, "slot", "slot must be HH:MM");
	int64_t cap = category_capacity(d, category);
	if (cap < 0)
		return yc_err_set(err, YC_EINVAL, "category", "no category %s", category);
	int starts[64];
	int n = hall_day_slots(c->cal, day, c->slot_minutes, starts, 64, err);
	if (n < 0)
		return n;
	if (!n)
		return yc_err_set(err, YC_EINVAL, "date", "%s is not a working day", date);
	bool exists = false;
	for (int i = 0; i < n; i++)
		if (starts[i] == minute)
			exists = true;
	if (!exists)
		return yc_err_set(err, YC_EINVAL, "slot", "there is no slot at %s", slot);
	int64_t now = hall_now_of(c);
	if (hall_ms_of(c, day, minute) <= now)
		return yc_err_set(err, YC_EINVAL, "slot", "the slot has begun or passed");
	/* the no-show bar */
	db_stmt *st = db_prepare(
		d,
		"SELECT day, slot FROM appointments WHERE user_id = ? AND state = 'missed'"
		" ORDER BY day DESC, slot DESC LIMIT 50",
		err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, u->id);
	int64_t misses[50];
	int nm = 0;
	while ((rc = db_step(st, err)) == DB_ROW && nm < 50) {
		int32_t md;
		int mm = 0;
		if (!yc_date_parse(db_col_text(st, 0), &md) &&
		    !hall_parse_hhmm(db_col_text(st, 1), &mm))
			misses[nm++] = hall_ms_of(c, md, mm);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	int64_t until;
	if (hall_barred(c, misses, nm, now, &until)) {
		char t[40];
		yc_time_format_iso(until, c->tz_offset_min, t, sizeof(t));
		return yc_err_set(err, YC_EFORBIDDEN, "slot",
				  "%d missed appointments: booking is closed to you until %.10s",
				  c->penalty_misses, t);
	}
	/* a limit per person and day */
	int64_t mine = 0;
	if ((rc = db_get(d, err,
			 "SELECT COUNT(*) FROM appointments WHERE user_id = ? AND day = ?"
			 " AND state IN ('booked', 'checked_in')",
			 "is", "i", u->id, date, &mine)) < 0)
		return rc;
	if (mine >= c->daily_limit)
		return yc_err_set(err, YC_EINVAL, "date", "at most %d appointment(s) a day",
				  c->daily_limit);
	int64_t taken;
	if ((rc = slot_taken(d, category, date, slot, &taken, err)))
		return rc;
	if (taken >= cap) {
		rc = yc_err_conflict(err, "slot", "full", "the %s slot is full", slot);
		return rc;
	}
	/* the id is the check-in code: 10 characters that are hard to guess */
	char id[16], hex[21];
	yc_random_hex(hex, 5);
	snprintf(id, sizeof(id), "%.10s", hex);
	for (char *p = id; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	if ((rc = db_run(d, err,
			 "INSERT INTO appointments (id, user_id, category, day, slot, state, "
			 "created_ms)"
			 " VALUES (?, ?, ?, ?, ?, 'booked', ?)",
			 "sisssi", id, u->id, category, date, slot, now)))
		return rc;
	yc_actor a = {u->username, "applicant"};
	char object[40];
	snprintf(object, sizeof(object), "appointment/%s", id);
	if ((rc = audit_append(d, &a, "hall.book", object, "", NULL, NULL, err)))
		return rc;
	return appointment_render(d, id, out, err);
}

int hall_appointment_act(db *d, const struct hall_ctx *c, const yc_user *u, const char *id,
			 const char *action, const cJSON *body, yc_buf *out, yc_err *err)
{
	static const yc_jfield spec[] = {{"note", YC_JT_STRING, false, 200}};
	if (body && yc_json_check(body, spec, 1, err))
		return err ? err->code : YC_EINVAL;
	int lrc = hall_lock(d, err);
	if (lrc)
		return lrc;
	int64_t owner = 0;
	char category[4] = "", day[16] = "", slot[8] = "", state[16] = "";
	int rc = db_get(d, err,
			"SELECT user_id, category, day, slot, state FROM appointments WHERE id = ?",
			"s", "itttt", id, &owner, category, sizeof(category), day, sizeof(day),
			slot, sizeof(slot), state, sizeof(state));
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return yc_err_set(err, YC_ENOTFOUND, "id", "no appointment %s", id);
	bool is_owner = u && u->role == ROLE_APPLICANT && u->id == owner;
	int32_t dday;
	int minute;
	yc_date_parse(day, &dday);
	hall_parse_hhmm(slot, &minute);
	int64_t slot_ms = hall_ms_of(c, dday, minute), now = hall_now_of(c);
	const struct lc_table *lc = &hall_appointment_lifecycle;
	int a = lc_action(lc, action);
	const struct lc_row *row = lc_find(lc, lc_state(lc, state), a);
	if (a == AA_CANCEL) {
		if (!is_owner)
			return yc_err_set(err, YC_EFORBIDDEN, "id", "only its holder cancels it");
		if (!row || slot_ms <= now) {
			rc = yc_err_conflict(
				err, "state", state,
				"only a booked appointment before its slot can be cancelled");
			return rc;
		}
		if ((rc = db_run(d, err,
				 "UPDATE appointments SET state = ? WHERE id = ? AND state = ?",
				 "sss", lc_state_name(lc, row->to), id, state)))
			return rc;
		return appointment_render(d, id, out, err);
	}
	if (a != AA_CHECK_IN) /* a miss is the sweep's, not anyone's action */
		return yc_err_set(err, YC_ENOTFOUND, "action", "no action %s", action);
	/* the code is the key at a kiosk; a logged-in applicant checks in only their own */
	if (u && u->role == ROLE_APPLICANT && !is_owner)
		return yc_err_set(err, YC_ENOTFOUND, "id", "no appointment %s", id);
	if (!row) {
		rc = yc_err_conflict(err, "state", state, "the appointment is %s", state);
		return rc;
	}
	if (now < slot_ms - (int64_t)c->checkin_before_min * 60000 ||
	    now > slot_ms + (int64_t)c->checkin_after_min * 60000)
		return yc_err_set(err, YC_EINVAL, "id",
				  "check in from %d minutes before to %d minutes after %s %s",
				  c->checkin_before_min, c->checkin_after_min, day, slot);
	char holder[48];
	snprintf(holder, sizeof(holder), "user:%lld", (long long)owner);
	yc_buf t;
	yc_buf_init(&t, 0);
	rc = hall_issue(d, c, u, category, "kiosk", "appointment", "", holder, id, slot_ms, &t,
			err);
	if (!rc) {
		cJSON *j = cJSON_Parse(t.data);
		const char *tid = yc_json_str(cJSON_GetObjectItemCaseSensitive(j, "ticket"), "id");
		rc = db_run(d, err, "UPDATE appointments SET state = ?, ticket = ? WHERE id = ?",
			    "sss", lc_state_name(lc, row->to), tid ? tid : "", id);
		cJSON_Delete(j);
	}
	if (!rc)
		rc = yc_buf_add(out, t.data, t.len);
	yc_buf_release(&t);
	return rc;
}

int hall_appointments_mine(db *d, const struct hall_ctx *c, const yc_user *u, yc_buf *out,
			   yc_err *err)
{
	(void)c; /* the hall's settings do not change what an applicant's list shows */
	db_stmt *st = db_prepare(
		d,
		"SELECT id FROM appointments WHERE user_id = ? ORDER BY day DESC, slot DESC"
		" LIMIT 50",
		err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, u->id);
	char ids[50][16];
	int n = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW && n < 50)
		db_col_copy(st, 0, ids[n++], sizeof(ids[0]));
	db_done(st);
	if (rc < 0)
		return rc;
	yc_buf_adds(out, "{\"appointments\":[");
	for (int i = 0; i < n; i++) {
		if (i)
			yc_buf_addc(out, ',');
		if ((rc = appointment_render(d, ids[i], out, err)))
			return rc;
	}
	return yc_buf_adds(out, "]}");
}
