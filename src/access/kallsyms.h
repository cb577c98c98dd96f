/* The dump's own kallsyms, found through VMCOREINFO (kallsyms.c). */
#ifndef PO_ACCESS_KALLSYMS_H
#define PO_ACCESS_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pageowner.h"
#include "access/debuginfo.h"

struct po_kallsyms;

/* Where the tables are: VMCOREINFO's SYMBOL() values (6.0+). */
struct po_kallsyms_where {
	uint64_t names, num_syms, token_table, token_index;
	uint64_t offsets;          /* 0: absolute addresses instead */
	uint64_t relative_base;    /* 0: none (offsets from _text, 6.15+) */
	uint64_t addresses;        /* !CONFIG_KALLSYMS_BASE_RELATIVE */
	uint64_t stext;            /* SYMBOL(_stext): which encoding is right */
};

/* Decode the kernel's kallsyms tables, reading memory through mem (which
 * must outlive it: .rodata is read again on demand); PO_ERR_DEBUGINFO
 * when the tables do not decode. */
struct po_error *po_kallsyms_load(const struct po_memory_ops *mem, void *mem_arg,
				  const struct po_kallsyms_where *where,
				  struct po_kallsyms **ret);
void po_kallsyms_destroy(struct po_kallsyms *ks);
/* Run-time address of the first symbol of that name (lowest address). */
bool po_kallsyms_lookup(struct po_kallsyms *ks, const char *name, uint64_t *addr);
/* Its address and extent: the distance to the next symbol at a higher
 * address (what the kernel's kallsyms_lookup_size_offset() calls its size). */
bool po_kallsyms_extent(struct po_kallsyms *ks, const char *name, uint64_t *addr,
			uint64_t *size);
/* The bytes from symbol start to symbol end (at most max), read in bulk;
 * pages the dump lacks read as zeros and are counted in *missing. */
struct po_error *po_kallsyms_read_between(struct po_kallsyms *ks, const char *start,
					  const char *end, size_t max, uint8_t **buf,
					  size_t *len, size_t *missing);
/* How the addresses were encoded, for info. */
const char *po_kallsyms_encoding(struct po_kallsyms *ks);
size_t po_kallsyms_count(struct po_kallsyms *ks);

/* The symbol source over a loaded po_kallsyms (its arg; run-time addresses). */
extern const struct po_symbol_source_ops po_kallsyms_symbol_source;

#endif
