# The DWARF index picks its compilation units by names read raw from
# .debug_info and .debug_abbrev (src/access/dwarf_units.c), not through
# libdw, which would parse each unit's abbreviations first.  On every
# fixture vmlinux (6.1, 6.12, 7.3: GCC's DWARF 5): each unit's raw name is
# libdw's, none is left to libdw, and the kernel model opens the oom dump
# with the index built that way.
. "$(dirname "$0")/../lib.sh"
bin=$(fx_build_c dwarf_units); rc=$?
[ $rc = 2 ] && skip "no libpageowner.a next to $PO"
[ $rc = 0 ] || fail "cannot compile dwarf_units.c"
n=0
for v in $(fx_versions); do
	dump=$(fx_dump "$v" oom d31.zstd) || dump=
	printf '%s: ' "$v"
	"$bin" "$(fx_vmlinux "$v")" $dump || fail "$v: dwarf_units exited $?"
	n=$((n+1))
done
[ $n -gt 0 ] || skip "no fixture vmlinux"
