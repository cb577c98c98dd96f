/*
 * `pageowner batch`: one report over many dumps, for CI systems.
 *
 * The parent only looks at file types and magic numbers.  Everything that
 * parses a file runs in a child process with a time limit: indexing each
 * candidate vmlinux (build id, banner), and for each dump finding its
 * vmlinux and running the report.  A damaged file, or a bug it triggers,
 * ends one child, never the batch.  Each dump's result (its status, exit
 * code or signal, its messages and its report) is written as soon as it is
 * known; a child's report goes to an unlinked temporary file and is copied
 * from there in blocks, never held in memory.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

/* What happened to one input. */
enum result_status {
	RES_OK,       /* the report ran, exit status 0 */
	RES_ERROR,    /* it exited with another status */
	RES_TIMEOUT,  /* killed at its time limit */
	RES_KILLED,   /* ended by a signal */
	RES_SKIPPED,  /* a file found in a directory that is not a dump */
};

static const char *const status_names[] = { "ok", "error", "timeout", "killed", "skipped" };

struct input {
	char *path;
	bool is_dump;            /* else: a result known without running */
	enum result_status status;
	int exit_code;
	char *message;
};

struct vmlinux_ent { char *path; struct po_vmlinux_id id; };

struct batch {
	struct po_cli *cli;
	const char *report;
	struct input *inputs;
	size_t nr_inputs;
	char **vml_paths;
	size_t nr_vml_paths;
	struct vmlinux_ent *vmls;
	size_t nr_vmls;
	unsigned timeout;
	size_t dumps_ok, dumps_failed, others_failed, skipped;
};

static struct input *add_input(struct batch *b, const char *path, bool is_dump)
{
	struct input *in = reallocarray(b->inputs, b->nr_inputs + 1, sizeof(*in));
	if (!in)
		return NULL;
	b->inputs = in;
	in += b->nr_inputs;
	memset(in, 0, sizeof(*in));
	in->path = strdup(path);
	if (!in->path)
		return NULL;
	in->is_dump = is_dump;
	b->nr_inputs++;
	return in;
}

static bool add_failure(struct batch *b, const char *path, enum result_status st,
			int code, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static bool add_failure(struct batch *b, const char *path, enum result_status st,
			int code, const char *fmt, ...)
{
	struct input *in = add_input(b, path, false);
	va_list ap;

	if (!in)
		return false;
	in->status = st;
	in->exit_code = code;
	va_start(ap, fmt);
	if (vasprintf(&in->message, fmt, ap) < 0)
		in->message = NULL;
	va_end(ap);
	return true;
}

static int add_vml(struct batch *b, const char *path)
{
	char **p = reallocarray(b->vml_paths, b->nr_vml_paths + 1, sizeof(*p));
	if (!p)
		return -1;
	b->vml_paths = p;
	if (!(p[b->nr_vml_paths] = strdup(path)))
		return -1;
	b->nr_vml_paths++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Collect dumps and vmlinux files under a path, by type and magic only.  A
 * named file that is not a dump, and anything that is not a regular file,
 * is a failure of its own; other files found in directories are listed as
 * skipped.  Returns the number of dumps found.
 */
static size_t scan(struct batch *b, const char *path, int depth, bool named,
		   bool debug_only)
{
	struct stat st;
	size_t found = 0;

	if (debug_only && stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
		if (S_ISREG(st.st_mode) && po_file_is_elf_vmlinux(path))
			add_vml(b, path);
		return 0;
	}
	if (stat(path, &st) < 0) {
		add_failure(b, path, RES_ERROR, 3, "pageowner: %s: %s", path, strerror(errno));
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		DIR *d;
		struct dirent *de;
		char **names = NULL;
		size_t n = 0;

		if (depth > 16) {
			add_failure(b, path, RES_ERROR, 3,
				    "pageowner: %s: more than 16 directories deep (a symbolic link loop?)",
				    path);
			return 0;
		}
		if (!(d = opendir(path))) {
			add_failure(b, path, RES_ERROR, 3, "pageowner: %s: %s", path, strerror(errno));
			return 0;
		}
		while ((de = readdir(d))) {
			char *p, **nn;
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
			    de->d_name[0] == '.')
				continue;
			if (asprintf(&p, "%s/%s", path, de->d_name) < 0)
				continue;
			if (!(nn = reallocarray(names, n + 1, sizeof(*nn)))) {
				free(p);
				continue;
			}
			names = nn;
			names[n++] = p;
		}
		closedir(d);
		if (n > 1)
			qsort(names, n, sizeof(*names), cmp_str);
		for (size_t i = 0; i < n; i++) {
			found += scan(b, names[i], depth + 1, false, debug_only);
			free(names[i]);
		}
		free(names);
		if (named && !found && !debug_only)
			add_failure(b, path, RES_ERROR, 4, "pageowner: %s: no dump found in this directory",
				    path);
		return found;
	}
	struct po_error *err = po_file_check(path);
	if (err) {
		add_failure(b, path, RES_ERROR, 3, "pageowner: %s", err->message);
		po_error_destroy(err);
		return 0;
	}
	if (po_file_is_dump(path)) {
		add_input(b, path, true);
		return 1;
	}
	if (po_file_is_elf_vmlinux(path)) {
		add_vml(b, path);
		if (named)
			add_failure(b, path, RES_SKIPPED, 0, "a vmlinux (used as debug info)");
	} else if (named) {
		add_failure(b, path, RES_ERROR, 4,
			    "pageowner: %s: not a kernel dump (neither an ELF core file nor kdump-compressed)",
			    path);
	} else {
		add_failure(b, path, RES_SKIPPED, 0, "not a dump");
	}
	return 0;
}

/* ---- child processes ---- */

struct child {
	pid_t pid;
	FILE *out, *err;
	struct timespec start;
};

static double elapsed(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Start fn(arg, out) in a child whose stdout is `out` and stderr `err`. */
static int start_child(struct child *c, int (*fn)(struct batch *, void *, FILE *),
		       struct batch *b, void *arg)
{
	memset(c, 0, sizeof(*c));
	c->out = tmpfile();
	c->err = tmpfile();
	if (!c->out || !c->err) {
		if (c->out)
			fclose(c->out);
		if (c->err)
			fclose(c->err);
		return -1;
	}
	fflush(NULL);
	clock_gettime(CLOCK_MONOTONIC, &c->start);
	c->pid = fork();
	if (c->pid < 0) {
		fclose(c->out);
		fclose(c->err);
		return -1;
	}
	if (c->pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		dup2(fileno(c->err), 2);
		setvbuf(stderr, NULL, _IONBF, 0);
		int rc = fn(b, arg, c->out);
		fflush(c->out);
		_exit(rc);
	}
	return 0;
}

/* Wait for the child, killing it at the time limit; its result. */
static void wait_child(struct batch *b, struct child *c, enum result_status *st,
		       int *code)
{
	int status = 0;
	bool timed_out = false;
	long nap = 1000000; /* 1 ms, growing to 50 ms */

	for (;;) {
		pid_t r = waitpid(c->pid, &status, WNOHANG);
		if (r == c->pid)
			break;
		if (r < 0 && errno != EINTR) {
			status = 0;
			break;
		}
		if (!timed_out && b->timeout && elapsed(&c->start) >= b->timeout) {
			kill(c->pid, SIGKILL);
			timed_out = true;
		}
		struct timespec ts = { 0, nap };
		nanosleep(&ts, NULL);
		if (nap < 50000000)
			nap *= 2;
	}
	if (timed_out) {
		*st = RES_TIMEOUT;
		*code = 124;
	} else if (WIFSIGNALED(status)) {
		*st = RES_KILLED;
		*code = 128 + WTERMSIG(status);
	} else {
		*code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
		*st = *code == 0 ? RES_OK : RES_ERROR;
	}
}

/* The last lines of what a child wrote on stderr after offset skip (at most
 * 4 KiB). */
static char *child_messages(FILE *f, long skip)
{
	long size, from;
	char *buf;
	size_t n;

	fflush(f);
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || size < skip)
		return strdup("");
	from = size - skip > 4096 ? size - 4096 : skip;
	buf = malloc((size_t)(size - from) + 1);
	if (!buf)
		return NULL;
	fseek(f, from, SEEK_SET);
	n = fread(buf, 1, (size_t)(size - from), f);
	buf[n] = '\0';
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (from > skip) {
		char *nl = strchr(buf, '\n');
		if (nl)
			memmove(buf, nl + 1, strlen(nl + 1) + 1);
	}
	return buf;
}

/* ---- vmlinux index (each file parsed in a child) ---- */

static int index_one(struct batch *b, void *arg, FILE *out)
{
	struct po_vmlinux_id id;
	struct po_error *err = po_vmlinux_identify(arg, &id);
	if (err)
		return po_cli_fail(err);
	/* one line: build id, tab, banner's first line */
	fprintf(out, "%s\t%s\n", id.build_id, id.banner);
	return 0;
}

static void index_vmlinux(struct batch *b)
{
	b->vmls = calloc(b->nr_vml_paths ? b->nr_vml_paths : 1, sizeof(*b->vmls));
	if (!b->vmls)
		return;
	for (size_t i = 0; i < b->nr_vml_paths; i++) {
		struct child c;
		enum result_status st;
		int code;
		char line[512];

		if (start_child(&c, index_one, b, b->vml_paths[i]) < 0)
			continue;
		wait_child(b, &c, &st, &code);
		rewind(c.out);
		if (st == RES_OK && fgets(line, sizeof(line), c.out)) {
			struct vmlinux_ent *v = &b->vmls[b->nr_vmls++];
			char *tab = strchr(line, '\t');
			line[strcspn(line, "\n")] = '\0';
			if (tab)
				*tab = '\0';
			v->path = strdup(b->vml_paths[i]);
			snprintf(v->id.build_id, sizeof(v->id.build_id), "%.128s", line);
			snprintf(v->id.banner, sizeof(v->id.banner), "%.255s", tab ? tab + 1 : "");
		} else {
			char *m = child_messages(c.err, 0);
			fprintf(stderr, "pageowner: batch: %s is not used as debug info: %s\n",
				b->vml_paths[i],
				st == RES_KILLED ? "reading it killed the reader" :
				st == RES_TIMEOUT ? "reading it timed out" : m && *m ? m : "unreadable");
			free(m);
		}
		fclose(c.out);
		fclose(c.err);
	}
}

/* ---- one dump ---- */

/* The vmlinux for a dump (in the child): --vmlinux, else by build id, else
 * by release and banner. */
static struct po_error *find_vmlinux(struct batch *b, const char *dump,
				     const char **found)
{
	struct po_program *prog;
	struct po_error *err;

	*found = NULL;
	if (b->cli->vmlinux) {
		*found = b->cli->vmlinux;
		return NULL;
	}
	if ((err = po_program_create(&prog)))
		return err;
	if ((err = po_program_open_dump(prog, dump))) {
		po_program_destroy(prog);
		return err;
	}
	const char *bid = po_program_build_id(prog), *rel = po_program_release(prog);
	for (size_t i = 0; i < b->nr_vmls && !*found; i++)
		if (po_program_vmlinux_matches(prog, &b->vmls[i].id))
			*found = b->vmls[i].path;
	if (!*found)
		err = po_error_create(PO_ERR_MISMATCH,
				      "no vmlinux found for %s (build id %s, release %s; give --vmlinux or --debug-dir)",
				      dump, bid ? bid : "none", rel[0] ? rel : "unknown");
	po_program_destroy(prog);
	return err;
}

static int run_dump(struct batch *b, void *arg, FILE *out)
{
	const char *dump = arg, *vml;
	struct po_error *err;
	struct po_cli c;
	const char *fault = getenv("PAGEOWNER_TEST_BATCH_FAULT");

	/* the test suite's way to make a child die or hang (tests/e2e/batch_hostile.sh) */
	if (fault && strstr(dump, "fault-")) {
		if (!strcmp(fault, "segv")) {
			signal(SIGSEGV, SIG_DFL); /* not the sanitizers' handler */
			raise(SIGSEGV);
		}
		if (!strcmp(fault, "hang"))
			for (;;)
				pause();
	}
	if (b->cli->btf) {
		vml = NULL; /* the dump's own BTF and kallsyms */
	} else {
		err = find_vmlinux(b, dump, &vml);
		if (err)
			return po_cli_fail(err);
		/* the vmlinux used, first on stdout's side channel: stderr */
		fprintf(stderr, "vmlinux: %s\n", vml);
	}
	c = *b->cli;
	char *files[2] = { (char *)dump, (char *)vml };
	c.files = files;
	c.nfiles = vml ? 2 : 1;
	c.vmlinux = NULL;
	c.output = NULL;
	memset(&c.outf, 0, sizeof(c.outf));
	c.out = out;
	c.prog = NULL;
	int rc = po_cli_report(&c, po_report_lookup(b->report));
	fflush(out);
	po_program_destroy(c.prog);
	return rc;
}

/* Copy a child's report to out in blocks; JSON Lines become an array. */
static void copy_report(FILE *from, FILE *out, bool json)
{
	char buf[65536];
	size_t n, lines = 0;
	bool pending_nl = false, any = false;

	rewind(from);
	if (!json) {
		while ((n = fread(buf, 1, sizeof(buf), from)) > 0)
			fwrite(buf, 1, n, out);
		return;
	}
	/* count the lines first: one object stays one object */
	while ((n = fread(buf, 1, sizeof(buf), from)) > 0)
		for (size_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	rewind(from);
	if (lines > 1)
		fputc('[', out);
	while ((n = fread(buf, 1, sizeof(buf), from)) > 0) {
		for (size_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				pending_nl = true;
				continue;
			}
			if (pending_nl && any)
				fputc(',', out);
			pending_nl = false;
			fputc(buf[i], out);
			any = true;
		}
	}
	if (!any)
		fputs("null", out);
	if (lines > 1)
		fputc(']', out);
}

static void print_result(struct batch *b, const char *path, const char *vml,
			 enum result_status st, int code, const char *msg,
			 FILE *report, bool is_dump)
{
	FILE *out = b->cli->out;
	char why[128] = "";

	if (st == RES_TIMEOUT)
		snprintf(why, sizeof(why), "timeout after %u s", b->timeout);
	else if (st == RES_KILLED)
		snprintf(why, sizeof(why), "killed by SIG%s", sigabbrev_np(code - 128) ?
			 sigabbrev_np(code - 128) : "?");
	if (b->cli->opts.json) {
		fputs("{\"dump\":", out);
		po_json_string(out, path);
		fputs(",\"vmlinux\":", out);
		if (vml)
			po_json_string(out, vml);
		else
			fputs("null", out);
		fprintf(out, ",\"status\":\"%s\",\"exit_code\":", status_names[st]);
		if (st == RES_SKIPPED)
			fputs("null", out);
		else
			fprintf(out, "%d", code);
		fputs(",\"signal\":", out);
		if (st == RES_KILLED && sigabbrev_np(code - 128)) {
			fputs("\"SIG", out);
			fputs(sigabbrev_np(code - 128), out);
			fputc('"', out);
		} else {
			fputs("null", out);
		}
		fputs(",\"messages\":", out);
		if (why[0] && msg && *msg) {
			char *m;
			if (asprintf(&m, "%s\n%s", why, msg) >= 0) {
				po_json_string(out, m);
				free(m);
			}
		} else {
			po_json_string(out, why[0] ? why : msg ? msg : "");
		}
		fputs(",\"report\":", out);
		if (report && st == RES_OK)
			copy_report(report, out, true);
		else
			fputs("null", out);
		fputs("}\n", out);
	} else {
		fprintf(out, "== %s (%s) ==\n", path, st == RES_OK ? "ok" : st == RES_SKIPPED ?
			"skipped" : "FAILED");
		if (report && st == RES_OK)
			copy_report(report, out, false);
		if (st == RES_SKIPPED)
			fprintf(out, "%s\n", msg ? msg : "");
		else if (st != RES_OK)
			fprintf(out, "%s%s%s\n", why[0] ? why : "", why[0] && msg && *msg ? ": " : "",
				why[0] && !(msg && *msg) ? "" : msg && *msg ? msg :
				"exit status without a message");
		if (st == RES_ERROR)
			fprintf(out, "exit status %d\n", code);
		fputc('\n', out);
	}
	fflush(out);
	if (st == RES_SKIPPED)
		b->skipped++;
	else if (!is_dump)
		b->others_failed++;
	else if (st == RES_OK)
		b->dumps_ok++;
	else
		b->dumps_failed++;
}

static void run_input(struct batch *b, struct input *in)
{
	struct child c;
	enum result_status st;
	int code;

	if (!in->is_dump) {
		print_result(b, in->path, NULL, in->status, in->exit_code, in->message, NULL, false);
		return;
	}
	if (start_child(&c, run_dump, b, in->path) < 0) {
		char m[160];
		snprintf(m, sizeof(m), "pageowner: cannot start a process for it: %s", strerror(errno));
		print_result(b, in->path, NULL, RES_ERROR, 1, m, NULL, true);
		return;
	}
	wait_child(b, &c, &st, &code);
	/* the first line the child wrote names the vmlinux it took */
	char line[4200], *vml = NULL;
	long skip = 0;
	fflush(c.err);
	rewind(c.err);
	if (fgets(line, sizeof(line), c.err) && !strncmp(line, "vmlinux: ", 9)) {
		line[strcspn(line, "\n")] = '\0';
		vml = strdup(line + 9);
		skip = ftell(c.err);
	}
	char *msg = child_messages(c.err, skip);
	print_result(b, in->path, vml, st, code, msg, c.out, true);
	free(vml);
	free(msg);
	fclose(c.out);
	fclose(c.err);
}

static const char batch_help[] =
"Usage: pageowner batch [--report NAME] [--json] [--vmlinux FILE | --debug-dir DIR | --btf]\n"
"                       [--timeout SECONDS] [-o FILE] DUMP|DIR...\n"
"Runs one report (info, top, stacks, pages, memcg; default top) over every\n"
"dump found in the arguments (directories are searched recursively; files\n"
"are recognised by content).  Each dump's vmlinux is --vmlinux, or the one\n"
"under --debug-dir or the arguments whose build id (else release) matches;\n"
"with --btf, none: each dump's own BTF and kallsyms (\"vmlinux\": null).\n"
"Every dump runs in its own process with a time limit (--timeout, else\n"
"PAGEOWNER_BATCH_TIMEOUT seconds, default 600): one bad dump never stops the\n"
"batch.  Every file is reported: dumps with their result, other files as\n"
"skipped, FIFOs, devices and missing paths as failures.\n"
"Exit status: 0 if every dump succeeded, 11 if any input failed, 2 usage.\n";

static bool parse_timeout(const char *s, unsigned *t)
{
	uint64_t v;
	if (!po_parse_u64(s, &v) || v == 0 || v > 86400 * 7)
		return false;
	*t = (unsigned)v;
	return true;
}

int po_cmd_batch(struct po_cli *cli)
{
	struct batch b = { .cli = cli };
	const char *t = getenv("PAGEOWNER_BATCH_TIMEOUT");
	struct po_error *err;
	int ret;

	b.report = cli->report ? cli->report : "top";
	if (cli->nfiles == 0) {
		fputs(batch_help, stderr);
		return 2;
	}
	if (!strcmp(b.report, "batch") || !strcmp(b.report, "page") || !strcmp(b.report, "sort")) {
		fprintf(stderr, "pageowner: batch: report '%s' cannot be batched (info, top, stacks, pages, memcg)\n",
			b.report);
		return 2;
	}
	b.timeout = 600;
	if (cli->timeout) {
		if (!parse_timeout(cli->timeout, &b.timeout)) {
			fprintf(stderr, "pageowner: batch: --timeout: '%s' is not a number of seconds in [1, 604800] (see pageowner batch --help)\n",
				cli->timeout);
			return 2;
		}
	} else if (t && !parse_timeout(t, &b.timeout)) {
		fprintf(stderr, "pageowner: batch: PAGEOWNER_BATCH_TIMEOUT='%s' is not a number of seconds in [1, 604800]\n",
			t);
		return 2;
	}
	if (cli->vmlinux) {
		struct stat st;
		if (stat(cli->vmlinux, &st) < 0 || !S_ISREG(st.st_mode)) {
			fprintf(stderr, "pageowner: batch: --vmlinux %s: %s\n", cli->vmlinux,
				stat(cli->vmlinux, &st) < 0 ? strerror(errno) : "not a regular file");
			return 3;
		}
	}
	for (int i = 0; i < cli->nfiles; i++)
		scan(&b, cli->files[i], 0, true, false);
	if (cli->debug_dir)
		scan(&b, cli->debug_dir, 0, false, true);
	/* the output is none of the files read */
	const char **inputs = calloc(b.nr_inputs + b.nr_vml_paths + 1, sizeof(*inputs));
	size_t ni = 0;
	for (size_t i = 0; inputs && i < b.nr_inputs; i++)
		inputs[ni++] = b.inputs[i].path;
	for (size_t i = 0; inputs && i < b.nr_vml_paths; i++)
		inputs[ni++] = b.vml_paths[i];
	if (cli->vmlinux && inputs)
		inputs[ni++] = cli->vmlinux;
	err = inputs ? po_cli_output_open(&cli->outf, cli->output, inputs, ni, &cli->out) :
		       &po_error_nomem;
	free(inputs);
	if (err) {
		ret = po_cli_fail(err);
		goto out;
	}
	if (!cli->vmlinux)
		index_vmlinux(&b);
	for (size_t i = 0; i < b.nr_inputs; i++)
		run_input(&b, &b.inputs[i]);
	char summary[256];
	int sl = snprintf(summary, sizeof(summary), "%zu dumps: %zu ok, %zu failed",
			  b.dumps_ok + b.dumps_failed, b.dumps_ok, b.dumps_failed);
	if (b.others_failed && sl > 0 && (size_t)sl < sizeof(summary))
		sl += snprintf(summary + sl, sizeof(summary) - (size_t)sl,
			       "; other inputs failed: %zu", b.others_failed);
	if (b.skipped && sl > 0 && (size_t)sl < sizeof(summary))
		snprintf(summary + sl, sizeof(summary) - (size_t)sl, "; skipped (not dumps): %zu",
			 b.skipped);
	if (!cli->opts.json)
		fprintf(cli->out, "%s\n", summary);
	else
		fprintf(stderr, "pageowner: batch: %s\n", summary);
	ret = b.dumps_failed || b.others_failed ? 11 : 0;
out:
	for (size_t i = 0; i < b.nr_inputs; i++) {
		free(b.inputs[i].path);
		free(b.inputs[i].message);
	}
	free(b.inputs);
	for (size_t i = 0; i < b.nr_vml_paths; i++)
		free(b.vml_paths[i]);
	free(b.vml_paths);
	for (size_t i = 0; i < b.nr_vmls; i++)
		free(b.vmls[i].path);
	free(b.vmls);
	return ret;
}
