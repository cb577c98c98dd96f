#!/usr/bin/env python3
"""Check `pageowner memcg --json` against the kernel's own text.

usage: memcg_check.py TRUTH_PAGE_OWNER OUR_PAGES_TXT MEMCG_JSON CGROUP_STAT

- The dying memcgs with pages are exactly those the kernel's page_owner text
  names as "Charged ... to offline memcg NAME", with the same page counts
  (sum of 2^order of the records carrying that line).  A difference is allowed
  only up to the pages of records that changed between the kernel's read and
  the crash (a record whose first two lines differ between the kernel's text
  and `pageowner pages`, or that exists on one side only); they are printed.
- The report's own numbers agree with `pageowner pages` exactly.
- The number of dying memcgs found equals nr_dying_descendants of the root's
  cgroup.stat, and the kernel counter read from the dump equals it too.
- Every dying memcg with pages names at least one allocation stack.
- The live cgroup `holder` is online, with its processes.
"""
import json
import re
import sys

CHARGED = re.compile(r'^Charged (\(via objcg\) )?to (offline )?memcg (.*)$')
ORDER = re.compile(r'^Page allocated via order (\d+)')
PFN = re.compile(r'^PFN (0x[0-9a-f]+|\d+) ')


def records(path):
    """PFN -> (order, line1, line2, offline memcg name or None)."""
    out = {}
    with open(path, errors='replace') as f:
        text = f.read()
    for block in text.split('\n\n'):
        lines = [l for l in block.split('\n') if l]
        if len(lines) < 2:
            continue
        m = ORDER.match(lines[0])
        p = PFN.match(lines[1])
        if not m or not p:
            continue
        pfn = int(p.group(1), 0)
        offline = None
        for l in lines[2:]:
            c = CHARGED.match(l)
            if c and c.group(2):
                offline = c.group(3)
        out[pfn] = (int(m.group(1)), lines[0], lines[1], offline)
    return out


def per_memcg(recs, pfns=None):
    d = {}
    for pfn, (order, _, _, name) in recs.items():
        if name is None or (pfns is not None and pfn not in pfns):
            continue
        d[name] = d.get(name, 0) + (1 << order)
    return d


def main():
    truth_path, ours_path, json_path, stat_path = sys.argv[1:5]
    truth = records(truth_path)
    ours = records(ours_path)
    with open(json_path) as f:
        rep = json.load(f)
    stat = {}
    with open(stat_path) as f:
        for l in f:
            k, _, v = l.partition(' ')
            if v.strip().lstrip('-').isdigit():
                stat[k] = int(v)
    bad = []

    # Records that changed between the kernel's read and the crash.
    changed = set()
    for pfn in set(truth) | set(ours):
        t, o = truth.get(pfn), ours.get(pfn)
        if t is None or o is None or t[1:3] != o[1:3]:
            changed.add(pfn)
    t_dying = per_memcg(truth)
    o_dying = per_memcg(ours)
    t_changed = per_memcg(truth, changed)
    o_changed = per_memcg(ours, changed)

    # The kernel says "offline" when CSS_ONLINE is clear; a memcg removed
    # but not yet offlined (state "dying", CSS_DYING only) prints without it.
    dying_json = {}
    for m in rep['memcgs']:
        if m['state'] == 'dying':
            print(f"  {m['path']}: removed, offline still pending ({m['pages']['total']} pages)")
        if m['state'] == 'offline':
            dying_json.setdefault(m['name'], 0)
            dying_json[m['name']] += m['pages']['total']
    names = set(t_dying) | {n for n, p in dying_json.items() if p}
    print(f"  kernel text: {len(t_dying)} offline memcgs with pages, "
          f"{sum(t_dying.values())} pages; report: "
          f"{sum(1 for p in dying_json.values() if p)} dying memcgs with pages, "
          f"{sum(dying_json.values())} pages; {len(changed)} records changed "
          f"between the kernel's read and the crash")
    exact = 0
    for n in sorted(names):
        t = t_dying.get(n, 0)
        r = dying_json.get(n)
        if r is None:
            bad.append(f"offline memcg {n} ({t} pages in the kernel's text) is not a dying memcg in the report")
            continue
        if r != o_dying.get(n, 0):
            bad.append(f"{n}: report says {r} pages, `pageowner pages` prints {o_dying.get(n, 0)}")
        allowed = t_changed.get(n, 0) + o_changed.get(n, 0)
        if r == t:
            exact += 1
            continue
        print(f"  {n}: kernel text {t} pages, report {r}; records changed since the read:")
        for pfn in sorted(changed):
            for side, recs in (("kernel", truth), ("dump", ours)):
                x = recs.get(pfn)
                if x and x[3] == n:
                    print(f"    {side}: PFN {pfn:#x} order {x[0]}: {x[1][:90]}")
        if abs(r - t) > allowed:
            bad.append(f"{n}: kernel text {t} pages, report {r}: differs by more than the {allowed} pages of changed records")
    print(f"  {exact}/{len(names)} dying memcgs with exactly the kernel's page count")

    # Dying counts.
    kd = stat.get('nr_dying_descendants')
    if kd is None:
        bad.append("cgroup.stat has no nr_dying_descendants")
    else:
        if rep['dying_found'] != kd:
            bad.append(f"report found {rep['dying_found']} dying memcgs, cgroup.stat says nr_dying_descendants {kd}")
        if rep['kernel_counters']['nr_dying_descendants'] != kd:
            bad.append(f"nr_dying_descendants read from the dump is {rep['kernel_counters']['nr_dying_descendants']}, cgroup.stat says {kd}")
        print(f"  dying: cgroup.stat {kd}, dump counter {rep['kernel_counters']['nr_dying_descendants']}, found by walking {rep['dying_found']}")
    ks = stat.get('nr_dying_subsys_memory')
    if ks is not None and rep['kernel_counters']['nr_dying_subsys_memory'] != ks:
        bad.append(f"nr_dying_subsys_memory: dump {rep['kernel_counters']['nr_dying_subsys_memory']}, cgroup.stat {ks}")

    # Stacks for each dying memcg with pages (page_owner on).
    for m in rep['memcgs']:
        if not m['dying'] or not m['pages']['total']:
            continue
        if not m['stacks'] or not any(s['stack'] for s in m['stacks']):
            bad.append(f"dying memcg {m['path']} has {m['pages']['total']} pages but no stack")
            continue
        if sum(s['pages'] for s in m['stacks']) != m['pages']['total']:
            bad.append(f"{m['path']}: stacks sum to {sum(s['pages'] for s in m['stacks'])}, total {m['pages']['total']}")
    # Each dying memcg says what references it (7.x: nothing may be charged).
    for m in rep['memcgs']:
        if m['dying'] and m['refs']['css']['mode'] == 'unknown':
            bad.append(f"dying memcg {m['path']}: css refcount unreadable")

    # The live holder.
    holders = [m for m in rep['memcgs'] if m['name'] == 'holder']
    if not holders:
        bad.append("no memcg named holder")
    for h in holders:
        procs = [f"{t['pid']}({t['comm']})" for t in (h['tasks'] or [])]
        alloc = [f"{a['comm']}(tgid {a['tgid']}) {a['pages']}p" for a in (h['allocated_by'] or []) if a['comm']]
        print(f"  holder: {h['path']} {h['state']}, {h['pages']['total']} pages "
              f"(anon {h['pages']['anon']}, kernel {h['pages']['kernel']}), tasks {procs}, allocated by {alloc}")
        if h['state'] != 'online':
            bad.append(f"holder is {h['state']}")
        if not procs and not alloc:
            bad.append("holder: no processes found")
        if not h['pages']['total']:
            bad.append("holder: no pages charged")

    for b in bad:
        print("  BAD:", b)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
