/* Unit tests of keymap.c: lookups across index growth, repeated keys, the
 * stable sort, and lookups after it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pageowner.h"
#include "base/keymap.h"

static int failures, checks;

#define CHECK(cond) do { checks++; if (!(cond)) { failures++; \
	fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

struct ent {
	uint64_t key;
	uint64_t count;
	uint32_t first_seen;
};

static int by_count_desc(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	return (x->count < y->count) - (x->count > y->count);
}

static void test_get_find(void)
{
	struct po_keymap m = PO_KEYMAP_INIT(struct ent);
	const uint32_t n = 5000; /* several index rebuilds */

	CHECK(po_keymap_find(&m, 0) == NULL);
	/* key i is seen i % 7 + 1 times; key 0 is a key like any other */
	for (uint32_t round = 0; round < 7; round++) {
		for (uint32_t i = 0; i < n; i++) {
			if (round > i % 7)
				continue;
			uint64_t key = (uint64_t)i << 40 | i;
			struct ent *e = po_keymap_get(&m, key);
			CHECK(e && e->key == key);
			if (!e)
				goto out;
			if (!e->count)
				e->first_seen = (uint32_t)(m.len - 1);
			e->count++;
		}
	}
	CHECK(m.len == n);
	for (uint32_t i = 0; i < n; i++) {
		const struct ent *e = po_keymap_find(&m, (uint64_t)i << 40 | i);
		CHECK(e && e->count == i % 7 + 1);
		CHECK(e == po_keymap_at(&m, i));
	}
	CHECK(po_keymap_find(&m, (uint64_t)n << 40 | n) == NULL);

	/* stable: equal counts keep their first-seen order; lookups follow */
	CHECK(po_keymap_sort(&m, by_count_desc) == NULL);
	CHECK(m.len == n);
	for (size_t i = 1; i < m.len; i++) {
		const struct ent *a = po_keymap_at(&m, i - 1), *b = po_keymap_at(&m, i);
		CHECK(a->count > b->count ||
		      (a->count == b->count && a->first_seen < b->first_seen));
	}
	for (uint32_t i = 0; i < n; i += 97) {
		const struct ent *e = po_keymap_find(&m, (uint64_t)i << 40 | i);
		CHECK(e && e->count == i % 7 + 1 && e->first_seen == i);
	}
	struct ent *e = po_keymap_get(&m, 1ULL << 63);
	CHECK(e && e->count == 0 && m.len == n + 1);
out:
	po_keymap_free(&m);
	CHECK(m.len == 0 && po_keymap_find(&m, 1) == NULL);
}

static void test_append(void)
{
	struct po_keymap m = PO_KEYMAP_INIT(struct ent);
	struct ent *a = po_keymap_append(&m, 42), *b;

	CHECK(a != NULL);
	if (a)
		a->count = 1;
	b = po_keymap_append(&m, 42);
	CHECK(b != NULL && m.len == 2);
	if (b)
		b->count = 2;
	/* a repeated key: lookups find the first */
	b = po_keymap_find(&m, 42);
	CHECK(b && b->count == 1);
	b = po_keymap_get(&m, 42);
	CHECK(b && b->count == 1 && m.len == 2);
	CHECK(po_keymap_sort(&m, by_count_desc) == NULL);
	CHECK(((struct ent *)po_keymap_at(&m, 0))->count == 2);
	po_keymap_free(&m);

	/* a set: entries that are their key */
	struct po_keymap set = PO_KEYMAP_INIT(uint64_t);
	for (uint64_t k = 0; k < 1000; k++)
		CHECK(po_keymap_get(&set, k % 10) != NULL);
	CHECK(set.len == 10);
	po_keymap_free(&set);
}

int main(void)
{
	test_get_find();
	test_append();
	printf("%d checks, %d failures\n", checks, failures);
	return failures != 0;
}
