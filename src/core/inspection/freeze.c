/*
 * freeze.c — the lists a plan commits to: read from the rosters, filtered
 * by the plan's scope, sorted and written as lines (docs/draw.md §1), and
 * hashed with SM3.
 */
#include "core/inspection/freeze.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/banned.h"

struct ent {
	char *code;
	int cls;
	int64_t last_ms; /* the last task's draw, -1 none */
	char *last_team;
};
struct insp {
	char *cert, *fields;
};
struct excl {
	size_t entity;
	const char *cert;
};

static int cmp_ent(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->code, ((const struct ent *)b)->code);
}
static int cmp_insp(const void *a, const void *b)
{
	return strcmp(((const struct insp *)a)->cert, ((const struct insp *)b)->cert);
}
static int cmp_excl(const void *a, const void *b)
{
	const struct excl *x = a, *y = b;
	if (x->entity != y->entity)
		return x->entity < y->entity ? -1 : 1;
	return strcmp(x->cert, y->cert);
}

static bool in_scope(const cJSON *list, const char *v, bool prefix)
{
	if (!cJSON_GetArraySize(list))
		return true;
	const cJSON *w;
	cJSON_ArrayForEach (w, list) {
		if (!cJSON_IsString(w))
			continue;
		size_t n = strlen(w->valuestring);
		if (prefix ? !strncmp(v, w->valuestring, n) : !strcmp(v, w->valuestring))
			return true;
	}
	return false;
}

static ssize_t find_ent(const struct ent *e, size_t n, const char *code)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(e[mid].code, code);
		if (!c)
			return (ssize_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static const char *find_insp(const struct insp *s, size_t n, const char *cert)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s[mid].cert, cert);
		if (!c)
			return s[mid].cert;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct work {
	struct ent *e;
	size_t ne, cap_e;
	struct insp *s;
	size_t ns, cap_s;
	struct excl *x;
	size_t nx, cap_x;
};

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 1024;
	void *q = realloc(*p, c * size);
	if (!q)
		return YC_ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

static int load_entities(db *d, struct work *w, const cJSON *ind, const cJSON *reg, yc_err *err)
{
	db_stmt *st =
		db_prepare(d,
			   "SELECT credit_code, class, complaints + abnormal + serious, industry,"
			   " region FROM insp_entities WHERE state = 'active'",
			   err);
	if (!st)
		return db_failed(err);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (!in_scope(ind, db_col_text(st, 3), true) ||
		    !in_scope(reg, db_col_text(st, 4), false))
			continue;
		if (grow((void **)&w->e, &w->cap_e, w->ne, sizeof(*w->e))) {
			rc = YC_ENOMEM;
			break;
		}
		const char *cls = db_col_text(st, 1);
		struct ent *e = &w->e[w->ne];
		e->code = strdup(db_col_text(st, 0));
		e->cls = db_col_int(st, 2) ? 3 : cls[0] >= 'A' && cls[0] <= 'D' ? cls[0] - 'A' : 1;
		e->last_ms = -1;
		e->last_team = NULL;
		if (!e->code) {
			rc = YC_ENOMEM;
			break;
		}
		w->ne++;
	}
	db_done(st);
	if (rc == YC_ENOMEM)
		return yc_err_set(err, rc, NULL, NULL);
	if (w->ne > 1)
		qsort(w->e, w->ne, sizeof(*w->e), cmp_ent);
	return rc < 0 ? rc : 0;
}

static bool holds_one(const char *fields, const char *plan_fields)
{
	for (const char *p = plan_fields; *p;) {
		const char *e = strchr(p, ';');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char f[64];
		if (n < sizeof(f)) {
			memcpy(f, p, n);
			f[n] = '\0';
			if (draw_list_has(fields, f))
				return true;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

static int load_inspectors(db *d, struct work *w, const cJSON *depts, const char *fields,
			   yc_err *err)
{
	db_stmt *st = db_prepare(
		d, "SELECT cert_no, fields, department FROM insp_inspectors WHERE active = 1", err);
	if (!st)
		return db_failed(err);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (!in_scope(depts, db_col_text(st, 2), false) ||
		    !holds_one(db_col_text(st, 1), fields))
			continue;
		if (grow((void **)&w->s, &w->cap_s, w->ns, sizeof(*w->s))) {
			rc = YC_ENOMEM;
			break;
		}
		w->s[w->ns].cert = strdup(db_col_text(st, 0));
		w->s[w->ns].fields = strdup(db_col_text(st, 1));
		if (!w->s[w->ns].cert || !w->s[w->ns].fields) {
			free(w->s[w->ns].cert);
			free(w->s[w->ns].fields);
			rc = YC_ENOMEM;
			break;
		}
		w->ns++;
	}
	db_done(st);
	if (rc == YC_ENOMEM)
		return yc_err_set(err, rc, NULL, NULL);
	if (w->ns > 1)
		qsort(w->s, w->ns, sizeof(*w->s), cmp_insp);
	return rc < 0 ? rc : 0;
}

static int add_excl(struct work *w, size_t entity, const char *cert)
{
	const char *c = find_insp(w->s, w->ns, cert);
	if (!c) /* not in the list: nothing to exclude */
		return 0;
	if (grow((void **)&w->x, &w->cap_x, w->nx, sizeof(*w->x)))
		return YC_ENOMEM;
	w->x[w->nx++] = (struct excl){entity, c};
	return 0;
}

/* Declared conflicts, and each entity's last team (the latest drawn plan's task). */
static int load_exclusions(db *d, struct work *w, yc_err *err)
{
	db_stmt *st = db_prepare(d, "SELECT credit_code, cert_no FROM insp_conflicts", err);
	if (!st)
		return db_failed(err);
	int rc;
	while ((rc = db_step(st, err)) == DB_ROW) {
		ssize_t i = find_ent(w->e, w->ne, db_col_text(st, 0));
		if (i >= 0 && add_excl(w, (size_t)i, db_col_text(st, 1))) {
			rc = YC_ENOMEM;
			break;
		}
	}
	db_done(st);
	if (rc < 0 || rc == YC_ENOMEM)
		return rc == YC_ENOMEM ? yc_err_set(err, rc, NULL, NULL) : rc;
	if (!(st = db_prepare(d,
			      "SELECT t.credit_code, t.team, p.drawn_ms FROM insp_tasks t"
			      " JOIN insp_plans p ON p.id = t.plan",
			      err)))
		return db_failed(err);
	while ((rc = db_step(st, err)) == DB_ROW) {
		ssize_t i = find_ent(w->e, w->ne, db_col_text(st, 0));
		int64_t ms = db_col_int(st, 2);
		if (i < 0 || ms <= w->e[i].last_ms)
			continue;
		char *team = strdup(db_col_text(st, 1));
		if (!team) {
			rc = YC_ENOMEM;
			break;
		}
		free(w->e[i].last_team);
		w->e[i].last_team = team;
		w->e[i].last_ms = ms;
	}
	db_done(st);
	if (rc == YC_ENOMEM)
		return yc_err_set(err, rc, NULL, NULL);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < w->ne; i++) {
		char *t = w->e[i].last_team;
		for (char *p = t; p && *p;) {
			char *e = strchr(p, ';');
			if (e)
				*e = '\0';
			if (add_excl(w, i, p))
				return yc_err_set(err, YC_ENOMEM, NULL, NULL);
			if (!e)
				break;
			p = e + 1;
		}
	}
	if (w->nx > 1)
		qsort(w->x, w->nx, sizeof(*w->x), cmp_excl);
	return 0;
}

static void write_lines(struct work *w, const char *fields, struct frozen *out)
{
	size_t x = 0;
	for (size_t i = 0; i < w->ne; i++) {
		yc_buf_addf(&out->entities, "%s%s,%c", i ? "\n" : "", w->e[i].code,
			    'A' + w->e[i].cls);
		out->by_class[w->e[i].cls]++;
		const char *prev = NULL;
		int k = 0;
		for (; x < w->nx && w->x[x].entity == i; x++) {
			if (prev && !strcmp(prev, w->x[x].cert))
				continue; /* a conflict and the last team alike */
			yc_buf_addf(&out->entities, "%c%s", k++ ? ';' : ',', w->x[x].cert);
			prev = w->x[x].cert;
		}
	}
	for (size_t i = 0; i < w->ns; i++) {
		yc_buf_addf(&out->inspectors, "%s%s,%s", i ? "\n" : "", w->s[i].cert,
			    w->s[i].fields);
		int f = 0;
		for (const char *p = fields; *p && f < DRAW_FIELDS_MAX; f++) {
			const char *e = strchr(p, ';');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			char name[64];
			if (n < sizeof(name)) {
				memcpy(name, p, n);
				name[n] = '\0';
				out->per_field[f] += draw_list_has(w->s[i].fields, name);
			}
			if (!e)
				break;
			p = e + 1;
		}
	}
	out->nentities = w->ne;
	out->ninspectors = w->ns;
	yc_sm3_hex(out->entities.data, out->entities.len, out->entities_hash);
	yc_sm3_hex(out->inspectors.data, out->inspectors.len, out->inspectors_hash);
}

int insp_freeze(db *d, const char *departments, const char *fields, const char *industries,
		const char *regions, struct frozen *out, yc_err *err)
{
	memset(out, 0, sizeof(*out));
	yc_buf_init(&out->entities, 0);
	yc_buf_init(&out->inspectors, 0);
	cJSON *depts = cJSON_Parse(departments), *ind = cJSON_Parse(industries),
	      *reg = cJSON_Parse(regions);
	struct work w = {0};
	int rc = depts && ind && reg ? 0 : yc_err_set(err, YC_ENOMEM, NULL, NULL);
	if (!rc)
		rc = load_entities(d, &w, ind, reg, err);
	if (!rc)
		rc = load_inspectors(d, &w, depts, fields, err);
	if (!rc)
		rc = load_exclusions(d, &w, err);
	if (!rc)
		write_lines(&w, fields, out);
	for (size_t i = 0; i < w.ne; i++) {
		free(w.e[i].code);
		free(w.e[i].last_team);
	}
	for (size_t i = 0; i < w.ns; i++) {
		free(w.s[i].cert);
		free(w.s[i].fields);
	}
	free(w.e);
	free(w.s);
	free(w.x);
	cJSON_Delete(depts);
	cJSON_Delete(ind);
	cJSON_Delete(reg);
	if (rc)
		insp_frozen_free(out);
	return rc;
}

void insp_frozen_free(struct frozen *f)
{
	yc_buf_release(&f->entities);
	yc_buf_release(&f->inspectors);
}
