/*
 * hidden_records: what a flipped bit leaves where an allocated record was,
 * and a stack_list that skips entries.  A real dump is read through a
 * memory backend that rewrites one section's page_ext array: one allocated
 * record marked freed with no free time (kernels with free_ts_nsec), one
 * marked freed whose free time is a second before its allocation time (an
 * earlier life's), one marked allocated without PAGE_EXT_OWNER, and one
 * free buddy page given an allocated record.  The kernel would print none of them and neither does
 * `pages`, but the walk must count each under its kind, name the first PFN,
 * and warn.  On a kernel with stack_list (6.9+), a node's next pointer is
 * redirected three nodes on: `stacks` must count the skipped records, whose
 * pages the stackdepot still holds, as not on the list, and warn.
 * Usage: hidden_records DUMP VMLINUX   (compiled and run by hidden_records.sh)
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
static int patching;
static int seen_arrays;
/* victims: [0] unfreed, [1] no owner, [2] buddy, [3] freed in an earlier
 * life; array read and index */
static int v_array[4] = { -1, -1, -1, -1 };
static long v_index[4];
static uint64_t v_pfn[4];
static uint8_t donor[512];     /* an allocated record's page_owner bytes */
static uint64_t next_at, next_to; /* stack_list: *(next_at) reads next_to */
static uint8_t *last;             /* the look pass: the last array read */


static bool is_ext_array(size_t len)
{
	return len == P->k->L.pages_per_section * P->k->L.page_ext_size;
}

static struct po_error *rd(void *arg, enum po_addrspace as, uint64_t addr,
			   void *buf, size_t len)
{
	struct po_layout *L = &P->k->L;
	struct po_error *err = inner_ops->read(inner_arg, as, addr, buf, len);

	if (err || as != PO_KVADDR)
		return err;
	if (patching && next_at && addr == next_at && len == 8) {
		memcpy(buf, &next_to, 8);
		return NULL;
	}
	if (!is_ext_array(len))
		return NULL;
	int k = seen_arrays++;
	if (!patching) {
		uint8_t *copy = realloc(last, len);
		if (copy) {
			memcpy(copy, buf, len);
			last = copy;
		}
		return NULL;
	}
	for (int v = 0; v < 4; v++) {
		if (v_array[v] != k)
			continue;
		uint8_t *e = (uint8_t *)buf + v_index[v] * L->page_ext_size;
		uint8_t *o = e + L->page_owner_offset;
		uint64_t flags = po_get_u64(e);
		if (v == 0) {
			uint64_t zero = 0;
			flags &= ~(1ULL << L->ext_owner_allocated_bit);
			memcpy(o + L->po_free_ts_nsec, &zero, 8);
		} else if (v == 1) {
			flags &= ~(1ULL << L->ext_owner_bit);
		} else if (v == 3) {
			uint64_t ts = po_get_u64(o + L->po_ts_nsec) - 1000000000ULL;
			flags &= ~(1ULL << L->ext_owner_allocated_bit);
			memcpy(o + L->po_free_ts_nsec, &ts, 8);
		} else {
			flags |= 1ULL << L->ext_owner_bit | 1ULL << L->ext_owner_allocated_bit;
			memcpy(o, donor, L->sizeof_page_owner);
		}
		memcpy(e, &flags, 8);
	}
	return NULL;
}

static void destroy(void *arg)
{
	(void)arg;
	if (inner_ops->destroy)
		inner_ops->destroy(inner_arg);
}

static const struct po_memory_ops ops = { .read = rd, .destroy = destroy };

/* The look pass: pick the victims in PFN order, each in the array just read
 * (last, a copy), and a donor record for the buddy page. */
static struct po_error *look_cb(struct po_program *prog, const struct po_record *rec, void *arg)
{
	struct po_layout *L = &prog->k->L;
	int k = seen_arrays - 1;
	long i = (long)(rec->pfn & (L->pages_per_section - 1));
	bool *have_donor = arg;

	if (!rec->has_ext || k < 0)
		return NULL;
	if (rec->owner && rec->allocated && rec->handle && rec->order == 0 && !rec->suspect &&
	    !rec->buddy) {
		bool free_ts = L->po_free_ts_nsec != PO_ABSENT && L->po_ts_nsec != PO_ABSENT;
		int v = v_array[0] < 0 && free_ts ? 0 :
			v_array[1] < 0 ? 1 :
			v_array[3] < 0 && free_ts && rec->ts_nsec > 2000000000ULL ? 3 : -1;
		if (v >= 0) {
			v_array[v] = k;
			v_index[v] = i;
			v_pfn[v] = rec->pfn;
		} else if (!*have_donor && L->sizeof_page_owner <= sizeof(donor)) {
			memcpy(donor, last + i * L->page_ext_size + L->page_owner_offset,
			       L->sizeof_page_owner);
			*have_donor = true;
		}
	} else if (rec->buddy && v_array[2] < 0 && !rec->allocated) {
		v_array[2] = k;
		v_index[2] = i;
		v_pfn[2] = rec->pfn;
	}
	return NULL;
}

static struct po_error *count_cb(struct po_program *prog, const struct po_record *rec, void *arg)
{
	(void)prog;
	(void)rec;
	(*(uint64_t *)arg)++;
	return NULL;
}

static char *stacks_json(struct po_stacks_info *info)
{
	struct po_report_opts opts;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	po_report_opts_init(&opts);
	opts.json = true;
	struct po_error *err = po_report_stacks(P, f, &opts, info);
	fclose(f);
	CHECK(!err, "stacks: %s", err ? err->message : "");
	po_error_destroy(err);
	return buf;
}

int main(int argc, char **argv)
{
	struct po_error *err;
	struct po_walk_stats base, st;
	uint64_t n = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: hidden_records DUMP VMLINUX\n");
		return 2;
	}
	if (!(P = e2e_open(argv[1], argv[2])))
		return 1;
	po_program_set_threads(P, 1);
	inner_ops = P->mem_ops;
	inner_arg = P->mem_arg;
	P->mem_ops = &ops;

	/* the intact dump: nothing inconsistent; pick the victims and a donor
	 * record (the first victim's bytes, read before patching) */
	bool have_donor = false;
	err = po_walk(P, PO_WALK_ALL, look_cb, &have_donor, &base);
	CHECK(!err && base.records_inconsistent == 0, "intact dump (walk all): %llu inconsistent",
	      (unsigned long long)base.records_inconsistent);
	int want = 0;
	for (int v = 0; v < 4; v++)
		want += v_array[v] >= 0;
	if (v_array[1] < 0 || v_array[2] < 0 || !have_donor) {
		printf("SKIP: no section with the records to patch\n");
		po_program_destroy(P);
		return 77;
	}
	seen_arrays = 0;
	memset(&base, 0, sizeof(base));
	err = po_walk(P, PO_WALK_DEBUGFS, count_cb, &n, &base);
	CHECK(!err && base.records_inconsistent == 0, "intact dump: %llu inconsistent",
	      (unsigned long long)base.records_inconsistent);
	printf("intact: %llu records; patching PFNs %#llx (unfreed), %#llx (no owner), %#llx (buddy), %#llx (freed in an earlier life)\n",
	       (unsigned long long)base.pfns_allocated,
	       v_array[0] >= 0 ? (unsigned long long)v_pfn[0] : 0ULL,
	       (unsigned long long)v_pfn[1], (unsigned long long)v_pfn[2],
	       v_array[3] >= 0 ? (unsigned long long)v_pfn[3] : 0ULL);

	patching = 1;
	seen_arrays = 0;
	n = 0;
	memset(&st, 0, sizeof(st));
	err = po_walk(P, PO_WALK_DEBUGFS, count_cb, &n, &st);
	CHECK(!err, "walk: %s", err ? err->message : "");
	po_error_destroy(err);
	CHECK(st.records_inconsistent == (uint64_t)want &&
	      st.inconsistent_unfreed == (uint64_t)(v_array[0] >= 0) + (v_array[3] >= 0) &&
	      st.inconsistent_no_owner == 1 &&
	      st.inconsistent_buddy == 1,
	      "inconsistent %llu (want %d): unfreed %llu no_owner %llu buddy %llu",
	      (unsigned long long)st.records_inconsistent, want,
	      (unsigned long long)st.inconsistent_unfreed,
	      (unsigned long long)st.inconsistent_no_owner,
	      (unsigned long long)st.inconsistent_buddy);
	/* not printed, as the kernel would not print them */
	CHECK(st.pfns_allocated == base.pfns_allocated - (uint64_t)(want - 1),
	      "allocated %llu, intact %llu", (unsigned long long)st.pfns_allocated,
	      (unsigned long long)base.pfns_allocated);
	uint64_t first = v_pfn[1] < v_pfn[2] ? v_pfn[1] : v_pfn[2];
	if (v_array[0] >= 0 && v_pfn[0] < first)
		first = v_pfn[0];
	if (v_array[3] >= 0 && v_pfn[3] < first)
		first = v_pfn[3];
	CHECK(st.inconsistent_first_pfn == first, "first PFN %#llx, want %#llx",
	      (unsigned long long)st.inconsistent_first_pfn, (unsigned long long)first);
	char *w = NULL;
	size_t wl = 0;
	FILE *f = open_memstream(&w, &wl);
	po_walk_stats_warn(P, f, &st, false);
	fclose(f);
	printf("%s", w);
	char pfn[32];
	snprintf(pfn, sizeof(pfn), "PFN %#llx", (unsigned long long)first);
	CHECK(strstr(w, "page_owner records contradict their own flags") &&
	      strstr(w, "with a stack but without the owner bit") &&
	      strstr(w, "marked allocated on a free buddy page") && strstr(w, pfn) &&
	      (v_array[0] < 0 || strstr(w, "marked freed but never freed")), "warning: %s", w);
	free(w);

	/* stack_list: node k's next -> node k+3 skips two records */
	patching = 0;
	uint64_t list, node[8];
	size_t off_next = po_offsetof(P, "struct stack", "next");
	if (po_have_stack_list(P) && off_next != PO_ABSENT &&
	    po_symbol_addr(P, "stack_list", &list) && !po_read_u64(P, list, &node[0])) {
		struct po_stacks_info a, b;
		int got = 1;
		for (; got < 8 && node[got - 1]; got++)
			if ((err = po_read_u64(P, node[got - 1] + off_next, &node[got]))) {
				po_error_destroy(err);
				break;
			}
		CHECK(got >= 6, "stack_list: %d nodes", got);
		if (got >= 6) {
			free(stacks_json(&a));
			if (a.source != PO_STACKS_FROM_STACK_LIST) {
				printf("stack_list incomplete in this dump: skipped\n");
				got = 0;
			}
		}
		if (got >= 6) {
			next_at = node[2] + off_next; /* node 2 -> node 5: 3, 4 skipped */
			next_to = node[5];
			patching = 1;
			free(stacks_json(&b));
			printf("stack_list: %llu stacks, %llu not on the list; with nodes 3 and 4 skipped: %llu, %llu\n",
			       (unsigned long long)a.nr_stacks, (unsigned long long)a.unlisted_stacks,
			       (unsigned long long)b.nr_stacks, (unsigned long long)b.unlisted_stacks);
			CHECK(b.nr_stacks == a.nr_stacks - 2, "stacks %llu, want %llu",
			      (unsigned long long)b.nr_stacks, (unsigned long long)a.nr_stacks - 2);
			/* each skipped record counts pages (count >= 1) unless freed */
			CHECK(b.unlisted_stacks >= a.unlisted_stacks + 1 &&
			      b.unlisted_stacks <= a.unlisted_stacks + 2,
			      "unlisted %llu, intact %llu", (unsigned long long)b.unlisted_stacks,
			      (unsigned long long)a.unlisted_stacks);
			f = open_memstream(&w, &wl);
			po_stacks_info_notes(f, &b);
			fclose(f);
			printf("%s", w);
			CHECK(strstr(w, "not on the kernel's stack_list"), "stacks warning: %s", w);
			free(w);
		}
	} else {
		printf("no stack_list in this kernel (before 6.9)\n");
	}
	po_program_destroy(P);
	free(last);
	return fails ? 1 : 0;
}
