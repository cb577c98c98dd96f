/*
 * type_names: every type, member, enumerator and variable the library looks
 * up is declared by the subsystem that asks for it (po_types_want), so the
 * DWARF index finds it in its one pass; a lookup nobody declared would
 * still be answered, but by a search of every compilation unit, and counted
 * here.  Every report (and the folded stacks of flamegraph and diff) runs
 * on a dump, then again without the dump's VMCOREINFO (as inside crash,
 * where the printk types come from the debug info).
 * Usage: type_names DUMP VMLINUX   (compiled and run by type_names.sh)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pageowner.h"
#include "access/program.h"

static int run_all(struct po_program *prog, const char *what)
{
	size_t n;
	const struct po_report_desc *d = po_reports(&n);
	FILE *null = fopen("/dev/null", "w");
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		for (int variant = 0; variant < 4; variant++) {
			struct po_report_opts opts;
			const char *pfn[] = { "0x1000", NULL };
			if (variant == 3 && d[i].kind != PO_REPORT_STACKS)
				continue;
			po_report_opts_init(&opts);
			opts.json = variant == 1;
			if (variant == 2) {
				opts.from_pages = true; /* stacks */
				opts.freed = d[i].kind == PO_REPORT_PAGES;
				opts.nid_list = d[i].kind == PO_REPORT_PAGES ? "0" : NULL;
			}
			if (variant == 3) {
				opts.folded = true; /* stacks --folded --root memcg */
				opts.root = PO_FOLDED_ROOT_MEMCG;
			}
			struct po_error *err = po_report_run(prog, &d[i], &opts,
							     d[i].operands ? pfn : NULL,
							     null, null, NULL);
			if (err && err->code != PO_ERR_NO_PAGE_OWNER && err->code != PO_ERR_FAULT &&
			    err->code != PO_ERR_INVALID) {
				printf("FAIL: %s: %s: %s\n", what, d[i].name, err->message);
				bad++;
			}
			po_error_destroy(err);
		}
	}
	fclose(null);
	/* what flamegraph and diff read of a dump: every root, and the
	 * description (RAM, panic reason) */
	if (po_program_page_owner_enabled(prog)) {
		struct po_folded *sets[3] = { NULL, NULL, NULL };
		struct po_error *err = NULL;
		for (int r = 0; r < 3 && !err; r++)
			err = po_folded_create(&(struct po_folded_opts){ .root = PO_FOLDED_ROOT_PROCESS + r },
					       &sets[r]);
		if (!err)
			err = po_folded_from_dump(prog, sets, 3, NULL);
		if (!err)
			err = po_folded_describe_dump(prog, "dump", sets, 3);
		if (err && err->code != PO_ERR_FAULT && err->code != PO_ERR_INVALID) {
			printf("FAIL: %s: folded stacks: %s\n", what, err->message);
			bad++;
		}
		po_error_destroy(err);
		for (int r = 0; r < 3; r++)
			po_folded_destroy(sets[r]);
	}
	size_t u = po_types_undeclared(prog);
	printf("%s: %zu reports x 3 variants (and stacks --folded, the flame graph's input), %zu undeclared type lookups\n",
	       what, n, u);
	if (u) {
		printf("FAIL: %s: %zu lookups of undeclared names (run with PAGEOWNER_DEBUG_TYPES=1)\n",
		       what, u);
		bad++;
	}
	return bad;
}

int main(int argc, char **argv)
{
	int bad = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: type_names DUMP VMLINUX\n");
		return 2;
	}
	for (int pass = 0; pass < 2; pass++) {
		struct po_program *prog;
		struct po_error *err;
		if ((err = po_program_create(&prog)) ||
		    (err = po_program_open_dump(prog, argv[1])) ||
		    (err = po_program_load_vmlinux(prog, argv[2]))) {
			printf("FAIL: open: %s\n", err->message);
			return 1;
		}
		if (pass == 1)
			prog->dump = NULL; /* no VMCOREINFO: what crash's backend has */
		if ((err = po_program_init_kernel_no_owner(prog))) {
			printf("FAIL: init: %s\n", err->message);
			return 1;
		}
		bad += run_all(prog, pass ? "without VMCOREINFO" : "with the dump");
		po_program_destroy(prog);
	}
	return bad ? 1 : 0;
}
