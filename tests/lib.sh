# Shared helpers of the end-to-end tests (sourced).  A test script exits 0
# (pass), 77 (skipped, say why on stdout) or anything else (fail).
set -u
TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
PO=${PO:-$TOP/build/pageowner}
FX=$TOP/tests/fixtures
FXCACHE=${FXCACHE:-$TOP/build/fixtures}
export LC_ALL=C
# The debug info search never looks at this machine's /usr/lib/debug, /boot
# or /lib/modules, nor asks a debuginfod server the environment names
# (tests/e2e/debug_search*.sh set up their own).
export PAGEOWNER_DEBUG_ROOT=$FXCACHE/no-debug-root
unset DEBUGINFOD_URLS

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
note() { echo "  $*"; }

# Kernel versions with fixtures.
fx_versions() {
	local d v
	for d in "$FX"/*/; do
		v=$(basename "$d")
		[ -f "$d/vmlinux.zst" ] && echo "$v"
	done
}

# Decompress a .zst fixture file once into the cache; print the path.
fx_unpack() {
	local src=$1 rel dst
	case "$src" in
	*.zst)
		rel=${src#"$FX"/}
		dst=$FXCACHE/${rel%.zst}
		if [ ! -f "$dst" ] || [ "$src" -nt "$dst" ]; then
			mkdir -p "$(dirname "$dst")"
			zstd -q -d -f --long=31 -o "$dst.tmp" "$src" && mv "$dst.tmp" "$dst"
		fi
		echo "$dst";;
	*) echo "$src";;
	esac
}

fx_vmlinux() { fx_unpack "$FX/$1/vmlinux.zst"; }

# fx_dump VER SCENARIO FORM: FORM is elf, d31.zstd, d31.lzo, d31.flat, ...
fx_dump() {
	local d=$FX/$1/$2 f
	for f in "$d/vmcore.$3" "$d/vmcore.$3.zst"; do
		[ -f "$f" ] && { fx_unpack "$f"; return 0; }
	done
	return 1
}

# All dump forms of a scenario.
fx_forms() {
	local f b
	for f in "$FX/$1/$2"/vmcore.*; do
		[ -f "$f" ] || continue
		b=$(basename "$f"); b=${b#vmcore.}; echo "${b%.zst}"
	done
}

fx_truth() {
	local f
	for f in "$FX/$1/$2/truth/$3" "$FX/$1/$2/truth/$3.zst"; do
		[ -f "$f" ] && { fx_unpack "$f"; return 0; }
	done
	return 1
}

# fx_build_c NAME: compile tests/e2e/NAME.c against the library under test
# ($PO's build: with its sanitizers in build-asan) and print the binary's
# path.  Returns 2 if that build has no libpageowner.a, 1 if it does not
# compile.
fx_build_c() {
	local b lib bin flags=
	b=$(dirname "$PO"); lib=$b/libpageowner.a; bin=$b/tests/$1
	[ -f "$lib" ] || return 2
	case $b in *asan*) flags="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all";; esac
	mkdir -p "$b/tests"
	# as the Makefile builds: libdebuginfod's header only (it is dlopen()ed)
	# shellcheck disable=SC2046,SC2086
	cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter $flags \
		-I"$TOP/include" -I"$TOP/src" $(pkg-config --cflags libkdumpfile libaddrxlat libdw libelf libzstd zlib liblzma libdebuginfod libbpf) \
		-o "$bin" "$TOP/tests/e2e/$1.c" "$lib" \
		$(pkg-config --libs libkdumpfile libaddrxlat libdw libelf libzstd zlib liblzma libbpf) -ldl >&2 || return 1
	echo "$bin"
}
