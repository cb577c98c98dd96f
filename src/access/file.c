/*
 * Opening the files the user names: only regular files are read, and the
 * type is checked before any read, so a FIFO never blocks, a directory never
 * reads as a corrupt dump and a device is never scanned.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access/file.h"

static const char *po_file_type_name(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO (named pipe)";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISLNK(mode))
		return "a symbolic link";
	return "not a regular file";
}

static struct po_error *po_file_check_regular(const char *path, const struct stat *st)
{
	if (S_ISREG(st->st_mode))
		return NULL;
	return po_error_create(PO_ERR_OS, "%s: is %s, not a regular file", path,
			       po_file_type_name(st->st_mode));
}

struct po_error *po_file_check(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return po_error_create(PO_ERR_OS, "%s: %s", path, strerror(errno));
	return po_file_check_regular(path, &st);
}

struct po_error *po_file_open(const char *path, int *ret_fd, uint64_t *size)
{
	struct stat st;
	int fd;

	/* O_NONBLOCK: opening a FIFO for reading must not wait for a writer. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return po_error_create(PO_ERR_OS, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		return po_error_create(PO_ERR_OS, "%s: %s", path, strerror(e));
	}
	struct po_error *err = po_file_check_regular(path, &st);
	if (err) {
		close(fd);
		return err;
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	*ret_fd = fd;
	if (size)
		*size = (uint64_t)st.st_size;
	return NULL;
}

struct po_error *po_file_pread(int fd, void *buf, size_t len, uint64_t off,
			       const char *path, size_t *got)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return po_error_create(PO_ERR_OS, "%s: read at offset %llu failed: %s",
					       path, (unsigned long long)(off + done),
					       strerror(errno));
		}
		if (r == 0)
			break;
		done += (size_t)r;
	}
	if (got)
		*got = done;
	else if (done < len)
		return po_error_create(PO_ERR_CORRUPT,
				       "%s: file ends at offset %llu, inside %zu bytes wanted at offset %llu",
				       path, (unsigned long long)(off + done), len,
				       (unsigned long long)off);
	return NULL;
}

/* An unlinked temporary file in $TMPDIR (else /tmp), read-write; -1 and
 * errno on failure. */
int po_file_tmp(void)
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
	snprintf(tmpl, sizeof(tmpl), "%s/pageowner-XXXXXX", dir);
	fd = mkstemp(tmpl);
	if (fd >= 0)
		unlink(tmpl);
	return fd;
}
