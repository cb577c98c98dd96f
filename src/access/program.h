/*
 * The program: what the library knows of one dumped kernel, as libdrgn's
 * struct drgn_program: where its memory comes from (a dump file, or crash's
 * readmem), its facts (release, build id, KASLR offset, VMCOREINFO), and its
 * type and symbol sources (debuginfo.h), with the accessors the kernel
 * model reads memory, types and symbols through (program.c).  The kernel
 * model itself (kernel/kernel.h) hangs off it.
 */
#ifndef PO_ACCESS_PROGRAM_H
#define PO_ACCESS_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pageowner.h"
#include "base/util.h"
#include "access/debuginfo.h"

struct po_dump;
struct po_kernel;
struct po_vmci_cache;

struct po_program {
	/* memory */
	const struct po_memory_ops *mem_ops;
	void *mem_arg;
	struct po_dump *dump;       /* when the memory is a dump file */
	/* facts */
	char release[80];
	char build_id[130];
	uint64_t kaslr_offset;
	/* VMCOREINFO of a custom backend (po_program_set_vmcoreinfo_reader) */
	char *(*vmci_read)(void *arg, const char *key);
	void *vmci_arg;
	struct po_vmci_cache *vmci_cache;
	/* debug info */
	const struct po_type_source_ops *types;
	void *types_arg;
	const struct po_symbol_source_ops *symbols;
	void *symbols_arg;
	char *vmlinux_path;         /* the file both came from */
	/* the PFN walk: threads, progress */
	unsigned threads;
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *progress_arg;
	char *debuginfo_how;        /* how it was found (debugsearch.c); NULL: given */
	char *dump_path;            /* the dump file, as the caller named it */
	char debuginfo_desc[192];   /* else what they are (the dump's BTF), for info */
	/* interrupt */
	bool (*interrupt)(void *arg);
	void *interrupt_arg;
	/* for info: one line per changing structure, the form found */
	char forms[2048];
	/* the kernel model (kernel/kernel.c), and how to free it */
	struct po_kernel *k;
	void (*k_destroy)(struct po_program *prog);
};

/* ---- memory ---- */
struct po_error *po_read(struct po_program *prog, uint64_t addr, void *buf,
			 size_t len);
struct po_error *po_read_phys(struct po_program *prog, uint64_t addr,
			      void *buf, size_t len);
struct po_error *po_read_u64(struct po_program *prog, uint64_t addr,
			     uint64_t *v);
struct po_error *po_read_u32(struct po_program *prog, uint64_t addr,
			     uint32_t *v);
/*
 * A reader of the program's memory for one thread: the program's own
 * (clone false), or an independent clone of it; NULL ops if the memory
 * cannot be cloned.
 */
struct po_reader {
	const struct po_memory_ops *ops;
	void *arg;
	bool owned;
};
struct po_error *po_reader_open(struct po_program *prog, bool clone,
				struct po_reader *r);
void po_reader_close(struct po_reader *r);
static inline struct po_error *po_reader_read(struct po_reader *r, uint64_t addr,
					      void *buf, size_t len)
{
	return r->ops->read(r->arg, PO_KVADDR, addr, buf, len);
}
/* A NUL-terminated string of at most len - 1 bytes (cut there). */
struct po_error *po_read_cstr(struct po_program *prog, uint64_t addr, char *buf,
			      size_t len);

/* ---- symbols (run-time addresses) ---- */
/* A global variable's address (the type source's, else the symbol
 * source's), false if unknown. */
bool po_symbol_addr(struct po_program *prog, const char *name, uint64_t *addr);
struct po_error *po_symbol_required(struct po_program *prog, const char *name,
				    uint64_t *addr);
/* %pS of a run-time address: the symbol at or below it. */
bool po_symbolize(struct po_program *prog, uint64_t addr, const char **name,
		  uint64_t *offset, uint64_t *size);
/* Does the kernel's .rodata hold s?  1 yes, 0 no, -1 unknown. */
int po_rodata_has_string(struct po_program *prog, const char *s);

/* ---- types ---- */
/* Declare the type names a subsystem will ask for (see debuginfo.h's
 * want()); before its first lookup. */
struct po_error *po_types_want(struct po_program *prog, const char *const *names,
			       size_t n);
static inline struct po_error *po_types_want_list(struct po_program *prog,
						  const struct po_type_names *t)
{
	return po_types_want(prog, t->names, t->n);
}
bool po_member(struct po_program *prog, const char *type, const char *path,
	       struct po_member *m);
/* Member offset; PO_ABSENT if missing. */
size_t po_offsetof(struct po_program *prog, const char *type, const char *path);
struct po_error *po_offsetof_required(struct po_program *prog, const char *type,
				      const char *path, size_t *off);
/* sizeof; 0 if unknown */
size_t po_sizeof(struct po_program *prog, const char *type);
bool po_has_type(struct po_program *prog, const char *type);
bool po_enum_value(struct po_program *prog, const char *name, int64_t *value);
bool po_variable(struct po_program *prog, const char *name, struct po_variable *v);
/* Lookups of type names nobody declared (a bug; the tests check 0). */
size_t po_types_undeclared(struct po_program *prog);
/* Where types and symbols came from, for messages: the vmlinux path. */
const char *po_debuginfo_name(struct po_program *prog);

/* ---- facts ---- */
/* A VMCOREINFO value of the dump (NULL if absent). */
const char *po_program_vmcoreinfo(struct po_program *prog, const char *key);
void po_note_form(struct po_program *prog, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool po_interrupted(struct po_program *prog);

#endif
