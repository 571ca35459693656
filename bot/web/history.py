"""What a person's web conversation shows: the bot's sent replies and their own messages.

History must show what the page showed live: replies the sender merged into one message
(a flood) are one event here too, and the person's button presses come back with the
message and button they pressed, so the page marks the choice on the card again. A
sealed reply comes back as a neutral line (its row keeps nothing else), and a message of
theirs whose stored payload was redacted (``FlowContext.redact_inbound``) not at all.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.web import CHANNEL
from bot.web.files import WebFiles
from bot.web.sender import render_group
from locales import Catalog
from storage.outbox import Outgoing
from storage.uow import Sessions, read_only

LIMIT = 200


async def sent_replies(sf: Sessions, chat_id: str, since: int,
                       limit: int = LIMIT) -> list[tuple[Outgoing, datetime]]:
    """``_sent`` without the merges."""
    return [(row, at) for row, at, _ in await _sent(sf, chat_id, since, limit)]


async def _sent(sf: Sessions, chat_id: str, since: int,
                limit: int = LIMIT) -> list[tuple[Outgoing, datetime, int | None]]:
    """Delivered replies to this chat after outbox id ``since``, oldest first, with when
    they were queued (to place the person's own messages between them) and the row they
    were merged into (None: sent alone).

    From the start (``since`` 0) these are the newest ``limit`` replies, as a chat opens
    at its latest messages; after ``since``, the first ``limit`` ones (the caller asks
    again from the last one it got)."""
    async with read_only(sf) as uow:
        return await uow.web.sent(CHANNEL, chat_id, since, limit)


async def conversation(sf: Sessions, catalog: Catalog, files: WebFiles | None,
                       chat_id: str, since: int, limit: int = LIMIT) -> list[dict[str, Any]]:
    """The replies after ``since`` as the page's events, merged groups as one event (placed
    where its last part was queued, as it reached the page after that one)."""
    rows = await _sent(sf, chat_id, since, limit)
    groups: dict[int, list[tuple[Outgoing, datetime]]] = {}
    order: list[int] = []
    for row, at, merged_into in rows:
        key = merged_into if merged_into is not None else -row.id
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append((row, at))
    if since and len(rows) >= limit and len(order) > 1 and order[-1] > 0:
        order.pop()  # a merged group the page may have only part of: whole on the next page
    events = []
    for key in order:
        parts = groups[key]
        events.append({**render_group(catalog, [r for r, _ in parts], files),
                       "at": parts[-1][1].isoformat()})
    events.sort(key=lambda e: e["id"])
    return events


async def own_messages(sf: Sessions, chat_key: str, files: WebFiles,
                       viewer: int, limit: int = LIMIT) -> list[dict[str, Any]]:
    """The person's own recent messages as they stored them (texts, presses, photos)."""
    async with read_only(sf) as uow:
        rows = await uow.web.received(CHANNEL, chat_key, limit)
    out = []
    for p, at in rows:
        if p.get("silent") or p.get("redacted"):  # a redacted one kept nothing to show
            continue
        mine = {"client_id": p.get("client_id"), "kind": p.get("kind"),
                "text": p.get("text") or "", "at": at.isoformat()}
        if isinstance(p.get("after"), int):  # the last reply shown when it was sent
            mine["after"] = p["after"]
        if p.get("kind") == "button":
            mine.update(action=p.get("action") or "", message_id=p.get("message_id") or "",
                        label=p.get("label") or "")
        elif p.get("kind") == "photo":
            mine["photo"] = files.view(viewer, {"kind": "photo",
                                                "refs": {CHANNEL: p["photo"]["ref"]}})
        out.append(mine)
    return out[::-1]
