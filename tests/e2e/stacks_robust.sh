# The stack_list walk against a corrupted list (loop, garbage next pointer,
# garbage stack_record, garbage head) on every 6.9+ churn fixture (an incomplete
# list is counted from the per-page records instead): compiled
# from stacks_robust.c against the library under test.
. "$(dirname "$0")/../lib.sh"
bin=$(fx_build_c stacks_robust); rc=$?
[ $rc = 2 ] && skip "no libpageowner.a next to $PO"
[ $rc = 0 ] || fail "cannot compile stacks_robust.c"
n=0
for v in $(fx_versions); do
	# the ELF dump: makedumpfile -d 31 of bookworm drops slab pages of
	# 6.12 (where some struct stack nodes live), so the list is not intact
	form=$(fx_forms "$v" churn | grep -m1 -x elf) || continue
	dump=$(fx_dump "$v" churn "$form")
	vml=$(fx_vmlinux "$v")
	echo "$v churn $form:"
	timeout 120 "$bin" "$dump" "$vml"
	rc=$?
	[ $rc = 77 ] && continue
	[ $rc = 0 ] || fail "$v: stacks_robust exited $rc"
	n=$((n+1))
done
[ $n -gt 0 ] || skip "no fixture kernel with a stack_list"
