/*
 * The type source of the dump's own BTF (CONFIG_DEBUG_INFO_BTF: the kernel
 * keeps its .BTF section between __start_BTF and __stop_BTF), parsed by
 * libbpf.  It answers what the DWARF source answers (dwarf.c), from the
 * same declarations: sizes, members through anonymous members (bit-fields
 * included), enumerators.
 *
 * BTF keeps no types of global variables (pahole encodes only per-cpu
 * ones), so variable() answers only for the variables the kernel model
 * asks the type of, from what is known besides: the dump's kallsyms (a
 * variable's address and its extent up to the next symbol), the types BTF
 * has (an element's size, an enumerator that counts the entries) and
 * VMCOREINFO.  The table vars[] says how, for each; any other name is
 * "unknown" (false), and the model then uses the symbol source's address.
 * Addresses are never answered here (have_address is false): kallsyms has
 * them, at run time.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "access/btf.h"
#include "access/debuginfo.h"
#include "access/kallsyms.h"

/* Named things, by kind: the first of a name in type id order wins. */
enum kind { K_STRUCT, K_UNION, K_ENUM, K_TYPEDEF, K_ENUMERATOR, K_DECLARED };

struct name_ent {
	const char *name;   /* in BTF's strings, or (K_DECLARED) owned */
	int64_t value;      /* type id, or an enumerator's value */
	uint32_t next;      /* chain, 1-based; 0 ends it */
	uint8_t kind;
};

#define NBUCKETS (1u << 17)

struct po_btf {
	struct btf *btf;
	struct po_kallsyms *ks;
	struct po_btf_facts facts;
	struct name_ent *ents;
	size_t nr_ents, cap_ents;
	uint32_t *buckets;       /* 1-based index into ents */
	size_t undeclared;
	bool declared_any;       /* want() was called */
};

static unsigned hash_name(enum kind k, const char *s)
{
	unsigned h = 2166136261u ^ (unsigned)k;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h & (NBUCKETS - 1);
}

static struct name_ent *find(struct po_btf *b, enum kind k, const char *name)
{
	for (uint32_t i = b->buckets[hash_name(k, name)]; i; i = b->ents[i - 1].next)
		if (b->ents[i - 1].kind == k && !strcmp(b->ents[i - 1].name, name))
			return &b->ents[i - 1];
	return NULL;
}

/* Add unless the name is there already (the first wins). */
static bool add(struct po_btf *b, enum kind k, const char *name, int64_t value)
{
	unsigned h;

	if (!name || !*name || find(b, k, name))
		return true;
	if (b->nr_ents == b->cap_ents) {
		size_t ncap = b->cap_ents ? b->cap_ents * 2 : 65536;
		struct name_ent *n = po_xrealloc_array(b->ents, ncap, sizeof(*n));
		if (!n)
			return false;
		b->ents = n;
		b->cap_ents = ncap;
	}
	h = hash_name(k, name);
	b->ents[b->nr_ents] = (struct name_ent){ name, value, b->buckets[h], (uint8_t)k };
	b->buckets[h] = (uint32_t)++b->nr_ents;
	return true;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

struct po_error *po_btf_load(const void *data, size_t len, struct po_kallsyms *ks,
			     const struct po_btf_facts *facts, struct po_btf **ret)
{
	struct po_btf *b = calloc(1, sizeof(*b));
	libbpf_print_fn_t old;
	long e;

	if (!b || !(b->buckets = calloc(NBUCKETS, sizeof(*b->buckets)))) {
		free(b);
		return &po_error_nomem;
	}
	b->ks = ks;
	b->facts = *facts;
	/* libbpf says why on stderr; the error below says it once */
	old = libbpf_set_print(quiet);
	b->btf = btf__new(data, (__u32)len);
	e = libbpf_get_error(b->btf);
	libbpf_set_print(old);
	if (e || !b->btf) {
		b->btf = NULL;
		po_btf_destroy(b);
		return po_error_create(PO_ERR_DEBUGINFO,
				       "the dump's BTF (%zu bytes) does not parse: %s", len,
				       strerror(e ? (int)-e : errno));
	}
	for (__u32 id = 1; id < btf__type_cnt(b->btf); id++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);
		const char *name = btf__name_by_offset(b->btf, t->name_off);
		bool ok = true;
		switch (btf_kind(t)) {
		case BTF_KIND_STRUCT: ok = add(b, K_STRUCT, name, id); break;
		case BTF_KIND_UNION: ok = add(b, K_UNION, name, id); break;
		case BTF_KIND_TYPEDEF: ok = add(b, K_TYPEDEF, name, id); break;
		case BTF_KIND_ENUM: {
			const struct btf_enum *en = btf_enum(t);
			ok = add(b, K_ENUM, name, id);
			for (int i = 0; ok && i < btf_vlen(t); i++) {
				/* kind_flag: signed (pahole 1.24+); else as DWARF
				 * reads an unsigned enum */
				int64_t v = btf_kflag(t) ? (int64_t)en[i].val :
					    (int64_t)(uint32_t)en[i].val;
				ok = add(b, K_ENUMERATOR, btf__name_by_offset(b->btf, en[i].name_off), v);
			}
			break;
		}
		case BTF_KIND_ENUM64: {
			const struct btf_enum64 *en = btf_enum64(t);
			ok = add(b, K_ENUM, name, id);
			for (int i = 0; ok && i < btf_vlen(t); i++)
				ok = add(b, K_ENUMERATOR, btf__name_by_offset(b->btf, en[i].name_off),
					 (int64_t)btf_enum64_value(&en[i]));
			break;
		}
		default:
			break;
		}
		if (!ok) {
			po_btf_destroy(b);
			return &po_error_nomem;
		}
	}
	*ret = b;
	return NULL;
}

void po_btf_destroy(struct po_btf *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->nr_ents; i++)
		if (b->ents[i].kind == K_DECLARED)
			free((char *)b->ents[i].name);
	free(b->ents);
	free(b->buckets);
	btf__free(b->btf);
	free(b);
}

size_t po_btf_count(struct po_btf *b)
{
	return btf__type_cnt(b->btf) - 1;
}

/* ---- declared names (want()), to count the lookups nobody declared ---- */

static struct po_error *btf_want(void *arg, const char *const *names, size_t n)
{
	struct po_btf *b = arg;

	b->declared_any = true;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		while (len && (names[i][len - 1] == '?' || names[i][len - 1] == '*'))
			len--;
		char *s = strndup(names[i], len);
		if (!s)
			return &po_error_nomem;
		if (find(b, K_DECLARED, s)) {
			free(s);
			continue;
		}
		if (!add(b, K_DECLARED, s, 0)) {
			free(s);
			return &po_error_nomem;
		}
	}
	return NULL;
}

/* Count a lookup of a name nobody declared (as dwarf.c does). */
static void declared(struct po_btf *b, const char *prefix, const char *name)
{
	char full[256];

	if (!b->declared_any)
		return;
	snprintf(full, sizeof(full), "%s%s", prefix, name);
	if (find(b, K_DECLARED, full))
		return;
	b->undeclared++;
	if (getenv("PAGEOWNER_DEBUG_TYPES"))
		fprintf(stderr, "pageowner: type name not declared: %s\n", full);
}

static size_t btf_undeclared(void *arg)
{
	return ((struct po_btf *)arg)->undeclared;
}

/* ---- types ---- */

/* Through typedefs and qualifiers. */
static __u32 strip(struct po_btf *b, __u32 id)
{
	for (int i = 0; i < 32; i++) {
		const struct btf_type *t = btf__type_by_id(b->btf, id);
		if (!t || !(btf_is_typedef(t) || btf_is_mod(t)))
			break;
		id = t->type;
	}
	return id;
}

static enum po_type_kind kind_of(struct po_btf *b, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(b->btf, strip(b, id));

	if (!t)
		return PO_KIND_OTHER;
	switch (btf_kind(t)) {
	case BTF_KIND_INT: case BTF_KIND_FLOAT: return PO_KIND_INT; /* DWARF base types */
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64: return PO_KIND_ENUM;
	case BTF_KIND_PTR: return PO_KIND_POINTER;
	case BTF_KIND_ARRAY: return PO_KIND_ARRAY;
	case BTF_KIND_STRUCT: return PO_KIND_STRUCT;
	case BTF_KIND_UNION: return PO_KIND_UNION;
	default: return PO_KIND_OTHER;
	}
}

/* An array's length (its first dimension; 0 for a flexible array), else -1. */
static long array_len(struct po_btf *b, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(b->btf, strip(b, id));

	return t && btf_is_array(t) ? (long)btf_array(t)->nelems : -1;
}

static size_t size_of(struct po_btf *b, __u32 id)
{
	__s64 s = btf__resolve_size(b->btf, id);
	return s > 0 ? (size_t)s : 0;
}

/* The id of a named type ("struct page"), 0 if none. */
static __u32 type_id(struct po_btf *b, const char *type)
{
	static const struct { const char *prefix; enum kind kind; } kinds[] = {
		{ "struct ", K_STRUCT }, { "union ", K_UNION }, { "enum ", K_ENUM },
		{ "typedef ", K_TYPEDEF },
	};
	for (size_t k = 0; k < PO_ARRAY_SIZE(kinds); k++) {
		size_t l = strlen(kinds[k].prefix);
		if (strncmp(type, kinds[k].prefix, l))
			continue;
		declared(b, "", type);
		struct name_ent *e = find(b, kinds[k].kind, type + l);
		return e ? (__u32)e->value : 0;
	}
	return 0;
}

static bool btf_type_size(void *arg, const char *type, size_t *size)
{
	struct po_btf *b = arg;
	__u32 id = type_id(b, type);

	*size = id ? size_of(b, id) : 0;
	return *size > 0;
}

/* A direct or anonymous-nested member; bits: the struct's bit offset. */
static bool find_member(struct po_btf *b, __u32 id, const char *name, size_t len,
			uint64_t bits, struct po_member *m, __u32 *mtype)
{
	const struct btf_type *t = btf__type_by_id(b->btf, strip(b, id));
	const struct btf_member *mm;

	if (!t || !btf_is_composite(t))
		return false;
	mm = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *mn = btf__name_by_offset(b->btf, mm[i].name_off);
		uint64_t pos = bits + btf_member_bit_offset(t, i);
		if (!mn || !*mn) {
			if (find_member(b, mm[i].type, name, len, pos, m, mtype))
				return true;
			continue;
		}
		if (strlen(mn) != len || strncmp(mn, name, len))
			continue;
		*mtype = mm[i].type;
		m->size = size_of(b, mm[i].type);
		m->kind = kind_of(b, mm[i].type);
		m->array_len = array_len(b, mm[i].type);
		m->bit_size = (int)btf_member_bitfield_size(t, i);
		m->offset = pos / 8;
		m->bit_offset = m->bit_size ? (int)(pos % 8) : -1;
		return true;
	}
	return false;
}

static bool btf_member(void *arg, const char *type, const char *path, struct po_member *m)
{
	struct po_btf *b = arg;
	__u32 id = type_id(b, type);
	uint64_t base = 0;

	if (!id)
		return false;
	for (;;) {
		const char *dot = strchr(path, '.');
		size_t len = dot ? (size_t)(dot - path) : strlen(path);
		__u32 mt;
		if (!find_member(b, id, path, len, 0, m, &mt))
			return false;
		m->offset += base;
		if (!dot)
			return true;
		base = m->offset;
		id = mt;
		path = dot + 1;
	}
}

static bool btf_enumerator(void *arg, const char *name, int64_t *value)
{
	struct po_btf *b = arg;
	struct name_ent *e;

	declared(b, "enumerator ", name);
	if (!(e = find(b, K_ENUMERATOR, name)))
		return false;
	*value = e->value;
	return true;
}

/* ---- variables: what the kernel model asks the type of ---- */

enum vform {
	V_MEM_SECTION,   /* struct mem_section **, or [NR_SECTION_ROOTS][...] */
	V_STRUCT_ARRAY,  /* elem[]: as many as fit before the next symbol */
	V_COUNTED,       /* const char *[count]: count is an enumerator */
	V_POOLS,         /* void *[2^n] (the stack depot's pools), or void ** */
	V_LENGTH,        /* pointers, VMCOREINFO's LENGTH() */
	V_PTR_ARRAY,     /* unsigned long or pointers, up to the next symbol */
};

static const struct {
	const char *name;
	enum vform form;
	const char *arg;
} vars[] = {
	{ "mem_section", V_MEM_SECTION, NULL },                    /* layout.c */
	{ "pff", V_STRUCT_ARRAY, "struct page_flags_fields" },     /* formats.c */
	{ "node_data", V_LENGTH, NULL },                           /* formats.c */
	{ "__per_cpu_offset", V_PTR_ARRAY, NULL },                 /* formats.c */
	{ "migratetype_names", V_COUNTED, "MIGRATE_TYPES" },       /* names.c */
	{ "migrate_reason_names", V_COUNTED, "MR_TYPES" },         /* names.c */
	{ "stack_pools", V_POOLS, NULL },                          /* stackdepot.c */
	{ "stack_slabs", V_POOLS, NULL },                          /* stackdepot.c */
};

static void set_array(struct po_variable *v, long len, size_t elem)
{
	v->kind = PO_KIND_ARRAY;
	v->array_len = len;
	v->size = (size_t)len * elem;
}

static bool btf_variable(void *arg, const char *name, struct po_variable *v,
			 bool declared_only)
{
	struct po_btf *b = arg;
	uint64_t addr, extent;
	size_t i, elem;
	int64_t count;

	/* the address of a symbol: kallsyms has it */
	if (declared_only)
		return false;
	declared(b, "var ", name);
	for (i = 0; i < PO_ARRAY_SIZE(vars); i++)
		if (!strcmp(vars[i].name, name))
			break;
	if (i == PO_ARRAY_SIZE(vars))
		return false;
	memset(v, 0, sizeof(*v));
	v->kind = PO_KIND_OTHER;
	v->array_len = -1;
	switch (vars[i].form) {
	case V_MEM_SECTION:
		/* VMCOREINFO_SYMBOL_ARRAY(mem_section) prints the value of
		 * the name: the pointer (SPARSEMEM_EXTREME), else the array */
		if (!b->facts.have_mem_section || !po_kallsyms_lookup(b->ks, name, &addr))
			return false;
		if (addr != b->facts.mem_section) {
			v->kind = PO_KIND_POINTER;
			v->size = 8;
		} else {
			elem = size_of(b, type_id(b, "struct mem_section"));
			if (b->facts.mem_section_len <= 0 || !elem)
				return false;
			if (!po_kallsyms_extent(b->ks, name, &addr, &extent))
				return false;
			set_array(v, b->facts.mem_section_len, 0);
			v->size = extent; /* the roots' rows are not known */
		}
		return true;
	case V_STRUCT_ARRAY:
		elem = size_of(b, type_id(b, vars[i].arg));
		if (!elem || !po_kallsyms_extent(b->ks, name, &addr, &extent))
			return false;
		set_array(v, (long)(extent / elem), elem);
		return true;
	case V_COUNTED: {
		struct name_ent *e = find(b, K_ENUMERATOR, vars[i].arg);
		if (!e || (count = e->value) <= 0 || count > 4096)
			return false;
		set_array(v, (long)count, 8);
		return true;
	}
	case V_POOLS:
		if (!po_kallsyms_extent(b->ks, name, &addr, &extent))
			return false;
		if (extent < 4096) {
			/* 6.18+: void **stack_pools */
			v->kind = PO_KIND_POINTER;
			v->size = 8;
		} else {
			/* [DEPOT_MAX_POOLS]: a power of two; what follows up
			 * to the next symbol is padding */
			set_array(v, (long)(1ull << po_ilog2(extent / 8)), 8);
		}
		return true;
	case V_LENGTH:
		if (b->facts.node_data_len <= 0)
			return false;
		set_array(v, b->facts.node_data_len, 8);
		return true;
	case V_PTR_ARRAY:
		if (!po_kallsyms_extent(b->ks, name, &addr, &extent) || extent < 8)
			return false;
		set_array(v, (long)(extent / 8), 8);
		return true;
	}
	return false;
}

static void btf_destroy(void *arg)
{
	po_btf_destroy(arg);
}

const struct po_type_source_ops po_btf_type_source = {
	.type_size = btf_type_size,
	.member = btf_member,
	.enumerator = btf_enumerator,
	.variable = btf_variable,
	.want = btf_want,
	.undeclared = btf_undeclared,
	.destroy = btf_destroy,
};
