/*
 * stackdepot: handle -> stack record -> frames, for every layout from 5.4 to
 * 7.x.  The handle's bit fields come from the DWARF of union handle_parts
 * (slabindex / pool_index / pool_index_plus_1, offset, valid, extra); pools
 * are stack_slabs[] or stack_pools[] (an array, or a pointer from 6.18 on).
 * Records are checked (pool index bound, the record's own handle, frame
 * count) and cached by handle; frames are symbolized once per address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/util.h"
#include "kernel/kernel.h"
#include "kernel/modules.h"
#include "kernel/stackdepot.h"
#include "access/debuginfo.h"
#include "access/program.h"
#include "access/symbols.h"

const struct po_type_names po_stackdepot_types = PO_TYPE_NAMES(
	"union handle_parts?", "struct stack_record?", "var stack_pools?",
	"var stack_slabs?", "var pools_num?", "var depot_index?");

#define DEPOT_STACK_ALIGN 4
#define MAX_FRAMES_LIMIT 256

struct field { int shift, width; };

struct cache_ent {
	uint32_t handle;
	struct po_stack *stack;   /* NULL + err_code: bad handle */
	int err_code;
};

struct po_stackdepot {
	struct field index, offset, valid, extra;
	bool plus_1;
	uint64_t pools_addr;     /* &stack_pools / &stack_slabs */
	bool pools_pointer;      /* void **stack_pools */
	uint64_t pools_base;     /* resolved array base */
	long pools_len;          /* DWARF array length, or -1 */
	uint64_t pools_num_addr;
	bool num_is_index;       /* depot_index: count = value + 1 */
	size_t off_size, off_handle, off_count, off_entries;
	size_t max_frames;
	struct cache_ent *cache;
	size_t cache_cap, cache_len;
	uint32_t last_handle;         /* the last stack found, */
	const struct po_stack *last_stack; /* NULL: none */
};

static uint32_t get_field(const struct field *f, uint32_t h)
{
	if (!f->width)
		return 0;
	return (h >> f->shift) & (f->width >= 32 ? 0xffffffffu : ((1u << f->width) - 1));
}

static bool load_field(struct po_program *prog, const char *name, struct field *f)
{
	struct po_member m;
	if (!po_member(prog, "union handle_parts", name, &m) || !m.bit_size)
		return false;
	f->shift = (int)(m.offset * 8 + m.bit_offset);
	f->width = m.bit_size;
	return true;
}

uint32_t po_handle_mask(struct po_program *prog, uint32_t handle)
{
	struct po_stackdepot *sd = prog->k->sd;
	if (!sd || !sd->extra.width)
		return handle;
	return handle & ~(((1u << sd->extra.width) - 1) << sd->extra.shift);
}

struct po_error *po_stackdepot_init(struct po_program *prog)
{
	struct po_stackdepot *sd = calloc(1, sizeof(*sd));
	struct po_variable var;
	const char *form;

	if (!sd)
		return &po_error_nomem;
	prog->k->sd = sd;
	if (po_has_type(prog, "union handle_parts")) {
		if (load_field(prog, "pool_index_plus_1", &sd->index)) {
			sd->plus_1 = true;
			form = "pool_index_plus_1";
		} else if (load_field(prog, "pool_index", &sd->index)) {
			form = "pool_index";
		} else if (load_field(prog, "slabindex", &sd->index)) {
			form = "slabindex";
		} else {
			return po_error_create(PO_ERR_UNSUPPORTED,
					       "union handle_parts has no pool index field");
		}
		if (!load_field(prog, "offset", &sd->offset))
			return po_error_create(PO_ERR_UNSUPPORTED,
					       "union handle_parts has no offset field");
		load_field(prog, "valid", &sd->valid);
		load_field(prog, "extra", &sd->extra);
	} else {
		/* 5.4: slabindex:21 offset:10 valid:1, declared in lib/stackdepot.c */
		sd->index = (struct field){ 0, 21 };
		sd->offset = (struct field){ 21, 10 };
		sd->valid = (struct field){ 31, 1 };
		form = "slabindex (no DWARF for union handle_parts; 5.4 widths)";
	}
	if (po_symbol_addr(prog, "stack_pools", &sd->pools_addr) &&
	    po_variable(prog, "stack_pools", &var)) {
		sd->pools_pointer = var.kind == PO_KIND_POINTER;
		sd->pools_len = var.kind == PO_KIND_ARRAY ? var.array_len : -1;
	} else if (po_symbol_addr(prog, "stack_slabs", &sd->pools_addr) &&
		   po_variable(prog, "stack_slabs", &var)) {
		sd->pools_len = var.kind == PO_KIND_ARRAY ? var.array_len : -1;
	} else {
		return po_error_create(PO_ERR_DEBUGINFO,
				       "neither stack_pools nor stack_slabs found in %s",
				       po_debuginfo_name(prog));
	}
	if (po_symbol_addr(prog, "pools_num", &sd->pools_num_addr)) {
		sd->num_is_index = false;
	} else if (po_symbol_addr(prog, "depot_index", &sd->pools_num_addr)) {
		sd->num_is_index = true;
	} else {
		sd->pools_num_addr = 0;
	}
	sd->off_size = po_offsetof(prog, "struct stack_record", "size");
	sd->off_handle = po_offsetof(prog, "struct stack_record", "handle");
	sd->off_count = po_offsetof(prog, "struct stack_record", "count");
	sd->off_entries = po_offsetof(prog, "struct stack_record", "entries");
	if (sd->off_size == PO_ABSENT || sd->off_handle == PO_ABSENT ||
	    sd->off_entries == PO_ABSENT) {
		/* 5.4-6.7 layout: next, hash, size, handle, entries[] */
		sd->off_size = 12;
		sd->off_handle = 16;
		sd->off_entries = 24;
		sd->off_count = PO_ABSENT;
	}
	sd->max_frames = 64;
	{
		struct po_member m;
		if (po_member(prog, "struct stack_record", "entries", &m)) {
			long n = m.array_len;
			/* 6.8+: entries[CONFIG_STACKDEPOT_MAX_FRAMES]; before,
			 * a variable-sized entries[1] (5.x) or entries[] */
			if (n > 1 && n <= MAX_FRAMES_LIMIT)
				sd->max_frames = (size_t)n;
		}
	}
	if (sd->pools_pointer) {
		struct po_error *err = po_read_u64(prog, sd->pools_addr, &sd->pools_base);
		if (err)
			return po_error_prefix(err, "reading stack_pools");
	} else {
		sd->pools_base = sd->pools_addr;
	}
	po_note_form(prog, "stackdepot: handle %s:%d offset:%d%s extra:%d, pools %s%s, record entries at +%zu%s",
		     form, sd->index.width, sd->offset.width,
		     sd->valid.width ? " valid:1" : "", sd->extra.width,
		     sd->pools_pointer ? "void **stack_pools (pointer, 6.18+ form)" :
		     "array", sd->num_is_index ? " (depot_index)" : "",
		     sd->off_entries,
		     sd->off_count != PO_ABSENT ? ", refcounted" : "");
	return NULL;
}

#define REFCOUNT_SATURATED 0xc0000000u

/* Memory through rd, a thread's own reader, or the program's (rd NULL). */
static struct po_error *rd_read(struct po_program *prog, struct po_reader *rd,
				uint64_t addr, void *buf, size_t len)
{
	return rd ? po_reader_read(rd, addr, buf, len) : po_read(prog, addr, buf, len);
}

/* How many pools the depot has filled (pools_num, or depot_index + 1);
 * the caller checks sd->pools_num_addr. */
static struct po_error *pools_num(struct po_program *prog, struct po_reader *rd,
				  uint32_t *num)
{
	struct po_stackdepot *sd = prog->k->sd;
	struct po_error *err = rd_read(prog, rd, sd->pools_num_addr, num, 4);

	if (err)
		return po_error_prefix(err, "reading the stackdepot pool count");
	if (sd->num_is_index)
		(*num)++;
	return NULL;
}

struct po_error *po_stackdepot_counted(struct po_program *prog,
				       struct po_error *(*fn)(uint32_t handle, uint32_t count,
							      void *arg),
				       void *arg)
{
	struct po_stackdepot *sd = prog->k->sd;
	size_t recsz = po_sizeof(prog, "struct stack_record");
	uint64_t addr, pool_offset = UINT64_MAX;
	struct po_error *err = NULL;
	uint32_t num;
	uint8_t *buf;

	if (!sd || sd->off_count == PO_ABSENT || !sd->pools_num_addr ||
	    !recsz || recsz == PO_ABSENT || sd->off_count + 4 > recsz ||
	    sd->off_handle + 4 > recsz || po_symbol_addr(prog, "stack_ring", &addr))
		return NULL;
	const size_t align = (size_t)1 << DEPOT_STACK_ALIGN;
	const size_t hdr = sd->off_entries;
	size_t pool_size = (size_t)1 << (sd->offset.width + DEPOT_STACK_ALIGN);
	if (sd->offset.width > 20 || recsz > pool_size)
		return NULL;
	if ((err = pools_num(prog, NULL, &num)))
		return err;
	if (sd->pools_len > 0 && num > (uint64_t)sd->pools_len)
		return po_error_create(PO_ERR_INVALID, "pools_num %u is beyond stack_pools (%ld)",
				       num, sd->pools_len);
	if (po_symbol_addr(prog, "pool_offset", &addr)) {
		uint64_t v;
		struct po_error *e = po_read_u64(prog, addr, &v);
		if (!e)
			pool_offset = v; /* how far the last pool is filled */
		else
			po_error_destroy(e);
	}
	if (!(buf = malloc(pool_size)))
		return &po_error_nomem;
	for (uint32_t idx = 0; idx < num && !err; idx++) {
		uint64_t pool;
		size_t end = pool_size;
		if ((err = po_read_u64(prog, sd->pools_base + (uint64_t)idx * 8, &pool)))
			break;
		if (!pool)
			continue;
		if (idx + 1 == num && pool_offset < pool_size)
			end = (size_t)pool_offset;
		if ((err = po_read(prog, pool, buf, end))) {
			err = po_error_prefix(err, "reading stack pool %u at %#llx", idx,
					      (unsigned long long)pool);
			break;
		}
		/* records one after the other, each as long as its frames
		 * (depot_stack_record_size(); STACK_DEPOT_FLAG_GET ones, which
		 * only KASAN's tag modes make, take the whole slot) */
		for (size_t off = 0; off + hdr <= end && !err;) {
			uint32_t own = po_get_u32(buf + off + sd->off_handle);
			uint32_t count = po_get_u32(buf + off + sd->off_count);
			uint32_t size = po_get_u32(buf + off + sd->off_size);
			if (get_field(&sd->index, own) != idx + sd->plus_1 ||
			    get_field(&sd->offset, own) != off >> DEPOT_STACK_ALIGN ||
			    size > sd->max_frames)
				break; /* not a record: the rest of this pool */
			if (count && count < REFCOUNT_SATURATED)
				err = fn(po_handle_mask(prog, own), count, arg);
			off += (sd->off_entries + size * 8ULL + align - 1) & ~(uint64_t)(align - 1);
		}
	}
	free(buf);
	return err;
}

static void free_stack(struct po_stack *s)
{
	if (s) {
		free(s->text);
		free(s->frames);
		free(s);
	}
}

void po_stackdepot_destroy(struct po_program *prog)
{
	struct po_stackdepot *sd = prog->k->sd;
	if (!sd)
		return;
	for (size_t i = 0; i < sd->cache_cap; i++)
		if (sd->cache[i].handle)
			free_stack(sd->cache[i].stack);
	free(sd->cache);
	free(sd);
	prog->k->sd = NULL;
}

static struct cache_ent *cache_slot(struct po_stackdepot *sd, uint32_t handle)
{
	size_t mask = sd->cache_cap - 1;
	for (size_t i = po_hash64(handle) & mask;; i = (i + 1) & mask)
		if (sd->cache[i].handle == handle || !sd->cache[i].handle)
			return &sd->cache[i];
}

static struct po_error *cache_grow(struct po_stackdepot *sd)
{
	size_t ncap = sd->cache_cap ? sd->cache_cap * 2 : 1024;
	struct cache_ent *old = sd->cache;
	size_t ocap = sd->cache_cap;

	sd->cache = calloc(ncap, sizeof(*sd->cache));
	if (!sd->cache) {
		sd->cache = old;
		return &po_error_nomem;
	}
	sd->cache_cap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].handle)
			*cache_slot(sd, old[i].handle) = old[i];
	free(old);
	return NULL;
}

static void symbolize(struct po_program *prog, struct po_frame *f)
{
	size_t cap = prog->k->symcache_size;
	struct po_symcache_entry *e = NULL;

	if (!cap) {
		prog->k->symcache = calloc(1 << 14, sizeof(*prog->k->symcache));
		if (prog->k->symcache)
			prog->k->symcache_size = cap = 1 << 14;
	}
	if (cap) {
		e = &prog->k->symcache[po_hash64(f->addr) & (cap - 1)];
		if (e->valid && e->addr == f->addr) {
			f->name = e->name;
			f->offset = e->offset;
			f->size = e->size;
			return;
		}
	}
	f->name = NULL;
	f->module = NULL;
	po_symbolize(prog, f->addr, &f->name, &f->offset, &f->size);
	if (!f->name && po_module_symbolize(prog, f->addr, f))
		return; /* the cache has no module field; modules.c searches fast */
	if (e)
		*e = (struct po_symcache_entry){ f->addr, f->name, f->offset, f->size, true };
}

/*
 * Where handle's record is and how many frames it has, read through rd (or
 * the program's reader) and checked: the pool index within the pools, the
 * pool present, the record holding its own handle, no more frames than the
 * depot keeps.  PO_ERR_INVALID or PO_ERR_FAULT: the dump does not give
 * this record.
 */
static struct po_error *find_record(struct po_program *prog, struct po_reader *rd,
				    uint32_t handle, uint64_t *recp, uint32_t *sizep,
				    int *refcount)
{
	struct po_stackdepot *sd = prog->k->sd;
	struct po_error *err;
	uint32_t idx = get_field(&sd->index, handle);
	uint32_t off = get_field(&sd->offset, handle) << DEPOT_STACK_ALIGN;
	uint64_t pool, rec;
	uint8_t hdr[64];

	if (sd->plus_1) {
		if (idx == 0)
			return po_error_create(PO_ERR_INVALID,
					       "stack handle %#x has pool index 0", handle);
		idx--;
	}
	if (sd->pools_len > 0 && idx >= (uint64_t)sd->pools_len)
		return po_error_create(PO_ERR_INVALID,
				       "stack handle %#x: pool index %u beyond stack pools (%ld)",
				       handle, idx, sd->pools_len);
	if (sd->pools_num_addr) {
		uint32_t num;
		if ((err = pools_num(prog, rd, &num)))
			return err;
		if (idx >= num)
			return po_error_create(PO_ERR_INVALID,
					       "stack handle %#x: pool index %u >= pools_num %u",
					       handle, idx, num);
	}
	err = rd_read(prog, rd, sd->pools_base + (uint64_t)idx * 8, &pool, 8);
	if (err)
		return po_error_prefix(err, "reading stack pool %u", idx);
	if (!pool)
		return po_error_create(PO_ERR_INVALID, "stack handle %#x: pool %u is NULL",
				       handle, idx);
	rec = pool + off;
	size_t hlen = sd->off_entries < sizeof(hdr) ? sd->off_entries : sizeof(hdr);
	err = rd_read(prog, rd, rec, hdr, hlen);
	if (err)
		return po_error_prefix(err, "reading stack record %#x at %#llx", handle,
				       (unsigned long long)rec);
	uint32_t size = po_get_u32(hdr + sd->off_size);
	uint32_t own = po_get_u32(hdr + sd->off_handle);
	if (po_handle_mask(prog, own) != po_handle_mask(prog, handle))
		return po_error_create(PO_ERR_INVALID,
				       "stack record at %#llx has handle %#x, not %#x",
				       (unsigned long long)rec, own, handle);
	if (size > sd->max_frames)
		return po_error_create(PO_ERR_INVALID,
				       "stack record %#x claims %u frames", handle, size);
	*refcount = -1;
	if (sd->off_count != PO_ABSENT && sd->off_count + 4 <= hlen)
		*refcount = (int)po_get_u32(hdr + sd->off_count);
	*recp = rec;
	*sizep = size;
	return NULL;
}

/* The frames of the record at rec, size of them, into entries. */
static struct po_error *read_frames(struct po_program *prog, struct po_reader *rd,
				    uint32_t handle, uint64_t rec, uint32_t size,
				    uint64_t *entries)
{
	struct po_error *err;

	if (!size)
		return NULL;
	err = rd_read(prog, rd, rec + prog->k->sd->off_entries, entries, size * 8ULL);
	return err ? po_error_prefix(err, "reading frames of stack %#x", handle) : NULL;
}

static struct po_error *fetch(struct po_program *prog, uint32_t handle,
			      struct po_stack **ret)
{
	struct po_error *err;
	uint64_t rec;
	uint32_t size;
	int refcount;

	if ((err = find_record(prog, NULL, handle, &rec, &size, &refcount)))
		return err;
	struct po_stack *s = calloc(1, sizeof(*s));
	if (!s)
		return &po_error_nomem;
	s->handle = po_handle_mask(prog, handle);
	s->nr_frames = size;
	s->refcount = refcount;
	s->frames = calloc(size ? size : 1, sizeof(*s->frames));
	uint64_t *entries = calloc(size ? size : 1, 8);
	if (!s->frames || !entries) {
		free(entries);
		free_stack(s);
		return &po_error_nomem;
	}
	if ((err = read_frames(prog, NULL, handle, rec, size, entries))) {
		free(entries);
		free_stack(s);
		return err;
	}
	for (uint32_t i = 0; i < size; i++) {
		s->frames[i].addr = entries[i];
		symbolize(prog, &s->frames[i]);
	}
	free(entries);
	*ret = s;
	return NULL;
}

/* What stack_get() would find of handle, on any thread (nothing shared is
 * touched): NULL with *ok, or the error that stops a walk. */
struct po_error *po_stack_readable(struct po_program *prog, struct po_reader *rd,
				   uint32_t handle, bool *ok)
{
	struct po_stackdepot *sd = prog->k->sd;
	uint64_t entries[MAX_FRAMES_LIMIT], rec;
	struct po_error *err;
	uint32_t size;
	int refcount;

	*ok = false;
	if (!sd || !handle)
		return NULL;
	handle = po_handle_mask(prog, handle);
	err = find_record(prog, rd, handle, &rec, &size, &refcount);
	if (!err && size > MAX_FRAMES_LIMIT)
		err = po_error_create(PO_ERR_INVALID, "stack record %#x claims %u frames",
				      handle, size);
	if (!err)
		err = read_frames(prog, rd, handle, rec, size, entries);
	if (err && err->code != PO_ERR_INVALID && err->code != PO_ERR_FAULT)
		return err;
	*ok = !err;
	po_error_destroy(err);
	return NULL;
}

static struct po_error *stack_get(struct po_program *prog, uint32_t handle,
				  const struct po_stack **ret)
{
	struct po_stackdepot *sd = prog->k->sd;
	struct po_error *err;
	struct cache_ent *e;

	if (!sd)
		return po_error_create(PO_ERR_INVALID, "stackdepot not initialised");
	if (!handle)
		return po_error_create(PO_ERR_INVALID, "null stack handle");
	handle = po_handle_mask(prog, handle);
	/* runs of pages from one stack skip the lookup */
	if (sd->last_stack && sd->last_handle == handle) {
		*ret = sd->last_stack;
		return NULL;
	}
	if (sd->cache_cap) {
		e = cache_slot(sd, handle);
		if (e->handle == handle) {
			if (!e->stack)
				return po_error_create(e->err_code,
						       "stack handle %#x is invalid", handle);
			*ret = sd->last_stack = e->stack;
			sd->last_handle = handle;
			return NULL;
		}
	}
	if ((sd->cache_len + 1) * 2 > sd->cache_cap && (err = cache_grow(sd)))
		return err;
	struct po_stack *s = NULL;
	err = fetch(prog, handle, &s);
	if (err && err->code != PO_ERR_INVALID && err->code != PO_ERR_FAULT)
		return err;
	e = cache_slot(sd, handle);
	e->handle = handle;
	e->stack = s;
	e->err_code = err ? err->code : 0;
	sd->cache_len++;
	if (err)
		return err;
	*ret = sd->last_stack = s;
	sd->last_handle = handle;
	return NULL;
}

struct po_error *po_stack_lookup(struct po_program *prog, uint32_t handle,
				 const struct po_stack **ret, char *why, size_t len)
{
	struct po_error *err = stack_get(prog, handle, ret);

	if (!err)
		return NULL;
	/* out of memory, ^C: the report stops; anything else is this
	 * record's stack the dump does not give (garbage, a missing page) */
	if (err->code == PO_ERR_NOMEM || err->code == PO_ERR_INTERRUPTED)
		return err;
	if (why)
		snprintf(why, len, "%s", err->message);
	po_error_destroy(err);
	*ret = NULL;
	return NULL;
}

struct po_error *po_stack_print_handle(struct po_program *prog, FILE *out,
				       uint32_t handle)
{
	const struct po_stack *st;
	char why[256];
	struct po_error *err = po_stack_lookup(prog, handle, &st, why, sizeof(why));

	if (err)
		return err;
	if (st)
		po_stack_print(out, st, 1);
	else
		fprintf(out, " (stack handle %#x unreadable: %s)\n", handle, why);
	return NULL;
}

void po_frame_format(const struct po_frame *f, char *buf, size_t len)
{
	if (!f->name)
		snprintf(buf, len, "0x%llx", (unsigned long long)f->addr);
	else if (f->module)
		snprintf(buf, len, "%s+0x%llx/0x%llx [%s]", f->name,
			 (unsigned long long)f->offset, (unsigned long long)f->size,
			 f->module);
	else
		snprintf(buf, len, "%s+0x%llx/0x%llx", f->name,
			 (unsigned long long)f->offset, (unsigned long long)f->size);
}

static void po_json_stack(FILE *out, const struct po_stack *st)
{
	fputc('[', out);
	for (unsigned i = 0; st && i < st->nr_frames; i++) {
		const struct po_frame *f = &st->frames[i];
		char buf[512];
		if (i)
			fputc(',', out);
		po_frame_format(f, buf, sizeof(buf));
		fprintf(out, "{\"address\":%llu,\"text\":", (unsigned long long)f->addr);
		po_json_string(out, buf);
		if (f->name) {
			fputs(",\"symbol\":", out);
			po_json_string(out, f->name);
			fprintf(out, ",\"offset\":%llu,\"size\":%llu",
				(unsigned long long)f->offset, (unsigned long long)f->size);
			if (f->module) {
				fputs(",\"module\":", out);
				po_json_string(out, f->module);
			}
		}
		fputc('}', out);
	}
	fputc(']', out);
}

void po_json_stack_or_null(FILE *out, const struct po_stack *st)
{
	if (st)
		po_json_stack(out, st);
	else
		fputs("null", out);
}

void po_stack_print(FILE *out, const struct po_stack *stack, int indent)
{
	char buf[512];

	/* The kernel's form (one space) is printed for every record: build it
	 * once per stack and write it as one block. */
	if (indent == 1 && !stack->text) {
		struct po_stack *s = (struct po_stack *)stack;
		size_t cap = 64 * (s->nr_frames + 1), len = 0;
		char *t = malloc(cap);
		for (unsigned i = 0; t && i < s->nr_frames; i++) {
			po_frame_format(&s->frames[i], buf, sizeof(buf));
			size_t l = strlen(buf);
			if (len + l + 3 > cap) {
				char *n = realloc(t, cap = (len + l + 3) * 2);
				if (!n) {
					free(t);
					t = NULL;
					break;
				}
				t = n;
			}
			t[len++] = ' ';
			memcpy(t + len, buf, l);
			len += l;
			t[len++] = '\n';
		}
		if (t) {
			s->text = t;
			s->text_len = len;
		}
	}
	if (indent == 1 && stack->text) {
		fwrite(stack->text, 1, stack->text_len, out);
		return;
	}
	for (unsigned i = 0; i < stack->nr_frames; i++) {
		po_frame_format(&stack->frames[i], buf, sizeof(buf));
		fprintf(out, "%*s%s\n", indent, "", buf);
	}
}
