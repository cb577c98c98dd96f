/* The type source of the dump's own BTF, through libbpf (btf.c). */
#ifndef PO_ACCESS_BTF_H
#define PO_ACCESS_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pageowner.h"
#include "access/debuginfo.h"

struct po_kallsyms;
struct po_btf;

/* What VMCOREINFO says of the variables BTF has no type for. */
struct po_btf_facts {
	bool have_mem_section;
	uint64_t mem_section;      /* SYMBOL(mem_section): the pointer's value,
				      or the array's address */
	long mem_section_len;      /* LENGTH(mem_section), -1 if absent */
	long node_data_len;        /* LENGTH(node_data), -1 if absent */
};

/* Parse the raw .BTF bytes (copied; data may be freed after).  ks (the
 * dump's kallsyms: addresses and extents of variables) is borrowed and
 * must live as long as the type source. */
struct po_error *po_btf_load(const void *data, size_t len, struct po_kallsyms *ks,
			     const struct po_btf_facts *facts, struct po_btf **ret);
void po_btf_destroy(struct po_btf *b);
/* Number of types, for info. */
size_t po_btf_count(struct po_btf *b);

/* The type source over a loaded po_btf (its arg). */
extern const struct po_type_source_ops po_btf_type_source;

#endif
