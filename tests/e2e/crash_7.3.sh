#!/bin/bash
# pageowner.so inside crash(8) on the 7.3 fixtures prints what the CLI prints
# (see crash_lib.bash; skips with the reason when no crash build opens them).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/crash_lib.bash"
# bookworm's crash 8.0.2 is not made for 6.12+: on the 6.12 ELF dump it opened
# some runs and aborted in malloc (heap corruption) in others
crash_compare 7.3 9
