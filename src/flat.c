/*
 * The makedumpfile "flattened" format (makedumpfile -F, kdump's ssh target,
 * QEMU's kdump-* dump-guest-memory): a 4 KiB header starting with
 * "makedumpfile", then records of { be64 offset; be64 size; data[size] },
 * ending with offset -1.  libkdumpfile 0.5.1 does not read it, so we
 * rearrange it into an unlinked temporary file (what makedumpfile -R does).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

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

static int make_tmpfile(void)
{
	const char *dir = getenv("TMPDIR");
	char tmpl[4096];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL, 0600);
	if (fd >= 0)
		return fd;
#endif
	snprintf(tmpl, sizeof(tmpl), "%s/pageowner-flat-XXXXXX", dir);
	fd = mkstemp(tmpl);
	if (fd >= 0)
		unlink(tmpl);
	return fd;
}

struct po_error *po_flat_rearrange(int fd, const char *path, int *ret_fd)
{
	struct po_error *err = NULL;
	off_t pos = FLAT_HEADER_SIZE;
	size_t bufsize = 1 << 20;
	char *buf = malloc(bufsize);
	int out;

	if (!buf)
		return &po_error_nomem;
	out = make_tmpfile();
	if (out < 0) {
		free(buf);
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
		if ((int64_t)off < 0 || (int64_t)size < 0 ||
		    size > (1ULL << 40)) {
			err = po_error_create(PO_ERR_CORRUPT,
					      "%s: corrupt flattened record at offset %lld (offset %#llx size %#llx)",
					      path, (long long)pos - 16,
					      (unsigned long long)off,
					      (unsigned long long)size);
			goto out;
		}
		while (size) {
			size_t chunk = size < bufsize ? size : bufsize;
			err = read_full(fd, buf, chunk, pos, path);
			if (err)
				goto out;
			if (pwrite(out, buf, chunk, off) != (ssize_t)chunk) {
				err = po_error_create(PO_ERR_OS,
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
		return err;
	}
	*ret_fd = out;
	return NULL;
}
