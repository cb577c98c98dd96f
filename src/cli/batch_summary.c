/*
 * `batch --summary`: which dumps failed the same way.  A dump's signature is
 * its panic reason (numbers and addresses blanked, so pids and sizes do not
 * split a group) and its greatest consumer's stack as function names
 * without offsets, from the first frame below the page allocator; a dump
 * that could not be analysed is signed by its status and exit code.  Memory
 * grows with the number of groups, not of dumps.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define MAX_FRAMES 6

struct group {
	char *key;              /* panic "\n" frames */
	char *panic;
	char *frames;           /* "a;b;c" */
	char *failure;          /* "error (exit 5)": a failed dump's group */
	size_t count;
	double top_pages, pages;
	char **kernels;
	size_t nkernels;
	char *example;
};

struct po_summary {
	struct group *g;
	size_t n;
	size_t dumps;
};

struct po_summary *po_summary_new(void)
{
	return calloc(1, sizeof(struct po_summary));
}

void po_summary_free(struct po_summary *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct group *g = &s->g[i];
		free(g->key);
		free(g->panic);
		free(g->frames);
		free(g->failure);
		for (size_t k = 0; k < g->nkernels; k++)
			free(g->kernels[k]);
		free(g->kernels);
		free(g->example);
	}
	free(s->g);
	free(s);
}

/* Numbers and hex addresses become '#'. */
static char *blank_numbers(const char *s)
{
	char *o = malloc(strlen(s) + 1), *q = o;
	if (!o)
		return NULL;
	while (*s) {
		if (isdigit((unsigned char)*s)) {
			if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
				s += 2;
			while (isxdigit((unsigned char)*s))
				s++;
			*q++ = '#';
			continue;
		}
		*q++ = *s++;
	}
	*q = '\0';
	return o;
}

/* The page allocator's own frames, above the caller that matters. */
static bool allocator_frame(const char *name)
{
	static const char *const prefixes[] = {
		"get_page_from_freelist", "alloc_pages", "alloc_frozen_pages",
		"folio_alloc", "get_free_pages", "rmqueue", "prep_new_page",
		"post_alloc_hook", "vma_alloc_folio", "alloc_folio", "page_alloc",
	};
	while (*name == '_')
		name++;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* "func.constprop.0" -> "func" */
static size_t base_len(const char *name)
{
	const char *dot = strchr(name, '.');
	return dot ? (size_t)(dot - name) : strlen(name);
}

static char *stack_frames(const struct po_jv *stack)
{
	size_t i = 0, len = 0, taken = 0;
	char *out;

	if (!stack || stack->type != PO_JV_ARRAY)
		return strdup("");
	while (i < stack->n && po_jv_str(po_jv_get(stack->items[i], "symbol")) &&
	       allocator_frame(po_jv_str(po_jv_get(stack->items[i], "symbol"))))
		i++;
	if (i == stack->n)
		i = 0; /* nothing but allocator frames: keep them */
	out = malloc(1);
	if (!out)
		return NULL;
	out[0] = '\0';
	for (; i < stack->n && taken < MAX_FRAMES; i++) {
		const char *sym = po_jv_str(po_jv_get(stack->items[i], "symbol"));
		const char *text = po_jv_str(po_jv_get(stack->items[i], "text"));
		char *name = (char *)(sym ? sym : text ? text : "?");
		size_t bl = sym ? base_len(sym) : strcspn(name, "+");
		char *n2 = realloc(out, len + bl + 2);
		if (!n2)
			break;
		out = n2;
		if (len)
			out[len++] = ';';
		memcpy(out + len, name, bl);
		len += bl;
		out[len] = '\0';
		taken++;
	}
	return out;
}

static struct group *find_group(struct po_summary *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->g[i].key, key))
			return &s->g[i];
	struct group *g = realloc(s->g, (s->n + 1) * sizeof(*g));
	if (!g)
		return NULL;
	s->g = g;
	g = &s->g[s->n++];
	memset(g, 0, sizeof(*g));
	g->key = strdup(key);
	return g;
}

static void add_kernel(struct group *g, const char *rel)
{
	if (!rel || !*rel)
		return;
	for (size_t i = 0; i < g->nkernels; i++)
		if (!strcmp(g->kernels[i], rel))
			return;
	char **k = realloc(g->kernels, (g->nkernels + 1) * sizeof(*k));
	if (!k)
		return;
	g->kernels = k;
	if ((k[g->nkernels] = strdup(rel)))
		g->nkernels++;
}

void po_summary_add(struct po_summary *s, const char *dump, const char *status,
		    int exit_code, const char *message, const struct po_jv *top)
{
	struct group *g;
	char *key = NULL;

	if (!s || !strcmp(status, "skipped"))
		return;
	s->dumps++;
	if (top && top->type == PO_JV_OBJECT) {
		const char *panic = po_jv_str(po_jv_get(top, "panic"));
		const struct po_jv *stacks = po_jv_get(top, "stacks");
		const struct po_jv *first = stacks && stacks->type == PO_JV_ARRAY && stacks->n ?
					    stacks->items[0] : NULL;
		char *p = blank_numbers(panic ? panic : "(no panic reason in the dump)");
		char *f = stack_frames(first ? po_jv_get(first, "stack") : NULL);
		if (p && f && asprintf(&key, "%s\n%s", p, f) >= 0 && (g = find_group(s, key)) &&
		    g->key) {
			if (!g->panic) {
				g->panic = p;
				g->frames = f;
				p = f = NULL;
			}
			g->count++;
			g->top_pages += po_jv_num(po_jv_get(first, "pages"));
			g->pages += po_jv_num(po_jv_get(po_jv_get(top, "totals"), "page_owner_pages"));
			add_kernel(g, po_jv_str(po_jv_get(top, "release")));
			if (!g->example)
				g->example = strdup(dump);
		}
		free(p);
		free(f);
		free(key);
		return;
	}
	/* a failure: by status and exit code, with its first message line */
	char first_line[160] = "";
	if (message)
		snprintf(first_line, sizeof(first_line), "%.*s", (int)strcspn(message, "\n"), message);
	char *blank = blank_numbers(first_line);
	if (asprintf(&key, "%s (exit %d)\n%s", status, exit_code, blank ? blank : "") >= 0 &&
	    (g = find_group(s, key)) && g->key) {
		if (!g->failure)
			if (asprintf(&g->failure, "%s (exit status %d)", status, exit_code) < 0)
				g->failure = NULL;
		if (!g->panic)
			g->panic = blank ? strdup(blank) : NULL;
		g->count++;
		if (!g->example)
			g->example = strdup(dump);
	}
	free(blank);
	free(key);
}

static int by_count(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	if (!x->failure != !y->failure)
		return x->failure ? 1 : -1;
	return strcmp(x->key, y->key);
}

void po_summary_print(struct po_summary *s, FILE *out, bool json)
{
	if (!s)
		return;
	qsort(s->g, s->n, sizeof(*s->g), by_count);
	if (json) {
		fprintf(out, "{\"summary\":{\"dumps\":%zu,\"groups\":[", s->dumps);
		for (size_t i = 0; i < s->n; i++) {
			struct group *g = &s->g[i];
			fprintf(out, "%s{\"count\":%zu,\"failure\":", i ? "," : "", g->count);
			if (g->failure)
				po_json_string(out, g->failure);
			else
				fputs("null", out);
			fputs(",\"panic\":", out);
			po_json_string(out, g->panic ? g->panic : "");
			fputs(",\"stack\":[", out);
			for (const char *f = g->frames; f && *f;) {
				size_t l = strcspn(f, ";");
				char *name = strndup(f, l);
				if (name) {
					if (f != g->frames)
						fputc(',', out);
					po_json_string(out, name);
					free(name);
				}
				f += l + (f[l] == ';');
			}
			fputs("],\"share_pages\":", out);
			if (g->failure || g->pages <= 0)
				fputs("null", out);
			else
				fprintf(out, "%.4f", g->top_pages / g->pages);
			fputs(",\"kernels\":[", out);
			for (size_t k = 0; k < g->nkernels; k++) {
				if (k)
					fputc(',', out);
				po_json_string(out, g->kernels[k]);
			}
			fputs("],\"example\":", out);
			po_json_string(out, g->example ? g->example : "");
			fputc('}', out);
		}
		fputs("]}}\n", out);
		return;
	}
	fprintf(out, "summary: %zu dumps in %zu groups\n", s->dumps, s->n);
	for (size_t i = 0; i < s->n; i++) {
		struct group *g = &s->g[i];
		fprintf(out, "\n%zu dump%s", g->count, g->count == 1 ? "" : "s");
		if (g->failure) {
			fprintf(out, " %s: %s\n", g->failure, g->panic ? g->panic : "");
		} else {
			if (g->pages > 0)
				fprintf(out, ", greatest consumer %.1f%% of their page_owner pages",
					100.0 * g->top_pages / g->pages);
			fprintf(out, "\n  panic: %s\n  stack: %s\n", g->panic ? g->panic : "",
				g->frames && *g->frames ? g->frames : "(none)");
			fputs("  kernels:", out);
			for (size_t k = 0; k < g->nkernels; k++)
				fprintf(out, "%s %s", k ? "," : "", g->kernels[k]);
			fputc('\n', out);
		}
		fprintf(out, "  example: %s\n", g->example ? g->example : "");
	}
}
