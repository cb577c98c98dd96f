# --threads N reads memory sections on N threads, each with its own
# libkdumpfile context (and, for the reports that sum pages, decodes them
# into partial sums added up in PFN order: walk_parts.sh plants the case
# where the walk enters a section past its start); the report must not
# change: stdout, stderr and the
# exit status of every whole-dump report on every fixture dump (its
# compressed form; the other forms with pages and top), sort, flamegraph
# and diff are byte-identical to --threads 1; 3 threads on the OOM dumps.
# Also: a bad --threads is a usage error, and the progress line never
# reaches a non-terminal stderr.
. "$(dirname "$0")/../lib.sh"
reports=("pages" "pages --json" "pages --freed" "stacks" "stacks --json" "stacks --from-pages" "stacks --from-pages --json"
	 "stacks --folded --root process" "stacks --folded --root gfp"
	 "top" "top --json" "memcg" "memcg --json" "memcg --dying" "info")
n=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for v in $(fx_versions); do
	vml=$(fx_vmlinux "$v")
	for sd in "$FX/$v"/*/; do
		scen=$(basename "$sd")
		for form in $(fx_forms "$v" "$scen"); do
			dump=$(fx_dump "$v" "$scen" "$form") || continue
			rs=("${reports[@]}"); ts="2"
			[ "$form" = d31.zstd ] || rs=("pages" "top --json")
			# under the sanitizers (ten times slower) the compressed form only
			case $PO in *asan*) [ "$form" = d31.zstd ] || continue
				rs=("pages --json" "stacks" "stacks --from-pages --json" "top --json" "memcg --json");; esac
			[ "$scen" = oom ] && ts="2 3"
			for r in "${rs[@]}"; do
				# shellcheck disable=SC2086
				"$PO" $r --threads 1 "$dump" "$vml" >"$tmp/1.out" 2>"$tmp/1.err"; r1=$?
				for t in $ts; do
					# shellcheck disable=SC2086
					"$PO" $r --threads $t "$dump" "$vml" >"$tmp/t.out" 2>"$tmp/t.err"; rt=$?
					[ "$r1" = "$rt" ] || fail "$v $scen $form '$r': exit $r1 with 1 thread, $rt with $t"
					cmp -s "$tmp/1.out" "$tmp/t.out" ||
						fail "$v $scen $form '$r': output differs between 1 and $t threads"
					cmp -s "$tmp/1.err" "$tmp/t.err" ||
						fail "$v $scen $form '$r': messages differ between 1 and $t threads"
					n=$((n + 1))
				done
			done
			# sort reads the dump through the same walk
			"$PO" sort "$dump" "$vml" --threads 1 >"$tmp/1.out" 2>&1; r1=$?
			"$PO" sort "$dump" "$vml" --threads 2 >"$tmp/t.out" 2>&1; rt=$?
			# 0, or 8 where page_owner was off (nopo); never a usage error
			[ "$r1" = "$rt" ] && { [ "$r1" = 0 ] || [ "$r1" = 8 ]; } ||
				fail "$v $scen $form sort: exit $r1 with 1 thread, $rt with 2"
			cmp -s "$tmp/1.out" "$tmp/t.out" || fail "$v $scen $form sort: differs between 1 and 2 threads"
			n=$((n + 1))
		done
	done
done
[ "$n" -gt 0 ] || skip "no fixture dumps"
# flamegraph and diff read their dumps through the same walk
for v in $(fx_versions); do
	oom=$(fx_dump "$v" oom d31.zstd) && churn=$(fx_dump "$v" churn d31.zstd) || continue
	vml=$(fx_vmlinux "$v")
	for cmd in "flamegraph $oom" "diff $churn $oom"; do
		# shellcheck disable=SC2086
		"$PO" $cmd "$vml" --threads 1 >"$tmp/1.out" 2>"$tmp/1.err"; r1=$?
		# shellcheck disable=SC2086
		"$PO" $cmd "$vml" --threads 3 >"$tmp/t.out" 2>"$tmp/t.err"; rt=$?
		[ "$r1" = "$rt" ] && cmp -s "$tmp/1.out" "$tmp/t.out" && cmp -s "$tmp/1.err" "$tmp/t.err" ||
			fail "$v ${cmd%% *}: differs between 1 and 3 threads"
		n=$((n + 1))
	done
done
note "$n runs with 2 or 3 threads byte-identical to 1 thread"

dump=$(fx_dump 6.12 oom d31.zstd) || dump=$(fx_dump "$(fx_versions | head -1)" oom d31.zstd)
vml=$(fx_vmlinux 6.12 2>/dev/null) || true
for bad in 0 abc -1 1025; do
	"$PO" top --threads "$bad" "$dump" "$vml" >/dev/null 2>"$tmp/err"; rc=$?
	[ "$rc" = 2 ] || fail "--threads $bad: exit $rc, want 2"
	grep -q -- "--threads" "$tmp/err" || fail "--threads $bad: message does not name the option"
done
# stderr is a file here: no progress line (carriage return) in it
"$PO" pages "$dump" "$vml" >/dev/null 2>"$tmp/err"
! grep -q $'\r' "$tmp/err" || fail "a progress line went to a stderr that is not a terminal"
exit 0
