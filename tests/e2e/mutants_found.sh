# Damaged dumps that tests/fuzz/mutate-dumps found, replayed (the same
# seed and index make the same mutant from the committed fixtures) through
# this build, with --strict: no signal, hang, sanitizer report or silent
# drop in pages, top, stacks, memcg, info.
#  - seed 23, #1177: the 6.12 flattened dump with 1514 bytes flipped in its
#    page data, among them a page table page.  Translating through it
#    failed in libkdumpfile's cache, and the next read decompressed LZO
#    through NULL (memcg: SIGSEGV).  Now the context is retired (exit 5,
#    "Wrong uncompress" for the page that does not decompress).
#  - seed 23, #160: the 6.12 ELF dump with bytes flipped in page data; one
#    record's order became 62, so its page was no longer the first of its
#    block and the record vanished from pages, top and info without a
#    word.  Now it counts as a suspect record with an order above the
#    largest.
#  - seed 24, #597: the 6.12 ELF dump; an allocated record's ALLOCATED bit
#    flipped off.  The record kept the free time of an earlier life (before
#    its allocation time), so it passed for a freed page.  Now a free time
#    more than 20 ms before the allocation is an earlier life's: the record
#    counts as inconsistent, with a warning.
#  - seed 26, #49: the 7.3 flattened dump with the page holding
#    _totalram_pages zeroed (it does not decompress): top leaked the read
#    errors of its memory counters (LeakSanitizer, ASan build) and printed
#    every share as "0.0% of RAM".  Now "?% of RAM", and null in JSON.
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null || skip "no python3"
for v in 6.12 7.3; do [ -f "$FX/$v/vmlinux.zst" ] || skip "no $v fixture"; done
MD=("python3" "$TOP/tests/fuzz/mutate-dumps" --build "$(dirname "$PO")")
# replay SEED RUNS I...: mutants I of SEED, every report, --strict; the
# total line must count them, RUNS runs and no signal, hang, sanitizer
# report or silent drop
replay() {
	local seed=$1 runs=$2 only=() i out rc
	shift 2
	for i; do only+=(--only "$i"); done
	out=$("${MD[@]}" --seed "$seed" "${only[@]}" --strict --timeout 120 2>&1)
	rc=$?
	echo "$out" | tail -$(($# + 3))
	[ $rc = 0 ] || fail "seed $seed: mutate-dumps found problems (exit $rc)"
	echo "$out" | grep -q "^total  *$#  *$runs  *0  *0  *0  *0 " ||
		fail "seed $seed: want $# mutant(s), $runs runs, 0 signals, hangs, sanitizer reports, silent drops"
}
replay 23 10 1177 160
replay 24 5 597
replay 26 5 49
keep=$(mktemp -d); trap 'rm -rf "$keep"' EXIT
# kept SEED I REPORT: the file of mutant I of SEED (made through REPORT)
kept() {
	"${MD[@]}" --seed "$1" --only "$2" --keep "$keep" --reports "$3" >/dev/null 2>&1
	m=$(ls "$keep"/mutant-s"$1"-"$2".* 2>/dev/null | head -1)
	[ -n "$m" ] || fail "mutant $2 of seed $1 not kept"
}
# #160's record is counted: info's suspect line says 1
kept 23 160 info
"$PO" info --no-progress "$m" "$(fx_vmlinux 6.12)" >"$keep/info" 2>"$keep/err" || fail "info on mutant 160: exit $?"
grep -q "suspect records: *1 " "$keep/info" || { cat "$keep/info"; fail "mutant 160: want 1 suspect record"; }
grep -q "1 with an order above" "$keep/err" || { cat "$keep/err"; fail "mutant 160: want the order warning"; }
# #49: RAM unknown, so no share of it
kept 26 49 top
"$PO" top --no-progress "$m" "$(fx_vmlinux 7.3)" >"$keep/top" 2>"$keep/err" || fail "top on mutant 49: exit $?"
grep -q "RAM: *unknown" "$keep/top" || { cat "$keep/top"; fail "mutant 49: want RAM unknown"; }
grep -q "?% of RAM" "$keep/top" || fail "mutant 49: want ?% of RAM"
! grep -q "0\.0% of RAM" "$keep/top" || fail "mutant 49: 0.0% of an unknown RAM"
"$PO" top --json --no-progress "$m" "$(fx_vmlinux 7.3)" 2>/dev/null | python3 -c '
import json, sys
o = json.load(sys.stdin)
rows = o["stacks"] + o["processes"] + o["gfp_masks"] + o["migratetypes"]
assert rows and all(r["percent_ram"] is None for r in rows), "percent_ram not null"
' || fail "mutant 49: JSON percent_ram"
echo "mutants 1177 and 160 of seed 23, 597 of seed 24, 49 of seed 26: no problems"
