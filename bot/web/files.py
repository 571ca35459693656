"""The web page's view of shared photos (``bot/files.py``): signed URLs, and Telegram
photos copied into the upload dir for web viewers.

The page gets a URL signed for the person who views it (``/api/files/<ref>?sig=``,
HMAC-SHA256 over ``"<person id>:<ref>"`` with a per-process key), so a Party member can
see the photos attached to their task card and nobody else can, and the file route needs
no database look-up to decide. History is rendered again per request, so a key that
changes at restart only invalidates URLs of pages that are open.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import ClientError

from bot.channels import TELEGRAM, WEB
from bot.files import (DOWNLOAD_SECONDS, IMAGE_TYPES, Download, DownloadFailed, image_kind,
                       resolve, sign, verify, write_once)

log = logging.getLogger(__name__)


class WebFiles:
    """Signed URLs for the page, and Telegram photos copied in for web viewers.

    ``download`` fetches a Telegram photo by its file_id (``bot/telegram/files.py``); it
    is None in web-only mode: Telegram photos then show as a placeholder.
    """

    def __init__(self, upload_dir: Path, key: bytes, download: Download | None = None, *,
                 timeout: float = DOWNLOAD_SECONDS) -> None:
        self.upload_dir, self.key, self.download = upload_dir, key, download
        self.timeout = timeout

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
        """Copy a Telegram photo here once; its ref, or None (no download, too big, failed)."""
        ref = await asyncio.to_thread(self.telegram_ref, file_id)
        if ref or self.download is None:
            return ref
        try:
            data = await asyncio.wait_for(self.download(file_id), self.timeout)
        except (DownloadFailed, ClientError, TimeoutError, OSError) as exc:
            log.warning("could not download Telegram photo %s: %s", _logged(file_id), exc)
            return None
        kind = image_kind(data or b"")
        if data is None or kind is None:
            log.warning("Telegram file %s is not a JPEG or PNG; not shown", _logged(file_id))
            return None
        ref = f"tg/{hashlib.sha256(file_id.encode()).hexdigest()}.{kind[0]}"
        await asyncio.to_thread(write_once, self.upload_dir / ref, data)
        return ref

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
            if kind == "document":  # shown as a link to save it (a /mydata file)
                return {"kind": kind, "url": self.url(viewer, str(ref)),
                        "name": str(att.get("send_as") or att.get("file_name") or "")}
            return {"kind": kind, "url": self.url(viewer, str(ref))}
        if refs.get(TELEGRAM):
            return {"kind": kind, "placeholder": "shared_photo.on_telegram" if kind == "photo"
                    else "shared_photo.file_on_telegram"}
        return {"kind": kind, "placeholder": "shared_photo.unavailable"}


def _logged(file_id: str) -> str:
    """A file id as the log names it: a short hash, so a log kept longer than the rows
    (docs/decisions/0027) holds no reference to a person's file."""
    return "sha256:" + hashlib.sha256(file_id.encode()).hexdigest()[:12]
