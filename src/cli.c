/* The pageowner command line. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "internal.h"

static const char usage_text[] =
"Usage: pageowner COMMAND [OPTIONS] DUMP [VMLINUX]\n"
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
"  --json           JSON output (JSON Lines for `pages`)\n"
"  -o, --output F   write to F (never one of the inputs; replaced on success)\n"
"  -h, --help       this help;  -V, --version  the version\n"
"\n"
"pages:  --mode stack|handle|stack_handle   --nid LIST\n"
"        --freed: freed pages that still carry page_owner data, with free stacks\n"
"page:   PFN (decimal or 0x hex), or --phys ADDR, or --page STRUCT_PAGE_ADDR\n"
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
"debug info, 7 vmlinux does not match the dump, 8 page_owner was off in the\n"
"dumped kernel, 9 unsupported kernel layout, 10 required data missing from\n"
"the dump, 11 (batch) some input failed, ""130 interrupted.  See pageowner(1).\n";

int po_exit_code(const struct po_error *err)
{
	if (!err)
		return 0;
	switch (err->code) {
	case PO_OK: return 0;
	case PO_ERR_OS: return 3;
	case PO_ERR_FORMAT: return 4;
	case PO_ERR_CORRUPT: return 5;
	case PO_ERR_DEBUGINFO: return 6;
	case PO_ERR_MISMATCH: return 7;
	case PO_ERR_NO_PAGE_OWNER: return 8;
	case PO_ERR_UNSUPPORTED: return 9;
	case PO_ERR_FAULT: return 10;
	case PO_ERR_INTERRUPTED: return 130;
	case PO_ERR_USAGE: return 2;
	default: return 1;
	}
}

int po_cli_fail(struct po_error *err)
{
	int code = po_exit_code(err);
	fprintf(stderr, "pageowner: %s\n", err->message);
	po_error_destroy(err);
	return code;
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "pageowner: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see pageowner --help)\n");
	return 2;
}

struct po_program *po_cli_current;

/* Tell the dump from the vmlinux by content, as crash does. */
struct po_error *po_cli_open(struct po_cli *cli, bool need_owner)
{
	struct po_error *err;
	const char *dump = NULL, *vmlinux = cli->vmlinux;
	struct stat st;

	if (vmlinux) {
		if (stat(vmlinux, &st) < 0)
			return po_error_create(PO_ERR_OS, "%s: %s", vmlinux, strerror(errno));
		if ((err = po_file_check_regular(vmlinux, &st)))
			return err;
	}
	for (int i = 0; i < cli->nfiles; i++) {
		const char *f = cli->files[i];
		/* by type first: a FIFO is never opened, a directory never read */
		if (stat(f, &st) < 0)
			return po_error_create(PO_ERR_OS, "%s: %s", f, strerror(errno));
		if ((err = po_file_check_regular(f, &st)))
			return err;
		if (!dump && po_file_is_dump(f))
			dump = f;
		else if (!vmlinux && po_file_is_elf_vmlinux(f))
			vmlinux = f;
		else if (!dump)
			dump = f; /* let the dump reader say what is wrong */
		else if (!vmlinux)
			vmlinux = f;
		else
			return po_error_create(PO_ERR_USAGE, "too many files: %s", f);
	}
	if (!dump)
		return po_error_create(PO_ERR_USAGE, "no dump file given");
	if (!vmlinux)
		return po_error_create(PO_ERR_USAGE,
				       "no vmlinux given (pass the vmlinux with debug info of the dumped kernel)");
	cli->dump_path = dump;
	cli->vmlinux_path = vmlinux;
	err = po_program_create(&cli->prog);
	if (err)
		return err;
	po_cli_current = cli->prog;
	err = po_program_open_dump(cli->prog, dump);
	if (err)
		return err;
	err = po_program_load_vmlinux(cli->prog, vmlinux);
	if (err)
		return err;
	err = need_owner ? po_program_init_kernel(cli->prog) :
			   po_program_init_kernel_no_owner(cli->prog);
	if (err)
		return err;
	/* the output only now: a failed open never truncates it, and it is
	 * never one of the inputs */
	if (!cli->out) {
		const char *inputs[] = { dump, vmlinux };
		err = po_cli_output_open(&cli->outf, cli->output, inputs, 2, &cli->out);
	}
	return err;
}

void po_cli_warn_stats(const struct po_walk_stats *st, bool totals)
{
	po_walk_stats_warn(po_cli_current, stderr, st, totals);
}

/* The options that are not report options (report_opts.h). */
enum {
	OPT_VMLINUX = 256, OPT_HANDLES, OPT_STACKS_HANDLES, OPT_PHYS, OPT_PAGE,
	OPT_REPORT, OPT_STRICT, OPT_DEBUG_DIR, OPT_FREED, OPT_TIMEOUT,
};

/* getopt_long() names the candidates of an ambiguous abbreviation in this
 * order ("--fr": --from-pages, --freed). */
static const struct option long_opts[] = {
	{ "vmlinux", required_argument, NULL, OPT_VMLINUX },
	PO_REPORT_LONG_OPTIONS,
	{ "output", required_argument, NULL, 'o' },
	{ "handles", no_argument, NULL, OPT_HANDLES },
	{ "stacks-handles", no_argument, NULL, OPT_STACKS_HANDLES },
	{ "phys", required_argument, NULL, OPT_PHYS },
	{ "page", required_argument, NULL, OPT_PAGE },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "freed", no_argument, NULL, OPT_FREED },
	{ "debug-dir", required_argument, NULL, OPT_DEBUG_DIR },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int parse(struct po_cli *cli, int argc, char **argv)
{
	struct po_error *err;
	int c;

	optind = 1;
	/* options may follow the files ("pages vmcore vmlinux --json"); "--"
	 * ends them */
	while ((c = getopt_long(argc, argv, "o:t:n:hV", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_VMLINUX: cli->vmlinux = optarg; break;
		case 'o': cli->output = optarg; break;
		case OPT_HANDLES: cli->stacks_view = 1; break;
		case OPT_STACKS_HANDLES: cli->stacks_view = 2; break;
		case OPT_PHYS: cli->phys = optarg; break;
		case OPT_PAGE: cli->page = optarg; break;
		case OPT_REPORT: cli->report = optarg; break;
		case OPT_STRICT: cli->strict = true; break;
		case OPT_FREED: cli->freed = true; break;
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
		}
	}
	cli->files = argv + optind;
	cli->nfiles = argc - optind;
	return 0;
}

static int cmd_pages(struct po_cli *cli)
{
	struct po_walk_stats st;
	struct po_error *err = po_cli_open(cli, true);
	if (!err && cli->freed)
		err = po_report_freed(cli->prog, cli->out, &cli->opts, &st);
	else if (!err)
		err = po_report_pages(cli->prog, cli->out, &cli->opts, &st);
	if (err)
		return po_cli_fail(err);
	po_cli_warn_stats(&st, false);
	return cli->strict && st.pfns_missing ? 10 : 0;
}

static int cmd_page(struct po_cli *cli)
{
	uint64_t v = 0, pfn;
	const char *spec = NULL;
	struct po_error *err;

	if (!cli->phys && !cli->page) {
		if (cli->nfiles < 1)
			return usage_error("%s", "page: give a PFN");
		spec = cli->files[0];
		cli->files++;
		cli->nfiles--;
		if (!po_parse_u64(spec, &v))
			return usage_error("page: '%s' is not a PFN", spec);
	} else if (!po_parse_u64(cli->phys ? cli->phys : cli->page, &v)) {
		return usage_error("'%s' is not an address", cli->phys ? cli->phys : cli->page);
	}
	err = po_cli_open(cli, true);
	if (err)
		return po_cli_fail(err);
	pfn = v;
	if (cli->phys)
		pfn = po_phys_to_pfn(cli->prog, v);
	else if (cli->page && (err = po_page_to_pfn(cli->prog, v, &pfn)))
		return po_cli_fail(err);
	err = po_report_page(cli->prog, cli->out, pfn, &cli->opts);
	return err ? po_cli_fail(err) : 0;
}

static int cmd_info(struct po_cli *cli)
{
	struct po_error *err = po_cli_open(cli, false);
	if (!err)
		err = po_report_info(cli->prog, cli->out, &cli->opts);
	return err ? po_cli_fail(err) : 0;
}

static const struct {
	const char *name;
	int (*fn)(struct po_cli *cli);
} commands[] = {
	{ "pages", cmd_pages },
	{ "page", cmd_page },
	{ "info", cmd_info },
	{ "stacks", po_cmd_stacks },
	{ "top", po_cmd_top },
	{ "memcg", po_cmd_memcg },
	{ "batch", po_cmd_batch },
};

int po_cli_run_command(const char *name, struct po_cli *cli)
{
	for (size_t i = 0; i < PO_ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name) && commands[i].fn != po_cmd_batch)
			return commands[i].fn(cli);
	fprintf(stderr, "pageowner: batch: unknown report '%s'\n", name);
	return 2;
}

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
	for (size_t i = 0; i < PO_ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		ret = parse(&cli, argc - 1, argv + 1);
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
