/*
 * `pageowner top`: the OOM question on one screen.  One walk over the
 * records /sys/kernel/debug/page_owner would print (2^order base pages per
 * record), summed per stack handle (the unmerged 2020 patch "mm/page_owner:
 * print greatest memory consumer when OOM panic occurs"), per process
 * (tgid), per gfp mask and per migratetype; then the dump's own totals
 * (_totalram_pages, vm_zone_stat[NR_FREE_PAGES]) and the panic reason from
 * the kernel log.  Memory is bounded by the number of distinct keys.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pageowner.h"
#include "kernel/kernel.h"
#include "base/json.h"
#include "base/keymap.h"
#include "kernel/kmsg.h"
#include "kernel/stackdepot.h"
#include "report/top.h"
#include "access/debuginfo.h"
#include "access/file.h"
#include "access/program.h"
#include "report/types.h"

const struct po_type_names po_top_types = PO_TYPE_NAMES(
	"enumerator NR_FREE_PAGES?", "var _totalram_pages?", "var vm_zone_stat?");

#define MAX_MT 16

/* One stack, process or gfp mask: the maps' entries are these. */
struct agg {
	uint64_t key;        /* stack handle, tgid or gfp mask */
	uint64_t pages, records;
	char comm[17];
};

/* Most pages first; ties in first-seen order (the sort is stable). */
static int by_pages(const void *a, const void *b)
{
	const struct agg *x = a, *y = b;
	return (x->pages < y->pages) - (x->pages > y->pages);
}

/* Records in a row with the same stack, process and gfp mask (a task
 * filling memory writes runs of them), summed before the tables see them. */
struct top_run {
	uint64_t handle, pages, records;
	uint32_t tgid, gfp_mask;
	char comm[17]; /* the run's first record's */
};

struct top_ctx {
	struct po_keymap stacks, procs, gfps;
	uint64_t mt_pages[MAX_MT + 1]; /* last slot: out of range */
	unsigned mt_taken;             /* bit m: mt_pages[m] printed */
	struct top_run run;            /* records == 0: none pending */
	struct po_program *prog;
};

/* pages and records added to key's entry; comm (if any) names a new one
 * (a process keeps the comm of its first record) */
static struct po_error *add(struct po_keymap *m, uint64_t key, uint64_t pages,
			    uint64_t records, const char *comm)
{
	struct agg *a = po_keymap_get(m, key);

	if (!a)
		return &po_error_nomem;
	if (!a->records && comm)
		memcpy(a->comm, comm, sizeof(a->comm));
	a->pages += pages;
	a->records += records;
	return NULL;
}

/* The pending run into the tables.  Nothing else reached them between the
 * run's first record and now, so their entries are made in the order one
 * record at a time would have made them (ties print in first-seen order). */
static struct po_error *flush_run(struct top_ctx *c)
{
	struct top_run *r = &c->run;
	struct po_error *err;
	int mt;

	if (!r->records)
		return NULL;
	if ((err = add(&c->stacks, r->handle, r->pages, r->records, NULL)) ||
	    (err = add(&c->procs, r->tgid, r->pages, r->records, r->comm)) ||
	    (err = add(&c->gfps, r->gfp_mask, r->pages, r->records, NULL)))
		return err;
	mt = po_gfp_migratetype(c->prog, r->gfp_mask);
	c->mt_pages[mt >= 0 && mt < MAX_MT ? mt : MAX_MT] += r->pages;
	r->records = 0;
	return NULL;
}

static struct po_error *top_cb(struct po_program *prog, const struct po_record *rec,
			       void *arg)
{
	struct top_ctx *c = arg;
	struct top_run *r = &c->run;
	uint64_t handle, n = 1ULL << rec->order;
	struct po_error *err;

	if (rec->suspect)
		return NULL; /* left out of the totals (the walk's stats say so) */
	handle = po_handle_mask(prog, rec->handle);
	if (r->records && r->handle == handle && r->tgid == (uint32_t)rec->tgid &&
	    r->gfp_mask == rec->gfp_mask) {
		r->pages += n;
		r->records++;
		return NULL;
	}
	if ((err = flush_run(c)))
		return err;
	r->handle = handle;
	r->tgid = (uint32_t)rec->tgid;
	r->gfp_mask = rec->gfp_mask;
	memcpy(r->comm, rec->comm, sizeof(r->comm));
	r->pages = n;
	r->records = 1;
	return NULL;
}

static void top_ctx_init(struct top_ctx *c, struct po_program *prog)
{
	memset(c, 0, sizeof(*c));
	c->prog = prog;
	c->stacks = c->procs = c->gfps = (struct po_keymap)PO_KEYMAP_INIT(struct agg);
}

static void top_ctx_release(struct top_ctx *c)
{
	po_keymap_free(&c->stacks);
	po_keymap_free(&c->procs);
	po_keymap_free(&c->gfps);
}

/* Partial sums of one memory section (po_walk_parts()). */
static void *top_part_new(void *arg)
{
	struct top_ctx *c = malloc(sizeof(*c));
	if (c)
		top_ctx_init(c, ((struct top_ctx *)arg)->prog);
	return c;
}

static void top_part_free(void *part)
{
	top_ctx_release(part);
	free(part);
}

/* to's entries plus from's, new keys in from's order (a process keeps the
 * comm of its first record: from's, where to had none). */
static struct po_error *merge_map(struct po_keymap *to, const struct po_keymap *from)
{
	struct po_error *err = NULL;

	for (size_t i = 0; i < from->len && !err; i++) {
		const struct agg *f = po_keymap_at(from, i);
		err = add(to, f->key, f->pages, f->records, f->comm);
	}
	return err;
}

static struct po_error *top_part_merge(void *arg, void *part)
{
	struct top_ctx *c = arg, *p = part;
	struct po_error *err = flush_run(c);

	if (!err)
		err = flush_run(p);
	if (!err)
		err = merge_map(&c->stacks, &p->stacks);
	if (!err)
		err = merge_map(&c->procs, &p->procs);
	if (!err)
		err = merge_map(&c->gfps, &p->gfps);
	for (int m = 0; m <= MAX_MT; m++)
		c->mt_pages[m] += p->mt_pages[m];
	top_part_free(p);
	return err;
}

static const struct po_walk_ops top_walk = {
	.fn = top_cb, .part_new = top_part_new,
	.part_merge = top_part_merge, .part_free = top_part_free,
};

/* Migratetypes largest first: the slot with the most pages not taken yet,
 * now marked taken, or -1 when none is left. */
static int take_largest_mt(struct top_ctx *c)
{
	int best = -1;
	for (int m = 0; m <= MAX_MT; m++) {
		if (c->mt_taken & (1u << m))
			continue;
		if (c->mt_pages[m] && (best < 0 || c->mt_pages[m] > c->mt_pages[best]))
			best = m;
	}
	if (best >= 0)
		c->mt_taken |= 1u << best;
	return best;
}

static const char *mt_name(struct po_program *prog, int m)
{
	return m == MAX_MT ? "(unknown)" : po_migratetype_name(prog, m);
}

/* A counter that cannot be read is left out of the totals (the error is
 * not the report's: the reports say which figures they lack). */
static bool read_counter(struct po_program *prog, uint64_t addr, uint64_t *v)
{
	struct po_error *err = po_read_u64(prog, addr, v);
	bool ok = !err;

	po_error_destroy(err);
	return ok;
}

struct po_error *po_mem_totals(struct po_program *prog, struct po_mem_totals *t)
{
	struct po_error *err;
	uint64_t addr, v;
	int64_t nr_free;

	memset(t, 0, sizeof(*t));
	if ((err = po_types_want_list(prog, &po_top_types)))
		return err;
	if (po_symbol_addr(prog, "_totalram_pages", &addr) &&
	    read_counter(prog, addr, &v)) {
		t->have_ram = true;
		t->ram = v;
		snprintf(t->ram_src, sizeof(t->ram_src), "_totalram_pages");
	} else if (po_symbol_addr(prog, "totalram_pages", &addr) &&
		   read_counter(prog, addr, &v)) {
		t->have_ram = true;
		t->ram = v;
		snprintf(t->ram_src, sizeof(t->ram_src), "totalram_pages");
	}
	if (po_enum_value(prog, "NR_FREE_PAGES", &nr_free) &&
	    nr_free >= 0 && nr_free < 256 &&
	    po_symbol_addr(prog, "vm_zone_stat", &addr) &&
	    read_counter(prog, addr + 8 * (uint64_t)nr_free, &v)) {
		/* atomic_long_t: per-CPU deltas not yet folded may make it negative */
		t->have_free = true;
		t->free_pages = (int64_t)v < 0 ? 0 : v;
		snprintf(t->free_src, sizeof(t->free_src), "vm_zone_stat[NR_FREE_PAGES]");
	}
	t->have_used = t->have_ram && t->have_free;
	if (t->have_used && t->ram > t->free_pages)
		t->used = t->ram - t->free_pages;
	return NULL;
}

static double mib(struct po_program *prog, uint64_t pages)
{
	return (double)pages * (double)prog->k->L.page_size / (1024.0 * 1024.0);
}

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* part's share of RAM as text ("?" when the dump does not tell RAM) and as
 * a JSON value (null then): never 0.0% of an unknown whole */
struct share { char s[32]; };

static const char *of_ram(struct share *b, uint64_t part, uint64_t ram)
{
	if (!ram)
		return "?";
	snprintf(b->s, sizeof(b->s), "%.1f", pct(part, ram));
	return b->s;
}

static const char *of_ram_json(struct share *b, uint64_t part, uint64_t ram)
{
	if (!ram)
		return "null";
	snprintf(b->s, sizeof(b->s), "%.2f", pct(part, ram));
	return b->s;
}

static bool is_oom_reason(const char *r)
{
	return strstr(r, "Out of memory") || strstr(r, "out of memory") ||
	       strstr(r, "System is deadlocked on memory");
}

static struct po_error *print_text(struct po_program *prog, FILE *out, struct top_ctx *c,
				   size_t n, const struct po_mem_totals *t, uint64_t ram,
				   const struct po_walk_stats *ws, const char *panic,
				   const char *kmsg_err, const char *panic_file)
{
	struct po_error *err;
	struct share sh;
	char gfp[1024];

	if (panic) {
		fprintf(out, "panic: %s\n", panic);
		if (panic_file)
			fprintf(out, "(from %s: the dump's own kernel log %s)\n", panic_file,
				kmsg_err ? "is unreadable" : "has no panic");
		if (is_oom_reason(panic))
			fputs("the dump was taken at an OOM panic\n", out);
		fputc('\n', out);
	} else if (kmsg_err) {
		fprintf(out, "panic: unknown (kernel log unreadable: %s)\n\n", kmsg_err);
	} else {
		fputs("panic: none found in the kernel log\n\n", out);
	}
	for (size_t i = 0; i < c->stacks.len && i < n; i++) {
		const struct agg *a = po_keymap_at(&c->stacks, i);
		if (i == 0)
			fputs("greatest memory consumer: ", out);
		else
			fprintf(out, "next #%zu: ", i + 1);
		fprintf(out, "%llu pages (%.1f MiB, %s%% of RAM) are allocated from:\n",
			(unsigned long long)a->pages, mib(prog, a->pages), of_ram(&sh, a->pages, ram));
		if ((err = po_stack_print_handle(prog, out, (uint32_t)a->key)))
			return err;
		fputc('\n', out);
	}
	if (!c->stacks.len)
		fputs("no allocated pages with a page_owner record\n\n", out);

	fputs("largest processes (by tgid of the allocating task):\n", out);
	fprintf(out, "%12s %10s %6s %8s  %s\n", "pages", "MiB", "%RAM", "tgid", "comm");
	for (size_t i = 0; i < c->procs.len && i < n; i++) {
		const struct agg *a = po_keymap_at(&c->procs, i);
		fprintf(out, "%12llu %10.1f %6s %8d  %s\n", (unsigned long long)a->pages,
			mib(prog, a->pages), of_ram(&sh, a->pages, ram), (int)(uint32_t)a->key, a->comm);
	}
	fputs("\nby gfp mask:\n", out);
	fprintf(out, "%12s %10s %6s  %s\n", "pages", "MiB", "%RAM", "gfp_mask");
	for (size_t i = 0; i < c->gfps.len && i < n; i++) {
		const struct agg *a = po_keymap_at(&c->gfps, i);
		po_format_gfp(prog, (uint32_t)a->key, gfp, sizeof(gfp));
		fprintf(out, "%12llu %10.1f %6s  0x%llx(%s)\n", (unsigned long long)a->pages,
			mib(prog, a->pages), of_ram(&sh, a->pages, ram), (unsigned long long)a->key, gfp);
	}
	fputs("\nby migratetype (of the gfp mask):\n", out);
	fprintf(out, "%12s %10s %6s  %s\n", "pages", "MiB", "%RAM", "migratetype");
	for (int m; (m = take_largest_mt(c)) >= 0;)
		fprintf(out, "%12llu %10.1f %6s  %s\n", (unsigned long long)c->mt_pages[m],
			mib(prog, c->mt_pages[m]), of_ram(&sh, c->mt_pages[m], ram), mt_name(prog, m));

	fputs("\nmemory (from the dump):\n", out);
	if (t->have_ram)
		fprintf(out, "  RAM:                       %12llu pages (%.1f MiB)  [%s]\n",
			(unsigned long long)t->ram, mib(prog, t->ram), t->ram_src);
	else
		fputs("  RAM:                       unknown (no _totalram_pages)\n", out);
	if (t->have_free)
		fprintf(out, "  free:                      %12llu pages (%.1f MiB, %s%% of RAM)  [%s]\n",
			(unsigned long long)t->free_pages, mib(prog, t->free_pages),
			of_ram(&sh, t->free_pages, ram), t->free_src);
	else
		fputs("  free:                      unknown (no vm_zone_stat / NR_FREE_PAGES)\n", out);
	uint64_t used = t->used;
	if (t->have_used)
		fprintf(out, "  used (RAM - free):         %12llu pages (%.1f MiB, %.1f%% of RAM)\n",
			(unsigned long long)used, mib(prog, used), pct(used, ram));
	fprintf(out, "  counted by page_owner:     %12llu pages (%.1f MiB, %s%% of RAM) in %llu allocations from %zu stacks\n",
		(unsigned long long)ws->pages_allocated, mib(prog, ws->pages_allocated),
		of_ram(&sh, ws->pages_allocated, ram), (unsigned long long)ws->pfns_allocated,
		c->stacks.len);
	if (t->have_used) {
		if (used >= ws->pages_allocated) {
			uint64_t un = used - ws->pages_allocated;
			fprintf(out, "  used but in no stack:      %12llu pages (%.1f MiB, %.1f%% of used)\n",
				(unsigned long long)un, mib(prog, un), pct(un, used));
		} else {
			uint64_t over = ws->pages_allocated - used;
			fprintf(out, "  used but in no stack:      %12d pages (page_owner counts %llu pages more than RAM - free: reserved/early pages are outside totalram)\n",
				0, (unsigned long long)over);
		}
	}
	return NULL;
}

static struct po_error *print_json(struct po_program *prog, FILE *out, struct top_ctx *c,
				   size_t n, const struct po_mem_totals *t, uint64_t ram,
				   const struct po_walk_stats *ws, const char *panic,
				   const char *kmsg_err, const char *panic_file)
{
	struct po_error *err;
	struct share sh;
	char gfp[1024];
	bool first = true;

	fputs("{\"release\":", out);
	po_json_string(out, po_program_release(prog));
	fprintf(out, ",\"page_size\":%llu,\"panic\":", (unsigned long long)prog->k->L.page_size);
	po_json_str_or_null(out, panic);
	fprintf(out, ",\"oom_panic\":%s", panic && is_oom_reason(panic) ? "true" : "false");
	if (panic_file) {
		fputs(",\"panic_from\":", out);
		po_json_string(out, panic_file);
	}
	if (kmsg_err) {
		fputs(",\"kmsg_error\":", out);
		po_json_string(out, kmsg_err);
	}
	fputs(",\"totals\":{\"ram_pages\":", out);
	if (t->have_ram)
		fprintf(out, "%llu", (unsigned long long)t->ram);
	else
		fputs("null", out);
	fputs(",\"free_pages\":", out);
	if (t->have_free)
		fprintf(out, "%llu", (unsigned long long)t->free_pages);
	else
		fputs("null", out);
	if (t->have_used)
		fprintf(out, ",\"used_pages\":%llu,\"unaccounted_pages\":%lld",
			(unsigned long long)t->used,
			(long long)t->used - (long long)ws->pages_allocated);
	else
		fputs(",\"used_pages\":null,\"unaccounted_pages\":null", out);
	fprintf(out, ",\"page_owner_pages\":%llu,\"page_owner_allocations\":%llu,\"nr_stacks\":%zu,\"pfns_missing\":%llu}",
		(unsigned long long)ws->pages_allocated,
		(unsigned long long)ws->pfns_allocated, c->stacks.len,
		(unsigned long long)ws->pfns_missing);
	fputs(",\"stacks\":[", out);
	for (size_t i = 0; i < c->stacks.len && i < n; i++) {
		const struct agg *a = po_keymap_at(&c->stacks, i);
		fprintf(out, "%s{\"handle\":%llu,\"pages\":%llu,\"allocations\":%llu,\"percent_ram\":%s,\"stack\":",
			i ? "," : "", (unsigned long long)a->key, (unsigned long long)a->pages,
			(unsigned long long)a->records, of_ram_json(&sh, a->pages, ram));
		const struct po_stack *st;
		if ((err = po_stack_lookup(prog, (uint32_t)a->key, &st, NULL, 0)))
			return err;
		po_json_stack_or_null(out, st);
		fputc('}', out);
	}
	fputs("],\"processes\":[", out);
	for (size_t i = 0; i < c->procs.len && i < n; i++) {
		const struct agg *a = po_keymap_at(&c->procs, i);
		fprintf(out, "%s{\"tgid\":%d,\"comm\":", i ? "," : "", (int)(uint32_t)a->key);
		po_json_string(out, a->comm);
		fprintf(out, ",\"pages\":%llu,\"percent_ram\":%s}",
			(unsigned long long)a->pages, of_ram_json(&sh, a->pages, ram));
	}
	fputs("],\"gfp_masks\":[", out);
	for (size_t i = 0; i < c->gfps.len && i < n; i++) {
		const struct agg *a = po_keymap_at(&c->gfps, i);
		po_format_gfp(prog, (uint32_t)a->key, gfp, sizeof(gfp));
		fprintf(out, "%s{\"gfp_mask\":%llu,\"gfp\":", i ? "," : "",
			(unsigned long long)a->key);
		po_json_string(out, gfp);
		fprintf(out, ",\"pages\":%llu,\"percent_ram\":%s}",
			(unsigned long long)a->pages, of_ram_json(&sh, a->pages, ram));
	}
	fputs("],\"migratetypes\":[", out);
	for (int m; (m = take_largest_mt(c)) >= 0; first = false) {
		fprintf(out, "%s{\"migratetype\":", first ? "" : ",");
		po_json_string(out, mt_name(prog, m));
		fprintf(out, ",\"pages\":%llu,\"percent_ram\":%s}",
			(unsigned long long)c->mt_pages[m], of_ram_json(&sh, c->mt_pages[m], ram));
	}
	fputs("]}\n", out);
	return NULL;
}

/* The panic reason from a saved kernel log (the dump's own lacks it). */
static struct po_error *saved_log_panic(const char *path, char *buf, size_t len, bool *found)
{
	struct po_error *err;
	uint64_t size;
	char *text;
	size_t got = 0;
	int fd;

	*found = false;
	if ((err = po_file_open(path, &fd, &size)))
		return po_error_prefix(err, "--dmesg");
	if (size > (256u << 20))
		size = 256u << 20; /* a log is a few MiB: the rest is not one */
	text = malloc(size + 1);
	if (!text) {
		close(fd);
		return &po_error_nomem;
	}
	err = po_file_pread(fd, text, size, 0, path, &got);
	close(fd);
	if (!err)
		*found = po_kmsg_text_panic_reason(text, got, buf, len);
	free(text);
	return err;
}

struct po_error *po_report_top(struct po_program *prog, FILE *out,
			       const struct po_report_opts *opts,
			       struct po_walk_stats *stats)
{
	struct top_ctx c;
	struct po_mem_totals t;
	struct po_error *err, *kerr;
	char panic[512];
	bool found = false;
	size_t n = opts->top_n > 0 ? (size_t)opts->top_n : 5;
	uint64_t ram;

	if ((err = po_types_want_list(prog, &po_top_types)))
		return err;
	top_ctx_init(&c, prog);
	err = po_walk_parts(prog, PO_WALK_DEBUGFS, &top_walk, &c, stats);
	if (!err)
		err = flush_run(&c);
	if (!err)
		err = po_keymap_sort(&c.stacks, by_pages);
	if (!err)
		err = po_keymap_sort(&c.procs, by_pages);
	if (!err)
		err = po_keymap_sort(&c.gfps, by_pages);
	if (!err)
		err = po_mem_totals(prog, &t);
	if (err)
		goto out;
	ram = t.have_ram ? t.ram : 0;
	kerr = po_kmsg_panic_reason(prog, panic, sizeof(panic), &found);
	if (kerr && kerr->code == PO_ERR_NOMEM) {
		err = kerr;
		goto out;
	}
	const char *panic_file = NULL;
	if (!found && opts->dmesg) {
		if ((err = saved_log_panic(opts->dmesg, panic, sizeof(panic), &found))) {
			po_error_destroy(kerr);
			goto out;
		}
		if (found)
			panic_file = opts->dmesg;
	}
	if (opts->json)
		err = print_json(prog, out, &c, n, &t, ram, stats, found ? panic : NULL,
				 kerr ? kerr->message : NULL, panic_file);
	else
		err = print_text(prog, out, &c, n, &t, ram, stats, found ? panic : NULL,
				 kerr ? kerr->message : NULL, panic_file);
	po_error_destroy(kerr);
	if (!err && ferror(out))
		err = po_error_create(PO_ERR_OS, "write error");
out:
	top_ctx_release(&c);
	return err;
}
