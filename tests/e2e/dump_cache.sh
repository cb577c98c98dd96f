# Reading around pages a dump lacks must not disturb the pages it has
# (libkdumpfile <= 0.5.4 cache bug; see dump_cache.c): every dump form of
# every fixture kernel, through the library under test.
. "$(dirname "$0")/../lib.sh"
lib=$(dirname "$PO")/libpageowner.a
[ -f "$lib" ] || skip "no $lib"
flags=
case "$lib" in *asan*) flags="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all";; esac
bin=$(dirname "$PO")/tests/dump_cache
mkdir -p "$(dirname "$bin")"
# shellcheck disable=SC2046
cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $flags -I"$TOP/include" -I"$TOP/src" \
	$(pkg-config --cflags libkdumpfile libaddrxlat libdw libelf) \
	-o "$bin" "$TOP/tests/e2e/dump_cache.c" "$lib" $(pkg-config --libs libkdumpfile libaddrxlat libdw libelf) ||
	fail "cannot compile dump_cache.c"
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
