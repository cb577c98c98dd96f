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

#include "kernel/cgroup.h"
#include "kernel/kernel.h"
#include "base/util.h"
#include "kernel/memcg.h"
#include "access/debuginfo.h"
#include "access/program.h"

const struct po_type_names po_memcg_types = PO_TYPE_NAMES(
	"struct folio?", "struct mem_cgroup?", "struct obj_cgroup?",
	"struct cgroup_subsys_state?", "struct cgroup?", "struct kernfs_node?",
	"struct mem_cgroup_per_node?", "enumerator CSS_ONLINE?",
	"enumerator MEMCG_DATA_OBJCGS?", "enumerator MEMCG_DATA_OBJEXTS?",
	"enumerator MEMCG_DATA_KMEM?", "enumerator __NR_MEMCG_DATA_FLAGS?");

struct memcg_ent {
	uint64_t memcg;
	bool online;
	bool name_missing;
	char name[80];
};

/* obj_cgroup -> its mem_cgroup, as read */
struct objcg_ent {
	uint64_t objcg, memcg;
};
#define OBJCG_CACHE 4096

struct po_memcg {
	bool enabled;
	uint64_t flag_slab, flag_kmem, flags_mask;
	bool objcg_everywhere;     /* 7.x: every folio points at an objcg */
	bool tail_no_memcg;        /* struct folio has _nr_pages (6.15+) */
	struct memcg_ent *cache;
	size_t cap;
	struct objcg_ent *objcgs;  /* OBJCG_CACHE entries */
};

struct po_error *po_memcg_init(struct po_program *prog)
{
	struct po_memcg *m = calloc(1, sizeof(*m));
	int64_t e;

	if (!m)
		return &po_error_nomem;
	prog->k->memcg = m;
	const struct po_cg_layout *L = prog->k->cg;
	if (prog->k->L.off_memcg_data == PO_ABSENT)
		return NULL;
	if (L->css == PO_ABSENT || L->css_flags == PO_ABSENT ||
	    L->css_cgroup == PO_ABSENT || L->cgroup_kn == PO_ABSENT ||
	    L->kn_name == PO_ABSENT || L->kn_parent == PO_ABSENT)
		return NULL; /* no memcg support in this kernel's types */
	if (po_enum_value(prog, "MEMCG_DATA_OBJEXTS", &e) ||
	    po_enum_value(prog, "MEMCG_DATA_OBJCGS", &e))
		m->flag_slab = (uint64_t)e;
	else
		m->flag_slab = 1;
	m->flag_kmem = po_enum_value(prog, "MEMCG_DATA_KMEM", &e) ? (uint64_t)e : 2;
	/* The flag bits below the pointer: MEMCG_DATA_FLAGS_MASK (3) up to
	 * 6.9, OBJEXTS_FLAGS_MASK (7) after; pointers are 8-aligned, so
	 * masking 7 is right for all. */
	m->flags_mask = po_enum_value(prog, "__NR_MEMCG_DATA_FLAGS", &e) ?
			(uint64_t)e - 1 : 3;
	if (m->flags_mask < 7)
		m->flags_mask = 7;
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
		     L->kn_parent_renamed ? "__parent" : "parent");
	return NULL;
}

void po_memcg_destroy(struct po_program *prog)
{
	if (!prog->k->memcg)
		return;
	free(prog->k->memcg->cache);
	free(prog->k->memcg->objcgs);
	free(prog->k->memcg);
	prog->k->memcg = NULL;
}

static struct po_error *memcg_lookup(struct po_program *prog, uint64_t memcg,
				     struct memcg_ent **ret)
{
	struct po_memcg *m = prog->k->memcg;
	const struct po_cg_layout *L = prog->k->cg;
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
	err = po_read_u64(prog, memcg + L->css + L->css_flags, &flags);
	if (!err)
		err = po_read_u64(prog, memcg + L->css + L->css_cgroup, &cgroup);
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
		prog->k->memcg_names_missing++;
	}
	e->memcg = memcg;
	e->online = (uint32_t)flags & L->css_online;
	e->name_missing = missing;
	memcpy(e->name, name, sizeof(name));
	*ret = e;
	return NULL;
}

struct po_error *po_objcg_memcg(struct po_program *prog, uint64_t objcg,
				uint64_t *memcg)
{
	struct po_memcg *m = prog->k->memcg;
	size_t off = prog->k->cg->objcg_memcg;
	struct objcg_ent *e;
	struct po_error *err;

	if (off == PO_ABSENT)
		return po_error_create(PO_ERR_DEBUGINFO, "no struct obj_cgroup in the types of %s",
				       po_debuginfo_name(prog));
	if (!m->objcgs && !(m->objcgs = calloc(OBJCG_CACHE, sizeof(*m->objcgs))))
		return &po_error_nomem;
	e = &m->objcgs[po_hash64(objcg) & (OBJCG_CACHE - 1)];
	if (objcg && e->objcg == objcg) {
		*memcg = e->memcg;
		return NULL;
	}
	if ((err = po_read_u64(prog, objcg + off, memcg)))
		return err;
	e->objcg = objcg;
	e->memcg = *memcg;
	return NULL;
}

struct po_error *po_page_memcg(struct po_program *prog,
			       const struct po_record *rec,
			       struct po_memcg_info *info)
{
	struct po_memcg *m = prog->k->memcg;
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
		err = po_objcg_memcg(prog, ptr, &ptr);
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
