/* The command line's own interfaces: main.c parses and dispatches; common.c
 * opens the inputs and runs a report; output.c is -o; batch.c, sort.c,
 * flamegraph.c and diff.c are the commands that are not one report of the
 * library's table (input.c reads the inputs of the last two). */
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

/* ---- common.c: the options of every command that opens a dump ---- */
struct po_cli_dump_opts {
	unsigned threads;         /* --threads N (0: the CPUs available) */
	bool no_progress;         /* --no-progress */
	const char **debug_dirs;  /* --debug-dir DIR, in order (repeatable) */
	int nr_debug_dirs;
	bool no_default_dirs;     /* --no-default-dirs */
	bool no_debuginfod;       /* --no-debuginfod */
	bool btf;                 /* --btf: the dump's own BTF and kallsyms */
	bool no_btf;              /* --no-btf: not them, even as the last step */
};
/* Their getopt_long() values (above any command's own, below the library's
 * PO_OPT_REPORT_FIRST) and entries, for a
 * command's table; --vmlinux is each command's own (diff and flamegraph
 * take one per side). */
enum {
	PO_CLI_O_THREADS = 0x800, PO_CLI_O_NO_PROGRESS, PO_CLI_O_DEBUG_DIR,
	PO_CLI_O_NO_DEFAULT_DIRS, PO_CLI_O_NO_DEBUGINFOD, PO_CLI_O_BTF, PO_CLI_O_NO_BTF,
};
#define PO_CLI_DUMP_LONG_OPTIONS \
	{ "threads", required_argument, NULL, PO_CLI_O_THREADS }, \
	{ "no-progress", no_argument, NULL, PO_CLI_O_NO_PROGRESS }, \
	{ "debug-dir", required_argument, NULL, PO_CLI_O_DEBUG_DIR }, \
	{ "no-default-dirs", no_argument, NULL, PO_CLI_O_NO_DEFAULT_DIRS }, \
	{ "no-debuginfod", no_argument, NULL, PO_CLI_O_NO_DEBUGINFOD }, \
	{ "btf", no_argument, NULL, PO_CLI_O_BTF }, \
	{ "no-btf", no_argument, NULL, PO_CLI_O_NO_BTF }
/* Option c with its argument: set in d and 1 if it is one of them; 0 if it
 * is not; -1 after a usage error on stderr ("pageowner CMD: --threads: ...";
 * cmd NULL: the main command line's), or out of memory. */
int po_cli_dump_option(struct po_cli_dump_opts *d, const char *cmd, int c, const char *arg);
void po_cli_dump_opts_release(struct po_cli_dump_opts *d);

struct po_cli {
	const char *command;      /* "pages", ... */
	struct po_program *prog;
	struct po_report_opts opts;
	const char *vmlinux;
	const char *output;
	const char *report;       /* batch: which report */
	struct po_cli_dump_opts dump; /* how the dump is opened */
	/* batch: the vmlinux files it found and read, searched after the
	 * debug dirs; and its child says "vmlinux: PATH" on stderr first */
	const struct po_debug_candidate *candidates;
	size_t nr_candidates;
	bool say_vmlinux;
	const char *timeout;      /* batch: --timeout SECONDS */
	const char *jobs;         /* batch: -j, --jobs N */
	const char *max_memory;   /* batch: --max-memory SIZE */
	const char *shard;        /* batch: --shard K/N */
	bool ordered;             /* batch: --ordered */
	bool summary;             /* batch: --summary */
	bool merge;               /* batch: --merge FILE... */
	bool strict, help, version;
	char **files;
	int nfiles;
	FILE *out;                /* opened by po_cli_open() */
	struct po_cli_output outf;
};

/* ---- common.c ---- */
/* The program of the running command (for end-of-run warnings). */
extern struct po_program *po_cli_current;
int po_cli_fail(struct po_error *err);
/* Tell the dump from the vmlinux, open the dump, find its debug info (the
 * vmlinux given, else the library's search: po_program_find_debuginfo(),
 * whose last step is the dump's own BTF and kallsyms; --btf: only those),
 * set up the kernel model, then open the output (-o) */
struct po_error *po_cli_open(struct po_cli *cli, bool need_owner);
/* The walk's warnings on stderr; totals: the report summed records. */
void po_cli_warn_stats(const struct po_walk_stats *st, bool totals);
/* Open the inputs and run report d into cli->out; the exit status. */
int po_cli_report(struct po_cli *cli, const struct po_report_desc *d);

/* ---- jsonread.c: reading back pageowner's JSON (batch --merge) ---- */
enum po_jv_type { PO_JV_NULL, PO_JV_BOOL, PO_JV_NUMBER, PO_JV_STRING, PO_JV_ARRAY,
		  PO_JV_OBJECT };
struct po_jv {
	enum po_jv_type type;
	double num;               /* a number; a bool: 0 or 1 */
	char *str;
	struct po_jv **items;     /* array elements, object values */
	char **keys;              /* object keys */
	size_t n;
};
/* Parse one JSON text; NULL if it is not valid JSON (or out of memory). */
struct po_jv *po_jv_parse(const char *s, size_t len);
void po_jv_free(struct po_jv *v);
const struct po_jv *po_jv_get(const struct po_jv *obj, const char *key);
const char *po_jv_str(const struct po_jv *v);   /* NULL if not a string */
double po_jv_num(const struct po_jv *v);        /* 0 if not a number */

/* ---- batch_summary.c: which failures are the same (batch --summary) ---- */
struct po_summary;
struct po_summary *po_summary_new(void);
void po_summary_free(struct po_summary *s);
/* One dump's result: its top report (JSON, NULL if none) or its failure. */
void po_summary_add(struct po_summary *s, const char *dump, const char *status,
		    int exit_code, const char *message, const struct po_jv *top);
void po_summary_print(struct po_summary *s, FILE *out, bool json);

/* ---- input.c: the inputs of flamegraph and diff ---- */
/* Each a dump with its vmlinux, or a text (debugfs page_owner, show_stacks,
 * folded; "-" is standard input), told apart by content as po_cli_open()
 * does. */
struct po_input {
	const char *file;     /* the dump or the text */
	const char *vmlinux;  /* a dump's vmlinux */
	bool dump;
	char found[4096];     /* the debug info po_input_load() used ("": none) */
};
/*
 * Split the file arguments into at most max inputs, in order: a dump or a
 * text starts an input, a vmlinux goes with the dump before it (or, given
 * first, the dump after it).  side_vmlinux[i] (may be NULL) names input
 * i's vmlinux explicitly, any_vmlinux every dump's that has none; a dump
 * still without one takes the only vmlinux given, if only one was, else
 * none: its debug info is searched for (po_cli_open()).
 * Returns a PO_ERR_USAGE or PO_ERR_OS error, or NULL with *n inputs.
 */
struct po_error *po_inputs_split(char **files, int nfiles, const char *any_vmlinux,
				 const char *const *side_vmlinux, struct po_input *in,
				 int max, int *n);
/* The files of n inputs that -o must not name (not "-"), the debug info
 * found for them too: at most 3 n into paths; their number. */
size_t po_input_paths(const struct po_input *in, int n, const char **paths);
/* Read an input into n sets (every set described).  A dump is opened with
 * po_cli_open() and the options of opts as the other commands open theirs, and the walk's warnings go to stderr as theirs do.  *missing:
 * PFNs that could not be decoded (--strict). */
struct po_error *po_input_load(struct po_input *in, const struct po_cli_dump_opts *opts,
			       struct po_folded *const *sets, size_t n, uint64_t *missing);

/* ---- the other commands ---- */
int po_cmd_batch(struct po_cli *cli);
int po_cmd_batch_merge(struct po_cli *cli);
int po_cmd_sort(int argc, char **argv);
int po_cmd_flamegraph(int argc, char **argv);  /* flamegraph.c */
int po_cmd_diff(int argc, char **argv);        /* diff.c */
#endif
