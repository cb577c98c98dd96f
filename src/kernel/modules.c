/*
 * Kernel modules of the dump, for %pS of stack frames in module text.
 *
 * The kernel prints a module address as "name+0xoff/0xsize [module]"
 * (kernel/kallsyms.c __sprint_symbol() -> module_address_lookup()):
 * __module_address() finds the module whose memory holds the address (a
 * module not yet formed does not count), then find_kallsyms_symbol()
 * (kernel/module/kallsyms.c) scans the module's current kallsyms
 * (mod->kallsyms: after init, the core_kallsyms copy) for the closest symbol
 * at or below the address, and the next one above it:
 *
 *  6.4+ (struct module_memory mem[MOD_MEM_NUM_TYPES]): the region is the
 *    first mem[type] holding the address; candidates are symbols in
 *    [base, addr]; the size runs to the next symbol or the end of the region.
 *  older (struct module_layout core_layout/init_layout): candidates are
 *    symbols above the value of symtab[0]; the size runs to the next symbol or
 *    the end of the text of the layout (init if the address is in init).
 *
 * Skipped symbols: SHN_UNDEF, empty names and mapping symbols ('$...',
 * '.L...', 'L0...' from include/linux/module_symbol.h, taken as 6.4+; 6.1's
 * is_arm_mapping_symbol(): '$[axtd]' alone or before '.', or '.L').  The
 * kernel only looks at text regions without CONFIG_KALLSYMS_ALL; we look at
 * every region, which gives the same answer for stack frames (text).
 * Among equal values the first symbol in table order wins.  Without a symbol
 * the kernel prints a bare 0x... address, and so do we (the caller's default).
 *
 * Everything is read once, lazily, on the first address the vmlinux symbol
 * table cannot resolve; the symbols of each module are sorted so that a
 * lookup is a binary search.  Garbage (a cyclic or broken list, absurd symbol
 * counts, unreadable tables) ends the walk or leaves a module without
 * symbols, noted for `info`, never a crash.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kernel.h"
#include "base/util.h"
#include "kernel/modules.h"
#include "access/debuginfo.h"
#include "access/program.h"

const struct po_type_names po_modules_types = PO_TYPE_NAMES(
	"struct module?", "struct mod_kallsyms?", "struct module_memory?",
	"var modules?", "enumerator MODULE_STATE_UNFORMED?");

#define MAX_MODULES 8192           /* list walk bound */
#define MAX_MODULE_SYMS (1u << 20) /* num_symtab beyond this is garbage */
#define MAX_STRTAB (16u << 20)     /* bytes of a module's strtab we read */
#define KSYM_NAME_LEN 512
#define MAX_REGIONS 16

struct region { uint64_t base, size; };

struct modsym {
	uint64_t value;
	uint32_t name;   /* offset in strtab */
	uint32_t index;  /* position in the kernel's symtab (tie-break) */
};

struct module {
	char *name;
	struct region regions[MAX_REGIONS]; /* mem[type]; old: core, init, data */
	unsigned nr_regions;
	uint64_t core_text_end, init_text_end; /* old layout */
	uint64_t value0;                       /* old layout: symtab[0] value */
	struct modsym *syms;
	size_t nr_syms;
	char *strtab;
	size_t strtab_len;
};

struct po_modules {
	bool loaded;
	bool mem_layout;   /* 6.4+ struct module_memory */
	bool arm_mapping;  /* 6.1-style is_arm_mapping_symbol() */
	struct module *mods;
	size_t nr, cap;
	size_t nr_syms;
};

/* Layout of struct module and friends, from DWARF. */
struct modlayout {
	size_t size, off_list, off_name, name_len, off_state, state_size;
	size_t off_kallsyms;
	int64_t unformed;
	/* 6.4+ */
	size_t off_mem, mem_stride, off_mem_base, off_mem_size, mem_size_size;
	long nr_mem;
	/* older */
	size_t core_base, core_size, core_text, init_base, init_size, init_text,
	       data_base, data_size;
	size_t layout_uint; /* sizeof(unsigned int) members */
	/* struct mod_kallsyms */
	size_t ks_size, ks_symtab, ks_num, ks_num_size, ks_strtab;
};

static bool member(struct po_program *prog, const char *type, const char *path,
		   size_t *off, size_t *size)
{
	struct po_member m;
	if (!po_member(prog, type, path, &m) || m.bit_size)
		return false;
	*off = m.offset;
	if (size)
		*size = m.size;
	return true;
}

static struct po_error *resolve(struct po_program *prog, struct po_modules *ms,
				struct modlayout *l)
{
	const char *mod = "struct module", *ks = "struct mod_kallsyms",
		   *mem = "struct module_memory";
	struct po_member m;
	size_t sz;

	memset(l, 0xff, sizeof(*l));
	if (!(l->size = po_sizeof(prog, mod)))
		return po_error_create(PO_ERR_DEBUGINFO, "no 'struct module' in the types of %s",
				       po_debuginfo_name(prog));
	if (!member(prog, mod, "list", &l->off_list, NULL) ||
	    !member(prog, mod, "name", &l->off_name, &l->name_len) ||
	    !member(prog, mod, "state", &l->off_state, &l->state_size))
		return po_error_create(PO_ERR_UNSUPPORTED,
				       "struct module lacks list, name or state");
	if (!member(prog, mod, "kallsyms", &l->off_kallsyms, &sz) || sz != 8)
		l->off_kallsyms = PO_ABSENT; /* !CONFIG_KALLSYMS */
	if (!po_enum_value(prog, "MODULE_STATE_UNFORMED", &l->unformed))
		l->unformed = 3; /* since 3.9 */
	if (po_member(prog, mod, "mem", &m)) {
		ms->mem_layout = true;
		l->off_mem = m.offset;
		l->nr_mem = m.array_len;
		if (!(l->mem_stride = po_sizeof(prog, mem)) ||
		    !member(prog, mem, "base", &l->off_mem_base, NULL) ||
		    !member(prog, mem, "size", &l->off_mem_size, &l->mem_size_size) ||
		    l->nr_mem <= 0 || l->nr_mem > MAX_REGIONS ||
		    l->off_mem + l->nr_mem * l->mem_stride > l->size)
			return po_error_create(PO_ERR_UNSUPPORTED,
					       "struct module.mem: unknown struct module_memory layout");
	} else if (member(prog, mod, "core_layout.base", &l->core_base, NULL) &&
		   member(prog, mod, "core_layout.size", &l->core_size, &l->layout_uint) &&
		   member(prog, mod, "core_layout.text_size", &l->core_text, NULL) &&
		   member(prog, mod, "init_layout.base", &l->init_base, NULL) &&
		   member(prog, mod, "init_layout.size", &l->init_size, NULL) &&
		   member(prog, mod, "init_layout.text_size", &l->init_text, NULL)) {
		if (!member(prog, mod, "data_layout.base", &l->data_base, NULL) ||
		    !member(prog, mod, "data_layout.size", &l->data_size, NULL))
			l->data_base = l->data_size = PO_ABSENT;
	} else {
		return po_error_create(PO_ERR_UNSUPPORTED,
				       "struct module has neither mem[] nor core_layout");
	}
	if (l->off_kallsyms != PO_ABSENT) {
		if (!(l->ks_size = po_sizeof(prog, ks)) ||
		    !member(prog, ks, "symtab", &l->ks_symtab, NULL) ||
		    !member(prog, ks, "num_symtab", &l->ks_num, &l->ks_num_size) ||
		    !member(prog, ks, "strtab", &l->ks_strtab, NULL))
			return po_error_create(PO_ERR_UNSUPPORTED,
					       "unknown struct mod_kallsyms layout");
	}
	return NULL;
}

/* Read len bytes; pages that are not in the dump read as zeroes. */
static void read_tolerant(struct po_program *prog, uint64_t addr, char *buf,
			  size_t len)
{
	struct po_error *err = po_read(prog, addr, buf, len);
	if (!err)
		return;
	po_error_destroy(err);
	for (size_t off = 0; off < len;) {
		size_t n = 4096 - ((addr + off) & 4095);
		if (n > len - off)
			n = len - off;
		err = po_read(prog, addr + off, buf + off, n);
		if (err) {
			po_error_destroy(err);
			memset(buf + off, 0, n);
		}
		off += n;
	}
}

static bool is_mapping_symbol(const struct po_modules *ms, const char *s)
{
	if (s[0] == '.' && s[1] == 'L')
		return true;
	if (ms->arm_mapping)
		return s[0] == '$' && s[1] && strchr("axtd", s[1]) &&
		       (s[2] == '\0' || s[2] == '.');
	if (s[0] == 'L' && s[1] == '0')
		return true;
	return s[0] == '$';
}

static int cmp_modsym(const void *a, const void *b)
{
	const struct modsym *x = a, *y = b;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Read a module's kallsyms.  A failure leaves it without symbols. */
static struct po_error *read_kallsyms(struct po_program *prog,
				      struct po_modules *ms,
				      const struct modlayout *l, struct module *m,
				      uint64_t kallsyms)
{
	uint8_t ksbuf[64];
	struct po_error *err;

	if (l->ks_size > sizeof(ksbuf))
		return po_error_create(PO_ERR_UNSUPPORTED, "struct mod_kallsyms is %zu bytes",
				       l->ks_size);
	err = po_read(prog, kallsyms, ksbuf, l->ks_size);
	if (err)
		return po_error_prefix(err, "module %s: mod_kallsyms at %#llx", m->name,
				       (unsigned long long)kallsyms);
	uint64_t symtab = po_get_u64(ksbuf + l->ks_symtab);
	uint64_t strtab = po_get_u64(ksbuf + l->ks_strtab);
	uint64_t num = po_get_uint(ksbuf + l->ks_num, l->ks_num_size);
	if (num == 0)
		return NULL;
	if (num > MAX_MODULE_SYMS)
		return po_error_create(PO_ERR_INVALID, "module %s: num_symtab %llu", m->name,
				       (unsigned long long)num);
	Elf64_Sym *syms = malloc(num * sizeof(*syms));
	if (!syms)
		return &po_error_nomem;
	err = po_read(prog, symtab, syms, num * sizeof(*syms));
	if (err) {
		free(syms);
		return po_error_prefix(err, "module %s: %llu symbols at %#llx", m->name,
				       (unsigned long long)num, (unsigned long long)symtab);
	}
	m->value0 = syms[0].st_value;
	uint64_t max_name = 0;
	for (uint64_t i = 1; i < num; i++)
		if (syms[i].st_shndx != SHN_UNDEF && syms[i].st_name > max_name)
			max_name = syms[i].st_name;
	m->strtab_len = max_name + KSYM_NAME_LEN;
	if (m->strtab_len > MAX_STRTAB)
		m->strtab_len = MAX_STRTAB;
	m->strtab = malloc(m->strtab_len);
	m->syms = calloc(num, sizeof(*m->syms));
	if (!m->strtab || !m->syms) {
		free(syms);
		return &po_error_nomem;
	}
	read_tolerant(prog, strtab, m->strtab, m->strtab_len);
	m->strtab[m->strtab_len - 1] = '\0';
	/* ELF starts real symbols at 1. */
	for (uint64_t i = 1; i < num; i++) {
		const Elf64_Sym *s = &syms[i];
		if (s->st_shndx == SHN_UNDEF || s->st_name >= m->strtab_len)
			continue;
		const char *name = m->strtab + s->st_name;
		if (!*name || is_mapping_symbol(ms, name))
			continue;
		m->syms[m->nr_syms++] = (struct modsym){ s->st_value, s->st_name, (uint32_t)i };
	}
	free(syms);
	po_qsort(m->syms, m->nr_syms, sizeof(*m->syms), cmp_modsym);
	ms->nr_syms += m->nr_syms;
	return NULL;
}

static void region(struct module *m, unsigned i, uint64_t base, uint64_t size)
{
	m->regions[i] = (struct region){ base, size };
	if (m->nr_regions <= i)
		m->nr_regions = i + 1;
}

/* Parse one struct module; *skip if the kernel would not look at it. */
static struct po_error *read_module(struct po_program *prog, struct po_modules *ms,
				    const struct modlayout *l, const uint8_t *buf,
				    struct module *m, bool *skip)
{
	char name[256];
	size_t n = l->name_len < sizeof(name) ? l->name_len : sizeof(name) - 1;

	memcpy(name, buf + l->off_name, n);
	name[n] = '\0';
	name[strnlen(name, n)] = '\0';
	*skip = (int64_t)po_get_uint(buf + l->off_state, l->state_size) == l->unformed;
	if (*skip)
		return NULL;
	m->name = po_strdup(name);
	if (!m->name)
		return &po_error_nomem;
	if (ms->mem_layout) {
		for (long t = 0; t < l->nr_mem; t++) {
			const uint8_t *p = buf + l->off_mem + t * l->mem_stride;
			region(m, t, po_get_u64(p + l->off_mem_base),
			       po_get_uint(p + l->off_mem_size, l->mem_size_size));
		}
	} else {
		uint64_t cb = po_get_u64(buf + l->core_base), ib = po_get_u64(buf + l->init_base);
		region(m, 0, cb, po_get_uint(buf + l->core_size, l->layout_uint));
		region(m, 1, ib, po_get_uint(buf + l->init_size, l->layout_uint));
		if (l->data_base != PO_ABSENT)
			region(m, 2, po_get_u64(buf + l->data_base),
			       po_get_uint(buf + l->data_size, l->layout_uint));
		m->core_text_end = cb + po_get_uint(buf + l->core_text, l->layout_uint);
		m->init_text_end = ib + po_get_uint(buf + l->init_text, l->layout_uint);
	}
	if (l->off_kallsyms == PO_ABSENT)
		return NULL;
	uint64_t ks = po_get_u64(buf + l->off_kallsyms);
	if (!ks)
		return NULL;
	return read_kallsyms(prog, ms, l, m, ks);
}

static void module_free(struct module *m)
{
	free(m->name);
	free(m->syms);
	free(m->strtab);
}

static struct po_error *walk(struct po_program *prog, struct po_modules *ms)
{
	struct modlayout l;
	struct po_error *err;
	uint64_t head, next;
	uint64_t *seen = NULL;
	uint8_t *buf = NULL;
	size_t nseen = 0;

	if (!po_symbol_addr(prog, "modules", &head))
		return NULL; /* no module support: no modules */
	err = resolve(prog, ms, &l);
	if (err)
		return err;
	ms->arm_mapping = prog->k->L.kver && prog->k->L.kver < PO_KVER(6, 4);
	err = po_read_u64(prog, head, &next);
	if (err)
		return po_error_prefix(err, "reading the modules list head at %#llx",
				       (unsigned long long)head);
	buf = malloc(l.size);
	seen = calloc(MAX_MODULES, sizeof(*seen));
	if (!buf || !seen) {
		err = &po_error_nomem;
		goto out;
	}
	while (next != head) {
		if (po_interrupted(prog)) {
			err = po_error_create(PO_ERR_INTERRUPTED, "interrupted");
			goto out;
		}
		if (nseen == MAX_MODULES) {
			err = po_error_create(PO_ERR_INVALID,
					      "modules list: more than %d entries (a cycle?)",
					      MAX_MODULES);
			goto out;
		}
		for (size_t i = 0; i < nseen; i++)
			if (seen[i] == next) {
				err = po_error_create(PO_ERR_INVALID,
						      "modules list: entry %#llx seen twice (a cycle)",
						      (unsigned long long)next);
				goto out;
			}
		seen[nseen++] = next;
		if (next & 7) {
			err = po_error_create(PO_ERR_INVALID, "modules list: bad pointer %#llx",
					      (unsigned long long)next);
			goto out;
		}
		uint64_t mod = next - l.off_list;
		err = po_read(prog, mod, buf, l.size);
		if (err) {
			err = po_error_prefix(err, "reading struct module at %#llx",
					      (unsigned long long)mod);
			goto out;
		}
		if (ms->nr == ms->cap) {
			size_t cap = ms->cap ? ms->cap * 2 : 64;
			struct module *p = po_xrealloc_array(ms->mods, cap, sizeof(*p));
			if (!p) {
				err = &po_error_nomem;
				goto out;
			}
			ms->mods = p;
			ms->cap = cap;
		}
		struct module *m = &ms->mods[ms->nr];
		bool skip = false;
		memset(m, 0, sizeof(*m));
		struct po_error *merr = read_module(prog, ms, &l, buf, m, &skip);
		if (merr == &po_error_nomem) {
			module_free(m);
			err = merr;
			goto out;
		}
		if (merr) {
			/* keep the module (its memory is known), without symbols */
			po_note_form(prog, "modules: %s", merr->message);
			po_error_destroy(merr);
			free(m->syms);
			m->syms = NULL;
			m->nr_syms = 0;
		}
		if (skip)
			module_free(m);
		else
			ms->nr++;
		next = po_get_u64(buf + l.off_list);
	}
out:
	free(buf);
	free(seen);
	return err;
}

struct po_error *po_modules_load(struct po_program *prog)
{
	struct po_modules *ms = prog->k->modules;
	struct po_error *err;

	if (ms && ms->loaded)
		return NULL;
	if (!ms) {
		ms = calloc(1, sizeof(*ms));
		if (!ms)
			return &po_error_nomem;
		prog->k->modules = ms;
	}
	ms->loaded = true;
	err = walk(prog, ms);
	if (err && err != &po_error_nomem)
		po_note_form(prog, "modules: %s (%zu modules read)", err->message, ms->nr);
	else if (ms->nr)
		po_note_form(prog, "modules: %zu in the modules list, %zu kallsyms symbols%s",
			     ms->nr, ms->nr_syms,
			     ms->mem_layout ? " (module_memory)" : " (module_layout)");
	return err;
}

size_t po_modules_count(struct po_program *prog)
{
	return prog->k->modules ? prog->k->modules->nr : 0;
}

/* First symbol (in sorted order) whose value is > addr; nr if none. */
static size_t upper_bound(const struct module *m, uint64_t addr)
{
	size_t lo = 0, hi = m->nr_syms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->syms[mid].value <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool within(const struct region *r, uint64_t addr)
{
	return addr - r->base < r->size;
}

/* find_kallsyms_symbol() */
static bool find_symbol(const struct po_modules *ms, const struct module *m,
			uint64_t addr, struct po_frame *f)
{
	uint64_t nextval, bestval;

	if (ms->mem_layout) {
		const struct region *r = NULL;
		for (unsigned t = 0; t < m->nr_regions && !r; t++)
			if (within(&m->regions[t], addr))
				r = &m->regions[t];
		if (!r)
			return false;
		nextval = r->base + r->size;
		bestval = r->base - 1;
	} else {
		nextval = within(&m->regions[1], addr) ? m->init_text_end : m->core_text_end;
		bestval = m->value0;
	}
	size_t i = upper_bound(m, addr);
	if (i < m->nr_syms && m->syms[i].value < nextval)
		nextval = m->syms[i].value;
	if (i == 0 || m->syms[i - 1].value <= bestval)
		return false;
	/* the first symbol in table order with that value */
	size_t best = i - 1;
	while (best > 0 && m->syms[best - 1].value == m->syms[best].value)
		best--;
	bestval = m->syms[best].value;
	f->name = m->strtab + m->syms[best].name;
	f->offset = addr - bestval;
	f->size = nextval - bestval;
	f->module = m->name;
	return true;
}

bool po_module_symbolize(struct po_program *prog, uint64_t addr, struct po_frame *f)
{
	struct po_modules *ms = prog->k->modules;

	if (!ms || !ms->loaded) {
		struct po_error *err = po_modules_load(prog);
		if (err)
			po_error_destroy(err); /* noted for info; partial list kept */
		ms = prog->k->modules;
		if (!ms)
			return false;
	}
	/* __module_address(): the module whose memory holds addr */
	for (size_t i = 0; i < ms->nr; i++) {
		const struct module *m = &ms->mods[i];
		for (unsigned t = 0; t < m->nr_regions; t++)
			if (within(&m->regions[t], addr))
				return find_symbol(ms, m, addr, f);
	}
	return false;
}

void po_modules_destroy(struct po_program *prog)
{
	struct po_modules *ms = prog->k->modules;

	if (!ms)
		return;
	for (size_t i = 0; i < ms->nr; i++)
		module_free(&ms->mods[i]);
	free(ms->mods);
	free(ms);
	prog->k->modules = NULL;
}
