/* The pageowner command line: options, then the command. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage_text[] =
"Usage: pageowner COMMAND [OPTIONS] DUMP [VMLINUX]\n"
"       pageowner COMMAND [OPTIONS] --btf DUMP\n"
"\n"
"Read the kernel's page_owner records out of a crash dump and tell who\n"
"allocated the memory.  DUMP and VMLINUX may come in either order.\n"
"\n"
"Commands:\n"
"  pages            every allocated page, as /sys/kernel/debug/page_owner prints it\n"
"  page PFN         one page: allocation and free stacks, memcg (bad-page report form)\n"
"  stacks           per-stack totals, as page_owner_stacks/show_stacks prints them\n"
"  top              the greatest memory consumers (the OOM question)\n"
"  sort             page_owner_sort-compatible sorting, culling and selecting\n"
"  memcg            memory cgroups and the pages that pin dying ones\n"
"  info             kernel release, dump format, layouts found, counts\n"
"  batch            run a report over many dumps (CI)\n"
"\n"
"Common options:\n"
"  --vmlinux FILE   the vmlinux with DWARF debug info (else the other argument)\n"
"  --btf            no vmlinux: the dump's own BTF and kallsyms (6.0+ kernels\n"
"                   built with CONFIG_DEBUG_INFO_BTF); a vmlinux given is not read\n"
"  --json           JSON output (JSON Lines for `pages`)\n"
"  -o, --output F   write to F (never one of the inputs; replaced on success)\n"
"  -h, --help       this help;  -V, --version  the version\n"
"\n"
"pages:  --mode stack|handle|stack_handle   --nid LIST\n"
"        --freed: freed pages that still carry page_owner data, with free stacks\n"
"page:   PFN (decimal or 0x hex), or -p, --phys ADDR, or -P, --page STRUCT_PAGE_ADDR\n"
"        (addresses in hex, 0x optional)\n"
"stacks: -t, --threshold N   --from-pages   --kernel-order   --handles\n"
"        --stacks-handles\n"
"top:    -n N (stacks to show, default 5)\n"
"memcg:  --dying   --memcg PATH\n"
"batch:  --report NAME  --debug-dir DIR  --timeout SECONDS  (see pageowner-batch(1))\n"
"sort:   see pageowner-sort(1); INPUT is a dump (with its vmlinux) or a\n"
"        debugfs page_owner text file\n"
"\n"
"Options may follow the files.  Numbers are decimal or 0x hex.\n"
"\n"
"Exit status: 0 ok, 1 other error, 2 usage, 3 file unreadable or not a\n"
"regular file, 4 not a dump, 5 dump truncated or corrupt, 6 vmlinux without\n"
"debug info (--btf: no BTF or kallsyms in the dump), 7 vmlinux does not\n"
"match the dump, 8 page_owner was off in the dumped kernel, 9 unsupported\n"
"kernel layout, 10 required data missing from the dump, 11 (batch) some\n"
"input failed, 130 interrupted.  See pageowner(1).\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "pageowner: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see pageowner --help)\n");
	return 2;
}

/* The options that are not report options (PO_REPORT_LONG_OPTIONS). */
enum {
	OPT_VMLINUX = 256, OPT_REPORT, OPT_STRICT, OPT_DEBUG_DIR, OPT_TIMEOUT, OPT_BTF,
};

static const struct option long_opts[] = {
	{ "vmlinux", required_argument, NULL, OPT_VMLINUX },
	{ "btf", no_argument, NULL, OPT_BTF },
	PO_REPORT_LONG_OPTIONS,
	{ "output", required_argument, NULL, 'o' },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "debug-dir", required_argument, NULL, OPT_DEBUG_DIR },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* The report options are checked against report d (batch: its --report). */
static int parse(struct po_cli *cli, const char *cmd, int argc, char **argv)
{
	int report_opts[32], nr = 0;
	struct po_error *err;
	int c;

	optind = 1;
	/* options may follow the files ("pages vmcore vmlinux --json"); "--"
	 * ends them */
	while ((c = getopt_long(argc, argv, "o:hV" PO_REPORT_SHORT_OPTIONS, long_opts,
				NULL)) != -1) {
		switch (c) {
		case OPT_VMLINUX: cli->vmlinux = optarg; break;
		case OPT_BTF: cli->btf = true; break;
		case 'o': cli->output = optarg; break;
		case OPT_REPORT: cli->report = optarg; break;
		case OPT_STRICT: cli->strict = true; break;
		case OPT_DEBUG_DIR: cli->debug_dir = optarg; break;
		case OPT_TIMEOUT: cli->timeout = optarg; break;
		case 'h': cli->help = true; break;
		case 'V': cli->version = true; break;
		case '?': return 2; /* getopt_long() said why */
		default:
			if ((err = po_report_opts_set(&cli->opts, c, optarg))) {
				usage_error("%s", err->message);
				po_error_destroy(err);
				return 2;
			}
			if (nr < (int)(sizeof(report_opts) / sizeof(report_opts[0])))
				report_opts[nr++] = c;
		}
	}
	cli->files = argv + optind;
	cli->nfiles = argc - optind;
	/* a report option another report takes is a mistake, not a no-op */
	const char *rname = !strcmp(cmd, "batch") ? (cli->report ? cli->report : "top") : cmd;
	const struct po_report_desc *d = po_report_lookup(rname);
	for (int i = 0; d && i < nr; i++) {
		if (!po_report_takes(d, report_opts[i])) {
			char what[96];
			snprintf(what, sizeof(what), "%s: option --%s does not apply", rname,
				 po_report_opt_name(report_opts[i]));
			return usage_error("%s", what);
		}
	}
	return 0;
}

static int cmd_report(struct po_cli *cli)
{
	return po_cli_report(cli, po_report_lookup(cli->command));
}

static const struct {
	const char *name;
	int (*fn)(struct po_cli *cli);
} commands[] = {
	{ "pages", cmd_report },
	{ "page", cmd_report },
	{ "stacks", cmd_report },
	{ "top", cmd_report },
	{ "memcg", cmd_report },
	{ "info", cmd_report },
	{ "batch", po_cmd_batch },
};

int main(int argc, char **argv)
{
	struct po_cli cli;
	int ret;

	memset(&cli, 0, sizeof(cli));
	po_report_opts_init(&cli.opts);
	if (argc < 2) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("pageowner %s\n", PAGEOWNER_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "sort"))
		return po_cmd_sort(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		cli.command = commands[i].name;
		ret = parse(&cli, cli.command, argc - 1, argv + 1);
		if (ret)
			return ret;
		if (cli.help) {
			fputs(usage_text, stdout);
			return 0;
		}
		if (cli.version) {
			printf("pageowner %s\n", PAGEOWNER_VERSION);
			return 0;
		}
		/* cli.out is opened by the command once its inputs are open */
		ret = commands[i].fn(&cli);
		/* --strict's 10 still wrote the whole report */
		ret = po_cli_output_close(&cli.outf, ret, ret == 0 || ret == 10);
		po_program_destroy(cli.prog);
		return ret;
	}
	return usage_error("unknown command '%s'", argv[1]);
}
