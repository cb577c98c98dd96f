/* Small helpers shared by the library (util.c). */
#ifndef PO_BASE_UTIL_H
#define PO_BASE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pageowner.h"

#define PO_ABSENT ((size_t)-1)
#define PO_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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
/* floor(log2(v)) (0 for 0) and ceil(log2(v)), as the kernel's ilog2() and
 * order_base_2() */
unsigned po_ilog2(uint64_t v);
unsigned po_order_base_2(uint64_t v);

#endif
