/* stackdepot: handle -> stack record -> symbolized frames (stackdepot.c). */
#ifndef PO_KERNEL_STACKDEPOT_H
#define PO_KERNEL_STACKDEPOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "pageowner.h"
#include "access/debuginfo.h"

struct po_stackdepot;
struct po_reader;
struct po_error *po_stackdepot_init(struct po_program *prog);
void po_stackdepot_destroy(struct po_program *prog);
uint32_t po_handle_mask(struct po_program *prog, uint32_t handle);

void po_json_stack_or_null(FILE *out, const struct po_stack *st);
/* A handle's frames (po_stack_lookup()), (the kernel's " %pS" lines), or one line saying why not. */
struct po_error *po_stack_print_handle(struct po_program *prog, FILE *out,
				       uint32_t handle);

/*
 * Every record of the depot that holds a count (6.8+ records with a
 * refcount: page_owner's records, 6.9+, count 1 + pages), neither the
 * REFCOUNT_SATURATED of other users' records nor the 0 of a freed slot:
 * fn(handle, count, arg) for each, pool by pool, record after record.  A
 * record that does not hold its own handle (or claims too many frames) ends
 * its pool's walk.  No call where the depot has no such layout, or where
 * KASAN's tag modes (stack_ring) count records too.
 */
struct po_error *po_stackdepot_counted(struct po_program *prog,
				       struct po_error *(*fn)(uint32_t handle, uint32_t count,
							      void *arg),
				       void *arg);

/*
 * Whether po_stack_lookup() would find a stack for handle (*ok), decided
 * through rd, one thread's reader, without the cache or the symbols: what
 * reader threads ask of every record.  Fails only where the lookup would
 * fail (out of memory, a dump that cannot be read).
 */
struct po_error *po_stack_readable(struct po_program *prog, struct po_reader *rd,
				   uint32_t handle, bool *ok);

/* The type names the stackdepot code asks for (kernel.c declares them). */
extern const struct po_type_names po_stackdepot_types;

#endif
