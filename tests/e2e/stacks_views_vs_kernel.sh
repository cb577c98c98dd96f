# The 7.3 page_owner_stacks views: `pageowner stacks --handles` against the
# kernel's show_handles and `--stacks-handles` against show_stacks_handles
# (same handles, same counts / same records for >= 99%), on every fixture
# kernel whose truth has them.
. "$(dirname "$0")/../lib.sh"
n=0
for v in $(fx_versions); do
	vml=$(fx_vmlinux "$v")
	form=$(fx_forms "$v" churn | grep -m1 zstd || fx_forms "$v" churn | head -1)
	[ -n "$form" ] || continue
	dump=$(fx_dump "$v" churn "$form")
	for view in handles stacks_handles; do
		truth=$(fx_truth "$v" churn "show_$view.txt") || continue
		mkdir -p "$FXCACHE/$v/churn"
		out=$FXCACHE/$v/churn/show_$view.txt
		"$PO" stacks "--${view//_/-}" "$dump" "$vml" >"$out" 2>"$out.err" ||
			{ rc=$?; cat "$out.err"; fail "$v: stacks --${view//_/-} exited $rc"; }
		echo "$v churn $form show_$view:"
		python3 "$TOP/tests/e2e/stacks_compare.py" "show_$view" "$truth" "$out" 99 ||
			fail "$v show_$view below 99%"
		n=$((n+1))
	done
done
[ $n -gt 0 ] || skip "no fixture kernel with truth/show_handles.txt or show_stacks_handles.txt (7.3)"
