# `pageowner stacks --from-pages` against totals computed from the kernel's
# own debugfs page_owner text (records grouped by stack text, 2^order pages
# each): at least 99% of the pages attributed identically, on every churn
# fixture.  On kernels without stack_list (6.1) plain `stacks` must fall back
# to the same totals and say so on stderr.
. "$(dirname "$0")/../lib.sh"
n=0
for v in $(fx_versions); do
	truth=$(fx_truth "$v" churn page_owner.txt) || continue
	vml=$(fx_vmlinux "$v")
	form=$(fx_forms "$v" churn | grep -m1 zstd || fx_forms "$v" churn | head -1)
	dump=$(fx_dump "$v" churn "$form")
	mkdir -p "$FXCACHE/$v/churn"
	out=$FXCACHE/$v/churn/stacks-from-pages.$form.txt
	"$PO" stacks --from-pages "$dump" "$vml" >"$out" 2>"$out.err" ||
		{ rc=$?; cat "$out.err"; fail "$v: pageowner stacks --from-pages exited $rc"; }
	grep -q "summed from the per-page records" "$out.err" ||
		{ cat "$out.err"; fail "$v: --from-pages did not say its source"; }
	echo "$v churn $form (--from-pages vs truth page_owner.txt):"
	python3 "$TOP/tests/e2e/stacks_compare.py" page_owner "$truth" "$out" 99 ||
		fail "$v: below 99%"
	# sorted by pages, largest first
	awk '/^nr_base_pages:/ {print $2}' "$out" | sort -c -s -n -r ||
		fail "$v: not sorted by pages"
	if ! "$PO" stacks "$dump" "$vml" >"$out.auto" 2>"$out.auto.err"; then
		cat "$out.auto.err"; fail "$v: pageowner stacks exited"
	fi
	if grep -q "no stack_list" "$out.auto.err"; then
		cmp -s "$out" "$out.auto" || fail "$v: automatic fallback differs from --from-pages"
		echo "  $v has no stack_list: plain stacks fell back to the per-page totals"
	fi
	n=$((n+1))
done
[ $n -gt 0 ] || skip "no churn fixture with truth/page_owner.txt"
