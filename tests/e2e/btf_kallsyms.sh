# Without a vmlinux (--btf): the dump's own BTF and kallsyms give what the
# vmlinux gives.  On every fixture kernel with BTF, every scenario and dump
# form (and the module fixture), each report runs with --btf and with the
# vmlinux: standard output and exit status must be the same, byte for
# byte.  btf_types.c compares the answers of both sources question by
# question (every type, member, enumerator, variable, symbol, %pS address
# and .rodata string the model asked; for 7.3, which has no BTF, those of
# its kallsyms alone).  A kernel without BTF (7.3) and a dump whose
# VMCOREINFO has no kallsyms (before 6.0; made by renaming the key) fail
# with exit 6 and say why.
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 bad=0

# run NAME ARGS...: the report with --btf and with the vmlinux, compared
run() {
	local name=$1 rcb rcv; shift
	"$PO" "$@" --btf "$dump" >"$tmp/btf.out" 2>"$tmp/btf.err"; rcb=$?
	"$PO" "$@" "$dump" "$vml" >"$tmp/vml.out" 2>"$tmp/vml.err"; rcv=$?
	n=$((n+1))
	if [ $rcb != $rcv ] || ! cmp -s "$tmp/btf.out" "$tmp/vml.out"; then
		bad=$((bad+1))
		echo "DIFF $label $name: exit $rcb with --btf, $rcv with the vmlinux"
		diff "$tmp/vml.out" "$tmp/btf.out" | head -5 | sed 's/^/    /'
		head -3 "$tmp/btf.err" | sed 's/^/    btf: /'
	fi
}

# check VER SCENARIO FORM DUMP: every report
check() {
	local v=$1 pfns p
	label="$1 $2 $3"
	vml=$(fx_vmlinux "$v")
	run pages pages
	# a few PFNs: the first and last allocated records, the first freed one
	pfns=$(grep -m1 -o '^PFN [0-9a-fx]*' "$tmp/vml.out" | cut -d' ' -f2)
	pfns="$pfns $(grep -o '^PFN [0-9a-fx]*' "$tmp/vml.out" | tail -1 | cut -d' ' -f2)"
	run pages-json pages --json
	run pages-freed pages --freed
	pfns="$pfns $(grep -m1 -o '^PFN [0-9a-fx]*' "$tmp/vml.out" | cut -d' ' -f2) 0x1000"
	for p in $pfns; do
		run "page-$p" page "$p"
		run "page-$p-json" page --json "$p"
	done
	run stacks stacks
	run stacks-json stacks --json
	run stacks-from-pages stacks --from-pages
	run top top
	run top-json top --json
	run memcg memcg
	run memcg-dying memcg --dying
	run memcg-json memcg --json
	run sort sort
	run sort-cull sort --cull=stacktrace -m
	echo "  $label: compared"
}

for v in 6.1 6.12; do
	[ -f "$FX/$v/vmlinux.zst" ] || continue
	for sc in churn oom nopo; do
		[ -d "$FX/$v/$sc" ] || continue
		for f in $(fx_forms "$v" "$sc"); do
			# under the sanitizers (several times slower, and CI runs both
			# builds in 30 minutes) the compressed form of each dump only;
			# the release build compares every form
			case $PO in *asan*) [ "$f" = d31.zstd ] || continue;; esac
			dump=$(fx_dump "$v" "$sc" "$f") || continue
			check "$v" "$sc" "$f"
		done
	done
done
if [ -f "$FX/module/6.12/vmcore.d31.zstd.zst" ] && [ -f "$FX/6.12/vmlinux.zst" ]; then
	dump=$(fx_unpack "$FX/module/6.12/vmcore.d31.zstd.zst")
	check 6.12 module d31.zstd
fi
[ $n -gt 0 ] || skip "no fixture with BTF (6.1, 6.12)"

# question by question
bin=$(fx_build_c btf_types); rc=$?
[ $rc = 0 ] || fail "cannot build btf_types.c"
for v in 6.1 6.12; do
	dump=$(fx_dump "$v" churn d31.zstd) || continue
	echo "  $v: btf_types"
	"$bin" "$dump" "$(fx_vmlinux "$v")" | sed 's/^/    /'
	[ "${PIPESTATUS[0]}" = 0 ] || { echo "DIFF $v: btf_types"; bad=$((bad+1)); }
done

# no BTF: 7.3; its kallsyms (place-relative offsets) still answer as its
# vmlinux's symbol table
if dump=$(fx_dump 7.3 churn d31.zstd); then
	echo "  7.3: btf_types --kallsyms"
	"$bin" --kallsyms "$dump" "$(fx_vmlinux 7.3)" | sed 's/^/    /'
	[ "${PIPESTATUS[0]}" = 0 ] || { echo "DIFF 7.3: btf_types --kallsyms"; bad=$((bad+1)); }
	"$PO" pages --btf "$dump" >/dev/null 2>"$tmp/err"; rc=$?
	[ $rc = 6 ] && grep -q "no BTF in the dump (CONFIG_DEBUG_INFO_BTF off?)" "$tmp/err" ||
		fail "7.3 (no BTF): exit $rc, $(cat "$tmp/err")"
	echo "  7.3: exit 6: $(cat "$tmp/err")"
fi
# no kallsyms in VMCOREINFO: as a kernel before 6.0
if dump=$(fx_dump 6.1 oom d31.zstd); then
	python3 - "$dump" "$tmp/nokallsyms" <<'PY' || fail "cannot make the dump without kallsyms"
import sys
b = open(sys.argv[1], 'rb').read()
k = b'SYMBOL(kallsyms_names)='
assert k in b
open(sys.argv[2], 'wb').write(b.replace(k, b'SYMBOL(kallsyms_nameZ)='))
PY
	"$PO" pages --btf "$tmp/nokallsyms" >/dev/null 2>"$tmp/err"; rc=$?
	[ $rc = 6 ] && grep -q "no kallsyms in VMCOREINFO (kernel before 6.0)" "$tmp/err" ||
		fail "no kallsyms: exit $rc, $(cat "$tmp/err")"
	echo "  no kallsyms: exit 6: $(cat "$tmp/err")"
fi
# damaged: each kallsyms address in VMCOREINFO swapped for another's, or
# for an address outside the dump: exit 6 or 10 with a reason, no crash
if dump=$(fx_dump 6.1 oom d31.zstd); then
	python3 - "$dump" "$tmp/mut" <<'PY' || fail "cannot make the damaged dumps"
import re, sys
b = open(sys.argv[1], 'rb').read()
vals = dict((m.group(1), m.group(2)) for m in
            re.finditer(rb'SYMBOL\((kallsyms_\w+|_stext)\)=([0-9a-f]{16})\n', b))
i = 0
for k in vals:
    for v in [x for x in vals.values() if x != vals[k]] + [b'ffffffff00000000', b'0000000000001000']:
        old = b'SYMBOL(' + k + b')=' + vals[k] + b'\n'
        open('%s%02d' % (sys.argv[2], i), 'wb').write(b.replace(old, b'SYMBOL(' + k + b')=' + v + b'\n'))
        i += 1
PY
	m=0
	for f in "$tmp"/mut*; do
		timeout 120 "$PO" top --btf "$f" >/dev/null 2>"$tmp/err"; rc=$?
		m=$((m+1))
		case $rc in
		6|10) grep -q "kallsyms" "$tmp/err" || fail "$(basename "$f"): exit $rc without naming kallsyms: $(head -3 "$tmp/err")";;
		*) fail "$(basename "$f"): exit $rc: $(head -3 "$tmp/err")";;
		esac
	done
	echo "  $m dumps with damaged kallsyms addresses: exit 6 or 10, with the reason"
fi
echo "$n runs compared, $bad differ"
[ $bad = 0 ] || fail "$bad of $n differ"
