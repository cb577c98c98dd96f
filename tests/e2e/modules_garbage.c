/*
 * modules_garbage DUMP VMLINUX KALLSYMS: module symbolization on the module
 * fixture, then with the dump's memory patched into garbage (a cyclic list,
 * a NULL or misaligned list pointer, an unformed module, absurd or unreadable
 * symbol tables).  Every case must end in an error value or a bare address,
 * never a hang or a crash (the test also runs under ASan+UBSan), and the
 * module list read before the garbage must be kept.  Prints one line per case;
 * exits 1 on the first wrong result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pageowner.h"
#include "base/util.h"
#include "kernel/modules.h"
#include "access/debuginfo.h"
#include "access/program.h"

struct patch { uint64_t addr; uint8_t bytes[8]; size_t len; };
struct wrap {
	const struct po_memory_ops *ops;
	void *arg;
	struct patch patches[4];
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
		for (size_t k = 0; k < p->len; k++)
			if (p->addr + k >= addr && p->addr + k < addr + len)
				((uint8_t *)buf)[p->addr + k - addr] = p->bytes[k];
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

static struct wrap *W;
static struct po_program *P;
static int failures;

static void patch(uint64_t addr, uint64_t value, size_t len)
{
	struct patch *p = &W->patches[W->nr++];
	p->addr = addr;
	p->len = len;
	memcpy(p->bytes, &value, len);
}

static void expect(bool ok, const char *what)
{
	printf("  %s %s\n", ok ? "ok  " : "FAIL", what);
	if (!ok)
		failures++;
}

/* Reload with the current patches; check the load result and a lookup. */
static void run(const char *name, const char *err_has, size_t nr_modules,
		uint64_t addr, const char *sym, uint64_t off, uint64_t size)
{
	struct po_frame f = { .addr = addr };
	char what[512];

	po_modules_destroy(P);
	P->forms[0] = '\0';
	struct po_error *err = po_modules_load(P);
	snprintf(what, sizeof(what), "%s: load %s%s%s", name,
		 err ? "error: " : "ok", err ? err->message : "",
		 err_has && !err ? " (wanted an error)" : "");
	expect(err_has ? err && strstr(err->message, err_has) : !err, what);
	po_error_destroy(err);
	snprintf(what, sizeof(what), "%s: %zu modules (want %zu)", name,
		 po_modules_count(P), nr_modules);
	expect(po_modules_count(P) == nr_modules, what);
	bool found = po_module_symbolize(P, addr, &f);
	if (sym)
		snprintf(what, sizeof(what), "%s: %#llx is %s+%#llx/%#llx [%s] (want %s+%#llx/%#llx [po_testmod])",
			 name, (unsigned long long)addr, found ? f.name : "(none)",
			 (unsigned long long)f.offset, (unsigned long long)f.size,
			 found ? f.module : "", sym, (unsigned long long)off,
			 (unsigned long long)size);
	else
		snprintf(what, sizeof(what), "%s: %#llx %s", name, (unsigned long long)addr,
			 found ? "has a symbol (want a bare address)" : "is a bare address");
	expect(sym ? found && !strcmp(f.name, sym) && f.offset == off && f.size == size &&
		     !strcmp(f.module, "po_testmod")
		   : !found, what);
	if (strstr(P->forms, "modules:"))
		printf("       note: %.*s\n", (int)strcspn(strstr(P->forms, "modules:"), "\n"),
		       strstr(P->forms, "modules:"));
}

int main(int argc, char **argv)
{
	struct po_error *err;
	uint64_t alloc_one = 0, head, first, ks;
	char line[512];

	if (argc != 4) {
		fprintf(stderr, "usage: modules_garbage DUMP VMLINUX KALLSYMS\n");
		return 2;
	}
	FILE *k = fopen(argv[3], "r");
	if (!k) {
		perror(argv[3]);
		return 2;
	}
	while (fgets(line, sizeof(line), k)) {
		unsigned long long a;
		char t, name[256];
		if (sscanf(line, "%llx %c %255s", &a, &t, name) == 3 &&
		    !strcmp(name, "po_testmod_alloc_one"))
			alloc_one = a;
	}
	fclose(k);
	if (!alloc_one) {
		fprintf(stderr, "%s: no po_testmod_alloc_one\n", argv[3]);
		return 2;
	}
	if ((err = po_program_create(&P)) || (err = po_program_open_dump(P, argv[1])) ||
	    (err = po_program_load_vmlinux(P, argv[2])) ||
	    (err = po_program_init_kernel(P))) {
		fprintf(stderr, "%s\n", err->message);
		po_error_destroy(err);
		po_program_destroy(P);
		return 2;
	}
	W = calloc(1, sizeof(*W));
	W->ops = P->mem_ops;
	W->arg = P->mem_arg;
	po_program_set_memory(P, &wrap_ops, W);

	size_t off_list = po_offsetof(P, "struct module", "list");
	size_t off_state = po_offsetof(P, "struct module", "state");
	size_t off_ks = po_offsetof(P, "struct module", "kallsyms");
	size_t ks_num = po_offsetof(P, "struct mod_kallsyms", "num_symtab");
	size_t ks_symtab = po_offsetof(P, "struct mod_kallsyms", "symtab");
	size_t ks_strtab = po_offsetof(P, "struct mod_kallsyms", "strtab");
	if (!po_symbol_addr(P, "modules", &head) || po_read_u64(P, head, &first) ||
	    off_list == PO_ABSENT || off_state == PO_ABSENT || off_ks == PO_ABSENT ||
	    po_read_u64(P, first - off_list + off_ks, &ks) || ks_num == PO_ABSENT) {
		fprintf(stderr, "cannot find the module list\n");
		po_program_destroy(P);
		return 2;
	}
	uint64_t mod = first - off_list, a = alloc_one + 0x10;

	run("intact", NULL, 1, a, "po_testmod_alloc_one", 0x10, 0x11);
	run("intact, symbol start", NULL, 1, alloc_one, "po_testmod_alloc_one", 0, 0x11);
	run("intact, below the module", NULL, 1, alloc_one - 1, NULL, 0, 0);
	run("intact, kernel text", NULL, 1, 0xffffffff81000000ull + P->kaslr_offset, NULL, 0, 0);
	patch(mod + off_list, first, 8); /* list.next -> itself */
	run("cycle not through the head", "cycle", 1, a, "po_testmod_alloc_one", 0x10, 0x11);
	W->nr = 0;
	patch(head, 0, 8);
	run("NULL list pointer", "struct module", 0, a, NULL, 0, 0);
	W->nr = 0;
	patch(head, first + 3, 8);
	run("misaligned list pointer", "bad pointer", 0, a, NULL, 0, 0);
	W->nr = 0;
	patch(mod + off_state, 3, 4); /* MODULE_STATE_UNFORMED */
	run("unformed module", NULL, 0, a, NULL, 0, 0);
	W->nr = 0;
	patch(ks + ks_num, 0xffffffffu, 4);
	run("num_symtab 0xffffffff", NULL, 1, a, NULL, 0, 0);
	W->nr = 0;
	patch(ks + ks_symtab, 0x1000, 8);
	run("symtab pointer 0x1000", NULL, 1, a, NULL, 0, 0);
	W->nr = 0;
	patch(ks + ks_strtab, 0x1000, 8);
	run("strtab pointer 0x1000", NULL, 1, a, NULL, 0, 0);
	W->nr = 0;
	patch(mod + off_ks, 0, 8);
	run("no kallsyms", NULL, 1, a, NULL, 0, 0);
	W->nr = 0;
	run("intact again", NULL, 1, a, "po_testmod_alloc_one", 0x10, 0x11);
	po_program_destroy(P);
	printf("%s\n", failures ? "FAILED" : "all cases ok");
	return failures ? 1 : 0;
}
