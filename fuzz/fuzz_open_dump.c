/*
 * fuzz_open_dump: the bytes are a dump file.
 *
 * They are written to a memfd and opened through the public API as
 * pageowner opens a dump (po_program_create + po_program_open_dump, by the
 * /proc/self/fd path): format detection, the flattened-file rearrangement,
 * libkdumpfile's header parsing, pageowner's truncation checks and the
 * VMCOREINFO parser.  When it opens, the harness asks for the format and
 * release, looks up VMCOREINFO keys the kernel model reads, and reads a few
 * pages through the dump's memory ops: physical pages from the start of
 * memory, and kernel virtual addresses from VMCOREINFO's SYMBOL() lines
 * (address translation through the page tables in the dump).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "access/dump.h"
#include "access/program.h"

static char path[64];
static int fd = -1;
static bool verbose; /* FUZZ_OUTPUT=1: say what opened and what read */

static void readv_note(const char *what, uint64_t addr, struct po_error *err)
{
	if (verbose)
		fprintf(stderr, "fuzz: %s %#llx: %s\n", what, (unsigned long long)addr,
			err ? err->message : "ok");
	po_error_destroy(err);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fd = memfd_create("fuzz_open_dump", 0);
	if (fd < 0) {
		perror("memfd_create");
		exit(1);
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	verbose = getenv("FUZZ_OUTPUT") && *getenv("FUZZ_OUTPUT");
	return 0;
}

static void read_some(struct po_program *prog)
{
	static uint8_t buf[8192];
	static const char *const syms[] = {
		"SYMBOL(init_uts_ns)", "SYMBOL(mem_section)", "SYMBOL(swapper_pg_dir)",
		"SYMBOL(init_top_pgt)", "SYMBOL(vmemmap_base)", "SYMBOL(_stext)",
	};
	const struct po_memory_ops *ops = prog->mem_ops;
	struct po_dump *d = prog->dump;

	/* Keys the kernel model parses (kernel/layout.c). */
	static const char *const keys[] = {
		"PAGESIZE", "NUMBER(SECTION_SIZE_BITS)", "NUMBER(MAX_PHYSMEM_BITS)",
		"LENGTH(zone.free_area)", "LENGTH(node_data)", "OSRELEASE",
		"BUILD-ID", "KERNELOFFSET", "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)",
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = po_dump_vmcoreinfo(d, keys[i]);
		if (v && strlen(v) > (1 << 20))
			abort(); /* not expected from a file this size */
	}
	(void)po_dump_page_size(d);
	/* Physical pages: the first 32 and a few farther up. */
	for (uint64_t pfn = 0; pfn < 40; pfn++) {
		uint64_t addr = pfn < 32 ? pfn << 12 : (pfn - 31) << 24;
		readv_note("physical", addr, ops->read(prog->mem_arg, PO_PADDR, addr, buf, 4096));
	}
	/* A read across a page boundary. */
	po_error_destroy(ops->read(prog->mem_arg, PO_PADDR, 0x1ff8, buf, 16));
	/* Kernel virtual addresses the dump names. */
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		const char *v = po_dump_vmcoreinfo(d, syms[i]);
		if (!v)
			continue;
		uint64_t addr = strtoull(v, NULL, 16);
		readv_note(syms[i], addr, ops->read(prog->mem_arg, PO_KVADDR, addr, buf, 64));
		readv_note(syms[i], addr, ops->read(prog->mem_arg, PO_KVADDR, addr, buf, sizeof(buf)));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct po_program *prog;
	struct po_error *err;

	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	(void)po_file_is_dump(path);
	(void)po_file_is_elf_vmlinux(path);
	if (po_program_create(&prog))
		return 0;
	err = po_program_open_dump(prog, path);
	if (err && verbose)
		fprintf(stderr, "fuzz: open: %s\n", err->message);
	if (err) {
		if (!err->message || !err->message[0] || err->code == PO_OK)
			abort();
		po_error_destroy(err);
	} else {
		const char *f = po_program_dump_format(prog);
		const char *r = po_program_release(prog);
		if (!f || !r)
			abort();
		if (verbose)
			fprintf(stderr, "fuzz: opened: %s, release %s\n", f, r);
		read_some(prog);
	}
	po_program_destroy(prog);
	return 0;
}
