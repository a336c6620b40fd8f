/*
 * case.c — the case lifecycle (see case.h).
 *
 *                       request_correction            lapse (due day passed)
 *            ┌──────────────────────────────► correction ────────────► lapsed
 *            │            supplement          │
 *            │  ◄─────────────────────────────┘
 *   submit   │
 *  ───────► submitted ──refuse──► refused
 *            │   accept / accept_with_deficiencies (clock starts)
 *            │   (instant or commitment-based items: decided at once ─────────────┐)
 *            ▼                                                                    │
 *         accepted ◄─┐ approve (next step), return (previous step),               │
 *   ┌──────┤ │ │ │   │ assign, claim, supplement (deficiencies)                    │
 *   │      │ │ │ └───┘                                                            │
 *   │  suspend │ return (to applicant)       deny                approve (last)   │
 *   │      │   ▼                             │                     │              │
 *   │      │ returned ──supplement──► accepted                     ▼              ▼
 *   │      ▼                                 └──────► denied     approved ◄───────┘
 *   │  suspended ──resume──► accepted                      │       │
 *   │  (clock stopped; the stopped time is added back)     deliver  deliver (window: pickup code;
 *   │                                                      ▼       ▼         mail: tracking no)
 *   │  withdraw (any state before the decision)          delivered ──close──► closed
 *   └──────────────────────────────────► withdrawn      (electronic delivery closes at once)
 *
 * The table below is the whole lifecycle; case_act refuses anything else.
 */
#include "case.h"

#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/case_internal.h"
#include "core/ids.h"
#include "core/material.h"
#include "core/notify.h"
#include "core/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

#define R_APP ROLE_APPLICANT
#define R_CLK ROLE_CLERK
#define R_APR ROLE_APPROVER
#define R_SUP ROLE_SUPERVISOR
#define R_SYS ROLE_SYSTEM

/* clang-format off */
const struct case_transition case_table[] = {
	/* from          action                 roles          to             alt            clock */
	{CS_SUBMITTED,  CA_ACCEPT,             R_CLK,         CS_ACCEPTED,   CS_APPROVED,   CLOCK_START},
	{CS_SUBMITTED,  CA_ACCEPT_DEFICIENT,   R_CLK,         CS_ACCEPTED,   CS_APPROVED,   CLOCK_START},
	{CS_SUBMITTED,  CA_REQUEST_CORRECTION, R_CLK,         CS_CORRECTION, CS_CORRECTION, CLOCK_NONE},
	{CS_SUBMITTED,  CA_REFUSE,             R_CLK,         CS_REFUSED,    CS_REFUSED,    CLOCK_NONE},
	{CS_SUBMITTED,  CA_WITHDRAW,           R_APP | R_CLK, CS_WITHDRAWN,  CS_WITHDRAWN,  CLOCK_NONE},
	{CS_SUBMITTED,  CA_CHOOSE_DELIVERY,    R_APP,         CS_SUBMITTED,  CS_SUBMITTED,  CLOCK_NONE},
	{CS_CORRECTION, CA_SUPPLEMENT,         R_APP | R_CLK, CS_SUBMITTED,  CS_SUBMITTED,  CLOCK_NONE},
	{CS_CORRECTION, CA_WITHDRAW,           R_APP | R_CLK, CS_WITHDRAWN,  CS_WITHDRAWN,  CLOCK_NONE},
	{CS_CORRECTION, CA_LAPSE,              R_SYS,         CS_LAPSED,     CS_LAPSED,     CLOCK_NONE},
	{CS_ACCEPTED,   CA_SUPPLEMENT,         R_APP | R_CLK, CS_ACCEPTED,   CS_ACCEPTED,   CLOCK_RUNS},
	{CS_ACCEPTED,   CA_ASSIGN,             R_SUP,         CS_ACCEPTED,   CS_ACCEPTED,   CLOCK_RUNS},
	{CS_ACCEPTED,   CA_CLAIM,              R_APR,         CS_ACCEPTED,   CS_ACCEPTED,   CLOCK_RUNS},
	{CS_ACCEPTED,   CA_APPROVE,            R_APR,         CS_ACCEPTED,   CS_APPROVED,   CLOCK_RUNS},
	{CS_ACCEPTED,   CA_RETURN,             R_APR,         CS_ACCEPTED,   CS_RETURNED,   CLOCK_RUNS},
	{CS_ACCEPTED,   CA_DENY,               R_APR,         CS_DENIED,     CS_DENIED,     CLOCK_END},
	{CS_ACCEPTED,   CA_SUSPEND,            R_APR,         CS_SUSPENDED,  CS_SUSPENDED,  CLOCK_STOP},
	{CS_ACCEPTED,   CA_WITHDRAW,           R_APP,         CS_WITHDRAWN,  CS_WITHDRAWN,  CLOCK_END},
	{CS_ACCEPTED,   CA_CHOOSE_DELIVERY,    R_APP,         CS_ACCEPTED,   CS_ACCEPTED,   CLOCK_RUNS},
	{CS_RETURNED,   CA_SUPPLEMENT,         R_APP | R_CLK, CS_ACCEPTED,   CS_ACCEPTED,   CLOCK_RESUME},
	{CS_RETURNED,   CA_WITHDRAW,           R_APP,         CS_WITHDRAWN,  CS_WITHDRAWN,  CLOCK_END},
	{CS_SUSPENDED,  CA_RESUME,             R_APR,         CS_ACCEPTED,   CS_ACCEPTED,   CLOCK_RESUME},
	{CS_SUSPENDED,  CA_ASSIGN,             R_SUP,         CS_SUSPENDED,  CS_SUSPENDED,  CLOCK_NONE},
	{CS_SUSPENDED,  CA_WITHDRAW,           R_APP,         CS_WITHDRAWN,  CS_WITHDRAWN,  CLOCK_END},
	{CS_APPROVED,   CA_CHOOSE_DELIVERY,    R_APP,         CS_APPROVED,   CS_APPROVED,   CLOCK_NONE},
	{CS_APPROVED,   CA_DELIVER,            R_CLK,         CS_DELIVERED,  CS_CLOSED,     CLOCK_NONE},
	{CS_DENIED,     CA_DELIVER,            R_CLK,         CS_DELIVERED,  CS_CLOSED,     CLOCK_NONE},
	{CS_DELIVERED,  CA_CLOSE,              R_CLK | R_APP, CS_CLOSED,     CS_CLOSED,     CLOCK_NONE},
};
/* clang-format on */
const int case_table_len = (int)(sizeof(case_table) / sizeof(case_table[0]));

static const char *const state_names[CS_NSTATES] = {
	"submitted", "correction", "accepted",	"returned", "suspended", "approved",
	"denied",    "refused",	   "withdrawn", "lapsed",   "delivered", "closed",
};

static const char *const action_names[CA_NACTIONS] = {
	"accept",
	"accept_with_deficiencies",
	"request_correction",
	"refuse",
	"supplement",
	"withdraw",
	"assign",
	"claim",
	"approve",
	"return",
	"deny",
	"suspend",
	"resume",
	"choose_delivery",
	"deliver",
	"close",
	"lapse",
};

/* The Chinese words the timeline and the notices use. */
const char *const case_state_labels[CS_NSTATES] = {
	"已提交",   "待补正",	"审查中", "退回补充", "特别程序中", "准予许可",
	"不予许可", "不予受理", "已撤回", "补正逾期", "已送达",	    "办结",
};

static const char *const channels[] = {"window", "online", "mobile",	   "kiosk",
				       "bank",	 "town",   "cross_region", NULL};
static const char *const special_procedures[] = {"hearing",   "inspection",    "testing",
						 "appraisal", "expert_review", NULL};
static const char *const delivery_modes[] = {"window", "mail", "electronic", NULL};

const struct case_transition *case_transition_find(enum case_state s, enum case_action a)
{
	for (int i = 0; i < case_table_len; i++)
		if (case_table[i].from == s && case_table[i].action == a)
			return &case_table[i];
	return NULL;
}

const char *case_state_name(int s)
{
	return s >= 0 && s < CS_NSTATES ? state_names[s] : "?";
}

const char *case_action_name(int a)
{
	return a >= 0 && a < CA_NACTIONS ? action_names[a] : "?";
}

int case_state_parse(const char *s)
{
	for (int i = 0; s && i < CS_NSTATES; i++)
		if (!strcmp(s, state_names[i]))
			return i;
	return -1;
}

int case_action_parse(const char *s)
{
	for (int i = 0; s && i < CA_NACTIONS; i++)
		if (!strcmp(s, action_names[i]))
			return i;
	return -1;
}

/* ---- time ----------------------------------------------------------------- */

int64_t case_now_ms(const struct case_ctx *c)
{
	return c->now_ms ? c->now_ms : yc_now_ms();
}

int64_t case_local_min(const struct case_ctx *c, int64_t ms)
{
	int64_t m = ms >= 0 ? ms / 60000 : (ms - 59999) / 60000;
	return m + c->tz_offset_min;
}

int32_t case_min_day(int64_t min)
{
	return (int32_t)(min >= 0 ? min / 1440 : (min - 1439) / 1440);
}

/* "YYYY-MM-DDTHH:MM+08:00" for a local minute. */
static void format_local_min(const struct case_ctx *c, int64_t min, char *out, size_t size)
{
	char date[16];
	int32_t day = case_min_day(min);
	int mod = (int)(min - (int64_t)day * 1440);
	yc_date_format(day, date, sizeof(date));
	int off = c->tz_offset_min < 0 ? -c->tz_offset_min : c->tz_offset_min;
	snprintf(out, size, "%sT%02d:%02d%c%02d:%02d", date, mod / 60, mod % 60,
		 c->tz_offset_min < 0 ? '-' : '+', off / 60, off % 60);
}

const char *case_light_at(int64_t now_min, int64_t yellow_min, int64_t deadline_min)
{
	if (now_min >= deadline_min)
		return "red";
	return now_min >= yellow_min ? "yellow" : "green";
}

/* The limit of the case's rule in its unit: value and whether it counts hours. */
void case_rule_limit(const cJSON *rule, int *value, bool *hours)
{
	const cJSON *lim = cJSON_GetObjectItemCaseSensitive(rule, "limit");
	*value = (int)yc_json_int(lim, "value", 0);
	const char *unit = yc_json_str(lim, "unit");
	*hours = unit && !strcmp(unit, "workhour");
}

/*
 * Starts the clock at acceptance: the deadline N working days after the day
 * of acceptance (or N working hours after the moment), and the moment the
 * light turns yellow (warn_days working days before, or the last quarter of
 * an hour limit).
 */
static int clock_start(const struct case_ctx *c, struct case_row *row, int64_t now_ms, yc_err *err)
{
	int n;
	bool hours;
	case_rule_limit(row->rule, &n, &hours);
	int64_t now_min = case_local_min(c, now_ms);
	int32_t today = case_min_day(now_min);
	row->accepted_ms = now_ms;
	int rc;
	if (hours) {
		int64_t dl, yl;
		if ((rc = calendar_add_workminutes(c->cal, now_min, (int64_t)n * 60, &dl, err)) ||
		    (rc = calendar_add_workminutes(c->cal, now_min, (int64_t)n * 45, &yl, err)))
			return rc;
		row->deadline_min = dl;
		row->yellow_min = yl;
		format_local_min(c, dl, row->deadline, sizeof(row->deadline));
	} else {
		int32_t dday, yday;
		int before = n > c->warn_days ? n - c->warn_days : 0;
		if ((rc = calendar_add_workdays(c->cal, today, n, &dday, err)) ||
		    (rc = calendar_add_workdays(c->cal, today, before, &yday, err)))
			return rc;
		row->deadline_min = ((int64_t)dday + 1) * 1440;
		row->yellow_min = before ? (int64_t)yday * 1440 : now_min;
		yc_date_format(dday, row->deadline, sizeof(row->deadline));
	}
	snprintf(row->light, sizeof(row->light), "%s",
		 case_light_at(now_min, row->yellow_min, row->deadline_min));
	return 0;
}

/*
 * The clock runs again: the working time it stood still is added to the
 * deadline (working days in (stop day, today] for day limits; working
 * minutes for hour limits).
 */
static int clock_resume(const struct case_ctx *c, struct case_row *row, int64_t now_ms, yc_err *err)
{
	if (!row->stopped_ms || !row->accepted_ms)
		return 0;
	int n;
	bool hours;
	case_rule_limit(row->rule, &n, &hours);
	int64_t from = case_local_min(c, row->stopped_ms), to = case_local_min(c, now_ms);
	int rc;
	if (hours) {
		int64_t stood, dl, yl;
		if ((rc = calendar_workminutes_between(c->cal, from, to, &stood, err)) ||
		    (rc = calendar_add_workminutes(c->cal, row->deadline_min, stood, &dl, err)) ||
		    (rc = calendar_add_workminutes(c->cal, row->yellow_min, stood, &yl, err)))
			return rc;
		row->deadline_min = dl;
		row->yellow_min = yl;
		format_local_min(c, dl, row->deadline, sizeof(row->deadline));
	} else {
		int stood;
		int32_t dday = case_min_day(row->deadline_min) - 1,
			yday = case_min_day(row->yellow_min);
		if ((rc = calendar_workdays_between(c->cal, case_min_day(from), case_min_day(to),
						    &stood, err)) ||
		    (rc = calendar_add_workdays(c->cal, dday, stood, &dday, err)) ||
		    (rc = calendar_add_workdays(c->cal, yday, stood, &yday, err)))
			return rc;
		row->deadline_min = ((int64_t)dday + 1) * 1440;
		row->yellow_min = (int64_t)yday * 1440;
		yc_date_format(dday, row->deadline, sizeof(row->deadline));
	}
	row->stopped_ms = 0;
	snprintf(row->light, sizeof(row->light), "%s",
		 case_light_at(to, row->yellow_min, row->deadline_min));
	return 0;
}

/* A due day n working days from today. */
static int due_in(const struct case_ctx *c, int n, char out[16], yc_err *err)
{
	int32_t today = case_min_day(case_local_min(c, case_now_ms(c))), due;
	int rc = calendar_add_workdays(c->cal, today, n, &due, err);
	if (!rc)
		yc_date_format(due, out, 16);
	return rc;
}

/* ---- the row ---------------------------------------------------------------- */

#define CASE_COLUMNS                                                                               \
	"no, item, item_name, department, rule, applicant_user, applicant, phone4, channel,"       \
	" accept_office, decide_office, state, form, materials, missing, due_day, step,"           \
	" step_department, assignee, accepted_ms, deadline, deadline_min, yellow_min,"             \
	" stopped_ms, light, decided_ms, closed_ms, delivery, version, submitted_ms, updated_ms"

static cJSON *json_col(db_stmt *st, int i)
{
	return db_col_null(st, i) ? NULL : cJSON_Parse(db_col_text(st, i));
}

/*
 * Rules, parsed once per thread. Cases of one item version share one rule
 * text, so a case view or an action parses only the case's own parts. A
 * row pins the cache while loaded; entries are replaced only when no row is
 * loaded (else the row parses its own copy), so a borrowed rule never goes
 * away under a row.
 */
enum { RULE_CACHE = 64 };
static __thread struct rule_entry {
	char *text;
	cJSON *doc;
	char *fragment; /* rule_fragment(doc) */
	unsigned used;
} rule_cache[RULE_CACHE];
static __thread unsigned rule_clock;
static __thread int rule_pins;
static __thread bool rule_cache_on; /* only threads that release it at exit use it */

static int rule_fragment(const cJSON *rule, yc_buf *b);

static void rule_cache_release(void)
{
	for (int i = 0; i < RULE_CACHE; i++) {
		free(rule_cache[i].text);
		cJSON_Delete(rule_cache[i].doc);
		free(rule_cache[i].fragment);
		memset(&rule_cache[i], 0, sizeof(rule_cache[i]));
	}
}

/* Points row's rule at the shared parse of text (or an own copy); false when text is not JSON. */
static bool rule_attach(struct case_row *row, const char *text)
{
	if (!rule_cache_on) {
		cJSON *own = cJSON_Parse(text);
		row->rule = row->rule_owned = own;
		return own != NULL;
	}
	struct rule_entry *victim = &rule_cache[0];
	for (int i = 0; i < RULE_CACHE; i++) {
		struct rule_entry *e = &rule_cache[i];
		if (e->text && !strcmp(e->text, text)) {
			e->used = ++rule_clock;
			row->rule = e->doc;
			row->rule_fragment = e->fragment;
			row->rule_pinned = true;
			rule_pins++;
			return true;
		}
		if (!e->text || (victim->text && e->used < victim->used))
			victim = e;
	}
	cJSON *doc = cJSON_Parse(text);
	if (!doc)
		return false;
	if (victim->text &&
	    rule_pins > 0) { /* a loaded row may hold it: keep this one to the row */
		row->rule = row->rule_owned = doc;
		return true;
	}
	yc_buf f;
	yc_buf_init(&f, 0);
	char *text_copy = strdup(text);
	if (!text_copy || rule_fragment(doc, &f)) {
		free(text_copy);
		yc_buf_release(&f);
		row->rule = row->rule_owned = doc;
		return true;
	}
	free(victim->text);
	cJSON_Delete(victim->doc);
	free(victim->fragment);
	victim->text = text_copy;
	victim->doc = doc;
	victim->fragment = yc_buf_detach(&f, NULL);
	victim->used = ++rule_clock;
	row->rule = doc;
	row->rule_fragment = victim->fragment;
	row->rule_pinned = true;
	rule_pins++;
	return true;
}

int case_row_load(db *d, const char *no, struct case_row *row, yc_err *err)
{
	memset(row, 0, sizeof(*row));
	db_stmt *st = db_prepare(d, "SELECT " CASE_COLUMNS " FROM cases WHERE no = ?", err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, no);
	int rc = db_step(st, err);
	if (rc == DB_DONE) {
		db_done(st);
		return yc_err_set(err, YC_ENOTFOUND, "no", "no case with number %s", no);
	}
	if (rc < 0) {
		db_done(st);
		return rc;
	}
	db_col_copy(st, 0, row->no, sizeof(row->no));
	db_col_copy(st, 1, row->item, sizeof(row->item));
	db_col_copy(st, 2, row->item_name, sizeof(row->item_name));
	db_col_copy(st, 3, row->department, sizeof(row->department));
	bool rule_ok = !db_col_null(st, 4) && rule_attach(row, db_col_text(st, 4));
	row->applicant_user = db_col_int(st, 5);
	row->applicant = json_col(st, 6);
	db_col_copy(st, 7, row->phone4, sizeof(row->phone4));
	db_col_copy(st, 8, row->channel, sizeof(row->channel));
	db_col_copy(st, 9, row->accept_office, sizeof(row->accept_office));
	db_col_copy(st, 10, row->decide_office, sizeof(row->decide_office));
	row->state = case_state_parse(db_col_text(st, 11));
	row->form = json_col(st, 12);
	row->materials = json_col(st, 13);
	row->missing = json_col(st, 14);
	db_col_copy(st, 15, row->due_day, sizeof(row->due_day));
	row->step = (int)db_col_int(st, 16);
	db_col_copy(st, 17, row->step_department, sizeof(row->step_department));
	db_col_copy(st, 18, row->assignee, sizeof(row->assignee));
	row->accepted_ms = db_col_int(st, 19);
	db_col_copy(st, 20, row->deadline, sizeof(row->deadline));
	row->deadline_min = db_col_int(st, 21);
	row->yellow_min = db_col_int(st, 22);
	row->stopped_ms = db_col_int(st, 23);
	db_col_copy(st, 24, row->light, sizeof(row->light));
	row->decided_ms = db_col_int(st, 25);
	row->closed_ms = db_col_int(st, 26);
	row->delivery = json_col(st, 27);
	row->version = db_col_int(st, 28);
	row->submitted_ms = db_col_int(st, 29);
	row->updated_ms = db_col_int(st, 30);
	db_done(st);
	if (!rule_ok || !row->applicant || !row->form || !row->materials || !row->missing ||
	    row->state < 0) {
		case_row_free(row);
		return yc_err_set(err, YC_EINTERNAL, NULL, "case %s is stored damaged", no);
	}
	return 0;
}

void case_row_free(struct case_row *row)
{
	cJSON_Delete(row->rule_owned);
	if (row->rule_pinned)
		rule_pins--;
	cJSON_Delete(row->applicant);
	cJSON_Delete(row->form);
	cJSON_Delete(row->materials);
	cJSON_Delete(row->missing);
	cJSON_Delete(row->delivery);
	memset(row, 0, sizeof(*row));
}

static void bind_text_or_null(db_stmt *st, int i, const char *s)
{
	if (s && *s)
		db_bind_text(st, i, s);
	else
		db_bind_null(st, i);
}

static void bind_int_or_null(db_stmt *st, int i, int64_t v)
{
	if (v)
		db_bind_int(st, i, v);
	else
		db_bind_null(st, i);
}

static int bind_json(db_stmt *st, int i, const cJSON *j, bool nullable)
{
	if (!j && nullable)
		return db_bind_null(st, i);
	char *s = cJSON_PrintUnformatted(j);
	if (!s)
		return YC_ENOMEM;
	int rc = db_bind_text(st, i, s);
	free(s);
	return rc;
}

/*
 * Writes the row's mutable columns back if nobody moved the case since it was
 * read (version check); YC_ECONFLICT naming the current state otherwise.
 */
static int case_row_store(db *d, struct case_row *row, int64_t now_ms, yc_err *err)
{
	db_stmt *st = db_prepare(
		d,
		"UPDATE cases SET state = ?, form = ?, materials = ?, missing = ?, due_day = ?,"
		" step = ?, step_department = ?, assignee = ?, accepted_ms = ?, deadline = ?,"
		" deadline_min = ?, yellow_min = ?, stopped_ms = ?, light = ?, decided_ms = ?,"
		" closed_ms = ?, delivery = ?, version = version + 1, updated_ms = ?"
		" WHERE no = ? AND version = ? RETURNING version",
		err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	int i = 1;
	db_bind_text(st, i++, case_state_name(row->state));
	int rc = bind_json(st, i++, row->form, false);
	if (!rc)
		rc = bind_json(st, i++, row->materials, false);
	if (!rc)
		rc = bind_json(st, i++, row->missing, false);
	if (rc) {
		db_done(st);
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	bind_text_or_null(st, i++, row->due_day);
	db_bind_int(st, i++, row->step);
	bind_text_or_null(st, i++, row->step_department);
	bind_text_or_null(st, i++, row->assignee);
	bind_int_or_null(st, i++, row->accepted_ms);
	bind_text_or_null(st, i++, row->deadline);
	bind_int_or_null(st, i++, row->deadline_min);
	bind_int_or_null(st, i++, row->yellow_min);
	bind_int_or_null(st, i++, row->stopped_ms);
	db_bind_text(st, i++, row->light);
	bind_int_or_null(st, i++, row->decided_ms);
	bind_int_or_null(st, i++, row->closed_ms);
	if (bind_json(st, i++, row->delivery, true)) {
		db_done(st);
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	db_bind_int(st, i++, now_ms);
	db_bind_text(st, i++, row->no);
	db_bind_int(st, i++, row->version);
	int64_t n = 0;
	rc = db_count_rows(st, &n, err);
	if (rc < 0)
		return rc;
	if (n == 1) {
		row->version++;
		return 0;
	}
	db_stmt *chk = db_prepare(d, "SELECT state FROM cases WHERE no = ?", err);
	if (!chk)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(chk, 1, row->no);
	char now_state[24] = "";
	if (db_step(chk, err) == DB_ROW)
		db_col_copy(chk, 0, now_state, sizeof(now_state));
	db_done(chk);
	rc = yc_err_set(err, YC_ECONFLICT, "state",
			"the case was changed by someone else; it is now %s", now_state);
	if (err)
		snprintf(err->state, sizeof(err->state), "%s", now_state);
	return rc;
}

const char *case_role_name(const yc_user *u)
{
	return u->role == ROLE_SYSTEM ? "system" : account_role_name(u->role);
}

/* ---- scope ---------------------------------------------------------------- */

static bool is_owner(const struct case_row *row, const yc_user *u)
{
	return u->role == ROLE_APPLICANT && row->applicant_user && row->applicant_user == u->id;
}

int case_may_view(const struct case_row *row, const yc_user *u, yc_err *err)
{
	switch (u->role) {
	case ROLE_APPLICANT:
		if (is_owner(row, u))
			return 0;
		break;
	case ROLE_CLERK:
		if (!strcmp(u->office, row->accept_office) ||
		    !strcmp(u->office, row->decide_office))
			return 0;
		break;
	case ROLE_APPROVER:
		if (!strcmp(u->department, row->department) ||
		    !strcmp(u->department, row->step_department))
			return 0;
		break;
	case ROLE_SUPERVISOR:
	case ROLE_ADMIN:
	case ROLE_SYSTEM: return 0;
	}
	return yc_err_set(err, YC_EFORBIDDEN, "no", "this case is outside your scope");
}

/* Whether the step at index belongs to actor's department. */
static const cJSON *rule_step(const struct case_row *row, int index)
{
	const cJSON *steps = cJSON_GetObjectItemCaseSensitive(row->rule, "steps");
	return index >= 0 ? cJSON_GetArrayItem(steps, index) : NULL;
}

static int rule_nsteps(const struct case_row *row)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(row->rule, "steps"));
}

/*
 * The scope rule of an action for a role already allowed by the table:
 * applicants act on their own cases, clerks for their office, approvers on
 * their department's current step (and only the assignee once assigned).
 */
static int may_act(const struct case_row *row, const yc_user *u, enum case_action a, yc_err *err)
{
	switch (u->role) {
	case ROLE_APPLICANT:
		if (!is_owner(row, u))
			return yc_err_set(err, YC_EFORBIDDEN, "no", "this is not your case");
		if (a == CA_CLOSE &&
		    strcmp(yc_json_str(row->delivery, "mode") ? yc_json_str(row->delivery, "mode")
							      : "",
			   "mail"))
			return yc_err_set(err, YC_EFORBIDDEN, "action",
					  "the window closes a case when it hands over the result");
		return 0;
	case ROLE_CLERK:
		if (strcmp(u->office, row->accept_office))
			return yc_err_set(err, YC_EFORBIDDEN, "no",
					  "this case was filed at another office");
		return 0;
	case ROLE_APPROVER:
		if (strcmp(u->department, row->step_department))
			return yc_err_set(err, YC_EFORBIDDEN, "no",
					  "the current step belongs to another department");
		if (a != CA_CLAIM && row->assignee[0] && strcmp(row->assignee, u->username))
			return yc_err_set(err, YC_EFORBIDDEN, "no",
					  "the step is assigned to another approver");
		if (a == CA_CLAIM && row->assignee[0] && strcmp(row->assignee, u->username))
			return yc_err_set(
				err, YC_EFORBIDDEN, "no",
				"the step is assigned to another approver; ask a supervisor");
		return 0;
	case ROLE_SUPERVISOR:
	case ROLE_SYSTEM: return 0;
	}
	return yc_err_set(err, YC_EFORBIDDEN, NULL, "this role does not act on cases");
}

/* ---- masking ---------------------------------------------------------------- */

/* Keeps a name's first character: "张三" → "张*". */
void case_mask_name(const char *s, char *out, size_t size)
{
	size_t n = 1;
	if (!s || !*s) {
		snprintf(out, size, "%s", "");
		return;
	}
	unsigned char c0 = (unsigned char)s[0];
	if (c0 >= 0xF0)
		n = 4;
	else if (c0 >= 0xE0)
		n = 3;
	else if (c0 >= 0xC0)
		n = 2;
	if (n >= size || strlen(s) < n)
		n = 0;
	memcpy(out, s, n);
	snprintf(out + n, size - n, "%s", "**");
}

static void add_masked_person(yc_buf *b, const cJSON *p, bool full_name)
{
	char id[32], phone[24], name[64];
	ids_mask_id(yc_json_str(p, "id_number"), id, sizeof(id));
	ids_mask_phone(yc_json_str(p, "phone"), phone, sizeof(phone));
	const char *nm = yc_json_str(p, "name");
	if (!full_name) {
		case_mask_name(nm, name, sizeof(name));
		nm = name;
	}
	yc_buf_adds(b, "{\"name\":");
	yc_json_add_str(b, nm);
	yc_buf_adds(b, ",\"id_number\":");
	yc_json_add_str(b, id);
	yc_buf_adds(b, ",\"phone\":");
	yc_json_add_str(b, phone);
}

/*
 * The form as filed: its personal fields (by their declared type: an ID
 * number, a phone) masked for all but the applicant who filed it (issue 18,
 * finding 12).
 */
static void add_form(yc_buf *b, const struct case_row *row, bool owner)
{
	if (owner) {
		yc_json_add_item(b, row->form);
		return;
	}
	cJSON *form = cJSON_Duplicate(row->form, true);
	const cJSON *f;
	cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive(row->rule, "form")) {
		const char *name = yc_json_str(f, "name");
		cJSON *v = name ? cJSON_GetObjectItemCaseSensitive(form, name) : NULL;
		char masked[64];
		if (!cJSON_IsString(v) ||
		    !ids_mask_typed(yc_json_str(f, "type"), v->valuestring, masked, sizeof(masked)))
			continue;
		cJSON *m = cJSON_CreateString(masked);
		/* out of memory: the field goes rather than stay unmasked */
		if (!m || !cJSON_ReplaceItemInObjectCaseSensitive(form, name, m)) {
			cJSON_Delete(m);
			cJSON_DeleteItemFromObjectCaseSensitive(form, name);
		}
	}
	yc_json_add_item(b, form); /* NULL (out of memory) is written null: never the raw form */
	cJSON_Delete(form);
}

/* ---- rendering ---------------------------------------------------------------- */

const char *case_live_light(const struct case_ctx *c, const struct case_row *row)
{
	if (row->state == CS_ACCEPTED)
		return case_light_at(case_local_min(c, case_now_ms(c)), row->yellow_min,
				     row->deadline_min);
	return row->light;
}

int case_render_timeline(db *d, const struct case_ctx *c, const char *no, int parts, yc_buf *b,
			 yc_err *err)
{
	db_stmt *st =
		db_prepare(d,
			   "SELECT seq, at_ms, actor, role, action, from_state, to_state, step,"
			   " note FROM case_events WHERE case_no = ? ORDER BY seq",
			   err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, no);
	yc_buf_adds(b, ",\"timeline\":[");
	int rc, k = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		char t[40];
		yc_time_format_iso(db_col_int(st, 1), c->tz_offset_min, t, sizeof(t));
		int to = case_state_parse(db_col_text(st, 6));
		yc_buf_addf(b, "%s{\"seq\":%lld,\"at\":\"%s\",\"action\":", k++ ? "," : "",
			    (long long)db_col_int(st, 0), t);
		yc_json_add_str(b, db_col_text(st, 4));
		yc_buf_adds(b, ",\"from\":");
		yc_json_add_str(b, db_col_text(st, 5));
		yc_buf_adds(b, ",\"to\":");
		yc_json_add_str(b, db_col_text(st, 6));
		yc_buf_adds(b, ",\"to_label\":");
		yc_json_add_str(b, to >= 0 ? case_state_labels[to] : "");
		yc_buf_addf(b, ",\"step\":%lld", (long long)db_col_int(st, 7));
		if (parts & CASE_TIMELINE_ACTORS) {
			yc_buf_adds(b, ",\"actor\":");
			yc_json_add_str(b, db_col_text(st, 2));
		}
		if (parts & CASE_TIMELINE_NOTES) {
			yc_buf_adds(b, ",\"role\":");
			yc_json_add_str(b, db_col_text(st, 3));
			yc_buf_adds(b, ",\"note\":");
			yc_json_add_str(b, db_col_text(st, 8));
		}
		yc_buf_addc(b, '}');
	}
	db_done(st);
	yc_buf_addc(b, ']');
	return rc < 0 ? rc : 0;
}

/* The actions this caller may take now (for screens; case_act checks again). */
static void render_actions(yc_buf *b, const struct case_row *row, const yc_user *u)
{
	yc_buf_adds(b, ",\"actions\":[");
	int k = 0;
	for (int i = 0; i < case_table_len; i++) {
		const struct case_transition *t = &case_table[i];
		if ((int)t->from != row->state || !(t->roles & u->role))
			continue;
		if (may_act(row, u, t->action, NULL))
			continue;
		yc_buf_addf(b, "%s\"%s\"", k++ ? "," : "", action_names[t->action]);
	}
	yc_buf_addc(b, ']');
}

/* What the case JSON shows of its rules: the same for every case of one item version. */
static int rule_fragment(const cJSON *rule, yc_buf *b)
{
	yc_buf_adds(b, ",\"case_type\":");
	yc_json_add_str(b, yc_json_str(rule, "case_type"));
	yc_buf_addf(b, ",\"commitment\":%s",
		    yc_json_bool(rule, "commitment", false) ? "true" : "false");
	yc_buf_adds(b, ",\"limit\":");
	yc_json_add_item(b, cJSON_GetObjectItemCaseSensitive(rule, "limit"));
	yc_buf_adds(b, ",\"required_materials\":");
	yc_json_add_item(b, cJSON_GetObjectItemCaseSensitive(rule, "materials"));
	yc_buf_adds(b, ",\"steps\":");
	yc_json_add_item(b, cJSON_GetObjectItemCaseSensitive(rule, "steps"));
	yc_buf_adds(b, ",\"form_fields\":");
	yc_json_add_item(b, cJSON_GetObjectItemCaseSensitive(rule, "form"));
	yc_buf_adds(b, ",\"delivery_modes\":");
	return yc_json_add_item(b, cJSON_GetObjectItemCaseSensitive(rule, "delivery"));
}

static int render_case(db *d, const struct case_ctx *c, const struct case_row *row,
		       const yc_user *u, yc_buf *b, yc_err *err)
{
	yc_buf_adds(b, "{\"no\":");
	yc_json_add_str(b, row->no);
	yc_buf_adds(b, ",\"item\":");
	yc_json_add_str(b, row->item);
	yc_buf_adds(b, ",\"item_name\":");
	yc_json_add_str(b, row->item_name);
	yc_buf_adds(b, ",\"department\":");
	yc_json_add_str(b, row->department);
	yc_buf_addf(b, ",\"state\":\"%s\",\"state_label\":\"%s\"", state_names[row->state],
		    case_state_labels[row->state]);
	yc_buf_adds(b, ",\"channel\":");
	yc_json_add_str(b, row->channel);
	yc_buf_adds(b, ",\"accept_office\":");
	yc_json_add_str(b, row->accept_office);
	yc_buf_adds(b, ",\"decide_office\":");
	yc_json_add_str(b, row->decide_office);
	if (row->rule_fragment)
		yc_buf_adds(b, row->rule_fragment);
	else
		rule_fragment(row->rule, b);
	yc_buf_adds(b, ",\"applicant\":");
	add_masked_person(b, row->applicant, u->role != ROLE_APPLICANT || is_owner(row, u));
	yc_buf_adds(b, ",\"kind\":");
	yc_json_add_str(b, yc_json_str(row->applicant, "kind"));
	const cJSON *agent = cJSON_GetObjectItemCaseSensitive(row->applicant, "agent");
	if (agent) {
		yc_buf_adds(b, ",\"agent\":");
		add_masked_person(b, agent, true);
		yc_buf_addc(b, '}');
	}
	yc_buf_addc(b, '}');
	yc_buf_adds(b, ",\"form\":");
	add_form(b, row, is_owner(row, u));
	yc_buf_adds(b, ",\"materials\":");
	yc_json_add_item(b, row->materials);
	yc_buf_adds(b, ",\"missing\":");
	yc_json_add_item(b, row->missing);
	yc_buf_adds(b, ",\"due_day\":");
	yc_json_add_str(b, row->due_day[0] ? row->due_day : NULL);
	yc_json_add_time(b, "submitted_at", row->submitted_ms, c->tz_offset_min);
	yc_json_add_time(b, "accepted_at", row->accepted_ms, c->tz_offset_min);
	yc_json_add_time(b, "decided_at", row->decided_ms, c->tz_offset_min);
	yc_json_add_time(b, "closed_at", row->closed_ms, c->tz_offset_min);
	yc_buf_adds(b, ",\"deadline\":");
	yc_json_add_str(b, row->deadline[0] ? row->deadline : NULL);
	yc_buf_adds(b, ",\"light\":");
	yc_json_add_str(b,
			strcmp(case_live_light(c, row), "none") ? case_live_light(c, row) : NULL);
	yc_buf_adds(b, ",\"current_step\":");
	const cJSON *step = rule_step(row, row->step);
	if (step && (row->state == CS_ACCEPTED || row->state == CS_SUSPENDED ||
		     row->state == CS_RETURNED)) {
		yc_buf_addf(b, "{\"index\":%d,\"of\":%d,\"name\":", row->step, rule_nsteps(row));
		yc_json_add_str(b, yc_json_str(step, "name"));
		yc_buf_adds(b, ",\"department\":");
		yc_json_add_str(b, row->step_department);
		yc_buf_adds(b, ",\"assignee\":");
		yc_json_add_str(b, row->assignee[0] ? row->assignee : NULL);
		yc_buf_addc(b, '}');
	} else {
		yc_buf_adds(b, "null");
	}
	yc_buf_adds(b, ",\"delivery\":");
	if (row->delivery) {
		/* the pickup code is the applicant's secret; the address is masked for others */
		cJSON *dv = cJSON_Duplicate(row->delivery, true);
		if (dv && !is_owner(row, u))
			cJSON_DeleteItemFromObjectCaseSensitive(dv, "pickup_code");
		if (dv && u->role != ROLE_CLERK && !is_owner(row, u) &&
		    cJSON_GetObjectItemCaseSensitive(dv, "address"))
			cJSON_ReplaceItemInObjectCaseSensitive(dv, "address",
							       cJSON_CreateString("***"));
		yc_json_add_item(b, dv);
		cJSON_Delete(dv);
	} else {
		yc_buf_adds(b, "null");
	}
	yc_buf_addf(b, ",\"version\":%lld", (long long)row->version);
	render_actions(b, row, u);
	/* staff see who acted; an applicant sees the role and the note, not the staff member */
	int rc = case_render_timeline(
		d, c, row->no,
		CASE_TIMELINE_NOTES | (u->role == ROLE_APPLICANT ? 0 : CASE_TIMELINE_ACTORS), b, err);
	yc_buf_addc(b, '}');
	return rc;
}

int case_json(db *d, const struct case_ctx *c, const yc_user *actor, const char *no, yc_buf *out,
	      yc_err *err)
{
	struct case_row row;
	int rc = case_row_load(d, no, &row, err);
	if (rc)
		return rc;
	if (!(rc = case_may_view(&row, actor, err)))
		rc = render_case(d, c, &row, actor, out, err);
	case_row_free(&row);
	return rc;
}

/* ---- submission ------------------------------------------------------------- */

void case_new_free(struct case_new *n)
{
	free(n->rule);
	free(n->applicant);
	free(n->form);
	free(n->materials);
	free(n->delivery);
	memset(n, 0, sizeof(*n));
}

/* One form value against its field declaration. */
static int check_form_value(const cJSON *field, const cJSON *v, yc_err *err)
{
	const char *name = yc_json_str(field, "name");
	const char *type = yc_json_str(field, "type");
	char path[80];
	snprintf(path, sizeof(path), "form.%s", name);
	if (!strcmp(type, "number")) {
		if (!cJSON_IsNumber(v))
			return yc_err_set(err, YC_EINVAL, path, "%s must be a number", path);
		return 0;
	}
	if (!cJSON_IsString(v))
		return yc_err_set(err, YC_EINVAL, path, "%s must be a string", path);
	const char *s = v->valuestring;
	size_t len = strlen(s), bad;
	unsigned cp;
	if (!yc_text_clean(s, &bad, &cp))
		return yc_err_set(err, YC_EINVAL, path,
				  "%s holds an invisible or control character (U+%04X) at byte %zu",
				  path, cp, bad);
	int64_t max = yc_json_int(field, "max_length", !strcmp(type, "textarea") ? 4000 : 500);
	if ((int64_t)len > max)
		return yc_err_set(err, YC_EINVAL, path, "%s is longer than %lld bytes", path,
				  (long long)max);
	bool required = yc_json_bool(field, "required", false);
	if (!len)
		return required ? yc_err_set(err, YC_EINVAL, path, "%s is required", path) : 0;
	int32_t day;
	if (!strcmp(type, "date") && yc_date_parse(s, &day))
		return yc_err_set(err, YC_EINVAL, path, "%s must be a date YYYY-MM-DD", path);
	if (!strcmp(type, "phone") && !ids_phone_valid(s))
		return yc_err_set(err, YC_EINVAL, path, "%s must be an 11-digit mobile number",
				  path);
	if (!strcmp(type, "id_number") && !ids_resident_valid(s) && !ids_uscc_valid(s))
		return yc_err_set(err, YC_EINVAL, path,
				  "%s must be a resident ID or a unified social credit code", path);
	if (!strcmp(type, "select")) {
		const cJSON *o;
		bool found = false;
		cJSON_ArrayForEach (o, cJSON_GetObjectItemCaseSensitive(field, "options"))
			if (cJSON_IsString(o) && !strcmp(o->valuestring, s))
				found = true;
		if (!found)
			return yc_err_set(err, YC_EINVAL, path, "%s is not one of its options",
					  path);
	}
	const char *pattern = yc_json_str(field, "pattern");
	if (pattern && *pattern) {
		regex_t re;
		if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB))
			return yc_err_set(err, YC_EINVAL, path,
					  "%s has a pattern that cannot be used", path);
		int m = regexec(&re, s, 0, NULL, 0);
		regfree(&re);
		if (m)
			return yc_err_set(err, YC_EINVAL, path,
					  "%s does not have the expected form", path);
	}
	return 0;
}

static int check_form(const cJSON *item, const cJSON *form, yc_err *err)
{
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(item, "form");
	if (!cJSON_IsObject(form))
		return yc_err_set(err, YC_EINVAL, "form", "form must be an object");
	const cJSON *v;
	cJSON_ArrayForEach (v, form) {
		bool known = false;
		const cJSON *f;
		cJSON_ArrayForEach (f, fields)
			if (!strcmp(yc_json_str(f, "name"), v->string))
				known = true;
		if (!known)
			return yc_err_set(err, YC_EINVAL, "form",
					  "form.%s is not a field of this item", v->string);
	}
	const cJSON *f;
	cJSON_ArrayForEach (f, fields) {
		const cJSON *val = cJSON_GetObjectItemCaseSensitive(form, yc_json_str(f, "name"));
		char path[80];
		snprintf(path, sizeof(path), "form.%s", yc_json_str(f, "name"));
		if (!val || cJSON_IsNull(val)) {
			if (yc_json_bool(f, "required", false))
				return yc_err_set(err, YC_EINVAL, path, "%s is required", path);
			continue;
		}
		int rc = check_form_value(f, val, err);
		if (rc)
			return rc;
	}
	return 0;
}

static bool is_sha256(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/*
 * Materials given as [{"id","sha256"}]: each id one of the item's (or the
 * rule's) materials, each content uploaded by owner (whoever else uploaded a
 * content, and whether anybody did, is not said). Returns a new array.
 */
static int check_materials(db *d, const cJSON *list, const cJSON *declared, const char *field,
			   int64_t owner, cJSON **out, yc_err *err)
{
	*out = cJSON_CreateArray();
	if (!*out)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	if (!list)
		return 0;
	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) > 100)
		return yc_err_set(err, YC_EINVAL, field, "%s must be an array of at most 100",
				  field);
	static const yc_jfield spec[] = {
		{"id", YC_JT_STRING, true, 40},
		{"sha256", YC_JT_STRING, true, 64},
	};
	/* First the fields of each, then one lookup of all the contents. */
	const char *shas[100];
	size_t n = 0;
	const cJSON *m;
	cJSON_ArrayForEach (m, list) {
		char path[64];
		snprintf(path, sizeof(path), "%s[%zu]", field, n);
		int rc = yc_json_check(m, spec, 2, err);
		if (rc)
			return yc_err_prefix(rc, err, "%s", path);
		const char *id = yc_json_str(m, "id"), *sha = yc_json_str(m, "sha256");
		bool known = false;
		const cJSON *dm;
		cJSON_ArrayForEach (dm, declared)
			if (!strcmp(yc_json_str(dm, "id"), id))
				known = true;
		if (!known)
			return yc_err_set(err, YC_EINVAL, path,
					  "%s: %s is not a material of this item", path, id);
		if (!is_sha256(sha))
			return yc_err_set(err, YC_EINVAL, path,
					  "%s.sha256 must be 64 lower-case hex digits", path);
		shas[n++] = sha;
	}
	struct material_meta meta[100];
	int rc = material_info(d, shas, n, owner, meta, err);
	if (rc)
		return rc;
	size_t i = 0;
	cJSON_ArrayForEach (m, list) {
		char path[64];
		snprintf(path, sizeof(path), "%s[%zu]", field, i);
		if (!meta[i].found)
			return yc_err_set(err, YC_EINVAL, path,
					  "%s: no material you uploaded has this sha256", path);
		cJSON *e = cJSON_CreateObject();
		if (!e || !cJSON_AddStringToObject(e, "id", yc_json_str(m, "id")) ||
		    !cJSON_AddStringToObject(e, "sha256", shas[i]) ||
		    !cJSON_AddStringToObject(e, "type", meta[i].type) ||
		    !cJSON_AddNumberToObject(e, "size", (double)meta[i].size)) {
			cJSON_Delete(e);
			return yc_err_set(err, YC_ENOMEM, NULL, NULL);
		}
		cJSON_AddItemToArray(*out, e);
		i++;
	}
	return 0;
}

/* Required materials of the rule that the case does not have. */
static cJSON *missing_required(const cJSON *rule, const cJSON *materials)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *dm;
	cJSON_ArrayForEach (dm, cJSON_GetObjectItemCaseSensitive(rule, "materials")) {
		if (!yc_json_bool(dm, "required", false))
			continue;
		bool have = false;
		const cJSON *m;
		cJSON_ArrayForEach (m, materials)
			if (!strcmp(yc_json_str(m, "id"), yc_json_str(dm, "id")))
				have = true;
		if (!have)
			cJSON_AddItemToArray(out, cJSON_CreateString(yc_json_str(dm, "id")));
	}
	return out;
}

/* The item's rules the case keeps, so that editing the item later changes no case. */
static char *rule_snapshot(const cJSON *item)
{
	cJSON *r = cJSON_CreateObject();
	if (!r)
		return NULL;
	static const char *const copied[] = {"case_type",  "legal_limit", "steps",
					     "delivery",   "commitment",  "post_check_days",
					     "assignment", "form"};
	for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, copied[i]);
		if (v)
			cJSON_AddItemToObject(r, copied[i], cJSON_Duplicate(v, true));
	}
	cJSON_AddItemToObject(
		r, "limit",
		cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(item, "promised_limit"), true));
	cJSON *mats = cJSON_AddArrayToObject(r, "materials");
	const cJSON *m;
	cJSON_ArrayForEach (m, cJSON_GetObjectItemCaseSensitive(item, "materials")) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "id", yc_json_str(m, "id"));
		cJSON_AddStringToObject(e, "name", yc_json_str(m, "name"));
		cJSON_AddBoolToObject(e, "required", yc_json_bool(m, "required", false));
		cJSON_AddItemToArray(mats, e);
	}
	char *s = cJSON_PrintUnformatted(r);
	cJSON_Delete(r);
	return s;
}

/* A person in a walk-in body: {"name","id_number","phone"} (kind decides the ID's kind). */
static int check_person(const cJSON *p, const char *kind, const char *field, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"kind", YC_JT_STRING, false, 16},     {"name", YC_JT_STRING, true, 100},
		{"id_number", YC_JT_STRING, true, 18}, {"phone", YC_JT_STRING, true, 11},
		{"agent", YC_JT_OBJECT, false, 0},
	};
	int rc = yc_json_check(p, spec, sizeof(spec) / sizeof(spec[0]), err);
	if (rc)
		return yc_err_prefix(rc, err, "%s", field);
	char path[64];
	if (!*yc_json_str(p, "name")) {
		snprintf(path, sizeof(path), "%s.name", field);
		return yc_err_set(err, YC_EINVAL, path, "%s must not be empty", path);
	}
	const char *id = yc_json_str(p, "id_number");
	bool business = kind && !strcmp(kind, "business");
	if (business ? !ids_uscc_valid(id) : !ids_resident_valid(id)) {
		snprintf(path, sizeof(path), "%s.id_number", field);
		return yc_err_set(err, YC_EINVAL, path, "%s is not a valid %s", path,
				  business ? "unified social credit code" : "resident ID number");
	}
	if (!ids_phone_valid(yc_json_str(p, "phone"))) {
		snprintf(path, sizeof(path), "%s.phone", field);
		return yc_err_set(err, YC_EINVAL, path, "%s must be an 11-digit mobile number",
				  path);
	}
	return 0;
}

/* The applicant document: from the account (online) or the body (walk-in at a window). */
static int build_applicant(db *d, const yc_user *actor, const cJSON *body, struct case_new *n,
			   yc_err *err)
{
	cJSON *a = cJSON_CreateObject();
	if (!a)
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	int rc = 0;
	char phone[24] = "";
	if (actor->role == ROLE_APPLICANT) {
		if (cJSON_GetObjectItemCaseSensitive(body, "applicant")) {
			cJSON_Delete(a);
			return yc_err_set(
				err, YC_EINVAL, "applicant",
				"applicants file for themselves; applicant is for clerks");
		}
		struct account_contact ct;
		if ((rc = account_contact(d, actor->id, &ct, err)) == 0) {
			cJSON_AddStringToObject(a, "kind", ct.kind);
			cJSON_AddStringToObject(a, "name", ct.name);
			cJSON_AddStringToObject(a, "id_number", ct.id_number);
			cJSON_AddStringToObject(a, "phone", ct.phone);
			snprintf(phone, sizeof(phone), "%s", ct.phone);
		} else if (rc == YC_ENOTFOUND) {
			rc = yc_err_set(err, YC_EAUTH, NULL, "the account no longer exists");
		}
		n->applicant_user = actor->id;
	} else {
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(body, "applicant");
		if (!p) {
			cJSON_Delete(a);
			return yc_err_set(err, YC_EINVAL, "applicant",
					  "applicant is required when a clerk files a case");
		}
		const char *kind = yc_json_str(p, "kind") ? yc_json_str(p, "kind") : "person";
		if (strcmp(kind, "person") && strcmp(kind, "business"))
			rc = yc_err_set(err, YC_EINVAL, "applicant.kind",
					"applicant.kind must be person or business");
		if (!rc)
			rc = check_person(p, kind, "applicant", err);
		const cJSON *agent = cJSON_GetObjectItemCaseSensitive(p, "agent");
		if (!rc && agent)
			rc = check_person(agent, "person", "applicant.agent", err);
		if (!rc) {
			cJSON_AddStringToObject(a, "kind", kind);
			cJSON_AddStringToObject(a, "name", yc_json_str(p, "name"));
			cJSON_AddStringToObject(a, "id_number", yc_json_str(p, "id_number"));
			cJSON_AddStringToObject(a, "phone", yc_json_str(p, "phone"));
			if (agent)
				cJSON_AddItemToObject(a, "agent", cJSON_Duplicate(agent, true));
			snprintf(phone, sizeof(phone), "%s", yc_json_str(p, "phone"));
			/*
			 * A walk-in whose identity a window has verified sees the case in
			 * their portal; an account that only claims the number gets nothing
			 * (issue 18, finding 1), and the owner never changes afterwards.
			 */
			db_stmt *st = db_prepare(d,
						 "SELECT id FROM users WHERE id_number = ?"
						 " AND role = 'applicant' AND disabled = 0"
						 " AND verified_ms IS NOT NULL",
						 err);
			if (st) {
				db_bind_text(st, 1, yc_json_str(p, "id_number"));
				if (db_step(st, NULL) == DB_ROW)
					n->applicant_user = db_col_int(st, 0);
				db_done(st);
			}
		}
	}
	size_t pl = strlen(phone);
	snprintf(n->phone4, sizeof(n->phone4), "%s", pl >= 4 ? phone + pl - 4 : "");
	if (!rc && !(n->applicant = cJSON_PrintUnformatted(a)))
		rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	cJSON_Delete(a);
	return rc;
}

static int office_exists(db *d, const char *code)
{
	db_stmt *st = db_prepare(d, "SELECT 1 FROM offices WHERE code = ?", NULL);
	if (!st)
		return YC_EINTERNAL;
	db_bind_text(st, 1, code);
	int rc = db_step(st, NULL);
	db_done(st);
	return rc == DB_ROW ? 0 : YC_ENOTFOUND;
}

/* The district's own centre, where online cases go by default (looked up once a minute per thread).
 */
static void district_office(db *d, char *out, size_t size)
{
	static __thread char cached[32];
	static __thread int64_t cached_at;
	int64_t now = yc_now_ms();
	if (!cached[0] || now - cached_at > 60000) {
		cached[0] = '\0';
		db_stmt *st = db_prepare(
			d,
			"SELECT code FROM offices WHERE level = 'district' ORDER BY code LIMIT 1",
			NULL);
		if (st && db_step(st, NULL) == DB_ROW)
			db_col_copy(st, 0, cached, sizeof(cached));
		if (st)
			db_done(st);
		cached_at = now;
	}
	snprintf(out, size, "%s", cached);
}

/* {"mode","address"?}: the mode one of the rule's; mail needs an address. */
static int check_delivery(const cJSON *dv, const cJSON *allowed, bool cross_region,
			  const char *field, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"mode", YC_JT_STRING, true, 16},
		{"address", YC_JT_STRING, false, 300},
		{"tracking_no", YC_JT_STRING, false, 40},
	};
	int rc = yc_json_check(dv, spec, 3, err);
	if (rc)
		return yc_err_prefix(rc, err, "%s", field);
	const char *mode = yc_json_str(dv, "mode");
	char path[64];
	snprintf(path, sizeof(path), "%s.mode", field);
	if (!yc_one_of(mode, delivery_modes))
		return yc_err_set(err, YC_EINVAL, path, "%s must be window, mail or electronic",
				  path);
	bool ok = !allowed || !cJSON_GetArraySize(allowed);
	const cJSON *m;
	cJSON_ArrayForEach (m, allowed)
		if (cJSON_IsString(m) && !strcmp(m->valuestring, mode))
			ok = true;
	if (!ok)
		return yc_err_set(err, YC_EINVAL, path, "this item does not deliver by %s", mode);
	if (cross_region && strcmp(mode, "mail"))
		return yc_err_set(err, YC_EINVAL, path, "a cross-region case is delivered by mail");
	if (!strcmp(mode, "mail") &&
	    !*(yc_json_str(dv, "address") ? yc_json_str(dv, "address") : "")) {
		snprintf(path, sizeof(path), "%s.address", field);
		return yc_err_set(err, YC_EINVAL, path, "delivery by mail needs an address");
	}
	return 0;
}

/*
 * Items as parsed documents, per thread (each listener thread prepares its
 * own submissions): parsing an item's document for every submission costs
 * more than the rest of the checks. An entry is used while the stored
 * item's updated_ms matches, so an edited item is parsed again at once.
 *
 * An entry checked against the store in the last second is used without a
 * read: case_submit's insert holds only if the item is still that version
 * and active. When it is not, the writer prepares the case again from the
 * body, and bumps item_moved so that every thread's entries are read again.
 */
enum { ITEM_CACHE = 32, ITEM_TRUST_US = 1000 * 1000 };
static atomic_uint item_moved;
static __thread struct item_cache_entry {
	char code[48];
	int64_t checked_us; /* when the store last confirmed updated_ms and active */
	unsigned moved;	    /* item_moved then */
	int64_t updated_ms;
	char name[304];
	char department[32];
	cJSON *doc;
	char *rule; /* rule_snapshot(doc), made once */
	unsigned used;
} item_cache[ITEM_CACHE];
static __thread unsigned item_cache_clock;

void case_cache_enable(void)
{
	rule_cache_on = true;
}

static void item_cache_free(void)
{
	for (int i = 0; i < ITEM_CACHE; i++) {
		cJSON_Delete(item_cache[i].doc);
		free(item_cache[i].rule);
		memset(&item_cache[i], 0, sizeof(item_cache[i]));
	}
}

void case_cache_release(void)
{
	rule_cache_release();
	rule_cache_on = false;
	item_cache_free();
}

/*
 * Any thread may fill the item cache (a writer prepares a case again when its
 * item changed): the first fill arms a key whose destructor empties the
 * cache when the thread ends.
 */
static pthread_key_t item_cache_key;
static pthread_once_t item_cache_once = PTHREAD_ONCE_INIT;
static __thread bool item_cache_armed;

static void item_cache_at_exit(void *unused)
{
	(void)unused;
	item_cache_free();
}

static void item_cache_key_make(void)
{
	pthread_key_create(&item_cache_key, item_cache_at_exit);
}

static void item_cache_arm(void)
{
	if (item_cache_armed)
		return;
	pthread_once(&item_cache_once, item_cache_key_make);
	pthread_setspecific(item_cache_key, &item_cache_armed);
	item_cache_armed = true;
}

static char *rule_snapshot(const cJSON *item);

/*
 * The active item's document (borrowed until this thread's next call);
 * fills n's item names and a copy of the item's rules.
 */
static int item_cached(db *d, const char *code, const cJSON **out, struct case_new *n, yc_err *err)
{
	struct item_cache_entry *e = NULL, *victim = &item_cache[0];
	for (int i = 0; i < ITEM_CACHE; i++) {
		if (item_cache[i].doc && !strcmp(item_cache[i].code, code))
			e = &item_cache[i];
		if (item_cache[i].used < victim->used)
			victim = &item_cache[i];
	}
	int64_t now_us = yc_mono_us();
	unsigned moved = atomic_load(&item_moved);
	bool trusted = e && e->moved == moved && now_us - e->checked_us < ITEM_TRUST_US;
	int64_t updated = trusted ? e->updated_ms : 0;
	db_stmt *st;
	int rc;
	if (!trusted) {
		st = db_prepare(d, "SELECT updated_ms, status FROM items WHERE code = ?", err);
		if (!st)
			return err ? err->code : YC_EINTERNAL;
		db_bind_text(st, 1, code);
		rc = db_step(st, err);
		updated = rc == DB_ROW ? db_col_int(st, 0) : 0;
		bool active = rc == DB_ROW && !strcmp(db_col_text(st, 1), "active");
		db_done(st);
		if (rc < 0)
			return rc;
		if (rc == DB_DONE)
			return yc_err_set(err, YC_EINVAL, "item", "no item with code %s", code);
		if (!active)
			return yc_err_set(err, YC_EINVAL, "item", "item %s is retired", code);
	}
	if (!e || e->updated_ms != updated) {
		item_cache_arm();
		if (!e)
			e = victim;
		cJSON_Delete(e->doc);
		free(e->rule);
		e->doc = NULL;
		e->rule = NULL;
		st = db_prepare(
			d, "SELECT doc, name, department, updated_ms FROM items WHERE code = ?",
			err);
		if (!st)
			return err ? err->code : YC_EINTERNAL;
		db_bind_text(st, 1, code);
		if ((rc = db_step(st, err)) == DB_ROW) {
			e->doc = cJSON_Parse(db_col_text(st, 0));
			db_col_copy(st, 1, e->name, sizeof(e->name));
			db_col_copy(st, 2, e->department, sizeof(e->department));
			e->updated_ms = db_col_int(st, 3);
			snprintf(e->code, sizeof(e->code), "%s", code);
		}
		db_done(st);
		if (rc < 0)
			return rc;
		if (!e->doc)
			return yc_err_set(err, YC_EINTERNAL, NULL, "item %s is damaged", code);
		if (!(e->rule = rule_snapshot(e->doc))) {
			cJSON_Delete(e->doc);
			e->doc = NULL;
			return yc_err_set(err, YC_ENOMEM, NULL, NULL);
		}
	}
	if (!(n->rule = strdup(e->rule)))
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	if (!trusted) {
		e->checked_us = now_us;
		e->moved = moved;
	}
	n->item_updated_ms = e->updated_ms;
	e->used = ++item_cache_clock;
	snprintf(n->item_name, sizeof(n->item_name), "%s", e->name);
	snprintf(n->department, sizeof(n->department), "%s", e->department);
	snprintf(n->item, sizeof(n->item), "%s", code);
	*out = e->doc;
	return 0;
}

int case_prepare(db *d, const struct case_ctx *c, const yc_user *actor, const cJSON *body,
		 struct case_new *n, yc_err *err)
{
	(void)c;
	memset(n, 0, sizeof(*n));
	static const yc_jfield spec[] = {
		{"item", YC_JT_STRING, true, 40},	    {"form", YC_JT_OBJECT, false, 0},
		{"materials", YC_JT_ARRAY, false, 100},	    {"channel", YC_JT_STRING, false, 16},
		{"applicant", YC_JT_OBJECT, false, 0},	    {"office", YC_JT_STRING, false, 31},
		{"decide_office", YC_JT_STRING, false, 31}, {"delivery", YC_JT_OBJECT, false, 0},
		{"commitment", YC_JT_BOOL, false, 0},
	};
	int rc = yc_json_check(body, spec, sizeof(spec) / sizeof(spec[0]), err);
	if (rc)
		return rc;
	const char *code = yc_json_str(body, "item");
	const cJSON *item = NULL;
	if ((rc = item_cached(d, code, &item, n, err)))
		return rc;
	snprintf(n->item, sizeof(n->item), "%s", code);
	cJSON *mats = NULL;
	const cJSON *form = cJSON_GetObjectItemCaseSensitive(body, "form");
	cJSON *empty = cJSON_CreateObject();
	rc = check_form(item, form ? form : empty, err);
	/* the channel, and who may use it */
	const char *channel = yc_json_str(body, "channel");
	if (!channel)
		channel = actor->role == ROLE_APPLICANT ? "online" : "window";
	if (!rc && !yc_one_of(channel, channels))
		rc = yc_err_set(err, YC_EINVAL, "channel",
				"channel must be window, online, mobile, kiosk, bank, town or "
				"cross_region");
	bool self_service = !strcmp(channel, "online") || !strcmp(channel, "mobile") ||
			    !strcmp(channel, "kiosk");
	if (!rc && actor->role == ROLE_APPLICANT && !self_service)
		rc = yc_err_set(err, YC_EINVAL, "channel",
				"applicants file online, by mobile or at a kiosk");
	if (!rc && actor->role == ROLE_CLERK &&
	    (!strcmp(channel, "online") || !strcmp(channel, "mobile")))
		rc = yc_err_set(err, YC_EINVAL, "channel", "a clerk files at a window or outlet");
	snprintf(n->channel, sizeof(n->channel), "%s", channel);
	/* offices: accepted where filed, decided where the item belongs (属地审批) */
	const char *office = yc_json_str(body, "office");
	const char *decide = yc_json_str(body, "decide_office");
	bool cross = !strcmp(channel, "cross_region");
	if (!rc) {
		char root[32];
		district_office(d, root, sizeof(root));
		if (actor->role == ROLE_CLERK) {
			snprintf(n->accept_office, sizeof(n->accept_office), "%s", actor->office);
			if (office && strcmp(office, actor->office))
				rc = yc_err_set(err, YC_EINVAL, "office",
						"a clerk files at their own office");
		} else {
			snprintf(n->accept_office, sizeof(n->accept_office), "%s",
				 office ? office : root);
			if (office && office_exists(d, office))
				rc = yc_err_set(err, YC_EINVAL, "office", "no office %s", office);
		}
		if (!rc && cross && !decide)
			rc = yc_err_set(err, YC_EINVAL, "decide_office",
					"a cross-region case names the office that decides it");
		if (!rc && decide && !cross)
			rc = yc_err_set(err, YC_EINVAL, "decide_office",
					"only a cross-region case is decided at another office");
		if (!rc && decide && office_exists(d, decide))
			rc = yc_err_set(err, YC_EINVAL, "decide_office", "no office %s", decide);
		snprintf(n->decide_office, sizeof(n->decide_office), "%s",
			 decide ? decide : n->accept_office);
	}
	if (!rc)
		rc = check_materials(d, cJSON_GetObjectItemCaseSensitive(body, "materials"),
				     cJSON_GetObjectItemCaseSensitive(item, "materials"),
				     "materials", actor->id, &mats, err);
	const cJSON *dv = cJSON_GetObjectItemCaseSensitive(body, "delivery");
	if (!rc && dv)
		rc = check_delivery(dv, cJSON_GetObjectItemCaseSensitive(item, "delivery"), cross,
				    "delivery", err);
	if (!rc && yc_json_bool(item, "commitment", false) &&
	    !yc_json_bool(body, "commitment", false))
		rc = yc_err_set(
			err, YC_EINVAL, "commitment",
			"this item is decided on the applicant's signed commitment (告知承诺)");
	if (!rc)
		rc = build_applicant(d, actor, body, n, err);
	if (!rc) {
		n->form = cJSON_PrintUnformatted(form ? form : empty);
		n->materials = cJSON_PrintUnformatted(mats);
		n->delivery = dv ? cJSON_PrintUnformatted(dv) : NULL;
		if (!n->rule || !n->form || !n->materials || (dv && !n->delivery))
			rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	cJSON_Delete(empty);
	cJSON_Delete(mats);
	if (rc)
		case_new_free(n);
	return rc;
}

/* The next case number: region + local date + the day's sequence. */
/*
 * Where sends are queued (PostgreSQL's writers), a submission waits for
 * nothing and sends nothing of its own: its case number is assumed, and its
 * number, case row and first timeline event go to the store at the end of the
 * transaction, each kind in one statement for all the transaction's new cases
 * (db_defer; before the audit chain's lock is taken). Every statement holds
 * only if what was assumed does, and otherwise the batch runs again without
 * queuing, where a submission reads its number and writes its rows at once.
 */
enum {
	CASE_NUMBERS_FLUSH = AUDIT_FLUSH_ORDER - 3,
	CASE_ROWS_FLUSH = AUDIT_FLUSH_ORDER - 2,
	CASE_EVENTS_FLUSH = AUDIT_FLUSH_ORDER - 1,
};

/*
 * Each writer thread's last case number: it assumes the next one follows,
 * when it drew the last one itself in this transaction, or in one that was
 * not rolled back since.
 */
static __thread struct {
	const db *d;
	char day[9];
	int64_t last;
	int64_t from;		/* the day's number in the store before this transaction's draws */
	uint64_t txn;		/* db_txn of the last draw */
	uint64_t rollbacks;	/* db_rollbacks then */
	int64_t assume_from_us; /* others draw numbers too: read until then */
} numbers;

/* A number assumed in this transaction: the day's last moves from from to seq. */
struct drawn_number {
	char day[9];
	int64_t from, seq;
};

static int numbers_flush(db *d, void **entries, size_t n, yc_err *err)
{
	for (size_t i = 0; i < n;) {
		const struct drawn_number *first = entries[i];
		size_t j = i;
		while (j + 1 < n &&
		       !strcmp(((struct drawn_number *)entries[j + 1])->day, first->day))
			j++;
		const struct drawn_number *last = entries[j];
		db_stmt *st = db_prepare(
			d, "UPDATE case_numbers SET last = ? WHERE day = ? AND last = ?", err);
		if (!st)
			return err ? err->code : YC_EINTERNAL;
		db_bind_int(st, 1, last->seq);
		db_bind_text(st, 2, first->day);
		db_bind_int(st, 3, first->from);
		int rc = db_send_expect(st, 1, err);
		db_done(st);
		if (rc < 0)
			return rc;
		i = j + 1;
	}
	return 0;
}

static int next_case_no(db *d, const struct case_ctx *c, int64_t now_ms, char *out, size_t size,
			yc_err *err)
{
	char date[16];
	yc_date_format(case_min_day(case_local_min(c, now_ms)), date, sizeof(date));
	char day[9] = {date[0], date[1], date[2], date[3], date[5], date[6], date[8], date[9], 0};
	int64_t seq = 0;
	int rc;
	bool known = numbers.d == d && !strcmp(numbers.day, day);
	bool same_txn = known && numbers.txn == db_txn(d);
	/* A writer that finds others drawing (several nodes or writers) reads for ten seconds. */
	bool assume = db_queuing(d) && known &&
		      (same_txn || (numbers.rollbacks == db_rollbacks(d) &&
				    yc_mono_us() >= numbers.assume_from_us));
	if (assume) {
		if (!same_txn)
			numbers.from = numbers.last;
		struct drawn_number *e = calloc(1, sizeof(*e));
		if (!e)
			return yc_err_set(err, YC_ENOMEM, NULL, NULL);
		memcpy(e->day, day, sizeof(e->day));
		e->from = numbers.from;
		seq = e->seq = numbers.last + 1;
		if ((rc = db_defer(d, CASE_NUMBERS_FLUSH, numbers_flush, e, free, err)))
			return rc;
	} else {
		db_stmt *st =
			db_prepare(d,
				   "INSERT INTO case_numbers (day, last) VALUES (?, 1)"
				   " ON CONFLICT (day) DO UPDATE SET last = case_numbers.last + 1"
				   " RETURNING last",
				   err);
		if (!st)
			return err ? err->code : YC_EINTERNAL;
		db_bind_text(st, 1, day);
		rc = db_step(st, err);
		seq = rc == DB_ROW ? db_col_int(st, 0) : 0;
		db_done(st);
		if (rc < 0)
			return rc;
		/* past this writer's last with no rollback since: another drew meanwhile */
		if (known && numbers.rollbacks == db_rollbacks(d) && seq - 1 > numbers.last)
			numbers.assume_from_us = yc_mono_us() + 10 * 1000 * 1000;
		numbers.d = d;
		memcpy(numbers.day, day, sizeof(numbers.day));
		numbers.from = seq;
	}
	numbers.last = seq;
	numbers.txn = db_txn(d);
	numbers.rollbacks = db_rollbacks(d);
	if (seq > 999999)
		return yc_err_set(err, YC_EUNAVAIL, NULL, "the day's case numbers are used up");
	snprintf(out, size, "%s%s%06lld", c->region, day, (long long)seq);
	return 0;
}

/* A new case's first event, kept for the end of its transaction. */
struct first_event {
	char no[32];
	int64_t at_ms;
	char actor[40];
	char role[16];
	char state[16];
};

static void first_event_bind(db_stmt *st, int col, size_t i, void *arg)
{
	const struct first_event *e = ((struct first_event **)arg)[i];
	db_bind_text(st, col++, e->no);
	db_bind_int(st, col++, 1);
	db_bind_int(st, col++, e->at_ms);
	db_bind_text(st, col++, e->actor);
	db_bind_text(st, col++, e->role);
	db_bind_text(st, col++, "submit");
	db_bind_text(st, col++, e->state);
	db_bind_text(st, col++, e->state);
	db_bind_int(st, col++, -1);
	db_bind_text(st, col++, "");
}

#define CASE_EVENT_INSERT                                                                          \
	"INSERT INTO case_events (case_no, seq, at_ms, actor, role, action, from_state,"           \
	" to_state, step, note)"

static int first_events_flush(db *d, void **entries, size_t n, yc_err *err)
{
	return db_insert_rows(d, CASE_EVENT_INSERT, 10, n, first_event_bind, entries, err);
}

static int add_event(db *d, const struct case_row *row, const yc_user *actor, int64_t now_ms,
		     const char *action, int from, const char *note, yc_err *err)
{
	if (!strcmp(action, "submit") && db_queuing(d)) {
		struct first_event *e = calloc(1, sizeof(*e));
		if (!e)
			return yc_err_set(err, YC_ENOMEM, NULL, NULL);
		snprintf(e->no, sizeof(e->no), "%s", row->no);
		e->at_ms = now_ms;
		snprintf(e->actor, sizeof(e->actor), "%s", actor->username);
		snprintf(e->role, sizeof(e->role), "%s", case_role_name(actor));
		snprintf(e->state, sizeof(e->state), "%s", case_state_name(from));
		return db_defer(d, CASE_EVENTS_FLUSH, first_events_flush, e, free, err);
	}
	return db_run(d, err, CASE_EVENT_INSERT " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		      "siisssssis", row->no, row->version, now_ms, actor->username,
		      case_role_name(actor), action, case_state_name(from),
		      case_state_name(row->state), (int64_t)row->step, note ? note : "");
}

/*
 * Everything a change owes besides the row: the timeline event, the audit
 * event (before and after states), the outbox event screens and other nodes
 * follow, and a notification to the applicant when there is news for them.
 */
static int record_change(db *d, const struct case_row *row, const yc_user *actor, int64_t now_ms,
			 const char *action, int from, const char *note, const char *tell_applicant,
			 yc_err *err)
{
	int rc = add_event(d, row, actor, now_ms, action, from, note, err);
	if (rc)
		return rc;
	char object[48], before[64], after[64];
	snprintf(object, sizeof(object), "case/%s", row->no);
	snprintf(before, sizeof(before), "{\"state\":\"%s\"}", case_state_name(from));
	snprintf(after, sizeof(after), "{\"state\":\"%s\"}", case_state_name(row->state));
	yc_actor a = {actor->username, case_role_name(actor)};
	char audit_action[48];
	snprintf(audit_action, sizeof(audit_action), "case.%s", action);
	if ((rc = audit_append(d, &a, audit_action, object, note ? note : "", before, after, err)))
		return rc;
	yc_buf p;
	yc_buf_init(&p, 0);
	yc_buf_adds(&p, "{\"no\":");
	yc_json_add_str(&p, row->no);
	yc_buf_addf(&p, ",\"state\":\"%s\",\"from\":\"%s\",\"department\":",
		    case_state_name(row->state), case_state_name(from));
	yc_json_add_str(&p, row->step_department[0] ? row->step_department : row->department);
	yc_buf_adds(&p, ",\"office\":");
	yc_json_add_str(&p, row->accept_office);
	yc_buf_adds(&p, ",\"assignee\":");
	yc_json_add_str(&p, row->assignee[0] ? row->assignee : NULL);
	yc_buf_adds(&p, ",\"light\":");
	yc_json_add_str(&p, row->light);
	yc_buf_addc(&p, '}');
	rc = outbox_append(d, "case", action, row->no, p.data, err);
	yc_buf_release(&p);
	if (rc || !tell_applicant)
		return rc;
	char to[48], text[512];
	snprintf(to, sizeof(to), "case:%s", row->no);
	snprintf(text, sizeof(text), "【一窗】您的办件%s（%s）%s", row->no, row->item_name,
		 tell_applicant);
	return notify_queue(d, "sms", to, text, err);
}

/*
 * Enters review step index: the step's department, and an assignee chosen by
 * the item's rule — random among the department's approvers, round-robin
 * (a cursor per department), or none (manual: a supervisor assigns, or an
 * approver claims). The assignee is told.
 */
static int enter_step(db *d, struct case_row *row, int index, yc_err *err)
{
	const cJSON *step = rule_step(row, index);
	row->step = index;
	snprintf(row->step_department, sizeof(row->step_department), "%s",
		 step ? yc_json_str(step, "department") : "");
	row->assignee[0] = '\0';
	const char *rule = yc_json_str(row->rule, "assignment");
	if (!step || (rule && !strcmp(rule, "manual")))
		return 0;
	db_stmt *st = db_prepare(d,
				 "SELECT id, username FROM users WHERE role = 'approver'"
				 " AND department = ? AND disabled = 0 ORDER BY id",
				 err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, row->step_department);
	int64_t ids[64];
	char names[64][40];
	int n = 0, rc;
	while ((rc = db_step(st, err)) == DB_ROW && n < 64) {
		ids[n] = db_col_int(st, 0);
		db_col_copy(st, 1, names[n], sizeof(names[n]));
		n++;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (!n)
		return 0; /* nobody eligible: the step waits for a claim */
	int pick = 0;
	if (rule && !strcmp(rule, "round_robin")) {
		db_stmt *cur = db_prepare(
			d, "SELECT last_user FROM assign_cursors WHERE department = ?", err);
		if (!cur)
			return err ? err->code : YC_EINTERNAL;
		db_bind_text(cur, 1, row->step_department);
		int64_t last = db_step(cur, NULL) == DB_ROW ? db_col_int(cur, 0) : 0;
		db_done(cur);
		for (pick = 0; pick < n && ids[pick] <= last; pick++)
			;
		if (pick == n)
			pick = 0;
		if ((rc = db_run(d, err,
				 "INSERT INTO assign_cursors (department, last_user) VALUES (?, ?)"
				 " ON CONFLICT (department) DO UPDATE SET last_user = "
				 "excluded.last_user",
				 "si", row->step_department, ids[pick])))
			return rc;
	} else {
		uint32_t r = 0;
		yc_random_bytes(&r, sizeof(r));
		pick = (int)(r % (uint32_t)n);
	}
	snprintf(row->assignee, sizeof(row->assignee), "%s", names[pick]);
	char to[64], text[512];
	snprintf(to, sizeof(to), "user:%s", row->assignee);
	snprintf(text, sizeof(text), "【一窗】待审批办件%s（%s），期限%s", row->no, row->item_name,
		 row->deadline[0] ? row->deadline : "—");
	return notify_queue(d, "sms", to, text, err);
}

/* A new case's row as inserted (at the end of the transaction where sends are queued). */
enum { NEW_CASE_TEXTS = 12 };
struct new_case {
	char no[32];
	int64_t applicant_user, now, item_updated_ms;
	char *text[NEW_CASE_TEXTS];
};

static void new_case_free(void *p)
{
	struct new_case *e = p;
	for (int i = 0; i < NEW_CASE_TEXTS; i++)
		free(e->text[i]);
	free(e);
}

static void new_case_bind(db_stmt *st, int col, size_t i, void *arg)
{
	const struct new_case *e = ((struct new_case **)arg)[i];
	db_bind_text(st, col++, e->no);
	for (int t = 0; t < 3; t++) /* item_name, department, rule */
		db_bind_text(st, col++, e->text[t]);
	bind_int_or_null(st, col++, e->applicant_user);
	for (int t = 3; t < 11; t++) /* applicant … delivery, then the item */
		db_bind_text(st, col++, e->text[t]);
	db_bind_int(st, col++, e->now);
	db_bind_text(st, col++, e->text[11]);
	db_bind_int(st, col++, e->item_updated_ms);
}

/* New cases, each only if its item is still the version it was checked against. */
static int new_cases_flush(db *d, void **entries, size_t n, yc_err *err)
{
	return db_insert_rows_expect(
		d,
		"INSERT INTO cases (no, item, item_name, department, rule, applicant_user, "
		"applicant,"
		" phone4, channel, accept_office, decide_office, state, form, materials, delivery,"
		" submitted_ms, updated_ms)"
		" SELECT v.column1, i.code, v.column2, v.column3, v.column4,"
		" CAST(v.column5 AS INTEGER), v.column6, v.column7, v.column8, v.column9,"
		" v.column10, 'submitted', v.column11, v.column12, v.column13,"
		" CAST(v.column14 AS BIGINT), CAST(v.column14 AS BIGINT) FROM (",
		") AS v JOIN items i ON i.code = v.column15"
		" AND i.updated_ms = CAST(v.column16 AS BIGINT) AND i.status = 'active'",
		16, n, new_case_bind, entries, err);
}

static struct new_case *new_case_make(const struct case_new *n, const char *no, int64_t now,
				      yc_err *err)
{
	struct new_case *e = calloc(1, sizeof(*e));
	if (!e) {
		yc_err_set(err, YC_ENOMEM, NULL, NULL);
		return NULL;
	}
	snprintf(e->no, sizeof(e->no), "%s", no);
	e->applicant_user = n->applicant_user;
	e->now = now;
	e->item_updated_ms = n->item_updated_ms;
	const char *texts[NEW_CASE_TEXTS] = {
		n->item_name,	  n->department,    n->rule, n->applicant, n->phone4,	n->channel,
		n->accept_office, n->decide_office, n->form, n->materials, n->delivery, n->item,
	};
	for (int t = 0; t < NEW_CASE_TEXTS; t++)
		if (texts[t] && !(e->text[t] = strdup(texts[t]))) {
			new_case_free(e);
			yc_err_set(err, YC_ENOMEM, NULL, NULL);
			return NULL;
		}
	return e;
}

/*
 * The case row, if the item is still the version n was checked against and
 * active: one row, or none (YC_ECONFLICT where run at once). Where sends are
 * queued, the row waits for the end of the transaction.
 */
static int insert_case(db *d, const struct case_new *n, const char *no, int64_t now, yc_err *err)
{
	struct new_case *e = new_case_make(n, no, now, err);
	if (!e)
		return YC_ENOMEM;
	if (db_queuing(d))
		return db_defer(d, CASE_ROWS_FLUSH, new_cases_flush, e, new_case_free, err);
	void *one[] = {e};
	int rc = new_cases_flush(d, one, 1, err);
	new_case_free(e);
	return rc;
}

int case_submit(db *d, const struct case_ctx *c, const yc_user *actor, const cJSON *body,
		struct case_new *n, yc_buf *out, yc_err *err)
{
	int64_t now = case_now_ms(c);
	struct case_row row;
	memset(&row, 0, sizeof(row));
	int rc = next_case_no(d, c, now, row.no, sizeof(row.no), err);
	if (rc)
		return rc;
	rc = insert_case(d, n, row.no, now, err);
	if (rc == YC_ECONFLICT && body) {
		/* The item changed (or retired) since n was checked: check the body again. */
		atomic_fetch_add(&item_moved, 1);
		case_new_free(n);
		if ((rc = case_prepare(d, c, actor, body, n, err)))
			return rc;
		rc = insert_case(d, n, row.no, now, err);
	}
	if (rc == YC_ECONFLICT)
		return yc_err_set(err, YC_ECONFLICT, "item",
				  "item %s changed while the case was submitted; submit it again",
				  n->item);
	if (rc < 0)
		return rc;
	row.version = 1;
	row.state = CS_SUBMITTED;
	row.step = -1;
	snprintf(row.item_name, sizeof(row.item_name), "%s", n->item_name);
	snprintf(row.department, sizeof(row.department), "%s", n->department);
	snprintf(row.accept_office, sizeof(row.accept_office), "%s", n->accept_office);
	snprintf(row.light, sizeof(row.light), "none");
	if ((rc = record_change(d, &row, actor, now, "submit", CS_SUBMITTED, "", NULL, err)))
		return rc;
	if (!out)
		return 0;
	/* the new case in brief, from what is at hand (GET /cases/{no} gives the whole) */
	yc_buf_adds(out, "{\"no\":");
	yc_json_add_str(out, row.no);
	yc_buf_adds(out, ",\"item\":");
	yc_json_add_str(out, n->item);
	yc_buf_adds(out, ",\"item_name\":");
	yc_json_add_str(out, n->item_name);
	yc_buf_addf(out, ",\"state\":\"submitted\",\"state_label\":\"%s\",\"channel\":",
		    case_state_labels[CS_SUBMITTED]);
	yc_json_add_str(out, n->channel);
	yc_buf_adds(out, ",\"accept_office\":");
	yc_json_add_str(out, n->accept_office);
	yc_buf_adds(out, ",\"decide_office\":");
	yc_json_add_str(out, n->decide_office);
	yc_json_add_time(out, "submitted_at", now, c->tz_offset_min);
	return yc_buf_adds(out, ",\"version\":1}");
}

/* ---- actions ---------------------------------------------------------------- */

int case_action_check(enum case_action a, const cJSON *body, yc_err *err)
{
	static const yc_jfield none[] = {{"note", YC_JT_STRING, false, 500}};
	static const yc_jfield reason[] = {{"reason", YC_JT_STRING, true, 1000}};
	static const yc_jfield deficient[] = {
		{"missing", YC_JT_ARRAY, true, 100},
		{"days", YC_JT_INT, false, 0},
		{"note", YC_JT_STRING, false, 500},
	};
	static const yc_jfield correction[] = {
		{"reason", YC_JT_STRING, true, 1000},
		{"days", YC_JT_INT, false, 0},
	};
	static const yc_jfield supplement[] = {
		{"materials", YC_JT_ARRAY, false, 100},
		{"form", YC_JT_OBJECT, false, 0},
		{"note", YC_JT_STRING, false, 500},
	};
	static const yc_jfield assign[] = {
		{"assignee", YC_JT_STRING, true, 39},
		{"reason", YC_JT_STRING, true, 1000},
	};
	static const yc_jfield approve[] = {{"opinion", YC_JT_STRING, false, 1000}};
	static const yc_jfield ret[] = {
		{"to", YC_JT_STRING, true, 16},
		{"reason", YC_JT_STRING, true, 1000},
		{"materials", YC_JT_ARRAY, false, 100},
	};
	static const yc_jfield suspend[] = {
		{"type", YC_JT_STRING, true, 16},
		{"reason", YC_JT_STRING, true, 1000},
	};
	static const yc_jfield delivery[] = {
		{"mode", YC_JT_STRING, true, 16},
		{"address", YC_JT_STRING, false, 300},
		{"tracking_no", YC_JT_STRING, false, 40},
	};
	static const yc_jfield deliver[] = {
		{"mode", YC_JT_STRING, false, 16},
		{"address", YC_JT_STRING, false, 300},
		{"tracking_no", YC_JT_STRING, false, 40},
	};
	static const yc_jfield close[] = {{"pickup_code", YC_JT_STRING, false, 16}};
#define SPEC(s) s, sizeof(s) / sizeof(s[0])
	const yc_jfield *spec = none;
	size_t n = 1;
	switch (a) {
	case CA_REFUSE:
	case CA_DENY:
	case CA_WITHDRAW: spec = reason, n = 1; break;
	case CA_ACCEPT_DEFICIENT: spec = deficient, n = 3; break;
	case CA_REQUEST_CORRECTION: spec = correction, n = 2; break;
	case CA_SUPPLEMENT: spec = supplement, n = 3; break;
	case CA_ASSIGN: spec = assign, n = 2; break;
	case CA_APPROVE: spec = approve, n = 1; break;
	case CA_RETURN: spec = ret, n = 3; break;
	case CA_SUSPEND: spec = suspend, n = 2; break;
	case CA_CHOOSE_DELIVERY: spec = delivery, n = 3; break;
	case CA_DELIVER: spec = deliver, n = 3; break;
	case CA_CLOSE: spec = close, n = 1; break;
	default: break;
	}
#undef SPEC
	if (a == CA_WITHDRAW) {
		static const yc_jfield w[] = {{"reason", YC_JT_STRING, false, 1000}};
		spec = w, n = 1;
	}
	cJSON *empty = NULL;
	if (!body)
		body = empty = cJSON_CreateObject();
	int rc = yc_json_check(body, spec, n, err);
	const char *r = yc_json_str(body, "reason");
	if (!rc &&
	    (a == CA_REFUSE || a == CA_DENY || a == CA_REQUEST_CORRECTION || a == CA_ASSIGN ||
	     a == CA_RETURN || a == CA_SUSPEND) &&
	    (!r || !*r))
		rc = yc_err_set(err, YC_EINVAL, "reason", "a reason is required");
	if (!rc && a == CA_RETURN && strcmp(yc_json_str(body, "to"), "previous") &&
	    strcmp(yc_json_str(body, "to"), "applicant"))
		rc = yc_err_set(err, YC_EINVAL, "to", "to must be previous or applicant");
	if (!rc && a == CA_RETURN && !strcmp(yc_json_str(body, "to"), "previous") &&
	    cJSON_GetObjectItemCaseSensitive(body, "materials"))
		rc = yc_err_set(err, YC_EINVAL, "materials",
				"materials are named only when returning to the applicant");
	if (!rc && a == CA_SUSPEND && !yc_one_of(yc_json_str(body, "type"), special_procedures))
		rc = yc_err_set(err, YC_EINVAL, "type",
				"type must be hearing, inspection, testing, appraisal or "
				"expert_review");
	int64_t days = yc_json_int(body, "days", 5);
	if (!rc && (days < 1 || days > 60))
		rc = yc_err_set(err, YC_EINVAL, "days", "days must be from 1 to 60");
	cJSON_Delete(empty);
	return rc;
}

/* Notes written to the timeline, from the body's reason, note or opinion. */
static const char *body_note(const cJSON *body)
{
	const char *s = yc_json_str(body, "reason");
	if (!s)
		s = yc_json_str(body, "note");
	if (!s)
		s = yc_json_str(body, "opinion");
	return s ? s : "";
}

static bool has_material(const cJSON *materials, const char *id)
{
	const cJSON *m;
	cJSON_ArrayForEach (m, materials)
		if (!strcmp(yc_json_str(m, "id"), id))
			return true;
	return false;
}

/* The decision at acceptance of instant and commitment-based items (and of items without steps). */
static bool decided_at_acceptance(const struct case_row *row)
{
	const char *type = yc_json_str(row->rule, "case_type");
	return (type && !strcmp(type, "instant")) || yc_json_bool(row->rule, "commitment", false) ||
	       rule_nsteps(row) == 0;
}

static int create_post_check(db *d, const struct case_ctx *c, const struct case_row *row,
			     yc_err *err)
{
	char due[16];
	int rc = due_in(c, (int)yc_json_int(row->rule, "post_check_days", 20), due, err);
	if (rc)
		return rc;
	if ((rc = db_run(d, err,
			 "INSERT INTO post_checks (case_no, department, due_day, state, created_ms)"
			 " VALUES (?, ?, ?, 'open', ?)",
			 "sssi", row->no, row->department, due, case_now_ms(c))))
		return rc;
	db_stmt *st =
		db_prepare(d,
			   "SELECT username FROM users WHERE role = 'approver' AND department = ?"
			   " AND disabled = 0 ORDER BY id LIMIT 1",
			   err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, row->department);
	char to[64] = "";
	if (db_step(st, NULL) == DB_ROW)
		snprintf(to, sizeof(to), "user:%s", db_col_text(st, 0));
	db_done(st);
	if (!to[0])
		return 0;
	char text[512];
	snprintf(text, sizeof(text), "【一窗】告知承诺办件%s需在%s前完成核查", row->no, due);
	return notify_queue(d, "sms", to, text, err);
}

/*
 * Material ids named by staff (field[i]: those 容缺受理 accepts as owed, or
 * those a return asks for): each a material of the item, named once; with
 * provided false, none already provided.
 */
static int check_named(const struct case_row *row, const cJSON *named, const char *field,
		       bool provided, yc_err *err)
{
	int i = 0;
	const cJSON *m;
	cJSON_ArrayForEach (m, named) {
		char path[32];
		snprintf(path, sizeof(path), "%s[%d]", field, i++);
		bool declared = false;
		const cJSON *dm;
		cJSON_ArrayForEach (dm, cJSON_GetObjectItemCaseSensitive(row->rule, "materials"))
			if (cJSON_IsString(m) && !strcmp(yc_json_str(dm, "id"), m->valuestring))
				declared = true;
		if (!declared)
			return yc_err_set(err, YC_EINVAL, path, "%s is not a material of this item",
					  path);
		for (const cJSON *x = named->child; x != m; x = x->next)
			if (!strcmp(x->valuestring, m->valuestring))
				return yc_err_set(err, YC_EINVAL, path, "%s is named twice", path);
		if (!provided && has_material(row->materials, m->valuestring))
			return yc_err_set(err, YC_EINVAL, path, "%s was provided", path);
	}
	return 0;
}

/* Acceptance (plain or with deficiencies): the clock starts; some items are decided at once. */
static int do_accept(db *d, const struct case_ctx *c, struct case_row *row,
		     const struct case_transition *t, const cJSON *body, int64_t now, yc_err *err)
{
	cJSON *missing = missing_required(row->rule, row->materials);
	int rc = 0;
	if (t->action == CA_ACCEPT && cJSON_GetArraySize(missing) > 0) {
		rc = yc_err_set(err, YC_EINVAL, "materials",
				"required material %s is missing; request a correction or accept "
				"with deficiencies",
				cJSON_GetArrayItem(missing, 0)->valuestring);
	}
	if (!rc && t->action == CA_ACCEPT_DEFICIENT) {
		const cJSON *named = cJSON_GetObjectItemCaseSensitive(body, "missing");
		if (!cJSON_GetArraySize(named))
			rc = yc_err_set(err, YC_EINVAL, "missing",
					"name the missing materials (容缺受理)");
		if (!rc)
			rc = check_named(row, named, "missing", false, err);
		const cJSON *m;
		/* every required material is either provided or named missing */
		cJSON_ArrayForEach (m, missing) {
			bool named_it = false;
			const cJSON *x;
			cJSON_ArrayForEach (x, named)
				if (cJSON_IsString(x) && !strcmp(x->valuestring, m->valuestring))
					named_it = true;
			if (!rc && !named_it)
				rc = yc_err_set(err, YC_EINVAL, "missing",
						"required material %s is missing and not named",
						m->valuestring);
		}
		if (!rc) {
			cJSON_Delete(missing);
			missing = cJSON_Duplicate(named, true);
			rc = due_in(c, (int)yc_json_int(body, "days", c->correction_days),
				    row->due_day, err);
		}
	}
	if (rc) {
		cJSON_Delete(missing);
		return rc;
	}
	if (t->action == CA_ACCEPT) {
		cJSON_Delete(missing);
		missing = cJSON_CreateArray();
		row->due_day[0] = '\0';
	}
	cJSON_Delete(row->missing);
	row->missing = missing;
	if ((rc = clock_start(c, row, now, err)))
		return rc;
	if (decided_at_acceptance(row)) {
		row->state = t->alt;
		row->decided_ms = now;
		return yc_json_bool(row->rule, "commitment", false)
			       ? create_post_check(d, c, row, err)
			       : 0;
	}
	return enter_step(d, row, 0, err);
}

/*
 * A return to the applicant names the materials to supply again: they are
 * owed (row->missing) beside any deficiencies of 容缺受理 still open.
 */
static int owe_more(struct case_row *row, const cJSON *named, yc_err *err)
{
	int rc = check_named(row, named, "materials", true, err);
	const cJSON *m;
	cJSON_ArrayForEach (m, named) {
		bool owed = false;
		const cJSON *x;
		cJSON_ArrayForEach (x, row->missing)
			if (cJSON_IsString(x) && !strcmp(x->valuestring, m->valuestring))
				owed = true;
		if (!rc && !owed && !cJSON_AddItemToArray(row->missing, cJSON_CreateString(m->valuestring)))
			rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	return rc;
}

/*
 * Supplying what was asked for. In correction (补正), before acceptance,
 * nothing has been accepted yet: any material and the form. Once accepted,
 * what was accepted stays as it was accepted (issue 18, finding 11): only
 * what is owed (row->missing: the deficiencies of 容缺受理, and what a return
 * named) is supplied, and the form only when returned.
 */
static int do_supplement(db *d, const struct case_ctx *c, const yc_user *actor,
			 struct case_row *row, const cJSON *body, int64_t now, yc_err *err)
{
	cJSON *added = NULL;
	int rc = check_materials(d, cJSON_GetObjectItemCaseSensitive(body, "materials"),
				 cJSON_GetObjectItemCaseSensitive(row->rule, "materials"),
				 "materials", actor->id, &added, err);
	if (!rc && row->state != CS_CORRECTION) {
		int i = 0;
		const cJSON *m;
		cJSON_ArrayForEach (m, added) {
			bool owed = false;
			const cJSON *x;
			cJSON_ArrayForEach (x, row->missing)
				if (cJSON_IsString(x) && !strcmp(x->valuestring, yc_json_str(m, "id")))
					owed = true;
			if (!owed) {
				char path[32];
				snprintf(path, sizeof(path), "materials[%d]", i);
				rc = yc_err_set(err, YC_EINVAL, path,
						"%s: %s was accepted; only what is still owed is "
						"supplemented",
						path, yc_json_str(m, "id"));
				break;
			}
			i++;
		}
	}
	const cJSON *form = cJSON_GetObjectItemCaseSensitive(body, "form");
	if (!rc && !cJSON_GetArraySize(added) && !form)
		rc = yc_err_set(err, YC_EINVAL, "materials", "supplement materials or the form");
	if (!rc && form && row->state != CS_CORRECTION && row->state != CS_RETURNED)
		rc = yc_err_set(err, YC_EINVAL, "form", "the form is corrected only when asked");
	if (!rc && form) {
		/* the corrected form replaces the fields it names */
		cJSON *merged = cJSON_Duplicate(row->form, true);
		const cJSON *v;
		cJSON_ArrayForEach (v, form) {
			cJSON_DeleteItemFromObjectCaseSensitive(merged, v->string);
			cJSON_AddItemToObject(merged, v->string, cJSON_Duplicate(v, true));
		}
		rc = check_form(row->rule, merged, err); /* the form as it was at submission */
		if (rc) {
			cJSON_Delete(merged);
		} else {
			cJSON_Delete(row->form);
			row->form = merged;
		}
	}
	cJSON *supplied = rc ? NULL : cJSON_Duplicate(added, true);
	if (!rc && !supplied)
		rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	if (rc) {
		cJSON_Delete(added);
		return rc;
	}
	/* new contents replace those of the same material */
	cJSON *m;
	while ((m = cJSON_DetachItemFromArray(added, 0))) {
		int idx = 0, found = -1;
		const cJSON *old;
		cJSON_ArrayForEach (old, row->materials) {
			if (!strcmp(yc_json_str(old, "id"), yc_json_str(m, "id")))
				found = idx;
			idx++;
		}
		if (found >= 0)
			cJSON_ReplaceItemInArray(row->materials, found, m);
		else
			cJSON_AddItemToArray(row->materials, m);
	}
	cJSON_Delete(added);
	/* what was owed and is now supplied leaves the list */
	cJSON *still = cJSON_CreateArray();
	const cJSON *x;
	cJSON_ArrayForEach (x, row->missing)
		if (cJSON_IsString(x) && !has_material(supplied, x->valuestring))
			cJSON_AddItemToArray(still, cJSON_CreateString(x->valuestring));
	cJSON_Delete(supplied);
	cJSON_Delete(row->missing);
	row->missing = still;
	if (!cJSON_GetArraySize(still))
		row->due_day[0] = '\0';
	if (row->state == CS_CORRECTION) {
		row->state = CS_SUBMITTED;
		row->due_day[0] = '\0';
	} else if (row->state == CS_RETURNED) {
		row->state = CS_ACCEPTED;
		if ((rc = clock_resume(c, row, now, err)))
			return rc;
	}
	return 0;
}

/* The supervisor's choice of approver: one of the step department's approvers. */
static int do_assign(db *d, struct case_row *row, const cJSON *body, yc_err *err)
{
	const char *who = yc_json_str(body, "assignee");
	db_stmt *st = db_prepare(d,
				 "SELECT 1 FROM users WHERE username = ? AND role = 'approver'"
				 " AND department = ? AND disabled = 0",
				 err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, who);
	db_bind_text(st, 2, row->step_department);
	int rc = db_step(st, err);
	db_done(st);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return yc_err_set(err, YC_EINVAL, "assignee",
				  "%s is not an approver of the step's department", who);
	snprintf(row->assignee, sizeof(row->assignee), "%s", who);
	char to[64], text[512];
	snprintf(to, sizeof(to), "user:%s", who);
	snprintf(text, sizeof(text), "【一窗】办件%s（%s）已分派给您，期限%s", row->no,
		 row->item_name, row->deadline);
	return notify_queue(d, "sms", to, text, err);
}

static int do_deliver(struct case_row *row, const struct case_transition *t, const cJSON *body,
		      int64_t now, yc_err *err)
{
	cJSON *dv = row->delivery ? cJSON_Duplicate(row->delivery, true) : cJSON_CreateObject();
	const char *mode = yc_json_str(body, "mode");
	if (!mode)
		mode = yc_json_str(dv, "mode");
	bool cross = !strcmp(row->channel, "cross_region");
	if (!mode)
		mode = cross ? "mail" : "window";
	cJSON_DeleteItemFromObjectCaseSensitive(dv, "mode");
	cJSON_AddStringToObject(dv, "mode", mode);
	const char *addr = yc_json_str(body, "address");
	if (addr) {
		cJSON_DeleteItemFromObjectCaseSensitive(dv, "address");
		cJSON_AddStringToObject(dv, "address", addr);
	}
	const char *tracking = yc_json_str(body, "tracking_no");
	if (tracking) {
		cJSON_DeleteItemFromObjectCaseSensitive(dv, "tracking_no");
		cJSON_AddStringToObject(dv, "tracking_no", tracking);
	}
	int rc = check_delivery(dv, cJSON_GetObjectItemCaseSensitive(row->rule, "delivery"), cross,
				"delivery", err);
	if (rc) {
		/* name the body's fields, which is where the fix goes */
		if (err && !strncmp(err->field, "delivery.", 9))
			memmove(err->field, err->field + 9, strlen(err->field + 9) + 1);
		cJSON_Delete(dv);
		return rc;
	}
	if (!strcmp(mode, "mail") &&
	    !*(yc_json_str(dv, "tracking_no") ? yc_json_str(dv, "tracking_no") : "")) {
		cJSON_Delete(dv);
		return yc_err_set(err, YC_EINVAL, "tracking_no",
				  "delivery by mail needs a tracking number");
	}
	if (!strcmp(mode, "window")) {
		uint32_t r = 0;
		yc_random_bytes(&r, sizeof(r));
		char code[8];
		snprintf(code, sizeof(code), "%06u", r % 1000000u);
		cJSON_DeleteItemFromObjectCaseSensitive(dv, "pickup_code");
		cJSON_AddStringToObject(dv, "pickup_code", code);
	}
	cJSON_Delete(row->delivery);
	row->delivery = dv;
	if (!strcmp(mode, "electronic")) {
		row->state = t->alt; /* delivered electronically: closed at once */
		row->closed_ms = now;
	}
	return 0;
}

int case_act(db *d, const struct case_ctx *c, const yc_user *actor, const char *no,
	     enum case_action a, const cJSON *body, yc_buf *out, yc_err *err)
{
	int allowed = 0;
	for (int i = 0; i < case_table_len; i++)
		if (case_table[i].action == a)
			allowed |= case_table[i].roles;
	if (!(allowed & actor->role))
		return yc_err_set(err, YC_EFORBIDDEN, "action", "a %s may not %s a case",
				  case_role_name(actor), case_action_name(a));
	struct case_row row;
	int rc = case_row_load(d, no, &row, err);
	if (rc)
		return rc;
	cJSON *empty = cJSON_CreateObject();
	if (!body)
		body = empty;
	int64_t now = case_now_ms(c);
	int from = row.state;
	const struct case_transition *t = case_transition_find((enum case_state)row.state, a);
	if ((rc = case_may_view(&row, actor, err)))
		goto out;
	if (!t) {
		rc = yc_err_set(err, YC_ECONFLICT, "state", "a case that is %s cannot %s",
				case_state_name(row.state), case_action_name(a));
		if (err)
			snprintf(err->state, sizeof(err->state), "%s", case_state_name(row.state));
		goto out;
	}
	if (!(t->roles & actor->role)) {
		rc = yc_err_set(err, YC_EFORBIDDEN, "action", "a %s may not %s a %s case",
				case_role_name(actor), case_action_name(a),
				case_state_name(row.state));
		goto out;
	}
	if ((rc = may_act(&row, actor, a, err)))
		goto out;
	row.state = t->to;
	const char *tell = NULL;
	char note[1200];
	snprintf(note, sizeof(note), "%s", body_note(body));
	switch (a) {
	case CA_ACCEPT:
	case CA_ACCEPT_DEFICIENT:
		rc = do_accept(d, c, &row, t, body, now, err);
		tell = row.state == CS_APPROVED ? "已受理并办结，请按约定方式领取结果。"
						: "已受理，请关注办理进度。";
		if (!rc && a == CA_ACCEPT_DEFICIENT)
			tell = "已容缺受理，请在期限内补齐材料。";
		break;
	case CA_REQUEST_CORRECTION:
		rc = due_in(c, (int)yc_json_int(body, "days", c->correction_days), row.due_day,
			    err);
		tell = "需要补正材料，请在期限内补正。";
		break;
	case CA_REFUSE: tell = "不予受理，详见不予受理通知书。"; break;
	case CA_SUPPLEMENT:
		row.state = from; /* do_supplement moves it */
		rc = do_supplement(d, c, actor, &row, body, now, err);
		break;
	case CA_WITHDRAW:
		row.stopped_ms = 0;
		row.step_department[0] = row.assignee[0] = '\0';
		snprintf(row.light, sizeof(row.light), "none");
		break;
	case CA_ASSIGN:
		rc = do_assign(d, &row, body, err);
		snprintf(note, sizeof(note), "→ %s: %s", yc_json_str(body, "assignee"),
			 yc_json_str(body, "reason"));
		break;
	case CA_CLAIM: snprintf(row.assignee, sizeof(row.assignee), "%s", actor->username); break;
	case CA_APPROVE:
		if (!row.assignee[0])
			snprintf(row.assignee, sizeof(row.assignee), "%s", actor->username);
		if (row.step + 1 < rule_nsteps(&row)) {
			rc = enter_step(d, &row, row.step + 1, err);
		} else {
			row.state = t->alt;
			row.decided_ms = now;
			tell = "审批通过，请按约定方式领取结果。";
		}
		break;
	case CA_RETURN:
		if (!strcmp(yc_json_str(body, "to"), "previous")) {
			if (row.step <= 0)
				rc = yc_err_set(err, YC_EINVAL, "to",
						"the first step has no previous step");
			else
				rc = enter_step(d, &row, row.step - 1, err);
		} else {
			row.state = t->alt;
			row.stopped_ms = now;
			rc = owe_more(&row, cJSON_GetObjectItemCaseSensitive(body, "materials"), err);
			if (!rc)
				rc = due_in(c, c->correction_days, row.due_day, err);
			tell = "审查中需要补充材料，请尽快补充。";
		}
		break;
	case CA_DENY:
		row.decided_ms = now;
		tell = "不予许可，详见决定书。";
		break;
	case CA_SUSPEND:
		row.stopped_ms = now;
		snprintf(note, sizeof(note), "%s: %s", yc_json_str(body, "type"),
			 yc_json_str(body, "reason"));
		tell = "进入特别程序（听证、检验、检测、鉴定或专家评审），期间不计入办理时限。";
		break;
	case CA_RESUME:
		rc = clock_resume(c, &row, now, err);
		tell = "特别程序结束，恢复办理。";
		break;
	case CA_CHOOSE_DELIVERY: {
		const char *mode = yc_json_str(body, "mode");
		rc = check_delivery(body, cJSON_GetObjectItemCaseSensitive(row.rule, "delivery"),
				    !strcmp(row.channel, "cross_region"), "delivery", err);
		if (rc && err && !strncmp(err->field, "delivery.", 9))
			memmove(err->field, err->field + 9, strlen(err->field + 9) + 1);
		if (!rc) {
			cJSON_Delete(row.delivery);
			row.delivery = cJSON_Duplicate(body, true);
			snprintf(note, sizeof(note), "%s", mode);
		}
		break;
	}
	case CA_DELIVER:
		rc = do_deliver(&row, t, body, now, err);
		tell = row.state == CS_CLOSED ? "结果已电子送达，办件办结。"
					      : "结果已送达，请凭取件码领取或留意邮件。";
		break;
	case CA_CLOSE: {
		const char *mode = yc_json_str(row.delivery, "mode");
		const char *code = yc_json_str(body, "pickup_code");
		if (mode && !strcmp(mode, "window") && actor->role == ROLE_CLERK &&
		    (!code || strcmp(code, yc_json_str(row.delivery, "pickup_code"))))
			rc = yc_err_set(err, YC_EINVAL, "pickup_code",
					"the pickup code does not match");
		row.closed_ms = now;
		break;
	}
	case CA_LAPSE: break;
	case CA_NACTIONS: rc = YC_EINTERNAL; break;
	}
	if (rc)
		goto out;
	if (row.state != CS_ACCEPTED && row.state != CS_SUSPENDED && row.state != CS_RETURNED &&
	    row.state != CS_SUBMITTED && row.state != CS_CORRECTION) {
		/* decided or ended: no step, no light to keep current */
		row.step_department[0] = '\0';
		if (row.accepted_ms && row.decided_ms && row.state != CS_WITHDRAWN)
			snprintf(row.light, sizeof(row.light), "%s",
				 case_light_at(case_local_min(c, row.decided_ms), row.yellow_min,
					       row.deadline_min));
	} else if (row.state == CS_ACCEPTED) {
		snprintf(row.light, sizeof(row.light), "%s",
			 case_light_at(case_local_min(c, now), row.yellow_min, row.deadline_min));
	}
	if ((rc = case_row_store(d, &row, now, err)))
		goto out;
	rc = record_change(d, &row, actor, now, case_action_name(a), from, note, tell, err);
	if (!rc && out)
		rc = render_case(d, c, &row, actor, out, err);
out:
	cJSON_Delete(empty);
	case_row_free(&row);
	return rc;
}
