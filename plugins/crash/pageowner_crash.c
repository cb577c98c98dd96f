/*
 * pageowner.so: the `pageowner` command for crash(8).
 *
 *   crash> extend /usr/lib/crash/extensions/pageowner.so
 *   crash> pageowner pages > /tmp/page_owner.txt
 *   crash> pageowner stacks | head
 *
 * The same library as the pageowner(1) command line decodes the records and
 * runs the reports (po_report_run(): the same table of reports and options,
 * the same notes): memory comes from crash's readmem(), types and symbols
 * from the vmlinux
 * crash was started with (its DWARF, read by libdw), the KASLR offset and
 * release from crash's kernel table.  Reports go to crash's fp, so crash's
 * pipes and redirections work.  Nothing here calls exit() or longjmps out of
 * the library: errors are one line through error(INFO, ...), and while a
 * report runs, SIGINT and SIGPIPE only set a flag the library's walks poll
 * (crash's own handler would longjmp out of the walk and leave its caches
 * half-built).  See pageowner-crash(7).
 */
#include "defs.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pageowner.h"

static void cmd_pageowner(void);
static char *help_pageowner[];

static struct command_table_entry command_table[] = {
	{ "pageowner", cmd_pageowner, help_pageowner, 0 },
	{ NULL, NULL, NULL, 0 },
};

/* The program is built on first use and kept for the whole session. */
static struct po_program *prog;
/* Set-up failed: the one-line reason, repeated by every later command. */
static char *setup_failure;

static void __attribute__((constructor)) pageowner_init(void)
{
	register_extension(command_table);
}

static void __attribute__((destructor)) pageowner_fini(void)
{
	po_program_destroy(prog);
	prog = NULL;
	free(setup_failure);
	setup_failure = NULL;
}

/* ---- memory: crash's readmem() ---- */

static struct po_error *crash_read(void *arg, enum po_addrspace as,
				   uint64_t addr, void *buf, size_t len)
{
	(void)arg;
	if (len == 0)
		return NULL;
	if (!readmem((ulonglong)addr, as == PO_PADDR ? PHYSADDR : KVADDR, buf,
		     (long)len, "pageowner", RETURN_ON_ERROR | QUIET))
		return po_error_create(PO_ERR_FAULT,
				       "%s address %#llx (%zu bytes) is not in the dump",
				       as == PO_PADDR ? "physical" : "kernel virtual",
				       (unsigned long long)addr, len);
	return NULL;
}

static const struct po_memory_ops crash_memory_ops = {
	.read = crash_read,
	.destroy = NULL,
};

/* ---- interrupts ---- */

static volatile sig_atomic_t got_sigint, got_sigpipe;
static FILE *out_stream; /* the report stream of the running command */

static void flag_signal(int sig)
{
	if (sig == SIGINT)
		got_sigint = 1;
	else
		got_sigpipe = 1;
}

static bool crash_interrupted(void *arg)
{
	(void)arg;
	/* received_SIGINT() clears crash's own flag if it was set. */
	if (received_SIGINT())
		got_sigint = 1;
	return got_sigint || got_sigpipe || ferror(fp) ||
	       (out_stream && ferror(out_stream));
}

struct sig_save {
	struct sigaction intr, pipe;
};

static void catch_signals(struct sig_save *save)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = flag_signal;
	sigemptyset(&sa.sa_mask);
	got_sigint = got_sigpipe = 0;
	sigaction(SIGINT, &sa, &save->intr);
	sigaction(SIGPIPE, &sa, &save->pipe);
}

static void restore_signals(struct sig_save *save)
{
	sigaction(SIGINT, &save->intr, NULL);
	sigaction(SIGPIPE, &save->pipe, NULL);
}

/* ---- the program ---- */

static void report_error(struct po_error *err)
{
	/* After ^C or a closed pipe, the error the report stopped with (an
	 * interrupted walk, a write error) is only the consequence. */
	if (got_sigint)
		fprintf(pc->error_fp ? pc->error_fp : stderr,
			"pageowner: interrupted\n");
	else if (!got_sigpipe && err->code != PO_ERR_INTERRUPTED)
		error(INFO, "%s\n", err->message);
	po_error_destroy(err);
}

/* The runtime address crash gives a symbol, if it knows it. */
static bool crash_symbol(const char *name, uint64_t *addr)
{
	if (!symbol_exists((char *)name))
		return false;
	*addr = symbol_value((char *)name);
	return true;
}

/* The dump's VMCOREINFO, as crash read it (a malloc()ed value). */
static char *crash_vmcoreinfo(void *arg, const char *key)
{
	return pc->read_vmcoreinfo(key);
}

static struct po_error *setup(void)
{
	struct po_program *p;
	struct po_error *err;
	const char *vmlinux;
	uint64_t ours, theirs;

	if (prog)
		return NULL;
	if (setup_failure)
		return po_error_create(PO_ERR_INVALID, "%s", setup_failure);
	vmlinux = pc->namelist_debug ? pc->namelist_debug : pc->namelist;
	if (!vmlinux)
		return po_error_create(PO_ERR_USAGE, "crash has no vmlinux (namelist)");
	err = po_program_create(&p);
	if (err)
		return err;
	po_program_set_memory(p, &crash_memory_ops, NULL);
	po_program_set_release(p, kt->utsname.release);
	if (pc->read_vmcoreinfo)
		po_program_set_vmcoreinfo_reader(p, crash_vmcoreinfo, NULL);
	/*
	 * crash keeps the KASLR slide negated: a symbol's runtime address is
	 * its link address minus kt->relocate (symbols.c: relocate()).
	 */
	po_program_set_kaslr_offset(p, (uint64_t)0 - (uint64_t)kt->relocate);
	po_program_set_interrupt(p, crash_interrupted, NULL);
	/* the library's search with the file crash has: only it is tried */
	struct po_debug_search_opts so;
	po_debug_search_opts_init(&so);
	so.vmlinux = vmlinux;
	so.vmlinux_how = pc->namelist_debug ? "crash's debuginfo file" : "crash's namelist";
	err = po_program_find_debuginfo(p, &so);
	/* Cross-check with crash's own symbol table (it may have found the
	 * slide itself, e.g. from the dump's KERNELOFFSET). */
	if (!err && crash_symbol("_stext", &theirs) &&
	    po_program_symbol_address(p, "_stext", &ours) && ours != theirs)
		po_program_set_kaslr_offset(p, po_program_kaslr_offset(p) + (theirs - ours));
	if (!err)
		err = po_reports_want_types(p);
	if (!err)
		err = po_program_init_kernel_no_owner(p);
	if (err) {
		setup_failure = strdup(err->message);
		po_program_destroy(p);
		return err;
	}
	prog = p;
	return NULL;
}

/* Notes the CLI prints on stderr go to crash's error stream, never into a
 * redirected report. */
static FILE *note_fp(void)
{
	return pc->error_fp ? pc->error_fp : stderr;
}

/* ---- arguments: the library's reports and options, as pageowner(1) ---- */

static const struct option long_opts[] = {
	PO_REPORT_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

struct args {
	const struct po_report_desc *report;
	struct po_report_opts opts;
	const char *operand;     /* page's PFN */
};

/* "pages, page, stacks, top, memcg, info" */
static const char *report_names(void)
{
	static char names[256];
	size_t n, len = 0;
	const struct po_report_desc *d = po_reports(&n);

	for (size_t i = 0; i < n && len < sizeof(names); i++)
		len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
					i ? ", " : "", d[i].name);
	return names;
}

/* false: a usage error was printed. */
static bool parse_args(struct args *a)
{
	int c, argc = argcnt - 1;
	char **argv = args + 1;

	memset(a, 0, sizeof(*a));
	po_report_opts_init(&a->opts);
	if (argc >= 1)
		a->report = po_report_lookup(argv[0]);
	if (!a->report) {
		if (argc >= 1)
			error(INFO, "unknown subcommand '%s' (%s)\n", argv[0], report_names());
		else
			error(INFO, "give a subcommand: %s (see help pageowner)\n", report_names());
		return false;
	}
	optind = 0; /* full re-initialisation of getopt */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":" PO_REPORT_SHORT_OPTIONS, long_opts, NULL)) != -1) {
		struct po_error *err;
		if (c == '?') {
			error(INFO, "%s: unknown option '%s' (see help pageowner)\n",
			      a->report->name, argv[optind - 1]);
			return false;
		}
		if (c == ':') {
			error(INFO, "%s: option '%s' needs a value\n", a->report->name,
			      argv[optind - 1]);
			return false;
		}
		if (!po_report_takes(a->report, c)) {
			error(INFO, "%s: option '%s' does not apply (see help pageowner)\n",
			      a->report->name, argv[optind - 1]);
			return false;
		}
		if ((err = po_report_opts_set(&a->opts, c, optarg))) {
			error(INFO, "%s\n", err->message);
			po_error_destroy(err);
			return false;
		}
	}
	/* getopt_long permuted the operands to the end */
	if (optind < argc && a->report->operands && !a->opts.phys && !a->opts.page)
		a->operand = argv[optind++];
	if (optind < argc) {
		error(INFO, "%s: unexpected argument '%s'\n", a->report->name, argv[optind]);
		return false;
	}
	return true;
}

/*
 * crash makes redirection files and pipes unbuffered (cmdline.c: setbuf(ofile,
 * NULL)): the reports' many small writes would each be a system call (a
 * JSON pages report took a minute).  They write to a buffered stream whose
 * buffer goes to fp in 64 KiB fwrite()s.
 */
static ssize_t out_write(void *cookie, const char *buf, size_t size)
{
	FILE *dst = cookie;
	/* After ^C (or a closed pipe) the output stops at once, even where the
	 * library polls for interrupts only between large steps. */
	if (got_sigint || got_sigpipe) {
		errno = EINTR;
		return -1;
	}
	/* and on to crash's stream at once: a note written after a flush of
	 * the report must come after it on the terminal too */
	if (fwrite(buf, 1, size, dst) != size || fflush(dst) != 0)
		return -1;
	return (ssize_t)size;
}

static FILE *open_out(void)
{
	cookie_io_functions_t io = { .write = out_write };
	FILE *out = fopencookie(fp, "w", io);

	if (!out)
		return fp;
	setvbuf(out, NULL, _IOFBF, 1 << 16);
	return out;
}

static void cmd_pageowner(void)
{
	struct sig_save save;
	struct po_error *err;
	struct args a;
	FILE *out;

	if (!parse_args(&a))
		return;
	catch_signals(&save);
	out = out_stream = open_out();
	err = setup();
	if (!err) {
		const char *operands[] = { a.operand, NULL };
		/* notes go to crash's error stream once the report is flushed */
		err = po_report_run(prog, a.report, &a.opts, a.operand ? operands : NULL,
				    out, note_fp(), NULL);
	}
	if (out != fp)
		fclose(out);
	out_stream = NULL;
	fflush(fp);
	if (err)
		report_error(err);
	else if (got_sigint)
		fprintf(note_fp(), "pageowner: interrupted\n");
	restore_signals(&save);
}

static char *help_pageowner[] = {
	"pageowner",
	"who allocated the memory: the kernel's page_owner records",
	"pages [--mode stack|handle|stack_handle] [--nid LIST] [--freed] [--json]\n"
	"  pageowner page PFN | -p PHYSADDR | -P PAGE [--json]\n"
	"  pageowner stacks [-t N] [--from-pages] [--kernel-order] [--handles]\n"
	"                   [--stacks-handles] [--folded [--offsets]\n"
	"                   [--root process|memcg|gfp]] [--json]\n"
	"  pageowner top [-n N] [--json]\n"
	"  pageowner memcg [--dying] [--memcg PATH] [--json]\n"
	"  pageowner info [--json]",
	"  Decodes the page_owner records (mm/page_owner.c) of the dumped kernel,",
	"  with the decoder of pageowner(1): the output is the same as that",
	"  command's for the same dump.  The dumped kernel must have been booted",
	"  with page_owner=on (memcg and info work without it).",
	"",
	"    pages   every allocated page, as /sys/kernel/debug/page_owner prints it;",
	"            --mode as the 7.3 kernel's print_mode; --nid as its node",
	"            filter; --freed: freed pages that still carry page_owner data",
	"    page    one page in the kernel's bad-page report form, with its free",
	"            stack.  PFN is decimal or 0x hex; -p takes a physical address,",
	"            -P the address of a struct page (hex, 0x optional)",
	"    stacks  per-stack totals as page_owner_stacks/show_stacks prints them",
	"            (the kernel's stack_list on 6.9+, else summed from the pages);",
	"            -t: only stacks with at least N base pages; --handles and",
	"            --stacks-handles: the show_handles, show_stacks_handles views;",
	"            --folded: one line per stack for flame graph tools",
	"            (\"caller;...;allocator pages\"), --root: a first frame per",
	"            process, memcg or gfp mask",
	"    top     the greatest consumers by stack (-n N, default 5), processes,",
	"            gfp masks, migratetypes and the panic reason",
	"    memcg   memory cgroups and the pages that pin dying ones (--dying:",
	"            dying ones only; --memcg PATH: one cgroup)",
	"    info    kernel release, layouts found, record counts",
	"",
	"  --json prints JSON (JSON Lines for pages).  Output goes where crash's",
	"  output goes: use crash's \"| cmd\" and \"> file\".  CTRL-C stops a report.",
	"  The first command reads the vmlinux's DWARF (a few seconds); later",
	"  commands reuse it.",
	"\nEXAMPLE",
	"  Save the page_owner text of the dump and count the allocations:\n",
	"    %s> pageowner pages > /tmp/page_owner.txt",
	"    %s> pageowner stacks -t 1000",
	"    %s> pageowner page 0x1234f",
	"    %s> pageowner page -P ffffea000048d3c0",
	"    %s> pageowner top -n 3",
	NULL
};
