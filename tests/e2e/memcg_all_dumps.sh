# `pageowner memcg` on every fixture dump of every scenario (churn, oom,
# nopo, ...): exits 0, the JSON parses, its dying count equals the kernel's
# own counter read from the same dump (or the report warns about the
# difference), the text shows the same table, and on 7.x kernels (LRU pages
# reparented at offline) the report says so and shows what still references
# each dying memcg.
. "$(dirname "$0")/../lib.sh"
n=0
for v in $(fx_versions); do
	vml=$(fx_vmlinux "$v")
	for sd in "$FX/$v"/*/; do
		scen=$(basename "$sd")
		form=$(fx_forms "$v" "$scen" | head -1)
		[ -n "$form" ] || continue
		dump=$(fx_dump "$v" "$scen" "$form") || continue
		out=$FXCACHE/$v/$scen/memcg
		mkdir -p "$out"
		"$PO" memcg --json "$dump" "$vml" >"$out/all.json" 2>"$out/all.err" ||
			{ rc=$?; cat "$out/all.err"; fail "$v $scen $form: memcg --json exited $rc"; }
		"$PO" memcg "$dump" "$vml" >"$out/all.txt" 2>/dev/null ||
			fail "$v $scen $form: memcg exited $?"
		python3 - "$out/all.json" "$out/all.txt" "$v $scen" <<'PY' || fail "$v $scen: memcg report inconsistent"
import json, sys
r = json.load(open(sys.argv[1])); txt = open(sys.argv[2]).read()
bad = []
kd = r['kernel_counters']['nr_dying_descendants']
dy = [m for m in r['memcgs'] if m['dying']]
if len(dy) != r['dying_found']:
    bad.append(f"{len(dy)} dying memcgs listed, dying_found {r['dying_found']}")
if kd is not None and kd != r['dying_found'] and not any('nr_dying_descendants' in w for w in r['warnings']):
    bad.append(f"kernel counts {kd} dying, found {r['dying_found']}, and no warning")
for m in r['memcgs']:
    p = m['pages']
    if p['total'] != p['direct'] + p['objcg'] or p['total'] != sum(p[k] for k in ('anon', 'shmem', 'file', 'kernel', 'other')):
        bad.append(f"{m['path']}: page split does not add up: {p}")
    if not any(l.endswith('  ' + m['path']) and l.split()[3] == str(p['total']) for l in txt.split('\n')):
        bad.append(f"{m['path']}: no text row with {p['total']} pages")
if r['objcg_reparenting']:
    if 'moves LRU pages to the' not in txt:
        bad.append("7.x kernel: the text does not say LRU pages are reparented")
    for m in dy:
        if m['refs']['css']['mode'] == 'unknown':
            bad.append(f"{m['path']}: what references it is unknown")
root = [m for m in r['memcgs'] if m['path'] == '/']
if not root or root[0]['state'] != 'online':
    bad.append("no online root memcg /")
print(f"  {sys.argv[3]}: {len(r['memcgs'])} memcgs, {r['dying_found']} dying (kernel {kd}), "
      f"{sum(m['pages']['total'] for m in r['memcgs'])} pages charged, page_owner {r['page_owner']}"
      + (", 7.x reparenting" if r['objcg_reparenting'] else ""))
for b in bad:
    print("  BAD:", b)
sys.exit(1 if bad else 0)
PY
		n=$((n+1))
	done
done
[ $n -gt 0 ] || skip "no fixture dumps yet"
