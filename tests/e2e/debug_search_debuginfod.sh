# The debug info from debuginfod: elfutils' debuginfod serves a directory
# holding one fixture vmlinux on 127.0.0.1; `pageowner top DUMP` with only
# DEBUGINFOD_URLS (and a fresh cache) prints what it prints with the vmlinux
# given, and info says where it came from.  A dump whose build id the
# server lacks gets exit 6 saying so; a file the client's cache hands out
# for the dump's build id but of another build is not taken.
. "$(dirname "$0")/../lib.sh"
command -v debuginfod >/dev/null || skip "no debuginfod (Debian package debuginfod)"
command -v curl >/dev/null || fail "no curl (Debian package curl)"
v=6.12; [ -f "$FX/$v/vmlinux.zst" ] || v=$(fx_versions | head -1)
vml=$(fx_vmlinux "$v")
dump=$(fx_dump "$v" churn d31.zstd) || fail "no $v churn dump"
t=$FXCACHE/debug-search-debuginfod; rm -rf "$t"; mkdir -p "$t/srv"
export PAGEOWNER_DEBUG_ROOT=$t/no-root
# a copy the server can scan (it does not follow symbolic links)
ln "$vml" "$t/srv/vmlinux" 2>/dev/null || cp "$vml" "$t/srv/vmlinux"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
debuginfod -F -p "$port" -d "$t/db.sqlite" "$t/srv" >"$t/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
url=http://127.0.0.1:$port
for i in $(seq 1 120); do
	n=$(curl -s "$url/metrics" | sed -n 's/^scanned_files_total{source="file"} \([0-9]*\).*/\1/p')
	[ "${n:-0}" -ge 1 ] && break
	kill -0 $server 2>/dev/null || { tail "$t/server.log"; fail "debuginfod exited"; }
	sleep 0.5
done
[ "${n:-0}" -ge 1 ] || { tail "$t/server.log"; fail "debuginfod scanned nothing in 60 s"; }
note "debuginfod on port $port scanned $n file(s)"

"$PO" top "$dump" "$vml" >"$t/ref" 2>/dev/null || fail "top with the vmlinux given"
DEBUGINFOD_URLS=$url DEBUGINFOD_CACHE_PATH=$t/cache "$PO" top "$dump" >"$t/out" 2>"$t/err" ||
	{ cat "$t/err"; fail "top with debuginfod: exit $?"; }
cmp -s "$t/ref" "$t/out" || { diff "$t/ref" "$t/out" | head; fail "top with debuginfod differs"; }
DEBUGINFOD_URLS=$url DEBUGINFOD_CACHE_PATH=$t/cache2 "$PO" info "$dump" >"$t/info" 2>/dev/null || fail "info"
grep "^types and symbols: " "$t/info" | grep -qF "(debuginfod $url/buildid/" ||
	{ grep "^types" "$t/info"; fail "info does not say debuginfod and its URL"; }
note "$(grep '^types and symbols: ' "$t/info")"
# a progress line when standard error is a terminal (script(1) gives one),
# none in a file (above)
grep -q "debuginfod: downloading" "$t/err" && fail "a progress line in a file"
if command -v script >/dev/null; then
	DEBUGINFOD_URLS=$url DEBUGINFOD_CACHE_PATH=$t/cache-tty script -qec "'$PO' top '$dump' >/dev/null" /dev/null \
		>"$t/tty" 2>&1 || { cat "$t/tty"; fail "top on a terminal"; }
	grep -q "pageowner: debuginfod: downloading the vmlinux: [0-9]* of [0-9]* MiB" "$t/tty" ||
		{ od -c "$t/tty" | head; fail "no progress line on a terminal"; }
fi
# a local find comes first: the server is not asked
mkdir -p "$t/deb/boot"; rel=$("$PO" info --json "$dump" "$vml" | python3 -c 'import json,sys; print(json.load(sys.stdin)["release"])')
ln -s "$vml" "$t/deb/boot/vmlinux-$rel"
DEBUGINFOD_URLS=$url DEBUGINFOD_CACHE_PATH=$t/cache3 "$PO" info --debug-dir "$t/deb" "$dump" 2>/dev/null |
	grep -q "^types and symbols: .*Debian" || fail "a --debug-dir find did not come first"
[ -e "$t/cache3" ] && [ -n "$(ls -A "$t/cache3" 2>/dev/null | grep -v '^cache_clean_interval$')" ] &&
	fail "debuginfod was asked although --debug-dir had it"
# --no-debuginfod: not asked
DEBUGINFOD_URLS=$url DEBUGINFOD_CACHE_PATH=$t/cache4 "$PO" top --no-debuginfod --no-btf "$dump" >/dev/null 2>"$t/err"
[ $? = 6 ] || fail "--no-debuginfod still asked"
grep -qF "debuginfod: not asked (--no-debuginfod)" "$t/err" || fail "--no-debuginfod not said"

# a build the server does not have
for o in $(fx_versions); do
	[ "$o" = "$v" ] && continue
	odump=$(fx_dump "$o" churn d31.zstd) || continue
	DEBUGINFOD_URLS=$url DEBUGINFOD_CACHE_PATH=$t/cache5 "$PO" top --no-btf "$odump" >/dev/null 2>"$t/err"; rc=$?
	[ $rc = 6 ] || { cat "$t/err"; fail "$o dump, server without its build: exit $rc"; }
	grep -qF "debuginfod (DEBUGINFOD_URLS=$url): not found on the servers" "$t/err" ||
		{ cat "$t/err"; fail "not said that the server lacks it"; }
	# what debuginfod hands out must still be the dump's build: the
	# client's cache holding another kernel's vmlinux under this build id
	obid=$("$PO" info --json "$odump" "$(fx_vmlinux "$o")" | python3 -c 'import json,sys; print(json.load(sys.stdin)["build_id"])')
	mkdir -p "$t/cache6/$obid"; cp "$vml" "$t/cache6/$obid/debuginfo"
	DEBUGINFOD_URLS=$url DEBUGINFOD_CACHE_PATH=$t/cache6 "$PO" top --no-btf "$odump" >/dev/null 2>"$t/err"; rc=$?
	[ $rc = 6 ] || { cat "$t/err"; fail "a wrong file from debuginfod: exit $rc, want 6"; }
	grep -qF "$t/cache6/$obid/debuginfo: other build id" "$t/err" ||
		{ cat "$t/err"; fail "the wrong file from debuginfod is not named"; }
	note "$o: not on the server, and a wrong cached file is refused"
	break
done
