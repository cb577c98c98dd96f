/* `pageowner info`: what the dump is and what pageowner found in it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/keymap.h"
#include "kernel/kernel.h"
#include "kernel/stackdepot.h"
#include "access/program.h"

struct info_ctx {
	struct po_keymap stacks; /* the distinct stack handles */
	uint64_t memcg_pages;
};

static struct po_error *info_cb(struct po_program *prog, const struct po_record *rec,
				void *arg)
{
	struct info_ctx *c = arg;
	if (rec->suspect)
		return NULL; /* counted apart in the walk's stats */
	if (rec->memcg_data)
		c->memcg_pages++;
	if (rec->handle && !po_keymap_get(&c->stacks, po_handle_mask(prog, rec->handle)))
		return &po_error_nomem;
	return NULL;
}

/* Partial counts of one memory section (po_walk_parts()). */
static void *info_part_new(void *arg)
{
	struct info_ctx *c = calloc(1, sizeof(*c));
	if (c)
		c->stacks = (struct po_keymap)PO_KEYMAP_INIT(uint64_t);
	return c;
}

static void info_part_free(void *part)
{
	struct info_ctx *c = part;
	po_keymap_free(&c->stacks);
	free(c);
}

static struct po_error *info_part_merge(void *arg, void *part)
{
	struct info_ctx *c = arg, *p = part;
	struct po_error *err = NULL;

	c->memcg_pages += p->memcg_pages;
	for (size_t i = 0; i < p->stacks.len && !err; i++)
		if (!po_keymap_get(&c->stacks, *(uint64_t *)po_keymap_at(&p->stacks, i)))
			err = &po_error_nomem;
	info_part_free(p);
	return err;
}

static const struct po_walk_ops info_walk = {
	.fn = info_cb, .part_new = info_part_new,
	.part_merge = info_part_merge, .part_free = info_part_free,
};

struct po_error *po_report_info(struct po_program *prog, FILE *out,
				const struct po_report_opts *opts,
				struct po_walk_stats *stats)
{
	struct po_layout *L = &prog->k->L;
	struct po_walk_stats st;
	struct info_ctx c = { .stacks = PO_KEYMAP_INIT(uint64_t) };
	struct po_error *err = NULL;

	memset(&st, 0, sizeof(st));
	if (L->page_owner_enabled)
		err = po_walk_parts(prog, PO_WALK_DEBUGFS, &info_walk, &c, &st);
	size_t nr_stacks = c.stacks.len;
	po_keymap_free(&c.stacks);
	if (err)
		return err;
	if (stats)
		*stats = st;
	const char *bid = prog->build_id[0] ? prog->build_id : NULL;
	if (opts && opts->json) {
		fputs("{\"release\":", out);
		po_json_string(out, prog->release);
		fputs(",\"build_id\":", out);
		po_json_str_or_null(out, bid);
		fprintf(out, ",\"kaslr_offset\":%llu,\"dump_format\":",
			(unsigned long long)prog->kaslr_offset);
		po_json_string(out, po_program_dump_format(prog));
		fputs(",\"debuginfo\":{\"path\":", out);
		po_json_str_or_null(out, po_program_debuginfo_path(prog));
		fputs(",\"how\":", out);
		po_json_str_or_null(out, po_program_debuginfo_how(prog));
		fputs(",\"btf\":", out);
		po_json_str_or_null(out, prog->debuginfo_desc[0] ? prog->debuginfo_desc : NULL);
		fprintf(out, "},\"page_size\":%llu,\"min_pfn\":%llu,\"max_pfn\":%llu,"
			"\"page_owner\":%s,\"page_ext_size\":%llu,\"page_owner_offset\":%llu,"
			"\"struct_page_size\":%zu,\"sections\":%llu,\"pfns_allocated\":%llu,"
			"\"pages_allocated\":%llu,\"pfns_free\":%llu,\"pfns_skipped\":%llu,"
			"\"pfns_missing\":%llu,\"records_suspect\":%llu,\"records_inconsistent\":%llu,"
			"\"distinct_stacks\":%zu,"
			"\"uptime_ns\":%llu,\"forms\":[",
			(unsigned long long)L->page_size, (unsigned long long)L->min_low_pfn,
			(unsigned long long)L->max_pfn, L->page_owner_enabled ? "true" : "false",
			(unsigned long long)L->page_ext_size,
			(unsigned long long)L->page_owner_offset, L->sizeof_page,
			(unsigned long long)st.sections, (unsigned long long)st.pfns_allocated,
			(unsigned long long)st.pages_allocated, (unsigned long long)st.pfns_buddy,
			(unsigned long long)st.pfns_skipped, (unsigned long long)st.pfns_missing,
			(unsigned long long)st.records_suspect,
			(unsigned long long)st.records_inconsistent, nr_stacks,
			(unsigned long long)L->dump_uptime_ns);
		char *forms = strdup(prog->forms), *save, *line;
		bool first = true;
		for (line = forms ? strtok_r(forms, "\n", &save) : NULL; line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (!first)
				fputc(',', out);
			po_json_string(out, line);
			first = false;
		}
		free(forms);
		fputs("]}\n", out);
		return NULL;
	}
	fprintf(out, "kernel release:     %s\n", prog->release[0] ? prog->release : "(unknown)");
	fprintf(out, "build id:           %s\n", bid ? bid : "(none in VMCOREINFO)");
	fprintf(out, "KASLR offset:       %#llx\n", (unsigned long long)prog->kaslr_offset);
	fprintf(out, "dump format:        %s\n", po_program_dump_format(prog));
	if (po_program_debuginfo_path(prog))
		fprintf(out, "types and symbols:  %s (%s)\n", po_program_debuginfo_path(prog),
			po_program_debuginfo_how(prog));
	else if (prog->debuginfo_desc[0]) /* no vmlinux */
		fprintf(out, "types and symbols:  %s (%s)\n", prog->debuginfo_desc,
			po_program_debuginfo_how(prog) ? po_program_debuginfo_how(prog) : "--btf");
	fprintf(out, "page size:          %llu\n", (unsigned long long)L->page_size);
	fprintf(out, "PFN range:          %#llx-%#llx (min_low_pfn-max_pfn)\n",
		(unsigned long long)L->min_low_pfn, (unsigned long long)L->max_pfn);
	fprintf(out, "page_owner:         %s\n", L->page_owner_enabled ? "on" : "off (page_owner_inited is false)");
	fprintf(out, "page_ext:           stride %llu bytes, page_owner at +%llu\n",
		(unsigned long long)L->page_ext_size, (unsigned long long)L->page_owner_offset);
	fprintf(out, "struct page:        %zu bytes\n", L->sizeof_page);
	fprintf(out, "struct page_owner:  %zu bytes\n", L->sizeof_page_owner);
	fprintf(out, "memory sections:    %llu present\n", (unsigned long long)st.sections);
	if (L->page_owner_enabled) {
		fprintf(out, "allocated records:  %llu (%llu base pages)\n",
			(unsigned long long)st.pfns_allocated, (unsigned long long)st.pages_allocated);
		fprintf(out, "free (buddy) PFNs:  %llu\n", (unsigned long long)st.pfns_buddy);
		fprintf(out, "skipped PFNs:       %llu (no owner, freed, tail or no handle)\n",
			(unsigned long long)st.pfns_skipped);
		fprintf(out, "missing PFNs:       %llu (struct page or page_ext not in the dump)\n",
			(unsigned long long)st.pfns_missing);
		fprintf(out, "suspect records:    %llu (values no kernel writes; left out of the counts above)\n",
			(unsigned long long)st.records_suspect);
		if (st.records_inconsistent)
			fprintf(out, "inconsistent records: %llu (flags that contradict the record: skipped, first at PFN %#llx)\n",
				(unsigned long long)st.records_inconsistent,
				(unsigned long long)st.inconsistent_first_pfn);
		fprintf(out, "distinct stacks:    %zu\n", nr_stacks);
	}
	if (L->dump_uptime_ns)
		fprintf(out, "uptime at the dump: %llu.%03llu s (%s)\n",
			(unsigned long long)(L->dump_uptime_ns / 1000000000ULL),
			(unsigned long long)(L->dump_uptime_ns / 1000000ULL % 1000),
			L->dump_uptime_how);
	else
		fprintf(out, "uptime at the dump: unknown (no jiffies_64 or kernel log): allocation times are not checked\n");
	fprintf(out, "layout found:\n");
	char *forms = strdup(prog->forms), *save, *line;
	for (line = forms ? strtok_r(forms, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		fprintf(out, "  %s\n", line);
	free(forms);
	return NULL;
}
