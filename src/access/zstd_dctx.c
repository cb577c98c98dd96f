/*
 * ZSTD_decompress() with a decompression context kept per thread.
 *
 * libkdumpfile (0.5.x) decompresses each page of a zstd kdump file with
 * ZSTD_decompress(), which creates and frees a ZSTD_DCtx on every call;
 * creating one runs the CPUID instruction, which traps to the hypervisor on
 * a virtual machine.  On the 6.12 16 GiB fixture dump under KVM that was
 * 58% of `top`'s time.  This definition, in the executable (or the crash
 * extension), comes before libzstd's in the dynamic linker's search, so
 * libkdumpfile's calls reach it; it does what ZSTD_decompress() does (a
 * whole frame, no dictionary, the default parameters) with a context
 * created once per thread.  po_dump_open() refers to po_zstd_dctx_reuse so
 * that the linker takes this file from the library's archive.
 */
#include <pthread.h>
#include <stdlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "access/dump.h"

const int po_zstd_dctx_reuse = 1;

static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int key_ok;

static void free_dctx(void *p)
{
	ZSTD_freeDCtx(p);
}

static void make_key(void)
{
	key_ok = pthread_key_create(&key, free_dctx) == 0;
}

size_t ZSTD_decompress(void *dst, size_t dst_cap, const void *src, size_t src_size)
{
	ZSTD_DCtx *dctx = NULL;

	pthread_once(&once, make_key);
	if (key_ok && !(dctx = pthread_getspecific(key))) {
		if ((dctx = ZSTD_createDCtx()) && pthread_setspecific(key, dctx)) {
			ZSTD_freeDCtx(dctx);
			dctx = NULL;
		}
	}
	if (!dctx) { /* no key or no memory: one context for this call */
		size_t r;
		if (!(dctx = ZSTD_createDCtx()))
			return (size_t)-ZSTD_error_memory_allocation;
		r = ZSTD_decompressDCtx(dctx, dst, dst_cap, src, src_size);
		ZSTD_freeDCtx(dctx);
		return r;
	}
	/* as ZSTD_decompress(): a fresh session, no dictionary */
	ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
	return ZSTD_decompressDCtx(dctx, dst, dst_cap, src, src_size);
}
