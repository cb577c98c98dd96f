/* Dump files through libkdumpfile (dump.c). */
#ifndef PO_ACCESS_DUMP_H
#define PO_ACCESS_DUMP_H

#include <stdint.h>
#include "pageowner.h"

struct po_dump;
struct po_error *po_dump_open(const char *path, struct po_dump **ret);
/* zstd_dctx.c: libkdumpfile's ZSTD_decompress() calls with a context kept
 * per thread; dump.c refers to this so that the linker keeps that file. */
extern const int po_zstd_dctx_reuse;
extern const struct po_memory_ops po_dump_memory_ops;
const char *po_dump_format(struct po_dump *dump);
/* VMCOREINFO line value (NULL if absent); owned by the dump. */
const char *po_dump_vmcoreinfo(struct po_dump *dump, const char *key);
uint64_t po_dump_page_size(struct po_dump *dump);
/* End of the physical memory the dump file describes (kdump max_mapnr, the
 * ELF PT_LOAD segments). */
uint64_t po_dump_max_paddr(struct po_dump *dump);

#endif
