/* The sparse memory image of image.h: parsing and the memory ops. */
#include <stdlib.h>
#include <string.h>

#include "image.h"

static uint64_t get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int cmp_extent(const void *a, const void *b)
{
	const struct fz_extent *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->len < y->len ? 1 : x->len > y->len ? -1 : 0;
}

int fz_image_parse(struct fz_image *img, const uint8_t *data, size_t size)
{
	size_t off = FZ_HDR, cap = 0;

	memset(img, 0, sizeof(*img));
	if (size < FZ_HDR || memcmp(data, FZ_MAGIC, 4) != 0)
		return -1;
	img->reports = data[4];
	img->flags = data[5];
	img->more = data[6];
	img->kaslr = get_le(data + 8, 8);
	img->pfn = get_le(data + 16, 8);
	while (off + 12 <= size) {
		uint64_t addr = get_le(data + off, 8);
		uint64_t len = get_le(data + off + 8, 4);
		off += 12;
		if (len > size - off)
			len = size - off;
		/* An extent that wraps the address space is clipped at its top. */
		if (addr + len < addr)
			len = 0 - addr;
		if (addr == FZ_VMCI_ADDR) {
			if (!img->vmci) {
				img->vmci = (const char *)data + off;
				img->vmci_len = len;
			}
		} else if (len) {
			if (img->n == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				struct fz_extent *e = realloc(img->ext, ncap * sizeof(*e));
				if (!e) {
					fz_image_free(img);
					return -2;
				}
				img->ext = e;
				cap = ncap;
			}
			img->ext[img->n++] = (struct fz_extent){ addr, len, data + off };
		}
		off += len;
	}
	if (img->n > 1) {
		qsort(img->ext, img->n, sizeof(*img->ext), cmp_extent);
		/* Clip overlaps: every address in at most one extent. */
		size_t j = 0;
		for (size_t i = 1; i < img->n; i++) {
			struct fz_extent *p = &img->ext[j], *c = &img->ext[i];
			uint64_t pend = p->addr + p->len;
			if (c->addr < pend) {
				uint64_t cend = c->addr + c->len;
				if (cend <= pend)
					continue;
				c->data += pend - c->addr;
				c->len = cend - pend;
				c->addr = pend;
			}
			img->ext[++j] = *c;
		}
		img->n = j + 1;
	}
	return 0;
}

void fz_image_free(struct fz_image *img)
{
	free(img->ext);
	img->ext = NULL;
	img->n = 0;
}

/* The extent holding addr, or NULL. */
static const struct fz_extent *find(const struct fz_image *img, uint64_t addr)
{
	size_t lo = 0, hi = img->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (img->ext[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	const struct fz_extent *e = &img->ext[lo - 1];
	return addr - e->addr < e->len ? e : NULL;
}

static struct po_error *image_read(void *arg, enum po_addrspace as,
				   uint64_t addr, void *buf, size_t len)
{
	struct fz_image *img = arg;
	uint8_t *out = buf;
	uint64_t a = addr;
	size_t left = len;

	img->reads++;
	if (as != PO_KVADDR)
		goto fault;
	while (left) {
		const struct fz_extent *e = find(img, a);
		if (!e)
			goto fault;
		uint64_t avail = e->len - (a - e->addr);
		size_t n = left < avail ? left : (size_t)avail;
		memcpy(out, e->data + (a - e->addr), n);
		out += n;
		a += n;
		left -= n;
		if (left && a == 0) /* wrapped */
			goto fault;
	}
	return NULL;
fault:
	img->faults++;
	return po_error_create(PO_ERR_FAULT,
			       "image: cannot read %zu bytes at %s %#llx: not in the image",
			       len, as == PO_PADDR ? "physical" : "virtual",
			       (unsigned long long)addr);
}

char *fz_image_vmcoreinfo(void *arg, const char *key)
{
	const struct fz_image *img = arg;
	const char *t = img->vmci, *end = t + img->vmci_len;
	size_t klen = strlen(key);

	while (t && t < end) {
		const char *nl = memchr(t, '\n', (size_t)(end - t));
		if (!nl)
			nl = end;
		if ((size_t)(nl - t) > klen && !memcmp(t, key, klen) && t[klen] == '=')
			return strndup(t + klen + 1, (size_t)(nl - t - klen - 1));
		t = nl + 1;
	}
	return NULL;
}

const struct po_memory_ops fz_image_ops = {
	.read = image_read,
	.destroy = NULL,
};
