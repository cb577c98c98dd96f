# The memcg report's task list walk against a cycle that does not come back
# to init_task: tests/e2e/memcg_task_cycle.c, built against the library under
# test (ASan+UBSan in the sanitizer run), patches the 6.12 churn dump's list
# and checks the walk stops at the first repeat with a warning, each task
# counted once.
. "$(dirname "$0")/../lib.sh"
[ -f "$FX/6.12/vmlinux.zst" ] || skip "no 6.12 vmlinux fixture"
dump=$(fx_dump 6.12 churn d31.zstd) || skip "no 6.12 churn dump"
bin=$(fx_build_c memcg_task_cycle); rc=$?
[ $rc = 2 ] && fail "no libpageowner.a next to $PO"
[ $rc = 0 ] || fail "cannot build memcg_task_cycle"
timeout 120 "$bin" "$dump" "$(fx_vmlinux 6.12)" || fail "memcg_task_cycle exited $?"
