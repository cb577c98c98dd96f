/*
 * Finding the debug info of the dump's kernel: the search order of
 * po_program_find_debuginfo() (pageowner.h).  Every place tried is
 * remembered with what was wrong there, so that when nothing is found the
 * one error says where pageowner looked and how to get the debug info.
 * Whether a file belongs to the dump is po_program_vmlinux_matches()'s
 * answer (program.c) and nothing else; a file is loaded only once it
 * matches, so a vmlinux of another build is never taken.
 */
#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <elfutils/debuginfod.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "access/debugsearch.h"
#include "access/program.h"

void po_debug_search_opts_init(struct po_debug_search_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->progress = stderr;
}

const char *po_program_debuginfo_path(struct po_program *prog)
{
	return prog->vmlinux_path;
}

const char *po_program_debuginfo_how(struct po_program *prog)
{
	if (!prog->vmlinux_path)
		return prog->debuginfo_desc[0] ? (prog->debuginfo_how ? prog->debuginfo_how : "--btf") :
						 NULL;
	return prog->debuginfo_how ? prog->debuginfo_how : "given";
}

size_t po_build_id_bytes(const char *hex, unsigned char *buf, size_t len)
{
	size_t n = strlen(hex);

	if (n < 4 || n % 2 || n / 2 > len)
		return 0;
	for (size_t i = 0; i < n; i += 2) {
		char b[3] = { hex[i], hex[i + 1], 0 };
		if (!isxdigit((unsigned char)b[0]) || !isxdigit((unsigned char)b[1]))
			return 0;
		buf[i / 2] = (unsigned char)strtoul(b, NULL, 16);
	}
	return n / 2;
}

bool po_build_id_path(const char *dir, const char *build_id, const char *suffix,
		      char *buf, size_t len)
{
	unsigned char bytes[64];
	size_t n = po_build_id_bytes(build_id, bytes, sizeof(bytes));
	int w;

	if (!n)
		return false;
	w = snprintf(buf, len, "%s/.build-id/%02x/", dir, bytes[0]);
	for (size_t i = 1; i < n && w > 0 && (size_t)w < len; i++)
		w += snprintf(buf + w, len - (size_t)w, "%02x", bytes[i]);
	if (w > 0 && (size_t)w < len)
		w += snprintf(buf + w, len - (size_t)w, "%s", suffix);
	return w > 0 && (size_t)w < len;
}

/* ---- the search ---- */

struct tried {
	char *where; /* a path, or "debuginfod" */
	char *what;  /* what was wrong there */
};

struct search {
	struct po_program *prog;
	const struct po_debug_search_opts *o;
	struct tried *tried;
	size_t nr_tried;
	bool found;
	bool progress_shown;
	long progress_mib;
};

static void note(struct search *s, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Remember a place tried and what was wrong there (out of memory: the
 * message is only shorter). */
static void note(struct search *s, const char *where, const char *fmt, ...)
{
	struct tried *t = po_xrealloc_array(s->tried, s->nr_tried + 1, sizeof(*t));
	va_list ap;

	if (!t)
		return;
	s->tried = t;
	t += s->nr_tried;
	va_start(ap, fmt);
	if (vasprintf(&t->what, fmt, ap) < 0)
		t->what = NULL;
	va_end(ap);
	t->where = strdup(where);
	if (!t->where || !t->what) {
		free(t->where);
		free(t->what);
		return;
	}
	s->nr_tried++;
}

static bool tried_already(struct search *s, const char *path)
{
	for (size_t i = 0; i < s->nr_tried; i++)
		if (!strcmp(s->tried[i].where, path))
			return true;
	return false;
}

/* An error's message without the "PATH: " its maker put first. */
static const char *without_path(const struct po_error *err, const char *path)
{
	size_t n = strlen(path);

	if (!strncmp(err->message, path, n) && !strncmp(err->message + n, ": ", 2))
		return err->message + n + 2;
	return err->message;
}

/* "Linux version 6.1.0-28-amd64" of a banner ("" if none). */
static void banner_version(const char *banner, char *buf, size_t len)
{
	const char *p = banner;

	buf[0] = '\0';
	if (strncmp(p, "Linux version ", 14))
		return;
	p += 14;
	snprintf(buf, len, "Linux version %.*s", (int)strcspn(p, " "), p);
}

/*
 * Try one file: load it if it is the dump's vmlinux with DWARF (s->found),
 * else note why not.  id: what it is, when the caller read it already.  An
 * error only when the search must stop (out of memory).
 */
static struct po_error *try_file(struct search *s, const char *path, const char *how,
				 const struct po_vmlinux_id *id)
{
	struct po_vmlinux_id own;
	struct po_error *err;
	struct stat st;

	if (tried_already(s, path))
		return NULL;
	if (!id) {
		if (stat(path, &st) < 0) {
			note(s, path, "%s", errno == ENOENT || errno == ENOTDIR ? "not found" :
			     strerror(errno));
			return NULL;
		}
		if ((err = po_file_check(path))) {
			note(s, path, "%s", without_path(err, path));
			po_error_destroy(err);
			return NULL;
		}
		if ((err = po_vmlinux_identify(path, &own))) {
			if (err->code == PO_ERR_NOMEM)
				return err;
			note(s, path, "%s", without_path(err, path));
			po_error_destroy(err);
			return NULL;
		}
		id = &own;
	}
	if (!po_program_vmlinux_matches(s->prog, id)) {
		char ver[128];
		banner_version(id->banner, ver, sizeof(ver));
		if (!s->prog->build_id[0] && !s->prog->release[0])
			note(s, path, "cannot tell: the dump names neither build id nor release");
		else if (id->build_id[0] && s->prog->build_id[0])
			note(s, path, "other build id %s%s%s%s", id->build_id,
			     ver[0] ? " (" : "", ver, ver[0] ? ")" : "");
		else
			note(s, path, "other kernel (%s)", ver[0] ? ver : "no banner");
		return NULL;
	}
	if ((err = po_program_load_vmlinux(s->prog, path))) {
		if (err->code == PO_ERR_NOMEM || err->code == PO_ERR_INTERRUPTED)
			return err;
		note(s, path, "%s", strstr(err->message, "no DWARF") ?
		     "the dump's build, but no DWARF (a stripped vmlinux)" :
		     without_path(err, path));
		po_error_destroy(err);
		return NULL;
	}
	free(s->prog->debuginfo_how);
	if (!(s->prog->debuginfo_how = strdup(how)))
		return &po_error_nomem;
	s->found = true;
	return NULL;
}

/* Try dir/rel (rel may be NULL: dir is the file). */
static struct po_error *try_path(struct search *s, const char *dir, const char *rel,
				 const char *how)
{
	char *path;
	struct po_error *err;

	if (asprintf(&path, "%s%s%s", dir, rel ? "/" : "", rel ? rel : "") < 0)
		return &po_error_nomem;
	err = try_file(s, path, how, NULL);
	free(path);
	return err;
}

/* One debug directory laid out as /usr/lib/debug. name: how it was given
 * ("--debug-dir DIR"). */
static struct po_error *try_debug_dir(struct search *s, const char *dir, const char *name)
{
	const char *bid = s->prog->build_id;
	const char *rel = strchr(s->prog->release, '/') ? "" : s->prog->release;
	struct po_error *err = NULL;
	char path[4096], *how = NULL, *p = NULL;

	if (bid[0]) {
		for (int i = 0; i < 2 && !err && !s->found; i++) {
			if (!po_build_id_path(dir, bid, i ? "" : ".debug", path, sizeof(path)))
				break;
			if (asprintf(&how, "%s (build-id link)", name) < 0)
				return &po_error_nomem;
			err = try_file(s, path, how, NULL);
			free(how);
		}
	}
	if (rel[0] && !err && !s->found) {
		if (asprintf(&how, "%s (Debian/Ubuntu layout)", name) < 0 ||
		    asprintf(&p, "boot/vmlinux-%s", rel) < 0) {
			free(how);
			return &po_error_nomem;
		}
		err = try_path(s, dir, p, how);
		free(how);
		free(p);
	}
	if (rel[0] && !err && !s->found) {
		if (asprintf(&how, "%s (Fedora/RHEL/SUSE layout)", name) < 0 ||
		    asprintf(&p, "lib/modules/%s/vmlinux", rel) < 0) {
			free(how);
			return &po_error_nomem;
		}
		err = try_path(s, dir, p, how);
		free(how);
		free(p);
	}
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files named vmlinux* in the dump's directory, in name order. */
static struct po_error *try_beside_dump(struct search *s)
{
	const char *dump = s->prog->dump_path;
	char *dir, *slash, **names = NULL;
	struct po_error *err = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d;

	if (!dump)
		return NULL;
	slash = strrchr(dump, '/');
	dir = slash ? strndup(dump, (size_t)(slash - dump) + (slash == dump)) : strdup(".");
	if (!dir)
		return &po_error_nomem;
	if (!(d = opendir(dir))) {
		note(s, dir, "(the dump's directory) %s", strerror(errno));
		free(dir);
		return NULL;
	}
	while ((de = readdir(d))) {
		char *p, **nn;
		if (strncmp(de->d_name, "vmlinux", 7))
			continue;
		if (asprintf(&p, "%s/%s", strcmp(dir, "/") ? dir : "", de->d_name) < 0) {
			err = &po_error_nomem;
			break;
		}
		if (!(nn = po_xrealloc_array(names, n + 1, sizeof(*nn)))) {
			free(p);
			err = &po_error_nomem;
			break;
		}
		names = nn;
		names[n++] = p;
	}
	closedir(d);
	if (!err && n > 1)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; !err && !s->found && i < n; i++)
		if (strcmp(names[i], dump))
			err = try_file(s, names[i], "beside the dump", NULL);
	if (!err && !n) {
		char *where;
		if (asprintf(&where, "%s/vmlinux*", strcmp(dir, "/") ? dir : "") < 0)
			err = &po_error_nomem;
		else
			note(s, where, "none beside the dump");
		free(where);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dir);
	return err;
}

/*
 * libdebuginfod, opened when a search first asks a server: linked in, it
 * brings libcurl and its TLS and Kerberos libraries (about 30 shared
 * objects, 15 ms of dynamic linking at every start on the machine the
 * benchmarks run on), which a run that finds its vmlinux locally never
 * uses.  NULL when the library is not installed.
 */
struct debuginfod_api {
	debuginfod_client *(*begin)(void);
	void (*end)(debuginfod_client *);
	void (*set_user_data)(debuginfod_client *, void *);
	void *(*get_user_data)(debuginfod_client *);
	void (*set_progressfn)(debuginfod_client *, debuginfod_progressfn_t);
	int (*find_debuginfo)(debuginfod_client *, const unsigned char *, int, char **);
	const char *(*get_url)(debuginfod_client *);
};

static const struct debuginfod_api *debuginfod_api(void)
{
	static struct debuginfod_api api;
	static int state; /* 0 not tried, 1 loaded, -1 absent */
	void *h;

	if (state)
		return state > 0 ? &api : NULL;
	state = -1;
	if (!(h = dlopen("libdebuginfod.so.1", RTLD_NOW | RTLD_LOCAL)))
		return NULL;
#define SYM(f) (*(void **)&api.f = dlsym(h, "debuginfod_" #f))
	if (!SYM(begin) || !SYM(end) || !SYM(set_user_data) || !SYM(get_user_data) ||
	    !SYM(set_progressfn) || !SYM(find_debuginfo) || !SYM(get_url)) {
		dlclose(h);
		return NULL;
	}
#undef SYM
	state = 1; /* kept open: its client may have started threads */
	return &api;
}

/* One short line, rewritten in place (a terminal only), when the MiB
 * count changes. */
static int debuginfod_progress(debuginfod_client *c, long a, long b)
{
	struct search *s = debuginfod_api()->get_user_data(c);
	long mib = a >> 20;

	if (!s->progress_shown || mib != s->progress_mib) {
		if (b > 0)
			fprintf(s->o->progress, "\rpageowner: debuginfod: downloading the vmlinux: %ld of %ld MiB ",
				mib, b >> 20);
		else
			fprintf(s->o->progress, "\rpageowner: debuginfod: downloading the vmlinux: %ld MiB ",
				mib);
		fflush(s->o->progress);
		s->progress_shown = true;
		s->progress_mib = mib;
	}
	return po_interrupted(s->prog) ? 1 : 0;
}

/* debuginfod, by the dump's build id. */
static struct po_error *try_debuginfod(struct search *s)
{
	const char *urls = getenv(DEBUGINFOD_URLS_ENV_VAR);
	unsigned char bid[64];
	size_t n = po_build_id_bytes(s->prog->build_id, bid, sizeof(bid));
	struct po_error *err = NULL;
	const struct debuginfod_api *api;
	debuginfod_client *c;
	char *path = NULL, *how = NULL;
	int fd;

	if (s->o->no_debuginfod) {
		note(s, "debuginfod", "not asked (--no-debuginfod)");
		return NULL;
	}
	if (!n) {
		note(s, "debuginfod", "not asked (the dump has no build id)");
		return NULL;
	}
	if (!urls || !urls[0]) {
		note(s, "debuginfod", "not asked (DEBUGINFOD_URLS is not set)");
		return NULL;
	}
	if (!(api = debuginfod_api())) {
		note(s, "debuginfod", "not asked (libdebuginfod.so.1 is not installed: apt-get install libdebuginfod1)");
		return NULL;
	}
	if (!(c = api->begin())) {
		note(s, "debuginfod", "its client could not start");
		return NULL;
	}
	api->set_user_data(c, s);
	if (s->o->progress && isatty(fileno(s->o->progress)))
		api->set_progressfn(c, debuginfod_progress);
	fd = api->find_debuginfo(c, bid, (int)n, &path);
	if (s->progress_shown) {
		fputc('\n', s->o->progress);
		s->progress_shown = false;
	}
	if (fd < 0) {
		char where[4200];
		snprintf(where, sizeof(where), "debuginfod (DEBUGINFOD_URLS=%s)", urls);
		note(s, where, "%s", fd == -ENOENT ? "not found on the servers" : strerror(-fd));
		api->end(c);
		return po_interrupted(s->prog) ?
		       po_error_create(PO_ERR_INTERRUPTED, "interrupted") : NULL;
	}
	close(fd);
	const char *url = api->get_url(c);
	if (asprintf(&how, "debuginfod %s", url ? url : "(its cache)") < 0)
		err = &po_error_nomem;
	else
		err = try_file(s, path, how, NULL);
	free(how);
	free(path);
	api->end(c);
	return err;
}

/* Nothing found: the places tried and how to get the debug info. */
static struct po_error *not_found(struct search *s)
{
	const char *rel = s->prog->release[0] ? s->prog->release : NULL;
	char *msg = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&msg, &len);
	struct po_error *err;

	if (!f)
		return &po_error_nomem;
	fprintf(f, "no debug info found for the dump's kernel (release %s, build id %s); tried:",
		rel ? rel : "unknown", s->prog->build_id[0] ? s->prog->build_id : "none");
	for (size_t i = 0; i < s->nr_tried; i++)
		fprintf(f, "\n  %s: %s", s->tried[i].where, s->tried[i].what);
	const char *r = rel ? rel : "RELEASE";
	fprintf(f, "\nto get the debug info of %s:"
		"\n  Debian: apt install linux-image-%s-dbg (puts /usr/lib/debug/boot/vmlinux-%s)"
		"\n  Ubuntu: apt install linux-image-unsigned-%s-dbgsym (from ddebs.ubuntu.com)"
		"\n  Fedora, RHEL: dnf debuginfo-install kernel-%s (kernel-debuginfo: /usr/lib/debug/lib/modules/%s/vmlinux)"
		"\n  debuginfod: set DEBUGINFOD_URLS (e.g. https://debuginfod.debian.net, https://debuginfod.fedoraproject.org)"
		"\n  or give the vmlinux with --vmlinux FILE, or where it is with --debug-dir DIR",
		r, r, r, r, r, r);
	if (fclose(f) != 0 || !msg) {
		free(msg);
		return &po_error_nomem;
	}
	err = po_error_create(PO_ERR_DEBUGINFO, "%s", msg);
	free(msg);
	return err;
}

struct po_error *po_program_find_debuginfo(struct po_program *prog,
					   const struct po_debug_search_opts *o)
{
	struct search s = { .prog = prog, .o = o };
	struct po_error *err = NULL;
	/* a release that is not a file name builds no path */
	const char *rel = strchr(prog->release, '/') ? "" : prog->release;
	char root[4096], *name = NULL;

	/* 1. the file the user gave, and only it */
	if (o->vmlinux) {
		if ((err = po_program_load_vmlinux(prog, o->vmlinux)))
			return err;
		free(prog->debuginfo_how);
		prog->debuginfo_how = strdup(o->vmlinux_how ? o->vmlinux_how : "given");
		return prog->debuginfo_how ? NULL : &po_error_nomem;
	}

	/* 2. debug directories, the system's places, beside the dump */
	snprintf(root, sizeof(root), "%s", o->root ? o->root : "");
	for (size_t n = strlen(root); n && root[n - 1] == '/'; n--)
		root[n - 1] = '\0';
	for (size_t i = 0; !err && !s.found && i < o->nr_debug_dirs; i++) {
		if (asprintf(&name, "--debug-dir %s", o->debug_dirs[i]) < 0)
			return &po_error_nomem;
		err = try_debug_dir(&s, o->debug_dirs[i], name);
		free(name);
	}
	if (!o->no_default_dirs && !err && !s.found) {
		char dir[4200];
		snprintf(dir, sizeof(dir), "%s/usr/lib/debug", root);
		err = try_debug_dir(&s, dir, dir);
	}
	for (size_t i = 0; !err && !s.found && i < o->nr_candidates; i++)
		err = try_file(&s, o->candidates[i].path,
			       o->candidates[i].how ? o->candidates[i].how : "candidate",
			       o->candidates[i].id);
	if (!o->no_default_dirs && rel[0]) {
		static const char *const sys[][2] = {
			{ "/boot/vmlinux-", "" },
			{ "/lib/modules/", "/build/vmlinux" },
			{ "/lib/modules/", "/vmlinux" },
		};
		for (size_t i = 0; !err && !s.found && i < PO_ARRAY_SIZE(sys); i++) {
			char path[4300];
			snprintf(path, sizeof(path), "%s%s%s%s", root, sys[i][0], rel, sys[i][1]);
			err = try_file(&s, path, "system path", NULL);
		}
	}
	if (!o->no_beside_dump && !err && !s.found)
		err = try_beside_dump(&s);

	/* 3. debuginfod */
	if (!err && !s.found)
		err = try_debuginfod(&s);

	/* 4. the dump's own BTF and kallsyms (6.0+ kernels with BTF) */
	if (!err && !s.found && !o->no_btf) {
		struct po_error *e = po_program_load_dump_debuginfo(prog);
		if (!e) {
			s.found = true;
			free(prog->debuginfo_how);
			if (!(prog->debuginfo_how = strdup("the search's last step")))
				err = &po_error_nomem;
		} else if (e->code == PO_ERR_NOMEM) {
			err = e;
		} else {
			note(&s, "the dump's own BTF and kallsyms", "%s", e->message);
			po_error_destroy(e);
		}
	}

	/* 5. nothing */
	if (!err && !s.found)
		err = not_found(&s);
	for (size_t i = 0; i < s.nr_tried; i++) {
		free(s.tried[i].where);
		free(s.tried[i].what);
	}
	free(s.tried);
	return err;
}
