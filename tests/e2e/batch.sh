# `pageowner batch` over a tree of dumps (the CI use): every dump gets a
# result line with its exit status, the vmlinux is found by build id, one
# bad dump never stops the batch, and the batch exits 11 when any failed.
. "$(dirname "$0")/../lib.sh"
tmp=$FXCACHE/batch; rm -rf "$tmp"; mkdir -p "$tmp/dumps/a" "$tmp/dumps/b" "$tmp/debug"
n=0
for v in $(fx_versions); do
	d=$(fx_dump "$v" churn d31.zstd) || continue
	ln -s "$d" "$tmp/dumps/a/$v-churn.kdump"
	ln -s "$(fx_vmlinux "$v")" "$tmp/debug/vmlinux-$v"
	n=$((n+1))
done
[ $n -gt 0 ] || skip "no fixtures"
first=$(ls "$tmp/dumps/a" | head -1)
head -c 2000000 "$tmp/dumps/a/$first" > "$tmp/dumps/b/truncated.kdump"
echo "not a dump" > "$tmp/dumps/b/README"
"$PO" batch --json --report info --debug-dir "$tmp/debug" "$tmp/dumps" >"$tmp/out.jsonl" 2>"$tmp/err"
rc=$?
cat "$tmp/err"
[ $rc = 11 ] || fail "batch exited $rc, want 11 (one dump is truncated)"
python3 - "$tmp/out.jsonl" $n <<'PY' || fail "batch JSON"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
assert len(rows) == n + 2, rows
ok = [r for r in rows if r["status"] == "ok"]
bad = [r for r in rows if r["status"] not in ("ok", "skipped")]
skipped = [r for r in rows if r["status"] == "skipped"]
assert len(ok) == n and len(bad) == 1, rows
assert len(skipped) == 1 and skipped[0]["dump"].endswith("/README"), skipped
assert bad[0]["exit_code"] == 5 and "truncated" in bad[0]["messages"], bad
for r in ok:
    assert r["exit_code"] == 0 and r["vmlinux"] and r["report"]["page_owner"] is True, r
    assert r["report"]["pfns_allocated"] > 10000, r
print("batch: %d ok, 1 truncated reported with exit 5" % n)
PY
# text mode ends with a summary; a batch where all succeed exits 0
"$PO" batch --report top --debug-dir "$tmp/debug" "$tmp/dumps/a" >"$tmp/out.txt" || fail "all-good batch exited $?"
tail -1 "$tmp/out.txt" | grep -q "^$n dumps: $n ok, 0 failed" || { tail -3 "$tmp/out.txt"; fail "summary line"; }
grep -q "greatest memory consumer" "$tmp/out.txt" || fail "top report missing in batch output"
