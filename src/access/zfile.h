/* Dumps compressed whole (zstd, gzip, xz): unpacked into a temporary file. */
#ifndef PO_ACCESS_ZFILE_H
#define PO_ACCESS_ZFILE_H

#include <stddef.h>
#include <stdint.h>

#include "pageowner.h"

enum po_zform { PO_Z_NONE, PO_Z_ZSTD, PO_Z_GZIP, PO_Z_XZ };

/* The compression of a file whose first n bytes are h. */
enum po_zform po_zfile_detect(const uint8_t *h, size_t n);
const char *po_zfile_name(enum po_zform z);
/* The first len bytes of the decompressed file (fewer if it is shorter). */
struct po_error *po_zfile_head(int fd, const char *path, enum po_zform form,
			       uint8_t *buf, size_t len, size_t *got);
/* The whole file, unpacked into an unlinked temporary file (*out_fd). */
struct po_error *po_zfile_unpack(int fd, const char *path, enum po_zform form,
				 int *out_fd, uint64_t *size);
#endif
