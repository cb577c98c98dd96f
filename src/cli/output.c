/*
 * -o FILE: opened only after the inputs are open and valid, refused when it
 * is one of them (same device and inode: the path, a link or a hard link),
 * and written to a temporary file beside it that is renamed over it only
 * when the command succeeds, so a failed run leaves an existing FILE as it
 * was.  A FILE that is not a regular file (/dev/null, a FIFO, a terminal) is
 * written directly.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

static char out_buf[1 << 16];

/* The same file (device and inode), by whatever name or link. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

struct po_error *po_cli_output_open(struct po_cli_output *o, const char *path,
				    const char *const *inputs, size_t n, FILE **fp)
{
	struct stat st;

	memset(o, 0, sizeof(*o));
	if (!path) {
		setvbuf(stdout, out_buf, _IOFBF, sizeof(out_buf));
		*fp = o->fp = stdout;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (inputs[i] && same_file(path, inputs[i]))
			return po_error_create(PO_ERR_USAGE,
					       "refusing to write the output to %s: it is the input %s",
					       path, inputs[i]);
	o->path = path;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		o->fp = fopen(path, "w");
		if (!o->fp)
			return po_error_create(PO_ERR_OS, "%s: %s", path, strerror(errno));
	} else {
		if (asprintf(&o->tmp, "%s.XXXXXX", path) < 0) {
			o->tmp = NULL;
			return &po_error_nomem;
		}
		int fd = mkstemp(o->tmp);
		if (fd < 0) {
			struct po_error *err = po_error_create(PO_ERR_OS,
				"%s: cannot create a file beside it: %s", path, strerror(errno));
			free(o->tmp);
			o->tmp = NULL;
			return err;
		}
		/* the mode a plain fopen() would give it */
		mode_t um = umask(0);
		umask(um);
		if (fchmod(fd, 0666 & ~um) != 0 || !(o->fp = fdopen(fd, "w"))) {
			struct po_error *err = po_error_create(PO_ERR_OS, "%s: %s", o->tmp,
							       strerror(errno));
			close(fd);
			unlink(o->tmp);
			free(o->tmp);
			o->tmp = NULL;
			return err;
		}
	}
	setvbuf(o->fp, out_buf, _IOFBF, sizeof(out_buf));
	*fp = o->fp;
	return NULL;
}

int po_cli_output_close(struct po_cli_output *o, int ret, bool keep)
{
	if (!o->fp)
		return ret;
	if (fflush(o->fp) != 0 || ferror(o->fp)) {
		if (ret == 0)
			fprintf(stderr, "pageowner: write error%s%s: %s\n", o->path ? " on " : "",
				o->path ? o->path : "", strerror(errno));
		if (ret == 0)
			ret = 3;
		keep = false;
	}
	if (o->fp != stdout && fclose(o->fp) != 0 && ret == 0) {
		fprintf(stderr, "pageowner: write error on %s: %s\n", o->path, strerror(errno));
		ret = 3;
		keep = false;
	}
	if (o->tmp) {
		if (keep && rename(o->tmp, o->path) != 0) {
			fprintf(stderr, "pageowner: %s: %s\n", o->path, strerror(errno));
			if (ret == 0)
				ret = 3;
			keep = false;
		}
		if (!keep)
			unlink(o->tmp);
		free(o->tmp);
	}
	memset(o, 0, sizeof(*o));
	return ret;
}
