#!/bin/bash
# `make fuzz` / `make fuzz-ci`: build the libFuzzer targets and run each for
# FUZZ_SECONDS (default 60) on its committed corpus.  New inputs go to a
# fresh scratch directory outside the tree (the committed corpus never
# grows by itself); crashes, leaks, timeouts and OOMs go to FUZZ_ARTIFACTS
# (default build-fuzz/artifacts).  Exits 1 if a target found anything,
# 0 otherwise, and 0 with a SKIP line when clang or libFuzzer is missing.
#
#   FUZZ_SECONDS=N     seconds per target run (default 60)
#   FUZZ_KERNELS=LIST  fixture kernels fuzz_decoder runs with, one run each
#                      (default "6.1 6.12 7.3"; corpus fuzz/corpus/fuzz_decoder/<ver>)
#   FUZZ_TARGETS=LIST  default "fuzz_open_dump fuzz_decoder"
#   FUZZ_TIMEOUT=N     per-input time limit in seconds (default 25)
#   FUZZ_JOBS=N        libFuzzer -fork=N (default: no fork, stop at the first finding)
#   FUZZ_EXTRA="..."   more libFuzzer flags
#   FUZZ_KEEP=1        keep the scratch corpus (its path is printed)
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
FUZZ_CC=${FUZZ_CC:-clang}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_KERNELS=${FUZZ_KERNELS:-6.1 6.12 7.3}
FUZZ_TARGETS=${FUZZ_TARGETS:-fuzz_open_dump fuzz_decoder}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-25}
FUZZ_ARTIFACTS=${FUZZ_ARTIFACTS:-$TOP/$FUZZ_BUILD/artifacts}

case $FUZZ_SECONDS in ''|*[!0-9]*|0) echo "fuzz: FUZZ_SECONDS must be a positive number of seconds, not '$FUZZ_SECONDS'" >&2; exit 2;; esac

# clang with libFuzzer and the sanitizers?
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe/p.c"
if ! command -v "$FUZZ_CC" >/dev/null 2>&1; then
	echo "fuzz: SKIP: $FUZZ_CC not found (Debian: apt-get install clang libclang-rt-14-dev)"
	exit 0
fi
if ! "$FUZZ_CC" -fsanitize=fuzzer,address,undefined -o "$probe/p" "$probe/p.c" >"$probe/log" 2>&1; then
	echo "fuzz: SKIP: $FUZZ_CC cannot link a libFuzzer target with ASan+UBSan (Debian: apt-get install libclang-rt-14-dev): $(tail -1 "$probe/log")"
	exit 0
fi

echo "== fuzz: building ($FUZZ_CC, $FUZZ_BUILD)"
if ! make --no-print-directory -s FUZZ_CC="$FUZZ_CC" FUZZ_BUILD="$FUZZ_BUILD" fuzz-build >"$probe/build.log" 2>&1; then
	cat "$probe/build.log"
	echo "fuzz: FAIL: build"
	exit 1
fi

source "$TOP/tests/lib.sh"
mkdir -p "$FUZZ_ARTIFACTS"
# allocator_may_return_null: a huge allocation sized by a hostile field fails
# as in the release build (NULL), and what the code does next is tested;
# -malloc_limit_mb below lets it reach the allocator instead of stopping.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$TOP/tests/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
status=0
summary=()

# run NAME BINARY CORPUS [env assignments...]
run() {
	local name=$1 bin=$2 corpus=$3 scratch log rc execs rate start end
	shift 3
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/pageowner-fuzz-$name.XXXXXX")
	log=$FUZZ_ARTIFACTS/$name.log
	echo "== fuzz: $name for ${FUZZ_SECONDS}s (corpus $corpus, new inputs in $scratch, log $log)"
	start=$(date +%s)
	touch "$probe/stamp-$name"
	# shellcheck disable=SC2086
	env "$@" "$bin" -max_total_time="$FUZZ_SECONDS" -timeout="$FUZZ_TIMEOUT" \
		-rss_limit_mb=2560 -malloc_limit_mb=1048576 -print_final_stats=1 \
		-artifact_prefix="$FUZZ_ARTIFACTS/$name-" \
		${FUZZ_JOBS:+-fork=$FUZZ_JOBS -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1} \
		${FUZZ_EXTRA:-} "$scratch" "$corpus" >"$log" 2>&1
	rc=$?
	end=$(date +%s)
	# the final stats, or (fork mode, or stopped) the last "#N" status line
	execs=$( { grep -ao 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$'
		   grep -aoE '^#[0-9]+' "$log" | tr -d '#'; } | sort -n | tail -1)
	rate=$(grep -ao 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
	local found
	found=$(find "$FUZZ_ARTIFACTS" -maxdepth 1 -name "$name-*" -newer "$probe/stamp-$name" | wc -l)
	if [ "$rc" != 0 ] || [ "$found" != 0 ]; then
		status=1
		summary+=("$(printf '%-22s %5ss %10s execs %6s/s  FOUND (exit %s, %s artifact(s) in %s)' \
			"$name" $((end - start)) "${execs:-?}" "${rate:-?}" "$rc" "$found" "$FUZZ_ARTIFACTS")")
		grep -a -m1 -A30 -E '^==[0-9]+==ERROR|runtime error|^SUMMARY|ALARM|deadly signal' "$log" | head -40
	else
		summary+=("$(printf '%-22s %5ss %10s execs %6s/s  ok' "$name" $((end - start)) "${execs:-?}" "${rate:-?}")")
	fi
	if [ -n "${FUZZ_KEEP:-}" ]; then
		echo "== fuzz: $name: new inputs kept in $scratch"
	else
		rm -rf "$scratch"
	fi
}

for t in $FUZZ_TARGETS; do
	case $t in
	fuzz_open_dump)
		run fuzz_open_dump "$TOP/$FUZZ_BUILD/fuzz_open_dump" "$TOP/fuzz/corpus/fuzz_open_dump";;
	fuzz_decoder)
		for v in $FUZZ_KERNELS; do
			if ! vml=$(fx_vmlinux "$v") || [ ! -f "$vml" ]; then
				summary+=("fuzz_decoder-$v: SKIP (no fixture vmlinux for $v)")
				continue
			fi
			run "fuzz_decoder-$v" "$TOP/$FUZZ_BUILD/fuzz_decoder" \
				"$TOP/fuzz/corpus/fuzz_decoder/$v" FUZZ_VMLINUX="$vml"
		done;;
	*) echo "fuzz: unknown target '$t'" >&2; exit 2;;
	esac
done
echo
echo "== fuzz summary (FUZZ_SECONDS=$FUZZ_SECONDS)"
printf '%s\n' "${summary[@]}"
exit $status
