/*
 * The kernel log out of a dump: the lockless printk ring buffer of 5.10+
 * (kernel/printk/printk_ringbuffer.[ch]).  Layouts come from DWARF.
 *
 *   prb -> struct printk_ringbuffer { desc_ring, text_data_ring, ... }
 *   desc_ring: count_bits, descs[1 << count_bits], infos[...], head_id, tail_id
 *   desc: state_var (id | state << 62), text_blk_lpos {begin, next}
 *   text_data_ring: size_bits, data[1 << size_bits]; a block is
 *   { unsigned long id; char text[]; }, stored at the start of the ring when
 *   it would wrap.
 *
 * The layout comes from VMCOREINFO, where the kernel exports it for readers
 * without debug info; else from DWARF.  The printk types live in
 * kernel/printk/ units, which the program's DWARF index may not have scanned
 * (it looks at page_owner's units first); then a private index of just these
 * names is built from the same vmlinux.
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "kernel/kmsg.h"
#include "access/debuginfo.h"
#include "access/dwarf.h"
#include "access/program.h"

#define DESC_SV_BITS 64
#define DESC_FLAGS_SHIFT (DESC_SV_BITS - 2)
#define DESC_ID_MASK (~(3ULL << DESC_FLAGS_SHIFT))
enum { DESC_COMMITTED = 1, DESC_FINALIZED = 2 };

/* Sanity bounds: a log buffer is at most 2^25 bytes (LOG_BUF_SHIFT 25) */
#define MAX_COUNT_BITS 24
#define MAX_SIZE_BITS 30

/* '*': outside page_owner's units, and absent without CONFIG_PRINTK */
const struct po_type_names po_kmsg_types = PO_TYPE_NAMES(
	"struct printk_ringbuffer*", "struct prb_desc_ring*", "struct prb_data_ring*",
	"struct prb_desc*", "struct printk_info*", "struct prb_data_blk_lpos*",
	"var prb*");

struct kmsg_layout {
	size_t rb_desc_ring, rb_text_data_ring;
	size_t dr_count_bits, dr_descs, dr_infos, dr_head_id, dr_tail_id;
	size_t tr_size_bits, tr_data;
	size_t d_state_var, d_lpos, sizeof_desc;
	size_t lp_begin, lp_next;
	size_t i_seq, i_ts_nsec, i_text_len, sizeof_info;
	uint64_t prb_addr; /* address of the variable prb (a pointer) */
};

static bool off(struct po_program *prog, const char *type, const char *path, size_t *ret)
{
	*ret = po_offsetof(prog, type, path);
	return *ret != PO_ABSENT;
}

static bool size_of(struct po_program *prog, const char *type, size_t *ret)
{
	*ret = po_sizeof(prog, type);
	return *ret > 0;
}

/* The types of the debug info (names declared '*': the index looks for
 * them in every unit when asked, once). */
static bool load_layout(struct po_program *prog, struct kmsg_layout *k)
{
	struct po_error *err = po_types_want_list(prog, &po_kmsg_types);
	if (err) {
		po_error_destroy(err);
		return false;
	}
	if (!(off(prog, "struct printk_ringbuffer", "desc_ring", &k->rb_desc_ring) &&
	      off(prog, "struct printk_ringbuffer", "text_data_ring", &k->rb_text_data_ring) &&
	      off(prog, "struct prb_desc_ring", "count_bits", &k->dr_count_bits) &&
	      off(prog, "struct prb_desc_ring", "descs", &k->dr_descs) &&
	      off(prog, "struct prb_desc_ring", "infos", &k->dr_infos) &&
	      off(prog, "struct prb_desc_ring", "head_id", &k->dr_head_id) &&
	      off(prog, "struct prb_desc_ring", "tail_id", &k->dr_tail_id) &&
	      off(prog, "struct prb_data_ring", "size_bits", &k->tr_size_bits) &&
	      off(prog, "struct prb_data_ring", "data", &k->tr_data) &&
	      off(prog, "struct prb_desc", "state_var", &k->d_state_var) &&
	      off(prog, "struct prb_desc", "text_blk_lpos", &k->d_lpos) &&
	      size_of(prog, "struct prb_desc", &k->sizeof_desc) &&
	      off(prog, "struct prb_data_blk_lpos", "begin", &k->lp_begin) &&
	      off(prog, "struct prb_data_blk_lpos", "next", &k->lp_next) &&
	      off(prog, "struct printk_info", "seq", &k->i_seq) &&
	      off(prog, "struct printk_info", "ts_nsec", &k->i_ts_nsec) &&
	      off(prog, "struct printk_info", "text_len", &k->i_text_len) &&
	      size_of(prog, "struct printk_info", &k->sizeof_info)))
		return false;
	return po_symbol_addr(prog, "prb", &k->prb_addr);
}

/*
 * The kernel exports the ring buffer's layout in VMCOREINFO for readers
 * without debug info (makedumpfile --dump-dmesg): no DWARF needed there.
 */
static bool vmci_size(struct po_program *prog, const char *key, size_t *ret)
{
	const char *v = po_program_vmcoreinfo(prog, key);
	char *end;
	unsigned long long n;

	if (!v)
		return false;
	n = strtoull(v, &end, 0);
	if (*end || n > 4096)
		return false;
	*ret = (size_t)n;
	return true;
}

static bool load_layout_vmcoreinfo(struct po_program *prog, struct kmsg_layout *k)
{
	const char *v;

	if (!(vmci_size(prog, "OFFSET(printk_ringbuffer.desc_ring)", &k->rb_desc_ring) &&
	      vmci_size(prog, "OFFSET(printk_ringbuffer.text_data_ring)", &k->rb_text_data_ring) &&
	      vmci_size(prog, "OFFSET(prb_desc_ring.count_bits)", &k->dr_count_bits) &&
	      vmci_size(prog, "OFFSET(prb_desc_ring.descs)", &k->dr_descs) &&
	      vmci_size(prog, "OFFSET(prb_desc_ring.infos)", &k->dr_infos) &&
	      vmci_size(prog, "OFFSET(prb_desc_ring.head_id)", &k->dr_head_id) &&
	      vmci_size(prog, "OFFSET(prb_desc_ring.tail_id)", &k->dr_tail_id) &&
	      vmci_size(prog, "OFFSET(prb_data_ring.size_bits)", &k->tr_size_bits) &&
	      vmci_size(prog, "OFFSET(prb_data_ring.data)", &k->tr_data) &&
	      vmci_size(prog, "OFFSET(prb_desc.state_var)", &k->d_state_var) &&
	      vmci_size(prog, "OFFSET(prb_desc.text_blk_lpos)", &k->d_lpos) &&
	      vmci_size(prog, "SIZE(prb_desc)", &k->sizeof_desc) &&
	      vmci_size(prog, "OFFSET(prb_data_blk_lpos.begin)", &k->lp_begin) &&
	      vmci_size(prog, "OFFSET(prb_data_blk_lpos.next)", &k->lp_next) &&
	      vmci_size(prog, "OFFSET(printk_info.seq)", &k->i_seq) &&
	      vmci_size(prog, "OFFSET(printk_info.ts_nsec)", &k->i_ts_nsec) &&
	      vmci_size(prog, "OFFSET(printk_info.text_len)", &k->i_text_len) &&
	      vmci_size(prog, "SIZE(printk_info)", &k->sizeof_info)))
		return false;
	v = po_program_vmcoreinfo(prog, "SYMBOL(prb)");
	if (!v)
		return false;
	k->prb_addr = strtoull(v, NULL, 16);
	return true;
}

/* Every field read lies inside the structure it is read from. */
static bool layout_fits(const struct kmsg_layout *k)
{
	return k->d_state_var + 8 <= k->sizeof_desc &&
	       k->d_lpos + k->lp_begin + 8 <= k->sizeof_desc &&
	       k->d_lpos + k->lp_next + 8 <= k->sizeof_desc &&
	       k->i_seq + 8 <= k->sizeof_info && k->i_ts_nsec + 8 <= k->sizeof_info &&
	       k->i_text_len + 2 <= k->sizeof_info;
}

static struct po_error *get_layout(struct po_program *prog, struct kmsg_layout *k)
{
	memset(k, 0, sizeof(*k));
	if (load_layout_vmcoreinfo(prog, k)) {
		if (layout_fits(k))
			return NULL;
		return po_error_create(PO_ERR_CORRUPT,
				       "VMCOREINFO's printk ring buffer layout does not fit its sizes (SIZE(prb_desc) %zu, SIZE(printk_info) %zu)",
				       k->sizeof_desc, k->sizeof_info);
	}
	memset(k, 0, sizeof(*k));
	if (!load_layout(prog, k))
		return po_error_create(PO_ERR_DEBUGINFO,
				       "%s: no types for the printk ring buffer (struct printk_ringbuffer, prb): kernel older than 5.10 or CONFIG_PRINTK off",
				       po_debuginfo_name(prog));
	if (!layout_fits(k))
		return po_error_create(PO_ERR_DEBUGINFO,
				       "%s: the printk ring buffer types do not fit their sizes",
				       po_debuginfo_name(prog));
	return NULL;
}

static uint64_t uget(const uint8_t *p, size_t size)
{
	return po_get_uint(p, size);
}

struct po_error *po_kmsg_foreach(struct po_program *prog, po_kmsg_fn fn, void *arg)
{
	struct kmsg_layout k;
	struct po_error *err;
	uint64_t rb, descs, infos, data, head, tail;
	uint32_t count_bits, size_bits;
	uint8_t *dbuf = NULL, *ibuf = NULL, *tbuf = NULL;

	err = get_layout(prog, &k);
	if (err)
		return err;
	err = po_read_u64(prog, k.prb_addr, &rb);
	if (err)
		return po_error_prefix(err, "reading prb");
	uint64_t dr = rb + k.rb_desc_ring, tr = rb + k.rb_text_data_ring;
	if ((err = po_read_u32(prog, dr + k.dr_count_bits, &count_bits)) ||
	    (err = po_read_u64(prog, dr + k.dr_descs, &descs)) ||
	    (err = po_read_u64(prog, dr + k.dr_infos, &infos)) ||
	    (err = po_read_u64(prog, dr + k.dr_head_id, &head)) ||
	    (err = po_read_u64(prog, dr + k.dr_tail_id, &tail)) ||
	    (err = po_read_u32(prog, tr + k.tr_size_bits, &size_bits)) ||
	    (err = po_read_u64(prog, tr + k.tr_data, &data)))
		return po_error_prefix(err, "reading the printk ring buffer at %#llx",
				       (unsigned long long)rb);
	if (count_bits > MAX_COUNT_BITS || size_bits > MAX_SIZE_BITS || size_bits < 4)
		return po_error_create(PO_ERR_CORRUPT,
				       "printk ring buffer at %#llx: implausible sizes (count_bits %u, size_bits %u)",
				       (unsigned long long)rb, count_bits, size_bits);
	uint64_t count = 1ULL << count_bits, size = 1ULL << size_bits;
	dbuf = malloc(count * k.sizeof_desc);
	ibuf = malloc(count * k.sizeof_info);
	tbuf = malloc(size);
	if (!dbuf || !ibuf || !tbuf) {
		err = &po_error_nomem;
		goto out;
	}
	if ((err = po_read(prog, descs, dbuf, count * k.sizeof_desc)) ||
	    (err = po_read(prog, infos, ibuf, count * k.sizeof_info)) ||
	    (err = po_read(prog, data, tbuf, size))) {
		err = po_error_prefix(err, "reading the printk ring buffer");
		goto out;
	}
	head &= DESC_ID_MASK;
	tail &= DESC_ID_MASK;
	for (uint64_t id = tail, n = 0; n <= count; id = (id + 1) & DESC_ID_MASK, n++) {
		uint64_t idx = id & (count - 1);
		const uint8_t *d = dbuf + idx * k.sizeof_desc;
		const uint8_t *info = ibuf + idx * k.sizeof_info;
		uint64_t sv = po_get_u64(d + k.d_state_var);
		unsigned state = (unsigned)(sv >> DESC_FLAGS_SHIFT) & 3;
		uint64_t begin = po_get_u64(d + k.d_lpos + k.lp_begin);
		uint64_t next = po_get_u64(d + k.d_lpos + k.lp_next);
		uint64_t db, dsize;

		if ((sv & DESC_ID_MASK) != id ||
		    (state != DESC_COMMITTED && state != DESC_FINALIZED) ||
		    (begin & 1) || (next & 1))
			goto next;
		if ((begin >> size_bits) == (next >> size_bits) && begin < next) {
			db = begin & (size - 1);
			dsize = next - begin;
		} else if (((begin + size) >> size_bits) == (next >> size_bits)) {
			db = 0;
			dsize = next & (size - 1);
		} else {
			goto next;
		}
		if (dsize < 8 || db + dsize > size)
			goto next;
		size_t text_len = uget(info + k.i_text_len, 2);
		if (text_len > dsize - 8)
			text_len = dsize - 8;
		if (fn(po_get_u64(info + k.i_seq), po_get_u64(info + k.i_ts_nsec),
		       (const char *)tbuf + db + 8, text_len, arg))
			break;
next:
		if (id == head)
			break;
	}
out:
	free(dbuf);
	free(ibuf);
	free(tbuf);
	return err;
}

struct panic_ctx { char *buf; size_t len; bool found; };

static bool panic_cb(uint64_t seq, uint64_t ts, const char *text, size_t len,
		     void *arg)
{
	static const char key[] = "Kernel panic - not syncing: ";
	struct panic_ctx *c = arg;
	size_t kl = sizeof(key) - 1;

	for (size_t i = 0; i + kl <= len; i++) {
		/* at the start of a line: not "---[ end Kernel panic - ..." */
		if (memcmp(text + i, key, kl) || (i && text[i - 1] != '\n'))
			continue;
		const char *r = text + i + kl;
		size_t n = len - i - kl;
		const char *nl = memchr(r, '\n', n);
		if (nl)
			n = (size_t)(nl - r);
		if (n >= c->len)
			n = c->len - 1;
		memcpy(c->buf, r, n);
		c->buf[n] = '\0';
		/* drop control characters a garbage record might carry */
		for (size_t j = 0; j < n; j++)
			if ((unsigned char)c->buf[j] < 0x20)
				c->buf[j] = ' ';
		c->found = true;
		break;
	}
	return false;
}

struct po_error *po_kmsg_panic_reason(struct po_program *prog, char *buf,
				      size_t len, bool *found)
{
	struct panic_ctx c = { buf, len, false };
	struct po_error *err;

	*found = false;
	if (!len)
		return po_error_create(PO_ERR_INVALID, "no buffer");
	buf[0] = '\0';
	err = po_kmsg_foreach(prog, panic_cb, &c);
	if (err)
		return err;
	*found = c.found;
	return NULL;
}

bool po_kmsg_text_panic_reason(const char *text, size_t len, char *buf, size_t blen)
{
	static const char key[] = "Kernel panic - not syncing: ";
	size_t kl = sizeof(key) - 1;
	bool found = false;

	if (!blen)
		return false;
	buf[0] = '\0';
	for (const char *line = text, *end = text + len; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *le = nl ? nl : end, *p = line;
		/* dmesg's "<N>" level and "[   7.612345] " time stamp */
		if (p < le && *p == '<') {
			const char *q = memchr(p, '>', (size_t)(le - p));
			if (q)
				p = q + 1;
		}
		if (p < le && *p == '[') {
			const char *q = memchr(p, ']', (size_t)(le - p));
			if (q)
				p = q + 1;
			while (p < le && *p == ' ')
				p++;
		}
		if ((size_t)(le - p) >= kl && !memcmp(p, key, kl)) {
			size_t n = (size_t)(le - p) - kl;
			if (n >= blen)
				n = blen - 1;
			memcpy(buf, p + kl, n);
			buf[n] = '\0';
			for (size_t j = 0; j < n; j++)
				if ((unsigned char)buf[j] < 0x20)
					buf[j] = ' ';
			found = true; /* the first panic, as in the dump's log */
			break;
		}
		line = le + 1;
	}
	return found;
}

static bool last_ts_cb(uint64_t seq, uint64_t ts, const char *text, size_t len,
		       void *arg)
{
	uint64_t *max = arg;
	if (ts > *max)
		*max = ts;
	return false;
}

struct po_error *po_kmsg_last_ts(struct po_program *prog, uint64_t *ts)
{
	*ts = 0;
	return po_kmsg_foreach(prog, last_ts_cb, ts);
}
