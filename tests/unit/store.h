/*
 * store.h — a throw-away SQLite store for unit tests: a fresh file under /tmp, migrated (and,
 * when asked, the demo district installed), and its removal with its -wal and -shm files.
 */
#ifndef YC_TEST_STORE_H
#define YC_TEST_STORE_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "core/demo/demo.h"
#include "db/db.h"

struct test_store {
	char path[64];
	db *d;
};

static inline db *test_store_open(struct test_store *s, const char *name, bool demo)
{
	snprintf(s->path, sizeof(s->path), "/tmp/yc-%s-%d-XXXXXX", name, getpid());
	int fd = mkstemp(s->path);
	cr_assert(fd >= 0);
	close(fd);
	unlink(s->path);
	yc_err err;
	cr_assert_eq(db_open(s->path, DB_OPEN_CREATE, &s->d, &err), 0, "%s", err.message);
	cr_assert_eq(db_migrate(s->d, &err), 0, "%s", err.message);
	if (demo)
		cr_assert_eq(demo_install(s->d, &err), 0, "%s", err.message);
	return s->d;
}

static inline void test_store_close(struct test_store *s)
{
	db_close(s->d);
	s->d = NULL;
	unlink(s->path);
	char aux[80];
	snprintf(aux, sizeof(aux), "%s-wal", s->path);
	unlink(aux);
	snprintf(aux, sizeof(aux), "%s-shm", s->path);
	unlink(aux);
}

#endif
