/* placeholder until the sort report lands */
#include "cli.h"
int po_cmd_sort(int argc, char **argv)
{
	(void)argc; (void)argv;
	return po_cli_fail(po_error_create(PO_ERR_UNSUPPORTED, "sort: not yet implemented"));
}
