/*
 * What the commands share: opening the inputs (the dump and its vmlinux,
 * told apart by content), running a report of the library's table into the
 * output, and the exit status of an error (pageowner(1) EXIT STATUS).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

static int po_exit_code(const struct po_error *err)
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

int po_cli_dump_option(struct po_cli_dump_opts *d, const char *cmd, int c, const char *arg)
{
	uint64_t v;

	switch (c) {
	case PO_CLI_O_THREADS:
		if (!po_parse_u64(arg, &v) || v == 0 || v > 1024) {
			if (cmd)
				fprintf(stderr, "pageowner %s: --threads: '%s' is not a number of threads in [1, 1024]\n"
					"Try 'pageowner %s --help'.\n", cmd, arg, cmd);
			else
				fprintf(stderr, "pageowner: --threads: '%s' is not a number of threads in [1, 1024] (see pageowner --help)\n",
					arg);
			return -1;
		}
		d->threads = (unsigned)v;
		return 1;
	case PO_CLI_O_NO_PROGRESS: d->no_progress = true; return 1;
	case PO_CLI_O_DEBUG_DIR: {
		const char **dirs = realloc(d->debug_dirs,
					    ((size_t)d->nr_debug_dirs + 1) * sizeof(*dirs));
		if (!dirs) {
			fprintf(stderr, "pageowner: out of memory\n");
			return -1;
		}
		dirs[d->nr_debug_dirs++] = arg;
		d->debug_dirs = dirs;
		return 1;
	}
	case PO_CLI_O_NO_DEFAULT_DIRS: d->no_default_dirs = true; return 1;
	case PO_CLI_O_NO_DEBUGINFOD: d->no_debuginfod = true; return 1;
	case PO_CLI_O_BTF: d->btf = true; return 1;
	case PO_CLI_O_NO_BTF: d->no_btf = true; return 1;
	default: return 0;
	}
}

void po_cli_dump_opts_release(struct po_cli_dump_opts *d)
{
	free(d->debug_dirs);
	d->debug_dirs = NULL;
	d->nr_debug_dirs = 0;
}

int po_cli_fail(struct po_error *err)
{
	int code = po_exit_code(err);
	fprintf(stderr, "pageowner: %s\n", err->message);
	po_error_destroy(err);
	return code;
}

struct po_program *po_cli_current;

/*
 * The progress line: on a terminal only, from one second into a walk, at
 * most five times a second, erased when the walk ends.  Standard error
 * carries it, so a report on standard output or in -o is untouched.
 */
static struct {
	struct timespec t0;
	double last;
	uint64_t last_total;
	bool shown;
} progress_line;

static double since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void show_progress(void *arg, uint64_t done, uint64_t total)
{
	double t;

	if (done == 0 || total != progress_line.last_total) {
		/* a new walk */
		clock_gettime(CLOCK_MONOTONIC, &progress_line.t0);
		progress_line.last = 0;
		progress_line.last_total = total;
	}
	t = since(&progress_line.t0);
	if (done >= total) {
		if (progress_line.shown)
			fputs("\r\033[K", stderr);
		progress_line.shown = false;
		progress_line.last_total = 0;
		return;
	}
	if (t < 1.0 || t - progress_line.last < 0.2 || !done)
		return;
	progress_line.last = t;
	double rate = done / t, left = (double)(total - done) / rate;
	fprintf(stderr, "\rpageowner: %.1fM of %.1fM PFNs (%u%%), %.1fM PFNs/s, %u:%02u left\033[K",
		done / 1e6, total / 1e6, (unsigned)(done * 100 / total), rate / 1e6,
		(unsigned)(left / 60), (unsigned)left % 60);
	progress_line.shown = true;
}

/* Tell the dump from the vmlinux by content, as crash does. */
struct po_error *po_cli_open(struct po_cli *cli, bool need_owner)
{
	struct po_error *err;
	const char *dump = NULL, *vmlinux = cli->vmlinux;

	if (vmlinux && (err = po_file_check(vmlinux)))
		return err;
	for (int i = 0; i < cli->nfiles; i++) {
		const char *f = cli->files[i];
		/* by type first: a FIFO is never opened, a directory never read */
		if ((err = po_file_check(f)))
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
	if (cli->dump.btf)
		vmlinux = NULL; /* skipped: the dump's own debug info */
	err = po_program_create(&cli->prog);
	if (err)
		return err;
	po_cli_current = cli->prog;
	po_program_set_threads(cli->prog, cli->dump.threads ? cli->dump.threads : po_cpus_available());
	if (!cli->dump.no_progress && isatty(2))
		po_program_set_progress(cli->prog, show_progress, NULL);
	err = po_program_open_dump(cli->prog, dump);
	if (err)
		return err;
	if (cli->dump.btf) {
		err = po_program_load_dump_debuginfo(cli->prog);
	} else {
		struct po_debug_search_opts so;
		po_debug_search_opts_init(&so);
		so.vmlinux = vmlinux;
		so.vmlinux_how = !vmlinux ? NULL : vmlinux == cli->vmlinux ? "--vmlinux" : "argument";
		so.debug_dirs = cli->dump.debug_dirs;
		so.nr_debug_dirs = (size_t)cli->dump.nr_debug_dirs;
		so.candidates = cli->candidates;
		so.nr_candidates = cli->nr_candidates;
		so.no_default_dirs = cli->dump.no_default_dirs;
		/* the tests' stand-in for / (never the machine's /usr/lib/debug) */
		so.root = getenv("PAGEOWNER_DEBUG_ROOT");
		so.no_debuginfod = cli->dump.no_debuginfod;
		so.no_btf = cli->dump.no_btf;
		err = po_program_find_debuginfo(cli->prog, &so);
	}
	if (err)
		return err;
	vmlinux = po_program_debuginfo_path(cli->prog);
	if (cli->say_vmlinux && vmlinux)
		fprintf(stderr, "vmlinux: %s\n", vmlinux);
	err = po_reports_want_types(cli->prog);
	if (!err)
		err = need_owner ? po_program_init_kernel(cli->prog) :
				   po_program_init_kernel_no_owner(cli->prog);
	if (err)
		return err;
	/* the output only now: a failed open never truncates it, and it is
	 * never one of the inputs */
	if (!cli->out) {
		const char *inputs[] = { dump, vmlinux };
		err = po_cli_output_open(&cli->outf, cli->output, inputs, vmlinux ? 2 : 1,
					 &cli->out);
	}
	return err;
}

int po_cli_report(struct po_cli *cli, const struct po_report_desc *d)
{
	struct po_walk_stats st;
	struct po_error *err;
	const char *const *operands = NULL;

	/* page's PFN comes first, before the files */
	if (d->operands && !cli->opts.phys && !cli->opts.page && cli->nfiles > 0) {
		uint64_t v;
		if (!po_parse_u64(cli->files[0], &v)) {
			fprintf(stderr, "pageowner: %s: '%s' is not a PFN (decimal, or 0x hex) (see pageowner --help)\n",
				d->name, cli->files[0]);
			return 2;
		}
		operands = (const char *const *)cli->files;
		cli->files++;
		cli->nfiles--;
	}
	err = po_cli_open(cli, false);
	if (!err)
		err = po_report_run(cli->prog, d, &cli->opts, operands, cli->out, stderr, &st);
	if (err)
		return po_cli_fail(err);
	return cli->strict && st.pfns_missing ? 10 : 0;
}

void po_cli_warn_stats(const struct po_walk_stats *st, bool totals)
{
	po_walk_stats_warn(po_cli_current, stderr, st, totals);
}
