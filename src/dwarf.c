/*
 * Types, members, enumerators and variables from the vmlinux DWARF (libdw).
 *
 * A vmlinux has hundreds of thousands of top-level DIEs, so we index only
 * the names the kernel model asks for, in one pass: first over the
 * compilation units that define what page_owner needs (mm/page_owner.c,
 * lib/stackdepot.c, ...), then over all units if a required name is still
 * missing.  Names are "struct X", "union X", "enum X", "typedef X",
 * "var X" or "enumerator X"; a trailing '?' marks a name that may be absent.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

enum kind { K_STRUCT, K_UNION, K_ENUM, K_TYPEDEF, K_VAR, K_ENUMERATOR };

struct entry {
	enum kind kind;
	char *name;
	bool optional;
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
	char *path;
	struct entry *entries;
	size_t nr_entries;
	struct entry *buckets[NBUCKETS];
	size_t nr_missing;
	char **cu_names;
	size_t nr_cu_names;
};

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

	if (!d)
		return &po_error_nomem;
	d->path = strdup(path);
	d->fd = open(path, O_RDONLY);
	if (d->fd < 0) {
		struct po_error *err = po_error_create(PO_ERR_OS, "%s: %s", path,
						       strerror(errno));
		free(d->path);
		free(d);
		return err;
	}
	d->dw = dwarf_begin(d->fd, DWARF_C_READ);
	if (!d->dw) {
		struct po_error *err = po_error_create(PO_ERR_DEBUGINFO,
			"%s: no DWARF debug information (%s); give the vmlinux with debug info (e.g. from the -dbg package)",
			path, dwarf_errmsg(-1));
		close(d->fd);
		free(d->path);
		free(d);
		return err;
	}
	*ret = d;
	return NULL;
}

void po_dwarf_close(struct po_dwarf *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nr_entries; i++)
		free(d->entries[i].name);
	free(d->entries);
	for (size_t i = 0; i < d->nr_cu_names; i++)
		free(d->cu_names[i]);
	free(d->cu_names);
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
	const char *name = dwarf_diename(die);
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
			Dwarf_Die b = po_dwarf_strip(&ut);
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
	if (!name)
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

/* pass 0: priority units; pass 1: all the others */
static void scan(struct po_dwarf *d, int pass)
{
	Dwarf_Off off = 0, next;
	size_t hsize;

	while (dwarf_nextcu(d->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, child;
		const char *cuname;
		bool prio;

		if (!dwarf_offdie(d->dw, off + hsize, &cu))
			goto next;
		cuname = dwarf_diename(&cu);
		prio = cuname && is_priority(cuname);
		if (pass == 0 && cuname && !prio && d->nr_cu_names < 100000) {
			/* remember unit names for po_dwarf_has_cu() */
		}
		if (pass == 0 && cuname) {
			char **n = po_xrealloc_array(d->cu_names, d->nr_cu_names + 1,
						     sizeof(*n));
			if (n) {
				d->cu_names = n;
				n[d->nr_cu_names] = strdup(cuname);
				if (n[d->nr_cu_names])
					d->nr_cu_names++;
			}
		}
		if ((pass == 0) != prio)
			goto next;
		if (dwarf_child(&cu, &child) == 0) {
			do {
				visit(d, &child);
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		if (pass == 1 && d->nr_missing == 0)
			return;
next:
		off = next;
	}
}

struct po_error *po_dwarf_index(struct po_dwarf *d, const char *const *names,
				size_t n)
{
	static const struct { const char *prefix; enum kind kind; } kinds[] = {
		{ "struct ", K_STRUCT }, { "union ", K_UNION }, { "enum ", K_ENUM },
		{ "typedef ", K_TYPEDEF }, { "var ", K_VAR },
		{ "enumerator ", K_ENUMERATOR },
	};

	d->entries = calloc(n, sizeof(*d->entries));
	if (!d->entries)
		return &po_error_nomem;
	for (size_t i = 0; i < n; i++) {
		struct entry *e = &d->entries[i];
		const char *s = names[i];
		size_t k, len;
		for (k = 0; k < PO_ARRAY_SIZE(kinds); k++)
			if (strncmp(s, kinds[k].prefix, strlen(kinds[k].prefix)) == 0)
				break;
		if (k == PO_ARRAY_SIZE(kinds))
			return po_error_create(PO_ERR_INVALID, "bad DWARF index name '%s'", s);
		e->kind = kinds[k].kind;
		s += strlen(kinds[k].prefix);
		len = strlen(s);
		e->optional = len && s[len - 1] == '?';
		e->name = strndup(s, len - e->optional);
		if (!e->name)
			return &po_error_nomem;
		if (find_entry(d, e->kind, e->name)) {
			free(e->name);
			e->name = NULL;
			continue;
		}
		unsigned h = hash_name(e->name);
		e->next = d->buckets[h];
		d->buckets[h] = e;
		d->nr_entries = i + 1;
		if (!e->optional)
			d->nr_missing++;
	}
	d->nr_entries = n;
	scan(d, 0);
	if (d->nr_missing)
		scan(d, 1);
	if (d->nr_cu_names == 0)
		return po_error_create(PO_ERR_DEBUGINFO,
				       "%s: no DWARF compilation units: not a vmlinux with debug info",
				       d->path);
	return NULL;
}

bool po_dwarf_has_cu(struct po_dwarf *d, const char *suffix)
{
	for (size_t i = 0; i < d->nr_cu_names; i++)
		if (ends_with(d->cu_names[i], suffix))
			return true;
	return false;
}

bool po_dwarf_type(struct po_dwarf *d, const char *name, Dwarf_Die *die)
{
	static const struct { const char *prefix; enum kind kind; } kinds[] = {
		{ "struct ", K_STRUCT }, { "union ", K_UNION }, { "enum ", K_ENUM },
		{ "typedef ", K_TYPEDEF },
	};
	for (size_t k = 0; k < PO_ARRAY_SIZE(kinds); k++) {
		size_t l = strlen(kinds[k].prefix);
		if (strncmp(name, kinds[k].prefix, l) == 0) {
			struct entry *e = find_entry(d, kinds[k].kind, name + l);
			if (!e || !e->found)
				return false;
			*die = e->die;
			return true;
		}
	}
	return false;
}

bool po_dwarf_enumerator(struct po_dwarf *d, const char *name, int64_t *value)
{
	struct entry *e = find_entry(d, K_ENUMERATOR, name);
	if (!e || !e->found)
		return false;
	*value = e->value;
	return true;
}

bool po_dwarf_variable(struct po_dwarf *d, const char *name, Dwarf_Die *die)
{
	struct entry *e = find_entry(d, K_VAR, name);
	if (!e || !e->found)
		return false;
	*die = e->die;
	return true;
}

Dwarf_Die po_dwarf_strip(Dwarf_Die *type)
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

static bool die_type(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute a;
	return dwarf_attr(die, DW_AT_type, &a) && dwarf_formref_die(&a, type);
}

size_t po_dwarf_sizeof(Dwarf_Die *type)
{
	Dwarf_Word size;
	Dwarf_Die t = po_dwarf_strip(type);
	if (dwarf_aggregate_size(&t, &size) != 0)
		return 0;
	return size;
}

long po_dwarf_array_len(Dwarf_Die *type)
{
	Dwarf_Die t = po_dwarf_strip(type), child;
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

/* Find a direct or anonymous-nested member named name.  bitpos is absolute. */
static bool find_member(Dwarf_Die *type, const char *name, size_t len,
			uint64_t base, struct po_member *m)
{
	Dwarf_Die t = po_dwarf_strip(type), child;

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
			if (find_member(&mt, name, len, base + off, m))
				return true;
			continue;
		}
		if (strlen(mn) != len || strncmp(mn, name, len) != 0)
			continue;
		m->type = po_dwarf_strip(&mt);
		m->size = po_dwarf_sizeof(&mt);
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

bool po_dwarf_member(Dwarf_Die *type, const char *path, struct po_member *m)
{
	Dwarf_Die t = *type;
	uint64_t base = 0;

	for (;;) {
		const char *dot = strchr(path, '.');
		size_t len = dot ? (size_t)(dot - path) : strlen(path);
		if (!find_member(&t, path, len, 0, m))
			return false;
		m->offset += base;
		if (!dot)
			return true;
		base = m->offset;
		t = m->type;
		path = dot + 1;
	}
}

bool po_dwarf_var_address(Dwarf_Die *var, uint64_t *addr)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;

	if (!dwarf_attr(var, DW_AT_location, &a) ||
	    dwarf_getlocation(&a, &ops, &n) != 0 || n < 1 ||
	    ops[0].atom != DW_OP_addr)
		return false;
	*addr = ops[0].number;
	return true;
}
