#!/usr/bin/env python3
"""Damage a copy of a dump in one place, for the hostile-dump tests.

  dumpmut.py COPY kdump-field NAME VALUE      a kdump header/sub-header field
  dumpmut.py COPY elf-field NAME VALUE        an ELF header field (e_phnum, ...)
  dumpmut.py COPY note-size VALUE             PT_NOTE p_filesz / kdump size_note
  dumpmut.py COPY vmcoreinfo KEY VALUE        rewrite KEY=... (same length, padded)
  dumpmut.py COPY vmcoreinfo-byte KEY BYTE    put a non-text byte in KEY's value
  dumpmut.py COPY kvaddr-u64 VMLINUX SYMBOL OFFSET VALUE
                                              an 8-byte word of kernel memory
                                              (ELF dumps: symbol + KASLR offset
                                              -> physical -> file offset)
  dumpmut.py COPY restore                     undo the last change

Every change saves the bytes it overwrites in COPY.undo, so one copy of a
big dump serves many cases.
"""
import os, re, struct, subprocess, sys

KDUMP_HDR = {  # 64-bit disk_dump_header: offset, struct format
    "header_version": (8, "<i"), "block_size": (428, "<i"), "sub_hdr_size": (432, "<i"),
    "bitmap_blocks": (436, "<I"), "max_mapnr": (440, "<I"),
}
KDUMP_SUB = {  # kdump_sub_header, at block_size
    "offset_note": (48, "<Q"), "size_note": (56, "<Q"), "max_mapnr_64": (96, "<Q"),
}
ELF_HDR = {"e_phoff": (32, "<Q"), "e_phentsize": (54, "<H"), "e_phnum": (56, "<H"),
           "e_shoff": (40, "<Q"), "e_shnum": (60, "<H")}


def write(path, off, data):
    with open(path, "r+b") as f:
        f.seek(off)
        old = f.read(len(data))
        f.seek(off)
        f.write(data)
    with open(path + ".undo", "wb") as u:
        u.write(struct.pack("<Q", off) + old)


def restore(path):
    with open(path + ".undo", "rb") as u:
        blob = u.read()
    off, = struct.unpack_from("<Q", blob)
    with open(path, "r+b") as f:
        f.seek(off)
        f.write(blob[8:])
    os.unlink(path + ".undo")


def is_kdump(path):
    with open(path, "rb") as f:
        return f.read(8) in (b"KDUMP   ", b"DISKDUMP")


def phdrs(path):
    with open(path, "rb") as f:
        eh = f.read(64)
        phoff, = struct.unpack_from("<Q", eh, 32)
        phnum, = struct.unpack_from("<H", eh, 56)
        f.seek(phoff)
        out = []
        for i in range(phnum):
            p = f.read(56)
            t, = struct.unpack_from("<I", p, 0)
            off, vaddr, paddr, filesz, memsz = struct.unpack_from("<QQQQQ", p, 8)
            out.append((i, phoff + i * 56, t, off, paddr, filesz))
        return out


def vmcoreinfo_span(path):
    """(file offset, text) of the VMCOREINFO text."""
    with open(path, "rb") as f:
        head = f.read(1 << 22)
    m = re.search(rb"OSRELEASE=[^\n]*\n", head)
    if not m:
        sys.exit("no VMCOREINFO found")
    start = m.start()
    end = start
    while end < len(head) and (head[end] in b"\n" or 0x20 <= head[end] < 0x7f):
        end += 1
    return start, head[start:end].decode()


def main():
    path, what = sys.argv[1], sys.argv[2]
    a = sys.argv[3:]
    if what == "restore":
        restore(path)
    elif what == "kdump-field":
        with open(path, "rb") as f:
            hdr = f.read(464)
        name, value = a[0], int(a[1], 0)
        if name in KDUMP_HDR:
            off, fmt = KDUMP_HDR[name]
        else:
            bs, = struct.unpack_from("<i", hdr, 428)
            off, fmt = KDUMP_SUB[name]
            off += bs
        write(path, off, struct.pack(fmt, value))
    elif what == "elf-field":
        off, fmt = ELF_HDR[a[0]]
        write(path, off, struct.pack(fmt, int(a[1], 0)))
    elif what == "note-size":
        value = int(a[0], 0)
        if is_kdump(path):
            with open(path, "rb") as f:
                hdr = f.read(464)
            bs, = struct.unpack_from("<i", hdr, 428)
            write(path, bs + KDUMP_SUB["size_note"][0], struct.pack("<Q", value))
        else:
            note = [p for p in phdrs(path) if p[2] == 4][0]
            write(path, note[1] + 32, struct.pack("<Q", value))
    elif what in ("vmcoreinfo", "vmcoreinfo-byte"):
        start, text = vmcoreinfo_span(path)
        key = a[0] + "="
        i = ("\n" + text).find("\n" + key)
        if i < 0:
            sys.exit("no %s in VMCOREINFO" % a[0])
        vstart = i + len(key)
        vend = text.index("\n", vstart)
        old = text[vstart:vend]
        if what == "vmcoreinfo":
            new = a[1].encode()
            if len(new) > len(old):
                sys.exit("value longer than %r" % old)
            new = new.ljust(len(old), b"0") if new.isdigit() else new.ljust(len(old))
            # a shorter number keeps its value with leading zeros
            if a[1].lstrip("-").isdigit() and len(a[1]) < len(old):
                new = (a[1][0] + a[1][1:].rjust(len(old) - 1, "0") if a[1][0] == "-"
                       else a[1].rjust(len(old), "0")).encode()
        else:
            new = bytes([int(a[1], 0)]) + old[1:].encode()
        write(path, start + vstart, new)
    elif what == "kvaddr-u64":
        vmlinux, sym, soff, value = a[0], a[1], int(a[2], 0), int(a[3], 0)
        _, text = vmcoreinfo_span(path)
        vi = dict(l.split("=", 1) for l in text.splitlines() if "=" in l)
        kaslr = int(vi.get("KERNELOFFSET", "0"), 16)
        phys_base = int(vi["NUMBER(phys_base)"], 0)
        nm = subprocess.run(["nm", vmlinux], capture_output=True, text=True).stdout
        link = [int(l.split()[0], 16) for l in nm.splitlines() if l.split()[-1] == sym][0]
        phys = (link + kaslr + soff) - 0xffffffff80000000 + phys_base
        for i, _, t, off, paddr, filesz in phdrs(path):
            if t == 1 and paddr <= phys < paddr + filesz:
                write(path, off + phys - paddr, struct.pack("<Q", value))
                break
        else:
            sys.exit("physical %#x not in the dump" % phys)
    else:
        sys.exit(__doc__)


main()
