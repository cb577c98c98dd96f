# --json of pages (JSON Lines), page and info parses and carries the same
# numbers as the text output, on every fixture kernel.
. "$(dirname "$0")/../lib.sh"
n=0
for v in $(fx_versions); do
	vml=$(fx_vmlinux "$v")
	dump=$(fx_dump "$v" churn d31.zstd) || continue
	txt=$FXCACHE/$v/churn/json-core.txt; js=$FXCACHE/$v/churn/json-core.jsonl
	"$PO" pages "$dump" "$vml" >"$txt" || fail "$v pages"
	"$PO" pages --json "$dump" "$vml" >"$js" || fail "$v pages --json"
	"$PO" info --json "$dump" "$vml" >"$js.info" || fail "$v info --json"
	python3 - "$txt" "$js" "$js.info" <<'PY' || fail "$v: JSON differs from text"
import json, re, sys
text = open(sys.argv[1]).read()
recs = [r for r in text.split('\n\n') if r.strip()]
rows = [json.loads(l) for l in open(sys.argv[2])]
assert len(rows) == len(recs), (len(rows), len(recs))
pages_text = sum(1 << int(re.search(r'order (\d+)', r).group(1)) for r in recs)
assert sum(r['pages'] for r in rows) == pages_text
for r, t in zip(rows, recs):
    pfn = int(re.search(r'^PFN (0x[0-9a-f]+|\d+)', t, re.M).group(1), 0)
    assert r['pfn'] == pfn, (r['pfn'], pfn)
    frames = [l[1:] for l in t.split('\n') if l.startswith(' ')]
    assert [f['text'] for f in r['stack']] == frames, (pfn, r['stack'][:2], frames[:2])
    assert ('pid %d, ' % r['pid']) in t.split('\n')[0] or 'pid' not in t.split('\n')[0]
info = json.load(open(sys.argv[3]))
assert info['pfns_allocated'] == len(recs), (info['pfns_allocated'], len(recs))
assert info['pages_allocated'] == pages_text
print("%d records, %d pages: JSON and text agree" % (len(recs), pages_text))
PY
	pfn=$(sed -n 's/^PFN \(0x[0-9a-f]*\|[0-9]*\) .*/\1/p' "$txt" | sed -n 100p)
	"$PO" page --json "$pfn" "$dump" "$vml" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["pfn"] == int(sys.argv[1], 0) and d["stack"], d' "$pfn" || fail "$v page --json $pfn"
	n=$((n+1))
done
[ $n -gt 0 ] || skip "no fixtures"
