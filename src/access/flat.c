/*
 * The makedumpfile "flattened" format (makedumpfile -F, kdump's ssh target,
 * QEMU's kdump-* dump-guest-memory): a 4 KiB header starting with
 * "makedumpfile", then records of { be64 offset; be64 size; data[size] },
 * ending with offset -1.  libkdumpfile 0.5.1 does not read it, so we
 * rearrange it into an unlinked temporary file (what makedumpfile -R does),
 * noting which byte ranges the records wrote: a stream that lost a record
 * leaves a hole that would read as zeros, so dump.c checks that the dump's
 * data (bitmaps, descriptors, pages; PT_LOAD segments) is all covered.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "access/file.h"
#include "access/flat.h"

#define FLAT_HEADER_SIZE 4096
#define FLAT_SIGNATURE "makedumpfile"

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

bool po_flat_detect(int fd)
{
	uint8_t hdr[32];

	if (pread(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		return false;
	/* signature[16], be64 type (1), be64 version (1) */
	return memcmp(hdr, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE)) == 0 &&
	       be64(hdr + 16) == 1;
}

static struct po_error *read_full(int fd, void *buf, size_t len, off_t off,
				  const char *path)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = pread(fd, (char *)buf + done, len - done, off + done);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return po_error_create(PO_ERR_OS, "%s: read failed: %s",
					       path, strerror(errno));
		}
		if (r == 0)
			return po_error_create(PO_ERR_CORRUPT,
					       "%s: flattened dump is truncated at offset %lld",
					       path, (long long)(off + done));
		done += r;
	}
	return NULL;
}

/* The ranges written, merged; records come in a few sequential streams
 * (descriptors and page data), so the list stays short. */
struct po_flat_extents {
	struct { uint64_t start, end; } *v;
	size_t n, cap;
	bool overflow; /* too many to keep: coverage unknown */
};

#define MAX_EXTENTS (1u << 20)

static void extents_add(struct po_flat_extents *x, uint64_t start, uint64_t end)
{
	if (x->overflow || start == end)
		return;
	/* the most recent ranges first: a stream extends its own */
	for (size_t i = x->n; i-- > 0 && i + 64 >= x->n;) {
		if (x->v[i].end == start) {
			x->v[i].end = end;
			return;
		}
		if (x->v[i].start == end) {
			x->v[i].start = start;
			return;
		}
	}
	if (x->n == x->cap) {
		size_t ncap = x->cap ? x->cap * 2 : 64;
		void *p;
		if (ncap > MAX_EXTENTS || !(p = po_xrealloc_array(x->v, ncap, sizeof(*x->v)))) {
			x->overflow = true;
			return;
		}
		x->v = p;
		x->cap = ncap;
	}
	x->v[x->n].start = start;
	x->v[x->n].end = end;
	x->n++;
}

static int cmp_ext(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return (x[0] > y[0]) - (x[0] < y[0]);
}

bool po_flat_covered(struct po_flat_extents *x, uint64_t start, uint64_t end,
		     uint64_t *hole_start, uint64_t *hole_end)
{
	if (!x || x->overflow)
		return true;
	po_qsort(x->v, x->n, sizeof(*x->v), cmp_ext);
	uint64_t at = start;
	for (size_t i = 0; i < x->n && at < end; i++) {
		if (x->v[i].end <= at)
			continue;
		if (x->v[i].start > at)
			break;
		at = x->v[i].end;
	}
	if (at >= end)
		return true;
	*hole_start = at;
	*hole_end = end;
	for (size_t i = 0; i < x->n; i++)
		if (x->v[i].start > at && x->v[i].start < *hole_end)
			*hole_end = x->v[i].start;
	return false;
}

void po_flat_extents_free(struct po_flat_extents *x)
{
	if (x) {
		free(x->v);
		free(x);
	}
}

struct po_error *po_flat_rearrange(int fd, const char *path, int *ret_fd,
				   struct po_flat_extents **ret_ext)
{
	struct po_error *err = NULL;
	struct po_flat_extents *ext = calloc(1, sizeof(*ext));
	off_t pos = FLAT_HEADER_SIZE;
	size_t bufsize = 1 << 20;
	char *buf = malloc(bufsize);
	int out;

	if (!buf || !ext) {
		free(buf);
		free(ext);
		return &po_error_nomem;
	}
	out = po_file_tmp();
	if (out < 0) {
		free(buf);
		free(ext);
		return po_error_create(PO_ERR_OS,
				       "%s: cannot create a temporary file to rearrange the flattened dump (set TMPDIR): %s",
				       path, strerror(errno));
	}
	for (;;) {
		uint8_t rec[16];
		uint64_t off, size;

		err = read_full(fd, rec, sizeof(rec), pos, path);
		if (err)
			goto out;
		pos += 16;
		off = be64(rec);
		size = be64(rec + 8);
		if (off == UINT64_MAX)
			break;
		/* a dump is at most 2^48 bytes (256 TiB of memory, uncompressed):
		 * beyond, the record is garbage, not a file system's limit */
		if (off > (1ULL << 48) || size > (1ULL << 48) - off) {
			err = po_error_create(PO_ERR_CORRUPT,
					      "%s: corrupt flattened record at offset %lld (offset %#llx size %#llx)",
					      path, (long long)pos - 16,
					      (unsigned long long)off,
					      (unsigned long long)size);
			goto out;
		}
		extents_add(ext, off, off + size);
		while (size) {
			size_t chunk = size < bufsize ? size : bufsize;
			err = read_full(fd, buf, chunk, pos, path);
			if (err)
				goto out;
			if (pwrite(out, buf, chunk, (off_t)off) != (ssize_t)chunk) {
				err = po_error_create(errno == EFBIG ? PO_ERR_CORRUPT : PO_ERR_OS,
						      "%s: writing the rearranged dump failed: %s",
						      path, strerror(errno));
				goto out;
			}
			pos += chunk;
			off += chunk;
			size -= chunk;
		}
	}
out:
	free(buf);
	if (err) {
		close(out);
		po_flat_extents_free(ext);
		return err;
	}
	*ret_fd = out;
	*ret_ext = ext;
	return NULL;
}
