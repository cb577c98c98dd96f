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
expect 4 "not a readable kernel dump" -- "$PO" pages /etc/os-release "$vml"
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
expect 4 "not a readable kernel dump" -- "$PO" info "$tmp/garbage" "$vml"
expect 2 "no vmlinux given" -- "$PO" info "$dump"
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
