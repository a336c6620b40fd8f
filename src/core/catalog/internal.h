/*
 * internal.h — what the files of core/catalog/ share. Not for other modules:
 * they go through catalog.h.
 */
#ifndef YC_CATALOG_INTERNAL_H
#define YC_CATALOG_INTERNAL_H

#include "core/catalog/catalog.h"

/* validate.c: the value lists of an item's fields, and a field checked against one. */
extern const char *const catalog_item_levels[];
extern const char *const catalog_item_types[];
extern const char *const catalog_variant_kinds[]; /* variant.c */
int catalog_enum_field(const cJSON *o, const char *name, const char *path, const char *const *set,
		       bool required, yc_err *err);

#endif
