/* Shared by the CLI's command files. */
#ifndef PO_CLI_H
#define PO_CLI_H
#include <stdbool.h>
#include <stdio.h>
#include "pageowner.h"
#include "report_opts.h"

struct po_cli {
	struct po_program *prog;
	struct po_report_opts opts;
	const char *vmlinux;
	const char *output;
	const char *phys, *page;
	const char *report;       /* batch: which report */
	const char *debug_dir;    /* batch: where vmlinux files are */
	int stacks_view;          /* 1 --handles, 2 --stacks-handles */
	bool strict, help, version, freed;
	char **files;
	int nfiles;
	FILE *out;
};

int po_exit_code(const struct po_error *err);
/* The program of the running command (for end-of-run warnings). */
extern struct po_program *po_cli_current;
int po_cli_fail(struct po_error *err);
struct po_error *po_cli_open(struct po_cli *cli, bool need_owner);
void po_cli_warn_stats(const struct po_walk_stats *st);

/* Run a command by name (batch uses it; not batch itself). */
int po_cli_run_command(const char *name, struct po_cli *cli);

/* commands living in their own files */
int po_cmd_stacks(struct po_cli *cli);
int po_cmd_top(struct po_cli *cli);
int po_cmd_memcg(struct po_cli *cli);
int po_cmd_batch(struct po_cli *cli);
int po_cmd_sort(int argc, char **argv);
#endif
