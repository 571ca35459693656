"""Photos shared between the web chat and Telegram, as files under ``[web] upload_dir``.

A file is named by a *ref*, a path relative to the upload dir: ``<person id>/<sha256>.jpg``
for a web upload, ``tg/<sha256 of the Telegram file_id>.jpg`` for a Telegram photo copied
here for web viewers. The page gets a URL signed for the person who views it
(``/api/files/<ref>?sig=``, HMAC-SHA256 over ``"<person id>:<ref>"`` with a per-process key),
so a Party member can see the photos attached to their task card and nobody else can, and
the file route needs no database look-up to decide. History is rendered again per request,
so a key that changes at restart only invalidates URLs of pages that are open.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import logging
import os
import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

from typing import TYPE_CHECKING

from aiohttp import ClientError

from bot.web import CHANNEL as WEB

if TYPE_CHECKING:  # aiogram is loaded only when Telegram runs (web-only starts lighter)
    from aiogram import Bot

#: bot.telegram.convert.CHANNEL, not imported from there: that would load aiogram.
TELEGRAM = "telegram"

log = logging.getLogger(__name__)

IMAGE_TYPES = ((b"\xff\xd8\xff", "jpg", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "png", "image/png"))
#: Every ref this module hands out; anything else is refused before the file system is asked.
# ``web/`` for uploads; ``<person id>/`` from before uploads stopped naming their person.
REF = re.compile(r"^(?:[0-9]{1,20}|tg|web)/[0-9a-f]{64}\.(?:jpg|png)$")
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


class WebFiles:
    """Signed URLs for the page, and Telegram photos copied in for web viewers.

    ``bot`` is None in web-only mode: Telegram photos then show as a placeholder.
    """

    def __init__(self, upload_dir: Path, key: bytes, bot: Bot | None = None, *,
                 max_bytes: int = 20 * 2**20, timeout: float = DOWNLOAD_SECONDS) -> None:
        self.upload_dir, self.key, self.bot = upload_dir, key, bot
        self.max_bytes, self.timeout = max_bytes, timeout

    def url(self, viewer: int, ref: str) -> str:
        return f"/api/files/{quote(ref)}?sig={sign(self.key, viewer, ref)}"

    def open(self, viewer: int, ref: str, sig: str) -> Path | None:
        """The file, if ``sig`` was made for this viewer and this ref and the file exists."""
        if not sig or not sig.isascii() or not verify(self.key, viewer, ref, sig):
            return None
        return resolve(self.upload_dir, ref)

    def telegram_ref(self, file_id: str) -> str | None:
        """The ref of a Telegram photo already copied here, or None."""
        digest = hashlib.sha256(file_id.encode()).hexdigest()
        for _, ext, _ in IMAGE_TYPES:
            ref = f"tg/{digest}.{ext}"
            if resolve(self.upload_dir, ref):
                return ref
        return None

    async def fetch_telegram(self, file_id: str) -> str | None:
        """Copy a Telegram photo here once; its ref, or None (no bot, too big, failed)."""
        ref = await asyncio.to_thread(self.telegram_ref, file_id)
        if ref or self.bot is None:
            return ref
        from aiogram.exceptions import TelegramAPIError  # a bot is set: aiogram is loaded

        try:
            data = await asyncio.wait_for(self._download(self.bot, file_id), self.timeout)
        except (TelegramAPIError, ClientError, TimeoutError, OSError) as exc:
            log.warning("could not download Telegram photo %s: %s", file_id[:40], exc)
            return None
        kind = image_kind(data or b"")
        if kind is None:
            log.warning("Telegram file %s is not a JPEG or PNG; not shown", file_id[:40])
            return None
        ref = f"tg/{hashlib.sha256(file_id.encode()).hexdigest()}.{kind[0]}"
        await asyncio.to_thread(write_once, self.upload_dir / ref, data)
        return ref

    async def _download(self, bot: Bot, file_id: str) -> bytes | None:
        file = await bot.get_file(file_id)
        if not file.file_path or (file.file_size or 0) > self.max_bytes:
            return None
        buf = io.BytesIO()
        await bot.download_file(file.file_path, buf, timeout=int(self.timeout) + 1)
        data = buf.getvalue()
        return data if len(data) <= self.max_bytes else None

    async def prepare(self, reply: dict[str, Any]) -> None:
        """Copy in the Telegram photos a reply carries (before it is shown on the web)."""
        for att in reply.get("attachments") or ():
            refs = att.get("refs") or {}
            if att.get("kind") == "photo" and not refs.get(WEB) and refs.get(TELEGRAM):
                await self.fetch_telegram(str(refs[TELEGRAM]))

    def view(self, viewer: int, att: dict[str, Any]) -> dict[str, Any]:
        """What the page shows for an attachment: ``url`` (signed), or a placeholder key."""
        refs = att.get("refs") or {}
        kind = att.get("kind")
        ref = refs.get(WEB)
        if not ref and kind == "photo" and refs.get(TELEGRAM):
            ref = self.telegram_ref(str(refs[TELEGRAM]))
        if ref and resolve(self.upload_dir, str(ref)):
            return {"kind": kind, "url": self.url(viewer, str(ref))}
        if refs.get(TELEGRAM):
            return {"kind": kind, "placeholder": "shared_photo.on_telegram" if kind == "photo"
                    else "shared_photo.file_on_telegram"}
        return {"kind": kind, "placeholder": "shared_photo.unavailable"}
