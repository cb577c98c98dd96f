/*
 * record-image: make a fuzz_decoder seed from a real dump.
 *
 *   record-image [-r REPORTS] [-f FLAGS] [-m MORE] [-w OFFSET,COUNT]
 *                [-P LO,HI] [-p PFN] [-g GRAIN] [-L LIMIT] DUMP VMLINUX OUT
 *
 * Opens the dump as pageowner does, wraps its memory ops in a recorder,
 * resolves the kernel model and runs the reports the image header will
 * select (-r, -f, -m: the FZ_R_*, FZ_F_*, FZ_R2_* bits of image.h, numbers
 * in C syntax), then writes the kernel virtual memory that was read, in
 * aligned units of -g bytes (default 64, a power of two up to 4096), as a
 * sparse image (image.h) to OUT.  Replaying OUT with fuzz_decoder
 * reads the same bytes, so a seed decodes a real kernel's page_owner data.
 *
 * -w keeps seeds small: a section's struct page and page_ext arrays are
 * refused as a whole (a FAULT, as for a dump that lacks some of them), so
 * the walk reads them page by page, and only the pages holding the COUNT
 * PFNs from OFFSET in each section are served; the rest count as missing.
 * -P LO,HI edits the kernel: min_low_pfn and max_pfn read as LO and HI (in
 * the image too), so every walk covers only those PFNs (fast fuzzing), and
 * sets the window to them (they must lie in one memory section).
 * -L LIMIT refuses (FAULT) any other read longer than LIMIT bytes, e.g. the
 * printk ring buffer (a few hundred KB) that `top` reads for the panic line.
 * -p: the PFN of the page report (default: the first allocated record the
 * walk meets).
 */
#include <errno.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "access/dump_check.h"
#include "access/file.h"
#include "access/program.h"
#include "kernel/kernel.h"

#define PAGE 4096ULL
static uint64_t grain = 64; /* -g: bytes recorded around each read */

struct region { uint64_t start, len; };

struct recorder {
	const struct po_memory_ops *ops;
	void *arg;
	struct po_program *prog;
	bool window;
	uint64_t win_off, win_count;
	struct region *refused;
	size_t nr_refused;
	uint64_t *pages;
	size_t nr_pages, cap_pages;
	bool recording;
	uint64_t limit; /* -L: refuse other reads longer than this */
	/* -P: the values min_low_pfn and max_pfn read as */
	bool patch;
	uint64_t lo_pfn, hi_pfn, min_low_pfn_addr, max_pfn_addr;
};

/* Overwrite what [addr, addr+len) holds of the 8 bytes at var with v. */
static void patch_u64(uint8_t *buf, uint64_t addr, size_t len, uint64_t var,
		      uint64_t v)
{
	for (int i = 0; i < 8; i++)
		if (var + i >= addr && var + i < addr + len)
			buf[var + i - addr] = (uint8_t)(v >> (8 * i));
}

static void patch(struct recorder *r, void *buf, uint64_t addr, size_t len)
{
	if (!r->patch)
		return;
	patch_u64(buf, addr, len, r->min_low_pfn_addr, r->lo_pfn);
	patch_u64(buf, addr, len, r->max_pfn_addr, r->hi_pfn);
}

static bool add_page(struct recorder *r, uint64_t page)
{
	if (r->nr_pages && r->pages[r->nr_pages - 1] == page)
		return true;
	if (r->nr_pages == r->cap_pages) {
		size_t n = r->cap_pages ? r->cap_pages * 2 : 1024;
		uint64_t *p = realloc(r->pages, n * sizeof(*p));
		if (!p)
			return false;
		r->pages = p;
		r->cap_pages = n;
	}
	r->pages[r->nr_pages++] = page;
	return true;
}

/* The layout so far (reads come while po_layout_init fills it in). */
static struct po_layout *layout(struct recorder *r)
{
	static struct po_layout none;
	return r->prog->k ? &r->prog->k->L : &none;
}

/* Is [addr, addr+len) a section's whole struct page or page_ext array? */
static bool is_section_array(struct recorder *r, size_t len)
{
	struct po_layout *L = layout(r);
	return L->pages_per_section &&
	       (len == L->pages_per_section * L->sizeof_page ||
		len == L->pages_per_section * L->page_ext_size);
}

static struct po_error *rec_read(void *arg, enum po_addrspace as, uint64_t addr,
				 void *buf, size_t len)
{
	struct recorder *r = arg;

	if (as != PO_KVADDR)
		return po_error_create(PO_ERR_FAULT, "recorder: physical reads are not recorded");
	if (r->window && is_section_array(r, len)) {
		struct region *p = realloc(r->refused, (r->nr_refused + 1) * sizeof(*p));
		if (!p)
			return &po_error_nomem;
		r->refused = p;
		p[r->nr_refused++] = (struct region){ addr, len };
		return po_error_create(PO_ERR_FAULT, "recorder: whole section array refused");
	}
	if (r->limit && len > r->limit)
		return po_error_create(PO_ERR_FAULT, "recorder: read longer than -L");
	if (r->window) {
		for (size_t i = 0; i < r->nr_refused; i++) {
			struct region *g = &r->refused[i];
			if (addr < g->start || addr - g->start >= g->len)
				continue;
			uint64_t unit = g->len / layout(r)->pages_per_section;
			uint64_t lo = g->start + r->win_off * unit;
			uint64_t hi = lo + r->win_count * unit;
			if (addr + len <= lo || addr >= hi)
				return po_error_create(PO_ERR_FAULT,
						       "recorder: outside the window");
			break;
		}
	}
	struct po_error *err = r->ops->read(r->arg, as, addr, buf, len);
	if (!err)
		patch(r, buf, addr, len);
	if (!err && r->recording && len) {
		for (uint64_t p = addr & ~(grain - 1); p < addr + len; p += grain)
			if (!add_page(r, p))
				return &po_error_nomem;
	}
	return err;
}

static void rec_destroy(void *arg)
{
	struct recorder *r = arg;
	if (r->ops->destroy)
		r->ops->destroy(r->arg);
}

static const struct po_memory_ops rec_ops = { .read = rec_read, .destroy = rec_destroy };

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void put_le(FILE *f, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		fputc((int)(v >> (8 * i)) & 0xff, f);
}

static struct po_error *first_record(struct po_program *prog,
				     const struct po_record *rec, void *arg)
{
	*(uint64_t *)arg = rec->pfn;
	return &po_error_stop;
}

static void usage(void)
{
	fprintf(stderr, "usage: record-image [-r REPORTS] [-f FLAGS] [-m MORE] [-w OFFSET,COUNT] [-P LO,HI] [-p PFN] [-g GRAIN] [-L LIMIT] DUMP VMLINUX OUT\n");
	exit(2);
}

static uint64_t num(const char *s)
{
	char *end;
	errno = 0;
	uint64_t v = strtoull(s, &end, 0);
	if (errno || *end || !*s)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	struct recorder r;
	struct fz_image img;
	struct po_program *prog;
	struct po_error *err;
	bool have_pfn = false;
	int c;

	memset(&r, 0, sizeof(r));
	memset(&img, 0, sizeof(img));
	img.reports = 0xff;
	img.more = 0xff;
	while ((c = getopt(argc, argv, "r:f:m:w:P:p:g:L:")) != -1) {
		switch (c) {
		case 'r': img.reports = (uint8_t)num(optarg); break;
		case 'f': img.flags = (uint8_t)num(optarg); break;
		case 'm': img.more = (uint8_t)num(optarg); break;
		case 'p': img.pfn = num(optarg); have_pfn = true; break;
		case 'g':
			grain = num(optarg);
			if (grain < 8 || grain > PAGE || (grain & (grain - 1)))
				usage();
			break;
		case 'L': r.limit = num(optarg); break;
		case 'w': {
			char *comma = strchr(optarg, ',');
			if (!comma)
				usage();
			*comma = '\0';
			r.win_off = num(optarg);
			r.win_count = num(comma + 1);
			r.window = true;
			break;
		}
		case 'P': {
			char *comma = strchr(optarg, ',');
			if (!comma)
				usage();
			*comma = '\0';
			r.lo_pfn = num(optarg);
			r.hi_pfn = num(comma + 1);
			if (r.hi_pfn <= r.lo_pfn)
				usage();
			r.patch = true;
			break;
		}
		default: usage();
		}
	}
	if (argc - optind != 3)
		usage();
	if ((err = po_program_create(&prog)) ||
	    (err = po_program_open_dump(prog, argv[optind])) ||
	    (err = po_program_load_vmlinux(prog, argv[optind + 1]))) {
		fprintf(stderr, "record-image: %s\n", err->message);
		return 1;
	}
	if (r.patch && (!po_symbol_addr(prog, "min_low_pfn", &r.min_low_pfn_addr) ||
			!po_symbol_addr(prog, "max_pfn", &r.max_pfn_addr))) {
		fprintf(stderr, "record-image: no min_low_pfn/max_pfn symbol for -P\n");
		return 1;
	}
	r.ops = prog->mem_ops;
	r.arg = prog->mem_arg;
	r.prog = prog;
	r.recording = true;
	po_program_set_memory(prog, &rec_ops, &r);
	img.kaslr = prog->kaslr_offset;
	err = po_program_init_kernel_no_owner(prog);
	if (err) {
		fprintf(stderr, "record-image: %s\n", err->message);
		return 1;
	}
	if (r.patch) {
		uint64_t pps = po_kernel(prog)->L.pages_per_section;
		if (r.lo_pfn / pps != (r.hi_pfn - 1) / pps) {
			fprintf(stderr, "record-image: -P %#llx,%#llx spans sections\n",
				(unsigned long long)r.lo_pfn, (unsigned long long)r.hi_pfn);
			return 1;
		}
		r.window = true;
		r.win_off = r.lo_pfn % pps;
		r.win_count = r.hi_pfn - r.lo_pfn;
	}
	if (!have_pfn && po_program_page_owner_enabled(prog)) {
		fz_check(po_walk(prog, PO_WALK_DEBUGFS, first_record, &img.pfn, NULL));
	}
	FILE *out = fopen("/dev/null", "w");
	if (!out) {
		perror("/dev/null");
		return 1;
	}
	fz_run_reports(prog, out, &img);
	fclose(out);
	r.recording = false;

	qsort(r.pages, r.nr_pages, sizeof(*r.pages), cmp_u64);
	FILE *f = fopen(argv[optind + 2], "wb");
	if (!f) {
		perror(argv[optind + 2]);
		return 1;
	}
	fwrite(FZ_MAGIC, 1, 4, f);
	put_le(f, img.reports, 1);
	put_le(f, img.flags, 1);
	put_le(f, img.more, 1);
	put_le(f, 0, 1);
	put_le(f, img.kaslr, 8);
	put_le(f, img.pfn, 8);
	/* The dump's VMCOREINFO text (image.h: the extent at FZ_VMCI_ADDR). */
	{
		struct po_dump_header h;
		uint64_t size;
		int fd;
		memset(&h, 0, sizeof(h));
		err = po_file_open(argv[optind], &fd, &size);
		if (!err)
			err = po_dump_check(fd, argv[optind], size, &h);
		if (err) {
			fprintf(stderr, "record-image: no VMCOREINFO: %s\n", err->message);
			po_error_destroy(err);
		} else if (h.vmcoreinfo) {
			put_le(f, FZ_VMCI_ADDR, 8);
			put_le(f, h.vmcoreinfo_len, 4);
			fwrite(h.vmcoreinfo, 1, h.vmcoreinfo_len, f);
		}
		po_dump_header_free(&h);
		if (!err)
			close(fd);
	}
	/* Runs of consecutive units are one extent each. */
	static uint8_t buf[PAGE];
	size_t nunits = 0, next = 0;
	for (size_t i = 0; i < r.nr_pages; i = next) {
		next = i + 1;
		while (next < r.nr_pages &&
		       (r.pages[next] == r.pages[next - 1] ||
			r.pages[next] == r.pages[next - 1] + grain))
			next++;
		uint64_t start = r.pages[i], end = r.pages[next - 1] + grain;
		put_le(f, start, 8);
		put_le(f, end - start, 4);
		for (uint64_t p = start; p < end; p += grain) {
			err = r.ops->read(r.arg, PO_KVADDR, p, buf, grain);
			if (err) {
				/* A unit the dump has only part of: zeros for the
				 * rest (reads there never succeeded). */
				po_error_destroy(err);
				memset(buf, 0, grain);
				for (uint64_t q = p; q < p + grain; q += 8) {
					err = r.ops->read(r.arg, PO_KVADDR, q, buf + (q - p), 8);
					po_error_destroy(err);
				}
			}
			patch(&r, buf, p, grain);
			fwrite(buf, 1, grain, f);
			nunits++;
		}
	}
	if (fclose(f) != 0) {
		perror(argv[optind + 2]);
		return 1;
	}
	fprintf(stderr, "record-image: %zu units of %llu bytes, pfn %#llx, %zu section arrays refused\n",
		nunits, (unsigned long long)grain, (unsigned long long)img.pfn, r.nr_refused);
	free(r.pages);
	free(r.refused);
	po_program_destroy(prog);
	return 0;
}
