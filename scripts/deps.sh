#!/bin/sh
# Install the Debian 12 packages a make target needs (as root, or through
# sudo); quiet when they are all there.
#
#   scripts/deps.sh [-n|-l] TARGET|GROUP...
#
# TARGET is a make target (its groups below) and GROUP one of the groups;
# several may be given.  -n prints the missing packages and installs nothing;
# -l prints all the packages, installed or not.
# PO_EXTRA_DEPS adds packages to any call.  The Makefile calls it before each
# target that builds (demo, check, bench, ...), then builds in a sub-make, so
# that pkg-config is asked after the libraries are installed.
set -e

# The groups, and why each package is in them.
#  build: the C toolchain (libc6-dev: gcc only recommends it), pkg-config
#    and the libraries pageowner links (libkdumpfile-dev also has
#    libaddrxlat.pc; libdw-dev pulls libelf-dev, listed as the Makefile asks
#    for both; libdebuginfod-dev: the debug info search asks debuginfod);
#    libzstd-dev, zlib1g-dev and liblzma-dev unpack dumps compressed whole
#    (src/access/zfile.c; the first two libraries pull them, listed as the
#    Makefile links them); libbpf-dev parses the dump's own BTF.
group_build="gcc libc6-dev make pkg-config libkdumpfile-dev libdw-dev libelf-dev libdebuginfod-dev libzstd-dev zlib1g-dev liblzma-dev libbpf-dev"
#  fixtures: zstd unpacks the committed tests/fixtures/*.zst (tests/lib.sh).
group_fixtures="zstd"
#  test: tests/e2e: python3 (the checks written in Python), bc (tests/run's
#    timings), time (/usr/bin/time -f %M: sort_limits.sh's memory check),
#    binutils (objcopy --only-keep-debug: formats_debug_only.sh; gcc pulls it),
#    gzip and xz-utils (compressed_dumps.sh makes .gz and .xz dumps),
#    debuginfod and curl (debug_search_debuginfod.sh serves a fixture vmlinux
#    with elfutils' server and polls its /metrics), libdebuginfod-dev (the
#    client the build links; also in build).
#    The rest they call (coreutils, grep, sed, mawk, diffutils, tar,
#    findutils) is in every Debian system (Priority: required).
group_test="python3 bc time binutils gzip xz-utils debuginfod curl libdebuginfod-dev"
#  ksrc: sort_vs_kernel.sh builds the kernel's tools/mm/page_owner_sort.c
#    from /usr/src/linux-source-6.12.tar.xz (bookworm-security), with tar -J.
group_ksrc="linux-source-6.12 xz-utils"
#  crash: crash(8) 8.0.2 runs the extension in crash_*.sh; its defs.h
#    (/usr/include/crash) is what plugins/crash builds against.
group_crash="crash"
#  pictures: the flame graph tests check the SVG with xmllint and render it
#    with rsvg-convert (also `make pictures`).
group_pictures="libxml2-utils librsvg2-bin"
#  bench: bench/run.sh: python3 (JSON of info), bc, /usr/bin/time.
group_bench="python3 bc time"
#  qemu: bench-scale boots the fixture kernel `make fixtures` built.
group_qemu="qemu-system-x86"
#  fuzz: the libFuzzer targets need clang and its runtime (libFuzzer, ASan,
#    UBSan) from libclang-rt-14-dev.
group_fuzz="clang libclang-rt-14-dev"

# A make target's groups.
target_groups() {
	case $1 in
	all|build|install) echo build;;
	demo) echo build fixtures;;
	check) echo build fixtures test ksrc crash pictures;;
	bench) echo build fixtures bench;;
	bench-scale) echo build fixtures bench qemu;;
	crash-ext) echo build crash;;
	fuzz|fuzz-ci) echo build fixtures fuzz;;
	pictures) echo build fixtures pictures;;
	# scripts/build-crash9.sh installs crash 9's own build dependencies
	crash9) echo build;;
	*) return 1;;
	esac
}

mode=install
case ${1:-} in -n) mode=dry; shift;; -l) mode=list; shift;; esac
[ $# -gt 0 ] || { echo "usage: scripts/deps.sh [-n|-l] TARGET|GROUP... (e.g. demo, check, bench)" >&2; exit 2; }
want=""
for t in "$@"; do
	if groups=$(target_groups "$t"); then :
	else
		case $t in
		fixtures|test|ksrc|pictures|qemu) groups=$t;;
		*) echo "deps: no target or group '$t'" >&2; exit 2;;
		esac
	fi
	for g in $groups; do
		eval "want=\"\$want \$group_$g\""
	done
done
want="$want ${PO_EXTRA_DEPS:-}"
if [ $mode = list ]; then
	echo "$want" | tr ' ' '\n' | awk 'NF && !seen[$0]++' | tr '\n' ' ' | sed 's/ $//'; echo
	exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: not a Debian system: install the equivalents of:$want" >&2
	exit 0
fi
# What is not installed yet (each package once).
have=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' $want 2>/dev/null | awk '$2 == "ii" {print $1}')
need=""
for p in $want; do
	case " $need " in *" $p "*) continue;; esac
	echo "$have" | grep -qx -- "$p" || need="$need $p"
done
[ -z "$need" ] && exit 0
if [ $mode = dry ]; then echo "${need# }"; exit 0; fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 ||
		{ echo "deps: missing:$need; run as root (or install sudo) to install them" >&2; exit 1; }
	SUDO=sudo
fi
echo "deps: installing$need" >&2
# (sudo asks for a password here, if it must, before apt's output is hidden)
[ -z "$SUDO" ] || sudo true ||
	{ echo "deps: sudo failed: as root, apt-get install$need" >&2; exit 1; }
# (env: sudo does not pass DEBIAN_FRONTEND through)
apt() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
log=$(mktemp "${TMPDIR:-/tmp}/pageowner-deps.XXXXXX")
trap 'rm -f "$log"' EXIT
apt -qq update >"$log" 2>&1 ||
	{ echo "deps: apt-get update failed (going on with the package lists there are):" >&2; tail -5 "$log" >&2; }
if ! apt install -y -qq --no-install-recommends $need >"$log" 2>&1; then
	tail -20 "$log" >&2
	echo "deps: apt-get install failed. Expected: Debian 12 with bookworm, bookworm-updates and bookworm-security in the apt sources (linux-source-6.12 is in bookworm-security)" >&2
	exit 1
fi
