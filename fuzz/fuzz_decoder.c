/*
 * fuzz_decoder: the whole decoder over attacker-controlled kernel memory.
 *
 * The input is a sparse memory image (image.h): every struct page, page_ext,
 * mem_section, stackdepot pool, memcg, cgroup, kernfs node, name table and
 * log record the decoder reads comes from it.  The vmlinux (DWARF, symbols)
 * is a real fixture's, loaded once: $FUZZ_VMLINUX, default the 6.12 fixture
 * under build/fixtures (FZ_DEFAULT_VMLINUX, set by the Makefile).  The
 * seeds are made by record-image from the fixture dumps of that kernel.
 *
 * Each input: the program's memory-derived state is reset (the DWARF and
 * symbol table stay), the image becomes its memory, the kernel model is
 * resolved (po_program_init_kernel_no_owner), then the reports the header
 * selects run into /dev/null (unless max_pfn - min_low_pfn > 2^22: see
 * fuzz/README.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "internal.h"
#include "modules.h"

#ifndef FZ_DEFAULT_VMLINUX
#define FZ_DEFAULT_VMLINUX "build/fixtures/6.12/vmlinux"
#endif

static struct po_program *prog;
static FILE *devnull;

/* Forget everything read from memory; keep the vmlinux. */
static void reset_program(struct po_program *p)
{
	po_stackdepot_destroy(p);
	po_memcg_destroy(p);
	po_modules_destroy(p);
	po_names_free(&p->names);
	free(p->symcache);
	p->symcache = NULL;
	p->symcache_size = 0;
	p->kernel_ready = false;
	p->memcg_names_missing = 0;
	p->forms[0] = '\0';
	p->mem_ops = NULL;
	p->mem_arg = NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *vmlinux = getenv("FUZZ_VMLINUX");
	struct po_error *err;

	(void)argc;
	(void)argv;
	if (!vmlinux || !*vmlinux)
		vmlinux = FZ_DEFAULT_VMLINUX;
	if ((err = po_program_create(&prog)) ||
	    (err = po_program_load_vmlinux(prog, vmlinux))) {
		fprintf(stderr, "fuzz_decoder: %s (set FUZZ_VMLINUX to a fixture vmlinux)\n",
			err->message);
		exit(1);
	}
	/* The release, as the dump's VMCOREINFO would give it: from the
	 * vmlinux's own banner ("Linux version 6.12.57 (...)"). */
	const char *banner = po_symtab_banner(prog->symtab);
	if (banner && !strncmp(banner, "Linux version ", 14)) {
		char rel[80];
		snprintf(rel, sizeof(rel), "%.*s", (int)strcspn(banner + 14, " "),
			 banner + 14);
		po_program_set_release(prog, rel);
	}
	/* FUZZ_OUTPUT=1: reports to stdout, errors to stderr (to look at what
	 * an input decodes to). */
	if (getenv("FUZZ_OUTPUT") && *getenv("FUZZ_OUTPUT")) {
		devnull = stdout;
		fz_verbose = true;
		return 0;
	}
	devnull = fopen("/dev/null", "w");
	if (!devnull) {
		perror("/dev/null");
		exit(1);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_image img;

	if (fz_image_parse(&img, data, size))
		return -1; /* not an image: not worth keeping in the corpus */
	reset_program(prog);
	po_program_set_memory(prog, &fz_image_ops, &img);
	po_program_set_kaslr_offset(prog, img.kaslr);
	struct po_error *err = po_program_init_kernel_no_owner(prog);
	/* A walk over 2^40 PFNs of absent sections is right but takes minutes
	 * here: not a finding worth a timeout on every mutation of max_pfn. */
	if (!err && prog->L.max_pfn - prog->L.min_low_pfn <= (1ULL << 22))
		fz_run_reports(prog, devnull, &img);
	fz_check(err);
	reset_program(prog);
	fz_image_free(&img);
	return 0;
}
