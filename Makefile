# yichuang — `make run` starts the whole system with demo data; `make check`
# runs every test layer. Both install what is missing first (scripts/setup).

VERSION  := 0.1.0
CC       ?= cc
CFLAGS   ?= -O2 -g
# snprintf truncation is how yichuang bounds messages, so that warning is off.
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers -Wno-format-truncation
# cairo and pango (certificates' PDFs) through pkg-config, asked when a recipe runs: after
# `make setup` has installed them on a bare machine.
PANGO_CFLAGS = $(shell pkg-config --cflags pangocairo 2>/dev/null)
PANGO_LIBS   = $(shell pkg-config --libs pangocairo 2>/dev/null)
CPPFLAGS  = -std=c11 -D_GNU_SOURCE -DYC_VERSION='"$(VERSION)"' -Isrc -I/usr/include/postgresql $(PANGO_CFLAGS) -MMD -MP
LIBS      = -levent -levent_pthreads -lsqlite3 -lpq -lcrypto -largon2 -lcjson -lqrencode -lz $(PANGO_LIBS) -lpthread -lm
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRC      := $(wildcard src/lib/*.c src/db/*.c src/core/*.c src/core/*/*.c src/http/*.c src/http/*/*.c src/jobs/*.c)
GEN      := schema_sqlite.c schema_postgres.c calendar_files.c demo_files.c guide_files.c fdi_files.c
SCHEMA   := $(sort $(wildcard src/db/schema/sqlite/*.sql))
SCHEMA_PG:= $(sort $(wildcard src/db/schema/postgres/*.sql))
CALFILES := $(sort $(wildcard data/calendar/*.json))
GUIDEFILES:= data/guide/synonyms.json data/guide/asked.json
FDIFILES := $(sort $(wildcard data/negative-list/*.json))
DEMOFILES:= data/demo/district.json data/demo/hall.json data/demo/processes.json data/demo/certificates.json data/demo/inspections.json data/demo/grants.json data/demo/courts.json data/demo/year_stated.json data/demo/advisory.json
UNIT_SRC := $(wildcard tests/unit/*.c)
# The commands (src/cli/, with main.c's table) go into the binary only.
CLI      := $(wildcard src/cli/*.c)

# One object tree per flavour: build/ (release) and build-asan/ (sanitizers).
objs = $(patsubst src/%.c,$(1)/obj/%.o,$(SRC)) $(patsubst %.c,$(1)/obj/gen/%.o,$(GEN))
cli_objs = $(patsubst src/%.c,$(1)/obj/%.o,$(CLI))

.PHONY: all run check fresh-check setup setup-run test-unit test-api test-e2e test-crash test-fuzz ha-test bench bench-scale soak fuzz fuzz-build fmt clean asan
all: build/yichuang

build/gen/schema_sqlite.c: $(SCHEMA) scripts/embed.sh
	@mkdir -p $(@D)
	@scripts/embed.sh yc_schema_sqlite $(SCHEMA) > $@
build/gen/schema_postgres.c: $(SCHEMA_PG) scripts/embed.sh
	@mkdir -p $(@D)
	@scripts/embed.sh yc_schema_postgres $(SCHEMA_PG) > $@
build/gen/calendar_files.c: $(CALFILES) scripts/embed.sh
	@mkdir -p $(@D)
	@scripts/embed.sh yc_calendar_files $(CALFILES) > $@
build/gen/guide_files.c: $(GUIDEFILES) scripts/embed.sh
	@mkdir -p $(@D)
	@scripts/embed.sh yc_guide_files $(GUIDEFILES) > $@
build/gen/fdi_files.c: $(FDIFILES) scripts/embed.sh
	@mkdir -p $(@D)
	@scripts/embed.sh yc_fdi_files $(FDIFILES) > $@
build/gen/demo_files.c: $(DEMOFILES) scripts/embed.sh
	@mkdir -p $(@D)
	@scripts/embed.sh yc_demo_files $(DEMOFILES) > $@

build/obj/%.o: src/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c $< -o $@
build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@
build/yichuang: $(call objs,build) $(call cli_objs,build) build/obj/main.o
	@echo "  LINK    $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

build-asan/obj/%.o: src/%.c
	@mkdir -p $(@D)
	@echo "  CC/SAN  $<"
	@$(CC) $(CPPFLAGS) -O1 -g $(SAN) $(WARN) -c $< -o $@
build-asan/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	@$(CC) $(CPPFLAGS) -O1 -g $(SAN) -c $< -o $@
build-asan/yichuang: $(call objs,build-asan) $(call cli_objs,build-asan) build-asan/obj/main.o
	@echo "  LINK    $@"
	@$(CC) -g $(SAN) -o $@ $^ $(LIBS)
build-asan/unit-tests: $(call objs,build-asan) $(UNIT_SRC) $(wildcard tests/unit/*.h)
	@echo "  LINK    $@"
	@$(CC) $(CPPFLAGS) -O1 -g $(SAN) $(WARN) -o $@ $(UNIT_SRC) $(call objs,build-asan) $(LIBS) -lcriterion
asan: build-asan/yichuang build-asan/unit-tests

# Fuzzing (tests/fuzz/, docs/security.md): clang's libFuzzer with ASan and UBSan,
# one binary per target over a third object tree. Warnings are gcc's business
# (the other trees build with -Werror); clang's extra ones do not stop a fuzzer.
FUZZ_CC   := clang
FUZZ_SAN  := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_SRC  := $(wildcard tests/fuzz/*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
build-fuzz/obj/%.o: src/%.c
	@mkdir -p $(@D)
	@echo "  CC/FUZZ $<"
	@$(FUZZ_CC) $(CPPFLAGS) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link -w -c $< -o $@
build-fuzz/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	@$(FUZZ_CC) $(CPPFLAGS) -O1 -g $(FUZZ_SAN) -w -c $< -o $@
# An archive, so that a target takes only the objects it calls.
build-fuzz/libyc.a: $(call objs,build-fuzz) $(call cli_objs,build-fuzz)
	@rm -f $@
	@ar rcs $@ $^
build-fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h build-fuzz/libyc.a
	@echo "  LINK    $@"
	@$(FUZZ_CC) $(CPPFLAGS) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -o $@ $< build-fuzz/libyc.a $(LIBS)
fuzz-build: $(FUZZ_BINS)

# Each target for FUZZ_SECONDS (default 60) from its committed corpus; what it finds
# new goes to build/fuzz/<target>/, a crash to build/fuzz/crashes/ (scripts/fuzz).
fuzz: setup $(FUZZ_BINS)
	@scripts/fuzz run $(FUZZ_SECONDS)
test-fuzz: setup $(FUZZ_BINS)
	@scripts/check fuzz

# Two levels: `make run` installs only what building and serving need; the test,
# bench and failover targets add their tools (scripts/setup says which).
setup:
	@scripts/setup check
setup-run:
	@scripts/setup run

# Starts the whole system on http://127.0.0.1:8080 with the demo district.
run: setup-run build/yichuang
	@mkdir -p var
	@[ -f var/yichuang.db ] || build/yichuang init --db var/yichuang.db --demo
	@build/yichuang migrate --db var/yichuang.db >/dev/null
	@echo "demo logins (password yichuang-demo): applicant1 business1 clerk1 approver1 supervisor1 admin approver-<department code> clerk-<window no> bank-<1…6> applicant-<001…260> business-<001…080>"
	exec build/yichuang serve --db var/yichuang.db --listen 127.0.0.1:8080 --web web

check: setup build/yichuang asan $(FUZZ_BINS)
	@scripts/check

# make check on a bare Debian 12 (a chroot with only git and make), from a clone
# of the committed HEAD: what a newcomer meets. Needs root; takes a while.
fresh-check:
	@scripts/fresh-check

test-unit: setup asan
	@scripts/check unit
test-api: setup asan
	@scripts/check api
test-e2e: setup asan
	@scripts/check e2e
test-crash: setup build/yichuang
	@scripts/check crash

# Failover on a pg_auto_failover formation (about three minutes; docs/operations.md).
ha-test: setup build/yichuang asan
	@scripts/check ha

bench: setup build/yichuang
	@bench/run

# The reads a province's store answers, at the district's size and at ten million cases
# (bench/scale-run; SCALE_CASES, SCALE_BACKENDS; about an hour; not in make check).
bench-scale: setup build/yichuang
	@bench/scale-run

# Half an hour of a district's mixed day on each backend: RSS, descriptors, p99 a minute,
# nothing acknowledged lost, audit verify (scripts/soak; about an hour; not in make check).
soak: setup build/yichuang
	@scripts/soak

fmt:
	clang-format -i $(SRC) $(CLI) src/main.c $(wildcard src/*/*.h src/*/*/*.h) $(UNIT_SRC)

clean:
	rm -rf build build-asan build-fuzz

-include $(wildcard build/obj/*/*/*.d build/obj/*/*.d build/obj/*.d build-asan/obj/*/*/*.d build-asan/obj/*/*.d build-asan/obj/*.d build-fuzz/obj/*/*/*.d build-fuzz/obj/*/*.d build-fuzz/obj/*.d)
