#!/bin/bash
# pageowner.so inside crash(8) on the 6.12 fixtures prints what the CLI prints
# (see crash_lib.bash; skips with the reason when no crash build opens them).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/crash_lib.bash"
crash_compare 6.12
