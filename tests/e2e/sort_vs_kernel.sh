# `pageowner sort` against the kernel's own tools/mm/page_owner_sort (built
# here from linux-source-6.12) on every fixture kernel's churn scenario:
#  1. text input: `pageowner sort OPTS truth/page_owner.txt` must be
#     byte-identical to `page_owner_sort OPTS truth/page_owner.txt OUT`
#     (the kernel's own debugfs text) for every option set below;
#  2. dump input: `pageowner sort OPTS DUMP VMLINUX` must be byte-identical
#     to page_owner_sort run on `pageowner pages DUMP VMLINUX`;
#  3. what page_owner_sort gets wrong and pageowner does not: --sort (which
#     the 6.12 tool overrides with -t) orders the very blocks page_owner_sort
#     prints, -f drops exactly the released records, --json is valid and adds
#     up.
# Ties: page_owner_sort sorts with glibc's qsort, a stable merge sort, so its
# ties keep the cull-rule order; pageowner orders ties the same way, so no
# tie-insensitive comparison is needed: outputs must be identical.
. "$(dirname "$0")/../lib.sh"

ref_tool() {
	local bin=$TOP/build/page_owner_sort src=$TOP/build/ksrc-6.12/page_owner_sort.c
	local tarball=/usr/src/linux-source-6.12.tar.xz
	if [ ! -x "$bin" ]; then
		mkdir -p "$(dirname "$src")"
		if [ ! -s "$src" ]; then
			[ -f "$tarball" ] || skip "no $tarball to build page_owner_sort from"
			tar -xJOf "$tarball" --wildcards '*/tools/mm/page_owner_sort.c' >"$src.tmp" &&
				[ -s "$src.tmp" ] && mv "$src.tmp" "$src" ||
				skip "tools/mm/page_owner_sort.c not found in $tarball"
		fi
		command -v gcc >/dev/null || skip "no gcc to build page_owner_sort"
		gcc -O2 -w -o "$bin.tmp" "$src" && mv "$bin.tmp" "$bin" ||
			fail "cannot build page_owner_sort"
	fi
	echo "$bin"
}

same() { # NAME REF OURS
	if ! cmp -s "$2" "$3"; then
		echo "--- page_owner_sort  +++ pageowner sort   ($1)"
		diff -u "$2" "$3" | head -30
		fail "$1: output differs from page_owner_sort"
	fi
}

# ref OUT OPTS... INPUT: page_owner_sort's output, cached next to the input
# (it depends on the input and the options only; the ASan run reuses it)
ref() {
	local out=$1; shift
	local in=${!#} key
	key=$(printf '%s\n' "$@" | md5sum | cut -c1-12)
	local cache=$work/ref.$(basename "$in").$key
	if [ ! -f "$cache" ] || [ "$in" -nt "$cache" ] || [ "$REF" -nt "$cache" ]; then
		"$REF" "$@" "$cache.tmp" >/dev/null 2>&1 || fail "page_owner_sort $* failed"
		mv "$cache.tmp" "$cache"
	fi
	cp "$cache" "$out"
}

[ -n "$(fx_versions)" ] || skip "no fixture kernels yet"
REF=$(ref_tool) || { rc=$?; echo "$REF"; exit $rc; }

n=0
for v in $(fx_versions); do
	truth=$(fx_truth "$v" churn page_owner.txt) || { note "$v: no churn truth page_owner.txt"; continue; }
	vml=$(fx_vmlinux "$v")
	work=$FXCACHE/$v/churn/sort
	mkdir -p "$work"
	# a pid and a command name that are in the data, for --pid/--tgid/--name
	pid=$(grep -o '^Page allocated via.*, pid [0-9]*,' "$truth" | sed 's/.*pid \([0-9]*\),/\1/' | sort | uniq -c | sort -rn | awk 'NR==1{print $2}')
	comm=$(sed -n 's/^Page allocated via.*, tgid [0-9]* (\(.*\)), ts .*/\1/p' "$truth" | grep -v '[ ,]' | sort | uniq -c | sort -rn | sed -n '1s/^ *[0-9]* //p')
	[ -n "$pid" ] && [ -n "$comm" ] || fail "$v: no pid/comm found in $truth"
	optsets=(
		""
		"-t"
		"-m"
		"-p"
		"-P"
		"-s"
		"-n"
		"-a"
		"--cull=stacktrace"
		"--cull=pid,name"
		"--cull=st,tgid,ator"
		"-m --cull=st"
		"-s --cull=n,p"
		"--pid=$pid --cull=st"
		"--tgid=$pid,1 --cull=n"
		"--name=$comm -m"
	)
	# the dump path walks the dump every time: fewer, varied sets
	dumpsets=("" "-m" "-p" "-n" "--cull=st,tgid,ator" "-m --cull=st" "--name=$comm -m")
	# the sanitizer build runs the same code paths on fewer dump walks (time)
	case $PO in */build-asan/*) dumpsets=("" "--cull=st,tgid,ator" "--name=$comm -m") ;; esac
	echo "$v: $(grep -c '^Page allocated' "$truth") records; pid $pid, comm $comm"

	# 1. text input
	for opts in "${optsets[@]}"; do
		# shellcheck disable=SC2086
		ref "$work/ref.txt" $opts "$truth"
		# shellcheck disable=SC2086
		"$PO" sort $opts "$truth" >"$work/ours.txt" || fail "$v: pageowner sort $opts exited $?"
		[ -s "$work/ours.txt" ] || fail "$v: pageowner sort $opts: empty output"
		same "$v text '$opts'" "$work/ref.txt" "$work/ours.txt"
		n=$((n + 1))
	done
	note "text input: ${#optsets[@]} option sets identical"

	# 2. dump input, against page_owner_sort on `pageowner pages`
	form=
	for cand in elf d31.zstd $(fx_forms "$v" churn); do
		# (in a subshell: lib.sh's helpers set globals such as f)
		(fx_dump "$v" churn "$cand" >/dev/null) && { form=$cand; break; }
	done
	if [ -n "$form" ]; then
		dump=$(fx_dump "$v" churn "$form")
		"$PO" pages "$dump" "$vml" >"$work/pages.new" 2>"$work/pages.err" ||
			{ cat "$work/pages.err"; fail "$v: pageowner pages exited $?"; }
		# keep the old file (and the cached page_owner_sort outputs) if equal
		cmp -s "$work/pages.new" "$work/pages.txt" || mv "$work/pages.new" "$work/pages.txt"
		for opts in "${dumpsets[@]}"; do
			# shellcheck disable=SC2086
			ref "$work/ref.txt" $opts "$work/pages.txt"
			# shellcheck disable=SC2086
			"$PO" sort $opts "$vml" "$dump" >"$work/ours.txt" 2>"$work/ours.err" ||
				{ cat "$work/ours.err"; fail "$v: pageowner sort $opts DUMP exited $?"; }
			same "$v dump $form '$opts'" "$work/ref.txt" "$work/ours.txt"
			n=$((n + 1))
		done
		note "dump input ($form): ${#dumpsets[@]} option sets identical"
	else
		note "$v: no churn dump"
	fi

	# 3. the fixes: --sort, -f, --json
	ref "$work/ref.txt" --cull=pid,name "$truth"
	"$PO" sort --sort=-pages,+pid --cull=pid,name "$truth" >"$work/ours.txt" || fail "$v: --sort exited $?"
	ref "$work/ref2.txt" "$truth"
	"$PO" sort --sort=name,-times "$truth" >"$work/ours2.txt" || fail "$v: --sort exited $?"
	"$PO" sort -f --cull=st "$truth" >"$work/f.txt" || fail "$v: -f exited $?"
	"$PO" sort --json --cull=st,pid "$truth" >"$work/ours.json" || fail "$v: --json exited $?"
	"$PO" sort --cull=st,pid "$truth" >"$work/ours3.txt" || fail "$v: --cull exited $?"
	python3 -m json.tool "$work/ours.json" >/dev/null || fail "$v: --json output is not JSON"
	python3 - "$truth" "$work" <<'EOF' || fail "$v: --sort/-f/--json checks"
import json, re, sys
truth, work = sys.argv[1], sys.argv[2]
HDR = re.compile(r'^(\d+) times, (\d+) pages')

def blocks(path):
    out, cur = [], None
    for line in open(path, errors='surrogateescape'):
        if HDR.match(line):
            cur = [line]
            out.append(cur)
        elif cur is not None:
            cur.append(line)
    return [''.join(b) for b in out]

def check(ok, msg):
    if not ok:
        print('FAIL:', msg)
        sys.exit(1)

# --sort=-pages,+pid with --cull=pid,name: page_owner_sort's lines, reordered
ref, ours = blocks(work + '/ref.txt'), blocks(work + '/ours.txt')
check(sorted(ref) == sorted(ours), '--sort: not the blocks page_owner_sort prints')
keys = []
for b in ours:
    m = re.match(r'^\d+ times, (\d+) pages, PID (-?\d+),', b)
    keys.append((-int(m.group(1)), int(m.group(2))))
check(keys == sorted(keys), '--sort=-pages,+pid: not in that order')

# --sort=name,-times (whole-text blocks)
ref, ours = blocks(work + '/ref2.txt'), blocks(work + '/ours2.txt')
check(sorted(ref) == sorted(ours), '--sort=name,-times: not the blocks of page_owner_sort')
COMM = re.compile(r'tgid\s*[0-9]*\s*\((.*)\),\s*ts')
keys = []
for b in ours:
    m = COMM.search(b)
    keys.append(((m.group(1) if m else '').encode('utf-8', 'surrogateescape'),
                 -int(HDR.match(b).group(1))))
check(keys == sorted(keys), '--sort=name,-times: not in that order')
print('  --sort: %d and %d blocks, same as page_owner_sort, in the asked order' % (len(ref), len(ours)))

# -f: leaves out exactly the records freed after their allocation
LINE1 = re.compile(r'ts\s*([0-9]*)\s*ns')
FREE = re.compile(r'free_ts\s*([0-9]*)\s*ns')
total = released = 0
for line in open(truth, errors='surrogateescape'):
    if not line.startswith('Page allocated'):
        continue
    total += 1
    m, f = LINE1.search(line), FREE.search(line)
    ts = int(m.group(1)) if m and m.group(1) else 2**64 - 1
    fts = int(f.group(1)) if f and f.group(1) else 0
    released += fts != 0 and ts < fts
kept = sum(int(HDR.match(b).group(1)) for b in blocks(work + '/f.txt'))
check(kept == total - released, '-f kept %d of %d records, %d released' % (kept, total, released))
print('  -f: %d records, %d released, %d kept' % (total, released, kept))

# --json: the same blocks as the text output, and the counts add up
j = json.load(open(work + '/ours.json'))
text = blocks(work + '/ours3.txt')
check(len(j['blocks']) == len(text) == j['entries'], '--json: %d blocks, text %d' % (len(j['blocks']), len(text)))
check(sum(b['times'] for b in j['blocks']) == j['records'] == total, '--json: times do not add up to the records')
for b, t in zip(j['blocks'], text):
    h = '%d times, %d pages, PID %d:\n%s\n' % (b['times'], b['pages'], b['key']['pid'], b['key']['stacktrace'])
    check(h == t, '--json block differs from text block:\n%s\n%s' % (h, t))
print('  --json: %d blocks, %d records' % (len(j['blocks']), j['records']))
EOF
done
[ $n -gt 0 ] || skip "no fixture with a churn truth page_owner.txt yet"
echo "$n comparisons identical"
