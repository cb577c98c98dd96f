/*
 * A sparse memory image of a dumped kernel: the input of fuzz_decoder and
 * the output of record-image.  Little-endian:
 *
 *   offset 0   "POFZ"        magic
 *          4   u8  reports   which reports to run (FZ_R_* bits)
 *          5   u8  flags     report options (FZ_F_* bits)
 *          6   u8  more      more reports (FZ_R2_* bits)
 *          7   u8  reserved
 *          8   u64 kaslr     KASLR offset of the dumped kernel
 *         16   u64 pfn       the PFN of the page report
 *         24   extents, each: u64 addr, u32 len, len bytes (kernel virtual)
 *
 * An extent at address FZ_VMCI_ADDR (1, never a kernel pointer) is not
 * memory: it is the dump's VMCOREINFO text ("KEY=VALUE" lines), given to
 * the program through po_program_set_vmcoreinfo_reader() as a custom
 * backend's VMCOREINFO (the first such extent counts).
 *
 * Parsing is lenient (a fuzzer mutates it): a last extent cut short keeps
 * the bytes there are; overlapping extents are clipped so each address has
 * one value (the extent with the lower start address wins).  A read is
 * served if every byte of it lies in extents, else it fails with
 * PO_ERR_FAULT like a read of memory a dump lacks.
 */
#ifndef PO_FUZZ_IMAGE_H
#define PO_FUZZ_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pageowner.h"

#define FZ_MAGIC "POFZ"
#define FZ_HDR 24
#define FZ_VMCI_ADDR 1

enum {
	FZ_R_PAGES = 1 << 0,   /* po_report_pages */
	FZ_R_FREED = 1 << 1,   /* po_report_freed */
	FZ_R_STACKS = 1 << 2,  /* po_report_stacks (stack_list, or pages) */
	FZ_R_STACKS_PAGES = 1 << 3, /* stacks --from-pages */
	FZ_R_TOP = 1 << 4,     /* po_report_top */
	FZ_R_MEMCG = 1 << 5,   /* po_report_memcg */
	FZ_R_INFO = 1 << 6,    /* po_report_info */
	FZ_R_PAGE = 1 << 7,    /* po_report_page, po_get_record */
};

enum {
	FZ_R2_SORT = 1 << 0,   /* po_sort_feed_dump + print (report/sort.c) */
	FZ_R2_PAGE_ADDR = 1 << 1, /* po_page_to_pfn of a struct page address */
};

enum {
	FZ_F_JSON = 1 << 0,
	FZ_F_MODE1 = 1 << 1,    /* pages --mode handle */
	FZ_F_MODE2 = 1 << 2,    /* pages --mode stack_handle */
	FZ_F_DYING = 1 << 3,    /* memcg --dying */
	FZ_F_KORDER = 1 << 4,   /* stacks --kernel-order */
	FZ_F_VIEW1 = 1 << 5,    /* stacks --handles */
	FZ_F_VIEW2 = 1 << 6,    /* stacks --stacks-handles */
	FZ_F_THRESH = 1 << 7,   /* stacks --threshold 2 */
};

struct fz_extent {
	uint64_t addr;
	uint64_t len;
	const uint8_t *data;
};

struct fz_image {
	uint8_t reports, flags, more;
	uint64_t kaslr;
	uint64_t pfn;
	struct fz_extent *ext;
	size_t n;
	const char *vmci;       /* VMCOREINFO text, NULL if none */
	size_t vmci_len;
	uint64_t reads, faults; /* counters */
};

/* Parse data (borrowed: keep it alive).  -1 if it is not an image at all
 * (short or no magic), -2 out of memory. */
int fz_image_parse(struct fz_image *img, const uint8_t *data, size_t size);
void fz_image_free(struct fz_image *img);
/* Memory ops serving reads from the image (arg: struct fz_image *). */
extern const struct po_memory_ops fz_image_ops;
/* A VMCOREINFO reader for po_program_set_vmcoreinfo_reader (arg: the image). */
char *fz_image_vmcoreinfo(void *arg, const char *key);

/* Run the reports img selects (run_reports.c); errors are dropped. */
void fz_run_reports(struct po_program *prog, FILE *out, const struct fz_image *img);
/* Drop an error (abort if it has no message; print it if fz_verbose). */
void fz_check(struct po_error *err);
extern bool fz_verbose;

#endif
