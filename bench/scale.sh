#!/bin/bash
# make bench-scale: pageowner on an OOM panic dump of a bigger machine.
# Boots the fixture kernel that `make fixtures` built (default 7.3, from
# $FIXTURE_WORK, default /var/tmp/pageowner-fixtures) under QEMU with
# BENCH_SCALE_MEM of RAM (default 4G) and page_owner=on, runs the oom scenario
# (pipe buffers until panic_on_oom), dumps the memory as ELF through QMP and
# prints, per report, wall time, PFNs per second and peak RSS.  Everything
# goes to $BENCH_SCALE_DIR (default /var/tmp/pageowner-scale, about MEM of
# disk); nothing is kept in the tree.  Not run by `make check` or CI.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
PO=${PO:-$TOP/build/pageowner}
WORK=${FIXTURE_WORK:-/var/tmp/pageowner-fixtures}
VER=${BENCH_SCALE_KERNEL:-7.3}
MEM=${BENCH_SCALE_MEM:-4G}
D=${BENCH_SCALE_DIR:-/var/tmp/pageowner-scale}
K=$WORK/$VER/src
for f in "$K/arch/x86/boot/bzImage" "$K/vmlinux" "$WORK/guest/initrd.gz"; do
	[ -f "$f" ] || { echo "bench-scale: no $f: run 'make fixtures' (tests/fixtures/make-fixtures $VER) first"; exit 0; }
done
command -v qemu-system-x86_64 >/dev/null || { echo "bench-scale: no qemu-system-x86_64"; exit 0; }
rm -rf "$D"; mkdir -p "$D"
echo "bench-scale: $VER guest with $MEM, oom scenario (QEMU TCG; about a minute for 4G)"
timeout 1200 qemu-system-x86_64 -machine q35 -cpu max -smp 1 -m "$MEM" \
	-kernel "$K/arch/x86/boot/bzImage" -initrd "$WORK/guest/initrd.gz" \
	-append "console=ttyS0 page_owner=on panic=0 scenario=oom quiet" \
	-device vmcoreinfo -nographic -monitor none -display none \
	-serial "file:$D/console.log" -qmp "unix:$D/qmp.sock,server,nowait" >"$D/qemu.out" 2>&1 &
qp=$!
t0=$SECONDS
until grep -aq 'Kernel panic' "$D/console.log" 2>/dev/null; do
	sleep 2
	kill -0 $qp 2>/dev/null || { echo "bench-scale: QEMU exited before the panic"; exit 1; }
	[ $((SECONDS - t0)) -lt 1200 ] || { kill $qp; echo "bench-scale: no panic in 1200 s"; exit 1; }
done
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
dump=$D/vmcore.elf
size=$(stat -c %s "$dump")
pfns=$("$PO" info --json "$dump" "$K/vmlinux" 2>/dev/null |
	python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["max_pfn"]-d["min_pfn"])')
printf '\n%s guest, %s, ELF %.1f GiB, %d PFNs\n' "$VER" "$MEM" "$(echo "$size/1073741824" | bc -l)" "$pfns"
printf '%-8s %8s %12s %9s %12s\n' report "time s" "PFNs/s" "RSS MiB" "output MiB"
for c in top stacks memcg pages; do
	/usr/bin/time -f '%e %M' -o "$D/time.out" "$PO" "$c" "$dump" "$K/vmlinux" >"$D/out.$c" 2>"$D/err.$c" ||
		{ echo "bench-scale: pageowner $c failed: $(tail -1 "$D/err.$c")"; exit 1; }
	read -r t rss <"$D/time.out"
	printf '%-8s %8.2f %12d %9.1f %12.1f\n' "$c" "$t" \
		"$(echo "if ($t > 0) $pfns / $t else 0" | bc)" "$(echo "$rss/1024" | bc -l)" \
		"$(echo "$(stat -c %s "$D/out.$c")/1048576" | bc -l)"
done
echo
sed -n '/^greatest memory consumer/,/^$/p' "$D/out.top" | head -4
grep -a 'pohelper: pipe pages held' "$D/console.log" | tail -1 || true
