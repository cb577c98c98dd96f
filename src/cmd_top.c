/* placeholder until the top report lands */
#include "cli.h"
int po_cmd_top(struct po_cli *cli)
{
	(void)cli;
	return po_cli_fail(po_error_create(PO_ERR_UNSUPPORTED, "top: not yet implemented"));
}
