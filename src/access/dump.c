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

#include "base/util.h"
#include "access/dump.h"
#include "access/dump_check.h"
#include "access/file.h"
#include "access/flat.h"
#include "access/vmcoreinfo.h"
#include "access/zfile.h"

/* libkdumpfile's page cache, in pages (see po_dump_open) */
#define KDUMP_CACHE_PAGES 16

/* keeps zstd_dctx.c (libkdumpfile's ZSTD_decompress() calls) in the link */
__attribute__((used)) static const int *const keep_zstd_dctx = &po_zstd_dctx_reuse;

struct po_dump {
	kdump_ctx_t *ctx;
	int fd;
	char *path;
	uint64_t size;
	struct po_dump_header hdr;  /* checked before libkdumpfile saw the file */
	char format[192];
	uint64_t page_size;
	/* reads that never ask libkdumpfile for a page the file lacks (see
	 * guarded_read) */
	kdump_bmp_t *pagemap;
	addrxlat_ctx_t *axctx;
	addrxlat_sys_t *axsys;
	bool guard_tried;
	/* contexts replaced after a failed read (reset_cache) */
	unsigned reopens;
	bool broken;                /* no context to read with any more */
};

static const char *kdump_message(kdump_ctx_t *ctx);
static void po_dump_close(struct po_dump *d);

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
			       kdump_message(d->ctx));
}

const char *po_dump_vmcoreinfo(struct po_dump *d, const char *key)
{
	return po_vmcoreinfo_get(d->hdr.vi, key);
}

/*
 * libkdumpfile 0.5.1 cannot free a context whose open failed: the format's
 * cleanup has already freed its private data, and kdump_free() then calls
 * the format's attribute cleanup on it (a NULL dereference).  Such a context
 * is parked here, still reachable, instead of freed.  dump_check.c refuses
 * the headers known to fail first, so this is for what it does not know.
 */
struct parked {
	kdump_ctx_t *ctx;
	kdump_bmp_t *pagemap;
	addrxlat_ctx_t *axctx;
	addrxlat_sys_t *axsys;
	struct parked *next;
};
static struct parked *parked_ctxs;

static void park(kdump_ctx_t *ctx, kdump_bmp_t *pagemap, addrxlat_ctx_t *axctx,
		 addrxlat_sys_t *axsys)
{
	struct parked *p = malloc(sizeof(*p));
	if (!p)
		return; /* lost: still better than freeing it */
	*p = (struct parked){ ctx, pagemap, axctx, axsys, NULL };
	p->next = __atomic_load_n(&parked_ctxs, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(&parked_ctxs, &p->next, p, false,
					    __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		;
}

/* libkdumpfile's message without its attribute plumbing ("Cannot set
 * file.set.0.fd: "). */
static const char *kdump_message(kdump_ctx_t *ctx)
{
	const char *m = kdump_get_err(ctx);
	const char *p;

	if (!m)
		return "unknown error";
	if (!strncmp(m, "Cannot set file.", 16) && (p = strstr(m, "fd: ")))
		return p + 4;
	return m;
}

/* A libkdumpfile context over d->fd, set up for reading (the headers were
 * checked).  On failure the context is parked, never freed. */
static struct po_error *open_ctx(struct po_dump *d)
{
	struct po_error *err;
	const char *path = d->path;
	kdump_status st;
	kdump_num_t num;

	d->ctx = kdump_new();
	if (!d->ctx) {
		err = &po_error_nomem;
		goto fail;
	}
	/* read(2), never mmap(2): a page of the file that is not there (the
	 * file shrank, or a descriptor points past its end) reads as an error,
	 * not as SIGBUS. */
	st = kdump_set_number_attr(d->ctx, KDUMP_ATTR_FILE_MMAP_POLICY, KDUMP_MMAP_NEVER);
	if (st != KDUMP_OK) {
		err = kdump_error(d, st, "cannot set the file access policy");
		goto fail;
	}
	st = kdump_open_fd(d->ctx, d->fd);
	if (st != KDUMP_OK) {
		err = po_error_create(st == KDUMP_ERR_NOTIMPL ? PO_ERR_FORMAT : PO_ERR_CORRUPT,
				      "%s: not a readable kernel dump: %s", path,
				      kdump_message(d->ctx));
		goto fail;
	}
	/* libkdumpfile looks a page up in its cache entry by entry: with its
	 * default 1024 entries that search was half of `top`'s time on an LZO
	 * dump, where the bulk reads miss anyway and the records we re-read
	 * are cached by pageowner itself.  16 entries hold the page-table
	 * pages a translation walks and the stack pool pages being read;
	 * every report was 6-8% faster than with 64 on the 16 GiB dumps of
	 * bench-scale, none slower.  A library without the attribute keeps
	 * its default. */
	if (kdump_set_number_attr(d->ctx, "cache.size", KDUMP_CACHE_PAGES) != KDUMP_OK)
		kdump_clear_err(d->ctx);
	/* QEMU's kdump files leave the utsname empty but for the machine, and
	 * libkdumpfile 0.5.1 then knows no architecture: no reads at all. */
	const char *arch;
	if (kdump_get_string_attr(d->ctx, KDUMP_ATTR_ARCH_NAME, &arch) != KDUMP_OK) {
		char machine[66] = "";
		uint8_t hdr[8];
		if (d->hdr.kind == PO_DUMPFILE_KDUMP &&
		    pread(d->fd, hdr, 8, 0) == 8 && !memcmp(hdr, "KDUMP   ", 8) &&
		    pread(d->fd, machine, 65, 12 + 4 * 65) == 65)
			machine[65] = '\0';
		for (char *c = machine; *c; c++)
			if (*c < 0x20 || *c > 0x7e)
				machine[0] = '\0';
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
	if (kdump_get_number_attr(d->ctx, KDUMP_ATTR_PAGE_SIZE, &num) == KDUMP_OK)
		d->page_size = num;
	else
		d->page_size = 4096;
	return NULL;
fail:
	if (d->ctx) {
		park(d->ctx, NULL, NULL, NULL);
		d->ctx = NULL;
	}
	return err;
}

struct po_error *po_dump_open(const char *path, struct po_dump **ret)
{
	struct po_error *err;
	struct po_dump *d = calloc(1, sizeof(*d));
	struct po_flat_extents *ext = NULL;
	bool flat = false;

	if (!d)
		return &po_error_nomem;
	d->fd = -1;
	d->path = strdup(path);
	if (!d->path) {
		err = &po_error_nomem;
		goto fail;
	}
	err = po_file_open(path, &d->fd, &d->size);
	if (err)
		goto fail;
	/* compressed whole (vmcore.zst, dump.gz): unpacked first */
	uint8_t magic[8];
	enum po_zform z = PO_Z_NONE;
	if (pread(d->fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
	    (z = po_zfile_detect(magic, sizeof(magic))) != PO_Z_NONE) {
		int nfd;
		err = po_zfile_unpack(d->fd, path, z, &nfd, &d->size);
		if (err)
			goto fail;
		close(d->fd);
		d->fd = nfd;
	}
	if (po_flat_detect(d->fd)) {
		int nfd;
		err = po_flat_rearrange(d->fd, path, &nfd, &ext);
		if (err)
			goto fail;
		close(d->fd);
		d->fd = nfd;
		flat = true;
		struct stat sb;
		if (fstat(d->fd, &sb) < 0) {
			err = po_error_create(PO_ERR_OS, "%s: rearranged flattened dump: %s",
					      path, strerror(errno));
			goto fail;
		}
		d->size = (uint64_t)sb.st_size;
	}
	/* Headers, notes and VMCOREINFO checked before libkdumpfile reads
	 * them (dump_check.c). */
	err = po_dump_check(d->fd, path, d->size, &d->hdr);
	if (err && flat && err->code == PO_ERR_FORMAT) {
		/* the stream said it was a dump: what it holds is corrupt */
		err->code = PO_ERR_CORRUPT;
		err = po_error_prefix(err, "flattened dump (rearranged)");
	}
	uint64_t hs, he;
	if (!err && flat && d->hdr.data_start < d->size &&
	    !po_flat_covered(ext, d->hdr.data_start, d->size, &hs, &he))
		err = po_error_create(PO_ERR_CORRUPT,
				      "%s: corrupt flattened dump: no record wrote bytes %#llx-%#llx of the dump's data (a record is missing)",
				      path, (unsigned long long)hs, (unsigned long long)he);
	po_flat_extents_free(ext);
	ext = NULL;
	if (err)
		goto fail;
	if ((err = open_ctx(d)))
		goto fail;
	snprintf(d->format, sizeof(d->format), "%s%s%s%s", d->hdr.format,
		 flat ? ", flattened" : "", z != PO_Z_NONE ? ", file compressed with " : "",
		 z != PO_Z_NONE ? po_zfile_name(z) : "");
	*ret = d;
	return NULL;
fail:
	po_flat_extents_free(ext);
	po_dump_close(d);
	return err;
}

static void po_dump_close(struct po_dump *d)
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
	po_dump_header_free(&d->hdr);
	free(d->path);
	free(d);
}

const char *po_dump_format(struct po_dump *d) { return d->format; }
uint64_t po_dump_page_size(struct po_dump *d) { return d->page_size; }
uint64_t po_dump_max_paddr(struct po_dump *d) { return d->hdr.max_paddr; }

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
/*
 * The same cache bug has a second door: a page the file has but whose read
 * fails (a corrupt page descriptor: size 0, data that does not decompress)
 * leaves the cache in the state a discarded absent page does, and the next
 * read wrote 4 KiB past a cache buffer (found by fuzzing).  Nothing can
 * repair that cache (reallocating it frees pages libaddrxlat still holds),
 * so after a failed read the context is retired (parked, with its
 * translation objects) and a new one opened over the same file.  A dump
 * that keeps failing gets MAX_REOPENS new contexts, then no more reads.
 * The third door is a page table: a translation that fails for any reason
 * but a page not present, an invalid address or no method read a page
 * table page that was absent or did not decompress, through the same
 * cache, and retires the context too (lzo wrote through NULL at the next
 * read: found by tests/fuzz/mutate-dumps, seed 23, mutant 1177).
 */
#define MAX_REOPENS 16

static void reset_cache(struct po_dump *d)
{
	park(d->ctx, d->pagemap, d->axctx, d->axsys);
	d->ctx = NULL;
	d->pagemap = NULL;
	d->axctx = NULL;
	d->axsys = NULL;
	d->guard_tried = false;
	if (d->reopens++ >= MAX_REOPENS) {
		d->broken = true;
		return;
	}
	struct po_error *err = open_ctx(d);
	if (err) {
		d->broken = true;
		po_error_destroy(err);
	}
}

static struct po_error *broken_error(struct po_dump *d)
{
	return po_error_create(PO_ERR_CORRUPT,
			       "%s: more than %u pages of the dump could not be read (corrupt page data); no more reads",
			       d->path, MAX_REOPENS);
}

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

		addrxlat_status xst;
		if (as != PO_PADDR &&
		    (xst = addrxlat_fulladdr_conv(&fa, ADDRXLAT_KPHYSADDR, d->axctx, d->axsys)) != ADDRXLAT_OK) {
			struct po_error *err = po_error_create(PO_ERR_FAULT,
				"%s: cannot read %zu bytes at virtual %#llx: %s", d->path, len,
				(unsigned long long)addr, addrxlat_ctx_get_err(d->axctx));
			addrxlat_ctx_clear_err(d->axctx);
			/* a page table the walk could not read (absent, or its
			 * data does not decompress) went through libkdumpfile's
			 * cache: the third door below */
			if (xst != ADDRXLAT_ERR_NOTPRESENT && xst != ADDRXLAT_ERR_INVALID &&
			    xst != ADDRXLAT_ERR_NOMETH)
				reset_cache(d);
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
			struct po_error *err;
			char what[96];
			snprintf(what, sizeof(what), "cannot read %zu bytes at %s %#llx",
				 len, as == PO_PADDR ? "physical" : "virtual",
				 (unsigned long long)addr);
			err = kdump_error(d, st != KDUMP_OK ? st : KDUMP_ERR_NODATA, what);
			reset_cache(d);
			return err;
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

	if (d->broken)
		return broken_error(d);
	if (guard_init(d))
		return guarded_read(d, as, addr, buf, len);

	st = kdump_read(d->ctx, as == PO_PADDR ? KDUMP_KPHYSADDR : KDUMP_KVADDR,
			addr, buf, &got);
	if (st == KDUMP_OK)
		return NULL;
	{
		char what[96];
		struct po_error *err;
		snprintf(what, sizeof(what), "cannot read %zu bytes at %s %#llx",
			 len, as == PO_PADDR ? "physical" : "virtual",
			 (unsigned long long)(addr + got));
		err = kdump_error(d, st, what);
		reset_cache(d);
		return err;
	}
}

static void dump_destroy(void *arg)
{
	po_dump_close(arg);
}

/* A second reader of the same dump for another thread: its own file
 * description (the file may be an unlinked rearranged flattened dump, so
 * through /proc/self/fd) and its own libkdumpfile context, which is not
 * thread-safe.  The headers were checked when the dump was opened. */
static struct po_error *dump_clone(void *arg, void **ret)
{
	struct po_dump *d = arg, *c = calloc(1, sizeof(*c));
	struct po_error *err;
	char proc[64];

	if (!c)
		return &po_error_nomem;
	c->fd = -1;
	c->path = strdup(d->path);
	if (!c->path) {
		err = &po_error_nomem;
		goto fail;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", d->fd);
	c->fd = open(proc, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0)
		c->fd = dup(d->fd);
	if (c->fd < 0) {
		err = po_error_create(PO_ERR_OS, "%s: cannot open a second reader: %s",
				      d->path, strerror(errno));
		goto fail;
	}
	c->size = d->size;
	c->hdr.kind = d->hdr.kind;
	c->hdr.max_paddr = d->hdr.max_paddr;
	memcpy(c->format, d->format, sizeof(c->format));
	if ((err = open_ctx(c)))
		goto fail;
	*ret = c;
	return NULL;
fail:
	po_dump_close(c);
	return err;
}

const struct po_memory_ops po_dump_memory_ops = {
	.read = dump_read,
	.destroy = dump_destroy,
	.clone = dump_clone,
};

/* The first len bytes of a regular file; the number read, or -1. */
static ssize_t read_head(const char *path, uint8_t *buf, size_t len)
{
	struct po_error *err;
	ssize_t n;
	int fd;

	if ((err = po_file_open(path, &fd, NULL))) {
		po_error_destroy(err);
		return -1;
	}
	n = pread(fd, buf, len, 0);
	close(fd);
	return n;
}

bool po_file_is_dump(const char *path)
{
	uint8_t hdr[64];
	ssize_t n = read_head(path, hdr, sizeof(hdr));
	enum po_zform z;

	if (n >= 8 && (z = po_zfile_detect(hdr, (size_t)n)) != PO_Z_NONE) {
		/* compressed whole: what is inside */
		struct po_error *err;
		size_t got = 0;
		int fd;
		if ((err = po_file_open(path, &fd, NULL))) {
			po_error_destroy(err);
			return false;
		}
		err = po_zfile_head(fd, path, z, hdr, sizeof(hdr), &got);
		close(fd);
		po_error_destroy(err);
		n = (ssize_t)got;
	}
	if (n < 20)
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
