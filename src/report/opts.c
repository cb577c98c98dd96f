/* The report options as pageowner(1) and the crash extension parse them
 * (include/pageowner.h). */
#include <stdlib.h>
#include <string.h>

#include "pageowner.h"

bool po_parse_u64(const char *s, uint64_t *v)
{
	unsigned base = 10;
	uint64_t n = 0;

	if (!s || !*s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return false;
	}
	/* digits only: no sign, no blanks, and no octal ("010" is ten) */
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return false;
		if (n > (UINT64_MAX - d) / base)
			return false;
		n = n * base + d;
	}
	*v = n;
	return true;
}

void po_report_opts_init(struct po_report_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->top_n = 5;
}

static const struct { int opt; const char *name; } opt_names[] = {
	{ PO_OPT_JSON, "json" }, { PO_OPT_MODE, "mode" }, { PO_OPT_NID, "nid" },
	{ PO_OPT_FREED, "freed" }, { PO_OPT_THRESHOLD, "threshold" },
	{ PO_OPT_FROM_PAGES, "from-pages" }, { PO_OPT_KERNEL_ORDER, "kernel-order" },
	{ PO_OPT_HANDLES, "handles" }, { PO_OPT_STACKS_HANDLES, "stacks-handles" },
	{ PO_OPT_TOP_N, "n" }, { PO_OPT_DYING, "dying" }, { PO_OPT_MEMCG, "memcg" },
	{ PO_OPT_PHYS, "phys" }, { PO_OPT_PAGE, "page" }, { PO_OPT_DMESG, "dmesg" },
	{ PO_OPT_FOLDED, "folded" }, { PO_OPT_OFFSETS, "offsets" }, { PO_OPT_ROOT, "root" },
};

const char *po_report_opt_name(int opt)
{
	for (size_t i = 0; i < sizeof(opt_names) / sizeof(opt_names[0]); i++)
		if (opt_names[i].opt == opt)
			return opt_names[i].name;
	return "?";
}

struct po_error *po_report_opts_set(struct po_report_opts *opts, int opt,
				    const char *arg)
{
	uint64_t v;

	switch (opt) {
	case PO_OPT_JSON: opts->json = true; break;
	case PO_OPT_MODE:
		if (!strcmp(arg, "stack")) opts->mode = PO_PAGES_STACK;
		else if (!strcmp(arg, "handle")) opts->mode = PO_PAGES_HANDLE;
		else if (!strcmp(arg, "stack_handle")) opts->mode = PO_PAGES_STACK_HANDLE;
		else return po_error_create(PO_ERR_USAGE,
					    "--mode: '%s' is not stack, handle or stack_handle", arg);
		break;
	case PO_OPT_NID: opts->nid_list = arg; break;
	case PO_OPT_FREED: opts->freed = true; break;
	case PO_OPT_THRESHOLD:
		if (!po_parse_u64(arg, &v))
			return po_error_create(PO_ERR_USAGE, "--threshold: '%s' is not a number", arg);
		opts->threshold = v;
		break;
	case PO_OPT_TOP_N:
		if (!po_parse_u64(arg, &v) || v == 0 || v > 100000)
			return po_error_create(PO_ERR_USAGE, "-n: '%s' is not a number from 1 to 100000", arg);
		opts->top_n = (int)v;
		break;
	case PO_OPT_FROM_PAGES: opts->from_pages = true; break;
	case PO_OPT_KERNEL_ORDER: opts->kernel_order = true; break;
	case PO_OPT_HANDLES: opts->view = PO_STACKS_SHOW_HANDLES; break;
	case PO_OPT_STACKS_HANDLES: opts->view = PO_STACKS_SHOW_STACKS_HANDLES; break;
	case PO_OPT_DYING: opts->dying_only = true; break;
	case PO_OPT_MEMCG: opts->memcg_path = arg; break;
	case PO_OPT_DMESG: opts->dmesg = arg; break;
	case PO_OPT_PHYS: opts->phys = arg; break;
	case PO_OPT_PAGE: opts->page = arg; break;
	case PO_OPT_FOLDED: opts->folded = true; break;
	case PO_OPT_OFFSETS: opts->offsets = true; break;
	case PO_OPT_ROOT: {
		enum po_folded_root r;
		if (!po_folded_parse_root(arg, &r) || r == PO_FOLDED_ROOT_NONE)
			return po_error_create(PO_ERR_USAGE,
					       "--root: '%s' is not process, memcg or gfp", arg ? arg : "");
		opts->root = r;
		break;
	}
	default:
		return po_error_create(PO_ERR_USAGE, "option %d is not a report option", opt);
	}
	return NULL;
}
