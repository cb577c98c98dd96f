/*
 * `pageowner pages`: every allocated page, byte-identical to
 * /sys/kernel/debug/page_owner of the dump's kernel version
 * (print_page_owner() in mm/page_owner.c), or JSON Lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "kernel/kernel.h"
#include "kernel/stackdepot.h"
#include "report/pages.h"
#include "access/debuginfo.h"
#include "access/program.h"
#include "report/types.h"

const struct po_type_names po_pages_types = PO_TYPE_NAMES(
	"var node_states?", "enumerator N_MEMORY?", "typedef nodemask_t?");

static void fmt_hash_x(char *buf, size_t len, uint64_t v)
{
	/* the kernel's %#x / %#lx: "0x0" for zero, unlike glibc's "0" */
	snprintf(buf, len, "0x%llx", (unsigned long long)v);
}

static const char *pageblock_name(struct po_program *prog, const struct po_record *rec)
{
	if (rec->pageblock_isolate) {
		for (size_t i = 0; i < prog->k->names.nr_migratetypes; i++)
			if (strcmp(prog->k->names.migratetypes[i], "Isolate") == 0)
				return "Isolate";
	}
	return po_migratetype_name(prog, rec->pageblock_mt);
}

static void po_print_line1(struct po_program *prog, FILE *out, const struct po_record *rec)
{
	struct po_layout *L = &prog->k->L;
	char gfp[1024], mask[24];

	po_format_gfp(prog, rec->gfp_mask, gfp, sizeof(gfp));
	fmt_hash_x(mask, sizeof(mask), rec->gfp_mask);
	fprintf(out, "Page allocated via order %u, mask %s(%s)", rec->order, mask, gfp);
	if (L->l1_pid)
		fprintf(out, ", pid %d", rec->pid);
	if (L->l1_tgid)
		fprintf(out, ", tgid %d (%s)", rec->tgid, rec->comm);
	if (L->l1_pid)
		fprintf(out, ", ts %llu ns", (unsigned long long)rec->ts_nsec);
	if (L->l1_free_ts)
		fprintf(out, ", free_ts %llu ns", (unsigned long long)rec->free_ts_nsec);
	fputc('\n', out);
}

static void print_line2(struct po_program *prog, FILE *out, const struct po_record *rec)
{
	struct po_layout *L = &prog->k->L;
	char flags[1024];
	const char *mt = po_migratetype_name(prog, po_gfp_migratetype(prog, rec->gfp_mask));
	const char *bmt = pageblock_name(prog, rec);
	unsigned long long block = rec->pfn >> L->pageblock_order;

	po_format_page_flags(prog, rec->page_flags, flags, sizeof(flags));
	if (L->fmt_line2 == PO_LINE2_FLAGS_HEX) {
		char hx[24];
		fmt_hash_x(hx, sizeof(hx), rec->page_flags);
		fprintf(out, "PFN %llu type %s Block %llu type %s Flags %s(%s)\n",
			(unsigned long long)rec->pfn, mt, block, bmt, hx, flags);
	} else if (L->fmt_line2 == PO_LINE2_PGP) {
		fprintf(out, "PFN %llu type %s Block %llu type %s Flags %s\n",
			(unsigned long long)rec->pfn, mt, block, bmt, flags);
	} else {
		fprintf(out, "PFN 0x%llx type %s Block %llu type %s Flags %s\n",
			(unsigned long long)rec->pfn, mt, block, bmt, flags);
	}
}

static void print_memcg(struct po_program *prog, FILE *out, const struct po_record *rec)
{
	struct po_memcg_info mi;
	struct po_error *err;

	if (!prog->k->L.memcg_line)
		return;
	err = po_page_memcg(prog, rec, &mi);
	if (err) {
		/* garbage pointer: the kernel would have read something; say so */
		char why[128];
		po_memcg_unreadable_text(&mi, err, why, sizeof(why));
		fprintf(out, "Charged to memcg (unreadable: %s)\n", why);
		po_error_destroy(err);
		return;
	}
	if (mi.kind == PO_MEMCG_SLAB)
		fputs("Slab cache page\n", out);
	else if (mi.kind == PO_MEMCG_CHARGED)
		fprintf(out, "Charged %sto %smemcg %s\n", mi.via_objcg ? "(via objcg) " : "",
			mi.online ? "" : "offline ", mi.name);
}

struct po_error *po_print_debugfs_record(struct po_program *prog, FILE *out,
					 const struct po_record *rec, enum po_pages_mode mode)
{
	const struct po_stack *stack = NULL;
	struct po_error *err;

	po_print_line1(prog, out, rec);
	print_line2(prog, out, rec);
	/* an unreadable stack prints no frames, as the kernel prints none for
	 * a handle stackdepot cannot resolve; the walk counted it as suspect */
	if ((err = po_stack_lookup(prog, rec->handle, &stack, NULL, 0)))
		return err;
	if (stack && mode != PO_PAGES_HANDLE)
		po_stack_print(out, stack, 1);
	if (mode == PO_PAGES_HANDLE || mode == PO_PAGES_STACK_HANDLE)
		fprintf(out, "handle: %u\n", rec->handle);
	if (rec->last_migrate_reason != -1)
		fprintf(out, "Page has been migrated, last migrate reason: %s\n",
			po_migrate_reason_name(prog, rec->last_migrate_reason));
	print_memcg(prog, out, rec);
	fputc('\n', out);
	return NULL;
}

struct po_error *po_print_json_record(struct po_program *prog, FILE *out,
				      const struct po_record *rec)
{
	const struct po_stack *stack = NULL;
	struct po_memcg_info mi;
	struct po_error *err;
	char buf[1024];

	fprintf(out, "{\"pfn\":%llu,\"order\":%u,\"pages\":%llu,\"gfp_mask\":%u,\"gfp\":",
		(unsigned long long)rec->pfn, rec->order, 1ULL << rec->order,
		rec->gfp_mask);
	po_format_gfp(prog, rec->gfp_mask, buf, sizeof(buf));
	po_json_string(out, buf);
	fprintf(out, ",\"pid\":%d,\"tgid\":%d,\"comm\":", rec->pid, rec->tgid);
	po_json_string(out, rec->comm);
	fprintf(out, ",\"ts_nsec\":%llu,\"free_ts_nsec\":%llu,\"migratetype\":",
		(unsigned long long)rec->ts_nsec, (unsigned long long)rec->free_ts_nsec);
	po_json_string(out, po_migratetype_name(prog, po_gfp_migratetype(prog, rec->gfp_mask)));
	fputs(",\"pageblock_migratetype\":", out);
	po_json_string(out, pageblock_name(prog, rec));
	fprintf(out, ",\"page_flags\":%llu,\"flags\":", (unsigned long long)rec->page_flags);
	po_format_page_flags(prog, rec->page_flags, buf, sizeof(buf));
	po_json_string(out, buf);
	fprintf(out, ",\"handle\":%u,\"last_migrate_reason\":", rec->handle);
	if (rec->last_migrate_reason == -1)
		fputs("null", out);
	else
		po_json_string(out, po_migrate_reason_name(prog, rec->last_migrate_reason));
	fputs(",\"memcg\":", out);
	err = po_page_memcg(prog, rec, &mi);
	if (err) {
		char why[128];
		po_memcg_unreadable_text(&mi, err, why, sizeof(why));
		fputs("{\"unreadable\":", out);
		po_json_string(out, why);
		fputc('}', out);
		po_error_destroy(err);
	} else if (mi.kind == PO_MEMCG_NONE) {
		fputs("null", out);
	} else if (mi.kind == PO_MEMCG_SLAB) {
		fputs("{\"slab\":true}", out);
	} else {
		fputs("{\"name\":", out);
		po_json_string(out, mi.name);
		fprintf(out, ",\"online\":%s,\"via_objcg\":%s,\"address\":%llu}",
			mi.online ? "true" : "false", mi.via_objcg ? "true" : "false",
			(unsigned long long)mi.memcg);
	}
	fputs(",\"stack\":", out);
	if ((err = po_stack_lookup(prog, rec->handle, &stack, NULL, 0)))
		return err;
	po_json_stack_or_null(out, stack);
	if (rec->suspect) {
		/* values no kernel writes (enum po_suspect) */
		fputs(",\"suspect\":[", out);
		for (unsigned b = 1, n = 0; b <= PO_SUSPECT_STACK; b <<= 1)
			if (rec->suspect & b)
				fprintf(out, "%s\"%s\"", n++ ? "," : "", po_suspect_name(b));
		fputc(']', out);
	}
	fputs("}\n", out);
	return NULL;
}

struct pages_ctx {
	FILE *out;
	const struct po_report_opts *opts;
	uint64_t nids[16];   /* node bitmap of --nid (up to 1024 nodes) */
	bool nid_filter;
};

/* The node of a page, as memdesc_nid() computes it from page->flags. */
static unsigned page_nid(struct po_program *prog, const struct po_record *rec)
{
	struct po_layout *L = &prog->k->L;
	for (int i = 0; i < 5; i++)
		if (L->pff[i].width && strcmp(L->pff[i].name, "node") == 0)
			return (unsigned)((rec->page_flags >> L->pff[i].shift) &
					  ((1ULL << L->pff[i].width) - 1));
	return 0;
}

/*
 * Parse a node list as the kernel's page_owner write interface does
 * (nodelist_parse(): "N", "N-M", "N-M:used/group", comma separated), and
 * refuse it as the kernel would (-EINVAL): empty, or a node without memory.
 */
static struct po_error *parse_nids(struct po_program *prog, const char *list,
				   uint64_t *bits)
{
	const char *p = list;
	uint64_t mem[16] = { 0 };
	uint64_t addr;
	int64_t nmem;
	bool any = false;

	memset(bits, 0, 16 * 8);
	while (*p) {
		char *end;
		unsigned long a, b, used = 0, group = 0;
		if (*p < '0' || *p > '9')
			goto bad;
		a = strtoul(p, &end, 10);
		b = a;
		p = end;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				goto bad;
			b = strtoul(p, &end, 10);
			p = end;
			if (*p == ':') {
				used = strtoul(p + 1, &end, 10);
				if (*end != '/' || end == p + 1)
					goto bad;
				p = end + 1;
				group = strtoul(p, &end, 10);
				if (end == p || !group || used > group)
					goto bad;
				p = end;
			}
		}
		if (b < a || b >= 1024)
			goto bad;
		for (unsigned long n = a; n <= b; n++) {
			if (group && (n - a) % group >= used)
				continue;
			bits[n / 64] |= 1ULL << (n % 64);
			any = true;
		}
		if (*p == ',')
			p++;
		else if (*p)
			goto bad;
	}
	if (!any)
		return po_error_create(PO_ERR_USAGE, "nid=%s: Invalid argument (an empty node list)", list);
	/* node_states[N_MEMORY] */
	if (po_symbol_addr(prog, "node_states", &addr) &&
	    po_enum_value(prog, "N_MEMORY", &nmem)) {
		size_t sz = po_sizeof(prog, "typedef nodemask_t");
		if (!sz || sz > sizeof(mem))
			sz = 8;
		struct po_error *err = po_read(prog, addr + (uint64_t)nmem * sz, mem, sz);
		if (err)
			return po_error_prefix(err, "reading node_states[N_MEMORY]");
		for (size_t i = 0; i < 16; i++)
			if (bits[i] & ~mem[i])
				return po_error_create(PO_ERR_USAGE,
						       "nid=%s: Invalid argument (a node without memory)",
						       list);
	}
	return NULL;
bad:
	return po_error_create(PO_ERR_USAGE, "nid=%s: Invalid argument (not a node list)", list);
}

static struct po_error *pages_cb(struct po_program *prog, const struct po_record *rec,
				 void *arg)
{
	struct pages_ctx *c = arg;
	if (c->nid_filter) {
		unsigned nid = page_nid(prog, rec);
		/* the kernel skips poisoned struct pages when filtering */
		if (rec->page_flags == 0xaaaaaaaaaaaaaaaaULL || nid >= 1024 ||
		    !(c->nids[nid / 64] >> (nid % 64) & 1))
			return NULL;
	}
	struct po_error *err = c->opts->json ? po_print_json_record(prog, c->out, rec) :
			       po_print_debugfs_record(prog, c->out, rec, c->opts->mode);
	if (!err && ferror(c->out))
		err = po_error_create(PO_ERR_OS, "write error");
	return err;
}

struct po_error *po_report_pages(struct po_program *prog, FILE *out,
				 const struct po_report_opts *opts,
				 struct po_walk_stats *stats)
{
	struct pages_ctx c = { .out = out, .opts = opts };
	if (opts->nid_list) {
		struct po_error *err = po_types_want_list(prog, &po_pages_types);
		if (!err)
			err = parse_nids(prog, opts->nid_list, c.nids);
		if (err)
			return err;
		c.nid_filter = true;
	}
	return po_walk(prog, PO_WALK_DEBUGFS, pages_cb, &c, stats);
}
