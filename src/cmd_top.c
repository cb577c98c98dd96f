/* `pageowner top`: thin CLI wrapper of po_report_top_ex(). */
#include "cli.h"
#include "reports.h"

int po_cmd_top(struct po_cli *cli)
{
	struct po_walk_stats st;
	struct po_error *err = po_cli_open(cli, true);

	if (!err)
		err = po_report_top_ex(cli->prog, cli->out, &cli->opts, &st);
	if (err)
		return po_cli_fail(err);
	po_cli_warn_stats(&st, true);
	return cli->strict && st.pfns_missing ? 10 : 0;
}
