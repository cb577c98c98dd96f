/* Dump access through libkdumpfile: ELF and kdump-compressed files. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

struct vmci_line { char *key, *value; };

struct po_dump {
	kdump_ctx_t *ctx;
	int fd;
	char *path;
	char format[96];
	struct vmci_line *lines;
	size_t nr_lines;
	char *vmcoreinfo;
	uint64_t page_size;
	/* reads that never ask libkdumpfile for a page the file lacks (see
	 * guarded_read) */
	kdump_bmp_t *pagemap;
	addrxlat_ctx_t *axctx;
	addrxlat_sys_t *axsys;
	bool guard_tried;
};

static struct po_error *kdump_error(struct po_dump *d, kdump_status st,
				    const char *what)
{
	enum po_error_code code;

	switch (st) {
	case KDUMP_ERR_NODATA:
	case KDUMP_ERR_ADDRXLAT:
		code = PO_ERR_FAULT;
		break;
	case KDUMP_ERR_EOF:
	case KDUMP_ERR_CORRUPT:
		code = PO_ERR_CORRUPT;
		break;
	case KDUMP_ERR_SYSTEM:
		code = PO_ERR_OS;
		break;
	case KDUMP_ERR_NOTIMPL:
		code = PO_ERR_FORMAT;
		break;
	default:
		code = PO_ERR_INVALID;
	}
	return po_error_create(code, "%s: %s: %s", d->path, what,
			       kdump_get_err(d->ctx));
}

/* An ELF core whose PT_LOAD segments go past the end of the file. */
static struct po_error *check_elf_truncated(struct po_dump *d)
{
	Elf64_Ehdr eh;
	struct stat st;

	if (pread(d->fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || fstat(d->fd, &st) < 0)
		return NULL;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		if (pread(d->fd, &ph, sizeof(ph), eh.e_phoff + (uint64_t)i * sizeof(ph)) !=
		    (ssize_t)sizeof(ph))
			return po_error_create(PO_ERR_CORRUPT,
					       "%s: dump is truncated: program header %u is past the end of the file",
					       d->path, i);
		if (ph.p_type == PT_LOAD &&
		    ph.p_offset + ph.p_filesz > (uint64_t)st.st_size)
			return po_error_create(PO_ERR_CORRUPT,
					       "%s: dump is truncated: PT_LOAD %u (physical %#llx) ends at file offset %#llx, the file has %#llx bytes",
					       d->path, i, (unsigned long long)ph.p_paddr,
					       (unsigned long long)(ph.p_offset + ph.p_filesz),
					       (unsigned long long)st.st_size);
	}
	return NULL;
}

/*
 * kdump-compressed: the page descriptors follow the header, sub-header and
 * the two bitmaps; one per dumpable page (bit set in the second bitmap).  A
 * file shorter than its descriptors, or whose last page lies past its end,
 * is truncated.
 */
static struct po_error *check_diskdump_truncated(struct po_dump *d)
{
	uint8_t hdr[448];
	struct stat st;
	uint32_t block_size, sub_blocks, bitmap_blocks;
	uint64_t nbits = 0, pd_start, bm_start, bm_len;

	if (pread(d->fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
	    memcmp(hdr, "KDUMP   ", 8) != 0 || fstat(d->fd, &st) < 0)
		return NULL;
	block_size = po_get_u32(hdr + 428);
	sub_blocks = po_get_u32(hdr + 432);
	bitmap_blocks = po_get_u32(hdr + 436);
	if (block_size < 512 || block_size > (1 << 20) || bitmap_blocks == 0)
		return po_error_create(PO_ERR_CORRUPT, "%s: corrupt kdump header (block size %u, %u bitmap blocks)",
				       d->path, block_size, bitmap_blocks);
	bm_start = (uint64_t)(1 + sub_blocks) * block_size;
	bm_len = (uint64_t)bitmap_blocks * block_size / 2;
	pd_start = bm_start + (uint64_t)bitmap_blocks * block_size;
	if ((uint64_t)st.st_size < pd_start)
		goto truncated;
	uint8_t *bm = malloc(bm_len);
	if (!bm)
		return &po_error_nomem;
	if (pread(d->fd, bm, bm_len, bm_start + bm_len) != (ssize_t)bm_len) {
		free(bm);
		goto truncated;
	}
	for (uint64_t i = 0; i < bm_len; i++)
		nbits += __builtin_popcount(bm[i]);
	free(bm);
	if (!nbits)
		return NULL;
	/* Page data follow the PFN order, but zero pages share one block at
	 * the start: look at the end of the descriptor table, not one entry. */
	uint64_t n = nbits < 65536 ? nbits : 65536;
	uint8_t *pd = malloc(n * 24);
	if (!pd)
		return &po_error_nomem;
	if (pread(d->fd, pd, n * 24, pd_start + (nbits - n) * 24) != (ssize_t)(n * 24)) {
		free(pd);
		goto truncated;
	}
	uint64_t end = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t e = po_get_u64(pd + i * 24) + po_get_u32(pd + i * 24 + 8);
		if (e > end)
			end = e;
	}
	free(pd);
	if (end > (uint64_t)st.st_size)
		goto truncated;
	return NULL;
truncated:
	return po_error_create(PO_ERR_CORRUPT,
			       "%s: dump is truncated: its page data ends before the last of its pages (file has %llu bytes)",
			       d->path, (unsigned long long)st.st_size);
}

/* kdump-compressed: compression and dump level from the headers. */
static void describe_diskdump(struct po_dump *d, const char *fmt)
{
	uint8_t hdr[440];
	uint32_t status, block_size;
	int32_t level = -1;
	const char *comp = "uncompressed";

	snprintf(d->format, sizeof(d->format), "%s", fmt);
	if (pread(d->fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
	    memcmp(hdr, "KDUMP   ", 8) != 0)
		return;
	status = po_get_u32(hdr + 424);
	block_size = po_get_u32(hdr + 428);
	if (status & 0x1) comp = "zlib";
	else if (status & 0x2) comp = "lzo";
	else if (status & 0x4) comp = "snappy";
	else if (status & 0x20) comp = "zstd";
	if (block_size >= 4096 && block_size <= (1 << 20)) {
		uint8_t sub[12];
		if (pread(d->fd, sub, sizeof(sub), block_size) == (ssize_t)sizeof(sub))
			level = (int32_t)po_get_u32(sub + 8);
	}
	if (level >= 0)
		snprintf(d->format, sizeof(d->format), "kdump-compressed (%s, dump level %d)%s",
			 comp, level, (status & 0x8) ? ", INCOMPLETE" : "");
	else
		snprintf(d->format, sizeof(d->format), "kdump-compressed (%s)", comp);
}

static struct po_error *parse_vmcoreinfo(struct po_dump *d)
{
	char *raw = NULL, *line, *save;

	if (kdump_vmcoreinfo_raw(d->ctx, &raw) != KDUMP_OK || !raw)
		return po_error_create(PO_ERR_FORMAT,
				       "%s: the dump has no VMCOREINFO (was it made with a vmcoreinfo-aware tool, e.g. QEMU's -device vmcoreinfo?)",
				       d->path);
	d->vmcoreinfo = raw;
	char *copy = strdup(raw);
	if (!copy)
		return &po_error_nomem;
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		struct vmci_line *l;
		if (!eq)
			continue;
		l = po_xrealloc_array(d->lines, d->nr_lines + 1, sizeof(*l));
		if (!l) {
			free(copy);
			return &po_error_nomem;
		}
		d->lines = l;
		*eq = '\0';
		l[d->nr_lines].key = strdup(line);
		l[d->nr_lines].value = strdup(eq + 1);
		if (!l[d->nr_lines].key || !l[d->nr_lines].value) {
			free(l[d->nr_lines].key);
			free(l[d->nr_lines].value);
			free(copy);
			return &po_error_nomem;
		}
		d->nr_lines++;
	}
	free(copy);
	return NULL;
}

const char *po_dump_vmcoreinfo(struct po_dump *d, const char *key)
{
	for (size_t i = 0; i < d->nr_lines; i++)
		if (strcmp(d->lines[i].key, key) == 0)
			return d->lines[i].value;
	return NULL;
}

struct po_error *po_dump_open(const char *path, struct po_dump **ret)
{
	struct po_error *err;
	struct po_dump *d = calloc(1, sizeof(*d));
	kdump_status st;
	const char *fmt = NULL;
	kdump_num_t num;
	bool flat = false;

	if (!d)
		return &po_error_nomem;
	d->fd = -1;
	d->path = strdup(path);
	if (!d->path) {
		err = &po_error_nomem;
		goto fail;
	}
	d->fd = open(path, O_RDONLY);
	if (d->fd < 0) {
		err = po_error_create(PO_ERR_OS, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (po_flat_detect(d->fd)) {
		int nfd;
		err = po_flat_rearrange(d->fd, path, &nfd);
		if (err)
			goto fail;
		close(d->fd);
		d->fd = nfd;
		flat = true;
	}
	d->ctx = kdump_new();
	if (!d->ctx) {
		err = &po_error_nomem;
		goto fail;
	}
	/* A truncated kdump file can fail already while opening. */
	err = check_diskdump_truncated(d);
	if (err)
		goto fail;
	st = kdump_open_fd(d->ctx, d->fd);
	if (st != KDUMP_OK) {
		err = po_error_create(st == KDUMP_ERR_NOTIMPL ? PO_ERR_FORMAT : PO_ERR_CORRUPT,
				      "%s: not a readable kernel dump: %s", path,
				      kdump_get_err(d->ctx));
		if (st == KDUMP_ERR_NOTIMPL || strstr(err->message, "Unknown file format"))
			err->code = PO_ERR_FORMAT;
		goto fail;
	}
	/* QEMU's kdump files leave the utsname empty but for the machine, and
	 * libkdumpfile 0.5.1 then knows no architecture: no reads at all. */
	const char *arch;
	if (kdump_get_string_attr(d->ctx, KDUMP_ATTR_ARCH_NAME, &arch) != KDUMP_OK) {
		char machine[66] = "";
		uint8_t hdr[8];
		if (pread(d->fd, hdr, 8, 0) == 8 && !memcmp(hdr, "KDUMP   ", 8) &&
		    pread(d->fd, machine, 65, 12 + 4 * 65) == 65)
			machine[65] = '\0';
		st = kdump_set_string_attr(d->ctx, KDUMP_ATTR_ARCH_NAME,
					   machine[0] ? machine : "x86_64");
		if (st != KDUMP_OK) {
			err = kdump_error(d, st, "cannot set the dump's architecture");
			goto fail;
		}
	}
	/* libkdumpfile 0.5.1 needs the OS type for kernel-virtual reads. */
	st = kdump_set_string_attr(d->ctx, KDUMP_ATTR_OSTYPE, "linux");
	if (st != KDUMP_OK) {
		err = kdump_error(d, st, "cannot set up Linux address translation");
		goto fail;
	}
	if (kdump_get_string_attr(d->ctx, KDUMP_ATTR_FILE_FORMAT, &fmt) != KDUMP_OK)
		fmt = "unknown";
	if (strcmp(fmt, "elf") == 0) {
		snprintf(d->format, sizeof(d->format), "ELF");
		err = check_elf_truncated(d);
		if (err)
			goto fail;
	} else if (strcmp(fmt, "diskdump") == 0 || strcmp(fmt, "kdump") == 0) {
		describe_diskdump(d, fmt);
	} else {
		snprintf(d->format, sizeof(d->format), "%s", fmt);
	}
	if (flat) {
		size_t l = strlen(d->format);
		snprintf(d->format + l, sizeof(d->format) - l, ", flattened");
	}
	if (kdump_get_number_attr(d->ctx, KDUMP_ATTR_PAGE_SIZE, &num) == KDUMP_OK)
		d->page_size = num;
	else
		d->page_size = 4096;
	err = parse_vmcoreinfo(d);
	if (err)
		goto fail;
	*ret = d;
	return NULL;
fail:
	po_dump_close(d);
	return err;
}

void po_dump_close(struct po_dump *d)
{
	if (!d)
		return;
	if (d->pagemap)
		kdump_bmp_decref(d->pagemap);
	if (d->axctx)
		addrxlat_ctx_decref(d->axctx);
	if (d->axsys)
		addrxlat_sys_decref(d->axsys);
	if (d->ctx)
		kdump_free(d->ctx);
	if (d->fd >= 0)
		close(d->fd);
	for (size_t i = 0; i < d->nr_lines; i++) {
		free(d->lines[i].key);
		free(d->lines[i].value);
	}
	free(d->lines);
	free(d->vmcoreinfo);
	free(d->path);
	free(d);
}

const char *po_dump_format(struct po_dump *d) { return d->format; }
uint64_t po_dump_page_size(struct po_dump *d) { return d->page_size; }

/*
 * libkdumpfile up to 0.5.4 has a cache bug (fixed upstream in January 2024,
 * "cache: Get data buffer before adjusting ghost partition size"): after a
 * read of a page the file lacks has been discarded, the next miss on a
 * recently evicted page takes its data buffer from the wrong entry, so
 * decompression writes through NULL (lzo: SIGSEGV) or into a buffer another
 * cached page still uses (zstd: "Destination buffer is too small"; an
 * uncompressed page: silently wrong data).  Bookworm ships 0.5.1, and a
 * makedumpfile-filtered dump has many missing pages.  So a read never asks
 * libkdumpfile for a page the file lacks: virtual addresses are translated
 * here, each page is looked up in file.pagemap, and only pages the file has
 * are read (by physical address).
 */
static bool guard_init(struct po_dump *d)
{
	if (!d->guard_tried) {
		kdump_attr_t a;
		d->guard_tried = true;
		a.type = KDUMP_BITMAP;
		if (kdump_get_typed_attr(d->ctx, KDUMP_ATTR_FILE_PAGEMAP, &a) == KDUMP_OK) {
			d->pagemap = a.val.bitmap;
			kdump_bmp_incref(d->pagemap);
		}
		kdump_clear_err(d->ctx);
		if (d->pagemap && kdump_get_addrxlat(d->ctx, &d->axctx, &d->axsys) != KDUMP_OK) {
			kdump_clear_err(d->ctx);
			d->axctx = NULL;
			d->axsys = NULL;
		}
	}
	return d->pagemap && d->axctx && d->axsys;
}

static struct po_error *guarded_read(struct po_dump *d, enum po_addrspace as,
				     uint64_t addr, void *buf, size_t len)
{
	uint8_t *out = buf;
	uint64_t ps = d->page_size;

	while (len) {
		uint64_t in_page = ps - (addr & (ps - 1));
		size_t n = len < in_page ? len : (size_t)in_page;
		addrxlat_fulladdr_t fa = { addr, as == PO_PADDR ? ADDRXLAT_KPHYSADDR : ADDRXLAT_KVADDR };
		unsigned char bit = 0;
		kdump_status st;

		if (as != PO_PADDR &&
		    addrxlat_fulladdr_conv(&fa, ADDRXLAT_KPHYSADDR, d->axctx, d->axsys) != ADDRXLAT_OK) {
			struct po_error *err = po_error_create(PO_ERR_FAULT,
				"%s: cannot read %zu bytes at virtual %#llx: %s", d->path, len,
				(unsigned long long)addr, addrxlat_ctx_get_err(d->axctx));
			addrxlat_ctx_clear_err(d->axctx);
			return err;
		}
		if (kdump_bmp_get_bits(d->pagemap, fa.addr / ps, fa.addr / ps, &bit) != KDUMP_OK ||
		    !(bit & 1)) {
			kdump_clear_err(d->ctx);
			return po_error_create(PO_ERR_FAULT,
				"%s: cannot read %zu bytes at %s %#llx: page not in the dump (filtered or beyond its memory)",
				d->path, len, as == PO_PADDR ? "physical" : "virtual",
				(unsigned long long)addr);
		}
		size_t got = n;
		st = kdump_read(d->ctx, KDUMP_KPHYSADDR, fa.addr, out, &got);
		if (st != KDUMP_OK || got != n) {
			char what[96];
			snprintf(what, sizeof(what), "cannot read %zu bytes at %s %#llx",
				 len, as == PO_PADDR ? "physical" : "virtual",
				 (unsigned long long)addr);
			return kdump_error(d, st != KDUMP_OK ? st : KDUMP_ERR_NODATA, what);
		}
		out += n;
		addr += n;
		len -= n;
	}
	return NULL;
}

static struct po_error *dump_read(void *arg, enum po_addrspace as,
				  uint64_t addr, void *buf, size_t len)
{
	struct po_dump *d = arg;
	size_t got = len;
	kdump_status st;

	if (guard_init(d))
		return guarded_read(d, as, addr, buf, len);

	st = kdump_read(d->ctx, as == PO_PADDR ? KDUMP_KPHYSADDR : KDUMP_KVADDR,
			addr, buf, &got);
	if (st == KDUMP_OK)
		return NULL;
	{
		char what[96];
		snprintf(what, sizeof(what), "cannot read %zu bytes at %s %#llx",
			 len, as == PO_PADDR ? "physical" : "virtual",
			 (unsigned long long)(addr + got));
		return kdump_error(d, st, what);
	}
}

static void dump_destroy(void *arg)
{
	po_dump_close(arg);
}

const struct po_memory_ops po_dump_memory_ops = {
	.read = dump_read,
	.destroy = dump_destroy,
};

/* The first len bytes of a file; the number read, or -1. */
static ssize_t read_head(const char *path, uint8_t *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, buf, len, 0);
	close(fd);
	return n;
}

bool po_file_is_dump(const char *path)
{
	uint8_t hdr[64];

	if (read_head(path, hdr, sizeof(hdr)) < 20)
		return false;
	if (memcmp(hdr, "KDUMP   ", 8) == 0 || memcmp(hdr, "DISKDUMP", 8) == 0 ||
	    memcmp(hdr, "makedumpfile", 12) == 0)
		return true;
	/* ELF core file */
	return memcmp(hdr, ELFMAG, SELFMAG) == 0 && po_get_u16(hdr + 16) == ET_CORE;
}

bool po_file_is_elf_vmlinux(const char *path)
{
	uint8_t hdr[20];

	return read_head(path, hdr, sizeof(hdr)) == (ssize_t)sizeof(hdr) &&
	       memcmp(hdr, ELFMAG, SELFMAG) == 0 && po_get_u16(hdr + 16) == ET_EXEC;
}
