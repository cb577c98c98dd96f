/*
 * The memory cgroup tree of a dump: walk root_mem_cgroup's css.children /
 * css.sibling lists (bounded, cycle-safe), name each memcg by its kernfs
 * path, read its state (CSS_ONLINE, CSS_DYING), its reference counts
 * (css.refcnt once killed is in atomic mode and exact; mem_cgroup.id.ref)
 * and its obj_cgroups (memcg->objcg/orig_objcg/objcg_list up to 6.x,
 * mem_cgroup_per_node.{objcg,orig_objcg,objcg_list} on 7.x), the kernel's
 * dying counters (cgrp_dfl_root.cgrp.nr_dying_descendants and
 * nr_dying_subsys[memory]) and the task list.  Every layout comes from DWARF.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/keymap.h"
#include "base/util.h"
#include "kernel/cgroup.h"
#include "kernel/kernel.h"
#include "access/debuginfo.h"
#include "access/program.h"

const struct po_type_names po_cgroup_types = PO_TYPE_NAMES(
	"struct mem_cgroup?", "struct obj_cgroup?", "struct cgroup_subsys_state?",
	"struct cgroup?", "struct kernfs_node?", "struct mem_cgroup_per_node?",
	"struct cgroup_root?", "struct css_set?", "struct task_struct?",
	"struct percpu_ref?", "struct percpu_ref_data?",
	"enumerator CSS_ONLINE?", "enumerator CSS_DYING?",
	"var root_mem_cgroup?", "var cgrp_dfl_root?", "var init_task?", "var nr_node_ids?");

#define MAX_NODES (1u << 20)
#define MAX_LIST (1u << 20)
#define MAX_DEPTH 64


static uint32_t enumerator_or(struct po_program *prog, const char *name,
			      uint32_t dflt)
{
	int64_t e;
	return po_enum_value(prog, name, &e) ? (uint32_t)e : dflt;
}

/* Read a u64 / u32 / s32; absent offsets and unreadable memory give false. */
static bool rd64(struct po_program *prog, uint64_t base, size_t off, uint64_t *v)
{
	if (off == PO_ABSENT || !base)
		return false;
	struct po_error *err = po_read_u64(prog, base + off, v);
	if (err) {
		po_error_destroy(err);
		return false;
	}
	return true;
}

static bool rd32(struct po_program *prog, uint64_t base, size_t off, uint32_t *v)
{
	if (off == PO_ABSENT || !base)
		return false;
	struct po_error *err = po_read_u32(prog, base + off, v);
	if (err) {
		po_error_destroy(err);
		return false;
	}
	return true;
}

static int rd_int(struct po_program *prog, uint64_t base, size_t off)
{
	uint32_t v;
	return rd32(prog, base, off, &v) ? (int)v : -1;
}

static void po_cg_warn(struct po_cg_tree *t, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (t->nr_warnings >= 64)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	char **w = po_xrealloc_array(t->warnings, t->nr_warnings + 1, sizeof(*w));
	if (!w)
		return;
	t->warnings = w;
	char *s = po_strdup(buf);
	if (s)
		t->warnings[t->nr_warnings++] = s;
}

struct po_error *po_cgroup_init(struct po_program *prog)
{
	const char *M = "struct mem_cgroup", *C = "struct cgroup_subsys_state",
		   *G = "struct cgroup", *K = "struct kernfs_node",
		   *O = "struct obj_cgroup", *P = "struct mem_cgroup_per_node";
	struct po_cg_layout *cl = malloc(sizeof(*cl));
	struct po_member m;
	uint64_t addr;

	if (!cl)
		return &po_error_nomem;
	prog->k->cg = cl;
	memset(cl, 0xff, sizeof(*cl));
	cl->css = po_offsetof(prog, M, "css");
	cl->css_cgroup = po_offsetof(prog, C, "cgroup");
	cl->css_flags = po_offsetof(prog, C, "flags");
	cl->css_sibling = po_offsetof(prog, C, "sibling");
	cl->css_children = po_offsetof(prog, C, "children");
	cl->css_refcnt = po_offsetof(prog, C, "refcnt");
	cl->css_online_cnt = po_offsetof(prog, C, "online_cnt");
	cl->cgroup_kn = po_offsetof(prog, G, "kn");
	cl->cgroup_nr_desc = po_offsetof(prog, G, "nr_descendants");
	cl->cgroup_nr_dying_desc = po_offsetof(prog, G, "nr_dying_descendants");
	cl->cgroup_nr_dying_subsys = po_offsetof(prog, G, "nr_dying_subsys");
	cl->cgroup_subsys = po_offsetof(prog, G, "subsys");
	cl->nr_subsys = cl->nr_dying_subsys_len = -1;
	if (po_member(prog, G, "subsys", &m))
		cl->nr_subsys = m.array_len;
	if (po_member(prog, G, "nr_dying_subsys", &m))
		cl->nr_dying_subsys_len = m.array_len;
	cl->kn_parent = po_offsetof(prog, K, "parent");
	cl->kn_parent_renamed = false;
	if (cl->kn_parent == PO_ABSENT) {
		cl->kn_parent = po_offsetof(prog, K, "__parent");
		cl->kn_parent_renamed = true;
	}
	cl->kn_name = po_offsetof(prog, K, "name");
	cl->kn_id = po_offsetof(prog, K, "id");
	cl->memcg_id_id = po_offsetof(prog, M, "id.id");
	cl->memcg_id_ref = po_offsetof(prog, M, "id.ref");
	cl->memcg_objcg = po_offsetof(prog, M, "objcg");
	cl->memcg_orig_objcg = po_offsetof(prog, M, "orig_objcg");
	cl->memcg_objcg_list = po_offsetof(prog, M, "objcg_list");
	cl->memcg_nodeinfo = po_offsetof(prog, M, "nodeinfo");
	cl->pn_objcg = po_offsetof(prog, P, "objcg");
	cl->pn_orig_objcg = po_offsetof(prog, P, "orig_objcg");
	cl->pn_objcg_list = po_offsetof(prog, P, "objcg_list");
	cl->objcg_memcg = po_offsetof(prog, O, "memcg");
	cl->objcg_refcnt = po_offsetof(prog, O, "refcnt");
	cl->objcg_list = po_offsetof(prog, O, "list");
	cl->ref_ptr = po_offsetof(prog, "struct percpu_ref", "percpu_count_ptr");
	cl->ref_data = po_offsetof(prog, "struct percpu_ref", "data");
	cl->ref_count = po_offsetof(prog, "struct percpu_ref", "count");
	cl->refdata_count = po_offsetof(prog, "struct percpu_ref_data", "count");
	cl->root_cgrp = po_offsetof(prog, "struct cgroup_root", "cgrp");
	cl->css_online = enumerator_or(prog, "CSS_ONLINE", 2);
	cl->css_dying = enumerator_or(prog, "CSS_DYING", 0);
	cl->nr_nodes = 1;
	if (po_symbol_addr(prog, "nr_node_ids", &addr)) {
		uint32_t v;
		struct po_error *err = po_read_u32(prog, addr, &v);
		if (!err && v >= 1 && v <= 1024)
			cl->nr_nodes = v;
		po_error_destroy(err);
	}
	return NULL;
}

struct po_error *po_cgroup_name(struct po_program *prog, uint64_t cgroup,
				char *buf, size_t len)
{
	const struct po_cg_layout *cl = prog->k->cg;
	struct po_error *err;
	uint64_t kn, parent, name;

	if (cl->cgroup_kn == PO_ABSENT || cl->kn_parent == PO_ABSENT || cl->kn_name == PO_ABSENT)
		return po_error_create(PO_ERR_DEBUGINFO, "no struct cgroup / kernfs_node layout in %s",
				       po_debuginfo_name(prog));
	err = po_read_u64(prog, cgroup + cl->cgroup_kn, &kn);
	if (err)
		return err;
	if (!kn) {
		snprintf(buf, len, "(null)");
		return NULL;
	}
	if ((err = po_read_u64(prog, kn + cl->kn_parent, &parent)))
		return err;
	if (!parent) {
		snprintf(buf, len, "/");
		return NULL;
	}
	if ((err = po_read_u64(prog, kn + cl->kn_name, &name)))
		return err;
	return po_read_cstr(prog, name, buf, len);
}

/* A percpu_ref: exact only in atomic mode (a killed css or objcg). */
static void read_ref(struct po_program *prog, const struct po_cg_layout *cl,
		     uint64_t ref, struct po_cg_ref *r)
{
	uint64_t ptr, data, count;

	memset(r, 0, sizeof(*r));
	r->mode = PO_REF_UNKNOWN;
	if (!rd64(prog, ref, cl->ref_ptr, &ptr))
		return;
	if (cl->ref_data != PO_ABSENT) {
		if (!rd64(prog, ref, cl->ref_data, &data) ||
		    !rd64(prog, data, cl->refdata_count, &count))
			return;
	} else if (!rd64(prog, ref, cl->ref_count, &count)) {
		return;
	}
	r->dead = ptr & 2;              /* __PERCPU_REF_DEAD */
	if (!(ptr & 1)) {               /* __PERCPU_REF_ATOMIC clear */
		r->mode = PO_REF_PERCPU;
	} else if ((int64_t)count < 0) {
		/* PERCPU_COUNT_BIAS still added: the switch to atomic has not
		 * been confirmed yet (an RCU grace period away). */
		r->mode = PO_REF_SWITCHING;
	} else {
		r->mode = PO_REF_ATOMIC;
		r->count = (long long)count;
	}
}

/* Full path of a cgroup from its kernfs node and the leaf name. */
static bool kn_path(struct po_program *prog, const struct po_cg_layout *cl,
		    uint64_t kn, char **path, char *leaf, size_t leaf_len)
{
	char names[MAX_DEPTH][80];
	int n = 0;
	uint64_t parent, name;

	snprintf(leaf, leaf_len, "(null)");
	if (!kn) {
		*path = po_strdup("(null)");
		return *path != NULL;
	}
	for (uint64_t k = kn; k; k = parent) {
		if (!rd64(prog, k, cl->kn_parent, &parent))
			return false;
		if (!parent)
			break;      /* the hierarchy's root: no name in the path */
		if (n == MAX_DEPTH)
			return false;
		if (!rd64(prog, k, cl->kn_name, &name))
			return false;
		struct po_error *err = po_read_cstr(prog, name, names[n], sizeof(names[n]));
		if (err) {
			po_error_destroy(err);
			snprintf(names[n], sizeof(names[n]), "(unreadable@%#llx)",
				 (unsigned long long)name);
		}
		n++;
	}
	size_t len = 2;
	for (int i = 0; i < n; i++)
		len += strlen(names[i]) + 1;
	char *p = malloc(len);
	if (!p)
		return false;
	if (!n) {
		strcpy(p, "/");
		snprintf(leaf, leaf_len, "/");
	} else {
		p[0] = '\0';
		for (int i = n - 1; i >= 0; i--) {
			strcat(p, "/");
			strcat(p, names[i]);
		}
		snprintf(leaf, leaf_len, "%s", names[0]);
	}
	*path = p;
	return true;
}

/* The entries of po_cg_tree.index. */
struct node_ref {
	uint64_t memcg;
	size_t idx;           /* in po_cg_tree.nodes */
};

size_t po_cg_tree_find(const struct po_cg_tree *t, uint64_t memcg)
{
	const struct node_ref *ref = po_keymap_find(&t->index, memcg);
	return ref ? ref->idx : PO_CG_NONE;
}

static void add_objcg(struct po_program *prog, const struct po_cg_layout *cl,
		      struct po_cg_node *nd, uint64_t objcg, const char *role)
{
	if (!objcg)
		return;
	for (size_t i = 0; i < nd->nr_objcgs; i++)
		if (nd->objcgs[i].addr == objcg)
			return;
	if (nd->nr_objcgs >= 4096)
		return;
	struct po_cg_objcg *o = po_xrealloc_array(nd->objcgs, nd->nr_objcgs + 1,
						  sizeof(*o));
	if (!o)
		return;
	nd->objcgs = o;
	o = &nd->objcgs[nd->nr_objcgs++];
	memset(o, 0, sizeof(*o));
	o->addr = objcg;
	o->role = role;
	o->refcnt = -1;
	rd64(prog, objcg, cl->objcg_memcg, &o->memcg);
	struct po_cg_ref r;
	if (cl->objcg_refcnt != PO_ABSENT) {
		read_ref(prog, cl, objcg + cl->objcg_refcnt, &r);
		if (r.mode == PO_REF_ATOMIC)
			o->refcnt = r.count;
	}
}

static void read_objcg_list(struct po_program *prog, const struct po_cg_layout *cl,
			    struct po_cg_node *nd, uint64_t head, const char *role)
{
	uint64_t pos, prev = head, back;

	if (cl->objcg_list == PO_ABSENT || !rd64(prog, head, 0, &pos))
		return;
	/* Each entry's prev must point back: a dying memcg's objcg_list head
	 * is stale after list_splice() moved its entries to the parent. */
	for (unsigned i = 0; pos && pos != head && i < 4096; i++) {
		if (!rd64(prog, pos, 8, &back) || back != prev)
			return;
		add_objcg(prog, cl, nd, pos - cl->objcg_list, role);
		prev = pos;
		if (!rd64(prog, pos, 0, &pos))
			return;
	}
}

static void read_objcgs(struct po_program *prog, const struct po_cg_layout *cl,
			struct po_cg_node *nd)
{
	uint64_t v;

	if (rd64(prog, nd->memcg, cl->memcg_objcg, &v))
		add_objcg(prog, cl, nd, v, "objcg");
	if (rd64(prog, nd->memcg, cl->memcg_orig_objcg, &v))
		add_objcg(prog, cl, nd, v, "orig_objcg");
	if (cl->memcg_objcg_list != PO_ABSENT)
		read_objcg_list(prog, cl, nd, nd->memcg + cl->memcg_objcg_list, "objcg_list");
	if (cl->memcg_nodeinfo == PO_ABSENT || cl->pn_objcg == PO_ABSENT)
		return;
	for (unsigned nid = 0; nid < cl->nr_nodes && nid < 64; nid++) {
		uint64_t pn;
		if (!rd64(prog, nd->memcg, cl->memcg_nodeinfo + 8 * nid, &pn) || !pn)
			continue;
		if (rd64(prog, pn, cl->pn_objcg, &v))
			add_objcg(prog, cl, nd, v, "node objcg");
		if (rd64(prog, pn, cl->pn_orig_objcg, &v))
			add_objcg(prog, cl, nd, v, "node orig_objcg");
		if (cl->pn_objcg_list != PO_ABSENT)
			read_objcg_list(prog, cl, nd, pn + cl->pn_objcg_list, "node objcg_list");
	}
}

/* Read one memcg into a new node. */
static struct po_error *add_node(struct po_program *prog, struct po_cg_tree *t,
				 const struct po_cg_layout *cl, uint64_t memcg,
				 size_t parent, bool in_tree, size_t *ret)
{
	uint64_t css = memcg + cl->css, flags64;
	uint32_t flags;

	if (t->n >= MAX_NODES)
		return po_error_create(PO_ERR_INVALID, "more than %u memory cgroups", MAX_NODES);
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct po_cg_node *nn = po_xrealloc_array(t->nodes, cap, sizeof(*nn));
		if (!nn)
			return &po_error_nomem;
		t->nodes = nn;
		t->cap = cap;
	}
	struct po_cg_node *nd = &t->nodes[t->n];
	memset(nd, 0, sizeof(*nd));
	nd->memcg = memcg;
	nd->parent = parent;
	nd->in_tree = in_tree;
	nd->depth = parent == PO_CG_NONE ? 0 : t->nodes[parent].depth + 1;
	nd->memcg_id = -1;
	nd->id_ref = -1;
	if (!rd32(prog, css, cl->css_flags, &flags) ||
	    !rd64(prog, css, cl->css_cgroup, &nd->cgroup))
		return po_error_create(PO_ERR_FAULT,
				       "mem_cgroup at %#llx: its css is not in the dump",
				       (unsigned long long)memcg);
	(void)flags64;
	nd->css_flags = flags;
	nd->online = flags & cl->css_online;
	nd->dying = memcg != t->root_memcg &&
		    (!nd->online || (cl->css_dying && (flags & cl->css_dying)));
	bool kn_ok = rd64(prog, nd->cgroup, cl->cgroup_kn, &nd->kn);
	if (!kn_ok || !kn_path(prog, cl, nd->kn, &nd->path, nd->name, sizeof(nd->name))) {
		char buf[64];
		snprintf(buf, sizeof(buf), "(unreadable memcg %#llx)", (unsigned long long)memcg);
		free(nd->path);
		nd->path = po_strdup(buf);
		if (!nd->path)
			return &po_error_nomem;
		po_cg_warn(t, "the kernfs path of memcg %#llx could not be read: its %s is not in the dump",
			   (unsigned long long)memcg, kn_ok ? "kernfs node" : "struct cgroup");
	}
	rd64(prog, nd->kn, cl->kn_id, &nd->cgroup_id);
	nd->memcg_id = rd_int(prog, memcg, cl->memcg_id_id);
	nd->id_ref = rd_int(prog, memcg, cl->memcg_id_ref);
	nd->online_cnt = rd_int(prog, css, cl->css_online_cnt);
	nd->nr_descendants = rd_int(prog, nd->cgroup, cl->cgroup_nr_desc);
	nd->nr_dying_descendants = rd_int(prog, nd->cgroup, cl->cgroup_nr_dying_desc);
	if (cl->css_refcnt != PO_ABSENT)
		read_ref(prog, cl, css + cl->css_refcnt, &nd->css_ref);
	read_objcgs(prog, cl, nd);
	*ret = t->n++;
	struct node_ref *ref = po_keymap_get(&t->index, memcg);
	if (!ref)
		return &po_error_nomem;
	ref->idx = *ret;
	return NULL;
}

static bool layout_ok(const struct po_cg_layout *cl)
{
	return cl->css != PO_ABSENT && cl->css_cgroup != PO_ABSENT &&
	       cl->css_flags != PO_ABSENT && cl->css_sibling != PO_ABSENT &&
	       cl->css_children != PO_ABSENT && cl->cgroup_kn != PO_ABSENT &&
	       cl->kn_parent != PO_ABSENT && cl->kn_name != PO_ABSENT;
}

struct po_error *po_cg_tree_get(struct po_program *prog, struct po_cg_tree *t,
				uint64_t memcg, size_t *idx)
{
	const struct po_cg_layout *cl = prog->k->cg;

	*idx = po_cg_tree_find(t, memcg);
	if (*idx != PO_CG_NONE)
		return NULL;
	struct po_error *err = add_node(prog, t, cl, memcg, PO_CG_NONE, false, idx);
	if (!err) {
		/* Place it under its css.parent if that is known. */
		uint64_t pcss;
		size_t pcss_off = po_offsetof(prog, "struct cgroup_subsys_state", "parent");
		if (rd64(prog, memcg + cl->css, pcss_off, &pcss) && pcss) {
			size_t p = po_cg_tree_find(t, pcss - cl->css);
			if (p != PO_CG_NONE) {
				t->nodes[*idx].parent = p;
				t->nodes[*idx].depth = t->nodes[p].depth + 1;
			}
		}
	}
	return err;
}

bool po_cg_is_under(const struct po_cg_tree *t, size_t i, size_t anc)
{
	for (int d = 0; i != PO_CG_NONE && d <= MAX_DEPTH + 1; d++) {
		if (i == anc)
			return true;
		i = t->nodes[i].parent;
	}
	return false;
}

static void read_counters(struct po_program *prog, struct po_cg_tree *t,
			  const struct po_cg_layout *cl)
{
	uint64_t root, cgrp, css, rootcss;

	t->nr_dying_descendants = -1;
	t->nr_descendants = -1;
	t->nr_dying_subsys_memory = -1;
	t->memory_ssid = -1;
	if (!po_symbol_addr(prog, "cgrp_dfl_root", &root) || cl->root_cgrp == PO_ABSENT) {
		po_cg_warn(t, "cgrp_dfl_root not found: the kernel's dying counters are not available");
		return;
	}
	cgrp = root + cl->root_cgrp;
	t->nr_dying_descendants = rd_int(prog, cgrp, cl->cgroup_nr_dying_desc);
	t->nr_descendants = rd_int(prog, cgrp, cl->cgroup_nr_desc);
	/* The memory controller's id: the slot of cgrp_dfl_root.cgrp.subsys[]
	 * that holds root_mem_cgroup's css. */
	rootcss = t->root_memcg + cl->css;
	for (long i = 0; cl->cgroup_subsys != PO_ABSENT && i < cl->nr_subsys && i < 64; i++) {
		if (rd64(prog, cgrp, cl->cgroup_subsys + 8 * (size_t)i, &css) && css == rootcss) {
			t->memory_ssid = (int)i;
			break;
		}
	}
	if (t->memory_ssid >= 0 && cl->cgroup_nr_dying_subsys != PO_ABSENT &&
	    t->memory_ssid < cl->nr_dying_subsys_len)
		t->nr_dying_subsys_memory = rd_int(prog, cgrp, cl->cgroup_nr_dying_subsys +
						   4 * (size_t)t->memory_ssid);
}

struct po_error *po_cg_tree_load(struct po_program *prog, struct po_cg_tree *t)
{
	const struct po_cg_layout *cl = prog->k->cg;
	struct po_error *err;
	uint64_t addr, root;
	size_t idx;

	memset(t, 0, sizeof(*t));
	t->index = (struct po_keymap)PO_KEYMAP_INIT(struct node_ref);
	if (!layout_ok(cl))
		return po_error_create(PO_ERR_DEBUGINFO,
				       "the DWARF of %s lacks struct mem_cgroup / cgroup_subsys_state / cgroup / kernfs_node members (kernel built without CONFIG_MEMCG?)",
				       po_debuginfo_name(prog));
	t->objcg_everywhere = po_offsetof(prog, "struct mem_cgroup_per_node", "objcg") != PO_ABSENT;
	err = po_symbol_required(prog, "root_mem_cgroup", &addr);
	if (err)
		return err;
	err = po_read_u64(prog, addr, &root);
	if (err)
		return po_error_prefix(err, "reading root_mem_cgroup");
	if (!root)
		return po_error_create(PO_ERR_INVALID,
				       "root_mem_cgroup is NULL: the memory controller was disabled (cgroup_disable=memory)");
	t->root_memcg = root;
	err = add_node(prog, t, cl, root, PO_CG_NONE, true, &idx);
	if (err)
		return po_error_prefix(err, "root_mem_cgroup");
	read_counters(prog, t, cl);

	/* Pre-order walk: a stack of (node, next list position). */
	struct frame { size_t node; uint64_t head, pos; unsigned steps; };
	struct frame stack[MAX_DEPTH + 1];
	int sp = 0;
	stack[0].node = idx;
	stack[0].head = root + cl->css + cl->css_children;
	if (!rd64(prog, stack[0].head, 0, &stack[0].pos))
		return po_error_create(PO_ERR_FAULT, "root_mem_cgroup's css.children is not in the dump");
	stack[0].steps = 0;
	while (sp >= 0) {
		struct frame *f = &stack[sp];
		if (!f->pos || f->pos == f->head || ++f->steps > MAX_LIST) {
			if (f->steps > MAX_LIST)
				po_cg_warn(t, "css.children of %s: list too long, stopped",
					   t->nodes[f->node].path);
			else if (!f->pos)
				po_cg_warn(t, "css.children of %s: NULL link", t->nodes[f->node].path);
			sp--;
			continue;
		}
		uint64_t child = f->pos - cl->css_sibling - cl->css;
		uint64_t next;
		if (!rd64(prog, f->pos, 0, &next)) {
			po_cg_warn(t, "css.sibling list under %s: %#llx not in the dump",
				   t->nodes[f->node].path, (unsigned long long)f->pos);
			next = 0;
		}
		f->pos = next;
		if (po_cg_tree_find(t, child) != PO_CG_NONE) {
			po_cg_warn(t, "memcg %#llx seen twice (cycle in css lists), skipped",
				   (unsigned long long)child);
			continue;
		}
		size_t parent = f->node;
		err = add_node(prog, t, cl, child, parent, true, &idx);
		if (err) {
			if (err->code == PO_ERR_NOMEM)
				return err;
			po_cg_warn(t, "%s", err->message);
			po_error_destroy(err);
			continue;
		}
		if (sp == MAX_DEPTH) {
			po_cg_warn(t, "memcg tree deeper than %d levels at %s", MAX_DEPTH,
				   t->nodes[idx].path);
			continue;
		}
		struct frame *c = &stack[++sp];
		c->node = idx;
		c->head = child + cl->css + cl->css_children;
		c->steps = 0;
		if (!rd64(prog, c->head, 0, &c->pos))
			c->pos = 0;
	}
	return NULL;
}

void po_cg_tree_free(struct po_cg_tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->nodes[i].path);
		free(t->nodes[i].objcgs);
		free(t->nodes[i].tasks);
	}
	free(t->nodes);
	po_keymap_free(&t->index);
	for (size_t i = 0; i < t->nr_warnings; i++)
		free(t->warnings[i]);
	free(t->warnings);
	memset(t, 0, sizeof(*t));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Each css_set holds one reference on every css it points at. */
static struct po_error *count_csets(struct po_cg_tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		struct po_cg_node *nd = &t->nodes[i];
		if (!nd->nr_tasks)
			continue;
		uint64_t *c = po_xrealloc_array(NULL, nd->nr_tasks, sizeof(*c));
		if (!c)
			return &po_error_nomem;
		for (size_t k = 0; k < nd->nr_tasks; k++)
			c[k] = nd->tasks[k].cset;
		po_qsort(c, nd->nr_tasks, sizeof(*c), cmp_u64);
		nd->nr_csets = 0;
		for (size_t k = 0; k < nd->nr_tasks; k++)
			nd->nr_csets += k == 0 || c[k] != c[k - 1];
		free(c);
	}
	return NULL;
}

struct po_error *po_cg_tree_read_tasks(struct po_program *prog, struct po_cg_tree *t)
{
	const char *T = "struct task_struct";
	size_t off_tasks = po_offsetof(prog, T, "tasks"),
	       off_pid = po_offsetof(prog, T, "pid"),
	       off_tgid = po_offsetof(prog, T, "tgid"),
	       off_comm = po_offsetof(prog, T, "comm"),
	       off_cgroups = po_offsetof(prog, T, "cgroups"),
	       off_subsys = po_offsetof(prog, "struct css_set", "subsys"),
	       off_css = po_offsetof(prog, "struct mem_cgroup", "css"),
	       off_exit_state = po_offsetof(prog, T, "exit_state"),
	       off_parent = po_offsetof(prog, T, "real_parent");
	uint64_t init, pos;

	if (t->memory_ssid < 0 || off_tasks == PO_ABSENT || off_cgroups == PO_ABSENT ||
	    off_subsys == PO_ABSENT || off_comm == PO_ABSENT || off_css == PO_ABSENT ||
	    !po_symbol_addr(prog, "init_task", &init)) {
		po_cg_warn(t, "the task list could not be read (layout or init_task missing)");
		return NULL;
	}
	uint64_t head = init + off_tasks;
	/* the list positions walked: a cycle that does not come back to the
	 * head stops at its first repeat (else 10^6 steps, its tasks counted
	 * again on every turn) */
	struct po_keymap seen = PO_KEYMAP_INIT(uint64_t);
	pos = head;
	for (unsigned n = 0; n < 1000000; n++) {
		uint64_t task = pos - off_tasks, cset, css;
		if (n && pos == head)
			break;
		if (po_keymap_find(&seen, pos)) {
			po_cg_warn(t, "the task list loops back to task %#llx after %u tasks; stopped",
				   (unsigned long long)task, n);
			break;
		}
		if (!po_keymap_append(&seen, pos)) {
			po_keymap_free(&seen);
			return &po_error_nomem;
		}
		if (rd64(prog, task, off_cgroups, &cset) &&
		    rd64(prog, cset, off_subsys + 8 * (size_t)t->memory_ssid, &css) && css) {
			size_t i = po_cg_tree_find(t, css - off_css);
			struct po_cg_node *nd = i == PO_CG_NONE ? NULL : &t->nodes[i];
			if (nd && nd->nr_tasks < 100000) {
				struct po_cg_task *tk = po_xrealloc_array(nd->tasks, nd->nr_tasks + 1,
									  sizeof(*tk));
				if (!tk) {
					po_keymap_free(&seen);
					return &po_error_nomem;
				}
				nd->tasks = tk;
				tk = &tk[nd->nr_tasks++];
				memset(tk, 0, sizeof(*tk));
				tk->pid = rd_int(prog, task, off_pid);
				tk->tgid = rd_int(prog, task, off_tgid);
				struct po_error *err = po_read(prog, task + off_comm, tk->comm, 16);
				if (err) {
					po_error_destroy(err);
					snprintf(tk->comm, sizeof(tk->comm), "?");
				}
				tk->comm[16] = '\0';
				tk->cset = cset;
				tk->parent_tgid = -1;
				if (off_exit_state != PO_ABSENT)
					tk->exited = rd_int(prog, task, off_exit_state) > 0;
				uint64_t parent;
				if (off_parent != PO_ABSENT && rd64(prog, task, off_parent, &parent) && parent)
					tk->parent_tgid = rd_int(prog, parent, off_tgid);
			}
		}
		t->nr_tasks_total++;
		if (!rd64(prog, pos, 0, &pos) || !pos) {
			po_cg_warn(t, "the task list is broken after %u tasks", n + 1);
			break;
		}
		if (n == 999999)
			po_cg_warn(t, "the task list is too long; stopped");
	}
	po_keymap_free(&seen);
	t->tasks_read = true;
	return count_csets(t);
}
