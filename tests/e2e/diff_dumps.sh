# `pageowner diff` of each kernel's churn dump against its OOM dump names
# the pipe-write stacks as the greatest growth, with the pages `stacks`
# (--from-pages, and the kernel's own stack_list where it has one) gives
# each side; every changed stack is a row with those counts; processes and
# memcgs add up to the same change.  `diff X X` reports no change, the ELF
# and compressed forms of one dump none in stacks; a page_owner text
# against the dump it was read before shows almost none.  The ways of
# giving the vmlinux files (or having them found), and their errors.
. "$(dirname "$0")/../lib.sh"
chk=$TOP/tests/e2e/diff_check.py
n=0
for v in $(fx_versions); do
	churn=$(fx_dump "$v" churn d31.zstd) || continue
	oom=$(fx_dump "$v" oom d31.zstd) || continue
	vml=$(fx_vmlinux "$v")
	d=$FXCACHE/$v/diff; mkdir -p "$d"
	echo "$v churn -> oom:"
	"$PO" diff --json "$churn" "$oom" "$vml" >"$d/diff.json" 2>"$d/diff.err" ||
		{ cat "$d/diff.err"; fail "$v: diff --json"; }
	for s in churn oom; do
		f=$churn; [ $s = oom ] && f=$oom
		"$PO" stacks --from-pages "$f" "$vml" >"$d/$s.from-pages" 2>/dev/null || fail "$v: stacks --from-pages $s"
		"$PO" stacks "$f" "$vml" >"$d/$s.stacks" 2>/dev/null || fail "$v: stacks $s"
	done
	case $v in 7.*) np=2;; *) np=1;; esac
	python3 "$chk" "$d/diff.json" "$d/churn.from-pages" "$d/oom.from-pages" '(^|_)pipe_write$' $np --exact ||
		fail "$v: diff against stacks --from-pages"
	# the pipe rows also have the kernel's own counts (stack_list on 6.9+)
	python3 "$chk" "$d/diff.json" "$d/churn.stacks" "$d/oom.stacks" '(^|_)pipe_write$' $np --first >/dev/null ||
		fail "$v: the pipe rows differ from plain stacks"
	# the text report: the first stack is the pipe write, with its counts
	"$PO" diff "$churn" "$oom" "$vml" >"$d/diff.txt" 2>/dev/null || fail "$v: diff"
	first=$(awk '/^stacks by growth/ {on = 1; next} on && /^$/ && got {exit} on && NF {print; got = 1}' "$d/diff.txt")
	echo "$first" | grep -qE '^ (anon_)?pipe_write$' || { echo "$first"; fail "$v: the first stack is not a pipe write"; }
	want=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['stacks']['rows'][0]; print('%+d pages' % r['change'], r['before'], '->', r['after'])" "$d/diff.json")
	set -- $want
	echo "$first" | head -1 | grep -q "^$1 pages (.*): $3 -> $5" || { echo "$first" | head -1; fail "$v: first row is not $want"; }
	grep -q '^processes (by comm) by growth' "$d/diff.txt" || fail "$v: no process section"
	grep -q '^memory cgroups (by path) by growth' "$d/diff.txt" || fail "$v: no memcg section"
	grep -qE '^ +[0-9]+ +[0-9]+ +\+[0-9]+  pohelper$' "$d/diff.txt" || fail "$v: pohelper did not grow"
	# --threshold: no smaller change is shown
	"$PO" diff --json -t 500 "$churn" "$oom" "$vml" 2>/dev/null |
		python3 -c "import json,sys; j=json.load(sys.stdin); assert all(abs(r['change']) >= 500 for s in ('stacks','processes','memcgs') for r in j[s]['rows']) and j['stacks']['not_shown'] > 0" ||
		fail "$v: --threshold 500"
	# no change
	"$PO" diff "$oom" "$vml" "$oom" "$vml" >"$d/same.txt" 2>/dev/null || fail "$v: diff X X"
	grep -q '^no change: ' "$d/same.txt" || { cat "$d/same.txt"; fail "$v: diff X X reports a change"; }
	"$PO" diff --json --old-vmlinux "$vml" --new-vmlinux "$vml" "$oom" "$oom" 2>/dev/null |
		python3 -c "import json,sys; j=json.load(sys.stdin); assert j['no_change'] and j['change_pages'] == 0 and not j['stacks']['rows'] and not j['processes']['rows'] and not j['memcgs']['rows']" ||
		fail "$v: diff --json X X"
	# the ELF and makedumpfile forms of one dump: the same stacks and
	# processes (memcg names may be filtered out of the -d 31 form)
	elf=$(fx_dump "$v" churn elf) && {
		"$PO" diff --json --vmlinux "$vml" "$churn" "$elf" 2>/dev/null |
			python3 -c "import json,sys; j=json.load(sys.stdin); assert j['change_pages'] == 0 and not j['stacks']['rows'] and not j['processes']['rows']" ||
			fail "$v: the ELF and compressed forms of one dump differ"
	}
	# a page_owner text against its dump: the few pages of the last moments
	if truth=$(fx_truth "$v" churn page_owner.txt) && [ -n "$elf" ]; then
		"$PO" diff --json "$truth" "$elf" "$vml" >"$d/text.json" 2>/dev/null || fail "$v: diff text dump"
		python3 -c "import json,sys; j=json.load(open(sys.argv[1])); c=sum(abs(r['change']) for r in j['stacks']['rows']); print('  page_owner text -> its dump:', c, 'pages moved'); assert c <= 50 and j['old']['kind'] == 'page_owner text'" "$d/text.json" ||
			fail "$v: the text and its dump differ by more than 50 pages"
	fi
	n=$((n+1))
done
[ $n -gt 0 ] || skip "no churn and OOM fixtures"
# two kernels: stacks matched by names across builds
vs=$(fx_versions | tr '\n' ' '); set -- $vs
if [ $# -ge 2 ]; then
	a=$(fx_dump "$1" oom d31.zstd) b=$(fx_dump "$2" oom d31.zstd)
	"$PO" diff --json "$a" "$(fx_vmlinux "$1")" "$b" "$(fx_vmlinux "$2")" >"$FXCACHE/diff-kernels.json" 2>/dev/null ||
		fail "diff of $1 and $2"
	python3 -c "import json,sys; j=json.load(open(sys.argv[1])); assert j['old']['release'] != j['new']['release']; print('  %s -> %s: %d stacks changed, %d unchanged' % (j['old']['release'], j['new']['release'], len(j['stacks']['rows']), j['stacks']['unchanged']))" "$FXCACHE/diff-kernels.json" ||
		fail "diff of two kernels"
	# a vmlinux that does not match its dump
	"$PO" diff "$a" "$(fx_vmlinux "$2")" "$b" "$(fx_vmlinux "$2")" >/dev/null 2>&1
	[ $? = 7 ] || fail "a wrong vmlinux is not exit status 7"
fi
# usage errors
"$PO" diff "$oom" "$vml" >/dev/null 2>&1; [ $? = 2 ] || fail "diff with one side is not a usage error"
# no vmlinux given: found by the search (here a --debug-dir laid out as
# /usr/lib/debug), the same diff as with it; nothing found is exit 6
t=$FXCACHE/diff-search; rm -rf "$t"; mkdir -p "$t/deb/boot"
rel=$("$PO" info --json "$oom" "$vml" | python3 -c 'import json,sys; print(json.load(sys.stdin)["release"])')
ln -s "$vml" "$t/deb/boot/vmlinux-$rel"
PAGEOWNER_DEBUG_ROOT=$t/none "$PO" diff --json --no-debuginfod --debug-dir "$t/deb" "$churn" "$oom" \
	>"$t/found.json" 2>/dev/null || fail "diff with the vmlinux found in --debug-dir"
cmp -s "$t/found.json" "$d/diff.json" || fail "the vmlinux found by the search gives another diff"
PAGEOWNER_DEBUG_ROOT=$t/none "$PO" diff --no-debuginfod --no-btf "$oom" "$oom" >/dev/null 2>&1
[ $? = 6 ] || fail "diff without a vmlinux, none found, is not exit status 6"
"$PO" diff "$oom" "$oom" "$oom" "$vml" >/dev/null 2>&1; [ $? = 2 ] || fail "three dumps are not a usage error"
"$PO" diff "$oom" "$vml" "$vml" "$oom" >/dev/null 2>&1 || fail "D V V D is two sides"
"$PO" diff -t x "$oom" "$oom" "$vml" >/dev/null 2>&1; [ $? = 2 ] || fail "-t x is not a usage error"
"$PO" diff /nonexistent "$oom" "$vml" >/dev/null 2>&1; [ $? = 3 ] || fail "a missing file is not exit status 3"
exit 0
