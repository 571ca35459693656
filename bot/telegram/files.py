"""Telegram photos for the other channels: a ``bot.files.Download`` over the Bot API.

The web chat copies the photos a Telegram user sent into its upload dir to show them
(``bot/web/files.py``); it gets this download as a plain callable from ``bot/app.py``,
so the web chat never loads aiogram.
"""
from __future__ import annotations

import io

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from bot.files import DOWNLOAD_SECONDS, Download, DownloadFailed


def telegram_download(bot: Bot, *, max_bytes: int = 20 * 2**20,
                      timeout: float = DOWNLOAD_SECONDS) -> Download:
    """``download(file_id)``: the file's bytes, None if it is bigger than ``max_bytes`` or
    has no path; Telegram's refusals are raised as ``DownloadFailed``."""

    async def download(file_id: str) -> bytes | None:
        try:
            file = await bot.get_file(file_id)
            if not file.file_path or (file.file_size or 0) > max_bytes:
                return None
            buf = io.BytesIO()
            await bot.download_file(file.file_path, buf, timeout=int(timeout) + 1)
        except TelegramAPIError as exc:
            raise DownloadFailed(str(exc)) from exc
        data = buf.getvalue()
        return data if len(data) <= max_bytes else None

    return download
