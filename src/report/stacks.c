/*
 * `pageowner stacks`: per-stack totals as /sys/kernel/debug/page_owner_stacks/
 * show_stacks prints them (mm/page_owner.c stack_print(), 6.9+):
 *
 *   for each struct stack on stack_list with a stack_record:
 *     nr_base_pages = refcount_read(&stack_record->count) - 1
 *     skip if nr_base_pages < 1 || nr_base_pages < count_threshold
 *     " %pS\n" per frame, "nr_base_pages: %d\n", "\n"
 *
 * 7.3 adds show_handles ("handle: %d\n" instead of the frames) and
 * show_stacks_handles (frames, "handle: %d\n", no threshold, every record).
 *
 * Sources: the kernel's own stack_list where it exists, else (or with
 * --from-pages) the per-PFN records of the debugfs walk, 2^order base pages
 * per record grouped by stack handle.  Memory is bounded by the number of
 * distinct stacks, never by the number of PFNs.
 */
#include <stdlib.h>
#include <string.h>

#include "pageowner.h"
#include "base/json.h"
#include "base/keymap.h"
#include "base/util.h"
#include "kernel/stackdepot.h"
#include "report/folded.h"
#include "access/debuginfo.h"
#include "access/program.h"
#include "report/types.h"

const struct po_type_names po_stacks_types = PO_TYPE_NAMES(
	"struct stack?", "struct stack_record?", "var stack_list?");

/* Bound of the list walk: the stackdepot cannot hold more records. */
#define MAX_LIST_NODES (1u << 24)

/* One stack: the map's entries are these, keyed by handle. */
struct sent {
	uint64_t handle;
	long long pages;     /* nr_base_pages (may be < 1 on the list) */
};

bool po_have_stack_list(struct po_program *prog)
{
	uint64_t addr;
	struct po_error *err = po_types_want_list(prog, &po_stacks_types);

	if (err) {
		po_error_destroy(err);
		return false;
	}
	return po_symbol_addr(prog, "stack_list", &addr) &&
	       po_offsetof(prog, "struct stack", "stack_record") != PO_ABSENT &&
	       po_offsetof(prog, "struct stack", "next") != PO_ABSENT &&
	       po_offsetof(prog, "struct stack_record", "count") != PO_ABSENT &&
	       po_offsetof(prog, "struct stack_record", "handle") != PO_ABSENT;
}

static struct po_error *from_stack_list(struct po_program *prog, struct po_keymap *t,
					struct po_stacks_info *info)
{
	size_t off_sr = po_offsetof(prog, "struct stack", "stack_record");
	size_t off_next = po_offsetof(prog, "struct stack", "next");
	size_t off_count = po_offsetof(prog, "struct stack_record", "count");
	size_t off_handle = po_offsetof(prog, "struct stack_record", "handle");
	struct po_keymap seen = PO_KEYMAP_INIT(uint64_t); /* nodes, for cycles */
	struct po_error *err;
	uint64_t list, node;

	err = po_symbol_required(prog, "stack_list", &list);
	if (err)
		return err;
	err = po_read_u64(prog, list, &node);
	if (err)
		return po_error_prefix(err, "reading stack_list");
	for (uint32_t n = 0; node; n++) {
		uint64_t rec, next;
		uint32_t count, handle;
		struct sent *e;

		if (po_interrupted(prog)) {
			err = po_error_create(PO_ERR_INTERRUPTED, "interrupted");
			break;
		}
		if (n >= MAX_LIST_NODES) {
			info->truncated = true;
			snprintf(info->note, sizeof(info->note),
				 "stack_list has more than %u entries; stopped", n);
			break;
		}
		if (po_keymap_find(&seen, node)) {
			info->truncated = true;
			snprintf(info->note, sizeof(info->note),
				 "stack_list loops back to %#llx after %u entries; stopped",
				 (unsigned long long)node, n);
			break;
		}
		if (!po_keymap_append(&seen, node)) {
			err = &po_error_nomem;
			break;
		}
		if ((err = po_read_u64(prog, node + off_sr, &rec)) ||
		    (err = po_read_u64(prog, node + off_next, &next))) {
			if (!n) {
				err = po_error_prefix(err, "reading struct stack at %#llx",
						      (unsigned long long)node);
				break;
			}
			info->truncated = true;
			snprintf(info->note, sizeof(info->note),
				 "struct stack at %#llx (entry %u) is unreadable: %s; stopped",
				 (unsigned long long)node, n, err->message);
			po_error_destroy(err);
			err = NULL;
			break;
		}
		node = next;
		if (!rec)
			continue; /* the kernel skips it too */
		if ((err = po_read_u32(prog, rec + off_count, &count)) ||
		    (err = po_read_u32(prog, rec + off_handle, &handle))) {
			/* one bad record: the kernel would print garbage; we skip it */
			info->bad_stacks++;
			po_error_destroy(err);
			err = NULL;
			continue;
		}
		/* no merging: the kernel's list may, in theory, repeat a record */
		if (!(e = po_keymap_append(t, handle))) {
			err = &po_error_nomem;
			break;
		}
		e->pages = (long long)(int32_t)count - 1;
	}
	po_keymap_free(&seen);
	return err;
}

/* The depot's counted records that are not on stack_list (po_stackdepot_counted). */
struct unlisted {
	struct po_keymap *listed;
	uint64_t n, pages;
};

static struct po_error *unlisted_cb(uint32_t handle, uint32_t count, void *arg)
{
	struct unlisted *u = arg;
	if (!po_keymap_find(u->listed, handle)) {
		u->n++;
		u->pages += count - 1;
	}
	return NULL;
}

static struct po_error *pages_cb(struct po_program *prog, const struct po_record *rec,
				 void *arg)
{
	if (rec->suspect)
		return NULL; /* left out of the totals (the walk's stats say so) */
	struct sent *e = po_keymap_get(arg, po_handle_mask(prog, rec->handle));
	if (!e)
		return &po_error_nomem;
	e->pages += 1LL << rec->order;
	return NULL;
}

/* Partial sums of one memory section (po_walk_parts()): keymaps of sent. */
static void *pages_part_new(void *arg)
{
	struct po_keymap *m = malloc(sizeof(*m));
	if (m)
		*m = (struct po_keymap)PO_KEYMAP_INIT(struct sent);
	return m;
}

static void pages_part_free(void *part)
{
	po_keymap_free(part);
	free(part);
}

static struct po_error *pages_part_merge(void *arg, void *part)
{
	const struct po_keymap *p = part;
	struct po_error *err = NULL;

	for (size_t i = 0; i < p->len && !err; i++) {
		const struct sent *f = po_keymap_at(p, i);
		struct sent *e = po_keymap_get(arg, f->handle);
		if (e)
			e->pages += f->pages;
		else
			err = &po_error_nomem;
	}
	pages_part_free(part);
	return err;
}

static const struct po_walk_ops pages_walk = {
	.fn = pages_cb, .part_new = pages_part_new,
	.part_merge = pages_part_merge, .part_free = pages_part_free,
};

/* Most pages first; ties in list / first-seen order (the sort is stable). */
static int by_pages(const void *a, const void *b)
{
	const struct sent *x = a, *y = b;
	return (x->pages < y->pages) - (x->pages > y->pages);
}

static bool selected(const struct po_report_opts *opts, enum po_stacks_view view,
		     const struct sent *e)
{
	unsigned long long thr = opts->threshold;
	if (view == PO_STACKS_SHOW_STACKS_HANDLES)
		return true;
	return e->pages >= 1 && (unsigned long long)e->pages >= thr;
}

static const char *view_name(enum po_stacks_view view)
{
	switch (view) {
	case PO_STACKS_SHOW_HANDLES: return "handles";
	case PO_STACKS_SHOW_STACKS_HANDLES: return "stacks_handles";
	default: return "stacks";
	}
}

static struct po_error *lookup_stack(struct po_program *prog, uint32_t handle,
				     const struct po_stack **st,
				     struct po_stacks_info *info)
{
	struct po_error *err = po_stack_lookup(prog, handle, st, NULL, 0);
	if (!err && !*st)
		info->bad_stacks++;
	return err;
}

struct po_error *po_report_stacks(struct po_program *prog, FILE *out,
				  const struct po_report_opts *opts,
				  struct po_stacks_info *info)
{
	struct po_keymap t = PO_KEYMAP_INIT(struct sent);
	enum po_stacks_view view = opts->view;
	struct po_error *err;
	bool first = true;

	/* --folded: one line per stack, for flame graphs (folded.c) */
	if (opts->folded)
		return po_report_folded(prog, out, opts, info);
	if (opts->root || opts->offsets)
		return po_error_create(PO_ERR_USAGE, "--root and --offsets go with --folded");
	memset(info, 0, sizeof(*info));
	if (!opts->from_pages && po_have_stack_list(prog)) {
		info->source = PO_STACKS_FROM_STACK_LIST;
		err = from_stack_list(prog, &t, info);
		if (!err && !info->truncated) {
			/* Records the kernel counts pages in but did not list
			 * (add_stack_record_to_list() gives up when its kmalloc
			 * fails or, on newer kernels, in contexts that may not
			 * allocate; 7.3's fixtures have 170), and records a
			 * damaged list skips: show_stacks leaves both out, and
			 * so does this report; it says how many. */
			struct unlisted u = { .listed = &t };
			err = po_stackdepot_counted(prog, unlisted_cb, &u);
			if (err) { /* the check only: the list stands */
				po_error_destroy(err);
				err = NULL;
			}
			info->unlisted_stacks = u.n;
			info->unlisted_pages = u.pages;
		}
		if (!err && info->truncated) {
			/* An incomplete list (a node in a page the dump lacks, or
			 * garbage) would leave stacks out: count every stack from
			 * the per-page records instead, which the kernel's totals
			 * equal. */
			po_keymap_free(&t);
			t = (struct po_keymap)PO_KEYMAP_INIT(struct sent);
			info->source = PO_STACKS_FROM_PAGES;
			info->list_incomplete = true;
			err = po_walk_parts(prog, PO_WALK_DEBUGFS, &pages_walk, &t, &info->walk);
		}
	} else {
		info->source = PO_STACKS_FROM_PAGES;
		info->fallback = !opts->from_pages;
		err = po_walk_parts(prog, PO_WALK_DEBUGFS, &pages_walk, &t, &info->walk);
	}
	if (err)
		goto out;
	info->nr_stacks = t.len;
	for (size_t i = 0; i < t.len; i++) {
		const struct sent *e = po_keymap_at(&t, i);
		if (e->pages > 0)
			info->total_pages += (uint64_t)e->pages;
	}
	if (!opts->kernel_order && (err = po_keymap_sort(&t, by_pages)))
		goto out;

	if (opts->json) {
		fprintf(out, "{\"source\":\"%s\",\"view\":\"%s\",\"threshold\":%llu,"
			"\"kernel_order\":%s,\"release\":",
			info->source == PO_STACKS_FROM_STACK_LIST ? "stack_list" : "pages",
			view_name(view), (unsigned long long)opts->threshold,
			opts->kernel_order ? "true" : "false");
		po_json_string(out, po_program_release(prog));
		fputs(",\"stacks\":[", out);
	}
	for (size_t i = 0; i < t.len; i++) {
		const struct sent *e = po_keymap_at(&t, i);
		const struct po_stack *st = NULL;

		if (!selected(opts, view, e))
			continue;
		info->nr_printed++;
		if (view != PO_STACKS_SHOW_HANDLES || opts->json) {
			err = lookup_stack(prog, (uint32_t)e->handle, &st, info);
			if (err)
				goto out;
		}
		if (opts->json) {
			fprintf(out, "%s{\"handle\":%u,\"nr_base_pages\":%lld",
				first ? "" : ",", (unsigned)e->handle, e->pages);
			if (view != PO_STACKS_SHOW_HANDLES) {
				fputs(",\"stack\":", out);
				po_json_stack_or_null(out, st);
			}
			fputc('}', out);
			first = false;
		} else {
			if (view != PO_STACKS_SHOW_HANDLES && st)
				po_stack_print(out, st, 1);
			if (view != PO_STACKS_SHOW_STACKS)
				fprintf(out, "handle: %d\n", (int)e->handle);
			if (view != PO_STACKS_SHOW_STACKS_HANDLES)
				fprintf(out, "nr_base_pages: %d\n", (int)e->pages);
			fputc('\n', out);
		}
		if (ferror(out)) {
			err = po_error_create(PO_ERR_OS, "write error");
			goto out;
		}
	}
	if (opts->json) {
		fprintf(out, "],\"nr_stacks\":%llu,\"nr_printed\":%llu,\"total_pages\":%llu,"
			"\"bad_stacks\":%llu,\"unlisted_stacks\":%llu,\"unlisted_pages\":%llu,"
			"\"truncated\":%s",
			(unsigned long long)info->nr_stacks,
			(unsigned long long)info->nr_printed,
			(unsigned long long)info->total_pages,
			(unsigned long long)info->bad_stacks,
			(unsigned long long)info->unlisted_stacks,
			(unsigned long long)info->unlisted_pages,
			info->truncated ? "true" : "false");
		if (info->truncated) {
			fputs(",\"note\":", out);
			po_json_string(out, info->note);
		}
		fputs("}\n", out);
	}
out:
	po_keymap_free(&t);
	return err;
}

void po_stacks_info_notes(FILE *fp, const struct po_stacks_info *info)
{
	if (info->source == PO_STACKS_FROM_STACK_LIST)
		fprintf(fp, "pageowner: %llu stacks from the kernel's stack_list, %llu printed, %llu pages\n",
			(unsigned long long)info->nr_stacks,
			(unsigned long long)info->nr_printed,
			(unsigned long long)info->total_pages);
	else
		fprintf(fp, "pageowner: %s%llu stacks summed from the per-page records, %llu printed, %llu pages\n",
			info->fallback ? "this kernel has no stack_list (page_owner_stacks came in 6.9): " : "",
			(unsigned long long)info->nr_stacks,
			(unsigned long long)info->nr_printed,
			(unsigned long long)info->total_pages);
	if (info->list_incomplete)
		fprintf(fp, "pageowner: warning: %s: totals summed from the per-page records instead\n",
			info->note);
	else if (info->truncated)
		fprintf(fp, "pageowner: warning: %s\n", info->note);
	if (info->unlisted_stacks)
		fprintf(fp, "pageowner: warning: %llu stacks with %llu pages are not on the kernel's stack_list, so not in these totals (show_stacks leaves them out too: the kernel did not list them, or the list is damaged); `stacks --from-pages` counts them\n",
			(unsigned long long)info->unlisted_stacks,
			(unsigned long long)info->unlisted_pages);
	if (info->bad_stacks)
		fprintf(fp, "pageowner: warning: %llu stacks could not be read from the stackdepot\n",
			(unsigned long long)info->bad_stacks);
}
