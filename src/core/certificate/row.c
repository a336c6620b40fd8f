/* row.c — reading types, issuers and certificates (see internal.h). */
#include "core/certificate/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/timeutil.h"
#include "lib/banned.h"

int64_t cert_now(const struct cert_ctx *c)
{
	return c->now_ms ? c->now_ms : yc_now_ms();
}

static int type_read(db_stmt *st, struct cert_type *t, yc_err *err)
{
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		db_col_copy(st, 0, t->code, sizeof(t->code));
		db_col_copy(st, 1, t->name, sizeof(t->name));
		db_col_copy(st, 2, t->type_code, sizeof(t->type_code));
		db_col_copy(st, 3, t->holder, sizeof(t->holder));
		db_col_copy(st, 4, t->holder_id, sizeof(t->holder_id));
		t->valid_years = (int)db_col_int(st, 5);
		db_col_copy(st, 6, t->issuer, sizeof(t->issuer));
		t->fields = cJSON_Parse(db_col_text(st, 7));
		if (!t->fields)
			rc = yc_err_set(err, YC_EINTERNAL, "fields",
					"type %s's fields are not JSON", t->code);
	}
	db_done(st);
	return rc;
}

#define TYPE_COLUMNS                                                                               \
	"t.code, t.name, t.type_code, t.holder, t.holder_id, t.valid_years, t.issuer, t.fields"

int cert_type_of_item(db *d, const char *item, struct cert_type *t, yc_err *err)
{
	db_stmt *st = db_prepare(d,
				 "SELECT " TYPE_COLUMNS " FROM cert_type_items i"
				 " JOIN cert_types t ON t.code = i.type WHERE i.item = ?",
				 err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, item);
	return type_read(st, t, err);
}

int cert_type_load(db *d, const char *code, struct cert_type *t, yc_err *err)
{
	db_stmt *st =
		db_prepare(d, "SELECT " TYPE_COLUMNS " FROM cert_types t WHERE t.code = ?", err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, code);
	return type_read(st, t, err);
}

void cert_type_free(struct cert_type *t)
{
	cJSON_Delete(t->fields);
	t->fields = NULL;
}

int cert_issuer_of(db *d, const char *dept, char *name, size_t nsize, char *code, size_t csize,
		   yc_err *err)
{
	int rc = db_get(d, err,
			"SELECT d.name, i.credit_code FROM cert_issuers i"
			" JOIN departments d ON d.code = i.department WHERE i.department = ?",
			"s", "tt", dept, name, nsize, code, csize);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0
			    : yc_err_set(err, YC_EINVAL, "department",
					 "%s issues no certificates (no credit code)", dept);
}

int cert_row_load(db *d, const char *id, struct cert_row *r, yc_err *err)
{
	db_stmt *st = db_prepare(
		d,
		"SELECT id, type, name, number, version, department, COALESCE(holder_user, 0),"
		" holder_name, holder_id_type, holder_id, subject_kind, subject, issued_ms,"
		" COALESCE(changed_ms, 0), valid_until, kid, state, COALESCE(reason, ''),"
		" COALESCE(replaced_by, ''), data, signature, qr, envelope FROM certificates"
		" WHERE id = ?",
		err);
	if (!st)
		return db_failed(err);
	db_bind_text(st, 1, id);
	int rc = db_step(st, err);
	if (rc == DB_ROW) {
		db_col_copy(st, 0, r->id, sizeof(r->id));
		db_col_copy(st, 1, r->type, sizeof(r->type));
		db_col_copy(st, 2, r->name, sizeof(r->name));
		db_col_copy(st, 3, r->number, sizeof(r->number));
		r->version = (int)db_col_int(st, 4);
		db_col_copy(st, 5, r->department, sizeof(r->department));
		r->holder_user = db_col_int(st, 6);
		db_col_copy(st, 7, r->holder_name, sizeof(r->holder_name));
		db_col_copy(st, 8, r->holder_id_type, sizeof(r->holder_id_type));
		db_col_copy(st, 9, r->holder_id, sizeof(r->holder_id));
		db_col_copy(st, 10, r->subject_kind, sizeof(r->subject_kind));
		db_col_copy(st, 11, r->subject, sizeof(r->subject));
		r->issued_ms = db_col_int(st, 12);
		r->changed_ms = db_col_int(st, 13);
		db_col_copy(st, 14, r->valid_until, sizeof(r->valid_until));
		db_col_copy(st, 15, r->kid, sizeof(r->kid));
		db_col_copy(st, 16, r->state, sizeof(r->state));
		db_col_copy(st, 17, r->reason, sizeof(r->reason));
		db_col_copy(st, 18, r->replaced_by, sizeof(r->replaced_by));
		r->data = strdup(db_col_text(st, 19));
		r->signature = strdup(db_col_text(st, 20));
		r->qr = strdup(db_col_text(st, 21));
		r->envelope = strdup(db_col_text(st, 22));
		if (!r->data || !r->signature || !r->qr || !r->envelope)
			rc = yc_err_set(err, YC_ENOMEM, NULL, NULL);
	}
	db_done(st);
	if (rc == DB_DONE)
		return yc_err_set(err, YC_ENOTFOUND, "id", "no certificate %s", id);
	return rc < 0 ? rc : 0;
}

void cert_row_free(struct cert_row *r)
{
	free(r->data);
	free(r->signature);
	free(r->qr);
	free(r->envelope);
	r->data = r->signature = r->qr = r->envelope = NULL;
}

bool cert_may_see(const yc_user *u, const struct cert_row *r)
{
	if (u->role & (ROLE_SUPERVISOR | ROLE_ADMIN))
		return true;
	if (u->role == ROLE_APPLICANT)
		return r->holder_user && r->holder_user == u->id;
	return (u->role & (ROLE_CLERK | ROLE_APPROVER)) && !strcmp(u->department, r->department);
}
