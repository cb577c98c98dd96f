#!/bin/bash
# make pictures: the flame graph shown in README.md and pageowner-flamegraph(1),
# drawn from the 7.3 OOM fixture (docs/flamegraph-7.3-oom.svg) and rendered
# to a PNG with rsvg-convert (docs/flamegraph-7.3-oom.png).
set -e
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/lib.sh"
set -e
v=7.3
command -v rsvg-convert >/dev/null || { echo "pictures: no rsvg-convert (apt-get install librsvg2-bin)" >&2; exit 1; }
[ -f "$FX/$v/vmlinux.zst" ] || { echo "pictures: no $v fixture in tests/fixtures" >&2; exit 1; }
vml=$(fx_vmlinux "$v")
dump=$(fx_dump "$v" oom d31.zstd)
mkdir -p "$TOP/docs"
svg=$TOP/docs/flamegraph-$v-oom.svg png=$TOP/docs/flamegraph-$v-oom.png
# the title names the fixture, not the cache path it was unpacked to
"$PO" flamegraph --title "Allocated pages at an OOM panic: Linux $v, tests/fixtures/$v/oom" \
	-o "$svg" "$dump" "$vml"
rsvg-convert -b white -o "$png" "$svg"
echo "pictures: $svg, $png"
