/* placeholder until the batch report lands */
#include "cli.h"
int po_cmd_batch(struct po_cli *cli)
{
	(void)cli;
	return po_cli_fail(po_error_create(PO_ERR_UNSUPPORTED, "batch: not yet implemented"));
}
