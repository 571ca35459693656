"""Small, well-formed images for tests, built byte by byte (no imaging library needed)."""
from __future__ import annotations

import struct
import zlib


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def jpeg(*, exif: bytes = b"", comment: bytes = b"", pixels: bytes = b"scan-data") -> bytes:
    """SOI, APP0 (JFIF), optional APP1 (Exif) and COM, a quantisation table, then the scan.

    The scan is not a decodable picture; the structure up to it is a real JPEG's, which
    is what the server checks and what metadata stripping walks."""
    out = b"\xff\xd8" + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    if exif:
        out += _segment(0xE1, b"Exif\x00\x00" + exif)
    if comment:
        out += _segment(0xFE, comment)
    out += _segment(0xDB, b"\x00" + bytes(range(64)))
    return out + _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + pixels + b"\xff\xd9"


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(
        ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png(*, text: bytes = b"", size: tuple[int, int] = (1, 1)) -> bytes:
    """A real PNG (an RGB gradient of ``size``; 1x1 green by default), encoded here with
    zlib, with an optional tEXt chunk before the pixels, as cameras and editors write it."""
    width, height = size
    if size == (1, 1):
        raw = b"\x00\xff\x00\x00"
    else:
        raw = b"".join(b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, 128))
                                          for x in range(width)) for y in range(height))
    out = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height,
                                                             8, 2, 0, 0, 0))
    if text:
        out += _chunk(b"tEXt", b"Comment\x00" + text)
    return out + _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b"")
