#!/bin/bash
# make demo: the main job on a bundled fixture dump: who holds the memory?
set -e
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib.sh"
v=${1:-6.12}
[ -f "$FX/$v/vmlinux.zst" ] || v=$(fx_versions | tail -1)
[ -n "$v" ] || { echo "demo: no fixtures in tests/fixtures" >&2; exit 1; }
vml=$(fx_vmlinux "$v")
dump=$(fx_dump "$v" oom d31.zstd || fx_dump "$v" churn d31.zstd)
echo "\$ pageowner info $dump $vml | head -12"
"$PO" info "$dump" "$vml" | head -12
echo
echo "\$ pageowner top -n 3 $dump $vml"
"$PO" top -n 3 "$dump" "$vml" || true
echo
echo "\$ pageowner pages $dump $vml | head -24"
"$PO" pages "$dump" "$vml" | head -24
