#!/usr/bin/env python3
"""Prints what a PNG screenshot shows, as JSON: {"width", "height", "colors", "non_white"}.

    python3 scripts/png_stats.py FILE.png

Standard library only (zlib): decodes 8-bit RGB/RGBA/grey PNGs (what Chromium's --screenshot writes),
undoes the scanline filters, and counts distinct colours (up to 10,000) and the share of pixels that
are not white. The HTML report test uses it to tell a rendered page from a blank one.
"""
import json
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(color)
    if depth != 8 or channels is None or interlace:
        raise SystemExit(f"{path}: unsupported PNG (depth {depth}, colour type {color}, interlace {interlace})")
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous, offset = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[offset], bytearray(raw[offset + 1:offset + 1 + stride])
        offset += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(line)
        previous = line
    return width, height, channels, rows


width, height, channels, rows = decode(sys.argv[1])
colors, non_white = set(), 0
for line in rows:
    for x in range(0, len(line), channels):
        pixel = bytes(line[x:x + min(channels, 3)])
        if len(colors) < 10000:
            colors.add(pixel)
        if any(value < 250 for value in pixel):
            non_white += 1
print(json.dumps({"width": width, "height": height, "colors": len(colors), "non_white": non_white / (width * height)}))
