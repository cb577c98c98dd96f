/*
 * The names of a vmlinux's compilation units, read raw.
 *
 * The DWARF index (dwarf.c) visits only the units that define what
 * page_owner needs, chosen by name.  Asking libdw for a unit's name costs
 * the unit's whole abbreviation table: GCC numbers abbreviations by use, so
 * the unit DIE's, used once, comes last, and libdw parses (and allocates)
 * every entry before it.  Over the 1,200-3,000 units of a vmlinux that was
 * a third of pageowner's start-up.  Here the unit header, the one
 * abbreviation and the unit DIE's attributes are decoded in place, bounds
 * checked; whatever is unexpected returns NULL and the caller asks libdw.
 */
#include <dwarf.h>
#include <gelf.h>
#include <string.h>

#include "access/dwarf_units.h"

struct cursor {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t get_bytes(struct cursor *c, unsigned n)
{
	uint64_t v = 0;

	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = true;
		return 0;
	}
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)c->p[i] << (8 * i);
	c->p += n;
	return v;
}

static void skip(struct cursor *c, uint64_t n)
{
	if (c->bad || (uint64_t)(c->end - c->p) < n)
		c->bad = true;
	else
		c->p += n;
}

static uint64_t get_uleb(struct cursor *c)
{
	uint64_t v = 0;
	unsigned shift = 0;

	while (!c->bad) {
		if (c->p == c->end || shift > 63) {
			c->bad = true;
			break;
		}
		uint8_t b = *c->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
		shift += 7;
	}
	return 0;
}

/* The NUL-terminated string at off in s, or NULL. */
static const char *string_at(const struct po_bytes *s, uint64_t off)
{
	if (!s->p || off >= s->size || !memchr(s->p + off, 0, s->size - off))
		return NULL;
	return (const char *)s->p + off;
}

struct unit {
	unsigned version, offset_size, addr_size;
};

/* Skip one attribute value of form; false for a form not handled. */
static bool skip_form(struct cursor *c, const struct unit *u, uint64_t form)
{
	switch (form) {
	case DW_FORM_flag_present:
	case DW_FORM_implicit_const:
		return true;
	case DW_FORM_data1: case DW_FORM_ref1: case DW_FORM_flag:
	case DW_FORM_strx1: case DW_FORM_addrx1:
		skip(c, 1); return true;
	case DW_FORM_data2: case DW_FORM_ref2: case DW_FORM_strx2: case DW_FORM_addrx2:
		skip(c, 2); return true;
	case DW_FORM_strx3: case DW_FORM_addrx3:
		skip(c, 3); return true;
	case DW_FORM_data4: case DW_FORM_ref4: case DW_FORM_ref_sup4:
	case DW_FORM_strx4: case DW_FORM_addrx4:
		skip(c, 4); return true;
	case DW_FORM_data8: case DW_FORM_ref8: case DW_FORM_ref_sig8: case DW_FORM_ref_sup8:
		skip(c, 8); return true;
	case DW_FORM_data16:
		skip(c, 16); return true;
	case DW_FORM_sdata: case DW_FORM_udata: case DW_FORM_ref_udata:
	case DW_FORM_strx: case DW_FORM_addrx: case DW_FORM_loclistx: case DW_FORM_rnglistx:
		get_uleb(c); return true;	/* a signed LEB128 has the same length */
	case DW_FORM_addr:
		skip(c, u->addr_size); return true;
	case DW_FORM_ref_addr:
		skip(c, u->version < 3 ? u->addr_size : u->offset_size); return true;
	case DW_FORM_strp: case DW_FORM_line_strp: case DW_FORM_sec_offset:
	case DW_FORM_strp_sup: case DW_FORM_GNU_strp_alt: case DW_FORM_GNU_ref_alt:
		skip(c, u->offset_size); return true;
	case DW_FORM_string: {
		const uint8_t *z = c->bad ? NULL : memchr(c->p, 0, (size_t)(c->end - c->p));
		if (!z)
			c->bad = true;
		else
			c->p = z + 1;
		return true;
	}
	case DW_FORM_block1: skip(c, get_bytes(c, 1)); return true;
	case DW_FORM_block2: skip(c, get_bytes(c, 2)); return true;
	case DW_FORM_block4: skip(c, get_bytes(c, 4)); return true;
	case DW_FORM_block: case DW_FORM_exprloc: skip(c, get_uleb(c)); return true;
	default:
		return false;	/* DW_FORM_indirect and unknown forms */
	}
}

static bool find_section(Elf *elf, size_t shstrndx, const char *name, struct po_bytes *b)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *n;
		if (!gelf_getshdr(scn, &sh) || !(n = elf_strptr(elf, shstrndx, sh.sh_name)) ||
		    strcmp(n, name))
			continue;
		if (sh.sh_type == SHT_NOBITS || (sh.sh_flags & SHF_COMPRESSED))
			return false;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			return false;
		b->p = d->d_buf;
		b->size = d->d_size;
		return true;
	}
	return false;
}

bool po_units_init(struct po_units *u, Elf *elf)
{
	size_t shstrndx;
	const unsigned char *id = elf ? (const unsigned char *)elf_getident(elf, NULL) : NULL;
	const uint16_t one = 1;

	memset(u, 0, sizeof(*u));
	/* values are assembled little-endian */
	if (!id || id[EI_DATA] != ELFDATA2LSB || *(const uint8_t *)&one != 1 ||
	    elf_getshdrstrndx(elf, &shstrndx) != 0)
		return false;
	if (!find_section(elf, shstrndx, ".debug_info", &u->info) ||
	    !find_section(elf, shstrndx, ".debug_abbrev", &u->abbrev))
		return false;
	/* optional: a name of a form whose section is missing is not read raw */
	find_section(elf, shstrndx, ".debug_str", &u->str);
	find_section(elf, shstrndx, ".debug_line_str", &u->line_str);
	return true;
}

const char *po_unit_name(const struct po_units *pu, uint64_t off)
{
	struct cursor c = { pu->info.p, pu->info.p + pu->info.size, false };
	struct unit u = { 0, 4, 0 };
	uint64_t len, abbrev_off;

	if (!pu->info.p || off >= pu->info.size)
		return NULL;
	c.p += off;
	len = get_bytes(&c, 4);
	if (len == 0xffffffff) {
		u.offset_size = 8;
		len = get_bytes(&c, 8);
	} else if (len >= 0xfffffff0) {
		return NULL;
	}
	if (c.bad || len > (uint64_t)(c.end - c.p))
		return NULL;
	c.end = c.p + len;	/* the unit's own bytes */
	u.version = (unsigned)get_bytes(&c, 2);
	if (u.version == 5) {
		unsigned type = (unsigned)get_bytes(&c, 1);
		u.addr_size = (unsigned)get_bytes(&c, 1);
		abbrev_off = get_bytes(&c, u.offset_size);
		if (type == DW_UT_skeleton || type == DW_UT_split_compile)
			skip(&c, 8);
		else if (type != DW_UT_compile && type != DW_UT_partial)
			return NULL;	/* type units have no file name */
	} else if (u.version >= 2 && u.version <= 4) {
		abbrev_off = get_bytes(&c, u.offset_size);
		u.addr_size = (unsigned)get_bytes(&c, 1);
	} else {
		return NULL;
	}
	uint64_t code = get_uleb(&c);
	if (c.bad || code == 0 || abbrev_off >= pu->abbrev.size)
		return NULL;

	/* the abbreviation: the unit's table from abbrev_off, to code */
	struct cursor a = { pu->abbrev.p + abbrev_off, pu->abbrev.p + pu->abbrev.size, false };
	for (;;) {
		uint64_t k = get_uleb(&a);
		if (a.bad || k == 0)
			return NULL;
		get_uleb(&a);		/* tag */
		skip(&a, 1);		/* children */
		if (k == code)
			break;
		for (;;) {
			uint64_t at = get_uleb(&a), form = get_uleb(&a);
			if (a.bad)
				return NULL;
			if (form == DW_FORM_implicit_const)
				get_uleb(&a);
			if (at == 0 && form == 0)
				break;
		}
	}

	/* the DIE's attributes, in the abbreviation's order, to DW_AT_name */
	for (;;) {
		uint64_t at = get_uleb(&a), form = get_uleb(&a);
		if (a.bad || (at == 0 && form == 0))
			return NULL;
		if (form == DW_FORM_implicit_const)
			get_uleb(&a);
		if (at != DW_AT_name) {
			if (!skip_form(&c, &u, form) || c.bad)
				return NULL;
			continue;
		}
		switch (form) {
		case DW_FORM_string: {
			const char *s = (const char *)c.p;
			return !c.bad && memchr(c.p, 0, (size_t)(c.end - c.p)) ? s : NULL;
		}
		case DW_FORM_strp: {
			uint64_t o = get_bytes(&c, u.offset_size);
			return c.bad ? NULL : string_at(&pu->str, o);
		}
		case DW_FORM_line_strp: {
			uint64_t o = get_bytes(&c, u.offset_size);
			return c.bad ? NULL : string_at(&pu->line_str, o);
		}
		default:
			return NULL;	/* strx (needs the unit's str_offsets_base), alt files */
		}
	}
}
