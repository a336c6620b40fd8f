/*
 * Unit tests of the hall's lifecycle tables — the ticket's, the window's and
 * the appointment's — walked by the shared walker (test_case.c walks the
 * case's): over a real SQLite file with the demo hall, through
 * hall_ticket_act, the one function that moves a ticket at a window.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/common/account.h"
#include "core/calendar/calendar.h"
#include "core/demo/demo.h"
#include "core/hall/hall.h"
#include "core/hall/internal.h"
#include "db/db.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lifecycle.h"

static char path[64];
static db *d;
static calendar *cal;
static struct hall_ctx hall;
static yc_user clerk;
static char category[8];
static int window_no;

static void setup(void)
{
	snprintf(path, sizeof(path), "/tmp/yc-lc-%d-XXXXXX", getpid());
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	close(fd);
	unlink(path);
	yc_err err;
	cr_assert_eq(db_open(path, DB_OPEN_CREATE, &d, &err), 0, "%s", err.message);
	cr_assert_eq(db_migrate(d, &err), 0, "%s", err.message);
	cr_assert_eq(demo_install(d, &err), 0, "%s", err.message);
	cal = calendar_new();
	cr_assert_eq(calendar_load_builtin(cal, &err), 0, "%s", err.message);
	memset(&hall, 0, sizeof(hall));
	hall.cal = cal;
	hall.tz_offset_min = 480;
	hall.max_recalls = 2;
	hall.checkin_before_min = 30;
	hall.checkin_after_min = 15;
	/* 2026-11-27 10:00 +08:00, a Friday */
	hall.now_ms = ((int64_t)yc_days_from_civil(2026, 11, 27) * 1440 + 600 - 480) * 60000;
	memset(&clerk, 0, sizeof(clerk));
	clerk.role = ROLE_CLERK;
	snprintf(clerk.username, sizeof(clerk.username), "clerk1");
	/* a category, and a window that serves it, staffed by clerk1 */
	db_stmt *st = db_prepare(d, "SELECT code FROM hall_categories ORDER BY code LIMIT 1", NULL);
	cr_assert_eq(db_step(st, NULL), DB_ROW);
	db_col_copy(st, 0, category, sizeof(category));
	db_done(st);
	char like[16];
	snprintf(like, sizeof(like), "%%\"%s\"%%", category);
	st = db_prepare(
		d,
		"SELECT no FROM hall_windows WHERE categories LIKE ? OR categories = '\"*\"'"
		" ORDER BY no LIMIT 1",
		NULL);
	db_bind_text(st, 1, like);
	cr_assert_eq(db_step(st, NULL), DB_ROW);
	window_no = (int)db_col_int(st, 0);
	db_done(st);
	cr_assert_eq(
		db_run(d, NULL,
		       "UPDATE hall_windows SET state = 'open', staff = 'clerk1', allowed = '\"*\"'"
		       " WHERE no = ?",
		       "i", (int64_t)window_no),
		0);
}

static void teardown(void)
{
	db_close(d);
	calendar_free(cal);
	unlink(path);
}

/* Ends the transaction an action ran in: kept when it succeeded, rolled back otherwise. */
static int ended(int rc)
{
	if (rc)
		db_rollback(d);
	else
		cr_assert_eq(db_commit(d, NULL), 0);
	return rc;
}

/* A lifecycle's state of the row sql names by its key (text, or integer when key is NULL). */
static int state_of(const struct lc_table *t, const char *sql, const char *key, int64_t no)
{
	db_stmt *st = db_prepare(d, sql, NULL);
	if (key)
		db_bind_text(st, 1, key);
	else
		db_bind_int(st, 1, no);
	cr_assert_eq(db_step(st, NULL), DB_ROW);
	int s = lc_state(t, db_col_text(st, 0));
	db_done(st);
	return s;
}

/* The walk's object: one ticket. */
static char ticket[32];

static bool ticket_takes(int action)
{
	return action != TA_CALL && action != TA_EXPIRE; /* call-next's and the closing job's */
}

static void ticket_set_up(int from, int action, void *ctx)
{
	(void)action, (void)ctx;
	static int people; /* each ticket its own holder: one waiting ticket per person */
	char body[96];
	snprintf(body, sizeof(body),
		 "{\"category\":\"%s\",\"channel\":\"window\",\"phone\":\"138%08d\"}", category,
		 ++people);
	cJSON *b = cJSON_Parse(body);
	yc_buf out;
	yc_buf_init(&out, 0);
	yc_err err;
	cr_assert_eq(db_begin(d, NULL), 0);
	cr_assert_eq(hall_ticket_issue(d, &hall, &clerk, b, &out, &err), 0, "%s", err.message);
	cr_assert_eq(db_commit(d, NULL), 0);
	cJSON *j = cJSON_Parse(out.data);
	/* {"key": the e-ticket's, "ticket": {…}} */
	snprintf(ticket, sizeof(ticket), "%s",
		 yc_json_str(cJSON_GetObjectItemCaseSensitive(j, "ticket"), "id"));
	cJSON_Delete(j);
	cJSON_Delete(b);
	yc_buf_release(&out);
	bool at_window = from == TS_CALLED || from == TS_SERVING;
	cr_assert_eq(db_run(d, NULL, "UPDATE tickets SET state = ?, window_no = ? WHERE id = ?",
			    "sis", lc_state_name(&hall_ticket_lifecycle, from),
			    (int64_t)(at_window ? window_no : 0), ticket),
		     0);
	if (!at_window)
		cr_assert_eq(db_run(d, NULL, "UPDATE tickets SET window_no = NULL WHERE id = ?",
				    "s", ticket),
			     0);
}

static int ticket_act(int action, const struct lc_row *row, void *ctx)
{
	(void)row, (void)ctx;
	char body[64] = "{}";
	if (action == TA_TRANSFER)
		snprintf(body, sizeof(body), "{\"category\":\"%s\"}", category);
	cJSON *b = cJSON_Parse(body);
	yc_buf out;
	yc_buf_init(&out, 0);
	yc_err err;
	yc_err_clear(&err);
	cr_assert_eq(db_begin(d, NULL), 0);
	int rc = ended(hall_ticket_act(d, &hall, &clerk, ticket,
				       lc_action_name(&hall_ticket_lifecycle, action), b, &out,
				       &err));
	cJSON_Delete(b);
	yc_buf_release(&out);
	return rc;
}

static int ticket_state(void *ctx)
{
	(void)ctx;
	return state_of(&hall_ticket_lifecycle, "SELECT state FROM tickets WHERE id = ?", ticket,
			0);
}

Test(lifecycle, every_ticket_row_moves_and_every_other_pair_refuses, .init = setup,
     .fini = teardown)
{
	struct lc_walk w = {&hall_ticket_lifecycle, ticket_takes, ticket_set_up, ticket_act,
			    ticket_state,	    NULL};
	lc_walk(&w);
}

Test(lifecycle, a_ticket_row_is_refused_to_a_role_it_does_not_name, .init = setup, .fini = teardown)
{
	yc_user applicant = {.role = ROLE_APPLICANT};
	snprintf(applicant.username, sizeof(applicant.username), "applicant1");
	ticket_set_up(TS_CALLED, TA_START, NULL);
	yc_buf out;
	yc_buf_init(&out, 0);
	yc_err err;
	cr_assert_eq(db_begin(d, NULL), 0);
	cr_assert_eq(hall_ticket_act(d, &hall, &applicant, ticket, "start", NULL, &out, &err),
		     YC_EFORBIDDEN);
	db_rollback(d);
	cr_assert_eq(ticket_state(NULL), TS_CALLED);
	yc_buf_release(&out);
}

Test(lifecycle, names_are_whole_and_rows_unique)
{
	const struct lc_table *t = &hall_ticket_lifecycle;
	for (int s = 0; s < t->nstates; s++)
		cr_assert_eq(lc_state(t, lc_state_name(t, s)), s);
	for (int a = 0; a < t->nactions; a++)
		cr_assert_eq(lc_action(t, lc_action_name(t, a)), a);
	for (int i = 0; i < t->nrows; i++)
		cr_assert_eq(lc_find(t, t->rows[i].from, t->rows[i].action), &t->rows[i],
			     "row %d is shadowed", i);
	cr_assert_eq(lc_state(t, "nonsense"), -1);
}

/* The window walk's object: the window of the setup, clerk1's. */
static bool window_takes(int action)
{
	(void)action;
	return true;
}

static void window_set_up(int from, int action, void *ctx)
{
	(void)action, (void)ctx;
	/* signed in by clerk1 whatever the state, so that only the state decides */
	cr_assert_eq(db_run(d, NULL,
			    "UPDATE hall_windows SET state = ?, staff = 'clerk1' WHERE no = ?",
			    "si", lc_state_name(&hall_window_lifecycle, from), (int64_t)window_no),
		     0);
}

static int window_act(int action, const struct lc_row *row, void *ctx)
{
	(void)row, (void)ctx;
	yc_buf out;
	yc_buf_init(&out, 0);
	yc_err err;
	yc_err_clear(&err);
	cr_assert_eq(db_begin(d, NULL), 0);
	int rc = ended(hall_window_act(d, &hall, &clerk, window_no,
				       lc_action_name(&hall_window_lifecycle, action), &out, &err));
	yc_buf_release(&out);
	return rc;
}

static int window_state(void *ctx)
{
	(void)ctx;
	return state_of(&hall_window_lifecycle, "SELECT state FROM hall_windows WHERE no = ?", NULL,
			window_no);
}

Test(lifecycle, every_window_row_moves_and_every_other_pair_refuses, .init = setup,
     .fini = teardown)
{
	struct lc_walk w = {&hall_window_lifecycle, window_takes, window_set_up, window_act,
			    window_state,	    NULL};
	lc_walk(&w);
}

/* The appointment walk's object: applicant1's appointment at 10:10, ten minutes from now. */
static char appointment[32];
static yc_user holder;

static bool appointment_takes(int action)
{
	return action != AA_MISS; /* the sweep's */
}

static void appointment_set_up(int from, int action, void *ctx)
{
	(void)action, (void)ctx;
	static int n;
	snprintf(appointment, sizeof(appointment), "walk-%d", ++n);
	if (!holder.id) {
		db_stmt *st =
			db_prepare(d, "SELECT id FROM users WHERE username = 'applicant1'", NULL);
		cr_assert_eq(db_step(st, NULL), DB_ROW);
		holder.id = db_col_int(st, 0);
		db_done(st);
		holder.role = ROLE_APPLICANT;
		snprintf(holder.username, sizeof(holder.username), "applicant1");
	}
	/* no waiting ticket of an earlier check-in in the way (one per person and category) */
	char who[32];
	snprintf(who, sizeof(who), "user:%lld", (long long)holder.id);
	cr_assert_eq(
		db_run(d, NULL, "UPDATE tickets SET state = 'done' WHERE holder = ?", "s", who), 0);
	cr_assert_eq(db_run(d, NULL,
			    "INSERT INTO appointments (id, user_id, category, day, slot, state,"
			    " created_ms) VALUES (?, ?, ?, '2026-11-27', '10:10', ?, 0)",
			    "siss", appointment, holder.id, category,
			    lc_state_name(&hall_appointment_lifecycle, from)),
		     0);
}

static int appointment_act(int action, const struct lc_row *row, void *ctx)
{
	(void)row, (void)ctx;
	yc_buf out;
	yc_buf_init(&out, 0);
	yc_err err;
	yc_err_clear(&err);
	cr_assert_eq(db_begin(d, NULL), 0);
	int rc = ended(hall_appointment_act(d, &hall, &holder, appointment,
					    lc_action_name(&hall_appointment_lifecycle, action),
					    NULL, &out, &err));
	yc_buf_release(&out);
	return rc;
}

static int appointment_state(void *ctx)
{
	(void)ctx;
	return state_of(&hall_appointment_lifecycle, "SELECT state FROM appointments WHERE id = ?",
			appointment, 0);
}

Test(lifecycle, every_appointment_row_moves_and_every_other_pair_refuses, .init = setup,
     .fini = teardown)
{
	struct lc_walk w = {&hall_appointment_lifecycle, appointment_takes,
			    appointment_set_up,		 appointment_act,
			    appointment_state,		 NULL};
	lc_walk(&w);
}
