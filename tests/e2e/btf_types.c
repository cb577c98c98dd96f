/*
 * btf_types: the dump's own BTF and kallsyms answer every question the
 * kernel model asks as the vmlinux's DWARF and symbol table do.
 *
 * Every report runs on the dump with its vmlinux, through recording
 * proxies around the vmlinux's type and symbol sources; then each recorded
 * question (type sizes, members with bit-fields, enumerators, the variables
 * whose type the model asks, symbol addresses, %pS of every frame, the
 * .rodata strings) and each name the subsystems declared is asked again of
 * the dump's sources (po_program_load_dump_debuginfo()), and the answers
 * compared.  Symbol addresses are compared at run time (the vmlinux's plus
 * the KASLR offset).
 *
 * Usage: btf_types [--kallsyms] DUMP VMLINUX   (compiled and run by
 * btf_kallsyms.sh); --kallsyms: the symbol questions only, of the dump's
 * kallsyms alone (a kernel without BTF, such as the 7.3 fixture).
 * Prints one line per difference, and a count per kind of question.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pageowner.h"
#include "access/kallsyms.h"
#include "access/program.h"

enum qkind { Q_SIZE, Q_MEMBER, Q_ENUM, Q_VAR, Q_SYM, Q_SYMBOLIZE, Q_RODATA, Q_DECL, NQ };
static const char *const qnames[NQ] = {
	"type sizes", "members", "enumerators", "variable types", "symbol addresses",
	"%pS addresses", ".rodata strings", "declared names",
};

struct q {
	enum qkind kind;
	char *a, *b;     /* type and path, or the name */
	uint64_t addr;   /* symbolize: run-time address */
};

static struct q *qs;
static size_t nq, capq;

static void record(enum qkind k, const char *a, const char *b, uint64_t addr)
{
	for (size_t i = 0; i < nq; i++) /* few thousand: a linear search will do */
		if (qs[i].kind == k && qs[i].addr == addr && !strcmp(qs[i].a, a) &&
		    !strcmp(qs[i].b, b ? b : ""))
			return;
	if (nq == capq) {
		capq = capq ? capq * 2 : 1024;
		qs = realloc(qs, capq * sizeof(*qs));
		if (!qs)
			abort();
	}
	qs[nq++] = (struct q){ k, strdup(a), strdup(b ? b : ""), addr };
}

/* ---- the recording proxies ---- */

static const struct po_type_source_ops *inner_t;
static const struct po_symbol_source_ops *inner_s;
static uint64_t kaslr;

static bool p_type_size(void *arg, const char *type, size_t *size)
{
	record(Q_SIZE, type, NULL, 0);
	return inner_t->type_size(arg, type, size);
}

static bool p_member(void *arg, const char *type, const char *path, struct po_member *m)
{
	record(Q_MEMBER, type, path, 0);
	return inner_t->member(arg, type, path, m);
}

static bool p_enumerator(void *arg, const char *name, int64_t *v)
{
	record(Q_ENUM, name, NULL, 0);
	return inner_t->enumerator(arg, name, v);
}

static bool p_variable(void *arg, const char *name, struct po_variable *v, bool declared_only)
{
	if (!declared_only)
		record(Q_VAR, name, NULL, 0);
	else
		record(Q_SYM, name, NULL, 0);
	return inner_t->variable(arg, name, v, declared_only);
}

static struct po_error *p_want(void *arg, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *s = strdup(names[i]);
		size_t l = strlen(s);
		while (l && (s[l - 1] == '?' || s[l - 1] == '*'))
			s[--l] = '\0';
		record(Q_DECL, s, NULL, 0);
		free(s);
	}
	return inner_t->want(arg, names, n);
}

static size_t p_undeclared(void *arg) { return inner_t->undeclared(arg); }
static void p_tdestroy(void *arg) { inner_t->destroy(arg); }

static const struct po_type_source_ops proxy_t = {
	.type_size = p_type_size, .member = p_member, .enumerator = p_enumerator,
	.variable = p_variable, .want = p_want, .undeclared = p_undeclared,
	.destroy = p_tdestroy,
};

static bool p_lookup(void *arg, const char *name, uint64_t *addr)
{
	record(Q_SYM, name, NULL, 0);
	return inner_s->lookup(arg, name, addr);
}

static bool p_symbolize(void *arg, uint64_t addr, const char **name, uint64_t *off,
			uint64_t *size)
{
	record(Q_SYMBOLIZE, "", NULL, addr + kaslr);
	return inner_s->symbolize(arg, addr, name, off, size);
}

static int p_rodata(void *arg, const char *s)
{
	record(Q_RODATA, s, NULL, 0);
	return inner_s->rodata_has_string(arg, s);
}

static void p_sdestroy(void *arg) { inner_s->destroy(arg); }

static struct po_symbol_source_ops proxy_s = {
	.link_time = true, .lookup = p_lookup, .symbolize = p_symbolize,
	.rodata_has_string = p_rodata, .destroy = p_sdestroy,
};

/* ---- the comparison ---- */

static size_t diffs[NQ], asked[NQ];
static bool symbols_only;

/* The dump's kallsyms alone, as po_program_load_dump_debuginfo() finds them. */
static struct po_error *load_kallsyms(struct po_program *b)
{
	static const char *const keys[] = {
		"kallsyms_names", "kallsyms_num_syms", "kallsyms_token_table",
		"kallsyms_token_index", "kallsyms_offsets", "kallsyms_relative_base",
		"kallsyms_addresses", "_stext",
	};
	uint64_t v[8];
	struct po_kallsyms_where w;
	struct po_kallsyms *ks;
	struct po_error *err;

	for (int i = 0; i < 8; i++) {
		char key[64];
		const char *s;
		snprintf(key, sizeof(key), "SYMBOL(%s)", keys[i]);
		s = po_program_vmcoreinfo(b, key);
		v[i] = s ? strtoull(s, NULL, 16) : 0;
	}
	w = (struct po_kallsyms_where){ .names = v[0], .num_syms = v[1], .token_table = v[2],
		.token_index = v[3], .offsets = v[4], .relative_base = v[5], .addresses = v[6],
		.stext = v[7] };
	if ((err = po_kallsyms_load(b->mem_ops, b->mem_arg, &w, &ks)))
		return err;
	b->symbols = &po_kallsyms_symbol_source;
	b->symbols_arg = ks;
	return NULL;
}

static void differ(enum qkind k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void differ(enum qkind k, const char *fmt, ...)
{
	va_list ap;
	diffs[k]++;
	printf("DIFF %s: ", qnames[k]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void compare(struct po_program *a, struct po_program *b, const struct q *q)
{
	size_t sa = 0, sb = 0;
	struct po_member ma, mb;
	struct po_variable va, vb;
	int64_t ea, eb;
	uint64_t xa, xb;
	bool ra, rb;

	if (symbols_only && q->kind != Q_SYM && q->kind != Q_SYMBOLIZE && q->kind != Q_RODATA &&
	    (q->kind != Q_DECL || strncmp(q->a, "var ", 4)))
		return;
	asked[q->kind]++;
	switch (q->kind) {
	case Q_SIZE:
		ra = a->types->type_size(a->types_arg, q->a, &sa);
		rb = b->types->type_size(b->types_arg, q->a, &sb);
		if (ra != rb || sa != sb)
			differ(q->kind, "sizeof(%s): %d %zu, BTF %d %zu", q->a, ra, sa, rb, sb);
		break;
	case Q_MEMBER:
		memset(&ma, 0, sizeof(ma));
		memset(&mb, 0, sizeof(mb));
		ra = a->types->member(a->types_arg, q->a, q->b, &ma);
		rb = b->types->member(b->types_arg, q->a, q->b, &mb);
		if (ra != rb || (ra && (ma.offset != mb.offset || ma.size != mb.size ||
					ma.bit_offset != mb.bit_offset ||
					ma.bit_size != mb.bit_size || ma.kind != mb.kind ||
					ma.array_len != mb.array_len)))
			differ(q->kind,
			       "%s.%s: %d off %zu size %zu bits %d:%d kind %d len %ld, BTF %d off %zu size %zu bits %d:%d kind %d len %ld",
			       q->a, q->b, ra, ma.offset, ma.size, ma.bit_offset, ma.bit_size, ma.kind,
			       ma.array_len, rb, mb.offset, mb.size, mb.bit_offset, mb.bit_size,
			       mb.kind, mb.array_len);
		break;
	case Q_ENUM:
		ea = eb = 0;
		ra = a->types->enumerator(a->types_arg, q->a, &ea);
		rb = b->types->enumerator(b->types_arg, q->a, &eb);
		if (ra != rb || ea != eb)
			differ(q->kind, "%s: %d %" PRId64 ", BTF %d %" PRId64, q->a, ra, ea, rb, eb);
		break;
	case Q_VAR:
		memset(&va, 0, sizeof(va));
		memset(&vb, 0, sizeof(vb));
		ra = a->types->variable(a->types_arg, q->a, &va, false);
		rb = b->types->variable(b->types_arg, q->a, &vb, false);
		/* the size of an array whose rows BTF cannot know is not used */
		if (ra != rb || va.kind != vb.kind || va.array_len != vb.array_len ||
		    (va.kind != PO_KIND_ARRAY && va.size != vb.size))
			differ(q->kind, "%s: %d kind %d len %ld size %zu, BTF %d kind %d len %ld size %zu",
			       q->a, ra, va.kind, va.array_len, va.size, rb, vb.kind, vb.array_len,
			       vb.size);
		break;
	case Q_SYM:
		xa = xb = 0;
		ra = po_symbol_addr(a, q->a, &xa);
		rb = po_symbol_addr(b, q->a, &xb);
		if (ra != rb || xa != xb)
			differ(q->kind, "%s: %d %#" PRIx64 ", kallsyms %d %#" PRIx64, q->a, ra, xa, rb, xb);
		break;
	case Q_SYMBOLIZE: {
		const char *na = NULL, *nb = NULL;
		uint64_t oa = 0, ob = 0, za = 0, zb = 0;
		ra = po_symbolize(a, q->addr, &na, &oa, &za);
		rb = po_symbolize(b, q->addr, &nb, &ob, &zb);
		if (ra != rb || (ra && (strcmp(na, nb) || oa != ob || za != zb)))
			differ(q->kind, "%#" PRIx64 ": %s+%#" PRIx64 "/%#" PRIx64 ", kallsyms %s+%#" PRIx64 "/%#" PRIx64,
			       q->addr, ra ? na : "-", oa, za, rb ? nb : "-", ob, zb);
		break;
	}
	case Q_RODATA: {
		int ia = po_rodata_has_string(a, q->a), ib = po_rodata_has_string(b, q->a);
		if (ia != ib)
			differ(q->kind, "\"%.60s\": %d, dump %d", q->a, ia, ib);
		break;
	}
	case Q_DECL:
		/* each declared name, asked as the model asks it */
		if (!strncmp(q->a, "var ", 4)) {
			ra = po_symbol_addr(a, q->a + 4, &xa);
			rb = po_symbol_addr(b, q->a + 4, &xb);
			if (ra != rb || (ra && xa != xb))
				differ(q->kind, "%s: %d %#" PRIx64 ", kallsyms %d %#" PRIx64, q->a, ra,
				       ra ? xa : 0, rb, rb ? xb : 0);
		} else if (!strncmp(q->a, "enumerator ", 11)) {
			ea = eb = 0;
			ra = a->types->enumerator(a->types_arg, q->a + 11, &ea);
			rb = b->types->enumerator(b->types_arg, q->a + 11, &eb);
			if (ra != rb || ea != eb)
				differ(q->kind, "%s: %d %" PRId64 ", BTF %d %" PRId64, q->a, ra, ea, rb, eb);
		} else {
			ra = a->types->type_size(a->types_arg, q->a, &sa);
			rb = b->types->type_size(b->types_arg, q->a, &sb);
			if (ra != rb || sa != sb)
				differ(q->kind, "sizeof(%s): %d %zu, BTF %d %zu", q->a, ra, sa, rb, sb);
		}
		break;
	case NQ:
		break;
	}
}

int main(int argc, char **argv)
{
	struct po_program *a, *b;
	struct po_error *err;
	size_t n, total = 0;

	if (argc == 4 && !strcmp(argv[1], "--kallsyms")) {
		symbols_only = true;
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: btf_types [--kallsyms] DUMP VMLINUX\n");
		return 2;
	}
	if ((err = po_program_create(&a)) || (err = po_program_open_dump(a, argv[1])) ||
	    (err = po_program_load_vmlinux(a, argv[2]))) {
		printf("FAIL: open with the vmlinux: %s\n", err->message);
		return 1;
	}
	inner_t = a->types;
	inner_s = a->symbols;
	kaslr = a->kaslr_offset;
	a->types = &proxy_t;
	a->symbols = &proxy_s;
	if ((err = po_program_init_kernel_no_owner(a))) {
		printf("FAIL: init: %s\n", err->message);
		return 1;
	}
	const struct po_report_desc *d = po_reports(&n);
	FILE *null = fopen("/dev/null", "w");
	for (size_t i = 0; i < n; i++) {
		for (int variant = 0; variant < 3; variant++) {
			struct po_report_opts opts;
			const char *pfn[] = { "0x1000", NULL };
			po_report_opts_init(&opts);
			opts.json = variant == 1;
			if (variant == 2) {
				opts.from_pages = true;
				opts.freed = d[i].kind == PO_REPORT_PAGES;
			}
			po_error_destroy(po_report_run(a, &d[i], &opts, d[i].operands ? pfn : NULL,
						       null, null, NULL));
		}
	}
	fclose(null);
	/* the answers of both, outside the recording */
	a->types = inner_t;
	a->symbols = inner_s;
	if ((err = po_program_create(&b)) || (err = po_program_open_dump(b, argv[1])) ||
	    (err = symbols_only ? load_kallsyms(b) : po_program_load_dump_debuginfo(b))) {
		printf("FAIL: the dump's own debug info: %s\n", err->message);
		return 1;
	}
	for (size_t i = 0; i < nq; i++)
		compare(a, b, &qs[i]);
	for (int k = 0; k < NQ; k++) {
		printf("%-18s %5zu asked, %zu differ\n", qnames[k], asked[k], diffs[k]);
		total += diffs[k];
	}
	po_program_destroy(b);
	po_program_destroy(a);
	return total ? 1 : 0;
}
