/* Internal interfaces of libpageowner: one section per source file. */
#ifndef PO_INTERNAL_H
#define PO_INTERNAL_H

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pageowner.h"

#define PO_ABSENT ((size_t)-1)
#define PO_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- util.c ---- */
void *po_xrealloc_array(void *p, size_t n, size_t size);
char *po_strdup(const char *s);
uint64_t po_hash64(uint64_t x);
void po_qsort(void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *));
static inline uint64_t po_get_u64(const void *p) { uint64_t v; __builtin_memcpy(&v, p, 8); return v; }
static inline uint32_t po_get_u32(const void *p) { uint32_t v; __builtin_memcpy(&v, p, 4); return v; }
static inline uint16_t po_get_u16(const void *p) { uint16_t v; __builtin_memcpy(&v, p, 2); return v; }
uint64_t po_get_uint(const void *p, size_t size);
/* Parse "6.12.117-foo" into a comparable number (major<<16|minor<<8|patch<=255). */
unsigned po_parse_release(const char *release);
#define PO_KVER(a, b) (((a) << 16) | ((b) << 8))

/* ---- file.c: opening the files the user names ---- */
#include <sys/stat.h>
const char *po_file_type_name(mode_t mode);
/* NULL if st is a regular file, else a PO_ERR_OS error naming its type. */
struct po_error *po_file_check_regular(const char *path, const struct stat *st);
/* Open a regular file for reading (a FIFO or device is refused before any
 * read, without blocking); *size gets its size. */
struct po_error *po_file_open(const char *path, int *fd, uint64_t *size);
/* Same file (device and inode)? */
bool po_file_same(const char *a, const char *b);
/* Read len bytes at off.  With got, a short read stops there (*got bytes);
 * without, it is a PO_ERR_CORRUPT error naming the offset. */
struct po_error *po_file_pread(int fd, void *buf, size_t len, uint64_t off,
			       const char *path, size_t *got);

/* ---- vmcoreinfo.c: the dump's VMCOREINFO text, parsed and checked ---- */
struct po_vmcoreinfo;
struct po_error *po_vmcoreinfo_parse(const char *text, size_t len, const char *path,
				     struct po_vmcoreinfo **ret);
void po_vmcoreinfo_free(struct po_vmcoreinfo *vi);
const char *po_vmcoreinfo_get(const struct po_vmcoreinfo *vi, const char *key);
/* The checks po_vmcoreinfo_parse() applies to one KEY=VALUE line. */
struct po_error *po_vmcoreinfo_check(const char *source, const char *key, const char *value);

/* ---- dump_check.c: a dump file's headers, checked before libkdumpfile ---- */
enum po_dumpfile_kind { PO_DUMPFILE_ELF, PO_DUMPFILE_KDUMP };
struct po_dump_header {
	enum po_dumpfile_kind kind;
	char format[96];            /* "ELF", "kdump-compressed (zstd, dump level 31)" */
	uint32_t block_size, status; /* kdump */
	int32_t dump_level;
	uint64_t bitmap_off, bitmap_len, descs_off;
	uint64_t max_paddr;         /* end of the physical memory it describes */
	uint64_t data_start;        /* where the dump's data begins: the kdump
				       bitmaps, the first PT_LOAD; all of it
				       to the end of the file is written */
	char *vmcoreinfo;           /* its text (NUL-terminated) */
	size_t vmcoreinfo_len;
	struct po_vmcoreinfo *vi;   /* parsed and checked */
};
struct po_error *po_dump_check(int fd, const char *path, uint64_t size,
			       struct po_dump_header *h);
void po_dump_header_free(struct po_dump_header *h);

/* ---- dump.c: libkdumpfile backend ---- */
struct po_dump;
struct po_error *po_dump_open(const char *path, struct po_dump **ret);
void po_dump_close(struct po_dump *dump);
extern const struct po_memory_ops po_dump_memory_ops;
const char *po_dump_format(struct po_dump *dump);
/* VMCOREINFO line value (NULL if absent); owned by the dump. */
const char *po_dump_vmcoreinfo(struct po_dump *dump, const char *key);
uint64_t po_dump_page_size(struct po_dump *dump);
/* End of the physical memory the dump file describes (kdump max_mapnr, the
 * ELF PT_LOAD segments). */
uint64_t po_dump_max_paddr(struct po_dump *dump);

/* ---- flat.c: makedumpfile flattened format ---- */
bool po_flat_detect(int fd);
/* Rearrange a flattened file into an unlinked temporary file; returns its fd
 * and the byte ranges its records wrote. */
struct po_flat_extents;
struct po_error *po_flat_rearrange(int fd, const char *path, int *ret_fd,
				   struct po_flat_extents **ext);
/* Did the records write all of [start, end)?  Else the first hole. */
bool po_flat_covered(struct po_flat_extents *ext, uint64_t start, uint64_t end,
		     uint64_t *hole_start, uint64_t *hole_end);
void po_flat_extents_free(struct po_flat_extents *ext);

/* ---- dwarf.c: types from vmlinux DWARF (libdw) ---- */
struct po_dwarf;
struct po_error *po_dwarf_open(const char *path, struct po_dwarf **ret);
void po_dwarf_close(struct po_dwarf *dw);
/* Index the names we will ask for (call before lookups). */
struct po_error *po_dwarf_index(struct po_dwarf *dw, const char *const *names,
				size_t n);
/* Lookups return false when the name is unknown. */
bool po_dwarf_type(struct po_dwarf *dw, const char *name, Dwarf_Die *die);
bool po_dwarf_enumerator(struct po_dwarf *dw, const char *name, int64_t *value);
bool po_dwarf_variable(struct po_dwarf *dw, const char *name, Dwarf_Die *die);
struct po_member {
	size_t offset;       /* byte offset of the storage unit */
	size_t size;         /* byte size of the member's type */
	int bit_offset;      /* from LSB of the little-endian unit, -1 if none */
	int bit_size;        /* 0 if not a bitfield */
	Dwarf_Die type;      /* member type (typedefs/cv stripped) */
};
/* path: "a.b.c" through anonymous struct/union members. */
bool po_dwarf_member(Dwarf_Die *type, const char *path, struct po_member *m);
size_t po_dwarf_sizeof(Dwarf_Die *type);
Dwarf_Die po_dwarf_strip(Dwarf_Die *type);
/* Array length of an array type, or -1. */
long po_dwarf_array_len(Dwarf_Die *type);
bool po_dwarf_var_address(Dwarf_Die *var, uint64_t *addr);
bool po_dwarf_has_cu(struct po_dwarf *dw, const char *suffix);

/* ---- symbols.c: ELF symbol table, kallsyms-like lookups ---- */
struct po_symtab;
struct po_error *po_symtab_load(const char *path, struct po_symtab **ret);
void po_symtab_destroy(struct po_symtab *st);
/* Link-time address of a symbol (first match), false if unknown. */
bool po_symtab_lookup(struct po_symtab *st, const char *name, uint64_t *addr);
/* %pS lookup of a link-time address. */
bool po_symtab_symbolize(struct po_symtab *st, uint64_t addr, const char **name,
			 uint64_t *offset, uint64_t *size);
const char *po_symtab_build_id(struct po_symtab *st);
/* Whether .rodata of the file holds the string s (with its NUL):
 * 1 yes, 0 no, -1 no .rodata contents (a separate debug file). */
int po_symtab_has_string(struct po_symtab *st, const char *s);
/* linux_banner text from the file, NULL if unknown */
const char *po_symtab_banner(struct po_symtab *st);

/* ---- names.c: flag and enum name tables read from the dump ---- */
struct po_flag_name { uint64_t mask; char *name; };
#define PO_GFP_CACHE 64
struct po_names {
	struct { uint32_t gfp; bool valid; char text[192]; } gfp_cache[PO_GFP_CACHE];
	struct po_flag_name *gfp; size_t nr_gfp;
	struct po_flag_name *pageflags; size_t nr_pageflags;
	char **migratetypes; size_t nr_migratetypes;
	char **migrate_reasons; size_t nr_migrate_reasons;
	uint32_t gfp_movable, gfp_reclaimable; /* for gfp_migratetype() */
};
struct po_error *po_names_load(struct po_program *prog);
void po_names_free(struct po_names *n);

/* ---- stackdepot.c ---- */
struct po_stackdepot;
struct po_error *po_stackdepot_init(struct po_program *prog);
void po_stackdepot_destroy(struct po_program *prog);
uint32_t po_handle_mask(struct po_program *prog, uint32_t handle);

/* ---- memcg.c ---- */
struct po_error *po_memcg_init(struct po_program *prog);
void po_memcg_destroy(struct po_program *prog);
struct po_error *po_cgroup_name(struct po_program *prog, uint64_t cgroup,
				char *buf, size_t len);

/* ---- kernel.c: the kernel model ---- */
struct po_layout {
	unsigned kver;              /* parsed OSRELEASE */
	uint64_t page_size;
	unsigned page_shift;
	/* sparsemem */
	uint64_t mem_section;       /* address of mem_section symbol */
	bool sparse_extreme;        /* mem_section is a pointer to roots */
	unsigned section_size_bits;
	uint64_t pages_per_section;
	uint64_t sections_per_root;
	uint64_t nr_section_roots;
	uint64_t nr_sections;
	size_t sizeof_mem_section;
	size_t off_ms_mem_map, off_ms_page_ext, off_ms_usage;
	uint64_t section_map_mask;
	int bit_has_mem_map, bit_early, bit_present;
	size_t off_usage_subsection_map, off_usage_pageblock_flags;
	unsigned subsection_shift;  /* PFN_SECTION_SHIFT - SUBSECTION_SHIFT parts */
	/* struct page */
	size_t sizeof_page;
	size_t off_page_flags, off_page_private, off_page_type, off_memcg_data;
	size_t off_compound_head;
	bool compound_info;         /* 7.1+ compound_info */
	bool pgty;                  /* 6.11+ page_type top byte scheme */
	uint32_t pgty_buddy;
	uint32_t buddy_mapcount;    /* old scheme */
	/* page_ext */
	uint64_t page_ext_size;
	uint64_t page_owner_offset;
	int ext_owner_bit, ext_owner_allocated_bit;
	bool page_owner_enabled;
	/* struct page_owner */
	size_t sizeof_page_owner;
	size_t po_order, po_last_migrate_reason, po_gfp_mask, po_handle,
	       po_free_handle, po_ts_nsec, po_free_ts_nsec, po_comm, po_pid,
	       po_tgid, po_free_pid, po_free_tgid;
	size_t po_comm_len;
	/* orders */
	unsigned nr_page_orders;    /* LENGTH(zone.free_area) */
	uint64_t max_order_nr_pages;
	unsigned pageblock_order;
	unsigned pageblock_bits;    /* bits per pageblock in the bitmap */
	bool pb_isolate_bit;        /* PB_migrate_isolate exists */
	int pb_isolate;             /* its bit number */
	/* pfn range */
	uint64_t min_low_pfn, max_pfn;
	/* migrate reasons */
	bool mr_never;
	int mr_never_value;
	/* output format (per kernel version, see kernel-formats.md 3) */
	/* line 1 after "mask %#x(%pGg)": ", pid %d" (5.11+), ", tgid %d (%s)"
	 * (5.18+), ", ts %llu ns" (with pid), ", free_ts %llu ns" (5.13-6.6) */
	bool l1_pid, l1_tgid, l1_free_ts;
	int fmt_line2;  /* 0: PFN %lu ... Flags %#lx(%pGp)  1: PFN %lu .. %pGp (5.16+)  2: PFN 0x%lx (6.5+) */
	bool pgp_fields;  /* %pGp prints the page->flags fields (5.14+) */
	bool pgp_hex;     /* ... inside 0x<flags>( ) (5.16+) */
	bool memcg_line;  /* 5.18+ */
	int dump_fmt;     /* __dump_page_owner: 1 free_ts + free stack, 2 6.8+ free pid, 3 7.3 */
	/* page flag fields for %pGp */
	struct po_pff { char name[16]; int width, shift; bool hex; } pff[5];
	uint64_t pageflags_mask;
	int nr_pageflags;
	/* vmemmap */
	bool vmemmap;
	/* plausibility of records (enum po_suspect) */
	unsigned max_record_order;  /* largest order a record may have */
	uint64_t dump_uptime_ns;    /* the kernel's clock at the dump; 0 unknown */
	char dump_uptime_how[96];   /* where it came from */
};

struct po_symcache_entry { uint64_t addr; const char *name; uint64_t offset, size; bool valid; };

struct po_program {
	/* memory */
	const struct po_memory_ops *mem_ops;
	void *mem_arg;
	struct po_dump *dump;
	char *dump_path;
	/* facts */
	char release[80];
	char build_id[130];
	uint64_t kaslr_offset;
	bool have_kaslr;
	/* debug info */
	struct po_dwarf *dw;
	struct po_symtab *symtab;
	char *vmlinux_path;
	/* model */
	struct po_layout L;
	bool kernel_ready;
	struct po_names names;
	struct po_stackdepot *sd;
	struct po_memcg *memcg;
	/* caches */
	struct po_symcache_entry *symcache; size_t symcache_size;
	/* interrupt */
	bool (*interrupt)(void *arg);
	void *interrupt_arg;
	/* memcgs whose cgroup name is not in the dump (filtered pages) */
	uint64_t memcg_names_missing;
	/* notes for info: which structural form was found */
	char forms[2048];
	struct po_modules *modules; /* modules.c: module kallsyms, loaded lazily */
	/* VMCOREINFO of a custom backend (po_program_set_vmcoreinfo_reader) */
	char *(*vmci_read)(void *arg, const char *key);
	void *vmci_arg;
	struct po_vmci_cache *vmci_cache;
};

/* Memory accessors (relocation-aware helpers). */
struct po_error *po_read(struct po_program *prog, uint64_t addr, void *buf,
			 size_t len);
struct po_error *po_read_phys(struct po_program *prog, uint64_t addr,
			      void *buf, size_t len);
struct po_error *po_read_u64(struct po_program *prog, uint64_t addr,
			     uint64_t *v);
struct po_error *po_read_u32(struct po_program *prog, uint64_t addr,
			     uint32_t *v);
struct po_error *po_read_cstr(struct po_program *prog, uint64_t addr, char *buf,
			      size_t len);
/* Runtime address of a kernel symbol (DWARF variable or ELF symbol + KASLR). */
bool po_symbol_addr(struct po_program *prog, const char *name, uint64_t *addr);
struct po_error *po_symbol_required(struct po_program *prog, const char *name,
				    uint64_t *addr);
/* Member offset of a struct; PO_ABSENT if missing. */
size_t po_offsetof(struct po_program *prog, const char *type, const char *path);
struct po_error *po_offsetof_required(struct po_program *prog, const char *type,
				      const char *path, size_t *off);
size_t po_sizeof(struct po_program *prog, const char *type);
void po_note_form(struct po_program *prog, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool po_interrupted(struct po_program *prog);
/* A VMCOREINFO value of the dump (NULL if absent or no dump file). */
const char *po_program_vmcoreinfo(struct po_program *prog, const char *key);

/* ---- walk.c ---- */
/* Decode one PFN from bulk buffers. */
void po_decode_owner(struct po_program *prog, const uint8_t *owner,
		     struct po_record *rec);

/* ---- report_pages.c ---- */
/* Print one debugfs record.  mode as in po_report_opts. */
struct po_error *po_print_debugfs_record(struct po_program *prog, FILE *out,
					 const struct po_record *rec, int mode);
void po_print_line1(struct po_program *prog, FILE *out, const struct po_record *rec);
void po_print_json_record(struct po_program *prog, FILE *out,
			  const struct po_record *rec);

#endif /* PO_INTERNAL_H */
