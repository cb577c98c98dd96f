/* The reports fuzz_decoder runs on an image (and record-image records). */
#include <stdlib.h>
#include <string.h>

#include "image.h"

bool fz_verbose;

void fz_check(struct po_error *err)
{
	if (err && fz_verbose)
		fprintf(stderr, "fuzz: error %d: %s\n", err->code, err->message);
	/* Errors are values: any code is fine, but a message is required. */
	if (err && (!err->message || !err->message[0]))
		abort();
	po_error_destroy(err);
}

void fz_run_reports(struct po_program *prog, FILE *out,
		    const struct fz_image *img)
{
	struct po_report_opts opts;
	struct po_walk_stats st;
	struct po_stacks_info info;
	bool owner = po_program_page_owner_enabled(prog);

	po_report_opts_init(&opts);
	opts.json = img->flags & FZ_F_JSON;
	opts.mode = img->flags & FZ_F_MODE2 ? PO_PAGES_STACK_HANDLE :
		    img->flags & FZ_F_MODE1 ? PO_PAGES_HANDLE : PO_PAGES_STACK;
	opts.dying_only = img->flags & FZ_F_DYING;
	opts.kernel_order = img->flags & FZ_F_KORDER;
	opts.view = img->flags & FZ_F_VIEW2 ? PO_STACKS_SHOW_STACKS_HANDLES :
		    img->flags & FZ_F_VIEW1 ? PO_STACKS_SHOW_HANDLES : PO_STACKS_SHOW_STACKS;
	if (img->flags & FZ_F_THRESH)
		opts.threshold = 2;
	if (img->reports & FZ_R_INFO)
		fz_check(po_report_info(prog, out, &opts, NULL));
	if (img->reports & FZ_R_MEMCG)
		fz_check(po_report_memcg(prog, out, &opts));
	if (!owner)
		return; /* the CLI stops here for the other reports */
	if (img->reports & FZ_R_PAGES)
		fz_check(po_report_pages(prog, out, &opts, &st));
	if (img->reports & FZ_R_FREED)
		fz_check(po_report_freed(prog, out, &opts, &st));
	if (img->reports & FZ_R_STACKS) {
		fz_check(po_report_stacks(prog, out, &opts, &info));
		po_stacks_info_notes(out, &info);
	}
	if (img->reports & FZ_R_STACKS_PAGES) {
		opts.from_pages = true;
		fz_check(po_report_stacks(prog, out, &opts, &info));
		po_stacks_info_notes(out, &info);
		opts.from_pages = false;
	}
	if (img->reports & FZ_R_TOP) {
		opts.top_n = 3;
		fz_check(po_report_top(prog, out, &opts, &st));
	}
	if (img->reports & FZ_R_PAGE) {
		fz_check(po_report_page(prog, out, img->pfn, &opts));
		struct po_record rec;
		struct po_error *err = po_get_record(prog, img->pfn, &rec);
		if (!err)
			po_report_record(prog, out, &rec, &opts);
		fz_check(err);
	}
	if (img->more & FZ_R2_PAGE_ADDR) {
		uint64_t pfn;
		/* The struct page of img->pfn if it is one, else img->pfn as an
		 * address. */
		struct po_record rec;
		struct po_error *err = po_get_record(prog, img->pfn, &rec);
		uint64_t page = err ? img->pfn : rec.page_addr;
		po_error_destroy(err);
		fz_check(po_page_to_pfn(prog, page, &pfn));
	}
	if (img->more & FZ_R2_SORT) {
		struct po_sort_opts so;
		struct po_sort *s;
		memset(&so, 0, sizeof(so));
		so.cull = opts.json ? PO_CULL_STACKTRACE : 0;
		if (!po_sort_create(&so, &s)) {
			fz_check(po_sort_feed_dump(s, prog, &st));
			fz_check(po_sort_finish(s));
			if (opts.json)
				po_sort_print_json(s, out);
			else
				po_sort_print(s, out);
			po_sort_destroy(s);
		}
	}
}
