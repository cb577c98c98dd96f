/*
 * `pageowner sort [OPTIONS] INPUT [VMLINUX|OUTPUT]`: page_owner_sort(1)
 * compatible sorting, culling and selecting (the work is in sort_core.c).
 * INPUT is /sys/kernel/debug/page_owner text or a dump with its vmlinux.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char sort_usage[] =
"Usage: pageowner sort [OPTIONS] INPUT [OUTPUT]\n"
"       pageowner sort [OPTIONS] DUMP [VMLINUX]\n"
"       pageowner sort [OPTIONS] --btf DUMP\n"
"\n"
"Sort, cull and select page_owner records like the kernel's page_owner_sort.\n"
"INPUT is /sys/kernel/debug/page_owner text ('-' for standard input), or a\n"
"dump with its vmlinux (either order; without it, found as pageowner(1)\n"
"says under Finding debug info).\n"
"\n"
"Sort (one of):\n"
"  -a               by allocation time\n"
"  -m               by total memory (pages, descending)\n"
"  -n               by task command name\n"
"  -p               by pid\n"
"  -P               by tgid\n"
"  -r               by release (free) time\n"
"  -s               by stack trace\n"
"  -t               by times seen (descending; the default)\n"
"  --sort KEYS      [+|-]key[,[+|-]key...]: p|pid tg|tgid n|name st|stacktrace\n"
"                   T|txt at|alloc_ts ft|free_ts ator|allocator times pages\n"
"Cull:\n"
"  --cull KEYS      key[,key...]: p|pid tg|tgid n|name|comm st|stacktrace\n"
"                   ator|allocator f|free\n"
"Select:\n"
"  --pid LIST --tgid LIST --name LIST   comma-separated lists\n"
"  -f               leave out blocks whose memory has been released\n"
"Other:\n"
"  --json           JSON output\n"
"  -o, --output F   write to F (or give OUTPUT after a text INPUT)\n"
"  --vmlinux F      the vmlinux of the dump\n"
"  --threads N      threads reading a dump (default: the CPUs available)\n"
"  --no-progress    no progress line on a terminal\n"
"  --debug-dir DIR  look for it in DIR too (repeatable); --no-default-dirs,\n"
"                   --no-debuginfod: not in the system's places, not debuginfod\n"
"  --btf            no vmlinux: the dump's own BTF and kallsyms; --no-btf:\n"
"                   never them (not even when nothing else is found)\n"
"  -d               parse diagnostics on standard error\n"
"  -h, --help       this help\n"
"See pageowner-sort(1).\n";

static int sort_usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "pageowner sort: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'pageowner sort --help'.\n");
	return 2;
}

enum { O_PID = 256, O_TGID, O_NAME, O_CULL, O_SORT, O_JSON, O_VMLINUX };

static const struct option sort_opts[] = {
	{ "pid", required_argument, NULL, O_PID },
	{ "tgid", required_argument, NULL, O_TGID },
	{ "name", required_argument, NULL, O_NAME },
	{ "cull", required_argument, NULL, O_CULL },
	{ "sort", required_argument, NULL, O_SORT },
	{ "json", no_argument, NULL, O_JSON },
	{ "output", required_argument, NULL, 'o' },
	{ "vmlinux", required_argument, NULL, O_VMLINUX },
	PO_CLI_DUMP_LONG_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct sort_args {
	struct po_sort_opts o;
	const char *output, *vmlinux;
	struct po_cli_dump_opts dump;
	char *found;              /* the vmlinux the search found */
	bool json;
	char **files;
	int nfiles;
};

static int parse_args(struct sort_args *a, int argc, char **argv)
{
	int c, letter = 0;
	bool sort_opt = false;

	optind = 1;
	while ((c = getopt_long(argc, argv, "admnpPrstfho:", sort_opts, NULL)) != -1) {
		switch (c) {
		case 'a': case 'm': case 'n': case 'p': case 'P': case 'r':
		case 's': case 't':
			if (letter && letter != c) {
				char both[] = { '-', (char)letter, ' ', '-', (char)c, 0 };
				return sort_usage_error("only one sort option, not %s", both);
			}
			letter = c;
			break;
		case 'd': a->o.debug = true; break;
		case 'f': a->o.filter_released = true; break;
		case O_PID:
			free(a->o.pids);
			a->o.pids = NULL;
			if (!po_sort_parse_nums(optarg, &a->o.pids, &a->o.nr_pids))
				return sort_usage_error("--pid: '%s' is not a list of numbers", optarg);
			break;
		case O_TGID:
			free(a->o.tgids);
			a->o.tgids = NULL;
			if (!po_sort_parse_nums(optarg, &a->o.tgids, &a->o.nr_tgids))
				return sort_usage_error("--tgid: '%s' is not a list of numbers", optarg);
			break;
		case O_NAME:
			po_sort_free_strv(a->o.names, a->o.nr_names);
			a->o.names = NULL;
			a->o.nr_names = 0;
			if (!po_sort_parse_strs(optarg, &a->o.names, &a->o.nr_names))
				return sort_usage_error("--name: '%s': out of memory", optarg);
			break;
		case O_CULL:
			if (!po_sort_parse_cull(optarg, &a->o))
				return sort_usage_error("--cull: bad key in '%s'", optarg);
			break;
		case O_SORT:
			if (!po_sort_parse_keys(optarg, &a->o))
				return sort_usage_error("--sort: bad key in '%s'", optarg);
			sort_opt = true;
			break;
		case O_JSON: a->json = true; break;
		case 'o': a->output = optarg; break;
		case O_VMLINUX: a->vmlinux = optarg; break;
		case 'h':
			fputs(sort_usage, stdout);
			return -1;
		default:
			/* not one of them: getopt_long() said why */
			if (po_cli_dump_option(&a->dump, "sort", c, optarg) != 1)
				return 2;
		}
	}
	if (letter && sort_opt)
		return sort_usage_error("-%c and --sort exclude each other",
					(char[]){ (char)letter, 0 });
	if (letter) {
		static const struct { char c; enum po_sort_key k; int sign; } map[] = {
			{ 'a', PO_SORT_ALLOC_TS, 1 }, { 'm', PO_SORT_PAGES, -1 },
			{ 'n', PO_SORT_NAME, 1 }, { 'p', PO_SORT_PID, 1 },
			{ 'P', PO_SORT_TGID, 1 }, { 'r', PO_SORT_FREE_TS, 1 },
			{ 's', PO_SORT_STACKTRACE, 1 }, { 't', PO_SORT_TIMES, -1 },
		};
		for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			if (map[i].c != letter)
				continue;
			a->o.keys[0] = map[i].k;
			a->o.signs[0] = map[i].sign;
			a->o.nkeys = 1;
		}
	}
	a->files = argv + optind;
	a->nfiles = argc - optind;
	return 0;
}

static struct po_error *feed_text(struct po_sort *s, const char *path)
{
	struct po_error *err;
	FILE *in = strcmp(path, "-") ? fopen(path, "r") : stdin;

	if (!in)
		return po_error_create(PO_ERR_OS, "%s: %s", path, strerror(errno));
	setvbuf(in, NULL, _IOFBF, 1 << 20);
	err = po_sort_feed_file(s, in, path);
	if (in != stdin)
		fclose(in);
	return err;
}

static struct po_error *feed_dump(struct po_sort *s, struct sort_args *a)
{
	struct po_cli cli;
	struct po_walk_stats st;
	struct po_error *err;

	memset(&cli, 0, sizeof(cli));
	memset(&st, 0, sizeof(st));
	cli.files = a->files;
	cli.nfiles = a->nfiles;
	cli.vmlinux = a->vmlinux;
	cli.dump = a->dump;
	err = po_cli_open(&cli, true);
	const char *found = err ? NULL : po_program_debuginfo_path(cli.prog);
	if (found && !(a->found = strdup(found))) /* none: the dump's BTF */
		err = &po_error_nomem;
	if (!err)
		err = po_sort_feed_dump(s, cli.prog, &st);
	if (!err)
		po_cli_warn_stats(&st, true);
	po_program_destroy(cli.prog);
	return err;
}

static int run(struct sort_args *a)
{
	struct po_sort *s = NULL;
	struct po_error *err;
	bool dump = a->vmlinux != NULL || a->dump.btf;
	const char *output = a->output;
	FILE *out;
	int ret = 0;

	if (a->nfiles < 1)
		return sort_usage_error("%s", "no INPUT given");
	for (int i = 0; i < a->nfiles && !dump; i++) {
		const char *f = a->files[i];
		if (strcmp(f, "-") && (po_file_is_dump(f) || po_file_is_elf_vmlinux(f)))
			dump = true;
	}
	if (!dump) {
		if (a->nfiles > 2)
			return sort_usage_error("too many arguments: %s", a->files[2]);
		if (a->nfiles == 2) {
			if (output)
				return sort_usage_error("both -o and OUTPUT %s given", a->files[1]);
			output = a->files[1];
		}
	}
	err = po_sort_create(&a->o, &s);
	if (!err)
		err = dump ? feed_dump(s, a) : feed_text(s, a->files[0]);
	if (!err)
		err = po_sort_finish(s);
	if (err) {
		po_sort_destroy(s);
		return po_cli_fail(err);
	}
	/* opened only now that the input is read; never one of the inputs
	 * (page_owner_sort truncated an INPUT given as OUTPUT before reading) */
	const char *inputs[4] = { a->vmlinux, a->found };
	size_t ni = 2;
	for (int i = 0; i < a->nfiles && ni < 4; i++)
		if (strcmp(a->files[i], "-") && a->files[i] != output)
			inputs[ni++] = a->files[i];
	struct po_cli_output o;
	err = po_cli_output_open(&o, output, inputs, ni, &out);
	if (err) {
		po_sort_destroy(s);
		return po_cli_fail(err);
	}
	if (a->json)
		po_sort_print_json(s, out);
	else
		po_sort_print(s, out);
	ret = po_cli_output_close(&o, ret, true);
	po_sort_destroy(s);
	return ret;
}

int po_cmd_sort(int argc, char **argv)
{
	struct sort_args a;
	int ret;

	memset(&a, 0, sizeof(a));
	ret = parse_args(&a, argc, argv);
	if (ret == 0)
		ret = run(&a);
	else if (ret < 0)
		ret = 0;
	po_sort_opts_release(&a.o);
	po_cli_dump_opts_release(&a.dump);
	free(a.found);
	return ret;
}
