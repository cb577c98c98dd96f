/*
 * `pageowner sort`: a reimplementation of the kernel's
 * tools/mm/page_owner_sort.c (Linux 6.12) that streams its input and keeps
 * one entry per distinct block (see sort_core.c and pageowner-sort(1)).
 *
 * Use: po_sort_create(), then feed text with po_sort_feed_file() /
 * po_sort_feed_line() or records from a dump with po_sort_feed_dump(), then
 * po_sort_finish() and po_sort_print() (text, as page_owner_sort writes it)
 * or po_sort_print_json().
 */
#ifndef PO_SORT_H
#define PO_SORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pageowner.h"

/* Sort keys (--sort and the single-letter options). */
enum po_sort_key {
	PO_SORT_TIMES,      /* -t (default, descending) */
	PO_SORT_PAGES,      /* -m (descending) */
	PO_SORT_PID,        /* p, pid */
	PO_SORT_TGID,       /* tg, tgid */
	PO_SORT_NAME,       /* n, name, comm */
	PO_SORT_STACKTRACE, /* st, stacktrace */
	PO_SORT_TXT,        /* T, txt */
	PO_SORT_ALLOC_TS,   /* at, alloc_ts */
	PO_SORT_FREE_TS,    /* ft, free_ts */
	PO_SORT_ALLOCATOR,  /* ator, allocator */
};

/* Cull keys (--cull). */
#define PO_CULL_PID        (1u << 0)
#define PO_CULL_TGID       (1u << 1)
#define PO_CULL_NAME       (1u << 2)
#define PO_CULL_STACKTRACE (1u << 3)
#define PO_CULL_ALLOCATOR  (1u << 4)
#define PO_CULL_FREE       (1u << 5)

#define PO_SORT_MAX_KEYS 16

struct po_sort_opts {
	/* sort order: keys[i] with signs[i] (+1 ascending, -1 descending);
	 * nkeys == 0 means the default, -t (times, descending) */
	enum po_sort_key keys[PO_SORT_MAX_KEYS];
	int signs[PO_SORT_MAX_KEYS];
	int nkeys;
	unsigned cull;            /* PO_CULL_* bits; 0 = by the whole text */
	bool filter_released;     /* -f */
	/* selection (--pid, --tgid, --name); NULL = not selected on */
	long *pids; size_t nr_pids;
	long *tgids; size_t nr_tgids;
	char **names; size_t nr_names;
	bool debug;               /* -d: parse diagnostics on stderr */
};

/* Parse "[+|-]key[,...]" into opts->keys/signs; false if a key is unknown. */
bool po_sort_parse_keys(const char *arg, struct po_sort_opts *opts);
/* Parse "key[,...]" into opts->cull; false if a key is unknown. */
bool po_sort_parse_cull(const char *arg, struct po_sort_opts *opts);
/* Parse a comma-separated integer list; false if malformed (allocates *ret). */
bool po_sort_parse_nums(const char *arg, long **ret, size_t *nr);
/* Split a comma-separated list (allocates; free with po_sort_free_strv). */
bool po_sort_parse_strs(const char *arg, char ***ret, size_t *nr);
void po_sort_free_strv(char **v, size_t n);
/* Free what the parse functions allocated in opts. */
void po_sort_opts_release(struct po_sort_opts *opts);

struct po_sort;

/* opts is copied (its lists are borrowed: keep them alive). */
struct po_error *po_sort_create(const struct po_sort_opts *opts,
				struct po_sort **ret);
void po_sort_destroy(struct po_sort *s);

/* One line of debugfs page_owner text, with its '\n' (if any). */
struct po_error *po_sort_feed_line(struct po_sort *s, const char *line,
				   size_t len);
/* A whole stream of debugfs page_owner text (name is for messages). */
struct po_error *po_sort_feed_file(struct po_sort *s, FILE *in,
				   const char *name);
/* The records /sys/kernel/debug/page_owner of the dumped kernel would print. */
struct po_error *po_sort_feed_dump(struct po_sort *s, struct po_program *prog,
				   struct po_walk_stats *stats);
/* End of input: take a last block not followed by an empty line, and sort. */
struct po_error *po_sort_finish(struct po_sort *s);

/* Output of the sorted, culled blocks. */
void po_sort_print(struct po_sort *s, FILE *out);
void po_sort_print_json(struct po_sort *s, FILE *out);

/* Counters. */
uint64_t po_sort_nr_records(const struct po_sort *s);  /* blocks selected */
uint64_t po_sort_nr_blocks(const struct po_sort *s);   /* distinct entries */

#endif /* PO_SORT_H */
