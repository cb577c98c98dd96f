/*
 * `pageowner diff OLD NEW` (pageowner.h): the two sides' folded sets merged key
 * by key (a stack, a comm, a memcg path), each key with its pages before
 * and after, sorted by change, largest growth first.  Memory grows with the
 * distinct keys of both sides.
 */
#include <stdlib.h>
#include <string.h>

#include "pageowner.h"
#include "base/json.h"
#include "base/util.h"
#include "report/folded.h"

struct po_error *po_diff_side_create(struct po_diff_side *side)
{
	struct po_folded_opts so = { .strip_clones = true };
	struct po_folded_opts po = { .root = PO_FOLDED_ROOT_PROCESS, .root_only = true,
				     .optional = true };
	struct po_folded_opts mo = { .root = PO_FOLDED_ROOT_MEMCG, .root_only = true,
				     .optional = true };
	struct po_error *err;

	memset(side, 0, sizeof(*side));
	if ((err = po_folded_create(&so, &side->stacks)) ||
	    (err = po_folded_create(&po, &side->procs)) ||
	    (err = po_folded_create(&mo, &side->memcgs))) {
		po_diff_side_destroy(side);
		return err;
	}
	return NULL;
}

void po_diff_side_destroy(struct po_diff_side *side)
{
	po_folded_destroy(side->stacks);
	po_folded_destroy(side->procs);
	po_folded_destroy(side->memcgs);
	memset(side, 0, sizeof(*side));
}

/* ---- one section: stacks, processes or memcgs ---- */

struct section {
	struct po_folded *u;     /* keys of both sides: pages = before, pages2 = after */
	size_t *order;           /* rows by change */
	size_t grew, added, shrank, vanished, same, hidden;
	bool unavailable;
};

static int64_t change(const struct po_folded_stack *r)
{
	return (int64_t)r->pages2 - (int64_t)r->pages;
}

static int by_change(const void *a, const void *b, void *arg)
{
	const struct po_folded *u = arg;
	const struct po_folded_stack *x = &u->v[*(const size_t *)a];
	const struct po_folded_stack *y = &u->v[*(const size_t *)b];
	int64_t cx = change(x), cy = change(y);

	if (cx != cy)
		return cx > cy ? -1 : 1;
	if (x->pages2 != y->pages2)
		return x->pages2 > y->pages2 ? -1 : 1;
	return strcmp(x->s, y->s);
}

static struct po_error *section_make(struct section *sec, const struct po_folded *old,
				     const struct po_folded *new_, uint64_t threshold)
{
	struct po_error *err;

	memset(sec, 0, sizeof(*sec));
	if (!old || !new_ || old->unavailable || new_->unavailable) {
		sec->unavailable = true;
		return NULL;
	}
	if ((err = po_folded_create(&old->opts, &sec->u)))
		return err;
	for (size_t i = 0; i < old->n; i++)
		if ((err = po_folded_add(sec->u, old->v[i].s, old->v[i].len, old->v[i].pages)))
			return err;
	for (size_t i = 0; i < new_->n; i++) {
		if ((err = po_folded_add(sec->u, new_->v[i].s, new_->v[i].len, 0)))
			return err;
		po_folded_find(sec->u, new_->v[i].s, new_->v[i].len)->pages2 += new_->v[i].pages;
	}
	if (!(sec->order = po_xrealloc_array(NULL, sec->u->n, sizeof(*sec->order))))
		return &po_error_nomem;
	for (size_t i = 0; i < sec->u->n; i++)
		sec->order[i] = i;
	if (sec->u->n > 1)
		qsort_r(sec->order, sec->u->n, sizeof(*sec->order), by_change, sec->u);
	for (size_t i = 0; i < sec->u->n; i++) {
		const struct po_folded_stack *r = &sec->u->v[i];
		int64_t c = change(r);
		uint64_t mag = (uint64_t)(c < 0 ? -c : c);

		if (!c) {
			sec->same++;
			continue;
		}
		if (mag < threshold)
			sec->hidden++;
		if (!r->pages)
			sec->added++;
		else if (c > 0)
			sec->grew++;
		else if (!r->pages2)
			sec->vanished++;
		else
			sec->shrank++;
	}
	return NULL;
}

static void section_free(struct section *sec)
{
	po_folded_destroy(sec->u);
	free(sec->order);
}

static bool shown(const struct po_folded_stack *r, uint64_t threshold)
{
	int64_t c = change(r);
	uint64_t mag = (uint64_t)(c < 0 ? -c : c);
	return c && mag >= threshold;
}

static const char *status(const struct po_folded_stack *r)
{
	if (!r->pages)
		return "new";
	if (!r->pages2)
		return "vanished";
	return change(r) > 0 ? "grew" : "shrank";
}

/* ---- text ---- */

static double mib_of(const struct po_folded_meta *m, int64_t pages)
{
	return pages < 0 ? -po_folded_mib(m, (uint64_t)-pages) : po_folded_mib(m, (uint64_t)pages);
}

static void side_line(FILE *out, const char *which, const struct po_folded *f)
{
	const struct po_folded_meta *m = &f->meta;

	fprintf(out, "%s: %s (%s%s%s): %llu pages (%.1f MiB) in %zu stacks\n", which, m->name,
		m->kind, m->release[0] ? ", " : "", m->release,
		(unsigned long long)f->total_pages, po_folded_mib(m, f->total_pages), f->n);
}

static void counts_line(FILE *out, const struct section *sec, uint64_t threshold)
{
	fprintf(out, "%zu grew, %zu new, %zu shrank, %zu vanished, %zu unchanged",
		sec->grew, sec->added, sec->shrank, sec->vanished, sec->same);
	if (sec->hidden)
		fprintf(out, "; %zu changes of fewer than %llu pages not shown", sec->hidden,
			(unsigned long long)threshold);
}

static void print_stacks(FILE *out, const struct section *sec, const struct po_folded_meta *m,
			 uint64_t threshold)
{
	fputs("\nstacks by growth (functions without offsets, innermost first; ", out);
	counts_line(out, sec, threshold);
	fputs("):\n", out);
	for (size_t i = 0; i < sec->u->n; i++) {
		const struct po_folded_stack *r = &sec->u->v[sec->order[i]];
		const char *end = r->s + r->len, *p = end;

		if (!shown(r, threshold))
			continue;
		fprintf(out, "\n%+lld pages (%+.1f MiB): %llu -> %llu", (long long)change(r),
			mib_of(m, change(r)), (unsigned long long)r->pages,
			(unsigned long long)r->pages2);
		if (!r->pages || !r->pages2)
			fprintf(out, ", %s", status(r));
		fputc('\n', out);
		/* the folded string is outermost first: print it backwards */
		while (p > r->s) {
			const char *q = p;
			while (q > r->s && q[-1] != ';')
				q--;
			fprintf(out, " %.*s\n", (int)(p - q), q);
			p = q > r->s ? q - 1 : q;
		}
	}
}

static void print_table(FILE *out, const struct section *sec, const char *title,
			const char *what, uint64_t threshold)
{
	if (sec->unavailable) {
		fprintf(out, "\n%s: not in a show_stacks or folded input\n", title);
		return;
	}
	fprintf(out, "\n%s by growth (", title);
	counts_line(out, sec, threshold);
	fputs("):\n", out);
	fprintf(out, "%12s %12s %12s  %s\n", "before", "after", "change", what);
	for (size_t i = 0; i < sec->u->n; i++) {
		const struct po_folded_stack *r = &sec->u->v[sec->order[i]];
		if (!shown(r, threshold))
			continue;
		fprintf(out, "%12llu %12llu %+12lld  %s%s%s\n", (unsigned long long)r->pages,
			(unsigned long long)r->pages2, (long long)change(r), r->s,
			!r->pages || !r->pages2 ? "  " : "", !r->pages || !r->pages2 ? status(r) : "");
	}
}

/* ---- JSON ---- */

static void json_side(FILE *out, const struct po_folded *f)
{
	const struct po_folded_meta *m = &f->meta;

	fputs("{\"input\":", out);
	po_json_string(out, m->name);
	fputs(",\"kind\":", out);
	po_json_string(out, m->kind);
	fputs(",\"release\":", out);
	po_json_str_or_null(out, m->release[0] ? m->release : NULL);
	fprintf(out, ",\"total_pages\":%llu,\"nr_stacks\":%zu}", (unsigned long long)f->total_pages,
		f->n);
}

static void json_section(FILE *out, const struct section *sec, const char *key,
			 uint64_t threshold)
{
	bool first = true;

	if (sec->unavailable) {
		fputs("null", out);
		return;
	}
	fprintf(out, "{\"grew\":%zu,\"new\":%zu,\"shrank\":%zu,\"vanished\":%zu,\"unchanged\":%zu,"
		"\"not_shown\":%zu,\"rows\":[", sec->grew, sec->added, sec->shrank, sec->vanished,
		sec->same, sec->hidden);
	for (size_t i = 0; i < sec->u->n; i++) {
		const struct po_folded_stack *r = &sec->u->v[sec->order[i]];

		if (!shown(r, threshold))
			continue;
		fputs(first ? "{" : ",{", out);
		first = false;
		if (!strcmp(key, "stack")) {
			const char *end = r->s + r->len, *p = end;
			fputs("\"stack\":[", out);
			for (bool f1 = true; p > r->s; f1 = false) {
				const char *q = p;
				char buf[1024];
				while (q > r->s && q[-1] != ';')
					q--;
				snprintf(buf, sizeof(buf), "%.*s", (int)(p - q), q);
				fputs(f1 ? "" : ",", out);
				po_json_string(out, buf);
				p = q > r->s ? q - 1 : q;
			}
			fputs("],\"folded\":", out);
		} else {
			fprintf(out, "\"%s\":", key);
		}
		po_json_string(out, r->s);
		fprintf(out, ",\"before\":%llu,\"after\":%llu,\"change\":%lld,\"status\":\"%s\"}",
			(unsigned long long)r->pages, (unsigned long long)r->pages2,
			(long long)change(r), status(r));
	}
	fputs("]}", out);
}

struct po_error *po_report_diff(FILE *out, const struct po_diff_side *old,
				const struct po_diff_side *new_,
				const struct po_diff_opts *opts)
{
	struct section st, pr, mc;
	struct po_error *err;
	uint64_t thr = opts->threshold ? opts->threshold : 1;
	const struct po_folded_meta *m = &new_->stacks->meta;
	int64_t total = (int64_t)new_->stacks->total_pages - (int64_t)old->stacks->total_pages;
	bool nochange;

	memset(&pr, 0, sizeof(pr));
	memset(&mc, 0, sizeof(mc));
	if ((err = section_make(&st, old->stacks, new_->stacks, thr)) ||
	    (err = section_make(&pr, old->procs, new_->procs, thr)) ||
	    (err = section_make(&mc, old->memcgs, new_->memcgs, thr)))
		goto out;
	nochange = !total && st.same == st.u->n && (pr.unavailable || pr.same == pr.u->n) &&
		   (mc.unavailable || mc.same == mc.u->n);
	if (opts->json) {
		fputs("{\"old\":", out);
		json_side(out, old->stacks);
		fputs(",\"new\":", out);
		json_side(out, new_->stacks);
		fprintf(out, ",\"change_pages\":%lld,\"no_change\":%s,\"threshold\":%llu,\"stacks\":",
			(long long)total, nochange ? "true" : "false", (unsigned long long)thr);
		json_section(out, &st, "stack", thr);
		fputs(",\"processes\":", out);
		json_section(out, &pr, "comm", thr);
		fputs(",\"memcgs\":", out);
		json_section(out, &mc, "memcg", thr);
		fputs("}\n", out);
	} else {
		side_line(out, "old", old->stacks);
		side_line(out, "new", new_->stacks);
		if (nochange) {
			fprintf(out, "no change: the same pages in every stack, process and memcg (%llu pages, %zu stacks)\n",
				(unsigned long long)new_->stacks->total_pages, new_->stacks->n);
		} else {
			fprintf(out, "change: %+lld pages (%+.1f MiB)\n", (long long)total,
				mib_of(m, total));
			print_stacks(out, &st, m, thr);
			print_table(out, &pr, "processes (by comm)", "comm", thr);
			print_table(out, &mc, "memory cgroups (by path)", "memcg", thr);
		}
		if (!mc.unavailable && strcmp(old->stacks->meta.kind, new_->stacks->meta.kind) &&
		    (!strcmp(old->stacks->meta.kind, "page_owner text") ||
		     !strcmp(new_->stacks->meta.kind, "page_owner text")))
			fputs("\nnote: a page_owner text names memcgs by their leaf name, a dump by their path\n",
			      out);
	}
	if (ferror(out))
		err = po_error_create(PO_ERR_OS, "write error");
out:
	section_free(&st);
	section_free(&pr);
	section_free(&mc);
	return err;
}
