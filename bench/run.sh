#!/bin/bash
# make bench: decode speed and memory of pageowner on the fixture dumps.
# Prints, per dump: size, PFNs scanned, wall time of a full `pages` decode,
# PFNs per second, peak RSS, and the ratios RSS/dump size and, where drgn is
# installed, pageowner's speed against a drgn Python loop over the same PFNs;
# and the time to first output with the vmlinux, debuginfod's cached file and
# the dump's own BTF + kallsyms, side by side.
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

# Time to first output by where the types and symbols come from (issue 14):
# the vmlinux given, the vmlinux found in debuginfod's cache by build id (the
# server unreachable: what a second run costs after the download), and the
# dump's own BTF + kallsyms (--btf).  The dump is linked into a directory of
# its own so that no vmlinux lies beside it.  Best of 3 runs each: `info`
# (start-up and the walk's counts), `pages` (until its first record is
# written, and whole), `top` (the whole report).
echo
echo "time to first output (s, best of 3) by source of types and symbols: vmlinux given | debuginfod cache | BTF + kallsyms"
printf '%-18s %-12s %9s %11s %9s %10s\n' dump run vmlinux debuginfod "BTF+ksyms" "BTF/vmlinux"
tfo=$FXCACHE/bench-first-output
for v in $(fx_versions); do
	vml=$(fx_vmlinux "$v")
	form=$(fx_forms "$v" oom | head -1)
	dump=$(fx_dump "$v" oom "$form")
	if ! "$PO" info --btf "$dump" >/dev/null 2>&1; then
		printf '%-18s %s\n' "$v/oom/$form" "no BTF + kallsyms in this dump: $("$PO" info --btf "$dump" 2>&1 >/dev/null | head -1 | cut -c1-90)"
		continue
	fi
	bid=$("$PO" info --json "$dump" "$vml" | python3 -c 'import json,sys; print(json.load(sys.stdin)["build_id"])')
	rm -rf "$tfo"; mkdir -p "$tfo/dump" "$tfo/cache/$bid"
	ln "$dump" "$tfo/dump/vmcore" 2>/dev/null || cp "$dump" "$tfo/dump/vmcore"
	cp "$vml" "$tfo/cache/$bid/debuginfo"
	src_run() { # SOURCE CMD: run pageowner CMD on the dump with types from SOURCE
		case $1 in
		vmlinux) "$TOP/bench/first_output.py" "$PO" "$2" "$tfo/dump/vmcore" "$vml";;
		debuginfod) DEBUGINFOD_URLS=http://127.0.0.1:9 DEBUGINFOD_CACHE_PATH=$tfo/cache \
			"$TOP/bench/first_output.py" "$PO" "$2" --no-default-dirs --no-btf "$tfo/dump/vmcore";;
		btf) "$TOP/bench/first_output.py" "$PO" "$2" --btf "$tfo/dump/vmcore";;
		esac 2>/dev/null
	}
	# the debuginfod run must really take the cached file
	DEBUGINFOD_URLS=http://127.0.0.1:9 DEBUGINFOD_CACHE_PATH=$tfo/cache "$PO" info --no-default-dirs --no-btf "$tfo/dump/vmcore" 2>/dev/null |
		grep -q "debuginfod (its cache)" || echo "  ($v: the debuginfod run did not take the cached file)"
	for run in info pages-first pages top; do
		cmd=${run%-first}
		row=()
		for src in vmlinux debuginfod btf; do
			best=999
			for i in 1 2 3; do
				read -r first total rc < <(src_run $src "$cmd")
				[ "$rc" = 0 ] || { best=fail; break; }
				t=$total; [ "$run" = pages-first ] && t=$first
				best=$(echo "if ($t < $best) $t else $best" | bc)
			done
			row+=("$best")
		done
		ratio=-
		[ "${row[0]}" != fail ] && [ "${row[2]}" != fail ] &&
			ratio=$(echo "scale=2; ${row[2]} / ${row[0]}" | bc)
		printf '%-18s %-12s %9s %11s %9s %10s\n' "$v/oom/$form" "$run" "${row[@]}" "$ratio"
	done
	rm -rf "$tfo"
done

if /usr/bin/python3 -c 'import drgn' 2>/dev/null; then
	# drgn 0.0.22 needs .debug_line, which the committed fixtures drop:
	# use the full vmlinux of a fixture build when one is around (else the
	# slim one, and drgn says why it cannot).
	# (only if it is the build of the fixture's dump: bench-scale rebuilds
	# the kernel there)
	v=$(fx_versions | head -1)
	for w in $(fx_versions); do
		f=${FIXTURE_WORK:-/var/tmp/pageowner-fixtures}/$w/src/vmlinux
		[ -f "$f" ] && "$PO" info "$(fx_dump "$w" churn d31.zstd)" "$f" >/dev/null 2>&1 && { v=$w; break; }
	done
	# drgn 0.0.22 cannot translate addresses in QEMU's paging=false ELF
	vml=$(fx_vmlinux "$v"); dump=$(fx_dump "$v" churn d31.zstd)
	echo
	echo "baseline: drgn (Python) reading page_owner of the first 20000 PFNs of $v/churn/d31.zstd"
	full=${FIXTURE_WORK:-/var/tmp/pageowner-fixtures}/$v/src/vmlinux
	dvml=$vml
	[ -f "$full" ] && "$PO" info "$dump" "$full" >/dev/null 2>&1 && dvml=$full
	t0=$(date +%s.%N)
	if ! /usr/bin/python3 "$TOP/bench/drgn_baseline.py" "$dump" "$dvml" 20000 2>"$FXCACHE/drgn.err"; then
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
