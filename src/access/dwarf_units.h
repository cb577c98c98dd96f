/*
 * The names of a vmlinux's compilation units, read from the raw
 * .debug_info and .debug_abbrev (dwarf_units.c), so that the DWARF index
 * can pick its units without libdw building each unit's abbreviation table.
 */
#ifndef PO_ACCESS_DWARF_UNITS_H
#define PO_ACCESS_DWARF_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libelf.h>

struct po_bytes {
	const uint8_t *p;
	size_t size;
};

struct po_units {
	struct po_bytes info, abbrev, str, line_str;
};

/* The sections of elf (as libdw left them: decompressed); false when they
 * cannot be read raw (missing, still compressed, big-endian): the caller
 * asks libdw for every name. */
bool po_units_init(struct po_units *u, Elf *elf);

/* The DW_AT_name of the unit whose header is at .debug_info offset off,
 * pointing into the section; NULL when it cannot be read raw (a form or
 * layout this reader does not know, or bytes out of bounds): the caller
 * asks libdw.  Never reads outside the sections. */
const char *po_unit_name(const struct po_units *u, uint64_t off);

#endif
