/* `pageowner stacks`: thin CLI wrapper of po_report_stacks_ex(). */
#include <stdio.h>

#include "cli.h"
#include "reports.h"

int po_cmd_stacks(struct po_cli *cli)
{
	struct po_stacks_info info;
	struct po_error *err = po_cli_open(cli, true);

	if (!err)
		err = po_report_stacks_ex(cli->prog, cli->out, &cli->opts,
					  cli->stacks_view, &info);
	if (err)
		return po_cli_fail(err);
	if (info.source == PO_STACKS_FROM_STACK_LIST)
		fprintf(stderr, "pageowner: %llu stacks from the kernel's stack_list, %llu printed, %llu pages\n",
			(unsigned long long)info.nr_stacks,
			(unsigned long long)info.nr_printed,
			(unsigned long long)info.total_pages);
	else
		fprintf(stderr, "pageowner: %s%llu stacks summed from the per-page records, %llu printed, %llu pages\n",
			info.fallback ? "this kernel has no stack_list (page_owner_stacks came in 6.9): " : "",
			(unsigned long long)info.nr_stacks,
			(unsigned long long)info.nr_printed,
			(unsigned long long)info.total_pages);
	if (info.truncated)
		fprintf(stderr, "pageowner: warning: %s\n", info.note);
	if (info.bad_stacks)
		fprintf(stderr, "pageowner: warning: %llu stacks could not be read from the stackdepot\n",
			(unsigned long long)info.bad_stacks);
	if (info.source == PO_STACKS_FROM_PAGES) {
		po_cli_warn_stats(&info.walk);
		if (cli->strict && info.walk.pfns_missing)
			return 10;
	}
	return 0;
}
