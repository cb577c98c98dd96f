# `pageowner top --json` parses and carries the same numbers as the text:
# the greatest consumers (pages, frames), processes, memory totals, panic.
. "$(dirname "$0")/../lib.sh"
n=0
for v in $(fx_versions); do
	for sc in oom churn; do
		form=$(fx_forms "$v" $sc | head -1)
		[ -n "$form" ] || continue
		dump=$(fx_dump "$v" $sc "$form")
		vml=$(fx_vmlinux "$v")
		mkdir -p "$FXCACHE/$v/$sc"
		t=$FXCACHE/$v/$sc/top-n3.txt j=$FXCACHE/$v/$sc/top-n3.json
		"$PO" top -n 3 "$dump" "$vml" >"$t" 2>"$t.err" || { rc=$?; cat "$t.err"; fail "$v $sc: top exited $rc"; }
		"$PO" top -n 3 --json "$dump" "$vml" >"$j" 2>"$j.err" || { rc=$?; cat "$j.err"; fail "$v $sc: top --json exited $rc"; }
		python3 -m json.tool "$j" >/dev/null || fail "$v $sc: JSON does not parse"
		python3 - "$t" "$j" <<'PY' || fail "$v $sc: JSON and text disagree"
import json, re, sys
text = open(sys.argv[1]).read()
o = json.load(open(sys.argv[2]))
heads = re.findall(r'^(?:greatest memory consumer|next #\d+): (\d+) pages', text, re.M)
assert [int(h) for h in heads] == [s['pages'] for s in o['stacks']], (heads, [s['pages'] for s in o['stacks']])
assert len(o['stacks']) <= 3
blocks = re.findall(r'are allocated from:\n((?: .*\n)*)', text)
for b, s in zip(blocks, o['stacks']):
    assert [l[1:] for l in b.splitlines()] == [f['text'] for f in s['stack']]
m = re.search(r'^panic: (.*)$', text, re.M)
if o['panic'] is None:
    assert m.group(1).startswith(('none', 'unknown')), m.group(1)
else:
    assert m.group(1) == o['panic'], (m.group(1), o['panic'])
tot = o['totals']
def num(label):
    mm = re.search(r'^  ' + label + r':\s+(\d+) pages', text, re.M)
    return int(mm.group(1)) if mm else None
assert num('RAM') == tot['ram_pages'], (num('RAM'), tot['ram_pages'])
assert num('free') == tot['free_pages']
assert num(r'counted by page_owner') == tot['page_owner_pages']
procs = re.findall(r'^\s+(\d+)\s+[\d.]+\s+[\d.]+\s+(-?\d+)  ', text.split('largest processes')[1].split('by gfp mask')[0], re.M)
assert [(int(p), int(t)) for p, t in procs] == [(p['pages'], p['tgid']) for p in o['processes']], procs
for k in ('ram_pages', 'free_pages', 'page_owner_pages'):
    assert isinstance(tot[k], int), k
print('  top: %d stacks, %d processes agree; RAM %s, free %s, page_owner %s pages; panic %r'
      % (len(o['stacks']), len(o['processes']), tot['ram_pages'], tot['free_pages'], tot['page_owner_pages'], o['panic']))
PY
		echo "$v $sc ok"
		n=$((n+1))
		break
	done
done
[ $n -gt 0 ] || skip "no fixtures"
