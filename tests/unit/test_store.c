/*
 * Unit tests over a real SQLite file: the audit chain's tamper detection,
 * catalog validation and storage, the write pipeline's savepoints.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/common/account.h"
#include "core/common/audit.h"
#include "core/catalog/catalog.h"
#include "db/db.h"
#include "lib/json.h"
#include "batch.h"

static char path[64];
static db *d;

static void open_fresh(void)
{
	snprintf(path, sizeof(path), "/tmp/yc-unit-%d-XXXXXX", getpid());
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	close(fd);
	unlink(path);
	yc_err err;
	cr_assert_eq(db_open(path, DB_OPEN_CREATE, &d, &err), 0, "%s", err.message);
	cr_assert_eq(db_migrate(d, &err), 0, "%s", err.message);
}

static void close_fresh(void)
{
	db_close(d);
	char p[96];
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static void append_events(int n)
{
	cr_assert_eq(db_begin(d, NULL), 0);
	for (int i = 0; i < n; i++) {
		char object[32];
		snprintf(object, sizeof(object), "thing/%d", i);
		cr_assert_eq(audit_append(d, &audit_system_actor, "thing.make", object, "test",
					  NULL, "{\"v\":1}", NULL),
			     0);
	}
	cr_assert_eq(db_commit(d, NULL), 0);
}

static int verify(struct audit_report *rep)
{
	return audit_verify(d, rep, NULL);
}

TestSuite(audit, .init = open_fresh, .fini = close_fresh);

Test(audit, intact_chain_verifies)
{
	append_events(5);
	struct audit_report rep;
	cr_assert_eq(verify(&rep), 0);
	cr_assert_eq(rep.count, 5);
}

Test(audit, altered_event_is_found)
{
	append_events(5);
	cr_assert_eq(db_exec(d, "UPDATE audit_events SET reason = 'edited' WHERE id = 3", NULL), 0);
	struct audit_report rep;
	cr_assert_eq(verify(&rep), YC_ECONFLICT);
	cr_assert_eq(rep.bad_id, 3);
}

Test(audit, removed_event_is_found)
{
	append_events(5);
	cr_assert_eq(db_exec(d, "DELETE FROM audit_events WHERE id = 2", NULL), 0);
	struct audit_report rep;
	cr_assert_eq(verify(&rep), YC_ECONFLICT);
	cr_assert_eq(rep.bad_id, 2);
}

Test(audit, removed_newest_event_is_found)
{
	append_events(5);
	cr_assert_eq(db_exec(d, "DELETE FROM audit_events WHERE id = 5", NULL), 0);
	struct audit_report rep;
	cr_assert_eq(verify(&rep), YC_ECONFLICT);
	cr_assert_eq(rep.bad_id, 5);
}

Test(audit, inserted_event_is_found)
{
	append_events(3);
	cr_assert_eq(
		db_exec(d,
			"INSERT INTO audit_events (id, at_ms, actor, role, action, object, reason,"
			" prev_hash, hash) SELECT 4, at_ms, actor, role, action, object, reason,"
			" hash, hash FROM audit_events WHERE id = 3",
			NULL),
		0);
	struct audit_report rep;
	cr_assert_eq(verify(&rep), YC_ECONFLICT);
	cr_assert_eq(rep.bad_id, 4);
}

static cJSON *item_doc(void)
{
	const char *t =
		"{\"code\":\"T-1\",\"basic_code\":\"011234567000\",\"name\":\"测试事项\","
		"\"department\":\"d1\",\"level\":\"district\",\"type\":\"license\","
		"\"case_type\":\"promised\",\"legal_limit\":{\"value\":20,\"unit\":\"workday\"},"
		"\"promised_limit\":{\"value\":5,\"unit\":\"workday\"},\"visits\":0,\"online_"
		"depth\":4,"
		"\"materials\":[{\"id\":\"m1\",\"name\":\"申请书\",\"required\":true}],"
		"\"approval\":{\"levels_before\":3,\"levels\":1,\"signatures_before\":3,"
		"\"signatures\":1}}";
	cJSON *j = NULL;
	cr_assert_eq(yc_json_parse(t, strlen(t), &j, NULL), 0);
	return j;
}

static void expect_invalid(cJSON *doc, const char *field)
{
	yc_err err;
	yc_err_clear(&err);
	cr_assert_eq(catalog_item_validate(doc, &err), YC_EINVAL, "expected %s to be refused",
		     field);
	cr_assert_str_eq(err.field, field);
	cJSON_Delete(doc);
}

Test(catalog, valid_item_passes)
{
	cJSON *doc = item_doc();
	yc_err err;
	cr_assert_eq(catalog_item_validate(doc, &err), 0, "%s", err.message);
	cJSON_Delete(doc);
}

Test(catalog, promised_may_not_exceed_legal)
{
	cJSON *doc = item_doc();
	cJSON_SetNumberValue(
		cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "promised_limit"), "value"), 21);
	expect_invalid(doc, "promised_limit");
}

Test(catalog, hour_limits_compare_with_days)
{
	cJSON *doc = item_doc();
	cJSON *p = cJSON_GetObjectItem(doc, "promised_limit");
	cJSON_SetNumberValue(cJSON_GetObjectItem(p, "value"), 2);
	cJSON_SetValuestring(cJSON_GetObjectItem(p, "unit"), "workhour");
	yc_err err;
	cr_assert_eq(catalog_item_validate(doc, &err), 0, "%s", err.message);
	cJSON_Delete(doc);
}

Test(catalog, depth_four_needs_zero_visits)
{
	cJSON *doc = item_doc();
	cJSON_SetNumberValue(cJSON_GetObjectItem(doc, "visits"), 1);
	expect_invalid(doc, "visits");
}

Test(catalog, instant_needs_zero_limit)
{
	cJSON *doc = item_doc();
	cJSON_SetValuestring(cJSON_GetObjectItem(doc, "case_type"), "instant");
	expect_invalid(doc, "promised_limit");
}

Test(catalog, bad_enums_and_fields_are_named)
{
	cJSON *doc = item_doc();
	cJSON_SetValuestring(cJSON_GetObjectItem(doc, "level"), "province");
	expect_invalid(doc, "level");
	doc = item_doc();
	cJSON_AddNumberToObject(doc, "surprise", 1);
	expect_invalid(doc, "surprise");
	doc = item_doc();
	cJSON_AddItemToArray(cJSON_GetObjectItem(doc, "materials"),
			     cJSON_Parse("{\"id\":\"m1\",\"name\":\"again\",\"required\":false}"));
	expect_invalid(doc, "materials[1].id");
	doc = item_doc();
	cJSON_SetNumberValue(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "approval"), "levels"),
			     4);
	expect_invalid(doc, "approval.levels_before");
	doc = item_doc();
	cJSON_SetValuestring(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "legal_limit"), "unit"),
			     "day");
	expect_invalid(doc, "legal_limit.unit");
}

/* 办理项: derived by the kind's rule, each a valid item of its own */
Test(catalog, variants_follow_their_kind)
{
	cJSON *main = item_doc();
	cJSON_SetValuestring(cJSON_GetObjectItem(main, "code"), "371091011001007000");
	cJSON_AddItemToObject(main, "tax", cJSON_Parse("{\"non_contact\":true}"));
	cJSON *v = NULL;
	yc_err err;
	yc_err_clear(&err);
	cr_assert_eq(catalog_variant(main, "renew", &v, &err), 0, "%s", err.message);
	cr_assert_str_eq(cJSON_GetObjectItem(v, "code")->valuestring, "371091011001007002");
	cr_assert_str_eq(cJSON_GetObjectItem(v, "name")->valuestring, "测试事项（延续）");
	cr_assert_str_eq(cJSON_GetObjectItem(v, "variant_of")->valuestring, "371091011001007000");
	cr_assert_null(cJSON_GetObjectItem(v, "tax"),
		       "a variant does not repeat the main item's tax facts");
	/* the law's limit kept, the promise capped at the kind's 3 days */
	cr_assert_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(v, "legal_limit"), "value")->valueint,
		     20);
	cr_assert_eq(
		cJSON_GetObjectItem(cJSON_GetObjectItem(v, "promised_limit"), "value")->valueint,
		3);
	/* it cuts nothing of its own: before = after */
	cJSON *ap = cJSON_GetObjectItem(v, "approval");
	cr_assert_eq(cJSON_GetObjectItem(ap, "levels_before")->valueint, 1);
	cr_assert_eq(cJSON_GetObjectItem(ap, "signatures_before")->valueint, 1);
	cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(v, "materials")), 2);
	cr_assert_eq(catalog_item_validate(v, &err), 0, "%s", err.message);
	cJSON_Delete(v);

	/* a cancellation is decided at once (即办), without steps */
	cr_assert_eq(catalog_variant(main, "cancel", &v, &err), 0, "%s", err.message);
	cr_assert_str_eq(cJSON_GetObjectItem(v, "case_type")->valuestring, "instant");
	cr_assert_eq(
		cJSON_GetObjectItem(cJSON_GetObjectItem(v, "promised_limit"), "value")->valueint,
		0);
	cr_assert_null(cJSON_GetObjectItem(v, "steps"));
	/* a variant has no variant; a kind that does not fit the type is refused, named */
	cJSON *vv = NULL;
	cr_assert_eq(catalog_variant(v, "change", &vv, &err), YC_EINVAL);
	cr_assert_str_eq(err.field, "of");
	cJSON_Delete(v);
	cr_assert_eq(catalog_variant(main, "stop", &v, &err), YC_EINVAL);
	cr_assert_str_eq(err.field, "kind");
	cr_assert_eq(catalog_variant(main, "merge", &v, &err), YC_EINVAL);
	cr_assert_null(v);
	/* a code not of the 18-digit form gets the variant's digits after a hyphen */
	cJSON_SetValuestring(cJSON_GetObjectItem(main, "code"), "T-1");
	cr_assert_eq(catalog_variant(main, "change", &v, &err), 0, "%s", err.message);
	cr_assert_str_eq(cJSON_GetObjectItem(v, "code")->valuestring, "T-1-001");
	cJSON_Delete(v);
	cJSON_Delete(main);
}

Test(catalog, variant_fields_are_checked)
{
	cJSON *doc = item_doc();
	cJSON_AddStringToObject(doc, "variant_of", "T-0");
	expect_invalid(doc, "variant");
	doc = item_doc();
	cJSON_AddItemToObject(doc, "offices", cJSON_Parse("[\"jq\", 7]"));
	expect_invalid(doc, "offices[1]");
}
Test(catalog, store_update_and_stats, .init = open_fresh, .fini = close_fresh)
{
	yc_err err;
	yc_err_clear(&err);
	cr_assert_eq(
		db_exec(d, "INSERT INTO departments (code, name) VALUES ('d1', '测试局')", NULL),
		0);
	cJSON *doc = item_doc();
	cr_assert_eq(db_begin(d, NULL), 0);
	cr_assert_eq(catalog_item_put(d, &audit_system_actor, doc, CATALOG_CREATE, NULL, &err), 0, "%s",
		     err.message);
	cr_assert_eq(catalog_item_put(d, &audit_system_actor, doc, CATALOG_CREATE, NULL, &err),
		     YC_EEXISTS);
	cr_assert_eq(db_commit(d, NULL), 0);
	yc_buf b;
	yc_buf_init(&b, 0);
	cr_assert_eq(catalog_item_json(d, "T-1", &b, &err), 0);
	cr_assert(strstr(b.data, "\"status\":\"active\"") &&
			  strstr(b.data, "\"department_name\":\"测试局\""),
		  "%s", b.data);
	yc_buf_clear(&b);
	cr_assert_eq(catalog_stats_json(d, &b, &err), 0);
	cJSON *s = cJSON_Parse(b.data);
	cr_assert_eq(yc_json_int(s, "items", -1), 1);
	cr_assert_float_eq(cJSON_GetObjectItem(s, "days_cut")->valuedouble, 15.0, 1e-9);
	cr_assert_float_eq(cJSON_GetObjectItem(s, "days_cut_share")->valuedouble, 0.75, 1e-9);
	cr_assert_eq(yc_json_int(s, "levels_removed", -1), 2);
	cr_assert_eq(yc_json_int(s, "fully_online", -1), 1);
	cJSON_Delete(s);
	cr_assert_eq(catalog_item_set_status(d, &audit_system_actor, "T-1", true, &err), 0);
	cr_assert_eq(catalog_item_set_status(d, &audit_system_actor, "T-1", true, &err),
		     YC_ECONFLICT);
	yc_buf_clear(&b);
	cr_assert_eq(catalog_stats_json(d, &b, &err), 0);
	cr_assert(strstr(b.data, "\"items\":0,"), "retired items leave the figures: %s", b.data);
	yc_buf_release(&b);
	cJSON_Delete(doc);
	struct audit_report rep;
	cr_assert_eq(audit_verify(d, &rep, NULL), 0);
	cr_assert_eq(rep.count, 2);
}

/* The pipeline: a failing mutation is rolled back alone; the others commit. */
static int insert_dept(db *dd, void *arg, yc_err *err)
{
	const char *code = arg;
	return db_run(dd, err, "INSERT INTO departments (code, name) VALUES (?, 'x')", "s", code);
}

Test(pipeline, savepoint_isolates_failures, .init = open_fresh, .fini = close_fresh)
{
	db_pipeline *p;
	yc_err err;
	cr_assert_eq(db_pipeline_start(path, 64, 4, &p, &err), 0, "%s", err.message);
	cr_assert_eq(db_pipeline_run(p, insert_dept, "a", &err), 0);
	cr_assert_eq(db_pipeline_run(p, insert_dept, "a", &err), YC_EEXISTS);
	cr_assert_eq(db_pipeline_run(p, insert_dept, "b", &err), 0);
	struct db_pipeline_stats st;
	db_pipeline_get_stats(p, &st);
	cr_assert_eq(st.mutations, 3);
	db_pipeline_stop(p);
	db_stmt *s = db_prepare(d, "SELECT COUNT(*) FROM departments", NULL);
	cr_assert_eq(db_step(s, NULL), DB_ROW);
	cr_assert_eq(db_col_int(s, 0), 2);
	db_done(s);
}

Test(accounts, validation_names_fields)
{
	struct account_new n = {.username = "zhang",
				.password = "long-enough",
				.role = "applicant",
				.name = "张三",
				.kind = "person",
				.id_number = "371002199001011238",
				.phone = "13800001234"};
	yc_err err;
	cr_assert_eq(account_validate(&n, &err), YC_EINVAL);
	cr_assert_str_eq(err.field, "id_number");
	n.id_number = "371002199001011237";
	cr_assert_eq(account_validate(&n, &err), 0);
	n.kind = "business";
	cr_assert_eq(account_validate(&n, &err), YC_EINVAL);
	cr_assert_str_eq(err.field, "id_number");
	n.id_number = "91371000MA3C5X8J11";
	cr_assert_eq(account_validate(&n, &err), 0);
	n.password = "short";
	cr_assert_eq(account_validate(&n, &err), YC_EINVAL);
	cr_assert_str_eq(err.field, "password");
	n.password = "long-enough";
	n.username = "Bad Name";
	cr_assert_eq(account_validate(&n, &err), YC_EINVAL);
	cr_assert_str_eq(err.field, "username");
}

/* Regression: the statement cache once matched on the SQL's address alone. */
Test(db, cache_compares_text_not_only_address, .init = open_fresh, .fini = close_fresh)
{
	char sql[64];
	snprintf(sql, sizeof(sql), "SELECT 1");
	db_stmt *a = db_prepare(d, sql, NULL);
	cr_assert_eq(db_step(a, NULL), DB_ROW);
	cr_assert_eq(db_col_int(a, 0), 1);
	db_done(a);
	snprintf(sql, sizeof(sql), "SELECT 2");
	db_stmt *b = db_prepare(d, sql, NULL);
	cr_assert_eq(db_step(b, NULL), DB_ROW);
	cr_assert_eq(db_col_int(b, 0), 2, "same buffer, other SQL: another statement");
	db_done(b);
}

/* Every table of the schema is in the copy list (a new table must be copied too). */
Test(db, copy_covers_every_table, .init = open_fresh, .fini = close_fresh)
{
	db_stmt *st = db_prepare(d,
				 "SELECT name FROM sqlite_master WHERE type = 'table'"
				 " AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version' ORDER BY name",
				 NULL);
	int n = 0;
	while (db_step(st, NULL) == DB_ROW) {
		bool listed = false;
		for (int i = 0; db_copy_tables[i]; i++)
			listed |= !strcmp(db_copy_tables[i], db_col_text(st, 0));
		cr_assert(listed, "table %s is not in db_copy_tables", db_col_text(st, 0));
		n++;
	}
	db_done(st);
	int listed = 0;
	while (db_copy_tables[listed])
		listed++;
	cr_assert_eq(n, listed);
}

/* Audit events are deferred to commit: a failing mutation's events go with its savepoint. */
static int audit_then_maybe_fail(db *dd, void *arg, yc_err *err)
{
	const char *what = arg;
	int rc = audit_append(dd, &audit_system_actor, "test.write", what, NULL, NULL, NULL, err);
	if (!rc)
		rc = audit_append(dd, &audit_system_actor, "test.write2", what, NULL, NULL, NULL, err);
	if (!rc && !strncmp(what, "fail", 4))
		return yc_err_set(err, YC_EINVAL, "x", "refused after appending");
	return rc;
}

Test(pipeline, deferred_audit_follows_savepoints, .init = open_fresh, .fini = close_fresh)
{
	db_pipeline *p;
	yc_err err;
	cr_assert_eq(db_pipeline_start(path, 64, 1, &p, &err), 0, "%s", err.message);
	static const char *names[] = {"ok-1", "fail-2", "ok-3", "fail-4", "ok-5"};
	struct batch b = BATCH_INIT;
	struct batch_item items[5];
	for (int i = 0; i < 5; i++)
		batch_submit(p, &b, &items[i], audit_then_maybe_fail, (void *)names[i]);
	batch_wait(&b);
	db_pipeline_stop(p);
	for (int i = 0; i < 5; i++)
		cr_assert_eq(items[i].m.rc < 0, !strncmp(names[i], "fail", 4), "%s", names[i]);
	struct audit_report rep;
	cr_assert_eq(audit_verify(d, &rep, NULL), 0, "%s", rep.problem);
	cr_assert_eq(rep.count, 6, "two events for each of the three that succeeded");
	db_stmt *st = db_prepare(d, "SELECT COUNT(*) FROM audit_events WHERE object LIKE 'fail%'", NULL);
	cr_assert_eq(db_step(st, NULL), DB_ROW);
	cr_assert_eq(db_col_int(st, 0), 0);
	db_done(st);
}

/*
 * Two modules that defer on one order each get their own entries only, in the order deferred
 * (found by the soak: a new case's events once reached the certificates' signing flush).
 */
static char flushed[64];
static int flush_a(db *dd, void **e, size_t n, yc_err *err)
{
	(void)dd, (void)err;
	for (size_t i = 0; i < n; i++)
		strncat(flushed, e[i], sizeof(flushed) - strlen(flushed) - 1);
	strncat(flushed, "|", sizeof(flushed) - strlen(flushed) - 1);
	return 0;
}
static int flush_b(db *dd, void **e, size_t n, yc_err *err)
{
	return flush_a(dd, e, n, err);
}
static void no_free(void *p)
{
	(void)p;
}

Test(db_defer, a_flush_gets_only_its_own_entries, .init = open_fresh, .fini = close_fresh)
{
	yc_err err;
	flushed[0] = '\0';
	cr_assert_eq(db_begin(d, &err), 0);
	cr_assert_eq(db_defer(d, 5, flush_a, "a1", no_free, &err), 0);
	cr_assert_eq(db_defer(d, 5, flush_b, "b1", no_free, &err), 0);
	cr_assert_eq(db_defer(d, 5, flush_a, "a2", no_free, &err), 0);
	cr_assert_eq(db_defer(d, 4, flush_b, "c1", no_free, &err), 0);
	cr_assert_eq(db_commit(d, &err), 0, "%s", err.message);
	/* order 4 first; in order 5 each flush once, with its own entries in their order */
	cr_assert(!strcmp(flushed, "c1|a1a2|b1|") || !strcmp(flushed, "c1|b1|a1a2|"), "%s", flushed);
}

/* db_get: one row into named outputs; no row leaves them as they were. */
Test(db_get, reads_one_row_into_named_outputs, .init = open_fresh, .fini = close_fresh)
{
	yc_err err;
	cr_assert_eq(db_exec(d, "CREATE TABLE t (a INTEGER, b TEXT, c INTEGER)", &err), 0);
	cr_assert_eq(db_run(d, &err, "INSERT INTO t VALUES (?, ?, NULL)", "is", (int64_t)42,
			    "hello world"),
		     0);
	int64_t a = 0, c = 7;
	int n = 0;
	bool has_b = false, has_c = true;
	char b[6];
	cr_assert_eq(db_get(d, &err, "SELECT a, b, c, a, b, c FROM t WHERE a = ?", "i", "itIn-b",
			    (int64_t)42, &a, b, sizeof(b), &c, &n, &has_c),
		     DB_ROW);
	cr_assert_eq(a, 42);
	cr_assert_str_eq(b, "hello"); /* truncated to the buffer */
	cr_assert_eq(c, 7);	      /* NULL leaves an 'I' as it was */
	cr_assert_eq(n, 42);
	cr_assert_not(has_c);
	cr_assert_eq(db_get(d, &err, "SELECT b IS NOT NULL FROM t WHERE b = ?", "s", "b",
			    "hello world", &has_b),
		     DB_ROW);
	cr_assert(has_b);
	a = -1;
	cr_assert_eq(db_get(d, &err, "SELECT a FROM t WHERE a = ?", "i", "i", (int64_t)1, &a),
		     DB_DONE);
	cr_assert_eq(a, -1);
	cr_assert_lt(db_get(d, &err, "SELECT nonsense FROM t", "", "i", &a), 0);
	cr_assert(err.message[0]);
}
