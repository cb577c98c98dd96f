/* placeholder until the memcg report lands */
#include "cli.h"
int po_cmd_memcg(struct po_cli *cli)
{
	(void)cli;
	return po_cli_fail(po_error_create(PO_ERR_UNSUPPORTED, "memcg: not yet implemented"));
}
