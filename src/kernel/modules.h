/* Kernel modules of the dump: %pS of addresses inside module memory. */
#ifndef PO_MODULES_H
#define PO_MODULES_H

#include <stdbool.h>
#include <stdint.h>

#include "pageowner.h"
#include "access/debuginfo.h"

struct po_modules;

/*
 * Read the dump's `modules` list and every module's kallsyms (once; later
 * calls return at once).  A dump without modules, or a kernel without module
 * support, is not an error: it has zero modules.  An error means the list or
 * a module could not be read; the modules read before it are kept.
 */
struct po_error *po_modules_load(struct po_program *prog);
/* Number of modules loaded (after po_modules_load). */
size_t po_modules_count(struct po_program *prog);

/*
 * Symbolize a runtime address the way the kernel's %pS does for module
 * memory (kernel/module/kallsyms.c: __module_address() then
 * find_kallsyms_symbol()).  Fills f->name, offset, size and module and
 * returns true if the address is in a module and has a symbol; otherwise
 * leaves f alone and returns false (the kernel then prints a bare 0x...).
 * Loads the modules on first use.  The strings belong to the program.
 */
bool po_module_symbolize(struct po_program *prog, uint64_t addr,
			 struct po_frame *f);

void po_modules_destroy(struct po_program *prog);

/* The type names the modules code asks for (kernel.c declares them). */
extern const struct po_type_names po_modules_types;

#endif /* PO_MODULES_H */
