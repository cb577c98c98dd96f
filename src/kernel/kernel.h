/*
 * The kernel model: what a dumped kernel's page_owner data means, resolved
 * once from its types, symbols and VMCOREINFO (layout.c: sparsemem, struct
 * page, page_ext, struct page_owner, orders; formats.c: the text the
 * kernel's version prints), and the state of the subsystems that decode
 * with it (names, stackdepot, memcg, modules).  kernel.c sets it up.
 */
#ifndef PO_KERNEL_KERNEL_H
#define PO_KERNEL_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/names.h"
#include "access/program.h"

struct po_layout {
	unsigned kver;              /* parsed OSRELEASE */
	uint64_t page_size;
	unsigned page_shift;
	/* sparsemem */
	uint64_t mem_section;       /* address of mem_section symbol */
	bool sparse_extreme;        /* mem_section is a pointer to roots */
	unsigned section_size_bits;
	uint64_t pages_per_section;
	uint64_t sections_per_root;
	uint64_t nr_section_roots;
	uint64_t nr_sections;
	size_t sizeof_mem_section;
	size_t off_ms_mem_map, off_ms_page_ext, off_ms_usage;
	uint64_t section_map_mask;
	int bit_has_mem_map, bit_early, bit_present;
	size_t off_usage_subsection_map, off_usage_pageblock_flags;
	unsigned subsection_shift;  /* PFN_SECTION_SHIFT - SUBSECTION_SHIFT parts */
	/* struct page */
	size_t sizeof_page;
	size_t off_page_flags, off_page_private, off_page_type, off_memcg_data;
	size_t off_compound_head;
	bool compound_info;         /* 7.1+ compound_info */
	bool pgty;                  /* 6.11+ page_type top byte scheme */
	uint32_t pgty_buddy;
	uint32_t buddy_mapcount;    /* old scheme */
	/* page_ext */
	uint64_t page_ext_size;
	uint64_t page_owner_offset;
	int ext_owner_bit, ext_owner_allocated_bit;
	bool page_owner_enabled;
	/* struct page_owner */
	size_t sizeof_page_owner;
	size_t po_order, po_last_migrate_reason, po_gfp_mask, po_handle,
	       po_free_handle, po_ts_nsec, po_free_ts_nsec, po_comm, po_pid,
	       po_tgid, po_free_pid, po_free_tgid;
	size_t po_comm_len;
	/* orders */
	unsigned nr_page_orders;    /* LENGTH(zone.free_area) */
	uint64_t max_order_nr_pages;
	unsigned pageblock_order;
	unsigned pageblock_bits;    /* bits per pageblock in the bitmap */
	bool pb_isolate_bit;        /* PB_migrate_isolate exists */
	int pb_isolate;             /* its bit number */
	/* pfn range */
	uint64_t min_low_pfn, max_pfn;
	/* migrate reasons */
	bool mr_never;
	int mr_never_value;
	/* output format (per kernel version, see kernel-formats.md 3) */
	/* line 1 after "mask %#x(%pGg)": ", pid %d" (5.11+), ", tgid %d (%s)"
	 * (5.18+), ", ts %llu ns" (with pid), ", free_ts %llu ns" (5.13-6.6) */
	bool l1_pid, l1_tgid, l1_free_ts;
	/* the second line: "PFN %lu ... Flags %#lx(%pGp)", "PFN %lu ... Flags
	 * %pGp" (5.16+), "PFN 0x%lx ... Flags %pGp" (6.5+) */
	enum po_line2_form { PO_LINE2_FLAGS_HEX, PO_LINE2_PGP, PO_LINE2_PFN_HEX } fmt_line2;
	bool pgp_fields;  /* %pGp prints the page->flags fields (5.14+) */
	bool pgp_hex;     /* ... inside 0x<flags>( ) (5.16+) */
	bool memcg_line;  /* 5.18+ */
	/* __dump_page_owner()'s form: free_ts on the allocation line and a
	 * bare free stack; "free pid %d tgid %d" (6.8+); and free ts with
	 * them, print modes and a node filter (7.3) */
	enum po_dump_form { PO_DUMP_FREE_TS, PO_DUMP_FREE_PID, PO_DUMP_73 } dump_fmt;
	/* page flag fields for %pGp */
	struct po_pff { char name[16]; int width, shift; bool hex; } pff[5];
	uint64_t pageflags_mask;
	int nr_pageflags;
	/* plausibility of records (enum po_suspect) */
	unsigned max_record_order;  /* largest order a record may have */
	uint64_t dump_uptime_ns;    /* the kernel's clock at the dump; 0 unknown */
	char dump_uptime_how[96];   /* where it came from */
};

struct po_symcache_entry { uint64_t addr; const char *name; uint64_t offset, size; bool valid; };


struct po_kernel {
	struct po_layout L;
	bool ready;                 /* every layout resolved */
	struct po_names names;
	struct po_stackdepot *sd;
	struct po_memcg *memcg;
	struct po_cg_layout *cg;    /* cgroup.c: resolved once */
	struct po_modules *modules; /* module kallsyms, loaded lazily */
	/* %pS of addresses, cached */
	struct po_symcache_entry *symcache;
	size_t symcache_size;
	/* memcgs whose cgroup name is not in the dump (filtered pages) */
	uint64_t memcg_names_missing;
};

/* The model of a program whose kernel is set up (NULL before). */
static inline struct po_kernel *po_kernel(struct po_program *prog)
{
	return prog->k && prog->k->ready ? prog->k : NULL;
}

/* ---- layout.c: layouts, resolved from types, symbols and VMCOREINFO ---- */
extern const struct po_type_names po_layout_types;
/* Everything up to struct page_owner; need_owner: page_owner off fails. */
struct po_error *po_layout_init(struct po_program *prog, bool need_owner);
/* Orders and times a record may hold (after the names and stackdepot). */
void po_layout_init_plausibility(struct po_program *prog);

/* ---- formats.c: the page_owner text of the kernel's version ---- */
extern const struct po_type_names po_formats_types;
void po_formats_init(struct po_program *prog);

#endif
