/*
 * `pageowner page PFN`: one page, as the kernel's bad-page report prints it
 * (__dump_page_owner() of the dump's kernel version), with the free stack,
 * preceded by what the struct page says.
 */
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/util.h"
#include "kernel/stackdepot.h"
#include "kernel/kernel.h"
#include "access/program.h"

static struct po_error *print_stack_or(struct po_program *prog, FILE *out,
				       uint32_t handle, const char *missing)
{
	if (!handle) {
		fprintf(out, "%s\n", missing);
		return NULL;
	}
	return po_stack_print_handle(prog, out, handle);
}

static struct po_error *json_stack_or_null(struct po_program *prog, FILE *out,
					   uint32_t handle)
{
	const struct po_stack *st = NULL;
	struct po_error *err;

	if (handle && (err = po_stack_lookup(prog, handle, &st, NULL, 0)))
		return err;
	po_json_stack_or_null(out, st);
	return NULL;
}

struct po_error *po_report_page(struct po_program *prog, FILE *out, uint64_t pfn,
				const struct po_report_opts *opts)
{
	struct po_record rec;
	struct po_error *err = po_get_record(prog, pfn, &rec);

	if (err)
		return err;
	return po_report_record(prog, out, &rec, opts);
}

struct po_error *po_report_record(struct po_program *prog, FILE *out,
				  const struct po_record *recp,
				  const struct po_report_opts *opts)
{
	struct po_layout *L = &prog->k->L;
	struct po_record rec = *recp;
	struct po_memcg_info mi;
	struct po_error *err;
	char gfp[1024], flags[1024];
	po_format_gfp(prog, rec.gfp_mask, gfp, sizeof(gfp));
	po_format_page_flags(prog, rec.page_flags, flags, sizeof(flags));
	char memcg_why[128] = "";
	err = po_page_memcg(prog, &rec, &mi);
	if (err) {
		po_memcg_unreadable_text(&mi, err, memcg_why, sizeof(memcg_why));
		po_error_destroy(err);
		mi.kind = PO_MEMCG_NONE;
	}
	const char *mt = po_migratetype_name(prog, po_gfp_migratetype(prog, rec.gfp_mask));
	if (opts && opts->json) {
		fprintf(out, "{\"pfn\":%llu,\"page\":%llu,\"page_flags\":%llu,\"flags\":",
			(unsigned long long)rec.pfn, (unsigned long long)rec.page_addr,
			(unsigned long long)rec.page_flags);
		po_json_string(out, flags);
		fprintf(out, ",\"buddy\":%s,\"page_owner\":%s,\"allocated\":%s,\"order\":%u,"
			"\"gfp_mask\":%u,\"gfp\":",
			rec.buddy ? "true" : "false", rec.owner ? "true" : "false",
			rec.allocated ? "true" : "false", rec.order, rec.gfp_mask);
		po_json_string(out, gfp);
		fputs(",\"migratetype\":", out);
		po_json_string(out, mt);
		fprintf(out, ",\"pid\":%d,\"tgid\":%d,\"comm\":", rec.pid, rec.tgid);
		po_json_string(out, rec.comm);
		fprintf(out, ",\"ts_nsec\":%llu,\"free_ts_nsec\":%llu,\"free_pid\":%d,"
			"\"free_tgid\":%d,\"handle\":%u,\"free_handle\":%u,\"stack\":",
			(unsigned long long)rec.ts_nsec, (unsigned long long)rec.free_ts_nsec,
			rec.free_pid, rec.free_tgid, rec.handle, rec.free_handle);
		if ((err = json_stack_or_null(prog, out, rec.handle)))
			return err;
		fputs(",\"free_stack\":", out);
		if ((err = json_stack_or_null(prog, out, rec.free_handle)))
			return err;
		fputs(",\"last_migrate_reason\":", out);
		if (rec.last_migrate_reason == -1)
			fputs("null", out);
		else
			po_json_string(out, po_migrate_reason_name(prog, rec.last_migrate_reason));
		fputs(",\"memcg\":", out);
		if (mi.kind == PO_MEMCG_CHARGED) {
			fputs("{\"name\":", out);
			po_json_string(out, mi.name);
			fprintf(out, ",\"online\":%s,\"via_objcg\":%s}",
				mi.online ? "true" : "false", mi.via_objcg ? "true" : "false");
		} else if (memcg_why[0]) {
			fputs("{\"unreadable\":", out);
			po_json_string(out, memcg_why);
			fputc('}', out);
		} else if (mi.kind == PO_MEMCG_SLAB) {
			fputs("{\"slab\":true}", out);
		} else {
			fputs("null", out);
		}
		fputs("}\n", out);
		return NULL;
	}
	if (L->fmt_line2 == PO_LINE2_PFN_HEX)
		fprintf(out, "PFN 0x%llx", (unsigned long long)rec.pfn);
	else
		fprintf(out, "PFN %llu", (unsigned long long)rec.pfn);
	fprintf(out, " struct page %#llx flags %s\n", (unsigned long long)rec.page_addr, flags);
	if (rec.buddy)
		fprintf(out, "page is free in the buddy allocator (order %u)\n", rec.buddy_order);
	if (!rec.owner) {
		fprintf(out, "page_owner info is not present (never set?)\n");
		return NULL;
	}
	fprintf(out, "page_owner tracks the page as %s\n", rec.allocated ? "allocated" : "freed");
	/* __dump_page_owner: pid and ts from 5.11, free_ts from 5.13 (until
	 * 7.3 moved it to the free line), tgid and comm from 5.18 */
	fprintf(out, "page last allocated via order %u, migratetype %s, gfp_mask 0x%x(%s)",
		rec.order, mt, rec.gfp_mask, gfp);
	if (L->po_pid != PO_ABSENT)
		fprintf(out, ", pid %d", rec.pid);
	if (L->po_tgid != PO_ABSENT)
		fprintf(out, ", tgid %d (%s)", rec.tgid, rec.comm);
	if (L->po_pid != PO_ABSENT)
		fprintf(out, ", ts %llu", (unsigned long long)rec.ts_nsec);
	if (L->po_free_ts_nsec != PO_ABSENT && L->dump_fmt != PO_DUMP_73)
		fprintf(out, ", free_ts %llu", (unsigned long long)rec.free_ts_nsec);
	fputc('\n', out);
	if ((err = print_stack_or(prog, out, rec.handle, "page_owner allocation stack trace missing")))
		return err;
	if (!rec.free_handle) {
		fprintf(out, "page_owner free stack trace missing\n");
	} else {
		if (L->dump_fmt == PO_DUMP_73)
			fprintf(out, "page last free pid %d tgid %d ts %llu stack trace:\n",
				rec.free_pid, rec.free_tgid,
				(unsigned long long)rec.free_ts_nsec);
		else if (L->dump_fmt == PO_DUMP_FREE_PID)
			fprintf(out, "page last free pid %d tgid %d stack trace:\n",
				rec.free_pid, rec.free_tgid);
		else
			fprintf(out, "page last free stack trace:\n");
		if ((err = print_stack_or(prog, out, rec.free_handle, "")))
			return err;
	}
	if (rec.last_migrate_reason != -1)
		fprintf(out, "page has been migrated, last migrate reason: %s\n",
			po_migrate_reason_name(prog, rec.last_migrate_reason));
	if (memcg_why[0])
		fprintf(out, "Charged to memcg (unreadable: %s)\n", memcg_why);
	else if (mi.kind == PO_MEMCG_SLAB)
		fprintf(out, "Slab cache page\n");
	else if (mi.kind == PO_MEMCG_CHARGED)
		fprintf(out, "Charged %sto %smemcg %s\n", mi.via_objcg ? "(via objcg) " : "",
			mi.online ? "" : "offline ", mi.name);
	return NULL;
}

static struct po_error *freed_cb(struct po_program *prog, const struct po_record *rec,
				 void *arg)
{
	void **a = arg;
	struct po_error *err;

	if (rec->buddy && !rec->owner)
		return NULL;
	if (!rec->has_ext || !rec->owner || rec->allocated || !rec->handle ||
	    rec->order >= 64 || (rec->pfn & ((1ULL << rec->order) - 1)))
		return NULL;
	if ((err = po_report_record(prog, a[0], rec, a[1])))
		return err;
	if (!((const struct po_report_opts *)a[1])->json)
		fputc('\n', (FILE *)a[0]);
	return ferror((FILE *)a[0]) ? po_error_create(PO_ERR_OS, "write error") : NULL;
}

struct po_error *po_report_freed(struct po_program *prog, FILE *out,
				 const struct po_report_opts *opts,
				 struct po_walk_stats *stats)
{
	void *a[2] = { out, (void *)opts };
	return po_walk(prog, PO_WALK_ALL, freed_cb, a, stats);
}
