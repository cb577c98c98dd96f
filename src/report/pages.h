/* One page_owner record as debugfs and JSON print it (pages.c). */
#ifndef PO_REPORT_PAGES_H
#define PO_REPORT_PAGES_H

#include <stdio.h>
#include "pageowner.h"

/* Print one debugfs record.  mode as in po_report_opts. */
struct po_error *po_print_debugfs_record(struct po_program *prog, FILE *out,
					 const struct po_record *rec, enum po_pages_mode mode);
struct po_error *po_print_json_record(struct po_program *prog, FILE *out,
				      const struct po_record *rec);

#endif
