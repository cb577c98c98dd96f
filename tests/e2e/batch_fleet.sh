# batch across a fleet: --shard K/N partitions an archive exactly and
# --merge of the shards equals the unsharded run; -j 2 --ordered equals
# -j 1; kdump-tools' and kexec-tools' /var/crash layouts are found (and
# *-incomplete skipped); a child over --max-memory is reported as such and
# the batch goes on; --summary groups the OOM dumps apart from the churn
# dumps; bad values of the new options are usage errors.
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
arch=$tmp/archive
n=0
for v in $(fx_versions); do
	for sc in oom churn; do
		d=$(fx_dump "$v" "$sc" d31.zstd) || continue
		mkdir -p "$arch/$v"
		ln -s "$d" "$arch/$v/$sc.vmcore"
		n=$((n + 1))
	done
	mkdir -p "$tmp/debug/$v"
	ln -s "$(fx_vmlinux "$v")" "$tmp/debug/$v/vmlinux"
done
[ "$n" -ge 2 ] || skip "fewer than two fixture dumps"
PB=("$PO" batch --json --debug-dir "$tmp/debug")

"${PB[@]}" -j 1 "$arch" >"$tmp/all.jsonl" 2>"$tmp/all.err" || { cat "$tmp/all.err"; fail "unsharded batch: exit $?"; }
[ "$(wc -l <"$tmp/all.jsonl")" = "$n" ] || fail "unsharded batch: $(wc -l <"$tmp/all.jsonl") rows for $n dumps"
for k in 1 2 3; do
	"${PB[@]}" -j 1 --shard "$k/3" "$arch" >"$tmp/s$k.jsonl" 2>"$tmp/s$k.err" ||
		{ cat "$tmp/s$k.err"; fail "shard $k/3: exit $?"; }
	grep -q "(shard $k/3)" "$tmp/s$k.err" || fail "shard $k/3: the summary line does not name the shard"
done
cat "$tmp"/s[123].jsonl | python3 -c '
import json, sys
rows = [json.loads(l)["dump"] for l in sys.stdin]
assert len(rows) == len(set(rows)), "a dump in two shards"
print(len(rows))' >"$tmp/count" || fail "shards overlap"
[ "$(cat "$tmp/count")" = "$n" ] || fail "the shards hold $(cat "$tmp/count") dumps, the archive $n"
"$PO" batch --merge "$tmp/s1.jsonl" "$tmp/s2.jsonl" "$tmp/s3.jsonl" >"$tmp/merged.jsonl" 2>"$tmp/merge.err" ||
	{ cat "$tmp/merge.err"; fail "merge: exit $?"; }
cmp -s "$tmp/all.jsonl" "$tmp/merged.jsonl" || fail "the merged shards differ from the unsharded run"
grep -q "$n dumps: $n ok" "$tmp/merge.err" || { cat "$tmp/merge.err"; fail "merge: summary line"; }
note "3 shards of $n dumps: a partition; merged = unsharded"

"${PB[@]}" -j 2 --ordered "$arch" >"$tmp/j2.jsonl" 2>/dev/null || fail "-j 2 --ordered: exit $?"
cmp -s "$tmp/all.jsonl" "$tmp/j2.jsonl" || fail "-j 2 --ordered differs from -j 1"
"${PB[@]}" -j 2 "$arch" 2>/dev/null | sort >"$tmp/j2s"
sort "$tmp/all.jsonl" >"$tmp/all.s"
cmp -s "$tmp/all.s" "$tmp/j2s" || fail "-j 2 (as finished) holds other rows than -j 1"

# --summary: the OOM dumps and the churn dumps never share a group
"${PB[@]}" -j 2 --summary "$arch" >"$tmp/sum.jsonl" 2>/dev/null || fail "--summary: exit $?"
tail -1 "$tmp/sum.jsonl" | python3 -c '
import json, sys
s = json.load(sys.stdin)["summary"]
oom = sum(g["count"] for g in s["groups"] if g["panic"].startswith("Out of memory"))
sysrq = sum(g["count"] for g in s["groups"] if "sysrq" in g["panic"])
assert s["dumps"] == oom + sysrq, s
assert all(g["stack"] and g["example"] and g["kernels"] for g in s["groups"]), s
assert not any("get_page_from_freelist" in g["stack"] for g in s["groups"]), "allocator frames kept"
print(oom, sysrq)' >"$tmp/groups" || fail "--summary groups"
note "summary: OOM and churn dumps in separate groups ($(cat "$tmp/groups"))"
"$PO" batch --summary --debug-dir "$tmp/debug" "$arch" >"$tmp/sum.txt" 2>/dev/null
grep -q "^summary: $n dumps in" "$tmp/sum.txt" || fail "--summary text: no summary"
"$PO" batch --merge --summary "$tmp"/s[123].jsonl 2>/dev/null | tail -1 | python3 -c '
import json, sys; assert json.load(sys.stdin)["summary"]["dumps"] > 0' || fail "--merge --summary"

# /var/crash as kdump-tools and kexec-tools leave it
v=$(fx_versions | tail -1)
d=$(fx_dump "$v" oom d31.zstd)
vc=$tmp/var-crash
mkdir -p "$vc/202612010203" "$vc/127.0.0.1-2026-12-01-02:03:04" "$vc/127.0.0.1-2026-12-01-03:00:00-incomplete"
cp "$d" "$vc/202612010203/dump.202612010203"
echo "[    7.6] Kernel panic - not syncing: Out of memory" >"$vc/202612010203/dmesg.202612010203"
ln -s "$d" "$vc/127.0.0.1-2026-12-01-02:03:04/vmcore"
echo "[    7.6] Kernel panic" >"$vc/127.0.0.1-2026-12-01-02:03:04/vmcore-dmesg.txt"
ln -s "$d" "$vc/127.0.0.1-2026-12-01-03:00:00-incomplete/vmcore-incomplete"
"${PB[@]}" "$vc" >"$tmp/vc.jsonl" 2>"$tmp/vc.err" || { cat "$tmp/vc.err"; fail "/var/crash layouts: exit $?"; }
python3 - "$tmp/vc.jsonl" <<'PY' || fail "/var/crash layouts"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ok = sorted(r["dump"].split("/")[-1] for r in rows if r["status"] == "ok")
assert ok == ["dump.202612010203", "vmcore"], rows
inc = [r for r in rows if r["dump"].endswith("-incomplete")]
assert len(inc) == 1 and inc[0]["status"] == "skipped" and "incomplete" in inc[0]["messages"], rows
PY

# the log kdump saved beside the dump gives the panic reason when the dump's
# own log is unreadable (here: the printk ring buffer pointer zeroed)
v2=$(fx_versions | tail -1)
if e=$(fx_dump "$v2" churn elf); then
	vml2=$(fx_vmlinux "$v2")
	mkdir -p "$tmp/kd/202612010405"
	cp --sparse=always "$e" "$tmp/kd/202612010405/dump.202612010405"
	python3 "$TOP/tests/dumpmut.py" "$tmp/kd/202612010405/dump.202612010405" kvaddr-u64 "$vml2" prb 0 0 ||
		fail "could not zero prb"
	rm -f "$tmp/kd/202612010405/dump.202612010405.undo"
	printf '[    0.000000] Linux version %s\n[   12.500000] Kernel panic - not syncing: saved-log reason 42\n' "$v2" \
		>"$tmp/kd/202612010405/dmesg.202612010405"
	"$PO" top --json "$tmp/kd/202612010405/dump.202612010405" "$vml2" 2>/dev/null |
		python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["panic"] is None and r["kmsg_error"], r' ||
		fail "a dump with its log pointer zeroed still has a panic reason"
	"$PO" batch --json --vmlinux "$vml2" "$tmp/kd" 2>/dev/null | python3 -c '
import json, sys
r = [x for x in map(json.loads, sys.stdin) if x["input"] == "dump"][0]["report"]
assert r["panic"] == "saved-log reason 42" and r["panic_from"].endswith("dmesg.202612010405"), r' ||
		fail "batch did not take the panic reason from dmesg.DATE"
	note "the panic reason from dmesg.DATE when the dump's log is unreadable"
fi

# a child over its memory limit: reported as such, the batch goes on
case $PO in
*asan*) note "--max-memory not tried under ASan (its shadow memory needs more address space than any limit)";;
*)
	"${PB[@]}" --max-memory 40M "$arch/$v" >"$tmp/mem.jsonl" 2>/dev/null; rc=$?
	[ "$rc" = 11 ] || fail "--max-memory 40M: exit $rc, want 11"
	python3 - "$tmp/mem.jsonl" <<'PY' || fail "--max-memory"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) >= 2 and all(r["status"] == "memory" for r in rows), rows
assert all("memory limit of 40 MiB" in r["messages"] for r in rows), rows
PY
	"${PB[@]}" --max-memory 4G "$arch/$v" >/dev/null 2>&1 || fail "--max-memory 4G: exit $?";;
esac

for bad in "--shard 0/3" "--shard 4/3" "--shard 1/0" "--shard x" "-j 0" "-j abc" "--max-memory 1" "--max-memory 12Q"; do
	# shellcheck disable=SC2086
	"$PO" batch $bad "$arch" >/dev/null 2>"$tmp/err"; rc=$?
	[ "$rc" = 2 ] || fail "batch $bad: exit $rc, want 2"
done
"$PO" top -j 2 "$d" >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] || fail "top -j 2: exit $rc, want 2 (a batch option)"
exit 0
