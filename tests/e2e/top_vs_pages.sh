# `top --json -n` (every entry) against sums taken from `pages --json`, the
# records one by one: per stack handle its pages and allocations, per
# process (tgid) and per gfp mask its pages, and the totals; entries with
# equal pages in first-seen order (the PFN order of their first record).
# top sums runs of records with the same stack, process and gfp mask before
# its tables see them; the records of `pages` are not summed at all.  Every
# fixture dump's first form, 1 and 2 threads.
. "$(dirname "$0")/../lib.sh"
n=0
for v in $(fx_versions); do
	vml=$(fx_vmlinux "$v")
	for sc in oom churn; do
		form=$(fx_forms "$v" $sc | head -1)
		[ -n "$form" ] || continue
		dump=$(fx_dump "$v" $sc "$form")
		d=$FXCACHE/$v/$sc
		mkdir -p "$d"
		"$PO" pages --json --no-progress "$dump" "$vml" >"$d/pages.jsonl" 2>"$d/pages.err" ||
			{ rc=$?; cat "$d/pages.err"; fail "$v $sc: pages --json exited $rc"; }
		for t in 1 2; do
			"$PO" top --json -n 100000 --threads $t --no-progress "$dump" "$vml" >"$d/top-all.t$t.json" 2>"$d/top-all.err" ||
				{ rc=$?; cat "$d/top-all.err"; fail "$v $sc: top --json exited $rc"; }
			python3 - "$d/pages.jsonl" "$d/top-all.t$t.json" <<'PY' || fail "$v $sc, $t thread(s): top and the records disagree"
import json, sys
stacks, procs, gfps, first = {}, {}, {}, {}
pages = allocs = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    for table, key in ((stacks, r["handle"]), (procs, r["tgid"]), (gfps, r["gfp_mask"])):
        e = table.setdefault(key, [0, 0])
        e[0] += r["pages"]
        e[1] += 1
    first.setdefault(("s", r["handle"]), r["pfn"])
    first.setdefault(("p", r["tgid"]), r["pfn"])
    first.setdefault(("g", r["gfp_mask"]), r["pfn"])
    pages += r["pages"]
    allocs += 1
o = json.load(open(sys.argv[2]))
bad = []
def check(name, kind, rows, key, table, with_allocs):
    if len(rows) != len(table):
        bad.append(f"{name}: {len(rows)} entries, the records have {len(table)}")
    prev = None
    for row in rows:
        want = table.get(row[key])
        if want is None:
            bad.append(f"{name} {row[key]}: no record has it")
            continue
        if row["pages"] != want[0]:
            bad.append(f"{name} {row[key]}: {row['pages']} pages, the records {want[0]}")
        if with_allocs and row["allocations"] != want[1]:
            bad.append(f"{name} {row[key]}: {row['allocations']} allocations, the records {want[1]}")
        if prev and prev["pages"] == row["pages"] and first[(kind, prev[key])] > first[(kind, row[key])]:
            bad.append(f"{name} {row[key]}: tie with {prev[key]} out of first-seen order")
        prev = row
check("stack", "s", o["stacks"], "handle", stacks, True)
check("process", "p", o["processes"], "tgid", procs, False)
check("gfp mask", "g", o["gfp_masks"], "gfp_mask", gfps, False)
t = o["totals"]
if t["page_owner_pages"] != pages or t["page_owner_allocations"] != allocs:
    bad.append(f"totals {t['page_owner_pages']} pages / {t['page_owner_allocations']} allocations, the records {pages} / {allocs}")
if len(stacks) < 10:
    bad.append(f"only {len(stacks)} stacks: not a test")
for b in bad[:20]:
    print(b)
print(f"{len(o['stacks'])} stacks, {len(o['processes'])} processes, {len(o['gfp_masks'])} gfp masks, {pages} pages")
sys.exit(1 if bad else 0)
PY
			n=$((n + 1))
		done
	done
done
[ "$n" -gt 0 ] || skip "no fixture dumps"
echo "$n runs agree"
