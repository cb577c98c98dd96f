/*
 * `pageowner sort`: sort, cull and select page_owner records the way the
 * kernel's tools/mm/page_owner_sort.c (Linux 6.12) does, without its limits.
 *
 * The model of page_owner_sort, which this file reproduces:
 *  - The input is /sys/kernel/debug/page_owner text: blocks of lines ended by
 *    an empty line.  Lines starting with "PFN" are taken out of the block (the
 *    allocator test looks at them); the rest of the block is its text.
 *  - pid, tgid, comm, ts, order (and free_ts, for -f/-r/ft/f) are found in the
 *    text with the same POSIX regular expressions page_owner_sort uses, so
 *    the same (odd) inputs give the same fields.
 *  - Unless the first sort key is the allocation time, the digits of the
 *    first "ts N ns" are cut out of the text, so that blocks differing only
 *    in time stamps are one block.
 *  - Blocks that are equal under the cull rule (the whole text when there is
 *    none) are one entry: times and pages are summed, everything else is
 *    taken from the first such block in input order.  page_owner_sort gets
 *    there with a stable sort (glibc's qsort is a merge sort) by the cull
 *    rule and a merge of neighbours; this file keeps a hash table instead, so
 *    memory is bounded by the number of distinct entries, not the input.
 *  - Entries are then sorted by the sort keys; ties keep the cull-rule order
 *    (page_owner_sort's second, stable qsort over the culled list).  Here
 *    that is one sort by (sort keys, cull rule), which is a total order.
 *
 * What page_owner_sort gets wrong and this file does not (pageowner-sort(1)):
 * int counters (64-bit here), the 128 KiB block buffer and the "file size /
 * 100" entry limit (none here), --sort being overridden by the default -t,
 * the documented -f, -r, ft and f that 6.12 dropped, "comm" as a cull key
 * (its usage text names it), a last block without a trailing empty line
 * (dropped there), an empty block (counted there as a 0-page record) and the
 * PFN line of a previous block being reused for a block without one.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "pageowner.h"
#include "base/json.h"
#include "base/util.h"
#include "report/pages.h"
#include "access/program.h"

/* page_owner_sort's allocator bits; their values order --sort=allocator. */
#define ALLOC_CMA     (1 << 1)
#define ALLOC_SLAB    (1 << 2)
#define ALLOC_VMALLOC (1 << 3)
#define ALLOC_OTHERS  (1 << 4)

/* ---- option parsing ---- */

static const struct {
	const char *name;
	enum po_sort_key key;
	unsigned cull; /* 0: not a cull key */
	bool sort;     /* usable with --sort */
} key_names[] = {
	{ "pid", PO_SORT_PID, PO_CULL_PID, true },
	{ "p", PO_SORT_PID, PO_CULL_PID, true },
	{ "tgid", PO_SORT_TGID, PO_CULL_TGID, true },
	{ "tg", PO_SORT_TGID, PO_CULL_TGID, true },
	{ "name", PO_SORT_NAME, PO_CULL_NAME, true },
	{ "n", PO_SORT_NAME, PO_CULL_NAME, true },
	{ "comm", PO_SORT_NAME, PO_CULL_NAME, true },
	{ "stacktrace", PO_SORT_STACKTRACE, PO_CULL_STACKTRACE, true },
	{ "st", PO_SORT_STACKTRACE, PO_CULL_STACKTRACE, true },
	{ "txt", PO_SORT_TXT, 0, true },
	{ "T", PO_SORT_TXT, 0, true },
	{ "alloc_ts", PO_SORT_ALLOC_TS, 0, true },
	{ "at", PO_SORT_ALLOC_TS, 0, true },
	{ "free_ts", PO_SORT_FREE_TS, 0, true },
	{ "ft", PO_SORT_FREE_TS, 0, true },
	{ "allocator", PO_SORT_ALLOCATOR, PO_CULL_ALLOCATOR, true },
	{ "ator", PO_SORT_ALLOCATOR, PO_CULL_ALLOCATOR, true },
	{ "free", 0, PO_CULL_FREE, false },
	{ "f", 0, PO_CULL_FREE, false },
	/* extensions: the two counters */
	{ "times", PO_SORT_TIMES, 0, true },
	{ "pages", PO_SORT_PAGES, 0, true },
};

static const char *key_name(enum po_sort_key k)
{
	static const char *const names[] = {
		[PO_SORT_TIMES] = "times", [PO_SORT_PAGES] = "pages",
		[PO_SORT_PID] = "pid", [PO_SORT_TGID] = "tgid",
		[PO_SORT_NAME] = "name", [PO_SORT_STACKTRACE] = "stacktrace",
		[PO_SORT_TXT] = "txt", [PO_SORT_ALLOC_TS] = "alloc_ts",
		[PO_SORT_FREE_TS] = "free_ts", [PO_SORT_ALLOCATOR] = "allocator",
	};
	return names[k];
}

void po_sort_free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Split on commas, keeping empty items (as page_owner_sort's explode()). */
bool po_sort_parse_strs(const char *arg, char ***ret, size_t *nr)
{
	size_t n = 1, i = 0;
	char **v;

	for (const char *p = arg; *p; p++)
		n += *p == ',';
	v = calloc(n, sizeof(*v));
	if (!v)
		return false;
	for (const char *p = arg;; i++) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		v[i] = strndup(p, len);
		if (!v[i]) {
			po_sort_free_strv(v, i);
			return false;
		}
		if (!e)
			break;
		p = e + 1;
	}
	*ret = v;
	*nr = n;
	return true;
}

bool po_sort_parse_nums(const char *arg, long **ret, size_t *nr)
{
	char **v;
	size_t n;
	long *nums;

	if (!po_sort_parse_strs(arg, &v, &n))
		return false;
	nums = calloc(n, sizeof(*nums));
	for (size_t i = 0; nums && i < n; i++) {
		char *end;
		errno = 0;
		nums[i] = strtol(v[i], &end, 10);
		if (errno || end == v[i] || *end) {
			free(nums);
			nums = NULL;
		}
	}
	po_sort_free_strv(v, n);
	if (!nums)
		return false;
	*ret = nums;
	*nr = n;
	return true;
}

static int find_key(const char *name)
{
	for (size_t i = 0; i < PO_ARRAY_SIZE(key_names); i++)
		if (!strcmp(key_names[i].name, name))
			return (int)i;
	return -1;
}

bool po_sort_parse_keys(const char *arg, struct po_sort_opts *opts)
{
	char **v;
	size_t n;
	bool ok = true;

	if (!po_sort_parse_strs(arg, &v, &n))
		return false;
	if (n > PO_SORT_MAX_KEYS)
		ok = false;
	for (size_t i = 0; ok && i < n; i++) {
		const char *k = v[i];
		int sign = 1, idx;
		if (*k == '-' || *k == '+') {
			sign = *k == '-' ? -1 : 1;
			k++;
		}
		idx = find_key(k);
		if (idx < 0 || !key_names[idx].sort) {
			ok = false;
			break;
		}
		opts->keys[i] = key_names[idx].key;
		opts->signs[i] = sign;
	}
	opts->nkeys = ok ? (int)n : 0;
	po_sort_free_strv(v, n);
	return ok;
}

bool po_sort_parse_cull(const char *arg, struct po_sort_opts *opts)
{
	char **v;
	size_t n;
	bool ok = true;

	if (!po_sort_parse_strs(arg, &v, &n))
		return false;
	for (size_t i = 0; ok && i < n; i++) {
		int idx = find_key(v[i]);
		if (idx < 0 || !key_names[idx].cull)
			ok = false;
		else
			opts->cull |= key_names[idx].cull;
	}
	po_sort_free_strv(v, n);
	return ok;
}

void po_sort_opts_release(struct po_sort_opts *opts)
{
	free(opts->pids);
	free(opts->tgids);
	po_sort_free_strv(opts->names, opts->nr_names);
	opts->pids = opts->tgids = NULL;
	opts->names = NULL;
	opts->nr_pids = opts->nr_tgids = opts->nr_names = 0;
}

/* ---- the accumulator ---- */

struct entry {
	char *txt;          /* block text, ts digits cut unless sorting by it */
	size_t len;
	size_t stack_off;   /* stacktrace = txt + stack_off (after line 1) */
	char *comm;
	long pid, tgid;
	uint64_t ts, free_ts;
	int allocator;
	bool released;
	uint64_t times, pages;
	uint64_t hash;
};

enum { RE_ORDER, RE_PID, RE_TGID, RE_COMM, RE_TS, RE_FREE_TS, NR_RE };
static const char *const re_src[NR_RE] = {
	/* page_owner_sort's patterns, to the byte */
	[RE_ORDER] = "order\\s*([0-9]*),",
	[RE_PID] = "pid\\s*([0-9]*),",
	[RE_TGID] = "tgid\\s*([0-9]*) ",
	[RE_COMM] = "tgid\\s*[0-9]*\\s*\\((.*)\\),\\s*ts",
	[RE_TS] = "ts\\s*([0-9]*)\\s*ns",
	/* the 6.1 tool's, for -f, -r, ft and f */
	[RE_FREE_TS] = "free_ts\\s*([0-9]*)\\s*ns",
};

struct po_sort {
	struct po_sort_opts o;
	bool keep_ts;
	regex_t re[NR_RE];
	bool re_ok[NR_RE];
	/* the block being read */
	char *blk;
	size_t blen, bcap;
	char *pfn;
	size_t pfnlen, pfncap;
	/* dump records, through a cookie stream */
	char *rbuf;
	size_t rlen, rcap;
	bool rfail;
	/* entries and their hash table (slots hold index + 1) */
	struct entry *ents;
	size_t nents, ecap;
	size_t *slots;
	size_t nslots;
	struct entry **sorted;
	uint64_t records, skipped_empty;
	uint64_t bad[NR_RE];
	unsigned debug_shown;
	bool need_free_ts;   /* -f, -r, ft or f */
	/* per block: line 1, and the pattern matches found so far */
	size_t line1_len;
	bool line1_fast;
	bool m_done[NR_RE], m_ok[NR_RE];
	regoff_t m_so[NR_RE], m_eo[NR_RE];
};

static struct po_error *grow(char **buf, size_t *cap, size_t need)
{
	size_t n;
	char *p;

	if (need <= *cap)
		return NULL;
	n = *cap ? *cap : 4096;
	while (n < need)
		n *= 2;
	p = realloc(*buf, n);
	if (!p)
		return &po_error_nomem;
	*buf = p;
	*cap = n;
	return NULL;
}

struct po_error *po_sort_create(const struct po_sort_opts *opts,
				struct po_sort **ret)
{
	struct po_sort *s = calloc(1, sizeof(*s));

	if (!s)
		return &po_error_nomem;
	s->o = *opts;
	if (s->o.nkeys == 0) {
		s->o.nkeys = 1;
		s->o.keys[0] = PO_SORT_TIMES;
		s->o.signs[0] = -1;
	}
	s->keep_ts = s->o.keys[0] == PO_SORT_ALLOC_TS;
	s->need_free_ts = s->o.filter_released || (s->o.cull & PO_CULL_FREE);
	for (int i = 0; i < s->o.nkeys; i++)
		s->need_free_ts |= s->o.keys[i] == PO_SORT_FREE_TS;
	for (int i = 0; i < NR_RE; i++) {
		int rc = regcomp(&s->re[i], re_src[i], REG_EXTENDED | REG_NEWLINE);
		if (rc) {
			po_sort_destroy(s);
			return po_error_create(PO_ERR_INVALID,
					       "sort: invalid pattern %s (%d)",
					       re_src[i], rc);
		}
		s->re_ok[i] = true;
	}
	*ret = s;
	return NULL;
}

void po_sort_destroy(struct po_sort *s)
{
	if (!s)
		return;
	for (int i = 0; i < NR_RE; i++)
		if (s->re_ok[i])
			regfree(&s->re[i]);
	for (size_t i = 0; i < s->nents; i++) {
		free(s->ents[i].txt);
		free(s->ents[i].comm);
	}
	free(s->ents);
	free(s->slots);
	free(s->sorted);
	free(s->blk);
	free(s->pfn);
	free(s->rbuf);
	free(s);
}

/* ---- one block ---- */

/*
 * The capture of pattern i in buf: [*so, *eo), or false; once per block.
 * page_owner_sort runs its patterns over the whole block; the first match
 * is nearly always in line 1, so that is searched alone first when that
 * cannot change the result: a match starting in line 1 and going on into
 * line 2 must cross the newline in a \s*, so line 1 would have to end
 * (blanks aside) in "order", "pid", "tgid", "ts", digits or "),"; it
 * cannot when it ends in "ns" or ")", as every kernel's line 1 does.
 */
/*
 * The same leftmost-longest match as regexec() of pattern i, for line 1
 * only (buf[0..n)), by hand, when the first occurrence of the pattern's
 * keyword starts a match; returns false to let regexec() decide.  Each
 * pattern is keyword, runs of disjoint classes ([[:space:]], digits) and a
 * literal, so the greedy reading is the only one.
 */
static size_t skip_space(const char *b, size_t i, size_t n)
{
	while (i < n && isspace((unsigned char)b[i]))
		i++;
	return i;
}

static size_t skip_digits(const char *b, size_t i, size_t n)
{
	while (i < n && b[i] >= '0' && b[i] <= '9')
		i++;
	return i;
}

static bool fast_match(int re, const char *b, size_t n, regoff_t *so,
		       regoff_t *eo)
{
	static const char *const kw[NR_RE] = {
		[RE_ORDER] = "order", [RE_PID] = "pid", [RE_TGID] = "tgid",
		[RE_COMM] = "tgid", [RE_TS] = "ts", [RE_FREE_TS] = "free_ts",
	};
	const char *k = memmem(b, n, kw[re], strlen(kw[re]));
	size_t i, j, m;

	if (!k)
		return false;
	i = skip_space(b, (size_t)(k - b) + strlen(kw[re]), n);
	j = skip_digits(b, i, n);
	switch (re) {
	case RE_ORDER:
	case RE_PID:     /* kw\s*([0-9]*), */
		if (j >= n || b[j] != ',')
			return false;
		break;
	case RE_TGID:    /* tgid\s*([0-9]*)<space> (no digits: leave it) */
		if (j == i || j >= n || b[j] != ' ')
			return false;
		break;
	case RE_TS:
	case RE_FREE_TS: /* kw\s*([0-9]*)\s*ns */
		m = skip_space(b, j, n);
		if (j == i || m + 2 > n || b[m] != 'n' || b[m + 1] != 's')
			return false;
		break;
	case RE_COMM:    /* tgid\s*[0-9]*\s*\((.*)\),\s*ts, the last "),\s*ts" */
		j = skip_space(b, j, n);
		if (j >= n || b[j] != '(')
			return false;
		for (m = n; m-- > j + 1;) {
			size_t t;
			if (b[m] != ')' || m + 1 >= n || b[m + 1] != ',')
				continue;
			t = skip_space(b, m + 2, n);
			if (t + 2 <= n && b[t] == 't' && b[t + 1] == 's')
				break;
		}
		if (m <= j)
			return false;
		*so = (regoff_t)j + 1;
		*eo = (regoff_t)m;
		return true;
	}
	*so = (regoff_t)i;
	*eo = (regoff_t)j;
	return true;
}

static bool search(struct po_sort *s, int i, const char *buf, regoff_t *so,
		   regoff_t *eo)
{
	regmatch_t m[2];
	int rc = REG_NOMATCH;

	if (!s->m_done[i]) {
		s->m_done[i] = true;
		if (s->line1_fast &&
		    fast_match(i, buf, s->line1_len, &m[1].rm_so, &m[1].rm_eo)) {
			rc = 0;
		} else if (s->line1_fast) {
			m[0].rm_so = 0;
			m[0].rm_eo = (regoff_t)s->line1_len;
			rc = regexec(&s->re[i], buf, 2, m, REG_NOTBOL | REG_STARTEND);
		}
		if (rc)
			rc = regexec(&s->re[i], buf, 2, m, REG_NOTBOL);
		s->m_ok[i] = !rc && m[1].rm_so != -1;
		s->m_so[i] = m[1].rm_so;
		s->m_eo[i] = m[1].rm_eo;
	}
	*so = s->m_so[i];
	*eo = s->m_eo[i];
	return s->m_ok[i];
}

static void debug_bad(struct po_sort *s, int i, const char *buf)
{
	s->bad[i]++;
	if (s->o.debug && s->debug_shown < 10) {
		s->debug_shown++;
		fprintf(stderr, "pageowner sort: no %s in block:\n%s", re_src[i], buf);
	}
}

/* strtol/strtoull of the captured digits, as page_owner_sort's get_*(). */
static bool get_num(struct po_sort *s, int i, const char *buf, bool quiet,
		    uint64_t *v)
{
	regoff_t so, eo;
	char tmp[32];
	char *end;

	if (!search(s, i, buf, &so, &eo) || eo == so || eo - so >= (regoff_t)sizeof(tmp)) {
		if (!quiet)
			debug_bad(s, i, buf);
		return false;
	}
	memcpy(tmp, buf + so, (size_t)(eo - so));
	tmp[eo - so] = 0;
	errno = 0;
	*v = strtoull(tmp, &end, 10);
	if (errno || *end) {
		if (!quiet)
			debug_bad(s, i, buf);
		return false;
	}
	return true;
}

static long get_id(struct po_sort *s, int i, const char *buf)
{
	uint64_t v;

	if (!get_num(s, i, buf, false, &v) || v > LONG_MAX)
		return -1;
	return (long)v;
}

static int get_allocator(const char *buf, const char *pfn)
{
	int a = 0;
	const char *p;

	if (strstr(pfn, "CMA"))
		a |= ALLOC_CMA;
	if (strstr(pfn, "slab"))
		a |= ALLOC_SLAB;
	p = strstr(buf, "__vmalloc_node_range");
	if (p) {
		/* "alloc_pages" from the start of the line before, up to here */
		const char *q = p, *first;
		while (q > buf && *q != '\n')
			q--;
		if (q > buf) {
			q--;
			while (q > buf && *q != '\n')
				q--;
		}
		first = *q == '\n' ? q + 1 : q;
		q = strstr(first, "alloc_pages");
		if (q && q < p)
			a |= ALLOC_VMALLOC;
	}
	return a ? a : ALLOC_OTHERS;
}

static bool match_num(long v, const long *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

static bool match_str(const char *v, char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], v))
			return true;
	return false;
}

static uint64_t hash_bytes(const char *p, size_t n, uint64_t h)
{
	while (n >= 8) {
		h = po_hash64(h ^ po_get_u64(p));
		p += 8;
		n -= 8;
	}
	uint64_t t = 0;
	memcpy(&t, p, n);
	return po_hash64(h ^ t ^ ((uint64_t)n << 56));
}

static uint64_t entry_hash(const struct po_sort *s, const struct entry *e)
{
	unsigned c = s->o.cull;
	uint64_t h = 0x9e3779b97f4a7c15ULL;

	if (!c)
		return hash_bytes(e->txt, e->len, h);
	if (c & PO_CULL_STACKTRACE)
		h = hash_bytes(e->txt + e->stack_off, e->len - e->stack_off, h);
	if (c & PO_CULL_PID)
		h = po_hash64(h ^ (uint64_t)e->pid);
	if (c & PO_CULL_TGID)
		h = po_hash64(h ^ (uint64_t)e->tgid ^ 0x100000000ULL);
	if (c & PO_CULL_NAME)
		h = hash_bytes(e->comm, strlen(e->comm), h);
	if (c & PO_CULL_ALLOCATOR)
		h = po_hash64(h ^ (uint64_t)e->allocator ^ 0x200000000ULL);
	if (c & PO_CULL_FREE)
		h = po_hash64(h ^ (uint64_t)e->released ^ 0x400000000ULL);
	return h;
}

static int cmp_u64(uint64_t a, uint64_t b) { return a < b ? -1 : a > b; }
static int cmp_long(long a, long b) { return a < b ? -1 : a > b; }

/* The cull rule as a comparison: page_owner_sort's compare_cull_condition. */
static int cull_cmp(unsigned c, const struct entry *a, const struct entry *b)
{
	int r;

	if (!c)
		return strcmp(a->txt, b->txt);
	if ((c & PO_CULL_FREE) && (r = (int)a->released - (int)b->released))
		return r;
	if ((c & PO_CULL_STACKTRACE) &&
	    (r = strcmp(a->txt + a->stack_off, b->txt + b->stack_off)))
		return r;
	if ((c & PO_CULL_PID) && (r = cmp_long(a->pid, b->pid)))
		return r;
	if ((c & PO_CULL_TGID) && (r = cmp_long(a->tgid, b->tgid)))
		return r;
	if ((c & PO_CULL_NAME) && (r = strcmp(a->comm, b->comm)))
		return r;
	if ((c & PO_CULL_ALLOCATOR) && (r = a->allocator - b->allocator))
		return r;
	return 0;
}

static bool entry_eq(unsigned c, const struct entry *a, const struct entry *b)
{
	if (!c)
		return a->len == b->len && !memcmp(a->txt, b->txt, a->len);
	return cull_cmp(c, a, b) == 0;
}

static struct po_error *rehash(struct po_sort *s)
{
	size_t n = s->nslots ? s->nslots * 2 : 1024;
	size_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return &po_error_nomem;
	for (size_t i = 0; i < s->nents; i++) {
		size_t j = s->ents[i].hash & (n - 1);
		while (slots[j])
			j = (j + 1) & (n - 1);
		slots[j] = i + 1;
	}
	free(s->slots);
	s->slots = slots;
	s->nslots = n;
	return NULL;
}

/* Count the block in s->blk (s->blen bytes, NUL-terminated). */
static struct po_error *end_block(struct po_sort *s)
{
	struct po_error *err;
	struct entry e;
	char *buf;
	size_t len = s->blen;
	uint64_t order;
	regoff_t so, eo;
	const char *nl;
	char *comm = NULL;

	if (!s->pfn && (err = grow(&s->pfn, &s->pfncap, 1)))
		return err;
	s->pfn[s->pfnlen] = 0;
	if (len == 0) {
		s->skipped_empty++;
		goto out;
	}
	/* page_owner_sort parses the block followed by the empty line */
	if ((err = grow(&s->blk, &s->bcap, len + 2)))
		return err;
	buf = s->blk;
	buf[len] = '\n';
	buf[len + 1] = 0;
	memset(s->m_done, 0, sizeof(s->m_done));
	nl = memchr(buf, '\n', len + 1);
	s->line1_len = (size_t)(nl - buf);
	{
		size_t t = s->line1_len;
		while (t && isspace((unsigned char)buf[t - 1]))
			t--;
		s->line1_fast = (t >= 1 && buf[t - 1] == ')') ||
				(t >= 2 && buf[t - 2] == 'n' && buf[t - 1] == 's');
	}

	memset(&e, 0, sizeof(e));
	e.pid = get_id(s, RE_PID, buf);
	e.tgid = get_id(s, RE_TGID, buf);
	if (search(s, RE_COMM, buf, &so, &eo))
		comm = strndup(buf + so, (size_t)(eo - so));
	else
		comm = strdup("");
	if (!comm)
		return &po_error_nomem;
	/* selection */
	if ((s->o.pids && !match_num(e.pid, s->o.pids, s->o.nr_pids)) ||
	    (s->o.tgids && !match_num(e.tgid, s->o.tgids, s->o.nr_tgids)) ||
	    (s->o.names && !match_str(comm, s->o.names, s->o.nr_names))) {
		free(comm);
		goto out;
	}
	if (!get_num(s, RE_TS, buf, false, &e.ts))
		e.ts = UINT64_MAX;
	if (!s->need_free_ts || !get_num(s, RE_FREE_TS, buf, true, &e.free_ts))
		e.free_ts = 0;
	e.released = e.free_ts != 0 && e.ts < e.free_ts;
	if (s->o.filter_released && e.released) {
		free(comm);
		goto out;
	}
	if (get_num(s, RE_ORDER, buf, false, &order))
		e.pages = order < 64 ? 1ULL << order : 0;
	e.allocator = get_allocator(buf, s->pfn);
	e.times = 1;
	e.comm = comm;

	/* the text: cut the time stamp's digits */
	if (!s->keep_ts && search(s, RE_TS, buf, &so, &eo) && (size_t)eo <= len) {
		memmove(buf + so, buf + eo, len - (size_t)eo);
		len -= (size_t)(eo - so);
	}
	buf[len] = 0;
	e.txt = buf;
	e.len = len;
	nl = memchr(buf, '\n', len);
	e.stack_off = nl ? (size_t)(nl - buf) + 1 : len;
	e.hash = entry_hash(s, &e);
	s->records++;

	if (s->nents * 2 >= s->nslots && (err = rehash(s))) {
		free(comm);
		return err;
	}
	size_t j = e.hash & (s->nslots - 1);
	for (; s->slots[j]; j = (j + 1) & (s->nslots - 1)) {
		struct entry *x = &s->ents[s->slots[j] - 1];
		if (x->hash == e.hash && entry_eq(s->o.cull, x, &e)) {
			x->times++;
			x->pages += e.pages;
			free(comm);
			goto out;
		}
	}
	if (s->nents == s->ecap) {
		size_t n = s->ecap ? s->ecap * 2 : 1024;
		struct entry *p = po_xrealloc_array(s->ents, n, sizeof(*p));
		if (!p) {
			free(comm);
			return &po_error_nomem;
		}
		s->ents = p;
		s->ecap = n;
	}
	e.txt = malloc(len + 1);
	if (!e.txt) {
		free(comm);
		return &po_error_nomem;
	}
	memcpy(e.txt, buf, len + 1);
	s->ents[s->nents] = e;
	s->slots[j] = ++s->nents;
out:
	s->blen = 0;
	s->pfnlen = 0;
	return NULL;
}

struct po_error *po_sort_feed_line(struct po_sort *s, const char *line,
				   size_t len)
{
	struct po_error *err;

	if (len && line[0] == '\n')
		return end_block(s);
	if (len >= 3 && !memcmp(line, "PFN", 3)) {
		if ((err = grow(&s->pfn, &s->pfncap, len + 1)))
			return err;
		memcpy(s->pfn, line, len);
		s->pfnlen = len;
		return NULL;
	}
	if ((err = grow(&s->blk, &s->bcap, s->blen + len + 2)))
		return err;
	memcpy(s->blk + s->blen, line, len);
	s->blen += len;
	return NULL;
}

struct po_error *po_sort_feed_file(struct po_sort *s, FILE *in,
				   const char *name)
{
	struct po_error *err = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, in)) > 0)
		if ((err = po_sort_feed_line(s, line, (size_t)n)))
			break;
	if (!err && ferror(in))
		err = po_error_create(PO_ERR_OS, "%s: read error: %s", name,
				      strerror(errno));
	free(line);
	return err;
}

static struct po_error *feed_buffer(struct po_sort *s, const char *p, size_t n)
{
	struct po_error *err;

	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t len = nl ? (size_t)(nl - p) + 1 : n;
		if ((err = po_sort_feed_line(s, p, len)))
			return err;
		p += len;
		n -= len;
	}
	return NULL;
}

static ssize_t record_write(void *cookie, const char *buf, size_t size)
{
	struct po_sort *s = cookie;

	if (grow(&s->rbuf, &s->rcap, s->rlen + size)) {
		s->rfail = true;
		return -1;
	}
	memcpy(s->rbuf + s->rlen, buf, size);
	s->rlen += size;
	return (ssize_t)size;
}

struct dump_ctx {
	struct po_sort *s;
	FILE *f;
};

static struct po_error *dump_cb(struct po_program *prog,
				const struct po_record *rec, void *arg)
{
	struct dump_ctx *c = arg;
	struct po_sort *s = c->s;
	struct po_error *err;

	if (rec->suspect)
		return NULL; /* left out of the totals (the walk's stats say so) */
	err = po_print_debugfs_record(prog, c->f, rec, 0);
	if (err)
		return err;
	if (fflush(c->f) || s->rfail)
		return &po_error_nomem;
	/* each record ends with its empty line: a block of its own */
	err = feed_buffer(s, s->rbuf, s->rlen);
	s->rlen = 0;
	return err;
}

struct po_error *po_sort_feed_dump(struct po_sort *s, struct po_program *prog,
				   struct po_walk_stats *stats)
{
	static const cookie_io_functions_t io = { .write = record_write };
	struct dump_ctx c = { .s = s };
	struct po_error *err;

	c.f = fopencookie(s, "w", io);
	if (!c.f)
		return po_error_create(PO_ERR_OS, "sort: fopencookie: %s",
				       strerror(errno));
	setvbuf(c.f, NULL, _IOFBF, 1 << 16);
	err = po_walk(prog, PO_WALK_DEBUGFS, dump_cb, &c, stats);
	fclose(c.f);
	s->rlen = 0;
	return err;
}

/* ---- sorting ---- */

static int key_cmp(enum po_sort_key k, const struct entry *a,
		   const struct entry *b)
{
	switch (k) {
	case PO_SORT_TIMES: return cmp_u64(a->times, b->times);
	case PO_SORT_PAGES: return cmp_u64(a->pages, b->pages);
	case PO_SORT_PID: return cmp_long(a->pid, b->pid);
	case PO_SORT_TGID: return cmp_long(a->tgid, b->tgid);
	case PO_SORT_NAME: return strcmp(a->comm, b->comm);
	case PO_SORT_STACKTRACE:
		return strcmp(a->txt + a->stack_off, b->txt + b->stack_off);
	case PO_SORT_TXT: return strcmp(a->txt, b->txt);
	case PO_SORT_ALLOC_TS: return cmp_u64(a->ts, b->ts);
	case PO_SORT_FREE_TS: return cmp_u64(a->free_ts, b->free_ts);
	case PO_SORT_ALLOCATOR: return cmp_long(a->allocator, b->allocator);
	}
	return 0;
}

static int sort_cmp(const void *pa, const void *pb, void *arg)
{
	const struct po_sort *s = arg;
	const struct entry *a = *(struct entry *const *)pa;
	const struct entry *b = *(struct entry *const *)pb;

	for (int i = 0; i < s->o.nkeys; i++) {
		int r = key_cmp(s->o.keys[i], a, b);
		if (r)
			return r < 0 ? -s->o.signs[i] : s->o.signs[i];
	}
	/* ties: the order of the culled list, then input order (never
	 * reached: entries are distinct under the cull rule) */
	int r = cull_cmp(s->o.cull, a, b);
	return r ? r : (a < b ? -1 : a > b);
}

struct po_error *po_sort_finish(struct po_sort *s)
{
	struct po_error *err;

	if (s->blen && (err = end_block(s)))
		return err;
	free(s->sorted);
	s->sorted = po_xrealloc_array(NULL, s->nents ? s->nents : 1,
				      sizeof(*s->sorted));
	if (!s->sorted)
		return &po_error_nomem;
	for (size_t i = 0; i < s->nents; i++)
		s->sorted[i] = &s->ents[i];
	qsort_r(s->sorted, s->nents, sizeof(*s->sorted), sort_cmp, s);
	if (s->o.debug) {
		fprintf(stderr,
			"pageowner sort: %llu records, %llu entries, %llu empty blocks skipped\n",
			(unsigned long long)s->records, (unsigned long long)s->nents,
			(unsigned long long)s->skipped_empty);
		for (int i = 0; i < NR_RE; i++)
			if (s->bad[i])
				fprintf(stderr, "pageowner sort: %llu blocks without %s\n",
					(unsigned long long)s->bad[i], re_src[i]);
	}
	return NULL;
}

/* ---- output ---- */

static void print_allocator(FILE *out, int a)
{
	fputs("allocated by ", out);
	if (a & ALLOC_CMA)
		fputs("CMA ", out);
	if (a & ALLOC_SLAB)
		fputs("SLAB ", out);
	if (a & ALLOC_VMALLOC)
		fputs("VMALLOC ", out);
	if (a & ALLOC_OTHERS)
		fputs("OTHERS ", out);
}

void po_sort_print(struct po_sort *s, FILE *out)
{
	unsigned c = s->o.cull;

	for (size_t i = 0; i < s->nents; i++) {
		const struct entry *e = s->sorted[i];
		fprintf(out, "%llu times, %llu pages", (unsigned long long)e->times,
			(unsigned long long)e->pages);
		if (!c) {
			fputs(", ", out);
			print_allocator(out, e->allocator);
			fprintf(out, ":\n%s\n", e->txt);
			continue;
		}
		if ((c & PO_CULL_PID) || s->o.pids)
			fprintf(out, ", PID %ld", e->pid);
		if ((c & PO_CULL_TGID) || s->o.tgids)
			fprintf(out, ", TGID %ld", e->tgid);
		if ((c & PO_CULL_NAME) || s->o.names)
			fprintf(out, ", task_comm_name: %s", e->comm);
		if (c & PO_CULL_ALLOCATOR) {
			fputs(", ", out);
			print_allocator(out, e->allocator);
		}
		if (c & PO_CULL_FREE)
			fprintf(out, " (%s)", e->released ? "RELEASED" : "UNRELEASED");
		if (c & PO_CULL_STACKTRACE)
			fprintf(out, ":\n%s", e->txt + e->stack_off);
		fputc('\n', out);
	}
}

static void json_allocator(FILE *out, int a)
{
	bool first = true;
	static const struct { int bit; const char *name; } names[] = {
		{ ALLOC_CMA, "CMA" }, { ALLOC_SLAB, "SLAB" },
		{ ALLOC_VMALLOC, "VMALLOC" }, { ALLOC_OTHERS, "OTHERS" },
	};

	fputc('[', out);
	for (size_t i = 0; i < PO_ARRAY_SIZE(names); i++) {
		if (!(a & names[i].bit))
			continue;
		fprintf(out, "%s\"%s\"", first ? "" : ",", names[i].name);
		first = false;
	}
	fputc(']', out);
}

/* The lines of s[0..n), without their '\n' and leading blanks. */
static void json_lines(FILE *out, const char *p, const char *end)
{
	bool first = true;

	fputc('[', out);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		char *line;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		line = strndup(p, (size_t)(e - p));
		if (!first)
			fputc(',', out);
		po_json_string(out, line ? line : "");
		free(line);
		first = false;
		p = nl ? nl + 1 : end;
	}
	fputc(']', out);
}

void po_sort_print_json(struct po_sort *s, FILE *out)
{
	unsigned c = s->o.cull;
	static const struct { unsigned bit; const char *name; } culls[] = {
		{ PO_CULL_FREE, "free" }, { PO_CULL_STACKTRACE, "stacktrace" },
		{ PO_CULL_PID, "pid" }, { PO_CULL_TGID, "tgid" },
		{ PO_CULL_NAME, "name" }, { PO_CULL_ALLOCATOR, "allocator" },
	};
	bool first = true;

	fprintf(out, "{\"records\":%llu,\"entries\":%llu,\"sort\":[",
		(unsigned long long)s->records, (unsigned long long)s->nents);
	for (int i = 0; i < s->o.nkeys; i++)
		fprintf(out, "%s\"%s%s\"", i ? "," : "", s->o.signs[i] < 0 ? "-" : "+",
			key_name(s->o.keys[i]));
	fputs("],\"cull\":[", out);
	for (size_t i = 0; i < PO_ARRAY_SIZE(culls); i++) {
		if (!(c & culls[i].bit))
			continue;
		fprintf(out, "%s\"%s\"", first ? "" : ",", culls[i].name);
		first = false;
	}
	fputs("],\"blocks\":[", out);
	for (size_t i = 0; i < s->nents; i++) {
		const struct entry *e = s->sorted[i];
		const char *nl = memchr(e->txt, '\n', e->len);
		fprintf(out, "%s\n{\"times\":%llu,\"pages\":%llu,\"allocator\":",
			i ? "," : "", (unsigned long long)e->times,
			(unsigned long long)e->pages);
		json_allocator(out, e->allocator);
		/* the cull keys of this entry (all records in it share them) */
		fputs(",\"key\":{", out);
		first = true;
#define SEP() (first ? (first = false, "") : ",")
		if (!c) {
			fprintf(out, "%s\"text\":", SEP());
			po_json_string(out, e->txt);
		}
		if (c & PO_CULL_FREE)
			fprintf(out, "%s\"released\":%s", SEP(), e->released ? "true" : "false");
		if (c & PO_CULL_STACKTRACE) {
			fprintf(out, "%s\"stacktrace\":", SEP());
			po_json_string(out, e->txt + e->stack_off);
		}
		if (c & PO_CULL_PID)
			fprintf(out, "%s\"pid\":%ld", SEP(), e->pid);
		if (c & PO_CULL_TGID)
			fprintf(out, "%s\"tgid\":%ld", SEP(), e->tgid);
		if (c & PO_CULL_NAME) {
			fprintf(out, "%s\"name\":", SEP());
			po_json_string(out, e->comm);
		}
		if (c & PO_CULL_ALLOCATOR) {
			fprintf(out, "%s\"allocator\":", SEP());
			json_allocator(out, e->allocator);
		}
#undef SEP
		/* the first record of the entry */
		fprintf(out, "},\"pid\":%ld,\"tgid\":%ld,\"comm\":", e->pid, e->tgid);
		po_json_string(out, e->comm);
		fputs(",\"ts_nsec\":", out);
		if (e->ts == UINT64_MAX)
			fputs("null", out);
		else
			fprintf(out, "%llu", (unsigned long long)e->ts);
		if (s->need_free_ts)
			fprintf(out, ",\"free_ts_nsec\":%llu", (unsigned long long)e->free_ts);
		else
			fputs(",\"free_ts_nsec\":null", out);
		fputs(",\"header\":", out);
		{
			char *h = strndup(e->txt, nl ? (size_t)(nl - e->txt) : e->len);
			po_json_string(out, h ? h : "");
			free(h);
		}
		fputs(",\"stacktrace\":", out);
		json_lines(out, e->txt + e->stack_off, e->txt + e->len);
		fputs(",\"text\":", out);
		po_json_string(out, e->txt);
		fputc('}', out);
	}
	fputs("\n]}\n", out);
}
