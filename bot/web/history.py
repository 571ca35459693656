"""What a person's web conversation shows: the bot's sent replies and their own messages."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.web import CHANNEL
from storage.outbox import Outgoing
from storage.tables import InboxRow, OutboxRow

LIMIT = 200


async def sent_replies(sf: async_sessionmaker, chat_id: str, since: int,
                       limit: int = LIMIT) -> list[tuple[Outgoing, datetime]]:
    """Delivered replies to this chat after outbox id ``since``, oldest first, with when
    they were queued (to place the person's own messages between them).

    From the start (``since`` 0) these are the newest ``limit`` replies, as a chat opens
    at its latest messages; after ``since``, the first ``limit`` ones (the caller asks
    again from the last one it got)."""
    async with sf() as session:
        q = (select(OutboxRow.id, OutboxRow.channel, OutboxRow.chat_id, OutboxRow.person_id,
                    OutboxRow.lane, OutboxRow.reply, OutboxRow.locale, OutboxRow.attempts,
                    OutboxRow.created_at)
             .where(OutboxRow.channel == CHANNEL, OutboxRow.chat_id == chat_id,
                    OutboxRow.status == "sent", OutboxRow.id > since)
             .limit(limit))
        rows = list(await session.execute(
            q.order_by(OutboxRow.id.desc()) if since == 0 else q.order_by(OutboxRow.id)))
        if since == 0:
            rows.reverse()
        return [(Outgoing(id=r.id, channel=r.channel, chat_id=r.chat_id, person_id=r.person_id,
                          lane=r.lane, reply=r.reply, locale=r.locale, attempts=r.attempts),
                 r.created_at)
                for r in rows
                if (r.reply or {}).get("kind", "message") != "callback_answer"]


async def own_messages(sf: async_sessionmaker, chat_key: str,
                       limit: int = LIMIT) -> list[dict[str, Any]]:
    """The person's own recent messages as they stored them (texts, presses, photos)."""
    async with sf() as session:
        rows = await session.execute(
            select(InboxRow.payload, InboxRow.received_at)
            .where(InboxRow.channel == CHANNEL, InboxRow.chat_key == chat_key)
            .order_by(InboxRow.id.desc()).limit(limit))
        out = [{"client_id": p.get("client_id"), "kind": p.get("kind"),
                "text": p.get("text") or "", "label": p.get("label") or "",
                "at": at.isoformat()} for p, at in rows if not p.get("silent")]
    return out[::-1]
