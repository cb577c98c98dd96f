/* The makedumpfile flattened format (flat.c). */
#ifndef PO_ACCESS_FLAT_H
#define PO_ACCESS_FLAT_H

#include <stdbool.h>
#include <stdint.h>
#include "pageowner.h"

bool po_flat_detect(int fd);
/* Rearrange a flattened file into an unlinked temporary file; returns its fd
 * and the byte ranges its records wrote. */
struct po_flat_extents;
struct po_error *po_flat_rearrange(int fd, const char *path, int *ret_fd,
				   struct po_flat_extents **ext);
/* Did the records write all of [start, end)?  Else the first hole. */
bool po_flat_covered(struct po_flat_extents *ext, uint64_t start, uint64_t end,
		     uint64_t *hole_start, uint64_t *hole_end);
void po_flat_extents_free(struct po_flat_extents *ext);

#endif
