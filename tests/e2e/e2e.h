/*
 * What the e2e test programs that check a real dump share: a failed check
 * printed ("FAIL: ...") and counted in fails, and the program opened on a
 * dump and its vmlinux with the kernel model initialised.  Included once,
 * by the program's .c (tests/lib.sh fx_build_c compiles it alone).
 */
#ifndef PO_TESTS_E2E_H
#define PO_TESTS_E2E_H

#include <stdio.h>

#include "pageowner.h"

static int fails;
#define CHECK(c, ...) do { if (!(c)) { printf("FAIL: " __VA_ARGS__); printf("\n"); fails++; } } while (0)

/* The program of dump and vmlinux, or NULL after "FAIL: open: why". */
static struct po_program *e2e_open(const char *dump, const char *vmlinux)
{
	struct po_program *prog = NULL;
	struct po_error *err;

	if ((err = po_program_create(&prog)) ||
	    (err = po_program_open_dump(prog, dump)) ||
	    (err = po_program_load_vmlinux(prog, vmlinux)) ||
	    (err = po_program_init_kernel(prog))) {
		printf("FAIL: open: %s\n", err->message);
		po_error_destroy(err);
		po_program_destroy(prog);
		return NULL;
	}
	return prog;
}

#endif
