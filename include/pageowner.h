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
	/* Optional: a second, independent reader of the same memory for
	 * another thread (a dump file: its own libkdumpfile context).  Its
	 * reads and destroy go through these same ops.  Without it the PFN
	 * walk runs on one thread. */
	struct po_error *(*clone)(void *arg, void **ret);
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
/*
 * Threads for the PFN walk (default 1): with n > 1, n threads read memory
 * sections ahead of the walk, each through its own reader (the memory's
 * clone()), and, for reports that sum records (po_walk_parts()), decode
 * and sum them too; the calling thread reports them in PFN order, so every
 * report is byte-identical to one thread's.
 */
void po_program_set_threads(struct po_program *prog, unsigned n);
/* The CPUs this process may run on (at least 1). */
unsigned po_cpus_available(void);
/*
 * Progress of a PFN walk: fn(arg, done, total) in PFNs, called by the
 * walking thread at most once per memory section, and once more with done
 * == total at the end.
 */
void po_program_set_progress(struct po_program *prog,
			     void (*fn)(void *arg, uint64_t done, uint64_t total),
			     void *arg);
/* Facts a custom memory backend knows; the dump backend sets them itself. */
void po_program_set_kaslr_offset(struct po_program *prog, uint64_t off);
void po_program_set_release(struct po_program *prog, const char *release);
/* Load vmlinux (DWARF and symbols) and check that it matches the dump. */
struct po_error *po_program_load_vmlinux(struct po_program *prog,
					 const char *path);
/*
 * Or no vmlinux: the types from the dump's own BTF (CONFIG_DEBUG_INFO_BTF)
 * and the symbols from its kallsyms (VMCOREINFO names them since 6.0).
 * PO_ERR_DEBUGINFO when the dump has neither ("no kallsyms in VMCOREINFO
 * (kernel before 6.0)", "no BTF in the dump (CONFIG_DEBUG_INFO_BTF off?)").
 */
struct po_error *po_program_load_dump_debuginfo(struct po_program *prog);
/* What identifies a vmlinux: its build id (hex, "" if none) and the first
 * line of its linux_banner ("" if unknown). */
struct po_vmlinux_id {
	char build_id[130];
	char banner[256];
};
/* Read a vmlinux's id (PO_ERR_DEBUGINFO if it is not an ELF vmlinux). */
struct po_error *po_vmlinux_identify(const char *path, struct po_vmlinux_id *id);
/* Does a vmlinux of that id belong to the program's dump?  By build id,
 * else by release and banner; NULL if so (or if nothing tells), else a
 * PO_ERR_MISMATCH error naming both. */
struct po_error *po_program_check_vmlinux(struct po_program *prog, const char *path,
					  const struct po_vmlinux_id *id);
/* Is it the dump's vmlinux?  Its build id equals the dump's, or where one
 * of them has none, its banner names the dump's release. */
bool po_program_vmlinux_matches(struct po_program *prog, const struct po_vmlinux_id *id);

/*
 * Finding the debug info of the dump's kernel (access/debugsearch.c).  The
 * search, in order, stops at the first vmlinux whose build id is the
 * dump's (else whose banner names the dump's release:
 * po_program_vmlinux_matches()) and that has DWARF, and loads it:
 *  1. opts->vmlinux, if given: the only one tried (a vmlinux of another
 *     kernel is PO_ERR_MISMATCH, as po_program_load_vmlinux());
 *  2. each debug_dirs[i], then ROOT/usr/lib/debug: .build-id/NN/REST.debug,
 *     .build-id/NN/REST, boot/vmlinux-RELEASE (Debian, Ubuntu),
 *     lib/modules/RELEASE/vmlinux (Fedora, RHEL, SUSE); then the caller's
 *     candidates; then ROOT/boot/vmlinux-RELEASE,
 *     ROOT/lib/modules/RELEASE/build/vmlinux, ROOT/lib/modules/RELEASE/vmlinux,
 *     and the files named vmlinux* beside the dump;
 *  3. debuginfod, by build id (libdebuginfod: DEBUGINFOD_URLS, its cache);
 *  (4. the dump's own BTF and kallsyms: not yet.)
 * Nothing found: PO_ERR_DEBUGINFO, whose message names each place tried and
 * what was wrong there, and how to get the debug info of that release.
 */
struct po_debug_candidate {
	const char *path;
	const char *how;                /* for info: "found under --debug-dir DIR" */
	const struct po_vmlinux_id *id; /* already read (e.g. in a child process), or NULL */
};
struct po_debug_search_opts {
	const char *vmlinux;            /* given by the user: only this one */
	const char *vmlinux_how;        /* how it was given ("argument"; NULL: "given") */
	const char *const *debug_dirs;  /* --debug-dir, in order */
	size_t nr_debug_dirs;
	const struct po_debug_candidate *candidates; /* after the debug dirs */
	size_t nr_candidates;
	bool no_default_dirs;           /* not ROOT/usr/lib/debug, ROOT/boot, ROOT/lib/modules */
	const char *root;               /* ROOT of those (NULL or "": /) */
	bool no_beside_dump;            /* not the vmlinux* beside the dump */
	bool no_debuginfod;
	bool no_btf;                    /* not the dump's own BTF + kallsyms, the last step */
	FILE *progress;                 /* debuginfod's download progress, if a terminal */
};
/* The defaults: no file given, every step on, progress on stderr. */
void po_debug_search_opts_init(struct po_debug_search_opts *opts);
/* Search (the dump must be open) and load the debug info found. */
struct po_error *po_program_find_debuginfo(struct po_program *prog,
					   const struct po_debug_search_opts *opts);
/* Where the types and symbols came from: the file (NULL if none loaded)
 * and how it was found ("argument", "--debug-dir DIR (build-id link)",
 * "debuginfod http://...", "given" for po_program_load_vmlinux(), "the
 * search's last step" or "--btf" for the dump's own BTF, with no file). */
const char *po_program_debuginfo_path(struct po_program *prog);
const char *po_program_debuginfo_how(struct po_program *prog);

/* Resolve every layout; fails with PO_ERR_NO_PAGE_OWNER if it was off. */
struct po_error *po_program_init_kernel(struct po_program *prog);
/* Like init_kernel, but page_owner being off is not an error. */
struct po_error *po_program_init_kernel_no_owner(struct po_program *prog);
bool po_program_page_owner_enabled(struct po_program *prog);
/* NULL if page_owner was on, else the PO_ERR_NO_PAGE_OWNER error saying so. */
struct po_error *po_program_require_page_owner(struct po_program *prog);

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
	/* records the kernel does not print (so neither do the reports) whose
	 * flags contradict the rest of the record or the struct page: what a
	 * flipped bit leaves where an allocated record was.  A record marked
	 * freed that was not freed since its allocation (no free time after
	 * the allocation time, 5.13+), one with an
	 * allocation stack but without PAGE_EXT_OWNER, one marked allocated
	 * on a page the buddy allocator holds as free; the first one's PFN. */
	uint64_t records_inconsistent;
	uint64_t inconsistent_unfreed, inconsistent_no_owner, inconsistent_buddy;
	uint64_t inconsistent_first_pfn;
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

/*
 * A walk whose records a report sums (counts per stack, per process...),
 * spread over the program's threads (po_program_set_threads()): each reader
 * thread walks whole memory sections into partial sums of its own, which
 * the calling thread adds to arg section after section, in PFN order, so
 * the sums, and the order in which keys first appear, are those of one
 * thread.  part_new(arg) makes an empty partial sum (NULL: out of memory);
 * fn(prog, rec, part) adds a record to one, or to arg itself where a
 * section is walked on the calling thread, so a part is of arg's type;
 * part_merge(arg, part) adds part to arg and frees it; part_free(part)
 * frees one not merged.  fn runs on several threads at once: it may read
 * prog, not change it (no stack lookups: those are the merge's or the
 * report's).  Without part_new, po_walk(): records reach fn in order on
 * the calling thread, sections read ahead on the others.
 */
struct po_walk_ops {
	po_record_fn fn;
	void *(*part_new)(void *arg);
	struct po_error *(*part_merge)(void *arg, void *part);
	void (*part_free)(void *part);
};
struct po_error *po_walk_parts(struct po_program *prog, enum po_walk_mode mode,
			       const struct po_walk_ops *ops, void *arg,
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
/*
 * The stack of a handle (cached; it belongs to the program): *ret is NULL
 * when the dump does not give the record (a handle of garbage, a pool it
 * lacks), and why (if not NULL) says so; an error only when the caller must
 * stop (out of memory, interrupted).
 */
struct po_error *po_stack_lookup(struct po_program *prog, uint32_t handle,
				 const struct po_stack **ret, char *why, size_t len);
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

/* ---- reports ---- */

/* What `pages` prints after the two header lines (7.3's print modes). */
enum po_pages_mode {
	PO_PAGES_STACK,        /* the stack (default) */
	PO_PAGES_HANDLE,       /* the stackdepot handle */
	PO_PAGES_STACK_HANDLE, /* both */
};

/* Views of `stacks` (the files of /sys/kernel/debug/page_owner_stacks/). */
enum po_stacks_view {
	PO_STACKS_SHOW_STACKS,         /* show_stacks: frames, nr_base_pages */
	PO_STACKS_SHOW_HANDLES,        /* show_handles: handle, nr_base_pages */
	PO_STACKS_SHOW_STACKS_HANDLES, /* show_stacks_handles: frames, handle */
};

/* The first frame of a folded stack (stacks --folded --root, flamegraph
 * --root), that splits the stacks by who allocated. */
enum po_folded_root {
	PO_FOLDED_ROOT_NONE = 0,
	PO_FOLDED_ROOT_PROCESS, /* comm of the allocating task */
	PO_FOLDED_ROOT_MEMCG,   /* memcg path (a text gives the leaf name only);
				   "[slab]", "[uncharged]", "[unreadable]" */
	PO_FOLDED_ROOT_GFP,     /* gfp flags as %pGg prints them (or 0x mask) */
};

/* The options of every report; po_report_opts_init() sets the defaults. */
struct po_report_opts {
	bool json;
	enum po_pages_mode mode;   /* pages */
	const char *nid_list;      /* pages: --nid */
	bool freed;                /* pages: freed pages instead */
	uint64_t threshold;        /* stacks: nr_base_pages below it are not printed */
	bool from_pages;           /* stacks */
	bool kernel_order;         /* stacks */
	enum po_stacks_view view;  /* stacks */
	bool folded;               /* stacks: folded lines "caller;...;allocator pages" */
	bool offsets;              /* stacks --folded: keep +offset/size in frames */
	enum po_folded_root root;  /* stacks --folded: a first frame */
	int top_n;                 /* top */
	bool dying_only;           /* memcg */
	const char *memcg_path;    /* memcg */
	const char *phys, *page;   /* page: by physical or struct page address */
	const char *dmesg;         /* top: a saved kernel log (dmesg.DATE,
				    * vmcore-dmesg.txt) for the panic reason
				    * when the dump's own log has none */
};

/*
 * The options on a command line, parsed alike by pageowner(1) and the crash
 * extension: each puts PO_REPORT_LONG_OPTIONS in its getopt_long() table and
 * PO_REPORT_SHORT_OPTIONS in its short options (getopt.h), and hands every
 * option getopt_long() returns in this set to po_report_opts_set().  Front
 * ends number their own long-only options below PO_OPT_REPORT_FIRST.
 */
enum {
	PO_OPT_THRESHOLD = 't',   /* -t, --threshold N */
	PO_OPT_TOP_N = 'n',       /* -n N */
	PO_OPT_PHYS = 'p',        /* -p, --phys ADDR */
	PO_OPT_PAGE = 'P',        /* -P, --page ADDR */
	PO_OPT_REPORT_FIRST = 0x1000,
	PO_OPT_JSON = PO_OPT_REPORT_FIRST,
	PO_OPT_MODE,              /* --mode stack|handle|stack_handle */
	PO_OPT_NID,               /* --nid LIST */
	PO_OPT_FREED,
	PO_OPT_FROM_PAGES,
	PO_OPT_KERNEL_ORDER,
	PO_OPT_HANDLES,           /* the show_handles view */
	PO_OPT_STACKS_HANDLES,    /* the show_stacks_handles view */
	PO_OPT_DYING,
	PO_OPT_MEMCG,             /* --memcg PATH */
	PO_OPT_DMESG,             /* --dmesg FILE */
	PO_OPT_FOLDED,            /* stacks --folded */
	PO_OPT_OFFSETS,           /* --offsets (with --folded) */
	PO_OPT_ROOT,              /* --root process|memcg|gfp (with --folded) */
	PO_OPT_REPORT_LAST = PO_OPT_ROOT,
};
#define PO_REPORT_SHORT_OPTIONS "t:n:p:P:"
#define PO_REPORT_LONG_OPTIONS \
	{ "json", no_argument, NULL, PO_OPT_JSON }, \
	{ "mode", required_argument, NULL, PO_OPT_MODE }, \
	{ "nid", required_argument, NULL, PO_OPT_NID }, \
	{ "freed", no_argument, NULL, PO_OPT_FREED }, \
	{ "threshold", required_argument, NULL, PO_OPT_THRESHOLD }, \
	{ "from-pages", no_argument, NULL, PO_OPT_FROM_PAGES }, \
	{ "kernel-order", no_argument, NULL, PO_OPT_KERNEL_ORDER }, \
	{ "handles", no_argument, NULL, PO_OPT_HANDLES }, \
	{ "stacks-handles", no_argument, NULL, PO_OPT_STACKS_HANDLES }, \
	{ "dying", no_argument, NULL, PO_OPT_DYING }, \
	{ "memcg", required_argument, NULL, PO_OPT_MEMCG }, \
	{ "dmesg", required_argument, NULL, PO_OPT_DMESG }, \
	{ "folded", no_argument, NULL, PO_OPT_FOLDED }, \
	{ "offsets", no_argument, NULL, PO_OPT_OFFSETS }, \
	{ "root", required_argument, NULL, PO_OPT_ROOT }, \
	{ "phys", required_argument, NULL, PO_OPT_PHYS }, \
	{ "page", required_argument, NULL, PO_OPT_PAGE }

/* The defaults (top: 5 stacks). */
void po_report_opts_init(struct po_report_opts *opts);
/* Set report option opt (as getopt_long() returned it) with its argument;
 * a bad value, or an opt that is not a report option, is a PO_ERR_USAGE
 * error whose message names the option ("-n: 'x' is not a positive number"). */
struct po_error *po_report_opts_set(struct po_report_opts *opts, int opt,
				    const char *arg);
/* A number: decimal (leading zeros too: "010" is ten) or 0x hex; no sign,
 * no blanks, at most UINT64_MAX. */
bool po_parse_u64(const char *s, uint64_t *v);

/* The reports both front ends run, by name. */
enum po_report_kind {
	PO_REPORT_PAGES, PO_REPORT_PAGE, PO_REPORT_STACKS, PO_REPORT_TOP,
	PO_REPORT_MEMCG, PO_REPORT_INFO,
};
struct po_report_desc {
	const char *name;          /* "pages" */
	enum po_report_kind kind;
	bool needs_page_owner;     /* else it works with page_owner off */
	int operands;              /* arguments after the options: page's PFN */
	const char *summary;       /* one line, for help */
};
/* The table (and its size), and one entry by name (NULL if none). */
const struct po_report_desc *po_reports(size_t *n);
const struct po_report_desc *po_report_lookup(const char *name);
/* Does the report take option opt (a PO_OPT_* value)? */
bool po_report_takes(const struct po_report_desc *d, int opt);
/* The long name of a report option ("threshold"), for messages. */
const char *po_report_opt_name(int opt);
/*
 * Declare the type names the reports ask the debug info for, once the debug
 * info is loaded and before po_program_init_kernel(): the DWARF index then
 * finds them in its one pass over the units it reads (without this call a
 * report's first lookup makes a second pass).
 */
struct po_error *po_reports_want_types(struct po_program *prog);

/*
 * Run a report as both front ends do.  operands: page's PFN (decimal or 0x
 * hex) when no --phys/--page.  The report goes to out; notes (where the
 * stacks' totals came from, page_owner off) and the walk's warnings go to
 * notes, after out is flushed so that they follow what they are about.
 * stats (optional) gets the walk's counters (--strict looks at them).
 */
struct po_error *po_report_run(struct po_program *prog, const struct po_report_desc *d,
			       const struct po_report_opts *opts,
			       const char *const *operands, FILE *out, FILE *notes,
			       struct po_walk_stats *stats);

/* The reports themselves (text unless opts->json). */
struct po_error *po_report_pages(struct po_program *prog, FILE *out,
				 const struct po_report_opts *opts,
				 struct po_walk_stats *stats);
struct po_error *po_report_page(struct po_program *prog, FILE *out,
				uint64_t pfn, const struct po_report_opts *opts);
/* One decoded record in the bad-page report form (or JSON). */
struct po_error *po_report_record(struct po_program *prog, FILE *out,
				  const struct po_record *rec,
				  const struct po_report_opts *opts);
/* Every freed page that still carries page_owner data, with its free stack. */
struct po_error *po_report_freed(struct po_program *prog, FILE *out,
				 const struct po_report_opts *opts,
				 struct po_walk_stats *stats);
/* The dump, its kernel and the walk's counts; stats (may be NULL): the
 * walk's, for its warnings. */
struct po_error *po_report_info(struct po_program *prog, FILE *out,
				const struct po_report_opts *opts,
				struct po_walk_stats *stats);

/* Where the per-stack totals came from. */
enum po_stacks_source {
	PO_STACKS_FROM_STACK_LIST, /* the kernel's own stack_list (6.9+) */
	PO_STACKS_FROM_PAGES,      /* summed from the per-PFN records */
};
struct po_stacks_info {
	enum po_stacks_source source;
	bool fallback;             /* from pages because there is no stack_list */
	uint64_t nr_stacks;        /* stacks found (before the threshold) */
	uint64_t nr_printed;       /* stacks printed */
	uint64_t total_pages;      /* sum of nr_base_pages (> 0) over all stacks */
	uint64_t bad_stacks;       /* stacks whose frames could not be read */
	bool truncated;            /* the list walk stopped early (cycle / garbage) */
	char note[256];            /* why it stopped, if truncated */
	bool list_incomplete;      /* truncated, so counted from pages instead */
	struct po_walk_stats walk; /* from-pages only */
	/* stack_list only: records the stackdepot counts pages in that are
	 * not on the list (the kernel could not list them, or the list is
	 * damaged): not in the totals, as in show_stacks */
	uint64_t unlisted_stacks, unlisted_pages;
};
/*
 * Per-stack totals as /sys/kernel/debug/page_owner_stacks/show_stacks (or
 * the opts->view files) prints them, or one JSON object.  Uses
 * opts->threshold, from_pages, kernel_order, view; info says where the
 * totals came from (po_stacks_info_notes() puts that in words).
 * With opts->folded, one line per stack instead, "outermost;...;allocator
 * pages" (flamegraph.pl's input), always summed from the per-page records;
 * opts->offsets and root as po_folded_opts; kernel_order keeps first-seen
 * order instead of most pages first.
 */
struct po_error *po_report_stacks(struct po_program *prog, FILE *out,
				  const struct po_report_opts *opts,
				  struct po_stacks_info *info);
void po_stacks_info_notes(FILE *fp, const struct po_stacks_info *info);
/* Does the dumped kernel keep its own stack_list (6.9+)? */
bool po_have_stack_list(struct po_program *prog);

/*
 * The OOM question on one screen: greatest consumers by stack (opts->top_n),
 * processes, gfp masks, migratetypes, the dump's memory totals and the panic
 * reason from the kernel log.  Text, or one JSON object.
 */
struct po_error *po_report_top(struct po_program *prog, FILE *out,
			       const struct po_report_opts *opts,
			       struct po_walk_stats *stats);

/*
 * The memory cgroups of the dump, the pages charged to each (by what they
 * are), the kernel's dying counters next to what the walk found, and for
 * each dying memcg the pages, stacks and processes that pin it.  Uses
 * opts->json, dying_only, memcg_path.  Works with page_owner off.
 */
struct po_error *po_report_memcg(struct po_program *prog, FILE *out,
				 const struct po_report_opts *opts);

/*
 * `pageowner sort`: the kernel's tools/mm/page_owner_sort.c (Linux 6.12),
 * streaming its input and keeping one entry per distinct block.  Use:
 * po_sort_create(), then feed text with po_sort_feed_file() /
 * po_sort_feed_line() or records from a dump with po_sort_feed_dump(), then
 * po_sort_finish() and po_sort_print() (text, as page_owner_sort writes it)
 * or po_sort_print_json().
 */
/* Sort keys (--sort and the single-letter options). */
enum po_sort_key {
	PO_SORT_TIMES,      /* -t (default, descending) */
	PO_SORT_PAGES,      /* -m (descending) */
	PO_SORT_PID,        /* p, pid */
	PO_SORT_TGID,       /* tg, tgid */
	PO_SORT_NAME,       /* n, name, comm */
	PO_SORT_STACKTRACE, /* st, stacktrace */
	PO_SORT_TXT,        /* T, txt */
	PO_SORT_ALLOC_TS,   /* at, alloc_ts */
	PO_SORT_FREE_TS,    /* ft, free_ts */
	PO_SORT_ALLOCATOR,  /* ator, allocator */
};

/* Cull keys (--cull). */
#define PO_CULL_PID        (1u << 0)
#define PO_CULL_TGID       (1u << 1)
#define PO_CULL_NAME       (1u << 2)
#define PO_CULL_STACKTRACE (1u << 3)
#define PO_CULL_ALLOCATOR  (1u << 4)
#define PO_CULL_FREE       (1u << 5)

#define PO_SORT_MAX_KEYS 16

struct po_sort_opts {
	/* sort order: keys[i] with signs[i] (+1 ascending, -1 descending);
	 * nkeys == 0 means the default, -t (times, descending) */
	enum po_sort_key keys[PO_SORT_MAX_KEYS];
	int signs[PO_SORT_MAX_KEYS];
	int nkeys;
	unsigned cull;            /* PO_CULL_* bits; 0 = by the whole text */
	bool filter_released;     /* -f */
	/* selection (--pid, --tgid, --name); NULL = not selected on */
	long *pids; size_t nr_pids;
	long *tgids; size_t nr_tgids;
	char **names; size_t nr_names;
	bool debug;               /* -d: parse diagnostics on stderr */
};

/* Parse "[+|-]key[,...]" into opts->keys/signs; false if a key is unknown. */
bool po_sort_parse_keys(const char *arg, struct po_sort_opts *opts);
/* Parse "key[,...]" into opts->cull; false if a key is unknown. */
bool po_sort_parse_cull(const char *arg, struct po_sort_opts *opts);
/* Parse a comma-separated integer list; false if malformed (allocates *ret). */
bool po_sort_parse_nums(const char *arg, long **ret, size_t *nr);
/* Split a comma-separated list (allocates; free with po_sort_free_strv). */
bool po_sort_parse_strs(const char *arg, char ***ret, size_t *nr);
void po_sort_free_strv(char **v, size_t n);
/* Free what the parse functions allocated in opts. */
void po_sort_opts_release(struct po_sort_opts *opts);

struct po_sort;

/* opts is copied (its lists are borrowed: keep them alive). */
struct po_error *po_sort_create(const struct po_sort_opts *opts,
				struct po_sort **ret);
void po_sort_destroy(struct po_sort *s);

/* One line of debugfs page_owner text, with its '\n' (if any). */
struct po_error *po_sort_feed_line(struct po_sort *s, const char *line,
				   size_t len);
/* A whole stream of debugfs page_owner text (name is for messages). */
struct po_error *po_sort_feed_file(struct po_sort *s, FILE *in,
				   const char *name);
/* The records /sys/kernel/debug/page_owner of the dumped kernel would print. */
struct po_error *po_sort_feed_dump(struct po_sort *s, struct po_program *prog,
				   struct po_walk_stats *stats);
/* End of input: take a last block not followed by an empty line, and sort. */
struct po_error *po_sort_finish(struct po_sort *s);

/* Output of the sorted, culled blocks. */
void po_sort_print(struct po_sort *s, FILE *out);
void po_sort_print_json(struct po_sort *s, FILE *out);


/*
 * Folded stacks: the pages of each allocation stack as one string, frames
 * from the outermost caller to the allocator joined by ';' (the
 * "stackcollapse" format of flamegraph.pl, inferno and speedscope), summed
 * from a dump's per-page records, a debugfs page_owner (or show_stacks)
 * text, or a folded file; the input of `flamegraph` and `diff`.  Memory
 * grows with the number of distinct stacks, never with the number of pages.
 *
 * A frame is the function name without its offset ("pipe_write"), or with
 * it ("pipe_write+0x240/0x48c") with offsets; a module function has its
 * module appended ("foo[po_testmod]"); an address without a symbol stays an
 * address.  Blanks and ';' inside a frame become '_', so that a line is one
 * ';'-joined stack, one space and an integer.
 */
/* "process", "memcg", "gfp" (and "none") -> the root; false if none of them. */
bool po_folded_parse_root(const char *s, enum po_folded_root *root);
const char *po_folded_root_name(enum po_folded_root root);

struct po_folded_opts {
	enum po_folded_root root;
	bool offsets;      /* keep +offset/size in frames */
	bool root_only;    /* only the root frame: pages per process/memcg/gfp */
	bool strip_clones; /* "f.constprop.0", "f.isra.1", "f.cold" -> "f"
			      (so that two builds compare: diff) */
	bool optional;     /* a root a text input does not have (show_stacks,
			      folded) leaves the set empty and unavailable,
			      instead of being an error */
};

/* A set of folded stacks with their pages. */
struct po_folded;
struct po_error *po_folded_create(const struct po_folded_opts *opts,
				  struct po_folded **ret);
void po_folded_destroy(struct po_folded *f);
/* The pages of every record /sys/kernel/debug/page_owner would print
 * (suspect ones left out), summed into each of the n sets by its own
 * options, in one walk. */
struct po_error *po_folded_from_dump(struct po_program *prog,
				     struct po_folded *const *sets, size_t n,
				     struct po_walk_stats *stats);
/* Describe the n sets as read from prog's dump, file name: kernel release,
 * page size, RAM and the panic reason from the kernel log (for titles and
 * headers). */
struct po_error *po_folded_describe_dump(struct po_program *prog, const char *name,
					 struct po_folded *const *sets, size_t n);
/* Read a text into the n sets: a debugfs page_owner text, a show_stacks
 * text (or `pageowner stacks` output) or folded lines, told apart by its
 * first non-empty line (name is for messages and titles).  A root needs a
 * page_owner text: with another input a set that wants one is a
 * PO_ERR_USAGE error (unless optional).  A few lines not understood are
 * counted and left out; a text that is mostly not understood is a
 * PO_ERR_FORMAT error. */
struct po_error *po_folded_from_text(FILE *in, const char *name,
				     struct po_folded *const *sets, size_t n);
/* Most pages first (ties by name). */
struct po_error *po_folded_sort_pages(struct po_folded *f);
/* Print "stack pages\n" lines (pages >= threshold), in the current order. */
void po_folded_print(const struct po_folded *f, FILE *out, uint64_t threshold);
/* The pages and the distinct stacks of a set, and the lines of a text
 * input that were not understood. */
uint64_t po_folded_total_pages(const struct po_folded *f);
size_t po_folded_nr_stacks(const struct po_folded *f);
uint64_t po_folded_ignored_lines(const struct po_folded *f);

/*
 * Flame graphs of allocated pages: a self-contained interactive SVG drawn
 * from folded stacks, without Perl.  Each frame's width is the base pages
 * allocated below it (the sum of its callees'), the root "all" at the
 * bottom; hover text with frame, pages, MiB and % of RAM; click to zoom; a
 * search box; colours by the kind of code, with a legend.  With an old
 * profile, a differential graph: widths from the new one, each frame red by
 * its growth or blue by its shrinkage.
 */
struct po_flamegraph_opts {
	unsigned width;       /* image width in pixels, 200 to 100000 (0: 1200) */
	double minwidth;      /* leave out frames narrower than this many pixels
				 (the CLI's default: 0.1), or ... */
	double minwidth_pct;  /* ... this % of the width, when > 0 */
	const char *title;    /* NULL: "Allocated pages: <release>, <input>" */
	bool root_frames;     /* the first frame under "all" is a --root frame */
};
/*
 * Write the SVG of f to out.  With old (not NULL), a differential graph of
 * f against old: widths are f's pages, colours the change since old
 * (stacks only in old are not drawn: po_report_diff() lists them).
 */
struct po_error *po_flamegraph_svg(FILE *out, const struct po_folded *f,
				   const struct po_folded *old,
				   const struct po_flamegraph_opts *opts);

/*
 * `pageowner diff`: what grew between two page_owner profiles (two dumps,
 * a dump and a debugfs text, two texts): pages per stack before and after,
 * the stacks matched by function names without offsets or compiler clone
 * suffixes (so two builds of a kernel compare), sorted by growth, new and
 * vanished stacks marked; then the same per process (comm) and per memcg
 * path.  Memory grows with the distinct keys of both sides.
 */
/* One side: three sets filled from the same input. */
struct po_diff_side {
	struct po_folded *stacks;  /* no root, no offsets, clone suffixes dropped */
	struct po_folded *procs;   /* pages per comm (root process, root_only) */
	struct po_folded *memcgs;  /* pages per memcg path (root memcg, root_only) */
};
/* Create the three sets of a side (all NULL on error); destroy them. */
struct po_error *po_diff_side_create(struct po_diff_side *side);
void po_diff_side_destroy(struct po_diff_side *side);
/* The sets as an array for po_folded_from_dump() / po_folded_from_text(). */
static inline void po_diff_side_sets(struct po_diff_side *side, struct po_folded *sets[3])
{
	sets[0] = side->stacks;
	sets[1] = side->procs;
	sets[2] = side->memcgs;
}
struct po_diff_opts {
	uint64_t threshold;  /* rows whose change is smaller are not printed (0, 1: all changes) */
	bool json;
};
/* The report, text or one JSON object; "no change" when the two sides have
 * the same pages everywhere. */
struct po_error *po_report_diff(FILE *out, const struct po_diff_side *old,
				const struct po_diff_side *new_,
				const struct po_diff_opts *opts);

/* ---- utilities ---- */

/* A JSON string (RFC 8259): quotes, backslash and control characters
 * escaped, valid UTF-8 as it is, invalid bytes as \u00XX of their Latin-1
 * reading. */
void po_json_string(FILE *out, const char *s);

/* A file pageowner reads must be a regular file: NULL if path is one, else
 * a PO_ERR_OS error naming what it is ("is a FIFO (named pipe)") or why it
 * cannot be looked at.  Nothing is opened. */
struct po_error *po_file_check(const char *path);

/* Facts about the dump and kernel. */
const char *po_program_release(struct po_program *prog);
uint64_t po_program_kaslr_offset(struct po_program *prog);
/* A kernel symbol's run-time address, as the library finds it (false if
 * the debug info does not know it). */
bool po_program_symbol_address(struct po_program *prog, const char *name,
			       uint64_t *addr);
/* The build id of the dumped kernel (VMCOREINFO BUILD-ID), NULL if unknown. */
const char *po_program_build_id(struct po_program *prog);
const char *po_program_dump_format(struct po_program *prog);

#ifdef __cplusplus
}
#endif
#endif /* PAGEOWNER_H */
