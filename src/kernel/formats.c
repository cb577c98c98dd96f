/*
 * The page_owner text of the dumped kernel's version: print_page_owner()'s
 * own format strings found in .rodata (distribution backports included),
 * else struct page_owner's members and the release; %pGp's page->flags
 * fields from the kernel's pff[] table (5.14+), else from the layout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "kernel/kernel.h"

const struct po_type_names po_formats_types = PO_TYPE_NAMES(
	"struct page", "struct page_owner", "struct page_flags_fields?",
	"struct page_owner_filter_state?", "enumerator __MAX_NR_ZONES",
	"enumerator MR_NEVER?", "var node_data?", "var __per_cpu_offset?",
	"var pff?", "var default_flag_spec?");
#include "access/debuginfo.h"
#include "access/program.h"

/* 5.14+: lib/vsprintf.c's pff[] is what %pGp prints after the flag names:
 * each field's name, width, shift and number format, as the kernel computed
 * them.  Read it from the dump; false if it is not there or not readable. */
static bool read_pff(struct po_program *prog)
{
	struct po_layout *L = &prog->k->L;
	const char *T = "struct page_flags_fields";
	struct po_variable var;
	struct po_member mw, ms, mn, mspec;
	uint64_t addr, flag_spec = 0;
	uint8_t buf[64];
	long n;
	size_t sz;

	if (!po_member(prog, T, "width", &mw) || !po_member(prog, T, "shift", &ms) ||
	    !po_member(prog, T, "name", &mn) || !po_member(prog, T, "spec", &mspec) ||
	    mw.size != 4 || ms.size != 4 || mn.size != 8 || mspec.size != 8)
		return false;
	sz = po_sizeof(prog, T);
	if (!po_variable(prog, "pff", &var) ||
	    (n = var.array_len) <= 0 || n > 5 || sz == 0 || sz > sizeof(buf) ||
	    !po_symbol_addr(prog, "pff", &addr))
		return false;
	po_symbol_addr(prog, "default_flag_spec", &flag_spec);
	struct po_pff f[5];
	memset(f, 0, sizeof(f));
	int used = 0;
	for (long i = 0; i < n; i++) {
		struct po_error *err = po_read(prog, addr + (uint64_t)i * sz, buf, sz);
		if (err) {
			po_error_destroy(err);
			return false;
		}
		int width = (int)po_get_u32(buf + mw.offset);
		int shift = (int)po_get_u32(buf + ms.offset);
		uint64_t spec = po_get_u64(buf + mspec.offset);
		if (width < 0 || width > 32 || shift < 0 || shift + width > 64)
			return false;
		err = po_read_cstr(prog, po_get_u64(buf + mn.offset), f[i].name,
				   sizeof(f[i].name));
		if (err) {
			po_error_destroy(err);
			return false;
		}
		f[i].width = width;
		f[i].shift = shift;
		f[i].hex = flag_spec ? spec == flag_spec :
			   strcmp(f[i].name, "lastcpupid") == 0 || strcmp(f[i].name, "kasantag") == 0;
		used += width;
	}
	if (used > 64)
		return false;
	memcpy(L->pff, f, sizeof(f));
	return true;
}

/* Fields of page->flags that %pGp prints (include/linux/page-flags-layout.h). */
static void init_page_flag_fields(struct po_program *prog)
{
	struct po_layout *L = &prog->k->L;
	if (read_pff(prog)) {
		po_note_form(prog, "page->flags fields: from the kernel's pff[]: %s %d, %s %d, %s %d, %s %d, %s %d bits",
			     L->pff[0].name, L->pff[0].width, L->pff[1].name, L->pff[1].width,
			     L->pff[2].name, L->pff[2].width, L->pff[3].name, L->pff[3].width,
			     L->pff[4].name, L->pff[4].width);
		return;
	}
	struct po_variable var;
	struct po_member m;
	int64_t zones = 0;
	int sections_w = 0, nodes_w = 0, zones_w, cpupid_w = 0;
	uint64_t dummy;

	po_enum_value(prog, "__MAX_NR_ZONES", &zones);
	zones_w = zones <= 1 ? 0 : zones <= 2 ? 1 : zones <= 4 ? 2 : 3;
	/* SPARSEMEM_VMEMMAP (the only sparsemem the walk reads) keeps no
	 * section number in page->flags */
	const char *nd = po_program_vmcoreinfo(prog, "LENGTH(node_data)");
	if (nd && strtoul(nd, NULL, 10) > 1) {
		nodes_w = (int)po_ilog2(strtoull(nd, NULL, 10));
	} else if (po_variable(prog, "node_data", &var)) {
		{
			long n = var.array_len;
			if (n > 1)
				nodes_w = (int)po_ilog2((uint64_t)n);
		}
	}
	if (sections_w + zones_w + nodes_w > 64 - L->nr_pageflags)
		nodes_w = 0;
	if (po_symbol_addr(prog, "task_numa_fault", &dummy) &&
	    !po_member(prog, "struct page", "_last_cpupid", &m)) {
		long nr_cpus = 1;
		if (po_variable(prog, "__per_cpu_offset", &var)) {
			nr_cpus = var.array_len;
		}
		cpupid_w = 8 + (int)po_order_base_2((uint64_t)(nr_cpus > 0 ? nr_cpus : 1));
	}
	int pgoff = 64;
	const char *names[5] = { "section", "node", "zone", "lastcpupid", "kasantag" };
	int widths[5] = { sections_w, nodes_w, zones_w, cpupid_w, 0 };
	for (int i = 0; i < 5; i++) {
		pgoff -= widths[i];
		snprintf(L->pff[i].name, sizeof(L->pff[i].name), "%s", names[i]);
		L->pff[i].width = widths[i];
		L->pff[i].shift = pgoff;
		L->pff[i].hex = i >= 3;
	}
	po_note_form(prog, "page->flags fields: section %d, node %d, zone %d, lastcpupid %d bits",
		     sections_w, nodes_w, zones_w, cpupid_w);
}

/* Which of the strings is in the vmlinux's .rodata: its index, -1 when none
 * is (or the file has no .rodata contents). */
static int rodata_which(struct po_program *prog, const char *const *s, int n)
{
	for (int i = 0; i < n; i++)
		if (po_rodata_has_string(prog, s[i]) == 1)
			return i;
	return -1;
}

static void init_formats(struct po_program *prog)
{
	struct po_layout *L = &prog->k->L;
	unsigned k = L->kver;
	int64_t e;
	int w;

	/* print_page_owner's own format strings, where the vmlinux has its
	 * .rodata, decide the text exactly (distribution backports included);
	 * else struct page_owner's members and, for changes with no structural
	 * trace, the release. */
	static const char *const line1[] = {
		"Page allocated via order %u, mask %#x(%pGg), pid %d, tgid %d (%s), ts %llu ns\n",
		"Page allocated via order %u, mask %#x(%pGg), pid %d, tgid %d (%s), ts %llu ns, free_ts %llu ns\n",
		"Page allocated via order %u, mask %#x(%pGg), pid %d, ts %llu ns, free_ts %llu ns\n",
		"Page allocated via order %u, mask %#x(%pGg), pid %d, ts %llu ns\n",
		"Page allocated via order %u, mask %#x(%pGg)\n",
	};
	static const char *const line2[] = {
		"PFN %lu type %s Block %lu type %s Flags %#lx(%pGp)\n",
		"PFN %lu type %s Block %lu type %s Flags %pGp\n",
		"PFN 0x%lx type %s Block %lu type %s Flags %pGp\n",
	};
	L->l1_pid = L->po_pid != PO_ABSENT;
	L->l1_tgid = L->po_tgid != PO_ABSENT;
	/* free_ts: 5.13 to 6.6 (6.8 added free_pid after 6.7 dropped it) */
	L->l1_free_ts = L->po_free_ts_nsec != PO_ABSENT && L->po_free_pid == PO_ABSENT &&
			(!k || k < PO_KVER(6, 7));
	w = rodata_which(prog, line1, (int)PO_ARRAY_SIZE(line1));
	const char *l1_how = "struct page_owner and release";
	if (w >= 0) {
		L->l1_pid = w <= 3;
		L->l1_tgid = w <= 1;
		L->l1_free_ts = w == 1 || w == 2;
		l1_how = "vmlinux .rodata";
	}
	if (k && k < PO_KVER(5, 16))
		L->fmt_line2 = PO_LINE2_FLAGS_HEX;
	else if (k && k < PO_KVER(6, 5))
		L->fmt_line2 = PO_LINE2_PGP;
	else
		L->fmt_line2 = PO_LINE2_PFN_HEX;
	w = rodata_which(prog, line2, (int)PO_ARRAY_SIZE(line2));
	if (w >= 0)
		L->fmt_line2 = (enum po_line2_form)w;
	/* %pGp: the page->flags fields from 5.14 (lib/vsprintf.c's struct
	 * page_flags_fields), the 0x...( ) around it from 5.16, the release
	 * that also moved line 2 to "Flags %pGp" */
	L->pgp_fields = po_has_type(prog, "struct page_flags_fields") ||
			(!prog->types && (!k || k >= PO_KVER(5, 14)));
	L->pgp_hex = L->pgp_fields && L->fmt_line2 != PO_LINE2_FLAGS_HEX;
	L->memcg_line = L->off_memcg_data != PO_ABSENT && L->po_tgid != PO_ABSENT;
	if (po_has_type(prog, "struct page_owner_filter_state"))
		L->dump_fmt = PO_DUMP_73;
	else if (L->po_free_pid != PO_ABSENT)
		L->dump_fmt = PO_DUMP_FREE_PID;
	else
		L->dump_fmt = PO_DUMP_FREE_TS;
	po_note_form(prog, "page_owner text (%s): line 1 with%s%s%s, PFN %s, Flags %s, %s",
		     l1_how,
		     L->l1_pid ? " pid, ts" : "out pid",
		     L->l1_tgid ? ", tgid, comm" : "",
		     L->l1_free_ts ? ", free_ts" : "",
		     L->fmt_line2 == PO_LINE2_PFN_HEX ? "hex" : "decimal",
		     L->fmt_line2 == PO_LINE2_FLAGS_HEX ? "%#lx(%pGp)" : "%pGp",
		     L->memcg_line ? "memcg line" : "no memcg line");
	po_note_form(prog, "%%pGp: %s", !L->pgp_fields ? "flag names" :
		     L->pgp_hex ? "0x..(names|fields) (5.16+)" : "names|fields (5.14, 5.15)");
	L->mr_never = po_enum_value(prog, "MR_NEVER", &e);
	L->mr_never_value = (int)e;
	po_note_form(prog, "never migrated: %s",
		     L->mr_never ? "MR_NEVER enumerator (7.x form)" : "-1");
	po_note_form(prog, "page_owner print modes and node filter: %s",
		     L->dump_fmt == PO_DUMP_73 ? "yes (struct page_owner_filter_state)" : "no");
}

void po_formats_init(struct po_program *prog)
{
	init_formats(prog);
	init_page_flag_fields(prog);
}
