/*
 * Folded stacks (pageowner.h, report/folded.h): the pages of each
 * allocation stack as one ';'-joined line, from a dump, a page_owner /
 * show_stacks text or a folded file; the input of `flamegraph` and `diff`,
 * and `stacks --folded` itself (at the end).
 *
 * From a dump, one walk over the records /sys/kernel/debug/page_owner
 * would print sums 2^order base pages per (stack handle, root frame) for
 * every set asked for; the strings are built once per distinct pair at the
 * end.  From a text, each record's frames are normalised and summed as they
 * are read.  Either way memory grows with distinct stacks, not pages.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pageowner.h"
#include "base/json.h"
#include "base/keymap.h"
#include "base/util.h"
#include "kernel/cgroup.h"
#include "kernel/kernel.h"
#include "kernel/kmsg.h"
#include "kernel/stackdepot.h"
#include "report/folded.h"
#include "report/top.h"
#include "access/program.h"

/* ---- roots ---- */

static const char *const root_names[] = {
	[PO_FOLDED_ROOT_NONE] = "none",
	[PO_FOLDED_ROOT_PROCESS] = "process",
	[PO_FOLDED_ROOT_MEMCG] = "memcg",
	[PO_FOLDED_ROOT_GFP] = "gfp",
};

bool po_folded_parse_root(const char *s, enum po_folded_root *root)
{
	for (size_t i = 0; i < PO_ARRAY_SIZE(root_names); i++) {
		if (s && !strcmp(s, root_names[i])) {
			*root = (enum po_folded_root)i;
			return true;
		}
	}
	return false;
}

const char *po_folded_root_name(enum po_folded_root root)
{
	return (size_t)root < PO_ARRAY_SIZE(root_names) ? root_names[root] : "?";
}

double po_folded_mib(const struct po_folded_meta *meta, uint64_t pages)
{
	uint64_t ps = meta->page_size ? meta->page_size : 4096;
	return (double)pages * (double)ps / (1024.0 * 1024.0);
}

/* ---- a growable string ---- */

struct sbuf {
	char *p;
	size_t len, cap;
	bool failed;
};

static void sb_reserve(struct sbuf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->failed || b->len + more + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->failed = true;
		return;
	}
	b->p = p;
	b->cap = cap;
}

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	sb_reserve(b, n);
	if (b->failed)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

/* A frame's text: blanks, control characters and ';' become '_'. */
static void sb_put_clean(struct sbuf *b, const char *s, size_t n)
{
	sb_reserve(b, n);
	if (b->failed)
		return;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		b->p[b->len++] = c <= ' ' || c == ';' || c == 0x7f ? '_' : (char)c;
	}
	b->p[b->len] = 0;
}

static void sb_free(struct sbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ---- the map of stacks ---- */

struct ient {
	uint64_t key;  /* hash of the string (re-hashed past collisions) */
	size_t idx;
};

static uint64_t hash_str(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return po_hash64(h ^ n);
}

/* Where s is (*idx), or SIZE_MAX and the key a new entry gets (*key). */
static void lookup(const struct po_folded *f, const char *s, size_t len,
		   size_t *idx, uint64_t *key)
{
	uint64_t k = hash_str(s, len);
	const struct ient *e;

	while ((e = po_keymap_find(&f->index, k))) {
		const struct po_folded_stack *st = &f->v[e->idx];
		if (st->len == len && !memcmp(st->s, s, len)) {
			*idx = e->idx;
			return;
		}
		k = po_hash64(k ^ 0x9e3779b97f4a7c15ULL); /* a collision: next key */
	}
	*idx = SIZE_MAX;
	*key = k;
}

static struct po_error *reindex(struct po_folded *f)
{
	po_keymap_free(&f->index);
	f->index = (struct po_keymap)PO_KEYMAP_INIT(struct ient);
	for (size_t i = 0; i < f->n; i++) {
		size_t idx;
		uint64_t key;
		struct ient *e;

		lookup(f, f->v[i].s, f->v[i].len, &idx, &key);
		if (!(e = po_keymap_append(&f->index, key)))
			return &po_error_nomem;
		e->idx = i;
	}
	return NULL;
}

struct po_error *po_folded_create(const struct po_folded_opts *opts,
				  struct po_folded **ret)
{
	struct po_folded *f = calloc(1, sizeof(*f));

	if (!f)
		return &po_error_nomem;
	if (opts)
		f->opts = *opts;
	f->index = (struct po_keymap)PO_KEYMAP_INIT(struct ient);
	*ret = f;
	return NULL;
}

void po_folded_destroy(struct po_folded *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].s);
	free(f->v);
	po_keymap_free(&f->index);
	free(f);
}

struct po_folded_stack *po_folded_find(const struct po_folded *f, const char *s,
				       size_t len)
{
	size_t idx;
	uint64_t key;

	lookup(f, s, len, &idx, &key);
	return idx == SIZE_MAX ? NULL : &f->v[idx];
}

struct po_error *po_folded_add(struct po_folded *f, const char *s, size_t len,
			       uint64_t pages)
{
	size_t idx;
	uint64_t key;
	struct ient *e;
	struct po_folded_stack *st;

	lookup(f, s, len, &idx, &key);
	if (idx == SIZE_MAX) {
		if (f->n == f->cap) {
			size_t cap = f->cap ? 2 * f->cap : 64;
			void *v = po_xrealloc_array(f->v, cap, sizeof(*f->v));
			if (!v)
				return &po_error_nomem;
			f->v = v;
			f->cap = cap;
		}
		st = &f->v[f->n];
		memset(st, 0, sizeof(*st));
		if (!(st->s = malloc(len + 1)))
			return &po_error_nomem;
		memcpy(st->s, s, len);
		st->s[len] = 0;
		st->len = len;
		if (!(e = po_keymap_append(&f->index, key))) {
			free(st->s);
			return &po_error_nomem;
		}
		e->idx = idx = f->n++;
	}
	f->v[idx].pages += pages;
	f->total_pages += pages;
	return NULL;
}

static int cmp_pages(const void *a, const void *b)
{
	const struct po_folded_stack *x = a, *y = b;
	if (x->pages != y->pages)
		return x->pages < y->pages ? 1 : -1;
	return strcmp(x->s, y->s);
}

/* Frame by frame: ';' sorts before every character a frame can hold, so
 * that the stacks under one frame are together ("a;b", "a;b;c", "a;b!"). */
static int cmp_names(const void *a, const void *b)
{
	const unsigned char *x = (const unsigned char *)((const struct po_folded_stack *)a)->s;
	const unsigned char *y = (const unsigned char *)((const struct po_folded_stack *)b)->s;

	for (;; x++, y++) {
		unsigned cx = *x == ';' ? 1 : *x, cy = *y == ';' ? 1 : *y;
		if (cx != cy)
			return cx < cy ? -1 : 1;
		if (!cx)
			return 0;
	}
}

struct po_error *po_folded_sort_pages(struct po_folded *f)
{
	po_qsort(f->v, f->n, sizeof(*f->v), cmp_pages);
	return reindex(f);
}

struct po_error *po_folded_sort_names(struct po_folded *f)
{
	po_qsort(f->v, f->n, sizeof(*f->v), cmp_names);
	return reindex(f);
}

/* ---- frames ---- */

/*
 * One frame, as %pS printed it ("name+0x1/0x2 [mod]", "0xffff...") or as a
 * folded file has it ("name+0x1/0x2[mod]", "name"), appended in the form
 * the options ask for: offsets kept or dropped, clone suffixes dropped with
 * strip_clones, the module as "[mod]" right after the name.
 */
static void put_frame_text(struct sbuf *b, const struct po_folded_opts *o,
			   const char *s, size_t n)
{
	const char *mod = NULL, *plus;
	size_t mlen = 0, nlen;

	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n && s[n - 1] == ']') {
		const char *lb = memrchr(s, '[', n);
		if (lb) {
			mod = lb + 1;
			mlen = (size_t)(s + n - 1 - mod);
			n = (size_t)(lb - s);
			while (n && isspace((unsigned char)s[n - 1]))
				n--;
		}
	}
	if (!n && !mod)
		return; /* an empty frame (";;" in a folded input): nothing */
	nlen = n;
	plus = memchr(s, '+', n);
	if (plus && (size_t)(s + n - plus) > 2 && plus[1] == '0' && plus[2] == 'x')
		nlen = (size_t)(plus - s);
	if (b->len)
		sb_put(b, ";", 1);
	if (o->strip_clones) {
		const char *dot = memchr(s, '.', nlen);
		size_t base = dot && dot > s ? (size_t)(dot - s) : nlen;
		sb_put_clean(b, s, base);
	} else {
		sb_put_clean(b, s, nlen);
	}
	if (o->offsets && nlen < n)
		sb_put_clean(b, s + nlen, n - nlen);
	if (mod) {
		sb_put(b, "[", 1);
		sb_put_clean(b, mod, mlen);
		sb_put(b, "]", 1);
	}
}

static void put_frame(struct sbuf *b, const struct po_folded_opts *o,
		      const struct po_frame *fr)
{
	char buf[512];
	po_frame_format(fr, buf, sizeof(buf));
	put_frame_text(b, o, buf, strlen(buf));
}

static void put_root(struct sbuf *b, const char *s, size_t n)
{
	if (b->len)
		sb_put(b, ";", 1);
	if (n)
		sb_put_clean(b, s, n);
	else
		sb_put(b, "_", 1);
}

/* ---- from a dump ---- */

/* Pages of one (stack handle, root frame) pair of one set. */
struct pair {
	uint64_t key;      /* handle | root id << 32 */
	uint64_t pages;
};

/* An id for a raw root value (gfp mask, memcg address). */
struct rid {
	uint64_t key;
	uint32_t id;
};

struct collect {
	struct po_program *prog;
	struct po_folded *const *sets;
	size_t n;
	struct po_keymap *pairs;        /* one per set */
	bool need[4];                   /* root kinds some set wants */
	/* root frames of each kind: a string table each (v[id].s) */
	struct po_folded *names[4];
	struct po_keymap gfp_ids, memcg_ids;
	struct po_cg_tree tree;
	bool tree_tried, tree_ok;
	/* a section's partial sums on a reader thread: a gfp mask's id is its
	 * position in gfp_ids, named at the merge (po_format_gfp() caches) */
	bool part;
};

static struct po_error *intern(struct po_folded *t, const char *s, uint32_t *id)
{
	size_t len = strlen(s), idx;
	uint64_t key;
	struct po_error *err;

	lookup(t, s, len, &idx, &key);
	if (idx == SIZE_MAX) {
		if ((err = po_folded_add(t, s, len, 0)))
			return err;
		idx = t->n - 1;
	}
	if (idx >= UINT32_MAX)
		return &po_error_nomem;
	*id = (uint32_t)idx;
	return NULL;
}

static struct po_error *gfp_id(struct collect *c, uint32_t gfp, uint32_t *id)
{
	struct rid *r = po_keymap_find(&c->gfp_ids, gfp);
	char buf[1024];
	struct po_error *err;
	uint32_t v;

	if (r) {
		*id = r->id;
		return NULL;
	}
	if (c->part) {
		v = (uint32_t)c->gfp_ids.len;
		if (!(r = po_keymap_append(&c->gfp_ids, gfp)))
			return &po_error_nomem;
		r->id = *id = v;
		return NULL;
	}
	po_format_gfp(c->prog, gfp, buf, sizeof(buf));
	if (!buf[0])
		snprintf(buf, sizeof(buf), "0x%x", gfp);
	if ((err = intern(c->names[PO_FOLDED_ROOT_GFP], buf, &v)))
		return err;
	if (!(r = po_keymap_append(&c->gfp_ids, gfp)))
		return &po_error_nomem;
	r->id = *id = v;
	return NULL;
}

/* Special memcg keys (no struct mem_cgroup is at these addresses). */
#define MEMCG_KEY_NONE 1
#define MEMCG_KEY_SLAB 2
#define MEMCG_KEY_UNREADABLE 3

static struct po_error *memcg_id(struct collect *c, const struct po_record *rec,
				 uint32_t *id)
{
	struct po_memcg_info mi;
	struct po_error *err = po_page_memcg(c->prog, rec, &mi);
	uint64_t key;
	struct rid *r;
	const char *name;
	uint32_t v;

	if (err) {
		if (err->code == PO_ERR_NOMEM || err->code == PO_ERR_INTERRUPTED)
			return err;
		po_error_destroy(err);
		key = MEMCG_KEY_UNREADABLE;
	} else if (mi.kind == PO_MEMCG_SLAB) {
		key = MEMCG_KEY_SLAB;
	} else if (mi.kind == PO_MEMCG_CHARGED) {
		key = mi.memcg;
	} else {
		key = MEMCG_KEY_NONE;
	}
	if ((r = po_keymap_find(&c->memcg_ids, key))) {
		*id = r->id;
		return NULL;
	}
	switch (key) {
	case MEMCG_KEY_UNREADABLE: name = "[unreadable]"; break;
	case MEMCG_KEY_SLAB: name = "[slab]"; break;
	case MEMCG_KEY_NONE: name = "[uncharged]"; break;
	default:
		name = mi.name[0] ? mi.name : "[unnamed]";
		if (!c->tree_tried) {
			c->tree_tried = true;
			err = po_cg_tree_load(c->prog, &c->tree);
			c->tree_ok = !err;
			if (err)
				po_cg_tree_free(&c->tree);
			if (err && (err->code == PO_ERR_NOMEM || err->code == PO_ERR_INTERRUPTED))
				return err;
			po_error_destroy(err);
		}
		if (c->tree_ok) {
			size_t idx;
			err = po_cg_tree_get(c->prog, &c->tree, key, &idx);
			if (err && err->code == PO_ERR_NOMEM)
				return err;
			if (!err && c->tree.nodes[idx].path)
				name = c->tree.nodes[idx].path;
			po_error_destroy(err);
		}
	}
	if ((err = intern(c->names[PO_FOLDED_ROOT_MEMCG], name, &v)))
		return err;
	if (!(r = po_keymap_append(&c->memcg_ids, key)))
		return &po_error_nomem;
	r->id = *id = v;
	return NULL;
}

static struct po_error *collect_cb(struct po_program *prog, const struct po_record *rec,
				   void *arg)
{
	struct collect *c = arg;
	uint64_t handle = po_handle_mask(prog, rec->handle);
	uint64_t pages = 1ULL << rec->order;
	uint32_t ids[4] = { 0 };
	struct po_error *err;

	if (rec->suspect)
		return NULL; /* left out of the totals (the walk's stats say so) */
	if (c->need[PO_FOLDED_ROOT_PROCESS]) {
		char comm[sizeof(rec->comm)];
		memcpy(comm, rec->comm, sizeof(comm));
		comm[sizeof(comm) - 1] = 0;
		if ((err = intern(c->names[PO_FOLDED_ROOT_PROCESS], comm[0] ? comm : "[no_comm]",
				  &ids[PO_FOLDED_ROOT_PROCESS])))
			return err;
	}
	if (c->need[PO_FOLDED_ROOT_GFP] &&
	    (err = gfp_id(c, rec->gfp_mask, &ids[PO_FOLDED_ROOT_GFP])))
		return err;
	if (c->need[PO_FOLDED_ROOT_MEMCG] &&
	    (err = memcg_id(c, rec, &ids[PO_FOLDED_ROOT_MEMCG])))
		return err;
	for (size_t i = 0; i < c->n; i++) {
		const struct po_folded_opts *o = &c->sets[i]->opts;
		uint64_t key = o->root_only ? 0 : handle;
		struct pair *p;

		key |= (uint64_t)ids[o->root] << 32;
		if (!(p = po_keymap_get(&c->pairs[i], key)))
			return &po_error_nomem;
		p->pages += pages;
	}
	return NULL;
}

/* c's tables, empty, for the root kinds in c->need (a part names no gfp
 * masks). */
static struct po_error *collect_tables(struct collect *c)
{
	struct po_error *err = NULL;

	c->gfp_ids = c->memcg_ids = (struct po_keymap)PO_KEYMAP_INIT(struct rid);
	if (!(c->pairs = calloc(c->n ? c->n : 1, sizeof(*c->pairs))))
		return &po_error_nomem;
	for (size_t i = 0; i < c->n; i++)
		c->pairs[i] = (struct po_keymap)PO_KEYMAP_INIT(struct pair);
	for (int k = 1; k < 4 && !err; k++)
		if (c->need[k] && !(c->part && k == PO_FOLDED_ROOT_GFP))
			err = po_folded_create(NULL, &c->names[k]);
	return err;
}

/* What collect_tables() and the walk left in c. */
static void collect_release(struct collect *c)
{
	for (size_t i = 0; c->pairs && i < c->n; i++)
		po_keymap_free(&c->pairs[i]);
	free(c->pairs);
	for (int k = 1; k < 4; k++)
		po_folded_destroy(c->names[k]);
	po_keymap_free(&c->gfp_ids);
	po_keymap_free(&c->memcg_ids);
	if (c->tree_ok)
		po_cg_tree_free(&c->tree);
}

/*
 * Partial sums of one memory section (po_walk_parts()) where no set roots
 * its stacks in memcgs (which are read from the dump, on the walk's thread
 * only): a collect of its own, with pairs, process and gfp names numbered
 * in the order the section first met them.
 */
static void collect_part_free(void *part)
{
	collect_release(part);
	free(part);
}

static void *collect_part_new(void *arg)
{
	const struct collect *c = arg;
	struct collect *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->prog = c->prog;
	p->part = true;
	p->sets = c->sets;
	p->n = c->n;
	memcpy(p->need, c->need, sizeof(p->need));
	struct po_error *err = collect_tables(p);
	if (err) {
		po_error_destroy(err);
		collect_part_free(p);
		return NULL;
	}
	return p;
}

/* The part's sums added to c's: its names interned in c's tables in the
 * part's order (so in the order one walk would have met them), its pairs
 * renumbered and added in theirs. */
static struct po_error *collect_part_merge(void *arg, void *part)
{
	struct collect *c = arg, *p = part;
	uint32_t *map[4] = { NULL };
	struct po_error *err = NULL;

	for (int k = 1; k < 4 && !err; k++) {
		if (!p->names[k] || !p->names[k]->n)
			continue;
		if (!(map[k] = calloc(p->names[k]->n, sizeof(*map[k])))) {
			err = &po_error_nomem;
			break;
		}
		for (size_t j = 0; j < p->names[k]->n && !err; j++)
			err = intern(c->names[k], p->names[k]->v[j].s, &map[k][j]);
	}
	/* gfp masks: named here, in the order the section met them */
	if (!err && p->gfp_ids.len &&
	    !(map[PO_FOLDED_ROOT_GFP] = calloc(p->gfp_ids.len, sizeof(uint32_t))))
		err = &po_error_nomem;
	for (size_t j = 0; j < p->gfp_ids.len && !err; j++) {
		const struct rid *r = po_keymap_at(&p->gfp_ids, j);
		err = gfp_id(c, (uint32_t)r->key, &map[PO_FOLDED_ROOT_GFP][r->id]);
	}
	for (size_t i = 0; i < c->n && !err; i++) {
		int root = c->sets[i]->opts.root;
		for (size_t j = 0; j < p->pairs[i].len && !err; j++) {
			const struct pair *f = po_keymap_at(&p->pairs[i], j);
			uint64_t key = f->key & 0xffffffffULL, id = f->key >> 32;
			struct pair *t;
			if (root)
				key |= (uint64_t)map[root][id] << 32;
			if (!(t = po_keymap_get(&c->pairs[i], key)))
				err = &po_error_nomem;
			else
				t->pages += f->pages;
		}
	}
	for (int k = 1; k < 4; k++)
		free(map[k]);
	collect_part_free(p);
	return err;
}

/* The strings of one set's pairs. */
static struct po_error *fold_pairs(struct collect *c, size_t i)
{
	struct po_folded *f = c->sets[i];
	const struct po_folded_opts *o = &f->opts;
	struct sbuf b = { 0 };
	struct po_error *err = NULL;

	for (size_t j = 0; j < c->pairs[i].len && !err; j++) {
		const struct pair *p = po_keymap_at(&c->pairs[i], j);
		uint32_t handle = (uint32_t)p->key, id = (uint32_t)(p->key >> 32);

		b.len = 0;
		if (o->root) {
			const struct po_folded_stack *r = &c->names[o->root]->v[id];
			put_root(&b, r->s, r->len);
		}
		if (!o->root_only) {
			const struct po_stack *st = NULL;
			/* NULL when the dump does not give the record */
			if ((err = po_stack_lookup(c->prog, handle, &st, NULL, 0)))
				break;
			if (!st || !st->nr_frames)
				put_root(&b, "[unreadable_stack]", 18);
			for (unsigned k = st ? st->nr_frames : 0; k-- > 0;)
				put_frame(&b, o, &st->frames[k]);
		}
		if (b.failed)
			err = &po_error_nomem;
		else
			err = po_folded_add(f, b.p ? b.p : "", b.len, p->pages);
	}
	sb_free(&b);
	return err;
}

struct po_error *po_folded_from_dump(struct po_program *prog,
				     struct po_folded *const *sets, size_t n,
				     struct po_walk_stats *stats)
{
	struct collect c;
	struct po_walk_stats local;
	struct po_error *err = NULL;

	if (!stats)
		stats = &local;
	memset(&c, 0, sizeof(c));
	c.prog = prog;
	c.sets = sets;
	c.n = n;
	for (size_t i = 0; i < n && !err; i++) {
		if ((unsigned)sets[i]->opts.root > PO_FOLDED_ROOT_GFP)
			err = po_error_create(PO_ERR_INVALID, "folded: unknown root %d",
					      (int)sets[i]->opts.root);
		else
			c.need[sets[i]->opts.root] = true;
	}
	if (!err)
		err = collect_tables(&c);
	if (!err) {
		struct po_walk_ops ops = { .fn = collect_cb };
		if (!c.need[PO_FOLDED_ROOT_MEMCG]) {
			ops.part_new = collect_part_new;
			ops.part_merge = collect_part_merge;
			ops.part_free = collect_part_free;
		}
		err = po_walk_parts(prog, PO_WALK_DEBUGFS, &ops, &c, stats);
	}
	for (size_t i = 0; i < n && !err; i++) {
		err = fold_pairs(&c, i);
		sets[i]->records += stats->pfns_allocated;
	}
	collect_release(&c);
	return err;
}

struct po_error *po_folded_meta_from_program(struct po_program *prog, const char *name,
					     struct po_folded_meta *meta)
{
	struct po_mem_totals t;
	struct po_error *err;
	bool found = false;

	memset(meta, 0, sizeof(*meta));
	snprintf(meta->kind, sizeof(meta->kind), "dump");
	snprintf(meta->name, sizeof(meta->name), "%s", name ? name : "");
	snprintf(meta->release, sizeof(meta->release), "%s", po_program_release(prog));
	meta->page_size = prog->k->L.page_size;
	if ((err = po_mem_totals(prog, &t)))
		return err;
	if (t.have_ram)
		meta->ram_pages = t.ram;
	/* the log is a nicety: only out of memory stops */
	err = po_kmsg_panic_reason(prog, meta->panic, sizeof(meta->panic), &found);
	if (err && err->code == PO_ERR_NOMEM)
		return err;
	if (err || !found)
		meta->panic[0] = 0;
	po_error_destroy(err);
	return NULL;
}

struct po_error *po_folded_describe_dump(struct po_program *prog, const char *name,
					 struct po_folded *const *sets, size_t n)
{
	struct po_folded_meta meta;
	struct po_error *err = po_folded_meta_from_program(prog, name, &meta);

	for (size_t i = 0; i < n && !err; i++)
		sets[i]->meta = meta;
	return err;
}

/* ---- from a text ---- */

enum po_folded_input po_folded_sniff(const char *line)
{
	if (!strncmp(line, "Page allocated via", 18))
		return PO_INPUT_PAGE_OWNER;
	if (line[0] == ' ' || line[0] == '\t' || !strncmp(line, "nr_base_pages:", 14) ||
	    !strncmp(line, "handle:", 7))
		return PO_INPUT_SHOW_STACKS;
	return PO_INPUT_FOLDED;
}

/* A count: decimal digits only. */
static bool parse_dec(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10)
			return false;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return true;
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

/* One record (page_owner) or stack (show_stacks) being read. */
struct block {
	bool open;
	uint64_t pages;
	struct sbuf frames;  /* the frame lines, each followed by '\n' */
	size_t nframes;
	size_t *starts;      /* where each frame line starts in frames */
	size_t starts_cap;
	char comm[64], gfp[512], memcg[256], handle[32];
};

static void block_reset(struct block *k)
{
	k->open = false;
	k->pages = 0;
	k->frames.len = 0;
	k->nframes = 0;
	strcpy(k->comm, "[unknown]");
	k->gfp[0] = 0;
	strcpy(k->memcg, "[uncharged]");
	k->handle[0] = 0;
}

/* The n-th frame line of the block (0: innermost). */
static const char *nth_frame(const struct block *k, size_t nth, size_t *len)
{
	const char *p = k->frames.p + k->starts[nth];
	*len = (size_t)(strchr(p, '\n') - p);
	return p;
}

static struct po_error *block_end(struct block *k, struct po_folded *const *sets,
				  size_t n, struct sbuf *b)
{
	struct po_error *err = NULL;

	if (!k->open)
		return NULL;
	for (size_t i = 0; i < n && !err; i++) {
		const struct po_folded_opts *o = &sets[i]->opts;
		if (sets[i]->unavailable)
			continue;
		const char *root = o->root == PO_FOLDED_ROOT_PROCESS ? k->comm :
				   o->root == PO_FOLDED_ROOT_MEMCG ? k->memcg :
				   o->root == PO_FOLDED_ROOT_GFP ? k->gfp : NULL;
		b->len = 0;
		if (root)
			put_root(b, root, strlen(root));
		if (!o->root_only) {
			if (!k->nframes) {
				char h[64];
				snprintf(h, sizeof(h), "[handle_%s]", k->handle[0] ? k->handle : "unknown");
				put_root(b, h, strlen(h));
			}
			/* the frames are innermost first: fold them the other way */
			for (size_t j = k->nframes; j-- > 0;) {
				size_t len;
				const char *s = nth_frame(k, j, &len);
				put_frame_text(b, o, s, len);
			}
		}
		if (b->failed || k->frames.failed)
			err = &po_error_nomem;
		else
			err = po_folded_add(sets[i], b->p ? b->p : "", b->len, k->pages);
		sets[i]->records++;
	}
	block_reset(k);
	return err;
}

/* "Page allocated via order %u, mask %#x(%pGg), pid %d, tgid %d (%s), ts ..." */
static void parse_header(struct block *k, const char *line)
{
	const char *p = strstr(line, "order ");
	unsigned long order = p ? strtoul(p + 6, NULL, 10) : 0;
	unsigned long mask = 0;

	k->open = true;
	k->pages = order < 64 ? 1ULL << order : 0;
	if ((p = strstr(line, "mask 0x"))) {
		char *end;
		mask = strtoul(p + 5, &end, 16);
		if (*end == '(') {
			const char *close = strchr(end, ')');
			if (close && close > end + 1)
				snprintf(k->gfp, sizeof(k->gfp), "%.*s",
					 (int)(close - end - 1), end + 1);
		}
	}
	if (!k->gfp[0])
		snprintf(k->gfp, sizeof(k->gfp), "0x%lx", mask);
	if ((p = strstr(line, ", tgid "))) {
		const char *open = strchr(p, '('), *close = NULL;
		/* the comm ends at the last "), ts" (a comm may hold "), ") */
		for (const char *q = open; q && (q = strstr(q, "), ts")); q++)
			close = q;
		if (open && close && close > open)
			snprintf(k->comm, sizeof(k->comm), "%.*s",
				 (int)(close - open - 1), open + 1);
	}
}

static struct po_error *add_frame_line(struct block *k, const char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (k->nframes == k->starts_cap) {
		size_t cap = k->starts_cap ? 2 * k->starts_cap : 32;
		size_t *v = po_xrealloc_array(k->starts, cap, sizeof(*v));
		if (!v)
			return &po_error_nomem;
		k->starts = v;
		k->starts_cap = cap;
	}
	k->starts[k->nframes] = k->frames.len;
	sb_put(&k->frames, line, n);
	sb_put(&k->frames, "\n", 1);
	k->nframes++;
	return k->frames.failed ? &po_error_nomem : NULL;
}

static void chomp(char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = 0;
}

static struct po_error *page_owner_line(struct block *k, char *line,
					struct po_folded *const *sets, size_t n,
					struct sbuf *b)
{
	struct po_error *err;

	chomp(line);
	if (!strncmp(line, "Page allocated via", 18)) {
		if ((err = block_end(k, sets, n, b)))
			return err;
		parse_header(k, line);
		return NULL;
	}
	if (blank(line))
		return block_end(k, sets, n, b);
	if (!k->open) {
		for (size_t i = 0; i < n; i++)
			sets[i]->ignored_lines++;
		return NULL;
	}
	if (line[0] == ' ' || line[0] == '\t')
		return add_frame_line(k, line);
	if (!strncmp(line, "handle: ", 8))
		snprintf(k->handle, sizeof(k->handle), "%s", line + 8);
	else if (!strncmp(line, "Slab cache page", 15))
		strcpy(k->memcg, "[slab]");
	else if (!strncmp(line, "Charged ", 8)) {
		const char *m = NULL;
		for (const char *q = line; (q = strstr(q, "memcg ")); q++)
			m = q + 6;
		if (m && *m)
			snprintf(k->memcg, sizeof(k->memcg), "%s", m);
	}
	/* "PFN ...", "Page has been migrated..." and the like: nothing to count */
	return NULL;
}

static struct po_error *show_stacks_line(struct block *k, char *line,
					 struct po_folded *const *sets, size_t n,
					 struct sbuf *b)
{
	uint64_t v;

	chomp(line);
	if (blank(line)) {
		block_reset(k);
		return NULL;
	}
	if (line[0] == ' ' || line[0] == '\t')
		return add_frame_line(k, line);
	if (!strncmp(line, "handle: ", 8)) {
		snprintf(k->handle, sizeof(k->handle), "%s", line + 8);
		return NULL;
	}
	if (!strncmp(line, "nr_base_pages: ", 15) && parse_dec(line + 15, &v)) {
		k->open = true;
		k->pages = v;
		return block_end(k, sets, n, b);
	}
	for (size_t i = 0; i < n; i++)
		sets[i]->ignored_lines++;
	return NULL;
}

static struct po_error *folded_line(char *line, struct po_folded *const *sets,
				    size_t n, struct sbuf *b)
{
	size_t len, end;
	char *sp;
	uint64_t v;

	chomp(line);
	if (blank(line))
		return NULL;
	len = strlen(line);
	while (len && isspace((unsigned char)line[len - 1]))
		line[--len] = 0;
	sp = line + len;
	while (sp > line && !isspace((unsigned char)sp[-1]))
		sp--;
	end = (size_t)(sp - line);
	while (end && isspace((unsigned char)line[end - 1]))
		end--;
	if (sp == line || !end || !parse_dec(sp, &v)) {
		for (size_t i = 0; i < n; i++)
			sets[i]->ignored_lines++;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const struct po_folded_opts *o = &sets[i]->opts;
		const char *p = line, *stop = line + end;
		struct po_error *err;

		if (sets[i]->unavailable)
			continue;
		b->len = 0;
		while (p < stop) {
			const char *semi = memchr(p, ';', (size_t)(stop - p));
			const char *fe = semi ? semi : stop;
			put_frame_text(b, o, p, (size_t)(fe - p));
			p = semi ? semi + 1 : stop;
		}
		if (b->failed)
			return &po_error_nomem;
		if ((err = po_folded_add(sets[i], b->p ? b->p : "", b->len, v)))
			return err;
		sets[i]->records++;
	}
	return NULL;
}

struct po_error *po_folded_from_text(FILE *in, const char *name,
				     struct po_folded *const *sets, size_t n)
{
	struct po_error *err = NULL;
	struct block k;
	struct sbuf b = { 0 };
	char *line = NULL;
	size_t cap = 0;
	bool sniffed = false;
	uint64_t lines = 0;  /* not blank */
	enum po_folded_input kind = PO_INPUT_FOLDED;
	static const char *const kind_names[] = {
		[PO_INPUT_PAGE_OWNER] = "page_owner text",
		[PO_INPUT_SHOW_STACKS] = "show_stacks text",
		[PO_INPUT_FOLDED] = "folded",
	};

	memset(&k, 0, sizeof(k));
	block_reset(&k);
	errno = 0;
	while (!err && getline(&line, &cap, in) >= 0) {
		if (!sniffed) {
			if (blank(line))
				continue;
			sniffed = true;
			kind = po_folded_sniff(line);
			for (size_t i = 0; i < n && kind != PO_INPUT_PAGE_OWNER; i++) {
				if (!sets[i]->opts.root && !sets[i]->opts.root_only)
					continue;
				if (sets[i]->opts.optional)
					sets[i]->unavailable = true;
				else
					err = po_error_create(PO_ERR_USAGE,
							      "%s: a %s has no %s to put first (--root needs a dump or a page_owner text)",
							      name, kind_names[kind],
							      po_folded_root_name(sets[i]->opts.root));
			}
			if (err)
				break;
		}
		lines += !blank(line);
		switch (kind) {
		case PO_INPUT_PAGE_OWNER: err = page_owner_line(&k, line, sets, n, &b); break;
		case PO_INPUT_SHOW_STACKS: err = show_stacks_line(&k, line, sets, n, &b); break;
		case PO_INPUT_FOLDED: err = folded_line(line, sets, n, &b); break;
		}
	}
	if (!err && ferror(in))
		err = po_error_create(PO_ERR_OS, "%s: %s", name, strerror(errno ? errno : EIO));
	if (!err && kind == PO_INPUT_PAGE_OWNER)
		err = block_end(&k, sets, n, &b);
	if (!err && !sniffed)
		err = po_error_create(PO_ERR_FORMAT, "%s: empty input", name);
	for (size_t i = 0; i < n && !err; i++) {
		struct po_folded_meta *m = &sets[i]->meta;
		memset(m, 0, sizeof(*m));
		snprintf(m->kind, sizeof(m->kind), "%s", kind_names[kind]);
		snprintf(m->name, sizeof(m->name), "%s", name);
		/* some lines of junk are left out (and counted); a file that is
		 * mostly junk is something else */
		if (!sets[i]->unavailable && sets[i]->ignored_lines &&
		    (!sets[i]->n || sets[i]->ignored_lines * 2 > lines))
			err = po_error_create(PO_ERR_FORMAT,
					      "%s: not a page_owner text, show_stacks text or folded stacks (%llu of %llu lines not understood)",
					      name, (unsigned long long)sets[i]->ignored_lines,
					      (unsigned long long)lines);
	}
	free(line);
	sb_free(&b);
	sb_free(&k.frames);
	free(k.starts);
	return err;
}

/* ---- output ---- */

void po_folded_print(const struct po_folded *f, FILE *out, uint64_t threshold)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct po_folded_stack *st = &f->v[i];
		if (st->pages && st->pages >= threshold)
			fprintf(out, "%s %llu\n", st->s, (unsigned long long)st->pages);
	}
}

void po_folded_print_json(const struct po_folded *f, FILE *out, uint64_t threshold)
{
	size_t printed = 0;

	fputs("{\"source\":\"pages\",\"release\":", out);
	po_json_str_or_null(out, f->meta.release[0] ? f->meta.release : NULL);
	fputs(",\"root\":", out);
	po_json_string(out, po_folded_root_name(f->opts.root));
	fprintf(out, ",\"offsets\":%s,\"threshold\":%llu,\"stacks\":[",
		f->opts.offsets ? "true" : "false", (unsigned long long)threshold);
	for (size_t i = 0; i < f->n; i++) {
		const struct po_folded_stack *st = &f->v[i];
		if (!st->pages || st->pages < threshold)
			continue;
		fputs(printed++ ? ",{\"stack\":" : "{\"stack\":", out);
		po_json_string(out, st->s);
		fprintf(out, ",\"pages\":%llu}", (unsigned long long)st->pages);
	}
	fprintf(out, "],\"nr_stacks\":%zu,\"nr_printed\":%zu,\"total_pages\":%llu}\n",
		f->n, printed, (unsigned long long)f->total_pages);
}

uint64_t po_folded_total_pages(const struct po_folded *f)
{
	return f->total_pages;
}

size_t po_folded_nr_stacks(const struct po_folded *f)
{
	return f->n;
}

uint64_t po_folded_ignored_lines(const struct po_folded *f)
{
	return f->ignored_lines;
}

/* ---- `stacks --folded` ---- */

/*
 * The per-stack totals as folded lines, "outermost;...;allocator pages",
 * for flamegraph.pl, inferno or speedscope.  Always summed from the
 * per-page records (as --from-pages), so that --root can split a stack by
 * process, memcg or gfp mask and every page the walk counts is in some
 * line.
 */
struct po_error *po_report_folded(struct po_program *prog, FILE *out,
				  const struct po_report_opts *opts,
				  struct po_stacks_info *info)
{
	struct po_folded_opts fo = { 0 };
	struct po_folded *f = NULL;
	struct po_error *err;
	uint64_t thr = opts->threshold;

	memset(info, 0, sizeof(*info));
	info->source = PO_STACKS_FROM_PAGES;
	if (opts->view != PO_STACKS_SHOW_STACKS)
		return po_error_create(PO_ERR_USAGE,
				       "--folded prints stacks: not with --handles or --stacks-handles");
	if ((unsigned)opts->root > PO_FOLDED_ROOT_GFP)
		return po_error_create(PO_ERR_USAGE, "--root: unknown root %d", (int)opts->root);
	fo.root = opts->root;
	fo.offsets = opts->offsets;
	if ((err = po_folded_create(&fo, &f)))
		return err;
	snprintf(f->meta.release, sizeof(f->meta.release), "%s", po_program_release(prog));
	err = po_folded_from_dump(prog, &f, 1, &info->walk);
	if (!err && !opts->kernel_order)
		err = po_folded_sort_pages(f);
	if (err)
		goto out;
	info->nr_stacks = f->n;
	info->total_pages = f->total_pages;
	for (size_t i = 0; i < f->n; i++)
		info->nr_printed += f->v[i].pages && f->v[i].pages >= thr;
	if (opts->json)
		po_folded_print_json(f, out, thr);
	else
		po_folded_print(f, out, thr);
	if (ferror(out))
		err = po_error_create(PO_ERR_OS, "write error");
out:
	po_folded_destroy(f);
	return err;
}
