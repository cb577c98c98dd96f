# batch over what real archives hold: good dumps next to a 100-byte dump, a
# file that is not a dump, a FIFO, a path that does not exist, a child that
# dies by a signal and one that hangs.  Every file gets a result, the good
# dumps are analysed, the batch exits 11 and says what happened to each:
# exit status, "killed by SIGSEGV", "timeout after N s".  A bad time limit
# is a usage error.
. "$(dirname "$0")/../lib.sh"
tmp=$FXCACHE/batch-hostile; rm -rf "$tmp"; mkdir -p "$tmp/dumps" "$tmp/debug"
n=0
for v in $(fx_versions); do
	d=$(fx_dump "$v" churn d31.zstd) || continue
	ln -s "$d" "$tmp/dumps/$v-churn.kdump"
	ln -s "$(fx_vmlinux "$v")" "$tmp/debug/vmlinux-$v"
	n=$((n+1))
done
[ $n -gt 0 ] || skip "no fixtures"
first=$(ls "$tmp/dumps" | head -1)
head -c 100 "$tmp/dumps/$first" > "$tmp/dumps/small.kdump"
echo "not a dump" > "$tmp/dumps/notes.txt"
mkfifo "$tmp/dumps/stream.fifo"
timeout 300 "$PO" batch --json --report info --debug-dir "$tmp/debug" "$tmp/dumps" "$tmp/missing" \
	>"$tmp/out.jsonl" 2>"$tmp/err"
rc=$?
cat "$tmp/err"
[ $rc = 124 ] && fail "batch hung (the FIFO?)"
[ $rc = 11 ] || fail "batch exited $rc, want 11"
python3 - "$tmp/out.jsonl" $n <<'PY' || fail "batch JSON"
import json, sys
rows = {r["dump"].split("/")[-1]: r for r in map(json.loads, open(sys.argv[1]))}
n = int(sys.argv[2])
assert len(rows) == n + 4, sorted(rows)
good = [r for k, r in rows.items() if k.endswith("-churn.kdump")]
assert len(good) == n and all(r["status"] == "ok" and r["report"]["pfns_allocated"] > 10000 for r in good), good
s = rows["small.kdump"]
assert s["status"] == "error" and s["exit_code"] == 5 and "truncated" in s["messages"], s
f = rows["stream.fifo"]
assert f["status"] == "error" and f["exit_code"] == 3 and "FIFO" in f["messages"], f
t = rows["notes.txt"]
assert t["status"] == "skipped" and t["exit_code"] is None, t
m = rows["missing"]
assert m["status"] == "error" and m["exit_code"] == 3 and "No such file" in m["messages"], m
print("every file reported: %d good dumps analysed, small.kdump exit 5, FIFO exit 3, notes.txt skipped, missing path exit 3" % n)
PY
grep -q "dumps: $n ok, 1 failed; other inputs failed: 2; skipped (not dumps): 1" "$tmp/err" || fail "summary line"

# a child that dies by a signal, one that hangs: named, the batch goes on
mkdir -p "$tmp/faults"
ln -s "$(readlink "$tmp/dumps/$first")" "$tmp/faults/fault-a.kdump"
ln -s "$(readlink "$tmp/dumps/$first")" "$tmp/faults/good.kdump"
PAGEOWNER_TEST_BATCH_FAULT=segv timeout 120 "$PO" batch --report info --debug-dir "$tmp/debug" "$tmp/faults" >"$tmp/segv.txt" 2>&1
rc=$?
[ $rc = 11 ] || { cat "$tmp/segv.txt"; fail "segv batch exited $rc"; }
grep -q "killed by SIGSEGV" "$tmp/segv.txt" || { cat "$tmp/segv.txt"; fail "no 'killed by SIGSEGV'"; }
grep -q "good.kdump (ok)" "$tmp/segv.txt" || fail "the batch did not go on after the signal"
start=$(date +%s)
PAGEOWNER_TEST_BATCH_FAULT=hang timeout 120 "$PO" batch --timeout 2 --json --report info --debug-dir "$tmp/debug" "$tmp/faults" >"$tmp/hang.jsonl" 2>/dev/null
rc=$?
[ $rc = 11 ] || fail "hang batch exited $rc"
[ $(( $(date +%s) - start )) -lt 60 ] || fail "the time limit did not stop the child"
python3 - "$tmp/hang.jsonl" <<'PY' || fail "timeout JSON"
import json, sys
rows = {r["dump"].split("/")[-1]: r for r in map(json.loads, open(sys.argv[1]))}
h = rows["fault-a.kdump"]
assert h["status"] == "timeout" and h["messages"].startswith("timeout after 2 s"), h
assert rows["good.kdump"]["status"] == "ok"
PY
note "signal and timeout reported, the batch went on"

# a bad time limit is a usage error, not "no limit"
for t in 0 abc -5 1e3; do
	PAGEOWNER_BATCH_TIMEOUT=$t "$PO" batch --report info "$tmp/faults" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc = 2 ] || fail "PAGEOWNER_BATCH_TIMEOUT=$t: exit $rc, want 2"
	grep -q "PAGEOWNER_BATCH_TIMEOUT" "$tmp/err" || fail "PAGEOWNER_BATCH_TIMEOUT=$t: message"
done
"$PO" batch --timeout 0 "$tmp/faults" >/dev/null 2>&1; [ $? = 2 ] || fail "--timeout 0 is not a usage error"
# a path holding no dump is an error
mkdir -p "$tmp/empty"; echo x > "$tmp/empty/x"
"$PO" batch --report info "$tmp/empty" >"$tmp/out" 2>&1; rc=$?
[ $rc = 11 ] || fail "a directory without dumps: exit $rc, want 11"
grep -q "no dump found" "$tmp/out" || fail "a directory without dumps: no message"
