# Module symbolization against garbage: tests/e2e/modules_garbage.c, built
# against the library under test (ASan+UBSan in the sanitizer run), patches
# the module fixture's memory (cyclic list, bad pointers, unformed module,
# absurd or unreadable symbol tables) and checks each case ends in an error
# value or a bare address, never a hang or crash.
. "$(dirname "$0")/../lib.sh"
M=$FX/module/6.12
[ -f "$M/vmcore.d31.zstd.zst" ] && [ -f "$M/truth/po_testmod.kallsyms" ] ||
	skip "no module fixture in $M (tests/fixtures/module/make-module-fixture makes it)"
[ -f "$FX/6.12/vmlinux.zst" ] || skip "no 6.12 vmlinux fixture"
bin=$(fx_build_c modules_garbage); rc=$?
[ $rc = 2 ] && fail "no libpageowner.a next to $PO"
[ $rc = 0 ] || fail "cannot build modules_garbage"
dump=$(fx_unpack "$M/vmcore.d31.zstd.zst")
timeout 120 "$bin" "$dump" "$(fx_vmlinux 6.12)" "$M/truth/po_testmod.kallsyms" || fail "modules_garbage exited $?"
