"""What a person's web conversation shows: the bot's sent replies and their own messages.

History must show what the page showed live: replies the sender merged into one message
(a flood) are one event here too, and the person's button presses come back with the
message and button they pressed, so the page marks the choice on the card again.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.web import CHANNEL
from bot.web.files import WebFiles
from bot.web.sender import render_group
from locales import Catalog
from storage.outbox import Outgoing
from storage.tables import InboxRow, OutboxRow

LIMIT = 200


async def sent_replies(sf: async_sessionmaker, chat_id: str, since: int,
                       limit: int = LIMIT) -> list[tuple[Outgoing, datetime]]:
    """``_sent`` without the merges."""
    return [(row, at) for row, at, _ in await _sent(sf, chat_id, since, limit)]


async def _sent(sf: async_sessionmaker, chat_id: str, since: int,
                limit: int = LIMIT) -> list[tuple[Outgoing, datetime, int | None]]:
    """Delivered replies to this chat after outbox id ``since``, oldest first, with when
    they were queued (to place the person's own messages between them) and the row they
    were merged into (None: sent alone).

    From the start (``since`` 0) these are the newest ``limit`` replies, as a chat opens
    at its latest messages; after ``since``, the first ``limit`` ones (the caller asks
    again from the last one it got)."""
    async with sf() as session:
        q = (select(OutboxRow.id, OutboxRow.channel, OutboxRow.chat_id, OutboxRow.person_id,
                    OutboxRow.lane, OutboxRow.reply, OutboxRow.locale, OutboxRow.attempts,
                    OutboxRow.created_at, OutboxRow.merged_into)
             .where(OutboxRow.channel == CHANNEL, OutboxRow.chat_id == chat_id,
                    OutboxRow.status == "sent", OutboxRow.id > since)
             .limit(limit))
        rows = list(await session.execute(
            q.order_by(OutboxRow.id.desc()) if since == 0 else q.order_by(OutboxRow.id)))
        if since == 0:
            rows.reverse()
        return [(Outgoing(id=r.id, channel=r.channel, chat_id=r.chat_id, person_id=r.person_id,
                          lane=r.lane, reply=r.reply, locale=r.locale, attempts=r.attempts),
                 r.created_at, r.merged_into)
                for r in rows
                if (r.reply or {}).get("kind", "message") != "callback_answer"]


async def conversation(sf: async_sessionmaker, catalog: Catalog, files: WebFiles | None,
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


async def own_messages(sf: async_sessionmaker, chat_key: str, files: WebFiles,
                       viewer: int, limit: int = LIMIT) -> list[dict[str, Any]]:
    """The person's own recent messages as they stored them (texts, presses, photos)."""
    async with sf() as session:
        rows = await session.execute(
            select(InboxRow.payload, InboxRow.received_at)
            .where(InboxRow.channel == CHANNEL, InboxRow.chat_key == chat_key)
            .order_by(InboxRow.id.desc()).limit(limit))
        out = []
        for p, at in rows:
            if p.get("silent"):
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
