# `pageowner flamegraph` on every fixture's OOM dump: the SVG is valid XML
# (xmllint), rsvg-convert renders it to a PNG of its size that is not
# blank, the root frame is as wide as the pages counted (the sum of
# `stacks --folded`), no frame's callees add up to more than the frame, and
# the pipe path that filled memory is one wide frame (on 7.3 above its two
# split stacks, anon_pipe_prefill_and_lock and __alloc_pages_noprof).  The
# script's zoom, unzoom, hover and search run under node on a minimal DOM.
# Then the other inputs (a debugfs page_owner text, folded stacks), --root,
# --minwidth and --diff.
. "$(dirname "$0")/../lib.sh"
command -v xmllint >/dev/null || skip "no xmllint (libxml2-utils; scripts/deps.sh installs it)"
command -v rsvg-convert >/dev/null || skip "no rsvg-convert (librsvg2-bin; scripts/deps.sh installs it)"
chk=$TOP/tests/e2e/svg_check.py
n=0
for v in $(fx_versions); do
	dump=$(fx_dump "$v" oom d31.zstd) || continue
	vml=$(fx_vmlinux "$v")
	d=$FXCACHE/$v/oom/flamegraph; mkdir -p "$d"
	echo "$v oom:"
	"$PO" flamegraph "$dump" "$vml" -o "$d/fg.svg" 2>"$d/fg.err" ||
		{ cat "$d/fg.err"; fail "$v: flamegraph"; }
	xmllint --noout "$d/fg.svg" || fail "$v: the SVG is not well-formed XML"
	rsvg-convert -o "$d/fg.png" "$d/fg.svg" || fail "$v: rsvg-convert could not render it"
	"$PO" stacks --folded "$dump" "$vml" >"$d/folded.txt" 2>/dev/null || fail "$v: stacks --folded"
	total=$(awk '{s += $NF} END {print s}' "$d/folded.txt")
	grep -q "^pageowner: $total pages in " "$d/fg.err" || { cat "$d/fg.err"; fail "$v: stderr does not say $total pages"; }
	grep -q ">$total pages, " "$d/fg.svg" || fail "$v: the subtitle does not say $total pages"
	case $v in
	7.*) wide=anon_pipe_write kids=anon_pipe_prefill_and_lock,__alloc_pages_noprof;;
	*) wide=pipe_write kids=;;
	esac
	python3 "$chk" "$d/fg.svg" --total "$total" --png "$d/fg.png" --wide "$wide" \
		--children "$kids" --min-share 0.85 || fail "$v: flame graph checks"
	# the pipe frame is exactly the pages of the stacks through it
	pipe=$(awk -v f=";$wide;" '(";" $1 ";") ~ f {s += $NF} END {print s}' "$d/folded.txt")
	grep -q "><title>$wide ($pipe pages, " "$d/fg.svg" || fail "$v: $wide is not $pipe pages wide"
	if command -v node >/dev/null; then
		node "$TOP/tests/e2e/flamegraph_js.js" "$d/fg.svg" "$wide" || fail "$v: the script"
	else
		note "no node: the script was not run"
	fi
	# --root memcg: the first frames are memcg paths, the total the same
	"$PO" flamegraph --root memcg "$dump" "$vml" -o "$d/fg-memcg.svg" 2>/dev/null || fail "$v: --root memcg"
	xmllint --noout "$d/fg-memcg.svg" || fail "$v: --root memcg SVG"
	python3 "$chk" "$d/fg-memcg.svg" --total "$total" >/dev/null || fail "$v: --root memcg checks"
	grep -q '<title>\[uncharged\] (' "$d/fg-memcg.svg" || fail "$v: no [uncharged] memcg frame"
	# --minwidth drops the slivers; the root stays the pages counted
	"$PO" flamegraph --minwidth 5 "$dump" "$vml" -o "$d/fg-min.svg" 2>/dev/null || fail "$v: --minwidth"
	python3 "$chk" "$d/fg-min.svg" --total "$total" --min-width 5 >/dev/null || fail "$v: --minwidth 5 checks"
	[ "$(grep -c 'class="f"' "$d/fg-min.svg")" -lt "$(grep -c 'class="f"' "$d/fg.svg")" ] ||
		fail "$v: --minwidth 5 left out nothing"
	# folded stacks as input: the same graph
	"$PO" flamegraph "$d/folded.txt" -o "$d/fg-folded.svg" 2>/dev/null || fail "$v: flamegraph of folded stacks"
	python3 "$chk" "$d/fg-folded.svg" --total "$total" >/dev/null || fail "$v: folded input checks"
	diff <(grep -o '<g class="f".*</title>' "$d/fg.svg") <(grep -o '<g class="f".*</title>' "$d/fg-folded.svg") |
		grep -v '% of' | grep -q '^[<>]' && fail "$v: the folded input draws other frames"
	# differential: churn -> OOM, the pipe frame red
	churn=$(fx_dump "$v" churn d31.zstd) || fail "$v: no churn dump"
	"$PO" flamegraph --diff "$churn" "$dump" "$vml" -o "$d/fg-diff.svg" 2>/dev/null || fail "$v: --diff"
	xmllint --noout "$d/fg-diff.svg" || fail "$v: --diff SVG"
	python3 "$chk" "$d/fg-diff.svg" --total "$total" --grew "$wide" || fail "$v: --diff checks"
	n=$((n+1))
done
[ $n -gt 0 ] || skip "no OOM fixture"
# a debugfs page_owner text: its records' pages, and the same stacks as the dump
for v in $(fx_versions); do
	truth=$(fx_truth "$v" churn page_owner.txt) || continue
	vml=$(fx_vmlinux "$v")
	d=$FXCACHE/$v/churn/flamegraph; mkdir -p "$d"
	"$PO" flamegraph "$truth" -o "$d/fg-text.svg" 2>/dev/null || fail "$v: flamegraph of page_owner text"
	xmllint --noout "$d/fg-text.svg" || fail "$v: text SVG"
	t=$(awk '/^Page allocated via order/ {o = $5; sub(",", "", o); s += 2 ^ o} END {print s}' "$truth")
	echo "$v churn page_owner text:"
	python3 "$chk" "$d/fg-text.svg" --total "$t" || fail "$v: text input checks"
	"$PO" flamegraph --folded "$truth" >"$d/text.folded" 2>/dev/null || fail "$v: --folded of the text"
	"$PO" stacks --folded "$(fx_dump "$v" churn elf)" "$vml" >"$d/elf.folded" 2>/dev/null || fail "$v: stacks --folded of the ELF dump"
	python3 - "$d/text.folded" "$d/elf.folded" <<'PY' || fail "$v: the text's stacks differ from the dump's"
import sys
from collections import Counter
def read(p):
    c = Counter()
    for l in open(p):
        s, _, n = l.rstrip('\n').rpartition(' ')
        c[s] += int(n)
    return c
a, b = read(sys.argv[1]), read(sys.argv[2])
same = sum(min(a[k], b[k]) for k in a)
print(f'  text {sum(a.values())} pages, dump {sum(b.values())}: {same} attributed to the same stacks')
sys.exit(0 if same >= 0.99 * max(sum(a.values()), sum(b.values())) else 1)
PY
done
# usage
"$PO" flamegraph --root pid x 2>/dev/null; [ $? = 2 ] || fail "--root pid is not a usage error"
"$PO" flamegraph --diff "$d/text.folded" 2>/dev/null; [ $? = 2 ] || fail "--diff with one input is not a usage error"
"$PO" flamegraph --root process "$d/text.folded" >/dev/null 2>&1; [ $? = 2 ] || fail "--root on folded input is not a usage error"
exit 0
