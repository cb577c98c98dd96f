/*
 * The reports by name, as pageowner(1) and the crash extension run them:
 * which options each takes, whether it needs page_owner, how its operand is
 * read, and the notes and warnings that follow it, so that the two front
 * ends print the same thing the same way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "kernel/kernel.h"
#include "pageowner.h"
#include "access/program.h"
#include "report/types.h"

static const struct {
	struct po_report_desc d;
	int opts[12]; /* the options it takes besides --json; 0 ends */
} table[] = {
	{ { "pages", PO_REPORT_PAGES, true, 0,
	    "every allocated page, as /sys/kernel/debug/page_owner prints it" },
	  { PO_OPT_MODE, PO_OPT_NID, PO_OPT_FREED } },
	{ { "page", PO_REPORT_PAGE, true, 1,
	    "one page: allocation and free stacks, memcg (bad-page report form)" },
	  { PO_OPT_PHYS, PO_OPT_PAGE } },
	{ { "stacks", PO_REPORT_STACKS, true, 0,
	    "per-stack totals, as page_owner_stacks/show_stacks prints them" },
	  { PO_OPT_THRESHOLD, PO_OPT_FROM_PAGES, PO_OPT_KERNEL_ORDER, PO_OPT_HANDLES,
	    PO_OPT_STACKS_HANDLES, PO_OPT_FOLDED, PO_OPT_OFFSETS, PO_OPT_ROOT } },
	{ { "top", PO_REPORT_TOP, true, 0,
	    "the greatest memory consumers (the OOM question)" },
	  { PO_OPT_TOP_N, PO_OPT_DMESG } },
	{ { "memcg", PO_REPORT_MEMCG, false, 0,
	    "memory cgroups and the pages that pin dying ones" },
	  { PO_OPT_DYING, PO_OPT_MEMCG } },
	{ { "info", PO_REPORT_INFO, false, 0,
	    "kernel release, dump format, debug info used, layouts found, counts" },
	  { 0 } },
};

struct po_error *po_reports_want_types(struct po_program *prog)
{
	static const struct po_type_names *const lists[] = {
		&po_top_types, &po_stacks_types, &po_memcg_report_types, &po_pages_types,
	};
	struct po_error *err;

	for (size_t i = 0; i < PO_ARRAY_SIZE(lists); i++)
		if ((err = po_types_want_list(prog, lists[i])))
			return err;
	return NULL;
}

const struct po_report_desc *po_reports(size_t *n)
{
	static struct po_report_desc descs[PO_ARRAY_SIZE(table)];

	for (size_t i = 0; i < PO_ARRAY_SIZE(table); i++)
		descs[i] = table[i].d;
	*n = PO_ARRAY_SIZE(table);
	return descs;
}

const struct po_report_desc *po_report_lookup(const char *name)
{
	size_t n;
	const struct po_report_desc *d = po_reports(&n);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(d[i].name, name))
			return &d[i];
	return NULL;
}

bool po_report_takes(const struct po_report_desc *d, int opt)
{
	if (opt == PO_OPT_JSON)
		return true;
	for (size_t i = 0; i < PO_ARRAY_SIZE(table); i++) {
		if (table[i].d.kind != d->kind)
			continue;
		for (size_t k = 0; k < PO_ARRAY_SIZE(table[i].opts) && table[i].opts[k]; k++)
			if (table[i].opts[k] == opt)
				return true;
	}
	return false;
}

/* An address: hex, "0x" optional (as crash takes them). */
static bool parse_addr(const char *s, uint64_t *v)
{
	char *end;

	if (po_parse_u64(s, v) && (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2)))
		return true;
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 16);
	return !errno && !*end;
}

/* page's PFN: the operand, or from --phys or --page. */
static struct po_error *page_pfn(struct po_program *prog, const struct po_report_opts *opts,
				 const char *const *operands, uint64_t *pfn)
{
	const char *arg = operands ? operands[0] : NULL;
	uint64_t v;

	if (arg) {
		if (!po_parse_u64(arg, pfn))
			return po_error_create(PO_ERR_USAGE, "page: '%s' is not a PFN (decimal, or 0x hex)",
					       arg);
		return NULL;
	}
	if (!parse_addr(opts->phys ? opts->phys : opts->page, &v))
		return po_error_create(PO_ERR_USAGE, "page: '%s' is not an address (hex)",
				       opts->phys ? opts->phys : opts->page);
	if (opts->phys) {
		*pfn = po_phys_to_pfn(prog, v);
		return NULL;
	}
	return po_page_to_pfn(prog, v, pfn);
}

struct po_error *po_report_run(struct po_program *prog, const struct po_report_desc *d,
			       const struct po_report_opts *opts,
			       const char *const *operands, FILE *out, FILE *notes,
			       struct po_walk_stats *stats)
{
	struct po_walk_stats st;
	struct po_stacks_info info;
	struct po_error *err = NULL;
	bool warn = false, totals = true; /* the walk's warnings; of a summing report */
	uint64_t pfn;

	memset(&st, 0, sizeof(st));
	/* usage first, then what the dump lacks */
	if (d->kind == PO_REPORT_PAGE &&
	    (opts->phys != NULL) + (opts->page != NULL) + (operands && operands[0]) != 1)
		return po_error_create(PO_ERR_USAGE, "page: give one of PFN, -p PHYSADDR or -P PAGE");
	if (d->needs_page_owner && (err = po_program_require_page_owner(prog)))
		return err;
	switch (d->kind) {
	case PO_REPORT_PAGES:
		warn = true;
		totals = false;
		err = opts->freed ? po_report_freed(prog, out, opts, &st) :
				    po_report_pages(prog, out, opts, &st);
		break;
	case PO_REPORT_PAGE:
		if (!(err = page_pfn(prog, opts, operands, &pfn)))
			err = po_report_page(prog, out, pfn, opts);
		break;
	case PO_REPORT_STACKS:
		err = po_report_stacks(prog, out, opts, &info);
		if (!err) {
			fflush(out);
			po_stacks_info_notes(notes, &info);
			if (info.source == PO_STACKS_FROM_PAGES) {
				st = info.walk;
				warn = true;
			}
		}
		break;
	case PO_REPORT_TOP:
		err = po_report_top(prog, out, opts, &st);
		warn = true;
		break;
	case PO_REPORT_MEMCG:
		if (!po_program_page_owner_enabled(prog))
			fprintf(notes, "pageowner: page_owner was off in the dumped kernel: counting pages from struct page only; no allocation stacks or pids\n");
		err = po_report_memcg(prog, out, opts);
		break;
	case PO_REPORT_INFO:
		err = po_report_info(prog, out, opts, &st);
		warn = true; /* the counts are in the report; the warnings too */
		break;
	}
	if (err)
		return err;
	/* the warnings follow the report they are about (memcg has its own
	 * warnings in the report) */
	fflush(out);
	if (warn)
		po_walk_stats_warn(prog, notes, &st, totals);
	if (stats)
		*stats = st;
	return NULL;
}
