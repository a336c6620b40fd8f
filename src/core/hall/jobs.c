/* jobs.c — the hall's scheduled work: tickets expired after closing, missed appointments swept. */
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

int hall_expire_tickets(db *d, const struct hall_ctx *c, int64_t *count, yc_err *err)
{
	*count = 0;
	int s[8], e[8];
	int ns = calendar_spans(c->cal, s, e, 8);
	int closing = ns ? e[ns - 1] : 17 * 60;
	int32_t day = hall_today(c);
	int64_t now = hall_now_of(c), closing_ms = hall_ms_of(c, day, closing);
	char today_s[16];
	yc_date_format(day, today_s, sizeof(today_s));
	/*
	 * Earlier days' tickets, and once the hall has closed, today's tickets taken
	 * before closing (one taken after closing, at the self-service zone, waits
	 * for the morning's windows until the day ends).
	 */
	db_stmt *st =
		db_prepare(d,
			   "UPDATE tickets SET state = 'expired', version = version + 1"
			   " WHERE state IN ('waiting', 'called') AND (day < ? OR (day = ? AND"
			   " issued_ms < ?)) RETURNING 1",
			   err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, today_s);
	db_bind_text(st, 2, today_s);
	db_bind_int(st, 3, now >= closing_ms ? closing_ms : 0);
	return db_count_rows(st, count, err);
}

int hall_sweep_appointments(db *d, const struct hall_ctx *c, int64_t *count, yc_err *err)
{
	*count = 0;
	int64_t now = hall_now_of(c);
	int32_t day = hall_today(c);
	/* booked, and the check-in window has closed: missed */
	db_stmt *st = db_prepare(
		d, "SELECT id, day, slot FROM appointments WHERE state = 'booked' AND day <= ?",
		err);
	if (!st)
		return db_failed(err);
	char today_s[16];
	yc_date_format(day, today_s, sizeof(today_s));
	db_bind_text(st, 1, today_s);
	char ids[200][16];
	int n = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW && n < 200) {
		int32_t dd;
		int mm;
		if (yc_date_parse(db_col_text(st, 1), &dd) ||
		    hall_parse_hhmm(db_col_text(st, 2), &mm))
			continue;
		if (hall_ms_of(c, dd, mm) + (int64_t)c->checkin_after_min * 60000 < now)
			db_col_copy(st, 0, ids[n++], sizeof(ids[0]));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < n; i++) {
		if ((rc = db_run(d, err,
				 "UPDATE appointments SET state = 'missed' WHERE id = ? AND state "
				 "= 'booked'",
				 "s", ids[i])))
			return rc;
		(*count)++;
	}
	/* tomorrow's appointments: one reminder each */
	char tomorrow[16];
	yc_date_format(day + 1, tomorrow, sizeof(tomorrow));
	st = db_prepare(
		d,
		"SELECT a.id, a.slot, u.username, h.name FROM appointments a"
		" JOIN users u ON u.id = a.user_id JOIN hall_categories h ON h.code = a.category"
		" WHERE a.state = 'booked' AND a.day = ? AND a.reminded = 0 LIMIT 200",
		err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, tomorrow);
	struct {
		char id[16], slot[8], user[40], name[64];
	} r[200];
	int nr = 0;
	while ((rc = db_step(st, err)) == DB_ROW && nr < 200) {
		db_col_copy(st, 0, r[nr].id, sizeof(r[nr].id));
		db_col_copy(st, 1, r[nr].slot, sizeof(r[nr].slot));
		db_col_copy(st, 2, r[nr].user, sizeof(r[nr].user));
		db_col_copy(st, 3, r[nr].name, sizeof(r[nr].name));
		nr++;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	for (int i = 0; i < nr; i++) {
		char to[64], text[256];
		snprintf(to, sizeof(to), "user:%s", r[i].user);
		snprintf(text, sizeof(text),
			 "【一窗】您已预约明天%s的%"
			 "s业务，请在预约时间前30分钟至后15分钟内签到，预约码%s",
			 r[i].slot, r[i].name, r[i].id);
		if ((rc = notify_queue(d, "sms", to, text, err)) ||
		    (rc = db_run(d, err, "UPDATE appointments SET reminded = 1 WHERE id = ?", "s",
				 r[i].id)))
			return rc;
		(*count)++;
	}
	return 0;
}
