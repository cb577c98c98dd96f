# pageowner: see README.md.  `make demo`, `make check`, `make bench`.
CC ?= cc
PREFIX ?= /usr/local
PKGS = libkdumpfile libaddrxlat libdw libelf
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN = -Wall -Wextra -Werror -Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -Isrc $(PKG_CFLAGS) $(CFLAGS)
LDLIBS = $(PKG_LIBS)
BUILD ?= build

# The library is every src/*.c but the CLI's (cli.c and cmd_*.c).
CLI_SRCS = src/cli.c $(wildcard src/cmd_*.c)
LIB_SRCS = $(filter-out $(CLI_SRCS),$(wildcard src/*.c))
HEADERS = $(wildcard src/*.h) include/pageowner.h
LIB_OBJS = $(LIB_SRCS:src/%.c=$(BUILD)/%.o)
CLI_OBJS = $(CLI_SRCS:src/%.c=$(BUILD)/%.o)

UNIT_SRCS = $(wildcard tests/unit/*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

all: $(BUILD)/pageowner $(UNIT_BINS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libpageowner.a $(HEADERS)
	@mkdir -p $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libpageowner.a $(LDLIBS)

$(BUILD)/%.o: src/%.c $(HEADERS) | $(BUILD)
	$(CC) $(ALL_CFLAGS) -fPIC -c -o $@ $<

$(BUILD):
	mkdir -p $(BUILD)

$(BUILD)/libpageowner.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/pageowner: $(CLI_OBJS) $(BUILD)/libpageowner.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libpageowner.a $(LDLIBS)

clean:
	rm -rf build build-*

.PHONY: all clean

# ---- set-up, tests, demo, bench ----
deps:
	@sh scripts/deps.sh check

SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

check: deps
	$(MAKE) all
	$(MAKE) BUILD=build-asan CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" all
	@echo "== tests (normal build) =="
	@BUILD=build tests/run
	@echo "== tests (ASan+UBSan build) =="
	@ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1 BUILD=build-asan tests/run

DEMO_VER ?= 6.12
demo: deps all
	@bash scripts/demo.sh $(DEMO_VER)

bench: deps all
	@bash bench/run.sh

# pageowner on a bigger OOM dump (BENCH_SCALE_MEM, default 4G) made with the
# kernel `make fixtures` built; needs qemu-system-x86 and disk for the dump.
bench-scale: deps all
	@bash bench/scale.sh

fixtures:
	tests/fixtures/make-fixtures

# The crash extension (plugins/crash/pageowner.so, against crash's defs.h).
crash-ext: all
	$(MAKE) -C plugins/crash

# crash 9.0.2 from Debian's sid source package, cached outside the tree,
# and the extension built against its defs.h (slow; never run by CI).
crash9: all
	bash scripts/build-crash9.sh
	$(MAKE) -C plugins/crash crash9

install: all
	install -D -m 755 $(BUILD)/pageowner $(DESTDIR)$(PREFIX)/bin/pageowner
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	if [ -f man/pageowner-crash.7 ]; then install -D -m 644 man/pageowner-crash.7 $(DESTDIR)$(PREFIX)/share/man/man7/pageowner-crash.7; fi
	if [ -f /usr/include/crash/defs.h ]; then $(MAKE) -C plugins/crash && $(MAKE) -C plugins/crash install; fi

.PHONY: deps check demo bench bench-scale fixtures install crash-ext crash9
