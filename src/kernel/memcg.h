/* The memcg of a page (memcg.c). */
#ifndef PO_KERNEL_MEMCG_H
#define PO_KERNEL_MEMCG_H

#include <stddef.h>
#include <stdint.h>
#include "pageowner.h"
#include "access/debuginfo.h"

struct po_error *po_memcg_init(struct po_program *prog);
void po_memcg_destroy(struct po_program *prog);
/* An obj_cgroup's mem_cgroup (cached per obj_cgroup). */
struct po_error *po_objcg_memcg(struct po_program *prog, uint64_t objcg,
				uint64_t *memcg);

/* The type names the memcg of a page code asks for (kernel.c declares them). */
extern const struct po_type_names po_memcg_types;

#endif
