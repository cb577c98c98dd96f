/*
 * Name tables read from the dump (gfpflag_names, pageflag_names,
 * migratetype_names, migrate_reason_names) and the kernel's vsprintf
 * formatting of %pGg and %pGp with them (lib/vsprintf.c format_flags()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "kernel/kernel.h"
#include "kernel/names.h"
#include "access/debuginfo.h"
#include "access/program.h"

const struct po_type_names po_names_types = PO_TYPE_NAMES(
	"var gfpflag_names?", "var pageflag_names?", "var migratetype_names?",
	"var migrate_reason_names?");

#define MAX_TABLE 512

static struct po_error *load_flag_table(struct po_program *prog, const char *sym,
					struct po_flag_name **ret, size_t *nr)
{
	struct po_error *err;
	uint64_t addr;
	struct po_flag_name *t = NULL;
	size_t n = 0;

	*ret = NULL;
	*nr = 0;
	if (!po_symbol_addr(prog, sym, &addr))
		return NULL; /* absent: printed as hex */
	for (size_t i = 0; i < MAX_TABLE; i++) {
		uint64_t ent[2];
		char name[96];
		err = po_read(prog, addr + i * 16, ent, sizeof(ent));
		if (err)
			goto fail;
		if (!ent[1])
			break;
		err = po_read_cstr(prog, ent[1], name, sizeof(name));
		if (err)
			goto fail;
		struct po_flag_name *p = po_xrealloc_array(t, n + 1, sizeof(*t));
		if (!p) {
			err = &po_error_nomem;
			goto fail;
		}
		t = p;
		t[n].mask = ent[0];
		t[n].name = strdup(name);
		if (!t[n].name) {
			err = &po_error_nomem;
			goto fail;
		}
		n++;
	}
	*ret = t;
	*nr = n;
	return NULL;
fail:
	for (size_t i = 0; i < n; i++)
		free(t[i].name);
	free(t);
	return po_error_prefix(err, "reading %s", sym);
}

static struct po_error *load_string_array(struct po_program *prog,
					  const char *sym, char ***ret,
					  size_t *nr)
{
	struct po_error *err;
	struct po_variable var;
	uint64_t addr;
	long len = -1;
	char **t;

	*ret = NULL;
	*nr = 0;
	if (!po_symbol_addr(prog, sym, &addr))
		return NULL;
	if (po_variable(prog, sym, &var))
		len = var.array_len;
	if (len <= 0 || len > 64)
		len = 64;
	t = calloc(len, sizeof(*t));
	if (!t)
		return &po_error_nomem;
	size_t n = 0;
	for (long i = 0; i < len; i++) {
		uint64_t p;
		char name[96];
		err = po_read_u64(prog, addr + i * 8, &p);
		if (err || !p) {
			po_error_destroy(err);
			break;
		}
		err = po_read_cstr(prog, p, name, sizeof(name));
		if (err) {
			/* keep the table's length: later entries keep their index */
			po_error_destroy(err);
			snprintf(name, sizeof(name), "(unreadable)");
		}
		t[n] = strdup(name);
		if (!t[n])
			break;
		n++;
	}
	*ret = t;
	*nr = n;
	return NULL;
}

struct po_error *po_names_load(struct po_program *prog)
{
	struct po_names *n = &prog->k->names;
	struct po_error *err;

	po_names_free(n);
	if ((err = load_flag_table(prog, "gfpflag_names", &n->gfp, &n->nr_gfp)) ||
	    (err = load_flag_table(prog, "pageflag_names", &n->pageflags,
				   &n->nr_pageflags)) ||
	    (err = load_string_array(prog, "migratetype_names", &n->migratetypes,
				     &n->nr_migratetypes)) ||
	    (err = load_string_array(prog, "migrate_reason_names",
				     &n->migrate_reasons, &n->nr_migrate_reasons)))
		return err;
	n->gfp_movable = 0x08;
	n->gfp_reclaimable = 0x10;
	for (size_t i = 0; i < n->nr_gfp; i++) {
		if (strcmp(n->gfp[i].name, "__GFP_MOVABLE") == 0)
			n->gfp_movable = (uint32_t)n->gfp[i].mask;
		else if (strcmp(n->gfp[i].name, "__GFP_RECLAIMABLE") == 0)
			n->gfp_reclaimable = (uint32_t)n->gfp[i].mask;
	}
	po_note_form(prog, "name tables from the dump: %zu gfp flags, %zu page flags, %zu migratetypes, %zu migrate reasons",
		     n->nr_gfp, n->nr_pageflags, n->nr_migratetypes,
		     n->nr_migrate_reasons);
	return NULL;
}

void po_names_free(struct po_names *n)
{
	for (size_t i = 0; i < n->nr_gfp; i++)
		free(n->gfp[i].name);
	for (size_t i = 0; i < n->nr_pageflags; i++)
		free(n->pageflags[i].name);
	for (size_t i = 0; i < n->nr_migratetypes; i++)
		free(n->migratetypes[i]);
	for (size_t i = 0; i < n->nr_migrate_reasons; i++)
		free(n->migrate_reasons[i]);
	free(n->gfp);
	free(n->pageflags);
	free(n->migratetypes);
	free(n->migrate_reasons);
	memset(n, 0, sizeof(*n));
}

/* A bounded string builder. */
struct sb { char *buf; size_t len, pos; };

static void sb_puts(struct sb *b, const char *s)
{
	while (*s) {
		if (b->pos + 1 < b->len)
			b->buf[b->pos] = *s;
		b->pos++;
		s++;
	}
	if (b->len)
		b->buf[b->pos + 1 < b->len ? b->pos : b->len - 1] = '\0';
}

static void sb_printf_hex(struct sb *b, uint64_t v)
{
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "0x%llx", (unsigned long long)v);
	sb_puts(b, tmp);
}

/* lib/vsprintf.c format_flags() */
static void format_flags(struct sb *b, uint64_t flags,
			 const struct po_flag_name *names, size_t nr)
{
	for (size_t i = 0; flags && i < nr; i++) {
		uint64_t mask = names[i].mask;
		if ((flags & mask) != mask)
			continue;
		sb_puts(b, names[i].name);
		flags &= ~mask;
		if (flags)
			sb_puts(b, "|");
	}
	if (flags)
		sb_printf_hex(b, flags);
}

void po_format_gfp(struct po_program *prog, uint32_t gfp, char *buf, size_t len)
{
	/* A handful of gfp masks cover almost every page: remember them. */
	struct po_names *n = &prog->k->names;
	unsigned slot = (unsigned)(po_hash64(gfp) % PO_GFP_CACHE);
	struct sb b = { buf, len, 0 };

	if (n->gfp_cache[slot].valid && n->gfp_cache[slot].gfp == gfp &&
	    strlen(n->gfp_cache[slot].text) < len) {
		strcpy(buf, n->gfp_cache[slot].text);
		return;
	}
	if (len)
		buf[0] = '\0';
	format_flags(&b, gfp, n->gfp, n->nr_gfp);
	if (b.pos < sizeof(n->gfp_cache[slot].text) && b.pos < len) {
		n->gfp_cache[slot].gfp = gfp;
		n->gfp_cache[slot].valid = true;
		memcpy(n->gfp_cache[slot].text, buf, b.pos + 1);
	}
}

void po_format_page_flags(struct po_program *prog, uint64_t flags, char *buf,
			  size_t len)
{
	struct po_layout *L = &prog->k->L;
	struct sb b = { buf, len, 0 };
	uint64_t main_flags = flags & L->pageflags_mask;
	bool append = false;
	char tmp[32];

	if (len)
		buf[0] = '\0';
	if (!L->pgp_fields) {
		format_flags(&b, main_flags, prog->k->names.pageflags,
			     prog->k->names.nr_pageflags);
		return;
	}
	if (L->pgp_hex) {
		sb_printf_hex(&b, flags);
		sb_puts(&b, "(");
	}
	if (main_flags) {
		format_flags(&b, main_flags, prog->k->names.pageflags,
			     prog->k->names.nr_pageflags);
		append = true;
	}
	for (int i = 0; i < 5; i++) {
		if (!L->pff[i].width)
			continue;
		if (append)
			sb_puts(&b, "|");
		sb_puts(&b, L->pff[i].name);
		sb_puts(&b, "=");
		uint64_t v = (flags >> L->pff[i].shift) & ((1ULL << L->pff[i].width) - 1);
		if (L->pff[i].hex)
			snprintf(tmp, sizeof(tmp), "0x%llx", (unsigned long long)v);
		else
			snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
		sb_puts(&b, tmp);
		append = true;
	}
	if (L->pgp_hex)
		sb_puts(&b, ")");
}

const char *po_migratetype_name(struct po_program *prog, int mt)
{
	if (mt < 0 || (size_t)mt >= prog->k->names.nr_migratetypes)
		return "(unknown)";
	return prog->k->names.migratetypes[mt];
}

const char *po_migrate_reason_name(struct po_program *prog, int reason)
{
	if (reason < 0 || (size_t)reason >= prog->k->names.nr_migrate_reasons)
		return "(unknown)";
	return prog->k->names.migrate_reasons[reason];
}

int po_gfp_migratetype(struct po_program *prog, uint32_t gfp)
{
	/* gfp_migratetype(): (gfp & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT */
	uint32_t mask = prog->k->names.gfp_movable | prog->k->names.gfp_reclaimable;
	unsigned shift = 0;
	if (!mask)
		return 0;
	while (!((mask >> shift) & 1))
		shift++;
	return (int)((gfp & mask) >> shift);
}
