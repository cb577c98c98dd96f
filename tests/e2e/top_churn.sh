# `pageowner top` on every churn fixture (a sysrq crash, not an OOM): the
# panic reason is the console's and is not called an OOM panic, and the
# dump's RAM total equals MemTotal of the kernel's own /proc/meminfo
# (totalram_pages does not change after boot).
. "$(dirname "$0")/../lib.sh"
n=0
for v in $(fx_versions); do
	form=$(fx_forms "$v" churn | head -1)
	[ -n "$form" ] || continue
	dump=$(fx_dump "$v" churn "$form")
	vml=$(fx_vmlinux "$v")
	mkdir -p "$FXCACHE/$v/churn"
	out=$FXCACHE/$v/churn/top.txt
	"$PO" top -n 1 "$dump" "$vml" >"$out" 2>"$out.err" || { rc=$?; cat "$out.err"; fail "$v: top exited $rc"; }
	echo "$v churn $form:"
	panic=$(sed -n 's/^panic: //p' "$out")
	want=$(tr -d '\r' <"$FX/$v/churn/console.log" | sed -n 's/.*\] Kernel panic - not syncing: //p' | tail -1)
	[ -n "$want" ] || fail "$v: no panic line in console.log"
	[ "$panic" = "$want" ] || fail "$v: panic '$panic', console says '$want'"
	grep -q 'OOM panic' "$out" && fail "$v: a sysrq crash called an OOM panic"
	echo "  panic: $panic"
	meminfo=$(fx_truth "$v" churn meminfo) || fail "$v: no truth/meminfo"
	memtotal=$(awk '$1 == "MemTotal:" {print $2}' "$meminfo")
	ram=$(sed -n 's/^  RAM: *\([0-9]*\) pages.*/\1/p' "$out")
	[ -n "$ram" ] || fail "$v: no RAM line"
	[ $((ram * 4)) = "$memtotal" ] || fail "$v: RAM $ram pages = $((ram * 4)) kB, MemTotal $memtotal kB"
	echo "  RAM $ram pages = MemTotal $memtotal kB"
	n=$((n+1))
done
[ $n -gt 0 ] || skip "no churn fixtures"
