# `pageowner stacks` (from the kernel's own stack_list) against the kernel's
# page_owner_stacks/show_stacks read before the crash, on every fixture
# kernel that has it (6.9+): at least 99% of the kernel's pages must be
# attributed to the same stack with the same count (stacks may change
# between the read and the crash).  Every dump form of the churn scenario.
. "$(dirname "$0")/../lib.sh"
n=0
for v in $(fx_versions); do
	truth=$(fx_truth "$v" churn show_stacks.txt) || continue
	vml=$(fx_vmlinux "$v")
	for form in $(fx_forms "$v" churn); do
		dump=$(fx_dump "$v" churn "$form")
		mkdir -p "$FXCACHE/$v/churn"
		out=$FXCACHE/$v/churn/stacks.$form.txt
		"$PO" stacks --threshold 0 "$dump" "$vml" >"$out" 2>"$out.err" ||
			{ rc=$?; cat "$out.err"; fail "$v $form: pageowner stacks exited $rc"; }
		incomplete=
		if grep -q "totals summed from the per-page records instead" "$out.err"; then
			# bookworm's makedumpfile -d 31 drops slab pages of 6.12,
			# where some struct stack nodes live: the list is cut
			case $form in elf) cat "$out.err"; fail "$v $form: stack_list incomplete in an ELF dump";; esac
			incomplete=1
		else
			grep -q "from the kernel's stack_list" "$out.err" ||
				{ cat "$out.err"; fail "$v $form: stacks did not say it read the kernel's stack_list"; }
		fi
		echo "$v churn $form:${incomplete:+ (stack_list incomplete in this dump: counted from the pages)}"
		python3 "$TOP/tests/e2e/stacks_compare.py" show_stacks "$truth" "$out" 99 ||
			fail "$v $form: below 99%"
		# the default threshold is 0 as well: same output
		"$PO" stacks "$dump" "$vml" 2>/dev/null | cmp -s - "$out" ||
			fail "$v $form: default output differs from --threshold 0"
		# --kernel-order: the same stacks and counts, in list order
		"$PO" stacks --kernel-order "$dump" "$vml" >"$out.ko" 2>/dev/null ||
			fail "$v $form: stacks --kernel-order failed"
		python3 "$TOP/tests/e2e/stacks_compare.py" show_stacks "$out" "$out.ko" 100 >/dev/null ||
			fail "$v $form: --kernel-order has other stacks or counts"
		# the list ends with init_page_owner()'s dummy_stack -> failure_stack
		[ -n "$incomplete" ] || "$PO" stacks --kernel-order --stacks-handles "$dump" "$vml" 2>/dev/null |
			awk 'NF && !/^handle:/ && f {f=0; print} /^$/ {f=1} NR==1 {print}' |
			tail -2 | tr '\n' ' ' | grep -q 'register_dummy_stack.* register_failure_stack' ||
			fail "$v $form: the kernel-order list does not end with the dummy and failure stacks"
		n=$((n+1))
	done
done
[ $n -gt 0 ] || skip "no fixture kernel with truth/show_stacks.txt"
