/*
 * demo_internal.h — what demo.c and history.c share; not for other modules.
 */
#ifndef YC_DEMO_INTERNAL_H
#define YC_DEMO_INTERNAL_H

#include "db/db.h"

/* A file of data/demo compiled in ("district.json", "hall.json"), or NULL. */
const char *demo_file(const char *name);
/* Inserts a demo account with a password hash made once for them all. */
int demo_account(db *d, const char *hash, const char *username, const char *role, const char *name,
		 const char *kind, const char *id_number, const char *phone, const char *department,
		 const char *office, yc_err *err);

/* 双随机: the lists, the enforcement officers (accounts and roster) — inspections.c. */
int demo_inspections(db *d, const char *hash, yc_err *err);
/* 全能岗 (training.c): the bank made from the catalog; each clerk's quiz of the categories of
 * the windows it may staff, taken and passed (every tenth after a first failed try). */
int demo_training(db *d, yc_err *err);

#endif
