# Records with values no kernel writes (an order above the largest, a pid
# above PID_MAX_LIMIT, a time after the dump, an unreadable stack) are
# counted by kind, left out of every total, printed by `pages` as the kernel
# would, marked "suspect" in JSON and named in a warning: on every fixture
# kernel, through a memory backend that rewrites four records of a real dump
# (compiled from suspect_records.c against the library under test).
. "$(dirname "$0")/../lib.sh"
bin=$(fx_build_c suspect_records); rc=$?
[ $rc = 2 ] && skip "no libpageowner.a next to $PO"
[ $rc = 0 ] || fail "cannot compile suspect_records.c"
n=0
for v in $(fx_versions); do
	dump=$(fx_dump "$v" churn d31.zstd) || dump=$(fx_dump "$v" churn elf) || continue
	echo "$v churn:"
	timeout 120 "$bin" "$dump" "$(fx_vmlinux "$v")"
	rc=$?
	[ $rc = 77 ] && continue
	[ $rc = 0 ] || fail "$v: suspect_records exited $rc"
	n=$((n+1))
done
[ $n -gt 0 ] || skip "no fixture"
