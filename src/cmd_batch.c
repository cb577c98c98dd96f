/*
 * `pageowner batch`: one report over many dumps, for CI systems.  Each dump
 * runs in its own child process with a time limit, so a corrupt dump (or a
 * bug it triggers) never stops the batch; the result of every dump is
 * reported with its exit status, as text or as JSON Lines.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "internal.h"
#include "json.h"

struct vmlinux_ent { char *path; char build_id[130]; char *banner; };

struct batch {
	struct po_cli *cli;
	char **dumps;
	size_t nr_dumps;
	struct vmlinux_ent *vmls;
	size_t nr_vmls;
	unsigned timeout;
};

static int add_str(char ***arr, size_t *n, const char *s)
{
	char **p = po_xrealloc_array(*arr, *n + 1, sizeof(*p));
	if (!p)
		return -1;
	*arr = p;
	p[*n] = strdup(s);
	if (!p[*n])
		return -1;
	(*n)++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect dump files (by content) and vmlinux files under a path. */
static void scan(struct batch *b, const char *path, int depth, char ***vml_paths,
		 size_t *nr_vml)
{
	struct stat st;

	if (stat(path, &st) < 0 || depth > 16)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;
		char **names = NULL;
		size_t n = 0;
		if (!d)
			return;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			char *p;
			if (asprintf(&p, "%s/%s", path, de->d_name) < 0)
				continue;
			add_str(&names, &n, p);
			free(p);
		}
		closedir(d);
		po_qsort(names, n, sizeof(*names), cmp_str);
		for (size_t i = 0; i < n; i++) {
			scan(b, names[i], depth + 1, vml_paths, nr_vml);
			free(names[i]);
		}
		free(names);
		return;
	}
	if (!S_ISREG(st.st_mode))
		return;
	if (po_file_is_dump(path))
		add_str(&b->dumps, &b->nr_dumps, path);
	else if (po_file_is_elf_vmlinux(path))
		add_str(vml_paths, nr_vml, path);
}

static void index_vmlinux(struct batch *b, char **paths, size_t n)
{
	b->vmls = calloc(n ? n : 1, sizeof(*b->vmls));
	if (!b->vmls)
		return;
	for (size_t i = 0; i < n; i++) {
		struct po_symtab *st;
		struct po_error *err = po_symtab_load(paths[i], &st);
		if (err) {
			po_error_destroy(err);
			continue;
		}
		struct vmlinux_ent *v = &b->vmls[b->nr_vmls++];
		v->path = strdup(paths[i]);
		const char *bid = po_symtab_build_id(st);
		snprintf(v->build_id, sizeof(v->build_id), "%s", bid ? bid : "");
		v->banner = po_strdup(po_symtab_banner(st));
		po_symtab_destroy(st);
	}
}

/* The vmlinux for a dump: --vmlinux, else by build id, else by release.
 * A dump that cannot even be opened gets its own error in *errp. */
static const char *find_vmlinux(struct batch *b, const char *dump,
				struct po_error **errp)
{
	struct po_program *prog;
	const char *found = NULL;

	*errp = NULL;
	if (b->cli->vmlinux)
		return b->cli->vmlinux;
	if ((*errp = po_program_create(&prog)))
		return NULL;
	struct po_error *err = po_program_open_dump(prog, dump);
	if (err) {
		*errp = err;
		po_program_destroy(prog);
		return NULL;
	}
	for (size_t i = 0; i < b->nr_vmls && !found; i++)
		if (prog->build_id[0] && !strcmp(prog->build_id, b->vmls[i].build_id))
			found = b->vmls[i].path;
	for (size_t i = 0; i < b->nr_vmls && !found; i++) {
		char want[128];
		snprintf(want, sizeof(want), "Linux version %s ", prog->release);
		if (b->vmls[i].banner && prog->release[0] &&
		    !strncmp(b->vmls[i].banner, want, strlen(want)))
			found = b->vmls[i].path;
	}
	po_program_destroy(prog);
	return found;
}

static char *slurp(FILE *f)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	if (!buf)
		return NULL;
	rewind(f);
	for (;;) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
		if (cap - len < 2) {
			char *p = realloc(buf, cap * 2);
			if (!p)
				break;
			buf = p;
			cap *= 2;
		}
	}
	buf[len] = '\0';
	return buf;
}

static int run_one(struct batch *b, const char *report, const char *dump,
		   const char *vmlinux, FILE *out, FILE *err)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct po_cli c = *b->cli;
		char *files[2] = { (char *)dump, (char *)vmlinux };
		c.files = files;
		c.nfiles = 2;
		c.vmlinux = NULL;
		c.out = out;
		c.prog = NULL;
		dup2(fileno(err), 2);
		alarm(b->timeout);
		int rc = po_cli_run_command(report, &c);
		fflush(out);
		fflush(stderr);
		po_program_destroy(c.prog);
		_exit(rc);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

static const char batch_help[] =
"Usage: pageowner batch [--report NAME] [--json] [--vmlinux FILE | --debug-dir DIR]\n"
"                       [-o FILE] DUMP|DIR...\n"
"Runs one report (info, top, stacks, pages, memcg; default top) over every\n"
"dump found in the arguments (directories are searched recursively; files\n"
"are recognised by content).  Each dump's vmlinux is --vmlinux, or the one\n"
"under --debug-dir or the arguments whose build id (else release) matches.\n"
"Every dump runs in its own process with a time limit (PAGEOWNER_BATCH_TIMEOUT\n"
"seconds, default 600): one bad dump never stops the batch.\n"
"Exit status: 0 if every dump succeeded, 11 if any failed, 2 usage.\n";

int po_cmd_batch(struct po_cli *cli)
{
	struct batch b = { .cli = cli };
	char **vml_paths = NULL;
	size_t nr_vml = 0, ok = 0, failed = 0;
	const char *report = cli->report ? cli->report : "top";
	const char *t = getenv("PAGEOWNER_BATCH_TIMEOUT");

	if (cli->nfiles == 0) {
		fputs(batch_help, stderr);
		return 2;
	}
	if (!strcmp(report, "batch") || !strcmp(report, "page")) {
		fprintf(stderr, "pageowner: batch: report '%s' cannot be batched\n", report);
		return 2;
	}
	b.timeout = t ? (unsigned)strtoul(t, NULL, 10) : 600;
	for (int i = 0; i < cli->nfiles; i++)
		scan(&b, cli->files[i], 0, &vml_paths, &nr_vml);
	if (cli->debug_dir)
		scan(&b, cli->debug_dir, 0, &vml_paths, &nr_vml);
	index_vmlinux(&b, vml_paths, nr_vml);
	for (size_t i = 0; i < b.nr_dumps; i++) {
		const char *dump = b.dumps[i];
		struct po_error *open_err;
		const char *vml = find_vmlinux(&b, dump, &open_err);
		FILE *o = tmpfile(), *e = tmpfile();
		int rc;
		if (!o || !e) {
			fprintf(stderr, "pageowner: batch: cannot create temporary files: %s\n",
				strerror(errno));
			return 3;
		}
		if (open_err) {
			fprintf(e, "pageowner: %s\n", open_err->message);
			rc = po_exit_code(open_err);
			po_error_destroy(open_err);
		} else if (!vml) {
			fprintf(e, "pageowner: no vmlinux found for %s (give --vmlinux or --debug-dir)\n", dump);
			rc = 7;
		} else {
			rc = run_one(&b, report, dump, vml, o, e);
		}
		char *text = slurp(o), *msg = slurp(e);
		if (rc == 0)
			ok++;
		else
			failed++;
		if (msg) {
			size_t l = strlen(msg);
			while (l && msg[l - 1] == '\n')
				msg[--l] = '\0';
		}
		if (cli->opts.json) {
			fputs("{\"dump\":", cli->out);
			po_json_str(cli->out, dump);
			fputs(",\"vmlinux\":", cli->out);
			po_json_str_or_null(cli->out, vml);
			fprintf(cli->out, ",\"status\":\"%s\",\"exit_code\":%d,\"messages\":",
				rc == 0 ? "ok" : "error", rc);
			po_json_str(cli->out, msg ? msg : "");
			fputs(",\"report\":", cli->out);
			/* the child's JSON report; JSON Lines become an array */
			if (text && *text && rc == 0) {
				size_t l = strlen(text);
				while (l && text[l - 1] == '\n')
					text[--l] = '\0';
				if (strchr(text, '\n')) {
					fputc('[', cli->out);
					for (char *p = text; *p; p++)
						fputc(*p == '\n' ? ',' : *p, cli->out);
					fputc(']', cli->out);
				} else {
					fputs(text, cli->out);
				}
			} else {
				fputs("null", cli->out);
			}
			fputs("}\n", cli->out);
		} else {
			fprintf(cli->out, "== %s (%s) ==\n", dump, rc == 0 ? "ok" :
				"FAILED");
			if (text && *text)
				fputs(text, cli->out);
			if (rc)
				fprintf(cli->out, "exit status %d: %s\n", rc, msg && *msg ? msg : "(no message)");
			fputc('\n', cli->out);
		}
		fflush(cli->out);
		free(text);
		free(msg);
		fclose(o);
		fclose(e);
	}
	if (!cli->opts.json)
		fprintf(cli->out, "%zu dumps: %zu ok, %zu failed\n", b.nr_dumps, ok, failed);
	else
		fprintf(stderr, "pageowner: batch: %zu dumps: %zu ok, %zu failed\n", b.nr_dumps, ok, failed);
	for (size_t i = 0; i < b.nr_dumps; i++)
		free(b.dumps[i]);
	free(b.dumps);
	for (size_t i = 0; i < nr_vml; i++)
		free(vml_paths[i]);
	free(vml_paths);
	for (size_t i = 0; i < b.nr_vmls; i++) {
		free(b.vmls[i].path);
		free(b.vmls[i].banner);
	}
	free(b.vmls);
	return failed ? 11 : 0;
}
