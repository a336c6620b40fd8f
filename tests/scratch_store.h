/*
 * scratch_store.h — a throw-away SQLite store for the C tests, without a test framework
 * (the unit tests assert with Criterion, the fuzz targets abort): a fresh file under /tmp,
 * migrated and, when asked, the demo district installed; and its removal with its -wal,
 * -shm and keyring files.
 */
#ifndef YC_TEST_SCRATCH_STORE_H
#define YC_TEST_SCRATCH_STORE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/demo/demo.h"
#include "db/db.h"

struct scratch_store {
	char path[64];
	db *d;
};

static inline void scratch_store_remove(const char *path)
{
	static const char *const aux[] = {"", "-wal", "-shm", ".keyring"};
	for (size_t i = 0; i < sizeof(aux) / sizeof(aux[0]); i++) {
		char p[80];
		snprintf(p, sizeof(p), "%s%s", path, aux[i]);
		unlink(p);
	}
}

/* 0, or the failure with err set (s->d is then NULL or to be closed). */
static inline int scratch_store_open(struct scratch_store *s, const char *name, bool demo,
				     yc_err *err)
{
	s->d = NULL;
	snprintf(s->path, sizeof(s->path), "/tmp/yc-%s-%d-XXXXXX", name, getpid());
	int fd = mkstemp(s->path);
	if (fd < 0)
		return yc_err_set(err, YC_EIO, NULL, "mkstemp %s failed", s->path);
	close(fd);
	unlink(s->path);
	int rc = db_open(s->path, DB_OPEN_CREATE, &s->d, err);
	if (!rc)
		rc = db_migrate(s->d, err);
	if (!rc && demo)
		rc = demo_install(s->d, err);
	return rc;
}

static inline void scratch_store_close(struct scratch_store *s)
{
	db_close(s->d);
	s->d = NULL;
	scratch_store_remove(s->path);
}

#endif
