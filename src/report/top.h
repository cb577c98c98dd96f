/* What `top` shares with the other reports (top.c). */
#ifndef PO_REPORT_TOP_H
#define PO_REPORT_TOP_H

#include <stdbool.h>
#include <stdint.h>
#include "pageowner.h"

/* The dump's own memory totals (_totalram_pages, vm_zone_stat[NR_FREE_PAGES]),
 * as `top` prints them; what is unknown has its have_ flag clear. */
struct po_mem_totals {
	bool have_ram, have_free, have_used;
	uint64_t ram, free_pages;
	uint64_t used;          /* RAM - free (0 if free > RAM) */
	char ram_src[64], free_src[64];
};
/* Fill t; an error only when the type names cannot be declared (out of
 * memory): what the dump lacks is unknown, not an error. */
struct po_error *po_mem_totals(struct po_program *prog, struct po_mem_totals *t);

#endif
