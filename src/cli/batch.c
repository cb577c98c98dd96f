/*
 * `pageowner batch`: one report over many dumps, for CI systems.
 *
 * The parent only looks at file types and magic numbers.  Everything that
 * parses a file runs in a child process with a time limit: indexing each
 * vmlinux found in the arguments and under --debug-dir (build id, banner),
 * and for each dump finding its debug info (the library's search,
 * po_program_find_debuginfo(), with those files as its candidates) and
 * running the report.  A damaged file, or a bug it triggers,
 * ends one child, never the batch.  Each dump's result (its status, exit
 * code or signal, its messages and its report) is written as soon as it is
 * known; a child's report goes to an unlinked temporary file and is copied
 * from there in blocks, never held in memory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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
	RES_MEMORY,   /* it ran out of its --max-memory */
};

static const char *const status_names[] = { "ok", "error", "timeout", "killed", "skipped",
					    "memory" };

struct child;

struct input {
	char *path;
	const char *rel;         /* below the argument it was found under */
	bool is_dump;            /* else: a result known without running */
	enum result_status status;
	int exit_code;
	char *message;
	struct child *done;      /* --ordered: its finished child, not printed yet */
};

struct vmlinux_ent { char *path; struct po_vmlinux_id id; };

struct batch {
	struct po_cli *cli;
	const char *report;
	struct input *inputs;
	size_t nr_inputs;
	char **vml_paths;
	bool *vml_in_debug_dir;  /* found under --debug-dir, else in the arguments */
	size_t nr_vml_paths;
	struct vmlinux_ent *vmls;
	struct po_debug_candidate *cands; /* the vmls, for the search */
	size_t nr_vmls;
	unsigned timeout;
	unsigned jobs;           /* dumps at a time */
	bool ordered;            /* results in input order */
	uint64_t max_memory;     /* RLIMIT_AS of each child, 0: none */
	uint64_t shard_k, shard_n;
	struct po_summary *summary;
	const char *root;        /* the argument being scanned */
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
	/* what --shard hashes: the path below the argument (a named file: its
	 * own name), the same on every machine whatever the archive's mount */
	size_t rl = b->root ? strlen(b->root) : 0;
	if (rl && !strncmp(in->path, b->root, rl) && in->path[rl] == '/')
		in->rel = in->path + rl + 1;
	else
		in->rel = strrchr(in->path, '/') ? strrchr(in->path, '/') + 1 : in->path;
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

static int add_vml(struct batch *b, const char *path, bool in_debug_dir)
{
	char **p = reallocarray(b->vml_paths, b->nr_vml_paths + 1, sizeof(*p));
	bool *d;
	if (!p)
		return -1;
	b->vml_paths = p;
	if (!(d = reallocarray(b->vml_in_debug_dir, b->nr_vml_paths + 1, sizeof(*d))))
		return -1;
	b->vml_in_debug_dir = d;
	d[b->nr_vml_paths] = in_debug_dir;
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
			add_vml(b, path, true);
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
			/* kexec-tools writes vmcore-incomplete (in a directory
			 * named ...-incomplete until it is done) */
			size_t dl = strlen(de->d_name);
			if (dl >= 11 && !strcmp(de->d_name + dl - 11, "-incomplete")) {
				char *ip;
				if (asprintf(&ip, "%s/%s", path, de->d_name) >= 0) {
					add_failure(b, ip, RES_SKIPPED, 0,
						    "an incomplete dump (kdump did not finish writing it)");
					free(ip);
				}
				continue;
			}
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
		add_vml(b, path, debug_only);
		if (named)
			add_failure(b, path, RES_SKIPPED, 0, "a vmlinux (used as debug info)");
	} else if (named) {
		add_failure(b, path, RES_ERROR, 4,
			    "pageowner: %s: not a kernel dump (neither an ELF core file nor kdump-compressed)",
			    path);
	} else {
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		add_failure(b, path, RES_SKIPPED, 0, !strncmp(base, "dmesg.", 6) ||
			    !strcmp(base, "vmcore-dmesg.txt") ?
			    "not a dump (a kernel log kdump saved: read with the dump beside it)" :
			    "not a dump");
	}
	return 0;
}

/* ---- child processes ---- */

struct child {
	pid_t pid;
	FILE *out, *err;
	FILE *sum;               /* --summary: top's JSON when the report is not */
	struct timespec start;
	struct input *in;
	bool timed_out;
	enum result_status st;
	int code;
};

static double elapsed(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Start fn(arg, out) in a child whose stdout is `out` and stderr `err`. */
static int index_one(struct batch *b, void *arg, struct child *c);

static int start_child(struct child *c, int (*fn)(struct batch *, void *, struct child *),
		       struct batch *b, void *arg)
{
	memset(c, 0, sizeof(*c));
	c->out = tmpfile();
	c->err = tmpfile();
	if (b->summary && fn != index_one)
		c->sum = tmpfile();
	if (!c->out || !c->err || (b->summary && fn != index_one && !c->sum)) {
		if (c->out)
			fclose(c->out);
		if (c->err)
			fclose(c->err);
		if (c->sum)
			fclose(c->sum);
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
		if (b->max_memory) {
			/* the hard limit leaves room for run_dump's check */
			struct rlimit rl = { b->max_memory, RLIM_INFINITY };
			setrlimit(RLIMIT_AS, &rl);
		}
		dup2(fileno(c->err), 2);
		setvbuf(stderr, NULL, _IONBF, 0);
		int rc = fn(b, arg, c);
		fflush(c->out);
		_exit(rc);
	}
	return 0;
}

/* Has the child ended?  Kills it at the time limit; sets c->st and
 * c->code when it has. */
static bool poll_child(struct batch *b, struct child *c)
{
	int status = 0;
	pid_t r = waitpid(c->pid, &status, WNOHANG);

	if (r == 0) {
		if (!c->timed_out && b->timeout && elapsed(&c->start) >= b->timeout) {
			kill(c->pid, SIGKILL);
			c->timed_out = true;
		}
		return false;
	}
	if (r < 0 && errno == EINTR)
		return false;
	if (r < 0)
		status = 0;
	if (c->timed_out) {
		c->st = RES_TIMEOUT;
		c->code = 124;
	} else if (WIFSIGNALED(status)) {
		c->st = RES_KILLED;
		c->code = 128 + WTERMSIG(status);
	} else {
		c->code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
		c->st = c->code == 0 ? RES_OK : RES_ERROR;
	}
	return true;
}

static void nap(long *ns)
{
	struct timespec ts = { 0, *ns };
	nanosleep(&ts, NULL);
	if (*ns < 50000000)
		*ns *= 2;
}

/* Wait for the child, killing it at the time limit. */
static void wait_child(struct batch *b, struct child *c, enum result_status *st,
		       int *code)
{
	long ns = 1000000; /* 1 ms, growing to 50 ms */

	while (!poll_child(b, c))
		nap(&ns);
	*st = c->st;
	*code = c->code;
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

static int index_one(struct batch *b, void *arg, struct child *c)
{
	FILE *out = c->out;
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
	b->cands = calloc(b->nr_vml_paths ? b->nr_vml_paths : 1, sizeof(*b->cands));
	if (!b->vmls || !b->cands)
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
			struct vmlinux_ent *v = &b->vmls[b->nr_vmls];
			char *tab = strchr(line, '\t');
			line[strcspn(line, "\n")] = '\0';
			if (tab)
				*tab = '\0';
			if (!(v->path = strdup(b->vml_paths[i])))
				continue;
			snprintf(v->id.build_id, sizeof(v->id.build_id), "%.128s", line);
			snprintf(v->id.banner, sizeof(v->id.banner), "%.255s", tab ? tab + 1 : "");
			b->cands[b->nr_vmls].path = v->path;
			b->cands[b->nr_vmls].how = b->vml_in_debug_dir[i] ?
				"batch: found under --debug-dir" : "batch: found in its arguments";
			b->cands[b->nr_vmls].id = &v->id;
			b->nr_vmls++;
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

#define MEMORY_MARK "over the memory limit: with a larger one it ran differently"

/*
 * Did the limit make the report fail?  Run it again under a larger one
 * (8 x --max-memory, at least 2 GiB), its output and messages discarded
 * (the time limit still runs): a different end
 * means memory was the cause.  A failure that does not depend on memory
 * (a damaged dump, a missing vmlinux) ends the same way and is reported as
 * itself.
 */
static bool over_memory_limit(struct po_cli *c, struct batch *b, int rc)
{
	struct rlimit rl;
	struct po_cli t = *c;
	int saved = dup(2), null = open("/dev/null", O_WRONLY);
	bool differs;

	if (saved < 0 || null < 0 || getrlimit(RLIMIT_AS, &rl) < 0) {
		if (saved >= 0)
			close(saved);
		if (null >= 0)
			close(null);
		return false;
	}
	rl.rlim_cur = 8 * b->max_memory > (2ULL << 30) ? 8 * b->max_memory : (2ULL << 30);
	setrlimit(RLIMIT_AS, &rl);
	if (ftruncate(fileno(c->out), 0) == 0)
		rewind(c->out);
	fflush(stderr);
	dup2(null, 2);
	t.prog = NULL;
	t.say_vmlinux = false;
	differs = po_cli_report(&t, po_report_lookup(b->report)) != rc;
	po_program_destroy(t.prog);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(null);
	fflush(c->out);
	if (ftruncate(fileno(c->out), 0) == 0)
		rewind(c->out);
	return differs;
}

/* The kernel log kdump saved beside a dump: kdump-tools' dmesg.DATE next to
 * dump.DATE, kexec-tools' vmcore-dmesg.txt next to vmcore.  NULL if none. */
static char *saved_dmesg(const char *dump)
{
	const char *slash = strrchr(dump, '/'), *base = slash ? slash + 1 : dump;
	int dl = slash ? (int)(slash - dump) : 1;
	const char *dir = slash ? dump : ".";
	char *p = NULL;
	struct stat st;

	if (!strncmp(base, "dump.", 5) && base[5]) {
		if (asprintf(&p, "%.*s/dmesg.%s", dl, dir, base + 5) < 0)
			return NULL;
	} else if (!strncmp(base, "vmcore", 6)) {
		if (asprintf(&p, "%.*s/vmcore-dmesg.txt", dl, dir) < 0)
			return NULL;
	} else {
		return NULL;
	}
	if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
		return p;
	free(p);
	return NULL;
}

static int run_dump(struct batch *b, void *arg, struct child *ch)
{
	FILE *out = ch->out;
	const char *dump = arg;
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
	/* the library's search finds the debug info (--vmlinux, else the
	 * debug dirs, the files this batch found, the system's places,
	 * debuginfod); po_cli_open() says "vmlinux: PATH" on stderr first */
	c = *b->cli;
	char *files[1] = { (char *)dump };
	c.files = files;
	c.nfiles = 1;
	c.candidates = b->cands;
	c.nr_candidates = b->nr_vmls;
	c.say_vmlinux = !c.dump.btf;
	c.output = NULL;
	memset(&c.outf, 0, sizeof(c.outf));
	c.out = out;
	c.prog = NULL;
	if (!c.dump.threads)
		c.dump.threads = 1; /* the other dumps use the other CPUs */
	/* the child exits soon: the string lives until then */
	char *dmesg = c.opts.dmesg ? NULL : saved_dmesg(dump);
	if (dmesg && !strcmp(b->report, "top"))
		c.opts.dmesg = dmesg;
	int rc = po_cli_report(&c, po_report_lookup(b->report));
	fflush(out);
	po_program_destroy(c.prog);
	if (rc && b->max_memory && over_memory_limit(&c, b, rc)) {
		fprintf(stderr, "pageowner: batch: %s\n", MEMORY_MARK);
		free(dmesg);
		return 1;
	}
	/* --summary reads top's JSON: a second run when the report is not it */
	if (rc == 0 && ch->sum && !(c.opts.json && !strcmp(b->report, "top"))) {
		struct po_cli t = c;
		t.prog = NULL;
		t.say_vmlinux = false;
		t.out = ch->sum;
		po_report_opts_init(&t.opts);
		t.opts.json = true;
		t.opts.dmesg = c.opts.dmesg ? c.opts.dmesg : dmesg;
		po_cli_report(&t, po_report_lookup("top"));
		fflush(ch->sum);
		po_program_destroy(t.prog);
	}
	free(dmesg);
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
	else if (st == RES_MEMORY)
		snprintf(why, sizeof(why), "over its memory limit of %llu MiB",
			 (unsigned long long)(b->max_memory >> 20));
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
		fprintf(out, ",\"input\":\"%s\",\"status\":\"%s\",\"exit_code\":",
			is_dump ? "dump" : "file", status_names[st]);
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

/* A whole file into memory (a top report: small); NULL if unreadable. */
static char *slurp(FILE *f, size_t *len)
{
	long size;
	char *buf;

	fflush(f);
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || size > (64L << 20))
		return NULL;
	rewind(f);
	buf = malloc((size_t)size + 1);
	if (!buf)
		return NULL;
	*len = fread(buf, 1, (size_t)size, f);
	buf[*len] = '\0';
	return buf;
}

/* --summary: the dump's signature from top's JSON (or its failure). */
static void summarize(struct batch *b, struct child *c, enum result_status st, int code,
		      const char *msg)
{
	struct po_jv *top = NULL;
	FILE *src = c->sum ? c->sum : c->out;
	size_t len = 0;
	char *text = NULL;

	if (st == RES_OK && c->sum) {
		/* the report was not top's JSON: the child's second run */
		fflush(c->sum);
		if (ftell(c->sum) == 0)
			src = c->out;
	}
	if (st == RES_OK && (text = slurp(src, &len)))
		top = po_jv_parse(text, len);
	if (top && top->type == PO_JV_OBJECT && po_jv_get(top, "stacks"))
		po_summary_add(b->summary, c->in->path, status_names[st], code, msg, top);
	else
		po_summary_add(b->summary, c->in->path, st == RES_OK ? "error" : status_names[st],
			       code, st == RES_OK ? "no top report to sign" : msg, NULL);
	po_jv_free(top);
	free(text);
}

/* A finished child: its result printed, its files closed. */
static void finish_child(struct batch *b, struct child *c)
{
	enum result_status st = c->st;
	char line[4200], *vml = NULL;
	long skip = 0;

	/* the first line the child wrote names the vmlinux it took */
	fflush(c->err);
	rewind(c->err);
	if (fgets(line, sizeof(line), c->err) && !strncmp(line, "vmlinux: ", 9)) {
		line[strcspn(line, "\n")] = '\0';
		vml = strdup(line + 9);
		skip = ftell(c->err);
	}
	char *msg = child_messages(c->err, skip);
	if (b->max_memory && st != RES_OK && st != RES_TIMEOUT && msg &&
	    (strstr(msg, MEMORY_MARK) || strcasestr(msg, "out of memory")))
		st = RES_MEMORY;
	if (b->summary)
		summarize(b, c, st, c->code, msg);
	print_result(b, c->in->path, vml, st, c->code, msg, c->out, true);
	free(vml);
	free(msg);
	fclose(c->out);
	fclose(c->err);
	if (c->sum)
		fclose(c->sum);
}

static void print_known(struct batch *b, struct input *in, bool is_dump)
{
	if (is_dump && b->summary)
		po_summary_add(b->summary, in->path, status_names[in->status], in->exit_code,
			       in->message, NULL);
	print_result(b, in->path, NULL, in->status, in->exit_code, in->message, NULL, is_dump);
}

/*
 * Every input, b->jobs dumps at a time, each in its own child.  Results are
 * printed as each child ends, or with --ordered in input order (finished
 * children wait in their temporary files, never in memory, and no more than
 * 4 x jobs of them: then no new child starts until the oldest is printed).
 */
static void run_all(struct batch *b)
{
	struct child *run = calloc(b->jobs, sizeof(*run));
	size_t next = 0, printed = 0, running = 0, held = 0;
	long ns = 1000000;

	if (!run) {
		fprintf(stderr, "pageowner: batch: out of memory\n");
		return;
	}
	for (;;) {
		bool moved = false;

		while (b->ordered && printed < next) {
			struct input *in = &b->inputs[printed];
			if (in->done) {
				finish_child(b, in->done);
				free(in->done);
				in->done = NULL;
				held--;
			} else if (!in->is_dump || in->status != RES_OK) {
				print_known(b, in, in->is_dump);
			} else {
				break;
			}
			printed++;
			moved = true;
		}
		if (next >= b->nr_inputs && !running && (!b->ordered || printed >= b->nr_inputs))
			break;
		while (running < b->jobs && next < b->nr_inputs &&
		       (!b->ordered || held + running < 4 * (size_t)b->jobs)) {
			struct input *in = &b->inputs[next++];
			moved = true;
			if (!in->is_dump) {
				if (!b->ordered)
					print_known(b, in, false);
				continue;
			}
			struct child *c = run;
			while (c->pid)
				c++;
			if (start_child(c, run_dump, b, in->path) < 0) {
				char m[160];
				snprintf(m, sizeof(m), "pageowner: cannot start a process for it: %s",
					 strerror(errno));
				in->status = RES_ERROR;
				in->exit_code = 1;
				free(in->message);
				in->message = strdup(m);
				c->pid = 0;
				if (!b->ordered)
					print_known(b, in, true);
				continue;
			}
			c->in = in;
			running++;
		}
		for (unsigned i = 0; i < b->jobs; i++) {
			struct child *c = &run[i];
			if (!c->pid || !poll_child(b, c))
				continue;
			running--;
			moved = true;
			if (b->ordered) {
				c->in->done = malloc(sizeof(*c));
				if (c->in->done) {
					*c->in->done = *c;
					held++;
				} else {
					finish_child(b, c); /* out of order, but printed */
				}
			} else {
				finish_child(b, c);
			}
			c->pid = 0;
		}
		if (moved)
			ns = 1000000;
		else
			nap(&ns);
	}
	free(run);
}

static const char batch_help[] =
"Usage: pageowner batch [--report NAME] [--json] [--vmlinux FILE | --debug-dir DIR... | --btf]\n"
"                       [--no-default-dirs] [--no-debuginfod] [-j N] [--ordered]\n"
"                       [--timeout SECONDS] [--max-memory SIZE] [--shard K/N]\n"
"                       [--summary] [-o FILE] DUMP|DIR...\n"
"       pageowner batch --merge [--summary] [-o FILE] SHARD.jsonl...\n"
"Runs one report (info, top, stacks, pages, memcg; default top) over every\n"
"dump found in the arguments (directories are searched recursively; files\n"
"are recognised by content, also compressed whole: vmcore.zst, .gz, .xz;\n"
"kdump-tools' and kexec-tools' /var/crash layouts are found as they are,\n"
"*-incomplete files skipped).  Each dump's vmlinux is --vmlinux, or the one\n"
"the search of pageowner(1) finds (Finding debug info), where any vmlinux\n"
"under a --debug-dir or in the arguments counts after the debug dirs' own\n"
"layout: the first whose build id (else release) matches; with --btf,\n"
"none: each dump's own BTF and kallsyms (\"vmlinux\": null).\n"
"Every dump runs in its own process with a time limit (--timeout, else\n"
"PAGEOWNER_BATCH_TIMEOUT seconds, default 600) and, with --max-memory SIZE\n"
"(bytes, or K/M/G suffixes), an address-space limit: one bad dump never stops\n"
"the batch.  -j N runs N dumps at a time (default: the CPUs available; each\n"
"with --threads 1 unless --threads is given); results are written as each\n"
"dump ends, or in input order with --ordered.\n"
"--shard K/N takes the K-th of N parts of the inputs (K from 1), chosen by a\n"
"hash of each path below its argument: the same on every machine, so a CI\n"
"matrix, a Kubernetes Indexed Job or a Slurm array runs the shards; --merge\n"
"joins their --json outputs into one, in path order.  --summary groups the\n"
"dumps by signature (the panic reason and the greatest consumer's stack\n"
"below the page allocator; failures by status) and prints the groups last.\n"
"Every file is reported: dumps with their result, other files as\n"
"skipped, FIFOs, devices and missing paths as failures.\n"
"Exit status: 0 if every dump succeeded, 11 if any input failed, 2 usage.\n";

/* SIZE: bytes, or with a K, M, G or T suffix (powers of 1024). */
static bool parse_size(const char *s, uint64_t *v)
{
	char num[32];
	size_t l = strlen(s);
	unsigned shift = 0;

	if (!l || l >= sizeof(num))
		return false;
	memcpy(num, s, l + 1);
	switch (num[l - 1]) {
	case 'K': case 'k': shift = 10; break;
	case 'M': case 'm': shift = 20; break;
	case 'G': case 'g': shift = 30; break;
	case 'T': case 't': shift = 40; break;
	}
	if (shift)
		num[l - 1] = '\0';
	if (!po_parse_u64(num, v) || *v == 0 || *v > (UINT64_MAX >> shift))
		return false;
	*v <<= shift;
	return *v >= (16u << 20);
}

/* FNV-1a, 64-bit: stable across machines and releases. */
static uint64_t path_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}

/* Keep the inputs of shard K of N. */
static void keep_shard(struct batch *b)
{
	size_t o = 0;
	for (size_t i = 0; i < b->nr_inputs; i++) {
		struct input *in = &b->inputs[i];
		if (path_hash(in->rel) % b->shard_n == b->shard_k - 1) {
			b->inputs[o++] = *in;
		} else {
			free(in->path);
			free(in->message);
		}
	}
	b->nr_inputs = o;
}

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
	if (cli->merge)
		return po_cmd_batch_merge(cli);
	b.jobs = po_cpus_available();
	if (cli->jobs) {
		uint64_t v;
		if (!po_parse_u64(cli->jobs, &v) || v == 0 || v > 1024) {
			fprintf(stderr, "pageowner: batch: -j: '%s' is not a number of jobs in [1, 1024]\n",
				cli->jobs);
			return 2;
		}
		b.jobs = (unsigned)v;
	}
	b.ordered = cli->ordered;
	if (cli->max_memory && !parse_size(cli->max_memory, &b.max_memory)) {
		fprintf(stderr, "pageowner: batch: --max-memory: '%s' is not a size of at least 16M (bytes, or K, M, G, T)\n",
			cli->max_memory);
		return 2;
	}
	if (cli->shard) {
		char *slash;
		uint64_t k = 0, n = 0;
		char buf[64];
		snprintf(buf, sizeof(buf), "%s", cli->shard);
		slash = strchr(buf, '/');
		if (slash)
			*slash = '\0';
		if (!slash || !po_parse_u64(buf, &k) || !po_parse_u64(slash + 1, &n) || n == 0 ||
		    n > 1000000 || k == 0 || k > n) {
			fprintf(stderr, "pageowner: batch: --shard: '%s' is not K/N with 1 <= K <= N <= 1000000\n",
				cli->shard);
			return 2;
		}
		b.shard_k = k;
		b.shard_n = n;
	}
	if (cli->summary && !(b.summary = po_summary_new())) {
		fprintf(stderr, "pageowner: batch: out of memory\n");
		return 1;
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
	for (int i = 0; i < cli->nfiles; i++) {
		b.root = cli->files[i];
		scan(&b, cli->files[i], 0, true, false);
	}
	b.root = NULL;
	for (int i = 0; i < cli->dump.nr_debug_dirs; i++)
		scan(&b, cli->dump.debug_dirs[i], 0, false, true);
	if (b.shard_n)
		keep_shard(&b);
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
	run_all(&b);
	char summary[256];
	int sl = snprintf(summary, sizeof(summary), "%zu dumps: %zu ok, %zu failed",
			  b.dumps_ok + b.dumps_failed, b.dumps_ok, b.dumps_failed);
	if (b.others_failed && sl > 0 && (size_t)sl < sizeof(summary))
		sl += snprintf(summary + sl, sizeof(summary) - (size_t)sl,
			       "; other inputs failed: %zu", b.others_failed);
	if (b.skipped && sl > 0 && (size_t)sl < sizeof(summary))
		snprintf(summary + sl, sizeof(summary) - (size_t)sl, "; skipped (not dumps): %zu",
			 b.skipped);
	if (b.shard_n && sl > 0 && (size_t)sl < sizeof(summary))
		snprintf(summary + strlen(summary), sizeof(summary) - strlen(summary),
			 " (shard %llu/%llu)", (unsigned long long)b.shard_k,
			 (unsigned long long)b.shard_n);
	if (b.summary) {
		if (!cli->opts.json)
			fputc('\n', cli->out);
		po_summary_print(b.summary, cli->out, cli->opts.json);
	}
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
	free(b.vml_in_debug_dir);
	for (size_t i = 0; i < b.nr_vmls; i++)
		free(b.vmls[i].path);
	free(b.vmls);
	po_summary_free(b.summary);
	free(b.cands);
	return ret;
}
