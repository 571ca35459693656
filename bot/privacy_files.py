"""The upload folder's side of personal information (core/privacy/ports.py): removing the
files anonymised or erased rows named (``StoredFiles``), and writing a person's /mydata
files (``DataExports``) under ``export/`` with random names (bot/files.py ``REF``), readable
by their owner only (0600); the privacy sweep removes them after ``export_hours``.

A chat file id names a file of that channel; its copy here, if the web chat made one
(``tg/<sha256 of the id>``, bot/web/files.py), goes with it."""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import secrets
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bot.channels import TELEGRAM, WEB
from bot.config import Settings
from bot.files import IMAGE_TYPES, resolve
from bot.privacy_summary import render_summary
from core.privacy.ports import StoredFile
from core.types import JSONObject
from locales import Catalog

EXPORTS = "export"


class FolderFiles:
    def __init__(self, upload_dir: Path, catalog: Catalog, timezone: str, *,
                 dry_run: bool = False) -> None:
        self.upload_dir, self.catalog, self.timezone = upload_dir, catalog, timezone
        #: a rehearsal removes nothing and counts each file once (``counted``)
        self.dry_run = dry_run
        self.counted: set[Path] = set()

    # -- StoredFiles ----------------------------------------------------------------------
    def rehearsal(self) -> FolderFiles:
        return FolderFiles(self.upload_dir, self.catalog, self.timezone, dry_run=True)

    async def remove(self, files: Sequence[StoredFile]) -> int:
        return await asyncio.to_thread(self._remove, list(files))

    def _paths(self, f: StoredFile) -> list[Path]:
        if f.channel == WEB:
            refs = [f.ref]
        elif f.channel == TELEGRAM:
            digest = hashlib.sha256(f.ref.encode()).hexdigest()
            refs = [f"tg/{digest}.{ext}" for _, ext, _ in IMAGE_TYPES]
        else:
            refs = []
        return [p for p in (resolve(self.upload_dir, r) for r in refs) if p is not None]

    def _unlink(self, path: Path) -> int:
        if self.dry_run:
            if path in self.counted:
                return 0
            self.counted.add(path)
            return 1
        path.unlink(missing_ok=True)
        return 1

    def _remove(self, files: list[StoredFile]) -> int:
        return sum(self._unlink(path) for f in files for path in self._paths(f))

    async def purge_exports(self, before: datetime) -> int:
        return await asyncio.to_thread(self._purge_exports, before.timestamp())

    def _purge_exports(self, before: float) -> int:
        folder = self.upload_dir / EXPORTS
        if not folder.is_dir():
            return 0
        return sum(self._unlink(path) for path in sorted(folder.iterdir())
                   if path.is_file() and path.stat().st_mtime < before)

    # -- DataExports ----------------------------------------------------------------------
    async def export(self, data: JSONObject, locale: str) -> list[JSONObject]:
        summary = render_summary(self.catalog, locale, self.timezone, data)
        complete = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        day = str(data.get("generated_at") or "")[:10].replace("-", "")
        out: list[JSONObject] = []
        for text, ext, mime in ((summary, "txt", "text/plain"),
                                (complete, "json", "application/json")):
            ref = f"{EXPORTS}/{secrets.token_hex(16)}.{ext}"
            await asyncio.to_thread(self._write, ref, text.encode())
            out.append({"kind": "document", "refs": {WEB: ref}, "mime_type": mime,
                        "send_as": f"mydata-{day}.{ext}"})
        return out

    def _write(self, ref: str, data: bytes) -> None:
        path = self.upload_dir / ref
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)


def folder_files(settings: Settings) -> FolderFiles:
    """The upload folder of ``[web] upload_dir``, for /mydata, retention and erasure."""
    return FolderFiles(Path(settings.web.upload_dir), Catalog.load(settings.app.default_locale),
                       settings.app.timezone)
