# `pageowner top` on every OOM fixture (a pipe-buffer consumer ran the
# machine out of memory with panic_on_oom): the greatest consumer must be
# the pipe buffers (its stack goes through pipe_write) with a page count
# within 2% of pipe_pages in oom/consumer.txt, and the panic line of the
# kernel log must be reported as the console showed it.
. "$(dirname "$0")/../lib.sh"
n=0
for v in $(fx_versions); do
	[ -d "$FX/$v/oom" ] || continue
	cons=$FX/$v/oom/consumer.txt
	[ -f "$cons" ] || fail "$v: no oom/consumer.txt"
	want=$(awk '$1 == "pipe_pages" {print $2}' "$cons")
	[ -n "$want" ] || fail "$v: no pipe_pages in $cons"
	vml=$(fx_vmlinux "$v")
	form=$(fx_forms "$v" oom | head -1)
	dump=$(fx_dump "$v" oom "$form")
	mkdir -p "$FXCACHE/$v/oom"
	out=$FXCACHE/$v/oom/top.$form.txt
	"$PO" top "$dump" "$vml" >"$out" 2>"$out.err" ||
		{ rc=$?; cat "$out.err"; fail "$v: pageowner top exited $rc"; }
	echo "$v oom $form:"
	sed 's/^/  | /' "$out" | head -40
	# The greatest consumer must be a pipe-buffer stack (through pipe_write;
	# 7.x: anon_pipe_write).  Kernels with more than one pipe allocation
	# site (7.3: anon_pipe_prefill_and_lock and anon_pipe_write itself)
	# split the pipe pages over consecutive top stacks: those are summed,
	# and the test says how many it summed.
	python3 - "$out" "$want" <<'PY' || fail "$v: the greatest consumer is not the pipe buffers with pipe_pages $want (+-2%)"
import re, sys
text, want = open(sys.argv[1]).read(), int(sys.argv[2])
blocks = re.findall(r'^(?:greatest memory consumer|next #\d+): (\d+) pages .*\n((?: .*\n)*)', text, re.M)
assert blocks, 'no greatest memory consumer'
pipe = lambda frames: 'pipe_write+' in frames
if not pipe(blocks[0][1]):
    print('  the greatest consumer is not a pipe write:\n' + blocks[0][1])
    sys.exit(1)
got = 0
n = 0
for pages, frames in blocks:
    if not pipe(frames):
        break
    got += int(pages)
    n += 1
d = abs(got - want) / want * 100
print('  greatest consumer: pipe buffers, %d pages in %d stack%s; consumer.txt pipe_pages %d: %.2f%% apart'
      % (got, n, '' if n == 1 else 's (one per pipe allocation site)', want, d))
sys.exit(0 if d <= 2.0 else 1)
PY
	panic=$(sed -n 's/^panic: //p' "$out" | head -1)
	[ -n "$panic" ] || fail "$v: no panic line"
	case "$panic" in unknown*|none*) fail "$v: panic not found in the kernel log: $panic";; esac
	if [ -f "$FX/$v/oom/console.log" ]; then
		tr -d '\r' <"$FX/$v/oom/console.log" | grep -F -q "Kernel panic - not syncing: $panic" ||
			fail "$v: panic '$panic' is not the console's panic line"
		echo "  panic line matches the console: $panic"
	fi
	grep -q '^the dump was taken at an OOM panic' "$out" || fail "$v: OOM panic not recognised"
	n=$((n+1))
done
[ $n -gt 0 ] || skip "no oom fixtures"
