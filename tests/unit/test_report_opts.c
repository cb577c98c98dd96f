/* Unit tests of report_opts.c: the report options as both front ends
 * parse them, and the messages of bad values. */
#include <stdio.h>
#include <string.h>

#include "pageowner.h"

static int failures, checks;

#define CHECK(cond) do { checks++; if (!(cond)) { failures++; \
	fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

/* NULL if opt arg was taken, else the error message (the error freed). */
static const char *set(struct po_report_opts *o, int opt, const char *arg)
{
	static char msg[256];
	struct po_error *err = po_report_opts_set(o, opt, arg);
	if (!err)
		return NULL;
	snprintf(msg, sizeof(msg), "%s", err->code == PO_ERR_USAGE ? err->message : "(not a usage error)");
	po_error_destroy(err);
	return msg;
}

int main(void)
{
	struct po_report_opts o;
	const char *m;
	uint64_t v;

	po_report_opts_init(&o);
	CHECK(o.top_n == 5 && !o.json && o.mode == 0 && o.threshold == 0);
	CHECK(!set(&o, PO_OPT_JSON, NULL) && o.json);
	CHECK(!set(&o, PO_OPT_MODE, "stack_handle") && o.mode == 2);
	CHECK(!set(&o, PO_OPT_MODE, "handle") && o.mode == 1);
	m = set(&o, PO_OPT_MODE, "handles");
	CHECK(m && !strcmp(m, "--mode: 'handles' is not stack, handle or stack_handle"));
	CHECK(!set(&o, PO_OPT_NID, "0,2") && !strcmp(o.nid_list, "0,2"));
	CHECK(!set(&o, PO_OPT_THRESHOLD, "0x10") && o.threshold == 16);
	/* 2^63 and above: kept, not wrapped negative (nothing passes it) */
	CHECK(!set(&o, PO_OPT_THRESHOLD, "9223372036854775808") && o.threshold == (1ULL << 63));
	CHECK(!set(&o, PO_OPT_THRESHOLD, "18446744073709551615") && o.threshold == UINT64_MAX);
	m = set(&o, PO_OPT_THRESHOLD, "-1");
	CHECK(m && !strcmp(m, "--threshold: '-1' is not a number"));
	m = set(&o, 't', "");
	CHECK(m && !strcmp(m, "--threshold: '' is not a number"));
	CHECK(!set(&o, 'n', "100000") && o.top_n == 100000);
	m = set(&o, PO_OPT_TOP_N, "0");
	CHECK(m && !strcmp(m, "-n: '0' is not a number from 1 to 100000"));
	m = set(&o, PO_OPT_TOP_N, "100001");
	CHECK(m && !strcmp(m, "-n: '100001' is not a number from 1 to 100000") && o.top_n == 100000);
	CHECK(!set(&o, PO_OPT_FROM_PAGES, NULL) && o.from_pages);
	CHECK(!set(&o, PO_OPT_KERNEL_ORDER, NULL) && o.kernel_order);
	CHECK(!set(&o, PO_OPT_DYING, NULL) && o.dying_only);
	CHECK(!set(&o, PO_OPT_MEMCG, "/a/b") && !strcmp(o.memcg_path, "/a/b"));
	CHECK(set(&o, 'o', "file") != NULL);
	CHECK(!set(&o, PO_OPT_FOLDED, NULL) && o.folded);
	CHECK(!set(&o, PO_OPT_OFFSETS, NULL) && o.offsets);
	CHECK(!set(&o, PO_OPT_ROOT, "memcg") && o.root == PO_FOLDED_ROOT_MEMCG);
	CHECK(!set(&o, PO_OPT_ROOT, "gfp") && o.root == PO_FOLDED_ROOT_GFP);
	m = set(&o, PO_OPT_ROOT, "none");
	CHECK(m && !strcmp(m, "--root: 'none' is not process, memcg or gfp") && o.root == PO_FOLDED_ROOT_GFP);
	CHECK(!strcmp(po_report_opt_name(PO_OPT_ROOT), "root"));

	CHECK(po_parse_u64("0x1f", &v) && v == 31);
	CHECK(po_parse_u64("010", &v) && v == 10);     /* never octal */
	CHECK(po_parse_u64("0X1F", &v) && v == 31);
	CHECK(!po_parse_u64("0x", &v) && !po_parse_u64(" 1", &v) && !po_parse_u64("+1", &v));
	CHECK(!po_parse_u64("0x10000000000000000", &v));
	CHECK(po_parse_u64("9223372036854775808", &v) && v == 9223372036854775808ULL);
	CHECK(po_parse_u64("18446744073709551615", &v) && v == UINT64_MAX);
	CHECK(!po_parse_u64("18446744073709551616", &v));
	CHECK(!po_parse_u64("12k", &v) && !po_parse_u64("", &v) && !po_parse_u64(NULL, &v));
	CHECK(!po_parse_u64("-1", &v));
	printf("%d checks, %d failures\n", checks, failures);
	return failures != 0;
}
