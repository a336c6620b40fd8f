/*
 * foreign.h — 外商投资: the national negative list for foreign investment access (外商投资准入
 * 特别管理措施) and its application to a foreign-invested business's registration.
 *
 * Each edition of the list is data (a file in data/negative-list/, loaded at init; an
 * administrator imports another with `negative-list import`): its measures, each prohibited
 * or restricted, with the GB/T 4754-2017 industry codes it covers and, when restricted, its
 * conditions (a foreign share cap, Chinese control, a Chinese legal representative …). The
 * edition in force on a day is the newest whose effective date has come. A registration of
 * a foreign-invested business names its industries (4-digit classes): an industry a
 * prohibition covers is refused with the measure's article; a restricted one has its
 * conditions checked against the form; every other is national treatment (国民待遇).
 * See src/core/foreign/README.md and docs/foreign-investment.md.
 */
#ifndef YC_FOREIGN_H
#define YC_FOREIGN_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/case/case.h"
#include "core/common/audit.h"
#include "db/db.h"
#include "lib/buf.h"
#include "lib/errors.h"

enum {
	FDI_INDUSTRIES_MAX = 20, /* industries one business declares */
	FDI_ITEMS_MAX = 8,	 /* catalog items the list is applied to */
	FDI_SCHEMA = 27,	 /* the migration that made the list's table */
};

/* The form's words: a foreign-invested registration says so in form.investment. */
#define FDI_FOREIGN "外商投资"

struct fdi_ctx {
	char items[FDI_ITEMS_MAX][24]; /* the registrations it applies to (fdi-items) */
	int nitems;
	int tz_offset_min;
	case_form_hook then; /* the form rules wired before it */
	void *then_arg;
};

/* Checks an edition's document (the shape of the files in data/negative-list/); errors name
 * measures[i].field. */
int fdi_edition_check(const cJSON *doc, yc_err *err);
/* Stores an edition (replacing one of the same name); audited. */
int fdi_edition_put(db *d, const yc_actor *actor, const cJSON *doc, yc_err *err);
/* The shipped editions, loaded where none is stored yet. */
int fdi_seed(db *d, yc_err *err);

/* {"editions":[{edition,title,issued_by,effective,measures,prohibited,restricted,in_force}]} */
int fdi_editions_json(db *d, int32_t today, yc_buf *out, yc_err *err);
/* One edition with its measures ("" or NULL: the one in force today). */
int fdi_edition_json(db *d, const char *edition, int32_t today, yc_buf *out, yc_err *err);

/*
 * What the list says of an investment on day: in is {"industries": [codes] or "A,B",
 * "foreign_share": percent, "legal_rep_nationality": "中国"|"外国",
 * "largest_shareholder": "中方"|"外方"}. out: {"edition","title","verdict":
 * "prohibited"|"restricted"|"national_treatment","allowed","measures":[… with "unmet"]}.
 * Errors (YC_EINVAL) name in's fields; prefix ("form.") is put before them.
 */
int fdi_check_input(const cJSON *in, const char *prefix, yc_err *err);
int fdi_check(db *d, const cJSON *in, int32_t day, yc_buf *out, bool *allowed, yc_err *err);

/* The case form hook: a foreign-invested registration of one of c->items checked. */
int fdi_form_rules(db *d, void *arg, const char *item, const cJSON *form, yc_err *err);

#endif
