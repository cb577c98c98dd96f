/* Unit tests of report/folded.c and the frame kinds of report/flamegraph.c:
 * text inputs (page_owner, show_stacks, folded) and how frames are
 * normalised (offsets, modules, clone suffixes, blanks), roots from a
 * page_owner text, the frame-by-frame sort, many distinct stacks, and a
 * tiny SVG. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pageowner.h"
#include "report/flamegraph.h"
#include "report/folded.h"

static int failures, checks;

#define CHECK(cond) do { checks++; if (!(cond)) { failures++; \
	fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

static const char page_owner_text[] =
"Page allocated via order 1, mask 0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), pid 7, tgid 7 (a b), c), ts 5 ns\n"
"PFN 0x100 type Movable Block 0 type Movable Flags 0x0(zone=0)\n"
" get_page_from_freelist+0x6b4/0x748\n"
" foo.constprop.0+0x10/0x20 [mymod]\n"
" entry_SYSCALL_64_after_hwframe+0x4b/0x53\n"
"Charged to offline memcg job;1\n"
"\n"
"Page allocated via order 0, mask 0x0(), pid 0, tgid 0 (swapper), ts 0 ns\n"
"PFN 0x102 type Unmovable Block 0 type Unmovable Flags 0x0(zone=0)\n"
" get_page_from_freelist+0x1/0x748\n"
" foo.constprop.0+0x11/0x20 [mymod]\n"
" entry_SYSCALL_64_after_hwframe+0x4b/0x53\n"
"Slab cache page\n"
"\n"
"Page allocated via order 0, mask 0xcc0(GFP_KERNEL), pid 1, tgid 1 (init), ts 9 ns\n"
"PFN 0x103 type Unmovable Block 0 type Unmovable Flags 0x0(zone=0)\n"
"handle: 1048577\n"; /* the handle print mode, no trailing empty line */

static struct po_folded *read_text(const char *text, struct po_folded_opts o, struct po_error **errp)
{
	struct po_folded *f = NULL;
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	struct po_error *err = po_folded_create(&o, &f);

	if (!err)
		err = po_folded_from_text(in, "test", &f, 1);
	fclose(in);
	if (errp)
		*errp = err;
	else if (err) {
		fprintf(stderr, "%s\n", err->message);
		po_error_destroy(err);
		failures++;
	}
	return f;
}

static uint64_t pages_of(const struct po_folded *f, const char *s)
{
	const struct po_folded_stack *st = po_folded_find(f, s, strlen(s));
	return st ? st->pages : 0;
}

static void test_page_owner_text(void)
{
	struct po_folded *f = read_text(page_owner_text, (struct po_folded_opts){ 0 }, NULL);

	CHECK(f->n == 2 && f->total_pages == 4 && f->records == 3);
	CHECK(!strcmp(f->meta.kind, "page_owner text"));
	/* offsets dropped: the first two records merge; the module follows the name */
	CHECK(pages_of(f, "entry_SYSCALL_64_after_hwframe;foo.constprop.0[mymod];get_page_from_freelist") == 3);
	CHECK(pages_of(f, "[handle_1048577]") == 1);
	po_folded_destroy(f);

	f = read_text(page_owner_text, (struct po_folded_opts){ .offsets = true }, NULL);
	CHECK(f->n == 3);
	CHECK(pages_of(f, "entry_SYSCALL_64_after_hwframe+0x4b/0x53;foo.constprop.0+0x10/0x20[mymod];"
			  "get_page_from_freelist+0x6b4/0x748") == 2);
	po_folded_destroy(f);

	f = read_text(page_owner_text, (struct po_folded_opts){ .strip_clones = true }, NULL);
	CHECK(pages_of(f, "entry_SYSCALL_64_after_hwframe;foo[mymod];get_page_from_freelist") == 3);
	po_folded_destroy(f);

	/* roots: comm with blanks and "), " in it, memcg names with ';', gfp */
	f = read_text(page_owner_text, (struct po_folded_opts){ .root = PO_FOLDED_ROOT_PROCESS }, NULL);
	CHECK(pages_of(f, "a_b),_c;entry_SYSCALL_64_after_hwframe;foo.constprop.0[mymod];get_page_from_freelist") == 2);
	CHECK(pages_of(f, "init;[handle_1048577]") == 1);
	po_folded_destroy(f);
	f = read_text(page_owner_text, (struct po_folded_opts){ .root = PO_FOLDED_ROOT_MEMCG, .root_only = true }, NULL);
	CHECK(f->n == 3 && pages_of(f, "job_1") == 2 && pages_of(f, "[slab]") == 1 &&
	      pages_of(f, "[uncharged]") == 1);
	po_folded_destroy(f);
	f = read_text(page_owner_text, (struct po_folded_opts){ .root = PO_FOLDED_ROOT_GFP, .root_only = true }, NULL);
	CHECK(pages_of(f, "GFP_HIGHUSER_MOVABLE|__GFP_COMP") == 2 && pages_of(f, "0x0") == 1 &&
	      pages_of(f, "GFP_KERNEL") == 1);
	po_folded_destroy(f);
}

static void test_other_inputs(void)
{
	struct po_error *err;
	struct po_folded *f;

	f = read_text(" a+0x1/0x2\n b+0x3/0x4 [m]\nnr_base_pages: 5\n\n a+0x9/0x9\n b+0x1/0x1 [m]\nnr_base_pages: 2\n",
		      (struct po_folded_opts){ 0 }, NULL);
	CHECK(!strcmp(f->meta.kind, "show_stacks text") && f->n == 1 && pages_of(f, "b[m];a") == 7);
	po_folded_destroy(f);

	f = read_text("x;y 3\n\nx;y+0x1/0x2 4\nx;z  10  \nbad line\nx;w 1.5\nx y;z 2\n",
		      (struct po_folded_opts){ 0 }, NULL);
	CHECK(!strcmp(f->meta.kind, "folded") && f->n == 3 && f->ignored_lines == 2);
	CHECK(pages_of(f, "x;y") == 7 && pages_of(f, "x;z") == 10 && pages_of(f, "x_y;z") == 2);
	po_folded_destroy(f);

	/* a root needs a page_owner text, unless the set is optional */
	f = read_text("x;y 3\n", (struct po_folded_opts){ .root = PO_FOLDED_ROOT_PROCESS }, &err);
	CHECK(err && err->code == PO_ERR_USAGE);
	po_error_destroy(err);
	po_folded_destroy(f);
	f = read_text("x;y 3\n", (struct po_folded_opts){ .root = PO_FOLDED_ROOT_MEMCG, .optional = true }, NULL);
	CHECK(f->unavailable && f->n == 0);
	po_folded_destroy(f);

	f = read_text("\n\n", (struct po_folded_opts){ 0 }, &err);
	CHECK(err && err->code == PO_ERR_FORMAT);
	po_error_destroy(err);
	po_folded_destroy(f);
	f = read_text("no numbers here\nnor here\n", (struct po_folded_opts){ 0 }, &err);
	CHECK(err && err->code == PO_ERR_FORMAT);
	po_error_destroy(err);
	po_folded_destroy(f);
	/* mostly junk (a binary, say) is not folded stacks with some junk */
	f = read_text("a 1\njunk\nmore junk\n", (struct po_folded_opts){ 0 }, &err);
	CHECK(err && err->code == PO_ERR_FORMAT &&
	      strstr(err->message, "2 of 3 lines not understood"));
	po_error_destroy(err);
	po_folded_destroy(f);
}

static void test_sort_and_many(void)
{
	struct po_folded *f = NULL;
	char buf[64];

	CHECK(!po_folded_create(NULL, &f));
	CHECK(!po_folded_add(f, "a;b!", 4, 1));
	CHECK(!po_folded_add(f, "a;b;c", 5, 2));
	CHECK(!po_folded_add(f, "a;b", 3, 3));
	CHECK(!po_folded_sort_names(f));
	/* frame by frame: everything under a;b before a;b! */
	CHECK(!strcmp(f->v[0].s, "a;b") && !strcmp(f->v[1].s, "a;b;c") && !strcmp(f->v[2].s, "a;b!"));
	CHECK(!po_folded_sort_pages(f));
	CHECK(!strcmp(f->v[0].s, "a;b") && f->v[2].pages == 1 && pages_of(f, "a;b;c") == 2);
	/* lookups keep working across index growth and sorting */
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(buf, sizeof(buf), "s;%d", i % 7000);
		CHECK(!po_folded_add(f, buf, (size_t)n, 1));
	}
	CHECK(f->n == 7003 && f->total_pages == 20006);
	CHECK(!po_folded_sort_pages(f));
	CHECK(pages_of(f, "s;0") == 3 && pages_of(f, "s;6999") == 2 && pages_of(f, "s;7000") == 0);
	po_folded_destroy(f);
}

static void test_kinds_and_svg(void)
{
	struct po_folded *f = NULL;
	struct po_error *err;
	char *svg = NULL;
	size_t len = 0;
	FILE *out;

	CHECK(po_frame_kind("get_page_from_freelist", 22) == PO_KIND_ALLOC);
	CHECK(po_frame_kind("__kmalloc_noprof+0x30/0x60", 26) == PO_KIND_SLAB);
	CHECK(po_frame_kind("anon_pipe_write", 15) == PO_KIND_FS);
	CHECK(po_frame_kind("tcp_sendmsg", 11) == PO_KIND_NET);
	CHECK(po_frame_kind("handle_mm_fault", 15) == PO_KIND_MM);
	CHECK(po_frame_kind("po_alloc[po_testmod]", 20) == PO_KIND_DRIVER);
	CHECK(po_frame_kind("virtqueue_add_sgs", 17) == PO_KIND_DRIVER);
	CHECK(po_frame_kind("do_syscall_64", 13) == PO_KIND_OTHER);
	CHECK(po_frame_kind("[slab]", 6) == PO_KIND_ROOT);

	CHECK(!po_folded_create(NULL, &f));
	CHECK(!po_folded_add(f, "x<&>;get_page_from_freelist", 27, 30));
	CHECK(!po_folded_add(f, "x<&>;kmalloc", 12, 10));
	out = open_memstream(&svg, &len);
	CHECK(!po_flamegraph_svg(out, f, NULL, &(struct po_flamegraph_opts){ .width = 400 }));
	fclose(out);
	CHECK(strstr(svg, "<title>all (40 pages, 0.2 MiB, 100.00% of all)</title>") != NULL);
	CHECK(strstr(svg, "<title>x&lt;&amp;&gt; (40 pages") != NULL);
	CHECK(strstr(svg, "data-s=\"0\" data-p=\"30\"><title>get_page_from_freelist") != NULL);
	CHECK(strstr(svg, "data-s=\"30\" data-p=\"10\"><title>kmalloc") != NULL);
	free(svg);
	err = po_flamegraph_svg(stdout, f, NULL, &(struct po_flamegraph_opts){ .width = 10 });
	CHECK(err && err->code == PO_ERR_USAGE);
	po_error_destroy(err);
	po_folded_destroy(f);
}

int main(void)
{
	test_page_owner_text();
	test_other_inputs();
	test_sort_and_many();
	test_kinds_and_svg();
	printf("%d checks, %d failures\n", checks, failures);
	return failures != 0;
}
