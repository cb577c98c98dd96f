/*
 * Finding the debug info of the dump's kernel (debugsearch.c); the search
 * itself is public (po_program_find_debuginfo() in pageowner.h).  What is
 * here is its pieces, for the unit tests.
 */
#ifndef PO_ACCESS_DEBUGSEARCH_H
#define PO_ACCESS_DEBUGSEARCH_H

#include <stddef.h>
#include "pageowner.h"

/* The .build-id path of a build id under dir: "DIR/.build-id/NN/REST"
 * followed by suffix (".debug" or "").  False if the build id is not
 * lowercase-able hex of at least 2 bytes or buf is too small. */
bool po_build_id_path(const char *dir, const char *build_id, const char *suffix,
		      char *buf, size_t len);
/* A hex build id as bytes; the number of bytes, 0 if it is not hex. */
size_t po_build_id_bytes(const char *hex, unsigned char *buf, size_t len);

#endif
