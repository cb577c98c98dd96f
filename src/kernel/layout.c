/*
 * Layouts: where page_owner's data is and what its bits mean, resolved from
 * the kernel's types and symbols and the dump's VMCOREINFO (sparsemem,
 * struct page, page_ext, struct page_owner, orders and pageblocks, the PFN
 * range), every value checked against what the kernel allows; and what a
 * decoded record may hold (its order, its time).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "kernel/kernel.h"
#include "kernel/kmsg.h"
#include "access/debuginfo.h"
#include "access/dump.h"

/* What the layouts are read from ('?': the kernel may lack it). */
const struct po_type_names po_layout_types = PO_TYPE_NAMES(
	"struct page", "struct page_ext", "struct page_owner",
	"struct page_ext_operations", "struct mem_section",
	"struct mem_section_usage?", "struct zone", "struct static_key",
	"enumerator PAGE_EXT_OWNER", "enumerator PAGE_EXT_OWNER_ALLOCATED?",
	"enumerator PAGE_EXT_OWNER_ACTIVE?",
	"enumerator SECTION_MARKED_PRESENT_BIT?", "enumerator SECTION_HAS_MEM_MAP_BIT?",
	"enumerator SECTION_IS_EARLY_BIT?", "enumerator SECTION_MAP_LAST_BIT?",
	"enumerator PGTY_buddy?", "enumerator __NR_PAGEFLAGS",
	"enumerator NR_PAGEBLOCK_BITS?", "enumerator __NR_PAGEBLOCK_BITS?",
	"enumerator PB_migrate_isolate?",
	"var page_ext_size?", "var extra_mem?", "var page_owner_ops",
	"var page_owner_inited", "var mem_section", "var min_low_pfn?", "var max_pfn?",
	"var hstates?", "var transparent_hugepage_flags?");
#include "access/program.h"

/* ---- layout resolution ---- */

static struct po_error *init_sparsemem(struct po_program *prog)
{
	struct po_layout *L = &prog->k->L;
	struct po_error *err;
	struct po_variable var;
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
	if (po_variable(prog, "mem_section", &var) && var.kind != PO_KIND_OTHER)
		L->sparse_extreme = var.kind == PO_KIND_POINTER;
	if (L->sizeof_mem_section < 8 || L->sizeof_mem_section > 64 ||
	    L->off_ms_mem_map + 8 > L->sizeof_mem_section ||
	    (L->off_ms_page_ext != PO_ABSENT && L->off_ms_page_ext + 8 > L->sizeof_mem_section) ||
	    (L->off_ms_usage != PO_ABSENT && L->off_ms_usage + 8 > L->sizeof_mem_section))
		return po_error_create(PO_ERR_DEBUGINFO,
				       "%s: struct mem_section of %zu bytes (members at %zu, %zd, %zd) is not the kernel's (8 to 64 bytes, 64-bit members inside)",
				       po_debuginfo_name(prog), L->sizeof_mem_section, L->off_ms_mem_map,
				       (ssize_t)L->off_ms_page_ext, (ssize_t)L->off_ms_usage);
	/* VMCOREINFO's values are in range (vmcoreinfo.c); here, together:
	 * a section holds at least a page and at most 2^20 of them (x86-64
	 * has 2^15, arm64 with 64 KiB pages 2^13). */
	v = po_program_vmcoreinfo(prog, "NUMBER(SECTION_SIZE_BITS)");
	L->section_size_bits = v ? (unsigned)strtoul(v, NULL, 0) : 27;
	v = po_program_vmcoreinfo(prog, "NUMBER(MAX_PHYSMEM_BITS)");
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
	L->bit_present = po_enum_value(prog, "SECTION_MARKED_PRESENT_BIT", &e) ? (int)e : 0;
	L->bit_has_mem_map = po_enum_value(prog, "SECTION_HAS_MEM_MAP_BIT", &e) ? (int)e : 1;
	L->bit_early = po_enum_value(prog, "SECTION_IS_EARLY_BIT", &e) ? (int)e : 3;
	if (po_enum_value(prog, "SECTION_MAP_LAST_BIT", &e)) {
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
	struct po_layout *L = &prog->k->L;
	struct po_error *err;
	struct po_member m;
	int64_t e;
	const char *v;

	L->sizeof_page = po_sizeof(prog, "struct page");
	if (!L->sizeof_page)
		return po_error_create(PO_ERR_DEBUGINFO, "struct page not found in %s",
				       po_debuginfo_name(prog));
	err = po_offsetof_required(prog, "struct page", "flags", &L->off_page_flags);
	if (err)
		return err;
	if (po_member(prog, "struct page", "flags", &m) && m.kind == PO_KIND_STRUCT)
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
				       po_debuginfo_name(prog));
	if (po_enum_value(prog, "PGTY_buddy", &e)) {
		L->pgty = true;
		L->pgty_buddy = (uint32_t)e;
		po_note_form(prog, "PageBuddy: page_type >> 24 == PGTY_buddy (%#x)", (unsigned)e);
	} else {
		v = po_program_vmcoreinfo(prog, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)");
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
				       po_debuginfo_name(prog), L->sizeof_page);
	for (size_t i = 0; i < PO_ARRAY_SIZE(pm); i++)
		if (pm[i].off != PO_ABSENT && pm[i].off + pm[i].size > L->sizeof_page)
			return po_error_create(PO_ERR_DEBUGINFO,
					       "%s: struct page member %s at offset %zu does not fit in its %zu bytes",
					       po_debuginfo_name(prog), pm[i].name, pm[i].off, L->sizeof_page);
	if (po_enum_value(prog, "__NR_PAGEFLAGS", &e))
		L->nr_pageflags = e < 0 ? 0 : e > 64 ? 64 : (int)e;
	L->pageflags_mask = L->nr_pageflags >= 64 ? ~0ULL : (1ULL << L->nr_pageflags) - 1;
	return NULL;
}

static struct po_error *init_page_ext(struct po_program *prog)
{
	struct po_layout *L = &prog->k->L;
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
	if (!po_enum_value(prog, "PAGE_EXT_OWNER", &e))
		return po_error_create(PO_ERR_DEBUGINFO, "enumerator PAGE_EXT_OWNER not found");
	if (e < 0 || e > 63)
		return po_error_create(PO_ERR_DEBUGINFO, "enumerator PAGE_EXT_OWNER = %lld is not a bit of page_ext.flags [0, 63]",
				       (long long)e);
	L->ext_owner_bit = (int)e;
	if (po_enum_value(prog, "PAGE_EXT_OWNER_ALLOCATED", &e) ||
	    po_enum_value(prog, "PAGE_EXT_OWNER_ACTIVE", &e))
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
	struct po_layout *L = &prog->k->L;
	const char *T = "struct page_owner";
	struct po_member m;

	L->sizeof_page_owner = po_sizeof(prog, T);
	if (!L->sizeof_page_owner)
		return po_error_create(PO_ERR_DEBUGINFO,
				       "struct page_owner not found in the DWARF of %s (kernel built without CONFIG_PAGE_OWNER?)",
				       po_debuginfo_name(prog));
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
	if (po_member(prog, T, "comm", &m))
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
					       po_debuginfo_name(prog), f[i].name, f[i].off, L->sizeof_page_owner);
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
	struct po_layout *L = &prog->k->L;
	struct po_member m;
	const char *v;
	int64_t e;

	long n = 0;
	const char *from = "VMCOREINFO LENGTH(zone.free_area)";
	v = po_program_vmcoreinfo(prog, "LENGTH(zone.free_area)");
	if (v) {
		n = strtol(v, NULL, 0);
	} else if (po_member(prog, "struct zone", "free_area", &m)) {
		n = m.array_len;
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
	if (po_enum_value(prog, "__NR_PAGEBLOCK_BITS", &e)) {
		unsigned bits = 1;
		while (bits < e)
			bits <<= 1;
		L->pageblock_bits = bits;
	} else if (po_enum_value(prog, "NR_PAGEBLOCK_BITS", &e)) {
		L->pageblock_bits = (unsigned)e;
	} else {
		L->pageblock_bits = 4;
	}
	if (L->pageblock_bits < 1 || L->pageblock_bits > 8)
		return po_error_create(PO_ERR_DEBUGINFO,
				       "%s: %u bits per pageblock is out of the range the kernel has [1, 8]",
				       po_debuginfo_name(prog), L->pageblock_bits);
	L->pb_isolate_bit = po_enum_value(prog, "PB_migrate_isolate", &e);
	L->pb_isolate = (int)e;
	po_note_form(prog, "orders: NR_PAGE_ORDERS %u, MAX_ORDER_NR_PAGES %llu, pageblock_order %u, %u pageblock bits%s",
		     L->nr_page_orders, (unsigned long long)L->max_order_nr_pages,
		     L->pageblock_order, L->pageblock_bits,
		     L->pb_isolate_bit ? ", PB_migrate_isolate bit" : "");
	return NULL;
}

static struct po_error *init_pfn_range(struct po_program *prog)
{
	struct po_layout *L = &prog->k->L;
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

bool po_program_page_owner_enabled(struct po_program *prog)
{
	return prog->k && prog->k->L.page_owner_enabled;
}

struct po_error *po_program_require_page_owner(struct po_program *prog)
{
	if (po_program_page_owner_enabled(prog))
		return NULL;
	return po_error_create(PO_ERR_NO_PAGE_OWNER,
			       "page_owner was not enabled in the dumped kernel (%s): page_owner_inited is off; boot with page_owner=on",
			       prog->release[0] ? prog->release : "unknown release");
}

struct po_error *po_layout_init(struct po_program *prog, bool need_owner)
{
	struct po_layout *L = &prog->k->L;
	struct po_error *err;
	const char *v;

	memset(L, 0, sizeof(*L));
	L->kver = po_parse_release(prog->release);
	v = po_program_vmcoreinfo(prog, "PAGESIZE");
	L->page_size = v ? strtoull(v, NULL, 10) : prog->dump ? po_dump_page_size(prog->dump) : 4096;
	if (L->page_size < 4096 || (L->page_size & (L->page_size - 1)))
		L->page_size = 4096;
	L->page_shift = po_ilog2(L->page_size);
	if ((err = init_sparsemem(prog)) || (err = init_struct_page(prog)) ||
	    (err = init_page_ext(prog)) || (err = init_pfn_range(prog)) ||
	    (err = init_orders(prog)))
		return err;
	if (!L->page_owner_enabled && need_owner)
		return po_program_require_page_owner(prog);
	return init_page_owner_struct(prog);
}

/*
 * What a record may hold: an order up to the buddy allocator's largest (or a
 * gigantic HugeTLB folio's, 6.10+ allocates those with __GFP_COMP through
 * prep_new_page()), and a time no later than the dump.  page_owner's ts_nsec
 * is local_clock(), nanoseconds since boot; the dump's time on that clock is
 * the later of jiffies_64 ticks since boot times tick_nsec (the tick length
 * NTP keeps, so HZ = 1e9 / tick_nsec) and the last printk record's time.
 */
void po_layout_init_plausibility(struct po_program *prog)
{
	struct po_layout *L = &prog->k->L;
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
