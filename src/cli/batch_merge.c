/*
 * `pageowner batch --merge SHARD.jsonl...`: the JSON Lines of `batch --json
 * --shard K/N` runs joined into one result, as the unsharded run would have
 * written it: rows in path order (component by component, as batch walks a
 * directory), one summary line on standard error, the same exit status, and
 * with --summary the groups recomputed over every shard.  Rows are indexed
 * by file and offset and copied from there: memory grows with the number of
 * dumps, not with the size of their reports.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

struct row {
	char *path;
	size_t file;
	long off;
	size_t len;
};

/* a/b before a.c: '/' sorts before every other byte */
static int path_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
		if (x == y) {
			if (!x)
				return 0;
			continue;
		}
		if (x == '/')
			return y ? -1 : 1;
		if (y == '/')
			return x ? 1 : -1;
		return x < y ? -1 : 1;
	}
}

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = path_cmp(x->path, y->path);
	if (c)
		return c;
	return x->file != y->file ? (x->file < y->file ? -1 : 1) : (x->off < y->off ? -1 : 1);
}

int po_cmd_batch_merge(struct po_cli *cli)
{
	FILE **in = calloc((size_t)cli->nfiles, sizeof(*in));
	struct row *rows = NULL;
	size_t nrows = 0, cap = 0;
	size_t dumps_ok = 0, dumps_failed = 0, others_failed = 0, skipped = 0;
	struct po_summary *sum = cli->summary ? po_summary_new() : NULL;
	struct po_error *err;
	char *line = NULL;
	size_t lcap = 0;
	int ret = 0;

	if (!in || (cli->summary && !sum)) {
		fprintf(stderr, "pageowner: batch --merge: out of memory\n");
		free(in);
		return 1;
	}
	for (int f = 0; f < cli->nfiles && !ret; f++) {
		const char *path = cli->files[f];
		if ((err = po_file_check(path))) {
			ret = po_cli_fail(err);
			break;
		}
		if (!(in[f] = fopen(path, "r"))) {
			fprintf(stderr, "pageowner: batch --merge: %s: %s\n", path, strerror(errno));
			ret = 3;
			break;
		}
		for (size_t lineno = 1;; lineno++) {
			long off = ftell(in[f]);
			ssize_t n = getline(&line, &lcap, in[f]);
			if (n <= 0)
				break;
			struct po_jv *v = po_jv_parse(line, (size_t)n);
			const char *dump = po_jv_str(po_jv_get(v, "dump"));
			if (v && po_jv_get(v, "summary")) {
				po_jv_free(v); /* a shard's own --summary: recomputed */
				continue;
			}
			if (!dump) {
				fprintf(stderr, "pageowner: batch --merge: %s:%zu: not a row of `pageowner batch --json`\n",
					path, lineno);
				po_jv_free(v);
				ret = 4;
				break;
			}
			const char *st = po_jv_str(po_jv_get(v, "status"));
			const char *kind = po_jv_str(po_jv_get(v, "input"));
			bool is_dump = !kind || !strcmp(kind, "dump");
			if (st && !strcmp(st, "skipped"))
				skipped++;
			else if (!is_dump)
				others_failed++;
			else if (st && !strcmp(st, "ok"))
				dumps_ok++;
			else
				dumps_failed++;
			if (sum && is_dump)
				po_summary_add(sum, dump, st ? st : "error",
					       (int)po_jv_num(po_jv_get(v, "exit_code")),
					       po_jv_str(po_jv_get(v, "messages")),
					       st && !strcmp(st, "ok") ? po_jv_get(v, "report") : NULL);
			if (nrows == cap) {
				struct row *r = realloc(rows, (cap = cap ? 2 * cap : 256) * sizeof(*r));
				if (!r) {
					po_jv_free(v);
					ret = 1;
					break;
				}
				rows = r;
			}
			rows[nrows] = (struct row){ strdup(dump), (size_t)f, off, (size_t)n };
			po_jv_free(v);
			if (!rows[nrows].path) {
				ret = 1;
				break;
			}
			nrows++;
		}
	}
	free(line);
	if (!ret) {
		err = po_cli_output_open(&cli->outf, cli->output, (const char *const *)cli->files,
					 (size_t)cli->nfiles, &cli->out);
		if (err)
			ret = po_cli_fail(err);
	}
	if (!ret) {
		char buf[65536];
		qsort(rows, nrows, sizeof(*rows), row_cmp);
		for (size_t i = 0; i < nrows; i++) {
			FILE *f = in[rows[i].file];
			size_t left = rows[i].len;
			fseek(f, rows[i].off, SEEK_SET);
			while (left) {
				size_t k = fread(buf, 1, left < sizeof(buf) ? left : sizeof(buf), f);
				if (!k)
					break;
				fwrite(buf, 1, k, cli->out);
				left -= k;
			}
			if (rows[i].len && fseek(f, rows[i].off + (long)rows[i].len - 1, SEEK_SET) == 0 &&
			    fgetc(f) != '\n')
				fputc('\n', cli->out);
		}
		if (sum)
			po_summary_print(sum, cli->out, true);
		fprintf(stderr, "pageowner: batch: %zu dumps: %zu ok, %zu failed", dumps_ok + dumps_failed,
			dumps_ok, dumps_failed);
		if (others_failed)
			fprintf(stderr, "; other inputs failed: %zu", others_failed);
		if (skipped)
			fprintf(stderr, "; skipped (not dumps): %zu", skipped);
		fprintf(stderr, " (merged from %d files)\n", cli->nfiles);
		ret = dumps_failed || others_failed ? 11 : 0;
	}
	for (int f = 0; f < cli->nfiles; f++)
		if (in[f])
			fclose(in[f]);
	for (size_t i = 0; i < nrows; i++)
		free(rows[i].path);
	free(rows);
	free(in);
	po_summary_free(sum);
	return ret;
}
