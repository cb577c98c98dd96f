/*
 * The type source of a vmlinux with DWARF (libdw): types, members,
 * enumerators and variables.
 *
 * A vmlinux has hundreds of thousands of top-level DIEs, so only the names
 * the kernel model declares (want()) are indexed, in one pass over the
 * compilation units that define what page_owner needs (mm/page_owner.c,
 * lib/stackdepot.c, ...), then over all units if a required name is still
 * missing, or when a name marked '*' is asked for and was not in those
 * units.  Names declared after the index was built are indexed at the next
 * lookup; a name looked up that nobody declared is found all the same (a
 * search of every unit) and counted: that is a bug the tests catch.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "access/debuginfo.h"
#include "access/dwarf.h"
#include "access/dwarf_units.h"
#include "access/file.h"
#include "access/program.h"

enum kind { K_STRUCT, K_UNION, K_ENUM, K_TYPEDEF, K_VAR, K_ENUMERATOR };

struct entry {
	enum kind kind;
	char *name;
	bool optional;
	bool anywhere;      /* '*': may live outside the priority units */
	bool found;
	bool have_location; /* variables: a definition, not only a declaration */
	Dwarf_Die die;
	int64_t value;
	struct entry *next; /* hash chain */
};

#define NBUCKETS 1024

struct po_dwarf {
	int fd;
	Dwarf *dw;
	struct po_units units;   /* unit names read raw (dwarf_units.c) */
	bool units_ok;
	char *path;
	struct entry **entries;  /* stable addresses: the hash chains link them */
	size_t nr_entries, cap_entries;
	size_t nr_indexed;       /* entries [0, nr_indexed) were searched for */
	bool scanned_all;        /* every unit was visited once */
	struct entry *buckets[NBUCKETS];
	size_t nr_missing;       /* required names not found yet */
	size_t undeclared;       /* lookups of names nobody declared */
};

static Dwarf_Die strip_type(Dwarf_Die *type);

static unsigned hash_name(const char *s)
{
	unsigned h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % NBUCKETS;
}

struct po_error *po_dwarf_open(const char *path, struct po_dwarf **ret)
{
	struct po_dwarf *d = calloc(1, sizeof(*d));
	struct po_error *err = NULL;

	if (!d)
		return &po_error_nomem;
	d->fd = -1;
	d->path = strdup(path);
	if (!d->path)
		err = &po_error_nomem;
	else
		err = po_file_open(path, &d->fd, NULL);
	if (err) {
		free(d->path);
		free(d);
		return err;
	}
	d->dw = dwarf_begin(d->fd, DWARF_C_READ);
	Dwarf_Off off = 0, next;
	size_t hsize;
	if (!d->dw || dwarf_nextcu(d->dw, off, &next, &hsize, NULL, NULL, NULL) != 0) {
		err = po_error_create(PO_ERR_DEBUGINFO,
			"%s: no DWARF debug information (%s); give the vmlinux with debug info (e.g. from the -dbg package)",
			path, d->dw ? "no compilation units" : dwarf_errmsg(-1));
		po_dwarf_close(d);
		return err;
	}
	d->units_ok = po_units_init(&d->units, dwarf_getelf(d->dw));
	*ret = d;
	return NULL;
}

void po_dwarf_close(struct po_dwarf *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nr_entries; i++) {
		free(d->entries[i]->name);
		free(d->entries[i]);
	}
	free(d->entries);
	if (d->dw)
		dwarf_end(d->dw);
	if (d->fd >= 0)
		close(d->fd);
	free(d->path);
	free(d);
}

static struct entry *find_entry(struct po_dwarf *d, enum kind k, const char *name)
{
	for (struct entry *e = d->buckets[hash_name(name)]; e; e = e->next)
		if (e->kind == k && strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

static bool is_declaration(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	bool flag = false;

	if (dwarf_attr(die, DW_AT_declaration, &a))
		dwarf_formflag(&a, &flag);
	return flag;
}

static void record(struct po_dwarf *d, struct entry *e, Dwarf_Die *die)
{
	if (!e->found) {
		e->found = true;
		e->die = *die;
		if (!e->optional)
			d->nr_missing--;
	}
}

static void visit(struct po_dwarf *d, Dwarf_Die *die)
{
	int tag = dwarf_tag(die);
	const char *name;
	struct entry *e;
	enum kind k;

	switch (tag) {
	case DW_TAG_structure_type: k = K_STRUCT; break;
	case DW_TAG_union_type: k = K_UNION; break;
	case DW_TAG_enumeration_type: k = K_ENUM; break;
	case DW_TAG_typedef: k = K_TYPEDEF; break;
	case DW_TAG_variable: k = K_VAR; break;
	default: return;
	}
	if (k == K_ENUM && !is_declaration(die)) {
		Dwarf_Die child, ut;
		Dwarf_Attribute ta;
		bool is_unsigned = false;
		/* Constants of small forms (data1/2/4) are sign-extended by
		 * dwarf_formsdata(): PGTY_buddy = 0xf0 would read as -16.  Read
		 * them unsigned when the enum's underlying type is unsigned. */
		if (dwarf_attr(die, DW_AT_type, &ta) && dwarf_formref_die(&ta, &ut)) {
			Dwarf_Die b = strip_type(&ut);
			Dwarf_Attribute ea;
			Dwarf_Word enc;
			if (dwarf_attr(&b, DW_AT_encoding, &ea) && dwarf_formudata(&ea, &enc) == 0)
				is_unsigned = enc == DW_ATE_unsigned || enc == DW_ATE_unsigned_char ||
					      enc == DW_ATE_boolean;
		}
		if (dwarf_child(die, &child) == 0) {
			do {
				const char *en = dwarf_diename(&child);
				Dwarf_Attribute a;
				Dwarf_Sword sv;
				if (!en || dwarf_tag(&child) != DW_TAG_enumerator)
					continue;
				e = find_entry(d, K_ENUMERATOR, en);
				if (!e || e->found)
					continue;
				Dwarf_Word uv;
				if (!dwarf_attr(&child, DW_AT_const_value, &a))
					continue;
				if (is_unsigned && dwarf_formudata(&a, &uv) == 0) {
					e->value = (int64_t)uv;
					record(d, e, &child);
				} else if (dwarf_formsdata(&a, &sv) == 0) {
					e->value = sv;
					record(d, e, &child);
				}
			} while (dwarf_siblingof(&child, &child) == 0);
		}
	}
	/* the name only of the kinds indexed: dwarf_diename() follows a
	 * nameless DIE's abstract origin, and most DIEs at the top of a unit
	 * are functions */
	if (!(name = dwarf_diename(die)))
		return;
	e = find_entry(d, k, name);
	if (!e)
		return;
	if (k == K_VAR) {
		Dwarf_Attribute a;
		bool loc = dwarf_attr(die, DW_AT_location, &a) != NULL;
		if (e->found && (e->have_location || !loc))
			return;
		if (e->found && loc) {
			e->die = *die;
			e->have_location = true;
			return;
		}
		e->have_location = loc;
		record(d, e, die);
		return;
	}
	if (e->found || is_declaration(die))
		return;
	record(d, e, die);
}

static const char *const priority_cus[] = {
	"mm/page_owner.c", "lib/stackdepot.c", "mm/page_ext.c", "mm/memcontrol.c",
	"mm/page_alloc.c", "mm/debug.c", "kernel/cgroup/cgroup.c",
	"fs/kernfs/dir.c", "mm/sparse.c", "mm/mm_init.c", "mm/migrate.c",
	"mm/memblock.c", "kernel/vmcore_info.c", "kernel/crash_core.c",
	"mm/slub.c", "kernel/module/main.c", "kernel/module.c",
	"mm/page_isolation.c", "kernel/kallsyms.c", "init/version.c",
	"arch/x86/mm/numa.c", "kernel/printk/printk.c",
	"kernel/printk/printk_ringbuffer.c", "mm/hugetlb.c", "mm/vmstat.c",
	"lib/vsprintf.c",
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static bool is_priority(const char *cu)
{
	for (size_t i = 0; i < PO_ARRAY_SIZE(priority_cus); i++)
		if (ends_with(cu, priority_cus[i]))
			return true;
	return false;
}

/*
 * pass 0: the priority units; pass 1: all the others, until nothing required
 * is missing and `sought` (if any) is found.
 */
static void scan(struct po_dwarf *d, int pass, struct entry *sought)
{
	Dwarf_Off off = 0, next;
	size_t hsize;

	while (dwarf_nextcu(d->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, child;
		const char *cuname;

		/* the name read raw when it can be: libdw would parse the
		 * unit's abbreviations first */
		cuname = d->units_ok ? po_unit_name(&d->units, off) : NULL;
		if (cuname && (pass == 0) != is_priority(cuname))
			goto next;
		if (!dwarf_offdie(d->dw, off + hsize, &cu))
			goto next;
		if (!cuname) {
			cuname = dwarf_diename(&cu);
			if ((pass == 0) != (cuname && is_priority(cuname)))
				goto next;
		}
		if (dwarf_child(&cu, &child) == 0) {
			do {
				visit(d, &child);
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		if (pass == 1 && d->nr_missing == 0 && (!sought || sought->found))
			return;
next:
		off = next;
	}
	if (pass == 1)
		d->scanned_all = true;
}

static const struct { const char *prefix; enum kind kind; } kinds[] = {
	{ "struct ", K_STRUCT }, { "union ", K_UNION }, { "enum ", K_ENUM },
	{ "typedef ", K_TYPEDEF }, { "var ", K_VAR }, { "enumerator ", K_ENUMERATOR },
};

/* Add a name ("struct page?"); its entry, or NULL (out of memory or a name
 * of no known kind: *bad). */
static struct entry *add_name(struct po_dwarf *d, const char *s, bool *bad)
{
	size_t k, len;
	struct entry *e;

	*bad = false;
	for (k = 0; k < PO_ARRAY_SIZE(kinds); k++)
		if (!strncmp(s, kinds[k].prefix, strlen(kinds[k].prefix)))
			break;
	if (k == PO_ARRAY_SIZE(kinds)) {
		*bad = true;
		return NULL;
	}
	s += strlen(kinds[k].prefix);
	len = strlen(s);
	bool anywhere = len && s[len - 1] == '*';
	bool optional = anywhere || (len && s[len - 1] == '?');
	len -= optional;
	char *name = strndup(s, len);
	if (!name)
		return NULL;
	if ((e = find_entry(d, kinds[k].kind, name))) {
		free(name);
		if (e->optional && !optional && !e->found) {
			e->optional = false;
			d->nr_missing++;
		}
		e->anywhere |= anywhere;
		return e;
	}
	if (d->nr_entries == d->cap_entries) {
		size_t ncap = d->cap_entries ? d->cap_entries * 2 : 256;
		struct entry **n = po_xrealloc_array(d->entries, ncap, sizeof(*n));
		if (!n) {
			free(name);
			return NULL;
		}
		d->entries = n;
		d->cap_entries = ncap;
	}
	if (!(e = calloc(1, sizeof(*e)))) {
		free(name);
		return NULL;
	}
	e->kind = kinds[k].kind;
	e->name = name;
	e->optional = optional;
	e->anywhere = anywhere;
	unsigned h = hash_name(name);
	e->next = d->buckets[h];
	d->buckets[h] = e;
	d->entries[d->nr_entries++] = e;
	if (!optional)
		d->nr_missing++;
	return e;
}

static struct po_error *dwarf_want(void *arg, const char *const *names, size_t n)
{
	struct po_dwarf *d = arg;
	bool bad;

	for (size_t i = 0; i < n; i++)
		if (!add_name(d, names[i], &bad))
			return bad ? po_error_create(PO_ERR_INVALID, "bad type name '%s'", names[i]) :
				     &po_error_nomem;
	return NULL;
}

/* The entry of a name, indexed: the names declared since the last lookup
 * are searched for first. */
static struct entry *lookup(struct po_dwarf *d, enum kind k, const char *name,
			    bool declared_only)
{
	struct entry *e;

	if (d->nr_indexed < d->nr_entries) {
		scan(d, 0, NULL);
		if (d->nr_missing && !d->scanned_all)
			scan(d, 1, NULL);
		d->nr_indexed = d->nr_entries;
	}
	e = find_entry(d, k, name);
	if (!e && declared_only)
		return NULL;
	if (!e) {
		/* nobody declared it: found all the same, and counted */
		char full[256];
		bool bad;
		d->undeclared++;
		for (size_t i = 0; i < PO_ARRAY_SIZE(kinds); i++)
			if (kinds[i].kind == k)
				snprintf(full, sizeof(full), "%s%s*", kinds[i].prefix, name);
		/* for the developer who adds a lookup: which name to declare */
		if (getenv("PAGEOWNER_DEBUG_TYPES"))
			fprintf(stderr, "pageowner: type name not declared: %.*s\n",
				(int)strlen(full) - 1, full);
		if (!(e = add_name(d, full, &bad)))
			return NULL;
		d->nr_indexed = d->nr_entries;
		scan(d, 0, e);
	}
	if (!e->found && e->anywhere && !d->scanned_all)
		scan(d, 1, e);
	return e->found ? e : NULL;
}

static size_t dwarf_undeclared(void *arg)
{
	return ((struct po_dwarf *)arg)->undeclared;
}

/* Through typedefs and qualifiers. */
static Dwarf_Die strip_type(Dwarf_Die *type)
{
	Dwarf_Die t = *type;
	for (int i = 0; i < 16; i++) {
		int tag = dwarf_tag(&t);
		Dwarf_Attribute a;
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type && tag != DW_TAG_restrict_type &&
		    tag != DW_TAG_atomic_type)
			break;
		if (!dwarf_attr(&t, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
			break;
	}
	return t;
}

/* A DIE's type; a variable's definition has it through DW_AT_specification
 * (GCC: "extern T x;" in a header, then "T x;"), which
 * dwarf_attr_integrate() follows. */
static bool die_type(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute a;
	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, type);
}

static size_t die_size(Dwarf_Die *type)
{
	Dwarf_Word size;
	Dwarf_Die t = strip_type(type);
	if (dwarf_aggregate_size(&t, &size) != 0)
		return 0;
	return size;
}

static long die_array_len(Dwarf_Die *type)
{
	Dwarf_Die t = strip_type(type), child;
	Dwarf_Attribute a;
	Dwarf_Word w;

	if (dwarf_tag(&t) != DW_TAG_array_type || dwarf_child(&t, &child) != 0)
		return -1;
	do {
		if (dwarf_tag(&child) != DW_TAG_subrange_type)
			continue;
		if (dwarf_attr(&child, DW_AT_count, &a) && dwarf_formudata(&a, &w) == 0)
			return (long)w;
		if (dwarf_attr(&child, DW_AT_upper_bound, &a) &&
		    dwarf_formudata(&a, &w) == 0)
			return (long)w + 1;
		return 0; /* flexible array */
	} while (dwarf_siblingof(&child, &child) == 0);
	return -1;
}

static enum po_type_kind die_kind(Dwarf_Die *type)
{
	Dwarf_Die t = strip_type(type);
	switch (dwarf_tag(&t)) {
	case DW_TAG_base_type: return PO_KIND_INT;
	case DW_TAG_enumeration_type: return PO_KIND_ENUM;
	case DW_TAG_pointer_type: return PO_KIND_POINTER;
	case DW_TAG_array_type: return PO_KIND_ARRAY;
	case DW_TAG_structure_type: return PO_KIND_STRUCT;
	case DW_TAG_union_type: return PO_KIND_UNION;
	default: return PO_KIND_OTHER;
	}
}

/* A member and the DIE of its type, for the next step of a path. */
struct dmember {
	struct po_member m;
	Dwarf_Die type;
};

/* Find a direct or anonymous-nested member named name.  bitpos is absolute. */
static bool find_member(Dwarf_Die *type, const char *name, size_t len,
			uint64_t base, struct dmember *dm)
{
	Dwarf_Die t = strip_type(type), child;
	struct po_member *m = &dm->m;

	if (dwarf_child(&t, &child) != 0)
		return false;
	do {
		const char *mn;
		Dwarf_Attribute a;
		Dwarf_Word off = 0, w;
		Dwarf_Die mt;
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		mn = dwarf_diename(&child);
		if (dwarf_attr(&child, DW_AT_data_member_location, &a))
			dwarf_formudata(&a, &off);
		if (!die_type(&child, &mt))
			continue;
		if (!mn) {
			if (find_member(&mt, name, len, base + off, dm))
				return true;
			continue;
		}
		if (strlen(mn) != len || strncmp(mn, name, len) != 0)
			continue;
		dm->type = strip_type(&mt);
		m->size = die_size(&mt);
		m->kind = die_kind(&mt);
		m->array_len = die_array_len(&mt);
		m->bit_size = 0;
		m->bit_offset = -1;
		if (dwarf_attr(&child, DW_AT_bit_size, &a) && dwarf_formudata(&a, &w) == 0) {
			m->bit_size = (int)w;
			if (dwarf_attr(&child, DW_AT_data_bit_offset, &a) &&
			    dwarf_formudata(&a, &w) == 0) {
				uint64_t bitpos = base * 8 + w;
				m->offset = bitpos / 8;
				m->bit_offset = (int)(bitpos % 8);
			} else if (dwarf_attr(&child, DW_AT_bit_offset, &a) &&
				   dwarf_formudata(&a, &w) == 0) {
				/* DWARF 2-4, little endian: counted from the MSB */
				Dwarf_Word bs = m->size;
				Dwarf_Attribute b;
				if (dwarf_attr(&child, DW_AT_byte_size, &b))
					dwarf_formudata(&b, &bs);
				uint64_t bitpos = (base + off) * 8 + bs * 8 - w - m->bit_size;
				m->offset = bitpos / 8;
				m->bit_offset = (int)(bitpos % 8);
			} else {
				m->offset = base + off;
				m->bit_offset = 0;
			}
		} else {
			m->offset = base + off;
		}
		return true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

/* A named type's entry ("struct page"). */
static struct entry *type_entry(struct po_dwarf *d, const char *name)
{
	for (size_t k = 0; k < 4; k++) {
		size_t l = strlen(kinds[k].prefix);
		if (!strncmp(name, kinds[k].prefix, l))
			return lookup(d, kinds[k].kind, name + l, false);
	}
	return NULL;
}

static bool dwarf_type_size(void *arg, const char *type, size_t *size)
{
	struct entry *e = type_entry(arg, type);
	*size = e ? die_size(&e->die) : 0;
	return *size > 0;
}

static bool dwarf_member(void *arg, const char *type, const char *path,
			 struct po_member *m)
{
	struct entry *e = type_entry(arg, type);
	struct dmember dm;
	uint64_t base = 0;

	if (!e)
		return false;
	dm.type = e->die;
	for (;;) {
		const char *dot = strchr(path, '.');
		size_t len = dot ? (size_t)(dot - path) : strlen(path);
		Dwarf_Die t = dm.type;
		if (!find_member(&t, path, len, 0, &dm))
			return false;
		dm.m.offset += base;
		if (!dot) {
			*m = dm.m;
			return true;
		}
		base = dm.m.offset;
		path = dot + 1;
	}
}

static bool dwarf_enumerator(void *arg, const char *name, int64_t *value)
{
	struct entry *e = lookup(arg, K_ENUMERATOR, name, false);
	if (!e)
		return false;
	*value = e->value;
	return true;
}

static bool dwarf_variable(void *arg, const char *name, struct po_variable *v,
			   bool declared_only)
{
	struct entry *e = lookup(arg, K_VAR, name, declared_only);
	Dwarf_Die type;
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;

	if (!e)
		return false;
	memset(v, 0, sizeof(*v));
	v->kind = PO_KIND_OTHER;
	v->array_len = -1;
	if (die_type(&e->die, &type)) {
		v->kind = die_kind(&type);
		v->array_len = die_array_len(&type);
		v->size = die_size(&type);
	}
	if (dwarf_attr(&e->die, DW_AT_location, &a) &&
	    dwarf_getlocation(&a, &ops, &n) == 0 && n >= 1 && ops[0].atom == DW_OP_addr) {
		v->address = ops[0].number;
		v->have_address = true;
	}
	return true;
}

static void dwarf_destroy(void *arg)
{
	po_dwarf_close(arg);
}

const struct po_type_source_ops po_dwarf_type_source = {
	.type_size = dwarf_type_size,
	.member = dwarf_member,
	.enumerator = dwarf_enumerator,
	.variable = dwarf_variable,
	.want = dwarf_want,
	.undeclared = dwarf_undeclared,
	.destroy = dwarf_destroy,
};
