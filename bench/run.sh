#!/bin/bash
# make bench: decode speed and memory of pageowner on the fixture dumps.
# Prints, per dump: size, PFNs scanned, wall time of a full `pages` decode,
# PFNs per second, peak RSS, and the ratios RSS/dump size and, where drgn is
# installed, pageowner's speed against a drgn Python loop over the same PFNs.
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib.sh"
printf '%-28s %9s %9s %8s %12s %9s %9s\n' dump MiB PFNs "time s" "PFNs/s" "RSS MiB" "RSS/dump"
for v in $(fx_versions); do
	vml=$(fx_vmlinux "$v")
	for sc in churn oom; do
		for form in $(fx_forms "$v" $sc); do
			dump=$(fx_dump "$v" $sc "$form")
			size=$(stat -c %s "$dump")
			pfns=$("$PO" info --json "$dump" "$vml" 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["max_pfn"]-d["min_pfn"])' 2>/dev/null || echo 0)
			best=999
			for i in 1 2 3; do
				/usr/bin/time -f '%e %M' -o "$FXCACHE/time.out" "$PO" pages "$dump" "$vml" >/dev/null 2>&1
				read -r t rss <"$FXCACHE/time.out"
				best=$(echo "if ($t < $best) $t else $best" | bc)
			done
			rate=$(echo "if ($best > 0) $pfns / $best else 0" | bc)
			printf '%-28s %9.1f %9d %8.2f %12d %9.1f %9.3f\n' "$v/$sc/$form" \
				"$(echo "$size/1048576" | bc -l)" "$pfns" "$best" "$rate" \
				"$(echo "$rss/1024" | bc -l)" "$(echo "$rss*1024/$size" | bc -l)"
		done
	done
done
if /usr/bin/python3 -c 'import drgn' 2>/dev/null; then
	# drgn 0.0.22 needs .debug_line, which the committed fixtures drop:
	# use the full vmlinux of a fixture build when one is around (else the
	# slim one, and drgn says why it cannot).
	v=$(fx_versions | head -1)
	for w in $(fx_versions); do
		[ -f "${FIXTURE_WORK:-/var/tmp/pageowner-fixtures}/$w/src/vmlinux" ] && { v=$w; break; }
	done
	# drgn 0.0.22 cannot translate addresses in QEMU's paging=false ELF
	vml=$(fx_vmlinux "$v"); dump=$(fx_dump "$v" churn d31.zstd)
	echo
	echo "baseline: drgn (Python) reading page_owner of the first 20000 PFNs of $v/churn/d31.zstd"
	full=${FIXTURE_WORK:-/var/tmp/pageowner-fixtures}/$v/src/vmlinux
	[ -f "$full" ] && vml=$full
	t0=$(date +%s.%N)
	if ! /usr/bin/python3 "$TOP/bench/drgn_baseline.py" "$dump" "$vml" 20000 2>"$FXCACHE/drgn.err"; then
		echo "drgn baseline unavailable: $(tail -1 "$FXCACHE/drgn.err")"
		exit 0
	fi
	t1=$(date +%s.%N)
	dt=$(echo "$t1 - $t0" | bc)
	/usr/bin/time -f '%e' -o "$FXCACHE/time.out" "$PO" pages "$dump" "$vml" >/dev/null 2>&1
	pt=$(cat "$FXCACHE/time.out")
	pfns=$("$PO" info --json "$dump" "$vml" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["max_pfn"]-d["min_pfn"])')
	echo "drgn: $(echo "20000 / $dt" | bc) PFNs/s; pageowner: $(echo "$pfns / $pt" | bc) PFNs/s (full decode with stacks and text)"
	echo "ratio pageowner/drgn: $(echo "($pfns / $pt) / (20000 / $dt)" | bc)x"
fi
