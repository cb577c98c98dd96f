/*
 * What a dump file's headers must hold before libkdumpfile parses them.
 *
 * libkdumpfile 0.5.1 trusts its input: a kdump-compressed or ELF file cut
 * inside its headers, or with a corrupt version, bitmap size or note size,
 * ends in a NULL dereference (kdump_free() after a failed open), a SIGBUS
 * (its mmap()ed reads past the end of the file), a 1 GB allocation (a huge
 * note size) or a SIGFPE (VMCOREINFO PAGESIZE=0).  So every field it uses to
 * size a read, an allocation or a loop is checked here first, with the same
 * arithmetic, and a file that fails is refused with the field, its value and
 * the range allowed.  The VMCOREINFO text is taken from the file here too.
 */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "access/dump_check.h"
#include "access/file.h"
#include "access/vmcoreinfo.h"

/* Limits that are far above any real dump, and far below what would hurt. */
#define MAX_NOTES_SIZE (64ULL << 20)   /* all notes of 8192 CPUs are ~4 MB */
#define MIN_BLOCK_SIZE 4096u           /* libkdumpfile's MIN/MAX_PAGE_SIZE */
#define MAX_BLOCK_SIZE 262144u
#define MAX_PFNS (1ULL << 45)          /* 57 physical address bits, 4 KiB pages */

static struct po_error *corrupt(const char *path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static struct po_error *corrupt(const char *path, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	struct po_error *err;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return &po_error_nomem;
	err = po_error_create(PO_ERR_CORRUPT, "%s: %s", path, msg);
	free(msg);
	return err;
}

static struct po_error *truncated(const char *path, uint64_t size, const char *what,
				  uint64_t off, uint64_t len)
{
	return po_error_create(PO_ERR_CORRUPT,
			       "%s: dump is truncated: %s (%llu bytes at offset %llu) ends past the end of the file (%llu bytes)",
			       path, what, (unsigned long long)len, (unsigned long long)off,
			       (unsigned long long)size);
}

/* [off, off+len) inside a file of `size` bytes, without overflow. */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/*
 * The notes of an ELF PT_NOTE segment or a kdump note area: each header and
 * its name and descriptor inside the area (as libkdumpfile's do_notes()
 * walks them); the VMCOREINFO note's text copied out.
 */
static struct po_error *scan_notes(const uint8_t *buf, size_t size, const char *path,
				   uint64_t file_off, struct po_dump_header *h)
{
	size_t pos = 0;

	while (size - pos >= 12) {
		uint32_t namesz = po_get_u32(buf + pos), descsz = po_get_u32(buf + pos + 4);
		uint64_t name_end = (uint64_t)pos + 12 + (((uint64_t)namesz + 3) & ~3ULL);
		uint64_t desc_end = name_end + descsz;

		if (!namesz && !descsz && !po_get_u32(buf + pos + 8))
			break; /* zero padding after the last note */
		if (desc_end > size)
			return corrupt(path, "corrupt note at file offset %llu: name size %u and descriptor size %u run past the end of the %zu-byte note area",
				       (unsigned long long)(file_off + pos), namesz, descsz, size);
		if (namesz == 11 && !memcmp(buf + pos + 12, "VMCOREINFO", 11) && !h->vmcoreinfo) {
			h->vmcoreinfo = malloc(descsz + 1);
			if (!h->vmcoreinfo)
				return &po_error_nomem;
			memcpy(h->vmcoreinfo, buf + name_end, descsz);
			h->vmcoreinfo[descsz] = '\0';
			h->vmcoreinfo_len = descsz;
		}
		desc_end = (desc_end + 3) & ~3ULL;
		if (desc_end >= size)
			break;
		pos = (size_t)desc_end;
	}
	return NULL;
}

static struct po_error *read_notes(int fd, const char *path, uint64_t size, uint64_t off,
				   uint64_t len, const char *what, struct po_dump_header *h)
{
	struct po_error *err;
	uint8_t *buf;

	if (len > MAX_NOTES_SIZE)
		return corrupt(path, "%s size %llu is out of the range a dump has [0, %llu]",
			       what, (unsigned long long)len, MAX_NOTES_SIZE);
	if (!in_file(off, len, size))
		return truncated(path, size, what, off, len);
	buf = malloc(len ? len : 1);
	if (!buf)
		return &po_error_nomem;
	err = po_file_pread(fd, buf, len, off, path, NULL);
	if (!err)
		err = scan_notes(buf, len, path, off, h);
	free(buf);
	return err;
}

static struct po_error *check_elf(int fd, const char *path, uint64_t size,
				  const uint8_t *head, struct po_dump_header *h)
{
	Elf64_Ehdr eh;
	struct po_error *err;
	uint64_t phnum, shnum;

	h->kind = PO_DUMPFILE_ELF;
	if (size < sizeof(eh))
		return truncated(path, size, "the ELF header", 0, sizeof(eh));
	memcpy(&eh, head, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return po_error_create(PO_ERR_FORMAT,
				       "%s: not a dump pageowner reads: ELF class %u, data encoding %u (a 64-bit little-endian core file is expected)",
				       path, eh.e_ident[EI_CLASS], eh.e_ident[EI_DATA]);
	if (eh.e_type != ET_CORE)
		return po_error_create(PO_ERR_FORMAT,
				       "%s: not a kernel dump: ELF type %u%s (a core file, type 4, is expected)",
				       path, eh.e_type, eh.e_type == ET_EXEC ? " is an executable (a vmlinux?)" : "");
	if (eh.e_phentsize != sizeof(Elf64_Phdr))
		return corrupt(path, "corrupt ELF header: e_phentsize %u, must be %zu",
			       eh.e_phentsize, sizeof(Elf64_Phdr));
	phnum = eh.e_phnum;
	shnum = eh.e_shnum;
	if (eh.e_shoff) {
		Elf64_Shdr sh0;
		if (eh.e_shentsize != sizeof(Elf64_Shdr))
			return corrupt(path, "corrupt ELF header: e_shentsize %u, must be %zu",
				       eh.e_shentsize, sizeof(Elf64_Shdr));
		if (!in_file(eh.e_shoff, sizeof(sh0), size))
			return truncated(path, size, "ELF section header 0", eh.e_shoff, sizeof(sh0));
		if ((err = po_file_pread(fd, &sh0, sizeof(sh0), eh.e_shoff, path, NULL)))
			return err;
		if (shnum == 0)
			shnum = sh0.sh_size;
		if (phnum == PN_XNUM)
			phnum = sh0.sh_info;
		if (shnum > 65535 || !in_file(eh.e_shoff, shnum * sizeof(Elf64_Shdr), size))
			return corrupt(path, "corrupt ELF header: %llu section headers at offset %llu do not fit in the file (%llu bytes)",
				       (unsigned long long)shnum, (unsigned long long)eh.e_shoff,
				       (unsigned long long)size);
		for (uint64_t i = 0; i < shnum; i++) {
			Elf64_Shdr sh;
			if ((err = po_file_pread(fd, &sh, sizeof(sh), eh.e_shoff + i * sizeof(sh),
						 path, NULL)))
				return err;
			if (i && sh.sh_type != SHT_NOBITS && sh.sh_type != SHT_NULL &&
			    !in_file(sh.sh_offset, sh.sh_size, size))
				return truncated(path, size, "an ELF section", sh.sh_offset, sh.sh_size);
		}
		if (eh.e_shstrndx != SHN_UNDEF && eh.e_shstrndx >= shnum && eh.e_shstrndx != SHN_XINDEX)
			return corrupt(path, "corrupt ELF header: e_shstrndx %u, the file has %llu sections",
				       eh.e_shstrndx, (unsigned long long)shnum);
	} else if (phnum == PN_XNUM) {
		return corrupt(path, "corrupt ELF header: e_phnum is PN_XNUM but there is no section header 0");
	} else if (shnum || eh.e_shstrndx) {
		/* libkdumpfile reads e_shnum section headers from e_shoff all the same */
		return corrupt(path, "corrupt ELF header: e_shnum %llu and e_shstrndx %u without section headers (e_shoff 0)",
			       (unsigned long long)shnum, eh.e_shstrndx);
	}
	if (phnum == 0)
		return corrupt(path, "corrupt ELF header: no program headers (a dump has its memory in PT_LOAD segments)");
	if (phnum > (1u << 20) || !in_file(eh.e_phoff, phnum * sizeof(Elf64_Phdr), size))
		return truncated(path, size, "the ELF program header table", eh.e_phoff,
				 phnum * sizeof(Elf64_Phdr));
	bool any_load = false;
	h->data_start = UINT64_MAX;
	for (uint64_t i = 0; i < phnum; i++) {
		Elf64_Phdr ph;
		if ((err = po_file_pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph), path, NULL)))
			return err;
		if (ph.p_type == PT_NOTE) {
			char what[48];
			snprintf(what, sizeof(what), "PT_NOTE segment %llu", (unsigned long long)i);
			if ((err = read_notes(fd, path, size, ph.p_offset, ph.p_filesz, what, h)))
				return err;
		} else if (ph.p_type == PT_LOAD) {
			any_load = true;
			if (ph.p_filesz && ph.p_offset < h->data_start)
				h->data_start = ph.p_offset;
			if (ph.p_paddr + ph.p_memsz > h->max_paddr)
				h->max_paddr = ph.p_paddr + ph.p_memsz;
			if (!in_file(ph.p_offset, ph.p_filesz, size))
				return po_error_create(PO_ERR_CORRUPT,
						       "%s: dump is truncated: PT_LOAD %llu (physical %#llx) ends at file offset %#llx, the file has %#llx bytes",
						       path, (unsigned long long)i,
						       (unsigned long long)ph.p_paddr,
						       (unsigned long long)(ph.p_offset + ph.p_filesz),
						       (unsigned long long)size);
			if (ph.p_paddr + ph.p_memsz < ph.p_paddr || ph.p_vaddr + ph.p_memsz < ph.p_vaddr)
				return corrupt(path, "corrupt PT_LOAD %llu: address %#llx + size %#llx wraps around",
					       (unsigned long long)i, (unsigned long long)ph.p_paddr,
					       (unsigned long long)ph.p_memsz);
		}
	}
	if (!any_load)
		return corrupt(path, "corrupt ELF dump: no PT_LOAD segment, so no memory");
	snprintf(h->format, sizeof(h->format), "ELF");
	return NULL;
}

/* The 64-bit disk_dump_header (makedumpfile's diskdump_mgmt.h). */
enum {
	KH_VERSION = 8, KH_TV_USEC = 416, KH_STATUS = 424, KH_BLOCK_SIZE = 428,
	KH_SUB_HDR_SIZE = 432, KH_BITMAP_BLOCKS = 436, KH_MAX_MAPNR = 440,
	KH_SIZE = 464,
	/* where a 32-bit header keeps the same fields */
	KH32_BLOCK_SIZE = 416, KH32_BITMAP_BLOCKS = 424, KH32_MAX_MAPNR = 428,
	/* struct kdump_sub_header (64-bit) */
	KS_DUMP_LEVEL = 8, KS_SPLIT = 12, KS_START_PFN = 16, KS_END_PFN = 24,
	KS_OFF_VMCOREINFO = 32, KS_SIZE_VMCOREINFO = 40, KS_OFF_NOTE = 48,
	KS_SIZE_NOTE = 56, KS_START_PFN_64 = 80, KS_END_PFN_64 = 88,
	KS_MAX_MAPNR_64 = 96, KS_SIZE = 104,
};

static uint32_t bswap32(uint32_t v) { return __builtin_bswap32(v); }

/* libkdumpfile's try_header(): would these fields pass? */
static bool header_fields_pass(uint32_t bs, uint32_t bitmap_blocks, uint32_t max_mapnr)
{
	return (int32_t)bs >= (int32_t)MIN_BLOCK_SIZE && bs <= MAX_BLOCK_SIZE &&
	       !(bs & (bs - 1)) && 8ULL * bitmap_blocks * bs >= max_mapnr;
}

static struct po_error *check_kdump(int fd, const char *path, uint64_t size,
				    const uint8_t *hdr, struct po_dump_header *h)
{
	struct po_error *err;
	int32_t version = (int32_t)po_get_u32(hdr + KH_VERSION);
	uint32_t status = po_get_u32(hdr + KH_STATUS);
	uint32_t bs = po_get_u32(hdr + KH_BLOCK_SIZE);
	int32_t sub_hdr_size = (int32_t)po_get_u32(hdr + KH_SUB_HDR_SIZE);
	uint32_t bitmap_blocks = po_get_u32(hdr + KH_BITMAP_BLOCKS);
	uint64_t max_mapnr = po_get_u32(hdr + KH_MAX_MAPNR);

	h->kind = PO_DUMPFILE_KDUMP;
	/* libkdumpfile tries the 32-bit layout first, both byte orders: a
	 * header that passes there would be read as a 32-bit kernel's. */
	uint32_t b32 = po_get_u32(hdr + KH32_BLOCK_SIZE), m32 = po_get_u32(hdr + KH32_BITMAP_BLOCKS),
		 x32 = po_get_u32(hdr + KH32_MAX_MAPNR);
	if (header_fields_pass(b32, m32, x32) ||
	    header_fields_pass(bswap32(b32), bswap32(m32), bswap32(x32))) {
		if (header_fields_pass(bs, bitmap_blocks, (uint32_t)max_mapnr))
			return po_error_create(PO_ERR_FORMAT,
					       "%s: ambiguous kdump header: libkdumpfile would read it as a 32-bit kernel's (the %u at offset %u, timestamp microseconds in a 64-bit header, passes for a block size)",
					       path, b32, KH32_BLOCK_SIZE);
		return po_error_create(PO_ERR_FORMAT,
				       "%s: 32-bit kdump header (block_size %u at offset %u): pageowner reads 64-bit little-endian dumps",
				       path, b32, KH32_BLOCK_SIZE);
	}
	if (!header_fields_pass(bs, bitmap_blocks, (uint32_t)max_mapnr) &&
	    header_fields_pass(bswap32(bs), bswap32(bitmap_blocks), bswap32((uint32_t)max_mapnr)))
		return po_error_create(PO_ERR_FORMAT,
				       "%s: big-endian kdump header: pageowner reads 64-bit little-endian dumps",
				       path);
	if ((int32_t)bs < (int32_t)MIN_BLOCK_SIZE || bs > MAX_BLOCK_SIZE || (bs & (bs - 1)))
		return corrupt(path, "corrupt kdump header: block_size %d is not a power of two in [%u, %u]",
			       (int32_t)bs, MIN_BLOCK_SIZE, MAX_BLOCK_SIZE);
	if (version < 1 || version > 16)
		return corrupt(path, "corrupt kdump header: header_version %d is out of the range makedumpfile writes [1, 16]",
			       version);
	if (sub_hdr_size < 0)
		return corrupt(path, "corrupt kdump header: sub_hdr_size %d blocks is negative",
			       sub_hdr_size);
	if ((1 + (uint64_t)sub_hdr_size) * bs > size)
		return truncated(path, size, "the kdump sub-header (sub_hdr_size blocks)", bs,
				 (uint64_t)sub_hdr_size * bs);
	if (bitmap_blocks == 0 || 8ULL * bitmap_blocks * bs < max_mapnr)
		return corrupt(path, "corrupt kdump header: bitmap_blocks %u of %u bytes cannot cover max_mapnr %llu PFNs",
			       bitmap_blocks, bs, (unsigned long long)max_mapnr);
	uint64_t bm_start = (1 + (uint64_t)sub_hdr_size) * bs;
	uint64_t bm_len = (uint64_t)bitmap_blocks * bs;
	if (!in_file(bm_start, bm_len, size))
		return truncated(path, size, "the page bitmaps", bm_start, bm_len);

	/* The sub-header: where the notes or the VMCOREINFO are. */
	uint8_t sub[KS_SIZE];
	if (!in_file(bs, KS_SIZE, size))
		return truncated(path, size, "the kdump sub-header", bs, KS_SIZE);
	if ((err = po_file_pread(fd, sub, sizeof(sub), bs, path, NULL)))
		return err;
	h->dump_level = (int32_t)po_get_u32(sub + KS_DUMP_LEVEL);
	if (version >= 6) {
		max_mapnr = po_get_u64(sub + KS_MAX_MAPNR_64);
		if (max_mapnr > MAX_PFNS)
			return corrupt(path, "corrupt kdump sub-header: max_mapnr_64 %llu is out of the range of PFNs [0, %llu]",
				       (unsigned long long)max_mapnr, MAX_PFNS);
	}
	if (po_get_u32(sub + KS_SPLIT)) {
		uint64_t s = po_get_u64(sub + (version >= 6 ? KS_START_PFN_64 : KS_START_PFN));
		uint64_t e = po_get_u64(sub + (version >= 6 ? KS_END_PFN_64 : KS_END_PFN));
		if (s > e || e > MAX_PFNS)
			return corrupt(path, "corrupt kdump sub-header: split dump PFN range [%llu, %llu) is not a range of PFNs",
				       (unsigned long long)s, (unsigned long long)e);
	}
	if (version >= 4) {
		uint64_t off = po_get_u64(sub + KS_OFF_NOTE), len = po_get_u64(sub + KS_SIZE_NOTE);
		if (len && (err = read_notes(fd, path, size, off, len, "the kdump note area", h)))
			return err;
	} else if (version >= 3) {
		uint64_t off = po_get_u64(sub + KS_OFF_VMCOREINFO), len = po_get_u64(sub + KS_SIZE_VMCOREINFO);
		if (len > MAX_NOTES_SIZE)
			return corrupt(path, "corrupt kdump sub-header: size_vmcoreinfo %llu is out of the range a dump has [0, %llu]",
				       (unsigned long long)len, MAX_NOTES_SIZE);
		if (!in_file(off, len, size))
			return truncated(path, size, "the VMCOREINFO", off, len);
		if (!(h->vmcoreinfo = malloc(len + 1)))
			return &po_error_nomem;
		if ((err = po_file_pread(fd, h->vmcoreinfo, len, off, path, NULL)))
			return err;
		h->vmcoreinfo[len] = '\0';
		h->vmcoreinfo_len = len;
	}
	h->block_size = bs;
	h->status = status;
	h->bitmap_off = bm_start;
	h->data_start = bm_start;
	h->max_paddr = max_mapnr * bs;
	h->bitmap_len = bm_len;
	h->descs_off = bm_start + bm_len;

	const char *comp = "uncompressed";
	if (status & 0x1) comp = "zlib";
	else if (status & 0x2) comp = "lzo";
	else if (status & 0x4) comp = "snappy";
	else if (status & 0x20) comp = "zstd";
	if (h->dump_level >= 0 && h->dump_level <= 31)
		snprintf(h->format, sizeof(h->format), "kdump-compressed (%s, dump level %d)%s",
			 comp, h->dump_level, (status & 0x8) ? ", INCOMPLETE" : "");
	else
		snprintf(h->format, sizeof(h->format), "kdump-compressed (%s)%s", comp,
			 (status & 0x8) ? ", INCOMPLETE" : "");
	return NULL;
}

/*
 * A kdump file is read through its page descriptors, one per page the second
 * bitmap marks as dumped; a file shorter than its descriptor table, or whose
 * last page lies past its end, is truncated.
 */
static struct po_error *check_kdump_pages(int fd, const char *path, uint64_t size,
					  const struct po_dump_header *h)
{
	uint64_t half = h->bitmap_len / 2, nbits = 0;
	struct po_error *err;
	uint8_t *bm;

	bm = malloc(half ? half : 1);
	if (!bm)
		return &po_error_nomem;
	err = po_file_pread(fd, bm, half, h->bitmap_off + half, path, NULL);
	for (uint64_t i = 0; !err && i < half; i++)
		nbits += (uint64_t)__builtin_popcount(bm[i]);
	free(bm);
	if (err)
		return err;
	if (!in_file(h->descs_off, nbits * 24, size))
		return truncated(path, size, "the page descriptor table", h->descs_off, nbits * 24);
	if (!nbits)
		return NULL;
	/* Page data follow the PFN order, but zero pages share one block at
	 * the start: look at the end of the descriptor table, not one entry. */
	uint64_t n = nbits < 65536 ? nbits : 65536;
	uint8_t *pd = malloc(n * 24);
	if (!pd)
		return &po_error_nomem;
	err = po_file_pread(fd, pd, n * 24, h->descs_off + (nbits - n) * 24, path, NULL);
	uint64_t end = 0;
	for (uint64_t i = 0; !err && i < n; i++) {
		uint64_t e = po_get_u64(pd + i * 24) + po_get_u32(pd + i * 24 + 8);
		if (e > end)
			end = e;
	}
	free(pd);
	if (err)
		return err;
	if (end > size)
		return po_error_create(PO_ERR_CORRUPT,
				       "%s: dump is truncated: its page data ends at offset %llu, past the end of the file (%llu bytes)",
				       path, (unsigned long long)end, (unsigned long long)size);
	return NULL;
}

struct po_error *po_dump_check(int fd, const char *path, uint64_t size,
			       struct po_dump_header *h)
{
	uint8_t hdr[KH_SIZE];
	size_t got;
	struct po_error *err;

	memset(h, 0, sizeof(*h));
	if ((err = po_file_pread(fd, hdr, sizeof(hdr), 0, path, &got)))
		return err;
	if (got >= SELFMAG && !memcmp(hdr, ELFMAG, SELFMAG)) {
		err = check_elf(fd, path, size, hdr, h);
	} else if (got >= 8 && (!memcmp(hdr, "KDUMP   ", 8) || !memcmp(hdr, "DISKDUMP", 8))) {
		if (got < KH_SIZE)
			return truncated(path, size, "the kdump header", 0, KH_SIZE);
		err = check_kdump(fd, path, size, hdr, h);
		if (!err)
			err = check_kdump_pages(fd, path, size, h);
	} else {
		return po_error_create(PO_ERR_FORMAT,
				       "%s: not a kernel dump (neither an ELF core file nor kdump-compressed: it starts with %02x %02x %02x %02x)",
				       path, got > 0 ? hdr[0] : 0, got > 1 ? hdr[1] : 0,
				       got > 2 ? hdr[2] : 0, got > 3 ? hdr[3] : 0);
	}
	if (!err && !h->vmcoreinfo)
		err = po_error_create(PO_ERR_FORMAT,
				      "%s: the dump has no VMCOREINFO (was it made with a vmcoreinfo-aware tool, e.g. QEMU's -device vmcoreinfo?)",
				      path);
	if (!err)
		err = po_vmcoreinfo_parse(h->vmcoreinfo, h->vmcoreinfo_len, path, &h->vi);
	if (!err && h->kind == PO_DUMPFILE_KDUMP) {
		const char *ps = po_vmcoreinfo_get(h->vi, "PAGESIZE");
		if (ps && strtoull(ps, NULL, 10) != h->block_size)
			err = corrupt(path, "corrupt dump: VMCOREINFO PAGESIZE=%s, the kdump header's block_size is %u",
				      ps, h->block_size);
	}
	if (err)
		po_dump_header_free(h);
	return err;
}

void po_dump_header_free(struct po_dump_header *h)
{
	free(h->vmcoreinfo);
	po_vmcoreinfo_free(h->vi);
	h->vmcoreinfo = NULL;
	h->vi = NULL;
}
