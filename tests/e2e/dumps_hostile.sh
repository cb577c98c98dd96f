# Damaged dumps, as archives hold them: headers cut short or corrupt, a note
# of absurd size, VMCOREINFO values out of range or not text, a page_owner
# offset that does not fit: each one is refused with exit status 4 or 5 and
# one line naming the field (or what is truncated), never a signal, a hang
# or a sanitizer report; and none of them is written to.  Run by tests/run
# with the release build and with ASan+UBSan.
. "$(dirname "$0")/../lib.sh"
MUT="python3 $TOP/tests/dumpmut.py"
tmp=$FXCACHE/hostile; rm -rf "$tmp"; mkdir -p "$tmp"
cases=0
run() { # run WANT_RC PATTERN FILE VMLINUX [report]
	local want=$1 pat=$2 f=$3 vml=$4 rep=${5:-pages}
	timeout 120 "$PO" $rep "$f" "$vml" >/dev/null 2>"$tmp/err"
	local rc=$?
	[ $rc = 124 ] && fail "$(basename "$f") [$what]: hung"
	[ $rc -ge 128 ] && { cat "$tmp/err"; fail "$(basename "$f") [$what]: signal $((rc - 128))"; }
	grep -q "Sanitizer\|runtime error" "$tmp/err" && { cat "$tmp/err"; fail "[$what]: sanitizer report"; }
	[ "$(wc -l <"$tmp/err")" = 1 ] || { cat "$tmp/err"; fail "[$what]: want one line on stderr"; }
	case " $want " in *" $rc "*) ;; *) cat "$tmp/err"; fail "[$what]: exit $rc, want $want";; esac
	grep -q -- "$pat" "$tmp/err" || { cat "$tmp/err"; fail "[$what]: message lacks '$pat'"; }
	cases=$((cases + 1))
}
for v in $(fx_versions); do
	vml=$(fx_vmlinux "$v")
	kd=$(fx_dump "$v" churn d31.zstd) || continue
	# kdump-compressed cut inside and around its headers, bitmaps, descriptors
	size=$(stat -c %s "$kd")
	for n in 0 1 7 8 64 200 300 400 432 463 464 1000 4096 4200 8192 12288 16384 20000 65536 $((size / 3)) $((size - 1)); do
		head -c $n "$kd" > "$tmp/cut"
		what="$v kdump cut at $n"
		if [ $n -lt 8 ]; then run 4 "not a kernel dump" "$tmp/cut" "$vml"
		else run 5 "truncated\|does not fit\|ends past" "$tmp/cut" "$vml"; fi
	done
	cp "$kd" "$tmp/k"
	for c in "header_version -1 header_version" "header_version 0 header_version" \
		 "header_version 1000 header_version" "block_size 0 block_size" \
		 "block_size 4097 block_size" "block_size 0x40000000 block_size" \
		 "bitmap_blocks 0 bitmap_blocks" "bitmap_blocks 0xffffffff bitmaps" \
		 "sub_hdr_size -1 sub_hdr_size" "sub_hdr_size 0x7fffffff sub_hdr_size" \
		 "max_mapnr_64 0xffffffffffffffff max_mapnr_64" \
		 "size_note 0x40000000 note area" "offset_note 0x7fffffffffff note area"; do
		set -- $c
		what="$v kdump $1=$2"
		$MUT "$tmp/k" kdump-field "$1" "$2"
		run "4 5" "$3" "$tmp/k" "$vml"
		$MUT "$tmp/k" restore
	done
	for c in "PAGESIZE 0 PAGESIZE" "PAGESIZE 4097 PAGESIZE" "PAGESIZE 8192 PAGESIZE" \
		 "NUMBER(SECTION_SIZE_BITS) 99 SECTION_SIZE_BITS" "NUMBER(SECTION_SIZE_BITS) 1 SECTION_SIZE_BITS" \
		 "NUMBER(SECTION_SIZE_BITS) 46 SECTION_SIZE_BITS" \
		 "NUMBER(MAX_PHYSMEM_BITS) 99 MAX_PHYSMEM_BITS" "NUMBER(MAX_PHYSMEM_BITS) 10 MAX_PHYSMEM_BITS" \
		 "LENGTH(zone.free_area) 99 zone.free_area" "LENGTH(zone.free_area) 0 zone.free_area" \
		 "KERNELOFFSET zz KERNELOFFSET" "BUILD-ID xyz BUILD-ID"; do
		set -- $c
		what="$v VMCOREINFO $1=$2"
		$MUT "$tmp/k" vmcoreinfo "$1" "$2"
		run "5" "$3" "$tmp/k" "$vml"
		$MUT "$tmp/k" restore
	done
	what="$v VMCOREINFO binary byte"
	$MUT "$tmp/k" vmcoreinfo-byte "PAGESIZE" 0x01
	run 5 "VMCOREINFO.*not text" "$tmp/k" "$vml"
	$MUT "$tmp/k" restore
	cmp -s "$kd" "$tmp/k" || fail "$v: the mutations were not undone"
done
# flattened streams that lost a record, or whose record headers are garbage
v=$(fx_versions | head -1)
if fl=$(fx_dump "$v" churn d31.flat); then
	vml=$(fx_vmlinux "$v")
	for c in "drop 0 not a kernel dump" "drop mid a record is missing" \
		 "drop last a record is missing" "size 3 corrupt flattened record" \
		 "offset 3 corrupt flattened record" "cut mid truncated"; do
		set -- $c
		what="$v flattened: $1 $2"
		python3 - "$fl" "$tmp/f" "$1" "$2" <<'PY'
import struct, sys
src = open(sys.argv[1], "rb").read()
pos, recs = 4096, []
while True:
    off, size = struct.unpack_from(">QQ", src, pos)
    if off == 2**64 - 1:
        break
    recs.append((pos, size))
    pos += 16 + size
op, which = sys.argv[3], sys.argv[4]
i = {"mid": len(recs) // 2, "last": len(recs) - 1}.get(which) or int(which)
p, size = recs[i]
b = bytearray(src)
if op == "drop":
    b = src[:p] + src[p + 16 + size:]
elif op == "size":
    struct.pack_into(">Q", b, p + 8, 1 << 50)
elif op == "offset":
    struct.pack_into(">Q", b, p, 1 << 60)
elif op == "cut":
    b = src[:p + 20]
open(sys.argv[2], "wb").write(b)
PY
		shift 2
		run 5 "$*" "$tmp/f" "$vml"
	done
	rm -f "$tmp/f"
fi
# ELF: one fixture (the largest files), cut and corrupt headers, and kernel
# memory values that size the decoder's reads
v=$(fx_versions | head -1)
vml=$(fx_vmlinux "$v")
elf=$(fx_dump "$v" churn elf) || skip "no ELF dump"
sum=$(md5sum < "$elf")
for n in 4 16 48 63 64 100 300 472 2048 4096 8192 1000000; do
	head -c $n "$elf" > "$tmp/cut"
	what="$v ELF cut at $n"
	if [ $n -lt 4 ]; then run 4 "not a kernel dump" "$tmp/cut" "$vml"
	else run 5 "truncated" "$tmp/cut" "$vml"; fi
done
rm -f "$tmp/cut"
cp "$elf" "$tmp/e"
for c in "e_phnum 0 program headers" "e_phnum 60000 PT_LOAD" \
	 "e_phentsize 7 e_phentsize" "e_phoff 0xffffffffffff program header table"; do
	set -- $c
	what="$v ELF $1=$2"
	$MUT "$tmp/e" elf-field "$1" "$2"
	run 5 "$3" "$tmp/e" "$vml"
	$MUT "$tmp/e" restore
done
what="$v ELF note size 1 GiB"
$MUT "$tmp/e" note-size 0x40000000
run 5 "PT_NOTE" "$tmp/e" "$vml"
$MUT "$tmp/e" restore
what="$v ELF VMCOREINFO PAGESIZE=0"
$MUT "$tmp/e" vmcoreinfo PAGESIZE 0
run 5 "PAGESIZE" "$tmp/e" "$vml"
$MUT "$tmp/e" restore
for c in "page_owner_ops 0 0xfff0 page_owner_ops.offset pages" \
	 "page_owner_ops 0 0xfff0 page_owner_ops.offset memcg" \
	 "page_ext_size 0 0x100000 page_ext_size pages" \
	 "max_pfn 0 0xffffffffffff max_pfn pages"; do
	set -- $c
	what="$v ELF $1+$2=$3 ($5)"
	$MUT "$tmp/e" kvaddr-u64 "$vml" "$1" "$2" "$3"
	run 5 "$4" "$tmp/e" "$vml" "$5"
	$MUT "$tmp/e" restore
done
cmp -s "$elf" "$tmp/e" || fail "ELF mutations were not undone"
rm -f "$tmp/e" "$tmp/k"
[ "$(md5sum < "$elf")" = "$sum" ] || fail "the fixture was modified"
echo "$cases damaged dumps: each refused with its documented status and one line naming the field"
