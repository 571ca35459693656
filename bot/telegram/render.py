"""Reply -> Telegram: HTML text (user values escaped) and an inline keyboard."""
from __future__ import annotations

import html
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from locales import Catalog

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


def render_text(catalog: Catalog, locale: str, reply: dict[str, Any]) -> str:
    text = catalog.render(locale, reply["key"], reply.get("params"), html.escape)
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def render_keyboard(catalog: Catalog, locale: str,
                    reply: dict[str, Any]) -> InlineKeyboardMarkup | None:
    rows = reply.get("buttons") or []
    if not rows:
        return None
    # Button labels are plain text in Telegram: no escaping, no HTML.
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=catalog.render(locale, b["label"], b.get("params"))[:64],
                              callback_data=b["action"]) for b in row]
        for row in rows
    ])
