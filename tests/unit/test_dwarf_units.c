/* Unit tests of dwarf_units.c on hand-made units: DWARF 4 and 5, 32- and
 * 64-bit DWARF, names inline and in .debug_str/.debug_line_str, the unit
 * DIE's abbreviation after others (as GCC numbers them), forms it cannot
 * skip; then every truncation and every one-byte change of a unit, each
 * in a buffer of its exact size (ASan sees a read past it), never read
 * out of bounds and never a name that is not NUL-terminated in its
 * section. */
#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/dwarf_units.h"

static int failures, checks;

#define CHECK(cond) do { checks++; if (!(cond)) { failures++; \
	fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

struct buf {
	uint8_t b[512];
	size_t n;
};

static void put(struct buf *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b->b[b->n++] = (uint8_t)(v >> (8 * i));
}

static void uleb(struct buf *b, uint64_t v)
{
	do {
		uint8_t x = v & 0x7f;
		v >>= 7;
		b->b[b->n++] = x | (v ? 0x80 : 0);
	} while (v);
}

static void str(struct buf *b, const char *s)
{
	memcpy(b->b + b->n, s, strlen(s) + 1);
	b->n += strlen(s) + 1;
}

/* An abbreviation table: code 1 (a base type, with an implicit constant),
 * code 2 (the unit: producer strp, language data1, low_pc addr, then the
 * name in name_form, then stmt_list). */
static void abbrevs(struct buf *a, unsigned name_form)
{
	uleb(a, 1); uleb(a, DW_TAG_base_type); put(a, 0, 1);
	uleb(a, DW_AT_byte_size); uleb(a, DW_FORM_implicit_const); uleb(a, 8);
	uleb(a, DW_AT_name); uleb(a, DW_FORM_string);
	uleb(a, 0); uleb(a, 0);
	uleb(a, 2); uleb(a, DW_TAG_compile_unit); put(a, 1, 1);
	uleb(a, DW_AT_producer); uleb(a, DW_FORM_strp);
	uleb(a, DW_AT_language); uleb(a, DW_FORM_data1);
	uleb(a, DW_AT_low_pc); uleb(a, DW_FORM_addr);
	uleb(a, DW_AT_high_pc); uleb(a, DW_FORM_block1);
	uleb(a, DW_AT_name); uleb(a, name_form);
	uleb(a, DW_AT_stmt_list); uleb(a, DW_FORM_sec_offset);
	uleb(a, 0); uleb(a, 0);
	uleb(a, 0);
}

/* A unit of version 4 or 5, 32- or 64-bit DWARF, named by name_form
 * (DW_FORM_string: "mm/page_owner.c" inline; strp/line_strp: offset 4). */
static void unit(struct buf *info, unsigned version, bool dwarf64, unsigned name_form)
{
	unsigned osz = dwarf64 ? 8 : 4;
	size_t len_at;

	if (dwarf64)
		put(info, 0xffffffff, 4);
	len_at = info->n;
	put(info, 0, osz);
	put(info, version, 2);
	if (version == 5) {
		put(info, DW_UT_compile, 1);
		put(info, 8, 1);
		put(info, 0, osz);
	} else {
		put(info, 0, osz);
		put(info, 8, 1);
	}
	uleb(info, 2);
	put(info, 0, osz);		/* producer */
	put(info, 12, 1);		/* language */
	put(info, 0xffffffff81000000ull, 8);
	put(info, 3, 1); put(info, 0xabcdef, 3);
	if (name_form == DW_FORM_string)
		str(info, "mm/page_owner.c");
	else
		put(info, 4, osz);
	put(info, 0, osz);
	put(info, 0, 1);		/* no children */
	uint64_t len = info->n - len_at - osz;
	for (unsigned i = 0; i < osz; i++)
		info->b[len_at + i] = (uint8_t)(len >> (8 * i));
}

static const uint8_t strs[] = "xxx\0lib/stackdepot.c\0";
static const uint8_t line_strs[] = "yyy\0mm/sparse.c\0";

static const char *name_of(const struct buf *info, const struct buf *abbrev)
{
	struct po_units u = {
		{ info->b, info->n }, { abbrev->b, abbrev->n },
		{ strs, sizeof(strs) }, { line_strs, sizeof(line_strs) },
	};
	return po_unit_name(&u, 0);
}

static void test_forms(void)
{
	static const struct {
		unsigned version;
		bool dwarf64;
		unsigned form;
		const char *want;
	} cases[] = {
		{ 4, false, DW_FORM_string, "mm/page_owner.c" },
		{ 4, false, DW_FORM_strp, "lib/stackdepot.c" },
		{ 4, true, DW_FORM_strp, "lib/stackdepot.c" },
		{ 5, false, DW_FORM_line_strp, "mm/sparse.c" },
		{ 5, true, DW_FORM_line_strp, "mm/sparse.c" },
		{ 5, false, DW_FORM_string, "mm/page_owner.c" },
		{ 5, false, DW_FORM_strx1, NULL },	/* needs str_offsets_base */
		{ 5, false, DW_FORM_indirect, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf info = { .n = 0 }, abbrev = { .n = 0 };
		abbrevs(&abbrev, cases[i].form);
		unit(&info, cases[i].version, cases[i].dwarf64, cases[i].form);
		const char *n = name_of(&info, &abbrev);
		if (cases[i].want) {
			CHECK(n && strcmp(n, cases[i].want) == 0);
		} else {
			CHECK(n == NULL);
		}
	}
	/* versions it does not read, an offset past the section */
	struct buf info = { .n = 0 }, abbrev = { .n = 0 };
	abbrevs(&abbrev, DW_FORM_string);
	unit(&info, 4, false, DW_FORM_string);
	info.b[4] = 6;
	CHECK(name_of(&info, &abbrev) == NULL);
	info.b[4] = 1;
	CHECK(name_of(&info, &abbrev) == NULL);
	struct po_units u = { { info.b, info.n }, { abbrev.b, abbrev.n }, { NULL, 0 }, { NULL, 0 } };
	CHECK(po_unit_name(&u, info.n) == NULL);
	CHECK(po_unit_name(&u, UINT64_MAX) == NULL);
	/* strp with no .debug_str */
	info.n = 0;
	unit(&info, 4, false, DW_FORM_strp);
	abbrev.n = 0;
	abbrevs(&abbrev, DW_FORM_strp);
	u.info.size = info.n;
	u.abbrev.size = abbrev.n;
	CHECK(po_unit_name(&u, 0) == NULL);
}

static bool inside(const char *n, const uint8_t *p, size_t size)
{
	return (const uint8_t *)n >= p && (const uint8_t *)n < p + size &&
	       memchr(n, 0, size - (size_t)((const uint8_t *)n - p));
}

/* One unit's bytes at the start of an exactly sized heap buffer. */
static void hostile_one(const struct buf *info, const struct buf *abbrev,
			size_t info_n, size_t abbrev_n, int flip_info, int flip_abbrev,
			uint8_t x)
{
	uint8_t *i = malloc(info_n ? info_n : 1), *a = malloc(abbrev_n ? abbrev_n : 1);
	uint8_t *s = malloc(sizeof(strs)), *l = malloc(sizeof(line_strs));

	memcpy(i, info->b, info_n);
	memcpy(a, abbrev->b, abbrev_n);
	memcpy(s, strs, sizeof(strs));
	memcpy(l, line_strs, sizeof(line_strs));
	if (flip_info >= 0)
		i[flip_info] ^= x;
	if (flip_abbrev >= 0)
		a[flip_abbrev] ^= x;
	/* strings without their terminator at the section's end */
	s[sizeof(strs) - 1] = 'z';
	l[sizeof(line_strs) - 1] = 'z';
	struct po_units u = { { i, info_n }, { a, abbrev_n }, { s, sizeof(strs) }, { l, sizeof(line_strs) } };
	const char *n = po_unit_name(&u, 0);
	CHECK(!n || inside(n, i, info_n) || inside(n, s, sizeof(strs)) || inside(n, l, sizeof(line_strs)));
	free(i);
	free(a);
	free(s);
	free(l);
}

static void test_hostile(void)
{
	static const uint8_t xs[] = { 0x01, 0x80, 0xff, 0x7f };
	for (unsigned form = 0; form < 3; form++) {
		unsigned f = form == 0 ? DW_FORM_string : form == 1 ? DW_FORM_strp : DW_FORM_line_strp;
		for (int dwarf64 = 0; dwarf64 < 2; dwarf64++) {
			struct buf info = { .n = 0 }, abbrev = { .n = 0 };
			abbrevs(&abbrev, f);
			unit(&info, f == DW_FORM_line_strp ? 5 : 4, dwarf64, f);
			for (size_t n = 0; n <= info.n; n++)
				hostile_one(&info, &abbrev, n, abbrev.n, -1, -1, 0);
			for (size_t n = 0; n <= abbrev.n; n++)
				hostile_one(&info, &abbrev, info.n, n, -1, -1, 0);
			for (size_t k = 0; k < sizeof(xs); k++) {
				for (size_t p = 0; p < info.n; p++)
					hostile_one(&info, &abbrev, info.n, abbrev.n, (int)p, -1, xs[k]);
				for (size_t p = 0; p < abbrev.n; p++)
					hostile_one(&info, &abbrev, info.n, abbrev.n, -1, (int)p, xs[k]);
			}
		}
	}
}

int main(void)
{
	test_forms();
	test_hostile();
	printf("test_dwarf_units: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
