/*
 * Where types and symbols come from.  A program has one type source (the
 * DWARF of a vmlinux, or the BTF the dump carries) and one symbol source (the
 * ELF symbol table of a vmlinux, or the dump's kallsyms).  The kernel model
 * asks by name only, "struct page" and a member path, an enumerator, a
 * global variable, a symbol, and never knows which source answers; program.c
 * turns these into the accessors the model uses (po_offsetof(), po_member(),
 * po_symbol_addr(), ...).
 */
#ifndef PO_ACCESS_DEBUGINFO_H
#define PO_ACCESS_DEBUGINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pageowner.h"

/* What a type is, typedefs and qualifiers stripped. */
enum po_type_kind {
	PO_KIND_OTHER, PO_KIND_INT, PO_KIND_ENUM, PO_KIND_POINTER, PO_KIND_ARRAY,
	PO_KIND_STRUCT, PO_KIND_UNION,
};

/* A member of a struct or union, found through anonymous members too. */
struct po_member {
	size_t offset;          /* byte offset of the storage unit */
	size_t size;            /* byte size of the member's type */
	int bit_offset;         /* from the LSB of the little-endian unit, -1 if none */
	int bit_size;           /* 0 if not a bit-field */
	enum po_type_kind kind; /* of the member's type */
	long array_len;         /* an array's length (0: flexible), else -1 */
};

/* A global variable: its type, and its link-time address where the source
 * knows it (DWARF tells a static variable from a namesake in another unit;
 * a symbol table may not). */
struct po_variable {
	enum po_type_kind kind;
	long array_len;         /* as in struct po_member */
	size_t size;
	bool have_address;
	uint64_t address;
};

/*
 * A type source.  Names are "struct X", "union X", "enum X", "typedef X";
 * member paths "a.b.c" (through anonymous members at each step).  Each
 * lookup answers false when the kernel has no such thing.
 */
struct po_type_source_ops {
	/* sizeof the type, 0 if unknown */
	bool (*type_size)(void *arg, const char *type, size_t *size);
	bool (*member)(void *arg, const char *type, const char *path, struct po_member *m);
	bool (*enumerator)(void *arg, const char *name, int64_t *value);
	/* a variable's type: a source may not know any (BTF keeps none);
	 * declared_only: answer only for a name declared with want() (a
	 * symbol lookup asks this way: it has the symbol source besides) */
	bool (*variable)(void *arg, const char *name, struct po_variable *v,
			 bool declared_only);
	/*
	 * The names the kernel model will ask for, so a source that must
	 * search (DWARF) indexes them in one pass: "struct page", "var
	 * mem_section", "enumerator PGTY_buddy"; a trailing '?' marks a name
	 * the kernel may lack, '*' one it may lack that lives outside the
	 * units page_owner's code is in (searched everywhere when asked for).
	 * Optional for a source that has everything at hand.
	 */
	struct po_error *(*want)(void *arg, const char *const *names, size_t n);
	/* names looked up that nobody declared with want() (a bug) */
	size_t (*undeclared)(void *arg);
	void (*destroy)(void *arg);
};

/* The type names a subsystem declares (want()), next to its code. */
struct po_type_names {
	const char *const *names;
	size_t n;
};
#define PO_TYPE_NAMES(...) { (const char *const[]){ __VA_ARGS__ }, \
	sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *) }

/* A symbol source: addresses at link time (a vmlinux: the program adds the
 * KASLR offset) or at run time (the dump's own kallsyms). */
struct po_symbol_source_ops {
	bool link_time;
	bool (*lookup)(void *arg, const char *name, uint64_t *addr);
	/* %pS: the symbol at or below addr, its offset and size */
	bool (*symbolize)(void *arg, uint64_t addr, const char **name,
			  uint64_t *offset, uint64_t *size);
	/* does the kernel's .rodata hold s (with its NUL)?  1 yes, 0 no,
	 * -1 unknown */
	int (*rodata_has_string)(void *arg, const char *s);
	void (*destroy)(void *arg);
};

#endif
