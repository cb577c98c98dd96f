# Reports that sum records walk whole sections on reader threads and add
# the partial sums in PFN order; a section the walk enters past its first
# PFN (a buddy block of a garbage order jumping over the boundary) is
# walked again on the calling thread.  On the 6.1 and 6.12 fixtures, read
# through a memory backend that plants such a block (walk_parts.c): 1, 2
# and 3 threads give the same counters, `top --json` and `stacks
# --from-pages --json`, and stop at the same record.
. "$(dirname "$0")/../lib.sh"
bin=$(fx_build_c walk_parts); rc=$?
[ $rc = 2 ] && skip "no libpageowner.a next to $PO"
[ $rc = 0 ] || fail "cannot compile walk_parts.c"
n=0
for v in $(fx_versions); do
	for sc in oom churn; do
		dump=$(fx_dump "$v" $sc d31.zstd) || continue
		echo "$v $sc:"
		timeout 300 "$bin" "$dump" "$(fx_vmlinux "$v")"
		rc=$?
		[ $rc = 77 ] && continue
		[ $rc = 0 ] || fail "$v $sc: walk_parts exited $rc"
		n=$((n+1))
	done
done
[ $n -gt 0 ] || skip "no fixture with two sections and a pre-7.3 walk"
