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
	po_stacks_info_notes(stderr, &info);
	if (info.source == PO_STACKS_FROM_PAGES) {
		po_cli_warn_stats(&info.walk, true);
		if (cli->strict && info.walk.pfns_missing)
			return 10;
	}
	return 0;
}
