/* Errors are values: struct po_error, modelled on libdrgn's drgn_error. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pageowner.h"


struct po_error po_error_nomem = { PO_ERR_NOMEM, "out of memory" };
struct po_error po_error_stop = { PO_ERR_STOP, "stopped" };

static bool is_static(struct po_error *err)
{
	return err == &po_error_nomem || err == &po_error_stop;
}

struct po_error *po_error_create(enum po_error_code code, const char *fmt, ...)
{
	struct po_error *err = malloc(sizeof(*err));
	va_list ap;

	if (!err)
		return &po_error_nomem;
	err->code = code;
	va_start(ap, fmt);
	if (vasprintf(&err->message, fmt, ap) < 0) {
		free(err);
		err = &po_error_nomem;
	}
	va_end(ap);
	return err;
}

struct po_error *po_error_prefix(struct po_error *err, const char *fmt, ...)
{
	char *prefix, *msg;
	va_list ap;

	if (!err || is_static(err))
		return err;
	va_start(ap, fmt);
	if (vasprintf(&prefix, fmt, ap) < 0) {
		va_end(ap);
		return err;
	}
	va_end(ap);
	if (asprintf(&msg, "%s: %s", prefix, err->message) >= 0) {
		free(err->message);
		err->message = msg;
	}
	free(prefix);
	return err;
}

void po_error_destroy(struct po_error *err)
{
	if (!err || is_static(err))
		return;
	free(err->message);
	free(err);
}
