#!/usr/bin/env python3
"""Checks of folded stacks (tests/e2e/stacks_folded.sh, flamegraph_svg.sh).

folded_check.py rules FOLDED
    every line is what flamegraph.pl's stackcollapse parser takes, in the
    strict form: frames without blanks joined by ';', one space, an integer.
folded_check.py vs-stacks STACKS_TXT FOLDED [--offsets] [--root]
    the totals of FOLDED per stack equal those of a `stacks` text (frames
    innermost first, "nr_base_pages: N"): with --offsets exactly (one line
    per stack), without, after dropping "+0x.../0x..." and merging; with
    --root, after dropping the first frame of each folded line and merging.
Prints the totals; exits 1 on a difference.
"""
import re
import sys
from collections import Counter

LINE = re.compile(r'^[^ ;\t]+(;[^ ;\t]+)* [0-9]+$')


def read_folded(path, drop_root=False):
    c = Counter()
    for line in open(path):
        stack, _, n = line.rstrip('\n').rpartition(' ')
        if drop_root:
            stack = stack.partition(';')[2]
        c[stack] += int(n)
    return c


def frame(text, offsets):
    text = text.strip()
    mod = ''
    m = re.match(r'^(.*?) \[(.*)\]$', text)
    if m:
        text, mod = m.group(1), '[' + m.group(2) + ']'
    if not offsets:
        text = re.sub(r'\+0x[0-9a-f]+/0x[0-9a-f]+$', '', text)
    return text + mod


def read_stacks(path, offsets):
    c = Counter()
    frames = []
    for line in open(path):
        line = line.rstrip('\n')
        if line.startswith(' '):
            frames.append(frame(line, offsets))
        elif line.startswith('nr_base_pages: '):
            c[';'.join(reversed(frames))] += int(line.split()[1])
            frames = []
        elif not line:
            frames = []
    return c


def main():
    if sys.argv[1] == 'rules':
        bad = [l for l in open(sys.argv[2]) if not LINE.match(l.rstrip('\n'))]
        n = sum(1 for _ in open(sys.argv[2]))
        if bad or not n:
            print(f'{len(bad)} of {n} lines break the folded format, e.g. {bad[:3]}')
            return 1
        print(f'  {n} lines in the folded format')
        return 0
    stacks, folded = sys.argv[2], sys.argv[3]
    offsets = '--offsets' in sys.argv
    want = read_stacks(stacks, offsets)
    got = read_folded(folded, '--root' in sys.argv)
    if offsets and '--root' not in sys.argv:
        lines = sum(1 for _ in open(folded))
        if lines != len(want):
            print(f'{lines} folded lines for {len(want)} stacks')
            return 1
    diff = [(k, want.get(k, 0), got.get(k, 0)) for k in set(want) | set(got)
            if want.get(k, 0) != got.get(k, 0)]
    print(f'  {len(got)} stacks, {sum(got.values())} pages in the folded lines; '
          f'{len(want)} stacks, {sum(want.values())} pages in stacks --from-pages')
    if diff:
        for k, a, b in sorted(diff, key=lambda d: -abs(d[1] - d[2]))[:5]:
            print(f'  stacks {a} folded {b}: {k}')
        print(f'{len(diff)} stacks differ')
        return 1
    return 0


sys.exit(main())
