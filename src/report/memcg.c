/*
 * `pageowner memcg`: which memory cgroups are dying but pinned, by which
 * pages and stacks.
 *
 * The memcg tree comes from cgroup.c (root_mem_cgroup's css lists).  Pages:
 * with page_owner on, the records /sys/kernel/debug/page_owner prints
 * (allocated head records, 2^order base pages each: the numbers match the
 * kernel's "Charged ... to [offline ]memcg NAME" lines); with it off, every
 * struct page's memcg_data (base pages; tails follow their head).  The memcg
 * of a page is po_page_memcg().  What a page is: kmem (MEMCG_DATA_KMEM) is
 * kernel memory; otherwise page->mapping & PAGE_MAPPING_ANON is anon,
 * PG_swapbacked without it is shmem/tmpfs, another mapping is page cache.
 * Slab pages carry a per-object obj_cgroup vector; objects are attributed
 * to objcg->memcg.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pageowner.h"
#include "base/json.h"
#include "base/keymap.h"
#include "base/util.h"
#include "kernel/cgroup.h"
#include "kernel/kernel.h"
#include "kernel/memcg.h"
#include "kernel/stackdepot.h"
#include "access/debuginfo.h"
#include "access/program.h"
#include "report/types.h"

const struct po_type_names po_memcg_report_types = PO_TYPE_NAMES(
	"struct slab?", "struct kmem_cache?", "struct slabobj_ext?", "struct static_key",
	"enumerator PG_swapbacked?", "enumerator PG_slab?",
	"var slab_obj_ext_has_codetag_key?");

enum kind { K_ANON, K_SHMEM, K_FILE, K_KERNEL, K_OTHER, NR_KINDS };
static const char *const kind_names[NR_KINDS] = {
	"anon", "shmem", "file", "kernel", "other"
};
static const char *const kind_text[NR_KINDS] = {
	"anon", "shmem/tmpfs", "page cache", "kernel (kmem)", "other"
};

#define MAX_WHO 32

struct who {
	int pid, tgid;
	char comm[17];
	uint64_t pages;
};

struct stats {
	uint64_t pages, records, direct, objcg;
	uint64_t direct_folios;    /* each holds one css reference (6.x) */
	uint64_t kind[NR_KINDS];
	uint64_t slab_objects, slab_bytes;
	struct who who[MAX_WHO];   /* allocating processes (by tgid), largest kept */
	int nwho;
	uint64_t who_other;
};

/* Pages of one memcg from one stack, of one kind: the entries of
 * ctx.groups, keyed by group_key(). */
struct group {
	uint64_t key;
	size_t node;
	uint32_t handle;
	int kind;
	uint64_t pages, records;
	struct who who[4];
	int nwho;
	uint64_t who_other;
};

struct ctx {
	struct po_program *prog;
	struct po_cg_tree *tree;
	struct stats *st;
	size_t st_cap;
	bool debugfs;
	struct po_keymap groups; /* by (node, handle, kind) */
	/* layouts */
	size_t off_mapping;
	uint64_t pg_swapbacked, pg_slab;
	/* PO_WALK_ALL: the compound head being followed */
	uint64_t cur_head;
	size_t cur_node;
	int cur_kind;
	/* slab object attribution */
	bool slab_ok;
	struct po_member slab_objects, slab_cache_m;
	/* 7.x: per-slab bits saying whether the vector has objcgs and whether
	 * it lives inside the objects (stride = kmem_cache.size) */
	struct po_member slab_needs_objcg, slab_in_object;
	bool have_needs_objcg, have_in_object;
	unsigned ext_mult;
	size_t cache_size_off, ext_size;
	uint64_t slab_pages, slab_pages_unattributed, slab_objs_total;
	/* the struct pages of the current memory section, read in bulk like
	 * the walk does (small reads of vmemmap addresses crashed
	 * libkdumpfile 0.5.x on a 7.3 kdump-compressed dump) */
	uint64_t sec_nr, sec_base;
	uint8_t *sec_buf;
	uint8_t *sec_ok;        /* per 4 KiB chunk of sec_buf */
	size_t sec_len;
	/* problems */
	uint64_t unreadable, mapping_unreadable;
	char first_unreadable[256];
};

static struct po_error *stats_for(struct ctx *c, size_t node, struct stats **ret)
{
	if (node >= c->st_cap) {
		size_t cap = c->st_cap ? c->st_cap : 64;
		while (cap <= node)
			cap *= 2;
		struct stats *s = po_xrealloc_array(c->st, cap, sizeof(*s));
		if (!s)
			return &po_error_nomem;
		memset(s + c->st_cap, 0, (cap - c->st_cap) * sizeof(*s));
		c->st = s;
		c->st_cap = cap;
	}
	*ret = &c->st[node];
	return NULL;
}

/* Add pages to a small "who" table keyed by tgid+comm. */
static void who_add(struct who *w, int *n, int max, uint64_t *other,
		    const struct po_record *rec, uint64_t pages)
{
	for (int i = 0; i < *n; i++) {
		if (w[i].tgid == rec->tgid && !strcmp(w[i].comm, rec->comm)) {
			w[i].pages += pages;
			return;
		}
	}
	if (*n < max) {
		w[*n].pid = rec->pid;
		w[*n].tgid = rec->tgid;
		memcpy(w[*n].comm, rec->comm, sizeof(w[*n].comm));
		w[*n].pages = pages;
		(*n)++;
		return;
	}
	*other += pages;
}

/* node < 2^20 (cgroup.c MAX_NODES) and kind < 8: distinct triples make
 * distinct keys. */
static uint64_t group_key(size_t node, uint32_t handle, int kind)
{
	return ((uint64_t)node << 36) | ((uint64_t)kind << 32) | handle;
}

static struct group *group_get(struct ctx *c, size_t node, uint32_t handle, int kind)
{
	struct group *g = po_keymap_get(&c->groups, group_key(node, handle, kind));
	if (g) {
		g->node = node;
		g->handle = handle;
		g->kind = kind;
	}
	return g;
}

/* The whole struct page of rec (fields the walk does not decode). */
static const uint8_t *page_bytes(struct ctx *c, const struct po_record *rec)
{
	struct po_layout *L = &c->prog->k->L;
	size_t sz = L->sizeof_page;
	uint64_t pps = L->pages_per_section;

	if (!sz || !pps)
		return NULL;
	uint64_t nr = rec->pfn / pps, idx = rec->pfn % pps;
	if (!c->sec_buf || c->sec_nr != nr || c->sec_base != rec->page_addr - idx * sz) {
		size_t len = pps * sz, nchunks = (len + 4095) / 4096;
		if (!c->sec_buf) {
			c->sec_buf = malloc(len);
			c->sec_ok = malloc(nchunks);
			if (!c->sec_buf || !c->sec_ok)
				return NULL;
			c->sec_len = len;
		}
		c->sec_nr = nr;
		c->sec_base = rec->page_addr - idx * sz;
		struct po_error *err = po_read(c->prog, c->sec_base, c->sec_buf, len);
		if (!err) {
			memset(c->sec_ok, 1, nchunks);
		} else {
			po_error_destroy(err);
			for (size_t k = 0; k < nchunks; k++) {
				size_t n = k + 1 < nchunks ? 4096 : len - k * 4096;
				err = po_read(c->prog, c->sec_base + k * 4096, c->sec_buf + k * 4096, n);
				c->sec_ok[k] = !err;
				po_error_destroy(err);
			}
		}
	}
	size_t off = idx * sz;
	if (!c->sec_ok[off / 4096] || !c->sec_ok[(off + sz - 1) / 4096])
		return NULL;
	return c->sec_buf + off;
}

static int classify(struct ctx *c, const struct po_record *rec,
		    const struct po_memcg_info *mi)
{
	uint64_t mapping;

	if (mi->via_objcg)
		return K_KERNEL;
	if (c->pg_slab && (rec->page_flags & c->pg_slab))
		return K_KERNEL;
	if (c->off_mapping == PO_ABSENT)
		return K_OTHER;
	const uint8_t *pg = page_bytes(c, rec);
	if (pg && c->off_mapping + 8 <= c->prog->k->L.sizeof_page) {
		mapping = po_get_u64(pg + c->off_mapping);
	} else {
		c->mapping_unreadable++;
		return (rec->page_flags & c->pg_swapbacked) ? K_SHMEM : K_OTHER;
	}
	if (mapping & 1)            /* PAGE_MAPPING_ANON */
		return K_ANON;
	if (c->pg_swapbacked && (rec->page_flags & c->pg_swapbacked))
		return K_SHMEM;
	return mapping ? K_FILE : K_OTHER;
}

static struct po_error *charge(struct ctx *c, size_t node, int kind, bool via_objcg,
			       uint64_t pages, const struct po_record *rec,
			       bool with_owner)
{
	struct stats *s;
	struct po_error *err = stats_for(c, node, &s);
	if (err)
		return err;
	s->pages += pages;
	s->kind[kind] += pages;
	if (via_objcg)
		s->objcg += pages;
	else
		s->direct += pages;
	if (!with_owner)
		return NULL;
	s->records++;
	who_add(s->who, &s->nwho, MAX_WHO, &s->who_other, rec, pages);
	struct group *g = group_get(c, node, po_handle_mask(c->prog, rec->handle), kind);
	if (!g)
		return &po_error_nomem;
	g->pages += pages;
	g->records++;
	who_add(g->who, &g->nwho, 4, &g->who_other, rec, pages);
	return NULL;
}

/* ---- slab objects ---- */

static void slab_init(struct ctx *c)
{
	struct po_program *prog = c->prog;
	const char *S = "struct slab";

	if (!po_has_type(prog, "struct kmem_cache") ||
	    !po_member(prog, S, "objects", &c->slab_objects) ||
	    !po_member(prog, S, "slab_cache", &c->slab_cache_m))
		return;
	c->cache_size_off = po_offsetof(prog, "struct kmem_cache", "size");
	if (c->cache_size_off == PO_ABSENT)
		return;
	c->ext_size = 8; /* struct obj_cgroup * (up to 6.9) */
	if (po_has_type(prog, "struct slabobj_ext"))
		c->ext_size = po_sizeof(prog, "struct slabobj_ext");
	if (c->ext_size < 8 || c->ext_size > 64)
		return;
	c->ext_mult = 1;
	c->have_needs_objcg = po_member(prog, S, "obj_exts_needs_objcg", &c->slab_needs_objcg);
	c->have_in_object = po_member(prog, S, "obj_exts_in_object", &c->slab_in_object);
	if (c->have_needs_objcg) {
		/* 7.x: slabobj_ext is a pointer-sized union; with allocation
		 * profiling on, a codetag entry follows each objcg. */
		uint64_t key;
		uint32_t on;
		size_t off = po_offsetof(prog, "struct static_key", "enabled");
		if (po_symbol_addr(prog, "slab_obj_ext_has_codetag_key", &key)) {
			struct po_error *err = po_read_u32(prog, key + (off == PO_ABSENT ? 0 : off), &on);
			if (!err && (int32_t)on > 0)
				c->ext_mult = 2;
			po_error_destroy(err);
		}
	}
	c->slab_ok = true;
}

static bool objcg_memcg(struct ctx *c, uint64_t objcg, uint64_t *memcg)
{
	struct po_error *err = po_objcg_memcg(c->prog, objcg, memcg);
	po_error_destroy(err);
	return !err;
}

/* A (bitfield) member of the struct page/slab at rec; false if unreadable. */
static bool page_member(struct ctx *c, const struct po_record *rec,
			const struct po_member *m, uint64_t *v)
{
	const uint8_t *pg = page_bytes(c, rec);
	if (m->size > 8 || !m->size || !pg || m->offset + m->size > c->prog->k->L.sizeof_page)
		return false;
	*v = po_get_uint(pg + m->offset, m->size);
	if (m->bit_size)
		*v = (*v >> m->bit_offset) & ((1ULL << m->bit_size) - 1);
	return true;
}

static struct po_error *slab_objects(struct ctx *c, const struct po_record *rec)
{
	struct po_program *prog = c->prog;
	uint64_t cache, v, memcg;
	uint32_t size;
	struct po_error *err;

	c->slab_pages += c->debugfs ? 1ULL << rec->order : 1;
	if (!c->slab_ok)
		goto fail;
	if (!page_member(c, rec, &c->slab_objects, &v) || !v || v > 65536)
		goto fail;
	uint64_t needs = 1, in_obj = 0;
	if (c->have_needs_objcg && !page_member(c, rec, &c->slab_needs_objcg, &needs))
		goto fail;
	if (!needs)
		return NULL;    /* 7.x: this slab's vector holds no objcgs */
	if (c->have_in_object && !page_member(c, rec, &c->slab_in_object, &in_obj))
		goto fail;
	if ((err = po_read_u64(prog, rec->page_addr + c->slab_cache_m.offset, &cache)) ||
	    (err = po_read_u32(prog, cache + c->cache_size_off, &size))) {
		po_error_destroy(err);
		goto fail;
	}
	size_t n = (size_t)v;
	size_t stride = in_obj ? size : c->ext_size * c->ext_mult;
	if (!stride || stride > (1u << 22) || n * stride > (64u << 20))
		goto fail;
	size_t len = (n - 1) * stride + 8;  /* the last objcg pointer ends the read */
	uint8_t *vec = malloc(len);
	if (!vec)
		return &po_error_nomem;
	err = po_read(prog, rec->memcg_data & ~7ULL, vec, len);
	if (err) {
		po_error_destroy(err);
		free(vec);
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t objcg = po_get_u64(vec + i * stride) & ~7ULL;
		if (!objcg)
			continue;
		c->slab_objs_total++;
		if (!objcg_memcg(c, objcg, &memcg) || !memcg)
			continue;
		size_t node;
		struct stats *s;
		err = po_cg_tree_get(prog, c->tree, memcg, &node);
		if (err) {
			if (err->code == PO_ERR_NOMEM) {
				free(vec);
				return err;
			}
			po_error_destroy(err);
			continue;
		}
		if ((err = stats_for(c, node, &s))) {
			free(vec);
			return err;
		}
		s->slab_objects++;
		s->slab_bytes += size;
	}
	free(vec);
	return NULL;
fail:
	c->slab_pages_unattributed += c->debugfs ? 1ULL << rec->order : 1;
	return NULL;
}

/* ---- the walk ---- */

static bool tail_of_current(struct ctx *c, const struct po_record *rec)
{
	uint64_t w = rec->compound_head;
	if (!c->cur_head)
		return false;
	return w - 1 == c->cur_head || (rec->page_addr & w) == c->cur_head;
}

/* A page whose memcg cannot be read is counted (the first reason kept for
 * the warning) and left out; only running out of memory stops the walk. */
static struct po_error *count_unreadable(struct ctx *c, struct po_error *err)
{
	if (err->code == PO_ERR_NOMEM)
		return err;
	if (!c->unreadable++)
		snprintf(c->first_unreadable, sizeof(c->first_unreadable), "%s",
			 err->message);
	po_error_destroy(err);
	return NULL;
}

static struct po_error *walk_cb(struct po_program *prog, const struct po_record *rec,
				void *arg)
{
	struct ctx *c = arg;
	struct po_memcg_info mi;
	struct po_error *err;

	if (rec->suspect)
		return NULL; /* left out (the report's warnings say so) */
	if (!c->debugfs) {
		if (rec->compound_head & 1) {
			if (tail_of_current(c, rec))
				return charge(c, c->cur_node, c->cur_kind, false, 1, rec, false);
			return NULL;
		}
		c->cur_head = 0;
		if (!rec->memcg_data || rec->buddy)
			return NULL;
	}
	err = po_page_memcg(prog, rec, &mi);
	if (err)
		return count_unreadable(c, err);
	if (mi.kind == PO_MEMCG_SLAB)
		return slab_objects(c, rec);
	if (mi.kind != PO_MEMCG_CHARGED)
		return NULL;
	size_t node;
	err = po_cg_tree_get(prog, c->tree, mi.memcg, &node);
	if (err)
		return count_unreadable(c, err);
	int kind = classify(c, rec, &mi);
	if (!c->debugfs) {
		c->cur_head = rec->page_addr;
		c->cur_node = node;
		c->cur_kind = kind;
	}
	if (!mi.via_objcg && !mi.objcg) {
		struct stats *s;
		if ((err = stats_for(c, node, &s)))
			return err;
		s->direct_folios++;
	}
	/* kmem charged via an objcg counts as objcg; on 7.x every folio goes
	 * through an objcg, but only MEMCG_DATA_KMEM marks kernel memory. */
	return charge(c, node, kind, mi.via_objcg || mi.objcg, c->debugfs ?
		      1ULL << rec->order : 1, rec, c->debugfs);
}

/* ---- output helpers ---- */

static const char *state_name(const struct po_cg_node *nd)
{
	if (nd->online && !nd->dying)
		return "online";
	return nd->online ? "dying" : "offline";
}

/* The first frame that is not allocator plumbing: "via X". */
static const char *via_frame(const struct po_stack *st)
{
	static const char *const skip[] = {
		"alloc", "get_page_from_freelist", "prep_new_page", "post_alloc_hook",
		"get_folio", "grab_cache_page", "pagecache_get_page", "charge",
		"new_slab", "slab", "kmalloc", "__kmem_cache", "kmem_cache",
	};
	for (unsigned i = 0; st && i < st->nr_frames; i++) {
		const char *n = st->frames[i].name;
		bool plumbing = false;
		if (!n)
			continue;
		for (size_t k = 0; k < PO_ARRAY_SIZE(skip); k++)
			if (strstr(n, skip[k]))
				plumbing = true;
		if (!plumbing)
			return n;
	}
	for (unsigned i = 0; st && i < st->nr_frames; i++)
		if (st->frames[i].name)
			return st->frames[i].name;
	return NULL;
}

static void fmt_size(char *buf, size_t len, uint64_t pages, uint64_t page_size)
{
	double b = (double)pages * (double)page_size;
	if (b >= 1024.0 * 1024 * 1024)
		snprintf(buf, len, "%.1f GiB", b / (1024.0 * 1024 * 1024));
	else if (b >= 1024.0 * 1024)
		snprintf(buf, len, "%.1f MiB", b / (1024.0 * 1024));
	else
		snprintf(buf, len, "%.0f KiB", b / 1024.0);
}

static int cmp_who(const void *a, const void *b)
{
	const struct who *x = a, *y = b;
	if (x->pages != y->pages)
		return x->pages < y->pages ? 1 : -1;
	return (x->tgid > y->tgid) - (x->tgid < y->tgid);
}

static struct ctx *g_sort_ctx; /* qsort has no argument; single-threaded */

static int cmp_nodes_by_pages(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	struct ctx *c = g_sort_ctx;
	uint64_t pi = i < c->st_cap ? c->st[i].pages : 0, pj = j < c->st_cap ? c->st[j].pages : 0;
	if (pi != pj)
		return pi < pj ? 1 : -1;
	uint64_t si = i < c->st_cap ? c->st[i].slab_bytes : 0,
		 sj = j < c->st_cap ? c->st[j].slab_bytes : 0;
	if (si != sj)
		return si < sj ? 1 : -1;
	return strcmp(c->tree->nodes[i].path, c->tree->nodes[j].path);
}

static int cmp_groups(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	if (x->pages != y->pages)
		return x->pages < y->pages ? 1 : -1;
	return x->handle < y->handle ? -1 : x->handle > y->handle;
}

static int cmp_paths(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	return strcmp(g_sort_ctx->tree->nodes[i].path, g_sort_ctx->tree->nodes[j].path);
}

struct report {
	struct po_program *prog;
	FILE *out;
	const struct po_report_opts *opts;
	struct ctx *c;
	struct po_cg_tree *t;
	bool owner;
	size_t filter;          /* subtree root or PO_CG_NONE */
	size_t *shown; size_t nshown;     /* table rows, by path */
	size_t *dying; size_t ndying;     /* dying rows, largest first */
	size_t dying_found;     /* in the whole tree */
	char **warnings; size_t nwarn;
	uint64_t page_size;
	struct po_walk_stats ws;
	struct po_error *err;   /* what stopped the printing */
};

static void add_warning(struct report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_warning(struct report *r, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	char **w = po_xrealloc_array(r->warnings, r->nwarn + 1, sizeof(*w));
	if (!w)
		return;
	r->warnings = w;
	if ((w[r->nwarn] = po_strdup(buf)))
		r->nwarn++;
}

static const struct stats *node_stats(struct report *r, size_t i)
{
	static const struct stats zero;
	return i < r->c->st_cap ? &r->c->st[i] : &zero;
}

/* Objcgs anywhere in the tree whose ->memcg is node i. */
static void for_objcgs_pointing(struct report *r, size_t i,
				void (*fn)(struct report *r, size_t owner,
					   const struct po_cg_objcg *o, void *arg),
				void *arg)
{
	uint64_t memcg = r->t->nodes[i].memcg;
	for (size_t k = 0; k < r->t->n; k++)
		for (size_t j = 0; j < r->t->nodes[k].nr_objcgs; j++)
			if (r->t->nodes[k].objcgs[j].memcg == memcg)
				fn(r, k, &r->t->nodes[k].objcgs[j], arg);
}

static const char *path_of_memcg(struct report *r, uint64_t memcg)
{
	size_t i = po_cg_tree_find(r->t, memcg);
	return i == PO_CG_NONE ? "?" : r->t->nodes[i].path;
}

/* The allocation stack of a group, NULL if the dump does not have it; out
 * of memory is kept in r->err, which ends the report. */
static const struct po_stack *group_stack(struct report *r, const struct group *g)
{
	const struct po_stack *st = NULL;
	struct po_error *err = po_stack_lookup(r->prog, g->handle, &st, NULL, 0);
	if (err && !r->err)
		r->err = err;
	else
		po_error_destroy(err);
	return st;
}

/* ---- text ---- */

static void print_refs(struct report *r, size_t i)
{
	const struct po_cg_node *nd = &r->t->nodes[i];
	FILE *out = r->out;

	fputs("  references:", out);
	switch (nd->css_ref.mode) {
	case PO_REF_ATOMIC: {
		const struct stats *s = node_stats(r, i);
		fprintf(out, " css refcount %lld%s", nd->css_ref.count,
			nd->css_ref.dead ? " (killed, exact)" : " (atomic)");
		long long known = (long long)s->direct_folios + (long long)nd->nr_csets;
		if (known) {
			fputs(" =", out);
			if (s->direct_folios)
				fprintf(out, " %llu held by the charged folios found",
					(unsigned long long)s->direct_folios);
			if (nd->nr_csets)
				fprintf(out, "%s %zu by the css_set%s of its task%s",
					s->direct_folios ? " +" : "", nd->nr_csets,
					nd->nr_csets == 1 ? "" : "s", nd->nr_tasks == 1 ? "" : "s");
			fputs(known == nd->css_ref.count ? "" :
			      known < nd->css_ref.count ? " + others" :
			      " (some did not take one)", out);
		}
		break;
	}
	case PO_REF_SWITCHING:
		fputs(" css refcount (being switched to atomic: not exact yet)", out);
		break;
	case PO_REF_PERCPU:
		fputs(" css refcount per-cpu (live, not summed)", out);
		break;
	default:
		fputs(" css refcount unknown", out);
	}
	if (nd->id_ref >= 0)
		fprintf(out, ", memcg id refcount %lld", nd->id_ref);
	if (nd->online_cnt >= 0)
		fprintf(out, ", online_cnt %d", nd->online_cnt);
	fprintf(out, ", css flags %#x\n", nd->css_flags);
}

static void print_objcg_line(struct report *r, size_t owner,
			     const struct po_cg_objcg *o, void *arg)
{
	size_t self = *(size_t *)arg;
	fprintf(r->out, "    obj_cgroup %#llx (%s of %s) -> memcg %s, refcount ",
		(unsigned long long)o->addr, o->role, r->t->nodes[owner].path,
		path_of_memcg(r, o->memcg));
	if (o->refcnt >= 0)
		fprintf(r->out, "%lld\n", o->refcnt);
	else
		fputs("per-cpu (live)\n", r->out);
	(void)self;
}

static void print_dying(struct report *r, size_t i)
{
	const struct po_cg_node *nd = &r->t->nodes[i];
	const struct stats *s = node_stats(r, i);
	FILE *out = r->out;
	char sz[32];

	fprintf(out, "%s %s  (cgroup id %llu, memcg id %d, mem_cgroup %#llx)\n",
		state_name(nd), nd->path, (unsigned long long)nd->cgroup_id,
		nd->memcg_id, (unsigned long long)nd->memcg);
	if (s->pages) {
		fmt_size(sz, sizeof(sz), s->pages, r->page_size);
		fprintf(out, "  %llu pages (%s) charged to it:", (unsigned long long)s->pages, sz);
		bool first = true;
		for (int k = 0; k < NR_KINDS; k++) {
			if (!s->kind[k])
				continue;
			fprintf(out, "%s %s %llu", first ? "" : ",", kind_text[k],
				(unsigned long long)s->kind[k]);
			first = false;
		}
		fputc('\n', out);
	} else {
		fprintf(out, "  no page in the dump is charged to it%s\n",
			r->t->objcg_everywhere ?
			" (7.x: its LRU pages were moved to the parent when it went offline)" : "");
	}
	if (s->slab_objects)
		fprintf(out, "  %llu slab objects (%llu bytes) charged through its obj_cgroups\n",
			(unsigned long long)s->slab_objects, (unsigned long long)s->slab_bytes);
	print_refs(r, i);
	size_t n = 0;
	for (size_t k = 0; k < r->t->n; k++)
		for (size_t j = 0; j < r->t->nodes[k].nr_objcgs; j++)
			n += r->t->nodes[k].objcgs[j].memcg == nd->memcg;
	if (n) {
		fprintf(out, "  obj_cgroups whose ->memcg is this memcg (each charged object or kmem page holds a reference):\n");
		for_objcgs_pointing(r, i, print_objcg_line, &i);
	}
	for (size_t j = 0; j < nd->nr_objcgs; j++) {
		const struct po_cg_objcg *o = &nd->objcgs[j];
		if (o->memcg == nd->memcg)
			continue;
		fprintf(out, "  its %s %#llx was reparented to %s (refcount ", o->role,
			(unsigned long long)o->addr, path_of_memcg(r, o->memcg));
		if (o->refcnt >= 0)
			fprintf(out, "%lld)\n", o->refcnt);
		else
			fputs("per-cpu)\n", out);
	}
	long long unexplained = nd->css_ref.count - (long long)s->direct_folios -
				(long long)nd->nr_csets;
	if (nd->css_ref.mode == PO_REF_ATOMIC && unexplained > 0)
		fprintf(out, "  still pinned by %lld css reference%s the dump does not attribute to pages%s\n",
			unexplained, unexplained == 1 ? "" : "s",
			nd->id_ref > 0 ? " (a memcg id reference: swapped-out pages or swap cache)" :
			" (per-cpu charge caches, writeback, sockets or other kernel objects)");
	if (nd->nr_tasks) {
		size_t zombies = 0;
		for (size_t k = 0; k < nd->nr_tasks; k++)
			zombies += nd->tasks[k].exited;
		fprintf(out, "  %zu task%s still attached", nd->nr_tasks, nd->nr_tasks == 1 ? "" : "s");
		if (zombies == 1)
			fputs(" (1 exited, not reaped by its parent: its css_set holds the memcg)", out);
		else if (zombies)
			fprintf(out, " (%zu exited, not reaped by their parents: their css_sets hold the memcg)",
				zombies);
		fputc(':', out);
		for (size_t k = 0; k < nd->nr_tasks && k < 12; k++) {
			const struct po_cg_task *tk = &nd->tasks[k];
			fprintf(out, " %d(%s)", tk->pid, tk->comm);
			if (tk->exited)
				fprintf(out, "[zombie, parent %d]", tk->parent_tgid);
		}
		fputs(nd->nr_tasks > 12 ? " ...\n" : "\n", out);
	}
	if (!r->owner) {
		if (s->pages)
			fputs("  (allocation stacks and processes need page_owner, which was off)\n", out);
		fputc('\n', out);
		return;
	}
	unsigned shown = 0;
	uint64_t rest_pages = 0, rest_groups = 0;
	for (size_t k = 0; k < r->c->groups.len; k++) {
		const struct group *g = po_keymap_at(&r->c->groups, k);
		if (g->node != i)
			continue;
		if (shown >= 10) {
			rest_pages += g->pages;
			rest_groups++;
			continue;
		}
		shown++;
		const struct po_stack *st = group_stack(r, g);
		const char *via = via_frame(st);
		struct who w[4];
		memcpy(w, g->who, sizeof(w));
		po_qsort(w, (size_t)g->nwho, sizeof(w[0]), cmp_who);
		fprintf(out, "  %llu pages in %llu records: %s pages %s by",
			(unsigned long long)g->pages, (unsigned long long)g->records,
			kind_text[g->kind], g->kind == K_SHMEM || g->kind == K_FILE ?
			"written" : "allocated");
		for (int k2 = 0; k2 < g->nwho; k2++)
			fprintf(out, "%s %s (pid %d, tgid %d)", k2 ? "," : "", w[k2].comm,
				w[k2].pid, w[k2].tgid);
		if (g->who_other)
			fprintf(out, " and others (%llu pages)", (unsigned long long)g->who_other);
		if (via)
			fprintf(out, " via %s", via);
		fprintf(out, ", handle %u\n", g->handle);
		if (st)
			po_stack_print(out, st, 5);
		else
			fputs("     (stack not in the dump)\n", out);
	}
	if (rest_groups)
		fprintf(out, "  ... %llu more stacks with %llu pages (--json lists all)\n",
			(unsigned long long)rest_groups, (unsigned long long)rest_pages);
	fputc('\n', out);
}

static void print_live(struct report *r, size_t i)
{
	const struct po_cg_node *nd = &r->t->nodes[i];
	const struct stats *s = node_stats(r, i);
	FILE *out = r->out;

	if (!s->pages && !nd->nr_tasks && !s->slab_objects)
		return;
	fprintf(out, "%s %s:", state_name(nd), nd->path);
	if (nd->nr_tasks) {
		fprintf(out, " %zu task%s:", nd->nr_tasks, nd->nr_tasks == 1 ? "" : "s");
		for (size_t k = 0; k < nd->nr_tasks && k < 12; k++)
			fprintf(out, " %d(%s)%s", nd->tasks[k].pid, nd->tasks[k].comm,
				nd->tasks[k].exited ? "[zombie]" : "");
		if (nd->nr_tasks > 12)
			fprintf(out, " ...");
	} else {
		fputs(" no tasks", out);
	}
	fputc('\n', out);
	if (r->owner && s->nwho) {
		struct who w[MAX_WHO];
		memcpy(w, s->who, sizeof(w));
		po_qsort(w, (size_t)s->nwho, sizeof(w[0]), cmp_who);
		fputs("  pages allocated by:", out);
		for (int k = 0; k < s->nwho && k < 8; k++)
			fprintf(out, "%s %s (tgid %d) %llu", k ? "," : "", w[k].comm, w[k].tgid,
				(unsigned long long)w[k].pages);
		uint64_t rest = s->who_other;
		for (int k = 8; k < s->nwho; k++)
			rest += w[k].pages;
		if (rest)
			fprintf(out, ", others %llu", (unsigned long long)rest);
		fputc('\n', out);
	}
}

static void print_text(struct report *r)
{
	FILE *out = r->out;
	struct po_cg_tree *t = r->t;
	struct ctx *c = r->c;

	fprintf(out, "Memory cgroups of %s (%s): %zu memcgs under root_mem_cgroup\n",
		r->prog->release[0] ? r->prog->release : "unknown release",
		po_program_dump_format(r->prog), (size_t)t->n);
	if (r->owner)
		fputs("Pages: the records /sys/kernel/debug/page_owner prints (allocated head pages, 2^order base pages each)\n", out);
	else
		fputs("Pages: page_owner was off in this kernel: counted from struct page memcg_data (base pages);\n"
		      "  allocation stacks and the processes that allocated need page_owner\n", out);
	fputs("Dying memcgs: the kernel counts ", out);
	if (t->nr_dying_descendants >= 0)
		fprintf(out, "%d (cgrp_dfl_root.cgrp.nr_dying_descendants)", t->nr_dying_descendants);
	else
		fputs("? (no cgrp_dfl_root)", out);
	if (t->nr_dying_subsys_memory >= 0)
		fprintf(out, ", %d (nr_dying_subsys[memory])", t->nr_dying_subsys_memory);
	fprintf(out, "; walking root_mem_cgroup found %zu\n", r->dying_found);
	if (t->objcg_everywhere)
		fputs("Note: this kernel (7.x) charges every folio through an obj_cgroup and moves LRU pages to the\n"
		      "  parent when a memcg goes offline, so pages rarely point at a dying memcg; what still\n"
		      "  references each dying memcg (css/id refcounts, obj_cgroups) is listed below.\n", out);
	if (c->slab_pages)
		fprintf(out, "Slab pages: %llu pages are slab, charged per object (%llu objects with an obj_cgroup; %llu pages not attributed)\n",
			(unsigned long long)c->slab_pages, (unsigned long long)c->slab_objs_total,
			(unsigned long long)c->slab_pages_unattributed);
	for (size_t k = 0; k < r->nwarn; k++)
		fprintf(out, "warning: %s\n", r->warnings[k]);
	fputc('\n', out);
	fprintf(out, "%-8s %9s %8s %9s %9s %8s %8s %8s %8s %8s %9s %5s  %s\n",
		"STATE", "CGROUP_ID", "MEMCG_ID", "PAGES", "DIRECT", "OBJCG", "ANON",
		"SHMEM", "FILE", "KERNEL", "SLAB_OBJ", "TASKS", "PATH");
	for (size_t k = 0; k < r->nshown; k++) {
		size_t i = r->shown[k];
		const struct po_cg_node *nd = &t->nodes[i];
		const struct stats *s = node_stats(r, i);
		fprintf(out, "%-8s %9llu %8d %9llu %9llu %8llu %8llu %8llu %8llu %8llu %9llu %5zu  %s\n",
			state_name(nd), (unsigned long long)nd->cgroup_id, nd->memcg_id,
			(unsigned long long)s->pages, (unsigned long long)s->direct,
			(unsigned long long)s->objcg, (unsigned long long)s->kind[K_ANON],
			(unsigned long long)s->kind[K_SHMEM], (unsigned long long)s->kind[K_FILE],
			(unsigned long long)s->kind[K_KERNEL], (unsigned long long)s->slab_objects,
			nd->nr_tasks, nd->path);
	}
	fputc('\n', out);
	if (r->ndying) {
		fputs("Dying memcgs, largest first: what pins them\n\n", out);
		for (size_t k = 0; k < r->ndying; k++)
			print_dying(r, r->dying[k]);
	} else {
		fputs("No dying memcg", out);
		fputs(r->filter != PO_CG_NONE ? " in this subtree.\n\n" : ".\n\n", out);
	}
	if (!r->opts->dying_only) {
		fputs("Live memcgs: tasks and who allocated their pages\n", out);
		for (size_t k = 0; k < r->nshown; k++)
			if (!t->nodes[r->shown[k]].dying)
				print_live(r, r->shown[k]);
	}
}

/* ---- JSON ---- */

static void json_ref(FILE *out, const struct po_cg_ref *ref)
{
	static const char *const modes[] = { "unknown", "percpu", "atomic", "switching" };
	fprintf(out, "{\"mode\":\"%s\",\"dead\":%s,\"count\":", modes[ref->mode],
		ref->dead ? "true" : "false");
	if (ref->mode == PO_REF_ATOMIC)
		fprintf(out, "%lld}", ref->count);
	else
		fputs("null}", out);
}

static void json_who(FILE *out, const struct who *w0, int n, uint64_t other)
{
	struct who w[MAX_WHO];
	memcpy(w, w0, (size_t)n * sizeof(w[0]));
	po_qsort(w, (size_t)n, sizeof(w[0]), cmp_who);
	fputc('[', out);
	for (int k = 0; k < n; k++) {
		fprintf(out, "%s{\"pid\":%d,\"tgid\":%d,\"comm\":", k ? "," : "", w[k].pid, w[k].tgid);
		po_json_string(out, w[k].comm);
		fprintf(out, ",\"pages\":%llu}", (unsigned long long)w[k].pages);
	}
	if (other)
		fprintf(out, "%s{\"pid\":null,\"tgid\":null,\"comm\":null,\"pages\":%llu}",
			n ? "," : "", (unsigned long long)other);
	fputc(']', out);
}

static void json_objcg(struct report *r, size_t owner, const struct po_cg_objcg *o,
		       void *arg)
{
	bool *first = arg;
	FILE *out = r->out;
	fprintf(out, "%s{\"address\":%llu,\"role\":", *first ? "" : ",",
		(unsigned long long)o->addr);
	po_json_string(out, o->role);
	fputs(",\"owner\":", out);
	po_json_string(out, r->t->nodes[owner].path);
	fputs(",\"memcg\":", out);
	po_json_string(out, path_of_memcg(r, o->memcg));
	fputs(",\"refcount\":", out);
	po_json_count_or_null(out, o->refcnt);
	fputc('}', out);
	*first = false;
}

static void json_node(struct report *r, size_t i, bool with_stacks)
{
	const struct po_cg_node *nd = &r->t->nodes[i];
	const struct stats *s = node_stats(r, i);
	FILE *out = r->out;

	fputs("{\"path\":", out);
	po_json_string(out, nd->path);
	fputs(",\"name\":", out);
	po_json_string(out, nd->name);
	fprintf(out, ",\"cgroup_id\":%llu,\"memcg_id\":%d,\"address\":%llu,\"state\":\"%s\","
		"\"online\":%s,\"dying\":%s,\"css_flags\":%u,\"in_tree\":%s,\"parent\":",
		(unsigned long long)nd->cgroup_id, nd->memcg_id, (unsigned long long)nd->memcg,
		state_name(nd), nd->online ? "true" : "false", nd->dying ? "true" : "false",
		nd->css_flags, nd->in_tree ? "true" : "false");
	po_json_str_or_null(out, nd->parent != PO_CG_NONE ? r->t->nodes[nd->parent].path : NULL);
	fprintf(out, ",\"pages\":{\"total\":%llu,\"direct\":%llu,\"objcg\":%llu",
		(unsigned long long)s->pages, (unsigned long long)s->direct,
		(unsigned long long)s->objcg);
	for (int k = 0; k < NR_KINDS; k++)
		fprintf(out, ",\"%s\":%llu", kind_names[k], (unsigned long long)s->kind[k]);
	fprintf(out, "},\"records\":%s", r->owner ? "" : "null");
	if (r->owner)
		fprintf(out, "%llu", (unsigned long long)s->records);
	fprintf(out, ",\"direct_folios\":%llu,\"slab\":{\"objects\":%llu,\"bytes\":%llu}",
		(unsigned long long)s->direct_folios,
		(unsigned long long)s->slab_objects, (unsigned long long)s->slab_bytes);
	fputs(",\"refs\":{\"css\":", out);
	json_ref(out, &nd->css_ref);
	fputs(",\"id\":", out);
	po_json_count_or_null(out, nd->id_ref);
	fputs(",\"online_cnt\":", out);
	po_json_count_or_null(out, nd->online_cnt);
	fputs(",\"css_sets\":", out);
	if (r->t->tasks_read)
		fprintf(out, "%zu", nd->nr_csets);
	else
		fputs("null", out);
	fputs(",\"objcgs_pointing_here\":[", out);
	bool first = true;
	for_objcgs_pointing(r, i, json_objcg, &first);
	fputs("],\"own_objcgs\":[", out);
	first = true;
	for (size_t j = 0; j < nd->nr_objcgs; j++)
		json_objcg(r, i, &nd->objcgs[j], &first);
	fputs("]}", out);
	fprintf(out, ",\"counters\":{\"nr_descendants\":%d,\"nr_dying_descendants\":%d}",
		nd->nr_descendants, nd->nr_dying_descendants);
	fputs(",\"tasks\":", out);
	if (!r->t->tasks_read) {
		fputs("null", out);
	} else {
		fputc('[', out);
		for (size_t k = 0; k < nd->nr_tasks; k++) {
			fprintf(out, "%s{\"pid\":%d,\"tgid\":%d,\"comm\":", k ? "," : "",
				nd->tasks[k].pid, nd->tasks[k].tgid);
			po_json_string(out, nd->tasks[k].comm);
			fprintf(out, ",\"exited\":%s,\"parent_tgid\":%d}",
				nd->tasks[k].exited ? "true" : "false", nd->tasks[k].parent_tgid);
		}
		fputc(']', out);
	}
	fputs(",\"allocated_by\":", out);
	if (r->owner)
		json_who(out, s->who, s->nwho, s->who_other);
	else
		fputs("null", out);
	fputs(",\"stacks\":", out);
	if (!r->owner || !with_stacks) {
		fputs("null}", out);
		return;
	}
	fputc('[', out);
	first = true;
	for (size_t k = 0; k < r->c->groups.len; k++) {
		const struct group *g = po_keymap_at(&r->c->groups, k);
		if (g->node != i)
			continue;
		const struct po_stack *st = group_stack(r, g);
		const char *via = via_frame(st);
		fprintf(out, "%s{\"handle\":%u,\"kind\":\"%s\",\"pages\":%llu,\"records\":%llu,\"via\":",
			first ? "" : ",", g->handle, kind_names[g->kind],
			(unsigned long long)g->pages, (unsigned long long)g->records);
		po_json_str_or_null(out, via);
		fputs(",\"processes\":", out);
		json_who(out, g->who, g->nwho, g->who_other);
		fputs(",\"stack\":", out);
		po_json_stack_or_null(out, st);
		fputc('}', out);
		first = false;
	}
	fputs("]}", out);
}

static void print_json(struct report *r)
{
	FILE *out = r->out;
	struct po_cg_tree *t = r->t;
	struct ctx *c = r->c;

	fputs("{\"release\":", out);
	po_json_string(out, r->prog->release);
	fputs(",\"dump_format\":", out);
	po_json_string(out, po_program_dump_format(r->prog));
	fprintf(out, ",\"page_owner\":%s,\"counting\":\"%s\",\"page_size\":%llu",
		r->owner ? "true" : "false", r->owner ? "debugfs_records" : "struct_page",
		(unsigned long long)r->page_size);
	fprintf(out, ",\"objcg_reparenting\":%s", t->objcg_everywhere ? "true" : "false");
	fputs(",\"filter\":", out);
	po_json_str_or_null(out, r->filter != PO_CG_NONE ? t->nodes[r->filter].path : NULL);
	fprintf(out, ",\"dying_only\":%s", r->opts->dying_only ? "true" : "false");
	fputs(",\"kernel_counters\":{\"nr_dying_descendants\":", out);
	po_json_count_or_null(out, t->nr_dying_descendants);
	fputs(",\"nr_descendants\":", out);
	po_json_count_or_null(out, t->nr_descendants);
	fputs(",\"nr_dying_subsys_memory\":", out);
	po_json_count_or_null(out, t->nr_dying_subsys_memory);
	fprintf(out, "},\"memcgs_found\":%zu,\"dying_found\":%zu", t->n, r->dying_found);
	fprintf(out, ",\"slab\":{\"pages\":%llu,\"objects\":%llu,\"pages_unattributed\":%llu}",
		(unsigned long long)c->slab_pages, (unsigned long long)c->slab_objs_total,
		(unsigned long long)c->slab_pages_unattributed);
	fprintf(out, ",\"walk\":{\"pfns_scanned\":%llu,\"pfns_missing\":%llu,\"records\":%llu,\"pages\":%llu}",
		(unsigned long long)r->ws.pfns_scanned, (unsigned long long)r->ws.pfns_missing,
		(unsigned long long)r->ws.pfns_allocated, (unsigned long long)r->ws.pages_allocated);
	fputs(",\"warnings\":[", out);
	for (size_t k = 0; k < r->nwarn; k++) {
		if (k)
			fputc(',', out);
		po_json_string(out, r->warnings[k]);
	}
	fputs("],\"memcgs\":[", out);
	for (size_t k = 0; k < r->nshown; k++) {
		size_t i = r->shown[k];
		if (k)
			fputc(',', out);
		json_node(r, i, t->nodes[i].dying || r->filter != PO_CG_NONE);
	}
	fputs("],\"dying\":[", out);
	for (size_t k = 0; k < r->ndying; k++) {
		if (k)
			fputc(',', out);
		po_json_string(out, t->nodes[r->dying[k]].path);
	}
	fputs("]}\n", out);
}

/* ---- the report ---- */

static size_t find_path(struct po_cg_tree *t, const char *path)
{
	char want[4096];
	snprintf(want, sizeof(want), "%s%s", path[0] == '/' ? "" : "/", path);
	size_t len = strlen(want);
	while (len > 1 && want[len - 1] == '/')
		want[--len] = '\0';
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->nodes[i].path, want))
			return i;
	return PO_CG_NONE;
}

struct po_error *po_report_memcg(struct po_program *prog, FILE *out,
				 const struct po_report_opts *opts)
{
	struct po_cg_tree tree;
	struct ctx c;
	struct report r;
	struct po_error *err;
	int64_t e;

	memset(&c, 0, sizeof(c));
	c.groups = (struct po_keymap)PO_KEYMAP_INIT(struct group);
	memset(&r, 0, sizeof(r));
	if ((err = po_types_want_list(prog, &po_memcg_report_types)))
		return err;
	err = po_cg_tree_load(prog, &tree);
	if (err) {
		po_cg_tree_free(&tree);
		return err;
	}
	r.prog = prog;
	r.out = out;
	r.opts = opts;
	r.c = &c;
	r.t = &tree;
	r.owner = po_program_page_owner_enabled(prog);
	r.page_size = prog->k->L.page_size ? prog->k->L.page_size : 4096;
	r.filter = PO_CG_NONE;
	if (opts->memcg_path) {
		r.filter = find_path(&tree, opts->memcg_path);
		if (r.filter == PO_CG_NONE) {
			err = po_error_create(PO_ERR_INVALID,
					      "no memory cgroup '%s' in the dump (%zu memcgs found; run without --memcg to list them)",
					      opts->memcg_path, tree.n);
			goto out;
		}
	}
	err = po_cg_tree_read_tasks(prog, &tree);
	if (err)
		goto out;

	c.prog = prog;
	c.tree = &tree;
	c.debugfs = r.owner;
	c.off_mapping = po_offsetof(prog, "struct page", "mapping");
	if (po_enum_value(prog, "PG_swapbacked", &e))
		c.pg_swapbacked = 1ULL << e;
	if (po_enum_value(prog, "PG_slab", &e))
		c.pg_slab = 1ULL << e;
	slab_init(&c);
	err = po_walk(prog, r.owner ? PO_WALK_DEBUGFS : PO_WALK_ALL, walk_cb, &c, &r.ws);
	if (err)
		goto out;
	if (!c.st_cap && (err = stats_for(&c, 0, &(struct stats *){0})))
		goto out;

	/* Rows and dying list. */
	g_sort_ctx = &c;
	r.shown = calloc(tree.n ? tree.n : 1, sizeof(size_t));
	r.dying = calloc(tree.n ? tree.n : 1, sizeof(size_t));
	if (!r.shown || !r.dying) {
		err = &po_error_nomem;
		goto out;
	}
	for (size_t i = 0; i < tree.n; i++) {
		const struct po_cg_node *nd = &tree.nodes[i];
		if (nd->dying && nd->in_tree)
			r.dying_found++;
		if (r.filter != PO_CG_NONE && !po_cg_is_under(&tree, i, r.filter))
			continue;
		if (opts->dying_only && !nd->dying)
			continue;
		r.shown[r.nshown++] = i;
		if (nd->dying)
			r.dying[r.ndying++] = i;
	}
	po_qsort(r.shown, r.nshown, sizeof(size_t), cmp_paths);
	po_qsort(r.dying, r.ndying, sizeof(size_t), cmp_nodes_by_pages);
	if ((err = po_keymap_sort(&c.groups, cmp_groups)))
		goto out;

	/* Warnings: the kernel's counters against the walk, and problems. */
	if (tree.nr_dying_descendants >= 0 && (size_t)tree.nr_dying_descendants != r.dying_found)
		add_warning(&r, "the kernel counts %d dying cgroups (cgrp_dfl_root.cgrp.nr_dying_descendants) but walking root_mem_cgroup found %zu dying memcgs%s",
			    tree.nr_dying_descendants, r.dying_found,
			    (size_t)tree.nr_dying_descendants > r.dying_found ?
			    " (cgroups without the memory controller, or memcgs missing from the dump)" :
			    " (memcgs offline but their cgroup not yet counted)");
	if (tree.nr_dying_subsys_memory >= 0 && (size_t)tree.nr_dying_subsys_memory != r.dying_found)
		add_warning(&r, "the kernel counts %d dying memory csses (nr_dying_subsys[memory]) but walking root_mem_cgroup found %zu",
			    tree.nr_dying_subsys_memory, r.dying_found);
	for (size_t i = 0; i < tree.n; i++)
		if (!tree.nodes[i].in_tree)
			add_warning(&r, "memcg %s (%#llx) has pages but is not linked under root_mem_cgroup",
				    tree.nodes[i].path, (unsigned long long)tree.nodes[i].memcg);
	for (size_t k = 0; k < tree.nr_warnings; k++)
		add_warning(&r, "%s", tree.warnings[k]);
	if (c.unreadable)
		add_warning(&r, "%llu pages have a memcg_data whose memcg could not be read (first: %s)",
			    (unsigned long long)c.unreadable, c.first_unreadable);
	if (c.mapping_unreadable)
		add_warning(&r, "%llu pages: page->mapping unreadable, classified by PG_swapbacked only",
			    (unsigned long long)c.mapping_unreadable);
	if (r.ws.pfns_missing)
		add_warning(&r, "%llu PFNs could not be decoded (struct page or page_ext not in the dump): their pages are not counted",
			    (unsigned long long)r.ws.pfns_missing);
	if (r.ws.records_suspect)
		add_warning(&r, "%llu page_owner records hold values no kernel writes (an order, pid, time or stack that cannot be; see pageowner pages --json, \"suspect\"): their pages are not counted",
			    (unsigned long long)r.ws.records_suspect);
	if (opts->json)
		print_json(&r);
	else
		print_text(&r);
	if (r.err)
		err = r.err;
	else if (ferror(out))
		err = po_error_create(PO_ERR_OS, "write error");
out:
	g_sort_ctx = NULL;
	for (size_t k = 0; k < r.nwarn; k++)
		free(r.warnings[k]);
	free(r.warnings);
	free(r.shown);
	free(r.dying);
	free(c.st);
	po_keymap_free(&c.groups);
	free(c.sec_buf);
	free(c.sec_ok);
	po_cg_tree_free(&tree);
	return err;
}
