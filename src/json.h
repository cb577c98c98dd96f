#ifndef PO_JSON_H
#define PO_JSON_H
#include <stdio.h>
#include "pageowner.h"
void po_json_str(FILE *out, const char *s);
/* A stack as an array of {address, text, symbol, offset, size[, module]}. */
void po_json_stack(FILE *out, const struct po_stack *st);
/* The same, or null for what is absent: a NULL string or stack, a negative
 * count (the reports keep -1 for "unknown"). */
void po_json_str_or_null(FILE *out, const char *s);
void po_json_stack_or_null(FILE *out, const struct po_stack *st);
void po_json_count_or_null(FILE *out, long long v);
#endif
