# `pageowner sort` where the kernel's page_owner_sort falls short (see
# pageowner-sort(1), DIFFERENCES), on generated debugfs-format text:
# blocks over 128 KiB, counters over 2^31, a last block without its empty
# line, --sort, "comm" as a cull key, -o/OUTPUT/stdin, usage errors, and
# memory that grows with distinct blocks, not with the input.
. "$(dirname "$0")/../lib.sh"
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT

L1='Page allocated via order %d, mask 0x152cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), pid %d, tgid %d (%s), ts %d ns\n'
PFN='PFN 0x%x type Movable Block 1 type Movable Flags 0x4000000000020028(uptodate|lru|node=0|zone=1)\n'
rec() { # ORDER PID COMM TS NFRAMES [FRAME]
	printf "$L1" "$1" "$2" "$2" "$3" "$4"
	printf "$PFN" "$4"
	for ((i = 0; i < $5; i++)); do echo " ${6:-frame_$i}+0x10/0x20"; done
}

# 1. a 180 KiB block between two small ones (page_owner_sort stops reading
#    at a block over its 128 KiB buffer and drops it and all after it)
{ rec 0 1 a 10 3; echo; rec 1 2 b 20 6000 a_rather_long_function_name_here; echo; rec 0 3 c 30 3; echo; } >"$w/big.txt"
"$PO" sort --cull=pid "$w/big.txt" >"$w/out" || fail "big block: exit $?"
[ "$(cat "$w/out")" = "$(printf '1 times, 1 pages, PID 1\n1 times, 2 pages, PID 2\n1 times, 1 pages, PID 3')" ] ||
	{ cat "$w/out"; fail "big block: not all three records counted"; }
"$PO" sort "$w/big.txt" | grep -c a_rather_long_function_name_here | grep -qx 6000 ||
	fail "big block: its 6000 frames are not all in the output"

# 2. counters past 2^31 (int in page_owner_sort): order 33, and two order-31
#    records that merge into 2^32 pages
{ rec 33 1 a 10 3; echo; rec 31 2 b 20 3 same; echo; rec 31 2 b 20 3 same; echo; } >"$w/wide.txt"
out=$("$PO" sort -m --cull=pid "$w/wide.txt") || fail "wide: exit $?"
[ "$out" = "$(printf '1 times, 8589934592 pages, PID 1\n2 times, 4294967296 pages, PID 2')" ] ||
	{ echo "$out"; fail "wide: 64-bit page counts"; }

# 3. a last block without its empty line is counted (page_owner_sort drops it)
{ rec 0 1 a 10 3; echo; rec 0 2 b 20 3; } >"$w/noeol.txt"
out=$("$PO" sort --cull=pid "$w/noeol.txt")
[ "$(echo "$out" | wc -l)" = 2 ] || { echo "$out"; fail "last block without empty line"; }

# 4. --sort is honoured (page_owner_sort 6.12 overrides it with -t), comm is
#    a cull key (page_owner_sort's usage names it but rejects it)
{ for p in 5 3 9 1; do rec 0 "$p" "c$p" "$p" 2; echo; done; rec 0 3 c3 3 2; echo; } >"$w/keys.txt"
out=$("$PO" sort --sort=-pid --cull=pid "$w/keys.txt" | sed 's/.*PID //' | tr '\n' ' ')
[ "$out" = "9 5 3 1 " ] || fail "--sort=-pid gave '$out'"
out=$("$PO" sort --sort=+pid,-times --cull=p "$w/keys.txt" | sed 's/ times.*PID /:/' | tr '\n' ' ')
[ "$out" = "1:1 1:3 2:3 1:5 1:9 " ] && fail "--sort=+pid: impossible output '$out'"
[ "$out" = "1:1 2:3 1:5 1:9 " ] || fail "--sort=+pid,-times gave '$out'"
out=$("$PO" sort --cull=comm "$w/keys.txt" | head -1)
[ "$out" = "2 times, 2 pages, task_comm_name: c3" ] || fail "--cull=comm gave '$out'"

# 5. input from stdin, output to OUTPUT or -o; the same bytes
"$PO" sort -m "$w/keys.txt" >"$w/a" || fail "stdout: exit $?"
"$PO" sort -m - <"$w/keys.txt" >"$w/b" || fail "stdin: exit $?"
"$PO" sort -m "$w/keys.txt" "$w/c" >/dev/null || fail "OUTPUT: exit $?"
"$PO" sort -m -o "$w/d" "$w/keys.txt" || fail "-o: exit $?"
for f in b c d; do cmp -s "$w/a" "$w/$f" || fail "output $f differs"; done

# 6. usage and file errors
"$PO" sort --sort=nosuchkey "$w/keys.txt" >/dev/null 2>&1; [ $? = 2 ] || fail "bad --sort key: not exit 2"
"$PO" sort --cull=txt "$w/keys.txt" >/dev/null 2>&1; [ $? = 2 ] || fail "bad --cull key: not exit 2"
"$PO" sort -m -t "$w/keys.txt" >/dev/null 2>&1; [ $? = 2 ] || fail "-m -t: not exit 2"
"$PO" sort --pid=1,x "$w/keys.txt" >/dev/null 2>&1; [ $? = 2 ] || fail "bad --pid: not exit 2"
"$PO" sort "$w/nonexistent" >/dev/null 2>&1; [ $? = 3 ] || fail "missing input: not exit 3"

# 7. memory follows distinct blocks, not input size: 4x the records with the
#    same 50 stacks must not need (much) more memory
[ -x /usr/bin/time ] || { echo "no /usr/bin/time: memory check skipped"; exit 0; }
gen() { # N
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++) {
			s = i % 50
			printf "Page allocated via order %d, mask 0x152cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), pid %d, tgid %d (job%d), ts %d ns\n", i % 3, 100 + s, 100 + s, s, 1000 + i
			printf "PFN 0x%x type Movable Block %d type Movable Flags 0x4000000000020028(uptodate|lru|node=0|zone=1)\n", i, i / 512
			for (f = 0; f < 12; f++) printf " stack%d_frame%d+0x%x/0x200\n", s, f, f * 16
			printf "\n"
		}
	}'
}
# (ASan's quarantine keeps freed memory: keep it small for this check)
rss() { gen "$1" | ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1 /usr/bin/time -f %M "$PO" sort --cull=st - 2>&1 >/dev/null | tail -1; }
small=$(rss 25000) big=$(rss 100000)
echo "max RSS: 25000 records ${small} KiB, 100000 records ${big} KiB"
[ "$big" -lt $((small + 8192)) ] || fail "memory grows with the input: ${small} -> ${big} KiB"
