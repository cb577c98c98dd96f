/*
 * The PFN walk: sparsemem sections read in bulk (a section's struct page
 * array, page_ext array and pageblock bitmap in one read each), and the
 * page_owner record of each PFN decoded with offsets resolved once.
 * PO_WALK_DEBUGFS follows read_page_owner() of mm/page_owner.c exactly.
 */
#include <pthread.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>

#include "base/keymap.h"
#include "base/util.h"
#include "kernel/stackdepot.h"
#include "kernel/kernel.h"
#include "access/program.h"

struct section {
	uint64_t nr;          /* section number; UINT64_MAX = none loaded */
	bool present;         /* has a mem_map */
	bool early;
	uint64_t raw_page_ext;
	uint8_t *pages;       /* PAGES_PER_SECTION struct pages */
	uint8_t *pages_ok;    /* per PFN: struct page readable */
	uint8_t *exts;        /* PAGES_PER_SECTION page_ext entries */
	uint8_t *exts_ok;
	uint8_t *usage;       /* struct mem_section_usage + pageblock bitmap */
	size_t usage_len;
	bool usage_ok;
	uint64_t mem_map;     /* struct page address of the first PFN */
	/* what loading it found, added to the walk's stats when the walk
	 * reaches it (a section read ahead by another thread) */
	unsigned found_present, found_missing;
};

/* What reads sections: one per thread. */
struct loader {
	struct po_reader rd;
	uint8_t *chunk_ok;    /* scratch for bulk reads */
	size_t chunk_cap;
};

struct prefetch;

struct walker {
	struct po_program *prog;
	uint64_t *roots;      /* SPARSEMEM_EXTREME root pointers */
	uint64_t nr_roots;
	struct section own;   /* the section loaded on this thread */
	struct section *sec;  /* the current one: own, or a read-ahead slot */
	struct loader ld;     /* this thread's, over the program's reader */
	struct po_walk_stats *stats;
	struct prefetch *pf;  /* threads reading ahead, or NULL */
	uint64_t progress_next; /* PFN at which to report progress next */
	/* On a reader thread: whether each stack handle seen reads
	 * (struct memo, by handle), through stack_rd; NULL on the walk's
	 * own thread, which asks po_stack_lookup() and its cache. */
	struct po_keymap *memo;
	struct po_reader *stack_rd;
};

enum memo_state { MEMO_NEW, MEMO_READABLE, MEMO_UNREADABLE };

struct memo {
	uint64_t handle;
	unsigned char state; /* enum memo_state */
};

/*
 * Read [addr, addr+len) into buf; memory absent from the dump is zeroed and
 * reported per PFN-sized unit in ok[] (unit bytes each).  Fails only for
 * errors other than absent memory (truncated or corrupt dump).
 */
static struct po_error *read_bulk(const struct walker *w, struct loader *ld,
				  uint64_t addr, uint8_t *buf, size_t len,
				  uint8_t *ok, size_t unit, bool *any_ok)
{
	uint64_t psz = w->prog->k->L.page_size;
	struct po_error *err;
	size_t nunits = len / unit;

	err = po_reader_read(&ld->rd, addr, buf, len);
	if (!err) {
		memset(ok, 1, nunits);
		*any_ok = true;
		return NULL;
	}
	if (err->code != PO_ERR_FAULT)
		return err;
	po_error_destroy(err);
	/* Page by page. */
	size_t nchunks = (len + psz + (addr % psz)) / psz + 1;
	if (nchunks > ld->chunk_cap) {
		uint8_t *p = realloc(ld->chunk_ok, nchunks);
		if (!p)
			return &po_error_nomem;
		ld->chunk_ok = p;
		ld->chunk_cap = nchunks;
	}
	uint64_t base = addr - addr % psz;
	*any_ok = false;
	for (size_t c = 0; c < nchunks; c++) {
		uint64_t start = base + c * psz, end = start + psz;
		if (start < addr)
			start = addr;
		if (end > addr + len)
			end = addr + len;
		ld->chunk_ok[c] = 0;
		if (start >= end)
			continue;
		err = po_reader_read(&ld->rd, start, buf + (start - addr), end - start);
		if (!err) {
			ld->chunk_ok[c] = 1;
			*any_ok = true;
		} else if (err->code != PO_ERR_FAULT) {
			return err;
		} else {
			po_error_destroy(err);
			memset(buf + (start - addr), 0, end - start);
		}
	}
	for (size_t i = 0; i < nunits; i++) {
		uint64_t a = addr + i * unit, b = a + unit - 1;
		ok[i] = ld->chunk_ok[(a - base) / psz] && ld->chunk_ok[(b - base) / psz];
	}
	return NULL;
}

static struct po_error *section_addr(const struct walker *w, uint64_t nr,
				     uint64_t *addr)
{
	struct po_layout *L = &w->prog->k->L;
	uint64_t root = nr / L->sections_per_root;

	if (!L->sparse_extreme) {
		*addr = L->mem_section + nr * L->sizeof_mem_section;
		return NULL;
	}
	if (root >= w->nr_roots || !w->roots[root]) {
		*addr = 0;
		return NULL;
	}
	*addr = w->roots[root] + (nr % L->sections_per_root) * L->sizeof_mem_section;
	return NULL;
}

/*
 * A buffer for a section's array (2 MiB of struct pages, more of page_ext),
 * in transparent huge pages where the kernel gives them on request: one
 * page fault per 2 MiB rather than 512, which on a VM, where a fault traps
 * to the hypervisor, is most of the cost of a fresh buffer.
 */
static void *big_alloc(size_t len)
{
	const size_t huge = (size_t)2 << 20;
	void *p;

	if (len < huge)
		return malloc(len);
	len = (len + huge - 1) & ~(huge - 1);
	if (posix_memalign(&p, huge, len))
		return NULL;
	madvise(p, len, MADV_HUGEPAGE); /* a hint: no THP, no harm */
	return p;
}

/* Load section nr into s through ld; only reads w (any thread may). */
static struct po_error *load_section(const struct walker *w, struct loader *ld,
				     struct section *s, uint64_t nr)
{
	struct po_program *prog = w->prog;
	struct po_layout *L = &prog->k->L;
	struct po_error *err;
	uint64_t addr, map;
	uint8_t ms[64];
	bool any;

	s->nr = nr;
	s->present = false;
	s->found_present = s->found_missing = 0;
	if (nr >= L->nr_sections)
		return NULL;
	err = section_addr(w, nr, &addr);
	if (err || !addr)
		return err;
	err = po_reader_read(&ld->rd, addr, ms, L->sizeof_mem_section > sizeof(ms) ?
			     sizeof(ms) : L->sizeof_mem_section);
	if (err) {
		if (err->code != PO_ERR_FAULT)
			return err;
		po_error_destroy(err);
		s->found_missing++;
		return NULL;
	}
	map = po_get_u64(ms + L->off_ms_mem_map);
	if (!(map & (1ULL << L->bit_has_mem_map)))
		return NULL;
	s->present = true;
	s->early = map & (1ULL << L->bit_early);
	s->found_present++;
	uint64_t start_pfn = nr * L->pages_per_section;
	/* The coded mem_map is mem_map - start_pfn, in struct pages. */
	s->mem_map = (map & L->section_map_mask) + start_pfn * L->sizeof_page;
	s->raw_page_ext = L->off_ms_page_ext != PO_ABSENT ?
			  po_get_u64(ms + L->off_ms_page_ext) : 0;
	size_t n = L->pages_per_section;
	if (!s->pages) {
		s->pages = big_alloc(n * L->sizeof_page);
		s->pages_ok = malloc(n);
		s->exts = big_alloc(n * L->page_ext_size);
		s->exts_ok = malloc(n);
		if (!s->pages || !s->pages_ok || !s->exts || !s->exts_ok)
			return &po_error_nomem;
	}
	err = read_bulk(w, ld, s->mem_map, s->pages, n * L->sizeof_page, s->pages_ok,
			L->sizeof_page, &any);
	if (err)
		return po_error_prefix(err, "reading struct page array of section %llu",
				       (unsigned long long)nr);
	if (!any)
		s->found_missing++;
	if (s->raw_page_ext && !(s->raw_page_ext & 1)) {
		uint64_t base = s->raw_page_ext + start_pfn * L->page_ext_size;
		err = read_bulk(w, ld, base, s->exts, n * L->page_ext_size, s->exts_ok,
				L->page_ext_size, &any);
		if (err)
			return po_error_prefix(err, "reading page_ext array of section %llu",
					       (unsigned long long)nr);
	} else {
		memset(s->exts_ok, 0, n);
	}
	/* mem_section_usage: subsection map and pageblock bitmap */
	s->usage_ok = false;
	if (L->off_ms_usage != PO_ABSENT && L->off_usage_pageblock_flags != PO_ABSENT) {
		uint64_t usage = po_get_u64(ms + L->off_ms_usage);
		uint64_t blocks = n >> L->pageblock_order;
		size_t len = L->off_usage_pageblock_flags +
			     ((blocks * L->pageblock_bits + 63) / 64) * 8;
		if (len > s->usage_len) {
			uint8_t *p = realloc(s->usage, len);
			if (!p)
				return &po_error_nomem;
			s->usage = p;
		}
		s->usage_len = len;
		if (usage) {
			err = po_reader_read(&ld->rd, usage, s->usage, len);
			if (!err)
				s->usage_ok = true;
			else if (err->code == PO_ERR_FAULT)
				po_error_destroy(err);
			else
				return err;
		}
	}
	return NULL;
}

static struct po_error *prefetch_take(struct walker *w, uint64_t nr,
				       struct section **sec);

static void report_progress(struct walker *w, uint64_t pfn)
{
	struct po_program *prog = w->prog;
	uint64_t total = prog->k->L.max_pfn;

	if (!prog->progress || pfn < w->progress_next)
		return;
	prog->progress(prog->progress_arg, pfn < total ? pfn : total, total);
	w->progress_next = pfn + prog->k->L.pages_per_section;
}

static struct po_error *get_section(struct walker *w, uint64_t pfn)
{
	uint64_t nr = pfn / w->prog->k->L.pages_per_section;
	struct po_error *err;

	if (w->sec->nr == nr)
		return NULL;
	report_progress(w, pfn);
	if (!w->pf || (err = prefetch_take(w, nr, &w->sec)) == &po_error_stop) {
		w->sec = &w->own;
		err = load_section(w, &w->ld, &w->own, nr);
	}
	w->stats->sections += w->sec->found_present;
	w->stats->sections_missing += w->sec->found_missing;
	return err;
}

static bool pfn_valid(struct walker *w, uint64_t pfn)
{
	struct po_layout *L = &w->prog->k->L;
	struct section *s = w->sec;

	if (!s->present)
		return false;
	if (s->early || !s->usage_ok || L->off_usage_subsection_map == PO_ABSENT)
		return true;
	uint64_t idx = (pfn & (L->pages_per_section - 1)) >>
		       (L->subsection_shift - L->page_shift);
	uint64_t word = po_get_u64(s->usage + L->off_usage_subsection_map + (idx / 64) * 8);
	return (word >> (idx % 64)) & 1;
}

static void po_decode_owner(struct po_program *prog, const uint8_t *o,
		     struct po_record *rec)
{
	struct po_layout *L = &prog->k->L;

	rec->order = po_get_u16(o + L->po_order);
	rec->last_migrate_reason = L->po_last_migrate_reason != PO_ABSENT ?
		(int16_t)po_get_u16(o + L->po_last_migrate_reason) : -1;
	if (L->mr_never && rec->last_migrate_reason == L->mr_never_value)
		rec->last_migrate_reason = -1;
	rec->gfp_mask = po_get_u32(o + L->po_gfp_mask);
	rec->handle = po_get_u32(o + L->po_handle);
	rec->free_handle = L->po_free_handle != PO_ABSENT ? po_get_u32(o + L->po_free_handle) : 0;
	rec->ts_nsec = L->po_ts_nsec != PO_ABSENT ? po_get_u64(o + L->po_ts_nsec) : 0;
	rec->free_ts_nsec = L->po_free_ts_nsec != PO_ABSENT ? po_get_u64(o + L->po_free_ts_nsec) : 0;
	rec->pid = L->po_pid != PO_ABSENT ? (int32_t)po_get_u32(o + L->po_pid) : 0;
	rec->tgid = L->po_tgid != PO_ABSENT ? (int32_t)po_get_u32(o + L->po_tgid) : 0;
	rec->free_pid = L->po_free_pid != PO_ABSENT ? (int32_t)po_get_u32(o + L->po_free_pid) : 0;
	rec->free_tgid = L->po_free_tgid != PO_ABSENT ? (int32_t)po_get_u32(o + L->po_free_tgid) : 0;
	memset(rec->comm, 0, sizeof(rec->comm));
	if (L->po_comm != PO_ABSENT)
		memcpy(rec->comm, o + L->po_comm, L->po_comm_len);
}

/* include/linux/threads.h, 64-bit */
#define PID_MAX_LIMIT (4 * 1024 * 1024)

/*
 * The latest allocation time a record may have: the dump's clock is only an
 * estimate (jiffies lose ticks under emulation: 8.5 s against the log's 22.6
 * s on a QEMU TCG guest; the log may be quiet for hours before a live dump),
 * so only a time beyond twice it and a minute is taken for garbage.  A bit
 * flipped above the uptime's top bit, what storage and LZO errors do, is.
 */
static uint64_t latest_ts(uint64_t uptime)
{
	return uptime * 2 + 60000000000ULL;
}

/* Whether handle's stack reads: the stack cache's answer on the walk's own
 * thread, the thread's memo of po_stack_readable() on a reader thread. */
static struct po_error *stack_ok(struct walker *w, uint32_t handle, bool *ok)
{
	const struct po_stack *stack;
	struct po_error *err;
	struct memo *m;

	if (!w->memo) {
		err = po_stack_lookup(w->prog, handle, &stack, NULL, 0);
		*ok = stack != NULL;
		return err;
	}
	/* the keymap's last-entry memo serves runs of pages from one stack */
	if (!(m = po_keymap_get(w->memo, handle)))
		return &po_error_nomem;
	if (m->state == MEMO_NEW) {
		if ((err = po_stack_readable(w->prog, w->stack_rd, handle, ok)))
			return err;
		m->state = *ok ? MEMO_READABLE : MEMO_UNREADABLE;
	}
	*ok = m->state == MEMO_READABLE;
	return NULL;
}

/* Which values of an allocated record no kernel writes (enum po_suspect),
 * counted in the stats.  Fails only for out-of-memory. */
static struct po_error *check_record(struct walker *w, struct po_record *rec)
{
	struct po_program *prog = w->prog;
	struct po_walk_stats *st = w->stats;
	struct po_layout *L = &prog->k->L;
	struct po_error *err;
	bool readable;
	unsigned s = 0;

	if (rec->order > L->max_record_order)
		s |= PO_SUSPECT_ORDER;
	if (rec->pid < 0 || rec->pid > PID_MAX_LIMIT || rec->tgid < 0 ||
	    rec->tgid > PID_MAX_LIMIT)
		s |= PO_SUSPECT_PID;
	if (L->dump_uptime_ns && rec->ts_nsec > latest_ts(L->dump_uptime_ns))
		s |= PO_SUSPECT_TS;
	if ((err = stack_ok(w, rec->handle, &readable)))
		return err;
	if (!readable)
		s |= PO_SUSPECT_STACK;
	rec->suspect = s;
	if (s) {
		st->records_suspect++;
		st->suspect_order += !!(s & PO_SUSPECT_ORDER);
		st->suspect_pid += !!(s & PO_SUSPECT_PID);
		st->suspect_ts += !!(s & PO_SUSPECT_TS);
		st->suspect_stack += !!(s & PO_SUSPECT_STACK);
	}
	return NULL;
}

/*
 * A free time this much before the allocation time is an earlier life's.
 * Less is not taken for one: local_clock() is per CPU, and a page
 * allocated on one CPU and freed on another may read a clock up to a tick
 * behind (sched_clock_local() keeps each within a tick of the global
 * clock; 10 ms at HZ=100), twice for safety.
 */
#define FREE_BEFORE_ALLOC_SLACK 20000000ULL

/*
 * A record the kernel does not print whose flags contradict the rest: what a
 * flipped bit leaves where an allocated record was (no checksum guards an
 * ELF dump's or an LZO page's data).  The kernel clears
 * PAGE_EXT_OWNER_ALLOCATED only when it frees the page, and then writes the
 * free time (5.13+: after the allocation time) and the free stack; sets it
 * only with PAGE_EXT_OWNER; and clears it before a page joins the buddy
 * allocator.  Only a record's first PFN (aligned to its order) is looked
 * at, as the kernel's walk does.
 */
static void check_hidden(const struct po_layout *L, const struct po_record *rec,
			 struct po_walk_stats *st)
{
	uint64_t *kind = NULL;

	if (!rec->has_ext || (rec->order < 64 && (rec->pfn & ((1ULL << rec->order) - 1))))
		return;
	if (rec->buddy) {
		if (rec->owner && rec->allocated && rec->handle)
			kind = &st->inconsistent_buddy;
	} else if (!rec->owner) {
		if (rec->handle) /* written with PAGE_EXT_OWNER, never cleared */
			kind = &st->inconsistent_no_owner;
	} else if (rec->owner && !rec->allocated && rec->handle &&
		   L->po_free_ts_nsec != PO_ABSENT &&
		   (!rec->free_ts_nsec ||
		    rec->free_ts_nsec + FREE_BEFORE_ALLOC_SLACK < rec->ts_nsec)) {
		/* no free time, or only one from before this allocation (an
		 * earlier life's): not freed since it was allocated */
		kind = &st->inconsistent_unfreed;
	}
	if (!kind)
		return;
	if (!st->records_inconsistent++)
		st->inconsistent_first_pfn = rec->pfn;
	(*kind)++;
}

/*
 * A record the walk skips as the kernel does (no allocated record, or a
 * page that is not the first of its block).  An allocated record on a page
 * its order does not align is a tail page's, unless no kernel writes that
 * order: a flipped bit that made one would make the record vanish without
 * a word, so it is counted as suspect.
 */
static struct po_error *skip_record(struct walker *w, struct po_record *rec)
{
	const struct po_layout *L = &w->prog->k->L;
	struct po_error *err;

	if (rec->has_ext && rec->owner && rec->allocated && rec->handle &&
	    rec->order > L->max_record_order && (err = check_record(w, rec)))
		return err;
	check_hidden(L, rec, w->stats);
	w->stats->pfns_skipped++;
	return NULL;
}

const char *po_suspect_name(unsigned bit)
{
	switch (bit) {
	case PO_SUSPECT_ORDER: return "order";
	case PO_SUSPECT_PID: return "pid";
	case PO_SUSPECT_TS: return "ts";
	case PO_SUSPECT_STACK: return "stack";
	default: return "unknown";
	}
}

static bool page_is_buddy(struct po_layout *L, uint32_t type)
{
	if (L->pgty)
		return (type >> 24) == L->pgty_buddy;
	return (type & (0xf0000000u | ~L->buddy_mapcount)) == 0xf0000000u;
}

/* Fill rec from the loaded section; false if the struct page is missing. */
static bool fill_record(struct walker *w, uint64_t pfn, struct po_record *rec)
{
	struct po_program *prog = w->prog;
	struct po_layout *L = &prog->k->L;
	struct section *s = w->sec;
	uint64_t i = pfn - s->nr * L->pages_per_section;
	const uint8_t *page;

	memset(rec, 0, sizeof(*rec));
	rec->pfn = pfn;
	rec->page_addr = s->mem_map + i * L->sizeof_page;
	rec->last_migrate_reason = -1;
	rec->pageblock_mt = -1;
	if (!s->present || !s->pages_ok[i])
		return false;
	page = s->pages + i * L->sizeof_page;
	rec->page_flags = po_get_u64(page + L->off_page_flags);
	rec->page_type = po_get_u32(page + L->off_page_type);
	rec->private_ = po_get_u64(page + L->off_page_private);
	if (L->off_memcg_data != PO_ABSENT)
		rec->memcg_data = po_get_u64(page + L->off_memcg_data);
	if (L->off_compound_head != PO_ABSENT)
		rec->compound_head = po_get_u64(page + L->off_compound_head);
	rec->buddy = page_is_buddy(L, rec->page_type);
	if (rec->buddy)
		rec->buddy_order = (unsigned)rec->private_;
	if (s->usage_ok) {
		uint64_t bitidx = ((pfn & (L->pages_per_section - 1)) >> L->pageblock_order) *
				  L->pageblock_bits;
		uint64_t word = po_get_u64(s->usage + L->off_usage_pageblock_flags +
					   (bitidx / 64) * 8);
		unsigned bits = (unsigned)((word >> (bitidx % 64)) & 0xff);
		rec->pageblock_mt = bits & 7;
		if (L->pb_isolate_bit && (bits >> L->pb_isolate) & 1)
			rec->pageblock_isolate = true;
	}
	if (s->raw_page_ext && !(s->raw_page_ext & 1)) {
		if (!s->exts_ok[i])
			return true;
		const uint8_t *ext = s->exts + i * L->page_ext_size;
		rec->has_ext = true;
		rec->ext_flags = po_get_u64(ext);
		rec->owner = (rec->ext_flags >> L->ext_owner_bit) & 1;
		rec->allocated = (rec->ext_flags >> L->ext_owner_allocated_bit) & 1;
		po_decode_owner(prog, ext + L->page_owner_offset, rec);
	}
	return true;
}

static struct po_error *walker_init(struct walker *w, struct po_program *prog,
				    struct po_walk_stats *stats)
{
	struct po_layout *L = &prog->k->L;
	struct po_error *err;

	memset(w, 0, sizeof(*w));
	w->prog = prog;
	w->stats = stats;
	w->own.nr = UINT64_MAX;
	w->sec = &w->own;
	if ((err = po_reader_open(prog, false, &w->ld.rd)))
		return err;
	if (L->sparse_extreme) {
		uint64_t base;
		uint64_t needed = (L->max_pfn + L->pages_per_section - 1) / L->pages_per_section;
		w->nr_roots = (needed + L->sections_per_root - 1) / L->sections_per_root;
		if (w->nr_roots > L->nr_section_roots)
			w->nr_roots = L->nr_section_roots;
		w->roots = calloc(w->nr_roots ? w->nr_roots : 1, 8);
		if (!w->roots)
			return &po_error_nomem;
		err = po_read_u64(prog, L->mem_section, &base);
		if (err)
			return po_error_prefix(err, "reading mem_section");
		if (!base)
			return po_error_create(PO_ERR_INVALID, "mem_section is NULL");
		err = po_read(prog, base, w->roots, w->nr_roots * 8);
		if (err)
			return po_error_prefix(err, "reading the mem_section roots at %#llx",
					       (unsigned long long)base);
	}
	return NULL;
}

static void section_free(struct section *s)
{
	free(s->pages);
	free(s->pages_ok);
	free(s->exts);
	free(s->exts_ok);
	free(s->usage);
}

static void walker_free(struct walker *w)
{
	free(w->roots);
	section_free(&w->own);
	free(w->ld.chunk_ok);
	po_reader_close(&w->ld.rd);
}

/*
 * Reading ahead on other threads.  Sections first..end-1 are handed out in
 * order to the reader threads, each loading into the slot nr % nslots with
 * its own reader; the walking thread takes them in the same order, so the
 * records reach the report exactly as on one thread.  A slot is reused
 * once the walk has moved past its section.  The walk thread's other reads
 * (stacks, names) go through the program's own reader meanwhile.
 *
 * Where the report sums records (struct po_walk_ops with part_new), the
 * reader thread also walks the section it loaded, into a partial sum of its
 * own and counters of its own, as the walk would if it entered the section
 * at its first PFN; the walk adds them to the report's, section after
 * section.  A walk that entered elsewhere (a buddy block of a garbage order
 * jumped over the boundary) walks the section again itself.
 */
enum slot_state { SLOT_FREE, SLOT_LOADING, SLOT_READY };

struct slot {
	struct section sec;
	struct po_error *err;  /* loading it */
	enum slot_state state;
	/* the section walked on the reader thread */
	bool walked;
	uint64_t entry, exit;  /* the first PFN walked, the next one after */
	struct po_walk_stats st;
	void *part;
	struct po_error *walk_err; /* a report's error, or &po_error_stop */
};

struct worker {
	struct prefetch *pf;
	struct loader ld;
	struct po_keymap memo; /* struct memo */
	pthread_t tid;
	bool started;
};

struct prefetch {
	const struct walker *w;
	enum po_walk_mode mode;
	const struct po_walk_ops *ops; /* with part_new: walk on the readers */
	void *arg;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct slot *slots;
	unsigned nslots;
	uint64_t next_load;   /* next section to hand out */
	uint64_t next_take;   /* next section the walk expects */
	uint64_t end;         /* one past the last */
	bool stop;
	struct slot *held;    /* the slot the walk is on */
	unsigned nworkers;
	struct worker *workers;
};

static struct po_error *first_pfn(struct walker *w, uint64_t *pfn);
static struct po_error *walk_section(struct walker *w, enum po_walk_mode mode,
				     uint64_t *pfn, po_record_fn fn, void *arg);

/* Walk the section in sl on a reader thread, as the walk would from its
 * first PFN (from min_low_pfn for the first), into a new partial sum. */
static struct po_error *walk_part(struct worker *wk, struct slot *sl)
{
	struct prefetch *pf = wk->pf;
	const struct po_layout *L = &pf->w->prog->k->L;
	struct walker w = {
		.prog = pf->w->prog, .roots = pf->w->roots, .nr_roots = pf->w->nr_roots,
		.sec = &sl->sec, .stats = &sl->st, .memo = &wk->memo,
		.stack_rd = &wk->ld.rd,
	};
	uint64_t pfn = sl->sec.nr * L->pages_per_section;
	struct po_error *err = NULL;

	memset(&sl->st, 0, sizeof(sl->st));
	sl->walked = true;
	if (!(sl->part = pf->ops->part_new(pf->arg)))
		return &po_error_nomem;
	if (pfn <= L->min_low_pfn) {
		pfn = L->min_low_pfn;
		if (pf->mode == PO_WALK_DEBUGFS)
			err = first_pfn(&w, &pfn);
	}
	sl->entry = pfn;
	if (!err)
		err = walk_section(&w, pf->mode, &pfn, pf->ops->fn, sl->part);
	sl->exit = pfn;
	return err;
}

static void *prefetch_thread(void *arg)
{
	struct worker *wk = arg;
	struct prefetch *pf = wk->pf;

	pthread_mutex_lock(&pf->mu);
	for (;;) {
		while (!pf->stop && pf->next_load < pf->end &&
		       pf->slots[pf->next_load % pf->nslots].state != SLOT_FREE)
			pthread_cond_wait(&pf->cv, &pf->mu);
		if (pf->stop || pf->next_load >= pf->end)
			break;
		uint64_t nr = pf->next_load++;
		struct slot *sl = &pf->slots[nr % pf->nslots];
		sl->state = SLOT_LOADING;
		pthread_mutex_unlock(&pf->mu);
		struct po_error *err = load_section(pf->w, &wk->ld, &sl->sec, nr);
		sl->sec.nr = nr;
		sl->walked = false;
		if (!err && pf->ops && pf->ops->part_new)
			sl->walk_err = walk_part(wk, sl);
		pthread_mutex_lock(&pf->mu);
		sl->err = err;
		sl->state = SLOT_READY;
		pthread_cond_broadcast(&pf->cv);
	}
	pthread_mutex_unlock(&pf->mu);
	return NULL;
}

/* Drop what a slot the walk is done with still holds. */
static void slot_clear(struct prefetch *pf, struct slot *sl)
{
	po_error_destroy(sl->err);
	sl->err = NULL;
	if (sl->walk_err != &po_error_stop)
		po_error_destroy(sl->walk_err);
	sl->walk_err = NULL;
	if (sl->part)
		pf->ops->part_free(sl->part);
	sl->part = NULL;
	sl->walked = false;
}

static void prefetch_stop(struct prefetch *pf)
{
	if (!pf)
		return;
	pthread_mutex_lock(&pf->mu);
	pf->stop = true;
	pthread_cond_broadcast(&pf->cv);
	pthread_mutex_unlock(&pf->mu);
	for (unsigned i = 0; i < pf->nworkers; i++) {
		if (pf->workers[i].started)
			pthread_join(pf->workers[i].tid, NULL);
		free(pf->workers[i].ld.chunk_ok);
		if (pf->workers[i].ld.rd.ops)
			po_reader_close(&pf->workers[i].ld.rd);
		po_keymap_free(&pf->workers[i].memo);
	}
	for (unsigned i = 0; i < pf->nslots; i++) {
		if (pf->slots[i].state == SLOT_READY)
			slot_clear(pf, &pf->slots[i]);
		section_free(&pf->slots[i].sec);
	}
	pthread_cond_destroy(&pf->cv);
	pthread_mutex_destroy(&pf->mu);
	free(pf->workers);
	free(pf->slots);
	free(pf);
}

/*
 * Start n reader threads for sections first..end-1.  NULL where one thread
 * must do (the memory cannot be cloned, one section, no thread), which is
 * never an error: the walk then loads each section itself.  Fails only for
 * out-of-memory or a reader that cannot be opened.
 */
static struct po_error *prefetch_start(struct walker *w, enum po_walk_mode mode,
				       const struct po_walk_ops *ops, void *arg,
				       unsigned n, uint64_t first, uint64_t end)
{
	const struct po_layout *L = &w->prog->k->L;
	struct prefetch *pf;
	struct po_error *err = NULL;

	if (n < 2 || end - first < 2 || !w->prog->mem_ops->clone)
		return NULL;
	if (n > end - first)
		n = (unsigned)(end - first);
	pf = calloc(1, sizeof(*pf));
	if (!pf)
		return &po_error_nomem;
	pthread_mutex_init(&pf->mu, NULL);
	pthread_cond_init(&pf->cv, NULL);
	pf->w = w;
	pf->mode = mode;
	/* a section walked on its own starts at a max-order block and ends
	 * at the next section's first PFN: true of every kernel's layout */
	if (ops->part_new && L->max_order_nr_pages &&
	    L->pages_per_section % L->max_order_nr_pages == 0)
		pf->ops = ops;
	pf->arg = arg;
	pf->next_load = pf->next_take = first;
	pf->end = end;
	pf->nslots = 2 * n;
	pf->slots = calloc(pf->nslots, sizeof(*pf->slots));
	pf->workers = calloc(n, sizeof(*pf->workers));
	if (!pf->slots || !pf->workers) {
		pf->nslots = 0;
		prefetch_stop(pf);
		return &po_error_nomem;
	}
	for (unsigned i = 0; i < pf->nslots; i++)
		pf->slots[i].sec.nr = UINT64_MAX;
	pf->nworkers = n;
	for (unsigned i = 0; i < n && !err; i++) {
		struct worker *wk = &pf->workers[i];
		wk->pf = pf;
		wk->memo = (struct po_keymap)PO_KEYMAP_INIT(struct memo);
		err = po_reader_open(w->prog, true, &wk->ld.rd);
		if (!err && !wk->ld.rd.ops)
			break; /* no clone after all: fewer threads */
		if (!err && pthread_create(&wk->tid, NULL, prefetch_thread, wk) == 0)
			wk->started = true;
	}
	if (err || !pf->workers[0].started) {
		prefetch_stop(pf);
		return err;
	}
	w->pf = pf;
	return NULL;
}

/*
 * The walk's next section, nr, read ahead: the slot it was loaded into, its
 * load's error, or &po_error_stop when nr was not read ahead (the walk went
 * back or beyond the range): the caller loads it itself.
 */
static struct po_error *prefetch_take(struct walker *w, uint64_t nr,
				      struct section **sec)
{
	struct prefetch *pf = w->pf;
	struct po_error *err;

	pthread_mutex_lock(&pf->mu);
	if (pf->held) {
		slot_clear(pf, pf->held);
		pf->held->state = SLOT_FREE;
		pf->held = NULL;
		pthread_cond_broadcast(&pf->cv);
	}
	if (nr < pf->next_take || nr >= pf->end) {
		pthread_mutex_unlock(&pf->mu);
		return &po_error_stop;
	}
	/* sections the walk skipped: their loads are dropped unseen */
	for (; pf->next_take <= nr; pf->next_take++) {
		struct slot *sl = &pf->slots[pf->next_take % pf->nslots];
		while (sl->state != SLOT_READY || sl->sec.nr != pf->next_take)
			pthread_cond_wait(&pf->cv, &pf->mu);
		if (pf->next_take == nr)
			break;
		slot_clear(pf, sl);
		sl->state = SLOT_FREE;
		pthread_cond_broadcast(&pf->cv);
	}
	struct slot *sl = &pf->slots[nr % pf->nslots];
	pf->next_take = nr + 1;
	pf->held = sl;
	err = sl->err;
	sl->err = NULL;
	pthread_mutex_unlock(&pf->mu);
	*sec = &sl->sec;
	return err;
}

/* The walk's first PFN from *pfn (min_low_pfn), as read_page_owner()
 * finds it: the first valid one, or the first at a max-order boundary. */
static struct po_error *first_pfn(struct walker *w, uint64_t *pfnp)
{
	uint64_t M = w->prog->k->L.max_order_nr_pages;
	uint64_t pfn = *pfnp;
	struct po_error *err;

	for (;;) {
		if ((err = get_section(w, pfn)))
			return err;
		if (pfn_valid(w, pfn) || (pfn & (M - 1)) == 0)
			break;
		pfn++;
	}
	*pfnp = pfn;
	return NULL;
}

/* One past the last PFN of the loaded section a walk looks at. */
static uint64_t section_end(const struct walker *w)
{
	const struct po_layout *L = &w->prog->k->L;
	uint64_t end = (w->sec->nr + 1) * L->pages_per_section;

	return end < L->max_pfn ? end : L->max_pfn;
}

/* read_page_owner()'s loop over the PFNs of the loaded section from *pfnp;
 * *pfnp is left at the next PFN to look at (a later section's). */
static struct po_error *debugfs_section(struct walker *w, uint64_t *pfnp,
					po_record_fn fn, void *arg)
{
	struct po_program *prog = w->prog;
	struct po_layout *L = &prog->k->L;
	struct po_walk_stats *st = w->stats;
	uint64_t M = L->max_order_nr_pages;
	uint64_t end = section_end(w);
	struct po_error *err = NULL;
	struct po_record rec;
	uint64_t pfn;

	for (pfn = *pfnp; pfn < end; pfn++) {
		if ((pfn & 0xffff) == 0 && po_interrupted(prog)) {
			err = po_error_create(PO_ERR_INTERRUPTED, "interrupted");
			break;
		}
		if ((pfn & (M - 1)) == 0 && !pfn_valid(w, pfn)) {
			pfn += M - 1;
			continue;
		}
		st->pfns_scanned++;
		if (!fill_record(w, pfn, &rec)) {
			st->pfns_missing++;
			continue;
		}
		if (rec.buddy) {
			check_hidden(L, &rec, st);
			if (rec.buddy_order < L->nr_page_orders) {
				uint64_t n = 1ULL << rec.buddy_order;
				if (L->dump_fmt == PO_DUMP_73) {
					/* 7.3 skip_buddy_pages(): clamp to the block */
					uint64_t bend = (pfn + 1 + M - 1) & ~(M - 1);
					if (pfn + n < bend)
						bend = pfn + n;
					n = bend - pfn;
				}
				st->pfns_buddy += n;
				pfn += n - 1;
			} else {
				st->pfns_buddy++;
			}
			continue;
		}
		if (!rec.has_ext) {
			if (w->sec->raw_page_ext && !(w->sec->raw_page_ext & 1))
				st->pfns_missing++;
			else
				st->pfns_skipped++;
			continue;
		}
		if (!rec.owner || !rec.allocated || !rec.handle ||
		    (rec.order < 64 && (pfn & ((1ULL << rec.order) - 1)))) {
			if ((err = skip_record(w, &rec)))
				break;
			continue;
		}
		if ((err = check_record(w, &rec)))
			break;
		if (rec.order >= 64)
			continue; /* no page is aligned to 2^64: nothing to print */
		if (!rec.suspect) {
			st->pfns_allocated++;
			st->pages_allocated += 1ULL << rec.order;
		}
		if ((err = fn(prog, &rec, arg)))
			break;
	}
	*pfnp = pfn;
	return err;
}

/* Every valid PFN of the loaded section from *pfnp (PO_WALK_ALL). */
static struct po_error *all_section(struct walker *w, uint64_t *pfnp,
				    po_record_fn fn, void *arg)
{
	struct po_program *prog = w->prog;
	struct po_layout *L = &prog->k->L;
	struct po_walk_stats *st = w->stats;
	uint64_t end = section_end(w);
	struct po_error *err = NULL;
	struct po_record rec;
	uint64_t pfn;

	if (!w->sec->present) {
		*pfnp = end > *pfnp ? end : *pfnp;
		return NULL;
	}
	for (pfn = *pfnp; pfn < end; pfn++) {
		if ((pfn & 0xffff) == 0 && po_interrupted(prog)) {
			err = po_error_create(PO_ERR_INTERRUPTED, "interrupted");
			break;
		}
		if (!pfn_valid(w, pfn))
			continue;
		st->pfns_scanned++;
		if (!fill_record(w, pfn, &rec)) {
			st->pfns_missing++;
			continue;
		}
		if (rec.buddy) {
			check_hidden(L, &rec, st);
			st->pfns_buddy++;
		} else if (rec.has_ext && rec.owner && rec.allocated && rec.handle &&
			   (rec.order >= 64 || !(pfn & ((1ULL << rec.order) - 1)))) {
			if ((err = check_record(w, &rec)))
				break;
			if (!rec.suspect) {
				st->pfns_allocated++;
				st->pages_allocated += 1ULL << rec.order;
			}
		} else if ((err = skip_record(w, &rec))) {
			break;
		}
		if ((err = fn(prog, &rec, arg)))
			break;
	}
	*pfnp = pfn;
	return err;
}

static struct po_error *walk_section(struct walker *w, enum po_walk_mode mode,
				     uint64_t *pfn, po_record_fn fn, void *arg)
{
	return mode == PO_WALK_DEBUGFS ? debugfs_section(w, pfn, fn, arg) :
					 all_section(w, pfn, fn, arg);
}

/* One counter set added to another, as if one walk had counted both. */
static void stats_add(struct po_walk_stats *to, const struct po_walk_stats *from)
{
	if (!to->records_inconsistent && from->records_inconsistent)
		to->inconsistent_first_pfn = from->inconsistent_first_pfn;
#define ADD(f) to->f += from->f
	ADD(pfns_scanned); ADD(pfns_allocated); ADD(pages_allocated);
	ADD(pfns_buddy); ADD(pfns_skipped); ADD(pfns_missing);
	ADD(records_suspect); ADD(suspect_order); ADD(suspect_pid);
	ADD(suspect_ts); ADD(suspect_stack);
	ADD(records_inconsistent); ADD(inconsistent_unfreed);
	ADD(inconsistent_no_owner); ADD(inconsistent_buddy);
#undef ADD
	/* sections and sections_missing: get_section() counts them */
}

static struct po_error *walk_run(struct walker *w, enum po_walk_mode mode,
				 const struct po_walk_ops *ops, void *arg)
{
	const struct po_layout *L = &w->prog->k->L;
	uint64_t pfn = L->min_low_pfn;
	struct po_error *err;

	for (bool first = true; first || pfn < L->max_pfn; first = false) {
		if (first && mode == PO_WALK_ALL && pfn >= L->max_pfn)
			break;
		if ((err = get_section(w, pfn)))
			return err;
		struct slot *sl = w->pf ? w->pf->held : NULL;
		if (sl && sl->walked && (first || sl->entry == pfn)) {
			/* walked on a reader thread as it would be here */
			stats_add(w->stats, &sl->st);
			err = sl->walk_err;
			sl->walk_err = NULL;
			pfn = sl->exit;
			if (sl->part) {
				struct po_error *merr = ops->part_merge(arg, sl->part);
				sl->part = NULL;
				if (merr) {
					if (err != &po_error_stop)
						po_error_destroy(err);
					return merr;
				}
			}
			if (err)
				return err;
			continue;
		}
		if (first && mode == PO_WALK_DEBUGFS && (err = first_pfn(w, &pfn)))
			return err;
		if ((err = walk_section(w, mode, &pfn, ops->fn, arg)))
			return err;
	}
	return NULL;
}

struct po_error *po_walk_parts(struct po_program *prog, enum po_walk_mode mode,
			       const struct po_walk_ops *ops, void *arg,
			       struct po_walk_stats *stats)
{
	struct po_walk_stats local;
	struct walker w;
	struct po_error *err;

	if (!po_kernel(prog))
		return po_error_create(PO_ERR_INVALID, "kernel model not initialised");
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	err = walker_init(&w, prog, stats);
	if (!err && prog->k->L.max_pfn > prog->k->L.min_low_pfn) {
		uint64_t pps = prog->k->L.pages_per_section;
		err = prefetch_start(&w, mode, ops, arg, prog->threads,
				     prog->k->L.min_low_pfn / pps,
				     (prog->k->L.max_pfn - 1) / pps + 1);
	}
	if (!err)
		err = walk_run(&w, mode, ops, arg);
	prefetch_stop(w.pf);
	w.pf = NULL;
	if ((!err || err == &po_error_stop) && prog->progress)
		prog->progress(prog->progress_arg, prog->k->L.max_pfn, prog->k->L.max_pfn);
	walker_free(&w);
	if (err == &po_error_stop)
		return NULL;
	/* A kernel has memory: not one section with a memory map below
	 * max_pfn means mem_section is garbage (a corrupt page that
	 * decompressed to other bytes), not an empty machine. */
	if (!err && !stats->sections)
		err = po_error_create(PO_ERR_CORRUPT,
				      "no memory section below max_pfn %#llx has a memory map: mem_section (at %#llx) is garbage or not in the dump",
				      (unsigned long long)prog->k->L.max_pfn,
				      (unsigned long long)prog->k->L.mem_section);
	return err;
}

struct po_error *po_walk(struct po_program *prog, enum po_walk_mode mode,
			 po_record_fn fn, void *arg, struct po_walk_stats *stats)
{
	const struct po_walk_ops ops = { .fn = fn };
	return po_walk_parts(prog, mode, &ops, arg, stats);
}

struct po_error *po_get_record(struct po_program *prog, uint64_t pfn,
			       struct po_record *rec)
{
	struct po_walk_stats st;
	struct walker w;
	struct po_error *err;

	if (!po_kernel(prog))
		return po_error_create(PO_ERR_INVALID, "kernel model not initialised");
	memset(&st, 0, sizeof(st));
	err = walker_init(&w, prog, &st);
	if (!err)
		err = get_section(&w, pfn);
	if (!err && (pfn >= prog->k->L.max_pfn || !pfn_valid(&w, pfn)))
		err = po_error_create(PO_ERR_INVALID,
				      "PFN %#llx is not a valid page frame (max_pfn %#llx)",
				      (unsigned long long)pfn,
				      (unsigned long long)prog->k->L.max_pfn);
	if (!err && !fill_record(&w, pfn, rec))
		err = po_error_create(PO_ERR_FAULT,
				      "the struct page of PFN %#llx (at %#llx) is not in the dump",
				      (unsigned long long)pfn,
				      (unsigned long long)rec->page_addr);
	if (!err && !rec->has_ext)
		err = po_error_create(PO_ERR_FAULT,
				      "the page_ext of PFN %#llx is not in the dump",
				      (unsigned long long)pfn);
	walker_free(&w);
	return err;
}

uint64_t po_phys_to_pfn(struct po_program *prog, uint64_t phys)
{
	return phys >> prog->k->L.page_shift;
}

struct po_error *po_page_to_pfn(struct po_program *prog, uint64_t page,
				uint64_t *pfn)
{
	struct po_layout *L = &prog->k->L;
	struct po_walk_stats st;
	struct walker w;
	struct po_error *err;

	memset(&st, 0, sizeof(st));
	err = walker_init(&w, prog, &st);
	if (err) {
		walker_free(&w);
		return err;
	}
	/* With VMEMMAP every section's mem_map points into one virtual array:
	 * take section 0's (or the first present one's) base. */
	for (uint64_t nr = 0; nr * L->pages_per_section < L->max_pfn; nr++) {
		err = get_section(&w, nr * L->pages_per_section);
		if (err)
			break;
		if (!w.sec->present)
			continue;
		uint64_t base = w.sec->mem_map - nr * L->pages_per_section * L->sizeof_page;
		if (page < base || (page - base) % L->sizeof_page) {
			err = po_error_create(PO_ERR_INVALID,
					      "%#llx is not a struct page address (vmemmap at %#llx, struct page is %zu bytes)",
					      (unsigned long long)page,
					      (unsigned long long)base, L->sizeof_page);
			break;
		}
		*pfn = (page - base) / L->sizeof_page;
		if (*pfn >= L->max_pfn)
			err = po_error_create(PO_ERR_INVALID,
					      "struct page %#llx is PFN %#llx, beyond max_pfn",
					      (unsigned long long)page,
					      (unsigned long long)*pfn);
		break;
	}
	walker_free(&w);
	return err;
}

/* A kind of record and how many: "%llu ..." with n (and arg). */
struct kind_count {
	uint64_t n;
	const char *fmt;
	unsigned long long arg;
};

/* "N kind; M kind" of the kinds that have any, into what (truncated). */
static void join_kinds(char *what, size_t size, const struct kind_count *k, size_t nk)
{
	size_t len = 0;

	what[0] = 0;
	for (size_t i = 0; i < nk; i++) {
		if (!k[i].n || len >= size)
			continue;
		if (len)
			len += (size_t)snprintf(what + len, size - len, "; ");
		if (len < size)
			len += (size_t)snprintf(what + len, size - len, k[i].fmt,
						(unsigned long long)k[i].n, k[i].arg);
	}
}

void po_walk_stats_warn(struct po_program *prog, FILE *fp,
			const struct po_walk_stats *st, bool totals)
{
	if (prog && prog->k->memcg_names_missing)
		fprintf(fp,
			"pageowner: warning: the cgroup names of %llu memcgs are not in the dump (filtered pages): printed as \"(unreadable)\"\n",
			(unsigned long long)prog->k->memcg_names_missing);
	if (st->pfns_missing)
		fprintf(fp,
			"pageowner: warning: %llu PFNs could not be decoded: their struct page or page_ext is not in the dump (filtered or absent)\n",
			(unsigned long long)st->pfns_missing);
	if (st->records_suspect) {
		char what[512];
		const struct kind_count k[] = {
			{ st->suspect_order, "%llu with an order above %llu", prog ? prog->k->L.max_record_order : 0 },
			{ st->suspect_pid, "%llu with a pid or tgid outside [0, %llu]", PID_MAX_LIMIT },
			{ st->suspect_ts, "%llu allocated after the dump was taken (later than %llu s after boot)",
			  prog ? latest_ts(prog->k->L.dump_uptime_ns) / 1000000000ULL : 0 },
			{ st->suspect_stack, "%llu whose allocation stack cannot be read", 0 },
		};
		join_kinds(what, sizeof(what), k, PO_ARRAY_SIZE(k));
		fprintf(fp,
			"pageowner: warning: %llu page_owner records hold values no kernel writes (%s): %s\n",
			(unsigned long long)st->records_suspect, what,
			totals ? "left out of the totals" :
			"printed as the kernel would print them, marked \"suspect\" in JSON");
	}
	if (st->records_inconsistent) {
		char what[256];
		const struct kind_count k[] = {
			{ st->inconsistent_unfreed, "%llu marked freed but never freed since allocated (no free time after the allocation)", 0 },
			{ st->inconsistent_no_owner, "%llu with a stack but without the owner bit", 0 },
			{ st->inconsistent_buddy, "%llu marked allocated on a free buddy page", 0 },
		};
		join_kinds(what, sizeof(what), k, PO_ARRAY_SIZE(k));
		fprintf(fp,
			"pageowner: warning: %llu page_owner records contradict their own flags (%s), the first at PFN %#llx: not printed, as the kernel would not print them, but each may be an allocated record hidden by a flipped bit (`pageowner page PFN` shows one)\n",
			(unsigned long long)st->records_inconsistent, what,
			(unsigned long long)st->inconsistent_first_pfn);
	}
}
