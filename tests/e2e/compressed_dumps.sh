# Dumps compressed whole, as archives keep them: vmcore.zst (zstd --long=31,
# as the fixtures are stored), .gz and .xz.  Each reads as the dump itself
# (same report, byte for byte), is found by `batch` in a directory, and a
# compressed file cut short or corrupt is exit 5 naming the file, never a
# signal.
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
v=$(fx_versions | tail -1)
vml=$(fx_vmlinux "$v")
n=0
for f in "$FX/$v/oom/vmcore.d31.zstd.zst" "$FX/$v/churn/vmcore.elf.zst"; do
	[ -f "$f" ] || continue
	plain=$(fx_unpack "$f")
	"$PO" top --json "$plain" "$vml" >"$tmp/plain.json" 2>"$tmp/plain.err" || fail "$plain: exit $?"
	"$PO" top --json "$f" "$vml" >"$tmp/z.json" 2>"$tmp/z.err" || { cat "$tmp/z.err"; fail "$f: exit $?"; }
	cmp -s "$tmp/plain.json" "$tmp/z.json" || fail "$f: top differs from the unpacked dump's"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || skip "no fixture dump of $v"
plain=$(fx_dump "$v" oom d31.zstd)
"$PO" stacks "$plain" "$vml" >"$tmp/plain.txt" 2>/dev/null
gzip -1 -c "$plain" >"$tmp/vmcore.gz"
xz -0 -T1 -c "$plain" >"$tmp/vmcore.xz"
for z in gz xz; do
	"$PO" stacks "$tmp/vmcore.$z" "$vml" >"$tmp/$z.txt" 2>"$tmp/$z.err" ||
		{ cat "$tmp/$z.err"; fail "vmcore.$z: exit $?"; }
	cmp -s "$tmp/plain.txt" "$tmp/$z.txt" || fail "vmcore.$z: stacks differ from the plain dump's"
	"$PO" info "$tmp/vmcore.$z" "$vml" | grep -q "file compressed with" ||
		fail "vmcore.$z: info does not say the file was compressed"
done
# two gzip members, as pigz or cat make
head -c 1000000 "$plain" | gzip -1 >"$tmp/two.gz"
tail -c +1000001 "$plain" | gzip -1 >>"$tmp/two.gz"
"$PO" stacks "$tmp/two.gz" "$vml" >"$tmp/two.txt" 2>/dev/null || fail "two-member gzip: exit $?"
cmp -s "$tmp/plain.txt" "$tmp/two.txt" || fail "two-member gzip: stacks differ"

# cut short, corrupt: exit 5, the file named, no signal
zst="$FX/$v/oom/vmcore.d31.zstd.zst"
size=$(stat -c %s "$zst")
head -c $((size / 2)) "$zst" >"$tmp/cut.zst"
"$PO" top "$tmp/cut.zst" "$vml" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 5 ] || { cat "$tmp/err"; fail "zstd file cut short: exit $rc, want 5"; }
grep -q "cut.zst" "$tmp/err" && grep -q "cut short" "$tmp/err" || { cat "$tmp/err"; fail "cut short: message"; }
cp "$tmp/vmcore.gz" "$tmp/bad.gz"
printf '\xff\xff\xff\xff\xff\xff\xff\xff' | dd of="$tmp/bad.gz" bs=1 seek=5000 conv=notrunc 2>/dev/null
"$PO" top "$tmp/bad.gz" "$vml" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 5 ] || { cat "$tmp/err"; fail "corrupt gzip: exit $rc, want 5"; }
grep -q "bad.gz" "$tmp/err" || fail "corrupt gzip: message does not name the file"

# batch finds compressed dumps in a directory and runs them like the rest
mkdir -p "$tmp/arch/a" "$tmp/arch/b"
cp "$zst" "$tmp/arch/a/vmcore.zst"
cp "$tmp/vmcore.gz" "$tmp/arch/b/dump.gz"
"$PO" batch --json --vmlinux "$vml" "$tmp/arch" >"$tmp/batch.json" 2>"$tmp/batch.err" ||
	{ cat "$tmp/batch.err"; fail "batch over compressed dumps: exit $?"; }
python3 - "$tmp/batch.json" <<'PY' || fail "batch over compressed dumps"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 2, rows
for r in rows:
    assert r["status"] == "ok", r
    assert r["report"]["stacks"], r["dump"]
PY
note "zstd, gzip (one and two members) and xz dumps read as the dump; cut and corrupt ones exit 5; batch finds them"
exit 0
