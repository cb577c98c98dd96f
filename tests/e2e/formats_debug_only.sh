# The page_owner line formats come from print_page_owner()'s strings in the
# vmlinux's .rodata; a separate debug file (objcopy --only-keep-debug, as
# distributions ship: .rodata without contents) falls back to the members of
# struct page_owner and the release.  On every fixture kernel:
#  - `info` says which source decided the formats, and that pff[] gave the
#    %pGp fields;
#  - `pages` and `page` print the same bytes with either file.
. "$(dirname "$0")/../lib.sh"
command -v objcopy >/dev/null || skip "no objcopy (binutils)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/po-fmt.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0
for v in $(fx_versions); do
	dump=$(fx_dump "$v" churn elf) || continue
	vml=$(fx_vmlinux "$v")
	dbg=$tmp/vmlinux-$v.debug
	objcopy --only-keep-debug "$vml" "$dbg" || fail "$v: objcopy --only-keep-debug"
	"$PO" info "$dump" "$vml" > "$tmp/info.full" 2>&1 || fail "$v: info with the vmlinux"
	"$PO" info "$dump" "$dbg" > "$tmp/info.dbg" 2>&1 || fail "$v: info with the debug file"
	grep -q 'page_owner text (vmlinux .rodata)' "$tmp/info.full" ||
		fail "$v: the formats did not come from .rodata: $(grep 'page_owner text' "$tmp/info.full")"
	grep -q 'page_owner text (struct page_owner and release)' "$tmp/info.dbg" ||
		fail "$v: debug file: $(grep 'page_owner text' "$tmp/info.dbg")"
	grep -q "page->flags fields: from the kernel's pff\[\]" "$tmp/info.full" ||
		fail "$v: %pGp fields not read from pff[]"
	# the rest of what info prints about the formats agrees
	diff <(grep -E '^  (%pGp|page->flags fields)' "$tmp/info.full") \
	     <(grep -E '^  (%pGp|page->flags fields)' "$tmp/info.dbg") ||
		fail "$v: %pGp forms differ between the vmlinux and its debug file"
	"$PO" pages "$dump" "$vml" > "$tmp/full.txt" 2>/dev/null || fail "$v: pages"
	"$PO" pages "$dump" "$dbg" > "$tmp/dbg.txt" 2>/dev/null || fail "$v: pages with the debug file"
	[ -s "$tmp/full.txt" ] || fail "$v: no pages output"
	cmp -s "$tmp/full.txt" "$tmp/dbg.txt" ||
		fail "$v: pages differ between the vmlinux and its debug file: $(diff "$tmp/full.txt" "$tmp/dbg.txt" | head -5)"
	pfn=$(awk '/^PFN /{print $2; exit}' "$tmp/full.txt")
	"$PO" page "$pfn" "$dump" "$vml" > "$tmp/p1" 2>&1 || fail "$v: page $pfn"
	"$PO" page "$pfn" "$dump" "$dbg" > "$tmp/p2" 2>&1 || fail "$v: page $pfn with the debug file"
	cmp -s "$tmp/p1" "$tmp/p2" || fail "$v: page $pfn differs"
	note "$v: $(grep -c '^Page allocated' "$tmp/full.txt") records identical with the vmlinux and its debug file"
	n=$((n+1))
done
[ "$n" -ge 1 ] || skip "no fixture dumps"
