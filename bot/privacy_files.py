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
import re
import secrets
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bot.channels import TELEGRAM, WEB
from bot.config import Settings
from bot.files import IMAGE_TYPES, REF, resolve
from bot.privacy_summary import localised, render_summary
from core.privacy.ports import StoredFile
from core.types import JSONObject
from locales import Catalog

EXPORTS = "export"
#: what ``write_once`` leaves behind when it dies between writing and renaming
_PART = re.compile(r"^(?:[0-9]{1,20}|tg|web)/\.[0-9a-f]{64}\.(?:jpg|png)\.[0-9a-f]{8}\.part$")


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

    def _paths(self, f: StoredFile, *, existing: bool = True) -> list[Path]:
        """The files of the folder ``f`` names (``existing``: only those there now)."""
        if f.channel == WEB:
            refs = [f.ref]
        elif f.channel == TELEGRAM:
            digest = hashlib.sha256(f.ref.encode()).hexdigest()
            refs = [f"tg/{digest}.{ext}" for _, ext, _ in IMAGE_TYPES]
        else:
            refs = []
        if not existing:
            return [self.upload_dir / r for r in refs if REF.match(r)]
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

    async def remove_orphans(self, named: Sequence[StoredFile], before: datetime) -> int:
        return await asyncio.to_thread(self._remove_orphans, list(named), before.timestamp())

    def _remove_orphans(self, named: list[StoredFile], before: float) -> int:
        """The folder's photos (and a crashed write's leftovers, bot/files.py
        ``write_once``) that no row names, written before ``before``. /mydata files have
        their own time (``purge_exports``); a file of another shape is not the bot's."""
        if not self.upload_dir.is_dir():
            return 0
        root = self.upload_dir.resolve()
        kept = {p.resolve() for f in named for p in self._paths(f, existing=False)}
        gone = 0
        for path in sorted(root.glob("*/*")):
            rel = path.relative_to(root).as_posix()
            ours = REF.match(rel) or _PART.match(rel)
            if not ours or rel.startswith(f"{EXPORTS}/") or path in kept or \
                    not path.is_file() or path.is_symlink():
                continue
            try:
                if path.stat().st_mtime >= before:
                    continue  # perhaps being uploaded: its row is not stored yet
            except FileNotFoundError:
                continue
            gone += self._unlink(path)
        return gone

    def _purge_exports(self, before: float) -> int:
        folder = self.upload_dir / EXPORTS
        if not folder.is_dir():
            return 0
        return sum(self._unlink(path) for path in sorted(folder.iterdir())
                   if path.is_file() and path.stat().st_mtime < before)

    # -- DataExports ----------------------------------------------------------------------
    async def export(self, data: JSONObject, locale: str) -> list[JSONObject]:
        summary = render_summary(self.catalog, locale, self.timezone, data)
        complete = json.dumps(localised(self.catalog, locale, data), ensure_ascii=False,
                              indent=2, sort_keys=True) + "\n"
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
