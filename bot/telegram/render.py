"""Reply -> Telegram: HTML text (user values escaped) and an inline keyboard."""
from __future__ import annotations

import html
import re
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from locales import Catalog

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
LABEL_LIMIT = 64

_TOKEN = re.compile(r"<(/?)([a-z-]+)[^<>]*>|&(?:[a-z]+|#\d+|#x[0-9a-f]+);|[^<&]+|.",
                    re.S | re.I)


def _units(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def _size(tok: re.Match[str]) -> int:
    """What a token counts towards Telegram's limit: a tag nothing, an entity one."""
    piece = tok.group(0)
    if tok.group(2):
        return 0
    return 1 if piece.startswith("&") and len(piece) > 1 else _units(piece)


def fit(text: str, limit: int = TEXT_LIMIT) -> str:
    """``text`` cut to Telegram's ``limit`` (visible characters in UTF-16 units, as
    Telegram counts them after parsing the HTML), ending in "…": never inside a tag or
    an entity, and every tag still open at the cut closed."""
    if _units(text) <= limit:  # markup only ever adds characters
        return text
    tokens = list(_TOKEN.finditer(text))
    if sum(_size(tok) for tok in tokens) <= limit:
        return text
    out: list[str] = []
    open_tags: list[str] = []
    room = limit - 1  # for the "…"
    for tok in tokens:
        piece = tok.group(0)
        if tok.group(2):  # a tag costs nothing
            name = tok.group(2).lower()
            if not tok.group(1):
                open_tags.append(name)
            elif name in open_tags:
                del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name)]
            out.append(piece)
            continue
        size = _size(tok)
        if size <= room:
            out.append(piece)
            room -= size
            continue
        if not piece.startswith("&"):  # plain text: as much of it as fits
            cut = piece[:room]
            while _units(cut) > room:
                cut = cut[:-1]
            out.append(cut)
        break
    return "".join(out) + "…" + "".join(f"</{name}>" for name in reversed(open_tags))


def render_text(catalog: Catalog, locale: str, reply: dict[str, Any]) -> str:
    return fit(catalog.render(locale, reply["key"], reply.get("params"), html.escape))


def render_plain(catalog: Catalog, locale: str, reply: dict[str, Any]) -> str:
    """Text Telegram shows without parsing (a pressed button's notice)."""
    return catalog.render_plain(locale, reply["key"], reply.get("params"))


def render_keyboard(catalog: Catalog, locale: str,
                    reply: dict[str, Any]) -> InlineKeyboardMarkup | None:
    rows = reply.get("buttons") or []
    if not rows:
        return None
    # Button labels are plain text in Telegram: entities of the HTML texts decoded.
    return InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(
            text=catalog.render_plain(locale, b["label"], b.get("params"))[:LABEL_LIMIT],
            callback_data=b["action"]) for b in row]
        for row in rows
    ])
