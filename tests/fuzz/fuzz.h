/*
 * fuzz.h — what the fuzz targets share: libFuzzer's entry points, the input
 * as a C string, the input cut into parts, and a throw-away store.
 *
 * A target is one file here with LLVMFuzzerTestOneInput; its seed corpus is
 * tests/fuzz/corpus/<target>/ (scripts/fuzz runs it; docs/security.md says
 * what each covers). A target never prints: a crash, a sanitizer report or a
 * failed FUZZ_ASSERT is the only finding.
 */
#ifndef YC_FUZZ_H
#define YC_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/demo/demo.h"
#include "db/db.h"
#include "lib/log.h"
#include "../scratch_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* An invariant of the code under test: a broken one is a finding like a crash. */
#define FUZZ_ASSERT(c)                                                                             \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #c);  \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The input as a NUL-terminated copy (it may hold NULs of its own); free() it. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * Cuts s (a fuzz_cstr copy of size bytes) at the first n-1 separator bytes
 * sep into n strings; parts that are missing are "". Returns how many were
 * found.
 */
static inline int fuzz_split(char *s, size_t size, char sep, char **part, int n)
{
	int found = 0;
	char *p = s, *end = s + size;
	for (int i = 0; i < n; i++)
		part[i] = (char *)"";
	while (found < n) {
		part[found++] = p;
		if (found == n)
			break;
		char *q = memchr(p, sep, (size_t)(end - p));
		if (!q)
			break;
		*q = '\0';
		p = q + 1;
	}
	return found;
}

/*
 * A migrated SQLite store under /tmp with the demo district installed (its
 * catalog, departments, accounts), made once per process and removed at exit
 * with its -wal, -shm and .keyring files.
 */
static struct scratch_store fuzz_scratch;
static inline void fuzz_store_remove(void)
{
	scratch_store_remove(fuzz_scratch.path);
}
static inline db *fuzz_store(void)
{
	if (fuzz_scratch.d)
		return fuzz_scratch.d;
	yc_log_set_level(YC_LOG_ERROR);
	yc_err err;
	if (scratch_store_open(&fuzz_scratch, "fuzz", true, &err)) {
		fprintf(stderr, "fuzz store: %s\n", err.message);
		abort();
	}
	atexit(fuzz_store_remove);
	return fuzz_scratch.d;
}

#endif
