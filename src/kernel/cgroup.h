/*
 * The memory cgroup tree of a dump (cgroup.c): every struct mem_cgroup
 * reachable from root_mem_cgroup through css.children/css.sibling, with its
 * full path (kernfs parents), ids, state, reference counts and the
 * obj_cgroups that point at it; the kernel's own dying counters; the tasks
 * attached to each memcg.  Used by report_memcg.c and the crash extension.
 */
#ifndef PO_CGROUP_H
#define PO_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pageowner.h"
#include "access/debuginfo.h"
#include "base/keymap.h"

#define PO_CG_NONE ((size_t)-1)

/* Where the cgroup and memcg structures keep what the model reads,
 * resolved once at start-up (po_cgroup_init()); PO_ABSENT for what this
 * kernel lacks. */
struct po_cg_layout {
	size_t css;               /* mem_cgroup.css */
	size_t css_cgroup, css_flags, css_sibling, css_children, css_refcnt,
	       css_online_cnt;
	size_t cgroup_kn, cgroup_nr_desc, cgroup_nr_dying_desc,
	       cgroup_nr_dying_subsys, cgroup_subsys;
	long nr_subsys, nr_dying_subsys_len;
	size_t kn_parent, kn_name, kn_id;
	bool kn_parent_renamed;   /* kernfs_node.__parent (6.15+) */
	size_t memcg_id_id, memcg_id_ref;
	size_t memcg_objcg, memcg_orig_objcg, memcg_objcg_list, memcg_nodeinfo;
	size_t pn_objcg, pn_orig_objcg, pn_objcg_list;
	size_t objcg_memcg, objcg_refcnt, objcg_list;
	size_t ref_ptr, ref_data, ref_count, refdata_count;
	size_t root_cgrp;
	uint32_t css_online, css_dying;
	unsigned nr_nodes;
};
/* Resolve it into prog->k->cg. */
struct po_error *po_cgroup_init(struct po_program *prog);
/* A cgroup's leaf name as the kernel prints it ("/" for the root). */
struct po_error *po_cgroup_name(struct po_program *prog, uint64_t cgroup,
				char *buf, size_t len);


/* An obj_cgroup whose ->memcg is a given memcg, or one a memcg owns. */
struct po_cg_objcg {
	uint64_t addr;
	uint64_t memcg;       /* objcg->memcg */
	long long refcnt;     /* -1: unknown (percpu mode or unreadable) */
	const char *role;     /* "objcg", "orig_objcg", "inherited", "node N objcg"... */
};

struct po_cg_task {
	int pid, tgid;
	char comm[17];
	uint64_t cset;        /* its css_set (which holds a css reference) */
	bool exited;          /* exit_state set: a zombie its parent has not reaped */
	int parent_tgid;      /* real_parent's tgid, -1 unknown */
};

/* Reference count of a percpu_ref. */
struct po_cg_ref {
	enum { PO_REF_UNKNOWN, PO_REF_PERCPU, PO_REF_ATOMIC, PO_REF_SWITCHING } mode;
	bool dead;            /* __PERCPU_REF_DEAD: killed */
	long long count;      /* valid in PO_REF_ATOMIC */
};

struct po_cg_node {
	uint64_t memcg, cgroup, kn;
	char *path;           /* full path, "/" for the root */
	char name[80];        /* leaf name as page_owner prints it */
	uint64_t cgroup_id;   /* kernfs node id (what userspace sees as the cgroup id) */
	int memcg_id;         /* mem_cgroup.id.id, -1 unknown */
	uint32_t css_flags;
	bool online;          /* CSS_ONLINE */
	bool dying;           /* not the root, and CSS_DYING set or CSS_ONLINE clear */
	int depth;
	size_t parent;        /* index or PO_CG_NONE */
	bool in_tree;         /* found by the css tree walk (else only via a page) */
	struct po_cg_ref css_ref;
	long long id_ref;     /* mem_cgroup.id.ref, -1 unknown */
	int online_cnt;       /* css.online_cnt, -1 unknown */
	int nr_descendants, nr_dying_descendants; /* the cgroup's own counters, -1 unknown */
	struct po_cg_objcg *objcgs; size_t nr_objcgs; /* objcgs owned by or pointing at it */
	struct po_cg_task *tasks; size_t nr_tasks;
	size_t nr_csets;      /* distinct css_sets of its tasks: one css reference each */
};

struct po_cg_tree {
	struct po_cg_node *nodes;
	size_t n, cap;
	struct po_keymap index;      /* memcg address -> node index */
	uint64_t root_memcg;
	/* the kernel's counters (cgrp_dfl_root.cgrp) */
	int nr_dying_descendants;    /* -1 unknown */
	int nr_descendants;
	int nr_dying_subsys_memory;  /* -1: the kernel has no nr_dying_subsys[] */
	int memory_ssid;             /* -1 unknown */
	bool objcg_everywhere;       /* 7.x: folios point at objcgs, LRU reparented */
	bool tasks_read;             /* the task list was walked */
	unsigned nr_tasks_total;
	char **warnings; size_t nr_warnings;
};

/* Walk the memcg tree from root_mem_cgroup; fails only if the root or the
 * layouts are unusable (other problems become warnings). */
struct po_error *po_cg_tree_load(struct po_program *prog, struct po_cg_tree *t);
void po_cg_tree_free(struct po_cg_tree *t);
size_t po_cg_tree_find(const struct po_cg_tree *t, uint64_t memcg);
/* Find a memcg, adding it (outside the walked tree) if new. */
struct po_error *po_cg_tree_get(struct po_program *prog, struct po_cg_tree *t,
				uint64_t memcg, size_t *idx);
/* Is node i inside the subtree of node anc (or anc itself)? */
bool po_cg_is_under(const struct po_cg_tree *t, size_t i, size_t anc);
/* Attach tasks (init_task list, task->cgroups->subsys[memory]) to the nodes. */
struct po_error *po_cg_tree_read_tasks(struct po_program *prog, struct po_cg_tree *t);

/* The type names the cgroup tree code asks for (kernel.c declares them). */
extern const struct po_type_names po_cgroup_types;

#endif
