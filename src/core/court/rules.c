/*
 * rules.c — the court's rules: the document (types and their element forms, the simple
 * track's limits, teams and judges, grid courts), the filing form's checks, 繁简分流 and
 * the random assignment.
 *
 * 繁简分流, in order: a dispute type the rules mark complex → complex; a claim above
 * simple_max_yuan → complex; more parties than simple_max_parties → complex; otherwise
 * simple, and small claims (小额诉讼) when the claim is at most small_claims_max_yuan.
 * A simple case goes to one of the fast-track teams, a complex one to the ordinary
 * division; the team and the judge within it are picked by SM3 of the case number (its
 * first four bytes modulo the fast teams, the next four modulo the team's judges): random
 * in that nobody chooses, and recomputable by anyone from the published rules.
 */
#include "core/court/internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/case/case.h"
#include "lib/crypto.h"
#include "lib/timeutil.h"
#include "lib/json.h"
#include "lib/banned.h"

int64_t court_now(const struct court_ctx *c)
{
	if (c->now_ms)
		return c->now_ms;
	if (c->cases && c->cases->now_ms)
		return c->cases->now_ms;
	return yc_now_ms();
}

int32_t court_day(const struct court_ctx *c, int64_t ms)
{
	int64_t local = ms / 60000 + (c->cases ? c->cases->tz_offset_min : 480);
	return (int32_t)(local >= 0 ? local / 1440 : (local - 1439) / 1440);
}

bool court_staff(const struct court_ctx *c, const yc_user *u)
{
	return u->role == ROLE_ADMIN || u->role == ROLE_SUPERVISOR ||
	       (u->role == ROLE_APPROVER && !strcmp(u->department, c->department));
}

int court_rules_get(db *d, cJSON **rules, yc_err *err)
{
	*rules = NULL;
	db_stmt *st = db_prepare(d, "SELECT doc FROM court_rules WHERE one = 1", err);
	if (!st)
		return db_failed(err);
	int rc = db_step(st, err);
	if (rc == DB_ROW)
		*rules = cJSON_Parse(db_col_text(st, 0));
	db_done(st);
	if (rc < 0)
		return rc;
	if (!*rules)
		return yc_err_set(err, YC_ENOTFOUND, NULL, "the court's rules are not loaded");
	return 0;
}

const cJSON *court_type(const cJSON *rules, const char *name)
{
	const cJSON *t;
	cJSON_ArrayForEach (t, cJSON_GetObjectItemCaseSensitive(rules, "types")) {
		const char *n = yc_json_str(t, "name");
		if (n && name && !strcmp(n, name))
			return t;
	}
	return NULL;
}

int court_rules_load(db *d, const char *json, yc_err *err)
{
	cJSON *doc = NULL;
	int rc = yc_json_parse(json, strlen(json), &doc, err);
	if (rc)
		return rc;
	static const yc_jfield spec[] = {
		{"simple_max_yuan", YC_JT_INT, true, 0, .min = 0, .max = 100000000},
		{"small_claims_max_yuan", YC_JT_INT, true, 0, .min = 0, .max = 100000000},
		{"simple_max_parties", YC_JT_INT, true, 0, .min = 2, .max = 100},
		{"teams", YC_JT_ARRAY, true, 20},
		{"types", YC_JT_ARRAY, true, 100},
		{"grid_courts", YC_JT_ARRAY, true, 100},
	};
	static const yc_jfield team_spec[] = {
		{"code", YC_JT_STRING, true, 7},
		{"name", YC_JT_STRING, true, 60},
		{"fast", YC_JT_BOOL, true, 0},
		{"judges", YC_JT_ARRAY, true, 20},
	};
	static const yc_jfield type_spec[] = {
		{"name", YC_JT_STRING, true, 60},
		{"commercial", YC_JT_BOOL, true, 0},
		{"simple", YC_JT_BOOL, true, 0},
		{"elements", YC_JT_ARRAY, false, 30},
	};
	static const yc_jfield grid_spec[] = {
		{"code", YC_JT_STRING, true, 7},
		{"name", YC_JT_STRING, true, 60},
		{"communities", YC_JT_ARRAY, true, 10},
	};
	if (!(rc = yc_json_check(doc, spec, sizeof(spec) / sizeof(spec[0]), err)) &&
	    !(rc = yc_json_check_each(doc, "teams", team_spec, 4, err)) &&
	    !(rc = yc_json_check_each(doc, "types", type_spec, 4, err)))
		rc = yc_json_check_each(doc, "grid_courts", grid_spec, 3, err);
	/* a fast team and an ordinary one at least, each with a judge */
	int fast = 0, ordinary = 0;
	const cJSON *t, *teams = rc ? NULL : cJSON_GetObjectItemCaseSensitive(doc, "teams");
	cJSON_ArrayForEach (t, teams) {
		if (!cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(t, "judges")))
			rc = yc_err_set(err, YC_EINVAL, "teams", "team %s has no judge",
					yc_json_str(t, "code"));
		yc_json_bool(t, "fast", false) ? fast++ : ordinary++;
	}
	if (!rc && (!fast || !ordinary))
		rc = yc_err_set(err, YC_EINVAL, "teams",
				"the rules need a fast-track team and an ordinary division");
	char *text = rc ? NULL : cJSON_PrintUnformatted(doc);
	if (!rc)
		rc = db_run(d, err,
			    "INSERT INTO court_rules (one, doc) VALUES (1, ?) ON CONFLICT (one) DO"
			    " UPDATE SET doc = excluded.doc",
			    "s", text);
	cJSON_free(text);
	cJSON_Delete(doc);
	return rc;
}

int court_rules_json(db *d, yc_buf *out, yc_err *err)
{
	cJSON *rules;
	int rc = court_rules_get(d, &rules, err);
	if (!rc) {
		char *text = cJSON_PrintUnformatted(rules);
		rc = yc_buf_adds(out, text) ? YC_ENOMEM : 0;
		cJSON_free(text);
	}
	cJSON_Delete(rules);
	return rc;
}

/* The k-th unsigned 32-bit word of SM3(no), big-endian. */
static uint32_t word_of(const unsigned char h[32], int k)
{
	return (uint32_t)h[k * 4] << 24 | (uint32_t)h[k * 4 + 1] << 16 |
	       (uint32_t)h[k * 4 + 2] << 8 | h[k * 4 + 3];
}

int court_classify(db *d, const char *no, const char *type, int64_t amount_fen, int parties,
		   struct court_track *t, yc_err *err)
{
	memset(t, 0, sizeof(*t));
	cJSON *rules;
	int rc = court_rules_get(d, &rules, err);
	if (rc)
		return rc;
	const cJSON *ty = court_type(rules, type);
	int64_t simple_max = yc_json_int(rules, "simple_max_yuan", 0) * 100;
	int64_t small_max = yc_json_int(rules, "small_claims_max_yuan", 0) * 100;
	int64_t max_parties = yc_json_int(rules, "simple_max_parties", 2);
	t->commercial = yc_json_bool(ty, "commercial", false);
	if (!ty || !yc_json_bool(ty, "simple", false))
		snprintf(t->basis, sizeof(t->basis), "案由“%s”按规则属繁案", type);
	else if (amount_fen > simple_max)
		snprintf(t->basis, sizeof(t->basis), "诉讼标的额超过%lld元，属繁案",
			 (long long)(simple_max / 100));
	else if (parties > max_parties)
		snprintf(t->basis, sizeof(t->basis), "当事人超过%lld人，属繁案",
			 (long long)max_parties);
	else {
		t->simple = true;
		t->small_claims = amount_fen <= small_max;
		snprintf(t->basis, sizeof(t->basis), "%s类简案，标的额不超过%lld元%s", type,
			 (long long)(simple_max / 100),
			 t->small_claims ? "，适用小额诉讼程序" : "");
	}
	/* 随机: by SM3 of the case number, among the track's teams, then the team's judges */
	unsigned char h[32];
	yc_sm3(no, strlen(no), h);
	const cJSON *teams = cJSON_GetObjectItemCaseSensitive(rules, "teams"), *x;
	int n = 0;
	cJSON_ArrayForEach (x, teams)
		n += yc_json_bool(x, "fast", false) == t->simple;
	int pick = n ? (int)(word_of(h, 0) % (uint32_t)n) : 0, k = 0;
	cJSON_ArrayForEach (x, teams) {
		if (yc_json_bool(x, "fast", false) != t->simple)
			continue;
		if (k++ == pick) {
			const cJSON *judges = cJSON_GetObjectItemCaseSensitive(x, "judges");
			int nj = cJSON_GetArraySize(judges);
			const cJSON *j =
				cJSON_GetArrayItem(judges, (int)(word_of(h, 1) % (uint32_t)nj));
			snprintf(t->team, sizeof(t->team), "%s", yc_json_str(x, "code"));
			snprintf(t->judge, sizeof(t->judge), "%s",
				 cJSON_IsString(j) ? j->valuestring : "");
		}
	}
	cJSON_Delete(rules);
	return 0;
}

int court_form_rules(db *d, void *arg, const char *item, const cJSON *form, yc_err *err)
{
	const struct court_ctx *c = arg;
	if (!c || strcmp(item, c->item))
		return c && c->form_then ? c->form_then(d, c->form_then_arg, item, form, err) : 0;
	const cJSON *amount = cJSON_GetObjectItemCaseSensitive(form, "claim_amount");
	const cJSON *parties = cJSON_GetObjectItemCaseSensitive(form, "parties");
	if (!cJSON_IsNumber(amount) || amount->valuedouble < 0 || amount->valuedouble > 1e11 ||
	    fabs(amount->valuedouble * 100 - round(amount->valuedouble * 100)) > 1e-6)
		return yc_err_set(err, YC_EINVAL, "form.claim_amount",
				  "form.claim_amount is yuan and fen, not negative");
	if (!cJSON_IsNumber(parties) || parties->valuedouble != floor(parties->valuedouble) ||
	    parties->valuedouble < 2 || parties->valuedouble > 200)
		return yc_err_set(err, YC_EINVAL, "form.parties",
				  "form.parties is a whole number from 2 to 200");
	return 0;
}
