/* The command line's own interfaces: main.c parses and dispatches; common.c
 * opens the inputs and runs a report; output.c is -o; batch.c and sort.c
 * are the commands that are not one report of the library's table. */
#ifndef PO_CLI_H
#define PO_CLI_H
#include <stdbool.h>
#include <stdio.h>
#include "pageowner.h"

/* ---- output.c: -o FILE ---- */
struct po_cli_output {
	FILE *fp;
	const char *path;   /* NULL: standard output */
	char *tmp;          /* the file beside path written until success */
};
/* Open the output (stdout when path is NULL) once the inputs are open: a
 * path that is one of the n inputs is a usage error. */
struct po_error *po_cli_output_open(struct po_cli_output *o, const char *path,
				    const char *const *inputs, size_t n, FILE **fp);
/* Flush and close it; keep: rename the temporary file over the path (else
 * it is removed and an existing file keeps its contents).  Returns ret, or
 * 3 after a write error. */
int po_cli_output_close(struct po_cli_output *o, int ret, bool keep);

struct po_cli {
	const char *command;      /* "pages", ... */
	struct po_program *prog;
	struct po_report_opts opts;
	const char *vmlinux;
	const char *output;
	const char *report;       /* batch: which report */
	const char *debug_dir;    /* batch: where vmlinux files are */
	const char *timeout;      /* batch: --timeout SECONDS */
	bool strict, help, version;
	bool btf;                 /* --btf: the dump's own BTF and kallsyms */
	char **files;
	int nfiles;
	FILE *out;                /* opened by po_cli_open() */
	struct po_cli_output outf;
};

/* ---- common.c ---- */
/* The program of the running command (for end-of-run warnings). */
extern struct po_program *po_cli_current;
int po_cli_fail(struct po_error *err);
/* Tell the dump from the vmlinux, open both (--btf: the dump only, its own
 * BTF and kallsyms), set up the kernel model, then open the output (-o) */
struct po_error *po_cli_open(struct po_cli *cli, bool need_owner);
/* The walk's warnings on stderr; totals: the report summed records. */
void po_cli_warn_stats(const struct po_walk_stats *st, bool totals);
/* Open the inputs and run report d into cli->out; the exit status. */
int po_cli_report(struct po_cli *cli, const struct po_report_desc *d);

/* ---- the other commands ---- */
int po_cmd_batch(struct po_cli *cli);
int po_cmd_sort(int argc, char **argv);
#endif
