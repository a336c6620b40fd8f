/* outbox.c — events in the same transaction as their change (see outbox.h). */
#include "outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

struct outbox_pending {
	int64_t at_ms;
	char *field[4]; /* topic, action, object, payload */
};

static void outbox_pending_free(void *p)
{
	struct outbox_pending *e = p;
	for (int i = 0; i < 4; i++)
		free(e->field[i]);
	free(e);
}

static void outbox_bind_row(db_stmt *st, int col, size_t i, void *arg)
{
	struct outbox_pending *e = ((struct outbox_pending **)arg)[i];
	db_bind_int(st, col++, e->at_ms);
	for (int f = 0; f < 4; f++)
		db_bind_text(st, col++, e->field[f]);
}

/* After the audit events (which hold the chain's lock): insert, then tell the other nodes. */
static int outbox_flush(db *d, void **entries, size_t count, yc_err *err)
{
	int rc = db_insert_rows(d, "INSERT INTO outbox (at_ms, topic, action, object, payload)", 5,
				count, outbox_bind_row, entries, err);
	return rc ? rc : db_notify(d, OUTBOX_CHANNEL, err);
}

int outbox_append(db *d, const char *topic, const char *action, const char *object,
		  const char *payload, yc_err *err)
{
	struct outbox_pending *e = calloc(1, sizeof(*e));
	if (!e)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	e->at_ms = yc_now_ms();
	const char *f[4] = {topic, action, object, payload ? payload : "{}"};
	for (int i = 0; i < 4; i++)
		if (!(e->field[i] = strdup(f[i]))) {
			outbox_pending_free(e);
			return yc_err_set(err, YC_ENOMEM, NULL, NULL);
		}
	/* Flushed after the audit events, which take the chain's row lock (see outbox.h). */
	return db_defer(d, OUTBOX_FLUSH_ORDER, outbox_flush, e, outbox_pending_free, err);
}

int outbox_read(db *d, int64_t after, int max, struct outbox_event **out, int64_t *last,
		yc_err *err)
{
	*out = NULL;
	*last = after;
	db_stmt *st = db_prepare(d,
				 "SELECT id, at_ms, topic, action, object, payload FROM outbox"
				 " WHERE id > ? ORDER BY id LIMIT ?",
				 err);
	if (!st)
		return err ? err->code : YC_EUNAVAIL;
	db_bind_int(st, 1, after);
	db_bind_int(st, 2, max);
	struct outbox_event *head = NULL, **tail = &head;
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		struct outbox_event *e = calloc(1, sizeof(*e));
		if (!e) {
			rc = YC_ENOMEM;
			break;
		}
		e->id = db_col_int(st, 0);
		e->at_ms = db_col_int(st, 1);
		snprintf(e->topic, sizeof(e->topic), "%s", db_col_text(st, 2));
		snprintf(e->object, sizeof(e->object), "%s", db_col_text(st, 4));
		yc_buf b;
		yc_buf_init(&b, 0);
		char at[40];
		yc_time_format_iso(e->at_ms, 480, at, sizeof(at));
		yc_buf_addf(&b, "{\"id\":%lld,\"topic\":", (long long)e->id);
		yc_json_add_str(&b, e->topic);
		yc_buf_adds(&b, ",\"action\":");
		yc_json_add_str(&b, db_col_text(st, 3));
		yc_buf_adds(&b, ",\"object\":");
		yc_json_add_str(&b, db_col_text(st, 4));
		yc_buf_addf(&b, ",\"at\":\"%s\",\"payload\":", at);
		yc_buf_adds(&b, db_col_text(st, 5));
		yc_buf_addc(&b, '}');
		e->data = yc_buf_detach(&b, NULL);
		*tail = e;
		tail = &e->next;
		*last = e->id;
	}
	db_done(st);
	if (rc < 0) {
		outbox_free(head);
		return rc;
	}
	*out = head;
	return 0;
}

void outbox_free(struct outbox_event *e)
{
	while (e) {
		struct outbox_event *next = e->next;
		free(e->data);
		free(e);
		e = next;
	}
}

int64_t outbox_last_id(db *d)
{
	db_stmt *st = db_prepare(d, "SELECT COALESCE(MAX(id), 0) FROM outbox", NULL);
	if (!st)
		return 0;
	int64_t id = db_step(st, NULL) == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	return id;
}
