/* The kernel log out of the dump: the lockless printk ring buffer of 5.10+
 * (kmsg.c). */
#ifndef PO_KERNEL_KMSG_H
#define PO_KERNEL_KMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pageowner.h"
#include "access/debuginfo.h"

extern const struct po_type_names po_kmsg_types;

/* Called for each committed record, oldest first; return true to stop. */
typedef bool (*po_kmsg_fn)(uint64_t seq, uint64_t ts_nsec, const char *text,
			   size_t len, void *arg);
struct po_error *po_kmsg_foreach(struct po_program *prog, po_kmsg_fn fn,
				 void *arg);
/*
 * The reason of the last "Kernel panic - not syncing: " line in the log
 * (without that prefix).  *found is false when the log has none.
 */
struct po_error *po_kmsg_panic_reason(struct po_program *prog, char *buf,
				      size_t len, bool *found);
/* The latest timestamp of the log's records (0 if it has none). */
struct po_error *po_kmsg_last_ts(struct po_program *prog, uint64_t *ts);

/* The same from a saved log (dmesg.DATE, vmcore-dmesg.txt): the text after
 * the first "Kernel panic - not syncing: " that starts a line (after a
 * "<N>" level and a "[time]" stamp). */
bool po_kmsg_text_panic_reason(const char *text, size_t len, char *buf, size_t blen);

#endif
