/*
 * pageowner: read the Linux kernel's page_owner records out of a crash dump.
 *
 * Public interface of libpageowner.  Every function that can fail returns a
 * struct po_error * (NULL on success), modelled on libdrgn's drgn_error: the
 * message names the kernel symbol, address or file involved, and the code
 * says what kind of failure it was (the CLI maps codes to exit statuses).
 */
#ifndef PAGEOWNER_H
#define PAGEOWNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PAGEOWNER_VERSION "0.1.0"

/* Error codes.  Keep in sync with the EXIT STATUS section of pageowner(1). */
enum po_error_code {
	PO_OK = 0,
	PO_ERR_NOMEM,        /* out of memory */
	PO_ERR_OS,           /* a file could not be opened or read (errno) */
	PO_ERR_FORMAT,       /* the file is not a dump / not an ELF vmlinux */
	PO_ERR_CORRUPT,      /* the dump is truncated or corrupt */
	PO_ERR_DEBUGINFO,    /* vmlinux lacks DWARF, symbol or type */
	PO_ERR_MISMATCH,     /* vmlinux does not belong to the dump */
	PO_ERR_NO_PAGE_OWNER,/* page_owner was not enabled in the dumped kernel */
	PO_ERR_FAULT,        /* memory is not in the dump (filtered / absent) */
	PO_ERR_INVALID,      /* invalid argument or garbage data */
	PO_ERR_UNSUPPORTED,  /* kernel layout not supported */
	PO_ERR_INTERRUPTED,  /* stopped by the user */
	PO_ERR_STOP,         /* internal: a walk callback asked to stop */
	PO_ERR_USAGE,        /* an option value the kernel would refuse (e.g. nid=) */
};

struct po_error {
	enum po_error_code code;
	char *message;
};

struct po_error *po_error_create(enum po_error_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefix an error's message ("context: message"); returns err. */
struct po_error *po_error_prefix(struct po_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void po_error_destroy(struct po_error *err);
extern struct po_error po_error_nomem;
extern struct po_error po_error_stop;

/* Address spaces of a memory backend. */
enum po_addrspace { PO_KVADDR, PO_PADDR };

/*
 * A memory backend: the dump file through libkdumpfile, or crash's readmem()
 * in the crash extension.  read() must fill all len bytes or fail; a failure
 * for memory that is absent from the dump uses PO_ERR_FAULT.
 */
struct po_memory_ops {
	struct po_error *(*read)(void *arg, enum po_addrspace as, uint64_t addr,
				 void *buf, size_t len);
	void (*destroy)(void *arg);
};

struct po_program;

struct po_error *po_program_create(struct po_program **ret);
void po_program_destroy(struct po_program *prog);

/* Open a dump file (ELF, kdump-compressed, flattened). */
struct po_error *po_program_open_dump(struct po_program *prog, const char *path);
/* Or bring your own memory (crash extension). */
void po_program_set_memory(struct po_program *prog,
			   const struct po_memory_ops *ops, void *arg);
/*
 * VMCOREINFO from a backend that has the dump's own (crash's
 * pc->read_vmcoreinfo): read(arg, "KEY") returns the value as a malloc()ed
 * string, or NULL.  Values are checked as a dump file's are; the build id
 * is taken from it at once (so load_vmlinux checks the vmlinux against it).
 */
void po_program_set_vmcoreinfo_reader(struct po_program *prog,
				      char *(*read)(void *arg, const char *key),
				      void *arg);
/* Facts a custom memory backend knows; the dump backend sets them itself. */
void po_program_set_kaslr_offset(struct po_program *prog, uint64_t off);
void po_program_set_release(struct po_program *prog, const char *release);
/* Load vmlinux (DWARF and symbols) and check that it matches the dump. */
struct po_error *po_program_load_vmlinux(struct po_program *prog,
					 const char *path);
/* Resolve every layout; fails with PO_ERR_NO_PAGE_OWNER if it was off. */
struct po_error *po_program_init_kernel(struct po_program *prog);
/* Like init_kernel, but page_owner being off is not an error. */
struct po_error *po_program_init_kernel_no_owner(struct po_program *prog);
bool po_program_page_owner_enabled(struct po_program *prog);

/* Interrupt check (crash sets one); a walk stops with PO_ERR_INTERRUPTED. */
void po_program_set_interrupt(struct po_program *prog,
			      bool (*check)(void *arg), void *arg);

/* Is this file a dump (true) or something else (false)?  For argument order. */
bool po_file_is_dump(const char *path);
bool po_file_is_elf_vmlinux(const char *path);

/*
 * Values no kernel writes into a page_owner record: a bit flipped in storage,
 * a page of another dump, garbage in kernel memory.  A record that has one is
 * still printed where the kernel would print it (`pages`), is marked in JSON
 * ("suspect": [...]) and is left out of every total.
 */
enum po_suspect {
	PO_SUSPECT_ORDER = 1 << 0, /* order above the kernel's largest */
	PO_SUSPECT_PID = 1 << 1,   /* pid or tgid outside [0, PID_MAX_LIMIT] */
	PO_SUSPECT_TS = 1 << 2,    /* allocated after the dump (beyond twice its uptime) */
	PO_SUSPECT_STACK = 1 << 3, /* allocation stack unreadable */
};
/* "order,pid" for the bits of a suspect mask, in enum order. */
const char *po_suspect_name(unsigned bit);

/* One PFN as the decoder sees it. */
struct po_record {
	uint64_t pfn;
	uint64_t page_addr;     /* address of struct page */
	uint64_t page_flags;
	uint32_t page_type;     /* page_type / _mapcount word */
	uint64_t memcg_data;    /* 0 if the kernel has none */
	uint64_t private_;      /* page->private */
	uint64_t compound_head; /* raw compound_head / compound_info word */
	uint64_t ext_flags;     /* page_ext->flags */
	bool has_ext;           /* page_ext present */
	bool owner;             /* PAGE_EXT_OWNER set */
	bool allocated;         /* PAGE_EXT_OWNER_ALLOCATED set */
	bool buddy;             /* PageBuddy */
	unsigned buddy_order;
	/* struct page_owner (fields the kernel lacks are 0) */
	unsigned order;
	int last_migrate_reason; /* -1 = never migrated (MR_NEVER mapped to -1) */
	uint32_t gfp_mask;
	uint32_t handle;
	uint32_t free_handle;
	uint64_t ts_nsec;
	uint64_t free_ts_nsec;
	char comm[17];
	int32_t pid, tgid, free_pid, free_tgid;
	int pageblock_mt;       /* migratetype of the pageblock; -1 unknown */
	bool pageblock_isolate; /* 6.17+ isolate bit */
	unsigned suspect;       /* enum po_suspect bits (allocated records) */
};

/* Walk modes. */
enum po_walk_mode {
	PO_WALK_DEBUGFS, /* exactly the records /sys/kernel/debug/page_owner prints */
	PO_WALK_ALL,     /* every PFN that has a struct page (for counting) */
};

/* Counters filled by a walk. */
struct po_walk_stats {
	uint64_t pfns_scanned;    /* PFNs looked at */
	uint64_t pfns_allocated;  /* allocated head records printed (debugfs rules) */
	uint64_t pages_allocated; /* base pages in those records (2^order) */
	uint64_t pfns_buddy;      /* free pages in the buddy allocator */
	uint64_t pfns_skipped;    /* other PFNs skipped by the debugfs rules */
	uint64_t pfns_missing;    /* PFNs whose struct page/page_ext is not in the dump */
	uint64_t sections;        /* present memory sections */
	uint64_t sections_missing;/* sections whose arrays could not be read at all */
	/* allocated records with values no kernel writes (enum po_suspect):
	 * not in pfns_allocated/pages_allocated; a record may count in
	 * several of the per-kind counters */
	uint64_t records_suspect;
	uint64_t suspect_order, suspect_pid, suspect_ts, suspect_stack;
};

/*
 * The warnings a walk leaves for the user, one line each, "pageowner: "
 * first: PFNs whose data the dump lacks, suspect records, memcg names the
 * dump lacks.  `totals` says the report summed records (suspect ones were
 * left out) rather than printed them.
 */
void po_walk_stats_warn(struct po_program *prog, FILE *fp,
			const struct po_walk_stats *st, bool totals);

/* Return NULL to go on, &po_error_stop to stop cleanly, or an error. */
typedef struct po_error *(*po_record_fn)(struct po_program *prog,
					 const struct po_record *rec,
					 void *arg);

struct po_error *po_walk(struct po_program *prog, enum po_walk_mode mode,
			 po_record_fn fn, void *arg,
			 struct po_walk_stats *stats);
/* Decode one PFN (any state). */
struct po_error *po_get_record(struct po_program *prog, uint64_t pfn,
			       struct po_record *rec);
/* Translate a struct page address or physical address to a PFN. */
struct po_error *po_page_to_pfn(struct po_program *prog, uint64_t page,
				uint64_t *pfn);
uint64_t po_phys_to_pfn(struct po_program *prog, uint64_t phys);

/* A symbolized stack frame. */
struct po_frame {
	uint64_t addr;
	const char *name;   /* NULL if no symbol */
	const char *module; /* NULL for the core kernel */
	uint64_t offset, size;
};
struct po_stack {
	uint32_t handle;         /* with extra bits masked off */
	unsigned nr_frames;
	struct po_frame *frames;
	int refcount;            /* stack_record.count where the kernel has it, else -1 */
	char *text;              /* " %pS\n" per frame, built on first print */
	size_t text_len;
};
/* Look up a stack by handle (cached; the stack belongs to the program). */
struct po_error *po_stack_get(struct po_program *prog, uint32_t handle,
			      const struct po_stack **ret);
/* Print frames as the kernel's %pS, one per line with `indent` spaces. */
void po_stack_print(FILE *out, const struct po_stack *stack, int indent);
void po_frame_format(const struct po_frame *f, char *buf, size_t len);

/* Formatting helpers (kernel-compatible). */
void po_format_gfp(struct po_program *prog, uint32_t gfp, char *buf, size_t len);
void po_format_page_flags(struct po_program *prog, uint64_t flags, char *buf,
			  size_t len);
const char *po_migratetype_name(struct po_program *prog, int mt);
const char *po_migrate_reason_name(struct po_program *prog, int reason);
int po_gfp_migratetype(struct po_program *prog, uint32_t gfp);

/* memcg of a page. */
struct po_memcg_info {
	enum { PO_MEMCG_NONE, PO_MEMCG_SLAB, PO_MEMCG_CHARGED } kind;
	bool via_objcg;       /* MEMCG_DATA_KMEM */
	bool online;
	uint64_t memcg;       /* struct mem_cgroup address */
	uint64_t objcg;       /* obj_cgroup address, if any */
	char name[80];        /* cgroup leaf name as the kernel prints it */
	bool name_missing;    /* the name's memory is not in the dump: name is
				 "(unreadable)" and the line cannot match the kernel's */
};
struct po_error *po_page_memcg(struct po_program *prog,
			       const struct po_record *rec,
			       struct po_memcg_info *info);
/* When po_page_memcg() failed: which object could not be read and why, in
 * words that do not depend on the memory backend ("obj_cgroup 0x... not in
 * the dump"). */
void po_memcg_unreadable_text(const struct po_memcg_info *mi, const struct po_error *err,
			      char *buf, size_t len);

/* Reports (text unless stated). */
struct po_report_opts {
	bool json;
	int mode;            /* pages: 0 stack, 1 handle, 2 stack_handle */
	const char *nid_list;
	uint64_t threshold;  /* stacks: nr_base_pages below it are not printed */
	bool from_pages;     /* stacks */
	bool kernel_order;   /* stacks */
	int top_n;           /* top */
	bool dying_only;     /* memcg */
	const char *memcg_path;
};
struct po_error *po_report_pages(struct po_program *prog, FILE *out,
				 const struct po_report_opts *opts,
				 struct po_walk_stats *stats);
struct po_error *po_report_page(struct po_program *prog, FILE *out,
				uint64_t pfn, const struct po_report_opts *opts);
/* One decoded record in the bad-page report form (or JSON). */
void po_report_record(struct po_program *prog, FILE *out,
		      const struct po_record *rec, const struct po_report_opts *opts);
/* Every freed page that still carries page_owner data, with its free stack. */
struct po_error *po_report_freed(struct po_program *prog, FILE *out,
				 const struct po_report_opts *opts,
				 struct po_walk_stats *stats);
struct po_error *po_report_info(struct po_program *prog, FILE *out,
				const struct po_report_opts *opts);

/* Facts about the dump and kernel. */
const char *po_program_release(struct po_program *prog);
/* The build id of the dumped kernel (VMCOREINFO BUILD-ID), NULL if unknown. */
const char *po_program_build_id(struct po_program *prog);
const char *po_program_dump_format(struct po_program *prog);

#ifdef __cplusplus
}
#endif
#endif /* PAGEOWNER_H */
