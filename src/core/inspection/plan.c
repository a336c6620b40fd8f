/*
 * plan.c — a spot-check plan, from its draft to its draw.
 *
 *     ┌───────┐  commit: freeze the lists,      ┌───────────┐  draw: the witnesses'  ┌───────┐
 *     │ draft │ ──────────────────────────────▶ │ committed │ ─────────────────────▶ │ drawn │
 *     └───────┘  publish their hashes and the   └───────────┘  inputs, the picks,    └───────┘
 *         │      commitment to a secret               │        the tasks, the secret
 *         │ cancel                                    │ cancel       revealed
 *         ▼                                           ▼
 *     ┌───────────┐ ◀─────────────────────────────────┘
 *     │ cancelled │  (the commitment stays published: a cancelled draw is seen)
 *     └───────────┘
 *
 * Every move is the lead department's regulator's (or a supervisor's, the
 * administrator's). Committing refuses a plan whose ratios draw less than
 * min-permille overall, or whose fields have fewer inspectors than a team.
 */
#include "core/inspection/internal.h"
#include "core/inspection/freeze.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

static const char *const state_names[] = {"draft", "committed", "drawn", "cancelled"};
static const char *const action_names[] = {"commit", "draw", "cancel"};

#define REGULATORS (ROLE_APPROVER | ROLE_SUPERVISOR | ROLE_ADMIN)
static const struct lc_row plan_table[] = {
	{PS_DRAFT, PA_COMMIT, REGULATORS, PS_COMMITTED, PS_COMMITTED, 0, 0},
	{PS_DRAFT, PA_CANCEL, REGULATORS, PS_CANCELLED, PS_CANCELLED, 0, 0},
	{PS_COMMITTED, PA_DRAW, REGULATORS, PS_DRAWN, PS_DRAWN, 0, 0},
	{PS_COMMITTED, PA_CANCEL, REGULATORS, PS_CANCELLED, PS_CANCELLED, 0, 0},
};

const struct lc_table insp_plan_lifecycle = {
	.name = "plan",
	.rows = plan_table,
	.nrows = (int)(sizeof(plan_table) / sizeof(plan_table[0])),
	.states = state_names,
	.nstates = PS_N,
	.actions = action_names,
	.nactions = PA_N,
};

enum { LIST_MAX = 32, WITNESS_MAX = 9, INPUT_MAX = 200 };

/* ---- checking a plan -------------------------------------------------------- */

static int check_words(const cJSON *list, const char *name, size_t max_len, yc_err *err)
{
	int i = 0;
	const cJSON *w;
	cJSON_ArrayForEach (w, list) {
		if (!cJSON_IsString(w) || !w->valuestring[0] || strlen(w->valuestring) > max_len ||
		    strpbrk(w->valuestring, ",;\"\n"))
			return yc_err_set(err, YC_EINVAL, name,
					  "%s[%d] is a word of at most %zu bytes", name, i,
					  max_len);
		i++;
	}
	return 0;
}

int insp_plan_check(const cJSON *body, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"name", YC_JT_STRING, true, 200},
		{"departments", YC_JT_ARRAY, true, 8},
		{"items", YC_JT_ARRAY, true, LIST_MAX},
		{"industries", YC_JT_ARRAY, false, LIST_MAX},
		{"regions", YC_JT_ARRAY, false, LIST_MAX},
		{"ratios", YC_JT_OBJECT, true, 0},
		{"team_size", YC_JT_INT, false, 0, .min = 2, .max = DRAW_TEAM_MAX},
	};
	int rc = yc_json_check(body, spec, 7, err);
	if (!rc && !yc_json_str(body, "name")[0])
		rc = yc_err_set(err, YC_EINVAL, "name", "name the plan");
	static const char *const lists[] = {"departments", "items", "industries", "regions"};
	for (int i = 0; !rc && i < 4; i++)
		rc = check_words(cJSON_GetObjectItemCaseSensitive(body, lists[i]), lists[i], 47,
				 err);
	if (!rc && !cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(body, "departments")))
		rc = yc_err_set(err, YC_EINVAL, "departments", "name the lead department");
	if (!rc && !cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(body, "items")))
		rc = yc_err_set(err, YC_EINVAL, "items", "name the spot-check items");
	static const yc_jfield ratio_spec[] = {
		{"A", YC_JT_INT, true, 0, .min = 0, .max = 1000},
		{"B", YC_JT_INT, true, 0, .min = 0, .max = 1000},
		{"C", YC_JT_INT, true, 0, .min = 0, .max = 1000},
		{"D", YC_JT_INT, true, 0, .min = 0, .max = 1000},
	};
	if (!rc && (rc = yc_json_check(cJSON_GetObjectItemCaseSensitive(body, "ratios"), ratio_spec,
				       4, err)))
		yc_err_prefix(rc, err, "ratios");
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The items' fields, distinct, byte order, ";" between; each item the plan's departments'. */
static int plan_fields(db *d, const cJSON *body, char *fields, size_t size, yc_err *err)
{
	const cJSON *depts = cJSON_GetObjectItemCaseSensitive(body, "departments");
	const char *f[LIST_MAX];
	int n = 0, i = 0;
	char field[64], dept[32];
	const cJSON *it;
	cJSON_ArrayForEach (it, cJSON_GetObjectItemCaseSensitive(body, "items")) {
		int rc = db_get(d, err, "SELECT field, department FROM insp_items WHERE code = ?",
				"s", "tt", it->valuestring, field, sizeof(field), dept,
				sizeof(dept));
		if (rc < 0)
			return rc;
		if (rc == DB_DONE)
			return yc_err_set(err, YC_EINVAL, "items",
					  "items[%d]: no spot-check item %s", i, it->valuestring);
		bool ours = false;
		const cJSON *dp;
		cJSON_ArrayForEach (dp, depts)
			ours |= !strcmp(dp->valuestring, dept);
		if (!ours)
			return yc_err_set(err, YC_EINVAL, "items",
					  "items[%d]: %s is %s's, not of the plan's departments", i,
					  it->valuestring, dept);
		bool seen = false;
		for (int k = 0; k < n; k++)
			seen |= !strcmp(f[k], field);
		if (!seen) {
			if (n == DRAW_FIELDS_MAX)
				return yc_err_set(err, YC_EINVAL, "items",
						  "at most %d fields a plan", DRAW_FIELDS_MAX);
			/* the names live in the body's strings' place: copy them apart */
			char *copy = strdup(field);
			if (!copy)
				return yc_err_set(err, YC_ENOMEM, NULL, NULL);
			f[n++] = copy;
		}
		i++;
	}
	if (n > 1)
		qsort(f, (size_t)n, sizeof(f[0]), cmp_str);
	yc_buf b;
	yc_buf_init(&b, 0);
	for (int k = 0; k < n; k++) {
		yc_buf_addf(&b, "%s%s", k ? ";" : "", f[k]);
		free((char *)f[k]);
	}
	int rc = b.len < size ? 0 : yc_err_set(err, YC_EINVAL, "items", "the fields are too long");
	if (!rc)
		memcpy(fields, b.data, b.len + 1);
	yc_buf_release(&b);
	return rc;
}

int insp_plan_create(db *d, const struct insp_ctx *c, const yc_user *u, const cJSON *body,
		     yc_buf *out, yc_err *err)
{
	const cJSON *depts = cJSON_GetObjectItemCaseSensitive(body, "departments");
	const char *lead = cJSON_GetArrayItem(depts, 0)->valuestring;
	if (!insp_regulator_of(d, u, lead))
		return yc_err_set(err, YC_EFORBIDDEN, "departments",
				  "only %s's regulators may lead this plan", lead);
	int i = 0;
	const cJSON *dp;
	cJSON_ArrayForEach (dp, depts) {
		if (db_get(d, NULL, "SELECT 1 FROM departments WHERE code = ?", "s", "",
			   dp->valuestring) != DB_ROW)
			return yc_err_set(err, YC_EINVAL, "departments",
					  "departments[%d]: no department %s", i, dp->valuestring);
		i++;
	}
	char fields[512];
	int rc = plan_fields(d, body, fields, sizeof(fields), err);
	if (rc)
		return rc;
	const cJSON *ratios = cJSON_GetObjectItemCaseSensitive(body, "ratios");
	char ratio_text[48];
	snprintf(ratio_text, sizeof(ratio_text), "%d,%d,%d,%d", (int)yc_json_int(ratios, "A", 0),
		 (int)yc_json_int(ratios, "B", 0), (int)yc_json_int(ratios, "C", 0),
		 (int)yc_json_int(ratios, "D", 0));
	int64_t now = insp_now(c);
	int32_t day = insp_day(c, now);
	int y;
	unsigned mo, da;
	yc_civil_from_days(day, &y, &mo, &da);
	if ((rc = db_lock(d, "insp-plan-number", err)))
		return rc;
	char prefix[16], id[32];
	snprintf(prefix, sizeof(prefix), "CC%d-%%", y);
	int64_t n = 0;
	if ((rc = db_get(d, err, "SELECT COUNT(*) FROM insp_plans WHERE id LIKE ?", "s", "i",
			 prefix, &n)) < 0)
		return rc;
	rc = 0;
	snprintf(id, sizeof(id), "CC%d-%04lld", y, (long long)n + 1);
	char *dj = cJSON_PrintUnformatted(depts);
	char *ij = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(body, "items"));
	const cJSON *ind = cJSON_GetObjectItemCaseSensitive(body, "industries");
	const cJSON *reg = cJSON_GetObjectItemCaseSensitive(body, "regions");
	char *indj = ind ? cJSON_PrintUnformatted(ind) : NULL;
	char *regj = reg ? cJSON_PrintUnformatted(reg) : NULL;
	if (!dj || !ij || (ind && !indj) || (reg && !regj))
		rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	if (!rc)
		rc = db_run(
			d, err,
			"INSERT INTO insp_plans (id, name, departments, items, fields, industries,"
			" regions, ratios, team_size, state, created_by, created_ms)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?)",
			"ssssssssisi", id, yc_json_str(body, "name"), dj, ij, fields,
			indj ? indj : "[]", regj ? regj : "[]", ratio_text,
			yc_json_int(body, "team_size", 2), u->username, now);
	if (!rc) {
		yc_actor a = {u->username, account_role_name(u->role)};
		rc = audit_append(d, &a, "inspection.plan.create", id, NULL, NULL, NULL, err);
	}
	free(dj);
	free(ij);
	free(indj);
	free(regj);
	return rc ? rc : insp_plan_json(d, u, id, out, err);
}

/* ---- a plan's row ------------------------------------------------------------ */

struct plan_row {
	char id[32], state[16], lead[32], fields[512], ratios[48];
	char *departments, *industries, *regions; /* JSON texts */
	int team_size;
};

static void plan_row_free(struct plan_row *p)
{
	free(p->departments);
	free(p->industries);
	free(p->regions);
}

static int plan_load(db *d, const char *id, struct plan_row *p, yc_err *err)
{
	memset(p, 0, sizeof(*p));
	db_stmt *st =
		db_prepare(d,
			   "SELECT id, state, departments, fields, ratios, industries, regions,"
			   " team_size FROM insp_plans WHERE id = ?",
			   err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		db_col_copy(st, 0, p->id, sizeof(p->id));
		db_col_copy(st, 1, p->state, sizeof(p->state));
		p->departments = strdup(db_col_text(st, 2));
		db_col_copy(st, 3, p->fields, sizeof(p->fields));
		db_col_copy(st, 4, p->ratios, sizeof(p->ratios));
		p->industries = strdup(db_col_text(st, 5));
		p->regions = strdup(db_col_text(st, 6));
		p->team_size = (int)db_col_int(st, 7);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return yc_err_set(err, YC_ENOTFOUND, "id", "no plan %s", id);
	if (!p->departments || !p->industries || !p->regions) {
		plan_row_free(p);
		return yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	cJSON *dj = cJSON_Parse(p->departments);
	const cJSON *first = cJSON_GetArrayItem(dj, 0);
	snprintf(p->lead, sizeof(p->lead), "%s", cJSON_IsString(first) ? first->valuestring : "");
	cJSON_Delete(dj);
	return 0;
}

/* The plan's draw settings: ratios, fields, team size (pointers into p). */
static void plan_draw_settings(struct plan_row *p, struct draw_plan *dp)
{
	memset(dp, 0, sizeof(*dp));
	sscanf(p->ratios, "%d,%d,%d,%d", &dp->permille[0], &dp->permille[1], &dp->permille[2],
	       &dp->permille[3]);
	dp->team_size = p->team_size;
	for (char *s = p->fields; *s && dp->nfields < DRAW_FIELDS_MAX;) {
		dp->fields[dp->nfields++] = s;
		char *e = strchr(s, ';');
		if (!e)
			break;
		*e = '\0';
		s = e + 1;
	}
}

/* ---- commit: freezing the lists --------------------------------------------- */

static int commit(db *d, const struct insp_ctx *c, const yc_user *u, struct plan_row *p,
		  yc_err *err)
{
	struct frozen fz;
	char fields_copy[512];
	memcpy(fields_copy, p->fields, sizeof(fields_copy));
	int rc = insp_freeze(d, p->departments, fields_copy, p->industries, p->regions, &fz, err);
	if (rc)
		return rc;
	struct draw_plan dp;
	plan_draw_settings(p, &dp);
	/* the plan draws at least min-permille overall, and has a team for each field */
	size_t drawn = 0;
	for (int k = 0; k < DRAW_CLASSES; k++)
		drawn += draw_count(fz.by_class[k], dp.permille[k]);
	size_t need = draw_count(fz.nentities, c->min_permille);
	if (!fz.nentities)
		rc = yc_err_set(err, YC_ECONFLICT, "industries",
				"no market entity is in the scope");
	else if (drawn < need)
		rc = yc_err_set(err, YC_EINVAL, "ratios",
				"the ratios draw %zu of %zu entities, less than %d‰ (%zu)", drawn,
				fz.nentities, c->min_permille, need);
	for (int f = 0; !rc && f < dp.nfields; f++)
		if (fz.per_field[f] < (size_t)dp.team_size)
			rc = yc_err_set(
				err, YC_ECONFLICT, "team_size",
				"%zu inspectors of %s in the plan's departments, fewer than a "
				"team of %d",
				fz.per_field[f], dp.fields[f], dp.team_size);
	char secret[65], commitment[65];
	if (!rc && c->draws) { /* the demo's repeatable past */
		for (int i = 0; i < 4; i++) {
			uint64_t z = (*c->draws += 0x9e3779b97f4a7c15ULL);
			z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
			z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
			snprintf(secret + 16 * i, 17, "%016llx",
				 (unsigned long long)(z ^ (z >> 31)));
		}
	} else if (!rc && yc_random_hex(secret, 32)) {
		rc = yc_err_set(err, YC_EIO, NULL, "no randomness for the secret");
	}
	if (!rc) {
		yc_sm3_hex(secret, 64, commitment);
		rc = db_run(d, err,
			    "UPDATE insp_plans SET state = 'committed', committed_ms = ?, "
			    "commitment = ?,"
			    " secret = ?, entities = ?, entities_hash = ?, inspectors = ?,"
			    " inspectors_hash = ? WHERE id = ?",
			    "isssssss", insp_now(c), commitment, secret, fz.entities.data,
			    fz.entities_hash, fz.inspectors.data, fz.inspectors_hash, p->id);
	}
	if (!rc) {
		yc_actor a = {u->username, account_role_name(u->role)};
		char after[200];
		snprintf(after, sizeof(after),
			 "{\"commitment\":\"%s\",\"entities\":%zu,\"inspectors\":%zu}", commitment,
			 fz.nentities, fz.ninspectors);
		rc = audit_append(d, &a, "inspection.plan.commit", p->id, NULL, NULL, after, err);
	}
	insp_frozen_free(&fz);
	return rc;
}

/* ---- draw: the witnesses' inputs, the picks, the tasks ------------------------ */

int insp_plan_act_check(const char *action, const cJSON *body, yc_err *err)
{
	if (strcmp(action, "draw"))
		return 0;
	static const yc_jfield spec[] = {{"witnesses", YC_JT_ARRAY, true, WITNESS_MAX}};
	static const yc_jfield wspec[] = {{"name", YC_JT_STRING, true, 60},
					  {"input", YC_JT_STRING, true, INPUT_MAX}};
	int rc = yc_json_check(body, spec, 1, err);
	if (!rc)
		rc = yc_json_check_each(body, "witnesses", wspec, 2, err);
	int i = 0;
	const cJSON *w;
	cJSON_ArrayForEach (w, cJSON_GetObjectItemCaseSensitive(body, "witnesses")) {
		if (rc)
			break;
		const char *in = yc_json_str(w, "input"), *name = yc_json_str(w, "name");
		if (!name[0])
			rc = yc_err_set(err, YC_EINVAL, "witnesses", "witnesses[%d].name is empty",
					i);
		else if (!in[0] || strchr(in, '\n') || strchr(in, '\r'))
			rc = yc_err_set(err, YC_EINVAL, "witnesses",
					"witnesses[%d].input is one line of text", i);
		i++;
	}
	if (!rc && !i)
		rc = yc_err_set(err, YC_EINVAL, "witnesses", "a draw has at least one witness");
	return rc;
}

static int insert_tasks(db *d, const char *plan, const struct draw_lists *l,
			const struct draw_result *r, yc_err *err)
{
	yc_buf team;
	yc_buf_init(&team, 0);
	int rc = 0;
	for (size_t i = 0; !rc && i < r->n; i++) {
		yc_buf_clear(&team);
		for (int t = 0; t < r->team_len; t++)
			yc_buf_addf(&team, "%s%s", t ? ";" : "",
				    l->inspector[r->team[i * (size_t)r->team_len + (size_t)t]]);
		char id[48];
		snprintf(id, sizeof(id), "%s-%zu", plan, i + 1);
		rc = db_run(d, err,
			    "INSERT INTO insp_tasks (id, plan, position, credit_code, team, state)"
			    " VALUES (?, ?, ?, ?, ?, 'assigned')",
			    "ssiss", id, plan, (int64_t)(i + 1), l->entity[r->entity[i]],
			    team.data);
	}
	yc_buf_release(&team);
	return rc;
}

static int draw(db *d, const struct insp_ctx *c, const yc_user *u, struct plan_row *p,
		const cJSON *body, yc_err *err)
{
	char secret[72] = "", eh[72] = "", ih[72] = "";
	char *etext = NULL, *itext = NULL;
	db_stmt *st =
		db_prepare(d,
			   "SELECT secret, entities_hash, inspectors_hash, entities, inspectors"
			   " FROM insp_plans WHERE id = ?",
			   err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, p->id);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		db_col_copy(st, 0, secret, sizeof(secret));
		db_col_copy(st, 1, eh, sizeof(eh));
		db_col_copy(st, 2, ih, sizeof(ih));
		etext = strdup(db_col_text(st, 3));
		itext = strdup(db_col_text(st, 4));
	}
	db_done(st);
	if (rc < 0)
		return rc;
	const cJSON *ws = cJSON_GetObjectItemCaseSensitive(body, "witnesses");
	const char *inputs[WITNESS_MAX];
	int n = 0;
	const cJSON *w;
	cJSON_ArrayForEach (w, ws)
		inputs[n++] = yc_json_str(w, "input");
	unsigned char seed[32];
	char hex[65];
	draw_seed(secret, eh, ih, inputs, n, seed, hex);
	struct draw_lists l;
	struct draw_result r = {0};
	struct draw_plan dp;
	plan_draw_settings(p, &dp);
	rc = etext && itext ? draw_lists_parse(etext, itext, &l, err)
			    : yc_err_set(err, YC_ENOMEM, NULL, NULL);
	if (!rc) {
		rc = draw_run(seed, &l, &dp, &r, err);
		if (rc == YC_EINVAL) { /* a team that cannot be made: the plan stays committed */
			char why[sizeof(err->message)];
			snprintf(why, sizeof(why), "%s", err->message);
			rc = yc_err_conflict(err, "inspectors", "committed", "%s", why);
		}
		if (!rc)
			rc = insert_tasks(d, p->id, &l, &r, err);
		draw_result_free(&r);
		draw_lists_free(&l);
	}
	char *wj = cJSON_PrintUnformatted(ws);
	if (!rc && !wj)
		rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	if (!rc)
		rc = db_run(
			d, err,
			"UPDATE insp_plans SET state = 'drawn', inputs = ?, seed = ?, drawn_ms = ?,"
			" drawn_by = ? WHERE id = ?",
			"ssiss", wj, hex, insp_now(c), u->username, p->id);
	if (!rc) {
		yc_actor a = {u->username, account_role_name(u->role)};
		rc = audit_append(d, &a, "inspection.plan.draw", p->id, NULL, NULL, wj, err);
	}
	free(wj);
	free(etext);
	free(itext);
	return rc;
}

int insp_plan_act(db *d, const struct insp_ctx *c, const yc_user *u, const char *id,
		  const char *action, const cJSON *body, yc_buf *out, yc_err *err)
{
	int a = lc_action(&insp_plan_lifecycle, action);
	if (a < 0)
		return yc_err_set(err, YC_ENOTFOUND, "action", "no action %s", action);
	struct plan_row p;
	int rc = plan_load(d, id, &p, err);
	if (rc)
		return rc;
	if (!insp_regulator_of(d, u, p.lead))
		rc = yc_err_set(err, YC_EFORBIDDEN, NULL, "only %s's regulators run this plan",
				p.lead);
	int from = lc_state(&insp_plan_lifecycle, p.state);
	const struct lc_row *row = rc ? NULL : lc_find(&insp_plan_lifecycle, from, a);
	if (!rc && !row)
		rc = lc_refuse(&insp_plan_lifecycle, from, a, err);
	if (!rc && !(row->roles & u->role))
		rc = yc_err_set(err, YC_EFORBIDDEN, NULL, "not allowed for this account");
	if (!rc && (rc = db_lock(d, "insp-plan", err)) == 0) {
		if (a == PA_COMMIT)
			rc = commit(d, c, u, &p, err);
		else if (a == PA_DRAW)
			rc = draw(d, c, u, &p, body, err);
		else if (!(rc = db_run(d, err,
				       "UPDATE insp_plans SET state = 'cancelled' WHERE id = ?",
				       "s", p.id))) {
			yc_actor ac = {u->username, account_role_name(u->role)};
			rc = audit_append(d, &ac, "inspection.plan.cancel", p.id, NULL, NULL, NULL,
					  err);
		}
	}
	plan_row_free(&p);
	return rc ? rc : insp_plan_json(d, u, id, out, err);
}

/* ---- views --------------------------------------------------------------------- */

int insp_plans_json(db *d, const yc_user *u, const struct insp_query *q, yc_buf *out, yc_err *err)
{
	if (!insp_regulator_of(d, u, NULL)) /* a department that runs no spot checks: none */
		return yc_buf_adds(out, "{\"plans\":[]}") ? YC_ENOMEM : 0;
	db_stmt *st = db_prepare(
		d,
		"SELECT p.id, p.name, p.departments, p.fields, p.state, p.commitment, p.team_size,"
		" p.created_ms, p.drawn_ms, (SELECT COUNT(*) FROM insp_tasks t WHERE t.plan = p.id)"
		" AS tasks, (SELECT COUNT(*) FROM insp_tasks t WHERE t.plan = p.id AND"
		" t.state = 'published') AS published FROM insp_plans p ORDER BY p.created_ms DESC,"
		" p.id DESC LIMIT ?",
		err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, q->limit ? q->limit : 100);
	yc_buf_adds(out, "{\"plans\":");
	int rc = db_rows_json(st, "ssjsssiiiii", out, err);
	if (!rc)
		yc_buf_adds(out, "}");
	return rc;
}

int insp_plan_json(db *d, const yc_user *u, const char *id, yc_buf *out, yc_err *err)
{
	if (!insp_regulator_of(d, u, NULL))
		return yc_err_set(err, YC_EFORBIDDEN, NULL, "plans are the regulators'");
	db_stmt *st = db_prepare(
		d,
		"SELECT id, name, departments, items, fields, industries, regions, ratios, "
		"team_size,"
		" state, created_by, created_ms, committed_ms, commitment, entities_hash,"
		" inspectors_hash, inputs, seed, drawn_ms, drawn_by, CASE WHEN state = 'drawn' THEN"
		" secret END AS secret, (SELECT COUNT(*) FROM insp_tasks t WHERE t.plan = p.id) AS"
		" tasks FROM insp_plans p WHERE id = ?",
		err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, id);
	yc_buf rows;
	yc_buf_init(&rows, 0);
	int rc = db_rows_json(st, "ssjjsjjsissiisssjsissi", &rows, err);
	if (!rc && rows.len <= 2)
		rc = yc_err_set(err, YC_ENOTFOUND, "id", "no plan %s", id);
	if (!rc) /* the one object, without the array's brackets */
		yc_buf_add(out, rows.data + 1, rows.len - 2);
	yc_buf_release(&rows);
	return rc;
}
