/* stackdepot: handle -> stack record -> symbolized frames (stackdepot.c). */
#ifndef PO_KERNEL_STACKDEPOT_H
#define PO_KERNEL_STACKDEPOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "pageowner.h"
#include "access/debuginfo.h"

struct po_stackdepot;
struct po_error *po_stackdepot_init(struct po_program *prog);
void po_stackdepot_destroy(struct po_program *prog);
uint32_t po_handle_mask(struct po_program *prog, uint32_t handle);

void po_json_stack_or_null(FILE *out, const struct po_stack *st);
/* A handle's frames (po_stack_lookup()), (the kernel's " %pS" lines), or one line saying why not. */
struct po_error *po_stack_print_handle(struct po_program *prog, FILE *out,
				       uint32_t handle);

/* The type names the stackdepot code asks for (kernel.c declares them). */
extern const struct po_type_names po_stackdepot_types;

#endif
