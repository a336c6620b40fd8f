/*
 * record.c — a draw's published record (docs/draw.md §6), and its
 * verification from the record alone: the lists' hashes, the commitment,
 * the seed, the entities and the teams, recomputed and compared.
 *
 * The record (format "yichuang-draw/1"):
 *   {"format", "plan": {id, name, departments, fields, ratios {A,B,C,D},
 *    team_size}, "entities": {count, hash, lines}, "inspectors": {count,
 *    hash, lines}, "commitment", "committed_at",
 *   and once drawn: "inputs": [{name, input}], "secret", "seed", "drawn_at",
 *    "result": [{entity, team: [cert…]}]}
 */
#include "core/inspection/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/banned.h"

static const char record_format[] = "yichuang-draw/1";

/* A text's parts between sep ("a;b", lines) as a JSON array of strings ([] for ""). */
static void add_split(yc_buf *out, const char *text, char sep)
{
	yc_buf_adds(out, "[");
	for (const char *p = text; *p;) {
		const char *e = strchr(p, sep);
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (p != text)
			yc_buf_adds(out, ",");
		yc_json_add_strn(out, p, n);
		if (!e)
			break;
		p = e + 1;
	}
	yc_buf_adds(out, "]");
}

static size_t count_lines(const char *text)
{
	size_t n = *text ? 1 : 0;
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n;
}

static int add_result(db *d, const char *id, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(
		d, "SELECT credit_code, team FROM insp_tasks WHERE plan = ? ORDER BY position",
		err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, id);
	yc_buf_adds(out, ",\"result\":[");
	int rc, n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		yc_buf_adds(out, n++ ? ",{\"entity\":" : "{\"entity\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"team\":");
		add_split(out, db_col_text(st, 1), ';');
		yc_buf_adds(out, "}");
	}
	db_done(st);
	yc_buf_adds(out, "]");
	return rc < 0 ? rc : 0;
}

int insp_record_json(db *d, const struct insp_ctx *c, const char *id, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(
		d,
		"SELECT id, name, departments, fields, ratios, team_size, state, commitment,"
		" committed_ms, entities_hash, entities, inspectors_hash, inspectors, inputs, "
		"secret,"
		" seed, drawn_ms FROM insp_plans WHERE id = ?",
		err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, id);
	int rc = db_step(st, err);
	if (rc < 0 || rc == DB_DONE) {
		db_done(st);
		return rc < 0 ? rc : yc_err_set(err, YC_ENOTFOUND, "id", "no plan %s", id);
	}
	const char *state = db_col_text(st, 6);
	bool drawn = !strcmp(state, "drawn");
	if (db_col_null(st, 7)) {
		db_done(st);
		return yc_err_set(err, YC_ENOTFOUND, "id",
				  "plan %s has published no commitment yet", id);
	}
	int ra = 0, rb = 0, rcc = 0, rd = 0;
	sscanf(db_col_text(st, 4), "%d,%d,%d,%d", &ra, &rb, &rcc, &rd);
	yc_buf_addf(out, "{\"format\":\"%s\",\"plan\":{\"id\":", record_format);
	yc_json_add_str(out, db_col_text(st, 0));
	yc_buf_adds(out, ",\"name\":");
	yc_json_add_str(out, db_col_text(st, 1));
	yc_buf_addf(out, ",\"departments\":%s,\"fields\":", db_col_text(st, 2));
	add_split(out, db_col_text(st, 3), ';');
	yc_buf_addf(out,
		    ",\"ratios\":{\"A\":%d,\"B\":%d,\"C\":%d,\"D\":%d},\"team_size\":%lld,"
		    "\"state\":\"%s\"}",
		    ra, rb, rcc, rd, (long long)db_col_int(st, 5), state);
	yc_buf_addf(out, ",\"commitment\":\"%s\"", db_col_text(st, 7));
	yc_json_add_time(out, "committed_at", db_col_int(st, 8), insp_tz(c));
	yc_buf_addf(out, ",\"entities\":{\"count\":%zu,\"hash\":\"%s\",\"lines\":",
		    count_lines(db_col_text(st, 10)), db_col_text(st, 9));
	add_split(out, db_col_text(st, 10), '\n');
	yc_buf_addf(out, "},\"inspectors\":{\"count\":%zu,\"hash\":\"%s\",\"lines\":",
		    count_lines(db_col_text(st, 12)), db_col_text(st, 11));
	add_split(out, db_col_text(st, 12), '\n');
	yc_buf_adds(out, "}");
	if (drawn) {
		yc_buf_addf(out, ",\"inputs\":%s,\"secret\":\"%s\",\"seed\":\"%s\"",
			    db_col_text(st, 13), db_col_text(st, 14), db_col_text(st, 15));
		yc_json_add_time(out, "drawn_at", db_col_int(st, 16), insp_tz(c));
	}
	db_done(st);
	rc = drawn ? add_result(d, id, out, err) : 0;
	if (!rc)
		yc_buf_adds(out, "}");
	return rc;
}

/* ---- verification ----------------------------------------------------------- */

static int mismatch(struct insp_check *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int mismatch(struct insp_check *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->why, sizeof(v->why), fmt, ap);
	va_end(ap);
	v->verdict = IV_MISMATCH;
	return 0;
}

static bool hex64(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* The plan's draw settings from the record; NULL fields when malformed. */
static int record_plan(const cJSON *plan, struct draw_plan *dp, struct insp_check *v)
{
	memset(dp, 0, sizeof(*dp));
	const cJSON *ratios = cJSON_GetObjectItemCaseSensitive(plan, "ratios");
	static const char *const cls[DRAW_CLASSES] = {"A", "B", "C", "D"};
	for (int k = 0; k < DRAW_CLASSES; k++) {
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(ratios, cls[k]);
		if (!cJSON_IsNumber(r) || r->valuedouble < 0 || r->valuedouble > 1000)
			return mismatch(v, "plan.ratios.%s is not a per-mille ratio", cls[k]) - 1;
		dp->permille[k] = r->valueint;
	}
	const cJSON *ts = cJSON_GetObjectItemCaseSensitive(plan, "team_size");
	if (!cJSON_IsNumber(ts) || ts->valueint < 2 || ts->valueint > DRAW_TEAM_MAX)
		return mismatch(v, "plan.team_size is not a team of 2 to %d", DRAW_TEAM_MAX) - 1;
	dp->team_size = ts->valueint;
	const cJSON *f;
	cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive(plan, "fields")) {
		if (!cJSON_IsString(f) || dp->nfields == DRAW_FIELDS_MAX ||
		    (dp->nfields && strcmp(dp->fields[dp->nfields - 1], f->valuestring) >= 0))
			return mismatch(v, "plan.fields are not distinct words in byte order") - 1;
		dp->fields[dp->nfields++] = f->valuestring;
	}
	if (!dp->nfields)
		return mismatch(v, "plan.fields is empty") - 1;
	return 0;
}

/* The recomputed result against the record's, entity by entity. */
static void compare(const struct draw_lists *l, const struct draw_result *r, const cJSON *result,
		    struct insp_check *v)
{
	size_t n = (size_t)cJSON_GetArraySize(result);
	v->selected = n;
	if (n != r->n) {
		mismatch(v, "the record names %zu entities; the draw picks %zu", n, r->n);
		return;
	}
	size_t i = 0;
	const cJSON *it;
	cJSON_ArrayForEach (it, result) {
		const char *e = yc_json_str(it, "entity");
		const char *want = l->entity[r->entity[i]];
		if (!e || strcmp(e, want)) {
			mismatch(v, "result[%zu] is %s; the draw picks %s", i, e ? e : "nothing",
				 want);
			return;
		}
		const cJSON *team = cJSON_GetObjectItemCaseSensitive(it, "team");
		if (cJSON_GetArraySize(team) != r->team_len) {
			mismatch(v, "result[%zu] (%s) has a team of %d; the draw makes %d", i, want,
				 cJSON_GetArraySize(team), r->team_len);
			return;
		}
		int t = 0;
		const cJSON *m;
		cJSON_ArrayForEach (m, team) {
			const char *got = cJSON_IsString(m) ? m->valuestring : "";
			const char *w = l->inspector[r->team[i * (size_t)r->team_len + (size_t)t]];
			if (strcmp(got, w)) {
				mismatch(v, "result[%zu] (%s) team[%d] is %s; the draw picks %s", i,
					 want, t, got, w);
				return;
			}
			t++;
		}
		i++;
	}
}

static void verify_tree(struct insp_record_read *rd, struct insp_check *v, yc_err *err)
{
	const cJSON *rec = rd->rest;
	const char *eh = rd->hash[0], *ih = rd->hash[1];
	const char *commitment = yc_json_str(rec, "commitment"),
		   *secret = yc_json_str(rec, "secret");
	const cJSON *inputs = cJSON_GetObjectItemCaseSensitive(rec, "inputs");
	const cJSON *result = cJSON_GetObjectItemCaseSensitive(rec, "result");
	struct draw_plan dp;
	if (record_plan(cJSON_GetObjectItemCaseSensitive(rec, "plan"), &dp, v))
		return;
	if (!hex64(eh) || !hex64(ih) || !hex64(commitment))
		return (void)mismatch(v, "a hash or the commitment is not 64 hex digits");
	if (!rd->have_lines[0] || !rd->have_lines[1] || rd->line_break)
		return (void)mismatch(v, "a list's lines are missing or not one-line texts");
	if (!hex64(secret) || !cJSON_IsArray(inputs) || !cJSON_IsArray(result))
		return (void)mismatch(v,
				      "the record is not drawn yet: no secret, inputs or result");
	char hex[65];
	struct draw_lists l = {0};
	struct draw_result r = {0};
	const char *in[16];
	int nin = 0;
	const cJSON *w;
	yc_sm3_hex(rd->lines[0].data, rd->lines[0].len, hex);
	if (strcmp(hex, eh)) {
		mismatch(v, "the entities' lines hash to %s, not the published %s", hex, eh);
		goto done;
	}
	yc_sm3_hex(rd->lines[1].data, rd->lines[1].len, hex);
	if (strcmp(hex, ih)) {
		mismatch(v, "the inspectors' lines hash to %s, not the published %s", hex, ih);
		goto done;
	}
	yc_sm3_hex(secret, strlen(secret), hex);
	if (strcmp(hex, commitment)) {
		mismatch(v, "SM3 of the secret is %s, not the commitment %s", hex, commitment);
		goto done;
	}
	cJSON_ArrayForEach (w, inputs) {
		const char *s = cJSON_IsString(w) ? w->valuestring : yc_json_str(w, "input");
		if (!s || nin == 16 || strchr(s, '\n')) {
			mismatch(v, "inputs[%d] is not a one-line text", nin);
			goto done;
		}
		in[nin++] = s;
	}
	unsigned char seed[32];
	draw_seed(secret, eh, ih, in, nin, seed, v->seed);
	const char *rs = yc_json_str(rec, "seed");
	if (rs && strcmp(rs, v->seed)) {
		mismatch(v, "the seed is %s, not the record's %s", v->seed, rs);
		goto done;
	}
	yc_err perr;
	yc_err_clear(&perr);
	/* the lists take the joined texts over: no second copy of a province's lines */
	if (draw_lists_take(yc_buf_detach(&rd->lines[0], NULL), yc_buf_detach(&rd->lines[1], NULL),
			    &l, &perr)) {
		if (perr.code == YC_ENOMEM)
			yc_err_set(err, YC_ENOMEM, NULL, NULL);
		mismatch(v, "%s", perr.message);
		goto done;
	}
	v->entities = l.nentities;
	if (draw_run(seed, &l, &dp, &r, &perr)) {
		mismatch(v, "the draw cannot be made: %s", perr.message);
		goto done;
	}
	compare(&l, &r, result, v);
done:
	draw_result_free(&r);
	draw_lists_free(&l);
}

int insp_record_verify(const char *json, size_t len, struct insp_check *v, yc_err *err)
{
	memset(v, 0, sizeof(*v));
	struct insp_record_read rd;
	int rc = insp_record_read(json, len, &rd, err);
	if (rc)
		return rc;
	const char *format = yc_json_str(rd.rest, "format");
	if (!format || strcmp(format, record_format)) {
		insp_record_read_free(&rd);
		return yc_err_set(err, YC_EINVAL, "format", "not a draw record (%s)",
				  record_format);
	}
	v->verdict = IV_MATCH;
	yc_err_clear(err);
	verify_tree(&rd, v, err);
	insp_record_read_free(&rd);
	return err && err->code ? err->code : 0;
}

int insp_draws_json(db *d, const struct insp_ctx *c, int limit, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(
		d,
		"SELECT id, name, departments, state, commitment, committed_ms, drawn_ms,"
		" (SELECT COUNT(*) FROM insp_tasks t WHERE t.plan = p.id) FROM insp_plans p"
		" WHERE commitment IS NOT NULL ORDER BY committed_ms DESC, id DESC LIMIT ?",
		err);
	if (!st)
		return db_failed(err);
	db_bind_int(st, 1, limit);
	yc_buf_adds(out, "{\"draws\":[");
	int rc, n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		yc_buf_adds(out, n++ ? ",{\"id\":" : "{\"id\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"name\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_addf(out, ",\"departments\":%s,\"state\":\"%s\",\"commitment\":\"%s\"",
			    db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4));
		yc_json_add_time(out, "committed_at", db_col_int(st, 5), insp_tz(c));
		yc_json_add_time(out, "drawn_at", db_col_int(st, 6), insp_tz(c));
		yc_buf_addf(out, ",\"selected\":%lld}", (long long)db_col_int(st, 7));
	}
	db_done(st);
	yc_buf_adds(out, "]}");
	return rc < 0 ? rc : 0;
}
