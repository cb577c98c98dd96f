#!/usr/bin/env python3
"""Per-stack page totals: compare pageowner's with the kernel's own.

  stacks_compare.py show_stacks TRUTH OURS MIN_RATE
      TRUTH is the kernel's page_owner_stacks/show_stacks text.
  stacks_compare.py show_handles|show_stacks_handles TRUTH OURS MIN_RATE
      The 6.19+/7.3 views: blocks keyed by frames and "handle: N" (a
      show_stacks_handles record, which has no page count, counts as 1).
  stacks_compare.py page_owner TRUTH OURS MIN_RATE
      TRUTH is the kernel's /sys/kernel/debug/page_owner text: records are
      grouped by their stack text and 2^order pages summed per stack.

OURS is `pageowner stacks` text (frames, nr_base_pages, blank line).  Stacks
are keyed by their frame text (order of the stacks does not matter).  The
rate is sum over stacks of min(ours, kernel) / kernel total, in percent:
pages attributed identically.  Exits 1 below MIN_RATE.
"""
import re
import sys

ORDER = re.compile(r'^Page allocated via order (\d+)')


def read(path):
    with open(path, 'rb') as f:
        return f.read().decode('utf-8', 'replace')


def parse_show_stacks(text):
    """{frames tuple: pages}; also the number of blocks."""
    out = {}
    blocks = 0
    for blk in text.split('\n\n'):
        lines = [l for l in blk.split('\n') if l]
        if not lines:
            continue
        key = tuple(l for l in lines if l.startswith(' '))
        pages = None
        for l in lines:
            if l.startswith('nr_base_pages: '):
                pages = int(l.split(':', 1)[1])
            elif l.startswith('handle: '):
                key += (l,)
        if pages is None:
            if not key:
                raise SystemExit('no nr_base_pages in block: %r' % blk[:200])
            pages = 1  # show_stacks_handles: a record counts once
        out[key] = out.get(key, 0) + pages
        blocks += 1
    return out, blocks


def parse_page_owner(text):
    out = {}
    blocks = 0
    for rec in text.split('\n\n'):
        lines = [l for l in rec.split('\n') if l]
        if not lines:
            continue
        m = ORDER.match(lines[0])
        if not m:
            continue
        frames = tuple(l for l in lines[2:] if l.startswith(' '))
        out[frames] = out.get(frames, 0) + (1 << int(m.group(1)))
        blocks += 1
    return out, blocks


def main():
    kind, truth_path, ours_path = sys.argv[1:4]
    min_rate = float(sys.argv[4])
    if kind in ('show_stacks', 'show_handles', 'show_stacks_handles'):
        truth, tb = parse_show_stacks(read(truth_path))
    elif kind == 'page_owner':
        truth, tb = parse_page_owner(read(truth_path))
    else:
        raise SystemExit('unknown kind ' + kind)
    ours, ob = parse_show_stacks(read(ours_path))
    total = sum(truth.values())
    if total == 0:
        print('FAIL: the kernel text has no pages')
        return 1
    same = sum(min(p, ours.get(k, 0)) for k, p in truth.items())
    rate = 100.0 * same / total
    exact = sum(1 for k, p in truth.items() if ours.get(k) == p)
    only_k = [k for k in truth if k not in ours]
    only_o = [k for k in ours if k not in truth]
    print('  kernel: %d stacks (%d blocks), %d pages; ours: %d stacks, %d pages'
          % (len(truth), tb, total, len(ours), sum(ours.values())))
    print('  %.3f%% of the kernel\'s pages attributed identically; '
          '%d stacks with identical counts; %d only in the kernel, %d only in ours'
          % (rate, exact, len(only_k), len(only_o)))
    diffs = sorted(truth, key=lambda k: -abs(truth[k] - ours.get(k, 0)))[:3]
    for k in diffs:
        if truth[k] == ours.get(k, 0):
            break
        print('  differs: kernel %d, ours %d:\n    %s' %
              (truth[k], ours.get(k, 0), '\n    '.join(k[:6]) or '(no frames)'))
    if rate < min_rate:
        print('FAIL: %.3f%% < %.1f%%' % (rate, min_rate))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
