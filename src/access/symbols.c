/*
 * The vmlinux ELF symbol table, looked up the way the kernel's kallsyms does
 * for %pS: the nearest symbol at or below an address, and its size taken as
 * the distance to the next symbol at a higher address.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <pthread.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "access/debuginfo.h"
#include "access/file.h"
#include "access/symbols.h"

struct sym {
	uint64_t addr;
	const char *name;
	unsigned rank;  /* kallsyms tie-break: weak last, fewer '_' first */
	unsigned seq;
};

/* FNV-1a of a symbol name. */
static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

struct po_symtab {
	int fd;
	Elf *elf;
	struct sym *syms;
	size_t nr;
	/* by name: the index + 1 in syms[] of the first symbol of each
	 * name in address order (0: an empty slot); nslots a power of 2 */
	uint32_t *by_name;
	size_t nslots;
	char build_id[130];
	char *banner;
	/* reading, sorting and indexing syms[] on another thread
	 * (PO_SYMTAB_SORT_BACKGROUND); everything but the build id waits for
	 * it (the symbol source is used by one thread) */
	pthread_t sorter;
	bool sorting;
};

static void sorted(struct po_symtab *st);

static bool ignored(const char *name, unsigned char type, unsigned char bind,
		    uint16_t shndx)
{
	static const char *const prefixes[] = {
		"$", ".L", "__efistub_", "__kcfi_typeid_", "__kvm_nvhe_",
		"__crc_", "__pi_",
	};
	if (!*name || shndx == SHN_UNDEF || shndx == SHN_ABS)
		return true;
	if (type == STT_SECTION || type == STT_FILE || type == STT_TLS)
		return true;
	if (bind == STB_WEAK && type == STT_NOTYPE)
		return true;
	for (size_t i = 0; i < PO_ARRAY_SIZE(prefixes); i++)
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	if (strstr(name, "Thunk_"))
		return true;
	return false;
}

static int cmp_sym(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void read_build_id(struct po_symtab *st)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(st->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t off = 0, noff, doff;
		GElf_Nhdr nh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		while ((off = gelf_getnote(data, off, &nh, &noff, &doff)) > 0) {
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    memcmp((char *)data->d_buf + noff, "GNU", 4) == 0) {
				const uint8_t *p = (const uint8_t *)data->d_buf + doff;
				size_t n = nh.n_descsz > 64 ? 64 : nh.n_descsz;
				for (size_t i = 0; i < n; i++)
					sprintf(st->build_id + 2 * i, "%02x", p[i]);
				return;
			}
		}
	}
}

/* Read a NUL-terminated string at a link-time address from the file. */
static char *read_file_string(struct po_symtab *st, uint64_t addr)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(st->elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    addr < sh.sh_addr || addr >= sh.sh_addr + sh.sh_size)
			continue;
		size_t max = sh.sh_addr + sh.sh_size - addr;
		char buf[512];
		if (max > sizeof(buf) - 1)
			max = sizeof(buf) - 1;
		ssize_t n = pread(st->fd, buf, max, sh.sh_offset + (addr - sh.sh_addr));
		if (n <= 0)
			return NULL;
		buf[n] = '\0';
		return strdup(buf);
	}
	return NULL;
}

int po_symtab_has_string(struct po_symtab *st, const char *s)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx, len = strlen(s) + 1;	/* with its NUL */
	int found = -1;

	if (!st)
		return -1;
	sorted(st);
	if (elf_getshdrstrndx(st->elf, &shstrndx) != 0)
		return -1;
	while ((scn = elf_nextscn(st->elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *data;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS)
			continue;
		name = elf_strptr(st->elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".rodata") != 0)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf || data->d_size < len)
			continue;
		found = 0;
		/* with its NUL: the end of a string (the linker may have
		 * merged it into the tail of a longer one) */
		if (memmem(data->d_buf, data->d_size, s, len))
			return 1;
	}
	return found;
}

/* syms[] by address, and by_name[] (allocated, zeroed) over them: what
 * lookups need.  A hash index rather than a second sort: strcmp() of
 * 100,000 names n log n times was most of the start-up. */
static void sort_syms(struct po_symtab *st)
{
	size_t mask = st->nslots - 1;

	po_qsort(st->syms, st->nr, sizeof(*st->syms), cmp_sym);
	for (size_t i = 0; i < st->nr; i++) {
		const char *name = st->syms[i].name;
		for (size_t j = name_hash(name) & mask;; j = (j + 1) & mask) {
			if (!st->by_name[j]) {
				st->by_name[j] = (uint32_t)i + 1;
				break;
			}
			if (!strcmp(st->syms[st->by_name[j] - 1].name, name))
				break; /* an earlier one of that name */
		}
	}
}

/* The symbols of the symbol table into syms[] (only counted for
 * PO_SYMTAB_IDENTIFY), and the first linux_banner in address order. */
static struct po_error *collect(struct po_symtab *st, bool identify, struct sym *banner)
{
	Elf_Scn *scn = NULL;
	size_t cap = 0;

	while ((scn = elf_nextscn(st->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		size_t n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
		for (size_t i = 0; i < n; i++) {
			GElf_Sym s;
			const char *name;
			if (!gelf_getsym(data, i, &s))
				continue;
			name = elf_strptr(st->elf, sh.sh_link, s.st_name);
			if (!name || ignored(name, GELF_ST_TYPE(s.st_info),
					     GELF_ST_BIND(s.st_info), s.st_shndx))
				continue;
			unsigned rank = (GELF_ST_BIND(s.st_info) == STB_WEAK) << 8;
			rank |= strspn(name, "_");
			struct sym sym = { s.st_value, name, rank, (unsigned)st->nr };
			if (!strcmp(name, "linux_banner") &&
			    (!banner->name || cmp_sym(&sym, banner) < 0))
				*banner = sym;
			if (identify) {
				st->nr++;
				continue;
			}
			if (st->nr == cap) {
				cap = cap ? cap * 2 : 65536;
				struct sym *p = po_xrealloc_array(st->syms, cap, sizeof(*p));
				if (!p)
					return &po_error_nomem;
				st->syms = p;
			}
			st->syms[st->nr++] = sym;
		}
	}
	return NULL;
}

/* What lookups need, after collect(): the banner's text, syms[] sorted and
 * by_name[]. */
static struct po_error *index_syms(struct po_symtab *st, const struct sym *banner)
{
	if (banner->name)
		st->banner = read_file_string(st, banner->addr);
	for (st->nslots = 1024; st->nslots < st->nr * 2; st->nslots *= 2)
		;
	if (st->nr >= UINT32_MAX ||
	    !(st->by_name = calloc(st->nslots, sizeof(*st->by_name))))
		return &po_error_nomem;
	sort_syms(st);
	return NULL;
}

/* The whole table read, sorted and indexed on another thread: the calling
 * thread goes on to the DWARF and the dump.  An error leaves no symbols
 * (every lookup fails and names the symbol). */
static void *loader(void *arg)
{
	struct po_symtab *st = arg;
	struct sym banner = { 0 };
	struct po_error *err = collect(st, false, &banner);

	if (!err)
		err = index_syms(st, &banner);
	if (err) {
		po_error_destroy(err);
		st->nr = 0;
	}
	return NULL;
}

/* The loader done, before anything else touches st->elf. */
static void sorted(struct po_symtab *st)
{
	if (st->sorting) {
		pthread_join(st->sorter, NULL);
		st->sorting = false;
	}
}

/* Whether the file has a symbol table with a symbol in it. */
static bool has_symtab(struct po_symtab *st)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(st->elf, scn))) {
		GElf_Shdr sh;
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB &&
		    sh.sh_entsize && sh.sh_size / sh.sh_entsize > 1)
			return true;
	}
	return false;
}

struct po_error *po_symtab_open(const char *path, enum po_symtab_how how,
				struct po_symtab **ret)
{
	struct po_symtab *st = calloc(1, sizeof(*st));
	struct po_error *err = NULL;
	GElf_Ehdr eh;
	struct sym banner = { 0 }; /* the first linux_banner in address order */

	if (!st)
		return &po_error_nomem;
	elf_version(EV_CURRENT);
	if ((err = po_file_open(path, &st->fd, NULL))) {
		free(st);
		return err;
	}
	st->elf = elf_begin(st->fd, ELF_C_READ_MMAP, NULL);
	if (!st->elf || elf_kind(st->elf) != ELF_K_ELF || !gelf_getehdr(st->elf, &eh)) {
		err = po_error_create(PO_ERR_FORMAT, "%s: not an ELF file", path);
		goto fail;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		err = po_error_create(PO_ERR_FORMAT,
				      "%s: not a vmlinux (ELF type %u; is it the dump?)",
				      path, eh.e_type);
		goto fail;
	}
	if (!has_symtab(st)) {
		err = po_error_create(PO_ERR_DEBUGINFO,
				      "%s: no symbol table (stripped vmlinux?)", path);
		goto fail;
	}
	read_build_id(st);
	if (how == PO_SYMTAB_SORT_BACKGROUND &&
	    pthread_create(&st->sorter, NULL, loader, st) == 0) {
		st->sorting = true;
		*ret = st;
		return NULL;
	}
	if ((err = collect(st, how == PO_SYMTAB_IDENTIFY, &banner)))
		goto fail;
	if (!st->nr) {
		err = po_error_create(PO_ERR_DEBUGINFO,
				      "%s: no symbol table (stripped vmlinux?)", path);
		goto fail;
	}
	if (how == PO_SYMTAB_IDENTIFY) {
		if (banner.name)
			st->banner = read_file_string(st, banner.addr);
		st->nr = 0; /* no lookups */
		*ret = st;
		return NULL;
	}
	if ((err = index_syms(st, &banner)))
		goto fail;
	*ret = st;
	return NULL;
fail:
	po_symtab_destroy(st);
	return err;
}

struct po_error *po_symtab_load(const char *path, struct po_symtab **ret)
{
	return po_symtab_open(path, PO_SYMTAB_SORT, ret);
}

void po_symtab_destroy(struct po_symtab *st)
{
	if (!st)
		return;
	sorted(st);
	free(st->syms);
	free(st->by_name);
	free(st->banner);
	if (st->elf)
		elf_end(st->elf);
	if (st->fd >= 0)
		close(st->fd);
	free(st);
}

/* The first symbol of that name in address order, as a scan of syms[]
 * would find it: the lowest position among the equal names. */
bool po_symtab_lookup(struct po_symtab *st, const char *name, uint64_t *addr)
{
	size_t mask;

	sorted(st);
	if (!st->nr)
		return false;
	mask = st->nslots - 1;
	for (size_t j = name_hash(name) & mask; st->by_name[j]; j = (j + 1) & mask) {
		const struct sym *sym = &st->syms[st->by_name[j] - 1];
		if (!strcmp(sym->name, name)) {
			*addr = sym->addr;
			return true;
		}
	}
	return false;
}

bool po_symtab_symbolize(struct po_symtab *st, uint64_t addr, const char **name,
			 uint64_t *offset, uint64_t *size)
{
	size_t lo = 0, hi = st->nr;

	sorted(st);
	if (!st->nr || addr < st->syms[0].addr)
		return false;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (st->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	while (lo && st->syms[lo - 1].addr == st->syms[lo].addr)
		lo--;
	size_t i = lo + 1;
	while (i < st->nr && st->syms[i].addr == st->syms[lo].addr)
		i++;
	if (i >= st->nr)
		return false;
	*name = st->syms[lo].name;
	*offset = addr - st->syms[lo].addr;
	*size = st->syms[i].addr - st->syms[lo].addr;
	return true;
}

const char *po_symtab_build_id(struct po_symtab *st)
{
	return st->build_id[0] ? st->build_id : NULL;
}

const char *po_symtab_banner(struct po_symtab *st)
{
	sorted(st);
	return st->banner;
}

static bool st_lookup(void *arg, const char *name, uint64_t *addr)
{
	return po_symtab_lookup(arg, name, addr);
}

static bool st_symbolize(void *arg, uint64_t addr, const char **name,
			 uint64_t *offset, uint64_t *size)
{
	return po_symtab_symbolize(arg, addr, name, offset, size);
}

static int st_has_string(void *arg, const char *s)
{
	return po_symtab_has_string(arg, s);
}

static void st_destroy(void *arg)
{
	po_symtab_destroy(arg);
}

const struct po_symbol_source_ops po_symtab_symbol_source = {
	.link_time = true,
	.lookup = st_lookup,
	.symbolize = st_symbolize,
	.rodata_has_string = st_has_string,
	.destroy = st_destroy,
};
