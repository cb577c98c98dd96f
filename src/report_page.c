/*
 * `pageowner page PFN`: one page, as the kernel's bad-page report prints it
 * (__dump_page_owner() of the dump's kernel version), with the free stack,
 * preceded by what the struct page says.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "json.h"

static void print_stack_or(struct po_program *prog, FILE *out, uint32_t handle,
			   const char *missing)
{
	const struct po_stack *st;
	struct po_error *err;

	if (!handle) {
		fprintf(out, "%s\n", missing);
		return;
	}
	err = po_stack_get(prog, handle, &st);
	if (err) {
		fprintf(out, " (stack %#x unreadable: %s)\n", handle, err->message);
		po_error_destroy(err);
		return;
	}
	po_stack_print(out, st, 1);
}

static void json_stack_or_null(struct po_program *prog, FILE *out, uint32_t handle)
{
	const struct po_stack *st;
	struct po_error *err;

	if (!handle) {
		fputs("null", out);
		return;
	}
	err = po_stack_get(prog, handle, &st);
	if (err) {
		po_error_destroy(err);
		fputs("null", out);
		return;
	}
	po_json_stack(out, st);
}

struct po_error *po_report_page(struct po_program *prog, FILE *out, uint64_t pfn,
				const struct po_report_opts *opts)
{
	struct po_record rec;
	struct po_error *err = po_get_record(prog, pfn, &rec);

	if (err)
		return err;
	po_report_record(prog, out, &rec, opts);
	return NULL;
}

void po_report_record(struct po_program *prog, FILE *out,
		      const struct po_record *recp, const struct po_report_opts *opts)
{
	struct po_layout *L = &prog->L;
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
		po_json_str(out, flags);
		fprintf(out, ",\"buddy\":%s,\"page_owner\":%s,\"allocated\":%s,\"order\":%u,"
			"\"gfp_mask\":%u,\"gfp\":",
			rec.buddy ? "true" : "false", rec.owner ? "true" : "false",
			rec.allocated ? "true" : "false", rec.order, rec.gfp_mask);
		po_json_str(out, gfp);
		fputs(",\"migratetype\":", out);
		po_json_str(out, mt);
		fprintf(out, ",\"pid\":%d,\"tgid\":%d,\"comm\":", rec.pid, rec.tgid);
		po_json_str(out, rec.comm);
		fprintf(out, ",\"ts_nsec\":%llu,\"free_ts_nsec\":%llu,\"free_pid\":%d,"
			"\"free_tgid\":%d,\"handle\":%u,\"free_handle\":%u,\"stack\":",
			(unsigned long long)rec.ts_nsec, (unsigned long long)rec.free_ts_nsec,
			rec.free_pid, rec.free_tgid, rec.handle, rec.free_handle);
		json_stack_or_null(prog, out, rec.handle);
		fputs(",\"free_stack\":", out);
		json_stack_or_null(prog, out, rec.free_handle);
		fputs(",\"last_migrate_reason\":", out);
		if (rec.last_migrate_reason == -1)
			fputs("null", out);
		else
			po_json_str(out, po_migrate_reason_name(prog, rec.last_migrate_reason));
		fputs(",\"memcg\":", out);
		if (mi.kind == PO_MEMCG_CHARGED) {
			fputs("{\"name\":", out);
			po_json_str(out, mi.name);
			fprintf(out, ",\"online\":%s,\"via_objcg\":%s}",
				mi.online ? "true" : "false", mi.via_objcg ? "true" : "false");
		} else if (memcg_why[0]) {
			fputs("{\"unreadable\":", out);
			po_json_str(out, memcg_why);
			fputc('}', out);
		} else if (mi.kind == PO_MEMCG_SLAB) {
			fputs("{\"slab\":true}", out);
		} else {
			fputs("null", out);
		}
		fputs("}\n", out);
		return;
	}
	if (L->fmt_line2 == 2)
		fprintf(out, "PFN 0x%llx", (unsigned long long)rec.pfn);
	else
		fprintf(out, "PFN %llu", (unsigned long long)rec.pfn);
	fprintf(out, " struct page %#llx flags %s\n", (unsigned long long)rec.page_addr, flags);
	if (rec.buddy)
		fprintf(out, "page is free in the buddy allocator (order %u)\n", rec.buddy_order);
	if (!rec.owner) {
		fprintf(out, "page_owner info is not present (never set?)\n");
		return;
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
	if (L->po_free_ts_nsec != PO_ABSENT && L->dump_fmt != 3)
		fprintf(out, ", free_ts %llu", (unsigned long long)rec.free_ts_nsec);
	fputc('\n', out);
	print_stack_or(prog, out, rec.handle, "page_owner allocation stack trace missing");
	if (!rec.free_handle) {
		fprintf(out, "page_owner free stack trace missing\n");
	} else {
		if (L->dump_fmt == 3)
			fprintf(out, "page last free pid %d tgid %d ts %llu stack trace:\n",
				rec.free_pid, rec.free_tgid,
				(unsigned long long)rec.free_ts_nsec);
		else if (L->dump_fmt == 2)
			fprintf(out, "page last free pid %d tgid %d stack trace:\n",
				rec.free_pid, rec.free_tgid);
		else
			fprintf(out, "page last free stack trace:\n");
		print_stack_or(prog, out, rec.free_handle, "");
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
}

static struct po_error *freed_cb(struct po_program *prog, const struct po_record *rec,
				 void *arg)
{
	void **a = arg;
	struct po_layout *L = &prog->L;

	if (rec->buddy && !rec->owner)
		return NULL;
	if (!rec->has_ext || !rec->owner || rec->allocated || !rec->handle ||
	    rec->order >= 64 || (rec->pfn & ((1ULL << rec->order) - 1)))
		return NULL;
	po_report_record(prog, a[0], rec, a[1]);
	if (!((const struct po_report_opts *)a[1])->json)
		fputc('\n', (FILE *)a[0]);
	(void)L;
	return ferror((FILE *)a[0]) ? po_error_create(PO_ERR_OS, "write error") : NULL;
}

struct po_error *po_report_freed(struct po_program *prog, FILE *out,
				 const struct po_report_opts *opts,
				 struct po_walk_stats *stats)
{
	void *a[2] = { out, (void *)opts };
	return po_walk(prog, PO_WALK_ALL, freed_cb, a, stats);
}
