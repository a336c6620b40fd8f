/* notify.c — the notification queue (see notify.h). */
#include "notify.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

enum { NOTIFY_MAX_ATTEMPTS = 5 };

int notify_queue(db *d, const char *channel, const char *recipient, const char *text, yc_err *err)
{
	return db_run(
		d, err,
		"INSERT INTO notifications (at_ms, channel, recipient, text) VALUES (?, ?, ?, ?)",
		"isss", yc_now_ms(), channel, recipient, text);
}

/* The phone behind a recipient name, or "". */
static void resolve_phone(db *d, const char *recipient, char *out, size_t size)
{
	out[0] = '\0';
	db_stmt *st = NULL;
	if (!strncmp(recipient, "user:", 5)) {
		st = db_prepare(d, "SELECT phone FROM users WHERE username = ?", NULL);
	} else if (!strncmp(recipient, "case:", 5)) {
		st = db_prepare(d, "SELECT applicant FROM cases WHERE no = ?", NULL);
	} else if (!strncmp(recipient, "process:", 8)) {
		st = db_prepare(d, "SELECT applicant FROM process_runs WHERE no = ?", NULL);
	}
	if (!st)
		return;
	db_bind_text(st, 1, strchr(recipient, ':') + 1);
	if (db_step(st, NULL) == DB_ROW) {
		const char *v = db_col_text(st, 0);
		if (strncmp(recipient, "user:", 5)) {
			cJSON *a = cJSON_Parse(v); /* the applicant document */
			snprintf(out, size, "%s",
				 yc_json_str(a, "phone") ? yc_json_str(a, "phone") : "");
			cJSON_Delete(a);
		} else {
			snprintf(out, size, "%s", v);
		}
	}
	db_done(st);
}

int notify_pending(db *d, struct notification *out, int max, int *n, yc_err *err)
{
	*n = 0;
	db_stmt *st = db_prepare(d,
				 "SELECT id, channel, recipient, text FROM notifications"
				 " WHERE state = 'pending' ORDER BY id LIMIT ?",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, max);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW && *n < max) {
		struct notification *e = &out[*n];
		memset(e, 0, sizeof(*e));
		e->id = db_col_int(st, 0);
		snprintf(e->channel, sizeof(e->channel), "%s", db_col_text(st, 1));
		snprintf(e->recipient, sizeof(e->recipient), "%s", db_col_text(st, 2));
		e->text = strdup(db_col_text(st, 3));
		if (!e->text) {
			rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
			break;
		}
		(*n)++;
	}
	db_done(st);
	if (rc < 0) {
		notify_release(out, *n);
		*n = 0;
		return rc;
	}
	for (int i = 0; i < *n; i++)
		resolve_phone(d, out[i].recipient, out[i].phone, sizeof(out[i].phone));
	return 0;
}

void notify_release(struct notification *list, int n)
{
	for (int i = 0; i < n; i++) {
		free(list[i].text);
		list[i].text = NULL;
	}
}

int notify_mark(db *d, int64_t id, enum notify_outcome outcome, yc_err *err)
{
	bool ok = outcome == NOTIFY_SENT;
	if (outcome == NOTIFY_UNDELIVERABLE)
		return db_run(d, err,
			      "UPDATE notifications SET state = 'failed', attempts = attempts + 1"
			      " WHERE id = ?",
			      "i", id);
	if (ok)
		return db_run(d, err,
			      "UPDATE notifications SET state = 'sent', sent_ms = ?, attempts = "
			      "attempts + 1"
			      " WHERE id = ?",
			      "ii", yc_now_ms(), id);
	return db_run(d, err,
		      "UPDATE notifications SET attempts = attempts + 1,"
		      " state = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE 'pending' END"
		      " WHERE id = ?",
		      "ii", (int64_t)NOTIFY_MAX_ATTEMPTS, id);
}

int notify_settle(db *d, int64_t before_ms, yc_err *err)
{
	return db_run(d, err,
		      "UPDATE notifications SET state = 'sent', sent_ms = at_ms, attempts = 1"
		      " WHERE state = 'pending' AND at_ms < ?",
		      "i", before_ms);
}
