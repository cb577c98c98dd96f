# `pageowner pages` against the kernel's own debugfs text, for every fixture
# kernel and every dump form of the churn scenario: at least 99.5% of the
# kernel's records must be byte-identical (keyed by PFN).  Records whose
# memcg name lies in a page the filtered dump dropped (makedumpfile 1.7.2 on
# 7.3) print "(unreadable)" and are counted apart; a complete ELF dump must
# have none.
. "$(dirname "$0")/../lib.sh"
n=0
for v in $(fx_versions); do
	truth=$(fx_truth "$v" churn page_owner.txt) || fail "$v: no truth page_owner.txt"
	vml=$(fx_vmlinux "$v")
	for form in $(fx_forms "$v" churn); do
		dump=$(fx_dump "$v" churn "$form")
		out=$FXCACHE/$v/churn/pages.$form.txt
		"$PO" pages "$dump" "$vml" >"$out" 2>"$out.err" || { cat "$out.err"; fail "$v $form: pageowner pages exited $?"; }
		echo "$v churn $form:"
		python3 "$TOP/tests/compare_pages.py" "$truth" "$out" 99.5 | tee "$out.cmp" | head -30
		grep -q "^kernel records" "$out.cmp" || fail "$v $form: comparison failed"
		grep -q "below 99.5%" "$out.cmp" && fail "$v $form below 99.5%"
		# a complete (ELF) dump holds everything the kernel printed
		if [ "$form" = elf ]; then
			grep -q "memcg name not in the dump 0$" "$out.cmp" || fail "$v elf: data missing from a complete dump"
		fi
		n=$((n+1))
	done
done
[ $n -gt 0 ] || fail "no fixture dumps found"
