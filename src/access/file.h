/* Opening the files the user names (file.c): regular files only. */
#ifndef PO_ACCESS_FILE_H
#define PO_ACCESS_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include "pageowner.h"

/* Open a regular file for reading (a FIFO or device is refused before any
 * read, without blocking); *size gets its size. */
struct po_error *po_file_open(const char *path, int *fd, uint64_t *size);
/* Read len bytes at off.  With got, a short read stops there (*got bytes);
 * without, it is a PO_ERR_CORRUPT error naming the offset. */
struct po_error *po_file_pread(int fd, void *buf, size_t len, uint64_t off,
			       const char *path, size_t *got);
/* An unlinked temporary file in $TMPDIR (else /tmp), for dumps rearranged
 * or unpacked; -1 with errno on failure. */
int po_file_tmp(void);

#endif
