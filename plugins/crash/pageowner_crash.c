/*
 * pageowner.so: the `pageowner` command for crash(8).
 *
 *   crash> extend /usr/lib/crash/extensions/pageowner.so
 *   crash> pageowner pages > /tmp/page_owner.txt
 *   crash> pageowner stacks | head
 *
 * The same library as the pageowner(1) command line decodes the records:
 * memory comes from crash's readmem(), types and symbols from the vmlinux
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
#include "po_crash_glue.h"
#include "report_memcg.h"
#include "report_opts.h"
#include "reports.h"

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
	uint64_t link, ours, theirs;

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
	err = po_program_load_vmlinux(p, vmlinux);
	/* Cross-check with crash's own symbol table (it may have found the
	 * slide itself, e.g. from the dump's KERNELOFFSET). */
	if (!err && crash_symbol("_stext", &theirs) &&
	    po_crash_link_addr(p, "_stext", &link) &&
	    po_crash_symbol_addr(p, "_stext", &ours) && ours != theirs)
		po_program_set_kaslr_offset(p, theirs - link);
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

static struct po_error *need_page_owner(void)
{
	if (po_program_page_owner_enabled(prog))
		return NULL;
	return po_error_create(PO_ERR_NO_PAGE_OWNER,
			       "page_owner was not enabled in the dumped kernel (%s): page_owner_inited is off; boot with page_owner=on",
			       po_program_release(prog)[0] ? po_program_release(prog) :
							     "unknown release");
}

/* Notes the CLI prints on stderr go to crash's error stream, never into a
 * redirected report. */
static FILE *note_fp(void)
{
	return pc->error_fp ? pc->error_fp : stderr;
}

static void warn_stats(const struct po_walk_stats *st, bool totals)
{
	po_walk_stats_warn(prog, note_fp(), st, totals);
}

/* ---- argument parsing ---- */

/* The report options (--json, -t, -n, ...) are the library's
 * (report_opts.h), as in pageowner(1); these are the others. */
enum { OPT_FREED = 256, OPT_HANDLES, OPT_STACKS_HANDLES };

static const struct option long_opts[] = {
	PO_REPORT_LONG_OPTIONS,
	{ "freed", no_argument, NULL, OPT_FREED },
	{ "handles", no_argument, NULL, OPT_HANDLES },
	{ "stacks-handles", no_argument, NULL, OPT_STACKS_HANDLES },
	{ "phys", required_argument, NULL, 'p' },
	{ "page", required_argument, NULL, 'P' },
	{ NULL, 0, NULL, 0 },
};

/* Which options each subcommand takes (as the CLI). */
static const struct subcmd {
	const char *name;
	const char *opts; /* short letters and long option names, " "-separated */
} subcmds[] = {
	{ "pages", " json mode nid freed " },
	{ "page", " json p P " },
	{ "stacks", " json t from-pages kernel-order handles stacks-handles " },
	{ "top", " json n " },
	{ "memcg", " json dying memcg " },
	{ "info", " json " },
};

struct args {
	const struct subcmd *sub;
	struct po_report_opts opts;
	int stacks_view;
	bool freed;
	const char *phys, *page;
	const char *pfn;
};

static bool takes(const struct subcmd *sub, const char *opt)
{
	char key[40];
	snprintf(key, sizeof(key), " %s ", opt);
	return strstr(sub->opts, key) != NULL;
}

static const char *opt_name(int c, int idx)
{
	static char s[2];
	if (c == 't' || c == 'n' || c == 'p' || c == 'P') {
		s[0] = (char)c;
		s[1] = '\0';
		return s;
	}
	return idx >= 0 ? long_opts[idx].name : "?";
}

/* Addresses: 0x... or crash's bare hex. */
static bool parse_addr(const char *s, uint64_t *v)
{
	char *end;
	if (po_parse_u64(s, v) && (strncmp(s, "0x", 2) == 0 || strncmp(s, "0X", 2) == 0))
		return true;
	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 16);
	return !errno && !*end;
}

/* false: a usage error was printed. */
static bool parse_args(struct args *a)
{
	int c, idx, argc = argcnt - 1;
	char **argv = args + 1;

	memset(a, 0, sizeof(*a));
	po_report_opts_init(&a->opts);
	for (size_t i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]); i++)
		if (argc >= 1 && strcmp(argv[0], subcmds[i].name) == 0)
			a->sub = &subcmds[i];
	if (!a->sub) {
		if (argc >= 1)
			error(INFO, "unknown subcommand '%s' (pages, page, stacks, top, memcg, info)\n",
			      argv[0]);
		else
			error(INFO, "give a subcommand: pages, page, stacks, top, memcg or info (see help pageowner)\n");
		return false;
	}
	optind = 0; /* full re-initialisation of getopt */
	opterr = 0;
	while (idx = -1, (c = getopt_long(argc, argv, ":t:n:p:P:", long_opts, &idx)) != -1) {
		struct po_error *err;
		if (c == '?') {
			error(INFO, "%s: unknown option '%s' (see help pageowner)\n",
			      a->sub->name, argv[optind - 1]);
			return false;
		}
		if (c == ':') {
			error(INFO, "%s: option '%s' needs a value\n", a->sub->name,
			      argv[optind - 1]);
			return false;
		}
		if (!takes(a->sub, opt_name(c, idx))) {
			error(INFO, "%s: option '%s' does not apply (see help pageowner)\n",
			      a->sub->name, argv[optind - 1]);
			return false;
		}
		switch (c) {
		case OPT_FREED: a->freed = true; break;
		case OPT_HANDLES: a->stacks_view = PO_STACKS_SHOW_HANDLES; break;
		case OPT_STACKS_HANDLES: a->stacks_view = PO_STACKS_SHOW_STACKS_HANDLES; break;
		case 'p': a->phys = optarg; break;
		case 'P': a->page = optarg; break;
		default:
			if ((err = po_report_opts_set(&a->opts, c, optarg))) {
				error(INFO, "%s\n", err->message);
				po_error_destroy(err);
				return false;
			}
		}
	}
	/* getopt_long permuted the operands to the end */
	if (strcmp(a->sub->name, "page") == 0) {
		int want = a->phys || a->page ? 0 : 1;
		if ((a->phys && a->page) || argc - optind != want) {
			error(INFO, "page: give one of PFN, -p PHYSADDR or -P PAGE\n");
			return false;
		}
		if (want)
			a->pfn = argv[optind];
	} else if (optind < argc) {
		error(INFO, "%s: unexpected argument '%s'\n", a->sub->name, argv[optind]);
		return false;
	}
	return true;
}

/* ---- subcommands ---- */

static struct po_error *run_pages(struct args *a, FILE *out)
{
	struct po_walk_stats st;
	struct po_error *err = need_page_owner();

	memset(&st, 0, sizeof(st));
	if (!err)
		err = a->freed ? po_report_freed(prog, out, &a->opts, &st) :
				 po_report_pages(prog, out, &a->opts, &st);
	if (!err)
		warn_stats(&st, false);
	return err;
}

static struct po_error *run_page(struct args *a, FILE *out)
{
	struct po_error *err = need_page_owner();
	uint64_t v, pfn;

	if (err)
		return err;
	if (a->pfn) {
		if (!po_parse_u64(a->pfn, &pfn))
			return po_error_create(PO_ERR_USAGE, "page: '%s' is not a PFN (decimal, or 0x hex)", a->pfn);
	} else if (a->phys) {
		if (!parse_addr(a->phys, &v))
			return po_error_create(PO_ERR_USAGE, "page: '%s' is not an address", a->phys);
		pfn = po_phys_to_pfn(prog, v);
	} else {
		if (!parse_addr(a->page, &v))
			return po_error_create(PO_ERR_USAGE, "page: '%s' is not an address", a->page);
		err = po_page_to_pfn(prog, v, &pfn);
		if (err)
			return err;
	}
	return po_report_page(prog, out, pfn, &a->opts);
}

static struct po_error *run_stacks(struct args *a, FILE *out)
{
	struct po_stacks_info info;
	struct po_error *err = need_page_owner();

	if (err)
		return err;
	memset(&info, 0, sizeof(info));
	err = po_report_stacks_ex(prog, out, &a->opts, a->stacks_view, &info);
	if (err)
		return err;
	po_stacks_info_notes(note_fp(), &info);
	if (info.source == PO_STACKS_FROM_PAGES)
		warn_stats(&info.walk, true);
	return NULL;
}

static struct po_error *run_top(struct args *a, FILE *out)
{
	struct po_walk_stats st;
	struct po_error *err = need_page_owner();

	memset(&st, 0, sizeof(st));
	if (!err)
		err = po_report_top_ex(prog, out, &a->opts, &st);
	if (!err)
		warn_stats(&st, true);
	return err;
}

static struct po_error *run_memcg(struct args *a, FILE *out)
{
	if (!po_program_page_owner_enabled(prog))
		fprintf(note_fp(), "pageowner: page_owner was off in the dumped kernel: counting pages from struct page only; no allocation stacks or pids\n");
	return po_report_memcg(prog, out, &a->opts);
}

static struct po_error *run_info(struct args *a, FILE *out)
{
	return po_report_info(prog, out, &a->opts);
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
	if (fwrite(buf, 1, size, dst) != size)
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
		const char *n = a.sub->name;
		if (!strcmp(n, "pages")) err = run_pages(&a, out);
		else if (!strcmp(n, "page")) err = run_page(&a, out);
		else if (!strcmp(n, "stacks")) err = run_stacks(&a, out);
		else if (!strcmp(n, "top")) err = run_top(&a, out);
		else if (!strcmp(n, "memcg")) err = run_memcg(&a, out);
		else err = run_info(&a, out);
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
	"                   [--stacks-handles] [--json]\n"
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
	"            --stacks-handles: the show_handles, show_stacks_handles views",
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
