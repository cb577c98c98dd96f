/*
 * Folded stacks (folded.c; the public part is in pageowner.h): the set
 * itself, for the reports that read it (flamegraph.c, diff.c) and the unit
 * tests.  Shared by `stacks --folded`, `flamegraph` and `diff`.
 */
#ifndef PO_REPORT_FOLDED_H
#define PO_REPORT_FOLDED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pageowner.h"
#include "base/keymap.h"

/* One folded stack. */
struct po_folded_stack {
	char *s;           /* frames joined by ';', NUL-terminated */
	size_t len;
	uint64_t pages;    /* base pages */
	uint64_t pages2;   /* free for the user (diff: the other side) */
};

/* What the input was, for titles and headers. */
struct po_folded_meta {
	char kind[24];     /* "dump", "page_owner text", "show_stacks text", "folded" */
	char name[256];    /* the input file as given */
	char release[80];  /* kernel release, "" if unknown */
	uint64_t page_size;/* 0 if unknown (a text: 4 KiB is assumed for MiB) */
	uint64_t ram_pages;/* _totalram_pages, 0 if unknown */
	char panic[200];   /* panic reason from the kernel log, "" if none */
};

struct po_folded {
	struct po_folded_opts opts;
	struct po_folded_meta meta;
	struct po_folded_stack *v;  /* in insertion order until sorted */
	size_t n, cap;
	struct po_keymap index;     /* string hash -> entry index */
	uint64_t total_pages;       /* sum of pages over v */
	uint64_t records;           /* allocations (records) read */
	uint64_t ignored_lines;     /* lines of a text/folded input not understood */
	bool unavailable;           /* opts.optional, and the input has no such root */
};

/* Add pages to a stack (an already folded string of len bytes; it may
 * contain anything but NUL). */
struct po_error *po_folded_add(struct po_folded *f, const char *s, size_t len,
			       uint64_t pages);
/* The entry of a stack, or NULL. */
struct po_folded_stack *po_folded_find(const struct po_folded *f, const char *s,
				       size_t len);
/* By name, frame by frame (the stacks below one frame are then next to
 * each other). */
struct po_error *po_folded_sort_names(struct po_folded *f);

/* meta from a program (release, page size, RAM, panic reason). */
struct po_error *po_folded_meta_from_program(struct po_program *prog, const char *name,
					     struct po_folded_meta *meta);

/* Input kinds a text can hold. */
enum po_folded_input {
	PO_INPUT_PAGE_OWNER,  /* /sys/kernel/debug/page_owner text */
	PO_INPUT_SHOW_STACKS, /* page_owner_stacks/show_stacks text (or `stacks`) */
	PO_INPUT_FOLDED,      /* "frame;frame;frame pages" lines */
};
/* Which of them a text starts like (from its first non-empty line). */
enum po_folded_input po_folded_sniff(const char *line);

/* {"source":"pages",...,"stacks":[{"stack":"a;b","pages":N},...],...} */
void po_folded_print_json(const struct po_folded *f, FILE *out, uint64_t threshold);

/* `stacks --folded` (po_report_stacks() with opts->folded): opts->root,
 * offsets, threshold, kernel_order (first-seen order instead of most pages
 * first), json; the totals are always summed from the per-page records;
 * info as po_report_stacks() fills it. */
struct po_error *po_report_folded(struct po_program *prog, FILE *out,
				  const struct po_report_opts *opts,
				  struct po_stacks_info *info);

/* MiB of pages (4 KiB pages when the page size is unknown). */
double po_folded_mib(const struct po_folded_meta *meta, uint64_t pages);

#endif
