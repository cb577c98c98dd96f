/*
 * VMCOREINFO: the KEY=VALUE text the kernel leaves for dump readers (release,
 * build id, KASLR offset, page size, sparsemem geometry, ...).  Parsed and
 * checked once, before libkdumpfile or the kernel model trusts a value:
 * every line must be text of the kernel's forms (SYMBOL() in hex, NUMBER(),
 * OFFSET(), SIZE(), LENGTH() in decimal), and the values that size an
 * allocation, a shift or a loop must lie in the range the kernel allows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "access/vmcoreinfo.h"

struct vmci_line { char *key, *value; };

struct po_vmcoreinfo {
	struct vmci_line *lines;
	size_t nr;
};

/*
 * The keys whose values pageowner or libkdumpfile use to size something:
 * their form and the range the kernel allows.  Other lines are only checked
 * to be text: libkdumpfile ignores a value it cannot parse.
 */
enum vform { V_TEXT, V_HEX, V_INT, V_BUILD_ID };
static const struct {
	const char *key;
	enum vform form;
	long long min, max;
	bool pow2;
} known[] = {
	{ "OSRELEASE", V_TEXT, 1, 64, false },
	{ "BUILD-ID", V_BUILD_ID, 2, 128, false },
	{ "KERNELOFFSET", V_HEX, 0, 0, false },
	{ "PAGESIZE", V_INT, 4096, 262144, true },
	{ "CRASHTIME", V_INT, 0, INT64_MAX, false },
	{ "NUMBER(SECTION_SIZE_BITS)", V_INT, 12, 46, false },
	{ "NUMBER(MAX_PHYSMEM_BITS)", V_INT, 32, 57, false },
	{ "LENGTH(zone.free_area)", V_INT, 1, 32, false },
	{ "LENGTH(node_data)", V_INT, 1, 1024, false },
	{ "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)", V_INT, INT32_MIN, INT32_MAX, false },
};

static bool is_hex_str(const char *s, size_t maxlen)
{
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; s[n]; n++)
		if (!strchr("0123456789abcdefABCDEF", s[n]))
			return false;
	return n > 0 && n <= maxlen;
}

/* An integer as libkdumpfile reads NUMBER() (C syntax), the whole value. */
static bool parse_int(const char *s, long long *v)
{
	char *end;

	errno = 0;
	if (*s == '-')
		*v = strtoll(s, &end, 0);
	else
		*v = (long long)strtoull(s, &end, 0);
	return *s && !*end && !errno;
}

static struct po_error *bad(const char *path, const char *key, const char *value,
			    const char *why)
{
	return po_error_create(PO_ERR_CORRUPT, "%s: corrupt VMCOREINFO: %s=%.40s%s %s",
			       path, key, value, strlen(value) > 40 ? "..." : "", why);
}

struct po_error *po_vmcoreinfo_check(const char *path, const char *key, const char *value)
{
	long long v;

	for (size_t i = 0; i < PO_ARRAY_SIZE(known); i++) {
		if (strcmp(key, known[i].key))
			continue;
		switch (known[i].form) {
		case V_TEXT:
			if ((long long)strlen(value) < known[i].min ||
			    (long long)strlen(value) > known[i].max)
				return bad(path, key, value, "is not a kernel release (1 to 64 characters)");
			break;
		case V_BUILD_ID:
			if (!is_hex_str(value, (size_t)known[i].max) || strlen(value) % 2)
				return bad(path, key, value, "is not a build id (hexadecimal bytes)");
			break;
		case V_HEX:
			if (!is_hex_str(value, 16))
				return bad(path, key, value, "is not a 64-bit hexadecimal number");
			break;
		case V_INT:
			if (!parse_int(value, &v))
				return bad(path, key, value, "is not a number");
			if (v < known[i].min || v > known[i].max) {
				char why[96];
				snprintf(why, sizeof(why), "is out of the range the kernel allows [%lld, %lld]",
					 known[i].min, known[i].max);
				return bad(path, key, value, why);
			}
			if (known[i].pow2 && (v & (v - 1)))
				return bad(path, key, value, "is not a power of two");
			break;
		}
	}
	return NULL;
}

void po_vmcoreinfo_free(struct po_vmcoreinfo *vi)
{
	if (!vi)
		return;
	for (size_t i = 0; i < vi->nr; i++) {
		free(vi->lines[i].key);
		free(vi->lines[i].value);
	}
	free(vi->lines);
	free(vi);
}

struct po_error *po_vmcoreinfo_parse(const char *text, size_t len, const char *path,
				     struct po_vmcoreinfo **ret)
{
	struct po_vmcoreinfo *vi = calloc(1, sizeof(*vi));
	struct po_error *err = NULL;
	size_t end = 0;

	if (!vi)
		return &po_error_nomem;
	/* Text up to the first NUL; only NUL padding may follow it. */
	while (end < len && text[end])
		end++;
	for (size_t i = end; i < len; i++)
		if (text[i]) {
			err = po_error_create(PO_ERR_CORRUPT,
					      "%s: corrupt VMCOREINFO: a NUL byte at offset %zu inside its %zu bytes of text",
					      path, end, len);
			goto fail;
		}
	for (size_t i = 0; i < end; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c != '\n' && (c < 0x20 || c > 0x7e)) {
			err = po_error_create(PO_ERR_CORRUPT,
					      "%s: corrupt VMCOREINFO: byte %#x at offset %zu is not text",
					      path, c, i);
			goto fail;
		}
	}
	for (size_t pos = 0; pos < end;) {
		size_t nl = pos;
		while (nl < end && text[nl] != '\n')
			nl++;
		if (nl > pos) {
			const char *eq = memchr(text + pos, '=', nl - pos);
			if (!eq || eq == text + pos) {
				err = po_error_create(PO_ERR_CORRUPT,
						      "%s: corrupt VMCOREINFO: line \"%.*s\" is not KEY=VALUE",
						      path, (int)(nl - pos > 40 ? 40 : nl - pos), text + pos);
				goto fail;
			}
			struct vmci_line *l = po_xrealloc_array(vi->lines, vi->nr + 1, sizeof(*l));
			if (!l) {
				err = &po_error_nomem;
				goto fail;
			}
			vi->lines = l;
			l += vi->nr;
			l->key = strndup(text + pos, (size_t)(eq - (text + pos)));
			l->value = strndup(eq + 1, (size_t)(text + nl - eq - 1));
			vi->nr++;
			if (!l->key || !l->value) {
				err = &po_error_nomem;
				goto fail;
			}
			if ((err = po_vmcoreinfo_check(path, l->key, l->value)))
				goto fail;
		}
		pos = nl + 1;
	}
	*ret = vi;
	return NULL;
fail:
	po_vmcoreinfo_free(vi);
	return err;
}

const char *po_vmcoreinfo_get(const struct po_vmcoreinfo *vi, const char *key)
{
	if (!vi)
		return NULL;
	/* The last one wins, as in libkdumpfile. */
	for (size_t i = vi->nr; i-- > 0;)
		if (!strcmp(vi->lines[i].key, key))
			return vi->lines[i].value;
	return NULL;
}
