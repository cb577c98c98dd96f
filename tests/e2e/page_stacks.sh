# `pageowner page` shows the allocation stack of an allocated page and the
# free stack of a freed one, on every fixture kernel; --phys and --page name
# the same page; JSON parses and carries both stacks.
. "$(dirname "$0")/../lib.sh"
n=0
for v in $(fx_versions); do
	vml=$(fx_vmlinux "$v")
	dump=$(fx_dump "$v" churn elf) || dump=$(fx_dump "$v" churn d31.zstd) || continue
	# an allocated page: the first record of `pages`
	pfn=$("$PO" pages "$dump" "$vml" | sed -n 's/^PFN \(0x[0-9a-f]*\|[0-9]*\) .*/\1/p' | head -50 | tail -1)
	[ -n "$pfn" ] || fail "$v: no allocated page found"
	out=$("$PO" page "$pfn" "$dump" "$vml") || fail "$v: page $pfn failed"
	echo "$out" | grep -q "tracks the page as allocated" || fail "$v: $pfn not reported allocated"
	echo "$out" | grep -q "^ get_page_from_freelist+0x\|^ __alloc_pages\|^ [a-z_].*+0x[0-9a-f]*/0x" || fail "$v: no allocation stack for $pfn"
	# the same page by physical address and by struct page address
	phys=$(printf '0x%x' $((pfn * 4096)))
	[ "$("$PO" page --phys "$phys" "$dump" "$vml")" = "$out" ] || fail "$v: --phys $phys differs"
	spage=$(echo "$out" | sed -n 's/.* struct page \(0x[0-9a-f]*\) .*/\1/p' | head -1)
	[ "$("$PO" page --page "$spage" "$dump" "$vml")" = "$out" ] || fail "$v: --page $spage differs"
	# a freed page with a free stack
	freed=$("$PO" pages --freed "$dump" "$vml" | awk '/^PFN/{pfn=$2} /stack trace:$/ && /free/{print pfn; exit}')
	[ -n "$freed" ] || fail "$v: no freed page with a free stack"
	fo=$("$PO" page "$freed" "$dump" "$vml") || fail "$v: page $freed failed"
	echo "$fo" | grep -q "tracks the page as freed" || fail "$v: $freed not reported freed"
	echo "$fo" | grep -A1 "free.*stack trace:" | tail -1 | grep -q "^ [a-z_].*+0x" || fail "$v: no free stack for $freed"
	"$PO" page --json "$freed" "$dump" "$vml" | python3 -c '
import json,sys; d=json.load(sys.stdin)
assert d["free_stack"] and d["free_stack"][0]["symbol"], d
assert d["allocated"] is False' || fail "$v: JSON of $freed"
	note "$v: allocated $pfn and freed $freed OK"
	n=$((n+1))
done
[ $n -gt 0 ] || fail "no fixtures"
