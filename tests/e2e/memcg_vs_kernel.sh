# `pageowner memcg` against the kernel's own text on every churn fixture:
# the dying memcgs and their page counts equal the kernel's "Charged ... to
# offline memcg NAME" lines (tests/e2e/memcg_check.py), the dying count
# equals nr_dying_descendants of cgroup.stat, the live `holder` cgroup is
# online with its processes, and every dying memcg with pages names stacks.
# The other dump forms must give the same JSON numbers; the text report,
# --dying and --memcg must agree with the JSON.
. "$(dirname "$0")/../lib.sh"
n=0
for v in $(fx_versions); do
	truth=$(fx_truth "$v" churn page_owner.txt) || continue
	stat=$(fx_truth "$v" churn cgroup.stat) || fail "$v: no truth/cgroup.stat"
	vml=$(fx_vmlinux "$v")
	forms=$(fx_forms "$v" churn)
	first=
	for f in elf d31.zstd $forms; do
		case " $(echo $forms) " in *" $f "*) first=$f; break;; esac
	done
	[ -n "$first" ] || fail "$v: no churn dump"
	dump=$(fx_dump "$v" churn "$first")
	out=$FXCACHE/$v/churn/memcg
	mkdir -p "$out"
	echo "$v churn ($first):"
	"$PO" memcg --json "$dump" "$vml" >"$out/memcg.json" 2>"$out/memcg.err" ||
		{ rc=$?; cat "$out/memcg.err"; fail "$v: pageowner memcg --json exited $rc"; }
	python3 -m json.tool "$out/memcg.json" >/dev/null || fail "$v: memcg --json is not JSON"
	"$PO" pages "$dump" "$vml" >"$out/pages.txt" 2>/dev/null || fail "$v: pageowner pages failed"
	python3 "$(dirname "$0")/memcg_check.py" "$truth" "$out/pages.txt" "$out/memcg.json" "$stat" ||
		fail "$v: memcg report disagrees with the kernel"
	# Text report: same dying memcgs, same counts, stacks named.
	"$PO" memcg "$dump" "$vml" >"$out/memcg.txt" 2>"$out/memcg.err" || fail "$v: text report exited $?"
	python3 - "$out/memcg.json" "$out/memcg.txt" <<'PY' || fail "$v: text report disagrees with JSON"
import json, sys
rep = json.load(open(sys.argv[1])); txt = open(sys.argv[2]).read()
bad = 0
for m in rep['memcgs']:
    row = [l for l in txt.split('\n') if l.endswith('  ' + m['path']) and not l.startswith(' ')]
    if not row or int(row[0].split()[3]) != m['pages']['total']:
        print("  text row for", m['path'], "missing or wrong:", row); bad = 1
    if m['dying'] and m['pages']['total']:
        if f"{m['state']} {m['path']}  (" not in txt:
            print("  no dying section for", m['path']); bad = 1
        for s in m['stacks'][:10]:
            if f"handle {s['handle']}\n" not in txt:
                print("  stack", s['handle'], "of", m['path'], "not in the text"); bad = 1
if f"walking root_mem_cgroup found {rep['dying_found']}" not in txt:
    print("  dying count line missing"); bad = 1
sys.exit(bad)
PY
	# --dying lists only dying memcgs; --memcg PATH only that subtree.
	"$PO" memcg --json --dying "$dump" "$vml" >"$out/dying.json" || fail "$v: --dying failed"
	holder=$(python3 -c 'import json,sys; print(next(m["path"] for m in json.load(open(sys.argv[1]))["memcgs"] if m["name"]=="holder"))' "$out/memcg.json")
	"$PO" memcg --json --memcg "$holder" "$dump" "$vml" >"$out/holder.json" || fail "$v: --memcg $holder failed"
	python3 - "$out/memcg.json" "$out/dying.json" "$out/holder.json" "$holder" <<'PY' || fail "$v: --dying/--memcg wrong"
import json, sys
full, dying, hold = (json.load(open(p)) for p in sys.argv[1:4])
want = sorted(m['path'] for m in full['memcgs'] if m['dying'])
got = sorted(m['path'] for m in dying['memcgs'])
if want != got:
    print("  --dying lists", got[:5], "want", want[:5]); sys.exit(1)
paths = [m['path'] for m in hold['memcgs']]
if sys.argv[4] not in paths or any(not (p == sys.argv[4] or p.startswith(sys.argv[4] + '/')) for p in paths):
    print("  --memcg lists", paths); sys.exit(1)
h = next(m for m in hold['memcgs'] if m['path'] == sys.argv[4])
f = next(m for m in full['memcgs'] if m['path'] == sys.argv[4])
if h['pages'] != f['pages'] or not h['stacks']:
    print("  --memcg holder numbers differ or no stacks"); sys.exit(1)
print(f"  --dying: {len(got)} memcgs; --memcg {sys.argv[4]}: {len(paths)} memcgs, {len(h['stacks'])} stacks")
PY
	"$PO" memcg --memcg /no/such/cgroup "$dump" "$vml" >/dev/null 2>&1 && fail "$v: --memcg of a missing path succeeded"
	# Other dump forms: the same numbers.
	for f in $forms; do
		[ "$f" = "$first" ] && continue
		d=$(fx_dump "$v" churn "$f")
		"$PO" memcg --json "$d" "$vml" >"$out/memcg.$f.json" 2>/dev/null || fail "$v $f: memcg failed"
		python3 - "$out/memcg.json" "$out/memcg.$f.json" "$f" <<'PY' || fail "$v $f: numbers differ from $first"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda r: sorted((m['path'], m['state'], m['pages']['total'], m['slab']['objects']) for m in r['memcgs'])
if key(a) == key(b) and a['dying_found'] == b['dying_found']:
    print(f"  {sys.argv[3]}: same numbers"); sys.exit(0)
# A dump form that lacks memory (makedumpfile excluded it) may give other
# numbers, but then the report must say what it could not read.
missing = [w for w in b['warnings'] if 'could not be read' in w or 'not in the dump' in w or 'Excluded' in w or 'broken' in w]
if not missing:
    print(f"  {sys.argv[3]}: numbers differ and the report does not say why"); sys.exit(1)
print(f"  {sys.argv[3]}: numbers differ; the report says what is missing from this dump form:")
for w in missing:
    print("    warning:", w[:160])
PY
	done
	n=$((n+1))
done
[ $n -gt 0 ] || skip "no churn fixture with a truth page_owner.txt yet"
