/*
 * memcg_task_cycle DUMP VMLINUX: the memcg report's walk of the task list
 * (init_task.tasks) on a dump whose list is patched into a cycle that does
 * not come back to the head: a task whose tasks.next points at itself, then
 * two tasks pointing at each other.  The walk must stop at the first repeat
 * with a warning that says so, count each task once and attach no task
 * twice (found by fuzz_decoder: it went round 10^6 times, "the task list is
 * too long").  Prints one line per check; exits 1 if one fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pageowner.h"
#include "access/program.h"
#include "kernel/cgroup.h"

struct patch { uint64_t addr, value; };
struct wrap {
	const struct po_memory_ops *ops;
	void *arg;
	struct patch patches[2];
	size_t nr;
};

static struct po_error *wrap_read(void *arg, enum po_addrspace as, uint64_t addr,
				  void *buf, size_t len)
{
	struct wrap *w = arg;
	struct po_error *err = w->ops->read(w->arg, as, addr, buf, len);
	if (err || as != PO_KVADDR)
		return err;
	for (size_t i = 0; i < w->nr; i++) {
		const struct patch *p = &w->patches[i];
		for (size_t k = 0; k < 8; k++)
			if (p->addr + k >= addr && p->addr + k < addr + len)
				((uint8_t *)buf)[p->addr + k - addr] = (uint8_t)(p->value >> (8 * k));
	}
	return NULL;
}

static void wrap_destroy(void *arg)
{
	struct wrap *w = arg;
	if (w->ops->destroy)
		w->ops->destroy(w->arg);
	free(w);
}

static const struct po_memory_ops wrap_ops = { .read = wrap_read, .destroy = wrap_destroy };

static int failures;

static void expect(bool ok, const char *what)
{
	printf("  %s %s\n", ok ? "ok  " : "FAIL", what);
	if (!ok)
		failures++;
}

/* Walk the tree and the tasks; want_total 0: the intact count. */
static unsigned run(struct po_program *prog, const char *name, unsigned want_total,
		    const char *want_warning)
{
	struct po_cg_tree t;
	char what[512];
	struct po_error *err = po_cg_tree_load(prog, &t);

	if (!err)
		err = po_cg_tree_read_tasks(prog, &t);
	snprintf(what, sizeof(what), "%s: %s%s", name, err ? "error: " : "tree and tasks read",
		 err ? err->message : "");
	expect(!err, what);
	po_error_destroy(err);
	if (err) {
		po_cg_tree_free(&t);
		return 0;
	}
	size_t attached = 0;
	for (size_t i = 0; i < t.n; i++)
		attached += t.nodes[i].nr_tasks;
	const char *w = NULL;
	for (size_t i = 0; i < t.nr_warnings; i++)
		if (strstr(t.warnings[i], "task list"))
			w = t.warnings[i];
	unsigned total = t.nr_tasks_total;
	if (want_total) {
		snprintf(what, sizeof(what), "%s: %u tasks walked (want %u), %zu attached",
			 name, total, want_total, attached);
		expect(total == want_total && attached <= want_total, what);
	} else {
		snprintf(what, sizeof(what), "%s: %u tasks walked, %zu attached", name, total,
			 attached);
		expect(total > 3 && total < 100000 && attached <= total, what);
	}
	snprintf(what, sizeof(what), "%s: warning %s%s%s", name, w ? "'" : "(none)",
		 w ? w : "", w ? "'" : "");
	expect(want_warning ? w && strstr(w, want_warning) : !w, what);
	po_cg_tree_free(&t);
	return total;
}

int main(int argc, char **argv)
{
	struct po_program *prog;
	struct po_error *err;
	uint64_t init, first, second;

	if (argc != 3) {
		fprintf(stderr, "usage: memcg_task_cycle DUMP VMLINUX\n");
		return 2;
	}
	if ((err = po_program_create(&prog)) || (err = po_program_open_dump(prog, argv[1])) ||
	    (err = po_program_load_vmlinux(prog, argv[2])) ||
	    (err = po_program_init_kernel_no_owner(prog))) {
		fprintf(stderr, "%s\n", err->message);
		return 2;
	}
	size_t off_tasks = po_offsetof(prog, "struct task_struct", "tasks");
	if (off_tasks == PO_ABSENT || !po_symbol_addr(prog, "init_task", &init) ||
	    po_read_u64(prog, init + off_tasks, &first) || po_read_u64(prog, first, &second)) {
		fprintf(stderr, "cannot find the task list\n");
		return 2;
	}
	struct wrap *w = calloc(1, sizeof(*w));
	if (!w)
		return 2;
	w->ops = prog->mem_ops;
	w->arg = prog->mem_arg;
	po_program_set_memory(prog, &wrap_ops, w);

	run(prog, "intact", 0, NULL);
	/* init_task -> A -> A -> ... */
	w->patches[0] = (struct patch){ first, first };
	w->nr = 1;
	run(prog, "a task whose tasks.next is itself", 2, "loops back");
	/* init_task -> A -> B -> A -> ... */
	w->patches[0] = (struct patch){ second, first };
	run(prog, "two tasks pointing at each other", 3, "loops back");
	w->nr = 0;
	run(prog, "intact again", 0, NULL);
	po_program_destroy(prog);
	printf("%s\n", failures ? "FAILED" : "all cases ok");
	return failures ? 1 : 0;
}
