/* prepare.c — a submission prepared on the listener thread, with the parsed-item cache. */
#include "core/case/case.h"

#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/case/internal.h"
#include "core/common/ids.h"
#include "core/common/material.h"
#include "core/common/notify.h"
#include "core/common/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

void case_new_free(struct case_new *n)
{
	free(n->rule);
	free(n->applicant);
	free(n->form);
	free(n->materials);
	free(n->delivery);
	memset(n, 0, sizeof(*n));
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
 * body, and bumps case_item_moved so that every thread's entries are read again.
 */
enum { ITEM_CACHE = 32, ITEM_TRUST_US = 1000 * 1000 };
atomic_uint case_item_moved;
static __thread struct item_cache_entry {
	char code[48];
	int64_t checked_us; /* when the store last confirmed updated_ms and active */
	unsigned moved;	    /* case_item_moved then */
	int64_t updated_ms;
	char name[304];
	char department[32];
	cJSON *doc;
	char *rule; /* case_rule_snapshot(doc), made once */
	unsigned used;
} item_cache[ITEM_CACHE];
static __thread unsigned item_cache_clock;

void case_cache_enable(void)
{
	case_rule_cache_on = true;
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
	case_rule_cache_release();
	case_rule_cache_on = false;
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
	unsigned moved = atomic_load(&case_item_moved);
	bool trusted = e && e->moved == moved && now_us - e->checked_us < ITEM_TRUST_US;
	int64_t updated = trusted ? e->updated_ms : 0;
	db_stmt *st;
	int rc;
	if (!trusted) {
		st = db_prepare(d, "SELECT updated_ms, status FROM items WHERE code = ?", err);
		if (!st)
			return db_failed(err);
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
			return db_failed(err);
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
		if (!(e->rule = case_rule_snapshot(e->doc))) {
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
	rc = case_check_form(item, form ? form : empty, err);
	/* and the rules of the capability that runs the item (the bridge-loan fund's) */
	if (!rc && c->form_rules)
		rc = c->form_rules(d, c->form_rules_arg, code, form ? form : empty, err);
	/* the channel, and who may use it */
	const char *channel = yc_json_str(body, "channel");
	if (!channel)
		channel = actor->role == ROLE_APPLICANT ? "online"
			  : actor->role == ROLE_BANK	? "bank"
							: "window";
	if (!rc && !yc_one_of(channel, case_channels))
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
	if (!rc && actor->role == ROLE_BANK && strcmp(channel, "bank"))
		rc = yc_err_set(err, YC_EINVAL, "channel", "a bank outlet files with channel bank");
	snprintf(n->channel, sizeof(n->channel), "%s", channel);
	/* offices: accepted where filed, decided where the item belongs (属地审批) */
	const char *office = yc_json_str(body, "office");
	const char *decide = yc_json_str(body, "decide_office");
	bool cross = !strcmp(channel, "cross_region");
	if (!rc) {
		char root[32];
		case_district_office(d, root, sizeof(root));
		if (actor->role == ROLE_CLERK || actor->role == ROLE_BANK) {
			/* a bank outlet files for the office whose window accepts its filings */
			snprintf(n->accept_office, sizeof(n->accept_office), "%s", actor->office);
			if (office && strcmp(office, actor->office))
				rc = yc_err_set(err, YC_EINVAL, "office",
						"a clerk files at their own office");
		} else {
			snprintf(n->accept_office, sizeof(n->accept_office), "%s",
				 office ? office : root);
			if (office && case_office_exists(d, office))
				rc = yc_err_set(err, YC_EINVAL, "office", "no office %s", office);
		}
		if (!rc && cross && !decide)
			rc = yc_err_set(err, YC_EINVAL, "decide_office",
					"a cross-region case names the office that decides it");
		if (!rc && decide && !cross)
			rc = yc_err_set(err, YC_EINVAL, "decide_office",
					"only a cross-region case is decided at another office");
		if (!rc && decide && case_office_exists(d, decide))
			rc = yc_err_set(err, YC_EINVAL, "decide_office", "no office %s", decide);
		snprintf(n->decide_office, sizeof(n->decide_office), "%s",
			 decide ? decide : n->accept_office);
	}
	if (!rc)
		rc = case_check_materials(
			d, c, cJSON_GetObjectItemCaseSensitive(body, "materials"),
			cJSON_GetObjectItemCaseSensitive(item, "materials"), "materials", actor->id,
			actor->role == ROLE_APPLICANT
				? NULL
				: yc_json_str(cJSON_GetObjectItemCaseSensitive(body, "applicant"),
					      "id_number"),
			&mats, err);
	const cJSON *dv = cJSON_GetObjectItemCaseSensitive(body, "delivery");
	if (!rc && dv)
		rc = case_check_delivery(dv, cJSON_GetObjectItemCaseSensitive(item, "delivery"),
					 cross, "delivery", err);
	if (!rc && yc_json_bool(item, "commitment", false) &&
	    !yc_json_bool(body, "commitment", false))
		rc = yc_err_set(
			err, YC_EINVAL, "commitment",
			"this item is decided on the applicant's signed commitment (告知承诺)");
	if (!rc)
		rc = case_build_applicant(d, actor, body, n, err);
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
