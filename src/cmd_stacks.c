/* placeholder until the stacks report lands */
#include "cli.h"
int po_cmd_stacks(struct po_cli *cli)
{
	(void)cli;
	return po_cli_fail(po_error_create(PO_ERR_UNSUPPORTED, "stacks: not yet implemented"));
}
