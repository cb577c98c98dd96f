# Stack frames in kernel modules, against the kernel's own %pS text.  The
# fixture (tests/fixtures/module/VER/, made by make-module-fixture; 6.12 is
# committed, other kernels can be made by hand) is a guest that loaded
# po_testmod.ko, whose non-inlined function allocated 64
# order-0 and 4 order-2 pages, and read page_owner and show_stacks before
# crashing.  Checks:
#  - `pageowner pages`: every kernel record with a [po_testmod] frame is
#    byte-identical (all 68), and >= 99.5% of all records are;
#  - `pageowner stacks`: the module stacks have the kernel's text and counts,
#    and >= 99% of all pages are attributed as the kernel does;
#  - `pageowner page PFN` of such a page prints the record's stack, and its
#    JSON names the module; symbol start = address - offset is the address
#    /proc/kallsyms gave for the symbol in the guest.
. "$(dirname "$0")/../lib.sh"
check() {
local v=$1 M=$FX/module/$1 want have dump truth vml out pfn
[ -f "$FX/$v/vmlinux.zst" ] || { echo "  $v: no vmlinux fixture tests/fixtures/$v/vmlinux.zst"; return 1; }
want=$(sed -n 's/^BUILD_ID=//p' "$M/meta")
have=$(sed -n 's/^BUILD_ID=//p' "$FX/$v/meta" 2>/dev/null)
[ -z "$have" ] || [ "$want" = "$have" ] ||
	fail "$v: module fixture built for vmlinux $want, tests/fixtures/$v has $have: rerun make-module-fixture"
echo "$v:"
dump=$(fx_unpack "$M/vmcore.d31.zstd.zst")
truth=$(fx_unpack "$M/truth/page_owner.txt.zst")
vml=$(fx_vmlinux "$v")
out=$FXCACHE/module/$v/pages.txt

"$PO" pages "$dump" "$vml" >"$out" 2>"$out.err" ||
	{ rc=$?; cat "$out.err"; fail "$v: pageowner pages exited $rc"; }
python3 "$TOP/tests/compare_pages.py" "$truth" "$out" 99.5 || fail "$v: pages below 99.5%"

# Every record with a module frame, byte for byte; print one PFN for below.
pfn=$(python3 - "$truth" "$out" <<'PY'
import re, sys
def recs(p):
    d = open(p, 'rb').read().decode('utf-8', 'replace')
    out = {}
    for r in d.split('\n\n'):
        m = re.search(r'^PFN (0x[0-9a-f]+|\d+) ', r, re.M)
        if m:
            out[int(m.group(1), 0)] = r.strip('\n')
    return out
t, o = recs(sys.argv[1]), recs(sys.argv[2])
mod = [p for p, r in t.items() if '[po_testmod]' in r]
bad = [p for p in mod if o.get(p) != t[p]]
for p in bad[:3]:
    print('kernel:\n%s\npageowner:\n%s' % (t[p], o.get(p)), file=sys.stderr)
print('  records with a [po_testmod] frame: %d kernel, %d identical in ours' %
      (len(mod), len(mod) - len(bad)), file=sys.stderr)
ours_mod = sum('[po_testmod]' in r for r in o.values())
if len(mod) < 68 or bad or ours_mod != len(mod):
    print('  ours has %d records with the module frame' % ours_mod, file=sys.stderr)
    sys.exit(1)
print(hex(min(p for p in mod if 'order 0,' in t[p])))
PY
) || fail "$v: module records differ from the kernel's"

# The module stacks in show_stacks, with their page counts.
if [ -f "$M/truth/show_stacks.txt" ]; then
	"$PO" stacks --threshold 0 "$dump" "$vml" >"$out.stacks" 2>"$out.stacks.err" ||
		{ rc=$?; cat "$out.stacks.err"; fail "$v: pageowner stacks exited $rc"; }
	python3 "$TOP/tests/e2e/stacks_compare.py" show_stacks "$M/truth/show_stacks.txt" "$out.stacks" 99 ||
		fail "$v: stacks below 99%"
	python3 - "$M/truth/show_stacks.txt" "$out.stacks" <<'PY' || fail "$v: module stacks differ"
import sys
def blocks(p):
    d = open(p).read()
    return sorted(b.strip('\n') for b in d.split('\n\n') if '[po_testmod]' in b)
t, o = blocks(sys.argv[1]), blocks(sys.argv[2])
print('  show_stacks blocks with a [po_testmod] frame: %d kernel, %d ours' % (len(t), len(o)))
if t != o or len(t) < 2:
    print('kernel:\n' + '\n\n'.join(t) + '\npageowner:\n' + '\n\n'.join(o))
    sys.exit(1)
PY
fi

# One page: its stack as the kernel printed it, and the JSON frame fields.
"$PO" page "$pfn" "$dump" "$vml" >"$out.page" 2>&1 || { cat "$out.page"; fail "$v: page $pfn failed"; }
python3 - "$truth" "$out.page" "$pfn" <<'PY' || fail "$v: page $pfn does not show the record's module frames"
import re, sys
d = open(sys.argv[1]).read()
pfn = int(sys.argv[3], 16)
def pfn_of(r):
    m = re.search(r'^PFN (0x[0-9a-f]+|\d+) ', r, re.M)
    return int(m.group(1), 0) if m else None
rec = next(r for r in d.split('\n\n') if pfn_of(r) == pfn)
stack = [l for l in rec.split('\n') if l.startswith(' ')]
page = open(sys.argv[2]).read().split('\n')
i = page.index(stack[0]) if stack[0] in page else -1
if i < 0 or page[i:i + len(stack)] != stack:
    print('kernel stack:\n' + '\n'.join(stack) + '\npageowner page:\n' + '\n'.join(page))
    sys.exit(1)
print('  page %s: %s' % (sys.argv[3], next(l.strip() for l in stack if '[po_testmod]' in l)))
PY
"$PO" page --json "$pfn" "$dump" "$vml" >"$out.page.json" 2>&1 || { cat "$out.page.json"; fail "$v: page --json $pfn failed"; }
python3 - "$out.page.json" "$M/truth/po_testmod.kallsyms" <<'PY' || fail "$v: page --json: module frames wrong"
import json, sys
doc = json.load(open(sys.argv[1]))
frames = []
def walk(x):
    if isinstance(x, dict):
        if 'address' in x and 'text' in x:
            frames.append(x)
        for v in x.values():
            walk(v)
    elif isinstance(x, list):
        for v in x:
            walk(v)
walk(doc)
ksyms = {}
for line in open(sys.argv[2]):
    a, t, name = line.split()[:3]
    ksyms[name] = int(a, 16)
mod = [f for f in frames if f.get('module') == 'po_testmod']
ok = len(mod) >= 2
for f in mod:
    start = f['address'] - f['offset']
    if ksyms.get(f['symbol']) != start or not f['text'].endswith(' [po_testmod]'):
        print('frame %r: /proc/kallsyms has %s' % (f, hex(ksyms.get(f['symbol'], 0))))
        ok = False
print('  JSON module frames: %s' % ', '.join(f['symbol'] for f in mod))
sys.exit(0 if ok else 1)
PY
}
n=0
for d in "$FX"/module/*/; do
	v=$(basename "$d")
	[ -f "$d/vmcore.d31.zstd.zst" ] && [ -f "$d/truth/page_owner.txt.zst" ] || continue
	check "$v" && n=$((n+1))
done
[ $n -gt 0 ] || skip "no module fixture with its kernel's vmlinux in tests/fixtures/module/ (make-module-fixture makes it)"
