/*
 * The `stacks` and `top` reports and the kernel log reader (report_stacks.c,
 * report_top.c, kmsg.c).  Library code: the CLI and the crash extension
 * both call these.
 */
#ifndef PO_REPORTS_H
#define PO_REPORTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pageowner.h"

/* Views of `stacks` (the files of /sys/kernel/debug/page_owner_stacks/). */
enum po_stacks_view {
	PO_STACKS_SHOW_STACKS = 0,   /* show_stacks: frames, nr_base_pages */
	PO_STACKS_SHOW_HANDLES = 1,  /* show_handles: handle, nr_base_pages */
	PO_STACKS_SHOW_STACKS_HANDLES = 2, /* show_stacks_handles: frames, handle */
};

/* Where the per-stack totals came from. */
enum po_stacks_source {
	PO_STACKS_FROM_STACK_LIST, /* the kernel's own stack_list (6.9+) */
	PO_STACKS_FROM_PAGES,      /* summed from the per-PFN records */
};

struct po_stacks_info {
	enum po_stacks_source source;
	bool fallback;             /* from pages because there is no stack_list */
	uint64_t nr_stacks;        /* stacks found (before the threshold) */
	uint64_t nr_printed;       /* stacks printed */
	uint64_t total_pages;      /* sum of nr_base_pages (> 0) over all stacks */
	uint64_t bad_stacks;       /* stacks whose frames could not be read */
	bool truncated;            /* the list walk stopped early (cycle / garbage) */
	char note[256];            /* why it stopped, if truncated */
	bool list_incomplete;      /* truncated, so counted from pages instead */
	struct po_walk_stats walk; /* from-pages only */
};

/*
 * Per-stack totals as /sys/kernel/debug/page_owner_stacks/show_stacks (or
 * show_handles, show_stacks_handles: see enum po_stacks_view) prints them,
 * or one JSON object with opts->json.  Uses opts->threshold, from_pages,
 * kernel_order.  po_report_stacks() says on stderr which source was used;
 * po_report_stacks_ex() leaves that to the caller and fills info.
 */
struct po_error *po_report_stacks(struct po_program *prog, FILE *out,
				  const struct po_report_opts *opts, int view);
struct po_error *po_report_stacks_ex(struct po_program *prog, FILE *out,
				     const struct po_report_opts *opts, int view,
				     struct po_stacks_info *info);
/* The lines saying where the totals came from and what went wrong, as the
 * command line prints them on stderr. */
void po_stacks_info_notes(FILE *fp, const struct po_stacks_info *info);
/* Does the dumped kernel keep its own stack_list (6.9+)? */
bool po_have_stack_list(struct po_program *prog);

/*
 * The OOM question on one screen: greatest consumers by stack (opts->top_n),
 * processes, gfp masks, migratetypes, the dump's memory totals and the panic
 * reason from the kernel log.  Text, or one JSON object with opts->json.
 */
struct po_error *po_report_top(struct po_program *prog, FILE *out,
			       const struct po_report_opts *opts);
struct po_error *po_report_top_ex(struct po_program *prog, FILE *out,
				  const struct po_report_opts *opts,
				  struct po_walk_stats *stats);

/* ---- kmsg.c: the printk ring buffer (5.10+ lockless format) ---- */
/* Called for each committed record, oldest first; return true to stop. */
typedef bool (*po_kmsg_fn)(uint64_t seq, uint64_t ts_nsec, const char *text,
			   size_t len, void *arg);
struct po_error *po_kmsg_foreach(struct po_program *prog, po_kmsg_fn fn,
				 void *arg);
/*
 * The reason of the last "Kernel panic - not syncing: " line in the log
 * (without that prefix).  *found is false when the log has none.
 */
struct po_error *po_kmsg_panic_reason(struct po_program *prog, char *buf,
				      size_t len, bool *found);
/* The latest timestamp of the log's records (0 if it has none). */
struct po_error *po_kmsg_last_ts(struct po_program *prog, uint64_t *ts);

#endif /* PO_REPORTS_H */
