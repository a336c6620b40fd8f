/*
 * catalog.c — service items, departments and offices (see catalog.h).
 */
#include "catalog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/outbox.h"
#include "lib/crypto.h"
#include "lib/json.h"
#include "lib/timeutil.h"
#include "lib/banned.h"

int catalog_minutes_per_workday = 420;

static const char *const item_levels[] = {"district", "town", "village", NULL};
static const char *const item_types[] = {
	"license", "confirmation", "payment", "levy",		"ruling",
	"reward",  "inspection",   "other",   "public_service", NULL};
static const char *const case_types[] = {"instant", "promised", NULL};
static const char *const limit_units[] = {"workday", "workhour", NULL};
static const char *const material_forms[] = {"paper", "electronic", "both", NULL};
static const char *const material_sources[] = {"applicant", "government", "intermediary", NULL};
static const char *const field_types[] = {"text",     "number",	   "date",  "select",
					  "textarea", "id_number", "phone", NULL};
static const char *const step_roles[] = {"approver", "clerk", "supervisor", NULL};
static const char *const assignment_rules[] = {"random", "round_robin", "manual", NULL};
static const char *const delivery_modes[] = {"window", "mail", "electronic", NULL};

static int enum_field(const cJSON *o, const char *name, const char *path, const char *const *set,
		      bool required, yc_err *err)
{
	const char *v = yc_json_str(o, name);
	if (!v && !required)
		return 0;
	if (!yc_one_of(v, set)) {
		yc_buf b;
		yc_buf_init(&b, 200);
		for (const char *const *s = set; *s; s++)
			yc_buf_addf(&b, "%s%s", s == set ? "" : ", ", *s);
		int rc = yc_err_set(err, YC_EINVAL, path, "%s must be one of: %s", path, b.data);
		yc_buf_release(&b);
		return rc;
	}
	return 0;
}

static int int_range(const cJSON *o, const char *name, const char *path, int64_t lo, int64_t hi,
		     yc_err *err)
{
	int64_t v = yc_json_int(o, name, lo);
	if (v < lo || v > hi)
		return yc_err_set(err, YC_EINVAL, path, "%s must be from %lld to %lld", path,
				  (long long)lo, (long long)hi);
	return 0;
}

/* Checks an array of objects against spec, prefixing field names with "name[i]". */
static int check_list(const cJSON *doc, const char *name, const yc_jfield *spec, size_t n,
		      yc_err *err)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, name);
	int i = 0;
	const cJSON *e;
	cJSON_ArrayForEach (e, arr) {
		int rc = yc_json_check(e, spec, n, err);
		if (rc)
			return yc_err_prefix(rc, err, "%s[%d]", name, i);
		i++;
	}
	return 0;
}

static int limit_minutes(const cJSON *lim)
{
	int64_t v = yc_json_int(lim, "value", 0);
	const char *unit = yc_json_str(lim, "unit");
	return (int)(unit && !strcmp(unit, "workhour") ? v * 60 : v * catalog_minutes_per_workday);
}

int catalog_item_validate(const cJSON *doc, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"code", YC_JT_STRING, true, 40},
		{"basic_code", YC_JT_STRING, true, 40},
		{"name", YC_JT_STRING, true, 300},
		{"department", YC_JT_STRING, true, 31},
		{"department_name", YC_JT_STRING, false, 200},
		{"level", YC_JT_STRING, true, 16},
		{"type", YC_JT_STRING, true, 32},
		{"case_type", YC_JT_STRING, true, 16},
		{"legal_limit", YC_JT_OBJECT, true, 0},
		{"promised_limit", YC_JT_OBJECT, true, 0},
		{"visits", YC_JT_INT, true, 0},
		{"online_depth", YC_JT_INT, true, 0},
		{"materials", YC_JT_ARRAY, false, 100},
		{"fees", YC_JT_ARRAY, false, 50},
		{"fee_free", YC_JT_BOOL, false, 0},
		{"where", YC_JT_STRING, false, 500},
		{"when", YC_JT_STRING, false, 300},
		{"phone", YC_JT_STRING, false, 40},
		{"conditions", YC_JT_STRING, false, 4000},
		{"legal_basis", YC_JT_STRING, false, 4000},
		{"approval", YC_JT_OBJECT, false, 0},
		{"form", YC_JT_ARRAY, false, 100},
		{"steps", YC_JT_ARRAY, false, 20},
		{"delivery", YC_JT_ARRAY, false, 3},
		{"keywords", YC_JT_STRING, false, 300},
		{"status", YC_JT_STRING, false, 16},
		{"commitment", YC_JT_BOOL, false, 0},
		{"post_check_days", YC_JT_INT, false, 0},
		{"assignment", YC_JT_STRING, false, 16},
		{"material_max_kb", YC_JT_INT, false, 0},
	};
	static const yc_jfield limit_spec[] = {
		{"value", YC_JT_INT, true, 0},
		{"unit", YC_JT_STRING, true, 16},
	};
	static const yc_jfield material_spec[] = {
		{"id", YC_JT_STRING, true, 40},	      {"name", YC_JT_STRING, true, 300},
		{"required", YC_JT_BOOL, true, 0},    {"condition", YC_JT_STRING, false, 500},
		{"form", YC_JT_STRING, false, 16},    {"source", YC_JT_STRING, false, 16},
		{"copies", YC_JT_INT, false, 0},      {"blank_form", YC_JT_STRING, false, 500},
		{"sample", YC_JT_STRING, false, 500}, {"note", YC_JT_STRING, false, 1000},
	};
	static const yc_jfield fee_spec[] = {
		{"name", YC_JT_STRING, true, 200},
		{"amount", YC_JT_NUMBER, true, 0},
		{"basis", YC_JT_STRING, false, 1000},
		{"waived", YC_JT_BOOL, false, 0},
	};
	static const yc_jfield approval_spec[] = {
		{"levels_before", YC_JT_INT, false, 0},
		{"levels", YC_JT_INT, false, 0},
		{"signatures_before", YC_JT_INT, false, 0},
		{"signatures", YC_JT_INT, false, 0},
	};
	static const yc_jfield form_spec[] = {
		{"name", YC_JT_STRING, true, 40},      {"label", YC_JT_STRING, true, 200},
		{"type", YC_JT_STRING, true, 16},      {"required", YC_JT_BOOL, false, 0},
		{"pattern", YC_JT_STRING, false, 200}, {"options", YC_JT_ARRAY, false, 100},
		{"max_length", YC_JT_INT, false, 0},
	};
	static const yc_jfield step_spec[] = {
		{"name", YC_JT_STRING, true, 100},
		{"department", YC_JT_STRING, true, 31},
		{"role", YC_JT_STRING, true, 16},
	};
#define N(a) (sizeof(a) / sizeof(a[0]))
	int rc = yc_json_check(doc, spec, N(spec), err);
	if (rc)
		return rc;
	const char *code = yc_json_str(doc, "code");
	if (!*code)
		return yc_err_set(err, YC_EINVAL, "code", "code must not be empty");
	for (const char *p = code; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || *p == '-'))
			return yc_err_set(err, YC_EINVAL, "code",
					  "code may hold only digits, capital letters and '-'");
	if (!*yc_json_str(doc, "name"))
		return yc_err_set(err, YC_EINVAL, "name", "name must not be empty");
	if ((rc = enum_field(doc, "level", "level", item_levels, true, err)) ||
	    (rc = enum_field(doc, "type", "type", item_types, true, err)) ||
	    (rc = enum_field(doc, "case_type", "case_type", case_types, true, err)) ||
	    (rc = enum_field(doc, "status", "status",
			     (const char *const[]){"active", "retired", NULL}, false, err)))
		return rc;
	const cJSON *legal = cJSON_GetObjectItemCaseSensitive(doc, "legal_limit");
	const cJSON *promised = cJSON_GetObjectItemCaseSensitive(doc, "promised_limit");
	if ((rc = yc_err_prefix(yc_json_check(legal, limit_spec, N(limit_spec), err), err,
				"legal_limit")) ||
	    (rc = enum_field(legal, "unit", "legal_limit.unit", limit_units, true, err)) ||
	    (rc = int_range(legal, "value", "legal_limit.value", 0, 3650, err)) ||
	    (rc = yc_err_prefix(yc_json_check(promised, limit_spec, N(limit_spec), err), err,
				"promised_limit")) ||
	    (rc = enum_field(promised, "unit", "promised_limit.unit", limit_units, true, err)) ||
	    (rc = int_range(promised, "value", "promised_limit.value", 0, 3650, err)))
		return rc;
	bool instant = !strcmp(yc_json_str(doc, "case_type"), "instant");
	if (instant && yc_json_int(promised, "value", 0) != 0)
		return yc_err_set(err, YC_EINVAL, "promised_limit",
				  "an instant item (即办件) has a promised limit of 0");
	if (!instant && yc_json_int(promised, "value", 0) == 0)
		return yc_err_set(err, YC_EINVAL, "promised_limit",
				  "a promised item (承诺件) needs a promised limit above 0");
	if (limit_minutes(promised) > limit_minutes(legal))
		return yc_err_set(err, YC_EINVAL, "promised_limit",
				  "the promised limit may not exceed the legal limit");
	if ((rc = int_range(doc, "visits", "visits", 0, 10, err)) ||
	    (rc = int_range(doc, "online_depth", "online_depth", 1, 4, err)))
		return rc;
	if (yc_json_int(doc, "online_depth", 1) == 4 && yc_json_int(doc, "visits", 0) != 0)
		return yc_err_set(err, YC_EINVAL, "visits",
				  "a fully online item (depth Ⅳ) needs zero visits");

	if ((rc = check_list(doc, "materials", material_spec, N(material_spec), err)))
		return rc;
	const cJSON *e;
	int i = 0;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(doc, "materials")) {
		char path[64];
		snprintf(path, sizeof(path), "materials[%d].form", i);
		if ((rc = enum_field(e, "form", path, material_forms, false, err)))
			return rc;
		snprintf(path, sizeof(path), "materials[%d].source", i);
		if ((rc = enum_field(e, "source", path, material_sources, false, err)))
			return rc;
		snprintf(path, sizeof(path), "materials[%d].copies", i);
		if ((rc = int_range(e, "copies", path, 0, 99, err)))
			return rc;
		int k = 0;
		const cJSON *o;
		cJSON_ArrayForEach (o, cJSON_GetObjectItemCaseSensitive(doc, "materials")) {
			if (k++ >= i)
				break;
			if (!strcmp(yc_json_str(o, "id"), yc_json_str(e, "id"))) {
				snprintf(path, sizeof(path), "materials[%d].id", i);
				return yc_err_set(err, YC_EINVAL, path, "%s repeats an earlier id",
						  path);
			}
		}
		i++;
	}
	if ((rc = check_list(doc, "fees", fee_spec, N(fee_spec), err)))
		return rc;
	i = 0;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(doc, "fees")) {
		if (cJSON_GetObjectItemCaseSensitive(e, "amount")->valuedouble < 0) {
			char path[64];
			snprintf(path, sizeof(path), "fees[%d].amount", i);
			return yc_err_set(err, YC_EINVAL, path, "%s may not be negative", path);
		}
		i++;
	}
	const cJSON *approval = cJSON_GetObjectItemCaseSensitive(doc, "approval");
	if (approval) {
		if ((rc = yc_err_prefix(
			     yc_json_check(approval, approval_spec, N(approval_spec), err), err,
			     "approval")) ||
		    (rc = int_range(approval, "levels", "approval.levels", 0, 20, err)) ||
		    (rc = int_range(approval, "signatures", "approval.signatures", 0, 50, err)) ||
		    (rc = int_range(approval, "levels_before", "approval.levels_before",
				    yc_json_int(approval, "levels", 0), 20, err)) ||
		    (rc = int_range(approval, "signatures_before", "approval.signatures_before",
				    yc_json_int(approval, "signatures", 0), 50, err)))
			return rc;
	}
	if ((rc = check_list(doc, "form", form_spec, N(form_spec), err)) ||
	    (rc = check_list(doc, "steps", step_spec, N(step_spec), err)))
		return rc;
	i = 0;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(doc, "form")) {
		char path[64];
		snprintf(path, sizeof(path), "form[%d].type", i++);
		if ((rc = enum_field(e, "type", path, field_types, true, err)))
			return rc;
	}
	i = 0;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(doc, "steps")) {
		char path[64];
		snprintf(path, sizeof(path), "steps[%d].role", i++);
		if ((rc = enum_field(e, "role", path, step_roles, true, err)))
			return rc;
	}
	i = 0;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(doc, "delivery")) {
		char path[64];
		snprintf(path, sizeof(path), "delivery[%d]", i++);
		if (!cJSON_IsString(e) || !yc_one_of(e->valuestring, delivery_modes))
			return yc_err_set(err, YC_EINVAL, path,
					  "%s must be window, mail or electronic", path);
	}
	if ((rc = enum_field(doc, "assignment", "assignment", assignment_rules, false, err)) ||
	    (rc = int_range(doc, "post_check_days", "post_check_days", 1, 365, err)) ||
	    (rc = int_range(doc, "material_max_kb", "material_max_kb", 1, 20 * 1024, err)))
		return rc;
	if (yc_json_bool(doc, "commitment", false) && instant)
		return yc_err_set(err, YC_EINVAL, "commitment",
				  "an instant item is decided at once; commitment applies to promised items");
	return 0;
#undef N
}

/* The department's name, or YC_EINVAL naming field when it does not exist. */
static int department_name(db *d, const char *code, const char *field, char *out, size_t size,
			   yc_err *err)
{
	db_stmt *st = db_prepare(d, "SELECT name FROM departments WHERE code = ?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, code);
	int rc = db_step(st, err);
	if (rc == DB_ROW)
		snprintf(out, size, "%s", db_col_text(st, 0));
	db_done(st);
	if (rc == DB_DONE)
		return yc_err_set(err, YC_EINVAL, field, "no department with code '%s'", code);
	return rc < 0 ? rc : 0;
}

/*
 * Department names this process has read, for a new item written without
 * waiting for a read (see catalog_item_put). A name gone stale is harmless:
 * the write is guarded by it, and its batch runs again on the reading path.
 * Direct-mapped; a collision replaces the older name.
 */
enum { DEPT_NAMES = 64 };

static struct {
	pthread_mutex_t lock;
	struct {
		char code[32];
		char name[200];
	} e[DEPT_NAMES];
} dept_names = {PTHREAD_MUTEX_INITIALIZER};

static bool dept_name_known(const char *code, char *out, size_t size)
{
	unsigned i = yc_hash_str(code) % DEPT_NAMES;
	pthread_mutex_lock(&dept_names.lock);
	bool known = !strcmp(dept_names.e[i].code, code);
	if (known)
		snprintf(out, size, "%s", dept_names.e[i].name);
	pthread_mutex_unlock(&dept_names.lock);
	return known;
}

static void dept_name_seen(const char *code, const char *name)
{
	if (strlen(code) >= sizeof(dept_names.e[0].code) ||
	    strlen(name) >= sizeof(dept_names.e[0].name))
		return;
	unsigned i = yc_hash_str(code) % DEPT_NAMES;
	pthread_mutex_lock(&dept_names.lock);
	snprintf(dept_names.e[i].code, sizeof(dept_names.e[i].code), "%s", code);
	snprintf(dept_names.e[i].name, sizeof(dept_names.e[i].name), "%s", name);
	pthread_mutex_unlock(&dept_names.lock);
}

/* Tells watchers (the guide's screens, other nodes) that an item changed. */
static int item_event(db *d, const char *action, const char *code, yc_err *err)
{
	char object[64];
	yc_buf payload;
	yc_buf_init(&payload, 256);
	snprintf(object, sizeof(object), "item/%s", code);
	yc_buf_adds(&payload, "{\"code\":");
	yc_json_add_str(&payload, code);
	yc_buf_addc(&payload, '}');
	int rc = outbox_append(d, "item", action, object, payload.data, err);
	yc_buf_release(&payload);
	return rc;
}

int catalog_item_put(db *d, const yc_actor *actor, const cJSON *doc, enum catalog_put_mode mode,
		     yc_buf *out, yc_err *err)
{
	int rc = catalog_item_validate(doc, err);
	if (rc)
		return rc;
	const char *code = yc_json_str(doc, "code");
	char dname[200];
	int i = 0;
	const cJSON *e;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(doc, "steps")) {
		char path[48], ignored[200];
		snprintf(path, sizeof(path), "steps[%d].department", i++);
		if ((rc = department_name(d, yc_json_str(e, "department"), path, ignored,
					  sizeof(ignored), err)))
			return rc;
	}

	const char *status = yc_json_str(doc, "status");
	const char *department = yc_json_str(doc, "department");
	char *before = NULL;
	char *text = NULL;
	bool exists = false;
	db_stmt *st;
	/*
	 * A new item where sends are queued (PostgreSQL's writers) does not wait
	 * for a read: it assumes the code is free and the department's name is
	 * the one last seen, and the insert below holds only if both are true.
	 * If not, its batch runs again without queuing and comes here to read.
	 */
	bool assume = mode == CATALOG_CREATE && db_queuing(d) &&
		      dept_name_known(department, dname, sizeof(dname));
	if (!assume) {
		/* One lookup: the department's name, and the item's before-image if it exists. */
		st = db_prepare(d,
				"SELECT dep.name, it.doc, it.status FROM departments dep"
				" LEFT JOIN items it ON it.code = ? WHERE dep.code = ?",
				err);
		if (!st)
			return err->code;
		db_bind_text(st, 1, code);
		db_bind_text(st, 2, department);
		rc = db_step(st, err);
		exists = rc == DB_ROW && !db_col_null(st, 1);
		if (rc == DB_ROW) {
			snprintf(dname, sizeof(dname), "%s", db_col_text(st, 0));
			dept_name_seen(department, dname);
		}
		if (exists)
			before = strdup(db_col_text(st, 1));
		if (exists && !status)
			status = !strcmp(db_col_text(st, 2), "retired") ? "retired" : "active";
		db_done(st);
		if (rc == DB_DONE)
			return yc_err_set(err, YC_EINVAL, "department",
					  "no department with code '%s'", department);
		if (rc < 0)
			return rc;
	}

	/* The stored document: as given, with the department's name and without status. */
	cJSON *stored = cJSON_Duplicate(doc, 1);
	if (!stored) {
		rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
		goto out;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(stored, "status");
	cJSON_DeleteItemFromObjectCaseSensitive(stored, "department_name");
	cJSON_AddStringToObject(stored, "department_name", dname);
	text = cJSON_PrintUnformatted(stored);
	cJSON_Delete(stored);
	if (!text) {
		rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
		goto out;
	}
	if (exists && mode == CATALOG_CREATE) {
		rc = yc_err_set(err, YC_EEXISTS, "code", "an item with code %s exists", code);
		goto out;
	}
	if (!exists && mode == CATALOG_UPDATE) {
		rc = yc_err_set(err, YC_ENOTFOUND, "code", "no item with code %s", code);
		goto out;
	}
	const cJSON *legal = cJSON_GetObjectItemCaseSensitive(doc, "legal_limit");
	const cJSON *promised = cJSON_GetObjectItemCaseSensitive(doc, "promised_limit");
	const cJSON *ap = cJSON_GetObjectItemCaseSensitive(doc, "approval");
#define ITEM_INSERT                                                                                \
	"INSERT INTO items (code, basic_code, name, department, level, type, case_type,"           \
	" online_depth, visits, legal_value, legal_unit, promised_value, promised_unit,"           \
	" levels_before, levels, signatures_before, signatures, status, doc, updated_ms, "         \
	"keywords)"
	const char *sql_insert = ITEM_INSERT
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	/* one row, or none when the department's name is not the one assumed */
	const char *sql_insert_assumed =
		ITEM_INSERT " SELECT ?, ?, ?, ?, ?, ?, ?, CAST(? AS INTEGER), CAST(? AS INTEGER),"
			    " CAST(? AS INTEGER), ?, CAST(? AS INTEGER), ?, CAST(? AS INTEGER),"
			    " CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER), ?, ?,"
			    " CAST(? AS BIGINT), ? FROM departments WHERE code = ? AND name = ?";
#undef ITEM_INSERT
	const char *sql_update =
		"UPDATE items SET code = ?, basic_code = ?, name = ?, department = ?, level = ?,"
		" type = ?, case_type = ?, online_depth = ?, visits = ?, legal_value = ?,"
		" legal_unit = ?, promised_value = ?, promised_unit = ?, levels_before = ?,"
		" levels = ?, signatures_before = ?, signatures = ?, status = ?, doc = ?,"
		" updated_ms = ?, keywords = ? WHERE code = ?";
	st = db_prepare(d, exists ? sql_update : assume ? sql_insert_assumed : sql_insert, err);
	if (!st) {
		rc = err->code;
		goto out;
	}
	int64_t levels = yc_json_int(ap, "levels", 0), sigs = yc_json_int(ap, "signatures", 0);
	db_bind_text(st, 1, code);
	db_bind_text(st, 2, yc_json_str(doc, "basic_code"));
	db_bind_text(st, 3, yc_json_str(doc, "name"));
	db_bind_text(st, 4, yc_json_str(doc, "department"));
	db_bind_text(st, 5, yc_json_str(doc, "level"));
	db_bind_text(st, 6, yc_json_str(doc, "type"));
	db_bind_text(st, 7, yc_json_str(doc, "case_type"));
	db_bind_int(st, 8, yc_json_int(doc, "online_depth", 1));
	db_bind_int(st, 9, yc_json_int(doc, "visits", 0));
	db_bind_int(st, 10, yc_json_int(legal, "value", 0));
	db_bind_text(st, 11, yc_json_str(legal, "unit"));
	db_bind_int(st, 12, yc_json_int(promised, "value", 0));
	db_bind_text(st, 13, yc_json_str(promised, "unit"));
	db_bind_int(st, 14, yc_json_int(ap, "levels_before", levels));
	db_bind_int(st, 15, levels);
	db_bind_int(st, 16, yc_json_int(ap, "signatures_before", sigs));
	db_bind_int(st, 17, sigs);
	db_bind_text(st, 18, status ? status : "active");
	db_bind_text(st, 19, text);
	db_bind_int(st, 20, yc_now_ms());
	db_bind_text(st, 21, yc_json_str(doc, "keywords") ? yc_json_str(doc, "keywords") : "");
	if (exists)
		db_bind_text(st, 22, code);
	if (assume) {
		db_bind_text(st, 22, department);
		db_bind_text(st, 23, dname);
	}
	rc = assume ? db_send_expect(st, 1, err) : db_send(st, err);
	db_done(st);
	if (rc == YC_EEXISTS) /* created by another writer since the read, and committed */
		rc = yc_err_set(err, YC_EEXISTS, "code", "an item with code %s exists", code);
	if (rc < 0)
		goto out;
	char object[64];
	snprintf(object, sizeof(object), "item/%s", code);
	rc = audit_append(d, actor, exists ? "item.update" : "item.create", object, NULL, before,
			  text, err);
	if (!rc)
		rc = item_event(d, exists ? "item.update" : "item.create", code, err);
	if (!rc && out) {
		/* The answer is what was stored: no need to read it back. */
		yc_buf_addf(out, "{\"status\":\"%s\",", status ? status : "active");
		rc = yc_buf_adds(out, text + 1);
	}
out:
	free(before);
	cJSON_free(text);
	return rc < 0 ? rc : 0;
}

int catalog_item_set_status(db *d, const yc_actor *actor, const char *code, bool retire,
			    yc_err *err)
{
	db_stmt *st = db_prepare(d, "SELECT status FROM items WHERE code = ?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, code);
	int rc = db_step(st, err);
	bool was_retired = rc == DB_ROW && !strcmp(db_col_text(st, 0), "retired");
	db_done(st);
	if (rc == DB_DONE)
		return yc_err_set(err, YC_ENOTFOUND, "code", "no item with code %s", code);
	if (rc < 0)
		return rc;
	if (was_retired == retire)
		return yc_err_set(err, YC_ECONFLICT, "status", "the item is %s already",
				  retire ? "retired" : "active");
	const char *to = retire ? "retired" : "active";
	rc = db_run(d, err, "UPDATE items SET status = ?, updated_ms = ? WHERE code = ?", "sis", to,
		    yc_now_ms(), code);
	if (rc)
		return rc;
	char object[64], before[40], after[40];
	snprintf(object, sizeof(object), "item/%s", code);
	snprintf(before, sizeof(before), "{\"status\":\"%s\"}", retire ? "active" : "retired");
	snprintf(after, sizeof(after), "{\"status\":\"%s\"}", to);
	rc = audit_append(d, actor, retire ? "item.retire" : "item.restore", object, NULL, before,
			  after, err);
	return rc ? rc : item_event(d, retire ? "item.retire" : "item.restore", code, err);
}

int catalog_item_json(db *d, const char *code, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(d, "SELECT status, doc FROM items WHERE code = ?", err);
	if (!st)
		return err->code;
	db_bind_text(st, 1, code);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		/* The stored document is an object: splice the status in front. */
		const char *doc = db_col_text(st, 1);
		size_t len = db_col_len(st, 1);
		yc_buf_addf(out, "{\"status\":\"%s\",", db_col_text(st, 0));
		rc = len > 2 ? yc_buf_add(out, doc + 1, len - 1) : yc_buf_adds(out, "\"\":0}");
	} else if (rc == DB_DONE) {
		rc = yc_err_set(err, YC_ENOTFOUND, "code", "no item with code %s", code);
	}
	db_done(st);
	return rc < 0 ? rc : 0;
}

/* Escapes LIKE wildcards so a search for "50%" means the characters. */
static void like_pattern(const char *q, char *out, size_t size)
{
	size_t o = 0;
	out[o++] = '%';
	for (; *q && o + 3 < size; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			out[o++] = '\\';
		out[o++] = *q;
	}
	out[o++] = '%';
	out[o] = '\0';
}

#define ITEM_FILTER                                                                                \
	" WHERE (CAST(? AS TEXT) IS NULL OR name LIKE ? ESCAPE '\\' OR keywords LIKE ? ESCAPE "    \
	"'\\'"                                                                                     \
	"  OR code LIKE ? ESCAPE '\\')"                                                            \
	" AND (CAST(? AS TEXT) IS NULL OR department = ?)"                                         \
	" AND (CAST(? AS TEXT) IS NULL OR level = ?)"                                              \
	" AND (CAST(? AS TEXT) IS NULL OR type = ?)"                                               \
	" AND (CAST(? AS INTEGER) = 0 OR online_depth = ?)"                                        \
	" AND (CAST(? AS INTEGER) = 1 OR status = 'active')"

static int bind_filter(db_stmt *st, const struct catalog_query *q, const char *pattern)
{
	int i = 1;
	db_bind_text(st, i++, q->q);
	db_bind_text(st, i++, pattern);
	db_bind_text(st, i++, pattern);
	db_bind_text(st, i++, pattern);
	db_bind_text(st, i++, q->department);
	db_bind_text(st, i++, q->department);
	db_bind_text(st, i++, q->level);
	db_bind_text(st, i++, q->level);
	db_bind_text(st, i++, q->type);
	db_bind_text(st, i++, q->type);
	db_bind_int(st, i++, q->online_depth);
	db_bind_int(st, i++, q->online_depth);
	db_bind_int(st, i++, q->include_retired);
	return i;
}

int catalog_items_list(db *d, const struct catalog_query *q, yc_buf *out, yc_err *err)
{
	char pattern[400];
	like_pattern(q->q ? q->q : "", pattern, sizeof(pattern));
	int limit = q->limit > 0 && q->limit <= 200 ? q->limit : 20;

	db_stmt *st = db_prepare(d, "SELECT COUNT(*) FROM items" ITEM_FILTER, err);
	if (!st)
		return err->code;
	bind_filter(st, q, pattern);
	int rc = db_step(st, err);
	int64_t total = rc == DB_ROW ? db_col_int(st, 0) : 0;
	db_done(st);
	if (rc < 0)
		return rc;

	st = db_prepare(d,
			"SELECT i.code, i.name, i.department, d.name, i.level, i.type, i.case_type,"
			" i.online_depth, i.visits, i.legal_value, i.legal_unit, i.promised_value,"
			" i.promised_unit, i.status FROM items i JOIN departments d"
			" ON d.code = i.department"
			" WHERE i.code IN (SELECT code FROM items" ITEM_FILTER
			" AND code > ?) ORDER BY i.code LIMIT ?",
			err);
	if (!st)
		return err->code;
	int next = bind_filter(st, q, pattern);
	db_bind_text(st, next, q->cursor ? q->cursor : "");
	db_bind_int(st, next + 1, limit + 1);
	yc_buf_adds(out, "{\"items\":[");
	int n = 0;
	char last[64] = "";
	bool more = false;
	while ((rc = db_step(st, err)) == DB_ROW) {
		if (n == limit) {
			more = true;
			break;
		}
		yc_buf_adds(out, n ? ",{\"code\":" : "{\"code\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"name\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_adds(out, ",\"department\":");
		yc_json_add_str(out, db_col_text(st, 2));
		yc_buf_adds(out, ",\"department_name\":");
		yc_json_add_str(out, db_col_text(st, 3));
		yc_buf_addf(
			out,
			",\"level\":\"%s\",\"type\":\"%s\",\"case_type\":\"%s\","
			"\"online_depth\":%lld,\"visits\":%lld,"
			"\"legal_limit\":{\"value\":%lld,\"unit\":\"%s\"},"
			"\"promised_limit\":{\"value\":%lld,\"unit\":\"%s\"},\"status\":\"%s\"}",
			db_col_text(st, 4), db_col_text(st, 5), db_col_text(st, 6),
			(long long)db_col_int(st, 7), (long long)db_col_int(st, 8),
			(long long)db_col_int(st, 9), db_col_text(st, 10),
			(long long)db_col_int(st, 11), db_col_text(st, 12), db_col_text(st, 13));
		snprintf(last, sizeof(last), "%s", db_col_text(st, 0));
		n++;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	yc_buf_addf(out, "],\"total\":%lld,\"next_cursor\":", (long long)total);
	yc_json_add_str(out, more ? last : NULL);
	return yc_buf_addc(out, '}');
}

int catalog_stats_json(db *d, yc_buf *out, yc_err *err)
{
	db_stmt *st =
		db_prepare(d,
			   "SELECT COUNT(*),"
			   " SUM(CASE WHEN online_depth >= 3 THEN 1 ELSE 0 END),"
			   " SUM(CASE WHEN online_depth = 4 THEN 1 ELSE 0 END),"
			   " SUM(CASE WHEN level = 'district' THEN 1 ELSE 0 END),"
			   " SUM(CASE WHEN level = 'town' THEN 1 ELSE 0 END),"
			   " SUM(CASE WHEN level = 'village' THEN 1 ELSE 0 END),"
			   " SUM(CASE WHEN case_type = 'instant' THEN 1 ELSE 0 END),"
			   " SUM(levels_before - levels), SUM(signatures_before - signatures),"
			   " SUM(CASE WHEN visits = 0 THEN 1 ELSE 0 END),"
			   " SUM(CASE WHEN visits <= 1 THEN 1 ELSE 0 END)"
			   " FROM items WHERE status = 'active'",
			   err);
	if (!st)
		return err->code;
	int rc = db_step(st, err);
	int64_t v[11] = {0};
	for (int i = 0; rc == DB_ROW && i < 11; i++)
		v[i] = db_col_int(st, i);
	db_done(st);
	if (rc < 0)
		return rc;

	/* Days cut from legal to promised: hour limits count as fractions of a working day. */
	st = db_prepare(d,
			"SELECT legal_value, legal_unit, promised_value, promised_unit FROM items"
			" WHERE status = 'active'",
			err);
	if (!st)
		return err->code;
	double legal_days = 0, cut_days = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		double per = catalog_minutes_per_workday / 60.0;
		double l = (double)db_col_int(st, 0) /
			   (!strcmp(db_col_text(st, 1), "workhour") ? per : 1);
		double p = (double)db_col_int(st, 2) /
			   (!strcmp(db_col_text(st, 3), "workhour") ? per : 1);
		legal_days += l;
		cut_days += l - p;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	double total = (double)v[0];
	yc_buf_addf(
		out,
		"{\"items\":%lld,\"by_level\":{\"district\":%lld,\"town\":%lld,\"village\":%lld},"
		"\"instant\":%lld,\"promised\":%lld,"
		"\"online_able\":%lld,\"online_able_rate\":%.4f,"
		"\"fully_online\":%lld,\"fully_online_rate\":%.4f,"
		"\"zero_visit\":%lld,\"at_most_one_visit\":%lld,"
		"\"legal_days\":%.1f,\"days_cut\":%.1f,\"days_cut_share\":%.4f,"
		"\"levels_removed\":%lld,\"signatures_removed\":%lld}",
		(long long)v[0], (long long)v[3], (long long)v[4], (long long)v[5], (long long)v[6],
		(long long)(v[0] - v[6]), (long long)v[1], total ? (double)v[1] / total : 0.0,
		(long long)v[2], total ? (double)v[2] / total : 0.0, (long long)v[9],
		(long long)v[10], legal_days, cut_days,
		legal_days > 0 ? cut_days / legal_days : 0.0, (long long)v[7], (long long)v[8]);
	return 0;
}

int catalog_departments_json(db *d, yc_buf *out, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT d.code, d.name, d.short_name, d.floor,"
				 " (SELECT COUNT(*) FROM items i WHERE i.department = d.code"
				 "  AND i.status = 'active')"
				 " FROM departments d ORDER BY d.code",
				 err);
	if (!st)
		return err->code;
	int rc, n = 0;
	yc_buf_adds(out, "{\"departments\":[");
	while ((rc = db_step(st, err)) == DB_ROW) {
		yc_buf_adds(out, n++ ? ",{\"code\":" : "{\"code\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"name\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_adds(out, ",\"short_name\":");
		yc_json_add_str(out, db_col_text(st, 2));
		yc_buf_addf(out, ",\"floor\":%lld,\"items\":%lld}", (long long)db_col_int(st, 3),
			    (long long)db_col_int(st, 4));
	}
	db_done(st);
	yc_buf_adds(out, "]}");
	return rc < 0 ? rc : 0;
}

int catalog_offices_json(db *d, yc_buf *out, yc_err *err)
{
	db_stmt *st =
		db_prepare(d,
			   "SELECT code, name, level, parent FROM offices ORDER BY"
			   " CASE level WHEN 'district' THEN 0 WHEN 'town' THEN 1 ELSE 2 END, code",
			   err);
	if (!st)
		return err->code;
	int rc, n = 0;
	yc_buf_adds(out, "{\"offices\":[");
	while ((rc = db_step(st, err)) == DB_ROW) {
		yc_buf_adds(out, n++ ? ",{\"code\":" : "{\"code\":");
		yc_json_add_str(out, db_col_text(st, 0));
		yc_buf_adds(out, ",\"name\":");
		yc_json_add_str(out, db_col_text(st, 1));
		yc_buf_addf(out, ",\"level\":\"%s\",\"parent\":", db_col_text(st, 2));
		yc_json_add_str(out, db_col_null(st, 3) ? NULL : db_col_text(st, 3));
		yc_buf_addc(out, '}');
	}
	db_done(st);
	yc_buf_adds(out, "]}");
	return rc < 0 ? rc : 0;
}

static int import_departments(db *d, const yc_actor *actor, const cJSON *arr, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"code", YC_JT_STRING, true, 31},	  {"name", YC_JT_STRING, true, 200},
		{"short_name", YC_JT_STRING, false, 100}, {"floor", YC_JT_INT, false, 0},
		{"items", YC_JT_INT, false, 0},
	};
	const cJSON *e;
	int i = 0, rc;
	cJSON_ArrayForEach (e, arr) {
		char path[48];
		snprintf(path, sizeof(path), "departments[%d]", i++);
		if ((rc = yc_json_check(e, spec, sizeof(spec) / sizeof(spec[0]), err)))
			return yc_err_prefix(rc, err, "%s", path);
		const char *code = yc_json_str(e, "code");
		rc = db_run(d, err,
			    "INSERT INTO departments (code, name, short_name, floor) VALUES (?, ?, "
			    "?, ?)"
			    " ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
			    " short_name = excluded.short_name, floor = excluded.floor",
			    "sssi", code, yc_json_str(e, "name"),
			    yc_json_str(e, "short_name") ? yc_json_str(e, "short_name") : "",
			    yc_json_int(e, "floor", 2));
		char object[64];
		snprintf(object, sizeof(object), "department/%s", code);
		if (!rc)
			rc = audit_append(d, actor, "department.put", object, NULL, NULL,
					  yc_json_str(e, "name"), err);
		if (rc)
			return rc;
	}
	return 0;
}

static int import_offices(db *d, const yc_actor *actor, const cJSON *arr, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"code", YC_JT_STRING, true, 31},
		{"name", YC_JT_STRING, true, 200},
		{"level", YC_JT_STRING, true, 16},
		{"parent", YC_JT_ANY, false, 0},
	};
	const cJSON *e;
	int i = 0, rc;
	cJSON_ArrayForEach (e, arr) {
		char path[48];
		snprintf(path, sizeof(path), "offices[%d]", i++);
		if ((rc = yc_json_check(e, spec, sizeof(spec) / sizeof(spec[0]), err)) ||
		    (rc = enum_field(e, "level", "level", item_levels, true, err)))
			return yc_err_prefix(rc, err, "%s", path);
		const char *code = yc_json_str(e, "code");
		rc = db_run(d, err,
			    "INSERT INTO offices (code, name, level, parent) VALUES (?, ?, ?, ?)"
			    " ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
			    " level = excluded.level, parent = excluded.parent",
			    "ssss", code, yc_json_str(e, "name"), yc_json_str(e, "level"),
			    yc_json_str(e, "parent"));
		if (rc == YC_EINVAL)
			return yc_err_set(err, YC_EINVAL, path, "%s: unknown parent office", path);
		char object[64];
		snprintf(object, sizeof(object), "office/%s", code);
		if (!rc)
			rc = audit_append(d, actor, "office.put", object, NULL, NULL,
					  yc_json_str(e, "name"), err);
		if (rc)
			return rc;
	}
	return 0;
}

int catalog_import(db *d, const yc_actor *actor, const cJSON *all, int *count, yc_err *err)
{
	static const yc_jfield spec[] = {
		{"departments", YC_JT_ARRAY, false, 0},
		{"offices", YC_JT_ARRAY, false, 0},
		{"items", YC_JT_ARRAY, false, 0},
	};
	*count = 0;
	int rc = yc_json_check(all, spec, 3, err);
	if (!rc)
		rc = import_departments(d, actor,
					cJSON_GetObjectItemCaseSensitive(all, "departments"), err);
	if (!rc)
		rc = import_offices(d, actor, cJSON_GetObjectItemCaseSensitive(all, "offices"),
				    err);
	const cJSON *e;
	int i = 0;
	cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(all, "items")) {
		if (rc)
			break;
		rc = yc_err_prefix(catalog_item_put(d, actor, e, CATALOG_UPSERT, NULL, err), err,
				   "items[%d]", i);
		i++;
	}
	if (!rc)
		*count = i;
	return rc;
}

int catalog_export(db *d, yc_buf *out, yc_err *err)
{
	int rc = yc_buf_adds(out, "{\"departments\":");
	yc_buf part;
	yc_buf_init(&part, 0);
	/* departments_json and offices_json wrap their lists; unwrap them here. */
	if (!rc && !(rc = catalog_departments_json(d, &part, err))) {
		const char *start = strchr(part.data, '[');
		yc_buf_add(out, start, part.len - (size_t)(start - part.data) - 1);
	}
	yc_buf_clear(&part);
	yc_buf_adds(out, ",\"offices\":");
	if (!rc && !(rc = catalog_offices_json(d, &part, err))) {
		const char *start = strchr(part.data, '[');
		yc_buf_add(out, start, part.len - (size_t)(start - part.data) - 1);
	}
	yc_buf_release(&part);
	if (rc)
		return rc;
	yc_buf_adds(out, ",\"items\":[");
	db_stmt *st = db_prepare(d, "SELECT code FROM items ORDER BY code", err);
	if (!st)
		return err->code;
	char **codes = NULL;
	size_t n = 0;
	while ((rc = db_step(st, err)) == DB_ROW) {
		char **grown = realloc(codes, sizeof(*codes) * (n + 1));
		if (!grown) {
			rc = YC_ENOMEM;
			break;
		}
		codes = grown;
		codes[n++] = strdup(db_col_text(st, 0));
	}
	db_done(st);
	for (size_t i = 0; rc >= 0 && i < n; i++) {
		if (i)
			yc_buf_addc(out, ',');
		rc = catalog_item_json(d, codes[i], out, err);
	}
	for (size_t i = 0; i < n; i++)
		free(codes[i]);
	free(codes);
	if (rc < 0)
		return rc;
	return yc_buf_adds(out, "]}");
}

cJSON *catalog_generate(int n, unsigned seed)
{
	static const char *const verbs[] = {"设立", "变更", "注销", "延续",
					    "备案", "核准", "认定", "补办"};
	static const char *const objects[] = {
		"食品经营许可",	    "道路运输经营许可", "建筑工程施工许可", "排水许可",
		"户外广告设置",	    "公共场所卫生许可", "药品零售许可",	    "医疗机构执业登记",
		"民办学校办学许可", "人力资源服务许可"};
	static const char *const levels[] = {"district", "town", "village"};
	cJSON *all = cJSON_CreateObject();
	cJSON *deps = cJSON_AddArrayToObject(all, "departments");
	cJSON *items = cJSON_AddArrayToObject(all, "items");
	for (int k = 0; k < 10; k++) {
		cJSON *dep = cJSON_CreateObject();
		char code[16], name[64];
		snprintf(code, sizeof(code), "gen%02d", k);
		snprintf(name, sizeof(name), "生成部门%02d", k);
		cJSON_AddStringToObject(dep, "code", code);
		cJSON_AddStringToObject(dep, "name", name);
		cJSON_AddItemToArray(deps, dep);
	}
	unsigned s = seed ? seed : 1;
	for (int i = 0; i < n; i++) {
		s = s * 1103515245u + 12345u;
		unsigned r = s >> 8;
		char code[40], basic[16], name[128], dep[16];
		snprintf(basic, sizeof(basic), "%012d", 100000 + i);
		snprintf(code, sizeof(code), "G%s%06d", basic, i);
		snprintf(name, sizeof(name), "%s%s（%d）", objects[r % 10], verbs[(r >> 4) % 8], i);
		snprintf(dep, sizeof(dep), "gen%02u", (r >> 8) % 10);
		int depth = 1 + (int)((r >> 12) % 4);
		int legal = 5 + (int)((r >> 14) % 16);
		cJSON *it = cJSON_CreateObject();
		cJSON_AddStringToObject(it, "code", code);
		cJSON_AddStringToObject(it, "basic_code", basic);
		cJSON_AddStringToObject(it, "name", name);
		cJSON_AddStringToObject(it, "department", dep);
		cJSON_AddStringToObject(it, "level", levels[(r >> 18) % 3]);
		cJSON_AddStringToObject(it, "type", item_types[(r >> 20) % 9]);
		cJSON_AddStringToObject(it, "case_type", "promised");
		cJSON *l = cJSON_AddObjectToObject(it, "legal_limit");
		cJSON_AddNumberToObject(l, "value", legal);
		cJSON_AddStringToObject(l, "unit", "workday");
		cJSON *p = cJSON_AddObjectToObject(it, "promised_limit");
		cJSON_AddNumberToObject(p, "value", 1 + legal / 4);
		cJSON_AddStringToObject(p, "unit", "workday");
		cJSON_AddNumberToObject(it, "visits", depth == 4 ? 0 : 1);
		cJSON_AddNumberToObject(it, "online_depth", depth);
		cJSON *mats = cJSON_AddArrayToObject(it, "materials");
		for (int m = 0; m < 3; m++) {
			cJSON *mat = cJSON_CreateObject();
			char id[8], mname[64];
			snprintf(id, sizeof(id), "m%d", m + 1);
			snprintf(mname, sizeof(mname), "申请材料%d", m + 1);
			cJSON_AddStringToObject(mat, "id", id);
			cJSON_AddStringToObject(mat, "name", mname);
			cJSON_AddBoolToObject(mat, "required", m < 2);
			cJSON_AddItemToArray(mats, mat);
		}
		cJSON_AddItemToArray(items, it);
	}
	return all;
}

int catalog_item_material_limit(db *d, const char *code, int64_t *max_kb, yc_err *err)
{
	*max_kb = 0;
	db_stmt *st = db_prepare(d, "SELECT doc FROM items WHERE code = ?", err);
	if (!st)
		return err ? err->code : YC_EINTERNAL;
	db_bind_text(st, 1, code);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		cJSON *doc = cJSON_Parse(db_col_text(st, 0));
		*max_kb = yc_json_int(doc, "material_max_kb", 0);
		cJSON_Delete(doc);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = yc_err_set(err, YC_EINVAL, "item", "no item with code %s", code);
	}
	db_done(st);
	return rc;
}
