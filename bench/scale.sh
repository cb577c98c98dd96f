#!/bin/bash
# make bench-scale: pageowner on an OOM panic dump of a bigger machine.
# Boots the fixture kernel that `make fixtures` built (BENCH_SCALE_KERNEL,
# default 7.3; 6.12 and 6.1 work too, from $FIXTURE_WORK, default
# /var/tmp/pageowner-fixtures) under QEMU with BENCH_SCALE_MEM of RAM (default
# 4G) and page_owner=on, runs the oom scenario (pipe buffers until
# panic_on_oom), dumps the memory as ELF through QMP, derives kdump-compressed
# dumps of it with makedumpfile at dump level 31 and times every report on
# every form at each thread count.
#
# Forms (BENCH_SCALE_FORMS, default "elf lzo zstd"):
#   elf   QEMU's dump-guest-memory ELF, as QEMU wrote it
#   lzo   makedumpfile -l -d 31 (LZO pages)
#   zstd  makedumpfile -z -d 31; where makedumpfile is built without zstd
#         (Debian's 1.7.2) it writes the pages uncompressed, and
#         tests/fixtures/tools/kdump-zstd then compresses them with zstd
#   raw   makedumpfile -d 31 without compression (not in the default)
# makedumpfile 1.7.2 cannot read QEMU's ELF as written (program headers after
# the section headers); the script tries it as is, then with -x vmlinux, then
# on the ELF with its headers rewritten by tests/fixtures/elf-phdr-fix.py
# (QEMU's header is put back afterwards) and logs what happened.
#
# Per form, report (BENCH_SCALE_REPORTS, comma-separated, default
# "top,stacks,stacks --from-pages,pages") and thread count
# (BENCH_SCALE_THREADS, default "1 2"; pageowner --threads N): the best of
# BENCH_SCALE_REPEAT runs (default 3) of wall time, CPU time (user+sys),
# PFNs/s over the wall time, the same per thread, PFNs/s net of the start-up
# (the time of `pageowner page` on one PFN: DWARF, vmcoreinfo, one page),
# PFNs per CPU second, the same net of the start-up's CPU time (the per-core
# walk rate, least disturbed by other load on the machine), peak RSS, the
# speed-up over one thread (wall time: x1thr; and net of the start-up,
# which runs on one thread whatever --threads says: net x1), and whether
# stdout is the same as with one thread (`pages` goes to /dev/null: not
# compared).  PFNs are those of the present memory sections (the sum of
# `pageowner info`'s pfns_* counters), not the PFN range, which includes the
# PCI hole.
#
# Everything goes to $BENCH_SCALE_DIR (default /var/tmp/pageowner-scale, about
# MEM of disk plus the kdump files); nothing is kept in the tree.
# BENCH_SCALE_REUSE=1 keeps the dumps of an earlier run of the same kernel and
# MEM there and only re-times (the derived forms alone, with BENCH_SCALE_FORMS
# "lzo zstd", once the ELF, MEM long, is deleted).  BENCH_SCALE_TIMEOUT (default 1200 s, 300 s a
# GiB above 4 GiB) limits the guest.  Not run by `make check` or CI; exits 0
# with a message when something it needs is missing.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
PO=${PO:-$TOP/build/pageowner}
FXDIR=$TOP/tests/fixtures
WORK=${FIXTURE_WORK:-/var/tmp/pageowner-fixtures}
VER=${BENCH_SCALE_KERNEL:-7.3}
MEM=${BENCH_SCALE_MEM:-4G}
D=${BENCH_SCALE_DIR:-/var/tmp/pageowner-scale}
FORMS=${BENCH_SCALE_FORMS:-elf lzo zstd}
THREADS=${BENCH_SCALE_THREADS:-1 2}
REPEAT=${BENCH_SCALE_REPEAT:-3}
IFS=, read -r -a REPORTS <<<"${BENCH_SCALE_REPORTS:-top,stacks,stacks --from-pages,pages}"
K=$WORK/$VER/src
export LC_ALL=C

skip() { echo "bench-scale: $*"; exit 0; }
for f in "$K/arch/x86/boot/bzImage" "$K/vmlinux" "$WORK/guest/initrd.gz"; do
	[ -f "$f" ] && continue
	built=
	for v in "$WORK"/*/src/vmlinux; do
		[ -f "$v" ] && built="$built ${v#"$WORK"/}" && built=${built%%/src/vmlinux}
	done
	skip "no $f: run 'make fixtures' (or FIXTURE_STEPS=\"build guest\" tests/fixtures/make-fixtures $VER) first${built:+, or set BENCH_SCALE_KERNEL to one built in $WORK:$built}"
done
[ -x "$PO" ] || skip "no $PO: build pageowner first (make all)"
for c in qemu-system-x86_64 python3 awk /usr/bin/time; do
	command -v "$c" >/dev/null || skip "no $c"
done
case $MEM in
*[Gg]) mem_mib=$((${MEM%[Gg]} * 1024)) ;;
*[Mm]) mem_mib=${MEM%[Mm]} ;;
*[0-9]) mem_mib=$MEM ;;	# QEMU's default unit is MiB
*) skip "BENCH_SCALE_MEM=$MEM: want a size in M or G" ;;
esac
TIMEOUT=${BENCH_SCALE_TIMEOUT:-$((mem_mib > 4096 ? 1200 + (mem_mib - 4096) * 300 / 1024 : 1200))}
"$PO" top --threads 1 --no-progress /dev/null 2>&1 | grep -q 'unrecognized option' &&
	skip "$PO has no --threads or --no-progress: rebuild it"

# ---------------------------------------------------------------- the dump
reuse=
if [ "${BENCH_SCALE_REUSE:-0}" = 1 ] && [ "$(cat "$D/what" 2>/dev/null)" = "$VER $MEM" ]; then
	if [ -f "$D/vmcore.elf" ]; then
		reuse=1
		echo "bench-scale: re-using $D/vmcore.elf ($VER, $MEM)"
	else
		# the ELF deleted (it is MEM long): the derived forms asked for,
		# if every one is there
		reuse=1
		for f in $FORMS; do
			case $f in elf) reuse= ;; *) [ -s "$D/vmcore.d31.$f" ] || reuse= ;; esac
		done
		[ -n "$reuse" ] && echo "bench-scale: re-using the derived dumps in $D ($VER, $MEM; no vmcore.elf)"
	fi
fi
if [ -z "$reuse" ]; then
	# the ELF is MEM long; QEMU holds MEM of host memory once the guest is full
	mkdir -p "$(dirname "$D")"
	avail_disk=$(df -Pm "$(dirname "$D")" | awk 'NR == 2 { print $4 }')
	old=$(du -sm "$D" 2>/dev/null | cut -f1 || echo 0)
	[ $((avail_disk + ${old:-0})) -ge $((mem_mib * 11 / 10 + 1024)) ] ||
		skip "$(dirname "$D") has $((avail_disk + ${old:-0})) MiB free; a $MEM dump needs about $((mem_mib * 11 / 10 + 1024)) MiB (BENCH_SCALE_DIR)"
	avail_mem=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
	[ "$avail_mem" -ge $((mem_mib + 1024)) ] ||
		skip "only $avail_mem MiB of host memory available; a $MEM guest fills $mem_mib MiB"
	rm -rf "$D"; mkdir -p "$D"
	echo "bench-scale: $VER guest with $MEM, oom scenario (QEMU TCG; about a minute for 4G; at most $TIMEOUT s)"
	timeout "$TIMEOUT" qemu-system-x86_64 -machine q35 -cpu max -smp 1 -m "$MEM" \
		-kernel "$K/arch/x86/boot/bzImage" -initrd "$WORK/guest/initrd.gz" \
		-append "console=ttyS0 page_owner=on panic=0 scenario=oom quiet" \
		-device vmcoreinfo -nographic -monitor none -display none \
		-serial "file:$D/console.log" -qmp "unix:$D/qmp.sock,server,nowait" >"$D/qemu.out" 2>&1 &
	qp=$!
	t0=$SECONDS
	until grep -aq 'Kernel panic' "$D/console.log" 2>/dev/null; do
		sleep 2
		kill -0 $qp 2>/dev/null || { echo "bench-scale: QEMU exited before the panic"; exit 1; }
		[ $((SECONDS - t0)) -lt "$TIMEOUT" ] || { kill $qp; echo "bench-scale: no panic in $TIMEOUT s"; exit 1; }
	done
	t_panic=$((SECONDS - t0))
	sleep 2
	python3 - "$D" <<'PY'
import json, socket, sys
d = sys.argv[1]
s = socket.socket(socket.AF_UNIX); s.connect(d + '/qmp.sock'); f = s.makefile('rw')
f.readline()
def cmd(c, **a):
    f.write(json.dumps({'execute': c, 'arguments': a} if a else {'execute': c}) + '\n'); f.flush()
    while True:
        r = json.loads(f.readline())
        if 'return' in r or 'error' in r:
            return r
cmd('qmp_capabilities')
r = cmd('dump-guest-memory', paging=False, protocol='file:%s/vmcore.elf' % d, format='elf')
cmd('quit')
sys.exit(1 if 'error' in r else 0)
PY
	wait $qp || true
	echo "bench-scale: panic after $t_panic s, ELF written after $((SECONDS - t0)) s"
	echo "$VER $MEM" >"$D/what"
fi
elf=$D/vmcore.elf
vml=$K/vmlinux
infodump=$elf
[ -f "$elf" ] || { set -- $FORMS; infodump=$D/vmcore.d31.$1; }
info=$("$PO" info --json "$infodump" "$vml" 2>/dev/null) || { echo "bench-scale: pageowner info failed on $infodump"; exit 1; }
# the PFNs the walk visits: those of present memory sections (allocated, free,
# skipped, missing); holes between sections (the PCI hole below 4 GiB) are
# passed over without a read and not counted
read -r pfns range minpfn < <(python3 -c 'import json,sys; d=json.load(sys.stdin)
print(sum(d["pfns_" + k] for k in ("allocated", "free", "skipped", "missing")), d["max_pfn"] - d["min_pfn"], d["min_pfn"])' <<<"$info")

# ---------------------------------------------------------------- derived dumps
# run_mdf OUT OPTS...: makedumpfile OPTS onto OUT from the ELF; on "Can't get
# the number of PT_LOAD" (QEMU's layout) retry with -x vmlinux, then on the
# ELF with its program headers moved (elf-phdr-fix.py), restoring QEMU's
# header afterwards.  Logs to $D/makedumpfile.log; prints how it went.
run_mdf() {
	local out=$1; shift
	local log=$D/makedumpfile.log t0
	rm -f "$out"
	t0=$EPOCHREALTIME
	echo "== makedumpfile $* vmcore.elf $(basename "$out")" >>"$log"
	if nice -n 10 makedumpfile "$@" "$elf" "$out" >>"$log" 2>&1; then
		mdf_how="as QEMU wrote it"
	else
		rm -f "$out"
		echo "== retry with -x vmlinux" >>"$log"
		if nice -n 10 makedumpfile "$@" -x "$vml" "$elf" "$out" >>"$log" 2>&1; then
			mdf_how="with -x vmlinux"
		else
			rm -f "$out"
			echo "== retry on the ELF with its program headers moved (elf-phdr-fix.py)" >>"$log"
			local hl
			hl=$(python3 -c '
import struct, sys
h = open(sys.argv[1], "rb").read(64)
phoff, = struct.unpack_from("<Q", h, 32); phent, phnum = struct.unpack_from("<HH", h, 54)
print(phoff + phent * phnum)' "$elf")
			head -c "$hl" "$elf" >"$D/elf-head.qemu"
			python3 "$FXDIR/elf-phdr-fix.py" "$elf"
			local ok=1
			nice -n 10 makedumpfile "$@" "$elf" "$out" >>"$log" 2>&1 || ok=
			dd if="$D/elf-head.qemu" of="$elf" conv=notrunc status=none
			rm -f "$D/elf-head.qemu"
			[ -n "$ok" ] || { rm -f "$out"; mdf_how="failed (see $log)"; return 1; }
			mdf_how="on the ELF with elf-phdr-fix.py (QEMU's header put back)"
		fi
	fi
	mdf_time=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
}

declare -A DUMP
has_zstd=
makedumpfile -v 2>&1 | grep -Eq '^zstd[[:space:]]+enabled' && has_zstd=1
[ -n "$reuse" ] || : >"$D/derive.txt"
for form in $FORMS; do
	out=$D/vmcore.d31.$form
	case $form in
	elf) DUMP[$form]=$elf; continue ;;
	lzo|zstd|raw) ;;
	*) echo "bench-scale: unknown form $form (elf lzo zstd raw)"; continue ;;
	esac
	if [ -n "$reuse" ] && [ -s "$out" ]; then DUMP[$form]=$out; continue; fi
	command -v makedumpfile >/dev/null || { echo "bench-scale: no makedumpfile: no $form form" | tee -a "$D/derive.txt"; continue; }
	case $form in
	lzo) opts=(-l -d 31) ;;
	raw) opts=(-d 31) ;;
	zstd)
		opts=(-z -d 31)
		if [ -z "$has_zstd" ]; then
			gcc -O2 -Wall -o "$D/kdump-zstd" "$FXDIR/tools/kdump-zstd.c" -lzstd 2>"$D/kdump-zstd.err" ||
				{ echo "bench-scale: cannot build tools/kdump-zstd.c (libzstd-dev?): no zstd form" | tee -a "$D/derive.txt"; continue; }
		fi ;;
	esac
	if ! run_mdf "$out" "${opts[@]}"; then
		echo "bench-scale: makedumpfile ${opts[*]} $mdf_how: no $form form" | tee -a "$D/derive.txt"
		continue
	fi
	msg="$form: makedumpfile ${opts[*]} $mdf_how, $mdf_time s"
	if [ "$form" = zstd ] && [ -z "$has_zstd" ]; then
		t0=$EPOCHREALTIME
		mv "$out" "$out.uncompressed"
		nice -n 10 "$D/kdump-zstd" "$out.uncompressed" "$out" >>"$D/makedumpfile.log" 2>&1 ||
			{ echo "bench-scale: kdump-zstd failed: no zstd form" | tee -a "$D/derive.txt"; rm -f "$out" "$out.uncompressed"; continue; }
		rm -f "$out.uncompressed"
		msg="$msg (this makedumpfile has no zstd: pages written uncompressed), then tools/kdump-zstd $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
	fi
	echo "$msg" >>"$D/derive.txt"
	DUMP[$form]=$out
done

# ---------------------------------------------------------------- timing
# timed OUTFILE ARGS...: run pageowner REPEAT times, keep the fastest:
# sets wall, cpu, rss (KiB); stdout to OUTFILE.
timed() {
	local outf=$1; shift
	local i a b w u s m
	wall=; cpu=; rss=
	for ((i = 0; i < REPEAT; i++)); do
		a=$EPOCHREALTIME
		/usr/bin/time -f '%e %U %S %M' -o "$D/time.out" "$PO" "$@" --no-progress >"$outf" 2>"$D/err.out" ||
			{ echo "bench-scale: pageowner $* failed: $(tail -1 "$D/err.out")"; return 1; }
		b=$EPOCHREALTIME
		read -r _ u s m <"$D/time.out"
		w=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b - a }')
		if [ -z "$wall" ] || awk -v x="$w" -v y="$wall" 'BEGIN { exit !(x < y) }'; then
			wall=$w; cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }'); rss=$m
		fi
	done
}

size_mib() { awk -v s="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", s / 1048576 }'; }
rel=$(sed -n 's/.*"release":"\([^"]*\)".*/\1/p' <<<"$info")
printf '\n%s guest (%s), %s: %d PFNs in present sections (PFN range %d); %s CPUs, load %s; %s run(s) each, the fastest kept\n' \
	"$VER" "$rel" "$MEM" "$pfns" "$range" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$REPEAT"
[ -s "$D/derive.txt" ] && sed 's/^/  /' "$D/derive.txt"
pfn_probe=$((minpfn + 4096))
rm -f "$D/results.txt"
hdr() {
	printf '%-20s %3s %7s %6s %10s %10s %10s %10s %10s %7s %5s %6s %4s\n' report thr "wall s" "cpu s" \
		"PFNs/s" "PFNs/s/thr" "net PFNs/s" "PFNs/cpu-s" "net /cpu-s" "RSS MiB" x1thr "net x1" same
}
for form in $FORMS; do
	dump=${DUMP[$form]:-}
	[ -n "$dump" ] || continue
	timed "$D/out.page" page "$pfn_probe" "$dump" "$vml" || exit 1
	setup=$wall; setup_cpu=$cpu
	printf '\n%s: %s, %s MiB; start-up (pageowner page %d) %.3f s, %.2f cpu s, %.1f MiB\n' "$form" \
		"$(basename "$dump")" "$(size_mib "$dump")" "$pfn_probe" "$setup" "$setup_cpu" \
		"$(awk -v r="$rss" 'BEGIN { print r / 1024 }')"
	hdr
	for r in "${REPORTS[@]}"; do
		read -r -a args <<<"$r"
		name=${r// /}
		w1=
		for t in $THREADS; do
			outf=$D/out.$form.$name.t$t
			[ "${args[0]}" = pages ] && outf=/dev/null
			timed "$outf" "${args[@]}" --threads "$t" "$dump" "$vml" || exit 1
			[ -n "$w1" ] || { w1=$wall; o1=$outf; }
			same=-
			if [ "$outf" != /dev/null ] && [ "$outf" != "$o1" ]; then
				cmp -s "$o1" "$outf" && same=yes || same=NO
			fi
			echo "$form|$r|$t|$wall|$cpu|$rss|$setup|$setup_cpu" >>"$D/results.txt"
			awk -v r="$r" -v t="$t" -v w="$wall" -v c="$cpu" -v m="$rss" -v p="$pfns" -v s="$setup" \
				-v sc="$setup_cpu" -v w1="$w1" -v same="$same" 'BEGIN {
				net = w - s; if (net < 0.001) net = 0.001
				netc = c - sc; if (netc < 0.01) netc = 0.01
				net1 = w1 - s; if (net1 < 0.001) net1 = 0.001
				printf "%-20s %3d %7.3f %6.2f %10.0f %10.0f %10.0f %10.0f %10.0f %7.1f %5.2f %6.2f %4s\n", r, t, w, c,
					p / w, p / w / t, p / net, (c > 0 ? p / c : 0), p / netc, m / 1024, w1 / w,
					net1 / net, same }'
		done
	done
done
echo
sed -n '/^greatest memory consumer/,/^$/p' "$D/out.elf.top.t1" 2>/dev/null | head -4 || true
grep -a 'pohelper: pipe pages held' "$D/console.log" | tail -1 || true
echo "(results also in $D/results.txt: form|report|threads|wall s|cpu s|RSS KiB|start-up s|start-up cpu s)"
