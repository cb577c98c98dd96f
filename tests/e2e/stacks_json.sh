# `pageowner stacks --json` parses (python3 -m json.tool) and carries the
# same stacks, frames and numbers, in the same order, as the text output:
# every fixture kernel (churn), both sources (stack_list where the kernel
# has it, and --from-pages), and the 7.3 views --handles/--stacks-handles.
. "$(dirname "$0")/../lib.sh"
n=0
check() { # VER LABEL [OPTIONS...]: text and JSON of `stacks OPTIONS DUMP VMLINUX` must agree
	v=$1 label=$2; shift 2
	mkdir -p "$FXCACHE/$v/churn"
	t=$FXCACHE/$v/churn/stacks-$label.txt j=$FXCACHE/$v/churn/stacks-$label.json
	"$PO" stacks "$@" "$dump" "$vml" >"$t" 2>"$t.err" || { rc=$?; cat "$t.err"; fail "$v $label: text exited $rc"; }
	"$PO" stacks --json "$@" "$dump" "$vml" >"$j" 2>"$j.err" || { rc=$?; cat "$j.err"; fail "$v $label: json exited $rc"; }
	python3 -m json.tool "$j" >/dev/null || fail "$v $label: JSON does not parse"
	python3 - "$t" "$j" <<'PY' || fail "$v $label: JSON and text disagree"
import json, sys
text = open(sys.argv[1]).read()
obj = json.load(open(sys.argv[2]))
view = obj['view']
blocks = []
for blk in text.split('\n\n'):
    lines = [l for l in blk.split('\n') if l]
    if not lines:
        continue
    b = {'frames': [l[1:] for l in lines if l.startswith(' ')]}
    for l in lines:
        if l.startswith('nr_base_pages: '):
            b['pages'] = int(l.split(': ')[1])
        if l.startswith('handle: '):
            b['handle'] = int(l.split(': ')[1])
    blocks.append(b)
st = obj['stacks']
assert len(st) == len(blocks) == obj['nr_printed'], (len(st), len(blocks), obj['nr_printed'])
for b, s in zip(blocks, st):
    assert isinstance(s['nr_base_pages'], int) and isinstance(s['handle'], int)
    if 'pages' in b:
        assert b['pages'] == s['nr_base_pages'], (b, s['nr_base_pages'])
    if 'handle' in b:
        assert b['handle'] == s['handle'], (b['handle'], s['handle'])
    if view != 'handles':
        assert b['frames'] == [f['text'] for f in (s['stack'] or [])], (b['frames'][:3],)
        for f in s['stack'] or []:
            assert isinstance(f['address'], int)
if view != 'stacks_handles':
    thr = max(obj['threshold'], 1)
    assert all(s['nr_base_pages'] >= thr for s in st), 'threshold not applied'
    assert obj['total_pages'] >= sum(b['pages'] for b in blocks)
print('  %s view, source %s: %d stacks agree, %d pages' % (view, obj['source'], len(st), obj['total_pages']))
PY
	n=$((n+1))
}
first=1
for v in $(fx_versions); do
	vml=$(fx_vmlinux "$v")
	form=$(fx_forms "$v" churn | grep -m1 zstd || fx_forms "$v" churn | head -1)
	[ -n "$form" ] || continue
	dump=$(fx_dump "$v" churn "$form")
	echo "$v churn $form:"
	check "$v" default
	check "$v" threshold --threshold 64 --kernel-order
	if [ $first = 1 ]; then
		check "$v" from-pages --from-pages
		first=0
	fi
	if [ -f "$FX/$v/churn/truth/show_handles.txt" ] || [ -f "$FX/$v/churn/truth/show_stacks_handles.txt" ]; then
		check "$v" handles --handles
		check "$v" stacks-handles --stacks-handles
	fi
done
[ $n -gt 0 ] || skip "no churn fixtures"
