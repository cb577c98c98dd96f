/*
 * Dumps compressed whole, as archives store them (vmcore.zst, dump.gz,
 * vmcore.xz): unpacked through libzstd, zlib or liblzma into an unlinked
 * temporary file, which libkdumpfile then reads like the dump itself (as a
 * flattened dump is rearranged, flat.c).  Runs of zero bytes become holes,
 * so an ELF vmcore's empty memory takes no disk.
 */
#include <errno.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "access/file.h"
#include "access/zfile.h"

#define IN_SIZE (1u << 20)
#define OUT_SIZE (1u << 20)

enum po_zform po_zfile_detect(const uint8_t *h, size_t n)
{
	if (n >= 4 && !memcmp(h, "\x28\xb5\x2f\xfd", 4))
		return PO_Z_ZSTD;
	if (n >= 3 && h[0] == 0x1f && h[1] == 0x8b && h[2] == 8)
		return PO_Z_GZIP;
	if (n >= 6 && !memcmp(h, "\xfd" "7zXZ\0", 6))
		return PO_Z_XZ;
	return PO_Z_NONE;
}

const char *po_zfile_name(enum po_zform z)
{
	switch (z) {
	case PO_Z_ZSTD: return "zstd";
	case PO_Z_GZIP: return "gzip";
	case PO_Z_XZ: return "xz";
	default: return "none";
	}
}

/* One decompressor over the three libraries. */
struct zstream {
	enum po_zform form;
	ZSTD_DCtx *zstd;
	z_stream gz;
	lzma_stream xz;
	bool gz_init, xz_init, ended;
	bool between;  /* gzip: a member ended, another may follow */
	const char *path;
};

static struct po_error *zs_init(struct zstream *z, enum po_zform form, const char *path)
{
	memset(z, 0, sizeof(*z));
	z->form = form;
	z->path = path;
	switch (form) {
	case PO_Z_ZSTD:
		z->zstd = ZSTD_createDCtx();
		if (!z->zstd)
			return &po_error_nomem;
		/* zstd --long=31, what makes a dump small */
		ZSTD_DCtx_setParameter(z->zstd, ZSTD_d_windowLogMax, 31);
		return NULL;
	case PO_Z_GZIP:
		if (inflateInit2(&z->gz, 15 + 16) != Z_OK)
			return &po_error_nomem;
		z->gz_init = true;
		return NULL;
	case PO_Z_XZ: {
		lzma_stream init = LZMA_STREAM_INIT;
		z->xz = init;
		if (lzma_stream_decoder(&z->xz, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
			return &po_error_nomem;
		z->xz_init = true;
		return NULL;
	}
	default:
		return po_error_create(PO_ERR_INVALID, "%s: not compressed", path);
	}
}

static void zs_end(struct zstream *z)
{
	ZSTD_freeDCtx(z->zstd);
	if (z->gz_init)
		inflateEnd(&z->gz);
	if (z->xz_init)
		lzma_end(&z->xz);
}

/*
 * Decompress from in[*ipos..ilen) into out[*opos..olen); at_eof: no more
 * input follows.  Sets z->ended at the end of the stream.
 */
static struct po_error *zs_step(struct zstream *z, const uint8_t *in, size_t ilen,
				size_t *ipos, uint8_t *out, size_t olen, size_t *opos,
				bool at_eof)
{
	switch (z->form) {
	case PO_Z_ZSTD: {
		ZSTD_inBuffer ib = { in, ilen, *ipos };
		ZSTD_outBuffer ob = { out, olen, *opos };
		size_t r = ZSTD_decompressStream(z->zstd, &ob, &ib);
		*ipos = ib.pos;
		*opos = ob.pos;
		if (ZSTD_isError(r))
			return po_error_create(PO_ERR_CORRUPT, "%s: corrupt zstd data: %s", z->path,
					       ZSTD_getErrorName(r));
		if (r == 0 && at_eof && ib.pos == ib.size)
			z->ended = true;
		return NULL;
	}
	case PO_Z_GZIP: {
		z->gz.next_in = (Bytef *)in + *ipos;
		z->gz.avail_in = (uInt)(ilen - *ipos);
		z->gz.next_out = out + *opos;
		z->gz.avail_out = (uInt)(olen - *opos);
		int r = inflate(&z->gz, Z_NO_FLUSH);
		*ipos = ilen - z->gz.avail_in;
		*opos = olen - z->gz.avail_out;
		if (*ipos > 0)
			z->between = false;
		if (r == Z_STREAM_END) {
			/* concatenated members, as pigz and cat make */
			inflateReset(&z->gz);
			z->between = true;
			if (at_eof && *ipos == ilen)
				z->ended = true;
			return NULL;
		}
		if (r != Z_OK && r != Z_BUF_ERROR)
			return po_error_create(PO_ERR_CORRUPT, "%s: corrupt gzip data: %s", z->path,
					       z->gz.msg ? z->gz.msg : "inflate failed");
		return NULL;
	}
	case PO_Z_XZ: {
		z->xz.next_in = in + *ipos;
		z->xz.avail_in = ilen - *ipos;
		z->xz.next_out = out + *opos;
		z->xz.avail_out = olen - *opos;
		lzma_ret r = lzma_code(&z->xz, at_eof ? LZMA_FINISH : LZMA_RUN);
		*ipos = ilen - z->xz.avail_in;
		*opos = olen - z->xz.avail_out;
		if (r == LZMA_STREAM_END) {
			z->ended = true;
			return NULL;
		}
		if (r != LZMA_OK && r != LZMA_BUF_ERROR)
			return po_error_create(PO_ERR_CORRUPT, "%s: corrupt xz data (liblzma error %d)",
					       z->path, (int)r);
		return NULL;
	}
	default:
		return po_error_create(PO_ERR_INVALID, "%s: not compressed", z->path);
	}
}

/* Feed the whole file (or until sink says stop) through the decompressor. */
static struct po_error *zs_run(int fd, const char *path, enum po_zform form,
			       struct po_error *(*sink)(void *arg, const uint8_t *p, size_t n, bool *stop),
			       void *arg)
{
	struct zstream z;
	struct po_error *err;
	uint8_t *in = malloc(IN_SIZE), *out = malloc(OUT_SIZE);
	uint64_t off = 0;
	bool stop = false, eof = false;

	if (!in || !out) {
		free(in);
		free(out);
		return &po_error_nomem;
	}
	if ((err = zs_init(&z, form, path)))
		goto done;
	while (!stop && !z.ended) {
		ssize_t n = pread(fd, in, IN_SIZE, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = po_error_create(PO_ERR_OS, "%s: %s", path, strerror(errno));
			break;
		}
		off += (uint64_t)n;
		eof = n == 0 || (size_t)n < IN_SIZE;
		size_t ipos = 0;
		for (;;) {
			size_t opos = 0, before = ipos;
			err = zs_step(&z, in, (size_t)n, &ipos, out, OUT_SIZE, &opos, eof);
			if (!err && opos)
				err = sink(arg, out, opos, &stop);
			if (err || stop || z.ended)
				break;
			if (opos == 0 && (ipos == (size_t)n || ipos == before))
				break;
		}
		if (err)
			break;
		if (n == 0 && z.between)
			z.ended = true;
		if (n == 0 && !z.ended) {
			err = po_error_create(PO_ERR_CORRUPT,
					      "%s: %s-compressed dump cut short (the compressed stream ends at byte %llu before its end mark)",
					      path, po_zfile_name(form), (unsigned long long)off);
			break;
		}
	}
done:
	zs_end(&z);
	free(in);
	free(out);
	return err;
}

struct head_sink { uint8_t *buf; size_t len, got; };

static struct po_error *head_sink(void *arg, const uint8_t *p, size_t n, bool *stop)
{
	struct head_sink *h = arg;
	size_t take = n < h->len - h->got ? n : h->len - h->got;
	memcpy(h->buf + h->got, p, take);
	h->got += take;
	*stop = h->got == h->len;
	return NULL;
}

struct po_error *po_zfile_head(int fd, const char *path, enum po_zform form,
			       uint8_t *buf, size_t len, size_t *got)
{
	struct head_sink h = { buf, len, 0 };
	struct po_error *err = zs_run(fd, path, form, head_sink, &h);
	*got = h.got;
	return err;
}

struct file_sink { int fd; uint64_t size; const char *path; };

static bool all_zero(const uint8_t *p, size_t n)
{
	static const uint8_t zero[4096];
	for (size_t i = 0; i < n; i += sizeof(zero)) {
		size_t k = n - i < sizeof(zero) ? n - i : sizeof(zero);
		if (memcmp(p + i, zero, k))
			return false;
	}
	return true;
}

static struct po_error *file_sink(void *arg, const uint8_t *p, size_t n, bool *stop)
{
	struct file_sink *f = arg;

	/* 64 KiB blocks of zeros are left as holes */
	for (size_t i = 0; i < n;) {
		size_t k = n - i < 65536 ? n - i : 65536;
		if (!all_zero(p + i, k)) {
			for (size_t w = 0; w < k;) {
				ssize_t r = pwrite(f->fd, p + i + w, k - w, (off_t)(f->size + w));
				if (r < 0 && errno == EINTR)
					continue;
				if (r <= 0)
					return po_error_create(PO_ERR_OS,
							       "%s: cannot unpack into a temporary file (set TMPDIR to a file system with room): %s",
							       f->path, r < 0 ? strerror(errno) : "short write");
				w += (size_t)r;
			}
		}
		f->size += k;
		i += k;
	}
	return NULL;
}

struct po_error *po_zfile_unpack(int fd, const char *path, enum po_zform form,
				 int *out_fd, uint64_t *size)
{
	struct file_sink f = { -1, 0, path };
	struct po_error *err;

	f.fd = po_file_tmp();
	if (f.fd < 0)
		return po_error_create(PO_ERR_OS,
				       "%s: cannot create a temporary file to unpack the %s-compressed dump (set TMPDIR): %s",
				       path, po_zfile_name(form), strerror(errno));
	err = zs_run(fd, path, form, file_sink, &f);
	if (!err && ftruncate(f.fd, (off_t)f.size) < 0)
		err = po_error_create(PO_ERR_OS, "%s: cannot unpack into a temporary file: %s",
				      path, strerror(errno));
	if (err) {
		close(f.fd);
		return err;
	}
	*out_fd = f.fd;
	*size = f.size;
	return NULL;
}
