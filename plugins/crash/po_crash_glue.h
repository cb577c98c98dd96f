/* Helpers of po_crash_glue.c (see there). */
#ifndef PO_CRASH_GLUE_H
#define PO_CRASH_GLUE_H

#include <stdbool.h>
#include <stdint.h>

struct po_program;

/* Link-time address of an ELF symbol of the loaded vmlinux. */
bool po_crash_link_addr(struct po_program *prog, const char *name,
			uint64_t *addr);
/* Runtime address as the library computes it (link address + KASLR). */
bool po_crash_symbol_addr(struct po_program *prog, const char *name,
			  uint64_t *addr);
uint64_t po_crash_kaslr_offset(struct po_program *prog);

#endif
