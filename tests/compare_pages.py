#!/usr/bin/env python3
"""Compare pageowner's page_owner text with the kernel's own, record by
record keyed by PFN.  Usage: compare_pages.py TRUTH OURS [MIN_RATE]

Prints the rate of the kernel's records that are byte-identical in ours,
how the others differ (changed between the kernel's read and the crash:
different allocation timestamp; decoded differently: same timestamp; or
data missing from the dump: pageowner printed a memcg name as
"(unreadable)", or the memcg line as "Charged to memcg (unreadable:
obj_cgroup|mem_cgroup ADDR not in the dump)", because a filtered dump lacks the page holding the
name, the memcg or its obj_cgroup), and the
first differences.  The rate is taken over the records whose data the dump
holds; exits 1 if it is below MIN_RATE (percent).
"""
import difflib
import re
import sys

PFN = re.compile(r'^PFN (0x[0-9a-f]+|\d+) ', re.M)
TS = re.compile(r', ts (\d+) ns')
NOPAGE = re.compile(r'^Charged to memcg \(unreadable: [^\n]* not in the dump\)\n', re.M)
MEMCG_LINE = re.compile(r'^(Charged [^\n]*|Slab cache page)\n', re.M)


def records(path):
    with open(path, 'rb') as f:
        data = f.read().decode('utf-8', 'replace')
    out = {}
    order = []
    for rec in data.split('\n\n'):
        if not rec.strip():
            continue
        m = PFN.search(rec)
        if not m:
            continue
        pfn = int(m.group(1), 0)
        out[pfn] = rec.strip('\n') + '\n'
        order.append(pfn)
    return out, order


def main():
    truth, torder = records(sys.argv[1])
    ours, oorder = records(sys.argv[2])
    min_rate = float(sys.argv[3]) if len(sys.argv) > 3 else 99.5
    same = changed = decoded = missing = nodata = 0
    examples = []
    for pfn in torder:
        t = truth[pfn]
        o = ours.get(pfn)
        if o is None:
            missing += 1
            if len(examples) < 3:
                examples.append((pfn, t, '(no record in ours)\n'))
            continue
        if o == t:
            same += 1
            continue
        if 'memcg (unreadable)' in o and o.replace('memcg (unreadable)', '') == \
                re.sub(r'memcg [^\n]*', 'memcg ', t).replace('memcg ', ''):
            nodata += 1
            continue
        # the memcg (or its obj_cgroup) itself is in a page the dump lacks:
        # pageowner says so instead of the kernel's memcg line
        if NOPAGE.search(o) and NOPAGE.sub('', o) == MEMCG_LINE.sub('', t):
            nodata += 1
            continue
        tt, ot = TS.search(t), TS.search(o)
        if tt and ot and tt.group(1) != ot.group(1):
            changed += 1
        else:
            decoded += 1
            if len(examples) < 5:
                examples.append((pfn, t, o))
    extra = len([p for p in oorder if p not in truth])
    n = len(torder) - nodata
    rate = 100.0 * same / n if n else 0.0
    print(f"kernel records {len(torder)}, ours {len(oorder)}: identical {same} "
          f"({rate:.3f}% of the {n} whose data the dump holds), reallocated since the "
          f"read {changed}, decoded differently {decoded}, missing {missing}, "
          f"extra {extra}, memcg name not in the dump {nodata}")
    for pfn, t, o in examples:
        print(f"--- PFN {pfn:#x}")
        for line in difflib.unified_diff(t.splitlines(), o.splitlines(),
                                         'kernel', 'pageowner', lineterm='', n=1):
            print(line)
    if n == 0 or rate < min_rate:
        print(f"rate {rate:.3f}% is below {min_rate}%")
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
