/*
 * stacks_robust: the stack_list walk of `pageowner stacks` against a
 * corrupted list.  A real 6.9+ dump is read through a memory backend that
 * rewrites one word: a struct stack's next pointer made to loop back, to
 * point at garbage, or a stack_record pointer made garbage.  The report must
 * finish (no hang, no crash, an error value or a warning), say what happened,
 * and keep what it read before the damage.
 * Usage: stacks_robust DUMP VMLINUX   (compiled and run by stacks_robust.sh)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pageowner.h"
#include "e2e.h"
#include "access/debuginfo.h"
#include "access/program.h"

static const struct po_memory_ops *inner_ops;
static void *inner_arg;
static uint64_t patch_addr, patch_val;

static struct po_error *rd(void *arg, enum po_addrspace as, uint64_t addr,
			   void *buf, size_t len)
{
	struct po_error *err = inner_ops->read(inner_arg, as, addr, buf, len);
	if (!err && as == PO_KVADDR && patch_addr && addr <= patch_addr &&
	    patch_addr + 8 <= addr + len)
		memcpy((char *)buf + (patch_addr - addr), &patch_val, 8);
	return err;
}

static void destroy(void *arg)
{
	if (inner_ops->destroy)
		inner_ops->destroy(inner_arg);
}

static const struct po_memory_ops ops = { .read = rd, .destroy = destroy };


static struct po_error *run(struct po_program *prog, struct po_stacks_info *info,
			    size_t *out_len)
{
	struct po_report_opts opts;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct po_error *err;

	memset(&opts, 0, sizeof(opts));
	opts.kernel_order = true;
	opts.view = PO_STACKS_SHOW_STACKS_HANDLES;
	err = po_report_stacks(prog, f, &opts, info);
	fclose(f);
	free(buf);
	*out_len = len;
	return err;
}

int main(int argc, char **argv)
{
	struct po_program *prog;
	struct po_error *err;
	struct po_stacks_info info;
	uint64_t list, n0, n1, n2;
	size_t len, off_next, off_sr;

	if (argc != 3) {
		fprintf(stderr, "usage: stacks_robust DUMP VMLINUX\n");
		return 2;
	}
	if (!(prog = e2e_open(argv[1], argv[2])))
		return 1;
	if (!po_have_stack_list(prog)) {
		printf("SKIP: no stack_list in this kernel\n");
		po_program_destroy(prog);
		return 77;
	}
	inner_ops = prog->mem_ops;
	inner_arg = prog->mem_arg;
	prog->mem_ops = &ops;
	off_next = po_offsetof(prog, "struct stack", "next");
	off_sr = po_offsetof(prog, "struct stack", "stack_record");

	/* intact */
	err = run(prog, &info, &len);
	CHECK(!err && !info.truncated && info.nr_stacks > 10,
	      "intact list: err %s, truncated %d, %llu stacks", err ? err->message : "-",
	      info.truncated, (unsigned long long)info.nr_stacks);
	uint64_t intact = info.nr_stacks;
	printf("intact: %llu stacks, %zu bytes\n", (unsigned long long)intact, len);

	po_symbol_addr(prog, "stack_list", &list);
	po_read_u64(prog, list, &n0);
	po_read_u64(prog, n0 + off_next, &n1);
	po_read_u64(prog, n1 + off_next, &n2);

	/* a loop: the third node points back to the first */
	patch_addr = n2 + off_next;
	patch_val = n0;
	err = run(prog, &info, &len);
	/* an incomplete list: counted from the per-page records instead */
	CHECK(!err && info.truncated && info.list_incomplete &&
	      info.source == PO_STACKS_FROM_PAGES && strstr(info.note, "loops back") &&
	      info.nr_stacks > 10,
	      "loop: err %s, truncated %d, from pages %d, %llu stacks, note '%s'",
	      err ? err->message : "-", info.truncated, info.list_incomplete,
	      (unsigned long long)info.nr_stacks, info.note);
	printf("loop: %s (%llu stacks from the pages)\n", info.note, (unsigned long long)info.nr_stacks);
	po_error_destroy(err);

	/* garbage next pointer (non-canonical: not in any dump) */
	patch_val = 0xdead4ead00000000ULL;
	err = run(prog, &info, &len);
	CHECK(!err && info.truncated && info.list_incomplete &&
	      info.source == PO_STACKS_FROM_PAGES && strstr(info.note, "unreadable") &&
	      info.nr_stacks > 10,
	      "garbage next: err %s, truncated %d, %llu stacks, note '%s'",
	      err ? err->message : "-", info.truncated,
	      (unsigned long long)info.nr_stacks, info.note);
	printf("garbage next: %s\n", info.note);
	po_error_destroy(err);

	/* garbage stack_record pointer of the second node: skipped, counted */
	patch_addr = n1 + off_sr;
	patch_val = 0xdead4ead00000000ULL;
	err = run(prog, &info, &len);
	CHECK(!err && !info.truncated && info.bad_stacks == 1 && info.nr_stacks == intact - 1,
	      "garbage record: err %s, bad %llu, %llu stacks (intact %llu)",
	      err ? err->message : "-", (unsigned long long)info.bad_stacks,
	      (unsigned long long)info.nr_stacks, (unsigned long long)intact);
	printf("garbage record: %llu bad, %llu stacks\n", (unsigned long long)info.bad_stacks,
	       (unsigned long long)info.nr_stacks);
	po_error_destroy(err);

	/* garbage list head: an error value naming it, not a crash */
	patch_addr = list;
	err = run(prog, &info, &len);
	CHECK(err && strstr(err->message, "struct stack"), "garbage head: %s",
	      err ? err->message : "no error");
	printf("garbage head: %s\n", err ? err->message : "-");
	po_error_destroy(err);

	patch_addr = 0;
	po_program_destroy(prog);
	return fails ? 1 : 0;
}
