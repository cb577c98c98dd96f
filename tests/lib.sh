# Shared helpers of the end-to-end tests (sourced).  A test script exits 0
# (pass), 77 (skipped, say why on stdout) or anything else (fail).
set -u
TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
PO=${PO:-$TOP/build/pageowner}
FX=$TOP/tests/fixtures
FXCACHE=${FXCACHE:-$TOP/build/fixtures}
export LC_ALL=C

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
