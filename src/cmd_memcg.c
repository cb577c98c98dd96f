/*
 * `pageowner memcg [--dying] [--memcg PATH] [--json] DUMP VMLINUX`: memory
 * cgroups and what pins the dying ones (report_memcg.c).  page_owner is not
 * required: without it the report counts pages from struct page alone.
 */
#include "cli.h"
#include "report_memcg.h"

int po_cmd_memcg(struct po_cli *cli)
{
	struct po_error *err = po_cli_open(cli, false);
	if (!err && !po_program_page_owner_enabled(cli->prog))
		fprintf(stderr, "pageowner: page_owner was off in the dumped kernel: counting pages from struct page only; no allocation stacks or pids\n");
	if (!err)
		err = po_report_memcg(cli->prog, cli->out, &cli->opts);
	return err ? po_cli_fail(err) : 0;
}
