/* Flag and enum name tables read from the dump (names.c). */
#ifndef PO_KERNEL_NAMES_H
#define PO_KERNEL_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pageowner.h"
#include "access/debuginfo.h"

struct po_flag_name { uint64_t mask; char *name; };
#define PO_GFP_CACHE 64
struct po_names {
	struct { uint32_t gfp; bool valid; char text[192]; } gfp_cache[PO_GFP_CACHE];
	struct po_flag_name *gfp; size_t nr_gfp;
	struct po_flag_name *pageflags; size_t nr_pageflags;
	char **migratetypes; size_t nr_migratetypes;
	char **migrate_reasons; size_t nr_migrate_reasons;
	uint32_t gfp_movable, gfp_reclaimable; /* for gfp_migratetype() */
};
struct po_error *po_names_load(struct po_program *prog);
void po_names_free(struct po_names *n);

/* The type names the name tables code asks for (kernel.c declares them). */
extern const struct po_type_names po_names_types;

#endif
