#!/bin/bash
# Build crash 9.0.2 from Debian sid's source package, for opening dumps of
# kernels that bookworm's crash 8.0.2 cannot (6.12 and later stop it with
# "invalid structure member offset: kmem_cache_s_num" on our first 6.12
# fixture; that was its SLUB_TINY config, see man/pageowner-crash.7).  Never run by CI or
# `make check`; the crash e2e tests use the result when it is there.
#
#   sudo scripts/build-crash9.sh          # ~15-25 min on 2 cores (gdb 16.3)
#   make -C plugins/crash crash9          # pageowner-crash9.so against its defs.h
#   /var/cache/pageowner/crash9/src/crash -s --kaslr 0xOFFSET vmlinux vmcore
#
# Everything goes to $CRASH9_CACHE (default /var/cache/pageowner/crash9),
# outside the repository: the source package files, the unpacked tree in
# src/ (crash's defs.h and the `crash` binary end up at its top) and
# build.log.  Needs root for apt: a deb-src line for sid in
# /etc/apt/sources.list.d/pageowner-crash-src.list (only source packages come
# from sid; the build dependencies are bookworm's) and the build dependencies.
set -euo pipefail

CACHE=${CRASH9_CACHE:-/var/cache/pageowner/crash9}
SRC=$CACHE/src
WANT=9.0.2
LIST=/etc/apt/sources.list.d/pageowner-crash-src.list
JOBS=${JOBS:-2}

say() { echo "build-crash9: $*"; }

if [ -x "$SRC/crash" ] && "$SRC/crash" --version 2>/dev/null | grep -q "^crash $WANT"; then
	say "crash $WANT is already built: $SRC/crash"
	exit 0
fi
mkdir -p "$CACHE"

# 1. the source package
version() { (apt-cache showsrc crash 2>/dev/null || true) | sed -n "s/^Version: \($WANT[^ ]*\)$/\1/p" | head -1; }
ver=$(version)
if [ -z "$ver" ]; then
	[ "$(id -u)" = 0 ] || { say "need root to add a deb-src line for sid"; exit 1; }
	if ! grep -qs "debian sid main" "$LIST"; then
		echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" >>"$LIST"
	fi
	apt-get update -qq
	ver=$(version)
	[ -n "$ver" ] || { say "no crash $WANT source package in sid any more"; exit 1; }
fi
say "crash source package $ver"
dsc=$CACHE/crash_$ver.dsc
if [ ! -f "$dsc" ]; then
	(cd "$CACHE" && apt-get source -q --download-only "crash=$ver")
fi

# 2. build dependencies (all in bookworm)
deps=$(sed -n '/^Build-Depends:/{s/^Build-Depends://;s/([^)]*)//g;s/,/ /g;p}' "$dsc")
missing=()
for p in $deps; do
	[ "$p" = debhelper-compat ] && continue
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || { say "need root to install ${missing[*]}"; exit 1; }
	say "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 3. unpack (dpkg-source applies Debian's patches: the gdb 16.3 component
#    tarball is used instead of downloading gdb)
if [ ! -f "$SRC/defs.h" ]; then
	rm -rf "$SRC" "$SRC.tmp"
	dpkg-source -x "$dsc" "$SRC.tmp" >/dev/null
	mv "$SRC.tmp" "$SRC"
fi

# 4. build, as debian/rules does (crash's Makefile configures gdb itself)
say "building in $SRC (log: $CACHE/build.log); this takes a while"
cd "$SRC"
if ! make -j"$JOBS" lzo zstd >"$CACHE/build.log" 2>&1; then
	tail -30 "$CACHE/build.log"
	say "build failed; see $CACHE/build.log"
	exit 1
fi
"$SRC/crash" --version | grep -q "^crash $WANT" || { say "built crash does not say it is $WANT"; exit 1; }
say "done: $SRC/crash ($("$SRC/crash" --version | awk '/^crash /{print $2; exit}'))"
