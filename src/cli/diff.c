/*
 * `pageowner diff [OPTIONS] OLD [OLD_VMLINUX] NEW [NEW_VMLINUX]`: the
 * command line of po_report_diff() (report/diff.c), inputs read by input.c.  Each side is a dump (with its vmlinux)
 * or a debugfs page_owner text; show_stacks texts and folded stacks give
 * the stacks only.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char diff_usage[] =
"Usage: pageowner diff [OPTIONS] OLD [OLD_VMLINUX] NEW [NEW_VMLINUX]\n"
"\n"
"What grew between two page_owner profiles: pages per stack before and after,\n"
"stacks matched by function names without offsets (two builds compare),\n"
"sorted by growth, new and vanished stacks marked; then per process (comm)\n"
"and per memcg path.  OLD and NEW are each a dump (followed by its vmlinux;\n"
"one vmlinux given serves both; none: found as pageowner(1) says under\n"
"Finding debug info) or a /sys/kernel/debug/page_owner text (show_stacks\n"
"texts and folded stacks give the stacks only).\n"
"\n"
"  -t, --threshold N  show only changes of at least N pages\n"
"  --json             one JSON object\n"
"  -o, --output F     write to F\n"
"  --vmlinux F        the vmlinux of both dumps\n"
"  --old-vmlinux F    the vmlinux of OLD;  --new-vmlinux F  of NEW\n"
"  --strict           exit 10 when PFNs could not be decoded\n"
"  --threads N        threads that read a dump (default: the CPUs)\n"
"  --no-progress      no progress line on a terminal\n"
"  --debug-dir DIR    look for a dump's vmlinux in DIR too (repeatable);\n"
"                     --no-default-dirs, --no-debuginfod: not in the system's\n"
"                     places, not debuginfod\n"
"  --btf, --no-btf    a dump's own BTF and kallsyms: only them; never them\n"
"  -h, --help         this help\n"
"See pageowner-diff(1).\n";

enum {
	O_JSON = 256, O_VMLINUX, O_OLD_VMLINUX, O_NEW_VMLINUX, O_STRICT,
};

static const struct option diff_opts[] = {
	{ "threshold", required_argument, NULL, 't' },
	{ "json", no_argument, NULL, O_JSON },
	{ "output", required_argument, NULL, 'o' },
	{ "vmlinux", required_argument, NULL, O_VMLINUX },
	{ "old-vmlinux", required_argument, NULL, O_OLD_VMLINUX },
	{ "new-vmlinux", required_argument, NULL, O_NEW_VMLINUX },
	{ "strict", no_argument, NULL, O_STRICT },
	PO_CLI_DUMP_LONG_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* base: the options of the dumps' po_cli_open() (po_input_load()) */
static int diff(struct po_cli_dump_opts *base, int argc, char **argv)
{
	struct po_diff_opts o = { 0 };
	struct po_diff_side side[2];
	struct po_input in[2];
	const char *output = NULL, *any_vml = NULL, *side_vml[2] = { NULL, NULL };
	struct po_error *err = NULL;
	struct po_cli_output co;
	uint64_t missing = 0, v;
	bool strict = false;
	int c, n, ret = 0;
	FILE *out;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:o:h", diff_opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (!po_parse_u64(optarg, &v)) {
				fprintf(stderr, "pageowner diff: --threshold: '%s' is not a number\n"
					"Try 'pageowner diff --help'.\n", optarg);
				return 2;
			}
			o.threshold = v;
			break;
		case O_JSON: o.json = true; break;
		case 'o': output = optarg; break;
		case O_VMLINUX: any_vml = optarg; break;
		case O_OLD_VMLINUX: side_vml[0] = optarg; break;
		case O_NEW_VMLINUX: side_vml[1] = optarg; break;
		case O_STRICT: strict = true; break;
		case 'h':
			fputs(diff_usage, stdout);
			return 0;
		default:
			/* not one of them: getopt_long() said why */
			if (po_cli_dump_option(base, "diff", c, optarg) != 1)
				return 2;
		}
	}
	err = po_inputs_split(argv + optind, argc - optind, any_vml, side_vml, in, 2, &n);
	if (!err && n != 2)
		err = po_error_create(PO_ERR_USAGE, "diff needs OLD and NEW (see pageowner diff --help)");
	if (err)
		return po_cli_fail(err);
	memset(side, 0, sizeof(side));
	for (int i = 0; i < 2 && !err; i++) {
		struct po_folded *sets[3];
		uint64_t m = 0;
		err = po_diff_side_create(&side[i]);
		if (!err) {
			po_diff_side_sets(&side[i], sets);
			err = po_input_load(&in[i], base, sets, 3, &m);
		}
		missing += m;
	}
	if (err)
		goto done;
	/* the output only now that the inputs are read; never one of them */
	const char *inputs[6];
	size_t ni = po_input_paths(in, n, inputs);
	if ((err = po_cli_output_open(&co, output, inputs, ni, &out)))
		goto done;
	err = po_report_diff(out, &side[0], &side[1], &o);
	if (!err && strict && missing)
		ret = 10;
	ret = po_cli_output_close(&co, err ? 1 : ret, !err);
done:
	po_diff_side_destroy(&side[0]);
	po_diff_side_destroy(&side[1]);
	return err ? po_cli_fail(err) : ret;
}

int po_cmd_diff(int argc, char **argv)
{
	struct po_cli_dump_opts base;
	int ret;

	memset(&base, 0, sizeof(base));
	ret = diff(&base, argc, argv);
	po_cli_dump_opts_release(&base);
	return ret;
}
