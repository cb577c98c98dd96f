#ifndef PO_JSON_H
#define PO_JSON_H
#include <stdio.h>
#include "pageowner.h"
/* JSON writing shared by the reports (po_json_string() is public). */
/* A string or null (NULL), a count or null (negative: the reports keep -1
 * for "unknown"). */
void po_json_str_or_null(FILE *out, const char *s);
void po_json_count_or_null(FILE *out, long long v);
#endif
