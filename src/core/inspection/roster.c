/*
 * roster.c — the two rosters (名录库: market entities; 执法检查人员名录库:
 * inspectors and their declared conflicts) imported from CSV all or nothing,
 * every bad row named; the spot-check item and 首次不罚 lists from JSON; the
 * rosters' views; who is a regulator.
 *
 * A CSV roster has a header line naming its columns, in English or as the
 * district's exports write them (统一社会信用代码, 名称 …), in any order;
 * then one row a line. The file's line numbers name the bad rows.
 */
#include "core/inspection/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/common/audit.h"
#include "core/common/ids.h"
#include "lib/csv.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

enum { COL_MAX = 12, TEXT_MAX = 200, PROBLEMS_SHOWN = 500 };

struct column {
	const char *key, *zh;
	bool required;
};

/* Each roster's columns: the first is the row's key (no key twice in a file). */
static const struct column entity_cols[] = {
	{"credit_code", "统一社会信用代码", true},
	{"name", "名称", true},
	{"type", "类型", true},
	{"industry", "行业", true},
	{"address", "住所", true},
	{"region", "区域", true},
	{"class", "风险等级", false},
	{"complaints", "投诉较多", false},
	{"abnormal", "经营异常", false},
	{"serious", "严重违法", false},
	{"foreign_invested", "外资", false},
	{NULL, NULL, false},
};
static const struct column inspector_cols[] = {
	{"cert_no", "执法证号", true}, {"name", "姓名", true},	    {"department", "部门", true},
	{"fields", "检查领域", true},  {"username", "账号", false}, {NULL, NULL, false},
};
static const struct column conflict_cols[] = {
	{"cert_no", "执法证号", true},
	{"credit_code", "统一社会信用代码", true},
	{"reason", "原因", true},
	{NULL, NULL, false},
};
static const struct column *const roster_cols[INSP_ROSTERS] = {entity_cols, inspector_cols,
							       conflict_cols};
static const char *const roster_names[INSP_ROSTERS] = {"entities", "inspectors", "conflicts"};

int insp_roster_kind(const char *name)
{
	for (int i = 0; i < INSP_ROSTERS; i++)
		if (name && !strcmp(name, roster_names[i]))
			return i;
	return -1;
}

bool insp_regulator_of(db *d, const yc_user *u, const char *department)
{
	if (u->role & (ROLE_SUPERVISOR | ROLE_ADMIN))
		return true;
	if (!(u->role & ROLE_APPROVER) || (department && strcmp(department, u->department)))
		return false;
	return db_get(d, NULL, "SELECT 1 FROM insp_items WHERE department = ? LIMIT 1", "s", "",
		      u->department) == DB_ROW;
}

/* ---- reading a roster --------------------------------------------------------- */

/* One row's values by column, and the line it came from. */
struct row {
	int line;
	const char *v[COL_MAX];
};

struct sheet {
	int kind;
	int map[YC_CSV_MAX_FIELDS]; /* the file's column → ours (-1: not ours) */
	struct row *rows;
	size_t n;
	char **texts; /* each row's fields, copied */
};

static void sheet_free(struct sheet *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->texts[i]);
	free(s->texts);
	free(s->rows);
	memset(s, 0, sizeof(*s));
}

struct problems {
	yc_buf *out;
	int bad_rows, last_line, shown;
};

static void problem(struct problems *p, int line, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void problem(struct problems *p, int line, const char *field, const char *fmt, ...)
{
	if (line != p->last_line) {
		p->bad_rows++;
		p->last_line = line;
	}
	if (!p->out || p->shown++ >= PROBLEMS_SHOWN)
		return;
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	yc_buf_addf(p->out, "%s{\"row\":%d,\"field\":", p->shown > 1 ? "," : "", line);
	yc_json_add_str(p->out, field);
	yc_buf_adds(p->out, ",\"message\":");
	yc_json_add_str(p->out, msg);
	yc_buf_adds(p->out, "}");
}

static int header(struct sheet *s, const struct yc_csv *c, struct problems *p)
{
	const struct column *cols = roster_cols[s->kind];
	bool seen[COL_MAX] = {false};
	for (int i = 0; i < c->nfields; i++) {
		s->map[i] = -1;
		for (int k = 0; cols[k].key; k++)
			if (!strcmp(c->fields[i], cols[k].key) ||
			    !strcmp(c->fields[i], cols[k].zh)) {
				if (seen[k])
					problem(p, c->line, cols[k].key, "column %s twice",
						cols[k].key);
				s->map[i] = k;
				seen[k] = true;
			}
		if (s->map[i] < 0 && c->fields[i][0])
			problem(p, c->line, c->fields[i], "no column %s in a %s roster",
				c->fields[i], roster_names[s->kind]);
	}
	for (int k = 0; cols[k].key; k++)
		if (cols[k].required && !seen[k])
			problem(p, c->line, cols[k].key, "the header has no %s (%s)", cols[k].key,
				cols[k].zh);
	return p->bad_rows ? YC_EINVAL : 0;
}

/* Reads the whole file: the header, then every row (malformed lines are problems). */
static int read_sheet(int kind, const char *csv, size_t len, struct sheet *s, struct problems *p)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	size_t bad;
	if (!yc_utf8_valid(csv, len, &bad)) {
		problem(p, 1, "file", "not UTF-8 at byte %zu (save the file as CSV UTF-8)", bad);
		return YC_EINVAL;
	}
	struct yc_csv c;
	yc_csv_init(&c, csv, len);
	int rc = yc_csv_next(&c);
	if (rc <= 0) {
		problem(p, 1, "file", rc ? "the header line cannot be read" : "the file is empty");
		yc_csv_free(&c);
		return rc == YC_ENOMEM ? rc : YC_EINVAL;
	}
	int ncols = c.nfields;
	if ((rc = header(s, &c, p))) {
		yc_csv_free(&c);
		return rc;
	}
	size_t cap = 0;
	while ((rc = yc_csv_next(&c)) != 0) {
		if (rc == YC_ENOMEM)
			break;
		if (rc < 0) {
			problem(p, c.line, "row",
				"the line is not CSV (a quote is not closed or closed early)");
			/* resynchronise at the next line */
			while (c.p < c.end && *c.p != '\n')
				c.p++;
			rc = 0;
			continue;
		}
		if (c.nfields != ncols) {
			problem(p, c.line, "row", "%d fields where the header has %d", c.nfields,
				ncols);
			continue;
		}
		if (s->n == cap) {
			cap = cap ? cap * 2 : 256;
			struct row *r = realloc(s->rows, cap * sizeof(*r));
			char **t = realloc(s->texts, cap * sizeof(*t));
			if (r)
				s->rows = r;
			if (t)
				s->texts = t;
			if (!r || !t) {
				rc = YC_ENOMEM;
				break;
			}
		}
		size_t total = 0;
		for (int i = 0; i < c.nfields; i++)
			total += strlen(c.fields[i]) + 1;
		char *copy = malloc(total), *at = copy;
		if (!copy) {
			rc = YC_ENOMEM;
			break;
		}
		struct row *r = &s->rows[s->n];
		memset(r, 0, sizeof(*r));
		r->line = c.line;
		for (int i = 0; i < c.nfields; i++) {
			size_t l = strlen(c.fields[i]) + 1;
			memcpy(at, c.fields[i], l);
			if (s->map[i] >= 0)
				r->v[s->map[i]] = at;
			at += l;
		}
		s->texts[s->n++] = copy;
	}
	yc_csv_free(&c);
	return rc == YC_ENOMEM ? rc : 0;
}

/* ---- checking rows -------------------------------------------------------------- */

static const char *val(const struct row *r, int k)
{
	return r->v[k] ? r->v[k] : "";
}

/* A flag column: "" 否 0 false no → 0; 是 1 true yes → 1; else -1. */
static int flag(const char *s)
{
	static const char *const no[] = {"", "否", "0", "false", "no", "N", NULL};
	static const char *const yes[] = {"是", "1", "true", "yes", "Y", NULL};
	if (yc_one_of(s, no))
		return 0;
	return yc_one_of(s, yes) ? 1 : -1;
}

/* Every text column: clean UTF-8, not too long, required ones not empty. */
static void check_texts(const struct column *cols, const struct row *r, struct problems *p)
{
	for (int k = 0; cols[k].key; k++) {
		const char *s = val(r, k);
		size_t bad;
		unsigned cp;
		if (cols[k].required && !s[0])
			problem(p, r->line, cols[k].key, "%s (%s) is empty", cols[k].key,
				cols[k].zh);
		else if (strlen(s) > TEXT_MAX)
			problem(p, r->line, cols[k].key, "%s is longer than %d bytes", cols[k].key,
				TEXT_MAX);
		else if (!yc_text_clean(s, &bad, &cp))
			problem(p, r->line, cols[k].key, "%s holds an invisible character U+%04X",
				cols[k].key, cp);
	}
}

/* "食品安全；特种设备、广告" → "广告;特种设备;食品安全" (byte order, distinct) into out. */
static int normalise_fields(const char *s, char *out, size_t size)
{
	char words[8][64];
	int n = 0;
	const char *p = s;
	while (*p) {
		size_t len = 0;
		const char *q = p;
		while (*q && *q != ';' && *q != ',' && strncmp(q, "；", 3) && strncmp(q, "、", 3) &&
		       strncmp(q, "，", 3))
			q++;
		len = (size_t)(q - p);
		while (len && p[0] == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (len) {
			if (n == 8 || len >= sizeof(words[0]) || memchr(p, ' ', len))
				return -1;
			memcpy(words[n], p, len);
			words[n][len] = '\0';
			n++;
		}
		p = q;
		if (*p)
			p += *p == ';' || *p == ',' ? 1 : 3;
	}
	if (!n)
		return -1;
	qsort(words, (size_t)n, sizeof(words[0]), (int (*)(const void *, const void *))strcmp);
	yc_buf b;
	yc_buf_init(&b, 0);
	for (int i = 0; i < n; i++)
		if (!i || strcmp(words[i], words[i - 1]))
			yc_buf_addf(&b, "%s%s", b.len ? ";" : "", words[i]);
	int rc = b.len < size ? 0 : -1;
	if (!rc)
		memcpy(out, b.data, b.len + 1);
	yc_buf_release(&b);
	return rc;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct row *)a)->v[0], ((const struct row *)b)->v[0]);
}

/* The same key on two rows of one file: the later row is the problem. */
static void check_twice(struct sheet *s, struct problems *p)
{
	struct row *sorted = malloc((s->n ? s->n : 1) * sizeof(*sorted));
	if (!sorted)
		return;
	size_t m = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].v[0] && s->rows[i].v[0][0])
			sorted[m++] = s->rows[i];
	if (s->kind != INSP_CONFLICTS) {
		if (m > 1)
			qsort(sorted, m, sizeof(*sorted), cmp_key);
		for (size_t i = 1; i < m; i++)
			if (!strcmp(sorted[i].v[0], sorted[i - 1].v[0]))
				problem(p,
					sorted[i].line > sorted[i - 1].line ? sorted[i].line
									    : sorted[i - 1].line,
					roster_cols[s->kind][0].key, "%s is on line %d too",
					sorted[i].v[0],
					sorted[i].line > sorted[i - 1].line ? sorted[i - 1].line
									    : sorted[i].line);
	}
	free(sorted);
}

static void check_entity(db *d, const struct row *r, struct problems *p)
{
	(void)d;
	const char *code = val(r, 0), *cls = val(r, 6);
	if (code[0] && !ids_uscc_valid(code))
		problem(p, r->line, "credit_code",
			"%s is not a unified social credit code (GB 32100: 18 characters, check "
			"character)",
			code);
	if (cls[0] && (strlen(cls) != 1 || cls[0] < 'A' || cls[0] > 'D'))
		problem(p, r->line, "class", "class is A, B, C or D, not %s", cls);
	for (int k = 7; k <= 10; k++)
		if (flag(val(r, k)) < 0)
			problem(p, r->line, entity_cols[k].key, "%s is 是 or 否, not %s",
				entity_cols[k].key, val(r, k));
}

static void check_inspector(db *d, const yc_user *u, const struct row *r, struct problems *p)
{
	const char *cert = val(r, 0), *dept = val(r, 2), *user = val(r, 4);
	char fields[256];
	if (cert[0] && strpbrk(cert, ",; \t"))
		problem(p, r->line, "cert_no", "a certificate number holds no , ; or space");
	if (val(r, 3)[0] && normalise_fields(val(r, 3), fields, sizeof(fields)))
		problem(p, r->line, "fields", "fields are up to 8 words between ; or 、");
	if (dept[0] &&
	    db_get(d, NULL, "SELECT 1 FROM departments WHERE code = ?", "s", "", dept) != DB_ROW)
		problem(p, r->line, "department", "no department %s", dept);
	else if (dept[0] && !insp_regulator_of(d, u, dept))
		problem(p, r->line, "department", "you do not run %s's supervision", dept);
	if (user[0] &&
	    db_get(d, NULL, "SELECT 1 FROM users WHERE username = ? AND role <> 'applicant'", "s",
		   "", user) != DB_ROW)
		problem(p, r->line, "username", "no staff account %s", user);
}

static void check_conflict(db *d, const yc_user *u, const struct row *r, struct problems *p)
{
	const char *cert = val(r, 0), *code = val(r, 1);
	char dept[32] = "";
	if (cert[0] && db_get(d, NULL, "SELECT department FROM insp_inspectors WHERE cert_no = ?",
			      "s", "t", cert, dept, sizeof(dept)) != DB_ROW)
		problem(p, r->line, "cert_no", "no inspector %s in the roster", cert);
	else if (cert[0] && !insp_regulator_of(d, u, dept))
		problem(p, r->line, "cert_no", "%s is not of a department you run", cert);
	if (code[0] && db_get(d, NULL, "SELECT 1 FROM insp_entities WHERE credit_code = ?", "s", "",
			      code) != DB_ROW)
		problem(p, r->line, "credit_code", "no market entity %s in the roster", code);
}

static int check_sheet(db *d, const yc_user *u, struct sheet *s, struct problems *p)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct row *r = &s->rows[i];
		check_texts(roster_cols[s->kind], r, p);
		if (s->kind == INSP_ENTITIES)
			check_entity(d, r, p);
		else if (s->kind == INSP_INSPECTORS)
			check_inspector(d, u, r, p);
		else
			check_conflict(d, u, r, p);
	}
	check_twice(s, p);
	return p->bad_rows;
}

static int may_import(db *d, const yc_user *u, yc_err *err)
{
	if (!insp_regulator_of(d, u, NULL))
		return yc_err_set(err, YC_EFORBIDDEN, NULL,
				  "rosters are kept by the departments that run spot checks");
	return 0;
}

int insp_roster_check(db *d, const yc_user *u, int kind, const char *csv, size_t len,
		      yc_buf *problems, int *rows, yc_err *err)
{
	int rc = may_import(d, u, err);
	if (rc)
		return rc;
	struct sheet s;
	struct problems p = {.out = problems};
	yc_buf_adds(problems, "[");
	rc = read_sheet(kind, csv, len, &s, &p);
	if (rc == YC_ENOMEM) {
		sheet_free(&s);
		return yc_err_set(err, rc, NULL, NULL);
	}
	if (!rc && !s.n)
		problem(&p, 2, "file", "the file has no rows under its header");
	if (!rc)
		check_sheet(d, u, &s, &p);
	yc_buf_adds(problems, "]");
	*rows = (int)s.n;
	sheet_free(&s);
	return p.bad_rows;
}

/* ---- writing a roster ----------------------------------------------------------- */

static int write_entity(db *d, const struct row *r, int64_t now, int *created, yc_err *err)
{
	const char *cls = val(r, 6)[0] ? val(r, 6) : NULL;
	int e = db_get(d, err, "SELECT 1 FROM insp_entities WHERE credit_code = ?", "s", "",
		       val(r, 0));
	if (e < 0)
		return e;
	*created += e == DB_DONE;
	return db_run(
		d, err,
		"INSERT INTO insp_entities (credit_code, name, type, industry, address, region,"
		" class, complaints, abnormal, serious, foreign_invested, source, created_ms,"
		" updated_ms) VALUES (?, ?, ?, ?, ?, ?, COALESCE(?, 'B'), ?, ?, ?, ?, 'import', ?, "
		"?)"
		" ON CONFLICT (credit_code) DO UPDATE SET name = excluded.name,"
		" type = excluded.type, industry = excluded.industry,"
		" address = excluded.address, region = excluded.region,"
		" class = COALESCE(?, insp_entities.class), complaints = excluded.complaints,"
		" abnormal = excluded.abnormal, serious = excluded.serious,"
		" foreign_invested = excluded.foreign_invested, updated_ms = excluded.updated_ms",
		"sssssssiiiiiis", val(r, 0), val(r, 1), val(r, 2), val(r, 3), val(r, 4), val(r, 5),
		cls, (int64_t)flag(val(r, 7)), (int64_t)flag(val(r, 8)), (int64_t)flag(val(r, 9)),
		(int64_t)flag(val(r, 10)), now, now, cls);
}

static int write_inspector(db *d, const struct row *r, int *created, yc_err *err)
{
	char fields[256];
	if (normalise_fields(val(r, 3), fields, sizeof(fields)))
		return yc_err_set(err, YC_EINVAL, "fields", "line %d: bad fields", r->line);
	int e = db_get(d, err, "SELECT 1 FROM insp_inspectors WHERE cert_no = ?", "s", "",
		       val(r, 0));
	if (e < 0)
		return e;
	*created += e == DB_DONE;
	return db_run(d, err,
		      "INSERT INTO insp_inspectors (cert_no, name, department, fields, username)"
		      " VALUES (?, ?, ?, ?, ?) ON CONFLICT (cert_no) DO UPDATE SET"
		      " name = excluded.name, department = excluded.department,"
		      " fields = excluded.fields, username = excluded.username, active = 1",
		      "sssss", val(r, 0), val(r, 1), val(r, 2), fields, val(r, 4));
}

static int write_conflict(db *d, const struct row *r, int *created, yc_err *err)
{
	int e = db_get(d, err, "SELECT 1 FROM insp_conflicts WHERE cert_no = ? AND credit_code = ?",
		       "ss", "", val(r, 0), val(r, 1));
	if (e < 0)
		return e;
	*created += e == DB_DONE;
	return db_run(d, err,
		      "INSERT INTO insp_conflicts (cert_no, credit_code, reason) VALUES (?, ?, ?)"
		      " ON CONFLICT (cert_no, credit_code) DO UPDATE SET reason = excluded.reason",
		      "sss", val(r, 0), val(r, 1), val(r, 2));
}

int insp_roster_import(db *d, const yc_user *u, int kind, const char *csv, size_t len, yc_buf *out,
		       yc_err *err)
{
	int rc = may_import(d, u, err);
	if (rc)
		return rc;
	struct sheet s;
	struct problems p = {0};
	rc = read_sheet(kind, csv, len, &s, &p);
	if (!rc && !p.bad_rows)
		check_sheet(d, u, &s, &p);
	if (rc == YC_EINVAL || (!rc && (p.bad_rows || !s.n)))
		rc = yc_err_set(err, YC_EINVAL, "rows", "%d bad rows: nothing imported",
				p.bad_rows);
	int created = 0;
	int64_t now = yc_now_ms();
	for (size_t i = 0; !rc && i < s.n; i++) {
		const struct row *r = &s.rows[i];
		rc = kind == INSP_ENTITIES     ? write_entity(d, r, now, &created, err)
		     : kind == INSP_INSPECTORS ? write_inspector(d, r, &created, err)
					       : write_conflict(d, r, &created, err);
		if (rc)
			yc_err_prefix(rc, err, "rows[%d]", r->line);
	}
	if (!rc) {
		yc_actor a = {u->username, account_role_name(u->role)};
		char after[96];
		snprintf(after, sizeof(after), "{\"rows\":%zu,\"created\":%d}", s.n, created);
		rc = audit_append(d, &a, "inspection.roster.import", roster_names[kind], NULL, NULL,
				  after, err);
	}
	if (!rc)
		yc_buf_addf(out,
			    "{\"roster\":\"%s\",\"imported\":%zu,\"created\":%d,\"updated\":%zu}",
			    roster_names[kind], s.n, created, s.n - (size_t)created);
	sheet_free(&s);
	return rc == YC_ENOMEM ? yc_err_set(err, rc, NULL, NULL) : rc;
}
