/*
 * A map from a 64-bit key (a stackdepot handle, a tgid, a gfp mask, a
 * memcg address, ...) to an entry whose layout the caller defines (keymap.c).
 * The entries sit in one array, in the order they were added; each begins
 * with its key:
 *
 *	struct agg { uint64_t key; uint64_t pages; };
 *	struct po_keymap m = PO_KEYMAP_INIT(struct agg);
 *	struct agg *a = po_keymap_get(&m, handle);
 *	if (!a)
 *		return &po_error_nomem;
 *	a->pages += n;
 *	...
 *	for (size_t i = 0; i < m.len; i++) use(po_keymap_at(&m, i));
 *	po_keymap_free(&m);
 *
 * An open-addressing index over the entries is rebuilt twice as large
 * whenever it is half full: memory is proportional to the number of distinct
 * keys.  Pointers to entries stay valid only until the next get or append.
 */
#ifndef PO_KEYMAP_H
#define PO_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

#include "pageowner.h"

struct po_keymap {
	unsigned char *entries; /* len entries of `size` bytes, in insertion order */
	size_t size;            /* bytes per entry, at least sizeof(uint64_t) */
	size_t len, cap;
	uint32_t *slots;        /* entry index + 1; 0 is an empty slot */
	size_t nslots;
	size_t last;            /* get's last entry, index + 1 (0: none) */
};

#define PO_KEYMAP_INIT(type) { .size = sizeof(type) }

void po_keymap_free(struct po_keymap *m);
/* The entry of key, added (zeroed but for its key) if new; NULL when out
 * of memory. */
void *po_keymap_get(struct po_keymap *m, uint64_t key);
/* The entry of key, or NULL. */
void *po_keymap_find(const struct po_keymap *m, uint64_t key);
/* A new zeroed entry even if key is already there (a list that may repeat
 * a key: lookups then find the first); NULL when out of memory. */
void *po_keymap_append(struct po_keymap *m, uint64_t key);
static inline void *po_keymap_at(const struct po_keymap *m, size_t i)
{
	return m->entries + i * m->size;
}
/* Sort the entries by cmp (two entries); entries that cmp finds equal keep
 * the order they were added in.  Lookups keep working. */
struct po_error *po_keymap_sort(struct po_keymap *m,
				int (*cmp)(const void *, const void *));

#endif
