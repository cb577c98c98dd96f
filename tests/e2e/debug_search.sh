# Finding the debug info without a vmlinux argument: a temporary tree laid
# out as /usr/lib/debug (build-id links with and without .debug, Debian's
# boot/vmlinux-RELEASE, Fedora's lib/modules/RELEASE/vmlinux) given with
# --debug-dir, the same under PAGEOWNER_DEBUG_ROOT (the system's places),
# and a vmlinux beside the dump: each is found, says how in `info`, and the
# report is the one the vmlinux given explicitly makes.  A vmlinux of
# another build (another fixture kernel's) and a stripped one of the right
# build are never taken; with nothing else, exit 6 names each place tried
# and what was wrong there.
. "$(dirname "$0")/../lib.sh"
vers=($(fx_versions))
[ ${#vers[@]} -ge 2 ] || skip "needs two fixture kernels"
v=6.12; [ -f "$FX/$v/vmlinux.zst" ] || v=${vers[0]}
o=6.1; [ "$o" != "$v" ] && [ -f "$FX/$o/vmlinux.zst" ] || o=${vers[1]}
[ "$o" != "$v" ] || o=${vers[0]}
vml=$(fx_vmlinux "$v"); other=$(fx_vmlinux "$o")
dump=$(fx_dump "$v" churn d31.zstd) || fail "no $v churn dump"
t=$FXCACHE/debug-search; rm -rf "$t"; mkdir -p "$t"
export PAGEOWNER_DEBUG_ROOT=$t/no-root

read -r bid rel < <("$PO" info --json "$dump" "$vml" | python3 -c \
	'import json,sys; j=json.load(sys.stdin); print(j["build_id"], j["release"])')
[ -n "$bid" ] && [ -n "$rel" ] || fail "no build id or release from info"
obid=$("$PO" info --json "$(fx_dump "$o" churn d31.zstd)" "$other" | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["build_id"])')
nn=${bid:0:2}; rest=${bid:2}
"$PO" top "$dump" "$vml" >"$t/ref.top" 2>/dev/null || fail "top with the vmlinux given"

# found DIR HOW-PATTERN [pageowner options...]: top equals the reference and
# info names the file and how it was found
found() {
	local want=$1 how=$2; shift 2
	"$PO" top "$@" "$dump" >"$t/out.top" 2>"$t/err" || { cat "$t/err"; fail "top $*: exit $?"; }
	cmp -s "$t/ref.top" "$t/out.top" || { diff "$t/ref.top" "$t/out.top" | head; fail "top $*: differs"; }
	"$PO" info "$@" "$dump" >"$t/info" 2>/dev/null || fail "info $*"
	line=$(grep '^types and symbols: ' "$t/info")
	case $line in
	*"$want ("*"$how"*")") note "$line";;
	*) fail "info $*: '$line', want $want ($how)";;
	esac
}

# each layout of a debug directory
mkdir -p "$t/bid/.build-id/$nn" "$t/bid2/.build-id/$nn" "$t/deb/boot" "$t/fed/lib/modules/$rel"
ln -s "$vml" "$t/bid/.build-id/$nn/$rest.debug"
ln -s "$vml" "$t/bid2/.build-id/$nn/$rest"
ln -s "$vml" "$t/deb/boot/vmlinux-$rel"
ln -s "$vml" "$t/fed/lib/modules/$rel/vmlinux"
found "$t/bid/.build-id/$nn/$rest.debug" "--debug-dir $t/bid (build-id link)" --debug-dir "$t/bid"
found "$t/bid2/.build-id/$nn/$rest" "--debug-dir $t/bid2 (build-id link)" --debug-dir "$t/bid2"
found "$t/deb/boot/vmlinux-$rel" "Debian/Ubuntu layout" --debug-dir "$t/deb"
found "$t/fed/lib/modules/$rel/vmlinux" "Fedora/RHEL/SUSE layout" --debug-dir "$t/fed"
# JSON says the same
"$PO" info --json --debug-dir "$t/deb" "$dump" | python3 -c '
import json, sys
d = json.load(sys.stdin)["debuginfo"]
assert d["path"].endswith("/deb/boot/vmlinux-" + sys.argv[1]) and "Debian" in d["how"], d' "$rel" ||
	fail "info --json debuginfo"

# another build under the name the dump's would have, and a stripped copy of
# the dump's build: passed over (and said so), the next directory taken
mkdir -p "$t/wrong/boot" "$t/wrong/lib/modules/$rel" "$t/stripped/.build-id/$nn"
ln -s "$other" "$t/wrong/boot/vmlinux-$rel"
objcopy --strip-debug "$vml" "$t/stripped/.build-id/$nn/$rest.debug" || fail "objcopy --strip-debug"
found "$t/fed/lib/modules/$rel/vmlinux" "Fedora/RHEL/SUSE layout" \
	--debug-dir "$t/wrong" --debug-dir "$t/stripped" --debug-dir "$t/fed"
# the argument still wins, and a wrong one is still exit 7, not a search
found "$vml" "argument" --debug-dir "$t/wrong" "$vml"
"$PO" info --debug-dir "$t/deb" "$dump" "$other" >/dev/null 2>"$t/err"; rc=$?
[ $rc = 7 ] || { cat "$t/err"; fail "another kernel's vmlinux given: exit $rc, want 7"; }

# the system's places, under PAGEOWNER_DEBUG_ROOT; --no-default-dirs skips them
r=$t/root
mkdir -p "$r/usr/lib/debug/.build-id/$nn"
ln -s "$vml" "$r/usr/lib/debug/.build-id/$nn/$rest.debug"
PAGEOWNER_DEBUG_ROOT=$r found "$r/usr/lib/debug/.build-id/$nn/$rest.debug" "$r/usr/lib/debug (build-id link)"
rm -r "$r/usr"; mkdir -p "$r/boot"; ln -s "$vml" "$r/boot/vmlinux-$rel"
PAGEOWNER_DEBUG_ROOT=$r found "$r/boot/vmlinux-$rel" "system path"
rm -r "$r/boot"; mkdir -p "$r/lib/modules/$rel/build"; ln -s "$vml" "$r/lib/modules/$rel/build/vmlinux"
PAGEOWNER_DEBUG_ROOT=$r found "$r/lib/modules/$rel/build/vmlinux" "system path"
PAGEOWNER_DEBUG_ROOT=$r "$PO" info --no-default-dirs --no-debuginfod --no-btf "$dump" >/dev/null 2>"$t/err"
[ $? = 6 ] || fail "--no-default-dirs still looked in the root"
grep -q "$r/" "$t/err" && fail "--no-default-dirs: the root is in the tried list"

# beside the dump (another kernel's vmlinux there too, sorted first)
mkdir -p "$t/beside"; ln -s "$dump" "$t/beside/vmcore"
ln -s "$other" "$t/beside/vmlinux-0-other"; ln -s "$vml" "$t/beside/vmlinux-$rel"
dump_saved=$dump; dump=$t/beside/vmcore
found "$t/beside/vmlinux-$rel" "beside the dump"
"$PO" info --no-debuginfod --debug-dir "$t/wrong" "$dump" >/dev/null 2>&1 || fail "beside the dump, after a wrong debug dir"
dump=$dump_saved

# nothing (and not the dump's own BTF, the last step: --no-btf): exit 6
# with the places tried and what was wrong there
"$PO" top --no-debuginfod --no-btf --debug-dir "$t/wrong" --debug-dir "$t/stripped" --debug-dir "$t/none" \
	"$dump" >"$t/out" 2>"$t/err"; rc=$?
cat "$t/err"
[ $rc = 6 ] || fail "nothing found: exit $rc, want 6"
[ -s "$t/out" ] && fail "nothing found: a report was written"
grep -q "^pageowner: no debug info found for the dump's kernel (release $rel, build id $bid); tried:" "$t/err" ||
	fail "first line"
grep -qF "$t/wrong/boot/vmlinux-$rel: other build id $obid" "$t/err" || fail "the other build is not named with its build id"
grep -qF "$t/stripped/.build-id/$nn/$rest.debug: the dump's build, but no DWARF" "$t/err" || fail "the stripped vmlinux"
grep -qF "$t/none/.build-id/$nn/$rest.debug: not found" "$t/err" || fail "a missing build-id link"
grep -qF "$t/none/lib/modules/$rel/vmlinux: not found" "$t/err" || fail "a missing Fedora path"
grep -qF "$PAGEOWNER_DEBUG_ROOT/boot/vmlinux-$rel: not found" "$t/err" || fail "the system's /boot"
grep -qF "/vmlinux*: none beside the dump" "$t/err" || fail "beside the dump"
grep -qF "debuginfod: not asked (--no-debuginfod)" "$t/err" || fail "debuginfod"
grep -qF "linux-image-$rel-dbg" "$t/err" || fail "no Debian hint"
grep -qF "kernel-debuginfo" "$t/err" || fail "no Fedora hint"
# the order: the debug dirs first, each's build-id links first
grep -n '^  ' "$t/err" | head -1 | grep -qF "$t/wrong/.build-id/$nn/$rest.debug: not found" || fail "order"
# without DEBUGINFOD_URLS debuginfod is not asked, and says so
"$PO" pages --no-btf "$dump" >/dev/null 2>"$t/err"; rc=$?
[ $rc = 6 ] || fail "no debug dirs: exit $rc"
grep -qF "debuginfod: not asked (DEBUGINFOD_URLS is not set)" "$t/err" || fail "DEBUGINFOD_URLS unset not said"

# the last step: with no vmlinux anywhere, the dump's own BTF and kallsyms
# (the 6.1 and 6.12 kernels have BTF), and the same report
"$PO" top --no-debuginfod "$dump" >"$t/a" 2>"$t/err" || { cat "$t/err"; fail "the search's last step, BTF: exit $?"; }
"$PO" top "$dump" "$vml" >"$t/b" 2>/dev/null
cmp -s "$t/a" "$t/b" || fail "top from the dump's BTF differs from top with the vmlinux"
"$PO" info --no-debuginfod "$dump" 2>/dev/null | grep -q "^types and symbols:  the dump's BTF (.*(the search's last step)" ||
	fail "info does not say the BTF came as the search's last step"
v73=$(fx_versions | grep '^7\.' | tail -1)
if [ -n "$v73" ] && d73=$(fx_dump "$v73" oom d31.zstd); then
	"$PO" top --no-debuginfod "$d73" >/dev/null 2>"$t/err"; rc=$?
	[ $rc = 6 ] || fail "$v73 (no BTF), nothing found: exit $rc, want 6"
	grep -qF "the dump's own BTF and kallsyms: no BTF in the dump" "$t/err" || { cat "$t/err"; fail "$v73: the BTF step is not in the tried list"; }
fi

# every report, and sort, without a vmlinux argument
for c in pages stacks memcg info "page 1" ; do
	# shellcheck disable=SC2086
	"$PO" $c --debug-dir "$t/bid" "$dump" >"$t/a" 2>/dev/null; ra=$?
	# shellcheck disable=SC2086
	"$PO" $c "$dump" "$vml" >"$t/b" 2>/dev/null; rb=$?
	[ $ra = $rb ] || fail "$c: exit $ra with the search, $rb with the vmlinux"
	[ "$c" = info ] && { grep -v '^types and symbols: ' "$t/a" >"$t/a2"; grep -v '^types and symbols: ' "$t/b" >"$t/b2"; mv "$t/a2" "$t/a"; mv "$t/b2" "$t/b"; }
	cmp -s "$t/a" "$t/b" || fail "$c: the search gave another report"
done
"$PO" sort -m --debug-dir "$t/bid" "$dump" >"$t/a" 2>/dev/null || fail "sort with the search"
"$PO" sort -m "$dump" "$vml" >"$t/b" 2>/dev/null
cmp -s "$t/a" "$t/b" || fail "sort: the search gave another output"
# -o is never the vmlinux found
"$PO" top --debug-dir "$t/deb" -o "$t/deb/boot/vmlinux-$rel" "$dump" 2>"$t/err"; rc=$?
[ $rc = 2 ] && grep -q "it is the input" "$t/err" || fail "-o over the vmlinux found: exit $rc"
# batch: each child runs the same search (the build-id link comes before
# the files batch finds under --debug-dir); nothing found is that dump's exit 6
mkdir -p "$t/batch"; ln -s "$dump" "$t/batch/a.kdump"
"$PO" batch --json --report info --debug-dir "$t/bid" "$t/batch" >"$t/batch.jsonl" 2>"$t/err" ||
	{ cat "$t/err"; fail "batch with --debug-dir: exit $?"; }
"$PO" batch --json --report info --no-btf --debug-dir "$t/wrong" "$t/batch" >"$t/batch2.jsonl" 2>"$t/err"; rc=$?
[ $rc = 11 ] || fail "batch with only another build: exit $rc, want 11"
python3 - "$t/batch.jsonl" "$t/batch2.jsonl" "$nn/$rest" "$obid" <<'PY' || fail "batch JSON"
import json, sys
r = json.loads(open(sys.argv[1]).readline())
assert r["status"] == "ok" and r["vmlinux"].endswith("/bid/.build-id/" + sys.argv[3] + ".debug"), r
assert "build-id link" in r["report"]["debuginfo"]["how"], r["report"]["debuginfo"]
r = json.loads(open(sys.argv[2]).readline())
assert r["status"] == "error" and r["exit_code"] == 6 and r["vmlinux"] is None, r
assert "no debug info found" in r["messages"] and "other build id " + sys.argv[4] in r["messages"], r
assert r["messages"].count("/wrong/boot/vmlinux-") == 1, r["messages"]  # once, not again as batch's find
PY

note "all layouts found; other build, stripped build passed over; exit 6 lists what was tried"
