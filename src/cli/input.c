/* The inputs of `flamegraph` and `diff` (cli.h): each a dump with its
 * vmlinux, or a text. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct po_error *po_inputs_split(char **files, int nfiles, const char *any_vmlinux,
				 const char *const *side_vmlinux, struct po_input *in,
				 int max, int *n)
{
	const char *pending = NULL, *only = NULL;
	struct po_error *err;
	int nvml = 0;

	*n = 0;
	memset(in, 0, (size_t)max * sizeof(*in));
	for (int i = 0; i < nfiles; i++) {
		const char *f = files[i];
		bool dump = false, vml = false;

		if (strcmp(f, "-")) {
			/* by type first: a FIFO is never opened, a directory never read */
			if ((err = po_file_check(f)))
				return err;
			FILE *fp = fopen(f, "r");
			if (!fp)
				return po_error_create(PO_ERR_OS, "%s: %s", f, strerror(errno));
			fclose(fp);
			dump = po_file_is_dump(f);
			vml = !dump && po_file_is_elf_vmlinux(f);
		}
		if (vml) {
			struct po_input *cur = *n ? &in[*n - 1] : NULL;
			nvml++;
			only = f;
			if (cur && cur->dump && !cur->vmlinux && !pending)
				cur->vmlinux = f;
			else if (!pending)
				pending = f;
			else
				return po_error_create(PO_ERR_USAGE, "%s: a second vmlinux before a dump", f);
			continue;
		}
		if (*n == max)
			return po_error_create(PO_ERR_USAGE, "too many inputs: %s (%d at most)", f, max);
		in[*n].file = f;
		in[*n].dump = dump;
		if (pending) {
			if (!dump)
				return po_error_create(PO_ERR_USAGE,
						       "%s is a vmlinux but %s is not a dump", pending, f);
			in[*n].vmlinux = pending;
			pending = NULL;
		}
		(*n)++;
	}
	if (pending)
		return po_error_create(PO_ERR_USAGE, "%s: a vmlinux after the last dump, which has one",
				       pending);
	for (int i = 0; i < *n; i++) {
		const char *explicit = side_vmlinux ? side_vmlinux[i] : NULL;
		if (explicit && in[i].vmlinux)
			return po_error_create(PO_ERR_USAGE, "two vmlinux files for %s: %s and %s",
					       in[i].file, in[i].vmlinux, explicit);
		if (explicit)
			in[i].vmlinux = explicit;
		if (!in[i].dump && in[i].vmlinux)
			return po_error_create(PO_ERR_USAGE, "%s is not a dump: it needs no vmlinux %s",
					       in[i].file, in[i].vmlinux);
		/* else none: po_cli_open() searches for the dump's debug info */
		if (in[i].dump && !in[i].vmlinux)
			in[i].vmlinux = any_vmlinux ? any_vmlinux : nvml == 1 ? only : NULL;
	}
	return NULL;
}

size_t po_input_paths(const struct po_input *in, int n, const char **paths)
{
	size_t ni = 0;

	for (int i = 0; i < n; i++) {
		if (strcmp(in[i].file, "-"))
			paths[ni++] = in[i].file;
		if (in[i].vmlinux)
			paths[ni++] = in[i].vmlinux;
		if (in[i].found[0])
			paths[ni++] = in[i].found;
	}
	return ni;
}

struct po_error *po_input_load(struct po_input *in, const struct po_cli_dump_opts *opts,
			       struct po_folded *const *sets, size_t n, uint64_t *missing)
{
	struct po_error *err;

	*missing = 0;
	if (in->dump) {
		struct po_cli cli;
		struct po_walk_stats st;
		char *files[1] = { (char *)in->file };

		memset(&cli, 0, sizeof(cli));
		memset(&st, 0, sizeof(st));
		cli.files = files;
		cli.nfiles = 1;
		cli.vmlinux = in->vmlinux;
		cli.dump = *opts;
		err = po_cli_open(&cli, true);
		if (!err) {
			/* what the search found, which -o must not replace either */
			const char *found = po_program_debuginfo_path(cli.prog);
			snprintf(in->found, sizeof(in->found), "%s", found ? found : "");
			err = po_folded_from_dump(cli.prog, sets, n, &st);
		}
		if (!err)
			err = po_folded_describe_dump(cli.prog, in->file, sets, n);
		if (!err) {
			po_cli_warn_stats(&st, true);
			*missing = st.pfns_missing;
		}
		po_program_destroy(cli.prog);
		po_cli_current = NULL;
		return err;
	}
	FILE *fp = strcmp(in->file, "-") ? fopen(in->file, "r") : stdin;
	if (!fp)
		return po_error_create(PO_ERR_OS, "%s: %s", in->file, strerror(errno));
	setvbuf(fp, NULL, _IOFBF, 1 << 20);
	err = po_folded_from_text(fp, strcmp(in->file, "-") ? in->file : "(standard input)", sets, n);
	if (fp != stdin)
		fclose(fp);
	for (size_t i = 0; i < n && !err; i++)
		if (po_folded_ignored_lines(sets[i])) {
			fprintf(stderr, "pageowner: warning: %s: %llu lines not understood, left out\n",
				in->file, (unsigned long long)po_folded_ignored_lines(sets[i]));
			break;
		}
	return err;
}
