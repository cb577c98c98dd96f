/*
 * Flame graphs of allocated pages (flamegraph.c; po_flamegraph_svg() and
 * its options are in pageowner.h): the kinds of code that colour the
 * frames, for the unit tests.
 */
#ifndef PO_REPORT_FLAMEGRAPH_H
#define PO_REPORT_FLAMEGRAPH_H

#include <stddef.h>

/* Kinds of code, for colours and the legend. */
enum po_frame_kind {
	PO_KIND_ALLOC,   /* page allocator */
	PO_KIND_SLAB,    /* slab, kmalloc */
	PO_KIND_FS,      /* file systems, page cache, pipes, VFS */
	PO_KIND_NET,     /* networking */
	PO_KIND_MM,      /* the rest of mm: faults, vmalloc, page tables, ... */
	PO_KIND_DRIVER,  /* drivers, block layer, any module function */
	PO_KIND_OTHER,   /* the rest of the kernel: syscalls, scheduler, ... */
	PO_KIND_ROOT,    /* "all" and the --root frames */
	PO_NR_KINDS,
};
/* The kind of a frame as folded.c writes it ("name", "name+0x1/0x2",
 * "name[module]"). */
enum po_frame_kind po_frame_kind(const char *frame, size_t len);
const char *po_frame_kind_name(enum po_frame_kind kind);

#endif
