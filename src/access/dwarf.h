/* The type source of a vmlinux with DWARF, through libdw (dwarf.c). */
#ifndef PO_ACCESS_DWARF_H
#define PO_ACCESS_DWARF_H

#include "pageowner.h"
#include "access/debuginfo.h"

struct po_dwarf;
/* Open path's DWARF (PO_ERR_DEBUGINFO if it has none). */
struct po_error *po_dwarf_open(const char *path, struct po_dwarf **ret);
void po_dwarf_close(struct po_dwarf *dw);
/* The type source over an opened po_dwarf (its arg). */
extern const struct po_type_source_ops po_dwarf_type_source;

#endif
