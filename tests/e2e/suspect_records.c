/*
 * suspect_records: page_owner records holding values no kernel writes.  A
 * real dump is read through a memory backend that rewrites four allocated
 * records of one section's page_ext array: an order above the
 * kernel's largest, a pid above PID_MAX_LIMIT, an allocation time far after
 * the dump, a stack handle whose pool does not exist.  Each must be counted
 * in the walk's stats under its kind, left out of the allocated totals,
 * printed by `pages` as the kernel would, marked "suspect" in JSON, left out
 * of `top`, and named by the warning line.
 * Usage: suspect_records DUMP VMLINUX   (compiled and run by suspect_records.sh)
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
static void *inner_arg;
static struct po_program *P;
static int patching;          /* 0: look, 1: patch */
static long victims[4] = { -1, -1, -1, -1 };
static int nr_victims;
static int target_array = -1; /* which whole page_ext array read */
static long order_at = -1;    /* index aligned to 2^(max_order+1) */


static uint8_t *owner_of(uint8_t *ext) { return ext + P->k->L.page_owner_offset; }

/* A bulk read of a whole section's page_ext array. */
static bool is_ext_array(size_t len)
{
	return len == P->k->L.pages_per_section * P->k->L.page_ext_size;
}

static bool allocated(uint8_t *ext)
{
	struct po_layout *L = &P->k->L;
	uint64_t flags = po_get_u64(ext);
	uint8_t *o = owner_of(ext);
	return (flags >> L->ext_owner_bit & 1) && (flags >> L->ext_owner_allocated_bit & 1) &&
	       po_get_u32(o + L->po_handle) && po_get_u16(o + L->po_order) == 0;
}

static int seen_arrays;

static struct po_error *rd(void *arg, enum po_addrspace as, uint64_t addr,
			   void *buf, size_t len)
{
	struct po_layout *L = &P->k->L;
	struct po_error *err = inner_ops->read(inner_arg, as, addr, buf, len);

	if (err || as != PO_KVADDR || !is_ext_array(len))
		return err;
	int k = seen_arrays++;
	uint8_t *b = buf;
	if (!patching) {
		/* the first array with a record to give a high order and three
		 * others */
		long align = 1L << (L->max_record_order + 1), oa = -1, v[3];
		int nv = 0;
		if (target_array >= 0)
			return NULL;
		for (long i = 0; i < (long)L->pages_per_section; i++) {
			uint8_t *e = b + i * L->page_ext_size;
			if (!allocated(e))
				continue;
			if (oa < 0 && i % align == 0 && i) {
				oa = i;
				continue;
			}
			if (nv < 3 && i % 2)
				v[nv++] = i;
		}
		if (oa >= 0 && nv == 3) {
			target_array = k;
			order_at = oa;
			memcpy(victims, v, sizeof(v));
			nr_victims = 3;
		}
		return NULL;
	}
	if (k != target_array)
		return NULL;
	uint8_t *o;
	/* an order above the largest, on a PFN aligned to it */
	o = owner_of(b + order_at * L->page_ext_size);
	uint16_t order = (uint16_t)(L->max_record_order + 1);
	memcpy(o + L->po_order, &order, 2);
	/* a pid above PID_MAX_LIMIT */
	o = owner_of(b + victims[0] * L->page_ext_size);
	int32_t pid = 0x7fffffff;
	memcpy(o + L->po_pid, &pid, 4);
	/* allocated far after the dump: a high bit flipped */
	o = owner_of(b + victims[1] * L->page_ext_size);
	uint64_t ts = po_get_u64(o + L->po_ts_nsec) | (1ULL << 60);
	memcpy(o + L->po_ts_nsec, &ts, 8);
	/* a handle whose pool does not exist */
	o = owner_of(b + victims[2] * L->page_ext_size);
	uint32_t h = po_get_u32(o + L->po_handle) ^ 0x3fff0;
	memcpy(o + L->po_handle, &h, 4);
	return NULL;
}

static void destroy(void *arg)
{
	if (inner_ops->destroy)
		inner_ops->destroy(inner_arg);
}

static const struct po_memory_ops ops = { .read = rd, .destroy = destroy };

static struct po_error *count_cb(struct po_program *prog, const struct po_record *rec,
				 void *arg)
{
	uint64_t *n = arg;
	n[0]++;
	if (rec->suspect)
		n[1]++;
	return NULL;
}

/* A report into memory. */
static char *report(int which, struct po_walk_stats *st)
{
	struct po_report_opts opts;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct po_error *err;

	po_report_opts_init(&opts);
	seen_arrays = 0;
	opts.json = which == 1;
	opts.top_n = 1000;
	if (which <= 1)
		err = po_report_pages(P, f, &opts, st);
	else
		err = po_report_top(P, f, &opts, st);
	fclose(f);
	CHECK(!err, "report %d: %s", which, err ? err->message : "");
	po_error_destroy(err);
	return buf;
}

int main(int argc, char **argv)
{
	struct po_error *err;
	struct po_walk_stats base, st;
	uint64_t n[2] = { 0, 0 };

	if (argc != 3) {
		fprintf(stderr, "usage: suspect_records DUMP VMLINUX\n");
		return 2;
	}
	if (!(P = e2e_open(argv[1], argv[2])))
		return 1;
	inner_ops = P->mem_ops;
	inner_arg = P->mem_arg;
	P->mem_ops = &ops;

	err = po_walk(P, PO_WALK_DEBUGFS, count_cb, n, &base);
	CHECK(!err && base.records_suspect == 0 && n[1] == 0,
	      "intact dump: %llu suspect records", (unsigned long long)base.records_suspect);
	if (order_at < 0 || nr_victims < 3) {
		printf("SKIP: no section has the allocated records to patch\n");
		po_program_destroy(P);
		return 77;
	}
	printf("intact: %llu records, %llu pages; patching indices %ld (order), %ld (pid), %ld (ts), %ld (stack)\n",
	       (unsigned long long)base.pfns_allocated, (unsigned long long)base.pages_allocated,
	       order_at, victims[0], victims[1], victims[2]);

	patching = 1;
	char *text = report(0, &st);
	CHECK(st.records_suspect == 4 && st.suspect_order == 1 && st.suspect_pid == 1 &&
	      st.suspect_ts == 1 && st.suspect_stack == 1,
	      "suspect %llu: order %llu pid %llu ts %llu stack %llu (want 1 each)",
	      (unsigned long long)st.records_suspect, (unsigned long long)st.suspect_order,
	      (unsigned long long)st.suspect_pid, (unsigned long long)st.suspect_ts,
	      (unsigned long long)st.suspect_stack);
	/* four records (all order 0 before) left the allocated totals */
	CHECK(st.pfns_allocated == base.pfns_allocated - 4 &&
	      st.pages_allocated == base.pages_allocated - 4,
	      "allocated %llu records / %llu pages, intact %llu / %llu",
	      (unsigned long long)st.pfns_allocated, (unsigned long long)st.pages_allocated,
	      (unsigned long long)base.pfns_allocated, (unsigned long long)base.pages_allocated);
	/* printed as the kernel would: same number of records in the text
	 * (counted without strstr in a loop: ASan's strstr takes the
	 * haystack's strlen on every call, quadratic over the whole text) */
	static const char rec_head[] = "Page allocated via order ";
	size_t recs = 0;
	for (const char *p = text; *p; p++)
		if (*p == 'P' && !strncmp(p, rec_head, sizeof(rec_head) - 1))
			recs++;
	CHECK(recs == base.pfns_allocated, "pages printed %zu records, want %llu", recs,
	      (unsigned long long)base.pfns_allocated);
	char want[64];
	snprintf(want, sizeof(want), "Page allocated via order %u,", P->k->L.max_record_order + 1);
	CHECK(strstr(text, want), "the order-%u record is not printed", P->k->L.max_record_order + 1);
	free(text);

	text = report(1, &st);
	const char *kinds[] = { "[\"order\"]", "[\"pid\"]", "[\"ts\"]", "[\"stack\"]" };
	for (int i = 0; i < 4; i++) {
		char key[48];
		snprintf(key, sizeof(key), "\"suspect\":%s", kinds[i]);
		char *p = strstr(text, key);
		CHECK(p && !strstr(p + 1, key), "JSON: want exactly one %s", key);
	}
	free(text);

	/* top: the totals leave them out */
	text = report(2, &st);
	CHECK(st.records_suspect == 4, "top: %llu suspect", (unsigned long long)st.records_suspect);
	free(text);

	char *w = NULL;
	size_t wl = 0;
	FILE *f = open_memstream(&w, &wl);
	po_walk_stats_warn(P, f, &st, true);
	fclose(f);
	printf("%s", w);
	CHECK(strstr(w, "4 page_owner records hold values no kernel writes") &&
	      strstr(w, "with an order above") && strstr(w, "pid or tgid outside") &&
	      strstr(w, "after the dump was taken") && strstr(w, "stack cannot be read") &&
	      strstr(w, "left out of the totals"), "warning: %s", w);
	free(w);
	po_program_destroy(P);
	return fails ? 1 : 0;
}
