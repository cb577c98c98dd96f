/*
 * The library side of the crash extension: the parts that need
 * libpageowner's internal view of a program (internal.h), kept out of
 * pageowner_crash.c so that crash's defs.h and libdw's headers never meet in
 * one translation unit.  Nothing here knows about crash.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "po_crash_glue.h"

bool po_crash_link_addr(struct po_program *prog, const char *name,
			uint64_t *addr)
{
	return prog->symtab && po_symtab_lookup(prog->symtab, name, addr);
}

bool po_crash_symbol_addr(struct po_program *prog, const char *name,
			  uint64_t *addr)
{
	return po_symbol_addr(prog, name, addr);
}

uint64_t po_crash_kaslr_offset(struct po_program *prog)
{
	return prog->kaslr_offset;
}
