# Every type name the library looks up is declared by the subsystem that
# asks (po_types_want): no lookup falls back to a search of every unit, on
# every fixture kernel, with the dump's VMCOREINFO and without it (compiled
# from type_names.c against the library under test).
. "$(dirname "$0")/../lib.sh"
bin=$(fx_build_c type_names); rc=$?
[ $rc = 2 ] && skip "no libpageowner.a next to $PO"
[ $rc = 0 ] || fail "cannot compile type_names.c"
n=0
for v in $(fx_versions); do
	for sc in churn nopo; do
		dump=$(fx_dump "$v" $sc d31.zstd) || continue
		echo "$v $sc:"
		PAGEOWNER_DEBUG_TYPES=1 timeout 300 "$bin" "$dump" "$(fx_vmlinux "$v")" || fail "$v $sc"
		n=$((n+1))
	done
done
if d=$(fx_unpack "$FX/module/6.12/vmcore.d31.zstd.zst" 2>/dev/null) && [ -f "$d" ]; then
	echo "6.12 module:"
	PAGEOWNER_DEBUG_TYPES=1 timeout 300 "$bin" "$d" "$(fx_vmlinux 6.12)" || fail "module fixture"
fi
[ $n -gt 0 ] || skip "no fixture"
