/* A dump file's headers, checked before libkdumpfile reads them (dump_check.c). */
#ifndef PO_ACCESS_DUMP_CHECK_H
#define PO_ACCESS_DUMP_CHECK_H

#include <stdint.h>
#include <stddef.h>
#include "pageowner.h"

enum po_dumpfile_kind { PO_DUMPFILE_ELF, PO_DUMPFILE_KDUMP };
struct po_dump_header {
	enum po_dumpfile_kind kind;
	char format[96];            /* "ELF", "kdump-compressed (zstd, dump level 31)" */
	uint32_t block_size, status; /* kdump */
	int32_t dump_level;
	uint64_t bitmap_off, bitmap_len, descs_off;
	uint64_t max_paddr;         /* end of the physical memory it describes */
	uint64_t data_start;        /* where the dump's data begins: the kdump
				       bitmaps, the first PT_LOAD; all of it
				       to the end of the file is written */
	char *vmcoreinfo;           /* its text (NUL-terminated) */
	size_t vmcoreinfo_len;
	struct po_vmcoreinfo *vi;   /* parsed and checked */
};
struct po_error *po_dump_check(int fd, const char *path, uint64_t size,
			       struct po_dump_header *h);
void po_dump_header_free(struct po_dump_header *h);

#endif
