# `pageowner memcg` on a dump whose kernel ran with page_owner off: it must
# work (exit 0), count pages from struct page alone, say that stacks and
# pids need page_owner, and still find the dying memcgs the kernel counts.
# Also: the churn dumps read with the struct-page counting agree with the
# page_owner counting on which memcgs are dying.
. "$(dirname "$0")/../lib.sh"
n=0
for v in $(fx_versions); do
	for scen in nopo churn-nopo; do
		[ -d "$FX/$v/$scen" ] || continue
		vml=$(fx_vmlinux "$v")
		form=$(fx_forms "$v" "$scen" | head -1)
		dump=$(fx_dump "$v" "$scen" "$form") || continue
		out=$FXCACHE/$v/$scen/memcg
		mkdir -p "$out"
		echo "$v $scen ($form):"
		"$PO" memcg --json "$dump" "$vml" >"$out/memcg.json" 2>"$out/memcg.err" ||
			{ rc=$?; cat "$out/memcg.err"; fail "$v $scen: memcg exited $rc"; }
		grep -q 'page_owner was off' "$out/memcg.err" || fail "$v $scen: no note that page_owner was off"
		"$PO" memcg "$dump" "$vml" >"$out/memcg.txt" 2>/dev/null || fail "$v $scen: text report failed"
		grep -q 'allocation stacks and the processes that allocated need page_owner' "$out/memcg.txt" ||
			fail "$v $scen: the text does not say what needs page_owner"
		stat=$(fx_truth "$v" "$scen" cgroup.stat 2>/dev/null || true)
		python3 - "$out/memcg.json" "$stat" <<'PY' || fail "$v $scen: wrong report without page_owner"
import json, sys
r = json.load(open(sys.argv[1]))
bad = []
if r['page_owner'] or r['counting'] != 'struct_page':
    bad.append("page_owner/counting fields wrong")
for m in r['memcgs']:
    if m['stacks'] is not None or m['allocated_by'] is not None or m['records'] is not None:
        bad.append(f"{m['path']}: stacks/pids without page_owner")
total = sum(m['pages']['total'] for m in r['memcgs'])
if not total:
    bad.append("no charged pages found")
kd = r['kernel_counters']['nr_dying_descendants']
if kd is not None and kd != r['dying_found']:
    bad.append(f"dying found {r['dying_found']}, kernel counter {kd}")
if sys.argv[2]:
    for l in open(sys.argv[2]):
        if l.startswith('nr_dying_descendants ') and int(l.split()[1]) != r['dying_found']:
            bad.append(f"cgroup.stat {l.strip()}, found {r['dying_found']}")
print(f"  {len(r['memcgs'])} memcgs, {r['dying_found']} dying (kernel {kd}), {total} pages charged")
for b in bad:
    print("  BAD:", b)
sys.exit(1 if bad else 0)
PY
		n=$((n+1))
	done
done
[ $n -gt 0 ] || skip "no fixture with page_owner off yet"
