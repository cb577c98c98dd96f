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
B=$(dirname "$PO")
[ -f "$B/libpageowner.a" ] || fail "no $B/libpageowner.a"
san=
case $B in *asan*) san="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all";; esac
mkdir -p "$B/tests"
bin=$B/tests/modules_garbage
# shellcheck disable=SC2046,SC2086
cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter $san \
	-I"$TOP/include" -I"$TOP/src" $(pkg-config --cflags libkdumpfile libaddrxlat libdw libelf) \
	-o "$bin" "$TOP/tests/e2e/modules_garbage.c" "$B/libpageowner.a" \
	$(pkg-config --libs libkdumpfile libaddrxlat libdw libelf) || fail "cannot build modules_garbage"
dump=$(fx_unpack "$M/vmcore.d31.zstd.zst")
timeout 120 "$bin" "$dump" "$(fx_vmlinux 6.12)" "$M/truth/po_testmod.kallsyms" || fail "modules_garbage exited $?"
