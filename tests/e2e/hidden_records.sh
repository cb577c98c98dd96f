# What a flipped bit leaves where an allocated record was (a record marked
# freed that was never freed, allocated without the owner bit, allocated on
# a free buddy page) is counted by kind, named by its first PFN and warned
# about, and a stack_list that skips entries is told by the stackdepot's
# counted records: on every fixture kernel, through a memory backend that
# rewrites a real dump (compiled from hidden_records.c against the library
# under test).  Then, on the 7.3 fixtures (whose stack_list leaves out
# records the kernel counts pages in), `stacks --json` says how many stacks
# and pages are not on the list, and they are the pages `--from-pages` finds
# under stacks the list lacks (but the early-boot stack, which the kernel
# never counts); on 6.12, none.
. "$(dirname "$0")/../lib.sh"
bin=$(fx_build_c hidden_records); rc=$?
[ $rc = 2 ] && skip "no libpageowner.a next to $PO"
[ $rc = 0 ] || fail "cannot compile hidden_records.c"
n=0
for v in $(fx_versions); do
	# the ELF form: the d31 ones of 6.12 lack a page of stack_list
	dump=$(fx_dump "$v" churn elf 2>/dev/null) || dump=$(fx_dump "$v" churn d31.zstd) || continue
	echo "$v churn:"
	timeout 300 "$bin" "$dump" "$(fx_vmlinux "$v")"
	rc=$?
	[ $rc = 77 ] && continue
	[ $rc = 0 ] || fail "$v: hidden_records exited $rc"
	n=$((n+1))
done
[ $n -gt 0 ] || skip "no fixture"
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
for v in 6.12 7.3; do
	vml=$(fx_vmlinux "$v") || continue
	for sc in churn oom; do
		dump=$(fx_dump "$v" $sc elf 2>/dev/null) || dump=$(fx_dump "$v" $sc d31.zstd) || continue
		"$PO" stacks --stacks-handles --json "$dump" "$vml" >"$t/list" 2>"$t/err" || fail "$v $sc: stacks"
		grep -q '"source":"stack_list"' "$t/list" || { echo "$v $sc: stack_list unreadable in this form"; continue; }
		"$PO" stacks --from-pages --json "$dump" "$vml" >"$t/pages" 2>/dev/null || fail "$v $sc: --from-pages"
		python3 - "$t/list" "$t/pages" "$v" <<'PY' || fail "$v $sc: unlisted stacks"
import json, sys
l = json.load(open(sys.argv[1])); p = json.load(open(sys.argv[2]))
listed = {s["handle"] for s in l["stacks"]}
early = lambda s: any(f["text"].startswith("register_early_stack") for f in s["stack"] or [])
missing = [s for s in p["stacks"] if s["handle"] not in listed and not early(s)]
pages = sum(s["nr_base_pages"] for s in missing)
print("  %s: %d stacks, %d pages not on stack_list; --from-pages: %d stacks, %d pages under stacks the list lacks"
      % (sys.argv[3], l["unlisted_stacks"], l["unlisted_pages"], len(missing), pages))
ok = l["unlisted_pages"] == pages and l["unlisted_stacks"] >= len(missing)
if sys.argv[3] == "6.12":
    ok = ok and l["unlisted_stacks"] == 0
sys.exit(0 if ok else 1)
PY
		if grep -q '"unlisted_stacks":0,' "$t/list"; then
			! grep -q "not on the kernel's stack_list" "$t/err" || fail "$v $sc: a warning with none unlisted"
		else
			grep -q "not on the kernel's stack_list" "$t/err" || fail "$v $sc: no warning: $(cat "$t/err")"
		fi
	done
done
