"""Photos shared between the channels, as files under ``[web] upload_dir``.

A file is named by a *ref*, a path relative to the upload dir: ``<person id>/<sha256>.jpg``
for a web upload, ``tg/<sha256 of the Telegram file_id>.jpg`` for a Telegram photo copied
here for web viewers. Nothing here knows a channel's API: a channel that can fetch its
photos hands the web a ``Download`` (``bot/telegram/files.py``), and the Telegram sender
reads web uploads through ``resolve``. ``sign``/``verify`` are the HMAC behind the web
page's file URLs (``bot/web/files.py``).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeAlias

#: Fetches a channel's file by its id: the bytes, or None when it is too big or has no
#: path; raises ``DownloadFailed`` (or an aiohttp, timeout or OS error) when it fails.
Download: TypeAlias = Callable[[str], Awaitable["bytes | None"]]


class DownloadFailed(Exception):
    """The channel refused a download (its API's error, by its text)."""


IMAGE_TYPES = ((b"\xff\xd8\xff", "jpg", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "png", "image/png"))
#: Every ref the channels hand out; anything else is refused before the file system is asked.
# ``web/`` for uploads; ``<person id>/`` from before uploads stopped naming their person;
# ``export/`` a person's /mydata files (random names, removed after [privacy] export_hours).
REF = re.compile(r"^(?:(?:[0-9]{1,20}|tg|web)/[0-9a-f]{64}\.(?:jpg|png)"
                 r"|export/[0-9a-f]{32}\.(?:json|txt))$")
#: How long copying in another channel's photo may take.
DOWNLOAD_SECONDS = 20.0


def image_kind(data: bytes) -> tuple[str, str] | None:
    """(extension, MIME type) of a JPEG or PNG, by its first bytes; None for anything else."""
    return next(((ext, mime) for magic, ext, mime in IMAGE_TYPES if data.startswith(magic)),
                None)


# JPEG segments and PNG chunks that carry metadata (EXIF with GPS position and device,
# XMP, IPTC, comments, text, times): an anonymous requester's photo must not say where
# or by whom it was taken. Colour profiles (APP2 ICC, iCCP) and the image itself stay.
_JPEG_DROP = {0xE1, 0xED, 0xFE}                      # APP1 (Exif, XMP), APP13 (IPTC), COM
_PNG_DROP = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}


def strip_metadata(data: bytes | bytearray) -> bytes | None:
    """The image without its metadata; None if it is not a well-formed JPEG or PNG."""
    data = bytes(data)  # aiohttp reads uploads as bytearray: its slices are unhashable
    if data.startswith(b"\xff\xd8"):
        out, i = bytearray(b"\xff\xd8"), 2
        while i + 4 <= len(data):
            if data[i] != 0xFF:
                return None
            while data[i + 1] == 0xFF and i + 5 <= len(data):  # fill bytes before a marker
                i += 1
            marker = data[i + 1]
            if marker == 0xDA:  # start of scan: the compressed image follows, keep it all
                return bytes(out + data[i:])
            length = int.from_bytes(data[i + 2:i + 4], "big")
            if length < 2 or i + 2 + length > len(data):
                return None
            if marker not in _JPEG_DROP:
                out += data[i:i + 2 + length]
            i += 2 + length
        return None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        out, i = bytearray(data[:8]), 8
        while i + 12 <= len(data):
            length = int.from_bytes(data[i:i + 4], "big")
            kind = data[i + 4:i + 8]
            end = i + 12 + length
            if end > len(data):
                return None
            if kind not in _PNG_DROP:
                out += data[i:end]
            i = end
            if kind == b"IEND":
                return bytes(out)
        return None
    return None


def sign(key: bytes, person_id: int, ref: str) -> str:
    return hmac.new(key, f"{person_id}:{ref}".encode(), hashlib.sha256).hexdigest()


def verify(key: bytes, person_id: int, ref: str, sig: str) -> bool:
    return hmac.compare_digest(sign(key, person_id, ref), sig)


def resolve(upload_dir: Path, ref: str) -> Path | None:
    """The existing file a ref names, if it lies inside the upload dir; else None.

    The shape check already refuses ``..``, absolute paths and backslashes; resolving
    (symlinks included) and comparing is the second wall.
    """
    if not REF.match(ref):
        return None
    root = upload_dir.resolve()
    path = (root / ref).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def write_once(path: Path, data: bytes) -> None:
    """Write a content-addressed file atomically; an existing one is already right."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
