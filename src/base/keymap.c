/* Entries keyed by a uint64_t, in insertion order, with a hash index (keymap.h). */
#include <stdlib.h>
#include <string.h>

#include "base/keymap.h"
#include "base/util.h"

#define MIN_SLOTS 256
#define MIN_ENTRIES 64

static uint64_t key_of(const struct po_keymap *m, size_t i)
{
	return po_get_u64(po_keymap_at(m, i));
}

void po_keymap_free(struct po_keymap *m)
{
	free(m->entries);
	free(m->slots);
	m->entries = NULL;
	m->slots = NULL;
	m->len = m->cap = m->nslots = m->last = 0;
}

static void index_insert(uint32_t *slots, size_t nslots, uint64_t key, size_t i)
{
	size_t j = po_hash64(key) & (nslots - 1);
	while (slots[j])
		j = (j + 1) & (nslots - 1);
	slots[j] = (uint32_t)(i + 1);
}

/* An index (at most half full) over the first n entries. */
static bool index_rebuild(struct po_keymap *m, size_t n)
{
	size_t nslots = MIN_SLOTS;
	while (nslots < 2 * n)
		nslots *= 2;
	uint32_t *slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return false;
	for (size_t i = 0; i < m->len; i++)
		index_insert(slots, nslots, key_of(m, i), i);
	free(m->slots);
	m->slots = slots;
	m->nslots = nslots;
	return true;
}

void *po_keymap_find(const struct po_keymap *m, uint64_t key)
{
	if (!m->nslots)
		return NULL;
	for (size_t j = po_hash64(key) & (m->nslots - 1); m->slots[j];
	     j = (j + 1) & (m->nslots - 1)) {
		void *e = po_keymap_at(m, m->slots[j] - 1);
		if (po_get_u64(e) == key)
			return e;
	}
	return NULL;
}

void *po_keymap_append(struct po_keymap *m, uint64_t key)
{
	if (m->len >= UINT32_MAX - 1)
		return NULL;
	if ((m->len + 1) * 2 > m->nslots && !index_rebuild(m, m->len + 1))
		return NULL;
	if (m->len == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : MIN_ENTRIES;
		unsigned char *v = po_xrealloc_array(m->entries, cap, m->size);
		if (!v)
			return NULL;
		m->entries = v;
		m->cap = cap;
	}
	void *e = po_keymap_at(m, m->len);
	memset(e, 0, m->size);
	memcpy(e, &key, sizeof(key));
	index_insert(m->slots, m->nslots, key, m->len++);
	return e;
}

void *po_keymap_get(struct po_keymap *m, uint64_t key)
{
	/* runs of one key (the pages of one stack, of one process) skip the
	 * hash and the probe */
	if (m->last && key_of(m, m->last - 1) == key)
		return po_keymap_at(m, m->last - 1);
	void *e = po_keymap_find(m, key);
	if (!e)
		e = po_keymap_append(m, key);
	if (e)
		m->last = (size_t)((unsigned char *)e - m->entries) / m->size + 1;
	return e;
}

/* qsort_r() on entry indexes: cmp, then the index (a stable sort). */
struct sort_arg {
	const struct po_keymap *m;
	int (*cmp)(const void *, const void *);
};

static int cmp_index(const void *a, const void *b, void *arg)
{
	const struct sort_arg *s = arg;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	int r = s->cmp(po_keymap_at(s->m, i), po_keymap_at(s->m, j));
	return r ? r : (i > j) - (i < j);
}

struct po_error *po_keymap_sort(struct po_keymap *m,
				int (*cmp)(const void *, const void *))
{
	struct sort_arg arg = { m, cmp };

	if (m->len < 2)
		return NULL;
	uint32_t *order = po_xrealloc_array(NULL, m->len, sizeof(*order));
	unsigned char *sorted = po_xrealloc_array(NULL, m->cap, m->size);
	if (!order || !sorted) {
		free(order);
		free(sorted);
		return &po_error_nomem;
	}
	for (size_t i = 0; i < m->len; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, m->len, sizeof(*order), cmp_index, &arg);
	for (size_t i = 0; i < m->len; i++)
		memcpy(sorted + i * m->size, po_keymap_at(m, order[i]), m->size);
	free(order);
	free(m->entries);
	m->entries = sorted;
	m->last = 0;
	/* the old index would find the entries where they were */
	memset(m->slots, 0, m->nslots * sizeof(*m->slots));
	for (size_t i = 0; i < m->len; i++)
		index_insert(m->slots, m->nslots, key_of(m, i), i);
	return NULL;
}
