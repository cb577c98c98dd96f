#!/usr/bin/env python3
"""The Python approach pageowner replaces: drgn reading each PFN's page_owner
one object access at a time (like the community page_owner.py script).
Usage: drgn_baseline.py DUMP VMLINUX NPFNS"""
import sys
import drgn
from drgn.helpers.linux.mm import pfn_to_page

prog = drgn.program_from_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
n = int(sys.argv[3])
page_ext_size = prog['page_ext_size'].value_()
offset = prog['page_owner_ops'].offset.value_()
po_type = prog.type('struct page_owner *')
count = 0
for pfn in range(n):
    try:
        page = pfn_to_page(prog, pfn)
        ms = prog['mem_section'][pfn >> 15 >> 7][(pfn >> 15) & 127]
        base = ms.page_ext.value_()
        if not base or base & 1:
            continue
        ext = base + page_ext_size * pfn
        flags = prog.read_u64(ext)
        po = drgn.Object(prog, po_type, ext + offset)
        if po.handle.value_():
            count += 1
            _ = (po.order.value_(), po.gfp_mask.value_(), po.pid.value_(), page.flags.value_())
    except drgn.FaultError:
        pass
print(f"drgn: {count} records with a handle in {n} PFNs", file=sys.stderr)
