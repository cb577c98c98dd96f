# pageowner: see README.md.  `make demo`, `make check`, `make bench`.
CC ?= cc
PREFIX ?= /usr/local
PKGS = libkdumpfile libdw libelf
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN = -Wall -Wextra -Werror -Wno-unused-parameter
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -Isrc $(PKG_CFLAGS) $(CFLAGS)
LDLIBS = $(PKG_LIBS)
BUILD ?= build

LIB_SRCS = src/error.c src/util.c src/dump.c src/flat.c src/dwarf.c src/symbols.c \
	src/kernel.c src/walk.c src/names.c src/stackdepot.c src/memcg.c src/json.c \
	src/report_pages.c src/report_page.c src/report_info.c
CLI_SRCS = src/cli.c src/cmd_stacks.c src/cmd_top.c src/cmd_memcg.c src/cmd_batch.c \
	src/cmd_sort.c
LIB_OBJS = $(LIB_SRCS:src/%.c=$(BUILD)/%.o)
CLI_OBJS = $(CLI_SRCS:src/%.c=$(BUILD)/%.o)

all: $(BUILD)/pageowner

$(BUILD)/%.o: src/%.c src/internal.h include/pageowner.h src/cli.h src/json.h | $(BUILD)
	$(CC) $(ALL_CFLAGS) -fPIC -c -o $@ $<

$(BUILD):
	mkdir -p $(BUILD)

$(BUILD)/libpageowner.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/pageowner: $(CLI_OBJS) $(BUILD)/libpageowner.a
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libpageowner.a $(LDLIBS)

clean:
	rm -rf build build-*

.PHONY: all clean
