/*
 * The program object (program.h): memory, facts, and the type and symbol
 * sources, with the accessors the kernel model uses.  Nothing here knows
 * page_owner; the kernel model (kernel/) is set up on top of it and freed
 * through the hook it leaves (k_destroy).
 */
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "access/btf.h"
#include "access/debuginfo.h"
#include "access/dump.h"
#include "access/dwarf.h"
#include "access/kallsyms.h"
#include "access/program.h"
#include "access/symbols.h"
#include "access/vmcoreinfo.h"

/* Values read through a custom backend's reader, kept (NULL too) so that
 * the strings live as long as the program. */
struct po_vmci_cache {
	char *key, *value;
	struct po_vmci_cache *next;
};

struct po_error *po_program_create(struct po_program **ret)
{
	struct po_program *prog = calloc(1, sizeof(*prog));
	if (!prog)
		return &po_error_nomem;
	prog->threads = 1;
	*ret = prog;
	return NULL;
}

void po_program_destroy(struct po_program *prog)
{
	if (!prog)
		return;
	if (prog->k_destroy)
		prog->k_destroy(prog);
	for (struct po_vmci_cache *c = prog->vmci_cache, *n; c; c = n) {
		n = c->next;
		free(c->key);
		free(c->value);
		free(c);
	}
	if (prog->mem_ops && prog->mem_ops->destroy)
		prog->mem_ops->destroy(prog->mem_arg);
	if (prog->types)
		prog->types->destroy(prog->types_arg);
	if (prog->symbols)
		prog->symbols->destroy(prog->symbols_arg);
	free(prog->vmlinux_path);
	free(prog->debuginfo_how);
	free(prog->dump_path);
	free(prog);
}

void po_program_set_memory(struct po_program *prog,
			   const struct po_memory_ops *ops, void *arg)
{
	prog->mem_ops = ops;
	prog->mem_arg = arg;
}

void po_program_set_threads(struct po_program *prog, unsigned n)
{
	prog->threads = n ? n : 1;
}

unsigned po_cpus_available(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

void po_program_set_progress(struct po_program *prog,
			     void (*fn)(void *arg, uint64_t done, uint64_t total),
			     void *arg)
{
	prog->progress = fn;
	prog->progress_arg = arg;
}

struct po_error *po_reader_open(struct po_program *prog, bool clone,
				struct po_reader *r)
{
	memset(r, 0, sizeof(*r));
	if (!prog->mem_ops)
		return po_error_create(PO_ERR_INVALID, "no memory source");
	if (!clone) {
		r->ops = prog->mem_ops;
		r->arg = prog->mem_arg;
		return NULL;
	}
	if (!prog->mem_ops->clone)
		return NULL;
	struct po_error *err = prog->mem_ops->clone(prog->mem_arg, &r->arg);
	if (err)
		return err;
	r->ops = prog->mem_ops;
	r->owned = true;
	return NULL;
}

void po_reader_close(struct po_reader *r)
{
	if (r->owned && r->ops->destroy)
		r->ops->destroy(r->arg);
	memset(r, 0, sizeof(*r));
}

void po_program_set_kaslr_offset(struct po_program *prog, uint64_t off)
{
	prog->kaslr_offset = off;
}

void po_program_set_release(struct po_program *prog, const char *release)
{
	snprintf(prog->release, sizeof(prog->release), "%s", release);
}

void po_program_set_interrupt(struct po_program *prog,
			      bool (*check)(void *arg), void *arg)
{
	prog->interrupt = check;
	prog->interrupt_arg = arg;
}

bool po_interrupted(struct po_program *prog)
{
	return prog->interrupt && prog->interrupt(prog->interrupt_arg);
}

const char *po_program_release(struct po_program *prog) { return prog->release; }

uint64_t po_program_kaslr_offset(struct po_program *prog)
{
	return prog->kaslr_offset;
}

bool po_program_symbol_address(struct po_program *prog, const char *name,
			       uint64_t *addr)
{
	return po_symbol_addr(prog, name, addr);
}

const char *po_program_build_id(struct po_program *prog)
{
	return prog->build_id[0] ? prog->build_id : NULL;
}

const char *po_program_dump_format(struct po_program *prog)
{
	return prog->dump ? po_dump_format(prog->dump) : "live memory (crash)";
}

void po_note_form(struct po_program *prog, const char *fmt, ...)
{
	size_t len = strlen(prog->forms);
	va_list ap;

	if (len + 2 >= sizeof(prog->forms))
		return;
	va_start(ap, fmt);
	vsnprintf(prog->forms + len, sizeof(prog->forms) - len, fmt, ap);
	va_end(ap);
	len = strlen(prog->forms);
	if (len + 1 < sizeof(prog->forms)) {
		prog->forms[len] = '\n';
		prog->forms[len + 1] = '\0';
	}
}

struct po_error *po_program_open_dump(struct po_program *prog, const char *path)
{
	struct po_error *err;
	const char *v;

	err = po_dump_open(path, &prog->dump);
	if (err)
		return err;
	free(prog->dump_path);
	if (!(prog->dump_path = strdup(path)))
		return &po_error_nomem;
	po_program_set_memory(prog, &po_dump_memory_ops, prog->dump);
	v = po_dump_vmcoreinfo(prog->dump, "OSRELEASE");
	if (v)
		po_program_set_release(prog, v);
	v = po_dump_vmcoreinfo(prog->dump, "BUILD-ID");
	if (v)
		snprintf(prog->build_id, sizeof(prog->build_id), "%s", v);
	v = po_dump_vmcoreinfo(prog->dump, "KERNELOFFSET");
	if (v)
		po_program_set_kaslr_offset(prog, strtoull(v, NULL, 16));
	return NULL;
}

/* ---- the vmlinux ---- */

struct po_error *po_vmlinux_identify(const char *path, struct po_vmlinux_id *id)
{
	struct po_symtab *st;
	struct po_error *err = po_symtab_open(path, PO_SYMTAB_IDENTIFY, &st);
	const char *bid, *banner;

	memset(id, 0, sizeof(*id));
	if (err) {
		if (err->code == PO_ERR_FORMAT)
			err->code = PO_ERR_DEBUGINFO; /* a bad vmlinux, not a bad dump */
		return err;
	}
	bid = po_symtab_build_id(st);
	banner = po_symtab_banner(st);
	snprintf(id->build_id, sizeof(id->build_id), "%s", bid ? bid : "");
	snprintf(id->banner, sizeof(id->banner), "%.*s",
		 banner ? (int)strcspn(banner, "\n") : 0, banner ? banner : "");
	po_symtab_destroy(st);
	return NULL;
}

/* The banner of the dump's release ("Linux version 6.1.0-28-amd64 (...")? */
static bool banner_matches(struct po_program *prog, const char *banner)
{
	char want[128];

	snprintf(want, sizeof(want), "Linux version %s ", prog->release);
	return prog->release[0] && !strncmp(banner, want, strlen(want));
}

bool po_program_vmlinux_matches(struct po_program *prog, const struct po_vmlinux_id *id)
{
	if (prog->build_id[0] && id->build_id[0])
		return !strcmp(prog->build_id, id->build_id);
	return banner_matches(prog, id->banner);
}

/* Does a vmlinux of this build id and banner belong to the dump? */
struct po_error *po_program_check_vmlinux(struct po_program *prog, const char *path,
					  const struct po_vmlinux_id *id)
{
	if (prog->build_id[0] && id->build_id[0]) {
		if (strcmp(prog->build_id, id->build_id) != 0)
			return po_error_create(PO_ERR_MISMATCH,
					       "%s does not belong to the dump: build id %s, the dump's kernel has %s (release %s)",
					       path, id->build_id, prog->build_id,
					       prog->release[0] ? prog->release : "unknown");
	} else if (prog->release[0] && id->banner[0]) {
		if (!banner_matches(prog, id->banner))
			return po_error_create(PO_ERR_MISMATCH,
					       "%s does not belong to the dump: its banner is \"%.*s\", the dump's kernel is %s",
					       path, (int)strcspn(id->banner, "(") - 1, id->banner,
					       prog->release);
	}
	return NULL;
}

struct po_error *po_program_load_vmlinux(struct po_program *prog,
					 const char *path)
{
	struct po_symtab *st;
	struct po_dwarf *dw;
	struct po_vmlinux_id id;
	struct po_error *err;
	const char *bid, *banner;

	/* with threads to spare, the symbols are read and sorted while the
	 * DWARF is indexed */
	err = po_symtab_open(path, prog->threads > 1 ? PO_SYMTAB_SORT_BACKGROUND :
			     PO_SYMTAB_SORT, &st);
	if (err) {
		if (err->code == PO_ERR_FORMAT)
			err->code = PO_ERR_DEBUGINFO; /* a bad vmlinux, not a bad dump */
		return err;
	}
	memset(&id, 0, sizeof(id));
	bid = po_symtab_build_id(st);
	snprintf(id.build_id, sizeof(id.build_id), "%s", bid ? bid : "");
	/* the banner (which waits for the symbols) only when the build ids
	 * cannot tell */
	banner = prog->build_id[0] && id.build_id[0] ? NULL : po_symtab_banner(st);
	snprintf(id.banner, sizeof(id.banner), "%.*s",
		 banner ? (int)strcspn(banner, "\n") : 0, banner ? banner : "");
	if ((err = po_program_check_vmlinux(prog, path, &id)) ||
	    (err = po_dwarf_open(path, &dw))) {
		po_symtab_destroy(st);
		return err;
	}
	if (!(prog->vmlinux_path = strdup(path))) {
		po_symtab_destroy(st);
		po_dwarf_close(dw);
		return &po_error_nomem;
	}
	prog->symbols = &po_symtab_symbol_source;
	prog->symbols_arg = st;
	prog->types = &po_dwarf_type_source;
	prog->types_arg = dw;
	return NULL;
}

/* ---- the dump's own debug info: kallsyms and BTF ---- */

/* A VMCOREINFO SYMBOL() value; false if absent. */
static bool vmci_symbol(struct po_program *prog, const char *name, uint64_t *v)
{
	char key[96];
	const char *s;

	snprintf(key, sizeof(key), "SYMBOL(%s)", name);
	s = po_program_vmcoreinfo(prog, key);
	*v = s ? strtoull(s, NULL, 16) : 0;
	return s && *v;
}

static long vmci_length(struct po_program *prog, const char *name)
{
	char key[96];
	const char *s;

	snprintf(key, sizeof(key), "LENGTH(%s)", name);
	s = po_program_vmcoreinfo(prog, key);
	return s ? strtol(s, NULL, 10) : -1;
}

/* The largest .BTF a kernel has (x86-64 Debian: about 6 MiB). */
#define MAX_BTF (256u << 20)

struct po_error *po_program_load_dump_debuginfo(struct po_program *prog)
{
	struct po_kallsyms_where w;
	struct po_btf_facts facts;
	struct po_kallsyms *ks;
	struct po_btf *btf;
	struct po_error *err;
	uint8_t *data;
	size_t len, missing;
	bool ok;

	if (prog->types || prog->symbols)
		return po_error_create(PO_ERR_INVALID, "debug info is loaded already");
	if (!prog->mem_ops)
		return po_error_create(PO_ERR_INVALID, "no memory source");
	memset(&w, 0, sizeof(w));
	ok = vmci_symbol(prog, "kallsyms_names", &w.names) &&
	     vmci_symbol(prog, "kallsyms_num_syms", &w.num_syms) &&
	     vmci_symbol(prog, "kallsyms_token_table", &w.token_table) &&
	     vmci_symbol(prog, "kallsyms_token_index", &w.token_index) &&
	     (vmci_symbol(prog, "kallsyms_offsets", &w.offsets) ||
	      vmci_symbol(prog, "kallsyms_addresses", &w.addresses));
	vmci_symbol(prog, "kallsyms_relative_base", &w.relative_base);
	vmci_symbol(prog, "_stext", &w.stext);
	if (!ok)
		return po_error_create(PO_ERR_DEBUGINFO,
				       "no kallsyms in VMCOREINFO (kernel before 6.0): give the vmlinux with debug info");
	if ((err = po_kallsyms_load(prog->mem_ops, prog->mem_arg, &w, &ks)))
		return err;
	err = po_kallsyms_read_between(ks, "__start_BTF", "__stop_BTF", MAX_BTF, &data, &len,
				       &missing);
	if (err) {
		po_error_destroy(err);
		po_kallsyms_destroy(ks);
		return po_error_create(PO_ERR_DEBUGINFO,
				       "no BTF in the dump (CONFIG_DEBUG_INFO_BTF off?): give the vmlinux with debug info");
	}
	if (missing) {
		free(data);
		po_kallsyms_destroy(ks);
		return po_error_create(PO_ERR_DEBUGINFO,
				       "the dump lacks %zu pages of the kernel's BTF (%zu bytes): give the vmlinux with debug info",
				       missing, len);
	}
	memset(&facts, 0, sizeof(facts));
	facts.have_mem_section = vmci_symbol(prog, "mem_section", &facts.mem_section);
	facts.mem_section_len = vmci_length(prog, "mem_section");
	facts.node_data_len = vmci_length(prog, "node_data");
	err = po_btf_load(data, len, ks, &facts, &btf);
	free(data);
	if (err) {
		po_kallsyms_destroy(ks);
		return err;
	}
	prog->symbols = &po_kallsyms_symbol_source;
	prog->symbols_arg = ks;
	prog->types = &po_btf_type_source;
	prog->types_arg = btf;
	snprintf(prog->debuginfo_desc, sizeof(prog->debuginfo_desc),
		 "the dump's BTF (%zu types) and kallsyms (%zu symbols, %s)",
		 po_btf_count(btf), po_kallsyms_count(ks), po_kallsyms_encoding(ks));
	return NULL;
}

/* ---- memory ---- */

struct po_error *po_read(struct po_program *prog, uint64_t addr, void *buf,
			 size_t len)
{
	if (!prog->mem_ops)
		return po_error_create(PO_ERR_INVALID, "no memory source");
	return prog->mem_ops->read(prog->mem_arg, PO_KVADDR, addr, buf, len);
}

struct po_error *po_read_phys(struct po_program *prog, uint64_t addr, void *buf,
			      size_t len)
{
	return prog->mem_ops->read(prog->mem_arg, PO_PADDR, addr, buf, len);
}

struct po_error *po_read_u64(struct po_program *prog, uint64_t addr, uint64_t *v)
{
	return po_read(prog, addr, v, 8);
}

struct po_error *po_read_u32(struct po_program *prog, uint64_t addr, uint32_t *v)
{
	return po_read(prog, addr, v, 4);
}

struct po_error *po_read_cstr(struct po_program *prog, uint64_t addr, char *buf,
			      size_t len)
{
	size_t got = 0;

	/* Read in chunks that do not cross a page, so a string near the end
	 * of readable memory still reads. */
	while (got + 1 < len) {
		size_t chunk = 64 - (addr + got) % 64;
		if (chunk > len - 1 - got)
			chunk = len - 1 - got;
		struct po_error *err = po_read(prog, addr + got, buf + got, chunk);
		if (err) {
			if (got)
				po_error_destroy(err);
			else
				return err;
			break;
		}
		void *nul = memchr(buf + got, '\0', chunk);
		got += chunk;
		if (nul)
			return NULL;
	}
	buf[got] = '\0';
	return NULL;
}

/* ---- symbols ---- */

bool po_symbol_addr(struct po_program *prog, const char *name, uint64_t *addr)
{
	struct po_variable v;
	uint64_t a;

	/* the type source tells a static variable from a namesake */
	if (prog->types && prog->types->variable &&
	    prog->types->variable(prog->types_arg, name, &v, true) && v.have_address) {
		*addr = v.address + prog->kaslr_offset;
		return true;
	}
	if (prog->symbols && prog->symbols->lookup(prog->symbols_arg, name, &a)) {
		*addr = a + (prog->symbols->link_time ? prog->kaslr_offset : 0);
		return true;
	}
	return false;
}

struct po_error *po_symbol_required(struct po_program *prog, const char *name,
				    uint64_t *addr)
{
	if (po_symbol_addr(prog, name, addr))
		return NULL;
	return po_error_create(PO_ERR_DEBUGINFO,
			       "kernel symbol '%s' not found in %s", name,
			       po_debuginfo_name(prog));
}

bool po_symbolize(struct po_program *prog, uint64_t addr, const char **name,
		  uint64_t *offset, uint64_t *size)
{
	if (!prog->symbols)
		return false;
	if (prog->symbols->link_time)
		addr -= prog->kaslr_offset;
	return prog->symbols->symbolize(prog->symbols_arg, addr, name, offset, size);
}

int po_rodata_has_string(struct po_program *prog, const char *s)
{
	return prog->symbols && prog->symbols->rodata_has_string ?
	       prog->symbols->rodata_has_string(prog->symbols_arg, s) : -1;
}

const char *po_debuginfo_name(struct po_program *prog)
{
	return prog->vmlinux_path ? prog->vmlinux_path :
	       prog->types == &po_btf_type_source ? "the dump's BTF and kallsyms" :
	       "the debug info";
}

/* ---- types ---- */

struct po_error *po_types_want(struct po_program *prog, const char *const *names,
			       size_t n)
{
	if (!prog->types)
		return po_error_create(PO_ERR_INVALID, "no debug info loaded");
	return prog->types->want ? prog->types->want(prog->types_arg, names, n) : NULL;
}

size_t po_types_undeclared(struct po_program *prog)
{
	return prog->types && prog->types->undeclared ?
	       prog->types->undeclared(prog->types_arg) : 0;
}

bool po_member(struct po_program *prog, const char *type, const char *path,
	       struct po_member *m)
{
	return prog->types && prog->types->member(prog->types_arg, type, path, m);
}

size_t po_offsetof(struct po_program *prog, const char *type, const char *path)
{
	struct po_member m;

	return po_member(prog, type, path, &m) ? m.offset : PO_ABSENT;
}

struct po_error *po_offsetof_required(struct po_program *prog, const char *type,
				      const char *path, size_t *off)
{
	*off = po_offsetof(prog, type, path);
	if (*off != PO_ABSENT)
		return NULL;
	return po_error_create(PO_ERR_DEBUGINFO,
			       "member '%s' of '%s' not found in the types of %s",
			       path, type, po_debuginfo_name(prog));
}

size_t po_sizeof(struct po_program *prog, const char *type)
{
	size_t size;

	return prog->types && prog->types->type_size(prog->types_arg, type, &size) ? size : 0;
}

bool po_has_type(struct po_program *prog, const char *type)
{
	return po_sizeof(prog, type) > 0;
}

bool po_enum_value(struct po_program *prog, const char *name, int64_t *value)
{
	return prog->types && prog->types->enumerator(prog->types_arg, name, value);
}

bool po_variable(struct po_program *prog, const char *name, struct po_variable *v)
{
	return prog->types && prog->types->variable &&
	       prog->types->variable(prog->types_arg, name, v, false);
}

/* ---- VMCOREINFO ---- */

void po_program_set_vmcoreinfo_reader(struct po_program *prog,
				      char *(*read)(void *arg, const char *key),
				      void *arg)
{
	const char *bid;

	prog->vmci_read = read;
	prog->vmci_arg = arg;
	bid = po_program_vmcoreinfo(prog, "BUILD-ID");
	if (bid)
		snprintf(prog->build_id, sizeof(prog->build_id), "%s", bid);
}

const char *po_program_vmcoreinfo(struct po_program *prog, const char *key)
{
	struct po_vmci_cache *c;
	struct po_error *err;

	if (prog->dump)
		return po_dump_vmcoreinfo(prog->dump, key);
	if (!prog->vmci_read)
		return NULL;
	for (c = prog->vmci_cache; c; c = c->next)
		if (!strcmp(c->key, key))
			return c->value;
	c = calloc(1, sizeof(*c));
	if (!c || !(c->key = strdup(key))) {
		free(c);
		return NULL;
	}
	c->value = prog->vmci_read(prog->vmci_arg, key);
	/* a value a dump file would be refused for is not used */
	if (c->value && (err = po_vmcoreinfo_check("VMCOREINFO", key, c->value))) {
		po_error_destroy(err);
		free(c->value);
		c->value = NULL;
	}
	c->next = prog->vmci_cache;
	prog->vmci_cache = c;
	return c->value;
}

