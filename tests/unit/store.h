/*
 * store.h — the throw-away SQLite store (../scratch_store.h) for unit tests, asserting that it
 * opens.
 */
#ifndef YC_TEST_STORE_H
#define YC_TEST_STORE_H

#include <criterion/criterion.h>

#include "../scratch_store.h"

static inline db *test_store_open(struct scratch_store *s, const char *name, bool demo)
{
	yc_err err;
	cr_assert_eq(scratch_store_open(s, name, demo, &err), 0, "%s", err.message);
	return s->d;
}

static inline void test_store_close(struct scratch_store *s)
{
	scratch_store_close(s);
}

#endif
