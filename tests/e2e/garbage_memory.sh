# Garbage in kernel memory never crashes or hangs pageowner: copies of a
# real ELF dump with random blocks overwritten (struct pages, page_ext,
# stack records, cgroups, ...) are decoded by every report; each run must
# end by itself with a documented exit status, never a signal or a
# sanitizer report.
. "$(dirname "$0")/../lib.sh"
v=$(fx_versions | tail -1)
[ -n "$v" ] || skip "no fixtures"
vml=$(fx_vmlinux "$v")
dump=$(fx_dump "$v" churn elf) || skip "no ELF dump"
tmp=$FXCACHE/garbage; mkdir -p "$tmp"
for seed in 1 2 3; do
	g=$tmp/garbage-$seed.elf
	python3 - "$dump" "$g" "$seed" <<'PY'
import os, random, shutil, struct, sys
src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
shutil.copyfile(src, dst)
rnd = random.Random(seed)
size = os.path.getsize(dst)
with open(dst, 'r+b') as f:
    hdr = f.read(64)
    phoff, = struct.unpack_from('<Q', hdr, 32)
    phnum, = struct.unpack_from('<H', hdr, 56)
    f.seek(phoff)
    loads = []
    for i in range(phnum):
        ph = f.read(56)
        t, = struct.unpack_from('<I', ph, 0)
        off, = struct.unpack_from('<Q', ph, 8)
        fsz, = struct.unpack_from('<Q', ph, 32)
        if t == 1 and fsz:
            loads.append((off, fsz))
    # overwrite 20000 random 512-byte blocks (4% of the memory image)
    for _ in range(20000):
        off, fsz = rnd.choice(loads)
        pos = off + rnd.randrange(0, max(1, fsz - 512))
        f.seek(pos)
        f.write(rnd.randbytes(512))
PY
	for cmd in "info" "pages" "pages --freed" "stacks" "stacks --from-pages" "top" "memcg" "sort -m"; do
		timeout 120 "$PO" $cmd "$g" "$vml" >/dev/null 2>"$tmp/err"
		rc=$?
		[ $rc = 124 ] && fail "seed $seed: '$cmd' hung"
		[ $rc -ge 128 ] && { cat "$tmp/err"; fail "seed $seed: '$cmd' died with signal $((rc-128))"; }
		grep -q "Sanitizer\|runtime error" "$tmp/err" && { cat "$tmp/err"; fail "seed $seed: '$cmd': sanitizer report"; }
		note "seed $seed: $cmd -> exit $rc $(head -c 150 "$tmp/err" | head -1)"
	done
	rm -f "$g"
done
