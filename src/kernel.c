/*
 * The kernel model: opens the dump and the vmlinux, checks that they belong
 * together, and resolves every layout page_owner decoding needs from DWARF
 * and VMCOREINFO (sparsemem, struct page, page_ext, struct page_owner,
 * orders and pageblocks, output format of the dump's kernel version).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "modules.h"
#include "reports.h"

/* Every DWARF name the model asks for ('?' = may be absent). */
static const char *const dwarf_names[] = {
	"struct page", "struct page_ext", "struct page_owner",
	"struct page_ext_operations", "struct mem_section",
	"struct mem_section_usage?", "struct zone", "typedef memdesc_flags_t?",
	"struct static_key", "struct trace_print_flags",
	"enumerator PAGE_EXT_OWNER", "enumerator PAGE_EXT_OWNER_ALLOCATED?",
	"enumerator PAGE_EXT_OWNER_ACTIVE?",
	"enumerator SECTION_MARKED_PRESENT_BIT?", "enumerator SECTION_HAS_MEM_MAP_BIT?",
	"enumerator SECTION_IS_EARLY_BIT?", "enumerator SECTION_MAP_LAST_BIT?",
	"enumerator PGTY_buddy?", "enumerator __NR_PAGEFLAGS",
	"enumerator __MAX_NR_ZONES", "enumerator NR_PAGEBLOCK_BITS?",
	"enumerator __NR_PAGEBLOCK_BITS?", "enumerator PB_migrate_isolate?",
	"enumerator PB_migratetype_bits?", "enumerator MR_NEVER?", "enumerator MR_TYPES?",
	"enumerator MIGRATE_TYPES?",
	"var page_ext_size?", "var extra_mem?", "var page_owner_ops",
	"var page_owner_inited", "var mem_section", "var min_low_pfn?", "var max_pfn?",
	"var node_data?", "var __per_cpu_offset?", "var gfpflag_names?",
	"var pageflag_names?", "var migratetype_names?", "var migrate_reason_names?",
	"var hstates?", "var transparent_hugepage_flags?",
	"struct page_flags_fields?", "var pff?", "struct printf_spec?",
	"var default_flag_spec?", "struct folio?",
	"struct page_owner_filter_state?", "struct stack_print_ctx?",
	/* stackdepot */
	"union handle_parts?", "struct stack_record?", "var stack_pools?",
	"var stack_slabs?", "var pools_num?", "var depot_index?",
	"struct stack?", "var stack_list?",
	/* memcg / cgroup */
	"struct mem_cgroup?", "struct obj_cgroup?", "struct cgroup_subsys_state?",
	"struct cgroup?", "struct kernfs_node?", "struct mem_cgroup_per_node?",
	"struct cgroup_root?", "var root_mem_cgroup?", "var cgrp_dfl_root?",
	"var memory_cgrp_subsys?", "enumerator CSS_ONLINE?", "enumerator CSS_DYING?",
	"enumerator MEMCG_DATA_OBJCGS?", "enumerator MEMCG_DATA_OBJEXTS?",
	"enumerator MEMCG_DATA_KMEM?", "enumerator __NR_MEMCG_DATA_FLAGS?",
	"struct css_set?", "struct task_struct?", "var init_task?",
	"enumerator PG_head?", "enumerator PG_lru?", "enumerator PG_swapbacked?",
	"enumerator PG_slab?", "enumerator PG_reserved?", "enumerator PG_anon?",
	"struct address_space?", "struct pglist_data?",
	/* kernel log, panic */
	"struct printk_ringbuffer?", "struct prb_desc_ring?", "struct prb_data_ring?",
	"struct prb_desc?", "struct printk_info?", "struct prb_data_blk_lpos?",
	"var prb?", "struct list_head",
	/* nid filter */
	"var node_states?", "enumerator N_MEMORY?", "typedef nodemask_t?",
	/* memcg report (report_memcg.c, cgroup.c) */
	"struct slab?", "struct kmem_cache?", "struct slabobj_ext?",
	"struct percpu_ref?", "struct percpu_ref_data?", "struct cgroup_subsys?",
	"var nr_node_ids?", "var nr_cpu_ids?", "enumerator PG_locked?",
	/* top report (report_top.c) */
	"enumerator NR_FREE_PAGES?", "var _totalram_pages?", "var vm_zone_stat?",
	/* module symbols (modules.c) */
	"struct module?", "struct mod_kallsyms?", "struct module_memory?",
	"struct module_layout?", "var modules?", "enumerator MODULE_STATE_UNFORMED?",
};

/* Values read through a custom backend's reader, kept (NULL too) so that
 * the strings live as long as the program. */
struct po_vmci_cache {
	char *key, *value;
	struct po_vmci_cache *next;
};

struct po_error *po_program_create(struct po_program **ret)
{
	struct po_program *prog = calloc(1, sizeof(*prog));
	if (!prog)
		return &po_error_nomem;
	*ret = prog;
	return NULL;
}

void po_program_destroy(struct po_program *prog)
{
	if (!prog)
		return;
	po_stackdepot_destroy(prog);
	po_memcg_destroy(prog);
	po_modules_destroy(prog);
	po_names_free(&prog->names);
	for (struct po_vmci_cache *c = prog->vmci_cache, *n; c; c = n) {
		n = c->next;
		free(c->key);
		free(c->value);
		free(c);
	}
	if (prog->mem_ops && prog->mem_ops->destroy)
		prog->mem_ops->destroy(prog->mem_arg);
	po_dwarf_close(prog->dw);
	po_symtab_destroy(prog->symtab);
	free(prog->symcache);
	free(prog->dump_path);
	free(prog->vmlinux_path);
	free(prog);
}

void po_program_set_memory(struct po_program *prog,
			   const struct po_memory_ops *ops, void *arg)
{
	prog->mem_ops = ops;
	prog->mem_arg = arg;
}

void po_program_set_kaslr_offset(struct po_program *prog, uint64_t off)
{
	prog->kaslr_offset = off;
	prog->have_kaslr = true;
}

void po_program_set_release(struct po_program *prog, const char *release)
{
	snprintf(prog->release, sizeof(prog->release), "%s", release);
}

void po_program_set_interrupt(struct po_program *prog,
			      bool (*check)(void *arg), void *arg)
{
	prog->interrupt = check;
	prog->interrupt_arg = arg;
}

bool po_interrupted(struct po_program *prog)
{
	return prog->interrupt && prog->interrupt(prog->interrupt_arg);
}

const char *po_program_release(struct po_program *prog) { return prog->release; }

const char *po_program_build_id(struct po_program *prog)
{
	return prog->build_id[0] ? prog->build_id : NULL;
}

const char *po_program_dump_format(struct po_program *prog)
{
	return prog->dump ? po_dump_format(prog->dump) : "live memory (crash)";
}

bool po_program_page_owner_enabled(struct po_program *prog)
{
	return prog->L.page_owner_enabled;
}

void po_note_form(struct po_program *prog, const char *fmt, ...)
{
	size_t len = strlen(prog->forms);
	va_list ap;

	if (len + 2 >= sizeof(prog->forms))
		return;
	va_start(ap, fmt);
	vsnprintf(prog->forms + len, sizeof(prog->forms) - len, fmt, ap);
	va_end(ap);
	len = strlen(prog->forms);
	if (len + 1 < sizeof(prog->forms)) {
		prog->forms[len] = '\n';
		prog->forms[len + 1] = '\0';
	}
}

struct po_error *po_program_open_dump(struct po_program *prog, const char *path)
{
	struct po_error *err;
	const char *v;

	err = po_dump_open(path, &prog->dump);
	if (err)
		return err;
	prog->dump_path = strdup(path);
	po_program_set_memory(prog, &po_dump_memory_ops, prog->dump);
	v = po_dump_vmcoreinfo(prog->dump, "OSRELEASE");
	if (v)
		po_program_set_release(prog, v);
	v = po_dump_vmcoreinfo(prog->dump, "BUILD-ID");
	if (v)
		snprintf(prog->build_id, sizeof(prog->build_id), "%s", v);
	v = po_dump_vmcoreinfo(prog->dump, "KERNELOFFSET");
	if (v)
		po_program_set_kaslr_offset(prog, strtoull(v, NULL, 16));
	return NULL;
}

struct po_error *po_program_load_vmlinux(struct po_program *prog,
					 const char *path)
{
	struct po_error *err;
	const char *bid;

	err = po_symtab_load(path, &prog->symtab);
	if (err) {
		if (err->code == PO_ERR_FORMAT)
			err->code = PO_ERR_DEBUGINFO; /* a bad vmlinux, not a bad dump */
		return err;
	}
	prog->vmlinux_path = strdup(path);
	bid = po_symtab_build_id(prog->symtab);
	if (prog->build_id[0] && bid) {
		if (strcmp(prog->build_id, bid) != 0)
			return po_error_create(PO_ERR_MISMATCH,
					       "%s does not belong to the dump: build id %s, the dump's kernel has %s (release %s)",
					       path, bid, prog->build_id,
					       prog->release[0] ? prog->release : "unknown");
	} else if (prog->release[0]) {
		const char *banner = po_symtab_banner(prog->symtab);
		char want[128];
		snprintf(want, sizeof(want), "Linux version %s ", prog->release);
		if (banner && strncmp(banner, want, strlen(want)) != 0)
			return po_error_create(PO_ERR_MISMATCH,
					       "%s does not belong to the dump: its banner is \"%.*s\", the dump's kernel is %s",
					       path, (int)strcspn(banner, "(\n") - 1, banner,
					       prog->release);
	}
	err = po_dwarf_open(path, &prog->dw);
	if (err)
		return err;
	err = po_dwarf_index(prog->dw, dwarf_names, PO_ARRAY_SIZE(dwarf_names));
	if (err)
		return po_error_prefix(err, "%s", path);
	return NULL;
}

/* ---- memory ---- */

struct po_error *po_read(struct po_program *prog, uint64_t addr, void *buf,
			 size_t len)
{
	if (!prog->mem_ops)
		return po_error_create(PO_ERR_INVALID, "no memory source");
	return prog->mem_ops->read(prog->mem_arg, PO_KVADDR, addr, buf, len);
}

struct po_error *po_read_phys(struct po_program *prog, uint64_t addr, void *buf,
			      size_t len)
{
	return prog->mem_ops->read(prog->mem_arg, PO_PADDR, addr, buf, len);
}

struct po_error *po_read_u64(struct po_program *prog, uint64_t addr, uint64_t *v)
{
	return po_read(prog, addr, v, 8);
}

struct po_error *po_read_u32(struct po_program *prog, uint64_t addr, uint32_t *v)
{
	return po_read(prog, addr, v, 4);
}

struct po_error *po_read_cstr(struct po_program *prog, uint64_t addr, char *buf,
			      size_t len)
{
	size_t got = 0;

	/* Read in chunks that do not cross a page, so a string near the end
	 * of readable memory still reads. */
	while (got + 1 < len) {
		size_t chunk = 64 - (addr + got) % 64;
		if (chunk > len - 1 - got)
			chunk = len - 1 - got;
		struct po_error *err = po_read(prog, addr + got, buf + got, chunk);
		if (err) {
			if (got)
				po_error_destroy(err);
			else
				return err;
			break;
		}
		void *nul = memchr(buf + got, '\0', chunk);
		got += chunk;
		if (nul)
			return NULL;
	}
	buf[got] = '\0';
	return NULL;
}

bool po_symbol_addr(struct po_program *prog, const char *name, uint64_t *addr)
{
	Dwarf_Die var;
	uint64_t a;

	if (prog->dw && po_dwarf_variable(prog->dw, name, &var) &&
	    po_dwarf_var_address(&var, &a)) {
		*addr = a + prog->kaslr_offset;
		return true;
	}
	if (prog->symtab && po_symtab_lookup(prog->symtab, name, &a)) {
		*addr = a + prog->kaslr_offset;
		return true;
	}
	return false;
}

struct po_error *po_symbol_required(struct po_program *prog, const char *name,
				    uint64_t *addr)
{
	if (po_symbol_addr(prog, name, addr))
		return NULL;
	return po_error_create(PO_ERR_DEBUGINFO,
			       "kernel symbol '%s' not found in %s", name,
			       prog->vmlinux_path ? prog->vmlinux_path : "vmlinux");
}

static bool type_die(struct po_program *prog, const char *type, Dwarf_Die *die)
{
	return prog->dw && po_dwarf_type(prog->dw, type, die);
}

size_t po_offsetof(struct po_program *prog, const char *type, const char *path)
{
	Dwarf_Die die;
	struct po_member m;

	if (!type_die(prog, type, &die) || !po_dwarf_member(&die, path, &m))
		return PO_ABSENT;
	return m.offset;
}

struct po_error *po_offsetof_required(struct po_program *prog, const char *type,
				      const char *path, size_t *off)
{
	*off = po_offsetof(prog, type, path);
	if (*off != PO_ABSENT)
		return NULL;
	return po_error_create(PO_ERR_DEBUGINFO,
			       "member '%s' of '%s' not found in the DWARF of %s",
			       path, type, prog->vmlinux_path);
}

size_t po_sizeof(struct po_program *prog, const char *type)
{
	Dwarf_Die die;
	if (!type_die(prog, type, &die))
		return 0;
	return po_dwarf_sizeof(&die);
}

static bool enumerator(struct po_program *prog, const char *name, int64_t *v)
{
	return prog->dw && po_dwarf_enumerator(prog->dw, name, v);
}

void po_program_set_vmcoreinfo_reader(struct po_program *prog,
				      char *(*read)(void *arg, const char *key),
				      void *arg)
{
	const char *bid;

	prog->vmci_read = read;
	prog->vmci_arg = arg;
	bid = po_program_vmcoreinfo(prog, "BUILD-ID");
	if (bid)
		snprintf(prog->build_id, sizeof(prog->build_id), "%s", bid);
}

const char *po_program_vmcoreinfo(struct po_program *prog, const char *key)
{
	struct po_vmci_cache *c;
	struct po_error *err;

	if (prog->dump)
		return po_dump_vmcoreinfo(prog->dump, key);
	if (!prog->vmci_read)
		return NULL;
	for (c = prog->vmci_cache; c; c = c->next)
		if (!strcmp(c->key, key))
			return c->value;
	c = calloc(1, sizeof(*c));
	if (!c || !(c->key = strdup(key))) {
		free(c);
		return NULL;
	}
	c->value = prog->vmci_read(prog->vmci_arg, key);
	/* a value a dump file would be refused for is not used */
	if (c->value && (err = po_vmcoreinfo_check("VMCOREINFO", key, c->value))) {
		po_error_destroy(err);
		free(c->value);
		c->value = NULL;
	}
	c->next = prog->vmci_cache;
	prog->vmci_cache = c;
	return c->value;
}

static const char *vmcoreinfo(struct po_program *prog, const char *key)
{
	return po_program_vmcoreinfo(prog, key);
}

static unsigned ilog2_u64(uint64_t v)
{
	unsigned r = 0;
	while (v >>= 1)
		r++;
	return r;
}

static unsigned order_base_2(uint64_t v)
{
	return v <= 1 ? 0 : ilog2_u64(v - 1) + 1;
}

/* ---- layout resolution ---- */

static struct po_error *init_sparsemem(struct po_program *prog)
{
	struct po_layout *L = &prog->L;
	struct po_error *err;
	Dwarf_Die var, type;
	const char *v;
	unsigned max_physmem_bits = 46;
	int64_t e;

	err = po_symbol_required(prog, "mem_section", &L->mem_section);
	if (err)
		return err;
	L->sizeof_mem_section = po_sizeof(prog, "struct mem_section");
	err = po_offsetof_required(prog, "struct mem_section", "section_mem_map",
				   &L->off_ms_mem_map);
	if (err)
		return err;
	L->off_ms_page_ext = po_offsetof(prog, "struct mem_section", "page_ext");
	L->off_ms_usage = po_offsetof(prog, "struct mem_section", "usage");
	if (L->off_ms_usage != PO_ABSENT) {
		L->off_usage_subsection_map = po_offsetof(prog, "struct mem_section_usage",
							  "subsection_map");
		L->off_usage_pageblock_flags = po_offsetof(prog, "struct mem_section_usage",
							   "pageblock_flags");
	} else {
		L->off_usage_subsection_map = L->off_usage_pageblock_flags = PO_ABSENT;
	}
	/* SPARSEMEM_EXTREME: "struct mem_section **mem_section" */
	L->sparse_extreme = true;
	if (po_dwarf_variable(prog->dw, "mem_section", &var)) {
		Dwarf_Attribute a;
		if (dwarf_attr(&var, DW_AT_type, &a) && dwarf_formref_die(&a, &type)) {
			Dwarf_Die t = po_dwarf_strip(&type);
			L->sparse_extreme = dwarf_tag(&t) == DW_TAG_pointer_type;
		}
	}
	if (L->sizeof_mem_section < 8 || L->sizeof_mem_section > 64 ||
	    L->off_ms_mem_map + 8 > L->sizeof_mem_section ||
	    (L->off_ms_page_ext != PO_ABSENT && L->off_ms_page_ext + 8 > L->sizeof_mem_section) ||
	    (L->off_ms_usage != PO_ABSENT && L->off_ms_usage + 8 > L->sizeof_mem_section))
		return po_error_create(PO_ERR_DEBUGINFO,
				       "%s: struct mem_section of %zu bytes (members at %zu, %zd, %zd) is not the kernel's (8 to 64 bytes, 64-bit members inside)",
				       prog->vmlinux_path, L->sizeof_mem_section, L->off_ms_mem_map,
				       (ssize_t)L->off_ms_page_ext, (ssize_t)L->off_ms_usage);
	/* VMCOREINFO's values are in range (vmcoreinfo.c); here, together:
	 * a section holds at least a page and at most 2^20 of them (x86-64
	 * has 2^15, arm64 with 64 KiB pages 2^13). */
	v = vmcoreinfo(prog, "NUMBER(SECTION_SIZE_BITS)");
	L->section_size_bits = v ? (unsigned)strtoul(v, NULL, 0) : 27;
	v = vmcoreinfo(prog, "NUMBER(MAX_PHYSMEM_BITS)");
	if (v)
		max_physmem_bits = (unsigned)strtoul(v, NULL, 0);
	if (L->section_size_bits < L->page_shift || L->section_size_bits > L->page_shift + 20)
		return po_error_create(PO_ERR_CORRUPT,
				       "VMCOREINFO NUMBER(SECTION_SIZE_BITS)=%u is out of the range the kernel allows with %llu-byte pages [%u, %u]",
				       L->section_size_bits, (unsigned long long)L->page_size,
				       L->page_shift, L->page_shift + 20);
	if (max_physmem_bits < L->section_size_bits || max_physmem_bits > 57)
		return po_error_create(PO_ERR_CORRUPT,
				       "VMCOREINFO NUMBER(MAX_PHYSMEM_BITS)=%u is out of the range the kernel allows with SECTION_SIZE_BITS %u [%u, 57]",
				       max_physmem_bits, L->section_size_bits, L->section_size_bits);
	L->pages_per_section = 1ULL << (L->section_size_bits - L->page_shift);
	L->nr_sections = 1ULL << (max_physmem_bits - L->section_size_bits);
	if (L->sparse_extreme) {
		L->sections_per_root = L->page_size / L->sizeof_mem_section;
	} else {
		L->sections_per_root = 1;
	}
	L->nr_section_roots = (L->nr_sections + L->sections_per_root - 1) /
			      L->sections_per_root;
	/* section_mem_map flag bits: DWARF enum (5.x+), else 5.4's #defines */
	L->bit_present = enumerator(prog, "SECTION_MARKED_PRESENT_BIT", &e) ? (int)e : 0;
	L->bit_has_mem_map = enumerator(prog, "SECTION_HAS_MEM_MAP_BIT", &e) ? (int)e : 1;
	L->bit_early = enumerator(prog, "SECTION_IS_EARLY_BIT", &e) ? (int)e : 3;
	if (enumerator(prog, "SECTION_MAP_LAST_BIT", &e)) {
		L->section_map_mask = ~((1ULL << e) - 1);
		po_note_form(prog, "sparsemem: SECTION_MAP_LAST_BIT %lld from DWARF, %s",
			     (long long)e, L->sparse_extreme ? "SPARSEMEM_EXTREME" : "static array");
	} else {
		L->section_map_mask = ~0x3fULL;
		po_note_form(prog, "sparsemem: section map mask ~0x3f (no SECTION_MAP_LAST_BIT in DWARF)");
	}
	L->subsection_shift = 21; /* SUBSECTION_SHIFT */
	return NULL;
}

static struct po_error *init_struct_page(struct po_program *prog)
{
	struct po_layout *L = &prog->L;
	struct po_error *err;
	Dwarf_Die page;
	struct po_member m;
	int64_t e;
	const char *v;

	L->sizeof_page = po_sizeof(prog, "struct page");
	if (!L->sizeof_page || !type_die(prog, "struct page", &page))
		return po_error_create(PO_ERR_DEBUGINFO, "struct page not found in %s",
				       prog->vmlinux_path);
	err = po_offsetof_required(prog, "struct page", "flags", &L->off_page_flags);
	if (err)
		return err;
	if (po_dwarf_member(&page, "flags", &m) && dwarf_tag(&m.type) == DW_TAG_structure_type)
		po_note_form(prog, "page.flags: memdesc_flags_t (struct, 6.18+ form)");
	else
		po_note_form(prog, "page.flags: unsigned long");
	L->off_page_private = po_offsetof(prog, "struct page", "private");
	L->off_page_type = po_offsetof(prog, "struct page", "page_type");
	if (L->off_page_type == PO_ABSENT)
		L->off_page_type = po_offsetof(prog, "struct page", "_mapcount");
	L->off_memcg_data = po_offsetof(prog, "struct page", "memcg_data");
	L->off_compound_head = po_offsetof(prog, "struct page", "compound_head");
	if (L->off_compound_head == PO_ABSENT) {
		L->off_compound_head = po_offsetof(prog, "struct page", "compound_info");
		L->compound_info = L->off_compound_head != PO_ABSENT;
	}
	po_note_form(prog, "tail pages: %s", L->compound_info ?
		     "page.compound_info (7.1+ form)" : "page.compound_head");
	if (L->off_page_private == PO_ABSENT || L->off_page_type == PO_ABSENT)
		return po_error_create(PO_ERR_DEBUGINFO,
				       "struct page has no private/page_type member in %s",
				       prog->vmlinux_path);
	if (enumerator(prog, "PGTY_buddy", &e)) {
		L->pgty = true;
		L->pgty_buddy = (uint32_t)e;
		po_note_form(prog, "PageBuddy: page_type >> 24 == PGTY_buddy (%#x)", (unsigned)e);
	} else {
		v = vmcoreinfo(prog, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)");
		L->buddy_mapcount = v ? (uint32_t)strtol(v, NULL, 10) : ~0x80u;
		po_note_form(prog, "PageBuddy: page_type & (0xf0000000|%#x) == 0xf0000000",
			     ~L->buddy_mapcount);
	}
	/* Each member read from a struct page in the walk lies inside it. */
	const struct { const char *name; size_t off, size; } pm[] = {
		{ "flags", L->off_page_flags, 8 }, { "private", L->off_page_private, 8 },
		{ "page_type", L->off_page_type, 4 }, { "memcg_data", L->off_memcg_data, 8 },
		{ "compound_head", L->off_compound_head, 8 },
	};
	if (L->sizeof_page < 32 || L->sizeof_page > 512)
		return po_error_create(PO_ERR_DEBUGINFO,
				       "%s: struct page of %zu bytes is not the kernel's (32 to 512 bytes)",
				       prog->vmlinux_path, L->sizeof_page);
	for (size_t i = 0; i < PO_ARRAY_SIZE(pm); i++)
		if (pm[i].off != PO_ABSENT && pm[i].off + pm[i].size > L->sizeof_page)
			return po_error_create(PO_ERR_DEBUGINFO,
					       "%s: struct page member %s at offset %zu does not fit in its %zu bytes",
					       prog->vmlinux_path, pm[i].name, pm[i].off, L->sizeof_page);
	if (enumerator(prog, "__NR_PAGEFLAGS", &e))
		L->nr_pageflags = e < 0 ? 0 : e > 64 ? 64 : (int)e;
	L->pageflags_mask = L->nr_pageflags >= 64 ? ~0ULL : (1ULL << L->nr_pageflags) - 1;
	return NULL;
}

static struct po_error *init_page_ext(struct po_program *prog)
{
	struct po_layout *L = &prog->L;
	struct po_error *err;
	uint64_t addr, v64;
	size_t off;
	int64_t e;

	if (L->off_ms_page_ext == PO_ABSENT)
		return po_error_create(PO_ERR_UNSUPPORTED,
				       "struct mem_section has no page_ext member: the kernel was built without CONFIG_PAGE_EXTENSION (or uses FLATMEM, not supported)");
	if (po_symbol_addr(prog, "page_ext_size", &addr)) {
		err = po_read_u64(prog, addr, &L->page_ext_size);
		if (err)
			return po_error_prefix(err, "reading page_ext_size");
	} else if (po_symbol_addr(prog, "extra_mem", &addr)) {
		err = po_read_u64(prog, addr, &v64);
		if (err)
			return po_error_prefix(err, "reading extra_mem");
		L->page_ext_size = po_sizeof(prog, "struct page_ext") + v64;
	} else {
		return po_error_create(PO_ERR_DEBUGINFO, "neither page_ext_size nor extra_mem found");
	}
	if (L->page_ext_size < 8 || L->page_ext_size > 4096)
		return po_error_create(PO_ERR_CORRUPT,
				       "page_ext_size %llu (read from the dump) is out of the range the kernel allows [8, 4096]",
				       (unsigned long long)L->page_ext_size);
	err = po_symbol_required(prog, "page_owner_ops", &addr);
	if (err)
		return err;
	err = po_offsetof_required(prog, "struct page_ext_operations", "offset", &off);
	if (err)
		return err;
	err = po_read_u64(prog, addr + off, &L->page_owner_offset);
	if (err)
		return po_error_prefix(err, "reading page_owner_ops.offset");
	if (!enumerator(prog, "PAGE_EXT_OWNER", &e))
		return po_error_create(PO_ERR_DEBUGINFO, "enumerator PAGE_EXT_OWNER not found");
	if (e < 0 || e > 63)
		return po_error_create(PO_ERR_DEBUGINFO, "enumerator PAGE_EXT_OWNER = %lld is not a bit of page_ext.flags [0, 63]",
				       (long long)e);
	L->ext_owner_bit = (int)e;
	if (enumerator(prog, "PAGE_EXT_OWNER_ALLOCATED", &e) ||
	    enumerator(prog, "PAGE_EXT_OWNER_ACTIVE", &e))
		L->ext_owner_allocated_bit = (int)e;
	else
		return po_error_create(PO_ERR_DEBUGINFO, "enumerator PAGE_EXT_OWNER_ALLOCATED not found");
	if (e < 0 || e > 63)
		return po_error_create(PO_ERR_DEBUGINFO, "enumerator PAGE_EXT_OWNER_ALLOCATED = %lld is not a bit of page_ext.flags [0, 63]",
				       (long long)e);
	/* page_owner_inited is a static key: key.enabled.counter */
	err = po_symbol_required(prog, "page_owner_inited", &addr);
	if (err)
		return err;
	off = po_offsetof(prog, "struct static_key", "enabled");
	uint32_t enabled;
	err = po_read_u32(prog, addr + (off == PO_ABSENT ? 0 : off), &enabled);
	if (err)
		return po_error_prefix(err, "reading page_owner_inited");
	L->page_owner_enabled = (int32_t)enabled > 0;
	/* page_owner_ops.offset is checked against struct page_owner's size
	 * once that is known (init_page_owner_struct). */
	return NULL;
}

static struct po_error *init_page_owner_struct(struct po_program *prog)
{
	struct po_layout *L = &prog->L;
	const char *T = "struct page_owner";
	Dwarf_Die po;
	struct po_member m;

	if (!type_die(prog, T, &po))
		return po_error_create(PO_ERR_DEBUGINFO,
				       "struct page_owner not found in the DWARF of %s (kernel built without CONFIG_PAGE_OWNER?)",
				       prog->vmlinux_path);
	L->sizeof_page_owner = po_dwarf_sizeof(&po);
#define F(field) L->po_##field = po_offsetof(prog, T, #field)
	F(order); F(last_migrate_reason); F(gfp_mask); F(handle); F(free_handle);
	F(ts_nsec); F(free_ts_nsec); F(comm); F(pid); F(tgid); F(free_pid);
	F(free_tgid);
#undef F
	if (L->po_order == PO_ABSENT || L->po_gfp_mask == PO_ABSENT ||
	    L->po_handle == PO_ABSENT)
		return po_error_create(PO_ERR_UNSUPPORTED,
				       "struct page_owner lacks order/gfp_mask/handle");
	L->po_comm_len = 0;
	if (po_dwarf_member(&po, "comm", &m))
		L->po_comm_len = m.size > 16 ? 16 : m.size;
	/* Every member the decoder reads lies inside the struct, and the
	 * struct inside each page_ext entry. */
	const struct { const char *name; size_t off, size; } f[] = {
		{ "order", L->po_order, 2 }, { "last_migrate_reason", L->po_last_migrate_reason, 2 },
		{ "gfp_mask", L->po_gfp_mask, 4 }, { "handle", L->po_handle, 4 },
		{ "free_handle", L->po_free_handle, 4 }, { "ts_nsec", L->po_ts_nsec, 8 },
		{ "free_ts_nsec", L->po_free_ts_nsec, 8 }, { "comm", L->po_comm, L->po_comm_len },
		{ "pid", L->po_pid, 4 }, { "tgid", L->po_tgid, 4 }, { "free_pid", L->po_free_pid, 4 },
		{ "free_tgid", L->po_free_tgid, 4 },
	};
	for (size_t i = 0; i < PO_ARRAY_SIZE(f); i++)
		if (f[i].off != PO_ABSENT && f[i].off + f[i].size > L->sizeof_page_owner)
			return po_error_create(PO_ERR_DEBUGINFO,
					       "%s: struct page_owner member %s at offset %zu does not fit in its %zu bytes",
					       prog->vmlinux_path, f[i].name, f[i].off, L->sizeof_page_owner);
	if (L->page_owner_enabled &&
	    (L->page_owner_offset > L->page_ext_size ||
	     L->sizeof_page_owner > L->page_ext_size - L->page_owner_offset))
		return po_error_create(PO_ERR_CORRUPT,
				       "page_owner_ops.offset %llu (read from the dump) is out of the range the kernel allows: struct page_owner (%zu bytes) must fit in page_ext_size %llu, [0, %lld]",
				       (unsigned long long)L->page_owner_offset, L->sizeof_page_owner,
				       (unsigned long long)L->page_ext_size,
				       (long long)L->page_ext_size - (long long)L->sizeof_page_owner);
	return NULL;
}

static struct po_error *init_orders(struct po_program *prog)
{
	struct po_layout *L = &prog->L;
	Dwarf_Die zone;
	struct po_member m;
	const char *v;
	int64_t e;

	long n = 0;
	const char *from = "VMCOREINFO LENGTH(zone.free_area)";
	v = vmcoreinfo(prog, "LENGTH(zone.free_area)");
	if (v) {
		n = strtol(v, NULL, 0);
	} else if (type_die(prog, "struct zone", &zone) &&
		   po_dwarf_member(&zone, "free_area", &m)) {
		n = po_dwarf_array_len(&m.type);
		from = "the length of struct zone.free_area";
	} else {
		n = 11;
		from = "the default (no LENGTH(zone.free_area))";
	}
	/* include/linux/mmzone.h: MAX_PAGE_ORDER + PAGE_SHIFT <= SECTION_SIZE_BITS */
	if (n < 1 || (unsigned long)n - 1 + L->page_shift > L->section_size_bits)
		return po_error_create(PO_ERR_CORRUPT,
				       "%s = %ld orders is out of the range the kernel allows with SECTION_SIZE_BITS %u [1, %u]",
				       from, n, L->section_size_bits,
				       L->section_size_bits - L->page_shift + 1);
	L->nr_page_orders = (unsigned)n;
	L->max_order_nr_pages = 1ULL << (L->nr_page_orders - 1);
	/* pageblock_order: HUGETLB_PAGE -> min(HUGETLB_PAGE_ORDER, max order);
	 * 6.8+ also THP; otherwise the maximum order (x86-64 PMD order 9). */
	uint64_t dummy;
	unsigned max_order = L->nr_page_orders - 1;
	if (po_symbol_addr(prog, "hstates", &dummy) ||
	    (L->kver >= PO_KVER(6, 8) &&
	     po_symbol_addr(prog, "transparent_hugepage_flags", &dummy)))
		L->pageblock_order = 9 < max_order ? 9 : max_order;
	else
		L->pageblock_order = max_order;
	/* pageblock bitmap stride */
	if (enumerator(prog, "__NR_PAGEBLOCK_BITS", &e)) {
		unsigned bits = 1;
		while (bits < e)
			bits <<= 1;
		L->pageblock_bits = bits;
	} else if (enumerator(prog, "NR_PAGEBLOCK_BITS", &e)) {
		L->pageblock_bits = (unsigned)e;
	} else {
		L->pageblock_bits = 4;
	}
	if (L->pageblock_bits < 1 || L->pageblock_bits > 8)
		return po_error_create(PO_ERR_DEBUGINFO,
				       "%s: %u bits per pageblock is out of the range the kernel has [1, 8]",
				       prog->vmlinux_path, L->pageblock_bits);
	L->pb_isolate_bit = enumerator(prog, "PB_migrate_isolate", &e);
	L->pb_isolate = (int)e;
	po_note_form(prog, "orders: NR_PAGE_ORDERS %u, MAX_ORDER_NR_PAGES %llu, pageblock_order %u, %u pageblock bits%s",
		     L->nr_page_orders, (unsigned long long)L->max_order_nr_pages,
		     L->pageblock_order, L->pageblock_bits,
		     L->pb_isolate_bit ? ", PB_migrate_isolate bit" : "");
	return NULL;
}

static struct po_error *init_pfn_range(struct po_program *prog)
{
	struct po_layout *L = &prog->L;
	struct po_error *err;
	uint64_t addr;

	L->min_low_pfn = 0;
	if (po_symbol_addr(prog, "min_low_pfn", &addr)) {
		err = po_read_u64(prog, addr, &L->min_low_pfn);
		if (err)
			return po_error_prefix(err, "reading min_low_pfn");
	}
	err = po_symbol_required(prog, "max_pfn", &addr);
	if (err)
		return err;
	err = po_read_u64(prog, addr, &L->max_pfn);
	if (err)
		return po_error_prefix(err, "reading max_pfn");
	if (L->max_pfn == 0 || L->max_pfn > (1ULL << 40) ||
	    L->max_pfn > L->nr_sections * L->pages_per_section)
		return po_error_create(PO_ERR_CORRUPT,
				       "max_pfn %#llx (read from the dump) is out of the range the kernel allows [1, %#llx]",
				       (unsigned long long)L->max_pfn,
				       (unsigned long long)(L->nr_sections * L->pages_per_section < (1ULL << 40) ?
							    L->nr_sections * L->pages_per_section : (1ULL << 40)));
	/* the walk visits every PFN below max_pfn: the dump's own extent
	 * (rounded up to a section) bounds it */
	if (prog->dump && po_dump_max_paddr(prog->dump)) {
		uint64_t ext = po_dump_max_paddr(prog->dump) >> L->page_shift;
		ext = (ext + L->pages_per_section - 1) / L->pages_per_section * L->pages_per_section;
		if (L->max_pfn > ext)
			return po_error_create(PO_ERR_CORRUPT,
					       "max_pfn %#llx (read from the dump) is beyond the memory the dump describes (%#llx PFNs)",
					       (unsigned long long)L->max_pfn, (unsigned long long)ext);
	}
	if (L->min_low_pfn > L->max_pfn)
		return po_error_create(PO_ERR_CORRUPT,
				       "min_low_pfn %#llx (read from the dump) is above max_pfn %#llx",
				       (unsigned long long)L->min_low_pfn,
				       (unsigned long long)L->max_pfn);
	return NULL;
}

/* 5.14+: lib/vsprintf.c's pff[] is what %pGp prints after the flag names:
 * each field's name, width, shift and number format, as the kernel computed
 * them.  Read it from the dump; false if it is not there or not readable. */
static bool read_pff(struct po_program *prog)
{
	struct po_layout *L = &prog->L;
	Dwarf_Die t, var, at;
	Dwarf_Attribute a;
	struct po_member mw, ms, mn, mspec;
	uint64_t addr, flag_spec = 0;
	uint8_t buf[64];
	long n;
	size_t sz;

	if (!type_die(prog, "struct page_flags_fields", &t) ||
	    !po_dwarf_member(&t, "width", &mw) || !po_dwarf_member(&t, "shift", &ms) ||
	    !po_dwarf_member(&t, "name", &mn) || !po_dwarf_member(&t, "spec", &mspec) ||
	    mw.size != 4 || ms.size != 4 || mn.size != 8 || mspec.size != 8)
		return false;
	sz = po_dwarf_sizeof(&t);
	if (!po_dwarf_variable(prog->dw, "pff", &var) ||
	    !dwarf_attr(&var, DW_AT_type, &a) || !dwarf_formref_die(&a, &at) ||
	    (n = po_dwarf_array_len(&at)) <= 0 || n > 5 || sz == 0 || sz > sizeof(buf) ||
	    !po_symbol_addr(prog, "pff", &addr))
		return false;
	po_symbol_addr(prog, "default_flag_spec", &flag_spec);
	struct po_pff f[5];
	memset(f, 0, sizeof(f));
	int used = 0;
	for (long i = 0; i < n; i++) {
		struct po_error *err = po_read(prog, addr + (uint64_t)i * sz, buf, sz);
		if (err) {
			po_error_destroy(err);
			return false;
		}
		int width = (int)po_get_u32(buf + mw.offset);
		int shift = (int)po_get_u32(buf + ms.offset);
		uint64_t spec = po_get_u64(buf + mspec.offset);
		if (width < 0 || width > 32 || shift < 0 || shift + width > 64)
			return false;
		err = po_read_cstr(prog, po_get_u64(buf + mn.offset), f[i].name,
				   sizeof(f[i].name));
		if (err) {
			po_error_destroy(err);
			return false;
		}
		f[i].width = width;
		f[i].shift = shift;
		f[i].hex = flag_spec ? spec == flag_spec :
			   strcmp(f[i].name, "lastcpupid") == 0 || strcmp(f[i].name, "kasantag") == 0;
		used += width;
	}
	if (used > 64)
		return false;
	memcpy(L->pff, f, sizeof(f));
	return true;
}

/* Fields of page->flags that %pGp prints (include/linux/page-flags-layout.h). */
static void init_page_flag_fields(struct po_program *prog)
{
	struct po_layout *L = &prog->L;
	if (read_pff(prog)) {
		po_note_form(prog, "page->flags fields: from the kernel's pff[]: %s %d, %s %d, %s %d, %s %d, %s %d bits",
			     L->pff[0].name, L->pff[0].width, L->pff[1].name, L->pff[1].width,
			     L->pff[2].name, L->pff[2].width, L->pff[3].name, L->pff[3].width,
			     L->pff[4].name, L->pff[4].width);
		return;
	}
	Dwarf_Die var, page;
	struct po_member m;
	int64_t zones = 0;
	int sections_w = 0, nodes_w = 0, zones_w, cpupid_w = 0;
	uint64_t dummy;

	enumerator(prog, "__MAX_NR_ZONES", &zones);
	zones_w = zones <= 1 ? 0 : zones <= 2 ? 1 : zones <= 4 ? 2 : 3;
	if (!L->vmemmap)
		sections_w = (int)ilog2_u64(L->nr_sections);
	const char *nd = vmcoreinfo(prog, "LENGTH(node_data)");
	if (nd && strtoul(nd, NULL, 10) > 1) {
		nodes_w = (int)ilog2_u64(strtoull(nd, NULL, 10));
	} else if (po_dwarf_variable(prog->dw, "node_data", &var)) {
		Dwarf_Attribute a;
		Dwarf_Die t;
		if (dwarf_attr(&var, DW_AT_type, &a) && dwarf_formref_die(&a, &t)) {
			long n = po_dwarf_array_len(&t);
			if (n > 1)
				nodes_w = (int)ilog2_u64((uint64_t)n);
		}
	}
	if (sections_w + zones_w + nodes_w > 64 - L->nr_pageflags)
		nodes_w = 0;
	if (po_symbol_addr(prog, "task_numa_fault", &dummy) &&
	    type_die(prog, "struct page", &page) &&
	    !po_dwarf_member(&page, "_last_cpupid", &m)) {
		long nr_cpus = 1;
		if (po_dwarf_variable(prog->dw, "__per_cpu_offset", &var)) {
			Dwarf_Attribute a;
			Dwarf_Die t;
			if (dwarf_attr(&var, DW_AT_type, &a) && dwarf_formref_die(&a, &t))
				nr_cpus = po_dwarf_array_len(&t);
		}
		cpupid_w = 8 + (int)order_base_2((uint64_t)(nr_cpus > 0 ? nr_cpus : 1));
	}
	int pgoff = 64;
	const char *names[5] = { "section", "node", "zone", "lastcpupid", "kasantag" };
	int widths[5] = { sections_w, nodes_w, zones_w, cpupid_w, 0 };
	for (int i = 0; i < 5; i++) {
		pgoff -= widths[i];
		snprintf(L->pff[i].name, sizeof(L->pff[i].name), "%s", names[i]);
		L->pff[i].width = widths[i];
		L->pff[i].shift = pgoff;
		L->pff[i].hex = i >= 3;
	}
	po_note_form(prog, "page->flags fields: section %d, node %d, zone %d, lastcpupid %d bits",
		     sections_w, nodes_w, zones_w, cpupid_w);
}

/* Which of the strings is in the vmlinux's .rodata: its index, -1 when none
 * is (or the file has no .rodata contents). */
static int rodata_which(struct po_program *prog, const char *const *s, int n)
{
	for (int i = 0; i < n; i++)
		if (po_symtab_has_string(prog->symtab, s[i]) == 1)
			return i;
	return -1;
}

static void init_formats(struct po_program *prog)
{
	struct po_layout *L = &prog->L;
	unsigned k = L->kver;
	int64_t e;
	int w;

	/* print_page_owner's own format strings, where the vmlinux has its
	 * .rodata, decide the text exactly (distribution backports included);
	 * else struct page_owner's members and, for changes with no structural
	 * trace, the release. */
	static const char *const line1[] = {
		"Page allocated via order %u, mask %#x(%pGg), pid %d, tgid %d (%s), ts %llu ns\n",
		"Page allocated via order %u, mask %#x(%pGg), pid %d, tgid %d (%s), ts %llu ns, free_ts %llu ns\n",
		"Page allocated via order %u, mask %#x(%pGg), pid %d, ts %llu ns, free_ts %llu ns\n",
		"Page allocated via order %u, mask %#x(%pGg), pid %d, ts %llu ns\n",
		"Page allocated via order %u, mask %#x(%pGg)\n",
	};
	static const char *const line2[] = {
		"PFN %lu type %s Block %lu type %s Flags %#lx(%pGp)\n",
		"PFN %lu type %s Block %lu type %s Flags %pGp\n",
		"PFN 0x%lx type %s Block %lu type %s Flags %pGp\n",
	};
	L->l1_pid = L->po_pid != PO_ABSENT;
	L->l1_tgid = L->po_tgid != PO_ABSENT;
	/* free_ts: 5.13 to 6.6 (6.8 added free_pid after 6.7 dropped it) */
	L->l1_free_ts = L->po_free_ts_nsec != PO_ABSENT && L->po_free_pid == PO_ABSENT &&
			(!k || k < PO_KVER(6, 7));
	w = rodata_which(prog, line1, (int)PO_ARRAY_SIZE(line1));
	const char *l1_how = "struct page_owner and release";
	if (w >= 0) {
		L->l1_pid = w <= 3;
		L->l1_tgid = w <= 1;
		L->l1_free_ts = w == 1 || w == 2;
		l1_how = "vmlinux .rodata";
	}
	if (k && k < PO_KVER(5, 16))
		L->fmt_line2 = 0;
	else if (k && k < PO_KVER(6, 5))
		L->fmt_line2 = 1;
	else
		L->fmt_line2 = 2;
	w = rodata_which(prog, line2, (int)PO_ARRAY_SIZE(line2));
	if (w >= 0)
		L->fmt_line2 = w;
	/* %pGp: the page->flags fields from 5.14 (lib/vsprintf.c's struct
	 * page_flags_fields), the 0x...( ) around it from 5.16, the release
	 * that also moved line 2 to "Flags %pGp" */
	L->pgp_fields = type_die(prog, "struct page_flags_fields", &(Dwarf_Die){0}) ||
			(!prog->dw && (!k || k >= PO_KVER(5, 14)));
	L->pgp_hex = L->pgp_fields && L->fmt_line2 >= 1;
	L->memcg_line = L->off_memcg_data != PO_ABSENT && L->po_tgid != PO_ABSENT;
	if (type_die(prog, "struct page_owner_filter_state", &(Dwarf_Die){0}))
		L->dump_fmt = 3;
	else if (L->po_free_pid != PO_ABSENT)
		L->dump_fmt = 2;
	else
		L->dump_fmt = 1;
	po_note_form(prog, "page_owner text (%s): line 1 with%s%s%s, PFN %s, Flags %s, %s",
		     l1_how,
		     L->l1_pid ? " pid, ts" : "out pid",
		     L->l1_tgid ? ", tgid, comm" : "",
		     L->l1_free_ts ? ", free_ts" : "",
		     L->fmt_line2 == 2 ? "hex" : "decimal",
		     L->fmt_line2 == 0 ? "%#lx(%pGp)" : "%pGp",
		     L->memcg_line ? "memcg line" : "no memcg line");
	po_note_form(prog, "%%pGp: %s", !L->pgp_fields ? "flag names" :
		     L->pgp_hex ? "0x..(names|fields) (5.16+)" : "names|fields (5.14, 5.15)");
	L->mr_never = enumerator(prog, "MR_NEVER", &e);
	L->mr_never_value = (int)e;
	po_note_form(prog, "never migrated: %s",
		     L->mr_never ? "MR_NEVER enumerator (7.x form)" : "-1");
	po_note_form(prog, "page_owner print modes and node filter: %s",
		     L->dump_fmt == 3 ? "yes (struct page_owner_filter_state)" : "no");
}

/*
 * What a record may hold: an order up to the buddy allocator's largest (or a
 * gigantic HugeTLB folio's, 6.10+ allocates those with __GFP_COMP through
 * prep_new_page()), and a time no later than the dump.  page_owner's ts_nsec
 * is local_clock(), nanoseconds since boot; the dump's time on that clock is
 * the later of jiffies_64 ticks since boot times tick_nsec (the tick length
 * NTP keeps, so HZ = 1e9 / tick_nsec) and the last printk record's time.
 */
static void init_plausibility(struct po_program *prog)
{
	struct po_layout *L = &prog->L;
	uint64_t a, jiffies = 0, tick_nsec = 0, dummy, printk_ts = 0;
	struct po_error *err = NULL;

	L->max_record_order = L->nr_page_orders - 1;
	if (po_symbol_addr(prog, "hstates", &dummy) && L->max_record_order < 18)
		L->max_record_order = 18; /* 1 GiB with 4 KiB pages, 16 GiB with 64 KiB */
	L->dump_uptime_ns = 0;
	snprintf(L->dump_uptime_how, sizeof(L->dump_uptime_how), "unknown");
	if (po_symbol_addr(prog, "jiffies_64", &a) && !(err = po_read_u64(prog, a, &jiffies)) &&
	    po_symbol_addr(prog, "tick_nsec", &a) && !(err = po_read_u64(prog, a, &tick_nsec)) &&
	    tick_nsec >= 1000000 && tick_nsec <= 100000000) {
		uint64_t hz = (1000000000ULL + tick_nsec / 2) / tick_nsec;
		uint64_t initial = (uint64_t)(uint32_t)(-300 * (int64_t)hz);
		uint64_t ticks = jiffies - initial;
		if (ticks < (1ULL << 62) / tick_nsec) {
			L->dump_uptime_ns = ticks * tick_nsec;
			snprintf(L->dump_uptime_how, sizeof(L->dump_uptime_how),
				 "jiffies_64 (HZ %llu)", (unsigned long long)hz);
		}
	}
	po_error_destroy(err);
	err = NULL;
	/* The log's layout from VMCOREINFO, or the program's DWARF: never a
	 * DWARF index of its own for this. */
	if (po_program_vmcoreinfo(prog, "SYMBOL(prb)") &&
	    !(err = po_kmsg_last_ts(prog, &printk_ts))) {
		if (printk_ts > L->dump_uptime_ns) {
			L->dump_uptime_ns = printk_ts;
			snprintf(L->dump_uptime_how, sizeof(L->dump_uptime_how),
				 "the last kernel log record");
		}
	}
	po_error_destroy(err);
}

static struct po_error *init_kernel(struct po_program *prog, bool need_owner)
{
	struct po_layout *L = &prog->L;
	struct po_error *err;
	const char *v;

	if (prog->kernel_ready)
		return NULL;
	if (!prog->dw)
		return po_error_create(PO_ERR_INVALID, "no vmlinux loaded");
	memset(L, 0, sizeof(*L));
	prog->forms[0] = '\0';
	L->kver = po_parse_release(prog->release);
	v = vmcoreinfo(prog, "PAGESIZE");
	L->page_size = v ? strtoull(v, NULL, 10) : prog->dump ? po_dump_page_size(prog->dump) : 4096;
	if (L->page_size < 4096 || (L->page_size & (L->page_size - 1)))
		L->page_size = 4096;
	L->page_shift = ilog2_u64(L->page_size);
	if ((err = init_sparsemem(prog)) || (err = init_struct_page(prog)) ||
	    (err = init_page_ext(prog)) || (err = init_pfn_range(prog)) ||
	    (err = init_orders(prog)))
		return err;
	if (!L->page_owner_enabled && need_owner)
		return po_error_create(PO_ERR_NO_PAGE_OWNER,
				       "page_owner was not enabled in the dumped kernel (%s): page_owner_inited is off; boot with page_owner=on",
				       prog->release[0] ? prog->release : "unknown release");
	if ((err = init_page_owner_struct(prog)))
		return err;
	init_formats(prog);
	/* VMEMMAP: struct pages are virtually contiguous across sections. */
	L->vmemmap = true;
	init_page_flag_fields(prog);
	if ((err = po_names_load(prog)) || (err = po_stackdepot_init(prog)) ||
	    (err = po_memcg_init(prog)))
		return err;
	init_plausibility(prog);
	prog->kernel_ready = true;
	return NULL;
}

struct po_error *po_program_init_kernel(struct po_program *prog)
{
	return init_kernel(prog, true);
}

struct po_error *po_program_init_kernel_no_owner(struct po_program *prog)
{
	return init_kernel(prog, false);
}
