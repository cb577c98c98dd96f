#!/usr/bin/env python3
"""Time a command: seconds until its first byte on standard output, and
until it exits.  Prints "FIRST TOTAL EXIT" (FIRST is TOTAL when it printed
nothing).  Usage: first_output.py CMD [ARG...]; standard error is passed on."""
import os
import subprocess
import sys
import time

t0 = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, bufsize=0)
first = None
while True:
    b = p.stdout.read(65536)
    if not b:
        break
    if first is None:
        first = time.monotonic() - t0
rc = p.wait()
total = time.monotonic() - t0
print(f"{first if first is not None else total:.3f} {total:.3f} {rc}")
