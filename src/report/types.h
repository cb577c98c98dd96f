/*
 * The type names each report asks the debug info for (declared next to the
 * report's code), and all of them at once: po_reports_want_types() (run.c)
 * declares them before the kernel model is initialised, so that the DWARF
 * index finds them in the one pass it makes over its units instead of a
 * second pass at the report's first lookup.
 */
#ifndef PO_REPORT_TYPES_H
#define PO_REPORT_TYPES_H

#include "access/debuginfo.h"

extern const struct po_type_names po_top_types;
extern const struct po_type_names po_stacks_types;
extern const struct po_type_names po_memcg_report_types;
extern const struct po_type_names po_pages_types;

#endif
