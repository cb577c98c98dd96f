/* The dump's VMCOREINFO text, parsed and checked (vmcoreinfo.c). */
#ifndef PO_ACCESS_VMCOREINFO_H
#define PO_ACCESS_VMCOREINFO_H

#include <stddef.h>
#include "pageowner.h"

struct po_vmcoreinfo;
struct po_error *po_vmcoreinfo_parse(const char *text, size_t len, const char *path,
				     struct po_vmcoreinfo **ret);
void po_vmcoreinfo_free(struct po_vmcoreinfo *vi);
const char *po_vmcoreinfo_get(const struct po_vmcoreinfo *vi, const char *key);
/* The checks po_vmcoreinfo_parse() applies to one KEY=VALUE line. */
struct po_error *po_vmcoreinfo_check(const char *source, const char *key, const char *value);

#endif
