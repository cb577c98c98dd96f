#!/usr/bin/env python3
"""Checks of a pageowner flame graph (tests/e2e/flamegraph_svg.sh).

svg_check.py SVG [--total N] [--png PNG] [--wide NAME [--children A,B]
             [--min-share F]] [--grew NAME] [--min-width PX]

- the frames: the root "all" starts at 0, spans the whole width and has
  --total pages; every other frame lies inside a frame one row below; the
  children of any frame add up to at most its own pages and pixels;
- --png: the PNG rsvg-convert made of it has the SVG's size and is not
  blank (many colours, most pixels not the background);
- --wide NAME: exactly one frame is called NAME, it holds at least
  --min-share of all pages and has --children among its callees;
- --grew NAME (differential graph): NAME is drawn red, it grew;
- --min-width: no frame narrower than PX pixels.
"""
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

NS = '{http://www.w3.org/2000/svg}'


def fail(msg):
    print('FAIL: ' + msg)
    sys.exit(1)


def frames_of(path):
    svg = ET.parse(path).getroot()
    width, height = float(svg.get('width')), float(svg.get('height'))
    out = []
    for g in svg.iter(NS + 'g'):
        if g.get('class') != 'f':
            continue
        r = g.find(NS + 'rect')
        title = g.find(NS + 'title').text
        out.append(dict(name=title.split(' ')[0], title=title, s=int(g.get('data-s')),
                        p=int(g.get('data-p')), b=g.get('data-b'),
                        x=float(r.get('x')), w=float(r.get('width')),
                        y=float(r.get('y')), fill=r.get('fill')))
    return width, height, out


def png_pixels(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        fail(path + ' is not a PNG')
    pos, idat, hdr = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            hdr = struct.unpack('>IIBBBBB', chunk)
        elif kind == b'IDAT':
            idat += chunk
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        fail(f'unexpected PNG format {hdr}')
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    pixels = []
    for row in range(h):
        f = raw[row * (stride + 1)]
        line = bytearray(raw[row * (stride + 1) + 1:(row + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        pixels.extend(bytes(line[i:i + 3]) for i in range(0, stride, bpp))
        prev = line
    return w, h, pixels


def main():
    args = sys.argv[1:]
    path = args.pop(0)
    opt = {}
    while args:
        k = args.pop(0)
        opt[k] = args.pop(0)
    width, height, frames = frames_of(path)
    if not frames:
        fail('no frames')
    roots = [f for f in frames if f['name'] == 'all']
    if len(roots) != 1:
        fail(f'{len(roots)} root frames')
    root = roots[0]
    full = width - 2 * root['x']
    if root['s'] != 0 or abs(root['w'] - full) > 0.01:
        fail(f'the root does not span the width: {root}')
    if '--total' in opt and root['p'] != int(opt['--total']):
        fail(f"root width {root['p']} pages, counted {opt['--total']}")
    rows = {}
    for f in frames:
        rows.setdefault(f['y'], []).append(f)
    checked = 0
    for f in frames:
        kids = [c for c in rows.get(f['y'] - 16, [])
                if c['s'] >= f['s'] and c['s'] + c['p'] <= f['s'] + f['p']]
        if sum(c['p'] for c in kids) > f['p']:
            fail(f"children of {f['name']} hold {sum(c['p'] for c in kids)} > {f['p']} pages")
        if sum(c['w'] for c in kids) > f['w'] + 0.01 * (len(kids) + 1):
            fail(f"children of {f['name']} are {sum(c['w'] for c in kids)} > {f['w']} px wide")
        f['kids'] = kids
        if f is not root:
            below = [c for c in rows.get(f['y'] + 16, [])
                     if c['s'] <= f['s'] and f['s'] + f['p'] <= c['s'] + c['p']]
            if len(below) != 1:
                fail(f"{f['name']} lies over {len(below)} frames")
        if f['w'] + 0.001 < float(opt.get('--min-width', 0)):
            fail(f"{f['name']} is {f['w']} px wide")
        checked += 1
    print(f"  {checked} frames, root {root['p']} pages over {full:.0f} px, depth "
          f"{len(rows)}; children never wider than their parent")
    if '--wide' in opt:
        named = [f for f in frames if f['name'] == opt['--wide']]
        if len(named) != 1:
            fail(f"{len(named)} frames named {opt['--wide']}")
        w = named[0]
        share = w['p'] / root['p']
        kids = {k['name']: k['p'] for k in w['kids']}
        print(f"  {w['name']}: one frame of {w['p']} pages ({100 * share:.1f}%), callees {kids}")
        if share < float(opt.get('--min-share', 0)):
            fail(f"{w['name']} holds only {100 * share:.1f}% of the pages")
        for c in filter(None, opt.get('--children', '').split(',')):
            if c not in kids:
                fail(f"{c} is not a callee of {w['name']}")
    if '--grew' in opt:
        named = [f for f in frames if f['name'] == opt['--grew']]
        if not named or not named[0]['fill'].startswith('rgb(255,') or named[0]['b'] is None \
                or int(named[0]['b']) >= named[0]['p']:
            fail(f"{opt['--grew']} is not drawn as grown: {named[:1]}")
        print(f"  {opt['--grew']}: {named[0]['b']} -> {named[0]['p']} pages, {named[0]['fill']}")
    if '--png' in opt:
        w, h, px = png_pixels(opt['--png'])
        if (w, h) != (int(width), int(height)):
            fail(f'PNG is {w}x{h}, the SVG {width}x{height}')
        counts = {}
        for p in px:
            counts[p] = counts.get(p, 0) + 1
        # the background is a pale gradient: frames are the coloured pixels
        share = sum(n for p, n in counts.items() if max(p) - min(p) > 80) / len(px)
        print(f'  PNG {w}x{h}: {len(counts)} colours, {100 * share:.0f}% of the pixels '
              f'in strong colours (frames)')
        if len(counts) < 16 or share < 0.1:
            fail('the PNG is blank')


main()
