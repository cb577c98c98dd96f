/*
 * dwarf_units.c against libdw on a real vmlinux: every compilation unit's
 * name read raw is the one dwarf_diename() gives, and none is left to
 * libdw (GCC's units, DWARF 4 or 5).  Then the DWARF index that uses it
 * finds every name the kernel model needs (e2e_open initialises the model)
 * with the units chosen by those raw names.
 * Usage: dwarf_units VMLINUX [DUMP]
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "access/dwarf_units.h"
#include "e2e.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s VMLINUX [DUMP]\n", argv[0]);
		return 2;
	}
	int fd = open(argv[1], O_RDONLY);
	Dwarf *dw = fd >= 0 ? dwarf_begin(fd, DWARF_C_READ) : NULL;
	if (!dw) {
		printf("FAIL: %s: no DWARF\n", argv[1]);
		return 1;
	}
	struct po_units u;
	CHECK(po_units_init(&u, dwarf_getelf(dw)), "po_units_init: sections not readable raw");
	Dwarf_Off off = 0, next;
	size_t hsize, units = 0, raw = 0;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;
		const char *want = dwarf_offdie(dw, off + hsize, &cu) ? dwarf_diename(&cu) : NULL;
		const char *got = po_unit_name(&u, off);
		units++;
		raw += got != NULL;
		CHECK(got && want && strcmp(got, want) == 0, "unit at 0x%llx: raw '%s', libdw '%s'",
		      (unsigned long long)off, got ? got : "(none)", want ? want : "(none)");
		if (fails > 10)
			break;
		off = next;
	}
	printf("%zu units, %zu named raw\n", units, raw);
	CHECK(units > 100, "only %zu units", units);
	dwarf_end(dw);
	close(fd);
	if (argc > 2) {
		struct po_program *prog = e2e_open(argv[2], argv[1]);
		CHECK(prog, "the model over the raw-named units");
		po_program_destroy(prog);
	}
	return fails ? 1 : 0;
}
