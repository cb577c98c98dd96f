# `pageowner stacks --folded` on every fixture dump (churn and OOM): the
# pages of each folded stack equal `stacks --from-pages` (with --offsets
# one line per stack, exactly; without, stacks differing only in offsets
# merged; with each --root, after dropping the first frame), and every line
# is what flamegraph.pl's parser takes: one ';'-joined stack, one space, an
# integer.
. "$(dirname "$0")/../lib.sh"
chk=$TOP/tests/e2e/folded_check.py
n=0
for v in $(fx_versions); do
	vml=$(fx_vmlinux "$v")
	for s in churn oom; do
		dump=$(fx_dump "$v" "$s" d31.zstd) || continue
		d=$FXCACHE/$v/$s/folded; mkdir -p "$d"
		"$PO" stacks --from-pages "$dump" "$vml" >"$d/stacks.txt" 2>"$d/stacks.err" ||
			{ cat "$d/stacks.err"; fail "$v $s: stacks --from-pages"; }
		echo "$v $s:"
		for args in "--offsets" "" "--root process" "--root memcg" "--root gfp"; do
			f=$d/folded${args// /}.txt
			# shellcheck disable=SC2086
			"$PO" stacks --folded $args "$dump" "$vml" >"$f" 2>"$f.err" ||
				{ cat "$f.err"; fail "$v $s: stacks --folded $args"; }
			grep -q "summed from the per-page records" "$f.err" ||
				{ cat "$f.err"; fail "$v $s --folded $args: no source note"; }
			python3 "$chk" rules "$f" >/dev/null || { python3 "$chk" rules "$f"; fail "$v $s --folded $args: not flamegraph.pl's format"; }
			extra=
			case $args in --offsets) extra=--offsets;; --root*) extra=--root;; esac
			# shellcheck disable=SC2086
			python3 "$chk" vs-stacks "$d/stacks.txt" "$f" $extra ||
				fail "$v $s: stacks --folded $args differs from stacks --from-pages"
		done
		# the total on stderr is the sum of the lines
		t=$(awk '{s += $NF} END {print s}' "$d/folded.txt")
		grep -q ", $t pages\$" "$d/folded.txt.err" || fail "$v $s: stderr total is not $t"
		# sorted by pages, largest first; --threshold drops the small ones
		awk '{print $NF}' "$d/folded.txt" | sort -c -s -n -r || fail "$v $s: not sorted"
		"$PO" stacks --folded -t 100 "$dump" "$vml" 2>/dev/null | awk '$NF < 100 {exit 1}' ||
			fail "$v $s: --threshold 100 printed a smaller stack"
		# JSON: the same stacks and pages
		"$PO" stacks --folded --json "$dump" "$vml" 2>/dev/null >"$d/folded.json" ||
			fail "$v $s: --folded --json"
		python3 - "$d/folded.json" "$d/folded.txt" <<'PY' || fail "$v $s: JSON differs from the text"
import json, sys
j = json.load(open(sys.argv[1]))
txt = [l.rstrip('\n').rpartition(' ') for l in open(sys.argv[2])]
assert [(s['stack'], s['pages']) for s in j['stacks']] == [(a, int(c)) for a, _, c in txt]
assert j['total_pages'] == sum(int(c) for _, _, c in txt) and j['root'] == 'none'
assert j['source'] == 'pages' and j['release'] and not j['offsets']
PY
		n=$((n+1))
	done
done
[ $n -gt 0 ] || skip "no fixture dumps"
# usage errors
dump=$(fx_dump "$(fx_versions | head -1)" churn d31.zstd); vml=$(fx_vmlinux "$(fx_versions | head -1)")
"$PO" stacks --folded --root pid "$dump" "$vml" >/dev/null 2>&1; [ $? = 2 ] || fail "--root pid is not a usage error"
"$PO" stacks --root process "$dump" "$vml" >/dev/null 2>&1; [ $? = 2 ] || fail "--root without --folded is not a usage error"
"$PO" stacks --folded --handles "$dump" "$vml" >/dev/null 2>&1; [ $? = 2 ] || fail "--folded --handles is not a usage error"
exit 0
