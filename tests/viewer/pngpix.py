#!/usr/bin/env python3
"""Read pixels of a PNG without libraries (the viewer's tests use it).

usage: pngpix.py FILE size            -> "W H"
       pngpix.py FILE at X Y          -> "#RRGGBB"
       pngpix.py FILE colours         -> how many distinct colours
Handles 8-bit RGB and RGBA, non-interlaced: what IMG_SavePNG writes.
"""
import struct
import sys
import zlib


def read_png(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit(f'{path}: not a PNG')
    pos, idat, w = 8, b'', 0
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                sys.exit(f'{path}: unsupported PNG (depth {depth}, colour type {ctype})')
            bpp = 3 if ctype == 2 else 4
        elif kind == b'IDAT':
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
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
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def main():
    w, h, bpp, rows = read_png(sys.argv[1])
    what = sys.argv[2]
    if what == 'size':
        print(w, h)
    elif what == 'at':
        x, y = int(sys.argv[3]), int(sys.argv[4])
        px = rows[y][x * bpp:x * bpp + 3]
        print('#%02X%02X%02X' % tuple(px))
    elif what == 'colours':
        seen = set()
        for row in rows[::4]:
            for x in range(0, w * bpp, bpp * 4):
                seen.add(bytes(row[x:x + 3]))
        print(len(seen))


main()
