/* Small helpers shared by the library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

void *po_xrealloc_array(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return realloc(p, (n && size) ? n * size : 1);
}

char *po_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

uint64_t po_hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

uint64_t po_get_uint(const void *p, size_t size)
{
	switch (size) {
	case 1: return *(const uint8_t *)p;
	case 2: return po_get_u16(p);
	case 4: return po_get_u32(p);
	default: return po_get_u64(p);
	}
}

unsigned po_parse_release(const char *release)
{
	unsigned a = 0, b = 0, c = 0;

	if (!release || sscanf(release, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	if (c > 255)
		c = 255;
	return (a << 16) | (b << 8) | c;
}

/* qsort() that accepts an empty (possibly NULL) array, which C does not. */
void po_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1 && base)
		qsort(base, n, size, cmp);
}

unsigned po_ilog2(uint64_t v)
{
	unsigned r = 0;
	while (v >>= 1)
		r++;
	return r;
}

unsigned po_order_base_2(uint64_t v)
{
	return v <= 1 ? 0 : po_ilog2(v - 1) + 1;
}
