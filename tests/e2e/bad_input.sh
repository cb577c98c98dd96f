# Bad input gets one clear line on stderr and a distinct, documented exit
# code: no such file (3), not a dump (4), truncated dump (5), vmlinux of
# another kernel (7), page_owner off (8); filtered-out PFNs are counted and
# reported, not fatal; nothing the user gave is modified.
. "$(dirname "$0")/../lib.sh"
vers=($(fx_versions))
[ ${#vers[@]} -gt 0 ] || fail "no fixtures"
v=${vers[0]}
vml=$(fx_vmlinux "$v")
dump=$(fx_dump "$v" churn elf) || fail "no ELF dump for $v"
tmp=$FXCACHE/bad; mkdir -p "$tmp"

expect() { # expect CODE PATTERN -- command...
	code=$1 pat=$2; shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
	[ $rc = "$code" ] || { cat "$tmp/err"; fail "'$*' exited $rc, want $code"; }
	[ "$(wc -l <"$tmp/err")" = 1 ] || { cat "$tmp/err"; fail "'$*': want exactly one line on stderr"; }
	grep -q -- "$pat" "$tmp/err" || { cat "$tmp/err"; fail "'$*': stderr lacks '$pat'"; }
	note "exit $rc: $(cat "$tmp/err")"
}
sum_before=$(md5sum "$dump" "$vml")
expect 3 "No such file" -- "$PO" pages /nonexistent/vmcore "$vml"
expect 4 "not a kernel dump" -- "$PO" pages /etc/os-release "$vml"
head -c $(( $(stat -c %s "$dump") / 2 )) "$dump" > "$tmp/truncated.elf"
expect 5 "truncated" -- "$PO" pages "$tmp/truncated.elf" "$vml"
if kd=$(fx_dump "$v" churn d31.zstd); then
	head -c $(( $(stat -c %s "$kd") * 2 / 3 )) "$kd" > "$tmp/truncated.kdump"
	expect 5 "truncated" -- "$PO" pages "$tmp/truncated.kdump" "$vml"
fi
if fl=$(fx_dump "$v" churn d31.flat); then
	head -c $(( $(stat -c %s "$fl") / 2 )) "$fl" > "$tmp/truncated.flat"
	expect 5 "truncated" -- "$PO" pages "$tmp/truncated.flat" "$vml"
fi
head -c 4096 /dev/urandom > "$tmp/garbage"
expect 4 "not a kernel dump" -- "$PO" info "$tmp/garbage" "$vml"
# (no vmlinux given: the search, exit 6 when it finds nothing: debug_search.sh)
expect 2 "unknown command" -- "$PO" frobnicate "$dump" "$vml"
expect 6 "not a vmlinux\|not an ELF" -- "$PO" pages "$dump" /etc/os-release
if [ ${#vers[@]} -gt 1 ]; then
	other=$(fx_vmlinux "${vers[1]}")
	expect 7 "does not belong to the dump" -- "$PO" pages "$dump" "$other"
else
	echo "note: one fixture kernel only: mismatch case not run"
fi
if nopo=$(fx_dump 6.1 nopo d31.zstd); then
	expect 8 "page_owner was not enabled" -- "$PO" pages "$nopo" "$(fx_vmlinux 6.1)"
	"$PO" info "$nopo" "$(fx_vmlinux 6.1)" | grep -q "page_owner: *off" || fail "info on nopo"
else
	fail "no page_owner-off fixture (tests/fixtures/6.1/nopo)"
fi
# filtered dumps: PFNs whose data is missing are counted on stderr, never fatal
for f in $(fx_forms "$v" churn); do
	d=$(fx_dump "$v" churn "$f")
	"$PO" pages "$d" "$vml" >/dev/null 2>"$tmp/err" || { cat "$tmp/err"; fail "$f: not fatal expected"; }
done
[ "$(md5sum "$dump" "$vml")" = "$sum_before" ] || fail "inputs were modified"

# Files that are not dumps are refused by their type, before any read:
# a FIFO never blocks (as dump, vmlinux or --vmlinux), a directory or a
# device is exit 3, not "corrupt".
mkfifo "$tmp/fifo" 2>/dev/null || [ -p "$tmp/fifo" ]
expect 3 "is a FIFO" -- timeout 20 "$PO" pages "$tmp/fifo" "$vml"
expect 3 "is a FIFO" -- timeout 20 "$PO" pages "$dump" "$tmp/fifo"
expect 3 "is a FIFO" -- timeout 20 "$PO" pages --vmlinux "$tmp/fifo" "$dump"
expect 3 "is a directory" -- "$PO" info "$tmp" "$vml"
expect 3 "is a character device" -- "$PO" info /dev/null "$vml"
# no libkdumpfile plumbing in messages
"$PO" info "$tmp/garbage" "$vml" 2>&1 | grep -q "file.set\|Cannot set" && fail "libkdumpfile internals in a message"
# options after the files; numbers are never octal; 2^63 does not wrap
"$PO" info "$dump" "$vml" --json 2>/dev/null | python3 -c 'import json,sys; json.load(sys.stdin)' ||
	fail "--json after the files was not taken as an option"
"$PO" page 010 "$dump" "$vml" 2>&1 | grep -q "^PFN 10 " || fail "page 010 is not PFN 10"
n=$("$PO" stacks --from-pages --threshold 9223372036854775808 "$dump" "$vml" 2>/dev/null | grep -c nr_base_pages)
[ "$n" = 0 ] || fail "--threshold 2^63 printed $n stacks (wrapped negative?)"
"$PO" stacks --from-pages --json -t 18446744073709551615 "$dump" "$vml" 2>/dev/null |
	grep -q '"threshold":18446744073709551615' || fail "--threshold 2^64-1 in JSON"
expect 2 "threshold" -- "$PO" stacks -t 18446744073709551616 "$dump" "$vml"
