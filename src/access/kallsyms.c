/*
 * The dump's own kallsyms: the kernel's compressed symbol table
 * (scripts/kallsyms), which VMCOREINFO has named since 6.0 (SYMBOL(
 * kallsyms_names), ...).  A symbol source with run-time addresses, as the
 * dumped kernel's %pS saw them: names are expanded as
 * kallsyms_expand_symbol() does (the first character is the type letter),
 * and a symbol's size is the distance to the next higher address, as in
 * kallsyms_lookup_size_offset().
 *
 * Addresses were encoded several ways over the years, and VMCOREINFO does
 * not say which: absolute (kallsyms_addresses, !KALLSYMS_BASE_RELATIVE),
 * 32-bit offsets from kallsyms_relative_base (with KALLSYMS_ABSOLUTE_PERCPU:
 * non-negative offsets absolute, negative ones base - 1 - offset), and
 * without kallsyms_relative_base, offsets from each offset's own slot
 * (place-relative, as 7.3 has them) or from _text.  The encoding taken is
 * the one that puts _stext where VMCOREINFO's SYMBOL(_stext) says.
 *
 * .rodata (for the format strings formats.c looks for) is the range from
 * __start_rodata to __end_rodata, read in bulk on the first question and
 * kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "access/debuginfo.h"
#include "access/kallsyms.h"

struct ksym {
	uint64_t addr;
	uint32_t name;   /* offset in names */
	uint32_t index;  /* in the kernel's table: among equal addresses, the first wins */
};

struct byname {
	const char *name;
	uint32_t pos;    /* in syms */
};

struct po_kallsyms {
	const struct po_memory_ops *mem;
	void *mem_arg;
	struct ksym *syms;      /* by address, then table index */
	struct byname *by_name; /* syms by name, then address */
	size_t nr;
	char *names;            /* NUL-terminated names, types dropped */
	size_t names_len;
	char encoding[96];
	/* .rodata, read on the first rodata_has_string() */
	int rodata_state;       /* 0 not read, 1 read, -1 unavailable */
	uint8_t *rodata;
	size_t rodata_len;
	size_t rodata_missing;  /* pages the dump lacks (read as zeros) */
};

#define PAGE 4096u
#define MAX_SYMS (4u << 20)
#define MAX_NAMES (64u << 20)

static struct po_error *rd(struct po_kallsyms *ks, uint64_t addr, void *buf, size_t len)
{
	return ks->mem->read(ks->mem_arg, PO_KVADDR, addr, buf, len);
}

/* len bytes at addr in 64 KiB reads; pages that do not read are zeros,
 * counted in *missing. */
static void read_bulk(struct po_kallsyms *ks, uint64_t addr, uint8_t *buf, size_t len,
		      size_t *missing)
{
	const size_t chunk = 64 * 1024;

	for (size_t done = 0; done < len;) {
		size_t n = len - done < chunk ? len - done : chunk;
		struct po_error *err = rd(ks, addr + done, buf + done, n);
		if (err) {
			po_error_destroy(err);
			/* page by page */
			for (size_t p = 0; p < n;) {
				uint64_t a = addr + done + p;
				size_t m = PAGE - a % PAGE;
				if (m > n - p)
					m = n - p;
				if ((err = rd(ks, a, buf + done + p, m))) {
					po_error_destroy(err);
					memset(buf + done + p, 0, m);
					(*missing)++;
				}
				p += m;
			}
		}
		done += n;
	}
}

static int cmp_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int cmp_name(const void *a, const void *b)
{
	const struct byname *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->pos < y->pos ? -1 : x->pos > y->pos; /* syms is by address */
}

static struct po_error *bad(const char *why)
{
	return po_error_create(PO_ERR_DEBUGINFO, "the dump's kallsyms do not decode: %s", why);
}

/* Expand every name as kallsyms_expand_symbol() does, the first character
 * (the type letter) dropped; name_off[i]: symbol i's in ks->names. */
static struct po_error *expand(struct po_kallsyms *ks, const uint8_t *names, size_t names_len,
			       const uint8_t *tokens, size_t tokens_len,
			       const uint16_t *tindex, size_t nr, uint32_t *name_off)
{
	size_t off = 0, cap = nr * 24, used = 0;
	char *out = malloc(cap);

	if (!out)
		return &po_error_nomem;
	for (size_t i = 0; i < nr; i++) {
		size_t len;
		char sym[1024];
		size_t sl = 0;

		if (off >= names_len)
			goto overrun;
		len = names[off++];
		if (len & 0x80) { /* 6.1+: "big" symbols, two bytes of length */
			if (off >= names_len)
				goto overrun;
			len = (len & 0x7f) | ((size_t)names[off++] << 7);
		}
		if (len == 0 || off + len > names_len)
			goto overrun;
		for (size_t t = 0; t < len; t++) {
			size_t ti = tindex[names[off + t]];
			for (; ti < tokens_len && tokens[ti]; ti++)
				if (sl < sizeof(sym) - 1)
					sym[sl++] = (char)tokens[ti];
			if (ti >= tokens_len) {
				free(out);
				return bad("a token runs past kallsyms_token_table");
			}
		}
		off += len;
		/* the first character is the type letter */
		size_t nl = sl ? sl - 1 : 0;
		if (used + nl + 1 > cap) {
			while (used + nl + 1 > cap)
				cap *= 2;
			char *p = realloc(out, cap);
			if (!p) {
				free(out);
				return &po_error_nomem;
			}
			out = p;
		}
		if (nl)
			memcpy(out + used, sym + 1, nl);
		out[used + nl] = '\0';
		name_off[i] = (uint32_t)used;
		used += nl + 1;
	}
	ks->names = out;
	ks->names_len = used;
	return NULL;
overrun:
	free(out);
	return bad("kallsyms_names ends before kallsyms_num_syms symbols");
}

static size_t find_name(struct po_kallsyms *ks, const uint32_t *name_off, size_t nr,
			const char *name)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(ks->names + name_off[i], name))
			return i;
	return (size_t)-1;
}

/* Addresses, in the encoding that puts _stext at where->stext. */
static struct po_error *addresses(struct po_kallsyms *ks, const struct po_kallsyms_where *w,
				  const uint32_t *name_off, size_t nr, uint64_t *addr)
{
	size_t missing = 0, stext = find_name(ks, name_off, nr, "_stext");
	size_t text = find_name(ks, name_off, nr, "_text");

	if (stext == (size_t)-1 || !w->stext)
		return bad("no _stext to tell how its addresses are encoded");
	if (w->addresses) {
		read_bulk(ks, w->addresses, (uint8_t *)addr, nr * 8, &missing);
		if (missing || addr[stext] != w->stext)
			return bad("kallsyms_addresses does not place _stext at SYMBOL(_stext)");
		snprintf(ks->encoding, sizeof(ks->encoding), "absolute (kallsyms_addresses)");
		return NULL;
	}
	int32_t *off = malloc(nr * 4);
	if (!off)
		return &po_error_nomem;
	read_bulk(ks, w->offsets, (uint8_t *)off, nr * 4, &missing);
	if (missing) {
		free(off);
		return bad("kallsyms_offsets is not in the dump");
	}
	uint64_t base = 0;
	struct po_error *err = NULL;
	if (w->relative_base) {
		if ((err = rd(ks, w->relative_base, &base, 8))) {
			free(off);
			return po_error_prefix(err, "kallsyms_relative_base");
		}
		/* KALLSYMS_ABSOLUTE_PERCPU: negative offsets from the base,
		 * the others absolute (per-cpu symbols) */
		uint64_t a = off[stext] >= 0 ? (uint64_t)off[stext] : base - 1 - off[stext];
		if (a == w->stext) {
			for (size_t i = 0; i < nr; i++)
				addr[i] = off[i] >= 0 ? (uint64_t)off[i] : base - 1 - off[i];
			snprintf(ks->encoding, sizeof(ks->encoding),
				 "offsets from kallsyms_relative_base, per-cpu absolute");
		} else if (base + (uint32_t)off[stext] == w->stext) {
			for (size_t i = 0; i < nr; i++)
				addr[i] = base + (uint32_t)off[i];
			snprintf(ks->encoding, sizeof(ks->encoding),
				 "offsets from kallsyms_relative_base");
		} else {
			err = bad("no encoding of kallsyms_offsets places _stext at SYMBOL(_stext)");
		}
	} else if (w->offsets + 4 * stext + (int64_t)off[stext] == w->stext) {
		/* place-relative: each offset from its own slot (".long sym - .") */
		for (size_t i = 0; i < nr; i++)
			addr[i] = w->offsets + 4 * i + (int64_t)off[i];
		snprintf(ks->encoding, sizeof(ks->encoding), "place-relative offsets");
	} else if (text != (size_t)-1 && off[text] == 0) {
		/* offsets from _text */
		base = w->stext - (uint32_t)off[stext];
		for (size_t i = 0; i < nr; i++)
			addr[i] = base + (uint32_t)off[i];
		snprintf(ks->encoding, sizeof(ks->encoding), "offsets from _text");
	} else {
		err = bad("no encoding of kallsyms_offsets places _stext at SYMBOL(_stext)");
	}
	free(off);
	return err;
}

struct po_error *po_kallsyms_load(const struct po_memory_ops *mem, void *mem_arg,
				  const struct po_kallsyms_where *w,
				  struct po_kallsyms **ret)
{
	struct po_kallsyms *ks = calloc(1, sizeof(*ks));
	struct po_error *err = NULL;
	uint8_t *names = NULL, *tokens = NULL;
	uint32_t *name_off = NULL;
	uint64_t *addr = NULL;
	uint16_t tindex[256];
	uint32_t nr;
	size_t names_len, tokens_len, missing = 0;

	if (!ks)
		return &po_error_nomem;
	ks->mem = mem;
	ks->mem_arg = mem_arg;
	if ((err = rd(ks, w->num_syms, &nr, 4)) ||
	    (err = rd(ks, w->token_index, tindex, sizeof(tindex)))) {
		err = po_error_prefix(err, "the dump's kallsyms");
		goto out;
	}
	if (nr == 0 || nr > MAX_SYMS) {
		err = po_error_create(PO_ERR_DEBUGINFO,
				      "the dump's kallsyms_num_syms is %u (1 to %u)", nr, MAX_SYMS);
		goto out;
	}
	/* scripts/kallsyms puts kallsyms_names before kallsyms_markers and
	 * kallsyms_token_table, the token table right before its index */
	bool names_known = w->token_table > w->names && w->token_table - w->names <= MAX_NAMES;
	size_t names_missing = 0;
	/* else enough for names of 60 characters; pages past the end may be
	 * absent (the decoding says whether it ran short) */
	names_len = names_known ? w->token_table - w->names :
		    (size_t)nr * 64 < MAX_NAMES ? (size_t)nr * 64 : MAX_NAMES;
	tokens_len = 0;
	for (int i = 0; i < 256; i++)
		if (tindex[i] >= tokens_len)
			tokens_len = tindex[i] + 256u;
	if (w->token_index > w->token_table && w->token_index - w->token_table <= 65536)
		tokens_len = w->token_index - w->token_table;
	names = malloc(names_len);
	tokens = malloc(tokens_len);
	name_off = malloc(nr * sizeof(*name_off));
	addr = malloc(nr * sizeof(*addr));
	ks->syms = calloc(nr, sizeof(*ks->syms));
	ks->by_name = malloc(nr * sizeof(*ks->by_name));
	if (!names || !tokens || !name_off || !addr || !ks->syms || !ks->by_name) {
		err = &po_error_nomem;
		goto out;
	}
	read_bulk(ks, w->token_table, tokens, tokens_len, &missing);
	read_bulk(ks, w->names, names, names_len, &names_missing);
	if (missing || (names_known && names_missing)) {
		missing += names_missing;
		err = po_error_create(PO_ERR_DEBUGINFO,
				      "the dump lacks %zu pages of the kernel's kallsyms tables", missing);
		goto out;
	}
	if ((err = expand(ks, names, names_len, tokens, tokens_len, tindex, nr, name_off)) ||
	    (err = addresses(ks, w, name_off, nr, addr)))
		goto out;
	for (uint32_t i = 0; i < nr; i++)
		ks->syms[i] = (struct ksym){ addr[i], name_off[i], i };
	ks->nr = nr;
	po_qsort(ks->syms, nr, sizeof(*ks->syms), cmp_addr);
	for (uint32_t i = 0; i < nr; i++)
		ks->by_name[i] = (struct byname){ ks->names + ks->syms[i].name, i };
	po_qsort(ks->by_name, nr, sizeof(*ks->by_name), cmp_name);
out:
	free(names);
	free(tokens);
	free(name_off);
	free(addr);
	if (err) {
		po_kallsyms_destroy(ks);
		return err;
	}
	*ret = ks;
	return NULL;
}

void po_kallsyms_destroy(struct po_kallsyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->by_name);
	free(ks->names);
	free(ks->rodata);
	free(ks);
}

/* The position in syms of the first symbol of that name, or -1. */
static size_t lookup_pos(struct po_kallsyms *ks, const char *name)
{
	size_t lo = 0, hi = ks->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ks->by_name[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ks->nr && !strcmp(ks->by_name[lo].name, name))
		return ks->by_name[lo].pos;
	return (size_t)-1;
}

bool po_kallsyms_lookup(struct po_kallsyms *ks, const char *name, uint64_t *addr)
{
	size_t i = lookup_pos(ks, name);

	if (i == (size_t)-1)
		return false;
	*addr = ks->syms[i].addr;
	return true;
}

bool po_kallsyms_extent(struct po_kallsyms *ks, const char *name, uint64_t *addr,
			uint64_t *size)
{
	size_t i = lookup_pos(ks, name), j;

	if (i == (size_t)-1)
		return false;
	for (j = i + 1; j < ks->nr && ks->syms[j].addr == ks->syms[i].addr; j++)
		;
	if (j >= ks->nr)
		return false;
	*addr = ks->syms[i].addr;
	*size = ks->syms[j].addr - ks->syms[i].addr;
	return true;
}

struct po_error *po_kallsyms_read_between(struct po_kallsyms *ks, const char *start,
					  const char *end, size_t max, uint8_t **buf,
					  size_t *len, size_t *missing)
{
	uint64_t a, b;

	*buf = NULL;
	*len = 0;
	*missing = 0;
	if (!po_kallsyms_lookup(ks, start, &a) || !po_kallsyms_lookup(ks, end, &b))
		return po_error_create(PO_ERR_DEBUGINFO, "no %s and %s in the dump's kallsyms",
				       start, end);
	if (b < a || b - a > max)
		return po_error_create(PO_ERR_DEBUGINFO,
				       "%s..%s in the dump's kallsyms is %lld bytes (0 to %zu)",
				       start, end, (long long)(b - a), max);
	if (!(*buf = malloc(b - a ? b - a : 1)))
		return &po_error_nomem;
	*len = b - a;
	read_bulk(ks, a, *buf, *len, missing);
	return NULL;
}

const char *po_kallsyms_encoding(struct po_kallsyms *ks) { return ks->encoding; }
size_t po_kallsyms_count(struct po_kallsyms *ks) { return ks->nr; }

static bool ks_lookup(void *arg, const char *name, uint64_t *addr)
{
	return po_kallsyms_lookup(arg, name, addr);
}

/* get_symbol_pos(): the first of the aliases at or below addr; its size
 * runs to the next higher address (none: unknown, as the vmlinux's). */
static bool ks_symbolize(void *arg, uint64_t addr, const char **name,
			 uint64_t *offset, uint64_t *size)
{
	struct po_kallsyms *ks = arg;
	size_t lo = 0, hi = ks->nr;

	if (!ks->nr || addr < ks->syms[0].addr)
		return false;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	while (lo && ks->syms[lo - 1].addr == ks->syms[lo].addr)
		lo--;
	size_t i = lo + 1;
	while (i < ks->nr && ks->syms[i].addr == ks->syms[lo].addr)
		i++;
	if (i >= ks->nr)
		return false;
	*name = ks->names + ks->syms[lo].name;
	*offset = addr - ks->syms[lo].addr;
	*size = ks->syms[i].addr - ks->syms[lo].addr;
	return true;
}

/* .rodata is at most this big (x86-64 Debian: about 10 MiB) */
#define MAX_RODATA (256u << 20)

static int ks_has_string(void *arg, const char *s)
{
	struct po_kallsyms *ks = arg;
	size_t len = strlen(s) + 1;

	if (ks->rodata_state == 0) {
		struct po_error *err = po_kallsyms_read_between(ks, "__start_rodata", "__end_rodata",
								 MAX_RODATA, &ks->rodata,
								 &ks->rodata_len, &ks->rodata_missing);
		ks->rodata_state = err ? -1 : 1;
		po_error_destroy(err);
	}
	if (ks->rodata_state < 0)
		return -1;
	/* with its NUL, as in the vmlinux's .rodata; not found where pages
	 * are missing: unknown */
	if (memmem(ks->rodata, ks->rodata_len, s, len))
		return 1;
	return ks->rodata_missing ? -1 : 0;
}

static void ks_destroy(void *arg)
{
	po_kallsyms_destroy(arg);
}

const struct po_symbol_source_ops po_kallsyms_symbol_source = {
	.link_time = false,
	.lookup = ks_lookup,
	.symbolize = ks_symbolize,
	.rodata_has_string = ks_has_string,
	.destroy = ks_destroy,
};
