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
 * Each input: a fresh program borrowing the vmlinux's DWARF and symbol
 * table, the image as its memory (and its VMCOREINFO, if the image has
 * one, through po_program_set_vmcoreinfo_reader), the kernel model is
 * resolved (po_program_init_kernel_no_owner), then the reports the header
 * selects run into /dev/null (unless max_pfn - min_low_pfn > 2^22: see
 * fuzz/README.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "access/program.h"
#include "kernel/kernel.h"

#ifndef FZ_DEFAULT_VMLINUX
#define FZ_DEFAULT_VMLINUX "build/fixtures/6.12/vmlinux"
#endif

/* The vmlinux, loaded once; each input gets a program of its own that
 * borrows its type and symbol sources (fresh_program, drop_program), so
 * every cache built from memory (the kernel model: stackdepot, memcg,
 * modules, names, symbols; VMCOREINFO values) dies with the input. */
static struct po_program *base;
static struct po_vmlinux_id base_id;
static FILE *devnull;

static struct po_program *fresh_program(void)
{
	struct po_program *p;

	if (po_program_create(&p))
		return NULL;
	p->types = base->types;
	p->types_arg = base->types_arg;
	p->symbols = base->symbols;
	p->symbols_arg = base->symbols_arg;
	p->vmlinux_path = base->vmlinux_path;
	po_program_set_release(p, po_program_release(base));
	return p;
}

static void drop_program(struct po_program *p)
{
	p->types = NULL;
	p->symbols = NULL;
	p->vmlinux_path = NULL;
	po_program_destroy(p);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *vmlinux = getenv("FUZZ_VMLINUX");
	struct po_error *err;

	(void)argc;
	(void)argv;
	if (!vmlinux || !*vmlinux)
		vmlinux = FZ_DEFAULT_VMLINUX;
	if ((err = po_program_create(&base)) ||
	    (err = po_program_load_vmlinux(base, vmlinux)) ||
	    (err = po_vmlinux_identify(vmlinux, &base_id))) {
		fprintf(stderr, "fuzz_decoder: %s (set FUZZ_VMLINUX to a fixture vmlinux)\n",
			err->message);
		exit(1);
	}
	/* The release, as the dump's VMCOREINFO would give it: from the
	 * vmlinux's own banner ("Linux version 6.12.57 (...)"). */
	const char *banner = base_id.banner;
	if (!strncmp(banner, "Linux version ", 14)) {
		char rel[80];
		snprintf(rel, sizeof(rel), "%.*s", (int)strcspn(banner + 14, " "),
			 banner + 14);
		po_program_set_release(base, rel);
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
	struct po_program *prog;

	if (fz_image_parse(&img, data, size))
		return -1; /* not an image: not worth keeping in the corpus */
	prog = fresh_program();
	if (!prog) {
		fz_image_free(&img);
		return 0;
	}
	po_program_set_memory(prog, &fz_image_ops, &img);
	po_program_set_kaslr_offset(prog, img.kaslr);
	if (img.vmci)
		po_program_set_vmcoreinfo_reader(prog, fz_image_vmcoreinfo, &img);
	/* As po_program_load_vmlinux would: another kernel's build id is a
	 * mismatch (the CLI stops with exit 7). */
	const char *bid = po_program_build_id(prog), *ours = base_id.build_id;
	if (bid && *ours && strcmp(bid, ours) != 0) {
		drop_program(prog);
		fz_image_free(&img);
		return 0;
	}
	struct po_error *err = po_program_init_kernel_no_owner(prog);
	/* A walk over 2^40 PFNs of absent sections is right but takes minutes
	 * here: not a finding worth a timeout on every mutation of max_pfn. */
	if (!err && po_kernel(prog)->L.max_pfn - po_kernel(prog)->L.min_low_pfn <=
			    (1ULL << 22))
		fz_run_reports(prog, devnull, &img);
	fz_check(err);
	drop_program(prog);
	fz_image_free(&img);
	return 0;
}
