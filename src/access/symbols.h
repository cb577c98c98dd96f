/* The vmlinux ELF symbol table (symbols.c). */
#ifndef PO_ACCESS_SYMBOLS_H
#define PO_ACCESS_SYMBOLS_H

#include <stdbool.h>
#include <stdint.h>
#include "pageowner.h"
#include "access/debuginfo.h"

struct po_symtab;
enum po_symtab_how {
	PO_SYMTAB_SORT,            /* ready for lookups */
	PO_SYMTAB_SORT_BACKGROUND, /* read and sorted on another thread
				    * meanwhile; all but the build id wait
				    * for it */
	PO_SYMTAB_IDENTIFY,        /* build id and banner only: no lookups */
};
struct po_error *po_symtab_open(const char *path, enum po_symtab_how how,
				struct po_symtab **ret);
/* po_symtab_open(path, PO_SYMTAB_SORT, ret) */
struct po_error *po_symtab_load(const char *path, struct po_symtab **ret);
void po_symtab_destroy(struct po_symtab *st);
/* Link-time address of a symbol (first match), false if unknown. */
bool po_symtab_lookup(struct po_symtab *st, const char *name, uint64_t *addr);
/* %pS lookup of a link-time address. */
bool po_symtab_symbolize(struct po_symtab *st, uint64_t addr, const char **name,
			 uint64_t *offset, uint64_t *size);
const char *po_symtab_build_id(struct po_symtab *st);
/* Whether .rodata of the file holds the string s (with its NUL):
 * 1 yes, 0 no, -1 no .rodata contents (a separate debug file). */
int po_symtab_has_string(struct po_symtab *st, const char *s);
/* linux_banner text from the file, NULL if unknown */
const char *po_symtab_banner(struct po_symtab *st);

/* The symbol source over a loaded po_symtab (its arg; link-time addresses). */
extern const struct po_symbol_source_ops po_symtab_symbol_source;

#endif
