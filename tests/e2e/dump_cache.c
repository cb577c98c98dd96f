/*
 * libkdumpfile up to 0.5.4 (bookworm: 0.5.1) hands a recently evicted page
 * another cache entry's buffer once a read of a page the file lacks has been
 * discarded: decompression then fails, writes through NULL, or a page reads
 * back with other data.  pageowner's reads never ask for a missing page
 * (src/dump.c).  This reads 1600 pages the dump has (more than libkdumpfile's
 * 1024-entry cache), one page it lacks, and the 1600 again: the missing one
 * must be an error value, every other page must read back the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pageowner.h"
#include "access/program.h"

enum { N = 1600, PS = 4096 };

static uint64_t sum(const unsigned char *p)
{
	uint64_t s = 1469598103934665603ULL;
	for (int k = 0; k < PS; k++)
		s = (s ^ p[k]) * 1099511628211ULL;
	return s;
}

int main(int argc, char **argv)
{
	static uint64_t pfn[N], sums[N];
	static unsigned char buf[PS];
	struct po_program *prog;
	struct po_error *err;
	int n = 0, bad = 0, skipped = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: dump_cache DUMP\n");
		return 2;
	}
	if ((err = po_program_create(&prog)) || (err = po_program_open_dump(prog, argv[1]))) {
		printf("FAIL: open: %s\n", err->message);
		return 1;
	}
	for (uint64_t p = 0; n < N && p < (1u << 20); p++) {
		err = po_read_phys(prog, p * PS, buf, PS);
		if (err) {
			skipped++;
			po_error_destroy(err);
			continue;
		}
		pfn[n] = p;
		sums[n++] = sum(buf);
	}
	if (n < N) {
		printf("FAIL: only %d pages readable\n", n);
		return 1;
	}
	err = po_read_phys(prog, 0x400000000ULL, buf, 8);	/* 16 GiB: not in any fixture */
	if (!err || err->code != PO_ERR_FAULT) {
		printf("FAIL: a page the dump lacks: %s\n", err ? err->message : "read succeeded");
		return 1;
	}
	printf("missing page: %s\n", err->message);
	po_error_destroy(err);
	for (int i = 0; i < n; i++) {
		err = po_read_phys(prog, pfn[i] * PS, buf, PS);
		if (err) {
			if (bad++ < 3)
				printf("FAIL: PFN %#llx again: %s\n", (unsigned long long)pfn[i], err->message);
			po_error_destroy(err);
		} else if (sum(buf) != sums[i]) {
			if (bad++ < 3)
				printf("FAIL: PFN %#llx reads back other bytes\n", (unsigned long long)pfn[i]);
		}
	}
	printf("%d pages read twice (%d missing pages skipped on the way): %d differ\n", n, skipped, bad);
	po_program_destroy(prog);
	return bad ? 1 : 0;
}
