#ifndef PO_JSON_H
#define PO_JSON_H
#include <stdio.h>
#include "pageowner.h"
void po_json_str(FILE *out, const char *s);
/* A stack as an array of {address, text, symbol, offset, size[, module]}. */
void po_json_stack(FILE *out, const struct po_stack *st);
#endif
