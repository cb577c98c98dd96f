/*
 * The memory cgroup a page is charged to, from page->memcg_data: slab pages
 * (OBJCGS/OBJEXTS), kmem pages (an obj_cgroup, use its ->memcg), and LRU
 * pages (the memcg itself up to 6.x; an obj_cgroup from 7.1 on, detected by
 * struct mem_cgroup_per_node having an objcg member).  Online or dying from
 * css.flags & CSS_ONLINE; the name as cgroup_name() prints it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct memcg_ent {
	uint64_t memcg;
	bool online;
	bool name_missing;
	char name[80];
};

struct po_memcg {
	bool enabled;
	uint64_t flag_slab, flag_kmem, flags_mask;
	bool objcg_everywhere;     /* 7.x: every folio points at an objcg */
	bool tail_no_memcg;        /* struct folio has _nr_pages (6.15+) */
	size_t off_css, off_css_flags, off_css_cgroup, off_objcg_memcg;
	size_t off_cgroup_kn, off_kn_name, off_kn_parent;
	uint64_t css_online;
	struct memcg_ent *cache;
	size_t cap;
};

struct po_error *po_memcg_init(struct po_program *prog)
{
	struct po_memcg *m = calloc(1, sizeof(*m));
	int64_t e;

	if (!m)
		return &po_error_nomem;
	prog->memcg = m;
	if (prog->L.off_memcg_data == PO_ABSENT)
		return NULL;
	m->off_css = po_offsetof(prog, "struct mem_cgroup", "css");
	m->off_css_flags = po_offsetof(prog, "struct cgroup_subsys_state", "flags");
	m->off_css_cgroup = po_offsetof(prog, "struct cgroup_subsys_state", "cgroup");
	m->off_objcg_memcg = po_offsetof(prog, "struct obj_cgroup", "memcg");
	m->off_cgroup_kn = po_offsetof(prog, "struct cgroup", "kn");
	m->off_kn_name = po_offsetof(prog, "struct kernfs_node", "name");
	m->off_kn_parent = po_offsetof(prog, "struct kernfs_node", "parent");
	bool new_parent = false;
	if (m->off_kn_parent == PO_ABSENT) {
		m->off_kn_parent = po_offsetof(prog, "struct kernfs_node", "__parent");
		new_parent = true;
	}
	if (m->off_css == PO_ABSENT || m->off_css_flags == PO_ABSENT ||
	    m->off_css_cgroup == PO_ABSENT || m->off_cgroup_kn == PO_ABSENT ||
	    m->off_kn_name == PO_ABSENT || m->off_kn_parent == PO_ABSENT)
		return NULL; /* no memcg support in this kernel's DWARF */
	if (po_dwarf_enumerator(prog->dw, "MEMCG_DATA_OBJEXTS", &e) ||
	    po_dwarf_enumerator(prog->dw, "MEMCG_DATA_OBJCGS", &e))
		m->flag_slab = (uint64_t)e;
	else
		m->flag_slab = 1;
	m->flag_kmem = po_dwarf_enumerator(prog->dw, "MEMCG_DATA_KMEM", &e) ? (uint64_t)e : 2;
	/* The flag bits below the pointer: MEMCG_DATA_FLAGS_MASK (3) up to
	 * 6.9, OBJEXTS_FLAGS_MASK (7) after; pointers are 8-aligned, so
	 * masking 7 is right for all. */
	m->flags_mask = po_dwarf_enumerator(prog->dw, "__NR_MEMCG_DATA_FLAGS", &e) ?
			(uint64_t)e - 1 : 3;
	if (m->flags_mask < 7)
		m->flags_mask = 7;
	m->css_online = po_dwarf_enumerator(prog->dw, "CSS_ONLINE", &e) ? (uint64_t)e : 2;
	m->objcg_everywhere = po_offsetof(prog, "struct mem_cgroup_per_node", "objcg") != PO_ABSENT;
	m->tail_no_memcg = m->objcg_everywhere ||
			   po_offsetof(prog, "struct folio", "_nr_pages") != PO_ABSENT;
	m->enabled = true;
	po_note_form(prog, "memcg line of tail pages: %s",
		     m->tail_no_memcg ? "none (folio._nr_pages overlays memcg_data, 6.15+)" :
		     "from the tail page's own memcg_data");
	po_note_form(prog, "memcg_data: %s; kernfs parent member '%s'",
		     m->objcg_everywhere ?
		     "obj_cgroup for every charged folio (7.x form, mem_cgroup_per_node.objcg)" :
		     "LRU pages point at the memcg, kmem pages at an obj_cgroup",
		     new_parent ? "__parent" : "parent");
	return NULL;
}

void po_memcg_destroy(struct po_program *prog)
{
	if (!prog->memcg)
		return;
	free(prog->memcg->cache);
	free(prog->memcg);
	prog->memcg = NULL;
}

struct po_error *po_cgroup_name(struct po_program *prog, uint64_t cgroup,
				char *buf, size_t len)
{
	struct po_memcg *m = prog->memcg;
	struct po_error *err;
	uint64_t kn, parent, name;

	err = po_read_u64(prog, cgroup + m->off_cgroup_kn, &kn);
	if (err)
		return err;
	if (!kn) {
		snprintf(buf, len, "(null)");
		return NULL;
	}
	if ((err = po_read_u64(prog, kn + m->off_kn_parent, &parent)))
		return err;
	if (!parent) {
		snprintf(buf, len, "/");
		return NULL;
	}
	if ((err = po_read_u64(prog, kn + m->off_kn_name, &name)))
		return err;
	return po_read_cstr(prog, name, buf, len);
}

static struct po_error *memcg_lookup(struct po_program *prog, uint64_t memcg,
				     struct memcg_ent **ret)
{
	struct po_memcg *m = prog->memcg;
	struct po_error *err;
	uint64_t flags, cgroup;

	if (!m->cap) {
		m->cache = calloc(1024, sizeof(*m->cache));
		if (!m->cache)
			return &po_error_nomem;
		m->cap = 1024;
	}
	struct memcg_ent *e = &m->cache[po_hash64(memcg) & (m->cap - 1)];
	if (e->memcg == memcg) {
		*ret = e;
		return NULL;
	}
	err = po_read_u64(prog, memcg + m->off_css + m->off_css_flags, &flags);
	if (!err)
		err = po_read_u64(prog, memcg + m->off_css + m->off_css_cgroup, &cgroup);
	if (err)
		return po_error_prefix(err, "memcg at %#llx", (unsigned long long)memcg);
	char name[80];
	bool missing = false;
	err = po_cgroup_name(prog, cgroup, name, sizeof(name));
	if (err) {
		/* The memcg is readable but its cgroup's kernfs name is not in
		 * the dump (filtered): say so instead of failing the page. */
		if (err->code != PO_ERR_FAULT)
			return po_error_prefix(err, "memcg at %#llx", (unsigned long long)memcg);
		po_error_destroy(err);
		snprintf(name, sizeof(name), "(unreadable)");
		missing = true;
		prog->memcg_names_missing++;
	}
	e->memcg = memcg;
	e->online = (uint32_t)flags & m->css_online;
	e->name_missing = missing;
	memcpy(e->name, name, sizeof(name));
	*ret = e;
	return NULL;
}

struct po_error *po_page_memcg(struct po_program *prog,
			       const struct po_record *rec,
			       struct po_memcg_info *info)
{
	struct po_memcg *m = prog->memcg;
	struct po_error *err;
	uint64_t data = rec->memcg_data, ptr;
	struct memcg_ent *e = NULL;

	memset(info, 0, sizeof(*info));
	if (!m || !m->enabled || !data)
		return NULL;
	/* 6.15+: no memcg line for tail pages (the first tail page's
	 * memcg_data is folio->_nr_pages) */
	if (m->tail_no_memcg && (rec->compound_head & 1))
		return NULL;
	if (data & m->flag_slab) {
		info->kind = PO_MEMCG_SLAB;
		return NULL;
	}
	ptr = data & ~m->flags_mask;
	info->via_objcg = data & m->flag_kmem;
	if (info->via_objcg || m->objcg_everywhere) {
		info->objcg = ptr;
		err = po_read_u64(prog, ptr + m->off_objcg_memcg, &ptr);
		if (err)
			return po_error_prefix(err, "obj_cgroup at %#llx of PFN %#llx",
					       (unsigned long long)info->objcg,
					       (unsigned long long)rec->pfn);
	}
	if (!ptr)
		return NULL;
	info->memcg = ptr;	/* named by the caller if the lookup fails */
	err = memcg_lookup(prog, ptr, &e);
	if (err)
		return err;
	info->kind = PO_MEMCG_CHARGED;
	info->memcg = ptr;
	info->online = e->online;
	info->name_missing = e->name_missing;
	memcpy(info->name, e->name, sizeof(info->name));
	return NULL;
}

void po_memcg_unreadable_text(const struct po_memcg_info *mi, const struct po_error *err,
			      char *buf, size_t len)
{
	/* the same words whatever read the memory (CLI or crash) */
	snprintf(buf, len, "%s %#llx %s", mi->memcg ? "mem_cgroup" : "obj_cgroup",
		 (unsigned long long)(mi->memcg ? mi->memcg : mi->objcg),
		 err->code == PO_ERR_FAULT ? "not in the dump" : "is garbage");
}
