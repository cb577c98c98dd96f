/*
 * The options of struct po_report_opts on a command line, parsed alike by
 * pageowner(1) (cli.c) and the crash extension (plugins/crash), which both
 * link the library (report_opts.c).  Each puts PO_REPORT_LONG_OPTIONS in its
 * getopt_long() table, "t:n:" in its short options, and hands every one of
 * these options getopt_long() returns to po_report_opts_set().  Options that
 * are not report options (--handles, --freed, -o, ...) stay each front
 * end's own.
 */
#ifndef PO_REPORT_OPTS_H
#define PO_REPORT_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "pageowner.h"

/* What getopt_long() returns for them; front ends number their own
 * long-only options below PO_OPT_REPORT_FIRST. */
enum {
	PO_OPT_THRESHOLD = 't',   /* -t, --threshold N: stacks */
	PO_OPT_TOP_N = 'n',       /* -n N: top */
	PO_OPT_REPORT_FIRST = 0x1000,
	PO_OPT_JSON = PO_OPT_REPORT_FIRST,
	PO_OPT_MODE,              /* --mode stack|handle|stack_handle: pages */
	PO_OPT_NID,               /* --nid LIST: pages */
	PO_OPT_FROM_PAGES,        /* stacks */
	PO_OPT_KERNEL_ORDER,      /* stacks */
	PO_OPT_DYING,             /* memcg */
	PO_OPT_MEMCG,             /* --memcg PATH: memcg */
};

#define PO_REPORT_LONG_OPTIONS \
	{ "json", no_argument, NULL, PO_OPT_JSON }, \
	{ "mode", required_argument, NULL, PO_OPT_MODE }, \
	{ "nid", required_argument, NULL, PO_OPT_NID }, \
	{ "threshold", required_argument, NULL, PO_OPT_THRESHOLD }, \
	{ "from-pages", no_argument, NULL, PO_OPT_FROM_PAGES }, \
	{ "kernel-order", no_argument, NULL, PO_OPT_KERNEL_ORDER }, \
	{ "dying", no_argument, NULL, PO_OPT_DYING }, \
	{ "memcg", required_argument, NULL, PO_OPT_MEMCG }

/* The defaults (top: 5 stacks). */
void po_report_opts_init(struct po_report_opts *opts);
/* Set report option opt (as getopt_long() returned it) with its argument;
 * a bad value, or an opt that is not a report option, is a PO_ERR_USAGE
 * error whose message names the option ("-n: 'x' is not a positive number"). */
struct po_error *po_report_opts_set(struct po_report_opts *opts, int opt,
				    const char *arg);
/* A number: decimal (leading zeros too: "010" is ten) or 0x hex; no sign,
 * no blanks, at most UINT64_MAX. */
bool po_parse_u64(const char *s, uint64_t *v);

#endif
