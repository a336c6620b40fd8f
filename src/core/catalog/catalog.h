/*
 * catalog.h — departments, offices and service items (政务服务事项).
 *
 * An item is a document with the national item elements (codes, type,
 * level, instant/promised, legal and promised limits with their unit,
 * visits, online depth Ⅰ–Ⅳ, materials, fees, where and when, approval
 * levels and signatures, form fields and review steps). The store keeps the
 * validated document whole, plus the columns that lists, filters and the
 * computed figures need. Rules: promised ≤ legal; depth Ⅳ ⇒ zero visits;
 * instant ⇒ promised limit 0; levels and signatures never above before;
 * codes unique. This module is the only writer of these tables.
 */
#ifndef YC_CATALOG_H
#define YC_CATALOG_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "core/common/audit.h"
#include "db/db.h"
#include "lib/buf.h"

/* Minutes in a working day, used to compare hour limits with day limits. */
extern int catalog_minutes_per_workday;
/* A limit ({"value", "unit": "workday" | "workhour"}) in working minutes. */
int catalog_limit_minutes(const cJSON *limit);

/* Checks an item document without the store; names the first bad field. */
int catalog_item_validate(const cJSON *doc, yc_err *err);

enum catalog_put_mode { CATALOG_CREATE, CATALOG_UPDATE, CATALOG_UPSERT };
/* Validates and stores an item (audit event included); out (may be NULL) gets the item as stored. */
int catalog_item_put(db *d, const yc_actor *actor, const cJSON *doc, enum catalog_put_mode mode,
		     yc_buf *out, yc_err *err);
/* Retires (retire = true) or restores an item. */
int catalog_item_set_status(db *d, const yc_actor *actor, const char *code, bool retire,
			    yc_err *err);
/* Appends the item document with "status"; YC_ENOTFOUND when absent. */
int catalog_item_json(db *d, const char *code, yc_buf *out, yc_err *err);
/* An item's stored document, parsed (the caller's, cJSON_Delete), and whether it is active. */
int catalog_item_doc(db *d, const char *code, cJSON **doc, bool *active, yc_err *err);

struct catalog_query {
	const char *q; /* substring of the name or the code */
	const char *department;
	const char *level;
	const char *type;
	int online_depth; /* 0 = any */
	bool include_retired;
	const char *cursor; /* the last code of the previous page */
	int limit;
};
/* Appends {"items":[summary…],"total":N,"next_cursor":…}. */
int catalog_items_list(db *d, const struct catalog_query *q, yc_buf *out, yc_err *err);
int catalog_stats_json(db *d, yc_buf *out, yc_err *err);
int catalog_departments_json(db *d, yc_buf *out, yc_err *err);
int catalog_offices_json(db *d, yc_buf *out, yc_err *err);
/* {"outlets":[{code,name,bank,address,office}]}: the bank outlets (政银合作). */
int catalog_outlets_json(db *d, yc_buf *out, yc_err *err);

/*
 * Import: {"departments":[{code,name,short_name?,floor?}],
 *          "offices":[{code,name,level,parent?}], "outlets":[{code,name,bank,
 *          address?,office}], "items":[doc…], "variants":[{of,kinds}]}; each part
 *          optional; departments, offices and outlets are upserted, items and
 *          then the variants of stored items upserted. *count is the number of
 *          items stored, variants included. A "processes" list is let through for the
 * caller, who imports it after the items it joins (core/process's process_import).
 */
int catalog_import(db *d, const yc_actor *actor, const cJSON *all, int *count, yc_err *err);
/*
 * An item's 办理项 (variant.c): the variant of kind ("change", "renew", "cancel" … the table
 * in docs/catalog.md) derived from the main item's document, validated; *out is the caller's. An import's "variants":[{"of":CODE,"kinds":[KIND…]}] stores them.
 */
int catalog_variant(const cJSON *main, const char *kind, cJSON **out, yc_err *err);
/* Appends the whole catalog in the import format. */
int catalog_export(db *d, yc_buf *out, yc_err *err);
/* 纳税 (tax.c): the tax items, which are non-contact, and the payments and hours a year
 * before and after, summed from the filings' own figures (docs/tax.md). */
int catalog_tax_json(db *d, yc_buf *out, yc_err *err);
/* The item's largest material in KiB (0: no limit of its own); YC_EINVAL naming item when absent. */
int catalog_item_material_limit(db *d, const char *code, int64_t *max_kb, yc_err *err);
/* A synthetic catalog of n items over the given departments, for benchmarks. */
cJSON *catalog_generate(int n, unsigned seed);

#endif
