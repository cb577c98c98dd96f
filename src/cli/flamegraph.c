/*
 * `pageowner flamegraph [OPTIONS] INPUT [VMLINUX] -o FILE.svg` and
 * `pageowner flamegraph --diff OLD [OLD_VMLINUX] NEW [NEW_VMLINUX]`: the
 * command line of po_flamegraph_svg() (report/flamegraph.c).  INPUT is a
 * dump (with its vmlinux), a debugfs page_owner text, a show_stacks text or
 * folded stacks (input.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char fg_usage[] =
"Usage: pageowner flamegraph [OPTIONS] INPUT [VMLINUX] [-o FILE.svg]\n"
"       pageowner flamegraph --diff [OPTIONS] OLD [OLD_VMLINUX] NEW [NEW_VMLINUX]\n"
"\n"
"An interactive SVG flame graph of the allocated pages: a frame is as wide as\n"
"the base pages allocated through it, callers below their callees; hover for\n"
"pages, MiB and % of RAM, click to zoom, Ctrl-F to search.  INPUT is a dump\n"
"(with its vmlinux, either order; without it, found as pageowner(1) says\n"
"under Finding debug info), a /sys/kernel/debug/page_owner text, a\n"
"page_owner_stacks/show_stacks text or folded stacks ('-': standard input).\n"
"\n"
"  -o, --output F     write the SVG to F (default: standard output)\n"
"  --root KIND        a first frame per process, memcg or gfp (page_owner input)\n"
"  --offsets          keep +offset/size in frames (stacks then merge less)\n"
"  --minwidth N[%]    leave out frames narrower than N pixels (default 0.1)\n"
"                     or N% of the width\n"
"  --width PX         image width (default 1200)\n"
"  --title TEXT       the title (default: kernel release and input)\n"
"  --diff             OLD and NEW: widths from NEW, frames red by growth and\n"
"                     blue by shrinkage since OLD\n"
"  --folded           write the folded stacks instead of the SVG\n"
"  --vmlinux F        the vmlinux of every dump; --old-vmlinux F and\n"
"                     --new-vmlinux F name each side's with --diff\n"
"  --strict           exit 10 when PFNs could not be decoded\n"
"  --threads N        threads that read a dump (default: the CPUs)\n"
"  --no-progress      no progress line on a terminal\n"
"  --debug-dir DIR    look for a dump's vmlinux in DIR too (repeatable);\n"
"                     --no-default-dirs, --no-debuginfod: not in the system's\n"
"                     places, not debuginfod\n"
"  --btf, --no-btf    a dump's own BTF and kallsyms: only them; never them\n"
"  -h, --help         this help\n"
"See pageowner-flamegraph(1).\n";

enum {
	O_ROOT = 256, O_OFFSETS, O_MINWIDTH, O_WIDTH, O_TITLE, O_DIFF, O_FOLDED,
	O_VMLINUX, O_OLD_VMLINUX, O_NEW_VMLINUX, O_STRICT,
};

static const struct option fg_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "root", required_argument, NULL, O_ROOT },
	{ "offsets", no_argument, NULL, O_OFFSETS },
	{ "minwidth", required_argument, NULL, O_MINWIDTH },
	{ "width", required_argument, NULL, O_WIDTH },
	{ "title", required_argument, NULL, O_TITLE },
	{ "diff", no_argument, NULL, O_DIFF },
	{ "folded", no_argument, NULL, O_FOLDED },
	{ "vmlinux", required_argument, NULL, O_VMLINUX },
	{ "old-vmlinux", required_argument, NULL, O_OLD_VMLINUX },
	{ "new-vmlinux", required_argument, NULL, O_NEW_VMLINUX },
	{ "strict", no_argument, NULL, O_STRICT },
	PO_CLI_DUMP_LONG_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int fg_usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "pageowner flamegraph: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'pageowner flamegraph --help'.\n");
	return 2;
}

/* base: the options of the dumps' po_cli_open() (po_input_load()) */
static int flamegraph(struct po_cli_dump_opts *base, int argc, char **argv)
{
	struct po_flamegraph_opts fo = { .minwidth = 0.1 };
	struct po_folded_opts so = { 0 };
	struct po_folded *sets[2] = { NULL, NULL };
	struct po_input in[2];
	const char *output = NULL, *any_vml = NULL, *side_vml[2] = { NULL, NULL };
	bool diff = false, folded = false, strict = false;
	struct po_error *err = NULL;
	struct po_cli_output o;
	uint64_t missing = 0;
	int c, n, ret = 0;
	FILE *out;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", fg_opts, NULL)) != -1) {
		char *end;
		unsigned long w;
		switch (c) {
		case 'o': output = optarg; break;
		case O_ROOT:
			if (!po_folded_parse_root(optarg, &so.root) || !so.root)
				return fg_usage_error("--root: '%s' is not process, memcg or gfp", optarg);
			break;
		case O_OFFSETS: so.offsets = true; break;
		case O_MINWIDTH:
			errno = 0;
			fo.minwidth = strtod(optarg, &end);
			if (errno || end == optarg || fo.minwidth < 0 || (*end && strcmp(end, "%")))
				return fg_usage_error("--minwidth: '%s' is not a width (pixels, or N%%)", optarg);
			if (*end) {
				fo.minwidth_pct = fo.minwidth;
				fo.minwidth = 0;
			}
			break;
		case O_WIDTH:
			errno = 0;
			w = strtoul(optarg, &end, 10);
			if (errno || *end || w < 200 || w > 100000)
				return fg_usage_error("--width: '%s' is not a width from 200 to 100000 pixels", optarg);
			fo.width = (unsigned)w;
			break;
		case O_TITLE: fo.title = optarg; break;
		case O_DIFF: diff = true; break;
		case O_FOLDED: folded = true; break;
		case O_VMLINUX: any_vml = optarg; break;
		case O_OLD_VMLINUX: side_vml[0] = optarg; break;
		case O_NEW_VMLINUX: side_vml[1] = optarg; break;
		case O_STRICT: strict = true; break;
		case 'h':
			fputs(fg_usage, stdout);
			return 0;
		default:
			/* not one of them: getopt_long() said why */
			if (po_cli_dump_option(base, "flamegraph", c, optarg) != 1)
				return 2;
		}
	}
	if (folded && diff)
		return fg_usage_error("%s", "--folded and --diff exclude each other");
	if (!diff && (side_vml[0] || side_vml[1]))
		return fg_usage_error("%s", "--old-vmlinux and --new-vmlinux go with --diff");
	err = po_inputs_split(argv + optind, argc - optind, any_vml, side_vml, in, diff ? 2 : 1, &n);
	if (!err && n != (diff ? 2 : 1))
		err = po_error_create(PO_ERR_USAGE, diff ? "--diff needs OLD and NEW inputs" :
					   "no input given (a dump with its vmlinux, or a text)");
	if (err)
		return po_cli_fail(err);
	so.strip_clones = diff;  /* two builds compare */
	fo.root_frames = so.root != PO_FOLDED_ROOT_NONE;
	for (int i = 0; i < n && !err; i++) {
		uint64_t m = 0;
		err = po_folded_create(&so, &sets[i]);
		if (!err)
			err = po_input_load(&in[i], base, &sets[i], 1, &m);
		missing += m;
	}
	if (err)
		goto fail;
	/* the output only now that the inputs are read; never one of them, and
	 * an existing file is replaced only when the SVG is complete */
	const char *inputs[6];
	size_t ni = po_input_paths(in, n, inputs);
	if ((err = po_cli_output_open(&o, output, inputs, ni, &out)))
		goto fail;
	if (folded) {
		err = po_folded_sort_pages(sets[0]);
		if (!err)
			po_folded_print(sets[0], out, 0);
	} else {
		err = po_flamegraph_svg(out, sets[n - 1], diff ? sets[0] : NULL, &fo);
	}
	if (strict && missing)
		ret = 10;
	ret = po_cli_output_close(&o, err ? 1 : ret, !err);
	if (err)
		goto fail;
	if (ret == 0 || ret == 10)
		fprintf(stderr, "pageowner: %llu pages in %zu stacks%s%s\n",
			(unsigned long long)po_folded_total_pages(sets[n - 1]),
			po_folded_nr_stacks(sets[n - 1]), output ? " drawn in " : "",
			output ? output : "");
	po_folded_destroy(sets[0]);
	po_folded_destroy(sets[1]);
	return ret;
fail:
	po_folded_destroy(sets[0]);
	po_folded_destroy(sets[1]);
	return po_cli_fail(err);
}

int po_cmd_flamegraph(int argc, char **argv)
{
	struct po_cli_dump_opts base;
	int ret;

	memset(&base, 0, sizeof(base));
	ret = flamegraph(&base, argc, argv);
	po_cli_dump_opts_release(&base);
	return ret;
}
