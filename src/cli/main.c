/* The pageowner command line: options, then the command. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char usage_text[] =
"Usage: pageowner COMMAND [OPTIONS] DUMP [VMLINUX]\n"
"       pageowner COMMAND [OPTIONS] --btf DUMP\n"
"\n"
"Read the kernel's page_owner records out of a crash dump and tell who\n"
"allocated the memory.  DUMP and VMLINUX may come in either order; without\n"
"VMLINUX the dump's debug info is searched for (see Finding debug info).\n"
"\n"
"Commands:\n"
"  pages            every allocated page, as /sys/kernel/debug/page_owner prints it\n"
"  page PFN         one page: allocation and free stacks, memcg (bad-page report form)\n"
"  stacks           per-stack totals, as page_owner_stacks/show_stacks prints them\n"
"  top              the greatest memory consumers (the OOM question)\n"
"  sort             page_owner_sort-compatible sorting, culling and selecting\n"
"  flamegraph       an interactive SVG flame graph of the allocated pages\n"
"  diff OLD NEW     what grew between two dumps (or page_owner texts)\n"
"  memcg            memory cgroups and the pages that pin dying ones\n"
"  info             kernel release, dump format, debug info used, layouts, counts\n"
"  batch            run a report over many dumps (CI)\n"
"\n"
"Common options:\n"
"  --vmlinux FILE   the vmlinux with DWARF debug info (else the other argument)\n"
"  --debug-dir DIR  look for it in DIR too, laid out as /usr/lib/debug (repeatable)\n"
"  --no-default-dirs  not in /usr/lib/debug, /boot, /lib/modules\n"
"  --no-debuginfod  do not ask debuginfod (DEBUGINFOD_URLS) for it\n"
"  --btf            no vmlinux: the dump's own BTF and kallsyms (6.0+ kernels\n"
"                   built with CONFIG_DEBUG_INFO_BTF); a vmlinux given is not read\n"
"  --no-btf         not them either, when the search finds no vmlinux\n"
"  --json           JSON output (JSON Lines for `pages`)\n"
"  -o, --output F   write to F (never one of the inputs; replaced on success)\n"
"  --threads N      threads that read and decode the dump (default: the CPUs);\n"
"                   the output is the same for any N\n"
"  --no-progress    no progress line (else one on a terminal's stderr once a\n"
"                   walk takes more than a second)\n"
"  --strict         exit 10 when PFNs could not be decoded (filtered pages)\n"
"  -h, --help       this help;  -V, --version  the version\n"
"\n"
"pages:  --mode stack|handle|stack_handle   --nid LIST\n"
"        --freed: freed pages that still carry page_owner data, with free stacks\n"
"page:   PFN (decimal or 0x hex), or -p, --phys ADDR, or -P, --page STRUCT_PAGE_ADDR\n"
"        (addresses in hex, 0x optional)\n"
"stacks: -t, --threshold N   --from-pages   --kernel-order   --handles\n"
"        --stacks-handles   --folded [--offsets] [--root process|memcg|gfp]\n"
"top:    -n N (entries per list, 1-100000, default 5)   --dmesg LOG (kdump's\n"
"        saved log, for the panic reason when the dump's own is filtered out)\n"
"memcg:  --dying   --memcg PATH\n"
"batch:  --report NAME  -j N  --ordered  --timeout SECONDS  --max-memory SIZE\n"
"        --shard K/N  --summary;  batch --merge SHARD.jsonl...  (see pageowner-batch(1))\n"
"sort:   see pageowner-sort(1); INPUT is a dump (with its vmlinux) or a\n"
"        debugfs page_owner text file\n"
"flamegraph: -o FILE.svg  --root KIND  --minwidth N  --diff OLD NEW\n"
"        (pageowner flamegraph --help, pageowner-flamegraph(1))\n"
"diff:   OLD_DUMP [OLD_VMLINUX] NEW_DUMP [NEW_VMLINUX]  -t N  --json\n"
"        (pageowner diff --help, pageowner-diff(1))\n"
"\n"
"Options may follow the files.  Numbers are decimal or 0x hex.\n"
"\n"
"Finding debug info (no VMLINUX): the first vmlinux whose build id is the\n"
"dump's (else whose banner names its release), with DWARF, of: each\n"
"--debug-dir DIR, then /usr/lib/debug (.build-id/NN/REST.debug, .build-id/NN/REST,\n"
"boot/vmlinux-RELEASE, lib/modules/RELEASE/vmlinux); /boot/vmlinux-RELEASE,\n"
"/lib/modules/RELEASE/build/vmlinux, /lib/modules/RELEASE/vmlinux; vmlinux*\n"
"beside the dump; debuginfod by build id.  None: exit 6, naming each place\n"
"tried.  PAGEOWNER_DEBUG_ROOT=DIR looks in DIR/usr/lib/debug, DIR/boot, ...\n"
"\n"
"Exit status: 0 ok, 1 other error, 2 usage, 3 file unreadable or not a\n"
"regular file, 4 not a dump, 5 dump truncated or corrupt, 6 no debug info\n"
"(none found, a vmlinux without DWARF, --btf: no BTF or kallsyms in the\n"
"dump), 7 vmlinux does not match the dump, 8 page_owner was off in the\n"
"dumped kernel, 9 unsupported kernel layout, 10 required data missing from\n"
"the dump, 11 (batch) some input failed, 130 interrupted.  See pageowner(1).\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "pageowner: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see pageowner --help)\n");
	return 2;
}

/* The options that are not report options (PO_REPORT_LONG_OPTIONS). */
enum {
	OPT_VMLINUX = 256, OPT_REPORT, OPT_STRICT, OPT_TIMEOUT,
	OPT_MAX_MEMORY, OPT_SHARD, OPT_ORDERED, OPT_SUMMARY, OPT_MERGE,
};

static const struct option long_opts[] = {
	{ "vmlinux", required_argument, NULL, OPT_VMLINUX },
	PO_REPORT_LONG_OPTIONS,
	{ "output", required_argument, NULL, 'o' },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	PO_CLI_DUMP_LONG_OPTIONS,
	{ "jobs", required_argument, NULL, 'j' },
	{ "max-memory", required_argument, NULL, OPT_MAX_MEMORY },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "ordered", no_argument, NULL, OPT_ORDERED },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "merge", no_argument, NULL, OPT_MERGE },
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
	while ((c = getopt_long(argc, argv, "o:hVj:" PO_REPORT_SHORT_OPTIONS, long_opts,
				NULL)) != -1) {
		switch (c) {
		case OPT_VMLINUX: cli->vmlinux = optarg; break;
		case 'o': cli->output = optarg; break;
		case OPT_REPORT: cli->report = optarg; break;
		case OPT_STRICT: cli->strict = true; break;
		case OPT_TIMEOUT: cli->timeout = optarg; break;
		case 'j': cli->jobs = optarg; break;
		case OPT_MAX_MEMORY: cli->max_memory = optarg; break;
		case OPT_SHARD: cli->shard = optarg; break;
		case OPT_ORDERED: cli->ordered = true; break;
		case OPT_SUMMARY: cli->summary = true; break;
		case OPT_MERGE: cli->merge = true; break;
		case 'h': cli->help = true; break;
		case 'V': cli->version = true; break;
		case '?': return 2; /* getopt_long() said why */
		default:
			switch (po_cli_dump_option(&cli->dump, NULL, c, optarg)) {
			case 1: continue;
			case -1: return 2;
			}
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
	if (strcmp(cmd, "batch") && (cli->jobs || cli->max_memory || cli->shard || cli->ordered ||
				     cli->summary || cli->merge || cli->timeout))
		return usage_error("%s: -j, --ordered, --timeout, --max-memory, --shard, --summary and --merge are batch options",
				   cmd);
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
	/* flamegraph and diff take one or two inputs, each a dump with its
	 * vmlinux or a text: they parse their own arguments */
	if (!strcmp(argv[1], "flamegraph"))
		return po_cmd_flamegraph(argc - 1, argv + 1);
	if (!strcmp(argv[1], "diff"))
		return po_cmd_diff(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		cli.command = commands[i].name;
		ret = parse(&cli, cli.command, argc - 1, argv + 1);
		if (ret) {
		} else if (cli.help) {
			fputs(usage_text, stdout);
		} else if (cli.version) {
			printf("pageowner %s\n", PAGEOWNER_VERSION);
		} else {
			/* cli.out is opened by the command once its inputs are open */
			ret = commands[i].fn(&cli);
			/* --strict's 10 still wrote the whole report */
			ret = po_cli_output_close(&cli.outf, ret, ret == 0 || ret == 10);
			po_program_destroy(cli.prog);
		}
		po_cli_dump_opts_release(&cli.dump);
		return ret;
	}
	return usage_error("unknown command '%s'", argv[1]);
}
