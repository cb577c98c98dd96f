/* Unit tests of the pieces that need no dump: kernel-style flag formatting,
 * release parsing, the flattened-format rearrangement, error values. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pageowner.h"
#include "base/util.h"
#include "kernel/kernel.h"
#include "kernel/names.h"
#include "access/debugsearch.h"
#include "access/flat.h"
#include "access/program.h"

static int failures, checks;

#define CHECK_STR(got, want) do { checks++; if (strcmp((got), (want))) { \
	failures++; fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, (got), (want)); } } while (0)
#define CHECK(cond) do { checks++; if (!(cond)) { failures++; \
	fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

static struct po_flag_name gfp_names[] = {
	{ 0x100cca, "GFP_HIGHUSER_MOVABLE" }, { 0xcc0, "GFP_KERNEL" },
	{ 0x400, "__GFP_IO" }, { 0x40000, "__GFP_COMP" }, { 0x100, "__GFP_ZERO" },
};
static struct po_flag_name page_names[] = {
	{ 1 << 0, "locked" }, { 1 << 2, "referenced" }, { 1 << 4, "uptodate" },
	{ 1 << 5, "dirty" }, { 1 << 6, "lru" },
};

static void test_flags(void)
{
	struct po_program prog;
	struct po_kernel k;
	char buf[256];

	memset(&prog, 0, sizeof(prog));
	memset(&k, 0, sizeof(k));
	prog.k = &k;
	k.names.gfp = gfp_names;
	k.names.nr_gfp = PO_ARRAY_SIZE(gfp_names);
	k.names.pageflags = page_names;
	k.names.nr_pageflags = PO_ARRAY_SIZE(page_names);
	po_format_gfp(&prog, 0x140cca, buf, sizeof(buf));
	CHECK_STR(buf, "GFP_HIGHUSER_MOVABLE|__GFP_COMP");
	po_format_gfp(&prog, 0, buf, sizeof(buf));
	CHECK_STR(buf, "");
	/* leftover bits print as hex after a '|' */
	po_format_gfp(&prog, 0xcc0 | 0x2000000, buf, sizeof(buf));
	CHECK_STR(buf, "GFP_KERNEL|0x2000000");
	po_format_gfp(&prog, 0x2000000, buf, sizeof(buf));
	CHECK_STR(buf, "0x2000000");
	/* %pGp (5.16+): hex, names, then the zone field */
	k.L.pgp_fields = true;
	k.L.pgp_hex = true;
	k.L.nr_pageflags = 22;
	k.L.pageflags_mask = (1ULL << 22) - 1;
	snprintf(k.L.pff[2].name, sizeof(k.L.pff[2].name), "zone");
	k.L.pff[2].width = 2;
	k.L.pff[2].shift = 62;
	po_format_page_flags(&prog, (1ULL << 62) | 0x54, buf, sizeof(buf));
	CHECK_STR(buf, "0x4000000000000054(referenced|uptodate|lru|zone=1)");
	po_format_page_flags(&prog, 0, buf, sizeof(buf));
	CHECK_STR(buf, "0x0(zone=0)");
	/* 5.14, 5.15: the fields without the 0x..( ) around them */
	k.L.pgp_hex = false;
	po_format_page_flags(&prog, (1ULL << 62) | 0x54, buf, sizeof(buf));
	CHECK_STR(buf, "referenced|uptodate|lru|zone=1");
	po_format_page_flags(&prog, 0, buf, sizeof(buf));
	CHECK_STR(buf, "zone=0");
	k.L.pgp_hex = true;
	k.L.pff[2].width = 0;
	po_format_page_flags(&prog, 0, buf, sizeof(buf));
	CHECK_STR(buf, "0x0()");
	/* truncation never overruns */
	po_format_page_flags(&prog, 0x75, buf, 8);
	CHECK(strlen(buf) == 7);
	/* gfp_migratetype: movable 0x08 reclaimable 0x10 */
	k.names.gfp_movable = 0x08;
	k.names.gfp_reclaimable = 0x10;
	CHECK(po_gfp_migratetype(&prog, 0x100cca) == 1);
	CHECK(po_gfp_migratetype(&prog, 0xcc0) == 0);
	CHECK(po_gfp_migratetype(&prog, 0x10) == 2);
}

static void test_release(void)
{
	CHECK(po_parse_release("6.1.0-28-amd64") == PO_KVER(6, 1));
	CHECK(po_parse_release("6.12.117") == (PO_KVER(6, 12) | 117));
	CHECK(po_parse_release("7.3.4+bpo") == (PO_KVER(7, 3) | 4));
	CHECK(po_parse_release("garbage") == 0);
	CHECK(po_parse_release(NULL) == 0);
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = v & 0xff;
}

static void test_flat(void)
{
	char path[] = "/tmp/po-flat-XXXXXX";
	int fd = mkstemp(path), out = -1;
	uint8_t hdr[4096] = "makedumpfile", rec[16];
	struct po_error *err;
	char buf[16];

	CHECK(fd >= 0);
	put_be64(hdr + 16, 1);
	put_be64(hdr + 24, 1);
	CHECK(write(fd, hdr, sizeof(hdr)) == (ssize_t)sizeof(hdr));
	put_be64(rec, 8192); put_be64(rec + 8, 5);
	CHECK(write(fd, rec, 16) == 16 && write(fd, "world", 5) == 5);
	put_be64(rec, 0); put_be64(rec + 8, 5);
	CHECK(write(fd, rec, 16) == 16 && write(fd, "hello", 5) == 5);
	put_be64(rec, UINT64_MAX); put_be64(rec + 8, 0);
	CHECK(write(fd, rec, 16) == 16);
	CHECK(po_flat_detect(fd));
	struct po_flat_extents *ext = NULL;
	uint64_t hs = 0, he = 0;
	err = po_flat_rearrange(fd, path, &out, &ext);
	CHECK(!err);
	CHECK(pread(out, buf, 5, 0) == 5 && !memcmp(buf, "hello", 5));
	CHECK(pread(out, buf, 5, 8192) == 5 && !memcmp(buf, "world", 5));
	/* what the records wrote: [0, 5) and [8192, 8197), a hole between */
	CHECK(po_flat_covered(ext, 0, 5, &hs, &he) && po_flat_covered(ext, 8192, 8197, &hs, &he));
	CHECK(!po_flat_covered(ext, 0, 8197, &hs, &he) && hs == 5 && he == 8192);
	po_flat_extents_free(ext);
	close(out);
	/* truncated: cut in the middle of a record */
	CHECK(ftruncate(fd, 4096 + 16 + 2) == 0);
	err = po_flat_rearrange(fd, path, &out, &ext);
	CHECK(err && err->code == PO_ERR_CORRUPT && strstr(err->message, path));
	po_error_destroy(err);
	close(fd);
	unlink(path);
}

static void test_errors(void)
{
	struct po_error *err = po_error_create(PO_ERR_FAULT, "reading %s at %#x", "x", 16);
	po_error_prefix(err, "section %d", 3);
	CHECK_STR(err->message, "section 3: reading x at 0x10");
	CHECK(err->code == PO_ERR_FAULT);
	po_error_destroy(err);
	po_error_destroy(&po_error_nomem);  /* static errors are never freed */
	CHECK(po_file_is_dump("/nonexistent") == false);
}

/* RFC 8259: valid UTF-8 as it is, other bytes as \u00XX (Latin-1) */
static void test_json_string(void)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },           /* "café" in UTF-8 */
		{ "caf\xe9", "\"caf\\u00e9\"" },                /* Latin-1 é: not UTF-8 */
		{ "\xe2\x82\xac 5", "\"\xe2\x82\xac 5\"" },       /* U+20AC */
		{ "\xf0\x9f\x90\xa7", "\"\xf0\x9f\x90\xa7\"" }, /* U+1F427, 4 bytes */
		{ "\xc0\xaf", "\"\\u00c0\\u00af\"" },             /* overlong '/' */
		{ "\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"" },   /* a surrogate */
		{ "\xe2\x82", "\"\\u00e2\\u0082\"" },             /* cut short */
		{ "a\"b\\c\n\x01\x7f", "\"a\\\"b\\\\c\\n\\u0001\\u007f\"" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		po_json_string(f, cases[i].in);
		fclose(f);
		CHECK_STR(buf, cases[i].out);
		free(buf);
	}
}

/* The .build-id paths of the debug info search. */
static void test_build_id_path(void)
{
	char buf[128];
	unsigned char b[8];

	CHECK(po_build_id_path("/usr/lib/debug", "5fdd49d41ff3", ".debug", buf, sizeof(buf)));
	CHECK_STR(buf, "/usr/lib/debug/.build-id/5f/dd49d41ff3.debug");
	CHECK(po_build_id_path("d", "5FDD49", "", buf, sizeof(buf)));
	CHECK_STR(buf, "d/.build-id/5f/dd49");
	CHECK(!po_build_id_path("d", "5fd", "", buf, sizeof(buf)));     /* odd */
	CHECK(!po_build_id_path("d", "5f", "", buf, sizeof(buf)));      /* 1 byte */
	CHECK(!po_build_id_path("d", "5f/../x", "", buf, sizeof(buf))); /* not hex */
	CHECK(!po_build_id_path("d", "", "", buf, sizeof(buf)));
	CHECK(!po_build_id_path("/a/long/directory", "5fdd49d41ff3", ".debug", buf, 20));
	CHECK(po_build_id_bytes("00ff10", b, sizeof(b)) == 3 && b[0] == 0 && b[1] == 0xff && b[2] == 0x10);
	CHECK(po_build_id_bytes("00112233445566778899", b, sizeof(b)) == 0); /* too long */
	CHECK(po_build_id_bytes("zz11", b, sizeof(b)) == 0);
}

int main(void)
{
	test_build_id_path();
	test_json_string();
	test_flags();
	test_release();
	test_flat();
	test_errors();
	printf("%d checks, %d failures\n", checks, failures);
	return failures != 0;
}
