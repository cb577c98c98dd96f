/*
 * `pageowner memcg` (report_memcg.c): the memory cgroups of a dump, the
 * pages charged to each (by what they are), the kernel's dying counters next
 * to what the walk found, and for each dying memcg the pages, stacks and
 * processes that pin it.  Library code: the CLI and the crash extension call
 * po_report_memcg().  Uses opts->json, opts->dying_only, opts->memcg_path.
 * Works with page_owner off (no stacks or pids then; it says so).
 */
#ifndef PO_REPORT_MEMCG_H
#define PO_REPORT_MEMCG_H

#include <stdio.h>

#include "pageowner.h"

struct po_error *po_report_memcg(struct po_program *prog, FILE *out,
				 const struct po_report_opts *opts);

#endif
