# Reading around pages a dump lacks must not disturb the pages it has
# (libkdumpfile <= 0.5.4 cache bug; see dump_cache.c): every dump form of
# every fixture kernel, through the library under test.
. "$(dirname "$0")/../lib.sh"
bin=$(fx_build_c dump_cache); rc=$?
[ $rc = 2 ] && skip "no libpageowner.a next to $PO"
[ $rc = 0 ] || fail "cannot compile dump_cache.c"
n=0
for v in $(fx_versions); do
	for form in $(fx_forms "$v" churn); do
		dump=$(fx_dump "$v" churn "$form")
		echo "$v churn $form:"
		timeout 120 "$bin" "$dump" || fail "$v $form: dump_cache exited $?"
		n=$((n+1))
	done
done
[ $n -gt 0 ] || skip "no fixture dumps"
