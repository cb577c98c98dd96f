# -o never writes a file the user gave as input: naming the dump, the
# vmlinux (directly, through a symbolic link or a hard link) is refused with
# exit status 2 and the input stays byte-identical; a run that fails leaves
# an existing output file as it was; a run that succeeds replaces it; and
# the output is opened only after the inputs are open.
. "$(dirname "$0")/../lib.sh"
v=$(fx_versions | head -1)
vml=$(fx_vmlinux "$v")
src=$(fx_dump "$v" churn d31.zstd) || skip "no kdump fixture"
tmp=$FXCACHE/output; rm -rf "$tmp"; mkdir -p "$tmp"
cp "$src" "$tmp/vmcore"
ln -s "$tmp/vmcore" "$tmp/vmcore.link"
ln "$tmp/vmcore" "$tmp/vmcore.hard"
sum=$(md5sum < "$tmp/vmcore"); vsum=$(md5sum < "$vml")
for cmd in "pages" "top" "stacks" "memcg" "info" "pages --json" "sort -m"; do
	for o in "$tmp/vmcore" "$tmp/vmcore.link" "$tmp/vmcore.hard" "$vml"; do
		"$PO" $cmd -o "$o" "$tmp/vmcore" "$vml" >/dev/null 2>"$tmp/err"
		rc=$?
		[ $rc = 2 ] || { cat "$tmp/err"; fail "$cmd -o $o: exit $rc, want 2"; }
		grep -q "refusing to write the output to" "$tmp/err" || { cat "$tmp/err"; fail "$cmd -o $o: message"; }
	done
	[ "$(md5sum < "$tmp/vmcore")" = "$sum" ] || fail "$cmd: the dump was modified"
	[ "$(md5sum < "$vml")" = "$vsum" ] || fail "$cmd: the vmlinux was modified"
done
# sort of a text: OUTPUT may not be INPUT either (page_owner_sort truncated it)
"$PO" pages "$tmp/vmcore" "$vml" > "$tmp/po.txt" 2>/dev/null
tsum=$(md5sum < "$tmp/po.txt")
"$PO" sort "$tmp/po.txt" "$tmp/po.txt" 2>/dev/null; [ $? = 2 ] || fail "sort INPUT INPUT was not refused"
[ "$(md5sum < "$tmp/po.txt")" = "$tsum" ] || fail "sort INPUT INPUT modified the input"
# a failing run keeps an existing output; a good one replaces it
echo "previous contents" > "$tmp/out"
"$PO" pages -o "$tmp/out" /nonexistent "$vml" 2>/dev/null; [ $? = 3 ] || fail "missing dump: exit"
[ "$(cat "$tmp/out")" = "previous contents" ] || fail "a failed run changed the output file"
head -c 300 "$tmp/vmcore" > "$tmp/cut"
"$PO" top -o "$tmp/out" "$tmp/cut" "$vml" 2>/dev/null; [ $? = 5 ] || fail "truncated dump: exit"
[ "$(cat "$tmp/out")" = "previous contents" ] || fail "a failed run changed the output file"
"$PO" top -o "$tmp/out" "$tmp/vmcore" "$vml" 2>/dev/null || fail "top -o failed"
grep -q "greatest memory consumer" "$tmp/out" || fail "the output was not written"
ls "$tmp" | grep -q "out\.[A-Za-z0-9]\{6\}$" && fail "a temporary output file was left behind"
# /dev/null and other non-regular outputs are written directly
"$PO" info -o /dev/null "$tmp/vmcore" "$vml" || fail "-o /dev/null"
[ "$(md5sum < "$tmp/vmcore")" = "$sum" ] || fail "the dump was modified"
echo "-o naming an input refused for 7 commands x 4 names; inputs byte-identical"
# the vmlinux the search found (beside the dump here) is an input too, for
# the commands that open their output after reading (flamegraph, diff) as
# for the others
cp "$vml" "$tmp/vmlinux"
fsum=$(md5sum < "$tmp/vmlinux")
for cmd in "top" "flamegraph" "stacks --folded" "diff $tmp/vmcore"; do
	# shellcheck disable=SC2086
	"$PO" $cmd --no-default-dirs --no-debuginfod -o "$tmp/vmlinux" "$tmp/vmcore" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc = 2 ] || { cat "$tmp/err"; fail "$cmd -o (the vmlinux found): exit $rc, want 2"; }
	grep -q "refusing to write the output to" "$tmp/err" || { cat "$tmp/err"; fail "$cmd -o (the vmlinux found): message"; }
	[ "$(md5sum < "$tmp/vmlinux")" = "$fsum" ] || fail "$cmd: the vmlinux found was replaced"
done
ls "$tmp" | grep -q "vmlinux\.[A-Za-z0-9]\{6\}$" && fail "a temporary output file was left behind"
echo "-o naming the vmlinux the search found refused for top, flamegraph, stacks --folded, diff"
