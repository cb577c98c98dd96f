/*
 * The kernel model's start-up: the type names every subsystem declares,
 * then the layouts (layout.c), the text formats (formats.c), the name
 * tables, the stackdepot and memcg, and what a record may hold.  Each of
 * them reads through the program's accessors (access/program.h) and none
 * calls back here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "kernel/cgroup.h"
#include "kernel/kernel.h"
#include "kernel/kmsg.h"
#include "kernel/memcg.h"
#include "kernel/modules.h"
#include "kernel/names.h"
#include "kernel/stackdepot.h"
#include "access/program.h"

/* The type names each subsystem of the model declares, next to its code. */
static const struct po_type_names *const subsystem_types[] = {
	&po_layout_types, &po_formats_types, &po_names_types, &po_stackdepot_types,
	&po_memcg_types, &po_cgroup_types, &po_modules_types, &po_kmsg_types,
};

static void kernel_destroy(struct po_program *prog)
{
	struct po_kernel *k = prog->k;

	if (!k)
		return;
	po_stackdepot_destroy(prog);
	po_memcg_destroy(prog);
	free(k->cg);
	po_modules_destroy(prog);
	po_names_free(&k->names);
	free(k->symcache);
	free(k);
	prog->k = NULL;
}

static struct po_error *init_kernel(struct po_program *prog, bool need_owner)
{
	struct po_error *err;

	if (prog->k && prog->k->ready)
		return NULL;
	if (!prog->types)
		return po_error_create(PO_ERR_INVALID, "no debug info loaded");
	kernel_destroy(prog); /* what a failed start left */
	if (!(prog->k = calloc(1, sizeof(*prog->k))))
		return &po_error_nomem;
	prog->k_destroy = kernel_destroy;
	prog->forms[0] = '\0';
	for (size_t i = 0; i < PO_ARRAY_SIZE(subsystem_types); i++)
		if ((err = po_types_want_list(prog, subsystem_types[i])))
			return err;
	if ((err = po_layout_init(prog, need_owner)))
		return err;
	po_formats_init(prog);
	if ((err = po_names_load(prog)) || (err = po_stackdepot_init(prog)) ||
	    (err = po_cgroup_init(prog)) || (err = po_memcg_init(prog)))
		return err;
	po_layout_init_plausibility(prog);
	prog->k->ready = true;
	return NULL;
}

struct po_error *po_program_init_kernel(struct po_program *prog)
{
	return init_kernel(prog, true);
}

struct po_error *po_program_init_kernel_no_owner(struct po_program *prog)
{
	return init_kernel(prog, false);
}
