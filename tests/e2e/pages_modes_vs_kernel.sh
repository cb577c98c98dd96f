# 7.3's print modes: `pages --mode handle` and `--mode stack_handle` against
# the kernel's own page_owner read after writing mode=handle / mode=stack_handle
# (99.5% of the kernel's records byte-identical), on every fixture kernel
# that has those captures; `--nid` with the only node prints the same as no
# filter, and a node without memory is refused like the kernel's write.
. "$(dirname "$0")/../lib.sh"
n=0
for v in $(fx_versions); do
	vml=$(fx_vmlinux "$v")
	dump=$(fx_dump "$v" churn d31.zstd) || dump=$(fx_dump "$v" churn elf) || continue
	for mode in handle stack_handle; do
		truth=$(fx_truth "$v" churn "page_owner.mode-$mode.txt") || continue
		out=$FXCACHE/$v/churn/pages.mode-$mode.txt
		"$PO" pages --mode "$mode" "$dump" "$vml" >"$out" || fail "$v: pages --mode $mode exited $?"
		echo "$v churn --mode $mode:"
		python3 "$TOP/tests/compare_pages.py" "$truth" "$out" 99.5 || fail "$v --mode $mode below 99.5%"
		n=$((n+1))
	done
done
# the node filter, on every kernel (one node in the fixtures)
for v in $(fx_versions); do
	vml=$(fx_vmlinux "$v")
	dump=$(fx_dump "$v" churn d31.zstd) || continue
	cmp -s <("$PO" pages --nid 0 "$dump" "$vml") <("$PO" pages "$dump" "$vml") || fail "$v: --nid 0 differs from no filter"
	"$PO" pages --nid 1 "$dump" "$vml" >/dev/null 2>&1; rc=$?
	[ $rc = 2 ] || fail "$v: --nid 1 (no memory) exited $rc, want 2"
	"$PO" pages --nid 0-x "$dump" "$vml" >/dev/null 2>&1; rc=$?
	[ $rc = 2 ] || fail "$v: --nid 0-x exited $rc, want 2"
	n=$((n+1))
done
[ $n -gt 0 ] || skip "no fixtures"
