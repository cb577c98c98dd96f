# pageowner: see README.md.  `make demo`, `make check`, `make bench`.
CC ?= cc
PREFIX ?= /usr/local
PKGS = libkdumpfile libaddrxlat libdw libelf libzstd zlib liblzma libdebuginfod libbpf
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libdebuginfod is opened when first needed (src/access/debugsearch.c):
# only its header is used at build time.
PKG_LIBS := $(shell pkg-config --libs $(filter-out libdebuginfod,$(PKGS)) 2>/dev/null) -ldl
WARN = -Wall -Wextra -Werror -Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -Isrc $(PKG_CFLAGS) $(CFLAGS)
LDLIBS = $(PKG_LIBS)
BUILD ?= build

# Layers, one folder each (README: Architecture): base, access, kernel and
# report make the library; cli/ is the command line.
LIB_DIRS = base access kernel report
LIB_SRCS = $(foreach d,$(LIB_DIRS),$(wildcard src/$(d)/*.c))
CLI_SRCS = $(wildcard src/cli/*.c)
HEADERS = $(wildcard src/*/*.h) include/pageowner.h
LIB_OBJS = $(LIB_SRCS:src/%.c=$(BUILD)/%.o)
CLI_OBJS = $(CLI_SRCS:src/%.c=$(BUILD)/%.o)

UNIT_SRCS = $(wildcard tests/unit/*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

all: $(BUILD)/pageowner $(UNIT_BINS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libpageowner.a $(HEADERS)
	@mkdir -p $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libpageowner.a $(LDLIBS)

$(BUILD)/%.o: src/%.c $(HEADERS) | $(BUILD)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -c -o $@ $<

$(BUILD):
	mkdir -p $(BUILD)

$(BUILD)/libpageowner.a: $(LIB_OBJS)
	rm -f $@
	ar rcsP $@ $^

$(BUILD)/pageowner: $(CLI_OBJS) $(BUILD)/libpageowner.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libpageowner.a $(LDLIBS)

clean:
	rm -rf build build-*

.PHONY: all clean

# ---- set-up, tests, demo, bench ----
# The targets below install the Debian packages they need first
# (scripts/deps.sh TARGET: quiet when all are there), then do their work in a
# sub-make, TARGET-nodeps: PKG_CFLAGS and PKG_LIBS come from pkg-config when
# a makefile is read, so the build must be read after the install.  The
# TARGET-nodeps targets can be run directly where the packages are installed
# by other means (a packager's DESTDIR build, say).
SETUP_TARGETS = demo check bench bench-scale install crash-ext crash9 fuzz fuzz-ci pictures

$(SETUP_TARGETS):
	@sh scripts/deps.sh $@
	@$(MAKE) --no-print-directory $@-nodeps

# `make deps` installs what `make check` needs (everything to build and
# test); `make deps DEPS_FOR=demo` what another target needs.
DEPS_FOR ?= check
deps:
	@sh scripts/deps.sh $(DEPS_FOR)

# `make`, `make all` and the build's own files install nothing: without the
# libraries they stop here with the names of the missing ones, rather than
# fail at the first #include or at link time.
NO_PKG_GOALS = deps $(SETUP_TARGETS) clean fixtures
ifneq ($(filter-out $(NO_PKG_GOALS),$(or $(MAKECMDGOALS),all)),)
ifneq ($(shell pkg-config --exists $(PKGS) 2>/dev/null || echo missing),)
PKG_MISSING = $(if $(shell command -v pkg-config),$(strip $(foreach p,$(PKGS),$(if $(shell pkg-config --exists $(p) && echo y),,$(p)))),pkg-config)
$(error the build needs $(PKG_MISSING), not installed: `make deps DEPS_FOR=build` (scripts/deps.sh build) installs what the build needs; `make demo` and `make check` install what they need themselves)
endif
endif

SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

check-nodeps:
	$(MAKE) all
	$(MAKE) BUILD=build-asan CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" all
	@echo "== tests (normal build) =="
	@BUILD=build tests/run
	@echo "== tests (ASan+UBSan build) =="
	@ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1 BUILD=build-asan tests/run

DEMO_VER ?= 6.12
demo-nodeps: all
	@bash scripts/demo.sh $(DEMO_VER)

bench-nodeps: all
	@bash bench/run.sh

# pageowner on a bigger OOM dump (BENCH_SCALE_MEM, default 4G) made with the
# kernel `make fixtures` built; needs qemu-system-x86 and disk for the dump.
bench-scale-nodeps: all
	@bash bench/scale.sh

fixtures:
	tests/fixtures/make-fixtures

# docs/flamegraph-7.3-oom.{svg,png}, the picture in README.md and
# pageowner-flamegraph(1), from the 7.3 OOM fixture (rsvg-convert makes the PNG).
pictures-nodeps: all
	@bash scripts/pictures.sh

# The crash extension (plugins/crash/pageowner.so, against crash's defs.h).
crash-ext-nodeps: all
	$(MAKE) -C plugins/crash

# crash 9.0.2 from Debian's sid source package, cached outside the tree,
# and the extension built against its defs.h (slow; never run by CI).
crash9-nodeps: all
	bash scripts/build-crash9.sh
	$(MAKE) -C plugins/crash crash9

install-nodeps: all
	install -D -m 755 $(BUILD)/pageowner $(DESTDIR)$(PREFIX)/bin/pageowner
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(PREFIX)/share/doc/pageowner
	install -m 644 docs/*.png docs/*.svg $(DESTDIR)$(PREFIX)/share/doc/pageowner/
	if [ -f man/pageowner-crash.7 ]; then install -D -m 644 man/pageowner-crash.7 $(DESTDIR)$(PREFIX)/share/man/man7/pageowner-crash.7; fi
	if [ -f /usr/include/crash/defs.h ]; then $(MAKE) -C plugins/crash && $(MAKE) -C plugins/crash install; fi

.PHONY: deps fixtures $(SETUP_TARGETS) $(SETUP_TARGETS:%=%-nodeps)

# ---- fuzzing (fuzz/README.md) ----
# libFuzzer targets built with clang into $(FUZZ_BUILD) (the library again,
# with -fsanitize=fuzzer-no-link,address,undefined); record-image (seed
# maker) with the normal build.  `make fuzz` runs each target for
# FUZZ_SECONDS on its committed corpus (fuzz/run.sh; it skips with a message
# when clang or libFuzzer is missing).
FUZZ_CC ?= clang
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_TARGETS = fuzz_open_dump fuzz_decoder
FUZZ_COMMON = fuzz/image.c fuzz/run_reports.c
FUZZ_VMLINUX_DEFAULT = $(CURDIR)/build/fixtures/6.12/vmlinux

fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) CFLAGS="$(FUZZ_FLAGS)" $(FUZZ_BUILD)/libpageowner.a
	$(MAKE) $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_COMMON) fuzz/image.h $(FUZZ_BUILD)/libpageowner.a $(HEADERS)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -Isrc -Ifuzz $(PKG_CFLAGS) \
		-DFZ_DEFAULT_VMLINUX='"$(FUZZ_VMLINUX_DEFAULT)"' \
		-O1 -g -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
		-o $@ $< $(FUZZ_COMMON) $(FUZZ_BUILD)/libpageowner.a $(LDLIBS)

$(BUILD)/fuzz/record-image: fuzz/record_image.c $(FUZZ_COMMON) fuzz/image.h $(BUILD)/libpageowner.a $(HEADERS)
	@mkdir -p $(BUILD)/fuzz
	$(CC) $(ALL_CFLAGS) -Ifuzz $(LDFLAGS) -o $@ $< $(FUZZ_COMMON) $(BUILD)/libpageowner.a $(LDLIBS)

fuzz-tools: $(BUILD)/fuzz/record-image

fuzz-nodeps:
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_CC=$(FUZZ_CC) FUZZ_BUILD=$(FUZZ_BUILD) bash fuzz/run.sh

# What CI runs: 30 s per target on the committed corpus.
fuzz-ci-nodeps:
	@FUZZ_SECONDS=30 FUZZ_CC=$(FUZZ_CC) FUZZ_BUILD=$(FUZZ_BUILD) bash fuzz/run.sh

.PHONY: fuzz-build fuzz-tools
