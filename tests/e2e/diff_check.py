#!/usr/bin/env python3
"""Checks of `pageowner diff --json` (tests/e2e/diff_dumps.sh).

diff_check.py DIFF_JSON OLD_STACKS NEW_STACKS PIPE_RE NPIPE [--exact|--first]

OLD_STACKS and NEW_STACKS are `stacks` texts of the two sides.  Every row
of the diff has the pages these give its stack (frames matched by function
name: offsets and clone suffixes like .constprop.0 dropped, stacks with the
same names summed) on each side; with --exact, so does every stack of
either side (rows or unchanged); with --first, only the first NPIPE rows
are compared (the kernel's stack_list counts the other stacks a little
differently from the pages).  The first NPIPE rows are stacks through a
frame matching PIPE_RE: the pipe writes are the greatest growth.  The rows
of each section add up to the total change.
"""
import json
import re
import sys
from collections import Counter


def key_of(frame):
    frame = frame.strip()
    mod = ''
    m = re.match(r'^(.*?) \[(.*)\]$', frame)
    if m:
        frame, mod = m.group(1), '[' + m.group(2) + ']'
    frame = re.sub(r'\+0x[0-9a-f]+/0x[0-9a-f]+$', '', frame)
    if not frame.startswith('0x'):
        frame = frame.split('.')[0]
    return frame + mod


def read_stacks(path):
    c, frames = Counter(), []
    for line in open(path):
        if line.startswith(' '):
            frames.append(key_of(line))
        elif line.startswith('nr_base_pages: '):
            c[';'.join(reversed(frames))] += int(line.split()[1])
            frames = []
    return c


def main():
    j = json.load(open(sys.argv[1]))
    old, new = read_stacks(sys.argv[2]), read_stacks(sys.argv[3])
    pipe, npipe = re.compile(sys.argv[4]), int(sys.argv[5])
    rows = j['stacks']['rows']
    bad = 0
    for r in rows[:npipe] if '--first' in sys.argv else rows:
        k = r['folded']
        if r['stack'] != list(reversed(k.split(';'))):
            print('stack array is not the folded string backwards:', r)
            bad += 1
        if (old.get(k, 0), new.get(k, 0)) != (r['before'], r['after']) or \
                r['change'] != r['after'] - r['before']:
            print(f"row {r['before']} -> {r['after']}, stacks say {old.get(k, 0)} -> {new.get(k, 0)}: {k}")
            bad += 1
    if '--exact' in sys.argv:
        shown = {r['folded'] for r in rows}
        for k in set(old) | set(new):
            if old[k] != new[k] and k not in shown:
                print(f'changed stack {old[k]} -> {new[k]} is not a row: {k}')
                bad += 1
    for r in rows[:npipe]:
        if not any(pipe.search(f) for f in r['stack']) or r['change'] <= 0:
            print(f"row {rows.index(r)} is not a pipe write that grew: {r['change']} {r['folded']}")
            bad += 1
    for sec in ('stacks', 'processes', 'memcgs'):
        s = j[sec]
        if s is None or '--first' in sys.argv:
            continue
        tot = sum(r['change'] for r in s['rows'])
        if j['threshold'] <= 1 and tot != j['change_pages']:
            print(f"{sec}: rows add up to {tot}, the total change is {j['change_pages']}")
            bad += 1
    for r in rows[:npipe]:
        print(f"  {r['change']:+d} pages ({r['before']} -> {r['after']}, {r['status']}): "
              f"{';'.join(r['stack'][:5])}...")
    print(f"  {len(rows)} changed stacks, total {j['change_pages']:+d} pages; "
          f"stacks {sum(old.values())} -> {sum(new.values())} pages")
    return 1 if bad else 0


sys.exit(main())
