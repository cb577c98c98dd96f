/*
 * walk_parts: reports that sum records (top, stacks --from-pages) walk
 * whole memory sections on reader threads into partial sums that the
 * calling thread adds up in PFN order.  A reader thread walks its section
 * as if the walk entered it at its first PFN; where the walk entered
 * elsewhere (a buddy block that jumps over the section's end, which only a
 * garbage order makes: real blocks never cross a max-order boundary), the
 * calling thread must walk that section again itself.  A real dump is read
 * through a memory backend (with clone(), so threads run) that turns two
 * struct pages of the first section's last max-order block into buddy
 * heads: the block's first PFN of order max-1 (the walk jumps to its
 * middle) and the middle one of order max (the walk jumps half a block
 * into the next section).  With 1, 2 and 3 threads: the same walk
 * counters, the same `top --json` and `stacks --from-pages --json`, byte
 * for byte, and a walk whose report stops after a number of records stops
 * at the same record; and the patch must show (more buddy PFNs than the
 * intact dump), else the test proves nothing.
 * (The fixtures' second section ends before its end: max_pfn is in it.)
 * Usage: walk_parts DUMP VMLINUX   (compiled and run by walk_parts.sh)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pageowner.h"
#include "e2e.h"
#include "base/util.h"
#include "kernel/kernel.h"
#include "access/program.h"

static const struct po_memory_ops *inner_ops;
static struct po_program *P;
static int patching;
static struct { uint64_t addr; uint8_t bytes[8]; size_t len; } patch[4];
static int npatch;


/* a reader: the inner one (the dump's, or a clone of it) */
struct rd { void *inner; bool owned; };

static struct po_error *rd(void *arg, enum po_addrspace as, uint64_t addr,
			   void *buf, size_t len)
{
	struct rd *r = arg;
	struct po_error *err = inner_ops->read(r->inner, as, addr, buf, len);

	if (err || as != PO_KVADDR || !patching)
		return err;
	for (int i = 0; i < npatch; i++)
		for (size_t b = 0; b < patch[i].len; b++)
			if (patch[i].addr + b >= addr && patch[i].addr + b < addr + len)
				((uint8_t *)buf)[patch[i].addr + b - addr] = patch[i].bytes[b];
	return NULL;
}

static void destroy(void *arg)
{
	struct rd *r = arg;
	if (r->owned) {
		inner_ops->destroy(r->inner);
		free(r);
	}
}

static struct po_error *clone(void *arg, void **ret)
{
	struct rd *r = arg, *c = calloc(1, sizeof(*c));
	struct po_error *err;

	if (!c)
		return &po_error_nomem;
	if ((err = inner_ops->clone(r->inner, &c->inner))) {
		free(c);
		return err;
	}
	c->owned = true;
	*ret = c;
	return NULL;
}

static const struct po_memory_ops ops = { .read = rd, .destroy = destroy, .clone = clone };

static void add_patch(uint64_t addr, uint64_t v, size_t len)
{
	patch[npatch].addr = addr;
	memcpy(patch[npatch].bytes, &v, len);
	patch[npatch].len = len;
	npatch++;
}

/* A free buddy page's page_type word, to copy. */
static struct po_error *buddy_cb(struct po_program *prog, const struct po_record *rec, void *arg)
{
	(void)prog;
	if (rec->buddy) {
		*(uint32_t *)arg = rec->page_type;
		return &po_error_stop;
	}
	return NULL;
}

/* Counts records, and sums their PFNs; stops at the first record at or
 * past stop_pfn (a report that stops early: the walk stops there, and a
 * section walked ahead of it is not counted). */
struct counter { uint64_t n, stop_pfn, pfns; };

static struct po_error *count_cb(struct po_program *prog, const struct po_record *rec, void *arg)
{
	struct counter *c = arg;
	(void)prog;
	if (c->stop_pfn && rec->pfn >= c->stop_pfn)
		return &po_error_stop;
	c->n++;
	c->pfns += rec->pfn;
	return NULL;
}

static void *count_new(void *arg)
{
	struct counter *c = calloc(1, sizeof(*c));
	if (c)
		c->stop_pfn = ((struct counter *)arg)->stop_pfn;
	return c;
}

static struct po_error *count_merge(void *arg, void *part)
{
	struct counter *c = arg, *p = part;
	c->n += p->n;
	c->pfns += p->pfns;
	free(p);
	return NULL;
}

static const struct po_walk_ops count_ops = {
	.fn = count_cb, .part_new = count_new, .part_merge = count_merge, .part_free = free,
};

static char *report(bool top, struct po_walk_stats *ws)
{
	struct po_report_opts opts;
	struct po_stacks_info info;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct po_error *err;

	po_report_opts_init(&opts);
	opts.json = true;
	opts.from_pages = true;
	if (top) {
		err = po_report_top(P, f, &opts, ws);
	} else {
		err = po_report_stacks(P, f, &opts, &info);
		*ws = info.walk;
	}
	fclose(f);
	CHECK(!err, "%s: %s", top ? "top" : "stacks", err ? err->message : "");
	po_error_destroy(err);
	return buf;
}

int main(int argc, char **argv)
{
	struct po_error *err = NULL;
	struct po_walk_stats intact, st[3];
	char *out[2][3];

	if (argc != 3) {
		fprintf(stderr, "usage: walk_parts DUMP VMLINUX\n");
		return 2;
	}
	if (!(P = e2e_open(argv[1], argv[2])))
		return 1;
	struct po_layout *L = &P->k->L;
	static struct rd outer;
	inner_ops = P->mem_ops;
	if (!inner_ops->clone) {
		printf("SKIP: this dump's memory cannot be cloned\n");
		po_program_destroy(P);
		return 77;
	}
	outer.inner = P->mem_arg;
	P->mem_ops = &ops;
	P->mem_arg = &outer;
	po_program_set_threads(P, 1);

	uint32_t buddy_type = 0;
	po_error_destroy(po_walk(P, PO_WALK_ALL, buddy_cb, &buddy_type, NULL));
	uint64_t M = L->max_order_nr_pages, pps = L->pages_per_section;
	unsigned max_order = L->nr_page_orders - 1;
	struct po_record a, b;
	uint64_t pa = pps - M, pb = pps - M / 2;
	if (!buddy_type || L->max_pfn < pps + 2 * M || L->dump_fmt == PO_DUMP_73 ||
	    (1ULL << max_order) != M || (err = po_get_record(P, pa, &a)) ||
	    (err = po_get_record(P, pb, &b))) {
		/* 7.3 clamps a buddy block to its max-order block */
		printf("SKIP: no buddy page, one section, a 7.3 walk or PFN %#llx unreadable (max_pfn %#llx)\n",
		       (unsigned long long)pa, (unsigned long long)L->max_pfn);
		po_error_destroy(err);
		po_program_destroy(P);
		return 77;
	}
	add_patch(a.page_addr + L->off_page_type, buddy_type, 4);
	add_patch(a.page_addr + L->off_page_private, max_order - 1, 8);
	add_patch(b.page_addr + L->off_page_type, buddy_type, 4);
	add_patch(b.page_addr + L->off_page_private, max_order, 8);
	printf("buddy heads at PFN %#llx (order %u) and %#llx (order %u): the walk enters section 1 at %#llx\n",
	       (unsigned long long)pa, max_order - 1, (unsigned long long)pb, max_order,
	       (unsigned long long)(pb + M));

	struct counter c = { 0 };
	err = po_walk_parts(P, PO_WALK_DEBUGFS, &count_ops, &c, &intact);
	CHECK(!err, "intact walk: %s", err ? err->message : "");
	po_error_destroy(err);
	/* stopped in the first section (walked ahead on a reader thread) and
	 * in the section walked again */
	uint64_t stops[2] = { pps / 2, pps + M };
	patching = 1;
	for (unsigned t = 1; t <= 3; t++) {
		po_program_set_threads(P, t);
		memset(&c, 0, sizeof(c));
		err = po_walk_parts(P, PO_WALK_DEBUGFS, &count_ops, &c, &st[t - 1]);
		CHECK(!err, "%u threads: %s", t, err ? err->message : "");
		po_error_destroy(err);
		CHECK(!memcmp(&st[t - 1], &st[0], sizeof(st[0])),
		      "%u threads: the walk's counters differ from one thread's", t);
		if (t == 1)
			printf("patched: %llu buddy PFNs (intact %llu), %llu records\n",
			       (unsigned long long)st[0].pfns_buddy,
			       (unsigned long long)intact.pfns_buddy, (unsigned long long)c.n);
		for (int top = 0; top < 2; top++) {
			struct po_walk_stats ws;
			out[top][t - 1] = report(top, &ws);
			CHECK(!memcmp(&ws, &st[0], sizeof(ws)),
			      "%u threads: %s's walk counters differ", t, top ? "top" : "stacks");
			CHECK(!strcmp(out[top][t - 1], out[top][0]),
			      "%u threads: %s --json differs from one thread's", t,
			      top ? "top" : "stacks --from-pages");
		}
		/* stopped early: the same records, the same counters */
		for (int k = 0; k < 2; k++) {
			struct counter h = { .stop_pfn = stops[k] };
			struct po_walk_stats hs;
			static struct counter h1[2];
			static struct po_walk_stats hs1[2];
			err = po_walk_parts(P, PO_WALK_DEBUGFS, &count_ops, &h, &hs);
			CHECK(!err, "stopped walk: %s", err ? err->message : "");
			po_error_destroy(err);
			if (t == 1) {
				h1[k] = h;
				hs1[k] = hs;
				CHECK(h.n && h.n < c.n, "stopped at PFN %#llx: %llu of %llu records",
				      (unsigned long long)stops[k], (unsigned long long)h.n,
				      (unsigned long long)c.n);
			}
			CHECK(h.n == h1[k].n && h.pfns == h1[k].pfns && !memcmp(&hs, &hs1[k], sizeof(hs)),
			      "%u threads, stopped at PFN %#llx: %llu records (one thread: %llu), counters %s",
			      t, (unsigned long long)stops[k], (unsigned long long)h.n,
			      (unsigned long long)h1[k].n,
			      memcmp(&hs, &hs1[k], sizeof(hs)) ? "differ" : "agree");
		}
	}
	CHECK(st[0].pfns_buddy > intact.pfns_buddy, "the patch did not take: %llu buddy PFNs",
	      (unsigned long long)st[0].pfns_buddy);
	for (int top = 0; top < 2; top++)
		for (int t = 0; t < 3; t++)
			free(out[top][t]);
	po_program_destroy(P);
	printf("%s\n", fails ? "FAILED" : "ok: 1, 2 and 3 threads agree");
	return fails ? 1 : 0;
}
