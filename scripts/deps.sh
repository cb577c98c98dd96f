#!/bin/sh
# Install what pageowner needs to build and test, on Debian 12 (root or sudo).
# Quiet when everything is already there.
set -e
need=""
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
for p in gcc make pkg-config libkdumpfile-dev libdw-dev libelf-dev zstd xz-utils bc \
         python3 jq time linux-source-6.12 crash ${PO_EXTRA_DEPS:-}; do
	have_pkg "$p" || need="$need $p"
done
[ -z "$need" ] && exit 0
echo "deps: installing$need" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null || true
$SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
